"""The builtin filters that write URLs, HTML attributes and JSON.

``urlize``, ``urlencode``, ``xmlattr`` and ``tojson``, ported from jinja2 3.1.6 filters.py
and utils.py (BSD-3-Clause); their options come from the Env's policies, which are jinja2's
defaults.
"""

from __future__ import annotations

import _collections_abc as abc  # what collections.abc re-exports, loaded at startup
from typing import Any

from edgeviews.compiler.runtime_env import pass_env
from edgeviews.compiler.runtime_errors import FilterArgumentError
from edgeviews.compiler.runtime_filters_strings import pattern
from edgeviews.compiler.runtime_markup import Markup, escape
from edgeviews.compiler.runtime_undefined import Undefined

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


def do_urlencode(value: Any) -> Any:
    if isinstance(value, str) or not isinstance(value, abc.Iterable):
        return url_quote(value)
    if isinstance(value, dict):
        items: Any = value.items()
    else:
        items = value
    return "&".join((f"{url_quote(k, for_qs=True)}={url_quote(v, for_qs=True)}" for k, v in items))


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


@pass_env
def do_tojson(eval_ctx: Any, value: Any, indent: Any = None) -> Any:
    policies = eval_ctx.environment.policies
    dumps = policies["json.dumps_function"]
    kwargs = policies["json.dumps_kwargs"]
    if indent is not None:
        kwargs = kwargs.copy()
        kwargs["indent"] = indent
    return htmlsafe_json_dumps(value, dumps=dumps, **kwargs)
