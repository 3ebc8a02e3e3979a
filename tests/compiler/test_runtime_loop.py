"""LoopContext against jinja2's, including generators whose length is unknown."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import jinja2.runtime

from edgeviews.compiler import runtime


def trace(loop_class: Any, undefined: Any, data: Iterable[Any]) -> list[Any]:
    rows = []
    for item, loop in loop_class(data, undefined):
        rows.append(
            (
                item,
                loop.index,
                loop.index0,
                loop.first,
                loop.last,
                loop.revindex,
                loop.length,
                str(loop.previtem),
                str(loop.nextitem),
                loop.cycle("a", "b", "c"),
                loop.changed(item % 2),
            )
        )
    return rows


def generator(n: int) -> Iterator[int]:
    yield from range(n)


def test_loop_context_matches_jinja2() -> None:
    for n in (0, 1, 2, 5):
        assert trace(runtime.LoopContext, runtime.Undefined, list(range(n))) == trace(
            jinja2.runtime.LoopContext, jinja2.Undefined, list(range(n))
        )
        assert trace(runtime.LoopContext, runtime.Undefined, generator(n)) == trace(
            jinja2.runtime.LoopContext, jinja2.Undefined, generator(n)
        )
