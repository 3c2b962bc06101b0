"""In the game too, control characters from a level are shown escaped, never drawn raw.

The level's title, briefing, flow names and hints, a load error and the toasts hold
the visible escape ``\\x1b``; nothing the app draws holds a raw ESC or BEL.
"""

from __future__ import annotations

import asyncio
import io
import re
from pathlib import Path

from rich.console import Console
from textual.widgets import Markdown, Static

from k8snet_tui.app.app import K8snetApp, make_app
from k8snet_tui.app.screens.briefing import BriefingScreen
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.app.screens.load_error import LoadErrorScreen
from k8snet_tui.app.widgets.flow_list import FlowList
from k8snet_tui.game.scaffold import new_level
from tests.app.player import record_notifications
from tests.hostile.test_terminal_injection import SHOWN, assert_clean, evil_level

EVIL_HINT = r'"\e]0;pwned\a look closer"'


def _evil_game_level(path: Path) -> Path:
    """The scaffolded level with the hostile string in its title, a flow, the briefing
    and the first hint."""
    evil_level(path, where=("title", "flow"))
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^briefing: \|\n(?:  .*\n|\n)+",
                  lambda _: 'briefing: "\\e]0;pwned\\a The **web** pod.\\nLine two."\n',
                  text, count=1, flags=re.M)
    text = text.replace("    - Look at what the Service sends to the pods.", f"    - {EVIL_HINT}")
    path.write_text(text, encoding="utf-8")
    return path


def _text_of(renderable: object) -> str:
    console = Console(width=200, color_system=None, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _static_text(widget: Static) -> str:
    return _text_of(widget.visual) if not isinstance(widget.content, str) else widget.content


def _screen_svg(app: K8snetApp) -> str:
    return app.export_screenshot()


def test_level_title_briefing_flows_and_hints_are_escaped(tmp_path: Path) -> None:
    level = _evil_game_level(tmp_path / "lvl" / "level.yaml")

    async def scenario() -> None:
        app = make_app([level], data_dir=tmp_path / "data", clock=lambda: 0.0)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            briefing = app.screen
            assert isinstance(briefing, BriefingScreen)
            assert "pwned" in briefing.markdown
            for text in (briefing.heading, briefing.markdown,
                         briefing.query_one("#briefing", Markdown).source):
                assert_clean(text.replace("\n", " "))
                assert "\\x1b" in text
            assert_clean(_screen_svg(app))
            await pilot.press("escape")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            assert screen.title is not None
            assert SHOWN in screen.title
            assert_clean(screen.title)
            flows = screen.query_one(FlowList)
            row = _text_of(flows.get_option_at_index(0).prompt)
            assert_clean(row.replace("\n", " "))
            assert "\\x1b" in row
            brief = screen.query_one("#briefing", Markdown).source
            assert_clean(brief.replace("\n", " "))
            notes = record_notifications(app)
            await pilot.press("h")
            await pilot.pause()
            hints = _static_text(screen.query_one("#hints", Static))
            assert "\\x1b" in hints
            assert_clean(hints.replace("\n", " "))
            assert any("pwned" in n.message for n in notes)  # the hint's toast
            toasts = [str(t.message) for t in app._notifications]  # what Textual was given
            assert toasts
            for toast in toasts:
                assert_clean(toast)
            assert any("\\x1b" in t for t in toasts)
            svg = _screen_svg(app)
            assert_clean(svg)

    asyncio.run(scenario())


def test_a_load_error_is_escaped(tmp_path: Path) -> None:
    level = evil_level(tmp_path / "lvl" / "level.yaml", where=("title", "difficulty"))

    async def scenario() -> None:
        app = make_app([level], data_dir=tmp_path / "data", clock=lambda: 0.0)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LoadErrorScreen)
            assert_clean(screen.heading)
            assert SHOWN in screen.heading
            for widget in screen.query(".problem").results(Static):
                line = _static_text(widget)
                assert_clean(line.replace("\n", " "))
            assert_clean(_screen_svg(app))

    asyncio.run(scenario())


def test_nothing_drawn_holds_a_control_character_even_where_not_escaped(
        tmp_path: Path) -> None:
    """The app's line filter: a raw ESC put straight into a widget is still not drawn."""
    level = tmp_path / "lvl" / "level.yaml"
    new_level(level)

    async def scenario() -> None:
        app = make_app([level], data_dir=tmp_path / "data", clock=lambda: 0.0)
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            app.screen.mount(Static("raw \x1b]0;pwned\x07\x1b[2J here", markup=False))
            await pilot.pause()
            svg = _screen_svg(app)
            assert "pwned" in svg
            assert_clean(svg)

    asyncio.run(scenario())
