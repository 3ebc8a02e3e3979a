"""Real servers for end-to-end proxy tests: an upstream on 127.0.0.1 and `edgeviews serve`.

Reusable by every e2e test (benchmarks and browser tests too):

- `Upstream` is a small HTTP/1.1 server of our own on asyncio streams, in a thread of the test
  process, so tests can see exactly what it received (targets, raw headers, TLS SNI) and when a
  connection closed. It serves corpus pages with gzip/br/zstd/deflate, repeated cookies,
  redirects, slow, hanging, dying and endless responses (see `Upstream._dispatch`).
- `ProxyProcess` runs the proxy in its own process under uvicorn on an ephemeral port, waits
  until it answers, keeps its log, and kills it at teardown.
- `write_project()` writes an edgeviews.toml plus a build output in the contract's layout.

Session fixtures `upstream`, `tls_upstream`, `proxy_project` and `proxy` share one of each
across all tests of a run.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import hashlib
import json
import os
import re
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import brotli
import pytest
import zstandard

REPO = Path(__file__).resolve().parents[2]
GA_ID = "G-E2E0001"

LANDING = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Landing</title>
<link rel="icon" href="https://cdn.upstream.test/favicon.png">
%(meta)s</head>
<body><h1>Our landing page</h1>
<script>var s = "</body>"; /* </body> inside a script is not the end */</script>
<!-- </body> in a comment -->
<p>Last paragraph.</p>
</body>
</html>
"""


@dataclass
class RecordedRequest:
    method: str
    target: str
    headers: list[tuple[str, str]]
    body: bytes
    sni: str | None
    connection: int = 0
    """Which upstream connection carried it (same number: a kept-alive connection reused)."""

    def header(self, name: str) -> str | None:
        values = self.all(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]


def encode_body(data: bytes, coding: str) -> bytes:
    if coding == "gzip":
        return gzip.compress(data)
    if coding == "br":
        return brotli.compress(data)
    if coding == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    if coding == "deflate":
        return zlib.compress(data)
    return data


def pick_coding(accept: str | None) -> str | None:
    """What a typical upstream does: its favourite coding among those the request lists."""
    listed = [item.split(";")[0].strip().lower() for item in (accept or "").split(",")]
    for coding in ("br", "gzip", "zstd", "deflate"):
        if coding in listed:
            return coding
    return None


