"""Bytecode for the build output that survives rebuilds, so a dev reload compiles only what changed.

Every build swaps in a fresh output folder, so the `__pycache__` Python wrote beside the
modules is gone after each save, and with PYTHONDONTWRITEBYTECODE it is never written at all:
reloading 200 views then compiles 200 modules (about half a second). This keeps hash-checked
`.pyc` files (PEP 552: valid exactly while the source bytes match, whatever the timestamps)
in a folder of its own, keyed by module name and source hash, and links them into the new
output's `__pycache__` before the proxy imports it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import py_compile
import shutil
from pathlib import Path


class BytecodeCache:
    """Compiled modules of one views package, by name and source hash, kept in `directory`."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        # A view the build took over unchanged is the same file (a hard link): its identity
        # finds its bytecode without reading it. A stale entry cannot load wrong code, as the
        # import checks the source hash in the .pyc; it would only cost a compile.
        self._by_identity: dict[tuple[str, int, int, int], Path] = {}

    def refresh(self, package_dir: Path) -> int:
        """Give every module of `package_dir` its bytecode; returns how many were compiled now."""
        compiled = 0
        pycache_made = False
        for source in package_dir.glob("*.py"):
            status = source.stat()
            identity = (source.name, status.st_ino, status.st_mtime_ns, status.st_size)
            kept = self._by_identity.get(identity)
            if kept is None:
                kept, new = self._compile(source)
                compiled += new
                self._by_identity[identity] = kept
            target = Path(importlib.util.cache_from_source(str(source)))
            if not pycache_made:
                target.parent.mkdir(exist_ok=True)
                pycache_made = True
            _link_or_copy(kept, target)
        return compiled

    def _compile(self, source: Path) -> tuple[Path, bool]:
        data = source.read_bytes()
        key = hashlib.sha256(source.name.encode() + b"\0" + data).hexdigest()[:32]
        kept = self.directory / f"{source.stem}-{key}.pyc"
        if kept.exists():
            return kept, False
        # The source path is baked into the code object (tracebacks name it); it is the same
        # for every build, as the output folder is swapped in at one path.
        py_compile.compile(
            str(source),
            cfile=str(kept),
            doraise=True,
            invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH,
        )
        return kept, True


def _link_or_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    try:
        os.link(source, target)
    except OSError:  # another file system, or no hard links: a copy is as good
        shutil.copyfile(source, target)
