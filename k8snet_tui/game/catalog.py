"""What the level-select screen lists: packs → chapters → levels, with unlocks.

Level headers (title, difficulty, concepts) are read without building the
level, so the first screen appears at once; a level is fully loaded only when
the player opens it. Keys are ``<pack id>/<level id or file>`` — stable across
releases as long as ids are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from k8snet_tui.game.packs import Pack, load_pack
from k8snet_tui.game.progress import SaveFile
from k8snet_tui.model.problems import LevelError, Problem
from k8snet_tui.model.yamlsource import MarkTable, YamlError, read_documents, read_file_text


@dataclass(frozen=True)
class LevelEntry:
    key: str
    path: Path
    id: str
    title: str
    difficulty: int
    concepts: tuple[str, ...]
    chapter: str
    index: int  # position in the pack's play order


@dataclass(frozen=True)
class ChapterEntry:
    id: str
    title: str
    levels: tuple[LevelEntry, ...]


@dataclass
class PackEntry:
    id: str
    title: str
    author: str
    version: str
    description: str
    path: Path
    chapters: list[ChapterEntry]
    unlock_all: bool = False
    problems: list[Problem] = field(default_factory=list)

    @property
    def levels(self) -> list[LevelEntry]:
        return [lvl for ch in self.chapters for lvl in ch.levels]

    def unlocked(self, entry: LevelEntry, save: SaveFile) -> bool:
        """Open when the pack opts out of ordering, it is first, or the one before is solved."""
        if self.unlock_all or entry.index == 0:
            return True
        before = self.levels[entry.index - 1]
        rec = save.levels.get(before.key)
        return bool(rec and rec.solved) or bool(
            (rec := save.levels.get(entry.key)) and rec.solved)

    def next_after(self, entry: LevelEntry) -> LevelEntry | None:
        levels = self.levels
        return levels[entry.index + 1] if entry.index + 1 < len(levels) else None


def _header(path: Path) -> dict[str, Any]:
    try:
        docs = read_documents(read_file_text(str(path)), str(path), MarkTable())
    except YamlError:
        return {}
    first = docs[0] if docs else None
    return first if isinstance(first, dict) else {}


def _entry(pack_id: str, path: Path, chapter: str, index: int) -> LevelEntry:
    head = _header(path)
    raw_id, raw_title = head.get("id"), head.get("title")
    raw_difficulty, raw_concepts = head.get("difficulty"), head.get("concepts")
    level_id = raw_id if isinstance(raw_id, str) else path.stem
    title = raw_title if isinstance(raw_title, str) else level_id
    difficulty = raw_difficulty if isinstance(raw_difficulty, int) else 1
    concepts = [str(c) for c in raw_concepts] if isinstance(raw_concepts, list) else []
    return LevelEntry(f"{pack_id}/{level_id}", path, level_id, title,
                      max(1, min(5, difficulty)), tuple(concepts), chapter, index)


def pack_entry(pack: Pack) -> PackEntry:
    chapters: list[ChapterEntry] = []
    index = 0
    for ch in pack.chapters:
        levels = []
        for lvl in ch.levels:
            levels.append(_entry(pack.id, lvl.path, ch.id, index))
            index += 1
        chapters.append(ChapterEntry(ch.id, ch.title, tuple(levels)))
    spec = pack.spec
    return PackEntry(spec.id, spec.title, spec.author, spec.version, spec.description, pack.path,
                     chapters, spec.unlockAll, list(pack.problems))


def single_level_entry(path: Path) -> PackEntry:
    """A level file played on its own: a one-level pack with nothing locked."""
    entry = _entry("file", path, "level", 0)
    return PackEntry("file", entry.title, "", "", str(path), path.parent,
                     [ChapterEntry("level", entry.title, (entry,))], unlock_all=True)


@dataclass
class Catalog:
    packs: list[PackEntry]
    problems: list[Problem] = field(default_factory=list)  # packs that could not be read

    def find(self, key: str) -> tuple[PackEntry, LevelEntry] | None:
        for pack in self.packs:
            for lvl in pack.levels:
                if lvl.key == key:
                    return pack, lvl
        return None


def build_catalog(paths: Sequence[Path]) -> Catalog:
    """Packs (folders with pack.yaml) and single level files, in the order given."""
    catalog = Catalog([])
    for path in paths:
        if path.is_file():
            catalog.packs.append(single_level_entry(path))
            continue
        try:
            catalog.packs.append(pack_entry(load_pack(path)))
        except LevelError as exc:
            catalog.problems.extend(exc.problems)
    return catalog
