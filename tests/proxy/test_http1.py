"""HTTP/1.1 framing rules of the upstream transport, without a network (edgeviews.proxy.http1)."""

from __future__ import annotations

import httpx2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from edgeviews.proxy.http1 import (
    _NAME_FORBIDDEN,
    ChunkedDecoder,
    ResponseHead,
    _has_line_break,
    _parse_fields_slowly,
    body_framing,
    find_head_end,
    keeps_alive,
    parse_response_head,
    serialize_request_head,
)


def head(
    status: int = 200, *headers: tuple[bytes, bytes], version: bytes = b"HTTP/1.1"
) -> ResponseHead:
    return ResponseHead(version, status, b"OK", list(headers))


def test_parse_keeps_raw_reason_phrase_and_repeated_headers_apart() -> None:
    parsed = parse_response_head(
        b"HTTP/1.1 299 Very Custom  Reason\r\nSet-Cookie: a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT\r\n"
        b"set-cookie: b=2\r\nX-Empty:\r\nX-Pad: \t v \t\r\n\r\n"
    )
    assert parsed.status_code == 299
    assert parsed.reason_phrase == b"Very Custom  Reason"
    assert parsed.headers == [
        (b"Set-Cookie", b"a=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT"),
        (b"set-cookie", b"b=2"),
        (b"X-Empty", b""),
        (b"X-Pad", b"v"),
    ]


def test_parse_accepts_a_missing_reason_phrase_and_bare_lf() -> None:
    parsed = parse_response_head(b"HTTP/1.0 404\nA: b\n\n")
    assert (parsed.http_version, parsed.status_code, parsed.reason_phrase) == (
        b"HTTP/1.0",
        404,
        b"",
    )
    assert parsed.headers == [(b"A", b"b")]


@pytest.mark.parametrize(
    "raw",
    [
        b"HTTP/2 200 OK\r\n\r\n",
        b"HTTP/1.1 20 OK\r\n\r\n",
        b"HTTP/1.1 abc OK\r\n\r\n",
        b"ICY 200 OK\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nA: 1\r\n folded\r\n\r\n",
    ],
)
def test_parse_refuses_malformed_heads(raw: bytes) -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        parse_response_head(raw)


@pytest.mark.parametrize(
    ("data", "end"),
    [
        (b"HTTP/1.1 200 OK\r\nA: b\r\n\r\nbody", 25),
        (b"HTTP/1.1 200 OK\nA: b\n\nbody", 22),
        (b"HTTP/1.1 200 OK\r\nA: b\r\n", -1),
        (b"HTTP/1.1 200 OK\r\nA: b\r\n\r", -1),
        (b"HTTP/1.1 200 OK\nA: b\n\r\nbody\n\n", 23),
    ],
)
def test_find_head_end(data: bytes, end: int) -> None:
    assert find_head_end(bytearray(data)) == end


@pytest.mark.parametrize(
    ("method", "response", "framing"),
    [
        ("HEAD", head(200, (b"Content-Length", b"10")), ("none", 0)),
        ("GET", head(204, (b"Content-Length", b"10")), ("none", 0)),
        ("GET", head(304, (b"Transfer-Encoding", b"chunked")), ("none", 0)),
        ("GET", head(103), ("none", 0)),
        ("GET", head(200, (b"Content-Length", b"10")), ("length", 10)),
        ("GET", head(200, (b"Content-Length", b"7, 7")), ("length", 7)),
        ("GET", head(200, (b"Transfer-Encoding", b"gzip, chunked")), ("chunked", -1)),
        (
            "GET",
            head(200, (b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"3")),
            ("chunked", -1),
        ),
        ("GET", head(200, (b"Transfer-Encoding", b"gzip")), ("close", -1)),
        ("GET", head(200), ("close", -1)),
    ],
)
def test_body_framing(method: str, response: ResponseHead, framing: tuple[str, int]) -> None:
    assert body_framing(method, response) == framing


@pytest.mark.parametrize("length", [b"7, 8", b"-1", b"0x10", b"1e3", b"9" * 19])
def test_body_framing_refuses_bad_content_length(length: bytes) -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        body_framing("GET", head(200, (b"Content-Length", length)))


@pytest.mark.parametrize(
    ("response", "kind", "expected"),
    [
        (head(200, (b"Content-Length", b"1")), "length", True),
        (head(200, (b"Connection", b"Keep-Alive, Close")), "length", False),
        (head(200, version=b"HTTP/1.0"), "length", False),
        (head(200, (b"Connection", b"keep-alive"), version=b"HTTP/1.0"), "length", True),
        (head(200), "close", False),
        (
            head(200, (b"Transfer-Encoding", b"chunked"), (b"Content-Length", b"3")),
            "chunked",
            False,
        ),
    ],
)
def test_keeps_alive(response: ResponseHead, kind: str, expected: bool) -> None:
    assert keeps_alive(response, kind) is expected  # type: ignore[arg-type]


