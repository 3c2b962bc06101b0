"""The edit language as data: what a level's ``solution`` and a save file hold.

Behaviour (apply, invert, describe, kubectl) lives in ``game/edits.py``; this
module only defines the shapes, so the level format can parse solutions and
export their JSON Schema without the model layer importing the game layer.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field

from k8snet_tui.model.cluster import StrictModel

MAX_EDIT_PATH_CHARS = 4096
"""Longest field path an edit may hold. The grammar (``game/paths.py``) reads at most
1,024 characters; this bound is looser so an undo entry's concrete path (quotes
escaped, ``[name=…]`` as an index) always fits, and tight enough that a level or
save file cannot smuggle a megabyte-long path into every message that names it."""


def _bounded_path(text: str) -> str:
    if len(text) > MAX_EDIT_PATH_CHARS:
        # Not pydantic's max_length: its message would quote the whole text back.
        raise ValueError(f"a field path is at most {MAX_EDIT_PATH_CHARS} characters "
                         f"(this one has {len(text):,})")
    return text


FieldPath = Annotated[str, AfterValidator(_bounded_path),
                      Field(json_schema_extra={"maxLength": MAX_EDIT_PATH_CHARS})]
"""A field path as stored in an edit (its grammar is checked when it is applied)."""


class SetEdit(StrictModel):
    """Set one field of an object, e.g. ``spec.ports[0].targetPort``."""

    op: Literal["set"] = "set"
    ref: str = Field(description="Object reference: kind/NS/NAME, kind/NAME or node/NAME.")
    path: FieldPath = Field(
        description="Field path: spec.ports[0].targetPort, metadata.labels.app …")
    value: Any = Field(default=None, description="The new value: a scalar, list or mapping.")


class UnsetEdit(StrictModel):
    """Remove one field of an object so its Kubernetes default applies again."""

    op: Literal["unset"] = "unset"
    ref: str = Field(description="Object reference: kind/NS/NAME, kind/NAME or node/NAME.")
    path: FieldPath = Field(description="Field path; a list item is removed, later items shift.")


class AddRouteEdit(StrictModel):
    """Add a route to a node's table (creating the table if it used the default)."""

    op: Literal["add-route"] = "add-route"
    ref: str = Field(description="node/NAME")
    to: str = Field(description='Destination CIDR or "default".')
    via: str = Field(description="Next hop address on nodeNetwork.")


class RemoveRouteEdit(StrictModel):
    """Remove the route to a destination from a node's table."""

    op: Literal["remove-route"] = "remove-route"
    ref: str = Field(description="node/NAME")
    to: str = Field(description='Destination CIDR or "default" of the route to remove.')


class CreateEdit(StrictModel):
    """Create an object from a whole manifest."""

    op: Literal["create"] = "create"
    manifest: dict[str, Any] = Field(description="A whole Kubernetes manifest.")
    index: int | None = Field(
        default=None, ge=0,
        description="Position in resources (default: the end). Undo sets it so a deleted "
                    "object returns to its place and keeps its addresses.",
    )


class DeleteEdit(StrictModel):
    """Delete an object."""

    op: Literal["delete"] = "delete"
    ref: str = Field(description="Object reference: kind/NS/NAME or kind/NAME.")


class ReplaceEdit(StrictModel):
    """Replace a whole object with a new manifest (what the YAML editor sends)."""

    op: Literal["replace"] = "replace"
    ref: str = Field(description="Object reference: kind/NS/NAME, kind/NAME or node/NAME.")
    manifest: dict[str, Any] = Field(
        description="The new manifest; its kind, namespace and name must stay the same."
    )


Edit = Annotated[
    SetEdit | UnsetEdit | AddRouteEdit | RemoveRouteEdit | CreateEdit | DeleteEdit | ReplaceEdit,
    Field(discriminator="op"),
]
"""One player action: the same value is a UI action, an undo entry, a solution step."""

AnyEdit = (
    SetEdit | UnsetEdit | AddRouteEdit | RemoveRouteEdit | CreateEdit | DeleteEdit | ReplaceEdit
)
