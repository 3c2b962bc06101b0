"""The rest of the command line: schema, --version, the game stand-in, and the
real process (``python -m k8snet_tui``) with its environment (NO_COLOR)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from k8snet_tui import FORMAT, __version__
from k8snet_tui.cli import main


def test_schema_is_the_level_format_json_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["$id"]
    assert FORMAT in schema["title"]
    assert {"format", "id", "flows"} <= set(schema["required"])
    flow = schema["$defs"]["FlowSpec"]["properties"]
    assert "from" in flow  # aliases, as level files spell the keys
    assert "from_" not in flow


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2
    assert "PATH" in capsys.readouterr().err


@pytest.mark.parametrize(("target", "complaint"), [
    ("no/such/level.yaml", "no such file or folder"),
    ("", "without pack.yaml"),  # the temporary folder itself: no pack.yaml in it
])
def test_play_refuses_a_path_it_cannot_play_without_starting_the_app(
        target: str, complaint: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", str(tmp_path / target)]) == 2
    assert complaint in capsys.readouterr().err


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "k8snet_tui", *args], capture_output=True,
                          text=True, env=full_env, timeout=120, check=False)


def test_python_dash_m_runs_the_cli_with_exit_codes(level: Path) -> None:
    failing = _run("check", str(level))
    assert failing.returncode == 1, failing.stderr
    assert "NOT SOLVED" in failing.stdout
    solved = _run("check", str(level), "--solution", "--json")
    assert solved.returncode == 0, solved.stderr
    assert json.loads(solved.stdout)["solved"] is True
    missing = _run("check", str(level.with_name("nope.yaml")))
    assert missing.returncode == 2
    assert "nope.yaml" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_no_color_is_respected(level: Path) -> None:
    coloured = _run("check", str(level), env={"FORCE_COLOR": "1"})
    assert "\x1b[31m" in coloured.stdout or "\x1b[1;31m" in coloured.stdout
    plain = _run("check", str(level), env={"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[31m" not in plain.stdout
    assert "\x1b[1;31m" not in plain.stdout
    assert "FAIL" in plain.stdout
