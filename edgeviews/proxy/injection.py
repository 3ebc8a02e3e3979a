"""The Rewriter for a route: its rules with their snippets, plus the CSP <meta> fix.

Built once per snapshot (a Rewriter is reusable across documents; parsing selectors per
request would be waste). `append` on `body` uses the rewriter's body end-tag handler, which
fires exactly once per document, at `</body>` or, where the page has none, before `</html>`
or at the end: the fallback the Worker setup lacks. What fired is recorded, per request,
in a context variable the access log reads.
"""

from __future__ import annotations

import functools
import logging
import secrets
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field

from edgeviews.config import RewriteRule
from edgeviews.proxy.csp import (
    NONCE_PLACEHOLDER,
    ScriptSources,
    merge_policy_list,
    needs_nonce,
    with_nonce_placeholder,
)
from edgeviews.rewriter import Rewriter
from edgeviews.rewriter.element import Element, EndTag

logger = logging.getLogger("edgeviews.proxy")

_CSP_EQUIV = ("content-security-policy", "content-security-policy-report-only")


@dataclass(slots=True)
class InjectionRecord:
    """One response's rewrite: what it needs (nonce, charset) and what it did (for the log)."""

    path: str
    injected: list[str] = field(default_factory=list)
    nonce: str | None = None
    """Set when a policy with 'strict-dynamic' needs our external scripts to carry a nonce."""
    charset: str | None = None
    """The codec of the page's encoding when it is not UTF-8 (`PageEncoding.snippet_charset`,
    as the browser will decode the page): snippets are encoded with it."""


current_record: ContextVar[InjectionRecord | None] = ContextVar("edgeviews_injection", default=None)


def new_nonce() -> str:
    """A fresh CSP nonce (128 bits, base64url) for one response."""
    return secrets.token_urlsafe(16)


def _record(label: str) -> None:
    record = current_record.get()
    if record is not None:
        record.injected.append(label)


def _on_error(error: BaseException) -> None:
    record = current_record.get()
    where = record.path if record is not None else "?"
    logger.error("rewriting %s: a handler raised %s: %s", where, type(error).__name__, error)


def build_rewriter(
    rules: Iterable[tuple[RewriteRule, str | None]], *, csp_sources: ScriptSources | None
) -> Rewriter:
    """The rewriter for a route's (rule, rendered snippet) pairs; `csp_sources` fixes <meta> CSP."""
    rewriter = Rewriter(on_error=_on_error)
    for rule, html in rules:
        label = f"{rule.view or 'attributes'}@{rule.selector}"
        if rule.action == "attributes":
            rewriter.on(rule.selector, element=_set_attributes(dict(rule.attributes), label))
        elif rule.action == "append" and rule.selector.strip().lower() == "body":
            rewriter.on("body", end_tag=_before_end_tag(html or "", label))
        else:
            rewriter.on(rule.selector, element=_content(rule.action, html or "", label))
    if csp_sources:
        rewriter.on("meta[http-equiv]", element=_meta_csp(csp_sources))
    return rewriter


def _set_attributes(attributes: dict[str, str], label: str) -> Callable[[Element], None]:
    def handler(element: Element) -> None:
        record = current_record.get()
        charset = record.charset if record is not None else None
        for name, value in attributes.items():
            element.set_attribute(
                name, value if charset is None else attribute_in_charset(value, charset)
            )
        _record(label)

    return handler


@functools.lru_cache(maxsize=256)
def attribute_in_charset(value: str, charset: str) -> str:
    """An attribute value for a non-UTF-8 page: its bytes in the page's charset, each carried as
    the rewriter carries a non-UTF-8 page's own bytes (UTF-8 with surrogate escapes), so they
    are written unchanged. A character the charset lacks becomes '?' (a character reference
    would be escaped into text by `set_attribute`)."""
    if value.isascii():
        return value
    return value.encode(charset, errors="replace").decode("utf-8", "surrogateescape")


def _snippet_text(html: str) -> Callable[[], str | bytes]:
    """The snippet for the current response: nonce filled in, in the page's own charset."""
    templated = with_nonce_placeholder(html)

    def text() -> str | bytes:
        record = current_record.get()
        if record is None:
            return html
        out = html
        if record.nonce is not None and templated != html:
            out = templated.replace(NONCE_PLACEHOLDER, record.nonce)
        if record.charset is not None:
            return encode_snippet(out, record.charset)
        return out  # the rewriter writes str as UTF-8

    return text


@functools.lru_cache(maxsize=64)
def encode_snippet(html: str, charset: str) -> bytes:
    """A snippet in a non-UTF-8 page's charset; characters it lacks become character references
    (right in text and attributes; inside a <script> only ASCII is safe on such pages)."""
    return html.encode(charset, errors="xmlcharrefreplace")


def _before_end_tag(html: str, label: str) -> Callable[[EndTag], None]:
    snippet = _snippet_text(html)

    def handler(end_tag: EndTag) -> None:
        end_tag.before(snippet(), html=True)
        _record(label)

    return handler


def _content(action: str, html: str, label: str) -> Callable[[Element], None]:
    snippet = _snippet_text(html)

    def handler(element: Element) -> None:
        getattr(element, action)(snippet(), html=True)
        _record(label)

    return handler


def _meta_csp(sources: ScriptSources) -> Callable[[Element], None]:
    def handler(element: Element) -> None:
        equiv = element.get_attribute("http-equiv")
        if equiv is None or equiv.strip().lower() not in _CSP_EQUIV:
            return
        content = element.get_attribute("content")
        if content:
            record = current_record.get()
            if record is not None and record.nonce is None and needs_nonce(content, sources):
                record.nonce = new_nonce()
            merged = merge_policy_list(content, sources, record.nonce if record else None)
            if merged != content:
                element.set_attribute("content", merged)

    return handler
