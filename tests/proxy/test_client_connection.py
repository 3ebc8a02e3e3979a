"""The disconnect watch: it fires on `http.disconnect` and never spins on a harness that keeps
answering `http.request` after the body ended (real servers block there; some in-process
harnesses do not)."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from edgeviews.config import load_config
from edgeviews.proxy import create_app
from edgeviews.proxy.client_connection import WATCH_AFTER, DisconnectWatch
from tests.e2e.conftest import Upstream, write_project

Message = dict[str, Any]


async def _watched(receive: Any, started: asyncio.Event) -> DisconnectWatch:
    """A task body that starts a watch on `receive` and then waits as a forwarding task would."""
    watch = DisconnectWatch()
    watch.start(receive)
    started.set()
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        assert watch.fired
        return watch
    raise AssertionError("the watch never cancelled the forwarding task")


async def test_a_disconnect_cancels_the_forwarding_task_at_once() -> None:
    gone = asyncio.Event()
    calls = 0

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        if calls == 1:
            return {"type": "http.request", "body": b"", "more_body": False}
        await gone.wait()  # a real server blocks here until the client leaves
        return {"type": "http.disconnect"}

    started = asyncio.Event()
    task = asyncio.ensure_future(_watched(receive, started))
    await started.wait()
    await asyncio.sleep(0.05)
    assert not task.done()
    gone.set()
    watch = await asyncio.wait_for(task, 1)
    assert watch.fired and calls == 2


async def test_no_fire_after_the_response_finished() -> None:
    gone = asyncio.Event()

    async def receive() -> Message:
        await gone.wait()
        return {"type": "http.disconnect"}

    watch = DisconnectWatch()
    watch.start(receive)
    watch.finished()  # the last body message went out: a disconnect now is the normal end
    gone.set()
    await asyncio.sleep(0.05)
    assert not watch.fired
    watch.stop()


async def test_a_response_done_sooner_than_watch_after_creates_no_task() -> None:
    """The usual page: finished within WATCH_AFTER, so no waiting task was ever created."""

    async def receive() -> Message:
        raise AssertionError("receive must not be called for a response this quick")

    tasks_before = len(asyncio.all_tasks())
    watch = DisconnectWatch()
    watch.start(receive)
    await asyncio.sleep(WATCH_AFTER / 4)
    assert len(asyncio.all_tasks()) == tasks_before
    watch.finished()
    watch.stop()
    await asyncio.sleep(WATCH_AFTER * 2)  # the cancelled timer never starts the task
    assert len(asyncio.all_tasks()) == tasks_before and not watch.fired


async def test_extra_request_messages_do_not_spin() -> None:
    """A harness answering `http.request` forever: a plain loop called it thousands of times
    in 0.3 s; the watch now pauses (0.01 s, doubling) after the body has ended."""
    calls = 0
    disconnect = False

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        if disconnect:
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": b"", "more_body": False}

    started = asyncio.Event()
    task = asyncio.ensure_future(_watched(receive, started))
    await started.wait()
    await asyncio.sleep(0.3)
    assert not task.done()  # extra request messages are not a disconnect
    assert calls <= 10, f"receive was called {calls} times in 0.3 s"
    disconnect = True  # the same harness reports the disconnect later: still noticed
    watch = await asyncio.wait_for(task, 2)
    assert watch.fired


async def test_body_messages_before_the_end_are_read_without_pause() -> None:
    """The rest of a request body comes before the disconnect; it is drained, not paused on."""
    messages = [
        {"type": "http.request", "body": b"a", "more_body": True},
        {"type": "http.request", "body": b"b", "more_body": True},
        {"type": "http.request", "body": b"c", "more_body": False},
        {"type": "http.disconnect"},
    ]

    loop = asyncio.get_running_loop()
    first_call: list[float] = []

    async def receive() -> Message:
        first_call[:] = first_call or [loop.time()]
        return messages.pop(0)

    started = asyncio.Event()
    watch = await asyncio.wait_for(asyncio.ensure_future(_watched(receive, started)), 1)
    assert watch.fired and not messages
    assert loop.time() - first_call[0] < 0.005  # no pause was taken


def test_a_receive_that_never_suspends_does_not_hang_the_event_loop() -> None:
    """Without a pause, `receive` returning at once kept the loop inside the watch forever."""

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def scenario() -> None:
        watch = DisconnectWatch()
        watch.start(receive)
        await asyncio.sleep(0.1)  # needs the loop back from the watch task
        assert not watch.fired
        watch.stop()

    errors: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(scenario())
        except BaseException as error:  # reported to the test below
            errors.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the event loop was starved by the disconnect watch"
    assert not errors, errors


async def test_the_app_under_a_harness_that_never_blocks_receive(
    tmp_path: Path, upstream: Upstream
) -> None:
    """The whole app, as a test harness that answers every `receive` at once drives it, while
    the upstream takes 0.3 s: the page arrives whole, and `receive` is not called in a loop."""
    app = create_app(load_config(write_project(tmp_path, upstream=upstream.origin)), env="test")
    calls = 0

    async def receive() -> Message:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0)
        return {"type": "http.request", "body": b"", "more_body": False}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/t/slow",
        "raw_path": b"/t/slow",
        "query_string": b"delay=0.3",
        "root_path": "",
        "headers": [(b"host", b"www.example.com"), (b"accept-encoding", b"identity")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    await asyncio.wait_for(app(scope, receive, send), 5)  # type: ignore[arg-type]
    assert sent[0]["status"] == 200 and sent[-1].get("more_body", False) is False
    assert b"</html>" in b"".join(m.get("body", b"") for m in sent[1:])
    assert calls <= 12, f"receive was called {calls} times while the upstream took 0.3 s"
