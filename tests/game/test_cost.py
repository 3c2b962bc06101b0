"""Edits are counted by what they change, however they were typed (issue: scoring)."""

from __future__ import annotations

import pytest

from k8snet_tui.game.cost import edit_cost, edits_cost
from k8snet_tui.game.edits import apply_edit, find_object
from k8snet_tui.game.inputs import dump_yaml, parse_manifest
from k8snet_tui.game.session import Session
from k8snet_tui.game.validate import CHECK_PAR, validate_loaded
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    ReplaceEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.load import LoadedLevel
from tests.game.conftest import load_sample


def _cost(level: LoadedLevel, edit: AnyEdit) -> int:
    return edit_cost(level, apply_edit(level, edit, enforce_locks=False), edit)


def _replaced(level: LoadedLevel, ref: str, old: str, new: str) -> ReplaceEdit:
    text = dump_yaml(find_object(level, ref).data())
    assert old in text
    return ReplaceEdit(ref=ref, manifest=parse_manifest(text.replace(old, new)))


def test_a_yaml_apply_that_changes_three_fields_counts_three_edits(
        sample: LoadedLevel) -> None:
    text = dump_yaml(find_object(sample, "service/shop/api").data())
    text = (text.replace("targetPort: 8080", "targetPort: http")
            .replace("port: 9100", "port: 9101").replace("app: api", "app: api2"))
    edit = ReplaceEdit(ref="service/shop/api", manifest=parse_manifest(text))
    assert _cost(sample, edit) == 3


def test_the_same_three_fields_as_three_set_edits_cost_the_same(sample: LoadedLevel) -> None:
    steps: list[AnyEdit] = [
        SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="http"),
        SetEdit(ref="service/shop/api", path="spec.ports[1].port", value=9101),
        SetEdit(ref="service/shop/api", path="spec.selector.app", value="api2"),
    ]
    assert edits_cost(sample, steps) == 3


def test_spelling_out_a_default_in_yaml_changes_nothing_and_costs_nothing(
        sample: LoadedLevel) -> None:
    edit = _replaced(sample, "service/shop/api", "spec:\n", "spec:\n  type: ClusterIP\n")
    assert _cost(sample, edit) == 0


def test_renaming_a_selector_key_is_two_changed_fields(sample: LoadedLevel) -> None:
    edit = SetEdit(ref="service/shop/api", path="spec.selector", value={"name": "api"})
    assert _cost(sample, edit) == 2


@pytest.mark.parametrize("edit", [
    CreateEdit(manifest={"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "metadata": {"name": "x", "namespace": "shop"},
                         "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
    DeleteEdit(ref="networkpolicy/shop/deny-all"),
    AddRouteEdit(ref="node/node-a", to="10.244.7.0/24", via="192.168.0.12"),
    RemoveRouteEdit(ref="node/node-a", to="10.244.9.0/24"),
], ids=["create", "delete", "add-route", "remove-route"])
def test_create_delete_and_route_changes_count_one_each(sample: LoadedLevel,
                                                        edit: AnyEdit) -> None:
    assert _cost(sample, edit) == 1


def test_removing_a_list_item_counts_once(sample: LoadedLevel) -> None:
    assert _cost(sample, UnsetEdit(ref="service/shop/api", path="spec.ports[1]")) == 1


def test_the_session_scores_a_yaml_apply_by_its_fields_and_undo_takes_it_back() -> None:
    level = load_sample(puzzle=False)
    session = Session(level)
    text = dump_yaml(find_object(level, "service/shop/api").data())
    session.apply(ReplaceEdit(ref="service/shop/api", manifest=parse_manifest(
        text.replace("targetPort: 8080", "targetPort: http").replace("port: 9100",
                                                                     "port: 9101"))))
    assert session.score().edits == 2
    session.undo()
    assert session.score().edits == 0


def test_a_rename_is_one_step_that_counts_two_edits() -> None:
    level = load_sample(puzzle=False)
    session = Session(level)
    data = find_object(level, "networkpolicy/shop/deny-all").data()
    data["metadata"]["name"] = "default-deny"
    session.apply_group([DeleteEdit(ref="networkpolicy/shop/deny-all"),
                         CreateEdit(manifest=data)])
    assert session.score().edits == 2
    assert len(session.edits) == 2
    session.undo()
    assert session.level.spec == level.spec
    session.redo()
    assert find_object(session.level, "networkpolicy/shop/default-deny")


def test_validate_holds_par_to_the_solution_count() -> None:
    level = load_sample({"  solution:": "  par: 1\n  solution:"})
    check = next(c for c in validate_loaded(level).checks if c.name == CHECK_PAR)
    assert check.passed, check.detail
    level = load_sample({"  solution:": "  par: 2\n  solution:"})
    check = next(c for c in validate_loaded(level).checks if c.name == CHECK_PAR)
    assert not check.passed
    assert "set par to 1" in check.detail
