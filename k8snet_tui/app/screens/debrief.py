"""The screen after a level is solved: the lesson, the score and the fix as kubectl.

The debrief is where a level turns into something the player can use at work:
the real-world explanation from the level file, and their own edits written as
the kubectl commands that make the same change on a real cluster. It dismisses
with what to do next — ``"next"``, ``"select"`` or ``"replay"`` — and the level
screen acts on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Markdown, Static

from k8snet_tui.app.safe_text import printable, printable_markdown
from k8snet_tui.app.screens.level_select import format_seconds, stars
from k8snet_tui.app.screens.scrolling import SCROLL_BINDINGS, scroll_body
from k8snet_tui.game.blast import Finding
from k8snet_tui.game.session import Score
from k8snet_tui.model.wording import plural

DebriefChoice = Literal["next", "select", "replay"]


def score_line(score: Score) -> str:
    """``2 edits (par 2) · 0 hints · 1:23 · ★★★ 3/3``: stars as symbols and as a number."""
    par = f" (par {score.par})" if score.par is not None else ""
    return (f"{plural(score.edits, 'edit')}{par} · {plural(score.hints, 'hint')} · "
            f"{format_seconds(score.seconds)} · {stars(score.stars)} {score.stars}/3")


def score_verdict(score: Score) -> str:
    """Every reason a star is missing, so a replay has a goal (not just the first one)."""
    if score.stars >= 3:
        return "Perfect: at or under par, without hints."
    reasons: list[str] = []
    if score.over_permissive:
        reasons.append("your fix opens more than the level needs (listed below): −1 star")
    if score.par is not None and score.edits > score.par:
        reasons.append(f"the shortest known fix takes {plural(score.par, 'edit')}, "
                       f"you made {score.edits}")
    if score.hints:
        reasons.append(f"{plural(score.hints, 'hint')} shown (three stars need none)")
    if not reasons:
        return "Replay for a better score."
    text = "; ".join(reasons)
    return text[:1].upper() + text[1:] + "."


def blast_text(findings: Sequence[Finding]) -> Text:
    """The over-permissive findings as plain text (no Markdown: names stay literal)."""
    n = len(findings)
    text = Text()
    text.append(f"Wider than needed — costs 1 star ({n} finding{'s' * (n != 1)})",
                style="bold")
    text.append("\nCompared with the level's own solution, your fix also lets this "
                "through:")
    for finding in findings:
        text.append("\n• ")
        text.append(printable(finding.describe()))
    return text


def code_fence(code: str, language: str = "sh") -> str:
    """A Markdown code block whose fence cannot be closed by backticks inside the code."""
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{code.rstrip()}\n{fence}"


def inline_code(text: str) -> str:
    """Text as a Markdown code span, so ``[0]`` or ``*`` in a field path stay literal."""
    text = " ".join(text.split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def changes_markdown(kubectl: Sequence[str], edits: Sequence[str]) -> str:
    """The player's edits in words, then as the commands for a real cluster."""
    if not edits and not kubectl:
        return "### Your changes\n\nNone — the cluster already did what it must."
    parts = ["### Your changes", ""]
    parts.extend(f"{i}. {inline_code(e)}" for i, e in enumerate(edits, 1))
    if kubectl:
        parts += ["", "The same fix on a real cluster:", "", code_fence("\n".join(kubectl))]
    return "\n".join(parts)


class DebriefScreen(Screen[DebriefChoice]):
    """Solved: read the lesson, then go on, go back, or try for more stars."""

    CSS_PATH = "debrief.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "choose('next')", "Next level"),
        Binding("s", "choose('select')", "Level select"),
        Binding("r", "choose('replay')", "Replay"),
        Binding("escape", "choose('select')", "Level select", show=False),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, title: str, debrief_md: str, score: Score, kubectl: list[str],
                 edits: list[str], has_next: bool) -> None:
        super().__init__()
        # From the level file and the player's edits: control characters shown escaped.
        self.heading = printable(title)
        self.debrief_md = printable_markdown(debrief_md)
        self.score = score
        self.kubectl = [printable(k) for k in kubectl]
        self.edits = [printable(e) for e in edits]
        self.has_next = has_next

    def compose(self) -> ComposeResult:
        with Vertical(id="header"):
            yield Static(Text(f"✓ Solved: {self.heading}", style="bold"), id="title")
            yield Static(Text(score_line(self.score), style="bold"), id="score")
            yield Static(score_verdict(self.score), id="verdict")
        with VerticalScroll(id="body"):
            if self.score.over_permissive:
                yield Static(blast_text(self.score.over_permissive), id="blast")
            yield Markdown(self.debrief_md.strip() or "_This level has no debrief._",
                           id="lesson")
            yield Markdown(changes_markdown(self.kubectl, self.edits), id="changes")
        with Horizontal(id="actions"):
            yield Button("Next level (n)", id="next", variant="primary",
                         disabled=not self.has_next)
            yield Button("Level select (s)", id="select")
            yield Button("Replay (r)", id="replay")
        yield Footer()

    def on_mount(self) -> None:
        self.title = f"Solved · {self.heading}"
        self.query_one("#next" if self.has_next else "#select", Button).focus()

    def action_scroll_body(self, how: str) -> None:
        scroll_body(self, how)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("next",):
            return self.has_next
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id in ("next", "select", "replay"):
            self.action_choose(event.button.id)

    def action_choose(self, choice: str) -> None:
        if choice == "next" and not self.has_next:
            return
        if choice == "next":
            self.dismiss("next")
        elif choice == "replay":
            self.dismiss("replay")
        else:
            self.dismiss("select")
