"""The client side of one exchange: its request body, and noticing when it hangs up.

Starlette's StreamingResponse skips its cleanup when the client disconnects (trap 12 of
notes/proxy.md); here one small task waits for `http.disconnect` and cancels the forwarding
task, whose `finally` closes the upstream response at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Final

import httpx2

from edgeviews.proxy.asgi import Receive

WATCH_AFTER: Final = 0.02
"""Seconds a response runs before its client is watched for a disconnect (see DisconnectWatch)."""
EXTRA_MESSAGE_PAUSE: Final = 0.01
"""Seconds to wait after a message a conforming server would not send (then doubled)."""
EXTRA_MESSAGE_PAUSE_MAX: Final = 1.0


class ClientGone(Exception):
    """The client disconnected (while its request body was read, or while we answered)."""


@dataclass(slots=True)
class BodyState:
    """Whether the request body has been read to its end."""

    done: bool = False


class RequestBody(httpx2.AsyncByteStream):
    """The request body as the client sends it, chunk by chunk (never held whole).

    Handed to httpx2's Request as `stream=`, so httpx2 adds no framing headers of its own:
    the client's Content-Length is forwarded, and without one the transport sends chunked.
    """

    def __init__(self, receive: Receive, state: BodyState) -> None:
        self._receive = receive
        self._state = state

    async def __aiter__(self) -> AsyncIterator[bytes]:
        state = self._state
        while not state.done:
            message = await self._receive()
            if message["type"] == "http.disconnect":
                state.done = True
                raise ClientGone()
            body: bytes = message.get("body", b"")
            if not message.get("more_body", False):
                state.done = True
            if body:
                yield body


class DisconnectWatch:
    """Cancels the forwarding task when the client hangs up, so the upstream is released now.

    The waiting task is created only once a response has taken WATCH_AFTER seconds: a task
    (created, stepped, cancelled) cost 5-10 us of a ~180 us request, and most pages are done
    sooner; a client leaving a slow upstream or a long body frees it at most that much later.
    """

    def __init__(self) -> None:
        self.fired = False
        self.streaming = True
        self._task = asyncio.current_task()
        self._waiter: asyncio.Task[None] | None = None
        self._timer: asyncio.TimerHandle | None = None

    def start(self, receive: Receive) -> None:
        """Begin watching (once the request body, if any, has been read); a second call is a
        no-op."""
        if self._waiter is None and self._timer is None and self.streaming:
            self._timer = asyncio.get_running_loop().call_later(WATCH_AFTER, self._begin, receive)

    def _begin(self, receive: Receive) -> None:
        self._timer = None
        if self.streaming:
            self._waiter = asyncio.ensure_future(self._wait(receive))
            self._waiter.add_done_callback(self._on_done)

    @staticmethod
    async def _wait(receive: Receive) -> None:
        """Return when the client has gone.

        The unread request message (and any body left) comes first; then a real server blocks
        until the disconnect. An in-process harness that keeps answering `http.request` after
        the body ended would make a plain loop spin (and starve the event loop when its
        `receive` never suspends): such extra messages are ignored with a growing pause.
        """
        body_ended = False
        pause = EXTRA_MESSAGE_PAUSE
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            if not body_ended and message["type"] == "http.request":
                body_ended = not message.get("more_body", False)
                continue
            await asyncio.sleep(pause)
            pause = min(pause * 2, EXTRA_MESSAGE_PAUSE_MAX)

    def _on_done(self, waiter: asyncio.Task[None]) -> None:
        if waiter.cancelled() or waiter.exception() is not None:
            return
        if self.streaming:
            self.fired = True
            if self._task is not None:
                self._task.cancel()

    def finished(self) -> None:
        """The last body message is about to go out: a disconnect now is the normal end."""
        self.streaming = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def stop(self) -> None:
        self.finished()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.cancel()
