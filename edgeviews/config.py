"""Reading edgeviews.toml (or [tool.edgeviews] in pyproject.toml) into frozen, validated values.

Every command starts here, so every mistake in the file is reported once, with the file, the
key and what to write instead, before anything is built or served.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, cast

from edgeviews.errors import ConfigError

__all__ = [
    "CONTENT_ACTIONS",
    "JINJA_OPTIONS",
    "TEMPLATE_SUFFIXES",
    "Config",
    "RewriteRule",
    "Route",
    "export_name",
    "interpolate",
    "load_config",
]

RewriteAction = Literal["append", "prepend", "before", "after", "replace", "attributes"]
CONTENT_ACTIONS: tuple[RewriteAction, ...] = ("append", "prepend", "before", "after", "replace")

# compile_source options as jinja2.Environment names them, with the TOML types they accept.
JINJA_OPTIONS: Mapping[str, tuple[type, ...]] = MappingProxyType(
    {
        "autoescape": (bool,),
        "trim_blocks": (bool,),
        "lstrip_blocks": (bool,),
        "keep_trailing_newline": (bool,),
        "newline_sequence": (str,),
        "block_start_string": (str,),
        "block_end_string": (str,),
        "variable_start_string": (str,),
        "variable_end_string": (str,),
        "comment_start_string": (str,),
        "comment_end_string": (str,),
        "line_statement_prefix": (str,),
        "line_comment_prefix": (str,),
        "undefined": (str,),
        "extensions": (list,),
    }
)
_UNDEFINED_KINDS = ("default", "strict", "chainable")
_NEWLINES = ("\n", "\r\n", "\r")
_TOP_LEVEL_KEYS = ("views", "out", "package", "jinja", "env", "default_env", "routes", "proxy")
_ROUTE_KEYS = (
    "match",
    "upstream",
    "rewrite",
    "unless_cookie",
    "unless_header",
    "preserve_host",
    "forward_cookies",
    "forward_authorization",
)
_VARIABLE = re.compile(r"\$(\$)?\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
TEMPLATE_SUFFIXES = (".html", ".htm", ".jinja", ".jinja2", ".j2", ".xml", ".svg", ".txt")


def export_name(view: str) -> str:
    """The Python name a view is exported as: `consent-banner.html` -> `consent_banner`.

    Shared by the build (which names modules and functions) and the routes (which name views),
    so `append = "consent-banner"` and `append = "consent_banner"` mean the same view.
    """
    name = view
    for suffix in TEMPLATE_SUFFIXES:
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return re.sub(r"[/.\-\s]", "_", name)


@dataclass(frozen=True)
class RewriteRule:
    """One rewrite of a proxied page: at `selector`, insert a view or set attributes."""

    selector: str
    action: RewriteAction
    view: str | None = None
    attributes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Route:
    """Paths served from an upstream site, and the rewrites applied to its HTML pages."""

    match: tuple[str, ...]
    upstream: str
    rewrite: tuple[RewriteRule, ...] = ()
    unless_cookie: tuple[str, ...] = ()
    unless_header: tuple[str, ...] = ()
    preserve_host: bool = False
    forward_cookies: tuple[str, ...] | None = None
    forward_authorization: bool = False
    """Send the client's `Authorization` upstream. Off by default: a host application's bearer
    token or basic-auth credentials must not reach a third party (Framer, Intercom)."""


@dataclass(frozen=True)
class Config:
    """The whole configuration, with every path made absolute against the project root."""

    root: Path
    source: Path | None
    views: Path
    out: Path
    package: str
    jinja: Mapping[str, Any]
    envs: Mapping[str, Mapping[str, Any]]
    default_env: str | None
    routes: tuple[Route, ...]
    proxy: Mapping[str, Any]

    @property
    def package_dir(self) -> Path:
        """Where `edgeviews build` writes the importable package: `<out>/<package>`."""
        return self.out / self.package

    def env_values(self, name: str | None) -> dict[str, Any]:
        """The values of `[env.NAME]` (or of `default_env`) with `${VAR}` read from os.environ.

        No name and no default_env gives an empty environment.
        """
        chosen = name if name is not None else self.default_env
        if chosen is None:
            return {}
        if chosen not in self.envs:
            known = ", ".join(sorted(self.envs)) or "none"
            raise ConfigError(
                f"no environment {chosen!r} (defined: {known}); add an [env.{chosen}] table",
                path=self.source,
                key="env",
            )
        return {
            key: interpolate(value, path=self.source, key=f"env.{chosen}.{key}")
            for key, value in self.envs[chosen].items()
        }


def interpolate(value: Any, *, path: Path | None = None, key: str | None = None) -> Any:
    """Replace `${VAR}` and `${VAR:-default}` in strings (inside lists and tables too).

    `$${VAR}` stays a literal `${VAR}`. An unset variable without a default is an error, not an
    empty string: a missing measurement ID should stop a deploy, not ship a broken tag.
    """
    if isinstance(value, str):

        def substitute(match: re.Match[str]) -> str:
            escaped, variable, default = match.groups()
            if escaped:
                return match.group(0)[1:]
            found = os.environ.get(variable)
            if found is not None:
                return found
            if default is not None:
                return default
            raise ConfigError(
                f"environment variable {variable} is not set; export it or write "
                f"${{{variable}:-default}}",
                path=path,
                key=key,
            )

        return _VARIABLE.sub(substitute, value)
    if isinstance(value, list):
        return [interpolate(item, path=path, key=key) for item in value]
    if isinstance(value, dict):
        return {
            k: interpolate(v, path=path, key=f"{key}.{k}" if key else k) for k, v in value.items()
        }
    return value


def load_config(path: Path | None = None, *, cwd: Path | None = None) -> Config:
    """Read `path`, else ./edgeviews.toml, else [tool.edgeviews] in ./pyproject.toml, else defaults."""
    base = (cwd or Path.cwd()).resolve()
    if path is not None:
        source = (base / path).resolve()
        if not source.is_file():
            raise ConfigError("configuration file not found", path=source)
        table = _read_table(source)
    elif (base / "edgeviews.toml").is_file():
        source = base / "edgeviews.toml"
        table = _read_table(source)
    elif (base / "pyproject.toml").is_file() and "edgeviews" in _pyproject_tool(
        base / "pyproject.toml"
    ):
        source = base / "pyproject.toml"
        table = _read_table(source)
    else:
        return _parse({}, root=base, source=None)
    return _parse(table, root=source.parent, source=source)


def _pyproject_tool(path: Path) -> dict[str, Any]:
    data = _read_toml(path)
    tool = data.get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _read_table(source: Path) -> dict[str, Any]:
    data = _read_toml(source)
    if source.name != "pyproject.toml":
        return data
    table = _pyproject_tool(source).get("edgeviews", {})
    if not isinstance(table, dict):
        raise ConfigError("must be a table", path=source, key="tool.edgeviews")
    return table


def _read_toml(source: Path) -> dict[str, Any]:
    try:
        with source.open("rb") as file:
            return tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"not valid TOML: {error}", path=source) from None
    except OSError as error:
        raise ConfigError(f"cannot read: {error.strerror}", path=source) from None


def _parse(table: Mapping[str, Any], *, root: Path, source: Path | None) -> Config:
    reader = _Reader(source)
    reader.no_unknown_keys(table, _TOP_LEVEL_KEYS, where=None)
    views = reader.string(table, "views", default="views")
    out = reader.string(table, "out", default="build")
    package = reader.string(table, "package", default="views")
    if not package.isidentifier():
        raise ConfigError(
            f"{package!r} is not an importable name; use letters, digits and _",
            path=source,
            key="package",
        )
    jinja = _parse_jinja(reader, reader.table(table, "jinja"))
    envs_table = reader.table(table, "env")
    envs: dict[str, Mapping[str, Any]] = {}
    for name, values in envs_table.items():
        if not isinstance(values, dict):
            reader.fail(f"env.{name}", "must be a table of values, e.g. [env.production]")
        envs[name] = MappingProxyType(dict(values))
    default_env = reader.optional_string(table, "default_env")
    if default_env is not None and default_env not in envs:
        reader.fail("default_env", f"names {default_env!r}, but there is no [env.{default_env}]")
    routes_value = table.get("routes", [])
    if not isinstance(routes_value, list):
        reader.fail("routes", "must be an array of tables: write [[routes]]")
    routes = tuple(
        _parse_route(reader, route, key=f"routes[{index}]")
        for index, route in enumerate(routes_value)
    )
    proxy = reader.table(table, "proxy")
    return Config(
        root=root,
        source=source,
        views=(root / views).resolve(),
        out=(root / out).resolve(),
        package=package,
        jinja=MappingProxyType(jinja),
        envs=MappingProxyType(envs),
        default_env=default_env,
        routes=routes,
        proxy=MappingProxyType(dict(proxy)),
    )


def _parse_jinja(reader: _Reader, table: Mapping[str, Any]) -> dict[str, Any]:
    reader.no_unknown_keys(table, tuple(JINJA_OPTIONS), where="jinja")
    options: dict[str, Any] = {"autoescape": True}
    for name, value in table.items():
        key = f"jinja.{name}"
        if not isinstance(value, JINJA_OPTIONS[name]):
            reader.fail(key, f"must be a {JINJA_OPTIONS[name][0].__name__}, not {value!r}")
        if name == "undefined" and value not in _UNDEFINED_KINDS:
            reader.fail(key, f"must be one of {', '.join(_UNDEFINED_KINDS)}")
        if name == "newline_sequence" and value not in _NEWLINES:
            reader.fail(key, 'must be "\\n", "\\r\\n" or "\\r"')
        if name == "extensions" and not all(isinstance(item, str) for item in value):
            reader.fail(key, 'must be a list of names, e.g. ["loopcontrols", "do"]')
        options[name] = tuple(value) if isinstance(value, list) else value
    return options


def _parse_route(reader: _Reader, route: Any, *, key: str) -> Route:
    if not isinstance(route, dict):
        reader.fail(key, "must be a table")
    reader.no_unknown_keys(route, _ROUTE_KEYS, where=key)
    match = reader.strings(route, "match", key=f"{key}.match", required=True)
    if not match:
        reader.fail(f"{key}.match", "must name at least one path")
    for path in match:
        if not path.startswith("/") or "*" in path.removesuffix("/*"):
            reader.fail(
                f"{key}.match", f"{path!r}: write an exact path ('/about') or a prefix ('/help/*')"
            )
    upstream = route.get("upstream")
    if not isinstance(upstream, str) or not re.match(r"^https?://[^/\s]+", upstream):
        reader.fail(f"{key}.upstream", 'must be an http(s) URL, e.g. "https://example.framer.app"')
    rewrite_value = route.get("rewrite", [])
    if not isinstance(rewrite_value, list):
        reader.fail(f"{key}.rewrite", "must be a list of rules")
    rewrite = tuple(
        _parse_rule(reader, rule, key=f"{key}.rewrite[{index}]")
        for index, rule in enumerate(rewrite_value)
    )
    preserve_host = route.get("preserve_host", False)
    if not isinstance(preserve_host, bool):
        reader.fail(f"{key}.preserve_host", "must be true or false")
    forward = (
        reader.strings(route, "forward_cookies", key=f"{key}.forward_cookies")
        if "forward_cookies" in route
        else None
    )
    forward_authorization = route.get("forward_authorization", False)
    if not isinstance(forward_authorization, bool):
        reader.fail(
            f"{key}.forward_authorization",
            "must be true or false (true sends the client's Authorization header to this "
            "upstream; leave it out for third parties)",
        )
    return Route(
        match=match,
        upstream=upstream,
        rewrite=rewrite,
        unless_cookie=reader.strings(route, "unless_cookie", key=f"{key}.unless_cookie"),
        unless_header=reader.strings(route, "unless_header", key=f"{key}.unless_header"),
        preserve_host=preserve_host,
        forward_cookies=forward,
        forward_authorization=forward_authorization,
    )


def _parse_rule(reader: _Reader, rule: Any, *, key: str) -> RewriteRule:
    if not isinstance(rule, dict):
        reader.fail(key, 'must be a table, e.g. { selector = "body", append = "analytics" }')
    reader.no_unknown_keys(rule, ("selector", *CONTENT_ACTIONS, "attributes"), where=key)
    selector = rule.get("selector")
    if not isinstance(selector, str) or not selector.strip():
        reader.fail(f"{key}.selector", 'must be a CSS selector, e.g. "body"')
    actions = [name for name in (*CONTENT_ACTIONS, "attributes") if name in rule]
    if len(actions) != 1:
        reader.fail(
            key, "needs exactly one of append, prepend, before, after, replace or attributes"
        )
    action = actions[0]
    value = rule[action]
    if action == "attributes":
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            reader.fail(f"{key}.attributes", 'must be a table of strings, e.g. { href = "/x" }')
        return RewriteRule(selector, action, attributes=MappingProxyType(dict(value)))
    if not isinstance(value, str) or not value:
        reader.fail(f"{key}.{action}", 'must name a view, e.g. "analytics"')
    return RewriteRule(selector, action, view=export_name(value))


class _Reader:
    """Typed reads from a TOML table that fail with the file and the dotted key."""

    def __init__(self, source: Path | None) -> None:
        self.source = source

    def fail(self, key: str | None, message: str) -> Any:
        raise ConfigError(message, path=self.source, key=key)

    def no_unknown_keys(
        self, table: Mapping[str, Any], known: tuple[str, ...], *, where: str | None
    ) -> None:
        for key in table:
            if key not in known:
                dotted = f"{where}.{key}" if where else key
                self.fail(dotted, f"unknown key; expected one of {', '.join(known)}")

    def string(self, table: Mapping[str, Any], key: str, *, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value:
            self.fail(key, f"must be a non-empty string, not {value!r}")
        return cast(str, value)

    def optional_string(self, table: Mapping[str, Any], key: str) -> str | None:
        value = table.get(key)
        if value is not None and not isinstance(value, str):
            self.fail(key, f"must be a string, not {value!r}")
        return value

    def table(self, table: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = table.get(key, {})
        if not isinstance(value, dict):
            self.fail(key, f"must be a table, e.g. [{key}]")
        return cast(dict[str, Any], value)

    def strings(
        self, table: Mapping[str, Any], name: str, *, key: str, required: bool = False
    ) -> tuple[str, ...]:
        if name not in table:
            if required:
                self.fail(key, "is required")
            return ()
        value = table[name]
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.fail(key, "must be a string or a list of strings")
        return tuple(value)
