"""The trace of one flow: what was expected, what happened, and where to look.

It reads top-down the way a player debugs: the verdict in words, the reason
code with its one-sentence explanation, the object and field to blame, then
the packet's journey hop by hop with the dropping hop marked ``✗ DROP``.
Everything is words and symbols; colour only repeats what they already say.
"""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from k8snet_tui.app.safe_text import printable
from k8snet_tui.app.styles import FAILURE, PARTIAL
from k8snet_tui.engine.trace import REASON_DOCS, Hop, Packet, PathResult, Trace, Verdict
from k8snet_tui.game.explain import Explanation

EMPTY_TEXT = "Select a flow to see its trace."

HOP_MARKS: dict[str, tuple[str, str | Style]] = {
    "pass": ("✓", "green"),
    "drop": ("✗ DROP", FAILURE),
    "info": ("i", "dim"),
}
"""Hop verdict → (marker, style). ``info`` hops (a DNS answer) neither pass nor drop."""


def _verdict_line(trace: Trace) -> Text:
    """"expected allow · got deny ✗" — the flow's whole story in one line."""
    style: str | Style
    if trace.ok:
        mark, style = "✓", "bold green"
    elif trace.verdict is Verdict.PARTIAL:
        mark, style = "◐", PARTIAL
    else:
        mark, style = "✗", FAILURE
    line = Text()
    line.append(f"expected {trace.expect} · got {trace.verdict.value} ")
    line.append(mark, style=style)
    if trace.verdict is Verdict.PARTIAL:
        line.append(" (only some paths arrive, so neither allow nor deny holds)", style="dim")
    return line


def _nat_kind(before: Packet, after: Packet) -> str:
    """Name the rewrite so a player can tell kube-proxy's DNAT from a node's SNAT."""
    src = before.src != after.src
    dst = before.dst != after.dst or before.port != after.port
    if src and not dst:
        return "SNAT"
    if dst and not src:
        return "DNAT"
    return "NAT"


def _packet_lines(hop: Hop) -> list[Text]:
    """The packet at this hop, and what NAT made of it (two lines, so each stays short)."""
    if hop.before is None:
        return []
    lines = [Text.assemble(("packet: ", "dim"), str(hop.before))]
    if hop.after is not None and hop.after != hop.before:
        label = f"after {_nat_kind(hop.before, hop.after)}: "
        lines.append(Text.assemble((label, "dim"), (str(hop.after), "bold")))
    return lines


def hop_text(hop: Hop) -> Text:
    """"✓ where — what", then the packet lines; the marker leads so it is never wrapped away."""
    mark, mark_style = HOP_MARKS.get(hop.verdict, ("?", ""))
    style = "bold" if hop.verdict == "drop" else ""
    body = Text()
    body.append(mark, style=mark_style)
    body.append(" ")
    body.append(printable(hop.where), style=f"{style} underline".strip())
    body.append(" — ")
    body.append(printable(hop.what), style=style)
    for line in _packet_lines(hop):
        body.append("\n")
        body.append_text(line)
    return body


def hops_table(hops: tuple[Hop, ...]) -> Table:
    """Numbered hops in a grid so wrapped sentences stay indented under their hop."""
    table = Table.grid(padding=(0, 1))
    table.add_column(justify="right", no_wrap=True)
    table.add_column(ratio=1)
    for number, hop in enumerate(hops, 1):
        table.add_row(Text(str(number)), hop_text(hop))
    return table


def _shown_path(trace: Trace) -> PathResult | None:
    """The path whose hops the trace carries (the engine shows the failing one first)."""
    return next((p for p in trace.paths if p.hops == trace.hops), None)


def _paths_block(trace: Trace) -> list[RenderableType]:
    """Per-path outcome when the flow forks (several source pods or endpoints).

    A partial verdict is only debuggable if the player sees *which* endpoints
    fail — usually the pods a selector or targetPort does not fit.
    """
    if len(trace.paths) < 2:
        return []
    reached = sum(p.reached for p in trace.paths)
    failed = len(trace.paths) - reached
    out: list[RenderableType] = [
        Text(""),
        Text.assemble(("Paths: ", "bold"),
                      f"{reached} of {len(trace.paths)} reached, {failed} failed"),
    ]
    for path in trace.paths:
        line = Text("  ")
        if path.reached:
            line.append("✓ reached", style="green")
            line.append("  ")
            line.append(path.label)
        else:
            line.append("✗ failed", style=FAILURE)
            line.append("   ")  # as wide as "✓ reached  ", so the labels line up
            line.append(path.label)
            if path.reason is not None:
                line.append(f" — {path.reason.value}", style="bold")
        out.append(line)
    return out


