"""The errors edgeviews raises for users to act on: each names the file, the line and what to do."""

from __future__ import annotations

from pathlib import Path


class EdgeviewsError(Exception):
    """Base of every error edgeviews reports to a user instead of a traceback."""


class ConfigError(EdgeviewsError):
    """The configuration is invalid: names the file, the key and what is wrong."""

    def __init__(self, message: str, *, path: Path | str | None = None, key: str | None = None):
        self.path = str(path) if path is not None else None
        self.key = key
        where = ": ".join(part for part in (self.path, key) if part)
        super().__init__(f"{where}: {message}" if where else message)
