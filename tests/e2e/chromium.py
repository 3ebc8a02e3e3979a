"""Debian's Chromium for the browser tests: one place that finds it, launches it headless,
and says what to do when it is missing (skip on a developer's machine, fail in CI, where
scripts/setup installs it)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps trying hosts this closed network
# refuses; without --no-sandbox it does not start as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def launched_chromium() -> Iterator[Any]:
    """A headless playwright Browser over Debian's Chromium, closed when the block ends."""
    if not CHROMIUM.exists():
        missing = (
            "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
        )
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright import sync_api

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
