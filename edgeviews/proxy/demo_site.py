"""The built-in landing site `edgeviews demo` proxies: a stand-in for a Framer site, all local.

A few pages with the markup the example rules act on (`<link rel=icon>`, a `</body>`), one
without a `</body>` at all (the rewriter's fallback puts the snippet at the end), and a small
help center for the Intercom-style route. Served by our own code on 127.0.0.1 only.
"""

from __future__ import annotations

import html

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

_ICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<circle cx="8" cy="8" r="7" fill="{color}"/></svg>'
)

_PAGES = {
    "/": ("Acme Rockets", "Rockets for everyone. Fast, safe, and made with care."),
    "/about": ("About Acme", "We have built rockets since 1949."),
    "/home": ("Welcome back", "Your rocket is on its way."),
}


def _page(title: str, text: str, *, body_end: bool = True) -> str:
    links = " · ".join(f'<a href="{path}">{html.escape(t)}</a>' for path, (t, _) in _PAGES.items())
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title>\n"
        '<link rel="icon" href="/site-icon.svg" type="image/svg+xml">\n'
        "<meta name=viewport content='width=device-width, initial-scale=1'>\n"
        "<style>body{font:16px/1.5 system-ui;margin:3rem auto;max-width:40rem}</style>"
        "</head>\n<body>\n"
        f"<nav>{links} · <a href=/help/>Help</a></nav>\n<h1>{html.escape(title)}</h1>\n"
        f"<p>{html.escape(text)}</p>\n"
        "<script>var note = '</body> in a script is not the end of the page';</script>\n"
        + ("</body>\n</html>\n" if body_end else "")
    )


async def _landing(request: Request) -> Response:
    title, text = _PAGES[request.url.path]
    return HTMLResponse(_page(title, text))


async def _help(request: Request) -> Response:
    # No </body> or </html> here: the snippet still lands, at the end of the document.
    return HTMLResponse(_page("Help center", "How can we help?", body_end=False))


async def _icon(request: Request) -> Response:
    return Response(_ICON.format(color="#c33"), media_type="image/svg+xml")


def landing_site() -> Starlette:
    """The demo upstream as an ASGI app."""
    routes = [Route(path, _landing) for path in _PAGES]
    routes += [Route("/help/{rest:path}", _help), Route("/site-icon.svg", _icon)]
    return Starlette(routes=routes)


async def _our_icon(request: Request) -> Response:
    return Response(_ICON.format(color="#36c"), media_type="image/svg+xml")


async def _our_app(request: Request) -> Response:
    return HTMLResponse(
        "<!doctype html><title>Your app</title><h1>Your application</h1>"
        "<p>Requests no route matches (and signed-in users, by cookie) land here.</p>"
    )


def host_site() -> Starlette:
    """The demo's host application: our own favicon and an app page behind the proxy."""
    return Starlette(
        routes=[
            Route("/favicon.ico", _our_icon),
            Route("/favicon.svg", _our_icon),
            Route("/app", _our_app),
        ]
    )
