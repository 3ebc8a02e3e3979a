"""`edgeviews check`: what CI runs to catch a broken snippet before it ships.

Four questions, each answered with a precise message: is the build output current with the
sources; does every environment define every key each view reads; does every view render
with every environment's values; is each rendered snippet balanced HTML, judged by how a
browser (lexbor, through selectolax) parses it inside `<body>`.
"""

from __future__ import annotations

import importlib.util
import itertools
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from types import ModuleType
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from edgeviews.compiler.build import BuildPlan, plan_build
from edgeviews.compiler.manifest import Manifest, read_manifest
from edgeviews.compiler.project import ViewError, display_path
from edgeviews.config import Config
from edgeviews.errors import EdgeviewsError

__all__ = [
    "CheckReport",
    "Problem",
    "check_balance",
    "check_project",
    "format_json",
    "format_markdown",
    "format_text",
]

_VOID = frozenset(
    [
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
        "param",
        "keygen",
        "basefont",
        "bgsound",
        "frame",
    ]
)
# Elements whose end tag HTML lets the parser imply: leaving them open is legal markup.
_OPTIONAL_END = frozenset(
    [
        "p",
        "li",
        "dt",
        "dd",
        "option",
        "optgroup",
        "rb",
        "rt",
        "rtc",
        "rp",
        "tr",
        "td",
        "th",
        "thead",
        "tbody",
        "tfoot",
        "colgroup",
        "caption",
    ]
)
_FOREIGN = frozenset(["svg", "math"])
_BEFORE = "edgeviews-check-snippet"
_AFTER = "edgeviews-check-after"
_PAGE = "edgeviews-check-page"


@dataclass(frozen=True)
class Problem:
    """One thing wrong, with where it is and what to do."""

    kind: str  # stale | missing-env-key | render-failed | unbalanced | unknown-view | config | template
    message: str
    view: str | None = None
    env: str | None = None  # the environment(s) it shows in, comma-separated
    file: str | None = None
    line: int | None = None

    @property
    def where(self) -> str:
        if self.file is None:
            return ""
        return self.file + (f":{self.line}" if self.line else "")


@dataclass(frozen=True)
class CheckReport:
    """Everything `edgeviews check` found; ok when there are no problems."""

    problems: tuple[Problem, ...]
    views: tuple[str, ...]
    envs: tuple[str, ...]
    out: str

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(config: Config, *, envs: Sequence[str] | None = None) -> CheckReport:
    """Run every check against the sources, the build output and the environments."""
    problems: list[Problem] = []
    names = tuple(envs) if envs else tuple(config.envs)
    manifest = read_manifest(config.package_dir)
    out = display_path(config.package_dir)
    try:
        plan = plan_build(config, env=None, previous=manifest)
    except ViewError as error:
        # A template that does not even parse: the one problem to fix first.
        where = display_path(error.path)
        problem = Problem("template", error.message, file=where, line=error.lineno)
        return CheckReport((problem,), (), names, out)
    problems += _check_routes(config, plan)
    if manifest is None:
        problems.append(
            Problem("stale", f"no build output in {out}: run `edgeviews build`", file=out)
        )
        return CheckReport(tuple(problems), tuple(plan.views), names, out)
    problems += _check_stale(config, manifest, out)
    package = _import_build(config.package_dir)
    for env in names or (None,):
        try:
            values = config.env_values(env) if env is not None else {}
        except EdgeviewsError as error:
            problems.append(Problem("config", str(error), env=env))
            continue
        problems += _check_env_keys(plan, values, env)
        problems += _check_renders(config, plan, package, values, env)
    return CheckReport(tuple(_merge_envs(problems)), tuple(plan.views), names, out)


def _check_routes(config: Config, plan: BuildPlan) -> list[Problem]:
    problems = []
    where = display_path(config.source) if config.source else None
    for index, route in enumerate(config.routes):
        for rule in route.rewrite:
            if rule.view is not None and rule.view not in plan.views:
                known = ", ".join(sorted(plan.views)) or "none"
                problems.append(
                    Problem(
                        "unknown-view",
                        f"routes[{index}] rewrites {rule.selector!r} with view {rule.view!r}, "
                        f"which is not in the views folder (views: {known})",
                        view=rule.view,
                        file=where,
                    )
                )
    return problems


def _check_stale(config: Config, manifest: Manifest, out: str) -> list[Problem]:
    try:
        plan = plan_build(config, env=manifest.env, previous=manifest)
    except EdgeviewsError as error:
        return [Problem("stale", f"cannot tell whether {out} is current: {error}", file=out)]
    problems = []
    for export, view in plan.views.items():
        source = display_path(view.template.path)
        built = manifest.views.get(export)
        if built is None:
            message = f"{source} is not in the build output {out}: run `edgeviews build`"
            problems.append(Problem("stale", message, view=export, file=source))
            continue
        if built.key == view.key and (config.package_dir / f"{export}.py").is_file():
            continue
        changed = [
            display_path(plan.templates[name].path)
            for name in (view.template.name, *view.deps)
            if manifest.templates.get(name, {}).get("hash") != plan.templates[name].hash
        ]
        reason = (
            f"{', '.join(changed)} changed since the last build"
            if changed
            else "the compiler, options or environment changed since the last build"
        )
        problems.append(
            Problem(
                "stale",
                f"{export} in {out} is out of date: {reason}; run `edgeviews build`",
                view=export,
                file=source,
            )
        )
    for export in sorted(set(manifest.views) - set(plan.views)):
        source = manifest.views[export].source
        problems.append(
            Problem(
                "stale",
                f"{out} still has view {export}, but its source {source} is gone; "
                "run `edgeviews build`",
                view=export,
                file=out,
            )
        )
    return problems