def _assumptions_block(trace: Trace) -> list[RenderableType]:
    """What the engine filled in on its own (a source port, which pod of a Deployment…);
    shown because a surprising verdict is often explained by an assumption."""
    if not trace.assumptions:
        return []
    if len(trace.assumptions) == 1:
        return [Text(""), Text.assemble(("The engine assumed: ", "italic"),
                                        trace.assumptions[0])]
    out: list[RenderableType] = [Text(""), Text("The engine assumed:", style="italic")]
    out += [Text(f"  • {a}") for a in trace.assumptions]
    return out


def explanation_text(explanation: Explanation) -> Text:
    """"Why: …" — the game's one-line explanation; "Change:" names the object and field the
    player may edit, "About:" an object that only blocks or admits the flow."""
    line = Text.assemble(("Why: ", "bold"), explanation.text)
    if explanation.ref is not None:
        label = "Change: " if explanation.fix else "About: "
        target = f"{explanation.ref} {explanation.field}" if explanation.field \
            else explanation.ref
        line.append("\n")
        line.append(label, style="bold")
        line.append(target, style="underline")
    return line


def render_trace(trace: Trace | None,
                 explanation: Explanation | None = None) -> RenderableType:
    """The whole trace as one Rich renderable (pure, so it is easy to test and print)."""
    if trace is None:
        return Text(EMPTY_TEXT, style="dim")
    parts: list[RenderableType] = [
        Text(printable(trace.name), style="bold"),  # the level's words, escaped
        _verdict_line(trace),
        *([explanation_text(explanation)] if explanation is not None else []),
        Text.assemble(("from ", "dim"), trace.source, (" to ", "dim"), trace.dest),
    ]
    if trace.reason is not None:
        parts.append(Text(""))
        parts.append(Text.assemble((trace.reason.value, "bold"), " — ",
                                   REASON_DOCS.get(trace.reason, "")))
    if trace.detail:
        parts.append(Text(printable(trace.detail, multiline=True)))
    # "Look at" the engine's blame, unless the game already said the fix is a new
    # object: then the blamed policy is the default deny the fix must keep.
    creates = explanation is not None and explanation.create is not None
    if trace.blame is not None and not creates:
        # On a flow that is right, the blamed field is what *keeps* it blocked:
        # inviting the player to "look at" it would invite breaking it.
        label = "Look at: " if not trace.ok else "Blocked by: "
        parts.append(Text.assemble((label, "bold"), (str(trace.blame), "bold underline")))
    parts.append(Text(""))
    shown = _shown_path(trace)
    heading = Text("Hops", style="bold")
    if shown is not None and len(trace.paths) > 1:
        heading.append(f" (path {shown.label})", style="dim")
    parts.append(heading)
    if trace.hops:
        parts.append(hops_table(trace.hops))
    else:
        parts.append(Text("  (no hops recorded)", style="dim"))
    parts += _paths_block(trace)
    parts += _assumptions_block(trace)
    return Group(*parts)


class TraceView(VerticalScroll):
    """Scrollable trace of the selected flow; ``show`` swaps the flow (or clears it)."""

    DEFAULT_CSS = """
    TraceView > #trace-body {
        padding: 0 1;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._body = Static(render_trace(None), id="trace-body")
        self._shown: tuple[str, str, str] | None = None

    def compose(self) -> ComposeResult:
        yield self._body

    @property
    def body(self) -> Static:
        """The Static holding the rendered trace (tests read its content)."""
        return self._body

    def show(self, trace: Trace | None, explanation: Explanation | None = None) -> None:
        """Render ``trace``; a different flow starts at the top, the same flow after an
        edit keeps the scroll position so the player can watch the hop they care about.

        ``explanation`` is ``game.explain.explain(level, trace, original=…)`` for the
        current state, shown under the verdict."""
        key = None if trace is None else (trace.name, trace.source, trace.dest)
        self._body.update(render_trace(trace, explanation))
        if key != self._shown:
            self.scroll_home(animate=False)
        self._shown = key
