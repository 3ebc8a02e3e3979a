"""The proxy app in-process: host app fall-through, mounting, middleware, reload, lifespan, env."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Mount, Route

from edgeviews.config import load_config
from edgeviews.errors import ConfigError
from edgeviews.proxy import EdgeviewsMiddleware, ProxyApp, create_app
from edgeviews.proxy.asgi import ASGIApp
from tests.e2e.conftest import GA_ID, Upstream, write_build, write_project


@pytest.fixture
def project(tmp_path: Path, upstream: Upstream) -> Path:
    return write_project(tmp_path, upstream=upstream.origin)


def host_app() -> Starlette:
    async def home(request: object) -> PlainTextResponse:
        return PlainTextResponse("host app")

    return Starlette(routes=[Route("/app", home), Route("/about", home)])


async def fetch(app: ASGIApp, path: str, **kwargs: object) -> httpx2.Response:
    transport = httpx2.ASGITransport(app=app)
    async with httpx2.AsyncClient(transport=transport, base_url="http://www.example.com") as client:
        return await client.get(path, **kwargs)  # type: ignore[arg-type]


async def test_unrouted_requests_go_to_the_host_app(project: Path) -> None:
    app = create_app(load_config(project), env="test", app=host_app())
    assert (await fetch(app, "/app")).text == "host app"
    proxied = await fetch(app, "/about", headers={"Accept-Encoding": "identity"})
    assert f"gtag('config', '{GA_ID}')" in proxied.text
    # unless_cookie: signed-in users get the host app's /about
    assert (await fetch(app, "/about", headers={"Cookie": "signed_in=1"})).text == "host app"


async def test_no_host_app_means_404_and_health_is_outside_routes(project: Path) -> None:
    app = create_app(load_config(project), env="test")
    assert (await fetch(app, "/app")).status_code == 404
    health = await fetch(app, "/_edgeviews/health")
    assert health.json() == {
        "status": "ok",
        "env": "test",
        "routes": 5,
        "views": ["analytics", "explode"],
    }


async def test_mounted_under_starlette(project: Path, upstream: Upstream) -> None:
    proxy = create_app(load_config(project), env="test")
    app = Starlette(routes=[Mount("/site", app=proxy)])
    response = await fetch(app, "/site/raw/redirect")
    assert upstream.received("/raw/redirect").target == "/raw/redirect"
    assert response.headers["location"] == "http://www.example.com/site/landed?x=1"


async def test_as_middleware(project: Path) -> None:
    app = Starlette(
        routes=host_app().routes,
        middleware=[Middleware(EdgeviewsMiddleware, config=load_config(project), env="test")],
    )
    assert (await fetch(app, "/app")).text == "host app"
    assert GA_ID in (await fetch(app, "/home", headers={"Accept-Encoding": "identity"})).text


async def test_env_chooses_the_values(project: Path) -> None:
    app = create_app(load_config(project), env="other")
    assert "G-OTHER" in (await fetch(app, "/", headers={"Accept-Encoding": "identity"})).text


async def test_reload_swaps_views_and_keeps_old_snapshot_when_loading_fails(project: Path) -> None:
    app = create_app(load_config(project), env="test")
    before = await fetch(app, "/about", headers={"Accept-Encoding": "identity"})
    write_build(
        project.parent / "build",
        source="def analytics(env=None):\n    return '<i>v2</i>'\nVIEWS = {'analytics': analytics, 'explode': analytics}\n",
    )
    app.reload()
    after = await fetch(app, "/about", headers={"Accept-Encoding": "identity"})
    assert "<i>v2</i></body>" in after.text and GA_ID not in after.text
    assert before.headers["etag"] != after.headers["etag"]
    write_build(project.parent / "build", source="raise ImportError('half-written build')\n")
    with pytest.raises(ConfigError, match="edgeviews build"):
        app.reload()
    assert "<i>v2</i>" in (await fetch(app, "/about", headers={"Accept-Encoding": "identity"})).text


async def test_reload_with_a_new_config(project: Path, upstream: Upstream) -> None:
    app = create_app(load_config(project), env="test")
    text = project.read_text().replace('match = ["/raw/*"]', 'match = ["/raw2/*"]')
    project.write_text(text)
    app.reload(load_config(project))
    assert (await fetch(app, "/raw/echo/x")).status_code == 404
    response = await fetch(app, "/raw2/echo/x")
    assert response.text == "no such test page"  # the upstream's own 404: it was forwarded
    assert upstream.received("/raw2/echo/x").method == "GET"


async def test_requests_in_flight_finish_with_their_snapshot(project: Path) -> None:
    app = create_app(load_config(project), env="test")
    slow = asyncio.ensure_future(
        fetch(app, "/t/slow?delay=0.3", headers={"Accept-Encoding": "identity"})
    )
    await asyncio.sleep(0.1)
    write_build(
        project.parent / "build",
        source="def analytics(env=None):\n    return '<i>v2</i>'\nVIEWS = {'analytics': analytics, 'explode': analytics}\n",
    )
    app.reload()
    assert GA_ID in (await slow).text


async def test_unknown_view_or_bad_proxy_table_are_config_errors(project: Path) -> None:
    project.write_text(project.read_text().replace('append = "explode"', 'append = "nope"'))
    with pytest.raises(ConfigError, match="'nope' is not in the build output"):
        create_app(load_config(project), env="test")
    project.write_text(project.read_text().replace('append = "nope"', 'append = "explode"'))
    project.write_text(
        project.read_text().replace(
            'selector = "body", append = "explode"', 'selector = "div > > p", append = "explode"'
        )
    )
    with pytest.raises(ConfigError, match=r"routes\[4\]\.rewrite: selector 'div > > p'"):
        create_app(load_config(project), env="test")
    project.write_text(project.read_text().replace("read_timeout = 1.0", "read_timeout = -1"))
    with pytest.raises(ConfigError, match=r"proxy\.read_timeout"):
        create_app(load_config(project), env="test")


async def test_lifespan_reaches_the_host_app_and_closes_the_pool(project: Path) -> None:
    events: list[str] = []

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        events.append("startup")
        yield
        events.append("shutdown")

    host = Starlette(lifespan=lifespan)
    proxy: ProxyApp = create_app(load_config(project), env="test", app=host)
    await fetch(proxy, "/raw/echo/x")
    messages = asyncio.Queue[dict[str, str]]()
    for message in ({"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}):
        messages.put_nowait(message)
    sent: list[str] = []

    async def send(message: dict[str, str]) -> None:
        sent.append(message["type"])

    await proxy({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, messages.get, send)  # type: ignore[arg-type]
    assert events == ["startup", "shutdown"]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert proxy._client is None and proxy._upstream is None


async def test_allowed_hosts_and_configurable_header_stripping(
    tmp_path: Path, upstream: Upstream
) -> None:
    project = write_project(
        tmp_path,
        upstream=upstream.origin,
        proxy_table='allowed_hosts = ["www.example.com"]\nstrip_response_headers = ["x-upstream"]\n',
    )
    app = create_app(load_config(project), env="test")
    response = await fetch(app, "/raw/site", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200
    assert "x-upstream" not in response.headers
    assert "strict-transport-security" in response.headers  # the list replaces the default
    assert response.headers["via"] == "1.1 edgeviews"
    other = await fetch(app, "/raw/site", headers={"Host": "evil.example"})
    assert other.status_code == 400


async def test_reloads_do_not_accumulate_modules(project: Path) -> None:
    import sys

    app = create_app(load_config(project), env="test")
    before = {name for name in sys.modules if name.startswith("_edgeviews_views_")}
    for _ in range(3):
        app.reload()
    after = {name for name in sys.modules if name.startswith("_edgeviews_views_")}
    assert after <= before
    assert GA_ID in (await fetch(app, "/about", headers={"Accept-Encoding": "identity"})).text


async def test_non_ascii_snippet_on_a_windows_1252_page(project: Path) -> None:
    write_build(
        project.parent / "build",
        source="def analytics(env=None):\n    return '<p>D\\u00e9j\\u00e0 vu \\u20ac</p>'\n"
        "VIEWS = {'analytics': analytics, 'explode': analytics}\n",
    )
    app = create_app(load_config(project), env="test")
    response = await fetch(
        app,
        "/t/site",
        params={"type": "text/html; charset=windows-1252"},
        headers={"Accept-Encoding": "identity"},
    )
    assert "<p>Déjà vu €</p></body>".encode("cp1252") in response.content


async def test_pool_limit_answers_503_instead_of_queueing_forever(
    tmp_path: Path, upstream: Upstream
) -> None:
    project = write_project(
        tmp_path, upstream=upstream.origin, proxy_table="max_connections = 1\npool_timeout = 0.2\n"
    )
    app = create_app(load_config(project), env="test")
    holding = asyncio.ensure_future(fetch(app, "/raw/hang?id=pool"))
    await asyncio.sleep(0.1)
    blocked = await fetch(app, "/raw/echo/pool")
    assert blocked.status_code == 503
    assert (await holding).status_code == 504  # the read timeout (1 s) frees the connection
    assert (await fetch(app, "/raw/echo/after")).status_code == 200
