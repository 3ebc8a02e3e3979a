"""Run the proxy under uvicorn: `edgeviews serve`, and `python -m edgeviews.proxy.serve`.

uvicorn's own Server and Date headers are switched off: the upstream's pass through, and two
of each is trap 11 of notes/proxy.md. uvicorn's access log is off too; the proxy writes its
own, with upstream time and what was injected.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import ctypes
import ctypes.util
import logging.config
import os
from pathlib import Path
from typing import Any

import uvicorn

from edgeviews.config import Config, load_config
from edgeviews.errors import EdgeviewsError
from edgeviews.proxy.application import ProxyApp, create_app
from edgeviews.proxy.websocket_upstream import MAX_MESSAGE_BYTES

_CONFIG_VAR = "EDGEVIEWS_CONFIG"
_ROOT_VAR = "EDGEVIEWS_ROOT"
_ENV_VAR = "EDGEVIEWS_ENV"


def log_config() -> dict[str, Any]:
    """uvicorn's logging setup plus our `edgeviews` loggers on stderr."""
    config: dict[str, Any] = copy.deepcopy(uvicorn.config.LOGGING_CONFIG)
    config["formatters"]["edgeviews"] = {
        "()": "edgeviews.proxy.access_log.LineFormatter",  # asctime formatted once a second
        "fmt": "%(asctime)s %(levelname)s %(name)s: %(message)s",
    }
    config["handlers"]["edgeviews"] = {
        "formatter": "edgeviews",
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["handlers"]["edgeviews_access"] = {
        "formatter": "edgeviews",
        "class": "edgeviews.proxy.access_log.BatchingStreamHandler",
        "stream": "ext://sys.stderr",
    }
    config["loggers"]["edgeviews"] = {
        "handlers": ["edgeviews"],
        "level": "INFO",
        "propagate": False,
    }
    # One line per request, written in batches (a write and flush per line cost 5-9%).
    config["loggers"]["edgeviews.proxy.access"] = {
        "handlers": ["edgeviews_access"],
        "level": "INFO",
        "propagate": False,
    }
    return config


_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


def keep_freed_memory() -> bool:
    """Tell glibc's malloc to keep freed memory for reuse instead of handing it back at once.

    Every proxied page passes through a few buffers of its size (the socket read, the body
    after the head, the rewriter's output). With glibc's defaults a process could land in a
    heap layout where freeing them trimmed the heap every request and the next request faulted
    the pages back in: ~12 page faults and 20-30 us more system time per 60 KB page, seen in
    some `edgeviews serve` processes and not others. Buffers under 4 MiB now come from the heap,
    and it is trimmed only when 16 MiB lie free at its top. Returns False where the C library
    has no `mallopt` (musl, macOS): nothing to tune there.
    """
    mallopt = None
    with contextlib.suppress(OSError):
        mallopt = getattr(ctypes.CDLL(ctypes.util.find_library("c")), "mallopt", None)
    if mallopt is None:
        return False
    return bool(
        mallopt(_M_MMAP_THRESHOLD, 4 * 1024 * 1024) and mallopt(_M_TRIM_THRESHOLD, 16 * 1024 * 1024)
    )


def worker_app() -> ProxyApp:
    """The app factory each uvicorn worker process calls (configuration passed in the environment)."""
    keep_freed_memory()
    source = os.environ.get(_CONFIG_VAR) or None
    root = os.environ.get(_ROOT_VAR) or None
    config = load_config(Path(source) if source else None, cwd=Path(root) if root else None)
    return create_app(config, env=os.environ.get(_ENV_VAR) or None)


def run(
    config: Config,
    *,
    env: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
) -> None:
    """Serve the proxy until interrupted; raises EdgeviewsError before binding if it cannot load."""
    env = env if env is not None else config.default_env
    keep_freed_memory()
    logging.config.dictConfig(log_config())
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "server_header": False,
        "date_header": False,
        "access_log": False,
        "log_config": log_config(),
        "proxy_headers": False,
        "lifespan": "on",
        # The relay refuses bigger messages anyway; uvicorn would buffer up to 16 MiB first.
        "ws_max_size": MAX_MESSAGE_BYTES,
    }
    if workers > 1:
        # Workers import the app themselves; check it loads here so errors reach the user.
        create_app(config, env=env)
        os.environ[_CONFIG_VAR] = str(config.source) if config.source else ""
        os.environ[_ROOT_VAR] = str(config.root)
        if env is not None:
            os.environ[_ENV_VAR] = env
        uvicorn.run("edgeviews.proxy.serve:worker_app", factory=True, workers=workers, **options)
    else:
        uvicorn.run(create_app(config, env=env), **options)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edgeviews.proxy.serve", description=__doc__)
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--env", default=None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        config = load_config(args.config)
        run(config, env=args.env, host=args.host, port=args.port, workers=args.workers)
    except EdgeviewsError as error:
        print(f"edgeviews: {error}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
