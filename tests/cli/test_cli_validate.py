"""`k8snet-tui validate`: a level or a whole pack, every problem reported at once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from k8snet_tui.cli import main
from k8snet_tui.game.validate import (
    CHECK_PAR,
    CHECK_SOLUTION,
    CHECK_START,
    LevelReport,
    validate_level,
    validate_pack,
)

from .conftest import LEVEL, LevelFactory, line_of, variant

PackFactory = Callable[[str, dict[str, str]], Path]


def _check(report: LevelReport, name: str) -> bool:
    matches = [c for c in report.checks if c.name == name]
    assert len(matches) == 1, report.checks
    return matches[0].passed


def test_good_level_is_valid(level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(level)]) == 0
    captured = capsys.readouterr()
    assert "VALID" in captured.out
    assert "FAIL" not in captured.out
    assert captured.err == ""


def test_good_level_report_passes_every_check(level: Path) -> None:
    report = validate_level(level)
    assert report.exit_code == 0
    assert report.level_id == "svc-port"
    assert _check(report, CHECK_START)
    assert _check(report, CHECK_SOLUTION)
    assert _check(report, CHECK_PAR)


def test_level_solved_at_the_start_fails(write_level: LevelFactory,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("targetPort: 9090", "targetPort: http"))
    assert main(["validate", str(path)]) == 1
    assert "starts solved" in capsys.readouterr().out
    assert not _check(validate_level(path), CHECK_START)


def test_solution_that_does_not_solve_fails(write_level: LevelFactory) -> None:
    path = write_level(("value: http}", "value: 9999}"))
    report = validate_level(path)
    assert report.exit_code == 1
    assert not _check(report, CHECK_SOLUTION)
    assert "web reaches api" in next(c.detail for c in report.checks if c.name == CHECK_SOLUTION)


def test_solution_edit_that_cannot_be_applied_fails(write_level: LevelFactory) -> None:
    path = write_level(("ref: service/shop/api, path", "ref: service/shop/nope, path"))
    report = validate_level(path)
    assert report.exit_code == 1
    assert not _check(report, CHECK_SOLUTION)


def test_par_above_the_solution_length_fails(write_level: LevelFactory) -> None:
    report = validate_level(write_level(("par: 1", "par: 3")))
    assert report.exit_code == 1
    assert not _check(report, CHECK_PAR)


def test_solution_refused_by_the_levels_own_locks_is_an_error(
        write_level: LevelFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("editable: [service/shop/api]", "editable: [pod/shop/web]"))
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert "error: puzzle.solution[0]:" in err
    assert "locks" in err


def test_invalid_level_is_exit_2_with_positions_and_no_traceback(
        write_level: LevelFactory, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_level(("concepts:", "concept:"))
    assert main(["validate", str(path)]) == 2
    captured = capsys.readouterr()
    assert f"{path}:{line_of('concepts:')}:1: error:" in captured.err
    assert 'unknown key "concept"' in captured.err
    assert "Traceback" not in captured.err
    assert "INVALID" in captured.out


def test_sandbox_level_without_puzzle_checks_only_the_format(
        write_level: LevelFactory) -> None:
    path = write_level(("puzzle:", "x-puzzle:"))
    report = validate_level(path)
    assert report.exit_code == 2  # an unknown top-level key is an error
    text = LEVEL[: LEVEL.index("puzzle:")]
    sandbox = path.with_name("sandbox.yaml")
    sandbox.write_text(text, encoding="utf-8")
    report = validate_level(sandbox)
    assert report.exit_code == 0
    assert report.notes


PACK = """\
format: k8snet/v1
id: test-pack
title: Test pack
chapters:
  - id: one
    title: One
    levels: [a.yaml, sub/b.yaml]
"""


def test_good_pack_is_valid(write_pack: PackFactory,
                            capsys: pytest.CaptureFixture[str]) -> None:
    root = write_pack(PACK, {
        "a.yaml": LEVEL,
        "sub/b.yaml": variant(LEVEL, ("id: svc-port", "id: svc-port-2")),
        "sub/manifests/extra.yaml": "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
    })
    assert main(["validate", str(root)]) == 0
    captured = capsys.readouterr()
    assert "2 levels: 2 valid" in captured.out
    assert captured.err == ""  # an included manifest is not an unlisted level


def test_broken_pack_reports_every_problem_of_every_level_at_once(
        write_pack: PackFactory, capsys: pytest.CaptureFixture[str]) -> None:
    pack_yaml = """\
format: k8snet/v1
id: test-pack
title: Test pack
levels:
  - a.yaml
  - b.yaml
  - missing.yaml
  - c.yaml
  - ../outside.yaml
"""
    root = write_pack(pack_yaml, {
        "a.yaml": LEVEL,
        "b.yaml": LEVEL,  # same id as a.yaml
        "c.yaml": variant(LEVEL, ("difficulty: 2", "difficulty: hard")),
        "forgotten.yaml": variant(LEVEL, ("id: svc-port", "id: forgotten")),
    })
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    pack_file = root / "pack.yaml"
    assert f'{pack_file}:6:5: error: levels[1]: level id "svc-port"' in err
    assert f'{pack_file}:7:5: error: levels[2]: "missing.yaml" does not exist' in err
    assert f"{pack_file}:9:5: error: levels[4]:" in err
    assert f"{root / 'c.yaml'}:{line_of('difficulty:')}:13: error: difficulty:" in err
    assert f"{root / 'forgotten.yaml'}:1:1: warning:" in err
    assert "Traceback" not in err


def test_pack_with_a_failing_level_exits_1(write_pack: PackFactory) -> None:
    root = write_pack(PACK, {
        "a.yaml": LEVEL,
        "sub/b.yaml": variant(LEVEL, ("id: svc-port", "id: other"), ("par: 1", "par: 2")),
    })
    report = validate_pack(root)
    assert report.exit_code == 1
    assert [lvl.exit_code for lvl in report.levels] == [0, 1]


def test_unusable_pack_file_is_exit_2(write_pack: PackFactory,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = write_pack("format: k8snet/v1\nid: p\ntitle: P\n", {})
    assert main(["validate", str(root)]) == 2
    err = capsys.readouterr().err
    assert f"{root / 'pack.yaml'}:1:1: error:" in err
    assert "chapters or levels" in err


def test_folder_without_pack_yaml_is_invalid_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path)]) == 2
    assert "pack.yaml" in capsys.readouterr().err
