"""The scanner's optional C speedups (`_fastscan.c`) equal their pure-Python twins.

`lower` must be `bytes.lower`, `Finder.find` must find what a plain loop finds, and a whole
rewrite must give the same bytes with and without the speedups, for every corpus page, in
whole pages and in odd chunks. The rest of the rewriter suite runs on whichever path the
install built (the C one where a compiler was found); this module checks that both agree,
and that the C one was built where it can be.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from edgeviews.rewriter import Rewriter, scanner
from hatch_build import compiler
from tests.rewriter.conftest import corpus_rows, split_by_sizes

fastscan = scanner.SPEEDUPS


def compiler_present() -> bool:
    command = compiler()  # what hatch_build.py compiles with
    return bool(command) and shutil.which(command[0]) is not None


needs_speedups = pytest.mark.skipif(
    fastscan is None, reason="C speedups not built (no C compiler, or EDGEVIEWS_PURE_PYTHON)"
)


def test_speedups_are_built_where_a_compiler_is() -> None:
    if os.environ.get("EDGEVIEWS_PURE_PYTHON"):
        pytest.skip("EDGEVIEWS_PURE_PYTHON is set: the pure-Python path is under test")
    if not compiler_present():
        pytest.skip("no C compiler here: the rewriter runs in pure Python")
    assert fastscan is not None, "a C compiler is present but _fastscan was not built"


@needs_speedups
def test_lower_maps_every_byte_like_bytes_lower() -> None:
    assert fastscan is not None
    every = bytes(range(256))
    assert fastscan.lower(every) == every.lower()
    assert fastscan.lower(b"") == b""


@needs_speedups
@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_lower_is_bytes_lower(data: bytes) -> None:
    assert fastscan is not None
    assert fastscan.lower(data) == data.lower()


def first_needle(low: bytes, pos: int, needles: list[bytes]) -> int:
    """The plain loop the C finder replaces."""
    for at in range(max(pos, 0), len(low)):
        if any(low.startswith(needle, at) for needle in needles):
            return at
    return -1


def byte_strings(alphabet: bytes, min_size: int, max_size: int) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(alphabet), min_size=min_size, max_size=max_size).map(bytes)


NEEDLE = byte_strings(b"!/abs<", 1, 4).map(lambda tail: b"<" + tail)
HAYSTACK = byte_strings(b"<!/abs> x", 0, 120)


@needs_speedups
@settings(max_examples=400, deadline=None)
@given(st.lists(NEEDLE, min_size=1, max_size=8), HAYSTACK, st.integers(-3, 130))
def test_finder_finds_what_a_loop_finds(needles: list[bytes], low: bytes, pos: int) -> None:
    assert fastscan is not None
    assert fastscan.Finder(needles).find(low, pos) == first_needle(low, pos, needles)


@needs_speedups
def test_finder_refuses_needles_it_cannot_use() -> None:
    assert fastscan is not None
    for bad in ([b"x"], [b"<"], ["<a"]):
        with pytest.raises(ValueError):
            fastscan.Finder(bad)


@pytest.fixture
def pure_python(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The scanner without its speedups, for this test (patterns are cached per path)."""
    scanner._REFRESHED.clear()
    monkeypatch.setattr(scanner, "SPEEDUPS", None)
    yield
    scanner._REFRESHED.clear()


def proxy_rules() -> Rewriter:
    """The proxy's everyday rule set: the body's end, a favicon link, CSP metas."""

    def append(element: object) -> None:
        element.on_end_tag(lambda end: end.before("<i>s</i>", html=True))  # type: ignore[attr-defined]

    def favicon(element: object) -> None:
        element.set_attribute("href", "/favicon.ico")  # type: ignore[attr-defined]

    rewriter = Rewriter().on("body", element=append)
    rewriter.on('link[rel~="icon"]', element=favicon)
    return rewriter.on("meta[http-equiv]", element=lambda element: None)


