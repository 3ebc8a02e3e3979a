"""The proxy as an ASGI app: configured routes forwarded, everything else to the host app.

The per-request path for proxied routes is a plain ASGI call into `forward`; Starlette
serves what is around it: the health endpoint, fall-through to the host application (or a
404), lifespan, and use as middleware. `reload()` swaps in a new snapshot of configuration
and views in one assignment, so requests in flight finish with the one they started with.
"""

from __future__ import annotations

import logging
import os
import time

import httpx2
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from edgeviews.config import Config
from edgeviews.proxy.access_log import Exchange, client_address, log_access
from edgeviews.proxy.asgi import ASGIApp, Message, Receive, Scope, Send
from edgeviews.proxy.forwarding import forward
from edgeviews.proxy.snapshot import RoutePlan, Snapshot, build_snapshot
from edgeviews.proxy.target import relative_paths
from edgeviews.proxy.upstream_client import fast_transport, make_client
from edgeviews.proxy.websocket import forward_websocket

logger = logging.getLogger("edgeviews.proxy")


class ProxyApp:
    """An ASGI app serving the configured routes, with `reload()` for watch mode."""

    def __init__(
        self,
        config: Config,
        *,
        env: str | None = None,
        app: ASGIApp | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self._env = env if env is not None else config.default_env
        self._snapshot: Snapshot = build_snapshot(config, self._env)
        self._host_app = app
        self._transport = transport
        self._client: httpx2.AsyncClient | None = None
        self._upstream: httpx2.AsyncBaseTransport | None = None
        self._fallback = self._router(self._snapshot)

    def _router(self, snapshot: Snapshot) -> Router:
        """Starlette around the proxy: the health endpoint, then the host app (or a 404)."""
        return Router(
            routes=[Route(snapshot.settings.health_path, self._health, methods=["GET", "HEAD"])],
            default=self._host_app,
            redirect_slashes=False,
        )

    @property
    def snapshot(self) -> Snapshot:
        return self._snapshot

    def reload(self, config: Config | None = None) -> None:
        """Load the build output (and the new config, if given) and swap them in atomically.

        Raises if loading fails; the old snapshot then stays in service.
        """
        new = build_snapshot(config if config is not None else self._snapshot.config, self._env)
        if new.settings.health_path != self._snapshot.settings.health_path:
            self._fallback = self._router(new)
        self._snapshot = new
        logger.info("reloaded: %d routes, env %s", len(new.plans), new.env or "-")

    def _upstream_for_worker(self) -> httpx2.AsyncBaseTransport:
        """The pool of this worker, created on first use inside the worker's own event loop.

        The client owns it (and closes it); requests go to its transport directly, skipping
        the client's auth, redirect and cookie layers that a proxy must not use anyway.
        """
        if self._client is None or self._upstream is None:
            settings = self._snapshot.settings
            self._upstream = self._transport or fast_transport(settings)
            self._client = make_client(settings, self._upstream)
        return self._upstream

    async def aclose(self) -> None:
        """Close the upstream connection pool (at lifespan shutdown)."""
        if self._client is not None:
            client, self._client, self._upstream = self._client, None, None
            await client.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            snapshot = self._snapshot
            plan, path, raw_path = _plan_for(snapshot, scope)
            if plan is not None:
                await forward(
                    scope,
                    receive,
                    send,
                    transport=self._upstream_for_worker(),
                    snapshot=snapshot,
                    plan=plan,
                    path=path,
                    raw_path=raw_path,
                )
                return
            await self._fall_through(scope, receive, send, path)
        elif scope["type"] == "lifespan":
            await self._lifespan(scope, receive, send)
        elif scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
        else:
            await self._fallback(scope, receive, send)

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket on a proxied path is relayed upstream (same matching as HTTP)."""
        snapshot = self._snapshot
        plan, path, raw_path = _plan_for(snapshot, scope)
        if plan is not None:
            await forward_websocket(
                scope, receive, send, snapshot=snapshot, plan=plan, path=path, raw_path=raw_path
            )
            return
        await self._fallback(scope, receive, send)

    async def _fall_through(self, scope: Scope, receive: Receive, send: Send, path: str) -> None:
        """Serve from the health endpoint or the host app, with an access line like proxied ones."""
        started = time.perf_counter()
        exchange = Exchange(
            method=scope["method"], path=path, client=client_address(scope), mode="app"
        )

        async def send_noting_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                exchange.status = message["status"]
            await send(message)

        try:
            await self._fallback(scope, receive, send_noting_status)
        finally:
            log_access(exchange, [], (time.perf_counter() - started) * 1000)

    async def _health(self, request: Request) -> Response:
        snapshot = self._snapshot
        return JSONResponse(
            {
                "status": "ok",
                "env": snapshot.env,
                "routes": len(snapshot.plans),
                "views": sorted(
                    {s.view for p in snapshot.plans for s in p.snippets if s is not None}
                ),
            },
            headers={"cache-control": "no-store"},
        )

    async def _lifespan(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._host_app is not None:

            async def send_after_closing(message: Message) -> None:
                if message["type"] == "lifespan.shutdown.complete":
                    await self.aclose()
                await send(message)

            await self._host_app(scope, receive, send_after_closing)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


def _plan_for(snapshot: Snapshot, scope: Scope) -> tuple[RoutePlan | None, str, bytes]:
    """The route plan that proxies this request (None: not proxied, or the health endpoint),
    with the request's path and raw path relative to the app's mount point."""
    path, raw_path = relative_paths(
        scope["path"], scope.get("raw_path"), scope.get("root_path", "")
    )
    if path != snapshot.settings.health_path:
        headers = scope["headers"]
        for plan in snapshot.plans:
            if plan.route.matches_path(path) and not plan.route.excluded_by(headers):
                return plan, path, raw_path
    return None, path, raw_path


def create_app(
    config: Config,
    env: str | None = None,
    app: ASGIApp | None = None,
    transport: httpx2.AsyncBaseTransport | None = None,
) -> ProxyApp:
    """The proxy for `config` in environment `env`, falling through to `app` (else 404)."""
    return ProxyApp(config, env=env, app=app, transport=transport)


class EdgeviewsMiddleware:
    """The proxy as Starlette middleware: `Middleware(EdgeviewsMiddleware, config=..., env=...)`."""

    def __init__(
        self,
        app: ASGIApp,
        config: Config,
        env: str | None = None,
        transport: httpx2.AsyncBaseTransport | None = None,
    ) -> None:
        self.proxy = ProxyApp(config, env=env, app=app, transport=transport)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.proxy(scope, receive, send)

    def reload(self, config: Config | None = None) -> None:
        self.proxy.reload(config)


def env_from_environment() -> str | None:
    """$EDGEVIEWS_ENV, the environment `proxy/app.py` and `edgeviews serve` workers use."""
    return os.environ.get("EDGEVIEWS_ENV") or None
