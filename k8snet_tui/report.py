"""How the command line shows results to a person (Rich), kept out of ``cli.py``.

Every verdict is written as a word as well as a symbol and a colour, so the
output is legible without colour (NO_COLOR, a pipe, a screen reader) and on a
terminal that cannot show ✓/✗. Text from levels goes through ``Text`` objects,
never markup, so a ``[`` in a name cannot turn into styling; and through
``model.printable``, so a control character in it cannot drive the terminal: the
names and details put in tables are escaped before Rich measures them, and
``SafeConsole`` escapes whatever else reaches its output (one choke point).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TextIO

from rich import box
from rich.console import Console, ConsoleOptions, RenderableType
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

from k8snet_tui.engine.evaluate import CheckResult
from k8snet_tui.engine.trace import Hop, Trace, Verdict
from k8snet_tui.game.explain import Explanation, explain
from k8snet_tui.game.validate import Check, LevelReport, PackReport
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.printable import printable
from k8snet_tui.model.problems import Problem, sort_problems

PIPE_WIDTH = 120
"""Width used when output is not a terminal (and COLUMNS is unset): wide enough that
tables rarely wrap in a log or a pipe, where Rich would otherwise assume 80."""


@dataclass(frozen=True)
class Symbols:
    ok: str
    bad: str
    info: str
    arrow: str


UNICODE = Symbols("✓", "✗", "·", "→")
ASCII = Symbols("+", "x", "-", "->")


class SafeConsole(Console):
    """A Rich console that never writes a control character it did not make itself.

    Every text segment is passed through ``printable`` on its way out (Rich's own
    styles and cursor moves are separate segments and stay as they are), so a name
    from a level cannot set the window title or clear the screen, whichever renderable
    it came in. Text is best escaped before it is laid out (``_text``): an escape
    takes cells a raw control character does not."""

    def render(self, renderable: RenderableType, options: ConsoleOptions | None = None
               ) -> Iterator[Segment]:
        for segment in super().render(renderable, options):
            if segment.control is None and segment.text:
                text = printable(segment.text, multiline=True)
                if text is not segment.text:
                    segment = Segment(text, segment.style)
            yield segment


def make_console(*, stderr: bool = False) -> Console:
    """A console that honours NO_COLOR, FORCE_COLOR and COLUMNS (Rich reads them) and
    escapes control characters from input (``SafeConsole``)."""
    width = None
    if not Console(stderr=stderr).is_terminal and "COLUMNS" not in os.environ:
        width = PIPE_WIDTH
    return SafeConsole(stderr=stderr, highlight=False, width=width)


def _text(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """Text from input, its control characters escaped before Rich measures it (a name
    on one line; prose such as a detail ``multiline``, keeping its line breaks)."""
    return Text(printable(str(text), multiline=multiline), style=style)


def symbols_for(console: Console) -> Symbols:
    """Unicode marks when the output encoding can carry them, ASCII otherwise."""
    try:
        "✓✗·→⇒—".encode(console.encoding)
    except (UnicodeEncodeError, LookupError):
        return ASCII
    return UNICODE


# ------------------------------------------------------------------ problems

def _collapse_unmodelled(problems: Sequence[Problem]) -> tuple[list[Problem], str | None]:
    """Fold 'kind X is not modelled' warnings into one line: a ``kubectl get -o yaml``
    dump has dozens of ConfigMaps and Secrets, and one warning each buries the rest."""
    unmodelled = [p for p in problems if p.code == "unmodelled-kind"]
    if len(unmodelled) <= 3:
        return list(problems), None
    kinds: dict[str, int] = {}
    for p in unmodelled:
        kind = p.message.removeprefix("kind ").split(" ", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    listed = ", ".join(f"{k} ×{n}" if n > 1 else k for k, n in sorted(kinds.items()))
    rest = [p for p in problems if p.code != "unmodelled-kind"]
    return rest, (f"warning: ignored {len(unmodelled)} objects of kinds the engine does not "
                  f"model: {listed}")


def print_problems(problems: Iterable[Problem], stream: TextIO | None = None, *,
                   collapse: bool = False) -> None:
    """Every problem as ``file:line:col: severity: field: message``, one per line.

    Plain text on purpose: editors and CI annotate this compiler-style format.
    """
    out = stream if stream is not None else sys.stderr
    ordered = sort_problems(list(problems))
    summary = None
    if collapse:
        ordered, summary = _collapse_unmodelled(ordered)
    for problem in ordered:
        print(str(problem), file=out)
    if summary:
        print(printable(summary), file=out)


# --------------------------------------------------------------------- check

def _verdict_text(verdict: Verdict) -> Text:
    style = {"allow": "green", "deny": "red", "partial": "yellow"}[verdict.value]
    return Text(verdict.value, style=style)


def _ok_text(ok: bool, sym: Symbols) -> Text:
    return Text(f"{sym.ok} ok", style="bold green") if ok else \
        Text(f"{sym.bad} FAIL", style="bold red")


def _explanation_text(explanation: Explanation) -> Text:
    text = _text(f"why: {explanation.text}", multiline=True)
    if explanation.ref is not None:
        target = f"{explanation.ref} {explanation.field}" if explanation.field \
            else explanation.ref
        text.append(f"\n{'change' if explanation.fix else 'about'}: {printable(target)}",
                    style="cyan")
    return text


def render_check(console: Console, result: CheckResult, title: str, *,
                 note: str | None = None, level: LoadedLevel | None = None,
                 original: Collection[str] | None = None) -> None:
    """The flows of a level as a table, then one line saying whether it is solved.

    With ``level`` (the state the traces were computed in) each flow that is not as
    expected, or that NetworkPolicy blocks, also gets the game's explanation line."""
    sym = symbols_for(console)
    header = _text(title, style="bold")
    if note:
        header.append(f"  ({printable(note)})", style="dim")
    console.print(header)
    if not result.traces:
        console.print("The level has no flows.")
    else:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        table.add_column("", no_wrap=True)
        table.add_column("flow", ratio=2)
        table.add_column("expect", no_wrap=True)
        table.add_column("got", no_wrap=True)
        table.add_column("reason and detail", ratio=3, overflow="fold")
        for trace in result.traces:
            why = Text()
            explanation = explain(level, trace, original=original) \
                if level is not None and not trace.ok else None
            if trace.reason is not None:
                why.append(trace.reason.value, style="bold")
                why.append(": ")
            if explanation is None or trace.reason is None or \
                    not trace.reason.value.startswith("POLICY_DENIED"):
                # else the explanation says it, lock-aware
                why.append(printable(trace.detail, multiline=True))
            if explanation is not None:
                why.append("\n" if why.plain and not why.plain.endswith(": ") else "")
                why.append_text(_explanation_text(explanation))
            elif trace.blame is not None:
                why.append(f"\nlook at: {printable(str(trace.blame))}", style="cyan")
            table.add_row(_ok_text(trace.ok, sym), _text(trace.name), _text(trace.expect),
                          _verdict_text(trace.verdict), why)
        console.print(table)
    failing = sum(1 for t in result.traces if not t.ok)
    total = len(result.traces)
    if result.solved:
        console.print(Text(f"SOLVED: all {total} flows as expected", style="bold green"))
    else:
        console.print(Text(f"NOT SOLVED: {failing} of {total} flows not as expected",
                           style="bold red"))


