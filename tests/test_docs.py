"""The documentation tells the truth: generated pages match the code, and the guide's
examples are real (the tutorial pack validates, references parse, every reason code and
every command is covered).

Docs that drift are worse than none: an author copies an example, it fails, and the
format looks broken. So the examples are read back out of the Markdown and run.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter

from k8snet_tui.cli import build_parser
from k8snet_tui.engine.trace import REASON_DOCS, Reason
from k8snet_tui.game.packs import ENTRY_POINT_GROUP
from k8snet_tui.game.scaffold import new_pack
from k8snet_tui.game.validate import EXIT_FAILED, EXIT_OK, validate_loaded, validate_pack
from k8snet_tui.model.edits import Edit
from k8snet_tui.model.flows import parse_dest, parse_source
from k8snet_tui.model.load import load_level_text
from k8snet_tui.model.reference import COMMAND, EDITS, SECTIONS, format_reference

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
REFERENCE = DOCS / "format-reference.md"
GUIDE = DOCS / "authoring.md"


def _guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def _section(text: str, heading: str) -> str:
    """The Markdown under ``heading`` up to the next heading of the same or a higher level."""
    level = len(heading) - len(heading.lstrip("#"))
    start = text.index(heading + "\n")
    rest = text[start + len(heading) + 1:]
    stop = re.search(rf"^#{{1,{level}}} ", rest, re.M)
    return rest[: stop.start()] if stop else rest


def _fenced(text: str, lang: str) -> list[str]:
    """Bodies of fenced blocks in ``lang`` (three or more backticks, closed by the same)."""
    return [m.group(2) for m in re.finditer(
        rf"^(`{{3,}}){lang}\n(.*?)^\1$", text, re.M | re.S)]


def _table_first_cells(section: str) -> list[str]:
    return [line.split("|")[1].strip() for line in section.splitlines()
            if line.startswith("| ") and not line.startswith("| ---")][1:]


def _code_spans(text: str) -> list[str]:
    return re.findall(r"`([^`]+)`", text)


def _slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {_slug(m.group(1)) for m in re.finditer(r"^#+ (.+)$", text, re.M)}


# ------------------------------------------------------------ format-reference.md

def test_committed_format_reference_is_what_the_models_generate() -> None:
    committed = REFERENCE.read_text(encoding="utf-8")
    assert committed == format_reference(), f"regenerate with: {COMMAND}"


def test_format_reference_module_runs_as_the_documented_command() -> None:
    out = subprocess.run([sys.executable, "-m", "k8snet_tui.model.reference"],
                         capture_output=True, text=True, check=True, encoding="utf-8")
    assert out.stdout == REFERENCE.read_text(encoding="utf-8")


@pytest.mark.parametrize("model", [m for m, _ in SECTIONS] + list(EDITS),
                         ids=lambda m: m.__name__)
def test_every_format_field_says_what_it_is_for(model: type[BaseModel]) -> None:
    # ``op`` is named by its section ("op: set — …"); every other field needs words that
    # reach the reference, the JSON Schema and editor tooltips alike.
    missing = [name for name, info in model.model_fields.items()
               if name != "op" and not info.description]
    assert not missing, f"{model.__name__}: add Field(description=…) to {missing}"


def test_format_reference_lists_every_reason_code_with_its_meaning() -> None:
    reasons = _section(format_reference(), "## Reason codes")
    for code, meaning in REASON_DOCS.items():
        assert f"| `{code.value}` | {meaning.replace('<', chr(92) + '<')} |" in reasons
    assert set(REASON_DOCS) == set(Reason), "every Reason needs a REASON_DOCS entry"


# ------------------------------------------------------------------ authoring.md

def test_authoring_guide_explains_every_reason_code_and_no_stale_one() -> None:
    table = _section(_guide(), "## Reason codes")
    listed = {cell.strip("`") for cell in _table_first_cells(table)}
    assert listed == {r.value for r in Reason}


def test_authoring_guide_shows_every_cli_subcommand() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands = set(sub.choices)
    assert commands >= {"play", "new", "check", "trace", "validate", "schema"}
    guide = _guide()
    for command in commands:
        assert f"k8snet-tui {command}" in guide, f"authoring.md never shows `{command}`"


def test_links_into_the_reference_and_within_the_guide_resolve() -> None:
    guide = _guide()
    ref_anchors = _anchors(REFERENCE.read_text(encoding="utf-8"))
    for anchor in re.findall(r"\(format-reference\.md#([^)]+)\)", guide):
        assert anchor in ref_anchors, f"format-reference.md has no #{anchor}"
    own = _anchors(guide)
    for anchor in re.findall(r"\]\(#([^)]+)\)", guide):
        assert anchor in own, f"authoring.md has no #{anchor}"
    for anchor in re.findall(r"\]\(#([^)]+)\)", format_reference()):
        assert anchor in ref_anchors, f"format-reference.md links to a missing #{anchor}"


def _tutorial_level() -> str:
    [level] = [b for b in _fenced(_guide(), "yaml") if "\nid: only-the-api\n" in b]
    return level


def _tutorial_pack_yaml() -> str:
    [pack] = [b for b in _fenced(_guide(), "yaml")
              if b.startswith("# yaml-language-server: $schema=pack.schema.json")]
    return pack


def test_tutorial_pack_validates_with_no_warnings(tmp_path: Path) -> None:
    pack = tmp_path / "my-pack"
    new_pack(pack, title="My first pack", author="Ada Lovelace")
    level = pack / "02-policy" / "01-only-the-api.yaml"
    level.parent.mkdir()
    level.write_text(_tutorial_level(), encoding="utf-8")
    (pack / "pack.yaml").write_text(_tutorial_pack_yaml(), encoding="utf-8")
    report = validate_pack(pack)
    assert report.exit_code == EXIT_OK, [str(p) for p in report.all_problems]
    assert report.all_problems == []
    assert [lvl.level_id for lvl in report.levels] == ["01-first-level", "only-the-api"]


def test_tutorial_level_fails_only_its_deny_flow_at_the_start(tmp_path: Path) -> None:
    loaded = load_level_text(_tutorial_level(), "only-the-api.yaml")
    report = validate_loaded(loaded)
    assert report.exit_code == EXIT_OK
    start = next(c for c in report.checks if c.name.startswith("start state"))
    assert '"web cannot reach the database" is allow, expected deny' in start.detail


def test_tutorial_wrong_solution_fails_as_the_guide_shows() -> None:
    text = _tutorial_level()
    wrong = text[: text.index("  solution:\n")] + (
        "  solution:\n"
        '    - {op: unset, ref: networkpolicy/data/db-from-api, '
        'path: "spec.ingress[0].from[0]"}\n')
    assert "(`{op: unset, ref: networkpolicy/data/db-from-api, path: " \
        '"spec.ingress[0].from[0]"}`)' in _guide()
    report = validate_loaded(load_level_text(wrong, "only-the-api.yaml"))
    assert report.exit_code == EXIT_FAILED
    [failed] = report.failed_checks
    assert '"every api pod reaches the database" is deny (POLICY_DENIED_INGRESS)' in \
        failed.detail


@pytest.mark.parametrize(("heading", "parse"), [("### Sources (`from`)", parse_source),
                                                ("### Destinations (`to`)", parse_dest)],
                         ids=["from", "to"])
def test_every_flow_reference_example_in_the_grammar_parses(
        heading: str, parse: Callable[[str], object]) -> None:
    table = _section(_guide(), heading)
    examples = [span for line in table.splitlines() if line.startswith("| ")
                for span in _code_spans(line.split("|")[2])]
    assert len(examples) >= 9
    for example in examples:
        parse(example)  # raises RefError on a bad example


def test_flows_written_in_the_guide_parse() -> None:
    for block in _fenced(_guide(), "yaml"):
        for key, value in re.findall(r"^\s+(from|to): (\S+)$", block, re.M):
            if value.startswith(("[", "{")):
                continue  # NetworkPolicy peers, not flows
            (parse_source if key == "from" else parse_dest)(value)


def test_edit_language_examples_are_valid_edits() -> None:
    [block] = [b for b in _fenced(_guide(), "yaml") if b.startswith("- {op: set")]
    edits = TypeAdapter(list[Edit]).validate_python(yaml.safe_load(block))
    assert {e.op for e in edits} == {"set", "unset", "add-route", "remove-route", "create",
                                     "delete", "replace"}


def test_packaging_snippet_publishes_the_pack_under_the_entry_point_group() -> None:
    [snippet] = [b for b in _fenced(_guide(), "toml") if "entry-points" in b]
    project = tomllib.loads(snippet)
    assert project["project"]["entry-points"][ENTRY_POINT_GROUP] == {"mypack": "my_pack"}
    assert "*.yaml" in project["tool"]["setuptools"]["package-data"]["my_pack"]
