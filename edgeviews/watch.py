"""Watch mode: `edgeviews watch` rebuilds on every save; `edgeviews dev` also serves the proxy.

watchfiles reports saves under the views folder and of the configuration file; each round
goes to the Rebuilder (edgeviews/rebuild.py). `dev` runs uvicorn and the watcher in one event
loop, so a good build is swapped into the running proxy (`app.reload()`) between requests,
with no restart and no connection dropped, and open pages hear about it (livereload.py).
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import watchfiles
from watchfiles import Change, DefaultFilter

from edgeviews.compiler.project import display_path
from edgeviews.config import TEMPLATE_SUFFIXES, Config
from edgeviews.errors import EdgeviewsError
from edgeviews.rebuild import Rebuilder

__all__ = ["DEBOUNCE_MS", "STEP_MS", "ProjectFilter", "dev", "watch", "watched_paths"]

# watchfiles returns once the folder has been quiet for STEP_MS after a change, so a single
# save waits 1-2 steps; DEBOUNCE_MS only caps how long a burst (a git checkout, a search and
# replace) is grouped into one build. Its defaults (50 ms, 1.6 s) are tuned for restarting
# processes; a rebuild is cheap, so we wait far less.
STEP_MS = 10
DEBOUNCE_MS = 100
# How long the watching thread waits before it reports "no change". The first such report
# says the watcher is listening (saves from then on are seen; what changed before is caught up
# by content hash), so it is kept short; stop requests and Ctrl-C are checked every step.
RUST_TIMEOUT_MS = 100


class ProjectFilter(DefaultFilter):
    """Passes the configuration file and the templates in the views folder (what the build
    reads), so editor swap files, VCS folders and the build output never start a build."""

    def __init__(self, config: Config) -> None:
        super().__init__(ignore_paths=[config.out])
        self.views = config.views
        self.source = config.source

    def __call__(self, change: Change, path: str) -> bool:
        file = Path(path)
        if file == self.source:
            return True
        return (
            file.name.endswith(TEMPLATE_SUFFIXES)
            and not file.name.startswith(".")
            and file.is_relative_to(self.views)
            and super().__call__(change, path)
        )


def watched_paths(config: Config) -> list[Path]:
    """The views folder and the configuration file (the file itself, not its folder, which
    usually holds .venv and the build output)."""
    if not config.views.is_dir():
        where = f" (set `views` in {config.source.name})" if config.source else ""
        raise EdgeviewsError(f"{config.views}: the views folder does not exist; create it{where}")
    paths = [config.views]
    if config.source is not None:
        paths.append(config.source)
    return paths


def watch(config: Config, *, env: str | None) -> None:
    """Build, then rebuild on every save until Ctrl-C; errors are reported and survived."""
    rebuilder = Rebuilder(config, env=env)
    with _interrupt_on_sigterm():
        try:
            rebuilder.build_all()
            announced: Config | None = None
            while True:
                announced = _watch_until_config_changes(rebuilder, announced)
        except KeyboardInterrupt:
            print("stopped", flush=True)


def _watch_until_config_changes(rebuilder: Rebuilder, announced: Config | None) -> Config:
    config = rebuilder.config
    listening = False
    for changes in watchfiles.watch(
        *watched_paths(config),
        watch_filter=ProjectFilter(config),
        debounce=DEBOUNCE_MS,
        step=STEP_MS,
        rust_timeout=RUST_TIMEOUT_MS,
        yield_on_timeout=True,  # the first timeout says the watcher is listening
    ):
        paths = {Path(path) for _, path in changes}
        if not listening:
            listening = True
            rebuilder.catch_up(paths)
            say_watching(config, announced)
        elif paths:
            rebuilder.apply(paths)
        if config_touched(config, paths):
            break
    return config


def config_touched(config: Config, paths: set[Path]) -> bool:
    """A save of the configuration file: the watcher restarts, on the new views folder if it
    moved, and on the new file, as editors that save by renaming a new file over the old one
    leave a watch on the old file's inode."""
    return config.source is not None and config.source in paths


def say_watching(config: Config, announced: Config | None) -> None:
    """The "watching ..." line, once, and again only when a new configuration moved the files."""
    if announced is not None and (announced.views, announced.source) == (
        config.views,
        config.source,
    ):
        return
    shown = [display_path(config.views) + "/"]
    if config.source is not None:
        shown.append(display_path(config.source))
    print(f"watching {' and '.join(shown)} (Ctrl-C to stop)", flush=True)


@contextlib.contextmanager
def _interrupt_on_sigterm() -> Iterator[None]:
    """SIGTERM (a process manager, a test) stops watch as cleanly as Ctrl-C does."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def dev(config: Config, *, env: str | None, host: str, port: int) -> None:
    """Serve the proxy at host:port and rebuild on every save, swapping good builds in live."""
    from edgeviews.devserver import serve_dev  # uvicorn and the proxy: not for `watch`

    serve_dev(config, env=env, host=host, port=port)
