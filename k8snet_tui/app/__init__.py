"""The Textual game. It renders state and sends edits; it never decides networking."""
