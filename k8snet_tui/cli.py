"""The ``k8snet-tui`` command: argument parsing, exit codes and output only.

The command line is a public contract (DESIGN.md §5): scripts and CI rely on
the exit codes (0 as expected, 1 not, 2 invalid input) and on the shape of
``check --json``. All deciding happens in ``engine`` and ``game``; rendering
for people lives in ``report``. Bad input is reported as positioned problems on
stderr with exit 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

if TYPE_CHECKING:
    from _typeshed import SupportsWrite

from k8snet_tui import FORMAT, __version__
from k8snet_tui.engine.evaluate import Engine, evaluate_level
from k8snet_tui.game.edits import EditError, apply_edits
from k8snet_tui.game.locks import original_refs
from k8snet_tui.game.packs import PACK_FILE, is_pack
from k8snet_tui.game.validate import (
    EXIT_FAILED,
    EXIT_INVALID,
    EXIT_OK,
    PackReport,
    validate_path,
)
from k8snet_tui.model.flows import FlowSpec, RefError, parse_dest, parse_source
from k8snet_tui.model.load import LoadedLevel, load_any, load_level, validation_problems
from k8snet_tui.model.printable import printable, printable_json
from k8snet_tui.model.problems import LevelError, Problem
from k8snet_tui.model.schema import level_schema, pack_schema
from k8snet_tui.model.world import served_by_problem, via_problem
from k8snet_tui.report import (
    make_console,
    print_problems,
    render_check,
    render_level_report,
    render_pack_report,
    render_trace,
)

COMMAND_LINE = "<command line>"


class _Invalid(Exception):
    """Input the command cannot use; carries the problems to print before exit 2."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _play(path: str | None, *, watch: bool = False) -> int:
    """Start the Textual game (imported here so headless commands never load Textual)."""
    paths: list[Path] = []
    if path is not None:
        target = Path(path)
        if not os.path.lexists(target):  # a symlink loop is reported by the reader
            raise _Invalid([Problem("no such file or folder", file=path, code="io")])
        if target.is_dir() and not is_pack(target):
            raise _Invalid([Problem(f"is a folder without {PACK_FILE}: name a level file or a "
                                    "pack folder", file=path, code="io")])
        paths.append(target)
    from k8snet_tui.app.app import make_app

    app = make_app(paths, watch=watch)
    app.run()
    # An unhandled exception ends the app with Textual's traceback and return code 1:
    # a crash must not look like a normal quit to a script or a shell.
    return app.return_code or EXIT_OK


# ------------------------------------------------------------------ commands

def _load_level_file(path: str) -> LoadedLevel:
    p = Path(path)
    if p.is_dir():
        hint = "it is a pack: use `k8snet-tui validate` for a whole pack, or name one " \
            "level file" if is_pack(p) else "name a level file"
        raise _Invalid([Problem(f"is a folder, not a level file; {hint}", file=path,
                                code="io")])
    return load_level(p)


def _apply_solution(loaded: LoadedLevel) -> LoadedLevel:
    puzzle = loaded.spec.puzzle
    if puzzle is None or not puzzle.solution:
        raise _Invalid(loaded.locate([Problem(
            "--solution needs a level with a puzzle.solution", ("puzzle",),
            code="no-solution")]))
    try:
        return apply_edits(loaded, puzzle.solution, enforce_locks=False)
    except EditError as exc:
        raise _Invalid(loaded.locate([Problem(f"the solution cannot be applied: {exc}",
                                              ("puzzle", "solution"), code="edit")])) from None


def _cmd_check(args: argparse.Namespace) -> int:
    loaded = _load_level_file(args.path)
    original = original_refs(loaded)
    note = None
    if args.solution:
        loaded = _apply_solution(loaded)
        n = len(loaded.spec.puzzle.solution) if loaded.spec.puzzle else 0
        note = f"after applying its solution: {n} edit{'s' if n != 1 else ''}"
    result = evaluate_level(loaded)
    if args.json:
        out: dict[str, Any] = {
            "level": result.level_id,
            "solved": result.solved,
            "flows": [t.to_json() for t in result.traces],
        }
        print(printable_json(json.dumps(out, indent=2, ensure_ascii=False)))
    else:
        print_problems(loaded.warnings, collapse=True)
        render_check(make_console(), result,
                     f"{loaded.id} — {loaded.spec.display_title}", note=note,
                     level=loaded, original=original)
    return EXIT_OK if result.solved else EXIT_FAILED


_FLOW_FLAGS = {"method": "--method", "headers": "--header", "via": "--via",
               "servedBy": "--served-by"}
"""FlowSpec field → the ``trace`` option that sets it, to name the option a message is about."""


