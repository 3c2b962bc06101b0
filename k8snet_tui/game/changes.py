"""What one edit did to the level's flows: the before/after a player reads at a glance.

After every edit, undo, redo or reset the game says in one line which flows it
fixed and which it broke ("fixed: web → api; broke: toolbox ✗ must not reach
db"), and the flow list marks the flows whose verdict moved. A fix that
breaks something else is the most common way to learn nothing from a level,
so the game makes it impossible to miss.
"""

from __future__ import annotations

from dataclasses import dataclass

from k8snet_tui.engine.evaluate import CheckResult
from k8snet_tui.engine.trace import Trace


@dataclass(frozen=True)
class FlowChanges:
    """Flow indexes whose outcome changed: now right, now wrong, or still wrong differently."""

    fixed: tuple[int, ...] = ()
    broke: tuple[int, ...] = ()
    moved: tuple[int, ...] = ()
    names: tuple[str, ...] = ()

    @property
    def changed(self) -> frozenset[int]:
        """Every flow whose verdict changed (what the flow list marks)."""
        return frozenset(self.fixed) | frozenset(self.broke) | frozenset(self.moved)

    @property
    def marks(self) -> dict[int, str]:
        """Flow index → the word the flow list puts beside it: fixed, broke or changed."""
        out = dict.fromkeys(self.moved, "changed")
        out.update(dict.fromkeys(self.fixed, "fixed"))
        out.update(dict.fromkeys(self.broke, "broke"))
        return out

    def summary(self) -> str:
        """``fixed 1, broke 1``: the short form for a status line (names are in the list)."""
        parts = [f"{word} {len(group)}" for word, group in
                 (("fixed", self.fixed), ("broke", self.broke), ("changed", self.moved))
                 if group]
        return ", ".join(parts) or "no flow changed"

    def describe(self) -> str:
        """``fixed: web → api; broke: toolbox must not reach db`` (or "no flow changed")."""
        parts = []
        if self.fixed:
            parts.append("fixed: " + ", ".join(self.names[i] for i in self.fixed))
        if self.broke:
            parts.append("broke: " + ", ".join(self.names[i] for i in self.broke))
        if self.moved:
            parts.append("changed: " + ", ".join(self.names[i] for i in self.moved))
        return "; ".join(parts) or "no flow changed its verdict"


def _outcome(trace: Trace) -> tuple[str, str | None]:
    return trace.verdict.value, trace.reason.value if trace.reason is not None else None


def flow_changes(before: CheckResult, after: CheckResult) -> FlowChanges:
    """Compare two checks of the same level's flows (by position, as the file lists them)."""
    if len(before.traces) != len(after.traces):
        return FlowChanges(names=tuple(t.name for t in after.traces))
    fixed: list[int] = []
    broke: list[int] = []
    moved: list[int] = []
    for i, (old, new) in enumerate(zip(before.traces, after.traces, strict=True)):
        if old.ok != new.ok:
            (fixed if new.ok else broke).append(i)
        elif not new.ok and _outcome(old) != _outcome(new):
            moved.append(i)
    return FlowChanges(tuple(fixed), tuple(broke), tuple(moved),
                       tuple(t.name for t in after.traces))
