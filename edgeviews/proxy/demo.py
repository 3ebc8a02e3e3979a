"""`edgeviews demo`: the built-in landing site behind the proxy, with the example views.

Everything runs on this machine: the landing site (our own code) on an ephemeral port of
127.0.0.1 as the upstream, the example views of the project's `views/` built into a
temporary folder, and the proxy in front, in one process and one event loop.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging.config
import socket
import sys
import tempfile
from pathlib import Path

import uvicorn

from edgeviews.config import load_config
from edgeviews.errors import EdgeviewsError
from edgeviews.proxy.application import create_app
from edgeviews.proxy.demo_site import host_site, landing_site
from edgeviews.proxy.serve import log_config

DEMO_ENV = "demo"

_CONFIG = """\
views = "{views}"
out = "{out}"
package = "views"
default_env = "demo"

[env.demo]
GA_MEASUREMENT_ID = "G-DEMO0000"
INTERCOM_APP_ID = "demo1234"
PRIVACY_URL = "/privacy"
CONSENT_COOKIE = "ev_consent_demo"

[[routes]]
match = ["/", "/about", "/home"]
upstream = "{upstream}"
unless_cookie = ["session"]
rewrite = [
  {{ selector = "body", append = "analytics" }},
  {{ selector = "body", append = "consent-banner" }},
  {{ selector = 'link[rel~="icon"]', attributes = {{ href = "/favicon.svg" }} }},
]

[[routes]]
match = ["/help/*"]
upstream = "{upstream}"
rewrite = [
  {{ selector = "body", append = "intercom" }},
  {{ selector = 'link[rel~="icon"]', attributes = {{ href = "/favicon.svg" }} }},
]
"""


def example_views() -> Path:
    """The project's example views: ./views if it holds them, else the ones beside the package."""
    for candidate in (Path.cwd() / "views", Path(__file__).resolve().parents[2] / "views"):
        if (candidate / "analytics.html").is_file():
            return candidate
    raise EdgeviewsError(
        "the example views (views/analytics.html) were not found; run `edgeviews demo` from "
        "the edgeviews repository"
    )


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise EdgeviewsError(
            f"cannot listen on {host}:{port}: {error.strerror}; pick another --port"
        ) from None
    sock.listen(128)
    sock.setblocking(False)
    return sock


async def _serve(host: str, port: int, workdir: Path) -> None:
    from edgeviews.compiler.build import build_project

    upstream_sock = _bind("127.0.0.1", 0)
    proxy_sock = _bind(host, port)
    upstream_port = upstream_sock.getsockname()[1]
    config_path = workdir / "edgeviews.toml"
    config_path.write_text(
        _CONFIG.format(
            views=example_views().as_posix(),
            out=(workdir / "build").as_posix(),
            upstream=f"http://127.0.0.1:{upstream_port}",
        )
    )
    config = load_config(config_path)
    build_project(config, env=DEMO_ENV)
    proxy = create_app(config, env=DEMO_ENV, app=host_site())
    # The landing site runs inside the proxy's server loop without signal handlers of its own,
    # so Ctrl-C (handled by the proxy's server) stops both.
    upstream_config = uvicorn.Config(
        landing_site(), log_config=None, log_level="warning", access_log=False, lifespan="off"
    )
    upstream_config.load()
    upstream_server = uvicorn.Server(upstream_config)
    upstream_server.lifespan = upstream_config.lifespan_class(upstream_config)
    await upstream_server.startup(sockets=[upstream_sock])
    proxy_server = uvicorn.Server(
        uvicorn.Config(
            proxy,
            log_config=None,
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
        )
    )
    shown_host = f"[{host}]" if ":" in host else host
    url = f"http://{shown_host}:{proxy_sock.getsockname()[1]}/"
    print(
        f"edgeviews demo: open {url}\n"
        f"  upstream landing site (our own, on 127.0.0.1:{upstream_port}) -> proxy -> you\n"
        "  injected: analytics and consent-banner before </body>, intercom on /help/,"
        " favicon rewritten\n"
        "  press Ctrl-C to stop",
        flush=True,
    )
    try:
        await proxy_server.serve(sockets=[proxy_sock])
    finally:
        await upstream_server.shutdown(sockets=[upstream_sock])


def run(*, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Build the example views, start the landing site and the proxy, print the URL, serve."""
    logging.config.dictConfig(log_config())
    with (
        tempfile.TemporaryDirectory(prefix="edgeviews-demo-") as workdir,
        contextlib.suppress(KeyboardInterrupt),
    ):
        asyncio.run(_serve(host, port, Path(workdir)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edgeviews.proxy.demo", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    try:
        run(host=args.host, port=args.port)
    except EdgeviewsError as error:
        print(f"edgeviews: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
