"""Level-screen keys that must work wherever the focus is (found in play-testing)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.widgets import TabbedContent, TextArea

from k8snet_tui.app.app import make_app
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.game.packs import builtin_pack_path, load_pack


def _first_level() -> Path:
    return load_pack(builtin_pack_path()).levels[0].path


def test_tab_keys_work_after_e_put_the_focus_in_the_editor(tmp_path: Path) -> None:
    async def scenario() -> list[str]:
        app = make_app([_first_level()], data_dir=tmp_path, clock=lambda: 0.0)
        seen: list[str] = []
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("escape")  # the briefing
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            tabs = screen.query_one(TabbedContent)
            for key in ("e", "2", "e", "1", "e", "n"):
                await pilot.press(key)
                await pilot.pause()
                seen.append(tabs.active)
        return seen

    assert asyncio.run(scenario()) == ["edit", "trace", "edit", "map", "edit", "trace"]


def test_capital_y_opens_the_yaml_editor_on_the_culprit(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, bool, str | None]:
        app = make_app([_first_level()], data_dir=tmp_path, clock=lambda: 0.0)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            await pilot.press("Y")
            await pilot.pause()
            editor = screen.query_one("#inspector-yaml", TextArea)
            return screen.query_one(TabbedContent).active, editor.has_focus, \
                screen.selected_ref

    active, focused, ref = asyncio.run(scenario())
    assert active == "edit"
    assert focused
    assert ref is not None
    assert ref.startswith("deployment/")
