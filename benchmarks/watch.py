"""Save a view, see it served: latency of the real `edgeviews dev` with 200 views.

A temporary project holds 200 views (some including a shared partial); its route appends
four of them to a small upstream page. With `edgeviews dev` running, each of N saves writes
one of those four views with a new marker, and the clock runs until a request through the
proxy (one keep-alive connection, polled every 5 ms) returns the marker. The time
includes watchfiles noticing the save, the incremental build, the proxy's reload and the
request. Target: median under 150 ms.

Anchors measured in the same run, so the figures can be compared across machines:
- watchfiles alone, with the same step and debounce, noticing a write in this process;
- one request through the proxy with nothing changed.

    .venv/bin/python benchmarks/watch.py [--saves 20] [--views 200]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2
import watchfiles

from edgeviews.watch import DEBOUNCE_MS, STEP_MS

UPSTREAM = r"""
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"<!doctype html><html><head><title>Bench</title></head><body><h1>Bench</h1></body></html>"

class Page(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(PAGE)))
        self.end_headers()
        self.wfile.write(PAGE)

    def log_message(self, *args):
        pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

USED = 4  # views the route injects; saves rotate among them
# Poll the proxy every 5 ms: as quick as a person could notice, without the polling itself
# (same process as the build) slowing the build it waits for.
POLL_SECONDS = 0.005


def make_project(root: Path, views: int, upstream_port: int) -> None:
    folder = root / "views"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "footer.html").write_text("<small>{{ env.SITE }}</small>")
    for index in range(views):
        body = f"<div class=v{index}>{{{{ env.SITE }}}} view {index}</div>\n"
        if index % 10 == 0:
            body += '{% include "partials/footer.html" %}\n'
        (folder / f"view_{index:03d}.html").write_text(body)
    rules = ", ".join(
        f'{{ selector = "body", append = "view_{index:03d}" }}' for index in range(USED)
    )
    (root / "edgeviews.toml").write_text(
        f"""\
views = "views"
out = "build"
default_env = "bench"

[env.bench]
SITE = "bench"

[[routes]]
match = ["/"]
upstream = "http://127.0.0.1:{upstream_port}"
rewrite = [{rules}]
"""
    )


class Output:
    """Collects a process's output lines in a thread; `wait_for` a pattern with a deadline."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str, timeout: float) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in list(self.lines):
                found = re.search(pattern, line)
                if found:
                    return found
            if self.process.poll() is not None:
                break
            time.sleep(0.01)
        raise SystemExit(f"no {pattern!r} from the process; output:\n" + "\n".join(self.lines))


def watchfiles_anchor(folder: Path, saves: int) -> list[float]:
    """Write-to-noticed latency of watchfiles alone, with dev's step and debounce."""
    target = folder / "anchor.html"
    target.write_text("0")
    timings: list[float] = []
    stop = threading.Event()
    noticed = threading.Event()

    def watching() -> None:
        for _ in watchfiles.watch(
            folder, debounce=DEBOUNCE_MS, step=STEP_MS, stop_event=stop, rust_timeout=200
        ):
            noticed.set()

    thread = threading.Thread(target=watching, daemon=True)
    thread.start()
    time.sleep(0.3)
    for index in range(saves):
        noticed.clear()
        started = time.perf_counter()
        target.write_text(str(index))
        if not noticed.wait(5):
            raise SystemExit("watchfiles did not notice a write within 5 s")
        timings.append(time.perf_counter() - started)
        time.sleep(0.05)
    stop.set()
    thread.join(5)
    target.unlink()
    return timings


