"""``k8snet-tui new``: scaffolds that validate and play straight away, never overwriting."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.cli import main
from k8snet_tui.game.catalog import build_catalog
from k8snet_tui.game.validate import validate_level, validate_pack
from k8snet_tui.model.load import load_level


def test_new_pack_scaffolds_a_valid_pack_with_one_playable_level(tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    assert main(["new", "pack", str(pack), "--author", "Ada"]) == 0
    report = validate_pack(pack)
    assert report.exit_code == 0, [str(p) for p in report.all_problems]
    assert not report.all_problems
    assert (pack / "level.schema.json").is_file()
    assert (pack / "pack.schema.json").is_file()
    entry = build_catalog([pack]).packs[0]
    assert entry.author == "Ada"
    assert len(entry.levels) == 1


def test_new_level_is_valid_broken_at_start_and_commented(tmp_path: Path) -> None:
    level = tmp_path / "levels" / "first.yaml"
    assert main(["new", "level", str(level), "--title", "My first level"]) == 0
    report = validate_level(level)
    assert report.exit_code == 0
    assert not report.problems
    text = level.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=level.schema.json")
    assert text.count("\n#") >= 5, "every section is explained"
    loaded = load_level(level)
    assert loaded.spec.title == "My first level"
    assert loaded.spec.id == "first"


def test_new_never_overwrites(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = tmp_path / "a.yaml"
    level.write_text("keep me", encoding="utf-8")
    assert main(["new", "level", str(level)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert level.read_text(encoding="utf-8") == "keep me"
