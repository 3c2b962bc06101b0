"""What a puzzle lets the player touch (``puzzle.editable``, ``create``, ``delete``).

A level is a puzzle because most of it is fixed: the player repairs the
Service, not the pods that make the bug visible. Locks are checked against
the edit's *effect* — the concrete field paths it changes — so a quick action,
a typed path with ``[name=http]`` and a whole-object YAML replace are judged
alike.

Objects the player created are theirs: editable and deletable. The level
itself does not record who created what, so callers pass ``original`` (the
refs of the level as opened, ``original_refs(start)``); without it every
object present counts as original, which can only refuse more, never less.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from pydantic import ValidationError

from k8snet_tui.game.edits import EditError, Target, canonical_ref, find_object, full_dump
from k8snet_tui.game.paths import (
    PathError,
    Segment,
    diff_paths,
    is_prefix,
    parse_path,
    resolve_path,
)
from k8snet_tui.model.cluster import NodeSpec
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    ReplaceEdit,
)
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import resource_ref


def original_refs(level: LoadedLevel) -> frozenset[str]:
    """Every object ref of ``level``: what a session passes as ``original`` from its start."""
    refs = {resource_ref(r) for r in level.spec.resources if r.metadata is not None}
    return frozenset(refs | {f"node/{n.name}" for n in level.spec.cluster.nodes})


def can_create(level: LoadedLevel) -> bool:
    """May the player create objects at all here (a sandbox, or ``puzzle.create``)?"""
    puzzle = level.spec.puzzle
    return puzzle is None or bool(puzzle.create)


def _created(ref: str, original: Collection[str] | None) -> bool:
    return original is not None and ref not in original


def editable_fields(level: LoadedLevel, ref: str, *,
                    original: Collection[str] | None = None) -> tuple[str, ...] | None:
    """None: locked; ``()``: every field; otherwise the field prefixes the player may change."""
    puzzle = level.spec.puzzle
    canon = canonical_ref(ref)
    if puzzle is None or _created(canon, original):
        return ()
    fields: list[str] = []
    found = False
    for spec in puzzle.editable_specs():
        try:
            if canonical_ref(spec.ref) != canon:
                continue
        except EditError:
            continue
        if not spec.fields:
            return ()
        found = True
        fields += [f for f in spec.fields if f not in fields]
    return tuple(fields) if found else None


def _normalised(target: Target, manifest: dict[str, Any]) -> Any:
    """The manifest as the model would store it, or None when it is invalid anyway."""
    try:
        if target.is_node:
            return full_dump(NodeSpec.model_validate(manifest))
        return full_dump(type(target.obj).model_validate(manifest))
    except ValidationError:
        return None


def _changed_paths(target: Target, edit: AnyEdit) -> list[tuple[Segment, ...]]:
    if isinstance(edit, (AddRouteEdit, RemoveRouteEdit)):
        return [("routes",)]
    if isinstance(edit, ReplaceEdit):
        new = _normalised(target, edit.manifest)
        return [] if new is None else diff_paths(full_dump(target.obj), new)
    data = target.data()
    path = getattr(edit, "path", None)
    if not isinstance(path, str):
        return []
    try:
        return [resolve_path(data, path)]
    except PathError:
        return []  # the edit itself will report the bad path


def _prefixes(data: Any, fields: Sequence[str]) -> list[tuple[Segment, ...]]:
    out: list[tuple[Segment, ...]] = []
    for text in fields:
        try:
            parsed = parse_path(text)
        except PathError:
            continue  # a broken lock in the level file opens nothing
        try:
            out.append(resolve_path(data, parsed))
        except PathError:
            out.append(parsed)
    return out


def _join(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def refusal(level: LoadedLevel, edit: AnyEdit, *,
            original: Collection[str] | None = None) -> str | None:
    """Why the puzzle forbids ``edit``, in words a player understands; None = allowed.

    Only locks are judged here: an edit on a missing object or with a bad
    path is "allowed" and then fails in ``apply_edit`` with its own reason.
    """
    puzzle = level.spec.puzzle
    if puzzle is None:
        return None
    if isinstance(edit, CreateEdit):
        kind = str(edit.manifest.get("kind") or "")
        if kind.lower() in {k.lower() for k in puzzle.create}:
            return None
        allowed = f" (you may create: {', '.join(puzzle.create)})" if puzzle.create else ""
        return f"this level does not let you create {kind or 'such'} objects{allowed}"
    try:
        target = find_object(level, edit.ref)
    except EditError:
        return None
    if isinstance(edit, DeleteEdit):
        if _created(target.ref, original) or target.kind.lower() in {
                k.lower() for k in puzzle.delete}:
            return None
        allowed = f" (you may delete: {', '.join(puzzle.delete)})" if puzzle.delete else ""
        return f"{target.ref} cannot be deleted in this level{allowed}"
    fields = editable_fields(level, target.ref, original=original)
    if fields is None:
        return f"{target.ref} is locked in this level"
    if not fields:
        return None
    allowed_paths = _prefixes(target.data(), fields)
    for path in _changed_paths(target, edit):
        if not any(is_prefix(prefix, path) for prefix in allowed_paths):
            return f"only {_join(fields)} of {target.ref} may be edited"
    return None
