"""Proxy benchmark: our proxy against nginx proxy_pass + sub_filter and the upstream itself.

Run it from the repository root (takes about a minute, all traffic on 127.0.0.1):

    .venv/bin/python benchmarks/proxy.py

Prints one table: requests/s and p50/p99 latency at 1 and 32 connections on a ~60 KB HTML page
with a snippet injected before </body>, for

- the upstream directly (nginx serving the file, pinned to core 0),
- our proxy (`edgeviews serve`, one uvicorn worker pinned to the last core, full rewriter:
  analytics appended to body, favicon link rewritten), generated config in a tmp dir,
- a floor: a raw ASGI app over UpstreamTransport with a naive </body> splice (no rewriter,
  no Starlette), so the cost of the rest of our stack is visible, and the same `edgeviews
  serve` process on a route without rewrite rules, so the rewriter's share is visible,
- nginx proxy_pass + sub_filter (Debian's /usr/sbin/nginx, same core as our proxy),

with ratios against nginx, then time to first body byte behind a slow upstream (direct and
through our proxy), and the peak memory growth of our proxy while a 200 MB page streams
through it. Load comes from wrk (no Lua scripts). Figures on a shared 2-core machine are
noisy: compare the ratios measured in one run, not absolute numbers across runs.

With `--websocket`, a second table: WebSocket echo round-trips/s and p50/p99 (c=1 and c=32 at
100 B, c=1 at 60 KB) to a `websockets` echo upstream directly, through nginx `proxy_pass` with
the Upgrade headers, and through `edgeviews serve`, with our worker's CPU per relayed message
(from /proc). The client is one Python process, so the direct figures are its ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NGINX = Path("/usr/sbin/nginx")
MEASUREMENT_ID = "G-BENCH0001"
SNIPPET = (
    '<script async src="https://www.googletagmanager.com/gtag/js?id={id}"></script>\n'
    "<script>window.dataLayer = window.dataLayer || [];"
    "function gtag(){{dataLayer.push(arguments);}}"
    "gtag('js', new Date());gtag('config', '{id}');</script>\n"
)
BIG_PAGE_BYTES = 200 * 1024 * 1024
SLOW_PAUSE = 0.5  # seconds the slow upstream waits between the start of its page and the rest


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float | None = None  # the server process's CPU (user + system) per request


# ---------------------------------------------------------------- processes and ports


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args!r} exited with {process.returncode} before listening"
            )
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


def pinned(core: int | None, command: Sequence[str]) -> list[str]:
    taskset = shutil.which("taskset")
    if core is None or taskset is None:
        return list(command)
    return [taskset, "-c", str(core), *command]


@contextlib.contextmanager
def running(
    command: Sequence[str], port: int, log: Path, *, cwd: Path | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Start a server process, wait for its port, and stop it (and only it) afterwards."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            list(command),
            stdout=output,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env=child_environment(),
            start_new_session=True,
        )
        try:
            try:
                wait_for_port(port, process)
            except RuntimeError as error:
                raise RuntimeError(
                    f"{error}; its output ({log}):\n{log.read_text()[-2000:]}"
                ) from None
            yield process
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()


def child_environment() -> dict[str, str]:
    """The environment for servers we start: this checkout importable even where not installed."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def http_get(port: int, path: str = "/", *, timeout: float = 5.0) -> tuple[int, bytes]:
    """One plain HTTP/1.1 GET over a fresh socket: (status, body). Enough for warm-up checks."""
    with socket.create_connection(("127.0.0.1", port), timeout) as sock:
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(1 << 16):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"transfer-encoding: chunked" in head.lower():
        body = dechunk(body)
    return status, body


def dechunk(data: bytes) -> bytes:
    out: list[bytes] = []
    while True:
        line, _, data = data.partition(b"\r\n")
        size = int(line.split(b";")[0], 16)
        if size == 0:
            return b"".join(out)
        out.append(data[:size])
        data = data[size + 2 :]


# ---------------------------------------------------------------- the servers


