"""The 54 builtin Jinja filters, ported from jinja2 3.1.6 (BSD-3-Clause) to plain Python.

Generated once from jinja2/filters.py and utils.py (async variants, overloads and
docstrings removed, annotations reduced to Any) and then edited by hand: filters that
jinja2 passes an environment, eval context or context receive an ``Env`` instead, which
answers the few questions they ask (getattr, undefined, autoescape, policies...).
Stdlib only; heavy modules are imported inside the filters that need them.
"""

from __future__ import annotations

import _collections_abc as abc  # what collections.abc re-exports, loaded at startup
import math
from itertools import chain, groupby
from typing import Any

from edgeviews.compiler.runtime import (
    FilterArgumentError,
    Markup,
    TemplateRuntimeError,
    Undefined,
    escape,
    getattr_then_item,
    item_then_attr,
    soft_str,
)


def pass_env(func: Any) -> Any:
    """Mark a filter or test that takes the Env first (jinja2's pass_environment & co)."""
    func.jinja_pass_arg = True
    return func


PATTERNS: dict[str, Any] = {}


def pattern(source: str) -> Any:
    """A compiled regular expression, compiled (and ``re`` imported) on first use."""
    compiled = PATTERNS.get(source)
    if compiled is None:
        import re

        compiled = PATTERNS[source] = re.compile(source)
    return compiled


def is_markup(value: Any) -> bool:
    """isinstance(value, Markup) for ours and for markupsafe's (a caller may pass either)."""
    if isinstance(value, Markup):
        return True
    return isinstance(value, str) and any(
        cls.__name__ == "Markup" and cls.__module__ == "markupsafe" for cls in type(value).__mro__
    )


class Env:
    """What filters ask of jinja2's Environment, EvalContext and Context, in one object."""

    is_async = False

    def __init__(
        self,
        undefined: type[Undefined],
        autoescape: Any,
        newline_sequence: str,
        filters: dict[str, Any],
        tests: dict[str, Any],
    ) -> None:
        self.undefined = undefined
        self.autoescape = autoescape
        self.newline_sequence = newline_sequence
        self.filters = filters
        self.tests = tests
        self._other_mode: Env | None = None
        self.environment = self
        self.eval_ctx = self
        self.policies: dict[str, Any] = {
            "urlize.rel": "noopener",
            "urlize.target": None,
            "urlize.extra_schemes": None,
            "truncate.leeway": 5,
            "json.dumps_function": None,
            "json.dumps_kwargs": {"sort_keys": True},
        }

    def with_autoescape(self, autoescape: Any) -> Env:
        """The same environment seen from a region with other autoescaping."""
        return Env(self.undefined, autoescape, self.newline_sequence, self.filters, self.tests)

    def for_mode(self, mode: Any) -> Env:
        """The Env a region with a run-time ``{% autoescape expr %}`` mode sees.

        The mode is kept as given, not made a bool: jinja2's eval context keeps it so, and
        takes its truth only where a filter reads it, so an undefined mode under strict
        undefined fails there and not before (a filter that never reads it fails on its own).
        """
        if mode is self.autoescape:
            return self
        if type(mode) is not bool:
            return self.with_autoescape(mode)
        other = self._other_mode
        if other is None or other.autoescape is not mode:
            other = self._other_mode = self.with_autoescape(mode)
        return other

    def getattr(self, obj: Any, attribute: str) -> Any:
        return getattr_then_item(obj, attribute, self.undefined)

    def getitem(self, obj: Any, argument: Any) -> Any:
        return item_then_attr(obj, argument, self.undefined)

    def call_filter(
        self, name: Any, value: Any, args: Any = None, kwargs: Any = None, context: Any = None
    ) -> Any:
        return self._call(self.filters, "filter", name, value, args, kwargs)

    def call_test(
        self, name: Any, value: Any, args: Any = None, kwargs: Any = None, context: Any = None
    ) -> Any:
        return self._call(self.tests, "test", name, value, args, kwargs)

    def _call(
        self, table: dict[str, Any], type_name: str, name: Any, value: Any, args: Any, kwargs: Any
    ) -> Any:
        func = table.get(name)
        if func is None:
            msg = f"No {type_name} named {name!r}."
            if isinstance(name, Undefined):
                try:
                    name._fail_with_undefined_error()
                except Exception as e:
                    msg = f"{msg} ({e}; did you forget to quote the callable name?)"
            raise TemplateRuntimeError(msg)
        call_args = [value, *(args if args is not None else ())]
        if getattr(func, "jinja_pass_arg", False):
            call_args.insert(0, self)
        return func(*call_args, **(kwargs if kwargs is not None else {}))


