"""What the level-select screen lists: packs → chapters → levels, with unlocks.

Level headers (title, difficulty, concepts) are read without building the
level, so the first screen appears at once; a level is fully loaded only when
the player opens it. Keys are ``<pack id>/<level id or file>`` — stable across
releases as long as ids are — however the level was reached: a file of a pack
played on its own (``k8snet-tui play levels/01-pods/01-port-conflict.yaml``)
saves under the same ``campaign/port-conflict`` as from the campaign.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from k8snet_tui.game.packs import PACK_FILE, Pack, PackChapter, load_pack
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
    chapter: str  # the chapter's id
    index: int  # position in the pack's play order
    chapter_title: str = ""  # what the player reads; "" when the pack has no chapters
    broken: Problem | None = None  # why the file cannot be read, when it cannot


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
        """Open when the pack opts out of ordering, it is first, or the one before is solved
        — or the player chose to open it: every level (``save.unlock_all``) or this one
        (its record's ``unlocked``), as Learn Git Branching lets anyone jump ahead."""
        return save.unlock_all or self.open_without_setting(entry, save)

    def open_without_setting(self, entry: LevelEntry, save: SaveFile) -> bool:
        """Open by the pack's order or the player's choice of this level, setting aside
        "every level is open" (a level played under it stays open when it goes off)."""
        if self.unlock_all or entry.index == 0:
            return True
        own = save.levels.get(entry.key)
        if own is not None and (own.solved or own.unlocked):
            return True
        before = save.levels.get(self.levels[entry.index - 1].key)
        return bool(before and before.solved)

    def blocker(self, entry: LevelEntry, save: SaveFile) -> LevelEntry | None:
        """The level to solve first for ``entry`` to open (None when it is open)."""
        if self.unlocked(entry, save):
            return None
        return self.levels[entry.index - 1]

    def next_after(self, entry: LevelEntry) -> LevelEntry | None:
        levels = self.levels
        return levels[entry.index + 1] if entry.index + 1 < len(levels) else None


def _header(path: Path) -> tuple[dict[str, Any], Problem | None]:
    """The level's top-level keys, or why the file cannot be read. Never raises: one
    broken level lists as broken, it does not take level select down with it."""
    try:
        docs = read_documents(read_file_text(str(path)), str(path), MarkTable())
    except YamlError as exc:
        return {}, exc.problem
    first = docs[0] if docs else None
    if not isinstance(first, dict):
        return {}, Problem("a level file must be a YAML mapping (format, id, flows …)",
                           file=str(path), line=1, column=1)
    return first, None


def _entry(pack_id: str, path: Path, chapter: str, index: int,
           chapter_title: str = "") -> LevelEntry:
    head, broken = _header(path)
    raw_id, raw_title = head.get("id"), head.get("title")
    raw_difficulty, raw_concepts = head.get("difficulty"), head.get("concepts")
    level_id = raw_id if isinstance(raw_id, str) else path.stem
    title = raw_title if isinstance(raw_title, str) else level_id
    difficulty = raw_difficulty if isinstance(raw_difficulty, int) else 1
    concepts = [str(c) for c in raw_concepts] if isinstance(raw_concepts, list) else []
    return LevelEntry(f"{pack_id}/{level_id}", path, level_id, title,
                      max(1, min(5, difficulty)), tuple(concepts), chapter, index, chapter_title,
                      broken)


def _chapter_title(pack: Pack, chapter: PackChapter) -> str:
    """A pack without chapters lists its levels under one chapter named after the pack:
    that is no chapter a player should read about."""
    return "" if pack.spec.chapters is None else chapter.title


def pack_entry(pack: Pack) -> PackEntry:
    chapters: list[ChapterEntry] = []
    index = 0
    for ch in pack.chapters:
        levels = []
        for lvl in ch.levels:
            levels.append(_entry(pack.id, lvl.path, ch.id, index, _chapter_title(pack, ch)))
            index += 1
        chapters.append(ChapterEntry(ch.id, ch.title, tuple(levels)))
    spec = pack.spec
    broken = [lvl.broken for ch in chapters for lvl in ch.levels if lvl.broken is not None]
    return PackEntry(spec.id, spec.title, spec.author, spec.version, spec.description, pack.path,
                     chapters, spec.unlockAll, [*pack.problems, *broken])


def enclosing_pack(path: Path) -> tuple[Pack, PackChapter] | None:
    """The pack that lists this level file, and its chapter: the nearest folder above it
    with a pack.yaml, if that pack lists the file (a broken pack counts as none)."""
    target = path.resolve()
    folder = next((f for f in target.parents if (f / PACK_FILE).is_file()), None)
    if folder is None:
        return None
    try:
        pack = load_pack(folder)
    except LevelError:
        return None
    for chapter in pack.chapters:
        if any(lvl.path.resolve() == target for lvl in chapter.levels):
            return pack, chapter
    return None


SINGLE_PACK_ID = "file"
"""The id of the one-level pack a level file played on its own is shown in."""


def single_level_entry(path: Path) -> PackEntry:
    """A level file played on its own: a one-level pack with nothing locked.

    A file that a pack lists (a campaign level given by path) keeps that pack's
    save key, title and chapter, so solving it counts toward the pack's progress;
    a loose file is saved as ``file/<level id>`` and titled by its file name.
    """
    found = enclosing_pack(path)
    if found is None:
        entry = _entry(SINGLE_PACK_ID, path, SINGLE_PACK_ID, 0)
        title, author, version = path.name, "", ""
    else:
        pack, chapter = found
        entry = _entry(pack.id, path, chapter.id, 0, _chapter_title(pack, chapter))
        title, author, version = pack.spec.title, pack.spec.author, pack.spec.version
    return PackEntry(SINGLE_PACK_ID, title, author, version, str(path), path.parent,
                     [ChapterEntry(SINGLE_PACK_ID, entry.chapter_title or title, (entry,))],
                     unlock_all=True)


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


def _renamed(pack: PackEntry, first: PackEntry, taken: set[str], source: Pack) -> PackEntry:
    """A pack whose id an earlier pack already has, under an id of its own.

    Level select and the save file know a pack by its id; two packs under one id would
    open each other's levels and share progress. The first keeps the id; this one gets
    ``<id>@<folder>`` (ids cannot hold "@", so no pack can already have it), its levels
    are saved under that, and a warning on the pack says so.
    """
    base = f"{pack.id}@{pack.path.name}"
    new_id, n = base, 1
    while new_id in taken:
        n += 1
        new_id = f"{base}-{n}"
    chapters = [ChapterEntry(ch.id, ch.title, tuple(
        replace(lvl, key=f"{new_id}/{lvl.id}") for lvl in ch.levels)) for ch in pack.chapters]
    warning = Problem(f'pack id "{pack.id}" is also used by {first.path}; this pack is listed '
                      f'as "{new_id}" and its progress saved under that id',
                      ("id",), severity="warning", code="pack-id")
    return replace(pack, id=new_id, title=f"{pack.title} ({new_id})", chapters=chapters,
                   problems=[*source.locate([warning]), *pack.problems])


def build_catalog(paths: Sequence[Path]) -> Catalog:
    """Packs (folders with pack.yaml) and single level files, in the order given.

    A pack that cannot be read is a problem of the catalog, a level that cannot be read
    a problem of its pack (and ``LevelEntry.broken``); neither stops the rest.
    """
    catalog = Catalog([])
    by_id: dict[str, PackEntry] = {}
    for path in paths:
        if path.is_file():
            catalog.packs.append(single_level_entry(path))
            continue
        try:
            pack = load_pack(path)
        except LevelError as exc:
            catalog.problems.extend(exc.problems)
            continue
        entry = pack_entry(pack)
        first = by_id.get(entry.id)
        if first is not None:
            entry = _renamed(entry, first, set(by_id), pack)
        by_id[entry.id] = entry
        catalog.packs.append(entry)
    return catalog
