"""A Rewriter for one response: the route's rules with their snippets, plus the CSP <meta> fix.

`append` on `body` uses the rewriter's body end-tag handler, which fires exactly once per
document, at `</body>` or, where the page has none, before `</html>` or at the end; that is
the fallback the Worker setup lacks. Everything that fired is recorded for the access log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgeviews.rewriter import Rewriter

from edgeviews.proxy.csp import ScriptSources, merge_policy_list
from edgeviews.proxy.snapshot import RoutePlan

logger = logging.getLogger("edgeviews.proxy")

_CSP_EQUIV = ("content-security-policy", "content-security-policy-report-only")


def build_rewriter(
    plan: RoutePlan, *, csp_sources: ScriptSources | None, injected: list[str], where: str
) -> Rewriter:
    """The rewriter for one page; `injected` collects `view@selector` for each insertion made."""

    def on_error(error: BaseException) -> None:
        logger.error("rewriting %s: a handler raised %s: %s", where, type(error).__name__, error)

    from edgeviews.rewriter import Rewriter

    rewriter = Rewriter(on_error=on_error)
    for rule, snippet in plan.rules_with_snippets():
        label = f"{rule.view or 'attributes'}@{rule.selector}"
        if rule.action == "attributes":
            rewriter.on(
                rule.selector, element=_set_attributes(dict(rule.attributes), injected, label)
            )
            continue
        assert snippet is not None
        if rule.action == "append" and rule.selector.strip().lower() == "body":
            rewriter.on("body", end_tag=_before_end_tag(snippet.html, injected, label))
        else:
            rewriter.on(rule.selector, element=_content(rule.action, snippet.html, injected, label))
    if csp_sources:
        rewriter.on("meta", element=_meta_csp(csp_sources))
    return rewriter


def _set_attributes(
    attributes: dict[str, str], injected: list[str], label: str
) -> Callable[[Any], None]:
    def handler(element: Any) -> None:
        for name, value in attributes.items():
            element.set_attribute(name, value)
        injected.append(label)

    return handler


def _before_end_tag(html: str, injected: list[str], label: str) -> Callable[[Any], None]:
    def handler(end_tag: Any) -> None:
        end_tag.before(html, html=True)
        injected.append(label)

    return handler


def _content(action: str, html: str, injected: list[str], label: str) -> Callable[[Any], None]:
    def handler(element: Any) -> None:
        getattr(element, action)(html, html=True)
        injected.append(label)

    return handler


def _meta_csp(sources: ScriptSources) -> Callable[[Any], None]:
    def handler(element: Any) -> None:
        equiv = element.get_attribute("http-equiv")
        if equiv is None or equiv.strip().lower() not in _CSP_EQUIV:
            return
        content = element.get_attribute("content")
        if content:
            merged = merge_policy_list(content, sources)
            if merged != content:
                element.set_attribute("content", merged)

    return handler
