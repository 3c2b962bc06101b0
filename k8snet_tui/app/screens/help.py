"""Help: every key of the game, the concepts glossary and every drop reason.

The glossary is prose in ``help.md`` beside this file; the keys table and the
reason codes are generated here — the reasons straight from the engine's
``REASON_DOCS`` at runtime — so the help cannot drift from what a trace says.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from importlib.resources import files
from typing import ClassVar, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown

from k8snet_tui.engine.trace import REASON_DOCS, Reason


class KeyHelp(NamedTuple):
    keys: str
    does: str
    where: str


GAME_KEYS: tuple[KeyHelp, ...] = (
    KeyHelp("?", "This help (press again or esc to close it)", "everywhere"),
    KeyHelp("ctrl+p", "Command palette: jump to a level, reset, hint, undo, show a flow …",
            "everywhere"),
    KeyHelp("tab / shift+tab", "Move between panels", "everywhere"),
    KeyHelp("ctrl+q", "Quit (progress is saved as you play)", "everywhere"),
    KeyHelp("↑ / ↓", "Move through packs, chapters and levels", "level select"),
    KeyHelp("enter / click", "Open the highlighted level; fold or unfold a pack or chapter",
            "level select"),
    KeyHelp("space", "Fold or unfold the highlighted pack or chapter", "level select"),
    KeyHelp("e", "Show the problems of packs or levels that did not load", "level select"),
    KeyHelp("q", "Quit", "level select"),
    KeyHelp("z", "Undo the last edit", "level"),
    KeyHelp("y", "Redo the edit you undid", "level"),
    KeyHelp("R", "Reset the level to the broken cluster you started with", "level"),
    KeyHelp("h", "Reveal the next hint (costs score)", "level"),
    KeyHelp("b", "Read the briefing again, with the hints so far", "level"),
    KeyHelp("n", "Select the next failing flow and show its trace", "level"),
    KeyHelp("e", "Edit the object the selected flow's trace blames", "level"),
    KeyHelp("Y", "Edit the selected object (or the culprit) as YAML", "level"),
    KeyHelp("1 / 2 / 3 / 4", "Tabs: map, trace, edit, briefing", "level"),
    KeyHelp("ctrl+s", "In the YAML editor: apply it (invalid YAML changes nothing)", "level"),
    KeyHelp("a", "New object: create a kind the level allows, from a commented manifest",
            "level"),
    KeyHelp("q", "Back to level select (your edits are kept)", "level"),
    KeyHelp("escape", "Close the messages shown; never leaves the level", "level"),
    KeyHelp("n / s / r", "Next level / level select / replay", "debrief"),
    KeyHelp("esc / enter", "Close a dialog (briefing, problems)", "dialogs"),
    KeyHelp("up / down / pageup / pagedown / home / end",
            "Scroll the briefing or the debrief", "dialogs"),
)


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>#|])")


def md_escape(text: str) -> str:
    """Plain text made safe for Markdown (``<pending>`` must not vanish as an HTML tag)."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


def keys_markdown(keys: Sequence[KeyHelp] = GAME_KEYS) -> str:
    """The keys grouped by where they work, one line each (compact at 80 columns)."""
    groups: dict[str, list[KeyHelp]] = {}
    for key in keys:
        groups.setdefault(key.where, []).append(key)
    lines = ["## Keys"]
    for where, entries in groups.items():
        lines += ["", f"**{md_escape(where.capitalize())}**", ""]
        lines += [f"- `{k.keys}` — {md_escape(k.does)}" for k in entries]
    return "\n".join(lines)


def reasons_markdown() -> str:
    """Every reason code a trace can end with, in the engine's own words."""
    lines = ["## Why a packet was dropped", "",
             "A failing flow's trace ends with one of these reason codes, "
             "and names the object and field to look at.", ""]
    for reason in Reason:
        doc = REASON_DOCS.get(reason, "")
        lines.append(f"- **`{reason.value}`** — {md_escape(doc)}")
    return "\n".join(lines)


def glossary_markdown() -> str:
    return files("k8snet_tui.app.screens").joinpath("help.md").read_text(encoding="utf-8")


def help_markdown(keys: Sequence[KeyHelp] = GAME_KEYS) -> str:
    return "\n\n".join([keys_markdown(keys), glossary_markdown().strip(), reasons_markdown()])


class HelpScreen(Screen[None]):
    """Keys, concepts and reason codes in one scrollable page."""

    CSS_PATH = "help.tcss"
    AUTO_FOCUS = "#help-scroll"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back"),
        Binding("question_mark", "close", "Close help", show=False),
    ]

    def __init__(self, keys: Sequence[KeyHelp] = GAME_KEYS) -> None:
        super().__init__()
        self.keys = tuple(keys)

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="help-scroll"):
            yield Markdown(help_markdown(self.keys), id="help")
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Help"

    def action_close(self) -> None:
        self.dismiss(None)
