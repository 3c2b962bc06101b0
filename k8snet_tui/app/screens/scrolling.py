"""Arrow keys scroll a screen's ``#body`` even while a button has the focus.

Briefing and debrief open with their button focused (enter goes on), and
buttons ignore arrow keys; without these bindings the text below the fold was
out of reach at 80×24.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen

SCROLL_BINDINGS = [
    Binding("down", "scroll_body('down')", "Scroll down", show=False),
    Binding("up", "scroll_body('up')", "Scroll up", show=False),
    Binding("pagedown", "scroll_body('page_down')", "Page down", show=False),
    Binding("pageup", "scroll_body('page_up')", "Page up", show=False),
    Binding("home", "scroll_body('home')", "Top", show=False),
    Binding("end", "scroll_body('end')", "Bottom", show=False),
]


def scroll_body(screen: Screen[Any], how: str) -> None:
    body = screen.query_one("#body", VerticalScroll)
    {"down": body.scroll_down, "up": body.scroll_up, "page_down": body.scroll_page_down,
     "page_up": body.scroll_page_up, "home": body.scroll_home,
     "end": body.scroll_end}[how]()
