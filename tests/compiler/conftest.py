"""The differential harness: one template through jinja2 and through our compiler, byte for byte.

jinja2 is the oracle. Every expectation in tests/compiler/test_diff_*.py is whatever jinja2
itself renders for the same source, options and context, so no output is hard-coded and a
case can only pass when the compiled module agrees with jinja2 exactly (or both raise the same
error). `assert_same` is the one entry point; its failure message is a ready-made repro for
docs/compiler-findings.md.
"""

from __future__ import annotations

import ast
import copy
import os
import random
import re
import sys
import types
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
import pytest
from hypothesis import HealthCheck, settings

import edgeviews

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
    return copy.deepcopy(dict(context))


def _error(phase: str, error: BaseException) -> Outcome:
    if isinstance(error, jinja2.TemplateSyntaxError) or (
        phase == "compile" and hasattr(error, "lineno") and hasattr(error, "message")
    ):
        return Outcome(
            phase,
            kind="TemplateSyntaxError",
            message=str(getattr(error, "message", error)),
            lineno=getattr(error, "lineno", None),
        )
    return Outcome(phase, kind=type(error).__name__, message=str(error))


def render_with_jinja(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
) -> Outcome:
    """jinja2's answer: the oracle."""
    try:
        template = jinja_environment(templates, globals, options).from_string(source)
    except Exception as error:
        return _error("compile", error)
    random.seed(1234)
    try:
        return Outcome("render", output=template.render(**_fresh(context)))
    except Exception as error:
        return _error("render", error)


def stdlib_imports_only(code: str) -> list[str]:
    """Names of modules the generated code imports that are not in the standard library."""
    foreign = []
    for node in ast.walk(ast.parse(code)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        foreign += [n for n in names if n.split(".")[0] not in sys.stdlib_module_names]
    return foreign


def load_compiled(code: str) -> types.ModuleType:
    """Execute generated source as a fresh module (registered only while it runs)."""
    name = f"edgeviews_compiled_{uuid.uuid4().hex}"
    module = types.ModuleType(name)
    sys.modules[name] = module
    try:
        exec(compile(code, f"<{name}>", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def render_with_edgeviews(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
) -> Outcome:
    """Our answer: compile_source, exec the module in a fresh namespace, call render."""
    try:
        code = edgeviews.compile_source(
            source,
            templates=dict(templates) if templates is not None else None,
            globals=copy.deepcopy(dict(globals)) if globals is not None else None,
            **options,
        )
    except Exception as error:
        return _error("compile", error)
    foreign = stdlib_imports_only(code)
    assert not foreign, f"compiled module imports non-stdlib modules {foreign}:\n{code}"
    module = load_compiled(code)
    random.seed(1234)
    try:
        output = module.render(**_fresh(context))
    except Exception as error:
        return _error("render", error)
    assert type(output) is str, f"render returned {type(output).__name__}, not str"
    return Outcome("render", output=output)


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


def describe(
    source: str,
    context: Context,
    templates: Mapping[str, str] | None,
    globals: Mapping[str, Any] | None,
    options: Mapping[str, Any],
    expected: Outcome,
    actual: Outcome,
) -> str:
    """A repro in the shape docs/compiler-findings.md uses."""
    lines = [
        "ours differs from jinja2",
        f"template: {source!r}",
        f"options:  {dict(options)!r}",
        f"context:  {_fresh(context)!r}",
    ]
    if templates:
        lines.append(f"templates: {dict(templates)!r}")
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
    **options: Any,
) -> Outcome:
    """Render `source` with jinja2 and with our compiled module; fail unless they agree exactly."""
    context = context or {}
    expected = render_with_jinja(source, context, templates, globals, options)
    actual = render_with_edgeviews(source, context, templates, globals, options)
    assert agree(expected, actual), describe(
        source, context, templates, globals, options, expected, actual
    )
    return expected


AssertSame = Callable[..., Outcome]


@pytest.fixture(scope="session", name="assert_same")
def assert_same_fixture() -> AssertSame:
    """`assert_same(source, context=None, *, templates=None, globals=None, **options)`."""
    return assert_same


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
