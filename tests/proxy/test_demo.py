"""`edgeviews demo` end to end: built-in landing site, example views built, proxy in front."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import httpx2
from selectolax.lexbor import LexborHTMLParser

REPO = Path(__file__).resolve().parents[2]


def test_demo_serves_the_landing_site_with_the_example_views(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "edgeviews.proxy.demo", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    lines: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "open http://" in line:
                found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert found.wait(30), "".join(lines)
        url = re.search(r"open (http://\S+)", "".join(lines)).group(1)  # type: ignore[union-attr]
        with httpx2.Client(base_url=url, timeout=5) as client:
            page = client.get("/about")
            assert page.status_code == 200
            tree = LexborHTMLParser(page.text)
            assert tree.css_first('link[rel="icon"]').attributes["href"] == "/favicon.svg"
            assert "gtag('config', 'G-DEMO0000')" in page.text
            assert tree.css_first("#ev-consent") is not None
            assert client.get("/favicon.svg").headers["content-type"] == "image/svg+xml"
            help_page = client.get("/help/getting-started").text
            # The help pages have no </body>: the snippet lands at the end of the document.
            assert (
                help_page.rstrip().endswith("</script>")
                and "widget.intercom.io/widget/demo1234" in help_page
            )
            assert client.get("/", headers={"Cookie": "session=1"}).status_code == 404
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        reader.join(2)
