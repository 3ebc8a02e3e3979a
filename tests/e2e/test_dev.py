"""The real `edgeviews dev` process: saves on disk show up through the running proxy.

Each test starts a small upstream site on 127.0.0.1, writes a project whose route points at
it, runs `edgeviews dev --port 0` and edits files under it. Every wait is bounded and the
process is always stopped.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx2
import pytest

PAGE = (
    b"<!doctype html><html><head><title>Landing</title></head><body><h1>Upstream</h1></body></html>"
)
REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 15.0


class Upstream(ThreadingHTTPServer):
    """The site behind the proxy. `/slow` sends half its page, then waits for `release`."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Page)
        self.slow_started = threading.Event()
        self.release = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Page(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall
    server: Upstream

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if self.path != "/slow":
            self.wfile.write(PAGE)
            return
        half = PAGE.index(b"<h1>")
        self.wfile.write(PAGE[:half])
        self.wfile.flush()
        self.server.slow_started.set()
        self.server.release.wait(TIMEOUT)
        self.wfile.write(PAGE[half:])

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def upstream_server() -> Iterator[Upstream]:
    server = Upstream()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


@pytest.fixture
def upstream(upstream_server: Upstream) -> str:
    return upstream_server.url


def write_config(project: Path, upstream: str, *, greeting: str = "hello", extra: str = "") -> None:
    (project / "edgeviews.toml").write_text(
        f"""\
views = "views"
out = "build"
default_env = "dev"

[env.dev]
GREETING = "{greeting}"

[[routes]]
match = ["/", "/about", "/slow"]
upstream = "{upstream}"
rewrite = [{{ selector = "body", append = "analytics" }}]
{extra}
"""
    )


@pytest.fixture
def project(tmp_path: Path, upstream: str) -> Path:
    views = tmp_path / "views"
    views.mkdir()
    (views / "analytics.html").write_text('<script>window.snippet = "v1";</script>\n')
    (views / "banner.html").write_text("<p>{{ env.GREETING }}</p>\n")
    write_config(tmp_path, upstream)
    return tmp_path


class Running:
    """An `edgeviews` command running in a project, its output collected line by line."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        # The repository first on the path: the command runs from the project folder, and the
        # package may not be installed (a plain checkout).
        path = os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))
        environment = {**os.environ, "PYTHONPATH": path, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "edgeviews", *args],
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=environment,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    def mark(self) -> int:
        with self._changed:
            return len(self.lines)

    def wait_for(self, pattern: str, *, after: int = 0, timeout: float = TIMEOUT) -> re.Match[str]:
        """The first line from `after` on that matches; fails with the output so far."""
        deadline = time.monotonic() + timeout
        compiled = re.compile(pattern)
        with self._changed:
            while True:
                for line in self.lines[after:]:
                    found = compiled.search(line)
                    if found:
                        return found
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():  # timed out, or the process ended
                    pytest.fail(f"no line matching {pattern!r}; output:\n{self.output}")
                self._changed.wait(min(left, 0.1))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def stop(self, signum: int = signal.SIGINT, timeout: float = 10) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout)
        finally:
            self.kill()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self._reader.join(5)


@pytest.fixture
def dev(project: Path) -> Iterator[tuple[Running, str]]:
    running = Running(["dev", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        found = running.wait_for(r"serving on (http://127\.0\.0\.1:\d+)", timeout=30)
        yield running, found.group(1)
    finally:
        running.kill()


def poll(fetch: Callable[[], str], wanted: str, *, timeout: float = TIMEOUT) -> str:
    """`fetch()` until its text contains `wanted`; fails with the last text seen."""
    deadline = time.monotonic() + timeout
    while True:
        text = fetch()
        if wanted in text or time.monotonic() > deadline:
            assert wanted in text, f"{wanted!r} not served within {timeout} s; last page:\n{text}"
            return text
        time.sleep(0.02)


def test_a_saved_view_is_served_without_a_restart(dev: tuple[Running, str], project: Path) -> None:
    running, url = dev
    with httpx2.Client(base_url=url, timeout=5) as client:
        page = client.get("/").text
        assert 'window.snippet = "v1"' in page
        assert "<h1>Upstream</h1>" in page
        process_id = running.process.pid

        (project / "views" / "analytics.html").write_text(
            '<script>window.snippet = "v2";</script>\n'
        )
        page = poll(lambda: client.get("/").text, 'window.snippet = "v2"')
        assert 'window.snippet = "v1"' not in page
        assert running.process.pid == process_id and running.process.poll() is None
    running.wait_for(r"built: analytics \(1 view\)")


def test_a_request_in_flight_finishes_with_the_views_it_started_with(
    dev: tuple[Running, str], project: Path, upstream_server: Upstream
) -> None:
    _, url = dev
    slow: list[httpx2.Response] = []
    with httpx2.Client(base_url=url, timeout=TIMEOUT) as client:
        poll(lambda: client.get("/").text, 'window.snippet = "v1"')
        fetching = threading.Thread(target=lambda: slow.append(client.get("/slow")))
        with httpx2.Client(base_url=url, timeout=5) as other:
            fetching.start()
            try:
                assert upstream_server.slow_started.wait(TIMEOUT)
                (project / "views" / "analytics.html").write_text(
                    '<script>window.snippet = "v2";</script>\n'
                )
                poll(lambda: other.get("/").text, 'window.snippet = "v2"')
            finally:
                upstream_server.release.set()
                fetching.join(TIMEOUT)
    assert slow[0].status_code == 200
    assert slow[0].text.startswith(PAGE[: PAGE.index(b"<h1>")].decode())
    assert 'window.snippet = "v1"' in slow[0].text  # the snapshot it started with
    assert "<h1>Upstream</h1>" in slow[0].text


def test_a_broken_view_keeps_the_last_good_one_until_fixed(
    dev: tuple[Running, str], project: Path
) -> None:
    running, url = dev
    view = project / "views" / "analytics.html"
    with httpx2.Client(base_url=url, timeout=5) as client:
        poll(lambda: client.get("/").text, 'window.snippet = "v1"')

        mark = running.mark()
        view.write_text('<script>window.snippet = "v2";</script>\n{% if %}\n')
        running.wait_for(r"error: views/analytics\.html:2", after=mark)
        running.wait_for(r"2 \| \{% if %\}", after=mark)
        for _ in range(3):
            assert 'window.snippet = "v1"' in client.get("/").text
        assert running.process.poll() is None

        view.write_text('<script>window.snippet = "v3";</script>\n')
        poll(lambda: client.get("/").text, 'window.snippet = "v3"')


def test_live_reload_names_the_changed_view(dev: tuple[Running, str], project: Path) -> None:
    _, url = dev
    with httpx2.Client(base_url=url, timeout=5) as client:
        page = client.get("/").text
        tag = re.search(r'<script src="/_edgeviews/livereload\.js" data-views="([^"]*)"', page)
        assert tag is not None and tag.group(1) == "analytics", page
        assert page.index(tag.group(0)) < page.index("</body>")
        script = client.get("/_edgeviews/livereload.js")
        assert script.headers["content-type"].startswith("text/javascript")
        assert "EventSource" in script.text

        with client.stream("GET", "/_edgeviews/livereload", timeout=TIMEOUT) as events:
            assert events.headers["content-type"].startswith("text/event-stream")
            lines = events.iter_lines()
            assert next(lines).startswith("retry:")
            (project / "views" / "analytics.html").write_text("<script>/* v2 */</script>\n")
            event, data = _next_event(lines)
    assert event == "reload"
    assert json.loads(data) == {"views": ["analytics"], "all": False}


def _next_event(lines: Iterator[str]) -> tuple[str, str]:
    event = data = ""
    for line in lines:
        if line.startswith("event: "):
            event = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif not line and event:
            return event, data
    pytest.fail("the event stream ended without an event")


CONTACT_ROUTE = """
[[routes]]
match = ["/contact"]
upstream = "{upstream}"
rewrite = [{{ selector = "body", append = "banner" }}]
"""


def test_a_config_change_applies_live_and_a_broken_one_is_refused(
    dev: tuple[Running, str], project: Path, upstream: str
) -> None:
    running, url = dev
    with httpx2.Client(base_url=url, timeout=5) as client:
        assert client.get("/contact").status_code == 404

        write_config(project, upstream, extra=CONTACT_ROUTE.format(upstream=upstream))
        page = poll(lambda: client.get("/contact").text, "<p>hello</p>")
        assert "<h1>Upstream</h1>" in page

        mark = running.mark()
        (project / "edgeviews.toml").write_text('views = "views"\n[[routes]]\nmatch = "no-slash"\n')
        running.wait_for(r"error: .*edgeviews\.toml", after=mark)
        running.wait_for(r"previous configuration stays", after=mark)
        assert "<p>hello</p>" in client.get("/contact").text
        assert running.process.poll() is None


def test_ctrl_c_stops_cleanly(dev: tuple[Running, str]) -> None:
    running, url = dev
    with httpx2.stream("GET", f"{url}/_edgeviews/livereload", timeout=TIMEOUT) as events:
        next(events.iter_lines())  # an open event stream must not hold the shutdown up
        started = time.monotonic()
        assert running.stop(signal.SIGINT) == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in running.output
    assert running.lines[-1] == "stopped"


@pytest.mark.browser
def test_an_open_page_reloads_itself_only_when_its_view_changes(
    dev: tuple[Running, str], project: Path, upstream: str
) -> None:
    from playwright.sync_api import sync_playwright

    running, url = dev
    write_config(project, upstream, extra=CONTACT_ROUTE.format(upstream=upstream))
    with httpx2.Client(base_url=url, timeout=5) as client:
        poll(lambda: client.get("/contact").text, "<p>hello</p>")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            page = browser.new_page()
            page.goto(f"{url}/")
            assert page.evaluate("window.snippet") == "v1"
            page.wait_for_function("window.edgeviewsLiveReload.readyState === 1", timeout=10_000)
            page.evaluate("window.stillTheSamePage = true")

            mark = running.mark()
            (project / "views" / "banner.html").write_text("<p>bonjour</p>\n")
            running.wait_for(r"live: .* 1 open page told", after=mark)
            page.wait_for_timeout(300)  # a reload would have started by now
            assert page.evaluate("window.stillTheSamePage") is True

            with page.expect_navigation(timeout=10_000):
                (project / "views" / "analytics.html").write_text(
                    '<script>window.snippet = "v2";</script>\n'
                )
            assert page.evaluate("window.snippet") == "v2"
            assert page.evaluate("window.stillTheSamePage") is None
        finally:
            browser.close()