def _split_header(text: str) -> tuple[str, str]:
    """``--header "x-canary: true"`` → ("x-canary", "true"), as curl's ``-H`` reads it:
    split at the first colon (after a leading one, so ``:authority`` is refused by name),
    spaces around the value dropped."""
    colon = text.find(":", 1)
    if colon < 0:
        raise _Invalid([Problem(f'"{text}" is not NAME:VALUE; write e.g. --header "x-canary: '
                                'true"', ("--header",), file=COMMAND_LINE, code="ref")])
    return text[:colon], text[colon + 1:].strip(" \t")


def _trace_flow(args: argparse.Namespace) -> FlowSpec:
    """The ad-hoc flow, validated exactly as a level's flow is (FlowSpec), so ``trace``
    refuses what a level file would, in the same words."""
    raw: dict[str, Any] = {"from": args.source, "to": args.dest}
    if args.method is not None:
        raw["method"] = args.method
    if args.header:
        headers: dict[str, str] = {}
        for text in args.header:
            name, value = _split_header(text)
            if name in headers:
                raise _Invalid([Problem(f"header {name} is given twice: keep one",
                                        ("--header",), file=COMMAND_LINE, code="ref")])
            headers[name] = value
        raw["headers"] = headers
    if args.via is not None:
        raw["via"] = args.via
    if args.served_by is not None:
        raw["servedBy"] = args.served_by
    try:
        return FlowSpec.model_validate(raw)
    except ValidationError as exc:
        raise _Invalid([
            Problem(p.message, tuple(_FLOW_FLAGS.get(str(part), str(part)) for part in p.loc[:1]),
                    file=COMMAND_LINE, code="ref")
            for p in validation_problems(exc)]) from None


def _cmd_trace(args: argparse.Namespace) -> int:
    problems: list[Problem] = []
    for key, text, parse in (("from", args.source, parse_source), ("to", args.dest, parse_dest)):
        try:
            parse(text)
        except RefError as exc:
            problems.append(Problem(str(exc), (key,), file=COMMAND_LINE, code="ref"))
    if problems:
        raise _Invalid(problems)
    flow = _trace_flow(args)
    loaded = load_any(args.path)
    served_by, via = flow.served_by_ref, flow.via_ref
    for flag, missing in (
            ("--via", via_problem(loaded.world, via) if via is not None else None),
            ("--served-by",
             served_by_problem(loaded.world, served_by) if served_by is not None else None)):
        if missing is not None:
            what, hint, rest = missing.partition("; did you mean")  # the file, then the hint
            raise _Invalid([Problem(f"{what} in {args.path}{hint}{rest}", (flag,),
                                    file=COMMAND_LINE, code="ref")])
    try:
        trace = Engine(loaded.world).evaluate(flow)
    except RefError as exc:
        # The argument is what is wrong, not the file: name it as a bad argument is named.
        src = parse_source(args.source)
        mentioned = src.name is not None and f"{src.name}" in str(exc) and \
            (src.namespace is None or src.namespace in str(exc))
        key = "from" if mentioned else "to"
        raise _Invalid([Problem(f"{exc} in {args.path}", (key,), file=COMMAND_LINE,
                                code="ref")]) from None
    print_problems(loaded.warnings, collapse=True)
    render_trace(make_console(), trace, args.path, level=loaded,
                 original=original_refs(loaded))
    return EXIT_OK if trace.verdict.value == "allow" else EXIT_FAILED


def _cmd_validate(args: argparse.Namespace) -> int:
    p = Path(args.path)
    if not os.path.lexists(p):
        raise _Invalid([Problem("no such file or folder", file=args.path, code="io")])
    if p.is_dir() and not is_pack(p):
        raise _Invalid([Problem("is a folder without pack.yaml: validate takes a level file "
                                "or a pack folder", file=args.path, code="io")])
    report = validate_path(p)
    console = make_console()
    if isinstance(report, PackReport):
        print_problems(report.all_problems)
        render_pack_report(console, report)
    else:
        print_problems(report.problems)
        render_level_report(console, report)
    return report.exit_code


def _cmd_schema(args: argparse.Namespace) -> int:
    schema = pack_schema() if args.pack else level_schema()
    print(json.dumps(schema, indent=2, ensure_ascii=False))
    return EXIT_OK


def _cmd_play(args: argparse.Namespace) -> int:
    return _play(args.path, watch=args.watch)


def _cmd_new(args: argparse.Namespace) -> int:
    from k8snet_tui.game.scaffold import ScaffoldError, new_level, new_pack

    target = Path(args.path)
    try:
        if args.what == "pack":
            written = new_pack(target, pack_id=args.id, title=args.title, author=args.author)
        else:
            written = new_level(target, level_id=args.id, title=args.title)
    except ScaffoldError as exc:
        raise _Invalid([Problem("already exists; nothing was written (k8snet-tui new never "
                                "overwrites)", file=str(exc.path), code="io")]) from None
    except OSError as exc:
        raise _Invalid([Problem(f"cannot write: {exc.strerror}", file=args.path,
                                code="io")]) from None
    for path in written:
        print(printable(f"wrote {path}"))
    main_file = written[-1]
    print(printable(f"next: k8snet-tui validate {target}   ·   "
                    f"k8snet-tui play {main_file} --watch"))
    return EXIT_OK


