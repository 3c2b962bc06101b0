"""Text from levels, packs and save files shown in the game without driving the terminal.

Two layers (issue #8, "nothing bad passes silently"):

* where level-supplied text enters a widget — titles, briefings and debriefs, flow
  names, hints, problems, tree labels, toasts — it goes through ``printable`` (or
  ``printable_text`` for a styled Rich ``Text``), so an ESC shows as ``\\x1b``;
* ``ControlCharFilter``, a line filter on the whole app, removes any control
  character still left in what is drawn (a name in the cluster map, the YAML editor,
  the command palette): it takes no cell, so removing it keeps the layout.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Span, Text
from textual.color import Color
from textual.filter import LineFilter

from k8snet_tui.model.printable import is_printable, printable, strip_unprintable

__all__ = ["ControlCharFilter", "printable", "printable_markdown", "printable_text"]


def printable_markdown(markdown: str) -> str:
    """A Markdown document from a level with its control characters escaped (line breaks
    kept). ``\\x1b`` is no Markdown escape (only punctuation is), so it shows as written."""
    return printable(markdown, multiline=True)


def printable_text(text: Text) -> Text:
    """``text`` with its control characters escaped, each piece keeping its styles."""
    plain = text.plain
    if is_printable(plain, multiline=True):
        return text
    cuts = sorted({offset for span in text.spans for offset in (span.start, span.end)
                   if 0 < offset < len(plain)})
    out = Text(style=text.style, justify=text.justify, overflow=text.overflow,
               no_wrap=text.no_wrap, end=text.end, tab_size=text.tab_size)
    for piece in text.divide(cuts):
        shown = printable(piece.plain, multiline=True)
        if shown == piece.plain:
            out.append_text(piece)
            continue
        # Divided at every span edge, a span of a piece covers all of it.
        out.append_text(Text(shown, style=piece.style,
                             spans=[Span(0, len(shown), s.style) for s in piece.spans]))
    return out


class ControlCharFilter(LineFilter):
    """Drops control characters from every drawn segment (Textual's own escape codes
    are made later, from the segments' styles, so none of them is touched)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(control is not None or is_printable(text, multiline=True)
               for text, _, control in segments):
            return segments
        return [segment if segment.control is not None else
                Segment(strip_unprintable(segment.text), segment.style)
                for segment in segments]