def pformat(obj: Any) -> Any:
    from pprint import pformat

    return pformat(obj)


_http_re = "(?ix)\n    ^\n    (\n        (https?://|www\\.)  # scheme or www\n        (([\\w%-]+\\.)+)?  # subdomain\n        (\n            [a-z]{2,63}  # basic tld\n        |\n            xn--[\\w%]{2,59}  # idna tld\n        )\n    |\n        ([\\w%-]{2,63}\\.)+  # basic domain\n        (com|net|int|edu|gov|org|info|mil)  # basic tld\n    |\n        (https?://)  # scheme\n        (\n            (([\\d]{1,3})(\\.[\\d]{1,3}){3})  # IPv4\n        |\n            (\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}])  # IPv6\n        )\n    )\n    (?::[\\d]{1,5})?  # port\n    (?:[/?#]\\S*)?  # path, query, and fragment\n    $\n    "
_email_re = "^\\S+@\\w[\\w.-]*\\.\\w+$"


def urlize(
    text: Any,
    trim_url_limit: Any = None,
    rel: Any = None,
    target: Any = None,
    extra_schemes: Any = None,
) -> Any:
    if trim_url_limit is not None:

        def trim_url(x: Any) -> Any:
            if len(x) > trim_url_limit:
                return f"{x[:trim_url_limit]}..."
            return x
    else:

        def trim_url(x: Any) -> Any:
            return x

    words = pattern("(\\s+)").split(str(escape(text)))
    rel_attr = f' rel="{escape(rel)}"' if rel else ""
    target_attr = f' target="{escape(target)}"' if target else ""
    for i, word in enumerate(words):
        head, middle, tail = ("", word, "")
        match = pattern("^([(<]|&lt;)+").match(middle)
        if match:
            head = match.group()
            middle = middle[match.end() :]
        if middle.endswith((")", ">", ".", ",", "\n", "&gt;")):
            match = pattern("([)>.,\\n]|&gt;)+$").search(middle)
            if match:
                tail = match.group()
                middle = middle[: match.start()]
        for start_char, end_char in (("(", ")"), ("<", ">"), ("&lt;", "&gt;")):
            start_count = middle.count(start_char)
            if start_count <= middle.count(end_char):
                continue
            for _ in range(min(start_count, tail.count(end_char))):
                end_index = tail.index(end_char) + len(end_char)
                middle += tail[:end_index]
                tail = tail[end_index:]
        if pattern(_http_re).match(middle):
            if middle.startswith("https://") or middle.startswith("http://"):
                middle = f'<a href="{middle}"{rel_attr}{target_attr}>{trim_url(middle)}</a>'
            else:
                middle = f'<a href="https://{middle}"{rel_attr}{target_attr}>{trim_url(middle)}</a>'
        elif middle.startswith("mailto:") and pattern(_email_re).match(middle[7:]):
            middle = f'<a href="{middle}">{middle[7:]}</a>'
        elif (
            "@" in middle
            and (not middle.startswith("www."))
            and (not middle.startswith("@"))
            and (":" not in middle)
            and pattern(_email_re).match(middle)
        ):
            middle = f'<a href="mailto:{middle}">{middle}</a>'
        elif extra_schemes is not None:
            for scheme in extra_schemes:
                if middle != scheme and middle.startswith(scheme):
                    middle = f'<a href="{middle}"{rel_attr}{target_attr}>{middle}</a>'
        words[i] = f"{head}{middle}{tail}"
    return "".join(words)


def url_quote(obj: Any, charset: Any = "utf-8", for_qs: Any = False) -> Any:
    if not isinstance(obj, bytes):
        if not isinstance(obj, str):
            obj = str(obj)
        obj = obj.encode(charset)
    safe = b"" if for_qs else b"/"
    from urllib.parse import quote_from_bytes

    rv = quote_from_bytes(obj, safe)
    if for_qs:
        rv = rv.replace("%20", "+")
    return rv


def htmlsafe_json_dumps(obj: Any, dumps: Any = None, **kwargs: Any) -> Any:
    if dumps is None:
        import json

        dumps = json.dumps
    return Markup(
        dumps(obj, **kwargs)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("'", "\\u0027")
    )


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


def do_forceescape(value: Any) -> Any:
    if hasattr(value, "__html__"):
        value = value.__html__()
    return escape(str(value))


