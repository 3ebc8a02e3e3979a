"""A hatchling build hook: `pip wheel .` of a project using edgeviews ships its compiled views.

Enable it in the project's pyproject.toml (edgeviews must be in build-system.requires):

    [tool.hatch.build.targets.wheel.hooks.edgeviews]
    env = "production"      # optional: bake [env.production] into the output
    config = "edgeviews.toml"  # optional: the configuration file (default: found as the CLI does)
    path = "views"          # optional: where the package goes inside the wheel (default: <package>)

The hook runs `edgeviews build` before the wheel is assembled and force-includes the output, so
the compiled views are inside the wheel even though `build/` is ignored by git.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface
from hatchling.plugin import hookimpl

from edgeviews.config import load_config

__all__ = ["EdgeviewsBuildHook", "hatch_register_build_hook"]


class EdgeviewsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Builds the views and adds `<out>/<package>` to the wheel."""

    PLUGIN_NAME = "edgeviews"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel":
            return
        from edgeviews.compiler.build import build_project

        options = self.config
        config_path = options.get("config")
        config = load_config(
            Path(config_path) if isinstance(config_path, str) else None, cwd=Path(self.root)
        )
        env = options.get("env")
        result = build_project(config, env=env if isinstance(env, str) else None)
        destination = options.get("path", config.package)
        build_data.setdefault("force_include", {})[str(result.out)] = str(destination)
        self.app.display_info(
            f"edgeviews: {len(result.views)} views from {config.views.name}/ "
            f"({len(result.compiled)} compiled) -> {destination}/ in the wheel"
        )


@hookimpl
def hatch_register_build_hook() -> type[BuildHookInterface]:  # type: ignore[type-arg]
    """Hatchling's plugin entry point (pyproject: [project.entry-points.hatch])."""
    return EdgeviewsBuildHook
