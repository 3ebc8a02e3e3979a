"""The shape of generated modules: straight-line code, only the runtime a template uses."""

from __future__ import annotations

import ast
import sys
from types import ModuleType

import pytest

from edgeviews.compiler import compile_source


def load(source: str) -> ModuleType:
    module = ModuleType("compiled_under_test")
    exec(compile(source, "<compiled>", "exec"), module.__dict__)
    return module


def imported_modules(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def top_level_names(source: str) -> set[str]:
    names = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
    return names


def test_text_and_expressions_become_one_f_string_without_output_list() -> None:
    code = compile_source("Hi {{ name }}, {{ n + 1 }}!", autoescape=True)
    render = next(
        node
        for node in ast.parse(code).body
        if isinstance(node, ast.FunctionDef) and node.name == "render"
    )
    returns = [node for node in ast.walk(render) if isinstance(node, ast.Return)]
    assert len(returns) == 1 and isinstance(returns[0].value, ast.JoinedStr)
    assert load(code).render(name="<b>", n=1) == "Hi &lt;b&gt;, 2!"


def test_only_used_runtime_is_inlined() -> None:
    plain = compile_source("{{ x }}")
    assert "LoopContext" not in top_level_names(plain)
    assert "do_upper" not in top_level_names(plain)
    looped = compile_source("{% for i in xs %}{{ loop.length }}{{ i|upper }}{% endfor %}")
    assert {"LoopContext", "do_upper"} <= top_level_names(looped)
    assert "do_title" not in top_level_names(looped)


def test_generated_module_imports_only_the_standard_library() -> None:
    code = compile_source(
        "{{ x|tojson }}{{ x|urlencode }}{{ y|pprint }}{{ [1, 2]|random }}{{ 'a b'|wordwrap(1) }}",
        autoescape=True,
    )
    assert imported_modules(code) <= set(sys.stdlib_module_names)
    assert not {"jinja2", "markupsafe", "edgeviews"} & imported_modules(code)


def test_runtime_import_imports_names_instead_of_inlining() -> None:
    code = compile_source("{{ x|upper }}", runtime_import="._runtime")
    tree = ast.parse(code)
    imports = [
        node for node in tree.body if isinstance(node, ast.ImportFrom) and node.module == "_runtime"
    ]
    assert imports and imports[0].level == 1
    assert "do_upper" in {alias.name for alias in imports[0].names}
    assert "do_upper" not in top_level_names(code)


def test_template_lines_appear_as_comments() -> None:
    code = compile_source("a\n{% for x in y %}\n{{ x }}{% endfor %}")
    assert "# line 2" in code and "# line 3" in code


def test_globals_are_baked_in() -> None:
    code = compile_source("{{ site.name }} {{ n }}", globals={"site": {"name": "S"}, "n": 3})
    module = load(code)
    assert module.render() == "S 3"
    assert module.render(n=4) == "S 4"


def test_render_takes_a_dict_and_keywords() -> None:
    module = load(compile_source("{{ a }}{{ b }}"))
    assert module.render({"a": 1}, b=2) == "12"
    assert module.render(a=1) == "1"


def test_loop_using_only_index_and_cycle_needs_no_loop_context() -> None:
    source = "{% for i in xs %}{{ loop.index }}{{ loop.first }}{{ loop.cycle('a', 'b') }}{{ i }}{% endfor %}"
    code = compile_source(source)
    assert "LoopContext" not in top_level_names(code)
    assert "enumerate(" in code
    assert load(code).render(xs="xyz") == "1Trueax2Falseby3Falseaz"


def test_loop_variable_passed_around_keeps_the_loop_context() -> None:
    code = compile_source("{% for i in xs %}{% set l = loop %}{{ l.index }}{% endfor %}")
    assert "LoopContext" in top_level_names(code)
    assert load(code).render(xs=[1, 2]) == "12"


def test_loop_in_a_loop_filter_is_not_the_loop_being_filtered() -> None:
    module = load(
        compile_source("{% for x in [1, 2] if loop.index > 0 %}{{ loop.index }}{% endfor %}")
    )
    with pytest.raises(Exception, match="'loop' is undefined") as caught:
        module.render()
    assert type(caught.value).__name__ == "UndefinedError"
