"""Compile the rewriter's optional C speedups (edgeviews/rewriter/_fastscan.c) at install.

The scanner runs in pure Python wherever the module is missing, so a machine without a C
compiler still installs and works, only slower: a failed compile is a warning, not an
error. Editable installs get the module built in place beside its source; wheels carry it
and are tagged for this interpreter and platform.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SOURCE = Path("edgeviews") / "rewriter" / "_fastscan.c"


def compiler() -> list[str]:
    """The C compiler command: `CC`, else the one this Python was built with (as setuptools)."""
    return shlex.split(os.environ.get("CC") or str(sysconfig.get_config_var("CC") or "cc"))


def compile_fastscan(root: Path) -> tuple[Path | None, str]:
    """Build the extension next to its source; (the built file or None, what went wrong)."""
    if os.environ.get("EDGEVIEWS_PURE_PYTHON"):
        return None, "EDGEVIEWS_PURE_PYTHON is set"
    source = root / SOURCE
    target = source.with_name("_fastscan" + str(sysconfig.get_config_var("EXT_SUFFIX")))
    command = [
        *compiler(),
        "-O3",
        "-shared",
        "-fPIC",
        "-fvisibility=hidden",
        "-I",
        sysconfig.get_paths()["include"],
        str(source),
        "-o",
        str(target),
    ]
    target.unlink(missing_ok=True)  # a failed build must not leave an older one in use
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"{' '.join(command)}: {error}"
    if done.returncode != 0:
        return None, f"{' '.join(command)}:\n{done.stderr.strip()[-2000:]}"
    return target, ""


class CustomBuildHook(BuildHookInterface):  # type: ignore[misc]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        built, problem = compile_fastscan(Path(self.root))
        if built is None:
            self.app.display_warning(
                f"edgeviews: C speedups not built, the rewriter runs in pure Python ({problem})"
            )
            return
        if version != "editable":
            build_data["pure_python"] = False
            build_data["infer_tag"] = True
            relative = built.relative_to(self.root).as_posix()
            build_data["force_include"][str(built)] = relative
