"""`edgeviews dev`: the proxy under uvicorn and the watcher in one event loop, one process.

After each good build the running proxy swaps the new views in (`reload()`), between
requests: nothing restarts, no connection drops, requests in flight finish with the views
they started with. A new configuration goes in the same way, or, when the proxy refuses it,
is reported while the old one stays live. Open pages hear of it through livereload.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import tempfile
import time
from collections.abc import AsyncGenerator, Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn
import watchfiles

from edgeviews.bytecode_cache import BytecodeCache
from edgeviews.config import Config
from edgeviews.errors import EdgeviewsError
from edgeviews.livereload import LiveReload
from edgeviews.proxy import ProxyApp, create_app
from edgeviews.proxy.serve import log_config
from edgeviews.rebuild import Rebuild, Rebuilder
from edgeviews.routed_views import RoutedViews, routed_views
from edgeviews.watch import (
    DEBOUNCE_MS,
    RUST_TIMEOUT_MS,
    STEP_MS,
    ProjectFilter,
    config_touched,
    say_watching,
    watched_paths,
)

# Seconds uvicorn waits for open connections at shutdown; event streams are ended first.
_GRACEFUL_SHUTDOWN = 3


def serve_dev(config: Config, *, env: str | None, host: str, port: int) -> None:
    """Run until Ctrl-C (or SIGTERM); returns normally then."""
    config.env_values(env)  # a mistyped --env is an error now, not a build that never succeeds
    listener = listen(host, port)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            runner.run(_serve_and_watch(config, env=env, listener=listener))
    finally:
        listener.close()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where installed, as uvicorn itself would pick: dev serves like `serve` does."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def listen(host: str, port: int) -> socket.socket:
    """Bind here, not in uvicorn, so a taken port is our error message and port 0 works."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
        family, kind, proto, _, address = infos[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
    except OSError as error:
        raise EdgeviewsError(
            f"cannot listen on {host}:{port}: {error.strerror or error}; "
            "choose another with --port (0 picks a free one)"
        ) from None
    listener.listen(2048)
    return listener


def _dev_log_config() -> dict[str, Any]:
    config = log_config()
    config["loggers"]["edgeviews"]["level"] = "WARNING"
    config["loggers"]["edgeviews.proxy.access"] = {"level": "INFO"}
    return config


class _Server(uvicorn.Server):
    """uvicorn's Server without its signal handling: dev owns Ctrl-C for both of its halves."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


class _Stop:
    """Ctrl-C and SIGTERM for both halves of dev: stop watching, let uvicorn shut down."""

    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.server: uvicorn.Server | None = None
        self.app: LiveReload | None = None
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.on_signal)

    def on_signal(self) -> None:
        if self.event.is_set() and self.server is not None:
            self.server.force_exit = True  # a second Ctrl-C: do not wait for open connections
        self.request()

    def request(self) -> None:
        self.event.set()
        if self.server is not None:
            self.server.should_exit = True
        if self.app is not None:
            self.app.broadcaster.close()  # end the event streams, or shutdown would wait on them


async def _serve_and_watch(config: Config, *, env: str | None, listener: socket.socket) -> None:
    stop = _Stop()
    with tempfile.TemporaryDirectory(prefix="edgeviews-dev-") as cache_dir:
        rebuilder = Rebuilder(config, env=env)
        announced: Config | None = None
        if not rebuilder.build_all().ok and not config.package_dir.is_dir():
            rebuilder.say_more("the proxy starts after the first good build")
            if not await _first_good_build(rebuilder, stop.event):
                print("stopped", flush=True)
                return
            config = announced = rebuilder.config
        views = _ServedViews(Path(cache_dir))
        with views.importing():
            proxy = create_app(views.update(config), env=env)
        stop.app = app = LiveReload(proxy, config)
        await _serve(app, _Session(rebuilder, proxy, app, views, announced), listener, stop)


async def _serve(app: LiveReload, session: _Session, listener: socket.socket, stop: _Stop) -> None:
    stop.server = server = _Server(
        uvicorn.Config(
            app,
            # As `edgeviews serve` runs it (edgeviews/proxy/serve.py), but quieter: uvicorn
            # says only what goes wrong, and dev prints its own line where the proxy logs
            # "reloaded"; the proxy's access log (what was injected) stays.
            log_config=_dev_log_config(),
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
            proxy_headers=False,
            lifespan="on",
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN,
        )
    )
    serving = asyncio.ensure_future(server.serve(sockets=[listener]))
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if server.started:
        host, port = listener.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"serving on http://{shown}:{port}", flush=True)
        watching = asyncio.ensure_future(session.watch(stop.event))
        await asyncio.wait({serving, watching}, return_when=asyncio.FIRST_COMPLETED)
        stop.request()
        try:
            await watching  # raises what stopped the watcher early (a vanished views folder)
        finally:
            await serving
    else:
        await serving
    print("stopped", flush=True)


async def _rounds(
    rebuilder: Rebuilder, stop: asyncio.Event
) -> AsyncGenerator[tuple[Config, set[Path], bool], None]:
    """The watcher's rounds as (configuration, changed paths, first). The first comes once the
    watcher listens (catch up then with saves made before); the others carry changes. A save of
    the configuration restarts the watcher on the new one (watch.config_touched)."""
    while not stop.is_set():
        config = rebuilder.config
        first = True
        async for changes in watchfiles.awatch(
            *watched_paths(config),
            watch_filter=ProjectFilter(config),
            debounce=DEBOUNCE_MS,
            step=STEP_MS,
            rust_timeout=RUST_TIMEOUT_MS,
            yield_on_timeout=True,  # the first timeout says the watcher is listening
            stop_event=stop,
        ):
            paths = {Path(path) for _, path in changes}
            if first or paths:
                yield config, paths, first
                first = False
            if config_touched(config, paths):
                break


async def _first_good_build(rebuilder: Rebuilder, stop: asyncio.Event) -> bool:
    """Watch, without serving, until a build succeeds (True) or dev is stopped (False)."""
    async with contextlib.aclosing(_rounds(rebuilder, stop)) as rounds:
        async for config, paths, first in rounds:
            build = rebuilder.catch_up if first else rebuilder.apply
            outcome: Rebuild | None = await asyncio.to_thread(build, paths)
            if first:
                say_watching(config, None)
            if outcome is not None and outcome.ok:
                return True
    return False


class _ServedViews:
    """What the proxy imports in dev: the routed views only (routed_views.py), with bytecode
    kept across saves (bytecode_cache.py)."""

    def __init__(self, directory: Path) -> None:
        self.routed = RoutedViews(directory / "routed")
        self.bytecode = BytecodeCache(directory / "bytecode")

    @contextlib.contextmanager
    def importing(self) -> Iterator[None]:
        with self.bytecode.installed():
            yield

    def update(self, config: Config) -> Config:
        """Bring the copy up to date with `config`'s build; the configuration to load it with."""
        served = self.routed.config_for(config)
        with self.bytecode.installed():
            self.bytecode.refresh(served.package_dir)
        return served


class _Session:
    """The watcher's half of dev: build on each save, swap good builds into the proxy, tell pages."""

    def __init__(
        self,
        rebuilder: Rebuilder,
        proxy: ProxyApp,
        app: LiveReload,
        views: _ServedViews,
        announced: Config | None,
    ) -> None:
        self.rebuilder = rebuilder
        self.proxy = proxy
        self.app = app
        self.views = views
        self.refused: Config | None = None  # a configuration built but refused by the proxy so far
        self.reload_seconds = 0.0
        self.announced = announced  # the configuration whose "watching" line is on screen

    async def watch(self, stop: asyncio.Event) -> None:
        async with contextlib.aclosing(_rounds(self.rebuilder, stop)) as rounds:
            async for config, paths, first in rounds:
                if first:
                    await self._round(self.rebuilder.catch_up, paths)
                    say_watching(config, self.announced)
                    self.announced = config
                else:
                    await self._round(self.rebuilder.apply, paths)

    async def _round(self, build: Callable[[set[Path]], Rebuild | None], paths: set[Path]) -> None:
        # Building and importing are CPU work: in a thread, so requests are served meanwhile.
        started = time.perf_counter()
        swapped = await asyncio.to_thread(self._build_and_load, build, paths)
        if swapped is None:
            return
        if swapped.config is not None:
            self.app.use_config(swapped.config)
            self.app.views_changed(swapped.views, everything=True)
        else:
            self.app.views_changed(swapped.views)
        pages = self.app.broadcaster.listeners
        self.rebuilder.say(
            "live",
            f"in the proxy {_milliseconds(time.perf_counter() - started)} after the save "
            f"(reload {_milliseconds(self.reload_seconds)}); "
            f"{pages} open page{'' if pages == 1 else 's'} told",
        )

    def _build_and_load(
        self, build: Callable[[set[Path]], Rebuild | None], paths: set[Path]
    ) -> Rebuild | None:
        """Build, and give a good build (and configuration) to the proxy: what is live now,
        or None when the proxy kept what it had."""
        outcome = build(paths)
        if outcome is None or not outcome.ok:
            return None
        config = outcome.config or self.refused
        if config is None and not _used_by_routes(outcome.views, self.rebuilder.config):
            return None  # the proxy renders only the views its routes use: nothing to swap
        started = time.perf_counter()
        try:
            served = self.views.update(self.rebuilder.config)
            with self.views.importing():
                self.proxy.reload(served)
        except Exception as error:  # the proxy keeps its old snapshot when loading fails
            what = "configuration" if config is not None else "build"
            self.rebuilder.report_error(
                f"the proxy could not load the new {what}: {error}",
                f"it keeps serving the previous {what}; fix it and save again",
            )
            self.refused = config
            return None
        self.refused = None
        self.reload_seconds = time.perf_counter() - started
        return Rebuild(ok=True, views=outcome.views, config=config)


def _milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _used_by_routes(views: tuple[str, ...], config: Config) -> bool:
    return not set(routed_views(config)).isdisjoint(views)
