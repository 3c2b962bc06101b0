"""Hostile save files: the game always starts, and no save it could not read is lost.

Each case is the smallest file that stopped the game from starting before (issue
#8). A save that cannot be used is moved aside as ``progress.corrupt-N.json`` (the
naming the store already used) and the game starts fresh with a message; when it
cannot even be moved, it is left exactly as it was and never written over.
Every test works in ``tmp_path``, never in the real data directory.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest

from k8snet_tui.game.progress import (
    MAX_SAVE_DEPTH,
    STALE_TEMP_SECONDS,
    ProgressStore,
    SaveFile,
    record_solved,
)

HOSTILE_SAVES = {
    "int-over-4300-digits": '{"version": 1, "levels": {"a/b": {"best_edits": ' + "9" * 4301
                            + "}}}",
    "nan": '{"version": 1, "levels": {"a/b": {"solved": true, "best_seconds": NaN}}}',
    "infinity": '{"version": 1, "levels": {"a/b": {"best_seconds": Infinity}}}',
    "minus-infinity": '{"version": 1, "levels": {"a/b": {"best_seconds": -Infinity}}}',
    "float-overflow": '{"version": 1, "levels": {"a/b": {"best_seconds": 1e999}}}',
    "nested-100000": "[" * 100_000 + "]" * 100_000,
    "nested-past-limit": '{"version": 1, "theme": ' + "[" * MAX_SAVE_DEPTH
                         + "]" * MAX_SAVE_DEPTH + "}",
    "version-0": '{"version": 0, "levels": {}}',
    "version-minus-5": '{"version": -5, "levels": {}}',
    "version-as-text": '{"version": "2", "levels": {}}',
    "version-true": '{"version": true, "levels": {}}',
    "stars-out-of-range": '{"version": 1, "levels": {"a/b": {"best_stars": 1000000}}}',
    "negative-edits": '{"version": 1, "levels": {"a/b": {"best_edits": -1}}}',
    "path-100000-brackets": '{"version": 1, "levels": {"a/b": {"in_progress": [{"op": "set", '
                            '"ref": "service/a/b", "path": "' + "[" * 100_000 + '"}]}}}',
}


@pytest.mark.parametrize("content", list(HOSTILE_SAVES.values()), ids=list(HOSTILE_SAVES))
def test_a_hostile_save_is_kept_aside_and_the_game_starts_fresh(tmp_path: Path,
                                                                content: str) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text(content, encoding="utf-8")
    started = time.perf_counter()
    result = store.load()
    assert time.perf_counter() - started < 2.0
    assert result.save == SaveFile()
    assert result.message is not None
    assert "kept as" in result.message
    assert len(result.message) < 400
    kept = list(tmp_path.glob("progress.corrupt-*.json"))
    assert [p.read_text(encoding="utf-8") for p in kept] == [content]
    assert not store.path.exists()
    assert store.save(SaveFile(last_level="a/b"))  # the fresh save goes where the old one was
    assert kept[0].read_text(encoding="utf-8") == content


def test_a_save_nested_as_deep_as_allowed_still_loads(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    value_depth = MAX_SAVE_DEPTH - 5  # under the save, levels, the level, in_progress, the edit
    deep = "[" * value_depth + "]" * value_depth
    store.path.write_text(f'{{"version": 1, "levels": {{"a/b": {{"in_progress": [{{"op": "set",'
                          f' "ref": "service/a/b", "path": "spec.x", "value": {deep}}}]}}}}}}',
                          encoding="utf-8")
    result = store.load()
    assert result.message is None


def test_a_fifo_as_the_save_is_never_opened_and_set_aside(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    store = ProgressStore(tmp_path)
    os.mkfifo(store.path)
    result = store.load()  # opening a FIFO for reading would block here forever
    assert result.save == SaveFile()
    assert result.message is not None
    assert "named pipe" in result.message
    kept = tmp_path / "progress.corrupt-1.json"
    assert stat.S_ISFIFO(os.lstat(kept).st_mode)
    assert store.save(SaveFile())
    assert store.path.is_file()


def test_a_directory_as_the_save_is_set_aside(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.path.mkdir()
    (store.path / "inside").write_text("kept", encoding="utf-8")
    result = store.load()
    assert result.message is not None
    assert "directory" in result.message
    assert (tmp_path / "progress.corrupt-1.json" / "inside").read_text(encoding="utf-8") == "kept"


_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest.mark.skipif(_ROOT, reason="root ignores directory permissions (the next test covers it)")
def test_a_corrupt_save_in_a_read_only_directory_is_left_untouched(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text('{"version": 0}', encoding="utf-8")
    before = store.path.read_bytes()
    tmp_path.chmod(0o555)
    try:
        _check_left_untouched(store, before)
    finally:
        tmp_path.chmod(0o755)


def test_a_read_only_refusal_even_for_root_leaves_the_save_untouched(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text("{not json", encoding="utf-8")
    before = store.path.read_bytes()

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    _check_left_untouched(store, before)
    monkeypatch.undo()
    # Even once renaming works again, this session never writes over it.
    assert store.save(SaveFile(last_level="x/y")) is False
    assert store.path.read_bytes() == before


def _check_left_untouched(store: ProgressStore, before: bytes) -> None:
    result = store.load()
    assert result.save == SaveFile()
    assert result.message is not None
    assert "left untouched" in result.message
    assert "will not be saved" in result.message
    assert store.read_only
    save = result.save
    record_solved(save, "p/l", edits=1, stars=3, hints=0, seconds=1.0)
    assert store.save(save) is False
    assert store.path.read_bytes() == before
    assert sorted(p.name for p in store.directory.iterdir()) == ["progress.json"]


@pytest.mark.skipif(_ROOT, reason="root ignores directory permissions")
def test_a_read_only_directory_with_a_good_save_still_loads(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.save(SaveFile(last_level="a/b"))
    tmp_path.chmod(0o555)
    try:
        result = store.load()
    finally:
        tmp_path.chmod(0o755)
    assert result.message is None
    assert result.save.last_level == "a/b"
    assert not store.read_only


def _temp(directory: Path, name: str, age: float) -> Path:
    path = directory / name
    path.write_text('{"version": 1, "lev', encoding="utf-8")
    old = time.time() - age
    os.utime(path, (old, old))
    return path


def test_stale_temporary_files_of_killed_writes_are_removed_on_start(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.save(SaveFile(last_level="a/b"))
    stale = _temp(tmp_path, ".progress-k1ll3d_x.json", STALE_TEMP_SECONDS + 60)
    fresh = _temp(tmp_path, ".progress-wr1t1ng.json", 1)  # maybe another game writing now
    other = _temp(tmp_path, ".progress-notes.txt", STALE_TEMP_SECONDS + 60)
    result = store.load()
    assert result.message is None
    assert result.save.last_level == "a/b"
    assert not stale.exists()
    assert fresh.exists()
    assert other.exists()


def test_the_temporary_file_name_is_the_one_cleaning_looks_for(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    """Kill a write half-way (after the temp file exists): cleaning must recognise it."""
    store = ProgressStore(tmp_path)

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", killed)
    monkeypatch.setattr("k8snet_tui.game.progress.Path.unlink", lambda *a, **k: None)
    with pytest.raises(KeyboardInterrupt):
        store.save(SaveFile())
    monkeypatch.undo()
    (temp,) = tmp_path.iterdir()
    assert store.clean_temporary_files(older_than=0) == [temp]
    assert list(tmp_path.iterdir()) == []


def test_a_valid_save_round_trips_unchanged_by_the_strict_reader(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    save = SaveFile(last_level="p/l", theme="nord")
    record_solved(save, "p/l", edits=2, stars=3, hints=0, seconds=12.5)
    store.save(save)
    assert store.load().save == save
    data = json.loads(store.path.read_text(encoding="utf-8"))
    assert data["version"] == 1


# ------------------------------------------------------------------ the game itself


def _start_game(data: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str | None, str]:
    """Start the app headless on ``data``; (its save message, the screen it reached)."""
    import asyncio

    from textual import constants

    from k8snet_tui.app.app import make_app

    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")

    async def run() -> tuple[str | None, str]:
        app = make_app(None, data_dir=data, clock=lambda: 0.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            app.persist()  # what every solve and edit does
            return app.load_message, type(app.screen).__name__

    return asyncio.run(asyncio.wait_for(run(), timeout=20))


def test_the_game_starts_with_a_fifo_as_its_save(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no named pipes on this platform")
    os.mkfifo(tmp_path / "progress.json")
    message, screen = _start_game(tmp_path, monkeypatch)
    assert screen == "LevelSelectScreen"
    assert message is not None
    assert "named pipe" in message
    assert (tmp_path / "progress.json").is_file()  # the fresh save, beside the pipe it kept


def test_the_game_starts_when_a_corrupt_save_cannot_be_set_aside(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save = tmp_path / "progress.json"
    save.write_text('{"version": -5}', encoding="utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)  # what a read-only data directory answers
    message, screen = _start_game(tmp_path, monkeypatch)
    assert screen == "LevelSelectScreen"
    assert message is not None
    assert "left untouched" in message
    assert save.read_text(encoding="utf-8") == '{"version": -5}'