# -------------------------------------------------------------------- parser

class _Parser(argparse.ArgumentParser):
    """argparse, with the arguments it quotes back (``invalid choice: '…'``) escaped."""

    def _print_message(self, message: str, file: SupportsWrite[str] | None = None) -> None:
        super()._print_message(printable(message, multiline=True), file)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="k8snet-tui",
        description="Learn Kubernetes networking by repairing broken clusters; "
                    "trace flows through real manifests.",
        epilog="exit codes: 0 as expected, 1 some flow not as expected, 2 invalid input",
    )
    parser.add_argument("--version", action="version",
                        version=f"%(prog)s {__version__} (level format {FORMAT})")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="play a level file or pack folder")
    play.add_argument("path", metavar="PATH")
    play.add_argument("--watch", action="store_true",
                      help="reload the level whenever its file changes (for level authors)")
    play.set_defaults(func=_cmd_play)

    new = sub.add_parser("new", help="scaffold a level pack or a level file",
                         description="Write a commented, valid, playable starting point. "
                                     "Never overwrites an existing file.")
    new.add_argument("what", choices=["pack", "level"])
    new.add_argument("path", metavar="PATH", help="the pack folder, or the level file")
    new.add_argument("--id", help="the id (default: from the file or folder name)")
    new.add_argument("--title", help="the title")
    new.add_argument("--author", default="unknown", help="the pack's author")
    new.set_defaults(func=_cmd_new)

    check = sub.add_parser("check", help="evaluate every flow of a level",
                           description="Evaluate every flow of a level. Exit 0 when all "
                                       "flows are as expected, 1 when some are not, 2 on "
                                       "invalid input.")
    check.add_argument("path", metavar="PATH", help="a level file")
    check.add_argument("--json", action="store_true", help="print one JSON object")
    check.add_argument("--solution", action="store_true",
                       help="apply the level's puzzle.solution first")
    check.set_defaults(func=_cmd_check)

    trace = sub.add_parser("trace", help="trace one flow hop by hop",
                           description="Trace one ad-hoc flow. PATH is a level file or plain "
                                       "Kubernetes manifests (a file or a folder). Exit 0 "
                                       "allowed, 1 denied or partial, 2 invalid input.")
    trace.add_argument("path", metavar="PATH")
    trace.add_argument("source", metavar="FROM", help="e.g. pod/shop/web, internet")
    trace.add_argument("dest", metavar="TO", help="e.g. service/shop/api:8080")
    http = trace.add_argument_group(
        "flow fields", "as a level's flow writes them (method, headers, via, servedBy); "
                       "--method, --header and --via only with an http:// or https:// TO")
    http.add_argument("--method", metavar="METHOD",
                      help="the HTTP method: GET (default), HEAD, POST, PUT, DELETE, CONNECT, "
                           "OPTIONS, TRACE or PATCH")
    http.add_argument("--header", metavar="NAME:VALUE", action="append",
                      help='a request header, e.g. --header "x-canary: true" (repeatable; '
                           "names are case-insensitive; host overrides the Host header only)")
    http.add_argument("--via", metavar="ENTRY",
                      help="the entry point the client uses: gateway/NS/NAME, "
                           "gateway/NS/NAME/LISTENER or ingress")
    http.add_argument("--served-by", metavar="REF",
                      help="who must answer: service/NS/NAME, pod/NS/NAME or "
                           "deployment/NS/NAME (statefulset, daemonset, replicaset)")
    trace.set_defaults(func=_cmd_trace)

    validate = sub.add_parser("validate", help="check a level or a pack is fit to play",
                              description="Schema, lint, 'the start state fails a flow' and "
                                          "'the solution passes every flow' for a level file "
                                          "or every level of a pack folder. Exit 0 valid, "
                                          "1 a check failed, 2 invalid input.")
    validate.add_argument("path", metavar="PATH")
    validate.set_defaults(func=_cmd_validate)

    schema = sub.add_parser("schema", help="print the JSON Schema of the level format")
    schema.add_argument("--pack", action="store_true",
                        help="the schema of pack.yaml instead of a level file")
    schema.set_defaults(func=_cmd_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit code instead of exiting (tests call this)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else EXIT_INVALID
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        return _play(None)
    try:
        return func(args)
    except LevelError as exc:
        print_problems(exc.problems)
        return EXIT_INVALID
    except _Invalid as exc:
        print_problems(exc.problems)
        return EXIT_INVALID
    except BrokenPipeError:
        # `k8snet-tui schema | head`: the reader left. Point stdout at devnull so the
        # interpreter's final flush does not print a traceback about it.
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED
