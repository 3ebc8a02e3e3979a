"""One access log line per proxied request: status, upstream time, total time, what was injected.

Logged to the `edgeviews.proxy.access` logger so operators can route it apart from errors.
`edgeviews serve` writes it through a `BatchingStreamHandler`: a write and a flush per line
were 5-9% of the samples (py-spy, `edgeviews serve` at 32 connections, route without rules).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TextIO

from edgeviews.proxy.asgi import Scope

access_logger = logging.getLogger("edgeviews.proxy.access")

_LINE = '%s "%s %s" %d upstream=%.1fms total=%.1fms mode=%s injected=%s outcome=%s'


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


def client_address(scope: Scope) -> str:
    """The client's address as the access line shows it ("-" where the server gave none)."""
    peer = scope.get("client")
    return str(peer[0]) if peer else "-"


def log_access(exchange: Exchange, injected: list[str], total_ms: float) -> None:
    """Log the access line of one exchange (at INFO, on `edgeviews.proxy.access`).

    The record is made and handed to the logger directly: `Logger.info` would also walk the
    stack to find the caller's file and line, which an access line never shows (about a
    third of the line's cost).
    """
    if not access_logger.isEnabledFor(logging.INFO):
        return
    args = (
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
    access_logger.handle(
        access_logger.makeRecord(
            access_logger.name, logging.INFO, __file__, 0, _LINE, args, None, "log_access"
        )
    )


class LineFormatter(logging.Formatter):
    """A Formatter that formats a record's `asctime` once per second, not once per line.

    `time.strftime` of every access line was a sixth of its cost; the milliseconds are still
    per line. With a `datefmt`, or a `converter` other than local time, it is a plain Formatter.
    """

    def __init__(self, fmt: str | None = None, datefmt: str | None = None) -> None:
        super().__init__(fmt, datefmt)
        self._second = -1
        self._stamp = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        if datefmt is not None or self.converter is not time.localtime:
            return super().formatTime(record, datefmt)
        second = int(record.created)
        if second != self._second:
            self._stamp = time.strftime(self.default_time_format, time.localtime(second))
            self._second = second
        if self.default_msec_format:
            return self.default_msec_format % (self._stamp, record.msecs)
        return self._stamp


class BatchingStreamHandler(logging.StreamHandler[TextIO]):
    """A StreamHandler that writes the lines of one short moment together.

    Lines formatted while an event loop runs are written `delay` seconds after the first of
    them, or at once when `max_lines` are waiting; outside a loop, and at shutdown
    (`logging.shutdown` flushes every handler), at once. Lines of other handlers (errors) can
    therefore appear up to `delay` seconds before access lines logged earlier.
    """

    def __init__(
        self, stream: TextIO | None = None, delay: float = 0.1, max_lines: int = 256
    ) -> None:
        super().__init__(stream)
        self.delay = delay
        self.max_lines = max_lines
        self._lines: list[str] = []
        self._timer: asyncio.TimerHandle | None = None
        self._timer_loop: asyncio.AbstractEventLoop | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(self.format(record) + self.terminator)
        except Exception:
            self.handleError(record)
            return
        if len(self._lines) >= self.max_lines:
            self.flush()
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()  # another thread, or no loop: nothing would flush later
            return
        if (
            self._timer is None or self._timer_loop is not loop
        ):  # (a closed loop's timer never runs)
            self._timer_loop = loop
            self._timer = loop.call_later(self.delay, self._flush_later)

    def _flush_later(self) -> None:
        self._timer = None
        self.flush()

    def flush(self) -> None:
        self.acquire()
        try:
            lines, self._lines = self._lines, []
            if lines:
                self.stream.write("".join(lines))
            super().flush()
        finally:
            self.release()

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
        super().close()
