"""Differential tests on realistic templates: layouts, macro libraries, config roles, feeds.

The templates live in tests/compiler/realworld/ (one module per kind of project). Each is
compiled once by jinja2 and once by us, in the self-contained layout (runtime inlined, only
what the template uses), and rendered with every context of its case; outputs must be equal
strings. Known gaps are `xfail(strict=True)` with their docs/compiler-findings.md entry (R<n>).
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.compiler.conftest import assert_same
from tests.compiler.realworld import (
    configs,
    escaping,
    feeds,
    macros,
    misc,
    objects,
    pages,
    roles,
    snippets,
    webapp,
)
from tests.compiler.realworld.case import Case
from tests.compiler.realworld.compose import compose

ALL: list[Case] = [
    *pages.CASES,
    *macros.CASES,
    *configs.CASES,
    *feeds.CASES,
    *objects.CASES,
    *snippets.CASES,
    *roles.CASES,
    *webapp.CASES,
    *misc.CASES,
    *escaping.CASES,
]

# Open findings: case id -> the findings entry it reproduces.
KNOWN: dict[str, str] = {}


def _param(case: Case) -> Any:
    marks = []
    if case.id in KNOWN:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN[case.id]))
    return pytest.param(case, id=case.id, marks=marks)


def test_case_ids_are_unique() -> None:
    ids = [case.id for case in ALL]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


@pytest.mark.parametrize("case", [_param(case) for case in ALL])
def test_realworld(case: Case) -> None:
    for context in case.contexts:
        assert_same(
            case.source, context, templates=case.templates, globals=case.globals, **case.options
        )


# Composed from the cases that existed when the seed was chosen (KNOWN_COMPOSED numbers them).
_LATER = {case.id for case in escaping.CASES}
COMPOSED = compose([case for case in ALL if case.id not in _LATER], 60, seed=20261127)
# Open findings among the composed cases, by number (the set is fixed by ALL and the seed).
KNOWN_COMPOSED: dict[str, str] = {}


def _composed_param(case: Case) -> Any:
    number = case.id.split("-")[1]
    marks = []
    if number in KNOWN_COMPOSED:
        marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_COMPOSED[number]))
    return pytest.param(case, id=case.id[:60], marks=marks)


@pytest.mark.parametrize("case", [_composed_param(case) for case in COMPOSED])
def test_realworld_composed(case: Case) -> None:
    for context in case.contexts:
        assert_same(
            case.source, context, templates=case.templates, globals=case.globals, **case.options
        )
