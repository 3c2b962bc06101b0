"""Text from input made safe to show on a terminal: control characters as visible escapes.

A level file, a manifest, a pack or a save file may hold any character. Written raw, an
ESC starts an escape sequence (``\\x1b]0;pwned\\x07`` sets the window title, ``\\x1b[2J``
clears the screen), a C1 character such as U+009B is a CSI on some terminals, and a
bidi override (U+202E) makes the text after it read backwards. Everything taken from
input passes through :func:`printable` where it is shown: the CLI's problems and
reports, the game's titles, briefings, flow names, hints and errors.

Pure Python on purpose (no Rich, no Textual): the model, the CLI and the app share it.
"""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_UNSAFE_INLINE = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_MULTILINE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
_UNSAFE_JSON = re.compile(f"[\x7f-\x9f{_BIDI}]")
"""What ``json.dumps(ensure_ascii=False)`` leaves raw: DEL, C1 and the bidi controls
(it escapes C0 itself)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str, *, multiline: bool = False) -> str:
    r"""``text`` with every control character written as an escape a person can read.

    C0 controls (``\x00``–``\x1f``), DEL, C1 (U+0080–U+009F) and the bidi overrides and
    isolates (U+202A–U+202E, U+2066–U+2069) become ``\x1b``, ``\x9b``, ``\u202e``, ….
    With ``multiline`` a line break and a tab stay what they are (a briefing has lines).
    Idempotent: the result holds no control character, so escaping it again changes
    nothing.
    """
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_INLINE
    if pattern.search(text) is None:
        return text
    return pattern.sub(_escape, text)


def is_printable(text: str, *, multiline: bool = False) -> bool:
    """Whether ``text`` is shown as it is (``printable`` would not change it)."""
    pattern = _UNSAFE_MULTILINE if multiline else _UNSAFE_INLINE
    return pattern.search(text) is None


def strip_unprintable(text: str) -> str:
    """``text`` without any control character but line breaks and tabs: the last line of
    defence where an escape cannot be shown without changing the width of what is drawn
    (these characters take no cell, so removing them keeps every column in place)."""
    return _UNSAFE_MULTILINE.sub("", text)


def printable_json(text: str) -> str:
    r"""JSON text (from ``json.dumps(..., ensure_ascii=False)``) with DEL, C1 and the bidi
    controls written as ``\u`` escapes as well: the same JSON value, safe on a terminal.

    Those characters can only occur inside JSON strings, where ``\uXXXX`` means them."""
    return _UNSAFE_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
