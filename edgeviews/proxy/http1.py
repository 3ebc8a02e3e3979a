"""HTTP/1.1 wire format for the upstream transport: request heads out, response heads and bodies in.

Pure functions and a small chunked decoder over a ``bytearray`` buffer, kept apart from the
socket code so that every framing rule (RFC 9112) is tested without a network. Errors are
httpx2's ``RemoteProtocolError``/``LocalProtocolError`` because that is what the transport's
caller (an ``httpx2.AsyncClient``) is written to handle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

import httpx2

MAX_HEAD_SIZE: Final = 65_536
"""A response head larger than this is refused: no real page needs it, a broken upstream might."""

MAX_CHUNK_LINE: Final = 4_096

BodyKind = Literal["none", "length", "chunked", "close"]

_HEX_DIGITS: Final = frozenset(b"0123456789abcdefABCDEF")
_TOKEN_FORBIDDEN: Final = frozenset(b" \t\r\n:")
_NAME_FORBIDDEN: Final = frozenset(b" \t\r\n:\0")
"""What a request header's name may not hold (a response's may hold a NUL: it is only read)."""
_IDEMPOTENT: Final = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})

_REQUEST_FIELDS: Final = re.compile(rb"(?:[^\r\n\0]*\r\n)*\r\n")
"""The serialized header block of a request: no CR, LF or NUL but the line ends. With the
line count checked too, no value can split a line."""
_REQUEST_NAMES: Final = re.compile(rb"[^ \t\r\n:\0]+(?:\n[^ \t\r\n:\0]+)*")
"""The field names joined by LF: each one non-empty, without whitespace, ':' or NUL."""
_RESPONSE_FIELD: Final = re.compile(
    rb"(?<=\n)([^ \t\r\n:]+):[ \t]*((?:[^\r\n]*[^ \t\r\n])?)[ \t]*\r?\n"
)
"""One whole header line of a response (CRLF or bare LF): when every line but the status line
and the blank one matches, the head is well formed; anything else (folding, a line without a
colon, a stray CR) is left to the line-by-line parser to name."""


@dataclass(slots=True)
class ResponseHead:
    """The status line and header fields of one response, exactly as the upstream sent them."""

    http_version: bytes
    status_code: int
    reason_phrase: bytes
    headers: list[tuple[bytes, bytes]]


def is_idempotent(method: str) -> bool:
    """Whether a request may be sent again after a reused connection closed before answering."""
    return method in _IDEMPOTENT


def serialize_request_head(method: str, target: bytes, headers: list[tuple[bytes, bytes]]) -> bytes:
    """Request line and header fields, refusing anything that could split the head in two.

    The fields are joined first and checked as blocks (names joined by LF against one regex,
    the lines against another and their count), instead of three tests per field.
    """
    if (
        (not target.startswith(b"/") and target != b"*")
        or _has_line_break(target)
        or b" " in target
    ):
        raise httpx2.LocalProtocolError(f"invalid request target {target!r}")
    fields = b"".join([b"%s: %s\r\n" % field for field in headers]) + b"\r\n"
    names = b"\n".join([name for name, _ in headers])
    if (
        fields.count(b"\n") != len(headers) + 1
        or _REQUEST_FIELDS.fullmatch(fields) is None
        or (headers and _REQUEST_NAMES.fullmatch(names) is None)
    ):
        for name, value in headers:
            if not name or _NAME_FORBIDDEN.intersection(name) or _has_line_break(value):
                raise httpx2.LocalProtocolError(f"invalid header field {name!r}")
        raise httpx2.LocalProtocolError("invalid header fields")  # pragma: no cover
    return b"%s %s HTTP/1.1\r\n%s" % (method.encode("ascii"), target, fields)


def _has_line_break(value: bytes) -> bool:
    return b"\n" in value or b"\r" in value or b"\0" in value


def find_head_end(buffer: bytes | bytearray) -> int:
    """Index just past the blank line that ends a head in ``buffer``, or -1 if it has not arrived.

    Bare LF line endings are accepted (RFC 9112 section 2.2 allows it), CRLF is the norm.
    """
    crlf = buffer.find(b"\n\r\n")
    lf = buffer.find(b"\n\n", 0, crlf + 1 if crlf >= 0 else len(buffer))
    if lf >= 0:
        return lf + 2
    return crlf + 3 if crlf >= 0 else -1


def parse_response_head(head: bytes) -> ResponseHead:
    """Parse a status line and header fields; raise ``RemoteProtocolError`` on anything malformed.

    ``head`` ends with its blank line (as `find_head_end` delimits it). Well-formed fields are
    split by one regex pass; a malformed head is walked line by line to say what.
    """
    line_end = head.find(b"\n")
    status_line = head[: line_end if line_end >= 0 else len(head)].rstrip(b"\r")
    version, _, rest = status_line.partition(b" ")
    code, _, reason = rest.partition(b" ")
    if version not in (b"HTTP/1.1", b"HTTP/1.0") or len(code) != 3 or not code.isdigit():
        raise httpx2.RemoteProtocolError(
            f"malformed status line from upstream: {status_line[:100]!r}"
        )
    if line_end >= 0:
        # Matches start only at line starts and end at line ends: one per line means all fit.
        headers = _RESPONSE_FIELD.findall(head, line_end + 1)
        if len(headers) == head.count(b"\n") - 2:
            return ResponseHead(version, int(code), reason, headers)
    return ResponseHead(version, int(code), reason, _parse_fields_slowly(head))


def _parse_fields_slowly(head: bytes) -> list[tuple[bytes, bytes]]:
    """The header fields, line by line: the path that says which line is malformed."""
    headers: list[tuple[bytes, bytes]] = []
    for raw_line in head.split(b"\n")[1:]:
        line = raw_line.rstrip(b"\r")
        if not line:
            continue
        if line[0] in b" \t":
            raise httpx2.RemoteProtocolError("obsolete header line folding from upstream")
        name, colon, value = line.partition(b":")
        if not colon or not name or _TOKEN_FORBIDDEN.intersection(name) or b"\r" in value:
            raise httpx2.RemoteProtocolError(f"malformed header line from upstream: {line[:100]!r}")
        headers.append((name, value.strip(b" \t")))
    return headers


def body_framing(method: str, head: ResponseHead) -> tuple[BodyKind, int]:
    """How the body of this response is delimited (RFC 9112 section 6.3), and its length if known."""
    status = head.status_code
    if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
        return "none", 0
    transfer_codings: list[bytes] = []
    lengths: set[bytes] = set()
    for name, value in head.headers:
        lowered = name.lower()
        if lowered == b"transfer-encoding":
            transfer_codings += (c.strip().lower() for c in value.split(b",") if c.strip())
        elif lowered == b"content-length":
            lengths.update(v.strip() for v in value.split(b","))
    if transfer_codings:
        # A length next to a transfer coding is ignored; the caller must not reuse the connection.
        return ("chunked", -1) if transfer_codings[-1] == b"chunked" else ("close", -1)
    if not lengths:
        return "close", -1
    if len(lengths) != 1:
        raise httpx2.RemoteProtocolError("conflicting Content-Length values from upstream")
    (length,) = lengths
    if not length.isdigit() or len(length) > 18:
        raise httpx2.RemoteProtocolError(f"invalid Content-Length from upstream: {length[:30]!r}")
    return "length", int(length)


def keeps_alive(head: ResponseHead, kind: BodyKind) -> bool:
    """Whether the connection may carry another request once this response's body has been read."""
    if kind == "close":
        return False
    tokens: list[bytes] = []
    has_transfer_encoding = has_length = False
    for name, value in head.headers:
        lowered = name.lower()
        if lowered == b"connection":
            tokens += (t.strip().lower() for t in value.split(b","))
        elif lowered == b"transfer-encoding":
            has_transfer_encoding = True
        elif lowered == b"content-length":
            has_length = True
    if has_transfer_encoding and has_length:
        return False  # a smuggling-shaped response: never trust what follows it on this connection
    if b"close" in tokens:
        return False
    return head.http_version == b"HTTP/1.1" or b"keep-alive" in tokens