@dataclass
class Upstream:
    """An HTTP/1.1 upstream on 127.0.0.1 in a background thread (see module docstring)."""

    corpus: Path | None = None
    tls: ssl.SSLContext | None = None
    port: int = 0
    requests: list[RecordedRequest] = field(default_factory=list)
    closed_targets: list[str] = field(default_factory=list)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None
    _server: asyncio.Server | None = None

    @property
    def origin(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> Upstream:
        ready = threading.Event()

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)

            async def serve() -> None:
                server = await asyncio.start_server(self._connection, "127.0.0.1", 0, ssl=self.tls)
                self._server = server
                self.port = server.sockets[0].getsockname()[1]
                ready.set()
                async with server:
                    await server.serve_forever()

            with contextlib.suppress(asyncio.CancelledError):
                loop.run_until_complete(serve())
            loop.close()

        self._thread = threading.Thread(target=run, name="e2e-upstream", daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test upstream did not start")
        return self

    def stop(self) -> None:
        if self._loop is not None and self._server is not None:
            loop, server = self._loop, self._server

            def shutdown() -> None:
                server.close()
                for task in asyncio.all_tasks(loop):
                    task.cancel()

            loop.call_soon_threadsafe(shutdown)
        if self._thread is not None:
            self._thread.join(10)

    def received(self, needle: str) -> RecordedRequest:
        """The last request whose target contains `needle` (fails the test if none)."""
        for request in reversed(self.requests):
            if needle in request.target:
                return request
        raise AssertionError(f"the upstream received no request for {needle!r}")

    def wait_closed(self, needle: str, timeout: float = 3.0) -> float:
        """Seconds until the connection that served `needle` was closed."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if any(needle in target for target in self.closed_targets):
                return time.monotonic() - started
            time.sleep(0.01)
        raise AssertionError(f"the upstream connection for {needle!r} stayed open {timeout}s")

    # -- the server ---------------------------------------------------------------------------

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        sni = None
        ssl_object = writer.get_extra_info("ssl_object")
        if ssl_object is not None:
            sni = getattr(ssl_object, "sni_seen", None) or ssl_object.server_hostname
        last_target = ""
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, ConnectionError):
                    return
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                last_target = target
                headers = [
                    (name.strip(), value.strip())
                    for name, _, value in (line.partition(":") for line in lines[1:] if line)
                ]
                body = await self._read_body(reader, headers)
                request = RecordedRequest(
                    method, target, headers, body, self._sni.get(id(ssl_object)), id(writer)
                )
                self.requests.append(request)
                writer.head_only = method == "HEAD"  # type: ignore[attr-defined]
                keep = await self._dispatch(request, writer, reader)
                await writer.drain()
                if not keep:
                    return
        except (ConnectionError, asyncio.CancelledError):
            return
        finally:
            self.closed_targets.append(last_target)
            with contextlib.suppress(Exception):
                writer.close()
            del sni

    _sni: dict[int, str] = field(default_factory=dict)

    async def _read_body(
        self, reader: asyncio.StreamReader, headers: list[tuple[str, str]]
    ) -> bytes:
        lookup = {k.lower(): v for k, v in headers}
        if "content-length" in lookup:
            return await reader.readexactly(int(lookup["content-length"]))
        if lookup.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    return body
                body += await reader.readexactly(size)
                await reader.readexactly(2)
        return b""

    def _page(self, query: dict[str, list[str]]) -> bytes:
        if "page" in query and self.corpus is not None:
            return (self.corpus / "pages" / query["page"][0]).read_bytes()
        meta = query.get("metacsp", [""])[0]
        meta_tag = (
            f'<meta http-equiv="Content-Security-Policy" content="{meta}">\n'.encode()
            if meta
            else b""
        )
        return LANDING % {b"meta": meta_tag}

    async def _dispatch(
        self, request: RecordedRequest, writer: asyncio.StreamWriter, reader: asyncio.StreamReader
    ) -> bool:
        parts = urlsplit(request.target)
        query = parse_qs(parts.query)
        segments = [s for s in parts.path.split("/") if s]
        while segments and segments[0] in (
            "t",
            "raw",
            "help",
            "broken",
            "base",
            "mnt",
            "site-root",
        ):
            segments = segments[1:]
        kind = segments[0] if segments else "site"
        if kind in ("site", "about", "home", "pages"):
            return await self._html(request, writer, query)
        if kind == "echo":
            body = json.dumps(
                {
                    "method": request.method,
                    "target": request.target,
                    "headers": request.headers,
                    "body_sha256": hashlib.sha256(request.body).hexdigest(),
                    "body_len": len(request.body),
                }
            ).encode()
            return self._respond(writer, 200, [("Content-Type", "application/json")], body)
        if kind == "cookies":
            cookies = [
                (
                    "Set-Cookie",
                    "a=1; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/; Domain=127.0.0.1",
                ),
                ("Set-Cookie", "b=2; Expires=Thu, 22 Oct 2037 07:28:00 GMT; Path=/; HttpOnly"),
                ("Set-Cookie", "c=3; Domain=other.example; Path=/"),
            ]
            return self._respond(
                writer, 200, [("Content-Type", "text/plain"), *cookies], b"cookies"
            )
        if kind == "redirect":
            to = query.get("to", [f"{self.origin}/landed?x=1"])[0]
            headers = [
                ("Location", to),
                ("Content-Location", f"{self.origin}{parts.path}"),
                ("Content-Type", "text/html"),
            ]
            return self._respond(writer, 302, headers, b"<a href=x>moved</a>")
        if kind == "binary":
            data = hashlib.sha256(b"seed").digest() * 4096
            coding = query.get("enc", ["gzip"])[0]
            headers = [
                ("Content-Type", "application/octet-stream"),
                ("Content-Encoding", coding),
                ("ETag", '"bin-1"'),
                ("Accept-Ranges", "bytes"),
            ]
            return self._respond(writer, 200, headers, encode_body(data, coding))
        if kind == "empty":
            return self._respond(writer, 204, [("X-Empty", "yes")], b"")
        if kind == "hang":
            # Never answers; returns as soon as the proxy closes the connection.
            with contextlib.suppress(asyncio.TimeoutError, ConnectionError):
                await asyncio.wait_for(reader.read(1), 30)
            return False
        if kind == "utf16":
            assert self.corpus is not None
            data = (self.corpus / "pages/encoding-edge/UTF-16LE__plane1-utf-16le.html").read_bytes()
            content_type = "text/html; charset=utf-16le"
            if "bom" in query:  # no charset in the header: only the byte-order mark tells
                data, content_type = b"\xff\xfe" + data, "text/html"
            coding = query.get("enc", [None])[0]
            headers = [("Content-Type", content_type)]
            if coding:
                data = encode_body(data, coding)
                headers.append(("Content-Encoding", coding))
            return self._respond(writer, 200, headers, data)
        if kind in ("slow", "die", "endless"):
            return await self._streamed(kind, request, writer, query)
        return self._respond(writer, 404, [("Content-Type", "text/plain")], b"no such test page")

    async def _html(
        self, request: RecordedRequest, writer: asyncio.StreamWriter, query: dict[str, list[str]]
    ) -> bool:
        page = self._page(query)
        etag = '"' + hashlib.sha256(page).hexdigest()[:16] + '"'
        headers = [
            ("Content-Type", query.get("type", ["text/html; charset=utf-8"])[0]),
            ("ETag", etag),
            ("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("Accept-Ranges", "bytes"),
            ("Strict-Transport-Security", "max-age=63072000"),
            ("Alt-Svc", 'h3=":443"'),
            ("NEL", '{"report_to":"default","max_age":1}'),
            ("Report-To", '{"group":"default","max_age":1,"endpoints":[{"url":"https://r.test"}]}'),
            ("Vary", "Cookie"),
            ("X-Upstream", "yes"),
            ("Connection", "keep-alive, X-Hop-Secret"),
            ("X-Hop-Secret", "must-not-pass"),
            ("Keep-Alive", "timeout=5"),
        ]
        if "csp" in query:
            headers.append(("Content-Security-Policy", query["csp"][0]))
        if request.header("If-None-Match") == etag:
            return self._respond(writer, 304, [("ETag", etag)], b"")
        range_header = request.header("Range")
        status = 200
        if range_header and range_header.startswith("bytes="):
            start, _, end = range_header[6:].partition("-")
            first, last = int(start), int(end) if end else len(page) - 1
            headers.append(("Content-Range", f"bytes {first}-{last}/{len(page)}"))
            page, status = page[first : last + 1], 206
        coding = query.get("enc", [None])[0] or pick_coding(request.header("Accept-Encoding"))
        if coding and coding != "identity":
            headers.append(("Content-Encoding", coding))
            page = encode_body(page, coding)
        if "chunked" in query:
            split = int(query.get("split", ["700"])[0])
            return await self._chunked(writer, status, headers, [page[:split], page[split:]], 0.01)
        return self._respond(writer, status, headers, page)

    async def _streamed(
        self,
        kind: str,
        request: RecordedRequest,
        writer: asyncio.StreamWriter,
        query: dict[str, list[str]],
    ) -> bool:
        page = self._page(query)
        headers = [("Content-Type", "text/html; charset=utf-8")]
        if kind == "slow":
            delay = float(query.get("delay", ["0.5"])[0])
            return await self._chunked(writer, 200, headers, [page[:200], page[200:]], delay)
        if kind == "die":
            if "chunked" in query:
                self._head(writer, 200, [*headers, ("Transfer-Encoding", "chunked")])
                writer.write(b"%x\r\n%s\r\n" % (300, page[:300]))
            else:
                self._head(writer, 200, [*headers, ("Content-Length", str(len(page) + 5000))])
                writer.write(page)
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.transport.abort()
            return False
        # endless: a chunk every 20 ms until the proxy hangs up
        self._head(writer, 200, [*headers, ("Transfer-Encoding", "chunked")])
        writer.write(b"%x\r\n%s\r\n" % (len(page[:200]), page[:200]))
        filler = b"<p>" + b"x" * 1000 + b"</p>\n"
        for _ in range(1500):
            await asyncio.sleep(0.02)
            writer.write(b"%x\r\n%s\r\n" % (len(filler), filler))
            await writer.drain()
        return False

    async def _chunked(
        self,
        writer: asyncio.StreamWriter,
        status: int,
        headers: list[tuple[str, str]],
        pieces: list[bytes],
        delay: float,
    ) -> bool:
        self._head(writer, status, [*headers, ("Transfer-Encoding", "chunked")])
        for index, piece in enumerate(pieces):
            if index and delay:
                await writer.drain()
                await asyncio.sleep(delay)
            if piece:
                writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        writer.write(b"0\r\n\r\n")
        return True

    def _head(
        self, writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]]
    ) -> None:
        lines = [
            f"HTTP/1.1 {status} X",
            "Server: e2e-upstream",
            "Date: Fri, 27 Nov 2026 08:00:00 GMT",
        ]
        lines += [f"{k}: {v}" for k, v in headers]
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    def _respond(
        self, writer: asyncio.StreamWriter, status: int, headers: list[tuple[str, str]], body: bytes
    ) -> bool:
        if status not in (204, 304):
            headers = [*headers, ("Content-Length", str(len(body)))]
        self._head(writer, status, headers)
        if not getattr(writer, "head_only", False):
            writer.write(body)
        return True


def free_port() -> int:
    """A port nothing listens on (for refused-connection tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


ANALYTICS_VIEW = """
def analytics(env=None):
    env = env or {}
    gid = env.get("GA_MEASUREMENT_ID", "G-NONE")
    return (
        '<script async src="https://www.googletagmanager.com/gtag/js?id=' + gid + '"></script>\\n'
        "<script>window.dataLayer = window.dataLayer || [];"
        "function gtag(){dataLayer.push(arguments);}"
        "gtag('js', new Date()); gtag('config', '" + gid + "');</script>"
    )


def explode(env=None):
    raise RuntimeError("this view is broken on purpose")


def banner(env=None):
    return '<div id="ev-banner">hello</div>'


VIEWS = {"analytics": analytics, "explode": explode, "banner": banner}
"""


def write_build(out: Path, package: str = "views", source: str = ANALYTICS_VIEW) -> Path:
    """A build output in the layout of docs/contracts.md, written directly (no compiler needed)."""
    target = out / package
    target.mkdir(parents=True, exist_ok=True)
    (target / "__init__.py").write_text(source)
    return target


def routes_toml(upstream: str, tls_upstream: str | None = None, dead: str | None = None) -> str:
    rewrite = (
        '[{ selector = "body", append = "analytics" }, '
        '{ selector = \'link[rel="icon"]\', attributes = { href = "/favicon.ico" } }]'
    )
    text = f"""
[[routes]]
match = ["/", "/about", "/home"]
upstream = "{upstream}/site-root"
unless_cookie = ["signed_in"]
unless_header = ["x-skip-edge"]
rewrite = {rewrite}

[[routes]]
match = ["/t/*"]
upstream = "{upstream}"
forward_cookies = ["consent", "intercom-session-*"]
rewrite = {rewrite}

[[routes]]
match = ["/raw/*"]
upstream = "{upstream}"

[[routes]]
match = ["/base/*"]
upstream = "{upstream}/mnt"

[[routes]]
match = ["/broken/*"]
upstream = "{upstream}"
rewrite = [{{ selector = "body", append = "explode" }}]
"""
    if tls_upstream:
        text += f"""
[[routes]]
match = ["/help/*"]
upstream = "{tls_upstream}"
preserve_host = true
"""
    if dead:
        text += f"""
[[routes]]
match = ["/down/*"]
upstream = "{dead}"
"""
    return text


def write_project(
    root: Path,
    *,
    upstream: str,
    tls_upstream: str | None = None,
    ca_bundle: Path | None = None,
    dead: str | None = None,
    proxy_table: str = "",
    routes: str | None = None,
) -> Path:
    """An edgeviews.toml (env `test` with GA id G-E2E0001) and its build output under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    verify = f'verify = "{ca_bundle}"\n' if ca_bundle else ""
    text = f"""views = "views"
out = "build"
package = "views"
default_env = "test"

[env.test]
GA_MEASUREMENT_ID = "{GA_ID}"

[env.other]
GA_MEASUREMENT_ID = "G-OTHER"

[proxy]
connect_timeout = 1.0
read_timeout = 1.0
trusted_proxies = ["127.0.0.2"]
{verify}{proxy_table}
"""
    text += routes if routes is not None else routes_toml(upstream, tls_upstream, dead)
    (root / "edgeviews.toml").write_text(text)
    write_build(root / "build")
    return root / "edgeviews.toml"


class ProxyProcess:
    """`edgeviews serve` (run as `python -m edgeviews serve`) on an ephemeral port, own process group."""

    def __init__(
        self,
        config: Path,
        *,
        env: str | None = None,
        workers: int = 1,
        command: list[str] | None = None,
        environ: dict[str, str] | None = None,
    ) -> None:
        """`command` replaces `edgeviews serve` (e.g. plain uvicorn); it must bind port 0."""
        default = [
            sys.executable,
            "-m",
            "edgeviews",
            "serve",
            "--config",
            str(config),
            "--port",
            "0",
        ]
        if env:
            default += ["--env", env]
        if workers > 1:
            default += ["--workers", str(workers)]
        self.lines: list[str] = []
        self._started = threading.Event()
        self.port = 0
        full_environ = {
            **os.environ,
            "PYTHONPATH": str(REPO),
            "PYTHONUNBUFFERED": "1",
            **(environ or {}),
        }
        self.process = subprocess.Popen(
            command or default,
            cwd=config.parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=full_environ,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if not self._started.wait(20) or not self._healthy(10):
            self.stop()
            raise RuntimeError("the proxy did not start:\n" + self.log())

    def _healthy(self, timeout: float) -> bool:
        """Poll the health endpoint: with several workers the port is bound before they serve."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(
                        b"GET /_edgeviews/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    )
                    if sock.recv(12).startswith(b"HTTP/1.1 200"):
                        return True
            except OSError:
                pass
            time.sleep(0.05)
        return False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line)
            found = re.search(r"running on https?://[^:]+:(\d+)", line, re.I)
            if found and not self._started.is_set():
                self.port = int(found.group(1))
                self._started.set()

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for_log(self, pattern: str, timeout: float = 3.0) -> str:
        """The first log line matching `pattern`, waiting for it to be written."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if re.search(pattern, line):
                    return line
            time.sleep(0.02)
        raise AssertionError(f"no log line matches {pattern!r}; log:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(5)
        self._reader.join(2)


@pytest.fixture(scope="session")
def upstream(corpus: Path) -> Iterator[Upstream]:
    server = Upstream(corpus=corpus).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def tls_ca(tmp_path_factory: pytest.TempPathFactory) -> Any:
    trustme = pytest.importorskip("trustme")
    return trustme.CA()


@pytest.fixture(scope="session")
def tls_upstream(corpus: Path, tls_ca: Any) -> Iterator[Upstream]:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1", "help.example.com").configure_cert(context)
    server = Upstream(corpus=corpus, tls=context)

    def remember_sni(ssl_object: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        if name:
            server._sni[id(ssl_object)] = name

    context.sni_callback = remember_sni
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def proxy_project(
    tmp_path_factory: pytest.TempPathFactory,
    upstream: Upstream,
    tls_upstream: Upstream,
    tls_ca: Any,
) -> Path:
    root = tmp_path_factory.mktemp("proxy-project")
    ca_bundle = root / "ca.pem"
    tls_ca.cert_pem.write_to_path(str(ca_bundle))
    return write_project(
        root,
        upstream=upstream.origin,
        tls_upstream=tls_upstream.origin,
        ca_bundle=ca_bundle,
        dead=f"http://127.0.0.1:{free_port()}",
    )


@pytest.fixture(scope="session")
def proxy(proxy_project: Path) -> Iterator[ProxyProcess]:
    process = ProxyProcess(proxy_project)
    yield process
    process.stop()
