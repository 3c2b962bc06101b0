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
from k8snet_tui.game.blast import Finding, level_blast_radius
from k8snet_tui.game.changes import FlowChanges, flow_changes
from k8snet_tui.game.cost import edit_cost, edits_cost
from k8snet_tui.game.edits import (
    EditError,
    apply_edit,
    apply_edits,
    describe_edit,
    edit_as_kubectl,
    invert_edit,
)
from k8snet_tui.game.explain import Explanation, explain
from k8snet_tui.game.hints import hint_tiers
from k8snet_tui.game.locks import editable_fields, original_refs
from k8snet_tui.game.view import StateView
from k8snet_tui.model.edits import AnyEdit
from k8snet_tui.model.load import LoadedLevel

Clock = Callable[[], float]


@dataclass(frozen=True)
class Step:
    """One entry of the undo stack: the edits applied together (a rename is two), the
    inverses that undo them in the order to apply, and what they cost."""

    edits: tuple[AnyEdit, ...]
    inverses: tuple[AnyEdit, ...]
    cost: int


@dataclass(frozen=True)
class Score:
    """How well a level was solved: edits against par, hints, time, stars (0-3), and the
    connections the fix opens beyond the level's own solution (``game.blast``)."""

    edits: int
    par: int | None
    hints: int
    seconds: float
    stars: int
    over_permissive: tuple[Finding, ...] = ()

    def describe(self) -> str:
        par = f" (par {self.par})" if self.par is not None else ""
        hints = "no hints" if not self.hints else f"{self.hints} hint{'s' * (self.hints > 1)}"
        extra = ", over-permissive (-1 star)" if self.over_permissive else ""
        return (f"{self.edits} edit{'s' * (self.edits != 1)}{par}, {hints}{extra}, "
                f"{self.stars}/3 stars")


def stars_for(edits: int, par: int | None, hints: int, solved: bool, *,
              over_permissive: bool = False) -> int:
    """3: at or under par without hints; 2: within two of par with at most one hint; 1: solved.

    A fix that opens connections the level's solution does not (``over_permissive``)
    costs one star, never below 1 for a solved level.
    """
    if not solved:
        return 0
    par_ok = par is None or edits <= par
    if par_ok and hints == 0:
        stars = 3
    elif (par is None or edits <= par + 2) and hints <= 1:
        stars = 2
    else:
        stars = 1
    return max(1, stars - 1) if over_permissive else stars


