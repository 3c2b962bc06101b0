"""Saved progress: atomic writes, and a save that cannot be read is kept aside."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_tui.game.progress import (
    DATA_DIR_ENV,
    SAVE_VERSION,
    LevelRecord,
    ProgressStore,
    SaveFile,
    data_dir,
    record_solved,
    unlock_level,
)
from k8snet_tui.model.edits import SetEdit


def test_a_missing_save_starts_fresh_without_a_message(tmp_path: Path) -> None:
    result = ProgressStore(tmp_path).load()
    assert result.save == SaveFile()
    assert result.message is None


def test_save_and_load_round_trip_including_edits_in_progress(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    save = SaveFile(last_level="campaign/x")
    save.levels["campaign/x"] = LevelRecord(
        in_progress=[SetEdit(ref="service/a/b", path="spec.type", value="NodePort")],
        hints_in_progress=2)
    store.save(save)
    loaded = store.load()
    assert loaded.message is None
    assert loaded.save == save


def test_writing_leaves_no_temporary_files(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.save(SaveFile())
    store.save(SaveFile(last_level="a/b"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.json"]


@pytest.mark.parametrize("content", ["{not json", '{"levels": {"a": {"solved": "maybe"}}}',
                                     "[1, 2, 3]", "\udcff".encode("utf-8", "surrogateescape")
                                     .decode("latin-1")])
def test_a_corrupt_save_is_moved_aside_with_a_message_never_overwritten(
        tmp_path: Path, content: str) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text(content, encoding="utf-8")
    result = store.load()
    assert result.save == SaveFile()
    assert result.message is not None
    assert "kept as" in result.message
    kept = list(tmp_path.glob("progress.corrupt-*.json"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == content
    assert not store.path.exists()


def test_a_save_from_a_newer_version_is_kept_aside(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text(json.dumps({"version": SAVE_VERSION + 1, "levels": {}}),
                          encoding="utf-8")
    result = store.load()
    assert result.message is not None
    assert "newer" in result.message
    assert len(list(tmp_path.glob("progress.newer-*.json"))) == 1


def test_two_corrupt_saves_in_a_row_are_both_kept(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    for _ in range(2):
        store.path.write_text("garbage", encoding="utf-8")
        store.load()
    assert len(list(tmp_path.glob("progress.corrupt-*.json"))) == 2


def test_record_solved_keeps_the_best_of_each_figure() -> None:
    save = SaveFile()
    record_solved(save, "p/l", edits=3, stars=2, hints=1, seconds=50.0)
    rec = record_solved(save, "p/l", edits=4, stars=1, hints=0, seconds=80.0)
    assert (rec.best_edits, rec.best_stars, rec.best_hints, rec.best_seconds) == (3, 2, 0, 50.0)
    assert rec.solved
    assert rec.in_progress == []


def test_the_data_directory_can_be_overridden(monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path))
    assert data_dir() == tmp_path


def test_a_save_from_before_the_unlock_settings_loads_with_them_off(tmp_path: Path) -> None:
    store = ProgressStore(tmp_path)
    store.path.write_text('{"version": 1, "levels": {"campaign/port-conflict": '
                          '{"solved": true, "best_stars": 3}}, "theme": "nord"}',
                          encoding="utf-8")
    result = store.load()
    assert result.message is None
    assert result.save.unlock_all is False
    assert result.save.levels["campaign/port-conflict"].unlocked is False
    unlock_level(result.save, "campaign/sidecar-port")
    result.save.unlock_all = True
    store.save(result.save)
    again = store.load().save
    assert again.unlock_all
    assert again.levels["campaign/sidecar-port"].unlocked