def do_urlencode(value: Any) -> Any:
    if isinstance(value, str) or not isinstance(value, abc.Iterable):
        return url_quote(value)
    if isinstance(value, dict):
        items: Any = value.items()
    else:
        items = value
    return "&".join((f"{url_quote(k, for_qs=True)}={url_quote(v, for_qs=True)}" for k, v in items))


@pass_env
def do_replace(eval_ctx: Any, s: Any, old: Any, new: Any, count: Any = None) -> Any:
    if count is None:
        count = -1
    if not eval_ctx.autoescape:
        return str(s).replace(str(old), str(new), count)
    if hasattr(old, "__html__") or (hasattr(new, "__html__") and (not hasattr(s, "__html__"))):
        s = escape(s)
    else:
        s = soft_str(s)
    return s.replace(soft_str(old), soft_str(new), count)


def do_upper(s: Any) -> Any:
    return soft_str(s).upper()


def do_lower(s: Any) -> Any:
    return soft_str(s).lower()


def do_items(value: Any) -> Any:
    if isinstance(value, Undefined):
        return
    if not isinstance(value, abc.Mapping):
        raise TypeError("Can only get item pairs from a mapping.")
    yield from value.items()


_attr_key_re = "(?a)[\\s/>=]"


@pass_env
def do_xmlattr(eval_ctx: Any, d: Any, autospace: Any = True) -> Any:
    items = []
    for key, value in d.items():
        if value is None or isinstance(value, Undefined):
            continue
        if pattern(_attr_key_re).search(key) is not None:
            raise ValueError(f"Invalid character in attribute name: {key!r}")
        items.append(f'{escape(key)}="{escape(value)}"')
    rv = " ".join(items)
    if autospace and rv:
        rv = " " + rv
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv


def do_capitalize(s: Any) -> Any:
    return soft_str(s).capitalize()


_word_beginning_split_re = "([-\\s({\\[<]+)"


def do_title(s: Any) -> Any:
    return "".join(
        [
            item[0].upper() + item[1:].lower()
            for item in pattern(_word_beginning_split_re).split(soft_str(s))
            if item
        ]
    )


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


def do_default(value: Any, default_value: Any = "", boolean: Any = False) -> Any:
    if isinstance(value, Undefined) or (boolean and (not value)):
        return default_value
    return value


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


def do_center(value: Any, width: Any = 80) -> Any:
    return soft_str(value).center(width)


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


def do_pprint(value: Any) -> Any:
    return pformat(value)


_uri_scheme_re = "^([\\w.+-]{2,}:(/){0,2})$"


@pass_env
def do_urlize(
    eval_ctx: Any,
    value: Any,
    trim_url_limit: Any = None,
    nofollow: Any = False,
    target: Any = None,
    rel: Any = None,
    extra_schemes: Any = None,
) -> Any:
    policies = eval_ctx.environment.policies
    rel_parts = set((rel or "").split())
    if nofollow:
        rel_parts.add("nofollow")
    rel_parts.update((policies["urlize.rel"] or "").split())
    rel = " ".join(sorted(rel_parts)) or None
    if target is None:
        target = policies["urlize.target"]
    if extra_schemes is None:
        extra_schemes = policies["urlize.extra_schemes"] or ()
    for scheme in extra_schemes:
        if pattern(_uri_scheme_re).fullmatch(scheme) is None:
            raise FilterArgumentError(f"{scheme!r} is not a valid URI scheme prefix.")
    rv = urlize(
        value, trim_url_limit=trim_url_limit, rel=rel, target=target, extra_schemes=extra_schemes
    )
    if eval_ctx.autoescape:
        rv = Markup(rv)
    return rv


def do_indent(s: Any, width: Any = 4, first: Any = False, blank: Any = False) -> Any:
    indention = width if isinstance(width, str) else " " * width
    newline = "\n"
    if is_markup(s):
        indention = Markup(indention)
        newline = Markup(newline)
    s += newline
    if blank:
        rv = (newline + indention).join(s.splitlines())
    else:
        lines = s.splitlines()
        rv = lines.pop(0)
        if lines:
            rv += newline + newline.join(indention + line if line else line for line in lines)
    if first:
        rv = indention + rv
    return rv


