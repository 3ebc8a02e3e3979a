"""Everything one version of the proxy serves with: routes, rendered snippets, settings.

Views are loaded from the build output (`<out>/<package>/__init__.py`, imported by path under
a fresh module name each time, so a reload never sees a stale module) and rendered once per
snapshot: the environment is fixed for the app's lifetime, so a view's output is too, and its
script hashes for CSP are computed here, not per request. A reload builds a new Snapshot and
swaps one reference; requests in flight keep the one they started with.
"""

from __future__ import annotations

import hashlib
import importlib.util
import itertools
import logging
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgeviews.config import Config, RewriteRule, export_name
from edgeviews.errors import ConfigError, EdgeviewsError
from edgeviews.proxy.csp import ScriptSources, scripts_of
from edgeviews.proxy.injection import build_rewriter
from edgeviews.proxy.routes import CompiledRoute, compile_route
from edgeviews.proxy.settings import ProxySettings, load_settings
from edgeviews.rewriter import Rewriter

logger = logging.getLogger("edgeviews.proxy")

_module_counter = itertools.count()


@dataclass(frozen=True, slots=True)
class Snippet:
    """A view rendered for this snapshot's environment, or the error rendering it raised."""

    view: str
    html: str
    scripts: ScriptSources
    error: str | None = None


@dataclass(frozen=True, slots=True)
class RoutePlan:
    """A route plus what its rewrite needs: snippets by rule, CSP sources, the ETag tag."""

    route: CompiledRoute
    snippets: tuple[Snippet | None, ...]
    scripts: ScriptSources
    tag: str
    broken_view: Snippet | None
    rewriter: Rewriter | None

    @property
    def rewrites(self) -> bool:
        return bool(self.route.rules)


@dataclass(frozen=True, slots=True)
class Snapshot:
    config: Config
    env: str | None
    settings: ProxySettings
    plans: tuple[RoutePlan, ...]


def load_views(package_dir: Path) -> Mapping[str, Callable[..., str]]:
    """Import the built views package by path under a fresh name and return its VIEWS table."""
    return _import_views(package_dir)[1]


def _forget_module(name: str) -> None:
    """Drop a views package (and its submodules) from sys.modules once its views are rendered,
    so a long watch session does not keep every build it ever loaded."""
    for key in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
        del sys.modules[key]


def _import_views(package_dir: Path) -> tuple[str, Mapping[str, Callable[..., str]]]:
    init = package_dir / "__init__.py"
    if not init.is_file():
        raise ConfigError(
            f"no built views at {package_dir}; run `edgeviews build` first",
            key="out",
        )
    name = f"_edgeviews_views_{next(_module_counter)}"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(package_dir)]
    )
    if spec is None or spec.loader is None:
        raise ConfigError(f"cannot import {init}", key="out")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        _forget_module(name)
        raise ConfigError(
            f"importing the built views failed ({type(error).__name__}: {error}); "
            "run `edgeviews build` again",
            path=init,
        ) from error
    views = getattr(module, "VIEWS", None)
    if not isinstance(views, dict):
        _forget_module(name)
        raise ConfigError(f"{init} has no VIEWS table; run `edgeviews build` again", path=init)
    return name, views


def _render(view: str, views: Mapping[str, Callable[..., str]], env: dict[str, Any]) -> Snippet:
    try:
        html = str(views[view](env))
    except Exception as error:  # a view's own bug must not take the site down
        message = f"view {view!r} raised {type(error).__name__}: {error}"
        logger.error("%s; pages using it are served unchanged", message)
        return Snippet(view=view, html="", scripts=ScriptSources(), error=message)
    return Snippet(view=view, html=html, scripts=scripts_of(html))


def build_snapshot(
    config: Config, env: str | None, *, views: Mapping[str, Callable[..., str]] | None = None
) -> Snapshot:
    """Validate settings and routes, import the build output and render every used view."""
    settings = load_settings(config.proxy, source=config.source)
    env_values = config.env_values(env)
    routes = [
        compile_route(route, index, source=config.source)
        for index, route in enumerate(config.routes)
    ]
    needs_views = any(rule.view for route in config.routes for rule in route.rewrite)
    module_name = None
    if views is None:
        module_name, views = _import_views(config.package_dir) if needs_views else (None, {})
    try:
        return _plan_routes(config, env, settings, routes, views, env_values)
    finally:
        if module_name is not None:
            _forget_module(module_name)


def _plan_routes(
    config: Config,
    env: str | None,
    settings: ProxySettings,
    routes: list[CompiledRoute],
    views: Mapping[str, Callable[..., str]],
    env_values: dict[str, Any],
) -> Snapshot:
    rendered: dict[str, Snippet] = {}
    plans: list[RoutePlan] = []
    for index, compiled in enumerate(routes):
        plans.append(_plan_route(config, settings, index, compiled, views, env_values, rendered))
    return Snapshot(config=config, env=env, settings=settings, plans=tuple(plans))


def _plan_route(
    config: Config,
    settings: ProxySettings,
    index: int,
    compiled: CompiledRoute,
    views: Mapping[str, Callable[..., str]],
    env_values: dict[str, Any],
    rendered: dict[str, Snippet],
) -> RoutePlan:
    snippets: list[Snippet | None] = []
    for rule in compiled.rules:
        if rule.view is None:
            snippets.append(None)
            continue
        name = export_name(rule.view)
        if name not in views:
            known = ", ".join(sorted(views)) or "none"
            raise ConfigError(
                f"view {rule.view!r} is not in the build output (built: {known}); "
                "check the name or run `edgeviews build`",
                path=config.source,
                key=f"routes[{index}].rewrite",
            )
        if name not in rendered:
            rendered[name] = _render(name, views, env_values)
        snippets.append(rendered[name])
    scripts = ScriptSources()
    for snippet in snippets:
        if snippet is not None:
            scripts = scripts + snippet.scripts
    rewriter = None
    if compiled.rules:
        try:
            rewriter = build_rewriter(
                [
                    (rule, snippet.html if snippet is not None else None)
                    for rule, snippet in zip(compiled.rules, snippets, strict=True)
                ],
                csp_sources=scripts if settings.csp and scripts else None,
            )
        except EdgeviewsError as error:
            raise ConfigError(
                str(error), path=config.source, key=f"routes[{index}].rewrite"
            ) from None
    return RoutePlan(
        route=compiled,
        snippets=tuple(snippets),
        scripts=scripts,
        tag=_tag(compiled.rules, snippets),
        broken_view=next((s for s in snippets if s is not None and s.error), None),
        rewriter=rewriter,
    )


def _tag(rules: tuple[RewriteRule, ...], snippets: list[Snippet | None]) -> str:
    digest = hashlib.sha256()
    for rule, snippet in zip(rules, snippets, strict=True):
        digest.update(repr((rule.selector, rule.action, sorted(rule.attributes.items()))).encode())
        digest.update(snippet.html.encode() if snippet is not None else b"\0")
    return digest.hexdigest()[:8]
