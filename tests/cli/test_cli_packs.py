"""Finding the built-in campaign from a source checkout and from an installed wheel."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import k8snet_tui
from k8snet_tui.cli import main
from k8snet_tui.game.packs import builtin_pack_path, load_pack

PACKAGE = Path(k8snet_tui.__file__).resolve().parent


def test_builtin_pack_is_found_from_the_source_checkout() -> None:
    path = builtin_pack_path()
    assert (path / "pack.yaml").is_file()
    assert load_pack(path).levels


def test_builtin_pack_prefers_the_copy_inside_an_installed_package(tmp_path: Path) -> None:
    # The wheel layout: pyproject force-includes levels/ as k8snet_tui/levels.
    installed = tmp_path / "site" / "k8snet_tui"
    shutil.copytree(PACKAGE, installed, ignore=shutil.ignore_patterns("__pycache__", "levels"))
    (installed / "levels").mkdir()
    (installed / "levels" / "pack.yaml").write_text("format: k8snet/v1\n", encoding="utf-8")
    code = "from k8snet_tui.game.packs import builtin_pack_path; print(builtin_pack_path())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=tmp_path, env={"PYTHONPATH": str(tmp_path / "site")},
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == installed / "levels"


def test_builtin_campaign_validates(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["validate", str(builtin_pack_path())])
    captured = capsys.readouterr()
    assert code == 0, captured.err + captured.out