@pass_env
def do_truncate(
    env: Any,
    s: Any,
    length: Any = 255,
    killwords: Any = False,
    end: Any = "...",
    leeway: Any = None,
) -> Any:
    if leeway is None:
        leeway = env.policies["truncate.leeway"]
    assert length >= len(end), f"expected length >= {len(end)}, got {length}"
    assert leeway >= 0, f"expected leeway >= 0, got {leeway}"
    if len(s) <= length + leeway:
        return s
    if killwords:
        return s[: length - len(end)] + end
    result = s[: length - len(end)].rsplit(" ", 1)[0]
    return result + end


@pass_env
def do_wordwrap(
    environment: Any,
    s: Any,
    width: Any = 79,
    break_long_words: Any = True,
    wrapstring: Any = None,
    break_on_hyphens: Any = True,
) -> Any:
    import textwrap

    if wrapstring is None:
        wrapstring = environment.newline_sequence
    return wrapstring.join(
        [
            wrapstring.join(
                textwrap.wrap(
                    line,
                    width=width,
                    expand_tabs=False,
                    replace_whitespace=False,
                    break_long_words=break_long_words,
                    break_on_hyphens=break_on_hyphens,
                )
            )
            for line in s.splitlines()
        ]
    )


_word_re = "\\w+"


def do_wordcount(s: Any) -> Any:
    return len(pattern(_word_re).findall(soft_str(s)))


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


def do_format(value: Any, *args: Any, **kwargs: Any) -> Any:
    if args and kwargs:
        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    return soft_str(value) % (kwargs or args)


def do_trim(value: Any, chars: Any = None) -> Any:
    return soft_str(value).strip(chars)


def do_striptags(value: Any) -> Any:
    if hasattr(value, "__html__"):
        value = value.__html__()
    return Markup(str(value)).striptags()


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


def do_round(value: Any, precision: Any = 0, method: Any = "common") -> Any:
    if method not in {"common", "ceil", "floor"}:
        raise FilterArgumentError("method must be common, ceil or floor")
    if method == "common":
        return round(value, precision)
    func = getattr(math, method)
    return func(value * 10**precision) / 10**precision


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


def do_mark_safe(value: Any) -> Any:
    return Markup(value)


def do_mark_unsafe(value: Any) -> Any:
    return str(value)


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
def do_attr(environment: Any, obj: Any, name: Any) -> Any:
    try:
        from inspect import getattr_static

        getattr_static(obj, name)
    except AttributeError:
        if not hasattr(obj, name):
            return environment.undefined(obj=obj, name=name)
    return environment.getattr(obj, name)


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


@pass_env
def do_tojson(eval_ctx: Any, value: Any, indent: Any = None) -> Any:
    policies = eval_ctx.environment.policies
    dumps = policies["json.dumps_function"]
    kwargs = policies["json.dumps_kwargs"]
    if indent is not None:
        kwargs = kwargs.copy()
        kwargs["indent"] = indent
    return htmlsafe_json_dumps(value, dumps=dumps, **kwargs)


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


FILTERS = {
    "abs": abs,
    "attr": do_attr,
    "batch": do_batch,
    "capitalize": do_capitalize,
    "center": do_center,
    "count": len,
    "d": do_default,
    "default": do_default,
    "dictsort": do_dictsort,
    "e": escape,
    "escape": escape,
    "filesizeformat": do_filesizeformat,
    "first": sync_do_first,
    "float": do_float,
    "forceescape": do_forceescape,
    "format": do_format,
    "groupby": sync_do_groupby,
    "indent": do_indent,
    "int": do_int,
    "join": sync_do_join,
    "last": do_last,
    "length": len,
    "list": sync_do_list,
    "lower": do_lower,
    "items": do_items,
    "map": sync_do_map,
    "min": do_min,
    "max": do_max,
    "pprint": do_pprint,
    "random": do_random,
    "reject": sync_do_reject,
    "rejectattr": sync_do_rejectattr,
    "replace": do_replace,
    "reverse": do_reverse,
    "round": do_round,
    "safe": do_mark_safe,
    "select": sync_do_select,
    "selectattr": sync_do_selectattr,
    "slice": sync_do_slice,
    "sort": do_sort,
    "string": soft_str,
    "striptags": do_striptags,
    "sum": sync_do_sum,
    "title": do_title,
    "trim": do_trim,
    "truncate": do_truncate,
    "unique": sync_do_unique,
    "upper": do_upper,
    "urlencode": do_urlencode,
    "urlize": do_urlize,
    "wordcount": do_wordcount,
    "wordwrap": do_wordwrap,
    "xmlattr": do_xmlattr,
    "tojson": do_tojson,
}
