"""Finding the templates in a views folder and deciding which are exported views.

A file whose name (or any folder on its path) starts with `_`, or that lives under a
`partials/` folder, is a partial: compiled into the views that use it, never exported.
"""

from __future__ import annotations

import functools
import hashlib
import keyword
import os
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from edgeviews.config import TEMPLATE_SUFFIXES, export_name
from edgeviews.errors import ConfigError, EdgeviewsError

__all__ = ["Template", "ViewError", "display_path", "find_templates", "is_partial"]

_RESERVED = frozenset({"VIEWS", "render"})


def display_path(path: Path) -> str:
    """`path` relative to the working directory when it is below it: what a user can click."""
    try:
        return path.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


class ViewError(EdgeviewsError):
    """A template cannot be built: names the file, the line, and shows the offending line."""

    def __init__(self, path: Path, lineno: int | None, message: str, *, line: str | None = None):
        self.path = path
        self.lineno = lineno
        self.message = message
        self.line = line
        where = display_path(path) + (f":{lineno}" if lineno else "")
        super().__init__(f"{where}: {message}")

    @classmethod
    def at(cls, path: Path, source: str, lineno: int | None, message: str) -> ViewError:
        """The error at `lineno` of `source`, keeping that line's text to show the user."""
        lines = source.splitlines()
        line = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else None
        return cls(path, lineno, message, line=line)


@dataclass(frozen=True)
class Template:
    """One template file: its Jinja name (relative, with /), where it is, its content hash.

    The text is read on first use: a rebuild reads only the files whose stat changed and
    those a recompiled view needs.
    """

    name: str
    folder: Path  # the views folder
    hash: str
    export: str | None  # the Python name of an exported view; None for partials
    stat: tuple[int, ...] = ()  # (inode, size, mtime_ns, ctime_ns, when it was taken, ns)

    @property
    def is_view(self) -> bool:
        return self.export is not None

    @functools.cached_property
    def path(self) -> Path:
        return self.folder / self.name

    @functools.cached_property
    def source(self) -> str:
        try:
            with open(self.path, "rb") as file:
                return file.read().decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ViewError(self.path, None, f"cannot read as UTF-8 text: {error}") from None


def is_partial(name: str) -> bool:
    """Partials are compiled into their users: `_x.html`, `_folder/...`, `partials/...`."""
    parts = name.split("/")
    return any(part.startswith("_") for part in parts) or "partials" in parts[:-1]


# A recorded stat is trusted only when the file's ctime is older than this when it was taken:
# a write in the same timestamp tick as our stat could otherwise go unseen (git's "racily
# clean" entries). ctime, because no tool can set it back.
RACY_NS = 1_000_000_000


def find_templates(
    views: Path, known: Mapping[str, tuple[str, Sequence[int]]] | None = None
) -> dict[str, Template]:
    """Every template under `views` (any depth), by Jinja name, in a stable order.

    `known` maps names to (hash, stat) from the previous build: a file whose inode, size,
    mtime and ctime are unchanged (and not racy) keeps its hash without being read, as git's
    index does. The hash is still what decides what to rebuild.
    """
    if not views.is_dir():
        raise ConfigError(
            f"views folder {views} not found: create it or set `views = ...` in the configuration",
            key="views",
        )
    found: dict[str, Template] = {}
    exported: dict[str, str] = {}
    known = known or {}
    for name in sorted(_walk(str(views), "")):
        export = None if is_partial(name) else export_name(name)
        if export is not None:
            _check_export(export, name, views, exported)
            exported[export] = name
        taken = time.time_ns()
        try:
            info = os.stat(f"{views}{os.sep}{name}")
        except OSError as error:
            raise ViewError(views / name, None, f"cannot read: {error.strerror}") from None
        stat = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
        previous = known.get(name)
        if (
            previous is not None
            and tuple(previous[1][:4]) == stat
            and len(previous[1]) == 5
            and stat[3] < previous[1][4] - RACY_NS
        ):
            found[name] = Template(name, views, previous[0], export, tuple(previous[1]))
            continue
        source = Template(name, views, "", export).source
        digest = hashlib.sha256(source.encode("utf-8")).hexdigest()
        found[name] = Template(name, views, digest, export, (*stat, taken))
        found[name].__dict__["source"] = source  # read once: keep the text
    return found


def _walk(folder: str, prefix: str) -> list[str]:
    """Template names below `folder` ("a/b.html"); hidden files and folders (editor swap
    files) are skipped. Plain strings: this runs on every rebuild, for every file."""
    names: list[str] = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or entry.name == "__pycache__":
                continue
            if entry.is_dir():
                names.extend(_walk(entry.path, f"{prefix}{entry.name}/"))
            elif entry.name.endswith(TEMPLATE_SUFFIXES):
                names.append(prefix + entry.name)
    return names


def _check_export(export: str, name: str, views: Path, exported: dict[str, str]) -> None:
    where = views / name
    if not export.isidentifier() or keyword.iskeyword(export) or export in _RESERVED:
        raise ViewError(
            where,
            None,
            f"a view becomes a Python function named {export!r}, which is not a valid name; "
            "rename the file (letters, digits, - and _; not starting with a digit)",
        )
    if export in exported:
        raise ViewError(
            where,
            None,
            f"exported as {export!r}, like {display_path(views / exported[export])}; "
            "rename one of them",
        )
