"""The builtin filters on single values: numbers, defaults, attributes, pretty-printing.

Ported from jinja2 3.1.6 filters.py (BSD-3-Clause).
"""

from __future__ import annotations

import math
from typing import Any

from edgeviews.compiler.runtime_env import pass_env
from edgeviews.compiler.runtime_errors import FilterArgumentError
from edgeviews.compiler.runtime_undefined import Undefined


def do_default(value: Any, default_value: Any = "", boolean: Any = False) -> Any:
    if isinstance(value, Undefined) or (boolean and (not value)):
        return default_value
    return value


def do_int(value: Any, default: Any = 0, base: Any = 10) -> Any:
    try:
        if isinstance(value, str):
            return int(value, base)
        return int(value)
    except (TypeError, ValueError):
        try:
            return int(float(value))
        except (TypeError, ValueError, OverflowError):
            return default


def do_float(value: Any, default: Any = 0.0) -> Any:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def do_round(value: Any, precision: Any = 0, method: Any = "common") -> Any:
    if method not in {"common", "ceil", "floor"}:
        raise FilterArgumentError("method must be common, ceil or floor")
    if method == "common":
        return round(value, precision)
    func = getattr(math, method)
    return func(value * 10**precision) / 10**precision


def do_filesizeformat(value: Any, binary: Any = False) -> Any:
    bytes = float(value)
    base = 1024 if binary else 1000
    prefixes = [
        "KiB" if binary else "kB",
        "MiB" if binary else "MB",
        "GiB" if binary else "GB",
        "TiB" if binary else "TB",
        "PiB" if binary else "PB",
        "EiB" if binary else "EB",
        "ZiB" if binary else "ZB",
        "YiB" if binary else "YB",
    ]
    if bytes == 1:
        return "1 Byte"
    elif bytes < base:
        return f"{int(bytes)} Bytes"
    else:
        for i, prefix in enumerate(prefixes):
            unit = base ** (i + 2)
            if bytes < unit:
                return f"{base * bytes / unit:.1f} {prefix}"
        return f"{base * bytes / unit:.1f} {prefix}"


def pformat(obj: Any) -> Any:
    from pprint import pformat

    return pformat(obj)


def do_pprint(value: Any) -> Any:
    return pformat(value)


@pass_env
def do_attr(environment: Any, obj: Any, name: Any) -> Any:
    try:
        from inspect import getattr_static

        getattr_static(obj, name)
    except AttributeError:
        if not hasattr(obj, name):
            return environment.undefined(obj=obj, name=name)
    return environment.getattr(obj, name)