def nginx_config(root: Path, *, static_port: int, ws_port: int | None = None) -> str:
    """Two nginx processes share this template: the static upstream and proxy_pass + sub_filter
    (and, given `ws_port`, WebSocket proxying under /ws/)."""
    websocket = (
        f"""
        location /ws/ {{
            proxy_pass http://127.0.0.1:{ws_port};
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
            proxy_buffering off;
        }}"""
        if ws_port
        else ""
    )
    snippet = SNIPPET.format(id=MEASUREMENT_ID).replace("\\", "\\\\").replace("'", "\\'")
    return (
        f"""
daemon off;
master_process off;
worker_processes 1;
pid {root}/nginx-$role.pid;
error_log stderr warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    keepalive_requests 1000000;
    types {{ text/html html; }}
    default_type text/html;
    upstream origin {{ server 127.0.0.1:{static_port}; keepalive 64; }}
    server {{
        listen 127.0.0.1:$port;
        root {root}/www;
        location /proxied/ {{
            proxy_pass http://origin/;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Accept-Encoding "";
            sub_filter '</body>' '{snippet}</body>';
            sub_filter_once on;
        }}{websocket}
    }}
}}
""".strip()
        + "\n"
    )


def write_nginx(root: Path, role: str, port: int, template: str) -> Path:
    path = root / f"nginx-{role}.conf"
    path.write_text(template.replace("$role", role).replace("$port", str(port)))
    return path


def write_project(
    root: Path, *, upstream_port: int, special_port: int, ws_port: int | None = None
) -> Path:
    """A config and view for `edgeviews serve`, the way a user would write them."""
    views = root / "views"
    views.mkdir(exist_ok=True)
    (views / "analytics.html").write_text(SNIPPET.format(id="{{ env.GA_MEASUREMENT_ID }}"))
    rules = """rewrite = [
  { selector = "body", append = "analytics" },
  { selector = 'link[rel="icon"]', attributes = { href = "/favicon.ico" } },
]"""
    config = root / "edgeviews.toml"
    config.write_text(
        f"""views = "views"
out = "build"

[env.bench]
GA_MEASUREMENT_ID = "{MEASUREMENT_ID}"

[[routes]]
match = ["/page.html"]
upstream = "http://127.0.0.1:{upstream_port}"
{rules}

[[routes]]
match = ["/plain/*"]
upstream = "http://127.0.0.1:{upstream_port}"

[[routes]]
match = ["/slow", "/big"]
upstream = "http://127.0.0.1:{special_port}"
{rules}
"""
        + (
            f'\n[[routes]]\nmatch = ["/ws/*"]\nupstream = "http://127.0.0.1:{ws_port}"\n'
            if ws_port
            else ""
        )
    )
    return config


def edgeviews_command() -> list[str]:
    script = Path(sys.executable).with_name("edgeviews")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "edgeviews"]