class ChunkedDecoder:
    """Decodes a chunked body incrementally from a buffer the transport keeps filling."""

    __slots__ = ("_in_trailers", "_remaining", "done")

    def __init__(self) -> None:
        self._remaining = 0  # data bytes left in the current chunk; -1 means its CRLF is due
        self._in_trailers = False
        self.done = False

    def decode(self, buffer: bytearray, limit: int) -> bytes:
        """Consume what ``buffer`` holds, return up to about ``limit`` bytes of body data.

        Returns ``b""`` when more input is needed (or ``done`` is set). Partial size lines stay
        in the buffer until they are complete.
        """
        out: list[bytes] = []
        produced = 0
        while not self.done and produced < limit:
            if self._remaining > 0:
                if not buffer:
                    break
                take = min(self._remaining, len(buffer), limit - produced)
                out.append(bytes(buffer[:take]))
                del buffer[:take]
                self._remaining -= take
                produced += take
                if self._remaining == 0:
                    self._remaining = -1
                continue
            line_end = buffer.find(b"\n")
            if line_end < 0:
                if len(buffer) > MAX_CHUNK_LINE:
                    raise httpx2.RemoteProtocolError("chunk size line too long from upstream")
                break
            line = bytes(buffer[:line_end]).rstrip(b"\r")
            del buffer[: line_end + 1]
            if self._remaining == -1:
                if line:
                    raise httpx2.RemoteProtocolError(
                        "chunk data longer than its size from upstream"
                    )
                self._remaining = 0
            elif self._in_trailers:
                if not line:
                    self.done = True
            else:
                size = line.split(b";", 1)[0].strip(b" \t")
                if not size or len(size) > 15 or not _HEX_DIGITS.issuperset(size):
                    raise httpx2.RemoteProtocolError(
                        f"invalid chunk size from upstream: {line[:30]!r}"
                    )
                self._remaining = int(size, 16)
                if self._remaining == 0:
                    self._in_trailers = True
        return b"".join(out)
