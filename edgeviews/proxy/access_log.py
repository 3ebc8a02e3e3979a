"""One access log line per proxied request: status, upstream time, total time, what was injected.

Logged to the `edgeviews.proxy.access` logger so operators can route it apart from errors.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from edgeviews.proxy.forwarding import Exchange

access_logger = logging.getLogger("edgeviews.proxy.access")


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
