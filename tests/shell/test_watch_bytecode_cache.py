"""The dev server's bytecode cache: a rebuild compiles only new module files, never serves stale code."""

from __future__ import annotations

import importlib.util
import itertools
import os
import shutil
import sys
from pathlib import Path

import pytest

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
    """Import `module` of the package by path under a fresh name, as the proxy does."""
    name = f"_cached_views_{next(_fresh)}"
    spec = importlib.util.spec_from_file_location(
        name, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    sys.modules[name] = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(sys.modules[name])
        loaded = importlib.import_module(f"{name}.{module}")
        return loaded.VALUE  # type: ignore[attr-defined]
    finally:
        for key in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[key]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    folder = tmp_path / "build" / "views"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    for index in range(5):
        (folder / f"view_{index}.py").write_text(f"VALUE = {index}\n")
    return folder


def test_a_rebuild_compiles_only_new_files(tmp_path: Path, package: Path) -> None:
    cache = BytecodeCache(tmp_path / "cache")
    with cache.installed():
        assert cache.refresh(package) == 6
        assert cache.refresh(package) == 0
        swap_in_new_build(package, {"view_3.py": "VALUE = 'three'\n"})
        assert cache.refresh(package) == 1
        for source in package.glob("*.py"):
            pyc = Path(importlib.util.cache_from_source(str(source)))
            assert pyc.is_relative_to(tmp_path / "cache")
            flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
            assert flags == 0b11  # hash-based, checked against the source on import
        assert load(package, "view_3") == "three"
        assert load(package, "view_4") == 4
    assert not list(package.parent.rglob("__pycache__"))  # nothing beside the build output


def test_a_source_changed_behind_its_back_is_not_served_stale(
    tmp_path: Path, package: Path
) -> None:
    cache = BytecodeCache(tmp_path / "cache")
    view = package / "view_1.py"
    with cache.installed():
        cache.refresh(package)
        status = view.stat()
        view.write_text("VALUE = 7\n")  # same inode, size and (restored) mtime
        os.utime(view, ns=(status.st_atime_ns, status.st_mtime_ns))
        assert cache.refresh(package) == 0  # the cache cannot tell...
        assert load(package, "view_1") == 7  # ...and the import's hash check can


def test_the_prefix_is_only_set_while_installed(tmp_path: Path, package: Path) -> None:
    cache = BytecodeCache(tmp_path / "cache")
    before = sys.pycache_prefix
    with pytest.raises(RuntimeError, match="installed"):
        cache.refresh(package)
    with cache.installed():
        assert sys.pycache_prefix == str(tmp_path / "cache")
    assert sys.pycache_prefix == before
