"""Send the upstream's answer to the client: passed through, or decoded, rewritten, encoded.

Passed-through bodies go byte for byte. A page we rewrite is looked at first (a UTF-16 page
by its byte-order mark, or a body we cannot decode, goes through untouched), then streams
through the decoder, the route's rewriter and the encoder the client asked for, one chunk at
a time, so the first bytes leave while the upstream still sends the rest.
"""

from __future__ import annotations

import functools
import itertools
import logging
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

import brotli
import zstandard

from edgeviews.proxy.access_log import Exchange
from edgeviews.proxy.asgi import Scope, Send
from edgeviews.proxy.client_connection import DisconnectWatch
from edgeviews.proxy.content_coding import (
    Decoder,
    UnsupportedEncoding,
    can_decode,
    choose_encoding,
    content_codings,
    decoder_for,
    encoder_for,
)
from edgeviews.proxy.csp import needs_nonce
from edgeviews.proxy.injection import InjectionRecord, current_record, new_nonce
from edgeviews.proxy.page_encoding import (
    PRESCAN_BYTES,
    PageEncoding,
    prescan_settled,
    sniff_page_encoding,
)
from edgeviews.proxy.response_headers import header_value, rewritten_page_headers
from edgeviews.proxy.snapshot import RoutePlan, Snapshot
from edgeviews.proxy.transport import UpstreamResponse

logger = logging.getLogger("edgeviews.proxy")

DECODE_ERRORS: Final = (zlib.error, brotli.error, zstandard.ZstdError)


def declared_length(upstream_headers: list[tuple[bytes, bytes]]) -> int | None:
    """The body length the upstream announced (Content-Length without Transfer-Encoding), if any.

    Knowing it lets the last body message carry the last bytes: each ASGI message is a write
    to the client's socket (about 25 us), and an empty closing message would be one more.
    """
    length: int | None = None
    for name, value in upstream_headers:
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            if length is not None or not value.strip().isdigit():
                return None  # repeated or odd: let the end of the stream tell
            length = int(value)
    return length


def page_encoding(first: bytes, content_type: bytes | None) -> PageEncoding:
    """`sniff_page_encoding`, remembered for pages that start alike (a site's pages do).

    Its `<meta>` prescan costs ~12 us on the benchmark page when Content-Type names no
    charset; the answer depends only on the first PRESCAN_BYTES and the Content-Type, so
    those are the key (XML types, whose declaration is read from `first` as a whole, are
    not cached)."""
    if content_type is not None and b"xml" in content_type.lower():
        return sniff_page_encoding(first, content_type)
    return _remembered_encoding(first[:PRESCAN_BYTES], content_type)


@functools.lru_cache(maxsize=256)
def _remembered_encoding(start: bytes, content_type: bytes | None) -> PageEncoding:
    return sniff_page_encoding(start, content_type)


def raw_chunks(response: UpstreamResponse) -> AsyncIterator[bytes]:
    """The body as the transport yields it; `forward` closes the response."""
    return response.stream.__aiter__()


async def send_passthrough(
    send: Send,
    response: UpstreamResponse,
    headers: list[tuple[bytes, bytes]],
    head: bool,
    disconnect: DisconnectWatch,
    upstream_headers: list[tuple[bytes, bytes]],
    exchange: Exchange,
) -> None:
    exchange.started = True
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if not head:
        await _send_chunks(
            send, raw_chunks(response), declared_length(upstream_headers), disconnect
        )
        return
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _send_chunks(
    send: Send,
    chunks: AsyncIterator[bytes],
    remaining: int | None,
    disconnect: DisconnectWatch,
    first: bytes = b"",
) -> None:
    """Copy body chunks to the client; the one that completes a declared length ends it."""
    if first:
        if remaining is not None:
            remaining = remaining - len(first) if len(first) <= remaining else None
        if remaining == 0:
            disconnect.finished()
            await send({"type": "http.response.body", "body": first, "more_body": False})
            return
        await send({"type": "http.response.body", "body": first, "more_body": True})
    async for chunk in chunks:
        if not chunk:
            continue
        if remaining is not None:
            remaining = remaining - len(chunk) if len(chunk) <= remaining else None
            if remaining == 0:
                disconnect.finished()
                await send({"type": "http.response.body", "body": chunk, "more_body": False})
                # The transport has nothing more to give (it stops at the declared length);
                # run the iterator to its end so it finishes cleanly rather than being dropped.
                async for _ in chunks:
                    pass
                return
        await send({"type": "http.response.body", "body": chunk, "more_body": True})
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


