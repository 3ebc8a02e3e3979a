"""The `[proxy]` table: defaults a proxy needs, and errors that name the key."""

from __future__ import annotations

import pytest

from edgeviews.errors import ConfigError
from edgeviews.proxy.settings import ProxySettings, load_settings


def test_the_idle_pool_covers_every_connection_by_default() -> None:
    settings = load_settings({})
    # A keep-alive pool smaller than the concurrency reconnects on every wave of requests.
    assert settings.max_keepalive_connections == settings.max_connections == 100
    assert load_settings({"max_keepalive_connections": 8}).max_keepalive_connections == 8


@pytest.mark.parametrize(
    ("table", "key"),
    [
        ({"max_keepalive_connections": 0}, "proxy.max_keepalive_connections"),
        ({"max_connections": True}, "proxy.max_connections"),
        ({"keepalive_expiry": -1}, "proxy.keepalive_expiry"),
        ({"pool_size": 3}, "proxy.pool_size"),
    ],
)
def test_bad_values_name_their_key(table: dict[str, object], key: str) -> None:
    with pytest.raises(ConfigError, match=key.replace(".", r"\.")):
        load_settings(table, source="edgeviews.toml")


def test_settings_are_a_frozen_value() -> None:
    assert load_settings({"via": "edge"}) == ProxySettings(via="edge")
