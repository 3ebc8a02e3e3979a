"""Content codings: negotiate with the client, decode every upstream coding streaming."""

from __future__ import annotations

import gzip
import zlib

import brotli
import pytest
import zstandard

from edgeviews.proxy.content_coding import (
    PIECE,
    UnsupportedEncoding,
    can_decode,
    choose_encoding,
    content_codings,
    decoder_for,
    encoder_for,
    upstream_accept_encoding,
)

DATA = b"<p>hello \xe2\x9c\x93</p>" * 2000

ENCODED = {
    "gzip": gzip.compress(DATA),
    "deflate": zlib.compress(DATA),
    "br": brotli.compress(DATA),
    "zstd": zstandard.ZstdCompressor().compress(DATA),
}


@pytest.mark.parametrize("coding", sorted(ENCODED))
def test_decoders_stream_in_small_chunks(coding: str) -> None:
    decoder = decoder_for([coding])
    assert decoder is not None
    body = ENCODED[coding]
    out = (
        b"".join(decoder.decode(body[i : i + 7]) for i in range(0, len(body), 7)) + decoder.finish()
    )
    assert out == DATA


def test_raw_deflate_is_accepted() -> None:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    decoder = decoder_for(["deflate"])
    assert decoder is not None
    assert decoder.decode(compressor.compress(DATA) + compressor.flush()) + decoder.finish() == DATA


def test_stacked_codings_are_undone_in_reverse() -> None:
    body = brotli.compress(gzip.compress(DATA))
    decoder = decoder_for(content_codings([b"gzip", b"br"]))
    assert decoder is not None
    assert decoder.decode(body) + decoder.finish() == DATA


@pytest.mark.parametrize(
    "header",
    [
        b"gzip",
        b"gzip, br",
        b"x-gzip",
        b"deflate, zstd, gzip",
        b"identity",
        b"",
        b"compress",
        b"br, aes128gcm",
    ],
)
def test_can_decode_says_what_decoder_for_does(header: bytes) -> None:
    """HEAD decides by `can_decode`, GET by `decoder_for`: they must agree, stacked codings too."""
    codings = content_codings([header])
    try:
        decoder_for(codings)
        decodes = True
    except UnsupportedEncoding:
        decodes = False
    assert can_decode(codings) is decodes
    assert decodes is (header not in (b"compress", b"br, aes128gcm"))


def test_unknown_coding_is_refused() -> None:
    with pytest.raises(UnsupportedEncoding):
        decoder_for(["compress"])
    assert decoder_for(content_codings([b"identity"])) is None


@pytest.mark.parametrize("coding", sorted(ENCODED))
def test_encoders_flush_each_chunk_and_round_trip(coding: str) -> None:
    encoder = encoder_for(coding)
    decoder = decoder_for([coding])
    assert encoder is not None and decoder is not None
    first = encoder.encode(DATA[:1000])
    # Flushed: the first chunk decodes on its own, so the browser can start rendering.
    assert decoder.decode(first) == DATA[:1000]
    rest = encoder.encode(DATA[1000:]) + encoder.finish()
    assert decoder.decode(rest) + decoder.finish() == DATA[1000:]


@pytest.mark.parametrize("coding", sorted(ENCODED))
def test_last_encodes_and_ends_the_stream_at_once(coding: str) -> None:
    encoder = encoder_for(coding)
    decoder = decoder_for([coding])
    assert encoder is not None and decoder is not None
    body = encoder.encode(DATA[:1000]) + encoder.last(DATA[1000:])
    assert decoder.decode(body) + decoder.finish() == DATA
    # One call instead of a flush plus an end: never larger than encode() + finish().
    other = encoder_for(coding)
    assert other is not None
    assert len(body) <= len(other.encode(DATA[:1000]) + other.encode(DATA[1000:]) + other.finish())


def test_upstream_accept_encoding_is_what_both_sides_handle() -> None:
    assert upstream_accept_encoding([]) == b"identity"
    assert upstream_accept_encoding([b"gzip, deflate, br, zstd"]) == b"zstd, br, gzip, deflate"
    assert upstream_accept_encoding([b"gzip;q=0, br", b"snappy"]) == b"br"
    assert upstream_accept_encoding([b"*"]) == b"zstd, br, gzip, deflate"
    assert upstream_accept_encoding([b"identity"]) == b"identity"


def test_client_encoding_never_one_it_did_not_ask_for() -> None:
    assert choose_encoding([]) is None
    assert choose_encoding([b"gzip"]) == "gzip"
    assert choose_encoding([b"gzip, br"]) == "br"
    assert choose_encoding([b"gzip, deflate, br, zstd"]) == "zstd"
    assert choose_encoding([b"gzip;q=0.5, zstd;q=0.9"]) == "zstd"
    assert choose_encoding([b"br;q=1, zstd;q=0.5"]) == "br"
    assert choose_encoding([b"identity"]) is None
    assert choose_encoding([b"br;q=0"]) is None


@pytest.mark.parametrize("codings", [["gzip"], ["deflate"], ["br"], ["gzip", "br"]])
def test_highly_compressed_input_comes_out_in_bounded_pieces(codings: list[str]) -> None:
    plain = b"<p>" + b" " * (8 * PIECE) + b"</p>"
    body = plain
    for coding in codings:
        body = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[coding](
            body
        )
    assert len(body) < 100_000  # thousandfold expansion
    decoder = decoder_for(codings)
    assert decoder is not None
    pieces = [
        piece for i in range(0, len(body), 4096) for piece in decoder.pieces(body[i : i + 4096])
    ]
    assert max(len(piece) for piece in pieces) <= 2 * PIECE  # brotli's limit is a soft one
    assert b"".join(pieces) + decoder.finish() == plain
