"""Where the scanner's fast path may trust a candidate: cheap proofs of the data state.

The candidate regex finds the next token that matters, not every tag before it; these
functions say, without walking the tags in between, whether a position is surely outside
every tag (`in_data_state`), where the exact walk stops when that proof fails (`walk`), and
which rare bogus-comment openings the regex leaves to that walk (`bogus_comment_open`).
"""

from __future__ import annotations

import re

from edgeviews.rewriter.grammar import LT_OR_QUOTE

QUOTE_OPENERS = b"=\t\n\f\r "
"""Bytes before a quote that can open an attribute value (`a="`, `a= "`)."""


def walk(walker: re.Pattern[bytes], low: bytes, pos: int) -> int:
    """Where the exact walk from `pos` stops (the walker always matches, maybe empty)."""
    walked = walker.match(low, pos)
    return pos if walked is None else walked.end()


def bogus_comment_open(low: bytes, at: int, n: int) -> bool:
    """`<?`, or `</` + a byte that is not a letter, at `at`: a bogus comment the candidate
    regex may leave out (a test at every `<` for a rare token); the walker stops there."""
    if at + 1 >= n or low[at] != 60:
        return False
    following = low[at + 1]
    if following == 63:
        return True
    return following == 47 and at + 2 < n and not 97 <= low[at + 2] <= 122


def in_data_state(low: bytes, start: int, pos: int) -> bool:
    """Cheap proof that `pos` is in the data state, given that `start` is.

    Between `start` and `pos` only text and ordinary tags can occur (everything else is a
    candidate). `pos` is outside every tag if no `<` or quote follows the last `>`, and
    neither the last `"` nor the last `'` before that `>` can open an attribute value. A
    False answer means "not proven": the caller walks the tags exactly.
    """
    gt = low.rfind(b">", start, pos)
    if gt < 0:
        return low.find(b"<", start, pos) < 0
    if LT_OR_QUOTE.search(low, gt + 1, pos) is not None:
        return False
    quote = low.rfind(b'"', start, gt)
    if quote > start and low[quote - 1] in QUOTE_OPENERS:
        return False
    quote = low.rfind(b"'", start, gt)
    return not (quote > start and low[quote - 1] in QUOTE_OPENERS)
