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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import uvicorn
import watchfiles

from edgeviews.config import Config
from edgeviews.errors import EdgeviewsError
from edgeviews.livereload import LiveReload
from edgeviews.proxy import create_app
from edgeviews.rebuild import Rebuild, Rebuilder
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


class _Server(uvicorn.Server):
    """uvicorn's Server without its signal handling: dev owns Ctrl-C for both of its halves."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _serve_and_watch(config: Config, *, env: str | None, listener: socket.socket) -> None:
    rebuilder = Rebuilder(config, env=env)
    rebuilder.build_all()
    proxy = create_app(config, env=env)
    app = LiveReload(proxy, config)
    server = _Server(
        uvicorn.Config(
            app,
            log_level="info",
            access_log=False,
            timeout_graceful_shutdown=_GRACEFUL_SHUTDOWN,
            server_header=False,
            date_header=False,
        )
    )
    stop = asyncio.Event()

    def request_stop() -> None:
        if stop.is_set():
            server.force_exit = True  # a second Ctrl-C: do not wait for open connections
        stop.set()
        server.should_exit = True
        app.broadcaster.close()  # end the event streams, or shutdown would wait on them

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, request_stop)

    serving = asyncio.ensure_future(server.serve(sockets=[listener]))
    while not server.started and not serving.done():
        await asyncio.sleep(0.01)
    if server.started:
        host, port = listener.getsockname()[:2]
        shown = f"[{host}]" if ":" in host else host
        print(f"serving on http://{shown}:{port}", flush=True)
        watching = asyncio.ensure_future(_watch_and_swap(rebuilder, proxy, app, stop))
        await asyncio.wait({serving, watching}, return_when=asyncio.FIRST_COMPLETED)
        request_stop()
        try:
            await watching  # raises what stopped the watcher early (a vanished views folder)
        finally:
            await serving
    else:
        await serving
    print("stopped", flush=True)


async def _watch_and_swap(
    rebuilder: Rebuilder, proxy: Any, app: LiveReload, stop: asyncio.Event
) -> None:
    pending: Config | None = None  # a configuration built but refused by the proxy so far
    announced: Config | None = None
    while not stop.is_set():
        config = rebuilder.config
        listening = False
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
            # The build is CPU work: in a thread, so requests keep being served meanwhile.
            if not listening:
                listening = True
                outcome: Rebuild | None = await asyncio.to_thread(rebuilder.catch_up, paths)
                say_watching(config, announced)
                announced = config
            elif paths:
                outcome = await asyncio.to_thread(rebuilder.apply, paths)
            else:
                continue
            if outcome is not None and outcome.ok and (outcome.views or outcome.config or pending):
                pending = swap_in(outcome, pending, rebuilder, proxy, app)
            if config_touched(config, paths):
                break


def swap_in(
    outcome: Rebuild, pending: Config | None, rebuilder: Rebuilder, proxy: Any, app: LiveReload
) -> Config | None:
    """Give the running proxy the new build (and configuration), then tell the open pages.

    Returns the configuration the proxy refused, to offer it again with the next good build.
    """
    config = outcome.config or pending
    try:
        proxy.reload(config)
    except Exception as error:  # the proxy keeps its old snapshot when loading fails
        what = "configuration" if config is not None else "build"
        rebuilder.report_error(
            f"the proxy could not load the new {what}: {error}",
            f"it keeps serving the previous {what}; fix it and save again",
        )
        return config
    if config is not None:
        app.use_config(config)
        app.views_changed(outcome.views, everything=True)
    elif outcome.views:
        app.views_changed(outcome.views)
    return None
