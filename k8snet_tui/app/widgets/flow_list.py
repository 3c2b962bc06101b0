"""The flow checklist: one line per flow, ✓ ok / ✗ FAIL / ◐ PART, in the level's order.

The list is the player's scoreboard, so every line says in words whether the
flow is right (colour is only an extra). A failure names what went wrong in
a few words — the trace view has the long story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from k8snet_tui.app.messages import FlowChosen
from k8snet_tui.app.safe_text import printable
from k8snet_tui.app.styles import FAILURE, PARTIAL
from k8snet_tui.engine.trace import Trace, Verdict

STATUS_WIDTH = 6
"""Every status word+symbol is padded to this width so flow names line up."""


def flow_status(trace: Trace) -> tuple[str, Style]:
    """The status word (with its symbol) and the Rich style for one flow.

    Partial is its own word because "some endpoints work" is a different bug
    from "none do" (a selector or targetPort that fits only some pods). Both are
    failures, so both are reversed and bold (``app.styles``): they stand out
    without colour too, where ``bold red`` turned into the faintest grey.
    """
    if trace.ok:
        return "✓ ok", Style(color="green")
    if trace.verdict is Verdict.PARTIAL:
        return "◐ PART", PARTIAL
    return "✗ FAIL", FAILURE


def failure_note(trace: Trace) -> str:
    """A few words on why a failing flow fails ("" when it is right).

    A flow that should be blocked but gets through has no drop reason, so the
    note says so in words; a blocked or partial flow names its reason code,
    which the trace view explains.
    """
    if trace.ok:
        return ""
    if trace.verdict is Verdict.ALLOW:
        return f"(expected {trace.expect}, got allow)"
    reason = trace.reason.value if trace.reason is not None else f"got {trace.verdict.value}"
    if trace.verdict is Verdict.PARTIAL:
        reached = sum(p.reached for p in trace.paths)
        if trace.paths:
            return f"({reached} of {len(trace.paths)} paths reached: {reason})"
        return f"(partial: {reason})"
    return f"({reason})"


CHANGED_MARK = "◆"
"""Put, with a word (fixed, broke, changed), after a flow whose verdict the last edit, undo
or redo changed: words, not colour."""


def flow_text(trace: Trace, *, mark: str | None = None) -> Text:
    """The flow's name then its failure note, as one wrappable text."""
    text = Text(printable(trace.name))  # the level's words: control characters escaped
    note = failure_note(trace)
    if note:
        text.append("  ")
        text.append(note, style="italic")
    if mark:
        text.append("  ")
        text.append(f"{CHANGED_MARK}\u00a0{mark}", style="bold")  # never split the pair
    return text


def flow_prompt(trace: Trace, *, mark: str | None = None) -> Table:
    """One option: fixed-width status, then the name and note in a column of their own,
    so in a narrow side panel a wrapped name hangs under the name, not under ✓/✗."""
    word, style = flow_status(trace)
    grid = Table.grid(padding=(0, 0, 0, 2), expand=True)
    grid.add_column(width=STATUS_WIDTH, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(Text(word, style=style), flow_text(trace, mark=mark))
    return grid


class FlowList(OptionList):
    """The level's flows as a checklist; moving the highlight shows that flow's trace.

    ``show`` is called by the level screen after every edit *and* in answer to
    our own ``FlowChosen``, so it must not post anything itself — otherwise the
    two would chase each other forever.
    """

    # OptionList measures wrapped options once per width but is not told when its
    # own scrollbar appears; a stable gutter keeps that width fixed so no wrapped
    # line (often the reason code) is cut off.
    DEFAULT_CSS = """
    FlowList {
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    """

    def show(self, traces: Sequence[Trace], selected: int,
             marks: Mapping[int, str] | None = None) -> None:
        """Replace the lines with these traces and highlight ``selected`` (clamped);
        ``marks``: flow index → what the last edit did to it (fixed, broke, changed)."""
        marks = marks or {}
        prompts = [flow_prompt(t, mark=marks.get(i)) for i, t in enumerate(traces)]
        with self.prevent(OptionList.OptionHighlighted, OptionList.OptionSelected):
            if len(prompts) == self.option_count:
                # Same flows, new verdicts: update in place so scroll and hover survive.
                for index, prompt in enumerate(prompts):
                    self.replace_option_prompt_at_index(index, prompt)
            else:
                self.set_options(Option(p) for p in prompts)
            if prompts:
                self.highlighted = max(0, min(selected, len(prompts) - 1))
            else:
                self.highlighted = None

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        """Turn the generic highlight into the game's message (and keep it from bubbling,
        so a screen listening for other option lists never mistakes it for theirs)."""
        if event.option_list is not self:
            return
        event.stop()
        self.post_message(FlowChosen(event.option_index))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        """Enter (or a click) on a flow chooses it too: the screen may then show its trace."""
        if event.option_list is not self:
            return
        event.stop()
        self.post_message(FlowChosen(event.option_index))
