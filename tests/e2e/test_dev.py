"""The real `edgeviews dev` process: saves on disk show up through the running proxy.

A small upstream site runs on 127.0.0.1; a project's routes point at it, `edgeviews dev
--port 0` serves it, and the tests edit files under it. Tests that only edit their own view
share one process (each has its own view and route); those that change the configuration
or stop the server get their own. Every wait is bounded and every process is stopped.
"""

from __future__ import annotations

import json
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.e2e.chromium import launched_chromium
from tests.running import TIMEOUT, Running

PAGE = (
    b"<!doctype html><html><head><title>Landing</title></head><body><h1>Upstream</h1></body></html>"
)
# Each of these views is injected into the pages under /<view>/ and edited by one test only.
VIEWS = ("saved", "inflight", "broken", "live", "browser")


class Site(ThreadingHTTPServer):
    """The site behind the proxy. A path ending in `/slow` sends half its page, then waits
    for `release`."""

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
    server: Site

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        if not self.path.endswith("/slow"):
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


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    server = Site()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def snippet(view: str, version: int) -> str:
    return f'<script>window.snippet = "{view} v{version}";</script>\n'


def write_config(project: Path, site: Site, *, greeting: str = "hello", extra: str = "") -> None:
    routes = "".join(
        f"""
[[routes]]
match = ["/{view}/*"]
upstream = "{site.url}"
rewrite = [{{ selector = "body", append = "{view}" }}]
"""
        for view in VIEWS
    )
    (project / "edgeviews.toml").write_text(
        f"""\
views = "views"
out = "build"
default_env = "dev"

[env.dev]
GREETING = "{greeting}"
{routes}{extra}"""
    )


def make_project(project: Path, site: Site) -> Path:
    views = project / "views"
    views.mkdir()
    for view in VIEWS:
        (views / f"{view}.html").write_text(snippet(view, 1))
    (views / "banner.html").write_text("<p>{{ env.GREETING }}</p>\n")
    write_config(project, site)
    return project


