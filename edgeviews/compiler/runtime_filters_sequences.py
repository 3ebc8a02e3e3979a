"""The builtin filters on sequences and mappings: sort, group, slice, join, map, select...

Ported from jinja2 3.1.6 filters.py (BSD-3-Clause). ``attribute=`` arguments go through
the attribute getters here, which resolve ``a.b.0`` paths with the Env's ``getitem``.
"""

from __future__ import annotations

import _collections_abc as abc  # what collections.abc re-exports, loaded at startup
from itertools import chain, groupby
from typing import Any

from edgeviews.compiler.runtime_env import pass_env
from edgeviews.compiler.runtime_errors import FilterArgumentError
from edgeviews.compiler.runtime_markup import escape, soft_str
from edgeviews.compiler.runtime_undefined import Undefined


def ignore_case(value: Any) -> Any:
    if isinstance(value, str):
        return value.lower()
    return value


def make_attrgetter(
    environment: Any, attribute: Any, postprocess: Any = None, default: Any = None
) -> Any:
    parts = _prepare_attribute_parts(attribute)

    def attrgetter(item: Any) -> Any:
        for part in parts:
            item = environment.getitem(item, part)
            if default is not None and isinstance(item, Undefined):
                item = default
        if postprocess is not None:
            item = postprocess(item)
        return item

    return attrgetter


def make_multi_attrgetter(environment: Any, attribute: Any, postprocess: Any = None) -> Any:
    if isinstance(attribute, str):
        split: Any = attribute.split(",")
    else:
        split = [attribute]
    parts = [_prepare_attribute_parts(item) for item in split]

    def attrgetter(item: Any) -> Any:
        items = [None] * len(parts)
        for i, attribute_part in enumerate(parts):
            item_i = item
            for part in attribute_part:
                item_i = environment.getitem(item_i, part)
            if postprocess is not None:
                item_i = postprocess(item_i)
            items[i] = item_i
        return items

    return attrgetter


def _prepare_attribute_parts(attr: Any) -> Any:
    if attr is None:
        return []
    if isinstance(attr, str):
        return [int(x) if x.isdigit() else x for x in attr.split(".")]
    return [attr]


def do_items(value: Any) -> Any:
    if isinstance(value, Undefined):
        return
    if not isinstance(value, abc.Mapping):
        raise TypeError("Can only get item pairs from a mapping.")
    yield from value.items()


def do_dictsort(
    value: Any, case_sensitive: Any = False, by: Any = "key", reverse: Any = False
) -> Any:
    if by == "key":
        pos = 0
    elif by == "value":
        pos = 1
    else:
        raise FilterArgumentError('You can only sort by either "key" or "value"')

    def sort_func(item: Any) -> Any:
        value = item[pos]
        if not case_sensitive:
            value = ignore_case(value)
        return value

    return sorted(value.items(), key=sort_func, reverse=reverse)


@pass_env
def do_sort(
    environment: Any,
    value: Any,
    reverse: Any = False,
    case_sensitive: Any = False,
    attribute: Any = None,
) -> Any:
    key_func = make_multi_attrgetter(
        environment, attribute, postprocess=ignore_case if not case_sensitive else None
    )
    return sorted(value, key=key_func, reverse=reverse)


@pass_env
def sync_do_unique(
    environment: Any, value: Any, case_sensitive: Any = False, attribute: Any = None
) -> Any:
    getter = make_attrgetter(
        environment, attribute, postprocess=ignore_case if not case_sensitive else None
    )
    seen = set()
    for item in value:
        key = getter(item)
        if key not in seen:
            seen.add(key)
            yield item


def _min_or_max(
    environment: Any, value: Any, func: Any, case_sensitive: Any, attribute: Any
) -> Any:
    it = iter(value)
    try:
        first = next(it)
    except StopIteration:
        return environment.undefined("No aggregated item, sequence was empty.")
    key_func = make_attrgetter(
        environment, attribute, postprocess=ignore_case if not case_sensitive else None
    )
    return func(chain([first], it), key=key_func)


@pass_env
def do_min(environment: Any, value: Any, case_sensitive: Any = False, attribute: Any = None) -> Any:
    return _min_or_max(environment, value, min, case_sensitive, attribute)


@pass_env
def do_max(environment: Any, value: Any, case_sensitive: Any = False, attribute: Any = None) -> Any:
    return _min_or_max(environment, value, max, case_sensitive, attribute)


@pass_env
def sync_do_join(eval_ctx: Any, value: Any, d: Any = "", attribute: Any = None) -> Any:
    if attribute is not None:
        value = map(make_attrgetter(eval_ctx.environment, attribute), value)
    if not eval_ctx.autoescape:
        return str(d).join(map(str, value))
    if not hasattr(d, "__html__"):
        value = list(value)
        do_escape = False
        for idx, item in enumerate(value):
            if hasattr(item, "__html__"):
                do_escape = True
            else:
                value[idx] = str(item)
        d = escape(d) if do_escape else str(d)
        return d.join(value)
    return soft_str(d).join(map(soft_str, value))


@pass_env
def sync_do_first(environment: Any, seq: Any) -> Any:
    try:
        return next(iter(seq))
    except StopIteration:
        return environment.undefined("No first item, sequence was empty.")


@pass_env
def do_last(environment: Any, seq: Any) -> Any:
    try:
        return next(iter(reversed(seq)))
    except StopIteration:
        return environment.undefined("No last item, sequence was empty.")


