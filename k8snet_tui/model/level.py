"""The level file (``format: k8snet/v1``) and the pack file, as pydantic models.

These models are the public contract of DESIGN.md §3: the JSON Schema printed
by ``k8snet-tui schema`` is generated from them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool, StrictInt, field_validator, model_validator

from k8snet_tui.model.cluster import ClusterSpec, StrictModel
from k8snet_tui.model.edits import Edit
from k8snet_tui.model.flows import FlowSpec
from k8snet_tui.model.resources import Resource

FormatTag = Literal["k8snet/v1"]
_ID = r"^[a-z0-9]([-a-z0-9_.]{0,62}[a-z0-9])?$"


class EditableSpec(StrictModel):
    """An object the player may edit, limited to some fields."""

    ref: str = Field(description="Object reference: kind/NS/NAME, kind/NAME or node/NAME.")
    fields: list[str] = Field(
        default_factory=list,
        description="Field paths (prefixes) the player may change; empty means every field.",
    )


class Puzzle(StrictModel):
    """What makes a scenario a puzzle: locks, par, hints and a known solution."""

    editable: list[str | EditableSpec] = Field(
        default_factory=list, description="Objects (or their fields) the player may change."
    )
    create: list[str] = Field(default_factory=list, description="Kinds the player may add.")
    delete: list[str] = Field(default_factory=list, description="Kinds the player may delete.")
    par: StrictInt | None = Field(default=None, ge=0, description="Edits in the shortest solution.")
    hints: list[str] = Field(
        default_factory=list,
        description="Shown one at a time, from vague to precise; the engine's own hints follow.",
    )
    solution: list[Edit] = Field(
        default_factory=list,
        description="The shortest known fix, in the edit language; validate checks it works.",
    )

    def editable_specs(self) -> list[EditableSpec]:
        return [EditableSpec(ref=e) if isinstance(e, str) else e for e in self.editable]


class LevelFile(StrictModel):
    """A level: a small cluster, flows it must (not) allow, and optionally a puzzle."""

    format: FormatTag = Field(description="Always k8snet/v1 for this version of the format.")
    id: str = Field(pattern=_ID, description="Unique in its pack.")
    title: str | None = Field(default=None, description="Defaults to the id.")
    difficulty: StrictInt = Field(
        default=1, ge=1, le=5, description="1 (one idea, one edit) to 5 (several faults, decoys)."
    )
    concepts: list[str] = Field(
        default_factory=list, description="Free tags, e.g. pod-to-service, targetPort."
    )
    briefing: str = Field(
        default="", description="Markdown shown when the level opens: the symptom, not the fix."
    )
    debrief: str = Field(
        default="", description="Markdown shown when the level is solved: the real-world lesson."
    )
    cluster: ClusterSpec = Field(
        default_factory=ClusterSpec, description="Nodes, networks and routes."
    )
    include: list[str] = Field(
        default_factory=list, description="Manifest files or globs, relative to the level file."
    )
    resources: list[Resource] = Field(
        default_factory=list, description="Kubernetes manifests, as kubectl would take them."
    )
    flows: list[FlowSpec] = Field(
        description="Connections that must (expect: allow) or must not (expect: deny) work."
    )
    puzzle: Puzzle | None = Field(
        default=None, description="Locks, par, hints and solution; absent: a sandbox scenario."
    )

    @model_validator(mode="after")
    def _title(self) -> LevelFile:
        if self.title is None:
            self.title = self.id
        return self

    @property
    def display_title(self) -> str:
        return self.title or self.id


class Chapter(StrictModel):
    id: str = Field(pattern=_ID, description="Unique in the pack.")
    title: str = Field(description="Shown on level select.")
    levels: list[str] = Field(
        min_length=1, description="Level files in play order, relative to pack.yaml."
    )


class PackFile(StrictModel):
    """``pack.yaml``: an ordered collection of levels, optionally in chapters."""

    format: FormatTag = Field(description="Always k8snet/v1 for this version of the format.")
    id: str = Field(pattern=_ID, description="The pack's id: lowercase letters, digits, - _ .")
    title: str = Field(description="Shown on level select.")
    author: str = Field(default="unknown", description="Who wrote the pack.")
    version: str = Field(default="0.1.0", description="The pack's own version, free text.")
    description: str = Field(default="", description="What players learn in this pack.")
    chapters: list[Chapter] | None = Field(
        default=None, description="Ordered chapters of level files; or use levels."
    )
    levels: list[str] | None = Field(
        default=None,
        description="A flat ordered list of level files, relative to pack.yaml; or use chapters.",
    )
    unlockAll: StrictBool = Field(
        default=False, description="Every level playable from the start (no unlock order)."
    )

    @field_validator("levels")
    @classmethod
    def _non_empty(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("a pack needs at least one level")
        return value

    @model_validator(mode="after")
    def _chapters_or_levels(self) -> PackFile:
        if (self.chapters is None) == (self.levels is None):
            raise ValueError("a pack has either chapters or levels, not both and not neither")
        return self

    def level_files(self) -> list[str]:
        if self.chapters is not None:
            return [f for ch in self.chapters for f in ch.levels]
        return list(self.levels or [])
