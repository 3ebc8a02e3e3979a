"""The views the routes use, as a package of their own, so a dev reload imports a few modules, not all.

The proxy's `reload()` imports `<out>/<package>/__init__.py`, which imports every view module:
with 200 views that is most of the time from a save to the new snippet being served (60-150 ms
on a loaded 2-core machine). It renders only the views its routes name, so `edgeviews dev`
hands it a copy of the build that holds just those: hard links of their compiled modules and
of the shared runtime, and an `__init__.py` exposing them in `VIEWS` (the layout of
docs/contracts.md). The copy stays at one path and a file is replaced only when the build
wrote it anew, so the bytecode cache (bytecode_cache.py) keeps working across saves.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

from edgeviews.config import Config

RUNTIME = "_runtime.py"


def routed_views(config: Config) -> list[str]:
    """The exported names of the views the routes inject, sorted."""
    return sorted({rule.view for route in config.routes for rule in route.rewrite if rule.view})


class RoutedViews:
    """A copy, under `root`, of the part of a build output that the routes use."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def config_for(self, config: Config) -> Config:
        """Update the copy from `config`'s build output; `config` with `out` pointing at it.

        A view a route names that the build lacks is left out: the proxy then says which.
        """
        source = config.package_dir
        target = self.root / config.package
        target.mkdir(parents=True, exist_ok=True)
        views = [view for view in routed_views(config) if (source / f"{view}.py").is_file()]
        wanted = {RUNTIME, *(f"{view}.py" for view in views)}
        for name in sorted(wanted):
            _link_if_changed(source / name, target / name)
        _write_if_changed(target / "__init__.py", _init_module(views))
        for module in target.glob("*.py"):
            if module.name not in wanted and module.name != "__init__.py":
                module.unlink()
        return dataclasses.replace(config, out=self.root)


def _init_module(views: list[str]) -> str:
    lines = ['"""The views the routes use, copied by `edgeviews dev` from the build output."""', ""]
    lines += [f"from .{view} import {view}" for view in views]
    lines += ["", "VIEWS = {", *(f"    {view!r}: {view}," for view in views), "}", ""]
    return "\n".join(lines)


def _link_if_changed(source: Path, target: Path) -> None:
    if target.exists() and (
        os.path.samefile(source, target) or source.read_bytes() == target.read_bytes()
    ):
        return  # the same file, or the same bytes (a copy from another file system)
    staged = target.with_name(f".{target.name}.new")
    staged.unlink(missing_ok=True)
    try:
        os.link(source, staged)
    except OSError:  # another file system, or no hard links
        shutil.copyfile(source, staged)
    os.replace(staged, target)  # whole files only: an import never sees a half-written one


def _write_if_changed(target: Path, text: str) -> None:
    try:
        if target.read_text(encoding="utf-8") == text:
            return
    except FileNotFoundError:
        pass
    staged = target.with_name(f".{target.name}.new")
    staged.write_text(text, encoding="utf-8")
    os.replace(staged, target)