# --------------------------------------------------------------------- trace

def _hop_mark(hop: Hop, sym: Symbols) -> Text:
    if hop.verdict == "drop":
        return Text(f"{sym.bad} DROP", style="bold red")
    if hop.verdict == "info":
        return Text(f"{sym.info} info", style="dim")
    return Text(f"{sym.ok} pass", style="green")


def _packet_text(hop: Hop, sym: Symbols) -> Text:
    text = Text()
    if hop.before is not None:
        text.append(printable(str(hop.before)))
    if hop.after is not None:
        if text:
            text.append("\n")
        text.append(f"NAT {sym.arrow} {printable(str(hop.after))}", style="magenta")
    return text


def render_hops(console: Console, hops: Sequence[Hop]) -> None:
    sym = symbols_for(console)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("where", ratio=2)
    table.add_column("what", ratio=4)
    table.add_column("packet (before / after NAT)", ratio=3, overflow="fold")
    for i, hop in enumerate(hops, 1):
        table.add_row(str(i), _hop_mark(hop, sym), _text(hop.where), _text(hop.what),
                      _packet_text(hop, sym))
    console.print(table)


def render_trace(console: Console, trace: Trace, where: str, *,
                 level: LoadedLevel | None = None,
                 original: Collection[str] | None = None) -> None:
    """The hops of one flow, the per-endpoint paths when there are several, the verdict,
    and (given the ``level`` it was traced in) the explanation of a policy decision."""
    sym = symbols_for(console)
    header = _text(f"trace {trace.source} {sym.arrow} {trace.dest}", style="bold")
    header.append(f"  in {printable(where)}", style="dim")
    console.print(header)
    if trace.hops:
        render_hops(console, trace.hops)
    else:
        console.print("(no hops)")
    if len(trace.paths) > 1:
        paths = Table(title="paths", box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False,
                      title_justify="left")
        paths.add_column("", no_wrap=True)
        paths.add_column("path", ratio=2)
        paths.add_column("reason and detail", ratio=3, overflow="fold")
        for path in trace.paths:
            mark = Text(f"{sym.ok} reached", style="green") if path.reached else \
                Text(f"{sym.bad} NOT reached", style="red")
            why = Text()
            if path.reason is not None:
                why.append(path.reason.value, style="bold")
                why.append(": ")
            why.append(printable(path.detail, multiline=True))
            paths.add_row(mark, _text(path.label), why)
        console.print(paths)
    for assumption in trace.assumptions:
        console.print(_text(f"assumed: {assumption}", style="dim", multiline=True))
    word = {Verdict.ALLOW: "ALLOWED", Verdict.DENY: "DENIED", Verdict.PARTIAL: "PARTIAL"}
    style = {Verdict.ALLOW: "bold green", Verdict.DENY: "bold red",
             Verdict.PARTIAL: "bold yellow"}
    line = Text(f"verdict: {word[trace.verdict]}", style=style[trace.verdict])
    if trace.reason is not None:
        line.append(f" — {trace.reason.value}", style="bold")
    if trace.detail:
        line.append(f": {printable(trace.detail, multiline=True)}")
    console.print(line)
    explanation = explain(level, trace, original=original) if level is not None else None
    if explanation is not None:
        console.print(_explanation_text(explanation))
    if trace.blame is not None:
        console.print(_text(f"look at: {trace.blame}", style="cyan"))


