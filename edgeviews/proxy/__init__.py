"""The proxy wing: a Starlette reverse proxy that injects compiled views into HTML as it streams.

The public names are imported lazily (PEP 562), so importing a submodule such as
`edgeviews.proxy.transport` does not pay for Starlette and the rewriter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgeviews.proxy.application import EdgeviewsMiddleware, ProxyApp, create_app

__all__ = ["EdgeviewsMiddleware", "ProxyApp", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from edgeviews.proxy import application

        return getattr(application, name)
    raise AttributeError(f"module 'edgeviews.proxy' has no attribute {name!r}")
