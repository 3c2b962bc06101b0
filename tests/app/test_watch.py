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
