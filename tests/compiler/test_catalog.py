"""catalog.py over the split runtime: complete, stdlib only, in an order that imports.

The runtime is ordinary modules split by idea; catalog.py concatenates their definitions
into ``_runtime.py`` and copies the ones a template needs into its module. These tests
check what that concatenation relies on: every runtime module is read, every name is
defined once, each definition's import-time needs come before it, and the facades
(runtime.py, runtime_filters.py) still name everything they named before the split.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from edgeviews.compiler import catalog

COMPILER = Path(catalog.__file__).parent
# Each facade and the modules whose public names it must keep importable.
FACADES = {
    "runtime": (
        "runtime_errors",
        "runtime_markup",
        "runtime_undefined",
        "runtime_not_found",
        "runtime_loops",
        "runtime_calls",
        "runtime_globals",
    ),
    "runtime_filters": (
        "runtime_env",
        "runtime_filters_strings",
        "runtime_filters_web",
        "runtime_filters_values",
        "runtime_filters_sequences",
    ),
}


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"edgeviews.compiler.{name}")


def _top_level_names(module: str) -> set[str]:
    tree = ast.parse((COMPILER / f"{module}.py").read_text())
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def _standalone(definitions: list[catalog.Definition]) -> dict[str, Any]:
    """Run definitions as a generated module would hold them, without edgeviews around."""
    source = "from __future__ import annotations\n\n" + "\n\n\n".join(d.source for d in definitions)
    namespace: dict[str, Any] = {"__name__": "standalone_runtime"}
    exec(compile(source, "<selected runtime>", "exec"), namespace)
    return namespace


def test_every_runtime_module_in_the_folder_is_read() -> None:
    on_disk = {p.name for p in COMPILER.glob("runtime_*.py")}
    assert on_disk == set(catalog.RUNTIME_MODULES)


def test_runtime_py_defines_nothing_catalog_would_miss() -> None:
    # runtime.py is not in RUNTIME_MODULES: a definition there would never reach _runtime.py.
    assert "runtime.py" not in catalog.RUNTIME_MODULES
    assert _top_level_names("runtime") == {"__all__"}


def test_every_name_is_defined_once() -> None:
    counts = Counter(name for d in catalog.definitions() if not d.is_import for name in d.binds)
    assert [name for name, count in counts.items() if count > 1] == []
    assert "__all__" not in catalog.runtime_names()


@pytest.mark.parametrize("facade", sorted(FACADES))
def test_facades_keep_every_public_name_importable(facade: str) -> None:
    module = _module(facade)
    for part in FACADES[facade]:
        source = _module(part)
        for name in sorted(_top_level_names(part)):
            if name.startswith("_"):
                continue
            assert getattr(module, name) is getattr(source, name), f"{facade}.{name}"
            assert name in module.__all__, f"{facade}.__all__ lacks {name}"


def test_facade_modules_only_gather_names() -> None:
    # The parts never import a facade, so the facades can import all parts without a cycle.
    for parts in FACADES.values():
        for part in parts:
            tree = ast.parse((COMPILER / f"{part}.py").read_text())
            imported = {
                node.module
                for node in tree.body
                if isinstance(node, ast.ImportFrom) and node.module is not None
            }
            assert not imported & {f"edgeviews.compiler.{f}" for f in FACADES}, part


def test_runtime_source_runs_with_the_standard_library_alone(tmp_path: Path) -> None:
    (tmp_path / "_runtime.py").write_text(catalog.runtime_source())
    # -I -S: no site-packages (so no jinja2, markupsafe or edgeviews), no PYTHONPATH.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import _runtime; "
        "print('\\n'.join(sorted(vars(_runtime))))"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", script, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    defined = set(done.stdout.split())
    expected = {name for d in catalog.definitions() if not d.is_import for name in d.binds}
    assert expected - defined == set()
    own = {n for n in defined if not n.startswith("__")} - {"annotations"}
    assert own <= catalog.runtime_names()


def test_each_name_with_what_it_needs_runs_on_its_own() -> None:
    # What a template module inlines: select() must bring, in order, all that a name
    # uses when it is defined (bases, defaults, decorators), from whichever module.
    for name in sorted(catalog.runtime_names()):
        namespace = _standalone(catalog.select({name}))
        assert name in namespace, name


def test_filter_and_test_tables_name_runtime_definitions() -> None:
    known = catalog.runtime_names() | set(dir(builtins))
    for table in (catalog.FILTER_FUNCTIONS, catalog.TEST_FUNCTIONS):
        assert table
        # Entries are expressions such as ``do_upper``, ``len`` or ``operator.eq``.
        assert {f for f in table.values() if f.split(".")[0] not in known} == set()
    assert _module("runtime_filters").FILTERS.keys() == catalog.FILTER_FUNCTIONS.keys()


def test_a_selected_filter_behaves_as_the_imported_one() -> None:
    namespace = _standalone(catalog.select({"do_urlencode", "do_xmlattr", "Env", "Undefined"}))
    filters = _module("runtime_filters")
    value = {"a b": "c&d", "e": "<f>"}
    assert namespace["do_urlencode"](value) == filters.do_urlencode(value)
    env = namespace["Env"](namespace["Undefined"], True, "\n", {}, {})
    ours = filters.Env(_module("runtime").Undefined, True, "\n", {}, {})
    attrs = {"class": "x<y", "id": "z", "skip": None}
    assert str(namespace["do_xmlattr"](env, attrs)) == str(filters.do_xmlattr(ours, attrs))
