"""One round of watch mode: from the files that changed to a new build, a new configuration, or an error.

`edgeviews watch` and `edgeviews dev` share it; it knows nothing of watchfiles or the proxy.
A failed round leaves the last good build in place (the build swaps its output in atomically)
and is reported on one screen: file, line, the offending line, and what to do.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from edgeviews.compiler.build import BuildResult, build_project
from edgeviews.compiler.project import ViewError, display_path
from edgeviews.config import Config, load_config
from edgeviews.errors import EdgeviewsError

# How many view names a rebuild line lists before it says "and N more".
_NAMES_SHOWN = 5


@dataclass(frozen=True)
class Rebuild:
    """What one round did: `ok` means the output is current; `config` is set when a new one took effect."""

    ok: bool
    views: tuple[str, ...] = ()
    config: Config | None = None


class Rebuilder:
    """Holds the configuration in force and the changes not yet built, and reports each round."""

    def __init__(self, config: Config, *, env: str | None, out: TextIO | None = None) -> None:
        self.config = config
        self.env = env
        self._out = out if out is not None else sys.stdout
        self._colour = self._out.isatty() and "NO_COLOR" not in os.environ
        # Saves not yet in a good build. The build decides what to recompile by content hash
        # (`changed` is only its hint), so this only tells whether there is anything to do.
        self._unbuilt: set[Path] = set()
        # A configuration read but not yet built successfully: it takes effect with the next good build.
        self._config_unbuilt = False
        self._last_error: str | None = None
        # The configuration file's bytes as last read: a save that changed nothing (or a
        # second look at the same broken file) is not read or reported again.
        self._config_bytes = _read_bytes(config.source)

    def build_all(self) -> Rebuild:
        """The first build of a session: everything the build considers stale."""
        return self._build(None)

    def catch_up(self, changed: Iterable[Path] = ()) -> Rebuild:
        """Build what changed while no watcher was listening (it starts after the first build,
        and restarts after a configuration change); silent when nothing did."""
        self._take(changed)
        if self.config.source is not None:
            self._reread_config()
        return self._build(None, quiet=True)

    def apply(self, changed: Iterable[Path]) -> Rebuild | None:
        """Rebuild after `changed` files were saved or removed; None when there was nothing to do."""
        self._take(changed)
        if self._config_unbuilt:
            return self._build(None)  # new Jinja options or env values can change every view
        if not self._unbuilt:
            return None
        return self._build(set(self._unbuilt))

    def _take(self, changed: Iterable[Path]) -> None:
        changed = set(changed)
        source = self.config.source
        if source is not None and source in changed:
            changed.discard(source)
            self._reread_config()
        self._unbuilt |= changed

    def _reread_config(self) -> None:
        source = self.config.source
        assert source is not None
        data = _read_bytes(source)
        if data == self._config_bytes:
            return
        self._config_bytes = data
        try:
            config = load_config(source, cwd=self.config.root)
        except EdgeviewsError as error:
            self.say("error", str(error))
            self.say_more("the previous configuration stays in force; fix the file and save it")
            return
        if config == self.config:
            return
        self.config = config
        self._config_unbuilt = True
        self.say("config", f"{display_path(source)} changed: rebuilding everything")

    def _build(self, changed: set[Path] | None, *, quiet: bool = False) -> Rebuild:
        """One build; `quiet` leaves out "nothing to recompile" and an error already on screen."""
        try:
            result = build_project(self.config, env=self.env, changed=changed)
        except EdgeviewsError as error:
            if not (quiet and str(error) == self._last_error):
                self._report_error(error)
            self._last_error = str(error)
            return Rebuild(ok=False)
        except Exception:  # a bug in the build: say so, keep the session and the last good build
            self.say("error", "the build crashed (a bug in edgeviews; please report it):")
            self._out.write(traceback.format_exc())
            self._out.flush()
            return Rebuild(ok=False)
        self._unbuilt.clear()
        self._last_error = None
        config = self.config if self._config_unbuilt else None
        self._config_unbuilt = False
        views = recompiled_views(result)
        if views or not quiet:
            self.say("built", describe_build(result.compiled, result.seconds, result.removed))
        return Rebuild(ok=True, views=views, config=config)

    def report_error(self, text: str, hint: str) -> None:
        """An error line and what to do, in the same shape as build errors."""
        self.say("error", text)
        self.say_more(hint)

    def _report_error(self, error: EdgeviewsError) -> None:
        text = str(error)
        self.say("error", text)
        if "\n" not in text:
            line = offending_line(error)
            if line is not None:
                self.say_more(line)
        if self.config.package_dir.is_dir():
            self.say_more("the last good build stays in place; fix the file and save it again")
        else:
            self.say_more("nothing is built yet; fix the file and save it again")

    def say(self, kind: str, text: str) -> None:
        """`12:00:01 kind: text`, the shape of every line watch mode prints."""
        label = f"{kind}:"
        if self._colour:
            colour = {"error": "31", "built": "32"}.get(kind, "36")
            label = f"\x1b[{colour}m{label}\x1b[0m"
        self._out.write(f"{time.strftime('%H:%M:%S')} {label} {text}\n")
        self._out.flush()

    def say_more(self, text: str) -> None:
        """A follow-up line under the last one (the offending line, what to do)."""
        self._out.write(f"         {text}\n")
        self._out.flush()


def _read_bytes(path: Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None  # gone: load_config says so, with the path


def recompiled_views(result: BuildResult) -> tuple[str, ...]:
    """The exported views that changed: written anew (dependants of a changed partial
    included) or removed; a page that used any of them is out of date."""
    return (*result.compiled, *result.removed)


def describe_build(compiled: Sequence[str], seconds: float, removed: Sequence[str] = ()) -> str:
    """`analytics, consent_banner (2 views) in 12 ms`: the line a rebuild prints."""
    milliseconds = f"{seconds * 1000:.0f} ms"
    if not compiled and not removed:
        return f"nothing to recompile ({milliseconds})"
    parts = []
    if compiled:
        count = "1 view" if len(compiled) == 1 else f"{len(compiled)} views"
        parts.append(f"{_names(compiled)} ({count})")
    if removed:
        parts.append(f"removed {_names(removed)}")
    return f"{', '.join(parts)} in {milliseconds}"


def _names(views: Sequence[str]) -> str:
    names = ", ".join(views[:_NAMES_SHOWN])
    if len(views) > _NAMES_SHOWN:
        names += f" and {len(views) - _NAMES_SHOWN} more"
    return names


def offending_line(error: EdgeviewsError) -> str | None:
    """`  12 | {{ broken }`: the source line a template error points at."""
    if isinstance(error, ViewError) and error.lineno and error.line is not None:
        return f"{error.lineno:>4} | {error.line}"
    return None
