"""Saved progress: solved levels, best scores and the level in progress.

One JSON file under the user's data directory, written atomically (a temporary
file then ``os.replace``) so a crash never leaves half a save. A save that
cannot be read — corrupt, hand-edited wrongly, hostile, not a regular file, or
written by a newer version — is moved aside next to the original with a
message, never overwritten and never a crash. When it cannot even be moved
aside (a read-only data directory), it is left untouched and this session does
not write over it.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from k8snet_tui.model.edits import Edit

SAVE_VERSION = 1
DATA_DIR_ENV = "K8SNET_TUI_DATA_DIR"
"""Overrides the data directory (tests, portable installs)."""

MAX_SAVE_BYTES = 32 * 1024 * 1024
"""A bigger file is not read: a real save is a few KiB per level played."""
MAX_SAVE_DEPTH = 100
"""JSON nesting refused beyond this; a save holds edits of level files (64 deep at most)."""
STALE_TEMP_SECONDS = 10 * 60
"""A temporary file of an interrupted write this old is removed on start; a younger one
may belong to another running game that is writing right now."""
_TEMP_PREFIX, _TEMP_SUFFIX = ".progress-", ".json"
_TEMP_NAME = re.compile(r"\.progress-[A-Za-z0-9_]+\.json")  # what tempfile.mkstemp makes


class _Save(BaseModel):
    model_config = ConfigDict(extra="ignore")


Count = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False)]


class LevelRecord(_Save):
    solved: bool = False
    best_edits: Count | None = None
    best_stars: int = Field(default=0, ge=0, le=3)
    best_hints: Count | None = None
    best_seconds: Seconds | None = None
    in_progress: list[Edit] = Field(default_factory=list)
    hints_in_progress: Count = 0
    unlocked: bool = False  # the player chose to open it before solving the one before


class SaveFile(_Save):
    """Fields added later have defaults, so every older save still loads as it was."""

    version: int = Field(default=SAVE_VERSION, ge=1)
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


class _Unreadable(Exception):
    """Why the save cannot be used; ``kind`` names the file it is kept as."""

    def __init__(self, why: str, kind: str = "corrupt") -> None:
        super().__init__(why)
        self.why = why
        self.kind = kind


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is too large")
    return value


def _depth_over(data: Any, limit: int) -> bool:
    """Whether ``data`` nests deeper than ``limit`` (a loop: the data may be deep)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


_FILE_TYPES = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe"),
               (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
               (stat.S_ISBLK, "a device"))


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _FILE_TYPES if test(mode)), "not a regular file")


def _read_bytes(path: Path) -> bytes:
    """The save's bytes, never blocking: a FIFO or device is refused before it is opened."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _Unreadable(f"it could not be read: {exc.strerror or exc}") from None
    what = _not_regular(st.st_mode)
    if what is not None:
        raise _Unreadable(f"it is {what}, not a file; it was not opened")
    if st.st_size > MAX_SAVE_BYTES:
        raise _Unreadable(f"it is larger than {MAX_SAVE_BYTES // (1024 * 1024)} MiB")
    # O_NONBLOCK: if the file is swapped for a FIFO after the check, open() still returns.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Unreadable(f"it could not be read: {exc.strerror or exc}") from None
    try:
        what = _not_regular(os.fstat(fd).st_mode)
        if what is not None:
            raise _Unreadable(f"it is {what}, not a file")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_SAVE_BYTES + 1)
    except OSError as exc:
        raise _Unreadable(f"it could not be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > MAX_SAVE_BYTES:
        raise _Unreadable(f"it is larger than {MAX_SAVE_BYTES // (1024 * 1024)} MiB")
    return data


def _parse(data: bytes) -> Any:
    """Strict JSON: no NaN or Infinity, no number JSON cannot carry, bounded nesting."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _Unreadable(f"it is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        raise _Unreadable("it nests too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and integers over Python's digit limit
        why = str(exc)
        if "integer string conversion" in why:
            why = "it holds a number with too many digits"
        raise _Unreadable(why) from None
    if _depth_over(value, MAX_SAVE_DEPTH):
        raise _Unreadable(f"it nests more than {MAX_SAVE_DEPTH} levels deep")
    return value


def _version(data: Any) -> None:
    """Refuse a format this version did not write: a newer one, or one that never existed."""
    if not isinstance(data, dict) or "version" not in data:
        return  # the model says what is wrong with the rest
    version = data["version"]
    if type(version) is not int:
        raise _Unreadable(f"its format version is {_clip(json.dumps(version))}, not a number")
    if version > SAVE_VERSION:
        raise _Unreadable(f"it was written by a newer k8snet-tui (format {version})", "newer")
    if version < 1:
        raise _Unreadable(f"its format version {version} was never written by k8snet-tui")


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _validate(data: Any) -> SaveFile:
    try:
        return SaveFile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = _clip(".".join(str(x) for x in first["loc"]))
        msg = str(first["msg"]).removeprefix("Value error, ")
        raise _Unreadable(f"it is damaged ({where}: {msg})") from None


class ProgressStore:
    """Reads and writes the save file; never loses a file it could not read."""

    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory if directory is not None else data_dir()
        self.path = self.directory / "progress.json"
        self.read_only = False
        """Set when an unreadable save could not be moved aside: it is never written over."""

    def _aside(self, why: str) -> str:
        n = 1
        while True:
            target = self.path.with_name(f"progress.{why}-{n}.json")
            if not os.path.lexists(target):
                break
            n += 1
        os.replace(self.path, target)
        return str(target)

    def clean_temporary_files(self, *, older_than: float = STALE_TEMP_SECONDS) -> list[Path]:
        """Remove what writes killed half-way left behind (only this store's own temp files)."""
        removed: list[Path] = []
        now = time.time()
        try:
            entries = list(os.scandir(self.directory))
        except OSError:
            return removed
        for entry in entries:
            if not _TEMP_NAME.fullmatch(entry.name):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < older_than:
                    continue
                os.unlink(entry.path)
            except OSError:
                continue  # gone already, or a read-only directory: harmless either way
            removed.append(Path(entry.path))
        return removed

    def load(self) -> LoadResult:
        self.read_only = False
        self.clean_temporary_files()
        if not os.path.lexists(self.path):
            return LoadResult(SaveFile())
        try:
            data = _parse(_read_bytes(self.path))
            _version(data)
            return LoadResult(_validate(data))
        except _Unreadable as bad:
            return self._set_aside(bad)

    def _set_aside(self, bad: _Unreadable) -> LoadResult:
        what = f"Your save file could not be used: {bad.why}."
        try:
            moved = self._aside(bad.kind)
        except OSError as exc:
            self.read_only = True
            return LoadResult(SaveFile(), f"{what} It could not be moved aside "
                                          f"({exc.strerror or exc}), so it was left untouched "
                                          f"at {self.path}; progress made now will not be "
                                          "saved over it.")
        return LoadResult(SaveFile(), f"{what} It was kept as {moved} and a fresh one started.")

    def save(self, save: SaveFile) -> bool:
        """Write atomically: readers see the old file or the new one, never half of one.

        Returns False, writing nothing, when this session must not touch the save
        (``read_only``: an unreadable save could not be moved aside).
        """
        if self.read_only:
            return False
        self.directory.mkdir(parents=True, exist_ok=True)
        text = save.model_dump_json(indent=2, exclude_defaults=False)
        fd, tmp = tempfile.mkstemp(prefix=_TEMP_PREFIX, suffix=_TEMP_SUFFIX, dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _sync_directory(self.directory)
        return True


def _sync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX); best effort where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


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
