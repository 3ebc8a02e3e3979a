"""Live reload on pages whose Content-Security-Policy forbids 'self' scripts or connections.

A site on 127.0.0.1 serves one page per kind of policy (header, <meta>, report-only,
sandbox); a real `edgeviews dev` proxies it with one view appended to every page, and a real
`edgeviews serve` of the same project shows that serving adds nothing for live reload.
Headless Chromium (Debian's, never a downloaded one) shows that saving the view reloads the
page under each policy, with no CSP violation and the page's own scripts still running.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest

from edgeviews.livereload import EVENTS_PATH, SCRIPT_HASH, SCRIPT_PATH
from tests.e2e.chromium import launched_chromium
from tests.running import TIMEOUT, Running

# path -> (enforced header policy, report-only header policy, <meta> policy)
POLICIES: dict[str, tuple[str | None, str | None, str | None]] = {
    "/nonce/": ("default-src 'none'; script-src 'nonce-abc' 'strict-dynamic'", None, None),
    "/cdn/": ("script-src https://cdn.example; connect-src https://api.example", None, None),
    "/meta/": (None, None, "default-src 'none'; script-src 'nonce-abc'"),
    "/self/": ("default-src 'self'", None, None),
    "/two/": ("default-src 'self', script-src 'nonce-abc'; connect-src 'none'", None, None),
    "/report-only/": (None, "default-src 'none'", None),
    "/sandbox/": ("sandbox; script-src 'nonce-abc'", None, None),
    "/opaque/": ("sandbox allow-scripts; default-src 'self'", None, None),
    "/upgrade/": ("upgrade-insecure-requests; script-src 'nonce-abc'", None, None),
}
# The browser tests save the view of the pages under this prefix; the other tests read pages
# whose view never changes, so dev's and serve's snippets (and their hashes) stay the same.
RELOADED = "/reloaded"
BROWSER_KINDS = (
    "/nonce/",
    "/cdn/",
    "/meta/",
    "/self/",
    "/two/",
    "/opaque/",
    "/upgrade/",
    "/report-only/",
)


def page_for(path: str) -> bytes:
    meta = POLICIES[path][2]
    meta_tag = f'<meta http-equiv="Content-Security-Policy" content="{meta}">' if meta else ""
    return (
        f"<!doctype html><html><head><title>{path}</title>{meta_tag}</head><body>"
        '<h1>Upstream</h1><script nonce="abc">window.own = true;</script></body></html>'
    ).encode()


class Site(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Page)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Page(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        path = self.path.removeprefix(RELOADED)
        if path not in POLICIES:
            self.send_error(404)
            return
        enforced, report_only, _ = POLICIES[path]
        body = page_for(path)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        if enforced:
            self.send_header("Content-Security-Policy", enforced)
        if report_only:
            self.send_header("Content-Security-Policy-Report-Only", report_only)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def snippet(version: int) -> str:
    return f'<script>window.snippet = "v{version}";</script>\n'


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    server = Site()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    root = tmp_path_factory.mktemp("dev-csp")
    (root / "views").mkdir()
    (root / "views" / "page.html").write_text(snippet(1))
    (root / "views" / "reloaded.html").write_text(snippet(1))
    (root / "edgeviews.toml").write_text(
        f"""\
views = "views"
out = "build"

[[routes]]
match = ["{RELOADED}/*"]
upstream = "{server.url}"
rewrite = [{{ selector = "body", append = "reloaded" }}]

