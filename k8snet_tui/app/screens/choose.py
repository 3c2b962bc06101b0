"""A small modal list: pick one of a few options by arrows + enter, or a click.

"New object" uses it to ask which kind (and in which namespace) before the
YAML editor opens on that kind's starting manifest. It dismisses with the
chosen option's index, or None when cancelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class ChooseScreen(ModalScreen[int | None]):
    """Ask the player to pick one option; dismiss with its index, or None on cancel."""

    CSS_PATH = "choose.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, question: str, options: Sequence[str], *, help: str = "",
                 highlight: int = 0) -> None:
        super().__init__()
        self.question = question
        self.options = list(options)
        self.help_text = help
        self.highlight = highlight if 0 <= highlight < len(self.options) else 0

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-dialog"):
            yield Static(self.question, id="choose-question", markup=False)
            yield OptionList(*(Option(Content(text)) for text in self.options),
                             id="choose-options")
            if self.help_text:
                yield Static(self.help_text, id="choose-help", markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        if self.options:
            options.highlighted = self.highlight

    @on(OptionList.OptionSelected, "#choose-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
