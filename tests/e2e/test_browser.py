"""Headless Chromium through a real `edgeviews serve` in front of a real upstream on 127.0.0.1.

What only a browser can show: the injected Google Analytics snippet actually ran
(`window.dataLayer` holds the config call with the environment's measurement id), also under
a strict Content-Security-Policy from the upstream, and the favicon rule took effect. Every
request that would leave the machine is answered or refused by `page.route`.

Uses the `upstream` and `proxy` fixtures of tests/e2e/conftest.py (one of each per session).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from tests.e2e.chromium import launched_chromium
from tests.e2e.conftest import GA_ID, ProxyProcess

pytestmark = pytest.mark.browser

GTAG_HOST = "www.googletagmanager.com"

DATA_LAYER = "() => JSON.stringify((window.dataLayer || []).map((entry) => Array.from(entry)))"


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launched_chromium() as browser:
        # One context for the module (a context costs about half a second); a page per visit.
        yield browser.new_context()


class Visit:
    """One page load: what the page's scripts left behind, and what the browser asked for."""

    def __init__(self, chromium: Any, url: str) -> None:
        self.requested: list[str] = []
        self.console: list[str] = []
        page = chromium.new_page()
        page.set_default_timeout(10_000)  # fail in seconds, not playwright's 30 s
        try:
            page.route("**/*", self._route)
            page.on("console", lambda message: self.console.append(message.text))
            response = page.goto(url, wait_until="load")
            assert response is not None
            self.status = response.status
            self.data_layer: list[list[Any]] = json.loads(page.evaluate(DATA_LAYER))
            self.icon = page.evaluate(
                "() => document.querySelector('link[rel=icon]')?.getAttribute('href')"
            )
            # The upstream page's own inline script sets `s`; it must run exactly when the
            # page's policy allowed it before we touched the policy.
            self.own_inline_script_ran = page.evaluate("() => typeof window.s === 'string'")
        finally:
            page.close()

    def _route(self, route: Any) -> None:
        url = route.request.url
        self.requested.append(url)
        host = urlsplit(url).hostname
        if host == "127.0.0.1":
            route.continue_()
        elif host == GTAG_HOST:
            # Stand in for gtag.js: nothing leaves the machine, and a script that loaded shows
            # the external host was allowed by the page's policy.
            route.fulfill(
                status=200, content_type="text/javascript", body="window.__gtag_loaded = true;"
            )
        else:
            route.abort()

    @property
    def config_calls(self) -> list[list[Any]]:
        return [entry for entry in self.data_layer if entry[:1] == ["config"]]

    @property
    def gtag_requested(self) -> bool:
        return any(urlsplit(url).hostname == GTAG_HOST for url in self.requested)


def visit(chromium: Any, proxy: ProxyProcess, path: str) -> Visit:
    return Visit(chromium, proxy.url + path)


def csp_query(policy: str, *, meta: bool = False) -> str:
    return ("metacsp=" if meta else "csp=") + quote(policy, safe="")


def test_analytics_snippet_runs_and_favicon_is_ours(chromium: Any, proxy: ProxyProcess) -> None:
    page = visit(chromium, proxy, "/t/site")
    assert page.status == 200
    assert page.config_calls == [["config", GA_ID]]
    assert page.data_layer[0][0] == "js"
    assert page.gtag_requested
    assert page.icon == "/favicon.ico"
    assert page.own_inline_script_ran  # no policy: the page itself is untouched


@pytest.mark.parametrize(
    ("query", "lists_hosts"),
    [
        (csp_query("script-src 'self'"), True),
        (csp_query("default-src 'self'"), True),
        (csp_query("script-src 'self'", meta=True), True),
        (
            csp_query(
                "script-src 'nonce-r4nd0m' 'strict-dynamic'; object-src 'none'; base-uri 'none'"
            ),
            False,
        ),
    ],
    ids=["script-src-self", "default-src-self", "meta-script-src-self", "nonce-strict-dynamic"],
)
def test_snippet_runs_under_a_strict_policy_without_weakening_it(
    chromium: Any, proxy: ProxyProcess, query: str, lists_hosts: bool
) -> None:
    page = visit(chromium, proxy, "/t/site?" + query)
    assert page.status == 200
    assert page.config_calls == [["config", GA_ID]], page.console
    assert not page.own_inline_script_ran, "the page's own inline script must stay blocked"
    assert page.icon == "/favicon.ico"
    if lists_hosts:
        # A host-based policy gets the tag's host added, so gtag.js itself may load.
        assert page.gtag_requested, page.console


def test_policy_relying_on_unsafe_inline_keeps_working(chromium: Any, proxy: ProxyProcess) -> None:
    page = visit(chromium, proxy, "/t/site?" + csp_query("script-src 'self' 'unsafe-inline'"))
    assert page.config_calls == [["config", GA_ID]], page.console
    assert page.own_inline_script_ran, "adding a hash would have switched 'unsafe-inline' off"
