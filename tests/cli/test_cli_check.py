"""`k8snet-tui check`: exit codes, the --json contract of DESIGN.md §5, --solution."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_tui.cli import main

from .conftest import LevelFactory, line_of

FLOW_KEYS = {"name", "from", "to", "expect", "verdict", "ok", "reason", "detail", "hops"}


def test_check_exits_1_when_a_flow_is_not_as_expected(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(level)]) == 1
    out = capsys.readouterr().out
    assert "NOT SOLVED" in out
    assert "FAIL" in out  # a word, not only a symbol or a colour
    assert "TARGET_PORT_MISMATCH" in out
    assert "web reaches api" in out


def test_check_exits_0_when_every_flow_is_as_expected(
        write_level: LevelFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("targetPort: 9090", "targetPort: http"))
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "SOLVED: all 2 flows as expected" in out
    assert "FAIL" not in out


def test_check_json_is_one_object_with_the_documented_keys(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(level), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)  # exactly one JSON document on stdout
    assert set(doc) == {"level", "solved", "flows"}
    assert doc["level"] == "svc-port"
    assert doc["solved"] is False
    assert len(doc["flows"]) == 2
    for flow in doc["flows"]:
        assert set(flow) >= FLOW_KEYS
        assert flow["verdict"] in {"allow", "deny", "partial"}
        assert isinstance(flow["ok"], bool)
        assert isinstance(flow["detail"], str)
        for hop in flow["hops"]:
            assert {"where", "what", "verdict"} <= set(hop)
            assert hop["verdict"] in {"pass", "drop", "info"}


def test_check_json_echoes_flows_in_file_order_with_default_names(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["check", str(level), "--json"])
    first, second = json.loads(capsys.readouterr().out)["flows"]
    assert (first["name"], first["from"], first["to"]) == (
        "web reaches api", "pod/shop/web", "service/shop/api:80")
    assert (first["expect"], first["verdict"], first["ok"]) == ("allow", "deny", False)
    assert first["reason"] == "TARGET_PORT_MISMATCH"
    assert second["name"] == "internet → service/shop/api:80"
    assert (second["expect"], second["verdict"], second["ok"]) == ("deny", "deny", True)


def test_check_solution_applies_the_puzzle_solution_first(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(level), "--solution", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["solved"] is True
    assert [f["ok"] for f in doc["flows"]] == [True, True]
    assert doc["flows"][0]["reason"] is None


def test_check_solution_human_output_says_the_solution_was_applied(
        level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(level), "--solution"]) == 0
    assert "after applying its solution: 1 edit" in capsys.readouterr().out


def test_check_solution_without_a_solution_is_invalid_input(
        write_level: LevelFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("  solution:\n    - {op: set, ref: service/shop/api, "
                        'path: "spec.ports[0].targetPort", value: http}\n', ""))
    assert main(["check", str(path), "--solution"]) == 2
    err = capsys.readouterr().err
    assert "puzzle.solution" in err
    assert "Traceback" not in err


def test_check_invalid_level_prints_every_problem_with_file_and_line(
        write_level: LevelFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("difficulty: 2", "difficulty: 9"),
                       ("    expect: deny", "    expect: maybe"))
    assert main(["check", str(path), "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""  # nothing half-written where JSON is expected
    assert f"{path}:{line_of('difficulty:')}:13: error: difficulty:" in captured.err
    assert f"{path}:{line_of('    expect: deny')}:13: error: flows[1].expect:" in captured.err
    assert "Traceback" not in captured.err


def test_check_yaml_syntax_error_is_exit_2_with_position(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("format: k8snet/v1\nid: x\nflows: [\n", encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{path}:")
    assert "YAML syntax" in err


@pytest.mark.parametrize("name", ["missing.yaml", "."])
def test_check_missing_file_or_folder_is_invalid_input(
        tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / name)]) == 2
    err = capsys.readouterr().err
    assert str(tmp_path) in err
    assert "Traceback" not in err
