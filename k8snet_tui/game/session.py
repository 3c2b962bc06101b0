"""A level being played: its state, the undo/redo stacks, hints and the score.

The session owns no UI. Every change is one ``Edit`` (the same type solutions
and save files use); the session applies it through ``game.edits``, re-checks
every flow and keeps the inverse for undo. Time comes from an injected clock so
tests never depend on the wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from k8snet_tui.engine.evaluate import CheckResult, evaluate_level
from k8snet_tui.game.edits import (
    EditError,
    apply_edit,
    describe_edit,
    edit_as_kubectl,
    invert_edit,
)
from k8snet_tui.game.hints import hint_tiers
from k8snet_tui.game.locks import editable_fields, original_refs
from k8snet_tui.model.edits import AnyEdit
from k8snet_tui.model.load import LoadedLevel

Clock = Callable[[], float]


@dataclass(frozen=True)
class Score:
    """How well a level was solved: edits against par, hints, time, stars (0-3)."""

    edits: int
    par: int | None
    hints: int
    seconds: float
    stars: int

    def describe(self) -> str:
        par = f" (par {self.par})" if self.par is not None else ""
        hints = "no hints" if not self.hints else f"{self.hints} hint{'s' * (self.hints > 1)}"
        return f"{self.edits} edit{'s' * (self.edits != 1)}{par}, {hints}, {self.stars}/3 stars"


def stars_for(edits: int, par: int | None, hints: int, solved: bool) -> int:
    """3: at or under par without hints; 2: within two of par with at most one hint; 1: solved."""
    if not solved:
        return 0
    par_ok = par is None or edits <= par
    if par_ok and hints == 0:
        return 3
    if (par is None or edits <= par + 2) and hints <= 1:
        return 2
    return 1


class Session:
    def __init__(self, level: LoadedLevel, *, clock: Clock = time.monotonic) -> None:
        self.start = level
        self.level = level
        self.original = original_refs(level)
        self.clock = clock
        self.started_at = clock()
        self.solved_at: float | None = None
        self._undo: list[tuple[AnyEdit, AnyEdit]] = []
        self._redo: list[tuple[AnyEdit, AnyEdit]] = []
        self.hints_used = 0
        self._before_reset: tuple[LoadedLevel, list[tuple[AnyEdit, AnyEdit]],
                                  list[tuple[AnyEdit, AnyEdit]]] | None = None
        self.result: CheckResult = evaluate_level(level)

    # ------------------------------------------------------------- state
    @property
    def edits(self) -> list[AnyEdit]:
        """The edits that make the current state, in order (what the score counts)."""
        return [edit for edit, _ in self._undo]

    @property
    def solved(self) -> bool:
        return self.result.solved

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) or self._before_reset is not None

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def editable(self, ref: str) -> tuple[str, ...] | None:
        """None: locked; ``()``: every field; else the field prefixes the player may change."""
        return editable_fields(self.level, ref, original=self.original)

    def _recheck(self) -> CheckResult:
        self.result = evaluate_level(self.level)
        if self.result.solved and self.solved_at is None:
            self.solved_at = self.clock()
        return self.result

    # ----------------------------------------------------------- actions
    def apply(self, edit: AnyEdit) -> CheckResult:
        """Apply a player edit; raises EditError (and changes nothing) when refused."""
        inverse = invert_edit(self.level, edit)
        after = apply_edit(self.level, edit, enforce_locks=True, original=self.original)
        if after.spec == self.level.spec:
            raise EditError(f"that changes nothing ({describe_edit(edit)} is already so), so it "
                            "is not counted")
        self.level = after
        self._undo.append((edit, inverse))
        self._redo.clear()
        self._before_reset = None
        return self._recheck()

    def undo(self) -> CheckResult | None:
        if not self._undo and self._before_reset is not None:
            # Undoing a reset brings back everything it threw away.
            self.level, self._undo, self._redo = self._before_reset
            self._before_reset = None
            return self._recheck()
        if not self._undo:
            return None
        edit, inverse = self._undo.pop()
        self.level = apply_edit(self.level, inverse, enforce_locks=False)
        self._redo.append((edit, inverse))
        return self._recheck()

    def redo(self) -> CheckResult | None:
        if not self._redo:
            return None
        edit, inverse = self._redo.pop()
        self.level = apply_edit(self.level, edit, enforce_locks=False)
        self._undo.append((edit, inverse))
        return self._recheck()

    def reset(self) -> CheckResult:
        """Back to the level as opened; the clock and hints used are kept (no free retries).

        A reset is itself undoable: the next undo restores the edits it removed.
        """
        if self._undo or self._redo:
            self._before_reset = (self.level, list(self._undo), list(self._redo))
        self.level = self.start
        self._undo = []
        self._redo = []
        self.solved_at = None
        return self._recheck()

    def replay(self, edits: Sequence[AnyEdit]) -> list[str]:
        """Re-apply saved edits (resuming a level); returns the ones that no longer apply."""
        skipped: list[str] = []
        for edit in edits:
            try:
                self.apply(edit)
            except EditError as exc:
                skipped.append(f"{describe_edit(edit)}: {exc.reason}")
        return skipped

    # ------------------------------------------------------------- hints
    def available_hints(self) -> list[str]:
        puzzle = self.level.spec.puzzle
        return hint_tiers(puzzle.hints if puzzle else [], self.result.traces)

    def shown_hints(self) -> list[str]:
        return self.available_hints()[: self.hints_used]

    def next_hint(self) -> str | None:
        """Reveal one more hint (it costs score); None when there are no more."""
        hints = self.available_hints()
        if self.hints_used >= len(hints):
            return None
        self.hints_used += 1
        return hints[self.hints_used - 1]

    # ------------------------------------------------------------- score
    @property
    def par(self) -> int | None:
        puzzle = self.start.spec.puzzle
        if puzzle is None:
            return None
        return puzzle.par if puzzle.par is not None else (len(puzzle.solution) or None)

    def elapsed(self) -> float:
        end = self.solved_at if self.solved_at is not None else self.clock()
        return max(0.0, end - self.started_at)

    def score(self) -> Score:
        edits = len(self._undo)
        return Score(edits, self.par, self.hints_used, self.elapsed(),
                     stars_for(edits, self.par, self.hints_used, self.solved))

    def kubectl(self) -> list[str]:
        """The player's edits as the commands that make the same change on a real cluster."""
        commands: list[str] = []
        level = self.start
        for edit in self.edits:
            commands.append(edit_as_kubectl(level, edit))
            level = apply_edit(level, edit, enforce_locks=False)
        return commands

    def describe_edits(self) -> list[str]:
        return [describe_edit(e) for e in self.edits]
