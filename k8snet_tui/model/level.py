"""The level file (``format: k8snet/v1``) and the pack file, as pydantic models.

These models are the public contract of DESIGN.md §3: the JSON Schema printed
by ``k8snet-tui schema`` is generated from them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator, model_validator

from k8snet_tui.model.cluster import ClusterSpec, StrictModel
from k8snet_tui.model.edits import Edit
from k8snet_tui.model.flows import FlowSpec
from k8snet_tui.model.resources import Resource

FormatTag = Literal["k8snet/v1"]
_ID = r"^[a-z0-9]([-a-z0-9_.]{0,62}[a-z0-9])?$"


class EditableSpec(StrictModel):
    """An object the player may edit, limited to some fields."""

    ref: str
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
    par: int | None = Field(default=None, ge=0, description="Edits in the shortest solution.")
    hints: list[str] = Field(default_factory=list, description="From vague to precise.")
    solution: list[Edit] = Field(default_factory=list)

    def editable_specs(self) -> list[EditableSpec]:
        return [EditableSpec(ref=e) if isinstance(e, str) else e for e in self.editable]


class LevelFile(StrictModel):
    """A level: a small cluster, flows it must (not) allow, and optionally a puzzle."""

    format: FormatTag = Field(description="Always k8snet/v1 for this version of the format.")
    id: str = Field(pattern=_ID, description="Unique in its pack.")
    title: str | None = Field(default=None, description="Defaults to the id.")
    difficulty: int = Field(default=1, ge=1, le=5)
    concepts: list[str] = Field(default_factory=list)
    briefing: str = ""
    debrief: str = ""
    cluster: ClusterSpec = Field(default_factory=ClusterSpec)
    include: list[str] = Field(
        default_factory=list, description="Manifest files or globs, relative to the level file."
    )
    resources: list[Resource] = Field(default_factory=list)
    flows: list[FlowSpec]
    puzzle: Puzzle | None = None

    @model_validator(mode="after")
    def _title(self) -> LevelFile:
        if self.title is None:
            self.title = self.id
        return self

    @property
    def display_title(self) -> str:
        return self.title or self.id


class Chapter(StrictModel):
    id: str = Field(pattern=_ID)
    title: str
    levels: list[str] = Field(min_length=1)


class PackFile(StrictModel):
    """``pack.yaml``: an ordered collection of levels, optionally in chapters."""

    format: FormatTag
    id: str = Field(pattern=_ID)
    title: str
    author: str = "unknown"
    version: str = "0.1.0"
    description: str = ""
    chapters: list[Chapter] | None = None
    levels: list[str] | None = None
    unlockAll: bool = Field(
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
