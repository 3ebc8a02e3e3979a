"""Writing build output all at once: a staging folder beside the output, then a swap.

A failed build never touches the previous output, and a reader (the proxy reloading) sees the
old package or the new one, never a mix. On Linux the swap is one renameat2(RENAME_EXCHANGE);
elsewhere two renames with a window of microseconds where the folder is absent.

The output the swap replaces is kept as a spare (`.<package>-spare`) and becomes the next
build's staging folder: it already holds most files, so a rebuild after one edit changes a few
files instead of linking every one. Files are only ever replaced (unlink, then create), never
written in place: two folders share unchanged files as hard links.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

__all__ = ["Staging"]

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class Staging:
    """A folder to write a build into; `commit()` swaps it in for `target`, `discard()` drops it.

    `recycled` says the folder is the spare of an earlier build (its files still in it), to be
    brought up to date file by file; otherwise it starts empty.
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(target)
        self.path = Path(tempfile.mkdtemp(prefix=f".{target.name}-build-", dir=target.parent))
        self._prefix = f"{self.path}{os.sep}"
        self.recycled = _take_spare(target, self.path)

    def has(self, name: str) -> bool:
        return os.path.exists(self._prefix + name)

    def remove(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._prefix + name)

    def clear(self) -> None:
        """Empty the folder (a spare whose contents cannot be trusted)."""
        for entry in os.scandir(self.path):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)
        self.recycled = False

    def prune(self, keep: set[str]) -> None:
        """Remove every entry but `keep`: views deleted since, and bytecode a reader wrote."""
        for entry in os.scandir(self.path):
            if entry.name in keep:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                os.unlink(entry.path)

    def write_text(self, name: str, text: str) -> None:
        """Write a new file; never through an existing name, which may be a hard link into the
        live output (truncating it would change the previous build in place)."""
        self.remove(name)
        with open(self._prefix + name, "x", encoding="utf-8") as file:
            file.write(text)

    def reuse(self, name: str, previous: Path) -> bool:
        """Take `name` unchanged from the previous output (a hard link: no bytes copied)."""
        source, destination = f"{previous}{os.sep}{name}", self._prefix + name
        self.remove(name)
        try:
            os.link(source, destination)
        except FileNotFoundError:
            return False
        except OSError:
            try:
                shutil.copy2(source, destination)
            except OSError:
                return False
        return True

    def commit(self) -> None:
        """Swap the staged folder in for the target; the old output becomes the spare."""
        os.chmod(self.path, 0o755)
        if not self.target.exists():
            os.replace(self.path, self.target)
            return
        if _exchange(self.path, self.target):
            old = self.path  # the old output, now at the staging path
        else:
            old = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-old-", dir=self.target.parent))
            os.rmdir(old)
            os.replace(self.target, old)
            os.replace(self.path, self.target)
        try:
            os.rename(old, _spare(self.target))
        except OSError:  # a spare is there already (another build): this one goes
            _remove_soon(old)

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


def _spare(target: Path) -> Path:
    return target.parent / f".{target.name}-spare"


def _take_spare(target: Path, staging: Path) -> bool:
    """Move the spare (if any) onto the empty staging folder; True when it was there."""
    try:
        os.rename(_spare(target), staging)
    except OSError:
        return False
    # Bytecode Python wrote while this was the live output: stale once a module is replaced.
    shutil.rmtree(staging / "__pycache__", ignore_errors=True)
    return True


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two directories (Linux renameat2); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = _renameat2()
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)


@functools.cache
def _renameat2() -> Any:
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None


def _remove_soon(folder: Path) -> None:
    """Delete the old output off the build's clock: a rebuild in watch mode returns at once.

    A non-daemon thread, so the command waits for it at exit; what an interrupted deletion
    leaves (named `-old-`) the next build removes.
    """
    threading.Thread(
        target=shutil.rmtree, args=(folder,), kwargs={"ignore_errors": True}, name="edgeviews-rm"
    ).start()


def _remove_leftovers(target: Path) -> None:
    """Folders an interrupted build left behind (a crash between staging and swap)."""
    an_hour_ago = time.time() - 3600
    for leftover in target.parent.glob(f".{target.name}-*-*"):
        with contextlib.suppress(OSError):
            # A staging folder may belong to a build running now (watch mode and CI at once).
            if "-old-" in leftover.name or leftover.stat().st_mtime < an_hour_ago:
                shutil.rmtree(leftover)
