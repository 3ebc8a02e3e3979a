"""`edgeviews build`: the views folder into an importable package, incrementally and atomically.

Every view is keyed by a hash of its source, its dependencies' sources, the compiler, the
options and the baked environment. A view whose key matches the previous build is taken over
as is (a hard link), so a rebuild costs one compile per changed view plus a folder swap.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import json
import os
import sys
import time
import types
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

import edgeviews
from edgeviews.compiler.dependencies import (
    Reference,
    TemplateInfo,
    closure,
    env_use_of,
    inputs_of,
    parse_template,
    parser_environment,
)
from edgeviews.compiler.env_keys import EnvUse
from edgeviews.compiler.manifest import MANIFEST_NAME, Manifest, ViewEntry, read_manifest
from edgeviews.compiler.project import Template, ViewError, display_path, find_templates
from edgeviews.compiler.stubs import init_stub, view_stub
from edgeviews.compiler.writer import Staging
from edgeviews.config import Config
from edgeviews.errors import EdgeviewsError

__all__ = ["BuildPlan", "BuildResult", "PlannedView", "build_project", "plan_build"]

RUNTIME_MODULE = "_runtime"
_COMPILED_CACHE_SIZE = 2048
# Compiled (module, stub) by view key: watch mode switching back and forth stays cheap.
_compiled_cache: OrderedDict[str, tuple[str, str, bool]] = OrderedDict()
# Parse facts by (content hash, parse options hash).
_info_cache: dict[tuple[str, str], TemplateInfo] = {}


@dataclass(frozen=True)
class BuildResult:
    """What a build did: views compiled, taken over unchanged, removed; how long it took."""

    out: Path  # the package folder, <out>/<package>
    env: str | None  # the environment baked in, if any
    compiled: tuple[str, ...]  # exported names recompiled (dependants of a changed partial too)
    skipped: tuple[str, ...]  # exported names unchanged since the previous build
    removed: tuple[str, ...]  # exported names the previous build had and this one has not
    seconds: float
    manifest: Manifest

    @property
    def views(self) -> tuple[str, ...]:
        return tuple(self.manifest.views)


@dataclass(frozen=True)
class PlannedView:
    """One exported view and everything its compiled module depends on."""

    template: Template
    deps: tuple[str, ...]
    env: EnvUse
    inputs: frozenset[str]
    key: str


@dataclass(frozen=True)
class BuildPlan:
    """What a build of the current sources would contain, without compiling anything."""

    env: str | None
    values: dict[str, Any] | None
    options: dict[str, Any]
    options_hash: str
    fingerprint: str
    templates: dict[str, Template]
    infos: dict[str, TemplateInfo]
    views: dict[str, PlannedView]


def plan_build(
    config: Config, *, env: str | None = None, previous: Manifest | None = None
) -> BuildPlan:
    """Read and parse the views folder (reusing parse facts by content hash) and key each view."""
    values = config.env_values(env) if env is not None else None
    options = dict(config.jinja)
    known = {
        name: (entry["hash"], entry["stat"])
        for name, entry in (previous.templates if previous else {}).items()
        if isinstance(entry.get("hash"), str) and isinstance(entry.get("stat"), list)
    }
    templates = find_templates(config.views, known)
    options_hash = _hash_json(options)
    infos = _template_infos(templates, options, options_hash, previous)
    fingerprint = _hash_json(
        {"compiler": compiler_fingerprint(), "options": options, "env": env, "values": values}
    )
    views: dict[str, PlannedView] = {}
    for template in templates.values():
        if template.export is None:
            continue
        deps = tuple(closure(template.name, infos, templates))
        digest = hashlib.sha256(fingerprint.encode())
        for name in (template.name, *deps):
            digest.update(f"\0{name}\0{templates[name].hash}".encode())
        views[template.export] = PlannedView(
            template=template,
            deps=deps,
            env=env_use_of(template.name, infos, templates),
            inputs=inputs_of(template.name, deps, infos),
            key=digest.hexdigest(),
        )
    return BuildPlan(env, values, options, options_hash, fingerprint, templates, infos, views)


def build_project(
    config: Config, *, env: str | None = None, changed: Iterable[Path] | None = None
) -> BuildResult:
    """Build `config.views` into `<out>/<package>`; on any error the previous output stays.

    `changed` (paths that changed, deleted ones included) is only a hint: what to rebuild is
    decided by content hash, so a missed or spurious event never yields a stale build.
    """
    del changed  # content hashes decide; see the docstring
    started = time.perf_counter()
    target = config.package_dir
    previous = read_manifest(target)
    plan = plan_build(config, env=env, previous=previous)
    if previous is not None and _up_to_date(previous, plan, target):
        return BuildResult(
            out=target,
            env=env,
            compiled=(),
            skipped=tuple(previous.views),
            removed=(),
            seconds=time.perf_counter() - started,
            manifest=previous,
        )
    compiled: list[str] = []
    skipped: list[str] = []
    entries: dict[str, ViewEntry] = {}
    staging = Staging(target)
    prerender: _Prerenderer | None = None
    try:
        # A recycled staging folder is an earlier output: its manifest says what its files are.
        spare = read_manifest(staging.path) if staging.recycled else None
        staging.remove(MANIFEST_NAME)  # from here on its contents are this build's to change
        if staging.recycled and spare is None:
            staging.clear()
        runtime_file = f"{RUNTIME_MODULE}.py"
        fingerprint = compiler_fingerprint()
        if not (
            (spare is not None and spare.compiler == fingerprint and staging.has(runtime_file))
            or (
                previous is not None
                and previous.compiler == fingerprint
                and staging.reuse(runtime_file, target)
            )
        ):
            staging.write_text(runtime_file, _runtime_source())
        if plan.values is not None:
            prerender = _Prerenderer((staging.path / runtime_file).read_text("utf-8"))
        for export, view in plan.views.items():
            files = (f"{export}.py", f"{export}.pyi")
            kept = spare.views.get(export) if spare else None
            if kept is not None and kept.key == view.key and all(map(staging.has, files)):
                skipped.append(export)  # already in the recycled folder
                entries[export] = kept
                continue
            old = previous.views.get(export) if previous else None
            if (
                old is not None
                and old.key == view.key
                and all(staging.reuse(name, target) for name in files)
            ):
                skipped.append(export)
                entries[export] = old
                continue
            module, stub, rendered = _compile_view(config, plan, view, prerender)
            staging.write_text(f"{export}.py", module)
            staging.write_text(f"{export}.pyi", stub)
            compiled.append(export)
            entries[export] = _entry(view, rendered)
        exports = sorted(plan.views)
        staging.write_text("__init__.py", _init_module(exports, config))
        staging.write_text("__init__.pyi", init_stub(exports))
        staging.write_text("py.typed", "")
        manifest = Manifest(
            env=env,
            views={name: entries[name] for name in exports},
            templates={
                name: _info_json(plan.infos[name], t, plan.options_hash)
                for name, t in plan.templates.items()
            },
            fingerprint=plan.fingerprint,
            compiler=fingerprint,
        )
        staging.write_text(MANIFEST_NAME, manifest.to_json())
        staging.prune(
            {"__init__.py", "__init__.pyi", "py.typed", MANIFEST_NAME, runtime_file}
            | {f"{name}{suffix}" for name in exports for suffix in (".py", ".pyi")}
        )
        staging.commit()
    except BaseException:
        staging.discard()
        raise
    finally:
        if prerender is not None:
            prerender.close()
    removed = tuple(sorted(set(previous.views) - set(plan.views))) if previous else ()
    return BuildResult(
        out=target,
        env=env,
        compiled=tuple(compiled),
        skipped=tuple(skipped),
        removed=removed,
        seconds=time.perf_counter() - started,
        manifest=manifest,
    )


def _up_to_date(previous: Manifest, plan: BuildPlan, target: Path) -> bool:
    """Nothing to do: same env, compiler, templates and view keys, and every file in place."""
    if previous.env != plan.env or previous.compiler != compiler_fingerprint():
        return False
    if (
        previous.views.keys() != plan.views.keys()
        or previous.templates.keys() != plan.templates.keys()
    ):
        return False
    if any(
        previous.templates[name].get("hash") != template.hash
        or previous.templates[name].get("options") != plan.options_hash
        for name, template in plan.templates.items()
    ):
        return False
    if any(previous.views[name].key != view.key for name, view in plan.views.items()):
        return False
    expected = ["__init__.py", f"{RUNTIME_MODULE}.py", *(f"{name}.py" for name in plan.views)]
    return all(os.path.exists(f"{target}{os.sep}{name}") for name in expected)


# Modules of the compiler folder that do not shape what a build writes.
_NOT_OUTPUT = frozenset({"check.py", "writer.py"})


@functools.cache
def compiler_fingerprint() -> str:
    """A hash of the compiler's own code and Jinja's version: a new compiler rebuilds all."""
    digest = hashlib.sha256(f"{edgeviews.__version__}\0{jinja2.__version__}".encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.name not in _NOT_OUTPUT:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _runtime_source() -> str:
    from edgeviews.compiler import runtime_source

    return runtime_source()


def _compile_view(
    config: Config, plan: BuildPlan, view: PlannedView, prerender: _Prerenderer | None
) -> tuple[str, str, bool]:
    cached = _compiled_cache.get(view.key)
    if cached is not None:
        _compiled_cache.move_to_end(view.key)
        return cached
    from edgeviews.compiler import TemplateSyntaxError, compile_source

    template = view.template
    export = template.export
    assert export is not None
    baked = plan.values is not None
    try:
        code = compile_source(
            template.source,
            name=template.name,
            templates={name: plan.templates[name].source for name in view.deps},
            globals={"env": plan.values} if baked else None,
            runtime_import=f".{RUNTIME_MODULE}",
            **plan.options,
        )
    except TemplateSyntaxError as error:
        culprit = plan.templates.get(str(error.name), template)
        raise ViewError.at(culprit.path, culprit.source, error.lineno, error.message) from None
    except EdgeviewsError:
        raise
    except Exception as error:
        raise ViewError(
            template.path, None, f"cannot be compiled: {type(error).__name__}: {error}"
        ) from error
    if export in _module_names(code):
        raise ViewError(
            template.path,
            None,
            f"the view's function name {export!r} is a name its compiled module already "
            "defines (from the runtime); rename the file",
        )
    rendered: str | None = None
    if prerender is not None and not view.inputs:
        rendered = prerender.render(code, template, plan.env)
    module = code.rstrip("\n") + "\n" + _view_function(export, template.name, rendered)
    stub = view_stub(export, template.name, view.env, baked=baked, rendered=rendered is not None)
    result = (module, stub, rendered is not None)
    _compiled_cache[view.key] = result
    if len(_compiled_cache) > _COMPILED_CACHE_SIZE:
        _compiled_cache.popitem(last=False)
    return result


def _module_names(code: str) -> set[str]:
    """Names the compiled module binds at top level: the exported function must not shadow one."""
    names: set[str] = set()
    for node in ast.parse(code).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(
                t.id for target in targets for t in ast.walk(target) if isinstance(t, ast.Name)
            )
    return names


def _view_function(export: str, source: str, rendered: str | None) -> str:
    """The exported function appended to a compiled module: `analytics(env)`."""
    lines = [
        "",
        "",
        "# --- edgeviews build: the exported view ---",
        "from collections.abc import Mapping as _Mapping  # noqa: E402",
        "from typing import Any as _Any  # noqa: E402",
        "",
    ]
    if rendered is not None:
        lines += [
            "# The output with the baked environment, computed at build time.",
            f"RENDERED = {rendered!r}",
            'RENDERED_BYTES = RENDERED.encode("utf-8")',
            "",
        ]
    default = "RENDERED" if rendered is not None else "render()"
    lines += [
        "",
        f"def {export}(env: _Mapping[str, _Any] | None = None) -> str:",
        f'    """Render {source} with `env` (None: the environment baked in at build time)."""',
        "    if env is None:",
        f"        return {default}",
        "    return render(env=env)",
    ]
    return "\n".join(lines) + "\n"


def _init_module(exports: list[str], config: Config) -> str:
    lines = [
        f'"""Views compiled by edgeviews from {display_path(config.views)}; do not edit, run `edgeviews build`."""',
        "",
        "from collections.abc import Callable",
        "",
    ]
    lines += [f"from .{name} import {name}" for name in exports]
    lines += [
        "",
        f"__all__ = {['VIEWS', *exports]!r}",
        "",
        "VIEWS: dict[str, Callable[..., str]] = {",
        *(f"    {name!r}: {name}," for name in exports),
        "}",
    ]
    return "\n".join(lines) + "\n"


def _entry(view: PlannedView, rendered: bool) -> ViewEntry:
    template = view.template
    assert template.export is not None
    return ViewEntry(
        source=template.name,
        module=template.export,
        deps=list(view.deps),
        hash=f"sha256:{template.hash}",
        env_keys=sorted(view.env.required),
        optional_env_keys=sorted(view.env.optional),
        env_dynamic=view.env.dynamic,
        inputs=sorted(view.inputs),
        rendered=rendered,
        key=view.key,
    )


def _template_infos(
    templates: Mapping[str, Template],
    options: Mapping[str, Any],
    options_hash: str,
    previous: Manifest | None,
) -> dict[str, TemplateInfo]:
    infos: dict[str, TemplateInfo] = {}
    environment: jinja2.Environment | None = None
    stored = previous.templates if previous else {}
    for name, template in templates.items():
        cache_key = (template.hash, options_hash)
        info = _info_cache.get(cache_key)
        if info is None:
            info = _info_from_json(stored.get(name), template.hash, options_hash)
        if info is None:
            environment = environment or _parser_environment(options, options_hash)
            info = parse_template(template, environment)
        _info_cache[cache_key] = info
        infos[name] = info
    return infos


_parsers: dict[str, jinja2.Environment] = {}


def _parser_environment(options: Mapping[str, Any], options_hash: str) -> jinja2.Environment:
    """One Jinja parser per set of options for the life of the process (watch mode)."""
    if options_hash not in _parsers:
        _parsers[options_hash] = parser_environment(options)
    return _parsers[options_hash]


def _info_json(info: TemplateInfo, template: Template, options_hash: str) -> dict[str, Any]:
    return {
        "hash": template.hash,
        "stat": list(template.stat),
        "options": options_hash,
        "references": [[ref.name, ref.lineno, ref.shares_context] for ref in info.references],
        "env_keys": sorted(info.env.required),
        "optional_env_keys": sorted(info.env.optional),
        "env_dynamic": info.env.dynamic,
        "inputs": sorted(info.inputs),
    }


def _info_from_json(
    data: dict[str, Any] | None, content_hash: str, options_hash: str
) -> TemplateInfo | None:
    if not data or data.get("hash") != content_hash or data.get("options") != options_hash:
        return None
    try:
        return TemplateInfo(
            references=tuple(
                Reference(name, int(line), bool(shares))
                for name, line, shares in data["references"]
            ),
            env=EnvUse(
                frozenset(data["env_keys"]),
                frozenset(data["optional_env_keys"]),
                bool(data["env_dynamic"]),
            ),
            inputs=frozenset(data["inputs"]),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _hash_json(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=repr).encode()).hexdigest()


class _Prerenderer:
    """Runs compiled modules at build time, in a throwaway package, to bake their output."""

    def __init__(self, runtime: str) -> None:
        self.runtime = runtime
        self.package = f"_edgeviews_prerender_{id(self):x}"
        self._loaded = False

    def render(self, code: str, template: Template, env: str | None) -> str:
        self._load_runtime()
        assert template.export is not None
        name = f"{self.package}.{template.export}"
        namespace: dict[str, Any] = {"__name__": name, "__package__": self.package}
        try:
            exec(compile(code, f"{template.export}.py", "exec"), namespace)
            result = namespace["render"]()
        except Exception as error:
            raise ViewError(
                template.path,
                None,
                f"fails to render with [env.{env}]: {type(error).__name__}: {error}",
            ) from None
        return str(result)

    def _load_runtime(self) -> None:
        if self._loaded:
            return
        package = types.ModuleType(self.package)
        package.__path__ = []
        runtime = types.ModuleType(f"{self.package}.{RUNTIME_MODULE}")
        runtime.__package__ = self.package
        sys.modules[self.package] = package
        sys.modules[runtime.__name__] = runtime
        exec(compile(self.runtime, f"{RUNTIME_MODULE}.py", "exec"), runtime.__dict__)
        self._loaded = True

    def close(self) -> None:
        sys.modules.pop(f"{self.package}.{RUNTIME_MODULE}", None)
        sys.modules.pop(self.package, None)