def _check_env_keys(plan: BuildPlan, values: dict[str, Any], env: str | None) -> list[Problem]:
    problems = []
    label = f"[env.{env}]" if env else "the empty environment"
    for export, view in plan.views.items():
        for key in sorted(view.env.required - set(values)):
            file, line = _first_read(plan, (view.template.name, *view.deps), key)
            problems.append(
                Problem(
                    "missing-env-key",
                    f"{export} reads env.{key}, which {label} does not define; "
                    f"add {key} = ... to {label}",
                    view=export,
                    env=env,
                    file=file,
                    line=line,
                )
            )
    return problems


def _first_read(plan: BuildPlan, names: Sequence[str], key: str) -> tuple[str, int | None]:
    """Where `env.KEY` (or `env["KEY"]`) is first read: the view itself, else its partials."""
    pattern = re.compile(
        rf"""\benv\s*(?:\.\s*{re.escape(key)}\b|\[\s*["']{re.escape(key)}["']\s*\])"""
    )
    for name in names:
        template = plan.templates[name]
        found = pattern.search(template.source)
        if found:
            line = template.source.count("\n", 0, found.start()) + 1
            return display_path(template.path), line
    return display_path(plan.templates[names[0]].path), None


def _check_renders(
    config: Config,
    plan: BuildPlan,
    package: ModuleType | None,
    values: dict[str, Any],
    env: str | None,
) -> list[Problem]:
    if package is None:
        return [Problem("stale", f"cannot import {display_path(config.package_dir)}", env=env)]
    views: dict[str, Callable[..., str]] = getattr(package, "VIEWS", {})
    problems = []
    for export, render in views.items():
        view = plan.views.get(export)
        source = display_path(view.template.path) if view else None
        try:
            html = render(values)
        except Exception as error:
            problems.append(
                Problem(
                    "render-failed",
                    f"{export} fails to render: {type(error).__name__}: {error}",
                    view=export,
                    env=env,
                    file=source,
                )
            )
            continue
        for message in check_balance(html):
            problems.append(
                Problem("unbalanced", f"{export}: {message}", view=export, env=env, file=source)
            )
    return problems


def _import_build(package_dir: Path) -> ModuleType | None:
    """Import the build output by path under a fresh name, as the proxy does."""
    init = package_dir / "__init__.py"
    if not init.is_file():
        return None
    name = f"_edgeviews_check_{next(_import_counter)}"
    spec = importlib.util.spec_from_file_location(
        name, init, submodule_search_locations=[str(package_dir)]
    )
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Exception as error:
        raise EdgeviewsError(
            f"{display_path(package_dir)}: cannot import the build output "
            f"({type(error).__name__}: {error}); run `edgeviews build`"
        ) from None
    return module


_import_counter = itertools.count()


def check_balance(html: str) -> list[str]:
    """Why `html` would break the page it is injected into; empty when it is balanced.

    The snippet's own tags are matched on a stack (for line numbers), and the verdict is
    lexbor's: the snippet is parsed inside `<body>` between two markers, and the marker
    after it must land where the page's following content would, outside everything.
    """
    tags = _tag_events(html)
    messages = _stack_problems(tags)
    document = LexborHTMLParser(
        f'<!DOCTYPE html><html><body><div id="{_PAGE}"><div id="{_BEFORE}">{html}'
        f'<i id="{_AFTER}"></i></div></div></body></html>'
    )
    container = document.css_first(f"#{_BEFORE}")
    after = document.css_first(f"#{_AFTER}")
    if container is None or after is None:
        return [*messages, "the browser does not keep the snippet in <body>"]
    parent = after.parent
    if parent is not None and parent.attributes.get("id") == _BEFORE:
        messages += _dropped_tags(tags, container)
    elif not messages:
        opened = []
        node = parent
        while node is not None and node.tag not in ("body", "html"):
            if node.attributes.get("id") in (_BEFORE, _PAGE):
                break
            opened.append(f"<{node.tag}>")
            node = node.parent
        if opened:
            messages.append(
                f"the browser leaves {', '.join(reversed(opened))} open after the snippet: "
                "the page's following content would land inside it"
            )
        else:
            messages.append(
                "the snippet closes an element it did not open: injected into a page it "
                "would close the page's own element"
            )
    return messages