# ------------------------------------------------------------------ validate

def _checks_table(checks: Sequence[Check], sym: Symbols) -> Table:
    """Checks as a two-column grid, so a long detail wraps under its own text."""
    grid = Table.grid(padding=(0, 2), pad_edge=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for check in checks:
        mark = Text(f"{sym.ok} PASS", style="green") if check.passed else \
            Text(f"{sym.bad} FAIL", style="bold red")
        grid.add_row(mark, _text(f"{check.name}: ", style="bold")
                     + _text(check.detail, multiline=True))
    return grid


def _outcome(code: int) -> Text:
    if code == 0:
        return Text("VALID", style="bold green")
    if code == 1:
        return Text("FAILED", style="bold red")
    return Text("INVALID", style="bold red")


def _counts(problems: Sequence[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    return (f"{errors} error{'s' if errors != 1 else ''}, "
            f"{warnings} warning{'s' if warnings != 1 else ''}")


def render_level_report(console: Console, report: LevelReport, *, standalone: bool = True
                        ) -> None:
    """The checks of one level; its problems are printed separately (stderr)."""
    sym = symbols_for(console)
    head = _text(report.path, style="bold")
    if report.level_id:
        head.append(f"  id {printable(report.level_id)}")
        if report.title and report.title != report.level_id:
            head.append(f" — {printable(report.title)}")
    head.append("  ")
    head.append_text(_outcome(report.exit_code))
    console.print(head)
    if report.checks:
        console.print(_checks_table(report.checks, sym))
    for note in report.notes:
        console.print(_text(f"  note: {note}", style="dim", multiline=True))
    if standalone:
        line = Text("result: ")
        line.append_text(_outcome(report.exit_code))
        line.append(f" ({_counts(report.problems)}, "
                    f"{len(report.failed_checks)} failed checks)")
        console.print(line)


def render_pack_report(console: Console, report: PackReport) -> None:
    head = _text(f"pack {report.path}", style="bold")
    if report.pack_id:
        head.append(f"  id {printable(report.pack_id)}")
        if report.title:
            head.append(f" — {printable(report.title)}")
    console.print(head)
    for level in report.levels:
        render_level_report(console, level, standalone=False)
    by_code = [lvl.exit_code for lvl in report.levels]
    line = Text("result: ")
    line.append_text(_outcome(report.exit_code))
    n = len(report.levels)
    line.append(f" ({n} level{'s' if n != 1 else ''}: {by_code.count(0)} valid, "
                f"{by_code.count(1)} failed, {by_code.count(2)} invalid; "
                f"{_counts(report.all_problems)})")
    console.print(line)