[[routes]]
match = ["/*"]
upstream = "{server.url}"
rewrite = [{{ selector = "body", append = "page" }}]
"""
    )
    try:
        yield root
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def dev(project: Path) -> Iterator[tuple[Running, str]]:
    running = Running(["dev", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        url = running.wait_for(r"serving on (http://127\.0\.0\.1:\d+)", timeout=30).group(1)
        running.wait_for(r"^watching views/", timeout=30)
        yield running, url
    finally:
        running.kill()


@pytest.fixture(scope="module")
def served(project: Path, dev: tuple[Running, str]) -> Iterator[str]:
    """`edgeviews serve` of the same project (dev has built it by now)."""
    running = Running(["serve", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        yield running.wait_for(r"running on (http://127\.0\.0\.1:\d+)", timeout=30).group(1)
    finally:
        running.kill()


def policy_tokens(value: str) -> set[str]:
    return set(re.split(r"[\s;,]+", value.strip())) - {""}


def get(base: str, path: str) -> httpx2.Response:
    with httpx2.Client(base_url=base, timeout=TIMEOUT) as client:
        return client.get(path)


@pytest.mark.parametrize("path", ["/nonce/", "/cdn/", "/two/"])
def test_a_header_policy_gains_exactly_our_hash_and_endpoint(
    dev: tuple[Running, str], served: str, path: str
) -> None:
    _, url = dev
    page, plain = get(url, path), get(served, path)
    added = policy_tokens(page.headers["content-security-policy"]) - policy_tokens(
        plain.headers["content-security-policy"]
    )
    assert added - {"connect-src", "script-src"} == {SCRIPT_HASH, url + EVENTS_PATH}
    assert 'data-views="page">' in page.text and SCRIPT_PATH not in page.text


def test_a_meta_policy_gains_exactly_our_hash_and_endpoint(
    dev: tuple[Running, str], served: str
) -> None:
    _, url = dev
    find = re.compile(r'http-equiv="Content-Security-Policy" content="([^"]*)"')
    ours = find.search(get(url, "/meta/").text)
    theirs = find.search(get(served, "/meta/").text)
    assert ours is not None and theirs is not None
    added = policy_tokens(ours.group(1)) - policy_tokens(theirs.group(1))
    assert added - {"connect-src"} == {SCRIPT_HASH, url + EVENTS_PATH}
    assert "content-security-policy" not in get(url, "/meta/").headers


def test_report_only_is_left_alone_and_the_external_script_used(
    dev: tuple[Running, str], served: str
) -> None:
    _, url = dev
    page, plain = get(url, "/report-only/"), get(served, "/report-only/")
    name = "content-security-policy-report-only"
    assert page.headers[name] == plain.headers[name]  # as the proxy left it (its own snippet)
    assert SCRIPT_HASH not in page.headers[name] and EVENTS_PATH not in page.headers[name]
    assert f'<script src="{SCRIPT_PATH}" data-views="page"' in page.text


def test_a_sandbox_without_scripts_is_said_once_and_the_page_left_alone(
    dev: tuple[Running, str], served: str
) -> None:
    running, url = dev
    mark = running.mark()
    first, second, plain = get(url, "/sandbox/"), get(url, "/sandbox/"), get(served, "/sandbox/")
    assert first.text == second.text == plain.text
    csp = "content-security-policy"
    assert first.headers[csp] == second.headers[csp] == plain.headers[csp]
    running.wait_for(r"live reload is off on pages of /\*: .*sandbox", after=mark)
    get(url, "/nonce/")  # a later line: the warning would be flushed by now
    warnings = [line for line in running.lines[mark:] if "live reload is off" in line]
    assert len(warnings) == 1, running.output


def test_serve_adds_nothing_for_live_reload(served: str) -> None:
    for path in POLICIES:
        page = get(served, path)
        assert "_edgeviews" not in page.text and SCRIPT_HASH not in page.text
        for value in page.headers.get_list("content-security-policy"):
            assert SCRIPT_HASH not in value and EVENTS_PATH not in value


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with launched_chromium() as chromium:
        yield chromium


def visit(browser: Any, url: str) -> tuple[Any, list[str]]:
    """A new page at `url` and the CSP messages its console gets (refusals and reports)."""
    page = browser.new_page()
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.goto(url)
    return page, messages


def wait_until(page: Any, expression: str, timeout: float = 10) -> None:
    """Polls `expression` from the test (page.wait_for_function evals in the page, which a
    policy without 'unsafe-eval' may refuse)."""
    deadline = time.monotonic() + timeout
    while page.evaluate(expression) is not True:
        assert time.monotonic() < deadline, f"{expression} not true within {timeout} s"
        time.sleep(0.02)


@pytest.mark.browser
@pytest.mark.parametrize("path", BROWSER_KINDS)
def test_saving_the_view_reloads_the_page_under_its_policy(
    dev: tuple[Running, str], served: str, project: Path, browser: Any, path: str
) -> None:
    _, url = dev
    plain, plain_messages = visit(browser, f"{served}{RELOADED}{path}")
    own_script_runs = plain.evaluate("window.own")  # as the page's own policy decides
    plain.close()

    version = 10 + BROWSER_KINDS.index(path)
    page, messages = visit(browser, f"{url}{RELOADED}{path}")
    try:
        wait_until(page, "window.edgeviewsLiveReload?.readyState === 1")
        with page.expect_navigation(timeout=10_000):
            (project / "views" / "reloaded.html").write_text(snippet(version))
        wait_until(page, f'window.snippet === "v{version}"')
        assert page.evaluate("window.own") == own_script_runs
        assert page.evaluate("window.edgeviewsLiveReload.readyState") in (0, 1)
    finally:
        page.close()
    if path == "/report-only/":  # left alone: it reports our script and stream, refuses nothing
        assert messages and all("report-only" in text for text in messages), messages
        return
    # Two loads under dev, one under serve: live reload itself is never refused or reported.
    assert len(messages) == 2 * len(plain_messages), (messages, plain_messages)
