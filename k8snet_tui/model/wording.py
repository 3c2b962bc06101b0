"""Small wording helpers shared by every layer that writes sentences for people."""

from __future__ import annotations


def plural(count: int, word: str) -> str:
    """``1 edit``, ``3 edits``: the count and the word, agreed."""
    return f"{count} {word}{'' if count == 1 else 's'}"
