"""A modal listing why a level or pack could not be used.

Errors are data (STYLE.md): the loader returns every problem with its place,
and this screen shows all of them — file:line:column, the field, the message —
the way ``k8snet-tui validate`` prints them, so an author can fix a level
without leaving the game. Dismissing it returns to the screen below (level
select).
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
from textual.widgets import Button, Static

from k8snet_tui.app.safe_text import printable
from k8snet_tui.model.problems import Problem, sort_problems


def problem_line(problem: Problem) -> Text:
    """``file:line:col  field  ✗ error: message`` — the severity in words, not colour."""
    mark = "✗ error" if problem.severity == "error" else "⚠ warning"
    line = Text()
    line.append(printable(problem.where()), style="bold")
    if problem.field:
        line.append(f"  {printable(problem.field)}", style="italic")
    line.append(f"  {mark}: ", style="bold" if problem.severity == "error" else "")
    line.append(printable(problem.message, multiline=True))
    return line


def problem_summary(problems: Sequence[Problem]) -> str:
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' * (errors != 1)}")
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return ", ".join(parts) or "no details were reported"


class LoadErrorScreen(ModalScreen[None]):
    """What went wrong, all of it, then back to where the player was."""

    CSS_PATH = "load_error.tcss"
    AUTO_FOCUS = "#close"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("enter", "close", "Back", show=False),
    ]

    def __init__(self, title: str, problems: Sequence[Problem]) -> None:
        super().__init__()
        self.heading = printable(title)
        self.problems = sort_problems(problems)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(Text(f"✗ {self.heading}", style="bold"), id="title")
            yield Static(f"Could not be loaded — {problem_summary(self.problems)}:",
                         id="summary")
            with VerticalScroll(id="problems"):
                for problem in self.problems:
                    yield Static(problem_line(problem), classes="problem")
            yield Button("Back (esc)", id="close", variant="primary")

    @on(Button.Pressed, "#close")
    def action_close(self) -> None:
        self.dismiss(None)
