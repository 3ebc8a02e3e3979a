"""lol-html's own regression inputs, driven through our rewriter.

../shared/corpus/lol-html-tests holds the inputs lol-html keeps as regression tests
(regression/*.dat, one `#data` block each) and the inputs on which it gives up
(expected_bailouts.json: "TextParsingAmbiguity" inside <select>, template nesting past
255). We must never give up: every input passes through byte for byte with no handlers and
with a handler on every element, the output does not depend on chunking, no handler error
is reported, and the body-end snippet goes where the oracle says (outside <select> and
<frameset>, which the oracle does not model). On the inputs lol-html handles, the start
tags our element handler sees are the ones lol-html's sees, in the same order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import corpus_dir
from tests.rewriter.conftest import (
    ErrorLog,
    insert_before_body_end,
    lolhtml_elements,
    run,
    split_by_sizes,
    with_snippet,
)
from tests.rewriter.oracle import find_body_end

pytestmark = pytest.mark.corpus

SIZES = {"whole": [1 << 30], "1-byte": [1], "odd": [3, 1, 7, 2, 5]}


def read_dat(path: Path) -> list[str]:
    """The inputs of a lol-html regression file: text after `#data` up to a `#` line."""
    inputs = []
    for block in path.read_text().split("#data\n")[1:]:
        lines = block.split("\n")
        body: list[str] = []
        for line in lines:
            if line == "#" or line.startswith("#data"):
                break
            body.append(line)
        inputs.append("\n".join(body).rstrip("\n"))
    return inputs


def cases() -> list[Any]:
    root = corpus_dir()
    if root is None:
        return [pytest.param(None, False, id="no-corpus")]
    folder = root / "lol-html-tests"
    bailouts = json.loads((folder / "expected_bailouts.json").read_text())
    found: list[Any] = []
    for path in sorted((folder / "regression").glob("*.dat")):
        for index, source in enumerate(read_dat(path)):
            # text_parsing_ambiguity.dat is the set lol-html refuses (as the bailouts file).
            gives_up = source in bailouts or path.stem == "text_parsing_ambiguity"
            found.append(pytest.param(source, gives_up, id=f"{path.stem}-{index}"))
    for index, source in enumerate(bailouts):
        found.append(pytest.param(source, True, id=f"bailout-{index}"))
    return found


def in_oracle_scope(source: str) -> bool:
    lowered = source.lower()
    return "<select" not in lowered and "<frameset" not in lowered and "<table" not in lowered


@pytest.mark.parametrize("source, lolhtml_gives_up", cases())
def test_lolhtml_regression_input(source: str | None, lolhtml_gives_up: bool) -> None:
    from edgeviews.rewriter import Rewriter

    if source is None:
        pytest.skip("shared corpus not found")
    data = source.encode()
    errors = ErrorLog()
    seen: list[str] = []
    every = Rewriter(on_error=errors).on("*", element=lambda el: seen.append(el.tag_name.lower()))
    first_seen: list[str] = []
    for name, sizes in SIZES.items():
        chunks = split_by_sizes(data, sizes)
        assert run(Rewriter(on_error=errors), chunks) == data, f"identity, fed {name}"
        seen.clear()
        assert run(every, chunks) == data, f"identity with an element handler, fed {name}"
        if name == "whole":
            first_seen = list(seen)
        else:
            assert seen == first_seen, f"elements seen, fed {name}"
        if in_oracle_scope(source):
            offset = find_body_end(data).offset
            inserted = run(insert_before_body_end(errors), chunks)
            assert inserted == with_snippet(data, offset), f"fed {name}"
    assert errors.errors == []

    if in_oracle_scope(source):
        expected = [t.name for t in find_body_end(data).tags if t.kind == "start"]
        assert first_seen == expected, "start tags differ from the oracle's"
    if not lolhtml_gives_up:
        assert first_seen == lolhtml_elements(data)
