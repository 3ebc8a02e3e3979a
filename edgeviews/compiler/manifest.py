"""manifest.json: what a build contains and what it was built from.

Readers (the proxy, `edgeviews check`, tooling) get each view's source, dependencies, source
hash and env keys; the build itself reads back the `key` of each view and the parse facts of
each template so that the next build recompiles and reparses only what changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["MANIFEST_NAME", "MANIFEST_VERSION", "Manifest", "ViewEntry", "read_manifest"]

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ViewEntry:
    """One exported view in the build output."""

    source: str  # the template's name inside the views folder: "analytics.html"
    module: str  # the module (and function) name: "analytics"
    deps: list[str]  # every template it needs, transitively
    hash: str  # "sha256:..." of the template source
    env_keys: list[str]  # keys it reads and needs
    optional_env_keys: list[str] = field(default_factory=list)  # keys it reads only if present
    env_dynamic: bool = False  # reads env in ways whose keys cannot be known
    inputs: list[str] = field(default_factory=list)  # context names besides env
    rendered: bool = False  # baked env and no other inputs: RENDERED holds the output
    key: str = ""  # hash of everything the compiled module depends on


@dataclass(frozen=True)
class Manifest:
    """The whole manifest.json."""

    env: str | None
    views: dict[str, ViewEntry]
    templates: dict[str, dict[str, Any]] = field(default_factory=dict)  # parse cache by name
    fingerprint: str = ""  # compiler, options and env that keys were computed with
    compiler: str = ""  # the compiler's own fingerprint: _runtime.py is reused while it holds
    version: int = MANIFEST_VERSION

    def to_json(self) -> str:
        """One view (and one template) per line: readable in a diff, and written by json's C
        encoder (an indented dump is pure Python and was most of a no-change rebuild)."""
        head = {
            "version": self.version,
            "env": self.env,
            "fingerprint": self.fingerprint,
            "compiler": self.compiler,
        }
        lines = [f"  {json.dumps(key)}: {json.dumps(value)}," for key, value in head.items()]
        for section, table in (
            ("views", {name: entry.__dict__ for name, entry in self.views.items()}),
            ("templates", self.templates),
        ):
            items = [
                f"    {json.dumps(name)}: {json.dumps(value)}" for name, value in table.items()
            ]
            lines.append(f'  "{section}": {{\n' + ",\n".join(items) + "\n  },")
        lines[-1] = lines[-1].rstrip(",")
        return "{\n" + "\n".join(lines) + "\n}\n"


def read_manifest(package_dir: Path) -> Manifest | None:
    """The manifest of a previous build, or None where there is none (or one we cannot read)."""
    try:
        data = json.loads((package_dir / MANIFEST_NAME).read_text("utf-8"))
        if data.get("version") != MANIFEST_VERSION:
            return None
        views = {name: ViewEntry(**entry) for name, entry in data["views"].items()}
        return Manifest(
            env=data["env"],
            views=views,
            templates=dict(data.get("templates", {})),
            fingerprint=str(data.get("fingerprint", "")),
            compiler=str(data.get("compiler", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
