"""Saved progress: solved levels, best scores and the level in progress.

One JSON file under the user's data directory, written atomically (a temporary
file then ``os.replace``) so a crash never leaves half a save. A save that
cannot be read — corrupt, hand-edited wrongly, or written by a newer version —
is moved aside next to the original with a message, never overwritten and
never a crash.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from k8snet_tui.model.edits import Edit

SAVE_VERSION = 1
DATA_DIR_ENV = "K8SNET_TUI_DATA_DIR"
"""Overrides the data directory (tests, portable installs)."""


class _Save(BaseModel):
    model_config = ConfigDict(extra="ignore")


class LevelRecord(_Save):
    solved: bool = False
    best_edits: int | None = None
    best_stars: int = 0
    best_hints: int | None = None
    best_seconds: float | None = None
    in_progress: list[Edit] = Field(default_factory=list)
    hints_in_progress: int = 0
    unlocked: bool = False  # the player chose to open it before solving the one before


class SaveFile(_Save):
    """Fields added later have defaults, so every older save still loads as it was."""

    version: int = SAVE_VERSION
    levels: dict[str, LevelRecord] = Field(default_factory=dict)
    last_level: str | None = None
    theme: str | None = None
    unlock_all: bool = False  # a setting: every level of every pack is open


def data_dir() -> Path:
    """Where saves live: $K8SNET_TUI_DATA_DIR, else the platform's user data directory."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("k8snet-tui", appauthor=False))


@dataclass
class LoadResult:
    save: SaveFile
    message: str | None = None  # shown to the player when something had to be moved aside


class ProgressStore:
    """Reads and writes the save file; never loses a file it could not read."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir()
        self.path = self.directory / "progress.json"

    def _aside(self, why: str) -> str:
        n = 1
        while True:
            target = self.path.with_name(f"progress.{why}-{n}.json")
            if not target.exists():
                break
            n += 1
        os.replace(self.path, target)
        return str(target)

    def load(self) -> LoadResult:
        if not self.path.exists():
            return LoadResult(SaveFile())
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            moved = self._aside("corrupt")
            return LoadResult(SaveFile(), f"Your save file could not be read ({exc}); it was kept "
                                          f"as {moved} and a fresh one started.")
        version = data.get("version") if isinstance(data, dict) else None
        if isinstance(version, int) and version > SAVE_VERSION:
            moved = self._aside("newer")
            return LoadResult(SaveFile(), f"Your save file was written by a newer k8snet-tui "
                                          f"(format {version}); it was kept as {moved} and a "
                                          "fresh one started.")
        try:
            return LoadResult(SaveFile.model_validate(data))
        except ValidationError as exc:
            moved = self._aside("corrupt")
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            return LoadResult(SaveFile(), f"Your save file is damaged ({where}: {first['msg']}); "
                                          f"it was kept as {moved} and a fresh one started.")

    def save(self, save: SaveFile) -> None:
        """Write atomically: readers see the old file or the new one, never half of one."""
        self.directory.mkdir(parents=True, exist_ok=True)
        text = save.model_dump_json(indent=2, exclude_defaults=False)
        fd, tmp = tempfile.mkstemp(prefix=".progress-", suffix=".json", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def unlock_level(save: SaveFile, key: str) -> LevelRecord:
    """Open one level before its turn (the player confirmed); it stays open."""
    rec = save.levels.setdefault(key, LevelRecord())
    rec.unlocked = True
    return rec


def record_solved(save: SaveFile, key: str, *, edits: int, stars: int, hints: int,
                  seconds: float) -> LevelRecord:
    """Fold a finished level into the save; keeps the best of each figure."""
    rec = save.levels.setdefault(key, LevelRecord())
    rec.solved = True
    rec.best_stars = max(rec.best_stars, stars)
    rec.best_edits = edits if rec.best_edits is None else min(rec.best_edits, edits)
    rec.best_hints = hints if rec.best_hints is None else min(rec.best_hints, hints)
    rec.best_seconds = seconds if rec.best_seconds is None else min(rec.best_seconds, seconds)
    rec.in_progress = []
    rec.hints_in_progress = 0
    return rec