def _dropped_tags(tags: list[tuple[str, str, int]], container: Any) -> list[str]:
    """Start tags the browser ignores where the snippet lands (`<tr>` outside a table)."""
    written = Counter(tag for kind, tag, _ in tags if kind != "end")
    if "template" in written:
        return []  # template contents live in a fragment lexbor does not traverse
    built = Counter(
        str(node.tag).lower()
        for node in container.traverse(include_text=False)
        if node is not container
    )
    messages = []
    for tag, count in sorted(written.items()):
        if tag in ("html", "head", "body"):
            messages.append(f"<{tag}> has no place in a snippet: the browser drops it")
        elif built.get(tag, 0) < count:
            messages.append(f"the browser drops <{tag}> here (not allowed in <body> at that place)")
    return messages


def _tag_events(html: str) -> list[tuple[str, str, int]]:
    class TagLog(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.events: list[tuple[str, str, int]] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            kind = "void" if tag in _VOID else "start"
            self.events.append((kind, tag, self.getpos()[0]))

        def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            kind = "void" if tag in _VOID else "self-closing"
            self.events.append((kind, tag, self.getpos()[0]))

        def handle_endtag(self, tag: str) -> None:
            self.events.append(("end", tag, self.getpos()[0]))

    log = TagLog()
    log.feed(html)
    log.close()
    return log.events


def _stack_problems(events: list[tuple[str, str, int]]) -> list[str]:
    messages = []
    stack: list[tuple[str, int]] = []
    for kind, tag, line in events:
        if kind == "void" or tag in _VOID:
            continue
        if kind == "self-closing" and (tag in _FOREIGN or any(t in _FOREIGN for t, _ in stack)):
            continue  # `/>` closes only in SVG and MathML; in HTML the slash is ignored
        if kind in ("start", "self-closing"):
            stack.append((tag, line))
            continue
        if stack and stack[-1][0] == tag:
            stack.pop()
            continue
        depth = next((i for i in range(len(stack) - 1, -1, -1) if stack[i][0] == tag), None)
        if depth is None:
            messages.append(
                f"</{tag}> on line {line} closes nothing the snippet opened: injected into a "
                f"page it would close the page's own <{tag}>"
            )
            continue
        for open_tag, open_line in stack[depth + 1 :]:
            if open_tag not in _OPTIONAL_END:
                messages.append(
                    f"<{open_tag}> opened on line {open_line} is not closed before </{tag}> "
                    f"on line {line}"
                )
        del stack[depth:]
    for open_tag, open_line in stack:
        if open_tag not in _OPTIONAL_END:
            messages.append(
                f"<{open_tag}> opened on line {open_line} is never closed: the page's "
                "following content would land inside it"
            )
    return messages


def _merge_envs(problems: list[Problem]) -> list[Problem]:
    """One problem per message, naming every environment it shows in."""
    merged: dict[tuple[str, str, str | None, str | None], Problem] = {}
    for problem in problems:
        key = (problem.kind, problem.message, problem.view, problem.file)
        if key in merged and problem.env:
            earlier = merged[key]
            envs = f"{earlier.env}, {problem.env}" if earlier.env else problem.env
            merged[key] = replace(earlier, env=envs)
        elif key not in merged:
            merged[key] = problem
    return list(merged.values())


def format_text(report: CheckReport, *, style: Callable[[str, str], str] | None = None) -> str:
    """One line per problem, `file: [kind] message (env)`, then a summary line."""
    paint = style or (lambda _role, text: text)
    lines = []
    for problem in report.problems:
        where = f"{problem.where}: " if problem.where else ""
        env = f" (env: {problem.env})" if problem.env else ""
        lines.append(f"{where}{paint('error', problem.kind)}: {problem.message}{env}")
    lines.append(_summary(report, paint))
    return "\n".join(lines) + "\n"


def format_json(report: CheckReport) -> str:
    data = {
        "ok": report.ok,
        "out": report.out,
        "views": list(report.views),
        "envs": list(report.envs),
        "problems": [asdict(problem) for problem in report.problems],
    }
    return json.dumps(data, indent=2) + "\n"


def format_markdown(report: CheckReport) -> str:
    """A pull-request comment: a heading with the verdict and a table of problems."""
    if report.ok:
        return f"### ✅ edgeviews check passed\n\n{_summary(report, None)}\n"
    lines = [
        f"### ❌ edgeviews check found {_count(len(report.problems), 'problem')}",
        "",
        "| | file | view | env | problem |",
        "|---|---|---|---|---|",
    ]
    for problem in report.problems:
        cells = [
            f"`{problem.kind}`",
            f"`{problem.where}`" if problem.where else "",
            f"`{problem.view}`" if problem.view else "",
            problem.env or "",
            problem.message,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    lines += ["", _summary(report, None)]
    return "\n".join(lines) + "\n"


def _summary(report: CheckReport, paint: Callable[[str, str], str] | None) -> str:
    envs = ", ".join(report.envs) or "no environments"
    checked = f"{_count(len(report.views), 'view')} in {report.out} against {envs}"
    if report.ok:
        verdict = "ok"
        return f"{paint('ok', verdict) if paint else verdict}: checked {checked}"
    verdict = _count(len(report.problems), "problem")
    return f"{paint('error', verdict) if paint else verdict} in {checked}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
