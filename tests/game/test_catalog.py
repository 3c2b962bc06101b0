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


def test_a_campaign_level_file_keeps_its_campaign_save_key_title_and_chapter() -> None:
    """``k8snet-tui play levels/01-pods/01-port-conflict.yaml`` saves as the campaign does."""
    campaign = build_catalog([builtin_pack_path()]).packs[0]
    for entry in (campaign.levels[0], campaign.levels[-1]):
        alone = build_catalog([entry.path]).packs[0]
        (level,) = alone.levels
        assert level.key == entry.key
        assert level.chapter_title == entry.chapter_title
        assert alone.title == campaign.title  # not the level's title a second time
        assert alone.unlock_all


def test_a_loose_level_file_is_saved_under_file_and_titled_by_its_name(tmp_path: Path) -> None:
    source = build_catalog([builtin_pack_path()]).packs[0].levels[0].path
    loose = tmp_path / "my-level.yaml"
    loose.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    pack = build_catalog([loose]).packs[0]
    (level,) = pack.levels
    assert level.key == f"file/{level.id}"
    assert pack.title == "my-level.yaml"
    assert level.chapter_title == ""


def test_a_file_inside_a_pack_folder_that_the_pack_does_not_list_is_loose(
        tmp_path: Path) -> None:
    source = build_catalog([builtin_pack_path()]).packs[0].levels[0].path
    (tmp_path / "pack.yaml").write_text("format: k8snet/v1\nid: p\ntitle: P\nlevels: []\n",
                                        encoding="utf-8")
    stray = tmp_path / "stray.yaml"
    stray.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert build_catalog([stray]).packs[0].levels[0].key.startswith("file/")


def test_levels_carry_their_chapter_title_and_a_flat_pack_has_none(tmp_path: Path) -> None:
    campaign = build_catalog([builtin_pack_path()]).packs[0]
    first = campaign.levels[0]
    assert first.chapter == "01-pods"
    assert first.chapter_title == campaign.chapters[0].title == "Inside the pod"
    source = first.path.read_text(encoding="utf-8")
    (tmp_path / "pack.yaml").write_text("format: k8snet/v1\nid: flat\ntitle: Flat\n"
                                        "levels: [a.yaml]\n", encoding="utf-8")
    (tmp_path / "a.yaml").write_text(source, encoding="utf-8")
    assert build_catalog([tmp_path]).packs[0].levels[0].chapter_title == ""


def test_a_player_may_open_one_locked_level_or_all_of_them() -> None:
    pack = build_catalog([builtin_pack_path()]).packs[0]
    first, second, third = pack.levels[:3]
    save = SaveFile()
    assert pack.blocker(third, save) == second
    save.levels[third.key] = LevelRecord(unlocked=True)  # "open it anyway"
    assert pack.unlocked(third, save)
    assert pack.blocker(third, save) is None
    assert not pack.unlocked(second, save)  # only that one
    save.unlock_all = True  # the setting
    assert all(pack.unlocked(lvl, save) for lvl in pack.levels)
    assert not pack.open_without_setting(second, save)
    assert pack.open_without_setting(first, save)
