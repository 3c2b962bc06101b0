"""Messages that connect widgets to the screen that owns them.

Widgets never reach into siblings: they post one of these, the level screen
applies it to the session and pushes the new state down (STYLE.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from k8snet_tui.model.edits import AnyEdit


@dataclass
class EditRequested(Message):
    """The player asked for an edit (a quick action, the YAML editor, the palette).

    ``more``: further edits applied with it as one step (a rename is a delete and
    a create), counted, undone and exported together.
    """

    edit: AnyEdit
    more: tuple[AnyEdit, ...] = ()

    @property
    def edits(self) -> tuple[AnyEdit, ...]:
        return (self.edit, *self.more)


@dataclass
class FlowChosen(Message):
    """A flow was selected in the checklist (index into the level's flows)."""

    index: int


@dataclass
class ObjectChosen(Message):
    """An object was selected in the object tree or on the map (``kind/ns/name``)."""

    ref: str


@dataclass
class LevelChosen(Message):
    """A level was picked on the level-select screen."""

    pack_id: str
    level_index: int


@dataclass
class OpenLockedLevel(Message):
    """The player confirmed opening a locked level anyway; it stays open from now on."""

    pack_id: str
    level_index: int


@dataclass
class UnlockAllLevels(Message):
    """The player switched the "every level is open" setting on (or back off)."""

    unlock: bool
