"""The small HTML pages the proxy answers with when it cannot get a page from the upstream.

A client never sees a traceback: it gets a short page saying what failed, and the operator
gets a log line with the details.
"""

from __future__ import annotations

import html
from email.utils import formatdate
from typing import Final

from edgeviews.proxy.asgi import Send

_TITLES: Final = {
    400: "Bad request",
    404: "Not found",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


def error_page(status: int, detail: str) -> bytes:
    title = _TITLES.get(status, "Error")
    return (
        "<!doctype html>\n<html lang=en><head><meta charset=utf-8>"
        f"<title>{status} {title}</title></head>\n"
        f"<body><h1>{status} {title}</h1>\n<p>{html.escape(detail)}</p></body></html>\n"
    ).encode()


async def send_error_page(send: Send, status: int, detail: str, *, head: bool = False) -> None:
    """Answer with a complete error response; the body is left out for HEAD."""
    body = error_page(status, detail)
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/html; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"cache-control", b"no-store"),
                (b"date", formatdate(usegmt=True).encode("ascii")),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if head else body})
