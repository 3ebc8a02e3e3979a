"""The 39 builtin Jinja tests, ported from jinja2 3.1.6 tests.py (BSD-3-Clause) to plain Python.

Generated once from jinja2/tests.py (docstrings removed, annotations reduced to Any).
``filter`` and ``test`` receive the Env, as jinja2 passes them the environment.
"""

from __future__ import annotations

import _collections_abc as abc  # what collections.abc re-exports, loaded at startup
import operator
from numbers import Number
from typing import Any

from edgeviews.compiler.runtime import Undefined
from edgeviews.compiler.runtime_filters import pass_env


def test_odd(value: Any) -> Any:
    return value % 2 == 1


def test_even(value: Any) -> Any:
    return value % 2 == 0


def test_divisibleby(value: Any, num: Any) -> Any:
    return value % num == 0


def test_defined(value: Any) -> Any:
    return not isinstance(value, Undefined)


def test_undefined(value: Any) -> Any:
    return isinstance(value, Undefined)


# Every builtin name, for ``is filter`` / ``is test`` on names known only at run time.
BUILTIN_FILTER_NAMES = frozenset(
    (
        "abs",
        "attr",
        "batch",
        "capitalize",
        "center",
        "count",
        "d",
        "default",
        "dictsort",
        "e",
        "escape",
        "filesizeformat",
        "first",
        "float",
        "forceescape",
        "format",
        "groupby",
        "indent",
        "int",
        "items",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "pprint",
        "random",
        "reject",
        "rejectattr",
        "replace",
        "reverse",
        "round",
        "safe",
        "select",
        "selectattr",
        "slice",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "tojson",
        "trim",
        "truncate",
        "unique",
        "upper",
        "urlencode",
        "urlize",
        "wordcount",
        "wordwrap",
        "xmlattr",
    )
)
BUILTIN_TEST_NAMES = frozenset(
    (
        "!=",
        "<",
        "<=",
        "==",
        ">",
        ">=",
        "boolean",
        "callable",
        "defined",
        "divisibleby",
        "eq",
        "equalto",
        "escaped",
        "even",
        "false",
        "filter",
        "float",
        "ge",
        "greaterthan",
        "gt",
        "in",
        "integer",
        "iterable",
        "le",
        "lessthan",
        "lower",
        "lt",
        "mapping",
        "ne",
        "none",
        "number",
        "odd",
        "sameas",
        "sequence",
        "string",
        "test",
        "true",
        "undefined",
        "upper",
    )
)


@pass_env
def test_filter(env: Any, value: Any) -> Any:
    return value in BUILTIN_FILTER_NAMES


@pass_env
def test_test(env: Any, value: Any) -> Any:
    return value in BUILTIN_TEST_NAMES


def test_none(value: Any) -> Any:
    return value is None


def test_boolean(value: Any) -> Any:
    return value is True or value is False


def test_false(value: Any) -> Any:
    return value is False


def test_true(value: Any) -> Any:
    return value is True


def test_integer(value: Any) -> Any:
    return isinstance(value, int) and value is not True and (value is not False)


def test_float(value: Any) -> Any:
    return isinstance(value, float)


def test_lower(value: Any) -> Any:
    return str(value).islower()


def test_upper(value: Any) -> Any:
    return str(value).isupper()


def test_string(value: Any) -> Any:
    return isinstance(value, str)


def test_mapping(value: Any) -> Any:
    return isinstance(value, abc.Mapping)


def test_number(value: Any) -> Any:
    return isinstance(value, Number)


def test_sequence(value: Any) -> Any:
    try:
        len(value)
        value.__getitem__  # noqa: B018
    except Exception:
        return False
    return True


def test_sameas(value: Any, other: Any) -> Any:
    return value is other


def test_iterable(value: Any) -> Any:
    try:
        iter(value)
    except TypeError:
        return False
    return True


def test_escaped(value: Any) -> Any:
    return hasattr(value, "__html__")


def test_in(value: Any, seq: Any) -> Any:
    return value in seq


TESTS = {
    "odd": test_odd,
    "even": test_even,
    "divisibleby": test_divisibleby,
    "defined": test_defined,
    "undefined": test_undefined,
    "filter": test_filter,
    "test": test_test,
    "none": test_none,
    "boolean": test_boolean,
    "false": test_false,
    "true": test_true,
    "integer": test_integer,
    "float": test_float,
    "lower": test_lower,
    "upper": test_upper,
    "string": test_string,
    "mapping": test_mapping,
    "number": test_number,
    "sequence": test_sequence,
    "iterable": test_iterable,
    "callable": callable,
    "sameas": test_sameas,
    "escaped": test_escaped,
    "in": test_in,
    "==": operator.eq,
    "eq": operator.eq,
    "equalto": operator.eq,
    "!=": operator.ne,
    "ne": operator.ne,
    ">": operator.gt,
    "gt": operator.gt,
    "greaterthan": operator.gt,
    "ge": operator.ge,
    ">=": operator.ge,
    "<": operator.lt,
    "lt": operator.lt,
    "lessthan": operator.lt,
    "<=": operator.le,
    "le": operator.le,
}
