"""Fixtures every wing's tests share: where the repository and the shared corpus are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpus_dir() -> Path | None:
    """The shared corpus: $EDGEVIEWS_CORPUS, else ../shared/corpus beside the repository."""
    configured = os.environ.get("EDGEVIEWS_CORPUS")
    path = Path(configured) if configured else REPO.parent / "shared" / "corpus"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus folder; tests that need it skip, saying why, where it is absent."""
    path = corpus_dir()
    if path is None:
        pytest.skip(
            "shared corpus not found (set EDGEVIEWS_CORPUS or place it at ../shared/corpus)"
        )
    return path
