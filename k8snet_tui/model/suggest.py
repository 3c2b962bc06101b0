""""Did you mean …?" for a misspelt key, reference or enum value.

One routine so every message suggests the same way: a case-only difference
first (``podselector`` → ``podSelector``), then the closest spelling by
``difflib``'s ratio, and nothing when no candidate is close — a wrong
suggestion is worse than none.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

CUTOFF = 0.7


def closest(word: str, choices: Iterable[str]) -> str | None:
    """The choice ``word`` was most likely meant to be, or None."""
    options = sorted(set(choices))
    lowered = word.lower()
    for option in options:
        if option.lower() == lowered and option != word:
            return option
    by_lower = {o.lower(): o for o in options}
    found = difflib.get_close_matches(lowered, list(by_lower), n=1, cutoff=CUTOFF)
    return by_lower[found[0]] if found and by_lower[found[0]] != word else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean X?"`` to append to a message, or ``""``."""
    match = closest(word, choices)
    return f"; did you mean {match}?" if match else ""


def closest_ref(ref: str, refs: Iterable[str]) -> str | None:
    """The object ``kind/ns/name`` was meant to name: a close name of that kind in that
    namespace, else the same name in another namespace (comparing whole refs would
    call any two Services in one namespace close)."""
    parts = ref.split("/")
    kind, name = parts[0], parts[-1]
    namespace = parts[1] if len(parts) == 3 else None
    same_kind = [r.split("/") for r in refs if r.startswith(f"{kind}/")]
    here = {p[-1]: "/".join(p) for p in same_kind
            if (p[1] if len(p) == 3 else None) == namespace}
    match = closest(name, here)
    if match is not None:
        return here[match]
    elsewhere = sorted("/".join(p) for p in same_kind if p[-1] == name and len(p) == 3)
    return elsewhere[0] if elsewhere else None


def did_you_mean_ref(ref: str, refs: Iterable[str]) -> str:
    match = closest_ref(ref, refs)
    return f"; did you mean {match}?" if match else ""