CHUNKED = b"5;ext=1\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nTrailer: x\r\n\r\n"


def decode_in_pieces(data: bytes, cuts: list[int]) -> tuple[bytes, ChunkedDecoder, bytearray]:
    decoder = ChunkedDecoder()
    buffer = bytearray()
    out = []
    previous = 0
    for cut in [*sorted(cuts), len(data)]:
        buffer += data[previous:cut]
        previous = cut
        while piece := decoder.decode(buffer, 3):
            out.append(piece)
    return b"".join(out), decoder, buffer


@given(st.lists(st.integers(min_value=0, max_value=len(CHUNKED + b"NEXT")), max_size=12))
def test_chunked_decoding_does_not_depend_on_how_the_bytes_arrive(cuts: list[int]) -> None:
    body, decoder, rest = decode_in_pieces(CHUNKED + b"NEXT", cuts)
    assert body == b"hello 0123456789"
    assert decoder.done
    assert rest == b"NEXT"  # what follows the body stays for the next response


@pytest.mark.parametrize(
    "data",
    [b"zz\r\nhello\r\n", b"5\r\nhelloX\r\n", b"\r\n", b"1234567890abcdef0\r\n"],
)
def test_chunked_decoding_refuses_malformed_input(data: bytes) -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        decode_in_pieces(data, [])


def test_chunked_decoding_refuses_an_endless_size_line() -> None:
    with pytest.raises(httpx2.RemoteProtocolError):
        decode_in_pieces(b"1" + b";" * 5000, [])


def test_request_head_is_serialized_in_order() -> None:
    raw = serialize_request_head(
        "GET", b"/a?x=1&x=2", [(b"Host", b"h"), (b"X-A", b"1"), (b"x-a", b"2")]
    )
    assert raw == b"GET /a?x=1&x=2 HTTP/1.1\r\nHost: h\r\nX-A: 1\r\nx-a: 2\r\n\r\n"


@pytest.mark.parametrize(
    ("target", "headers"),
    [
        (b"/a\r\nX: y", []),
        (b"/a b", []),
        (b"http://other/", []),
        (b"/", [(b"X", b"a\r\nInjected: 1")]),
        (b"/", [(b"X:Y", b"a")]),
        (b"/", [(b"", b"a")]),
        (b"/", [(b"a: ", b"b")]),  # would read as field "a" with value ": b"
        (b"/", [(b"a\0", b"b")]),
    ],
)
def test_request_head_refuses_what_would_split_it(
    target: bytes, headers: list[tuple[bytes, bytes]]
) -> None:
    with pytest.raises(httpx2.LocalProtocolError):
        serialize_request_head("GET", target, headers)


_AWKWARD = st.sampled_from(
    [b"a", b"Z", b"-", b" ", b"\t", b":", b"\r", b"\n", b"\r\n", b"\0", b"\x7f"]
)
_FIELD_BYTES = st.lists(_AWKWARD, max_size=8).map(b"".join)


@given(st.lists(st.tuples(_FIELD_BYTES, _FIELD_BYTES), max_size=5))
def test_fast_field_parsing_agrees_with_the_line_by_line_parser(
    fields: list[tuple[bytes, bytes]],
) -> None:
    head = b"HTTP/1.1 200 OK\r\n" + b"".join(n + b":" + v + b"\r\n" for n, v in fields) + b"\r\n"
    end = find_head_end(head)
    if end < 0:
        return
    head = head[:end]
    try:
        expected: list[tuple[bytes, bytes]] | type[Exception] = _parse_fields_slowly(head)
    except httpx2.RemoteProtocolError:
        expected = httpx2.RemoteProtocolError
    try:
        got: list[tuple[bytes, bytes]] | type[Exception] = parse_response_head(head).headers
    except httpx2.RemoteProtocolError:
        got = httpx2.RemoteProtocolError
    assert got == expected


@given(st.lists(st.tuples(_FIELD_BYTES, _FIELD_BYTES), max_size=5))
def test_request_fields_are_refused_exactly_when_one_could_split_the_head(
    fields: list[tuple[bytes, bytes]],
) -> None:
    bad = any(
        not name or _NAME_FORBIDDEN.intersection(name) or _has_line_break(value)
        for name, value in fields
    )
    if bad:
        with pytest.raises(httpx2.LocalProtocolError):
            serialize_request_head("GET", b"/", fields)
    else:
        raw = serialize_request_head("GET", b"/", fields)
        assert raw.split(b"\r\n")[1:-2] == [name + b": " + value for name, value in fields]
