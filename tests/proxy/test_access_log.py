"""Access lines: one per request, written in batches by `edgeviews serve`'s handler."""

from __future__ import annotations

import asyncio
import io
import logging

from edgeviews.proxy.access_log import BatchingStreamHandler, Exchange, LineFormatter, log_access
from edgeviews.proxy.serve import log_config


def record(message: str) -> logging.LogRecord:
    return logging.makeLogRecord({"msg": message, "levelno": logging.INFO, "levelname": "INFO"})


async def test_lines_of_one_moment_are_written_together_soon_after() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=0.05)
    handler.handle(record("one"))
    handler.handle(record("two"))
    assert stream.getvalue() == ""  # waiting for the end of the moment
    await asyncio.sleep(0.2)
    assert stream.getvalue() == "one\ntwo\n"
    handler.handle(record("three"))  # a new moment: a new timer
    await asyncio.sleep(0.2)
    assert stream.getvalue() == "one\ntwo\nthree\n"


async def test_a_full_batch_is_written_at_once() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=60, max_lines=3)
    for n in range(3):
        handler.handle(record(f"line {n}"))
    assert stream.getvalue() == "line 0\nline 1\nline 2\n"
    handler.handle(record("rest"))
    handler.close()  # shutdown writes what is waiting
    assert stream.getvalue().endswith("rest\n")


def test_outside_an_event_loop_lines_are_written_at_once() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream)
    handler.handle(record("now"))
    assert stream.getvalue() == "now\n"


def test_a_timer_of_a_closed_loop_does_not_hold_lines_back() -> None:
    stream = io.StringIO()
    handler = BatchingStreamHandler(stream, delay=0.01)

    async def log_and_leave() -> None:
        handler.handle(record("first loop"))

    asyncio.run(log_and_leave())  # the loop closes before its timer runs

    async def log_and_wait() -> None:
        handler.handle(record("second loop"))
        await asyncio.sleep(0.1)

    asyncio.run(log_and_wait())
    assert stream.getvalue() == "first loop\nsecond loop\n"


async def test_serve_routes_access_lines_through_the_batching_handler() -> None:
    config = log_config()
    access = config["loggers"]["edgeviews.proxy.access"]
    handler = config["handlers"][access["handlers"][0]]
    assert handler["class"] == "edgeviews.proxy.access_log.BatchingStreamHandler"
    assert access["propagate"] is False and access["level"] == "INFO"
    # The line itself: what operators grep for.
    stream = io.StringIO()
    batching = BatchingStreamHandler(stream, delay=0.01)
    logger = logging.getLogger("edgeviews.proxy.access")
    logger.addHandler(batching)
    previous = logger.level
    logger.setLevel(logging.INFO)
    try:
        exchange = Exchange(method="GET", path="/about", client="10.0.0.1", status=200)
        log_access(exchange, ["analytics@body"], 1.25)
        await asyncio.sleep(0.1)
    finally:
        logger.removeHandler(batching)
        logger.setLevel(previous)
    assert stream.getvalue() == (
        '10.0.0.1 "GET /about" 200 upstream=0.0ms total=1.2ms mode=pass '
        "injected=analytics@body outcome=ok\n"
    )


def test_line_formatter_writes_what_logging_formatter_writes() -> None:
    fmt = "%(asctime)s %(levelname)s %(name)s: %(message)s"
    ours, theirs = LineFormatter(fmt), logging.Formatter(fmt)
    # Several records in one second (the cached stamp), then the next seconds.
    for created in (1_700_000_000.001, 1_700_000_000.5, 1_700_000_001.25, 1_700_000_061.999):
        line = logging.makeLogRecord({"msg": "x %d", "args": (1,), "levelno": 20})
        line.created, line.msecs = created, (created - int(created)) * 1000
        assert ours.format(line) == theirs.format(line)


def test_line_formatter_honours_a_date_format() -> None:
    line = logging.makeLogRecord({"msg": "x", "created": 0.0, "msecs": 0.0})
    fmt = "%(asctime)s %(message)s"
    assert LineFormatter(fmt, "%H").format(line) == logging.Formatter(fmt, "%H").format(line)


def test_access_lines_are_info_records_of_the_access_logger() -> None:
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    logger = logging.getLogger("edgeviews.proxy.access")
    keep, previous = Keep(), logger.level
    logger.addHandler(keep)
    logger.setLevel(logging.INFO)
    try:
        log_access(Exchange(method="HEAD", path="/", client="-", status=304), [], 0.5)
        logger.setLevel(logging.WARNING)
        log_access(Exchange(method="GET", path="/quiet", client="-"), [], 0.5)
    finally:
        logger.removeHandler(keep)
        logger.setLevel(previous)
    assert [(r.name, r.levelname, r.funcName) for r in seen] == [
        ("edgeviews.proxy.access", "INFO", "log_access")
    ]
    assert seen[0].getMessage().startswith('- "HEAD /" 304 upstream=0.0ms total=0.5ms')