class Session:
    def __init__(self, level: LoadedLevel, *, clock: Clock = time.monotonic) -> None:
        self.start = level
        self.level = level
        self.original = original_refs(level)
        self.clock = clock
        self.started_at = clock()
        self.solved_at: float | None = None
        self._undo: list[Step] = []
        self._redo: list[Step] = []
        self.hints_used = 0
        self._before_reset: tuple[LoadedLevel, list[Step], list[Step]] | None = None
        self._par: int | None = None
        self.result: CheckResult = evaluate_level(level)
        self._explained: tuple[CheckResult | None, dict[int, Explanation | None]] = (None, {})
        self._view: StateView | None = None
        self.last_change: FlowChanges = FlowChanges()
        """What the last edit, undo, redo or reset changed in the flows' verdicts."""

    # ------------------------------------------------------------- state
    @property
    def edits(self) -> list[AnyEdit]:
        """The edits that make the current state, in order (what the score counts)."""
        return [edit for step in self._undo for edit in step.edits]

    @property
    def edit_count(self) -> int:
        """The score's count: each field changed is one edit (``game.cost``)."""
        return sum(step.cost for step in self._undo)

    @property
    def solved(self) -> bool:
        return self.result.solved

    @property
    def can_undo(self) -> bool:
        return bool(self._undo) or self._before_reset is not None

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def view(self) -> StateView:
        """What the screens show about the current state, computed once per state."""
        if self._view is None or self._view.level is not self.level:
            self._view = StateView(self.level)
        return self._view

    def editable(self, ref: str) -> tuple[str, ...] | None:
        """None: locked; ``()``: every field; else the field prefixes the player may change."""
        return editable_fields(self.level, ref, original=self.original)

    def _recheck(self) -> CheckResult:
        before = self.result
        self.result = evaluate_level(self.level)
        self.last_change = flow_changes(before, self.result)
        if self.result.solved and self.solved_at is None:
            self.solved_at = self.clock()
        return self.result

    # ----------------------------------------------------------- actions
    def apply(self, edit: AnyEdit) -> CheckResult:
        """Apply a player edit; raises EditError (and changes nothing) when refused."""
        return self.apply_group((edit,))

    def apply_group(self, edits: Sequence[AnyEdit]) -> CheckResult:
        """Apply edits as one step (a rename: delete + create), undone together.

        Raises EditError and changes nothing when any of them is refused.
        """
        level, cost = self.level, 0
        inverses: list[AnyEdit] = []
        for edit in edits:
            inverse = invert_edit(level, edit)
            after = apply_edit(level, edit, enforce_locks=True, original=self.original)
            cost += edit_cost(level, after, edit)
            inverses.insert(0, inverse)
            level = after
        if level.spec == self.level.spec:
            what = "; ".join(describe_edit(e) for e in edits)
            raise EditError(f"that changes nothing ({what} is already so), so it is not counted")
        self.level = level
        self._undo.append(Step(tuple(edits), tuple(inverses), cost))
        self._redo.clear()
        self._before_reset = None
        return self._recheck()

    @property
    def undo_label(self) -> str | None:
        """What the next undo takes back, in words (None: nothing)."""
        if not self._undo:
            return "the reset" if self._before_reset is not None else None
        return "; ".join(describe_edit(e) for e in self._undo[-1].edits)

    @property
    def redo_label(self) -> str | None:
        """What the next redo applies again, in words (None: nothing)."""
        return "; ".join(describe_edit(e) for e in self._redo[-1].edits) if self._redo else None

    def undo(self) -> CheckResult | None:
        if not self._undo and self._before_reset is not None:
            # Undoing a reset brings back everything it threw away.
            self.level, self._undo, self._redo = self._before_reset
            self._before_reset = None
            return self._recheck()
        if not self._undo:
            return None
        step = self._undo.pop()
        self.level = apply_edits(self.level, step.inverses)
        self._redo.append(step)
        return self._recheck()

    def redo(self) -> CheckResult | None:
        if not self._redo:
            return None
        step = self._redo.pop()
        self.level = apply_edits(self.level, step.edits)
        self._undo.append(step)
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
        result = self._recheck()
        # Back to the start is no edit of the player's: nothing to mark as fixed or broke.
        self.last_change = FlowChanges()
        return result

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
        return hint_tiers(puzzle.hints if puzzle else [], self.result.traces,
                          level=self.level, original=self.original)

    def culprit(self, index: int) -> str | None:
        """The object to open for flow ``index`` (what ``e`` edits), or None.

        In order: the one the explanation names (for a flow that gets through when it
        must not, the one that should stop it), the one the trace blames, the one at
        its failing hop (a workload's pod: the workload), then the other objects on the
        way back from there. The first the player may edit wins: sending a player to a
        locked object, or to a default deny the fix must keep, teaches the wrong fix.
        None when the fix is a new object (the explanation says which: ``e`` then
        offers to create it) or nothing on the way is the player's to change.
        """
        traces = self.result.traces
        if not 0 <= index < len(traces):
            return None
        trace = traces[index]
        explanation = self.explanation(index)
        if explanation is not None and explanation.fix and explanation.ref is not None:
            return explanation.ref
        if explanation is not None and explanation.create is not None:
            return None  # "no policy allows it: add one" — a create, not an edit
        owners = {p.ref: p.owner for p in self.level.world.pods if p.owner}
        candidates: list[str] = []
        if explanation is not None and explanation.ref is not None:
            candidates.append(explanation.ref)  # what blocks or admits it, maybe locked
        if trace.blame is not None:
            candidates.append(trace.blame.ref)
        hops = list(trace.hops)
        failing = trace.failing_hop
        upto = hops.index(failing) + 1 if failing is not None else len(hops)
        for hop in reversed(hops[:upto]):
            ref = hop.ref
            if not ref or "/" not in ref or ref.split("/", 1)[0] in ("internet", "gateway"):
                continue
            candidates.append(owners.get(ref, ref))
        editable = next((r for r in candidates if self._editable_or_none(r) is not None), None)
        return editable or (candidates[0] if candidates else None)

    def _editable_or_none(self, ref: str) -> tuple[str, ...] | None:
        try:
            return self.editable(ref)
        except EditError:
            return None

    def explanation(self, index: int) -> Explanation | None:
        """What to tell the player about flow ``index`` now (computed once per state)."""
        if self._explained[0] is not self.result:
            self._explained = (self.result, {})
        cache = self._explained[1]
        if index not in cache:
            traces = self.result.traces
            cache[index] = (explain(self.level, traces[index], original=self.original)
                            if 0 <= index < len(traces) else None)
        return cache[index]

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
        """The level's par, else what its solution costs (counted like the player's edits)."""
        puzzle = self.start.spec.puzzle
        if puzzle is None:
            return None
        if puzzle.par is not None:
            return puzzle.par
        if self._par is None and puzzle.solution:
            try:
                self._par = edits_cost(self.start, puzzle.solution)
            except EditError:
                return None
        return self._par

    def elapsed(self) -> float:
        end = self.solved_at if self.solved_at is not None else self.clock()
        return max(0.0, end - self.started_at)

    def score(self) -> Score:
        edits = self.edit_count
        # Only a solved state is compared with the solution; the result is cached per
        # state in game.blast, so the refresh calling this every time costs nothing.
        blast = level_blast_radius(self.start, self.level) if self.solved else None
        findings = blast.findings if blast is not None else ()
        return Score(edits, self.par, self.hints_used, self.elapsed(),
                     stars_for(edits, self.par, self.hints_used, self.solved,
                               over_permissive=bool(findings)), findings)

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
