"""Throughput of the streaming rewriter on real pages, against lol-html in the same run.

Every page in ../shared/corpus/pages is cut into 16 KiB chunks; each engine does the proxy's
job on every page (pages in a rotating order per round, outputs joined) and the table shows
MB/s of input, median of N rounds, and each figure as a ratio of lol-html's in this run:

  (a) insert a snippet before the body's end tag, else at the end of the document;
  (b) the same plus a `link[rel~=icon]` rule that sets href.

Engines: edgeviews.rewriter.Rewriter; lol-html through python-lolhtml (`body` append plus a
document-end fallback when no <body> element was seen); selectolax (lexbor) parse + insert +
serialize; and a naive bytes.replace / regex pass. Before timing, every engine's output is
checked: pages where the snippet is not there exactly once, pages not byte-exact once the
snippet is cut out, and icon links rewritten are counted, so no engine wins by doing less.
Targets for our rewriter (issue 4): >= 0.5x lol-html on both jobs, >= 2x selectolax.

    .venv/bin/python benchmarks/rewrite.py [--rounds 5] [--corpus PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import time
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

SNIPPET = b'<script id="edgeviews-bench-snippet">/* analytics */</script>'
ICON_HREF = "/edgeviews-bench-favicon.ico"
CHUNK = 16 * 1024
Engine = Callable[[list[bytes]], bytes]


def load_pages(corpus: Path) -> list[tuple[str, bytes]]:
    rows = json.loads((corpus / "manifest.json").read_text())
    return [(row["file"], (corpus / row["file"]).read_bytes()) for row in rows]


def chunked(data: bytes) -> list[bytes]:
    return [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)]


def looks_utf16(data: bytes) -> bool:
    return data[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")


# -- engines -------------------------------------------------------------------------------


def edgeviews_engine(with_icon_rule: bool) -> Engine:
    from edgeviews.rewriter import Rewriter

    rewriter = Rewriter().on("body", end_tag=lambda end: end.before(SNIPPET, html=True))
    if with_icon_rule:
        rewriter.on("link[rel~=icon]", element=lambda el: el.set_attribute("href", ICON_HREF))

    def run(chunks: list[bytes]) -> bytes:
        return b"".join(rewriter.transform(chunks))

    return run


def lolhtml_engine(with_icon_rule: bool) -> Engine:
    import lolhtml

    snippet = SNIPPET.decode()

    def run(chunks: list[bytes]) -> bytes:
        out: list[Any] = []  # the sink receives bytes
        seen_body = False

        class Body:
            def element(self, el: Any) -> None:
                nonlocal seen_body
                seen_body = True
                el.append(snippet, lolhtml.ContentType.HTML)

        class Icon:
            def element(self, el: Any) -> None:
                el.set_attribute("href", ICON_HREF)

        class Document:
            def end(self, end: Any) -> None:
                if not seen_body:
                    end.append(snippet, lolhtml.ContentType.HTML)

        rewriter = lolhtml.HTMLRewriter(out.append)
        rewriter.on("body", Body())
        if with_icon_rule:
            rewriter.on("link[rel~=icon]", Icon())
        rewriter.on_document(Document())
        for chunk in chunks:
            rewriter.write(chunk)
        rewriter.end()
        return b"".join(out)

    return run


def selectolax_engine(with_icon_rule: bool) -> Engine:
    from selectolax.lexbor import LexborHTMLParser

    def run(chunks: list[bytes]) -> bytes:
        tree = LexborHTMLParser(b"".join(chunks))
        head = LexborHTMLParser(SNIPPET).head  # a lone <script> parses into <head>
        snippet = head.child if head is not None else None
        target = tree.body or tree.root
        if target is not None and snippet is not None:
            target.insert_child(snippet)
        if with_icon_rule:
            for link in tree.css("link[rel~=icon]"):
                link.attrs["href"] = ICON_HREF
        return (tree.html or "").encode()

    return run


NAIVE_ICON = re.compile(rb"<link\b[^>]*\brel=[\"']?(?:shortcut )?icon[\"' ][^>]*>", re.I)
NAIVE_HREF = re.compile(rb"\bhref=(\"[^\"]*\"|'[^']*'|[^\s>]+)")


def naive_engine(with_icon_rule: bool) -> Engine:
    href = b'href="' + ICON_HREF.encode() + b'"'

    def fix_icon(match: re.Match[bytes]) -> bytes:
        return NAIVE_HREF.sub(lambda _: href, match.group(0), count=1)

    def run(chunks: list[bytes]) -> bytes:
        data = b"".join(chunks)
        if b"</body>" in data:
            data = data.replace(b"</body>", SNIPPET + b"</body>", 1)
        else:
            data += SNIPPET
        if with_icon_rule:
            data = NAIVE_ICON.sub(fix_icon, data)
        return data

    return run


ENGINES: dict[str, Callable[[bool], Engine]] = {
    "edgeviews": edgeviews_engine,
    "lol-html": lolhtml_engine,
    "selectolax": selectolax_engine,
    "bytes.replace": naive_engine,
}


# -- checking and timing -------------------------------------------------------------------


def verify(
    engine: Engine, pages: Iterable[tuple[str, list[bytes], bytes]], with_icon_rule: bool
) -> dict[str, int]:
    """Pages missing the snippet (or holding it twice), pages not byte-exact, icons rewritten.

    Byte-exactness (the page back once the snippet is cut out) is checked on job (a) only;
    in job (b) the icon links are meant to change.
    """
    missing = inexact = icons = 0
    for _name, chunks, data in pages:
        output = engine(chunks)
        icons += output.count(ICON_HREF.encode())
        if looks_utf16(data):
            continue
        if output.count(SNIPPET) != 1:
            missing += 1
            continue
        at = output.index(SNIPPET)
        if not with_icon_rule and output[:at] + output[at + len(SNIPPET) :] != data:
            inexact += 1
    found = {"snippet not once": missing, "icon hrefs set": icons}
    return found if with_icon_rule else found | {"not byte-exact": inexact}


def measure(
    engines: dict[str, Engine], pages: list[tuple[str, list[bytes], bytes]], rounds: int
) -> dict[str, float]:
    """Median MB/s per engine over `rounds` passes through every page.

    Engines take turns within each round (so a load change on a shared machine hits all of
    them alike), each round starts at a different page, and the clock is this process's CPU
    time: every engine runs on this one thread, and other processes' load stays out of it.
    """
    total = sum(len(data) for _, _, data in pages)
    rates: dict[str, list[float]] = {name: [] for name in engines}
    for round_index in range(rounds):
        start = (round_index * len(pages)) // max(rounds, 1)
        order = pages[start:] + pages[:start]
        for name, engine in engines.items():
            began = time.process_time()
            for _name, chunks, _data in order:
                engine(chunks)
            rates[name].append(total / (time.process_time() - began) / 1e6)
    return {name: statistics.median(values) for name, values in rates.items()}


def per_page_ratios(
    ours: Engine, anchor: Engine, pages: list[tuple[str, list[bytes], bytes]]
) -> str:
    """p10/p50/p90 over pages of our speed relative to the anchor's (best of 3 per page)."""
    ratios = []
    for _name, chunks, _data in pages:
        times = []
        for engine in (ours, anchor):
            best = float("inf")
            for _ in range(3):
                began = time.process_time()
                engine(chunks)
                best = min(best, time.process_time() - began)
            times.append(best)
        if times[0] > 0 and times[1] > 0:
            ratios.append(times[1] / times[0])
    ratios.sort()
    if not ratios:
        return "n/a"
    p10, p50, p90 = (ratios[int(q * (len(ratios) - 1))] for q in (0.1, 0.5, 0.9))
    return f"p10 {p10:.2f}x, p50 {p50:.2f}x, p90 {p90:.2f}x"


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for package in ("python-lolhtml", "selectolax"):
        try:
            versions.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package} missing")
    return (
        f"{model}, {os.cpu_count()} cores, {platform.python_implementation()} "
        f"{platform.python_version()}, {', '.join(versions)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--corpus", type=Path, default=None)
    args = parser.parse_args()
    corpus = args.corpus or Path(
        os.environ.get("EDGEVIEWS_CORPUS") or Path(__file__).resolve().parents[2] / "shared/corpus"
    )
    raw = load_pages(corpus)
    pages = [(name, chunked(data), data) for name, data in raw]
    total = sum(len(data) for _, data in raw)
    print(f"machine: {machine()}")
    from edgeviews.rewriter.scanner import speedups_state

    print(f"edgeviews rewriter: {speedups_state()}")
    print(
        f"corpus: {len(pages)} pages, {total / 1e6:.1f} MB, {CHUNK // 1024} KiB chunks, "
        f"median of {args.rounds} rounds"
    )

    jobs = {"(a) body end": False, "(b) + icon rule": True}
    results: dict[str, dict[str, float | None]] = {name: {} for name in ENGINES}
    checks: dict[str, dict[str, dict[str, int]]] = {name: {} for name in ENGINES}
    spread: dict[str, str] = {}
    for job, with_icon in jobs.items():
        engines: dict[str, Engine] = {}
        for name, factory in ENGINES.items():
            try:
                engines[name] = factory(with_icon)
            except ImportError as error:
                print(f"{name}: not available ({error})")
                results[name][job] = None
                continue
            checks[name][job] = verify(engines[name], pages, with_icon)
        for name, rate in measure(engines, pages, args.rounds).items():
            results[name][job] = rate
        if "edgeviews" in engines:
            spread[job] = per_page_ratios(engines["edgeviews"], engines["lol-html"], pages)

    print()
    header = f"{'engine':<15}" + "".join(f"{job + ' MB/s':>24}{'vs lol-html':>13}" for job in jobs)
    print(header)
    print("-" * len(header))
    for name in ENGINES:
        line = f"{name:<15}"
        for job in jobs:
            rate_or_none = results[name].get(job)
            anchor = results["lol-html"].get(job)
            if rate_or_none is None:
                line += f"{'n/a':>24}{'':>13}"
            else:
                ratio = f"{rate_or_none / anchor:.2f}x" if anchor else "n/a"
                line += f"{rate_or_none:>24.1f}{ratio:>13}"
        print(line)

    print()
    print("checks before timing (UTF-16 pages excluded from the snippet counts):")
    for name in ENGINES:
        for job in jobs:
            if job in checks[name]:
                print(f"  {name:<15}{job:<18}{checks[name][job]}")

    ours = results["edgeviews"]
    print()
    for job in jobs:
        ours_rate = ours.get(job)
        anchor = results["lol-html"].get(job)
        tree = results["selectolax"].get(job)
        if ours_rate is None or not anchor or not tree:
            continue
        verdict_lol = "met" if ours_rate / anchor >= 0.5 else "NOT met"
        verdict_tree = "met" if ours_rate / tree >= 2 else "NOT met"
        print(
            f"target {job}: {ours_rate / anchor:.3f}x lol-html (>= 0.5x {verdict_lol}), "
            f"{ours_rate / tree:.3f}x selectolax (>= 2x {verdict_tree}); "
            f"per page vs lol-html: {spread.get(job, 'n/a')}"
        )


if __name__ == "__main__":
    main()
