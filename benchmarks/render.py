"""Render benchmark: compiled module vs jinja2.Template.render vs a hand-written f-string.

Prints one table: (a) the Google Analytics snippet (two variables, autoescape on),
(b) a 100-item loop with an if, a filter and loop.cycle, and cold start (a fresh
interpreter importing and rendering once) against import jinja2 + Environment + render.
Run: .venv/bin/python benchmarks/render.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import timeit
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import jinja2

from edgeviews.compiler import compile_source

GA = """<script async src="https://www.googletagmanager.com/gtag/js?id={{ measurement_id }}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){dataLayer.push(arguments);}
  gtag('js', new Date());
  gtag('config', '{{ measurement_id }}', {'debug_mode': {{ debug }}});
</script>
"""
GA_CONTEXT = {"measurement_id": "G-ABC123XYZ", "debug": "false"}

LOOP = """<ul>
{%- for item in items %}{% if item.visible %}
  <li class="{{ loop.cycle('odd', 'even') }}">{{ item.name|upper }}</li>
{%- endif %}{% endfor %}
</ul>"""
LOOP_CONTEXT = {"items": [{"name": f"item <{i}>", "visible": i % 3 != 0} for i in range(100)]}


def escape(s: str) -> str:
    return (
        s.replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def ga_by_hand(measurement_id: str, debug: str) -> str:
    m = escape(measurement_id)
    return f"""<script async src="https://www.googletagmanager.com/gtag/js?id={m}"></script>
<script>
  window.dataLayer = window.dataLayer || [];
  function gtag(){{dataLayer.push(arguments);}}
  gtag('js', new Date());
  gtag('config', '{m}', {{'debug_mode': {escape(debug)}}});
</script>"""


def loop_by_hand(items: list[dict[str, Any]]) -> str:
    parts = ["<ul>"]
    classes = ("odd", "even")
    for index, item in enumerate(items):
        if item["visible"]:
            parts.append(
                f'\n  <li class="{classes[index % 2]}">{escape(item["name"].upper())}</li>'
            )
    parts.append("\n</ul>")
    return "".join(parts)


def load(source: str, **options: Any) -> ModuleType:
    module = ModuleType("bench_compiled")
    exec(compile(compile_source(source, **options), "<bench>", "exec"), module.__dict__)
    return module


def best_us(funcs: list[tuple[Callable[[], object], int]], rounds: int = 9) -> list[float]:
    """Best per-call time of each function in microseconds, measured in interleaved rounds.

    The machine is shared: interleaving keeps a burst of load from favouring one column.
    """
    best = [float("inf")] * len(funcs)
    for _ in range(rounds):
        for i, (func, number) in enumerate(funcs):
            best[i] = min(best[i], timeit.timeit(func, number=number) / number * 1e6)
    return best


def cold_start_ms(code: str, python: list[str], runs: int = 7) -> float:
    """Best of several fresh interpreters (the machine is shared: the minimum is the signal)."""
    times = []
    for _ in range(runs):
        out = subprocess.run(
            [*python, "-c", code], capture_output=True, text=True, check=True, timeout=60
        )
        times.append(float(out.stdout.strip()))
    return min(times) * 1000


def main() -> None:
    env = jinja2.Environment(autoescape=True)
    rows: list[tuple[str, float, float, float]] = []

    ga_module = load(GA, autoescape=True)
    ga_jinja = env.from_string(GA)
    assert ga_module.render(GA_CONTEXT) == ga_jinja.render(GA_CONTEXT) == ga_by_hand(**GA_CONTEXT)
    ga = best_us(
        [
            (lambda: ga_module.render(GA_CONTEXT), 5000),
            (lambda: ga_jinja.render(GA_CONTEXT), 1000),
            (lambda: ga_by_hand(**GA_CONTEXT), 5000),
        ]
    )
    rows.append(("(a) GA snippet, autoescape", ga[0], ga[1], ga[2]))

    loop_module = load(LOOP, autoescape=True)
    loop_jinja = env.from_string(LOOP)
    assert (
        loop_module.render(LOOP_CONTEXT)
        == loop_jinja.render(LOOP_CONTEXT)
        == loop_by_hand(**LOOP_CONTEXT)
    )
    loop = best_us(
        [
            (lambda: loop_module.render(LOOP_CONTEXT), 100),
            (lambda: loop_jinja.render(LOOP_CONTEXT), 30),
            (lambda: loop_by_hand(**LOOP_CONTEXT), 100),
        ]
    )
    rows.append(("(b) 100-item loop, if, filter, cycle", loop[0], loop[1], loop[2]))

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "ga_view.py").write_text(compile_source(GA, autoescape=True))
        ours = cold_start_ms(
            f"import sys, time; t = time.perf_counter(); sys.path.insert(0, {tmp!r}); import ga_view;"
            " ga_view.render(measurement_id='G-1', debug='false'); print(time.perf_counter() - t)",
            [sys.executable, "-I", "-S"],
        )
    theirs = cold_start_ms(
        "import time; t = time.perf_counter(); import jinja2; env = jinja2.Environment(autoescape=True);"
        f" env.from_string({GA!r}).render(measurement_id='G-1', debug='false'); print(time.perf_counter() - t)",
        [sys.executable],
    )

    print(
        f"{'case':40} {'compiled':>12} {'jinja2':>12} {'f-string':>12} {'vs jinja2':>10} {'vs f-string':>12}"
    )
    for name, compiled, jinja, hand in rows:
        print(
            f"{name:40} {compiled:10.2f}us {jinja:10.2f}us {hand:10.2f}us"
            f" {jinja / compiled:9.1f}x {compiled / hand:11.2f}x"
        )
    print(
        f"{'cold start: import + first render':40} {ours:10.2f}ms {theirs:10.2f}ms {'':>12} {theirs / ours:9.1f}x"
    )


if __name__ == "__main__":
    main()
