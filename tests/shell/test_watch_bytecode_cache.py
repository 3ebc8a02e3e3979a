"""The dev server's bytecode cache: a rebuild compiles only changed modules, and never serves stale code."""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import sys
from pathlib import Path

from edgeviews.bytecode_cache import BytecodeCache

_fresh = itertools.count()


def swap_in_new_build(package: Path, changes: dict[str, str]) -> None:
    """What the build does: a new folder, unchanged modules hard-linked, then swapped in."""
    staging = package.with_name(package.name + ".new")
    staging.mkdir()
    for source in package.glob("*.py"):
        if source.name not in changes:
            os.link(source, staging / source.name)
    for name, text in changes.items():
        (staging / name).write_text(text)
    shutil.rmtree(package)
    staging.rename(package)


def load(package: Path, module: str) -> object:
    name = f"_cached_views_{next(_fresh)}"
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    sys.modules[name] = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(sys.modules[name])
        return importlib.import_module(f"{name}.{module}").VALUE  # type: ignore[attr-defined]
    finally:
        for key in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[key]


def pyc_of(source: Path) -> Path:
    return Path(importlib.util.cache_from_source(str(source)))


def test_a_rebuild_compiles_only_what_changed(tmp_path: Path) -> None:
    package = tmp_path / "views"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for index in range(5):
        (package / f"view_{index}.py").write_text(f"VALUE = {index}\n")
    cache = BytecodeCache(tmp_path / "cache")
    assert cache.refresh(package) == 6
    assert cache.refresh(package) == 0

    swap_in_new_build(package, {"view_3.py": "VALUE = 'three'\n"})
    assert not pyc_of(package / "view_0.py").exists()  # the swap took the old __pycache__ away
    assert cache.refresh(package) == 1
    for source in package.glob("*.py"):
        flags = int.from_bytes(pyc_of(source).read_bytes()[4:8], "little")
        assert flags == 0b11  # hash-based, checked against the source on import
    assert load(package, "view_3") == "three"
    assert load(package, "view_4") == 4

    swap_in_new_build(package, {"view_3.py": "VALUE = 3\n"})  # back to an earlier content
    assert cache.refresh(package) == 0
    assert load(package, "view_3") == 3


def test_a_source_changed_behind_its_back_is_not_served_stale(tmp_path: Path) -> None:
    package = tmp_path / "views"
    package.mkdir()
    (package / "__init__.py").write_text("")
    view = package / "view.py"
    view.write_text("VALUE = 1\n")
    cache = BytecodeCache(tmp_path / "cache")
    cache.refresh(package)
    status = view.stat()
    view.write_text("VALUE = 2\n")  # same inode, size and (restored) mtime
    os.utime(view, ns=(status.st_atime_ns, status.st_mtime_ns))
    cache.refresh(package)
    assert load(package, "view") == 2