class _UpstreamBody:
    """The upstream body of a page we rewrite, decoded piece by piece.

    `complete` turns true just before the last piece is handed out, when that is known without
    waiting for the network (the declared length is reached, or the stream has ended): what the
    rewriter still produces then goes out in the one closing body message.
    """

    def __init__(
        self, chunks: AsyncIterator[bytes], decoder: Decoder | None, length: int | None
    ) -> None:
        self.chunks = chunks
        self.complete = length == 0
        self.first_raw = b""
        self._decoder = decoder
        self._remaining = length
        self._first = b""
        self._pending: Iterator[bytes] = iter(())
        self._pending_last = False

    def _take(self, chunk: bytes) -> tuple[Iterator[bytes], bool]:
        """The decoded pieces of one raw chunk, and whether it completes the declared length."""
        last = False
        if self._remaining is not None:
            if len(chunk) <= self._remaining:
                self._remaining -= len(chunk)
                last = self._remaining == 0
            else:
                self._remaining = None
        pieces = self._decoder.pieces(chunk) if self._decoder is not None else iter((chunk,))
        return pieces, last

    async def peek(self) -> bytes:
        """The first decoded bytes: enough to sniff the page's encoding (`prescan_settled`: a
        BOM, a `<meta>` charset, a tag that cannot be in <head>, or 1024 bytes), unless the
        body is shorter. Raises one of DECODE_ERRORS if its start cannot be decoded;
        `first_raw` then holds the raw bytes read so far."""
        first = b""
        settled = False
        async for chunk in self.chunks:
            self.first_raw += chunk
            self._pending, self._pending_last = self._take(chunk)
            for piece in self._pending:  # stop early; the rest of this chunk's pieces stay pending
                first += piece
                settled = prescan_settled(first)
                if settled:
                    break
            if settled or self._pending_last or len(self.first_raw) >= 65536:
                break
        self._first = first
        return first

    def _through(self, pieces: Iterator[bytes], last: bool) -> Iterator[bytes]:
        """`pieces`, and the decoder's tail when they end the body (then `complete` is set
        before the final piece: holding one piece back here waits for the CPU, not the network)."""
        if not last:
            yield from pieces
            return
        if self._decoder is not None:
            pieces = itertools.chain(pieces, (self._decoder.finish(),))
        held = b""
        for piece in pieces:
            if held:
                yield held
            held = piece
        self.complete = True
        if held:
            yield held

    async def pieces(self) -> AsyncIterator[bytes]:
        """The decoded body from its first byte (after `peek`)."""
        head = itertools.chain((self._first,) if self._first else (), self._pending)
        for piece in self._through(head, self._pending_last):
            yield piece
        if self._pending_last:
            return
        async for chunk in self.chunks:
            pieces, last = self._take(chunk)
            for piece in self._through(pieces, last):
                yield piece
            if last:
                async for _ in self.chunks:  # nothing is left; let the stream finish cleanly
                    pass
                return
        self.complete = True
        if self._decoder is not None:
            tail = self._decoder.finish()
            if tail:
                yield tail


async def send_rewritten(
    scope: Scope,
    send: Send,
    response: UpstreamResponse,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
    exchange: Exchange,
    injected: list[str],
    disconnect: DisconnectWatch,
) -> None:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    try:
        decoder = decoder_for(codings)
    except UnsupportedEncoding:
        logger.warning(
            "%s %s: cannot decode Content-Encoding %s; page passed through unchanged",
            exchange.method,
            exchange.path,
            ",".join(codings),
        )
        exchange.outcome = "undecodable"
        await send_passthrough(
            send, response, headers, False, disconnect, upstream_headers, exchange
        )
        return
    length = declared_length(upstream_headers)
    body = _UpstreamBody(raw_chunks(response), decoder, length)
    # Look at the first bytes before committing to a rewrite: they say the page's encoding as a
    # browser reads it (page_encoding.py); a UTF-16 page goes through untouched, and so does a
    # body we cannot decode from its very start.
    try:
        encoding = page_encoding(await body.peek(), header_value(headers, b"content-type"))
        untouched = None if encoding.rewritable else "utf-16-untouched"
    except DECODE_ERRORS:
        untouched = "undecodable"
    if untouched is not None:
        exchange.outcome = untouched
        exchange.started = True
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )
        await _send_chunks(send, body.chunks, length, disconnect, first=body.first_raw)
        return

    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    encoder = encoder_for(coding)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    record = InjectionRecord(exchange.path, injected, charset=encoding.snippet_charset)
    if csp_sources is not None and any(
        needs_nonce(value.decode("latin-1"), csp_sources)
        for name, value in headers
        if name in (b"content-security-policy", b"content-security-policy-report-only")
    ):
        record.nonce = new_nonce()
    out_headers = rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources, nonce=record.nonce
    )
    exchange.mode = f"rewrite+{coding}" if coding else "rewrite"
    rewriter = plan.rewriter
    assert rewriter is not None
    current_record.set(record)

    exchange.started = True
    await send(
        {"type": "http.response.start", "status": response.status_code, "headers": out_headers}
    )
    # Output is sent as it comes while the upstream is still sending; once its body is complete
    # the rest (the last piece's output, the rewriter's end) is joined into the closing message.
    held: list[bytes] = []
    async for piece in rewriter.atransform(body.pieces()):
        if body.complete:
            held.append(piece)
            continue
        data = encoder.encode(piece) if encoder is not None else piece
        if data:
            await send({"type": "http.response.body", "body": data, "more_body": True})
    rest = b"".join(held)
    data = encoder.last(rest) if encoder is not None else rest
    disconnect.finished()
    await send({"type": "http.response.body", "body": data, "more_body": False})


def head_of_rewritten_page(
    scope: Scope,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
) -> list[tuple[bytes, bytes]]:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    if not can_decode(codings):
        return headers  # a GET would pass this body through as it is
    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    return rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources
    )
