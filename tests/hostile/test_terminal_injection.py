"""Control characters from input reach the terminal escaped, never raw (issue #8).

A level whose title is ``"\\e]0;pwned\\a\\e[2J"`` must not set the terminal's title and
clear the screen when ``k8snet-tui check`` prints it: every command shows such text as
``\\x1b]0;pwned\\x07\\x1b[2J``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from k8snet_tui.cli import main
from k8snet_tui.game.scaffold import new_level, new_pack
from k8snet_tui.model.printable import printable, printable_json, strip_unprintable
from k8snet_tui.model.problems import Problem

EVIL_YAML = r'"\e]0;pwned\a\e[2J\x9b\0\u202e"'
"""A YAML double-quoted scalar: OSC set-title, BEL, clear screen, C1 CSI, NUL, RLO."""
EVIL = "\x1b]0;pwned\x07\x1b[2J\x9b\x00\u202e"
SHOWN = r"\x1b]0;pwned\x07\x1b[2J\x9b\x00\u202e"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Every control character a terminal acts on, but the line break."""


def assert_clean(text: str) -> None:
    found = RAW.findall(text)
    assert not found, f"raw control characters {found!r} in {text!r}"


def evil_level(path: Path, *, where: tuple[str, ...] = ("title", "flow", "label", "key")
               ) -> Path:
    """The scaffolded level with the hostile string in the places named."""
    new_level(path)
    text = path.read_text(encoding="utf-8")
    if "title" in where:
        text = text.replace("title: Level", f"title: {EVIL_YAML}", 1)
    if "flow" in where:
        text = text.replace("- name: web reaches the api", f"- name: {EVIL_YAML}", 1)
    if "label" in where:
        text = text.replace("labels: {app: web}", f"labels: {{app: web, x: {EVIL_YAML}}}", 1)
    if "key" in where:
        text = text.replace("    spec:\n      nodeName: node-a",
                            f"    spec:\n      {EVIL_YAML}: 1\n      nodeName: node-a", 1)
    if "difficulty" in where:
        text = re.sub(r"difficulty: 1\b", lambda _: f"difficulty: {EVIL_YAML}", text, count=1)
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------- the helper

@pytest.mark.parametrize(("raw", "shown"), [
    ("\x1b]0;pwned\x07", r"\x1b]0;pwned\x07"),
    ("a\x00b", r"a\x00b"),
    ("\x9b2J", r"\x9b2J"),
    ("\x7f", r"\x7f"),
    ("abc\u202edef", r"abc\u202edef"),
    ("\u2066x\u2069", r"\u2066x\u2069"),
    ("tab\tand\nline", r"tab\x09and\x0aline"),
    ("plain ✓ text — [ok]", "plain ✓ text — [ok]"),
])
def test_printable_shows_every_control_character_as_an_escape(raw: str, shown: str) -> None:
    assert printable(raw) == shown
    assert printable(shown) == shown  # idempotent


def test_printable_multiline_keeps_line_breaks_and_tabs_only() -> None:
    assert printable("a\nb\tc\x1b", multiline=True) == "a\nb\tc\\x1b"


def test_strip_unprintable_removes_what_takes_no_cell() -> None:
    assert strip_unprintable(f"a{EVIL}b") == "a]0;pwned[2Jb"


def test_printable_json_is_the_same_json_value() -> None:
    dumped = json.dumps({"name": EVIL}, ensure_ascii=False)
    safe = printable_json(dumped)
    assert_clean(safe)
    assert json.loads(safe) == {"name": EVIL}


def test_a_problem_line_escapes_file_field_and_message() -> None:
    line = str(Problem(f"bad {EVIL}", ("spec", EVIL), file=f"x{EVIL}.yaml", line=1))
    assert_clean(line)
    assert SHOWN in line


# ------------------------------------------------------------------- commands

def test_check_escapes_the_title_flow_name_and_unknown_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = evil_level(tmp_path / "level.yaml")
    code, out, err = run(capsys, "check", str(level))
    assert code == 1  # the scaffolded level fails one flow: the input was used, not refused
    assert_clean(out)
    assert_clean(err)
    assert SHOWN in out  # the title and the flow name
    assert SHOWN in err  # the unknown field's warning


def test_check_json_escapes_c1_and_bidi_as_well(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = evil_level(tmp_path / "level.yaml")
    code, out, _ = run(capsys, "check", "--json", str(level))
    assert code == 1
    assert_clean(out)
    assert json.loads(out)["flows"][0]["name"] == EVIL


def test_trace_escapes_the_level_and_its_warnings(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = evil_level(tmp_path / "level.yaml")
    code, out, err = run(capsys, "trace", str(level), "pod/shop/web", "service/shop/api:80")
    assert code == 1
    assert_clean(out)
    assert_clean(err)
    assert SHOWN in err


def test_validate_escapes_a_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = evil_level(tmp_path / "level.yaml")
    code, out, err = run(capsys, "validate", str(level))
    assert code == 0  # the hostile text is only a warning's worth: the level plays
    assert_clean(out)
    assert_clean(err)
    assert SHOWN in out


def test_validate_escapes_a_pack_title_chapter_and_missing_entry(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack = tmp_path / "pack"
    new_pack(pack)
    pack_yaml = pack / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    text = text.replace("title: Pack", f"title: {EVIL_YAML}", 1)
    text = text.replace("title: First steps", f"title: {EVIL_YAML}", 1)
    text = text.replace("      - 01-first/01-first-level.yaml",
                        "      - 01-first/01-first-level.yaml\n"
                        f"      - {EVIL_YAML.replace(chr(92) + '0', '')}", 1)  # NUL: see below
    pack_yaml.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "validate", str(pack))
    assert code == 2
    assert_clean(out)
    assert_clean(err)
    assert SHOWN in out + err


def test_an_invalid_value_is_reported_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level = evil_level(tmp_path / "level.yaml", where=("difficulty",))
    code, _, err = run(capsys, "check", str(level))
    assert code == 2
    assert_clean(err)
    assert "difficulty" in err


def test_a_file_name_with_control_characters_is_reported_escaped(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "check", str(tmp_path / f"no{EVIL}.yaml"))
    assert code == 2
    assert_clean(err)
    assert SHOWN in err


def test_argparse_quotes_a_bad_argument_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "new", EVIL, "x")
    assert code == 2
    assert_clean(err)
    assert "invalid choice" in err
