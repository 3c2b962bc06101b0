"""The level's briefing as a modal, with the hints the player has already paid for.

Shown when a level opens and whenever the player presses ``b``: the briefing
says what is broken in plain words, and re-reading it should never cost a
hint, so the hints already revealed are listed underneath instead of having
to be asked for again.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

from k8snet_tui.app.safe_text import printable, printable_markdown
from k8snet_tui.app.screens.scrolling import SCROLL_BINDINGS, scroll_body


def hints_markdown(hints: Sequence[str]) -> str:
    """The revealed hints as a numbered Markdown list ("" when none were taken)."""
    if not hints:
        return ""
    items = "\n".join(f"{i}. {' '.join(h.split())}" for i, h in enumerate(hints, 1))
    return f"### Hints so far\n\n{items}\n"


class BriefingScreen(ModalScreen[None]):
    """Read, then escape or enter to get to work."""

    CSS_PATH = "briefing.tcss"
    AUTO_FOCUS = "#close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("enter", "close", "Close", show=False),
        Binding("b", "close", "Close", show=False),
        *SCROLL_BINDINGS,
    ]

    def __init__(self, title: str, markdown: str, hints_shown: Sequence[str] = ()) -> None:
        super().__init__()
        # All three come from the level file: control characters shown escaped.
        self.heading = printable(title)
        self.markdown = printable_markdown(markdown)
        self.hints_shown = [printable_markdown(h) for h in hints_shown]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"Briefing · {self.heading}", style="bold"), id="title")
            with VerticalScroll(id="body"):
                yield Markdown(self.markdown.strip() or "_This level has no briefing._",
                               id="briefing")
                if self.hints_shown:
                    yield Markdown(hints_markdown(self.hints_shown), id="hints")
            yield Button("Got it (enter)", id="close", variant="primary")

    def action_scroll_body(self, how: str) -> None:
        scroll_body(self, how)

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