async def serve_special(port: int) -> None:
    """The upstream for /slow (a page that stalls after its first bytes) and /big (200 MB)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                path = head.split(b" ", 2)[1]
                if path == b"/slow":
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        b"Transfer-Encoding: chunked\r\n\r\n"
                    )
                    first = b"<!doctype html><html><head><title>slow</title></head><body><p>first"
                    writer.write(b"%x\r\n%s\r\n" % (len(first), first))
                    await writer.drain()
                    await asyncio.sleep(SLOW_PAUSE)
                    rest = b" and the rest</p></body></html>"
                    writer.write(b"%x\r\n%s\r\n0\r\n\r\n" % (len(rest), rest))
                elif path == b"/big":
                    line = b"<p>" + b"lorem ipsum dolor sit amet " * 36 + b"</p>\n"
                    block = line * (256 * 1024 // len(line))
                    opening, closing = b"<!doctype html><html><body>\n", b"</body></html>\n"
                    count = (BIG_PAGE_BYTES - len(opening) - len(closing)) // len(block)
                    size = len(opening) + count * len(block) + len(closing)
                    writer.write(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        b"Content-Length: %d\r\n\r\n%s" % (size, opening)
                    )
                    for _ in range(count):
                        writer.write(block)
                        await writer.drain()
                    writer.write(closing)
                else:
                    writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", port)
    async with server:
        await server.serve_forever()


def raw_proxy_app(upstream_port: int) -> object:
    """The floor: a bare ASGI callable over UpstreamTransport, splicing the snippet naively."""
    import httpx2

    from edgeviews.proxy.transport import UpstreamTransport

    transport = UpstreamTransport()
    snippet = SNIPPET.format(id=MEASUREMENT_ID).encode() + b"</body>"
    origin = f"http://127.0.0.1:{upstream_port}"
    timeouts: dict[str, float | None] = {"connect": 5, "read": 30, "write": 30, "pool": 5}

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        if scope["type"] != "http":
            return
        path = scope["raw_path"]
        assert isinstance(path, bytes)
        url = httpx2.URL(origin + path.decode())
        # The transport's own lean call (what the proxy uses), without httpx2's Request/Response.
        response = await transport.send("GET", url, [(b"Host", b"origin")], b"", timeouts=timeouts)
        try:
            body = b""
            async for chunk in response.stream:
                body += chunk
        finally:
            await response.aclose()
        body = body.replace(b"</body>", snippet, 1)
        headers = [
            (k, v)
            for k, v in response.headers
            if k.lower() not in (b"content-length", b"connection")
        ]
        headers.append((b"content-length", str(len(body)).encode()))
        await send(
            {"type": "http.response.start", "status": response.status_code, "headers": headers}
        )  # type: ignore[operator]
        await send({"type": "http.response.body", "body": body})  # type: ignore[operator]

    return app


# ---------------------------------------------------------------- the measurements


WRK_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(
    url: str, connections: int, duration: float, core: int | None, pid: int | None = None
) -> LoadResult:
    """One wrk cell: a short warm-up, then `duration` seconds measured; with `pid`, also that
    server's CPU per request over the measured seconds (steadier than requests/s where other
    work shares the machine: time the server waits for a core is not in it)."""
    subprocess.run(
        pinned(core, ["wrk", "-t1", "-c", str(connections), "-d1s", url]),
        capture_output=True,
        check=True,
    )
    cpu_before = process_cpu_seconds(pid) if pid is not None else 0.0
    output = subprocess.run(
        pinned(core, ["wrk", "-t1", "-c", str(connections), f"-d{duration:g}s", "--latency", url]),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    cpu = process_cpu_seconds(pid) - cpu_before if pid is not None else None
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    count = re.search(r"(\d+) requests in", output)
    latencies = {p: float(v) * UNIT_MS[u] for p, v, u in WRK_LATENCY.findall(output)}
    errors = sum(
        int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|errors: \w+):?\s*(\d+)", output)
    )
    if rate is None or count is None or "50" not in latencies:
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    requests = int(count.group(1))
    cpu_us = cpu / requests * 1e6 if cpu is not None and requests else None
    return LoadResult(float(rate.group(1)), latencies["50"], latencies["99"], errors, cpu_us)


def first_body_byte(port: int, path: str) -> float:
    """Seconds from sending a GET to receiving the first byte of the response body."""
    with socket.create_connection(("127.0.0.1", port), 5) as sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        started = time.perf_counter()
        sock.sendall(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode()
        )
        data = b""
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                raise RuntimeError(f"{path} on port {port} closed before a body byte")
            data += chunk
            head_end = data.find(b"\r\n\r\n")
            if head_end >= 0:
                body = data[head_end + 4 :]
                if b"transfer-encoding: chunked" in data[:head_end].lower():
                    # the first chunk-size line alone is not content
                    line_end = body.find(b"\r\n")
                    if line_end >= 0 and len(body) > line_end + 2:
                        return time.perf_counter() - started
                elif body:
                    return time.perf_counter() - started


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and its descendants, from /proc."""
    total = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                children = (task / "children").read_text().split()
                stack.extend(int(child) for child in children)
    return total


