"""Fixtures that make every app test start from the same world.

A test must not read the player's real save, depend on the wall clock (the
debrief prints the time taken), or race an animation or a blinking cursor —
any of those makes a pilot test flaky and a snapshot differ between runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from textual import constants
from textual.widgets import Input, TextArea

from k8snet_tui.app.app import K8snetApp, make_app
from k8snet_tui.game.progress import DATA_DIR_ENV
from tests.app.player import FakeClock

AppFactory = Callable[..., K8snetApp]


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No real save directory, no animations, colour as in a normal terminal, no blinking.

    Textual reads ``TEXTUAL_ANIMATIONS`` when it is imported, which is before
    any fixture runs, so the constant is patched as well as the variable.
    The cursors' ``cursor_blink`` default is switched off on the reactive
    itself, so every Input and TextArea the app creates starts steady — also
    those inside screens a test never looks up (the palette's input).
    """
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setattr(constants, "TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)
    for widget in (Input, TextArea):
        monkeypatch.setattr(vars(widget)["cursor_blink"], "_default", False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Where the app under test keeps its save (the same place the env variable names)."""
    return tmp_path / "data"


@pytest.fixture
def clock() -> FakeClock:
    """The clock handed to every app: time passes only when a test advances it."""
    return FakeClock()


@pytest.fixture
def new_app(data_dir: Path, clock: FakeClock) -> AppFactory:
    """``make_app`` with the test's data directory and fixed clock."""
    def factory(paths: Sequence[Path] | None = None) -> K8snetApp:
        return make_app(list(paths) if paths is not None else None, data_dir=data_dir,
                        clock=clock)
    return factory
