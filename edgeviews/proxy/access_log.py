"""One access log line per proxied request: status, upstream time, total time, what was injected.

Logged to the `edgeviews.proxy.access` logger so operators can route it apart from errors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

access_logger = logging.getLogger("edgeviews.proxy.access")


@dataclass(slots=True)
class Exchange:
    """What the access log reports about one proxied request."""

    method: str
    path: str
    client: str
    status: int = 0
    upstream_ms: float = 0.0
    mode: str = "pass"
    outcome: str = "ok"
    started: bool = False


def log_access(exchange: Exchange, injected: list[str], total_ms: float) -> None:
    if not access_logger.isEnabledFor(logging.INFO):
        return
    access_logger.info(
        '%s "%s %s" %d upstream=%.1fms total=%.1fms mode=%s injected=%s outcome=%s',
        exchange.client,
        exchange.method,
        exchange.path,
        exchange.status,
        exchange.upstream_ms,
        total_ms,
        exchange.mode,
        ",".join(injected) or "-",
        exchange.outcome,
    )
