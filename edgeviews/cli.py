"""The `edgeviews` command: build, check, serve, demo, watch, dev.

Every error a user can act on arrives as an EdgeviewsError and leaves as one line on stderr
(quoting the offending source line for template errors) and exit status 1: never a traceback.
Subcommands owned by other wings are imported only when they run, so `edgeviews build` in CI
does not pay for starting the proxy.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from edgeviews import __version__
from edgeviews.config import Config, load_config
from edgeviews.errors import EdgeviewsError

if TYPE_CHECKING:
    from edgeviews.compiler.build import BuildResult

__all__ = ["main"]

_COLOURS = {"ok": "32", "error": "31;1", "warn": "33", "name": "1", "dim": "2"}


class Style:
    """ANSI colour for one stream, only when it is a terminal and NO_COLOR is not set."""

    def __init__(self, stream: TextIO) -> None:
        self.enabled = (
            hasattr(stream, "isatty")
            and stream.isatty()
            and "NO_COLOR" not in os.environ
            and os.environ.get("TERM") != "dumb"
        )

    def __call__(self, role: str, text: str) -> str:
        if not self.enabled or not text:
            return text
        return f"\033[{_COLOURS[role]}m{text}\033[0m"


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage, 130 Ctrl-C)."""
    parser = _parser()
    args = parser.parse_args(argv)
    command: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    if command is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return command(args)
    except EdgeviewsError as error:
        _print_error(error)
        return 1
    except KeyboardInterrupt:
        return 130


def _print_error(error: EdgeviewsError) -> None:
    """One line: `error: file:line: what is wrong`, and for a template the offending line."""
    style = Style(sys.stderr)
    line = getattr(error, "line", None)
    quoted = f" in `{line.strip()}`" if isinstance(line, str) and line.strip() else ""
    message = " ".join(str(error).split())  # one line, whatever the message holds
    print(f"{style('error', 'error:')} {message}{style('dim', quoted)}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="edgeviews",
        description="Compile Jinja snippets ahead of time and inject them into proxied pages.",
    )
    parser.add_argument("--version", action="version", version=f"edgeviews {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    build = commands.add_parser(
        "build",
        help="compile views/ into an importable package",
        description="Compile every view into <out>/<package>/, incrementally and atomically.",
    )
    _add_config(build)
    build.add_argument("--env", metavar="NAME", help="bake [env.NAME] into the output")
    build.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    build.set_defaults(run=_build)

    check = commands.add_parser(
        "check",
        help="fail when the build is stale or a view is broken (for CI)",
        description=(
            "Check that the build output is current, every environment defines every key "
            "each view reads, every view renders, and each snippet is balanced HTML."
        ),
    )
    _add_config(check)
    check.add_argument(
        "--env",
        metavar="NAME",
        action="append",
        help="check this environment (repeatable; default: every [env.*])",
    )
    check.add_argument(
        "--format", choices=("text", "json", "markdown"), default="text", help="report format"
    )
    check.set_defaults(run=_check)

    serve = commands.add_parser(
        "serve", help="run the proxy under uvicorn", description="Run the proxy under uvicorn."
    )
    _add_config(serve)
    _add_env(serve)
    _add_address(serve, port=8000)
    serve.add_argument("--workers", type=int, default=1, help="worker processes (default: 1)")
    serve.set_defaults(run=_serve)

    demo = commands.add_parser(
        "demo",
        help="run a built-in landing site behind the proxy",
        description="Run a built-in landing site on 127.0.0.1 behind the proxy, with the example views.",
    )
    _add_address(demo, port=8000)
    demo.set_defaults(run=_demo)

    watch = commands.add_parser(
        "watch",
        help="rebuild on every change to views/",
        description="Rebuild the views on every change.",
    )
    _add_config(watch)
    _add_env(watch)
    watch.set_defaults(run=_watch)

    dev = commands.add_parser(
        "dev",
        help="watch and serve, reloading the browser on every change",
        description="Rebuild on every change and serve the proxy with live reload.",
    )
    _add_config(dev)
    _add_env(dev)
    _add_address(dev, port=8000)
    dev.set_defaults(run=_dev)
    return parser


def _add_config(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="PATH",
        type=Path,
        help="configuration file (default: ./edgeviews.toml, else ./pyproject.toml)",
    )


def _add_env(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env", metavar="NAME", help="environment (default: default_env)")


def _add_address(parser: argparse.ArgumentParser, *, port: int) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="address (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=port, help=f"port (default: {port}; 0: any)")


def _config(args: argparse.Namespace) -> Config:
    return load_config(args.config)


def _build(args: argparse.Namespace) -> int:
    from edgeviews.compiler.build import build_project

    result = build_project(_config(args), env=args.env)
    if not args.quiet:
        style = Style(sys.stdout)
        print(_build_summary(result, style))
    return 0


def _build_summary(result: BuildResult, style: Style) -> str:
    from edgeviews.compiler.project import display_path

    total = len(result.views)
    parts = [f"{len(result.compiled)} compiled", f"{len(result.skipped)} unchanged"]
    if result.removed:
        parts.append(f"{len(result.removed)} removed")
    env = f" with [env.{result.env}]" if result.env else ""
    lines = [
        f"{style('ok', 'built')} {total} view{'' if total == 1 else 's'} into "
        f"{style('name', display_path(result.out))}{env} "
        f"in {result.seconds * 1000:.0f} ms ({', '.join(parts)})"
    ]
    if result.compiled:
        lines.append(style("dim", "  compiled: ") + _names(result.compiled))
    if result.removed:
        lines.append(style("dim", "  removed: ") + _names(result.removed))
    return "\n".join(lines)


def _names(names: tuple[str, ...], shown: int = 8) -> str:
    """The first few names: a cold build of 200 views should not print 200 of them."""
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f", ... (+{more} more)" if more > 0 else "")


def _check(args: argparse.Namespace) -> int:
    from edgeviews.compiler.check import (
        check_project,
        format_json,
        format_markdown,
        format_text,
    )

    report = check_project(_config(args), envs=args.env)
    if args.format == "json":
        sys.stdout.write(format_json(report))
    elif args.format == "markdown":
        sys.stdout.write(format_markdown(report))
    else:
        sys.stdout.write(format_text(report, style=Style(sys.stdout)))
    return 0 if report.ok else 1


def _serve(args: argparse.Namespace) -> int:
    from edgeviews.proxy.serve import run

    run(_config(args), env=args.env, host=args.host, port=args.port, workers=args.workers)
    return 0


def _demo(args: argparse.Namespace) -> int:
    from edgeviews.proxy.demo import run

    run(host=args.host, port=args.port)
    return 0


def _watch(args: argparse.Namespace) -> int:
    from edgeviews.watch import watch

    watch(_config(args), env=args.env)
    return 0


def _dev(args: argparse.Namespace) -> int:
    from edgeviews.watch import dev

    dev(_config(args), env=args.env, host=args.host, port=args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
