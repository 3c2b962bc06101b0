"""Text cut to fit a line at a word boundary, with an ellipsis: trees and headers.

A label cut mid-word ("locked · d") reads as a typo; cut after a whole word with
"…" it reads as "there is more" (the inspector or details panel has it all).
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from k8snet_tui.app.safe_text import printable_text


def fit_words(text: Text, width: int) -> Text:
    """``text`` cut to ``width`` cells after a whole word, ending in "…" when anything was
    cut (a word longer than half the room is cut inside, rather than leave it empty)."""
    if text.cell_len <= width:
        return text
    if width <= 1:
        return Text("…"[:width])
    plain = text.plain
    end, used = 0, 0
    for ch in plain:  # the longest start that leaves one cell for the ellipsis
        used += cell_len(ch)
        if used > width - 1:
            break
        end += 1
    space = plain.rfind(" ", 0, end + 1)
    if space >= (width - 1) // 2:
        end = space
    while end > 0 and plain[end - 1] in " ·,;:—-":
        end -= 1
    out = text[:end]
    out.append("…")
    return out


def fit_words_str(text: str, width: int) -> str:
    return fit_words(Text(text), width).plain


def fit_tree_label(tree: Tree[Any], node: TreeNode[Any], label: Text) -> Text:
    """A tree line's label cut after a whole word to the room beside its guides (the
    root hidden), so no line reads as cut mid-word or makes the tree scroll sideways.

    Every label of both trees (level select, objects) passes here: names and titles from
    input get their control characters escaped first (``printable_text``)."""
    label = printable_text(label)
    depth, parent = 0, node.parent
    while parent is not None and parent is not tree.root:
        depth, parent = depth + 1, parent.parent
    room = tree.scrollable_content_region.width - depth * tree.guide_depth
    return fit_words(label, room) if room > 0 else label
