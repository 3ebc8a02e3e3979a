"""Undefined kinds and jinja2-identical error messages from the runtime."""

from __future__ import annotations

import jinja2
import pytest

from edgeviews.compiler import runtime

KINDS = [
    (runtime.Undefined, jinja2.Undefined),
    (runtime.StrictUndefined, jinja2.StrictUndefined),
    (runtime.ChainableUndefined, jinja2.ChainableUndefined),
]


def outcome(func: object) -> tuple[str, str]:
    try:
        return ("ok", repr(func()))  # type: ignore[operator]
    except Exception as error:
        return (type(error).__name__, str(error))


@pytest.mark.parametrize(("ours", "theirs"), KINDS)
@pytest.mark.parametrize(
    "operation",
    [
        str,
        bool,
        len,
        list,
        lambda u: u + 1,
        lambda u: u.attr,
        lambda u: u["k"],
        lambda u: u == u,
        lambda u: u(),
    ],
)
def test_undefined_behaves_like_jinja2(ours: type, theirs: type, operation: object) -> None:
    for kwargs in (
        {"name": "x"},
        {"obj": {"a": 1}, "name": "b"},
        {"obj": [1], "name": 3},
        {"hint": "no!"},
    ):
        mine = outcome(lambda kw=kwargs: operation(ours(**kw)))  # type: ignore[operator]
        reference = outcome(lambda kw=kwargs: operation(theirs(**kw)))  # type: ignore[operator]
        assert mine[0] == reference[0]
        if mine[0] != "ok":
            assert mine[1] == reference[1]


def test_attribute_then_item_lookup() -> None:
    data = {"items": 1}
    assert runtime.getattr_then_item(data, "items") == data.items
    assert runtime.getattr_then_item({"a": 1}, "a") == 1
    missing = runtime.getattr_then_item({"a": 1}, "b")
    with pytest.raises(runtime.UndefinedError, match="'dict object' has no attribute 'b'"):
        missing + 1
    assert runtime.item_then_attr({"items": 1}, "items") == 1
