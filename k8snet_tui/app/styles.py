"""Text styles for the words a player must never miss: a failure and where it happened.

Colour alone cannot carry them. Under ``NO_COLOR`` Textual turns every colour
into its grey (``Monochrome``), and red is a dark grey: ``bold red`` on a dark
panel came out as grey 237 on 235, the most important word the faintest on the
screen. So every failure marker is *reversed* and carries both of its colours:

- in colour it reads as bright white on red (or black on yellow for a partial);
- under the monochrome filter the pair stays a light grey on a dark one
  (about 10:1), whatever the theme's own background is;
- where colours are dropped altogether (``NoColor`` with native ANSI colours)
  ``reverse`` still swaps the terminal's own foreground and background.

``bold`` keeps them apart from the merely highlighted (the cursor line, a hop
number), which are reversed but not bold in the first place, or carry no colour.

One definition, used by the flow list, the trace view and the cluster map, so a
failure looks the same wherever the player meets it.
"""

from __future__ import annotations

from rich.style import Style

FAILURE = Style(bold=True, reverse=True, color="red", bgcolor="bright_white")
"""✗ FAIL, ✗ DROP, ✗: drawn bright white on red (``reverse`` swaps the pair)."""

PARTIAL = Style(bold=True, reverse=True, color="yellow", bgcolor="black")
"""◐ PART: black on yellow; a failure too, only of some paths."""

FAILURE_NAME = Style(bold=True, underline=True)
"""The name of the object where a packet dies (the cluster map), beside its ``✗ DROP``.

No colour of its own: ``underline red`` turned the name dark grey under
``NO_COLOR``; the theme's foreground is legible on any theme, and the reversed
``✗ DROP`` next to it already says what happened there."""