def rewrite_all(pages: list[bytes]) -> list[bytes]:
    outputs = []
    for page in pages:
        for sizes in ([len(page) or 1], [509, 3, 1021, 1, 4093]):
            outputs.append(b"".join(proxy_rules().transform(split_by_sizes(page, sizes))))
    return outputs


@needs_speedups
@pytest.mark.corpus
def test_rewrites_are_the_same_with_and_without_speedups(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages = [(corpus / row["file"]).read_bytes() for row in corpus_rows()]
    scanner._REFRESHED.clear()
    accelerated = rewrite_all(pages)
    scanner._REFRESHED.clear()
    monkeypatch.setattr(scanner, "SPEEDUPS", None)
    try:
        plain = rewrite_all(pages)
    finally:
        scanner._REFRESHED.clear()
    assert len(plain) == len(accelerated) == 2 * len(pages)
    different = [i // 2 for i, (a, b) in enumerate(zip(plain, accelerated, strict=True)) if a != b]
    assert not different, f"pages rewritten differently: {sorted(set(different))[:10]}"


def test_the_pure_python_path_runs_without_speedups(pure_python: None) -> None:
    page = b'<html><head><link rel="shortcut icon" href="x"></head><body><p>x</body></html>'
    assert scanner.SPEEDUPS is None
    out = b"".join(proxy_rules().transform([page]))
    assert out == (
        b'<html><head><link rel="shortcut icon" href="/favicon.ico"></head>'
        b"<body><p>x<i>s</i></body></html>"
    )


ATTRIBUTE_PIECE = st.sampled_from(
    [
        b" rel=icon",
        b' rel="icon"',
        b" rel='x>icon'",
        b' href="a>b"',
        b" href=a&amp;b",
        b" t=&#105;con",
        b' t="&#105;con"',
        b' t="&amp;"',
        b" x",
        b' ="y"',
        b' q="',
        b" '",
        b"/",
        b" data-x='icon'",
        b' y=z"icon"',
    ]
)


@needs_speedups
@settings(max_examples=500, deadline=None)
@given(st.lists(ATTRIBUTE_PIECE, max_size=6), st.sampled_from([b">", b"> <b>x</b>", b""]))
def test_finder_skips_only_tags_the_needle_test_rules_out(pieces: list[bytes], tail: bytes) -> None:
    """A filtered start tag may be skipped only where the rewriter's own needle test (on the
    whole tag as the tokenizer reads it) would refuse it too."""
    from edgeviews.rewriter.grammar import TAG, needles_spelled_plainly

    assert fastscan is not None
    low = (b"<link" + b"".join(pieces) + tail).lower()
    wanted = (b"icon", b"rel")
    if fastscan.Finder([b"<link"], [wanted]).find(low, 0) == 0:
        return  # reported: the regex and the hook decide
    tag = TAG.match(low, 0)
    assert tag is not None, "an unfinished tag must be reported"
    end = tag.end()
    passes = all(low.find(n, 0, end) >= 0 for n in wanted) or not needles_spelled_plainly(
        low, 0, end, wanted
    )
    assert not passes, low


MARKUP = byte_strings(b"<>\"'= a\t/", 0, 60)


@needs_speedups
@settings(max_examples=600, deadline=None)
@given(MARKUP, st.data())
def test_in_data_state_is_the_python_proof(low: bytes, data: st.DataObject) -> None:
    from edgeviews.rewriter.data_state import in_data_state

    assert fastscan is not None
    pos = data.draw(st.integers(0, len(low)))
    start = data.draw(st.integers(0, pos))
    assert fastscan.in_data_state(low, start, pos) == in_data_state(low, start, pos)


@needs_speedups
def test_in_data_state_refuses_bad_ranges() -> None:
    assert fastscan is not None
    for start, pos in ((-1, 2), (3, 2), (0, 99)):
        with pytest.raises(ValueError):
            fastscan.in_data_state(b"<p>x", start, pos)
