"""What an edit costs: the number of fields it changes, however it was typed.

A YAML apply that rewrites three fields is three edits, the same as three
quick actions; a ``create``, ``delete``, route add or route remove is one. The
score counts edits this way and ``validate`` holds a level's ``par`` to the
same count of its solution, so par means "fields changed by the shortest
known fix", and typing a whole fix into the YAML editor at once earns nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from k8snet_tui.game.edits import EditError, apply_edit, find_object, full_dump
from k8snet_tui.game.paths import diff_paths
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
)
from k8snet_tui.model.load import LoadedLevel

_WHOLE = (CreateEdit, DeleteEdit, AddRouteEdit, RemoveRouteEdit)
"""Edits that count one each: an object or a route appears or goes as a whole."""


def edit_cost(before: LoadedLevel, after: LoadedLevel, edit: AnyEdit) -> int:
    """How many edits ``edit`` (which turned ``before`` into ``after``) counts for.

    0 only when it changed nothing; a field-level edit counts the leaf fields
    whose values differ between the object before and after it.
    """
    if isinstance(edit, _WHOLE):
        return 1
    try:
        old = find_object(before, edit.ref)
        new = find_object(after, edit.ref)
    except EditError:
        return 1
    return len(diff_paths(full_dump(old.obj), full_dump(new.obj)))


def edits_cost(level: LoadedLevel, edits: Iterable[AnyEdit]) -> int:
    """The count of a sequence applied in order (a level's solution), locks not enforced.

    Raises EditError (naming the step) when a step does not apply.
    """
    total = 0
    for i, edit in enumerate(edits, 1):
        try:
            after = apply_edit(level, edit, enforce_locks=False)
        except EditError as exc:
            raise EditError(f"step {i}: {exc.reason}") from None
        total += edit_cost(level, after, edit)
        level = after
    return total
