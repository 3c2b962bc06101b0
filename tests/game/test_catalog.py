"""The level-select catalog: order, headers and unlocking."""

from __future__ import annotations

from pathlib import Path

from k8snet_tui.game.catalog import build_catalog
from k8snet_tui.game.packs import builtin_pack_path
from k8snet_tui.game.progress import LevelRecord, SaveFile


def test_builtin_catalog_lists_every_level_in_pack_order_with_headers() -> None:
    catalog = build_catalog([builtin_pack_path()])
    assert not catalog.problems
    pack = catalog.packs[0]
    assert pack.id == "campaign"
    levels = pack.levels
    assert [lvl.index for lvl in levels] == list(range(len(levels)))
    assert all(lvl.key == f"campaign/{lvl.id}" for lvl in levels)
    assert all(1 <= lvl.difficulty <= 5 and lvl.title for lvl in levels)


def test_only_the_first_level_is_open_until_the_one_before_is_solved() -> None:
    pack = build_catalog([builtin_pack_path()]).packs[0]
    first, second = pack.levels[0], pack.levels[1]
    save = SaveFile()
    assert pack.unlocked(first, save)
    assert not pack.unlocked(second, save)
    save.levels[first.key] = LevelRecord(solved=True)
    assert pack.unlocked(second, save)


def test_a_single_level_file_is_a_one_level_pack_with_nothing_locked() -> None:
    path = build_catalog([builtin_pack_path()]).packs[0].levels[1].path
    catalog = build_catalog([path])
    pack = catalog.packs[0]
    assert pack.unlock_all
    assert len(pack.levels) == 1
    assert pack.unlocked(pack.levels[0], SaveFile())


def test_a_broken_pack_is_reported_not_raised(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("format: k8snet/v1\nid: [oops\n", encoding="utf-8")
    catalog = build_catalog([tmp_path])
    assert catalog.packs == []
    assert catalog.problems
    assert catalog.problems[0].line is not None
