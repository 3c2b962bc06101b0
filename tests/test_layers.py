"""The fenced core (DESIGN.md §2): model, engine and game never pull in the UI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "k8snet_tui"


@pytest.mark.parametrize(
    "module",
    ["k8snet_tui.model.load", "k8snet_tui.engine.evaluate", "k8snet_tui.game"],
)
def test_core_layers_import_without_textual_or_rich(module: str) -> None:
    code = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "", f"{module} imported {out.stdout.strip()}"


@pytest.mark.parametrize("layer", ["model", "engine", "game"])
def test_core_layer_sources_never_mention_ui_imports(layer: str) -> None:
    for path in sorted((PACKAGE / layer).rglob("*.py")):
        for line in path.read_text(encoding="utf-8").splitlines():
            stripped = line.strip()
            assert not stripped.startswith(("import textual", "from textual", "import rich",
                                             "from rich")), f"{path}: {stripped}"


def test_engine_does_not_import_game_or_app() -> None:
    code = (
        "import sys, k8snet_tui.engine.evaluate\n"
        "print(','.join(m for m in sys.modules if m.startswith(('k8snet_tui.game', "
        "'k8snet_tui.app', 'k8snet_tui.cli'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""