@pass_env
def do_random(context: Any, seq: Any) -> Any:
    try:
        import random

        return random.choice(seq)
    except IndexError:
        return context.environment.undefined("No random item, sequence was empty.")


def sync_do_slice(value: Any, slices: Any, fill_with: Any = None) -> Any:
    seq = list(value)
    length = len(seq)
    items_per_slice = length // slices
    slices_with_extra = length % slices
    offset = 0
    for slice_number in range(slices):
        start = offset + slice_number * items_per_slice
        if slice_number < slices_with_extra:
            offset += 1
        end = offset + (slice_number + 1) * items_per_slice
        tmp = seq[start:end]
        if fill_with is not None and slice_number >= slices_with_extra:
            tmp.append(fill_with)
        yield tmp


def do_batch(value: Any, linecount: Any, fill_with: Any = None) -> Any:
    tmp: Any = []
    for item in value:
        if len(tmp) == linecount:
            yield tmp
            tmp = []
        tmp.append(item)
    if tmp:
        if fill_with is not None and len(tmp) < linecount:
            tmp += [fill_with] * (linecount - len(tmp))
        yield tmp


class _GroupTuple(tuple):  # type: ignore[type-arg]
    """jinja2's (grouper, list) named tuple, without importing typing."""

    __slots__ = ()
    __module__ = "jinja2.filters"

    def __new__(cls, grouper: Any, items: Any) -> _GroupTuple:
        return tuple.__new__(cls, (grouper, items))

    @property
    def grouper(self) -> Any:
        return self[0]

    @property
    def list(self) -> Any:
        return self[1]

    def __repr__(self) -> str:
        return tuple.__repr__(self)

    def __str__(self) -> str:
        return tuple.__str__(self)


@pass_env
def sync_do_groupby(
    environment: Any, value: Any, attribute: Any, default: Any = None, case_sensitive: Any = False
) -> Any:
    expr = make_attrgetter(
        environment,
        attribute,
        postprocess=ignore_case if not case_sensitive else None,
        default=default,
    )
    out = [_GroupTuple(key, list(values)) for key, values in groupby(sorted(value, key=expr), expr)]
    if not case_sensitive:
        output_expr = make_attrgetter(environment, attribute, default=default)
        out = [_GroupTuple(output_expr(values[0]), values) for _, values in out]
    return out


@pass_env
def sync_do_sum(environment: Any, iterable: Any, attribute: Any = None, start: Any = 0) -> Any:
    if attribute is not None:
        iterable = map(make_attrgetter(environment, attribute), iterable)
    return sum(iterable, start)


def sync_do_list(value: Any) -> Any:
    return list(value)


def do_reverse(value: Any) -> Any:
    if isinstance(value, str):
        return value[::-1]
    try:
        return reversed(value)
    except TypeError:
        try:
            rv = list(value)
            rv.reverse()
            return rv
        except TypeError as e:
            raise FilterArgumentError("argument must be iterable") from e


@pass_env
def sync_do_map(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    if value:
        func = prepare_map(context, args, kwargs)
        for item in value:
            yield func(item)


@pass_env
def sync_do_select(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    return select_or_reject(context, value, args, kwargs, lambda x: x, False)


@pass_env
def sync_do_reject(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    return select_or_reject(context, value, args, kwargs, lambda x: not x, False)


@pass_env
def sync_do_selectattr(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    return select_or_reject(context, value, args, kwargs, lambda x: x, True)


@pass_env
def sync_do_rejectattr(context: Any, value: Any, *args: Any, **kwargs: Any) -> Any:
    return select_or_reject(context, value, args, kwargs, lambda x: not x, True)


def prepare_map(context: Any, args: Any, kwargs: Any) -> Any:
    if not args and "attribute" in kwargs:
        attribute = kwargs.pop("attribute")
        default = kwargs.pop("default", None)
        if kwargs:
            raise FilterArgumentError(f"Unexpected keyword argument {next(iter(kwargs))!r}")
        func = make_attrgetter(context.environment, attribute, default=default)
    else:
        try:
            name = args[0]
            args = args[1:]
        except LookupError:
            raise FilterArgumentError("map requires a filter argument") from None

        def func(item: Any) -> Any:
            return context.environment.call_filter(name, item, args, kwargs, context=context)

    return func


def prepare_select_or_reject(
    context: Any, args: Any, kwargs: Any, modfunc: Any, lookup_attr: Any
) -> Any:
    if lookup_attr:
        try:
            attr = args[0]
        except LookupError:
            raise FilterArgumentError("Missing parameter for attribute name") from None
        transfunc = make_attrgetter(context.environment, attr)
        off = 1
    else:
        off = 0

        def transfunc(x: Any) -> Any:
            return x

    try:
        name = args[off]
        args = args[1 + off :]

        def func(item: Any) -> Any:
            return context.environment.call_test(name, item, args, kwargs, context)
    except LookupError:
        func = bool  # type: ignore[assignment]
    return lambda item: modfunc(func(transfunc(item)))


def select_or_reject(
    context: Any, value: Any, args: Any, kwargs: Any, modfunc: Any, lookup_attr: Any
) -> Any:
    if value:
        func = prepare_select_or_reject(context, args, kwargs, modfunc, lookup_attr)
        for item in value:
            if func(item):
                yield item
