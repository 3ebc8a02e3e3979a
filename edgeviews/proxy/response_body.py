"""Send the upstream's answer to the client: passed through, or decoded, rewritten, encoded.

Passed-through bodies go byte for byte. A page we rewrite is looked at first (a UTF-16 page
by its byte-order mark, or a body we cannot decode, goes through untouched), then streams
through the decoder, the route's rewriter and the encoder the client asked for, one chunk at
a time, so the first bytes leave while the upstream still sends the rest.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import AsyncIterator, Iterator
from typing import Final

import brotli
import httpx2
import zstandard

from edgeviews.proxy.access_log import Exchange
from edgeviews.proxy.asgi import Scope, Send
from edgeviews.proxy.client_connection import DisconnectWatch
from edgeviews.proxy.content_coding import (
    DECODABLE,
    UnsupportedEncoding,
    choose_encoding,
    content_codings,
    decoder_for,
    encoder_for,
)
from edgeviews.proxy.csp import needs_nonce
from edgeviews.proxy.injection import InjectionRecord, current_record, new_nonce, page_charset
from edgeviews.proxy.response_headers import header_value, rewritten_page_headers
from edgeviews.proxy.snapshot import RoutePlan, Snapshot

logger = logging.getLogger("edgeviews.proxy")

NON_ASCII_BOMS: Final = (b"\xfe\xff", b"\xff\xfe")
DECODE_ERRORS: Final = (zlib.error, brotli.error, zstandard.ZstdError)


async def send_passthrough(
    send: Send,
    response: httpx2.Response,
    headers: list[tuple[bytes, bytes]],
    head: bool,
    disconnect: DisconnectWatch,
) -> None:
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    if not head:
        async for chunk in response.aiter_raw():
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})


async def send_rewritten(
    scope: Scope,
    send: Send,
    response: httpx2.Response,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
    exchange: Exchange,
    injected: list[str],
    disconnect: DisconnectWatch,
) -> None:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    raw_chunks = response.aiter_raw()
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
        await send_passthrough(send, response, headers, False, disconnect)
        return
    # Look at the first bytes before committing to a rewrite: a UTF-16 page (BOM) goes through
    # untouched, and so does a body we cannot decode from its very start.
    first_raw = b""
    first_pieces: list[bytes] = []
    seen = 0
    pending: Iterator[bytes] = iter(())
    async for chunk in raw_chunks:
        first_raw += chunk
        pending = decoder.pieces(chunk) if decoder is not None else iter((chunk,))
        try:
            for piece in pending:  # stop early; the rest of this chunk's pieces stay pending
                first_pieces.append(piece)
                seen += len(piece)
                if seen >= 2:
                    break
        except DECODE_ERRORS:
            exchange.outcome = "undecodable"
            await send_raw_remainder(
                send, response.status_code, headers, first_raw, raw_chunks, disconnect
            )
            return
        if seen >= 2 or len(first_raw) >= 65536:  # enough to see a byte-order mark
            break
    first = b"".join(first_pieces)
    if first.startswith(NON_ASCII_BOMS):
        exchange.outcome = "utf-16-untouched"
        await send_raw_remainder(
            send, response.status_code, headers, first_raw, raw_chunks, disconnect
        )
        return

    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    encoder = encoder_for(coding)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    record = InjectionRecord(
        exchange.path, injected, charset=page_charset(header_value(headers, b"content-type") or b"")
    )
    if csp_sources is not None and any(
        needs_nonce(value.decode("latin-1"), csp_sources)
        for name, value in headers
        if name in (b"content-security-policy", b"content-security-policy-report-only")
    ):
        record.nonce = new_nonce()
    out_headers = rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources, nonce=record.nonce
    )
    exchange.mode = f"rewrite{'+' + coding if coding else ''}"
    rewriter = plan.rewriter
    assert rewriter is not None
    current_record.set(record)

    async def decoded() -> AsyncIterator[bytes]:
        if first:
            yield first
        for piece in pending:
            yield piece
        async for chunk in raw_chunks:
            if decoder is None:
                yield chunk
                continue
            for piece in decoder.pieces(chunk):
                yield piece
        if decoder is not None:
            tail = decoder.finish()
            if tail:
                yield tail

    await send(
        {"type": "http.response.start", "status": response.status_code, "headers": out_headers}
    )
    async for piece in rewriter.atransform(decoded()):
        data = encoder.encode(piece) if encoder is not None else piece
        if data:
            await send({"type": "http.response.body", "body": data, "more_body": True})
    tail = encoder.finish() if encoder is not None else b""
    disconnect.finished()
    await send({"type": "http.response.body", "body": tail, "more_body": False})


def head_of_rewritten_page(
    scope: Scope,
    headers: list[tuple[bytes, bytes]],
    upstream_headers: list[tuple[bytes, bytes]],
    snapshot: Snapshot,
    plan: RoutePlan,
) -> list[tuple[bytes, bytes]]:
    codings = content_codings([v for k, v in upstream_headers if k == b"content-encoding"])
    if len(codings) > 1 or any(coding not in DECODABLE for coding in codings):
        return headers  # a GET would pass this body through as it is
    request_accept = [v for k, v in scope["headers"] if k == b"accept-encoding"]
    coding = choose_encoding(request_accept)
    csp_sources = plan.scripts if snapshot.settings.csp and plan.scripts else None
    return rewritten_page_headers(
        headers, coding=coding, snippets_tag=plan.tag, scripts=csp_sources
    )


async def send_raw_remainder(
    send: Send,
    status: int,
    headers: list[tuple[bytes, bytes]],
    first_raw: bytes,
    raw_chunks: AsyncIterator[bytes],
    disconnect: DisconnectWatch,
) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    if first_raw:
        await send({"type": "http.response.body", "body": first_raw, "more_body": True})
    async for chunk in raw_chunks:
        if chunk:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
    disconnect.finished()
    await send({"type": "http.response.body", "body": b"", "more_body": False})