def start_dev(project: Path) -> tuple[Running, str]:
    running = Running(["dev", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        found = running.wait_for(r"serving on (http://127\.0\.0\.1:\d+)", timeout=30)
        running.wait_for(r"^watching views/", timeout=30)
    except BaseException:
        running.kill()
        raise
    return running, found.group(1)


@pytest.fixture(scope="module")
def shared(
    tmp_path_factory: pytest.TempPathFactory, site: Site
) -> Iterator[tuple[Running, str, Path]]:
    """One `edgeviews dev` for the tests that each edit only their own view."""
    project = make_project(tmp_path_factory.mktemp("shared-dev"), site)
    running, url = start_dev(project)
    try:
        yield running, url, project
    finally:
        running.kill()


@pytest.fixture
def own(tmp_path: Path, site: Site) -> Iterator[tuple[Running, str, Path]]:
    """An `edgeviews dev` for one test, which may change the configuration or stop it."""
    project = make_project(tmp_path, site)
    running, url = start_dev(project)
    try:
        yield running, url, project
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


def test_a_saved_view_is_served_without_a_restart(shared: tuple[Running, str, Path]) -> None:
    running, url, project = shared
    with httpx2.Client(base_url=url, timeout=5) as client:
        page = client.get("/saved/").text
        assert 'window.snippet = "saved v1"' in page
        assert "<h1>Upstream</h1>" in page
        process_id = running.process.pid

        mark = running.mark()
        (project / "views" / "saved.html").write_text(snippet("saved", 2))
        page = poll(lambda: client.get("/saved/").text, 'window.snippet = "saved v2"')
        assert 'window.snippet = "saved v1"' not in page
        assert running.process.pid == process_id and running.process.poll() is None
    running.wait_for(r"built: saved \(1 view\) in \d+ ms", after=mark)
    running.wait_for(r"live: in the proxy \d+ ms after the save", after=mark)


def test_a_request_in_flight_finishes_with_the_views_it_started_with(
    shared: tuple[Running, str, Path], site: Site
) -> None:
    _, url, project = shared
    slow: list[httpx2.Response] = []
    with httpx2.Client(base_url=url, timeout=TIMEOUT) as client:
        poll(lambda: client.get("/inflight/").text, 'window.snippet = "inflight v1"')
        fetching = threading.Thread(target=lambda: slow.append(client.get("/inflight/slow")))
        with httpx2.Client(base_url=url, timeout=5) as other:
            fetching.start()
            try:
                assert site.slow_started.wait(TIMEOUT)
                (project / "views" / "inflight.html").write_text(snippet("inflight", 2))
                poll(lambda: other.get("/inflight/").text, 'window.snippet = "inflight v2"')
            finally:
                site.release.set()
                fetching.join(TIMEOUT)
    assert slow[0].status_code == 200
    assert slow[0].text.startswith(PAGE[: PAGE.index(b"<h1>")].decode())
    assert 'window.snippet = "inflight v1"' in slow[0].text  # the snapshot it started with
    assert "<h1>Upstream</h1>" in slow[0].text


def test_a_broken_view_keeps_the_last_good_one_until_fixed(
    shared: tuple[Running, str, Path],
) -> None:
    running, url, project = shared
    view = project / "views" / "broken.html"
    with httpx2.Client(base_url=url, timeout=5) as client:
        poll(lambda: client.get("/broken/").text, 'window.snippet = "broken v1"')

        mark = running.mark()
        view.write_text(snippet("broken", 2) + "{% if %}\n")
        running.wait_for(r"error: views/broken\.html:2", after=mark)
        running.wait_for(r"2 \| \{% if %\}", after=mark)
        for _ in range(3):
            assert 'window.snippet = "broken v1"' in client.get("/broken/").text
        assert running.process.poll() is None

        view.write_text(snippet("broken", 3))
        poll(lambda: client.get("/broken/").text, 'window.snippet = "broken v3"')


def test_live_reload_names_the_changed_view(shared: tuple[Running, str, Path]) -> None:
    _, url, project = shared
    with httpx2.Client(base_url=url, timeout=5) as client:
        page = client.get("/live/").text
        tag = re.search(r'<script src="/_edgeviews/livereload\.js" data-views="([^"]*)"', page)
        assert tag is not None and tag.group(1) == "live", page
        assert page.index(tag.group(0)) < page.index("</body>")
        script = client.get("/_edgeviews/livereload.js")
        assert script.headers["content-type"].startswith("text/javascript")
        assert "EventSource" in script.text

        with client.stream("GET", "/_edgeviews/livereload", timeout=TIMEOUT) as events:
            assert events.headers["content-type"].startswith("text/event-stream")
            lines = events.iter_lines()
            assert next(lines).startswith("retry:")
            (project / "views" / "live.html").write_text(snippet("live", 2))
            event, data = _next_event(lines)
    assert event == "reload"
    assert json.loads(data) == {"views": ["live"], "all": False}


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
upstream = "{url}"
rewrite = [{{ selector = "body", append = "banner" }}]
"""


def test_a_config_change_applies_live_and_a_broken_one_is_refused(
    own: tuple[Running, str, Path], site: Site
) -> None:
    running, url, project = own
    with httpx2.Client(base_url=url, timeout=5) as client:
        assert client.get("/contact").status_code == 404

        write_config(project, site, extra=CONTACT_ROUTE.format(url=site.url))
        page = poll(lambda: client.get("/contact").text, "<p>hello</p>")
        assert "<h1>Upstream</h1>" in page

        write_config(project, site, greeting="bonjour", extra=CONTACT_ROUTE.format(url=site.url))
        poll(lambda: client.get("/contact").text, "<p>bonjour</p>")  # env values apply too

        mark = running.mark()
        (project / "edgeviews.toml").write_text('views = "views"\n[[routes]]\nmatch = "no-slash"\n')
        running.wait_for(r"error: .*edgeviews\.toml", after=mark)
        running.wait_for(r"previous configuration stays", after=mark)
        assert "<p>bonjour</p>" in client.get("/contact").text
        assert running.process.poll() is None


def test_ctrl_c_stops_cleanly(own: tuple[Running, str, Path]) -> None:
    running, url, _ = own
    with httpx2.stream("GET", f"{url}/_edgeviews/livereload", timeout=TIMEOUT) as events:
        next(events.iter_lines())  # an open event stream must not hold the shutdown up
        started = time.monotonic()
        assert running.stop(signal.SIGINT) == 0
    assert time.monotonic() - started < 5
    assert "Traceback" not in running.output
    assert running.lines[-1] == "stopped"


@pytest.mark.browser
def test_an_open_page_reloads_itself_only_when_its_view_changes(
    shared: tuple[Running, str, Path],
) -> None:
    running, url, project = shared
    with launched_chromium() as browser:
        page = browser.new_page()
        page.goto(f"{url}/browser/")
        assert page.evaluate("window.snippet") == "browser v1"
        page.wait_for_function("window.edgeviewsLiveReload.readyState === 1", timeout=10_000)
        page.evaluate("window.stillTheSamePage = true")

        mark = running.mark()
        (project / "views" / "saved.html").write_text(snippet("saved", 9))  # not this page's
        running.wait_for(r"live: .* [1-9]\d* open pages? told", after=mark)
        page.wait_for_timeout(300)  # a reload would have started by now
        assert page.evaluate("window.stillTheSamePage") is True

        with page.expect_navigation(timeout=10_000):
            (project / "views" / "browser.html").write_text(snippet("browser", 2))
        assert page.evaluate("window.snippet") == "browser v2"
        assert page.evaluate("window.stillTheSamePage") is None


def test_a_taken_port_is_a_clear_error(tmp_path: Path, site: Site) -> None:
    project = make_project(tmp_path, site)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        running = Running(["dev", "--host", "127.0.0.1", "--port", str(port)], project)
        try:
            assert running.process.wait(TIMEOUT) == 1
        finally:
            running.kill()
    assert f"cannot listen on 127.0.0.1:{port}" in running.output
    assert "--port" in running.output and "Traceback" not in running.output


def test_a_first_build_that_fails_waits_for_the_fix_then_serves(tmp_path: Path, site: Site) -> None:
    project = make_project(tmp_path, site)
    (project / "views" / "saved.html").write_text("{% if %}\n")
    running = Running(["dev", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        running.wait_for(r"error: views/saved\.html:1", timeout=30)
        running.wait_for(r"nothing is built yet")
        running.wait_for(r"the proxy starts after the first good build")
        running.wait_for(r"^watching views/")
        assert running.process.poll() is None
        assert not any("serving on" in line for line in running.lines)

        (project / "views" / "saved.html").write_text(snippet("saved", 2))
        url = running.wait_for(r"serving on (http://127\.0\.0\.1:\d+)").group(1)
        with httpx2.Client(base_url=url, timeout=5) as client:
            assert 'window.snippet = "saved v2"' in client.get("/saved/").text
        assert sum(line.startswith("watching ") for line in running.lines) == 1
        assert running.stop(signal.SIGINT) == 0
    finally:
        running.kill()


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_stops_cleanly_while_waiting_for_a_first_good_build(
    tmp_path: Path, site: Site, signum: int
) -> None:
    project = make_project(tmp_path, site)
    (project / "views" / "saved.html").write_text("{% if %}\n")
    running = Running(["dev", "--host", "127.0.0.1", "--port", "0"], project)
    try:
        running.wait_for(r"^watching views/", timeout=30)
        assert running.stop(signum) == 0
    finally:
        running.kill()
    assert running.lines[-1] == "stopped"
    assert "Traceback" not in running.output


def test_serve_never_carries_live_reload(proxy: Any) -> None:
    """The shared `edgeviews serve` of the proxy tests (tests/e2e/conftest.py)."""
    with httpx2.Client(base_url=proxy.url, timeout=5) as client:
        page = client.get("/about", headers={"Accept-Encoding": "identity"})
        assert page.status_code == 200 and "</body>" in page.text
        assert "/_edgeviews/" not in page.text
        assert client.get("/_edgeviews/livereload.js").status_code == 404
        assert client.get("/_edgeviews/livereload").status_code == 404