def measure(saves: int, views: int) -> None:
    with tempfile.TemporaryDirectory(prefix="edgeviews-watch-bench-") as directory:
        root = Path(directory)
        upstream = subprocess.Popen(
            [sys.executable, "-c", UPSTREAM], stdout=subprocess.PIPE, text=True
        )
        dev: subprocess.Popen[str] | None = None
        try:
            assert upstream.stdout is not None
            make_project(root, views, int(upstream.stdout.readline()))
            watch_anchor = watchfiles_anchor(root / "views" / "partials", saves)

            dev = subprocess.Popen(
                [sys.executable, "-m", "edgeviews", "dev", "--host", "127.0.0.1", "--port", "0"],
                cwd=root,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"},
            )
            output = Output(dev)
            started = time.perf_counter()
            url = output.wait_for(r"serving on (http://\S+)", timeout=120).group(1)
            startup = time.perf_counter() - started
            output.wait_for(r"^watching ", timeout=30)

            with httpx2.Client(base_url=url, timeout=10) as client:
                client.get("/").raise_for_status()
                request_anchor = []
                for _ in range(saves):
                    started = time.perf_counter()
                    client.get("/")
                    request_anchor.append(time.perf_counter() - started)

                latencies = []
                for index in range(saves):
                    used = index % USED
                    marker = f"save-{index}-{time.time_ns()}"
                    view = root / "views" / f"view_{used:03d}.html"
                    started = time.perf_counter()
                    view.write_text(f"<div class=v{used}>{marker}</div>\n")
                    deadline = started + 10
                    while marker not in client.get("/").text:
                        if time.perf_counter() > deadline:
                            raise SystemExit(
                                f"save {index} not served within 10 s:\n" + "\n".join(output.lines)
                            )
                        time.sleep(POLL_SECONDS)
                    latencies.append(time.perf_counter() - started)
                    time.sleep(0.1)  # let the watcher settle: each save is measured alone
            builds = _reported(output.lines, r"built: view_\d+ \(1 view\) in (\d+) ms")
            reloads = _reported(output.lines, r"live: .* \(reload (\d+) ms\)")
        finally:
            for process in (dev, upstream):
                if process is not None and process.poll() is None:
                    process.terminate()
                    try:
                        process.wait(10)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()

    report(saves, views, startup, latencies, builds, reloads, watch_anchor, request_anchor)


def _reported(lines: list[str], pattern: str) -> list[float]:
    """Milliseconds that `edgeviews dev` printed, as seconds."""
    return [float(found.group(1)) / 1000 for line in lines if (found := re.search(pattern, line))]


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def report(
    saves: int,
    views: int,
    startup: float,
    latencies: list[float],
    builds: list[float],
    reloads: list[float],
    watch_anchor: list[float],
    request_anchor: list[float],
) -> None:
    def row(name: str, values: list[float], scale: float = 1000) -> str:
        if not values:
            return f"| {name} | - | - | - | - |"
        cells = [statistics.median(values), percentile(values, 0.9), min(values), max(values)]
        return f"| {name} | " + " | ".join(f"{value * scale:.1f}" for value in cells) + " |"

    median = statistics.median(latencies)
    anchor = statistics.median(watch_anchor)
    print(
        f"edgeviews dev, {views} views, {saves} saves (step {STEP_MS} ms, debounce {DEBOUNCE_MS} ms)"
    )
    print(f"startup (first build of {views} views + proxy): {startup * 1000:.0f} ms")
    print()
    print("| ms | median | p90 | min | max |")
    print("|---|---|---|---|---|")
    print(row("save → new snippet served", latencies))
    print(row("  of which the build (as dev reports it)", builds))
    print(row("  of which the proxy's reload (as dev reports it)", reloads))
    print(row("anchor: watchfiles alone notices a write", watch_anchor))
    print(row("anchor: one request through the proxy", request_anchor))
    print()
    verdict = "met" if median < 0.150 else "NOT met"
    print(
        f"median save → served: {median * 1000:.1f} ms (target < 150 ms: {verdict}); "
        f"{median / anchor:.1f}x watchfiles' own notice latency"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--saves", type=int, default=20)
    parser.add_argument("--views", type=int, default=200)
    args = parser.parse_args()
    measure(args.saves, args.views)


if __name__ == "__main__":
    main()
