"""A game that crashed exits non-zero: the shell and scripts must see the failure (#8)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.app import App

import k8snet_tui.app.app as app_module
from k8snet_tui.cli import main
from k8snet_tui.game.scaffold import new_level


class _Headless(App[None]):
    """Runs without a terminal; ``crash`` makes its mount raise."""

    def __init__(self, *, crash: bool) -> None:
        super().__init__()
        self.crash = crash

    def on_mount(self) -> None:
        if self.crash:
            raise RuntimeError("boom")
        self.exit()

    def run(self, *args: Any, **kwargs: Any) -> None:
        kwargs["headless"] = True
        super().run(*args, **kwargs)


def _play(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, *, crash: bool) -> int:
    level = tmp_path / "level.yaml"
    new_level(level)

    def fake_make_app(paths: Any, **kwargs: Any) -> App[None]:
        return _Headless(crash=crash)

    monkeypatch.setattr(app_module, "make_app", fake_make_app)
    return main(["play", str(level)])


def test_play_exits_non_zero_when_the_app_crashed(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _play(monkeypatch, tmp_path, crash=True) == 1
    assert "boom" in capsys.readouterr().err  # Textual's traceback, on stderr


def test_play_exits_zero_when_the_player_quits(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert _play(monkeypatch, tmp_path, crash=False) == 0
