"""The API server's name rules that more than one layer needs.

The YAML loader and the game's prompts must refuse the same port names, or a
name typed into a prompt could be refused when the level is reloaded (or the
other way round); so the rule is written once here.
"""

from __future__ import annotations

import re

_IANA_SVC_NAME = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?")
PORT_NAME_MAX = 15


def port_name_problem(text: str) -> str | None:
    """Why ``text`` is not an IANA service name (what named ports must be), or None.

    Kubernetes' ``IsValidPortName``: at most 15 characters, lowercase letters,
    digits and ``-``, at least one letter, no ``--``, not starting or ending in ``-``.
    """
    if not text:
        return "a port name cannot be empty"
    if len(text) > PORT_NAME_MAX:
        return f"too long for a port name (at most {PORT_NAME_MAX} characters)"
    if not _IANA_SVC_NAME.fullmatch(text) or "--" in text or not re.search("[a-z]", text):
        return ('not a port name: lowercase letters, digits and "-", with at least one '
                "letter")
    return None
