"""Finding the templates in a views folder and deciding which are exported views.

A file whose name (or any folder on its path) starts with `_`, or that lives under a
`partials/` folder, is a partial: compiled into the views that use it, never exported.
"""

from __future__ import annotations

import hashlib
import keyword
import os
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
    """One template file: its Jinja name (relative, with /), where it is, and its content."""

    name: str
    path: Path
    source: str
    hash: str
    export: str | None  # the Python name of an exported view; None for partials

    @property
    def is_view(self) -> bool:
        return self.export is not None


def is_partial(name: str) -> bool:
    """Partials are compiled into their users: `_x.html`, `_folder/...`, `partials/...`."""
    parts = name.split("/")
    return any(part.startswith("_") for part in parts) or "partials" in parts[:-1]


def find_templates(views: Path) -> dict[str, Template]:
    """Every template under `views` (any depth), by Jinja name, in a stable order."""
    if not views.is_dir():
        raise ConfigError(
            f"views folder {views} not found: create it or set `views = ...` in the configuration",
            key="views",
        )
    found: dict[str, Template] = {}
    exported: dict[str, str] = {}
    for name in sorted(_walk(str(views), "")):
        path = views / name
        try:
            with open(f"{views}{os.sep}{name}", "rb") as file:
                data = file.read()
            source = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ViewError(path, None, f"cannot read as UTF-8 text: {error}") from None
        export = None if is_partial(name) else export_name(name)
        if export is not None:
            _check_export(export, name, views, exported)
            exported[export] = name
        digest = hashlib.sha256(data).hexdigest()
        found[name] = Template(name=name, path=path, source=source, hash=digest, export=export)
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
