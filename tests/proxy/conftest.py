"""Fixtures shared by the in-process proxy tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Upstream


@pytest.fixture(scope="module")
def upstream(corpus: Path) -> Iterator[Upstream]:
    """The e2e suite's real upstream on 127.0.0.1 (corpus pages, codings, faults), one per module."""
    server = Upstream(corpus=corpus).start()
    yield server
    server.stop()
