"""``play --watch``: the level reloads when its file changes, keeping the player's edits."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from k8snet_tui.app.app import make_app
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.game.scaffold import new_level


def _run_watch(tmp_path: Path, change: str) -> tuple[bool, int, str]:
    level = tmp_path / "lvl" / "level.yaml"
    new_level(level)
    data = tmp_path / "data"

    async def scenario() -> tuple[bool, int, str]:
        app = make_app([level], data_dir=data, clock=lambda: 0.0, watch=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            while not isinstance(app.screen, LevelScreen):
                await pilot.press("escape")
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            text = level.read_text(encoding="utf-8")
            level.write_text(change.join(text.split("web reaches the api", 1)),
                             encoding="utf-8")
            stat = level.stat()
            os.utime(level, (stat.st_atime, stat.st_mtime + 5))
            screen._check_source()  # what the 0.5 s timer calls
            await pilot.pause()
            first = screen.session.result.traces[0].name
            return screen.session.solved, len(screen.session.result.traces), first

    return asyncio.run(scenario())


def test_watch_reloads_a_changed_level(tmp_path: Path) -> None:
    solved, flows, first = _run_watch(tmp_path, "the web pod reaches the api")
    assert not solved
    assert flows == 2
    assert first == "the web pod reaches the api"


def test_watch_keeps_the_previous_version_when_the_new_one_is_broken(tmp_path: Path) -> None:
    _, flows, first = _run_watch(tmp_path, "x\n  - bad: [unclosed")
    assert flows == 2
    assert first == "web reaches the api"


def _run_watch_pack(tmp_path: Path, old: str, new: str) -> tuple[str | None, list[str]]:
    """Play a pack's level file with --watch, change its pack.yaml, return the screen's
    sub-title and the toasts' titles."""
    from k8snet_tui.game.scaffold import new_pack
    from tests.app.player import record_notifications

    pack = tmp_path / "pack"
    level = new_pack(pack)[-1]
    data = tmp_path / "data"

    async def scenario() -> tuple[str | None, list[str]]:
        app = make_app([level], data_dir=data, clock=lambda: 0.0, watch=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            while not isinstance(app.screen, LevelScreen):
                await pilot.press("escape")
                await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            assert screen.sub_title == "First steps"
            notes = record_notifications(app)
            pack_yaml = pack / "pack.yaml"
            pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8").replace(old, new, 1),
                                 encoding="utf-8")
            stat = pack_yaml.stat()
            os.utime(pack_yaml, (stat.st_atime, stat.st_mtime + 5))
            screen._check_source()  # what the 0.5 s timer calls
            await pilot.pause()
            return screen.sub_title, [n.title for n in notes]

    return asyncio.run(scenario())


def test_watch_rereads_the_packs_pack_yaml(tmp_path: Path) -> None:
    sub_title, toasts = _run_watch_pack(tmp_path, "title: First steps", "title: Warm-up")
    assert sub_title == "Warm-up"
    assert "Level changed" in toasts


def test_watch_reports_a_broken_pack_yaml(tmp_path: Path) -> None:
    sub_title, toasts = _run_watch_pack(tmp_path, "chapters:", "chapters: [unclosed\nx:")
    assert sub_title == "First steps"
    assert "Pack has errors" in toasts