def stream_big_page(port: int, pid: int) -> tuple[int, int, int, float, bool]:
    """Download /big through the proxy while sampling its RSS.

    Returns (bytes received, RSS before in KiB, peak growth in KiB, seconds, snippet seen).
    """
    baseline = tree_rss_kib(pid)
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kib(pid))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    received = 0
    tail = b""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), 30) as sock:
            sock.sendall(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            buffer = bytearray(1 << 20)
            while count := sock.recv_into(buffer):
                received += count
                tail = (tail + buffer[:count])[-8192:]
    finally:
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    return received, baseline, peak - baseline, seconds, MEASUREMENT_ID.encode() in tail


async def serve_websocket_echo(port: int) -> None:
    """The WebSocket upstream: echoes every message (no compression, no size limit)."""
    from websockets.asyncio.server import ServerConnection, serve

    async def echo(connection: ServerConnection) -> None:
        async for message in connection:
            await connection.send(message)

    async with serve(echo, "127.0.0.1", port, compression=None, max_size=None) as server:
        await server.serve_forever()


async def websocket_echoes(
    url: str, connections: int, seconds: float, size: int
) -> tuple[LoadResult, int]:
    """Round-trips of `size`-byte messages on `connections` sockets for `seconds`: the result,
    and how many messages were relayed (each round-trip is two)."""
    from websockets.asyncio.client import connect

    payload = b"x" * size
    latencies: list[float] = []
    errors = 0

    async def one(stop: float) -> None:
        nonlocal errors
        try:
            async with connect(url, compression=None, max_size=None) as socket_:
                while time.perf_counter() < stop:
                    sent = time.perf_counter()
                    await socket_.send(payload)
                    await socket_.recv()
                    latencies.append(time.perf_counter() - sent)
        except Exception:  # a refused or closed session counts as an error, not a crash
            errors += 1

    await asyncio.gather(*(one(time.perf_counter() + 0.5) for _ in range(connections)))  # warm-up
    latencies.clear()
    await asyncio.gather(*(one(time.perf_counter() + seconds) for _ in range(connections)))
    latencies.sort()
    if not latencies:
        return LoadResult(0.0, 0.0, 0.0, errors + 1), 0
    result = LoadResult(
        len(latencies) / seconds,
        latencies[len(latencies) // 2] * 1000,
        latencies[int(len(latencies) * 0.99)] * 1000,
        errors,
    )
    return result, 2 * len(latencies)


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure_websockets(
    targets: list[tuple[str, int]], ours_pid: int | None, seconds: float
) -> list[str]:
    """The WebSocket table's lines: each cell for each target, ours with its CPU per message."""
    lines = [
        f"{'server':34}  {'cell':>14}  {'round-trips/s':>13}  {'p50 ms':>7}  {'p99 ms':>7}  "
        f"{'vs nginx':>8}  CPU/message"
    ]
    for connections, size in ((1, 100), (32, 100), (1, 60_000)):
        rates: dict[str, float] = {}
        for name, port in targets:
            url = f"ws://127.0.0.1:{port}/ws/echo"
            before = process_cpu_seconds(ours_pid) if ours_pid and name == OURS_WS else 0.0
            result, messages = asyncio.run(websocket_echoes(url, connections, seconds, size))
            cpu = ""
            if ours_pid and name == OURS_WS and messages:
                used = process_cpu_seconds(ours_pid) - before
                cpu = f"{used / messages * 1e6:.0f} us"
            rates[name] = result.requests_per_second
            anchor = rates.get(NGINX_WS)
            ratio = f"{result.requests_per_second / anchor:.2f}x" if anchor else ""
            errors = f" ({result.errors} errors)" if result.errors else ""
            lines.append(
                f"{name:34}  {f'c={connections} {size:,} B':>14}  "
                f"{result.requests_per_second:13,.0f}  {result.p50_ms:7.2f}  {result.p99_ms:7.2f}  "
                f"{ratio:>8}  {cpu}{errors}"
            )
    return lines


# ---------------------------------------------------------------- the run


def machine() -> str:
    """CPU model (with family/model numbers: VMs often say only "AMD EPYC"), cores, versions."""
    fields: dict[str, str] = {}
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            fields.setdefault(key.strip(), value.strip())
    model = fields.get("model name", "unknown CPU")
    if "cpu family" in fields:
        model += f" (family {fields['cpu family']}, model {fields.get('model', '?')})"
    nginx = "absent"
    if NGINX.exists():
        nginx = subprocess.run([str(NGINX), "-v"], capture_output=True, text=True).stderr.strip()
    return (
        f"{model}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, {nginx}"
    )


def page_source() -> bytes:
    """A ~60 KB real page from the shared corpus, or a synthetic one where it is absent."""
    corpus = os.environ.get("EDGEVIEWS_CORPUS") or str(REPO.parent / "shared" / "corpus")
    page = Path(corpus) / "pages" / "html5lib-microbench" / "wiki145.html"
    if page.exists():
        return page.read_bytes()
    paragraph = (
        b"<p>" + b"A paragraph of the landing page, with <a href='/x'>a link</a>. " * 8 + b"</p>\n"
    )
    body = paragraph * (60_000 // len(paragraph))
    return (
        b'<!doctype html><html><head><meta charset="utf-8"><title>Landing</title>'
        b'<link rel="icon" href="https://cdn.example/icon.png"></head><body>\n'
        + body
        + b"</body></html>\n"
    )


def format_table(
    rows: list[tuple[str, dict[int, LoadResult]]], connections: Sequence[int], anchor: str | None
) -> str:
    header = ["server"]
    for c in connections:
        header += [f"req/s c={c}", f"p50 ms c={c}", f"p99 ms c={c}"]
        if anchor:
            header.append(f"vs nginx c={c}")
        header.append(f"CPU us/req c={c}")
    lines = [header]
    anchor_cells = dict(rows).get(anchor) if anchor else None
    for name, cells in rows:
        line = [name]
        for c in connections:
            cell = cells[c]
            line += [f"{cell.requests_per_second:,.0f}", f"{cell.p50_ms:.2f}", f"{cell.p99_ms:.2f}"]
            if anchor_cells is not None:
                line.append(
                    f"{cell.requests_per_second / anchor_cells[c].requests_per_second:.2f}x"
                )
            line.append("" if cell.cpu_us is None else f"{cell.cpu_us:,.0f}")
            if cell.errors:
                line[-1] += f" ({cell.errors} errors)"
        lines.append(line)
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    return "\n".join(
        "  ".join(
            value.ljust(widths[i]) if i == 0 else value.rjust(widths[i])
            for i, value in enumerate(line)
        )
        for line in lines
    )


@dataclass
class Target:
    name: str
    port: int
    path: str
    command: list[str]  # empty: already running (the upstream)
    pid: int | None = None
    skipped: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"


UPSTREAM = "upstream direct (nginx static)"
NGINX_PROXY = "nginx proxy_pass + sub_filter"
FLOOR = "raw ASGI + UpstreamTransport, naive splice"
OURS = "edgeviews serve (full rewriter)"
OURS_PLAIN = "edgeviews serve, route without rewrite rules"
DIRECT_WS = "websockets echo, direct"
NGINX_WS = "nginx proxy_pass (Upgrade)"
OURS_WS = "edgeviews serve (WebSocket relay)"


def start_targets(
    stack: contextlib.ExitStack, root: Path, core: int | None, ws_port: int | None = None
) -> tuple[list[Target], int, int]:
    """Start the upstreams and every proxy (idle servers cost nothing); return them and ports.
    Given `ws_port`, a WebSocket echo upstream listens there and both proxies route /ws/ to it."""
    static_port, nginx_port, special_port, raw_port, our_port = (free_port() for _ in range(5))
    upstream_core = 0 if core else None
    template = nginx_config(root, static_port=static_port, ws_port=ws_port)
    if ws_port is not None:
        stack.enter_context(
            running(
                pinned(upstream_core, [sys.executable, __file__, "--serve-ws-echo", str(ws_port)]),
                ws_port,
                root / "ws-echo.log",
            )
        )
    nginx = [str(NGINX), "-e", "stderr", "-p", str(root), "-c"]
    stack.enter_context(
        running(
            pinned(
                upstream_core, [*nginx, str(write_nginx(root, "static", static_port, template))]
            ),
            static_port,
            root / "nginx-static.log",
        )
    )
    stack.enter_context(
        running(
            pinned(upstream_core, [sys.executable, __file__, "--serve-special", str(special_port)]),
            special_port,
            root / "special.log",
        )
    )
    config = write_project(
        root, upstream_port=static_port, special_port=special_port, ws_port=ws_port
    )
    build = subprocess.run(
        [*edgeviews_command(), "build", "--config", str(config), "--env", "bench"],
        cwd=root,
        env=child_environment(),
        capture_output=True,
        text=True,
    )
    targets = [
        Target(UPSTREAM, static_port, "/page.html", []),
        Target(
            NGINX_PROXY,
            nginx_port,
            "/proxied/page.html",
            pinned(core, [*nginx, str(write_nginx(root, "proxy", nginx_port, template))]),
        ),
        Target(
            FLOOR,
            raw_port,
            "/page.html",
            pinned(
                core,
                [sys.executable, __file__, "--serve-raw-proxy", str(raw_port), str(static_port)],
            ),
        ),
        Target(
            OURS,
            our_port,
            "/page.html",
            pinned(
                core,
                [
                    *edgeviews_command(),
                    "serve",
                    "--config",
                    str(config),
                    "--env",
                    "bench",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(our_port),
                ],
            ),
        ),
    ]
    if build.returncode != 0:
        failure = (build.stderr or build.stdout).strip()[-400:]
        targets[-1].skipped = f"`edgeviews build` failed: {failure}"
    # The same process on a route without rewrite rules: the proxy's cost without the rewriter.
    targets.append(Target(OURS_PLAIN, our_port, "/plain/page.html", []))
    plain = targets[-1]
    for target in targets:
        if not target.command or target.skipped:
            continue
        try:
            process = stack.enter_context(
                running(target.command, target.port, root / f"{target.port}.log", cwd=root)
            )
        except RuntimeError as error:
            target.skipped = f"could not start: {str(error)[-800:]}"
            continue
        target.pid = process.pid
        status, body = http_get(target.port, target.path)
        if status != 200 or MEASUREMENT_ID.encode() not in body:
            target.skipped = (
                f"answered {status}, snippet injected: {MEASUREMENT_ID.encode() in body}"
            )
    plain.pid = next(t.pid for t in targets if t.name == OURS)  # the same process
    return targets, special_port, our_port


def measure_load(
    targets: list[Target],
    connections: Sequence[int],
    duration: float,
    rounds: int,
    wrk_core: int | None,
) -> list[tuple[str, dict[int, LoadResult]]]:
    """Round-robin over targets so that load from elsewhere hits them alike; keep each cell's best."""
    best: dict[str, dict[int, LoadResult]] = {}
    live = [t for t in targets if not t.skipped]
    for _ in range(rounds):
        for target in live:
            for c in connections:
                result = wrk(target.url, c, duration, wrk_core, target.pid)
                cells = best.setdefault(target.name, {})
                if c not in cells or result.requests_per_second > cells[c].requests_per_second:
                    cells[c] = result
    return [(t.name, best[t.name]) for t in live]


def measure_first_byte(direct_port: int, proxy_port: int, samples: int = 7) -> tuple[float, float]:
    """Median time to first body byte, direct and through the proxy, taken in alternation."""
    direct, proxied = [], []
    for _ in range(samples):
        direct.append(first_body_byte(direct_port, "/slow"))
        proxied.append(first_body_byte(proxy_port, "/slow"))
    return statistics.median(direct), statistics.median(proxied)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=float, default=2.0, help="seconds measured per wrk cell")
    parser.add_argument("--rounds", type=int, default=2, help="rounds over all servers (best kept)")
    parser.add_argument(
        "--connections", default="1,32", help="comma-separated wrk connection counts"
    )
    parser.add_argument("--skip-memory", action="store_true", help="skip the 200 MB page")
    parser.add_argument(
        "--wrk-unpinned",
        action="store_true",
        help="let wrk run on any core (default: core 0, beside the upstreams, so the proxy's "
        "core is its own)",
    )
    parser.add_argument(
        "--websocket",
        action="store_true",
        help="also measure WebSocket echo round-trips (direct, nginx, edgeviews serve)",
    )
    parser.add_argument("--ws-duration", type=float, default=3.0, help="seconds per WebSocket cell")
    parser.add_argument("--serve-special", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--serve-ws-echo", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--serve-raw-proxy", nargs=2, type=int, metavar=("PORT", "UPSTREAM"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    if args.serve_special:
        asyncio.run(serve_special(args.serve_special))
        return 0
    if args.serve_ws_echo:
        asyncio.run(serve_websocket_echo(args.serve_ws_echo))
        return 0
    if args.serve_raw_proxy:
        import uvicorn

        port, upstream_port = args.serve_raw_proxy
        uvicorn.run(
            raw_proxy_app(upstream_port),  # type: ignore[arg-type]
            host="127.0.0.1",
            port=port,
            log_level="warning",
            access_log=False,
            server_header=False,
            date_header=False,
        )
        return 0

    if shutil.which("wrk") is None:
        print("wrk is not installed (Debian: apt-get install wrk); it generates the load.")
        return 1
    if not NGINX.exists():
        print(
            f"nginx is not installed at {NGINX} (Debian: apt-get install nginx-light); it is the anchor."
        )
        return 1
    # Servers run in their own sessions; make SIGTERM unwind like Ctrl-C so they are stopped.
    signal.signal(signal.SIGTERM, lambda _signal, _frame: sys.exit(143))
    connections = [int(c) for c in args.connections.split(",")]
    cores = os.cpu_count() or 1
    core = cores - 1 if cores > 1 else None
    print(f"machine: {machine()}")
    from edgeviews.rewriter.scanner import speedups_state

    print(f"edgeviews rewriter: {speedups_state()}")
    print(f"load average at start: {' '.join(Path('/proc/loadavg').read_text().split()[:3])}")
    wrk_where = "unpinned" if args.wrk_unpinned or core is None else "on core 0"
    print(f"pinning: upstreams on core 0, each proxy on core {core}; wrk {wrk_where}, 1 thread")

    with tempfile.TemporaryDirectory(prefix="edgeviews-bench-") as tmp:
        root = Path(tmp)
        (root / "www").mkdir()
        for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (root / "tmp" / name).mkdir(parents=True)
        page = page_source()
        (root / "www" / "page.html").write_bytes(page)
        (root / "www" / "plain").mkdir()
        (root / "www" / "plain" / "page.html").write_bytes(page)
        print(
            f"page: {len(page):,} bytes, snippet {len(SNIPPET.format(id=MEASUREMENT_ID))} bytes before </body>"
        )
        print(f"wrk: {args.rounds} rounds x {args.duration:g} s per cell, best round kept")
        notes: list[str] = []
        websocket_lines: list[str] = []
        with contextlib.ExitStack() as stack:
            ws_port = free_port() if args.websocket else None
            targets, special_port, our_port = start_targets(stack, root, core, ws_port)
            notes += [f"{t.name}: not measured, {t.skipped}" for t in targets if t.skipped]
            wrk_core = None if args.wrk_unpinned or core is None else 0
            rows = measure_load(targets, connections, args.duration, args.rounds, wrk_core)
            ours = next(t for t in targets if t.name == OURS)
            if not ours.skipped:
                direct, proxied = measure_first_byte(special_port, our_port)
                notes.append(
                    f"first body byte behind a slow upstream (median of 7): direct {direct * 1000:.2f} ms, "
                    f"through edgeviews {proxied * 1000:.2f} ms, added {(proxied - direct) * 1000:.2f} ms "
                    f"(target < 10 ms; the upstream pauses {SLOW_PAUSE} s after its first bytes)"
                )
                if not args.skip_memory and ours.pid is not None:
                    received, baseline, growth, seconds, injected = stream_big_page(
                        our_port, ours.pid
                    )
                    notes.append(
                        f"200 MB page through edgeviews: {received / 1e6:,.1f} MB in {seconds:.1f} s "
                        f"({received / 1e6 / seconds:,.0f} MB/s), peak RSS growth {growth / 1024:.1f} MiB "
                        f"over {baseline / 1024:.1f} MiB (target < 20 MiB); snippet at the end: "
                        f"{'yes' if injected else 'NO'}"
                    )
            if ws_port is not None and not ours.skipped:
                if core is not None:
                    os.sched_setaffinity(0, {0})  # the client beside the upstreams, as wrk
                nginx_port = next(t.port for t in targets if t.name == NGINX_PROXY)
                websocket_lines = measure_websockets(
                    [(DIRECT_WS, ws_port), (NGINX_WS, nginx_port), (OURS_WS, our_port)],
                    ours.pid,
                    args.ws_duration,
                )

    cells = dict(rows)
    anchor = NGINX_PROXY if NGINX_PROXY in cells else None
    print()
    print(format_table(rows, connections, anchor))
    if OURS in cells and UPSTREAM in cells and 1 in connections:
        added = cells[OURS][1].p50_ms - cells[UPSTREAM][1].p50_ms
        notes.insert(0, f"p50 added latency at 1 connection: {added:.2f} ms (target < 1 ms)")
    if OURS in cells and anchor:
        worst = min(
            cells[OURS][c].requests_per_second / cells[anchor][c].requests_per_second
            for c in connections
        )
        notes.insert(
            0, f"edgeviews vs nginx requests/s, worst cell: {worst:.3f}x (target >= 0.30x)"
        )
        for index, c in enumerate(connections, start=1):
            ours_cpu, nginx_cpu = cells[OURS][c].cpu_us, cells[anchor][c].cpu_us
            if ours_cpu and nginx_cpu:
                notes.insert(
                    index,
                    f"CPU per request at c={c} (the kept round): nginx {nginx_cpu:,.0f} us, "
                    f"edgeviews {ours_cpu:,.0f} us, {nginx_cpu / ours_cpu:.2f}x "
                    "(steadier than requests/s on a shared machine; the target is in requests/s)",
                )
    print()
    for note in notes:
        print(f"- {note}")
    if websocket_lines:
        print()
        print("WebSocket echo (one Python client process; vs nginx proxy_pass with Upgrade):")
        print("\n".join(websocket_lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
