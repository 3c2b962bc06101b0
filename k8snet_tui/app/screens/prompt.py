"""A small modal dialog that asks for one value and checks it before closing.

Quick actions that need input (a port, a selector, a route) use it. The caller
hands in a ``validate`` function returning the reason a value is wrong (or
None), so the player sees "70000 is outside 1-65535" under the input while
typing and the dialog only closes with a value that will make an edit. The
result is the text (stripped) or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

Validator = Callable[[str], str | None]


class PromptScreen(ModalScreen[str | None]):
    """Ask one question; dismiss with the answer, or None on cancel."""

    CSS_PATH = "prompt.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, question: str, *, initial: str = "", placeholder: str = "",
                 help: str = "", validate: Validator | None = None) -> None:
        super().__init__()
        self.question = question
        self.initial = initial
        # An example, said to be one: a bare "8080" under a prefilled "8080" reads as a
        # value that is not there.
        self.placeholder = (f"e.g. {placeholder}" if placeholder[:1].islower()
                            or placeholder[:1].isdigit() else placeholder)
        self.help_text = help
        self._check = validate
        self._touched = False  # no complaint about an empty box before the player types

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-dialog"):
            yield Static(self.question, id="prompt-question", markup=False)
            yield Input(self.initial, placeholder=self.placeholder, id="prompt-input")
            yield Static("", id="prompt-error", markup=False)
            if self.help_text:
                yield Static(self.help_text, id="prompt-help", markup=False)
            with Horizontal(id="prompt-buttons"):
                yield Button("OK", id="prompt-ok", variant="primary")
                yield Button("Cancel", id="prompt-cancel")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def error_for(self, value: str) -> str | None:
        """Why ``value`` is not acceptable (None: it is)."""
        return self._check(value.strip()) if self._check is not None else None

    def _show_error(self, text: str | None) -> None:
        error = self.query_one("#prompt-error", Static)
        error.update(Content(f"✗ {text}") if text else "")
        error.display = text is not None
        self.query_one("#prompt-ok", Button).disabled = text is not None

    @on(Input.Changed, "#prompt-input")
    def _changed(self, event: Input.Changed) -> None:
        if event.value != self.initial:
            self._touched = True
        if self._touched:
            self._show_error(self.error_for(event.value))

    @on(Input.Submitted, "#prompt-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#prompt-ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()

    @on(Button.Pressed, "#prompt-cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    def submit(self) -> None:
        """Close with the value if it is valid; otherwise say why and stay open."""
        value = self.query_one(Input).value
        self._touched = True
        error = self.error_for(value)
        self._show_error(error)
        if error is None:
            self.dismiss(value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
