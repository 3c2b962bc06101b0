"""The built-in campaign is fit to play: every level valid, broken at the start,
solved by its own solution, and not solved by the obvious blunt fixes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from k8snet_tui.engine.evaluate import evaluate_level
from k8snet_tui.game.cost import edits_cost
from k8snet_tui.game.edits import EditError, apply_edits
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.game.validate import validate_level, validate_pack
from k8snet_tui.model.edits import AnyEdit, DeleteEdit, SetEdit
from k8snet_tui.model.load import LoadedLevel, load_level
from k8snet_tui.model.resources import NetworkPolicy, Service, resource_ref
from k8snet_tui.model.schema import level_schema, pack_schema

PACK = builtin_pack_path()
LEVELS = [lvl.path for lvl in load_pack(PACK).levels]
SECURITY_CONCEPTS = {"network-policy", "networkpolicy", "policy", "egress", "security",
                     "exposure", "ingress", "internet-to-service", "default-deny"}


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def test_builtin_pack_validates_as_a_whole() -> None:
    report = validate_pack(PACK)
    assert report.exit_code == 0, [str(p) for p in report.all_problems]
    assert not report.all_problems


@pytest.mark.parametrize("path", LEVELS, ids=_id)
def test_builtin_level_is_valid_broken_at_start_and_solved_by_its_solution(path: Path) -> None:
    report = validate_level(path)
    assert report.exit_code == 0, [c.detail for c in report.failed_checks] + [
        str(p) for p in report.problems]
    level = load_level(path)
    puzzle = level.spec.puzzle
    assert puzzle is not None, "campaign levels are puzzles"
    assert puzzle.solution, "campaign levels carry a known solution"
    assert puzzle.par is not None
    assert puzzle.par == edits_cost(level, puzzle.solution), "par counts fields, as scoring"
    assert 2 <= len(puzzle.hints) <= 3, "2-3 hints, vague to precise"
    assert level.spec.briefing.strip()
    assert level.spec.debrief.strip()
    assert "kubectl" in level.spec.debrief, "the debrief shows how to diagnose it for real"


def _blunt(level: LoadedLevel, edits: list[AnyEdit]) -> bool:
    """Does this blunt fix solve the level? (Edits refused by Kubernetes rules don't count.)"""
    try:
        after = apply_edits(level, edits, enforce_locks=False)
    except EditError:
        return False
    return evaluate_level(after).solved


def _is_security_level(level: LoadedLevel) -> bool:
    concepts = {c.lower() for c in level.spec.concepts}
    has_deny = any(f.expect == "deny" for f in level.spec.flows)
    return has_deny and bool(concepts & SECURITY_CONCEPTS or any(
        isinstance(r, NetworkPolicy) for r in level.spec.resources))


SECURITY_LEVELS = [p for p in LEVELS if _is_security_level(load_level(p))]


@pytest.mark.parametrize("path", SECURITY_LEVELS, ids=_id)
def test_deleting_every_networkpolicy_does_not_solve_a_security_level(path: Path) -> None:
    level = load_level(path)
    edits: list[AnyEdit] = [DeleteEdit(ref=resource_ref(r)) for r in level.spec.resources
                            if isinstance(r, NetworkPolicy)]
    assert not _blunt(level, edits)


@pytest.mark.parametrize("path", SECURITY_LEVELS, ids=_id)
def test_making_every_service_a_loadbalancer_does_not_solve_a_security_level(path: Path) -> None:
    level = load_level(path)
    edits: list[AnyEdit] = [SetEdit(ref=resource_ref(r), path="spec.type", value="LoadBalancer")
                            for r in level.spec.resources
                            if isinstance(r, Service) and r.spec.type != "ExternalName"]
    assert not _blunt(level, edits)


def test_most_levels_have_deny_flows() -> None:
    with_deny = [p for p in LEVELS if any(f.expect == "deny" for f in load_level(p).spec.flows)]
    assert len(with_deny) * 3 >= len(LEVELS) * 2, "at least two thirds carry an expect: deny"


@pytest.mark.parametrize(("name", "schema"), [("level.schema.json", level_schema()),
                                              ("pack.schema.json", pack_schema())])
def test_shipped_schema_files_match_the_models(name: str, schema: dict[str, object]) -> None:
    shipped = json.loads((PACK / name).read_text(encoding="utf-8"))
    assert shipped == schema, f"regenerate with: k8snet-tui schema > levels/{name}"
