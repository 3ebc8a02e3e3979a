"""The differential harness: one template through jinja2 and through our compiler, byte for byte.

jinja2 is the oracle. Every expectation in tests/compiler/test_diff_*.py is whatever jinja2
itself renders for the same source, options and context, so no output is hard-coded and a
case can only pass when the compiled module agrees with jinja2 exactly (or both raise the same
error). `assert_same` is the one entry point; its failure message is a ready-made repro for
docs/compiler-findings.md.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import os
import random
import re
import sys
import types
import uuid
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, settings

import edgeviews
from tests.compiler.templategen import Positional

# Generated-template property tests: bounded so tests/compiler runs in well under two minutes
# on a loaded two-core machine. EDGEVIEWS_FUZZ_EXAMPLES raises the count for a local hunt;
# EDGEVIEWS_FUZZ_RANDOM=1 drops derandomize so each run explores new templates.
settings.register_profile(
    "edgeviews-compiler",
    max_examples=int(os.environ.get("EDGEVIEWS_FUZZ_EXAMPLES", "60")),
    deadline=None,
    derandomize=os.environ.get("EDGEVIEWS_FUZZ_RANDOM", "") != "1",
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

UNDEFINED_CLASSES: dict[str, type[jinja2.Undefined]] = {
    "default": jinja2.Undefined,
    "strict": jinja2.StrictUndefined,
    "chainable": jinja2.ChainableUndefined,
}
EXTENSION_PATHS = {"loopcontrols": "jinja2.ext.loopcontrols", "do": "jinja2.ext.do"}


@dataclass(frozen=True)
class Outcome:
    """What one engine did with a template: an output string, or the error it raised.

    `phase` is "compile" or "render"; for errors `kind` is the exception class name and
    `message` its text (for syntax errors, the bare message and `lineno`).
    """

    phase: str
    output: str | None = None
    kind: str | None = None
    message: str | None = None
    lineno: int | None = None


def jinja_environment(
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
) -> jinja2.Environment:
    """The jinja2.Environment our compile_source options describe (the contract's mapping)."""
    kwargs = dict(options)
    if "undefined" in kwargs:
        kwargs["undefined"] = UNDEFINED_CLASSES[kwargs["undefined"]]
    if "extensions" in kwargs:
        kwargs["extensions"] = [EXTENSION_PATHS.get(e, e) for e in kwargs["extensions"]]
    env = jinja2.Environment(loader=jinja2.DictLoader(dict(templates or {})), **kwargs)
    env.globals.update(copy.deepcopy(dict(globals or {})))
    return env


Context = Mapping[str, Any] | Callable[[], Mapping[str, Any]]


def _fresh(context: Context) -> dict[str, Any]:
    """A private copy of the context, so one engine's side effects never reach the other.

    A context holding generators cannot be copied: pass a function that builds it instead.
    """
    if callable(context):
        return dict(context())
    if isinstance(context, Positional):
        return Positional(copy.deepcopy(dict(context)))
    return copy.deepcopy(dict(context))


def _call_render(render: Callable[..., Any], context: Context) -> Any:
    """render(**context), or render(context) for a templategen.Positional context."""
    fresh = _fresh(context)
    return render(dict(fresh)) if isinstance(fresh, Positional) else render(**fresh)


def _error(phase: str, error: BaseException) -> Outcome:
    # Ours raises its own TemplateSyntaxError; at render time too, for a template reached
    # only conditionally that does not compile (jinja2 loads those lazily).
    named_like_jinjas = type(error).__name__ in {"TemplateSyntaxError", "TemplateAssertionError"}
    if isinstance(error, jinja2.TemplateSyntaxError) or (
        (phase == "compile" or named_like_jinjas)
        and hasattr(error, "lineno")
        and hasattr(error, "message")
    ):
        return Outcome(
            phase,
            kind="TemplateSyntaxError",
            message=str(getattr(error, "message", error)),
            lineno=getattr(error, "lineno", None),
        )
    return Outcome(phase, kind=type(error).__name__, message=str(error))


Renderer = Callable[[Context], Outcome]


@contextlib.contextmanager
def _quiet_syntax_warnings() -> Iterator[None]:
    """Templates such as `{{ 1.5[0] }}` make both engines emit Python that warns when compiled."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        yield


def jinja_renderer(
    source: str,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    name: str | None = None,
) -> Renderer:
    """jinja2's answer, compiled once: a function from a context to an Outcome.

    With `name`, the source is loaded by that name (`get_template`) instead of `from_string`.
    """
    try:
        with _quiet_syntax_warnings():
            if name is None:
                template = jinja_environment(templates, globals, options).from_string(source)
            else:
                env = jinja_environment({**(templates or {}), name: source}, globals, options)
                template = env.get_template(name)
    except Exception as error:
        failed = _error("compile", error)
        return lambda context: failed

    def render(context: Context) -> Outcome:
        random.seed(1234)
        try:
            return Outcome("render", output=_call_render(template.render, context))
        except Exception as error:
            return _error("render", error)

    return render


def render_with_jinja(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
) -> Outcome:
    """jinja2's answer: the oracle."""
    return jinja_renderer(source, templates, globals, options)(context)


_IMPORT = re.compile(
    r"^[ \t]*(?:from[ \t]+([\w.]+)[ \t]+import\b|import[ \t]+([\w.]+(?:[ \t]*,[ \t]*[\w.]+)*))",
    re.MULTILINE,
)


def stdlib_imports_only(code: str) -> list[str]:
    """Names of modules the generated code imports that are not in the standard library.

    A line scan rather than an AST walk: generated modules run to hundreds of lines and this
    check runs for every case. Relative imports (the shared runtime) are allowed.
    """
    foreign = []
    for match in _IMPORT.finditer(code):
        names = [match[1]] if match[1] else [n.strip() for n in match[2].split(",")]
        foreign += [
            n
            for n in names
            if not n.startswith(".") and n.split(".")[0] not in sys.stdlib_module_names
        ]
    return foreign


SHARED_PACKAGE = "edgeviews_difftest_build"


def shared_runtime_package() -> str:
    """A stand-in for a built package: `<pkg>._runtime` from runtime_source(), loaded once."""
    if SHARED_PACKAGE not in sys.modules:
        from edgeviews.compiler import runtime_source

        code = runtime_source()
        foreign = stdlib_imports_only(code)
        assert not foreign, f"runtime_source() imports non-stdlib modules {foreign}"
        package = types.ModuleType(SHARED_PACKAGE)
        package.__path__ = []
        runtime = types.ModuleType(f"{SHARED_PACKAGE}._runtime")
        runtime.__package__ = SHARED_PACKAGE
        exec(compile(code, f"<{SHARED_PACKAGE}/_runtime.py>", "exec"), runtime.__dict__)
        sys.modules[SHARED_PACKAGE] = package
        sys.modules[runtime.__name__] = runtime
    return SHARED_PACKAGE


def load_compiled(code: str, package: str | None = None) -> types.ModuleType:
    """Execute generated source as a fresh module (registered only while it runs).

    With `package`, the module lives inside it, so `from ._runtime import ...` resolves.
    """
    leaf = f"edgeviews_compiled_{uuid.uuid4().hex}"
    name = f"{package}.{leaf}" if package else leaf
    module = types.ModuleType(name)
    module.__package__ = package or ""
    sys.modules[name] = module
    try:
        # One filename for all: hypothesis tells failures apart by where they were raised.
        exec(compile(code, "<edgeviews-compiled>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def edgeviews_renderer(
    source: str,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    *,
    shared_runtime: bool = False,
    name: str | None = None,
) -> Renderer:
    """Our answer, compiled once: compile_source, exec the module fresh, call its render.

    `shared_runtime` compiles as `edgeviews build` does (runtime_import="._runtime") instead
    of inlining the runtime: the production layout, and far cheaper to exec per case.
    """
    package = shared_runtime_package() if shared_runtime else None
    extra = {"runtime_import": "._runtime"} if shared_runtime else {}
    try:
        with _quiet_syntax_warnings():
            if name is not None:
                templates = {**(templates or {}), name: source}
            code = edgeviews.compile_source(
                source,
                **({"name": name} if name is not None else {}),
                templates=dict(templates) if templates is not None else None,
                globals=copy.deepcopy(dict(globals)) if globals is not None else None,
                **extra,
                **options,
            )
    except Exception as error:
        failed = _error("compile", error)
        return lambda context: failed
    foreign = stdlib_imports_only(code)
    assert not foreign, f"compiled module imports non-stdlib modules {foreign}:\n{code}"
    with _quiet_syntax_warnings():
        module = load_compiled(code, package)

    def render(context: Context) -> Outcome:
        random.seed(1234)
        try:
            output = _call_render(module.render, context)
        except Exception as error:
            return _error("render", error)
        assert type(output) is str, f"render returned {type(output).__name__}, not str"
        return Outcome("render", output=output)

    return render


def render_with_edgeviews(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    *,
    shared_runtime: bool = False,
) -> Outcome:
    """Our answer for one context (see edgeviews_renderer)."""
    return edgeviews_renderer(source, templates, globals, options, shared_runtime=shared_runtime)(
        context
    )


# `{{ d.items }}` prints a bound method with its memory address; each engine renders its own
# copy of the context, so addresses are the one part of an output that may differ.
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def _normalized(outcome: Outcome) -> Outcome:
    def strip(text: str | None) -> str | None:
        return None if text is None else _ADDRESS.sub(" at 0x…", text)

    return Outcome(
        outcome.phase, strip(outcome.output), outcome.kind, strip(outcome.message), outcome.lineno
    )


def agree(expected: Outcome, actual: Outcome) -> bool:
    """Whether our outcome matches jinja2's.

    A syntax error in an included template surfaces in jinja2 only at render time (it loads
    lazily); we resolve includes at build time, so raising it at compile time is the same
    failure one step earlier. Everything else must match phase, kind and message exactly.
    """
    expected, actual = _normalized(expected), _normalized(actual)
    if expected == actual:
        return True
    if expected.kind == "TemplateSyntaxError" and actual.kind == "TemplateSyntaxError":
        return (expected.message, expected.lineno) == (actual.message, actual.lineno)
    return False


def _reachable(source: str, context: Context, templates: Mapping[str, str]) -> dict[str, str]:
    """The templates a repro needs: those named (quoted) in the source, the context or each other."""
    seen: dict[str, str] = {}
    texts = [source, repr(_fresh(context))]
    while texts:
        text = texts.pop()
        for name, body in templates.items():
            if name not in seen and (f"'{name}'" in text or f'"{name}"' in text):
                seen[name] = body
                texts.append(body)
    return seen


def describe(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    expected: Outcome,
    actual: Outcome,
    name: str | None = None,
    shared_runtime: bool = False,
) -> str:
    """A repro in the shape docs/compiler-findings.md uses."""
    layout = "build layout, shared _runtime" if shared_runtime else "self-contained module"
    lines = [
        f"ours ({layout}) differs from jinja2",
        f"template: {source!r}" + (f" (named {name!r})" if name else ""),
        f"options:  {dict(options)!r}",
        f"context:  {_fresh(context)!r}",
    ]
    if templates:
        lines.append(f"templates: {_reachable(source, context, templates)!r}")
    if globals:
        lines.append(f"globals:  {dict(globals)!r}")
    lines += [f"jinja2:   {expected!r}", f"ours:     {actual!r}"]
    return "\n".join(lines)


def assert_same(
    source: str,
    context: Context | None = None,
    *,
    templates: Mapping[str, str] | None = None,
    globals: Mapping[str, Any] | None = None,
    name: str | None = None,
    **options: Any,
) -> Outcome:
    """Render `source` with jinja2 and with our compiled module; fail unless they agree exactly.

    Our module is either self-contained (runtime inlined, only what the template uses) or in
    the build layout (shared `_runtime`), by a stable coin flip per case: every case runs once,
    the suite covers both layouts, and the failure message names the one used.
    `name`: compile as that template name (`compile_source(name=)`), and have jinja2 load it
    by that name from its loader instead of `from_string` (whose templates have no name).
    """
    return _assert_same(
        source,
        context,
        templates,
        globals,
        options,
        shared_runtime=_in_build_layout(source, options),
        name=name,
    )


def _in_build_layout(source: str, options: Mapping[str, Any]) -> bool:
    """The stable coin flip of assert_same: a hash of the case, not Python's salted hash()."""
    case = f"{source}\0{sorted(options.items(), key=repr)!r}".encode()
    return hashlib.sha256(case).digest()[0] % 2 == 1


def assert_same_built(
    source: str,
    context: Context | None = None,
    *,
    templates: Mapping[str, str] | None = None,
    globals: Mapping[str, Any] | None = None,
    name: str | None = None,
    **options: Any,
) -> Outcome:
    """As assert_same, with our module compiled as `edgeviews build` lays it out (shared runtime)."""
    return _assert_same(
        source, context, templates, globals, options, shared_runtime=True, name=name
    )


def assert_same_many(
    source: str,
    contexts: list[Context],
    *,
    templates: Mapping[str, str] | None = None,
    globals: Mapping[str, Any] | None = None,
    built: bool = True,
    name: str | None = None,
    **options: Any,
) -> list[Outcome]:
    """As assert_same_built (or self-contained with `built=False`) over several contexts,
    compiling the template once per engine."""
    return _assert_same(
        source, contexts, templates, globals, options, shared_runtime=built, name=name
    )


def _assert_same(
    source: str,
    contexts: Context | list[Context] | None,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    *,
    shared_runtime: bool,
    name: str | None = None,
) -> Any:
    many = isinstance(contexts, list)
    each: list[Context] = contexts if isinstance(contexts, list) else [contexts or {}]
    theirs = jinja_renderer(source, templates, globals, options, name)
    ours = edgeviews_renderer(
        source, templates, globals, options, shared_runtime=shared_runtime, name=name
    )
    outcomes = []
    for context in each:
        expected, actual = theirs(context), ours(context)
        assert agree(expected, actual), describe(
            source, context, templates, globals, options, expected, actual, name, shared_runtime
        )
        outcomes.append(expected)
    return outcomes if many else outcomes[0]


AssertSame = Callable[..., Outcome]


@pytest.fixture(scope="session", name="assert_same")
def assert_same_fixture() -> AssertSame:
    """`assert_same(source, context=None, *, templates=None, globals=None, **options)`."""
    return assert_same


@pytest.fixture(scope="session", name="assert_same_built")
def assert_same_built_fixture() -> AssertSame:
    """assert_same against the build layout (module + shared `_runtime`); cheaper for big grids."""
    return assert_same_built


@pytest.fixture(scope="session", name="assert_same_many")
def assert_same_many_fixture() -> Callable[..., list[Outcome]]:
    """`assert_same_many(source, [context, ...], **kw)`: one compile, many renders (build layout)."""
    return assert_same_many


@pytest.fixture(scope="session")
def compile_module() -> Callable[..., types.ModuleType]:
    """`compile_module(source, **compile_source_kwargs)`: our compiled module, loaded."""

    def compile_and_load(source: str, **kwargs: Any) -> types.ModuleType:
        return load_compiled(edgeviews.compile_source(source, **kwargs))

    return compile_and_load


@pytest.fixture(scope="session")
def jinja_template() -> Callable[..., jinja2.Template]:
    """`jinja_template(source, templates=None, globals=None, **options)`: jinja2's template."""

    def build(
        source: str,
        templates: Mapping[str, str] | None = None,
        globals: Mapping[str, Any] | None = None,
        **options: Any,
    ) -> jinja2.Template:
        return jinja_environment(templates, globals, options).from_string(source)

    return build


@pytest.fixture(scope="session", params=[False, True], ids=["plain", "autoescape"])
def autoescape(request: pytest.FixtureRequest) -> Iterator[bool]:
    """Every differential case runs with autoescape off and on."""
    yield bool(request.param)
