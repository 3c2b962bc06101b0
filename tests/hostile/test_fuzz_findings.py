"""Regressions found by scripts/hostile_fuzz.py: each with its minimal input."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from k8snet_tui.cli import main

LEVEL = ("format: k8snet/v1\nid: t\nflows:\n"
         "- {from: internet, to: 'service/default/x:" + "9" * 5000 + "'}\n")


def test_a_flow_port_of_5000_digits_is_a_located_error(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "l.yaml"
    path.write_text(LEVEL, encoding="utf-8")
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"{path}:4:" in err
    assert "(5,000 digits) is outside 1-65535" in err
    assert "Traceback" not in err


def test_trace_to_a_missing_object_blames_the_argument(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "l.yaml"
    path.write_text("format: k8snet/v1\nid: t\nflows: []\n", encoding="utf-8")
    assert main(["trace", str(path), "internet", "service/default/x:80"]) == 2
    assert capsys.readouterr().err.startswith(
        "<command line>: error: to: service default/x does not exist in ")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_pack_whose_pack_yaml_is_a_fifo_is_refused_for_that(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(tmp_path / "pack.yaml")
    assert main(["validate", str(tmp_path)]) == 2
    assert f"{tmp_path / 'pack.yaml'}:1:1: error: cannot read: this is a FIFO" in \
        capsys.readouterr().err


def test_a_symlink_loop_is_reported_as_one_not_as_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert main(["validate", str(loop)]) == 2
    assert "Too many levels of symbolic links" in capsys.readouterr().err
