"""Locks: a puzzle decides which objects and fields the player may touch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from k8snet_tui.game.edits import EditError, apply_edit, apply_edits
from k8snet_tui.game.locks import editable_fields, original_refs, refusal
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

POLICY: dict[str, Any] = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                          "metadata": {"name": "mine", "namespace": "shop"},
                          "spec": {"podSelector": {}}}
API_SVC: dict[str, Any] = {
    "apiVersion": "v1", "kind": "Service", "metadata": {"name": "api", "namespace": "shop"},
    "spec": {"selector": {"app": "api"},
             "ports": [{"name": "http", "port": 8080, "targetPort": 8080},
                       {"name": "metrics", "port": 9100}]},
}


@pytest.mark.parametrize(
    "edit",
    [
        SetEdit(ref="service/shop/api", path="spec.selector.app", value="api2"),
        SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="http"),
        SetEdit(ref="service/shop/api", path="spec.ports[name=http].targetPort", value="http"),
        UnsetEdit(ref="service/shop/api", path="spec.selector"),
        SetEdit(ref="deployment/shop/api", path='spec.template.metadata.labels["x"]', value="y"),
        SetEdit(ref="networkpolicy/shop/allow-web", path="spec.podSelector", value={}),
        DeleteEdit(ref="networkpolicy/shop/allow-web"),
        DeleteEdit(ref="networkpolicy/shop/deny-all"),
        SetEdit(ref="ingress/shop/shop", path="spec.rules[0].host", value="x.example.com"),
        SetEdit(ref="node/node-a", path="routes[0].via", value="192.168.0.13"),
        SetEdit(ref="node/node-a", path="routes", value=[]),
        AddRouteEdit(ref="node/node-a", to="10.244.2.0/24", via="192.168.0.12"),
        RemoveRouteEdit(ref="node/node-a", to="default"),
        CreateEdit(manifest=POLICY),
        ReplaceEdit(ref="service/shop/api",
                    manifest={**API_SVC, "spec": {**API_SVC["spec"], "selector": {"app": "x"}}}),
        ReplaceEdit(ref="service/shop/api",  # spelling out defaults changes nothing
                    manifest={**API_SVC, "spec": {**API_SVC["spec"], "type": "ClusterIP"}}),
    ],
)
def test_the_puzzle_allows_edits_to_what_it_opens(sample: LoadedLevel, edit: AnyEdit) -> None:
    assert refusal(sample, edit) is None
    apply_edit(sample, edit)  # and applying it with locks on succeeds


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (SetEdit(ref="service/shop/db", path="spec.type", value="ClusterIP"),
         "service/shop/db is locked in this level"),
        (SetEdit(ref="pod/tools", path="metadata.labels.app", value="x"),
         "pod/default/tools is locked in this level"),
        (SetEdit(ref="node/node-b", path="routes", value=[]),
         "node/node-b is locked in this level"),
        (SetEdit(ref="service/shop/api", path="spec.type", value="NodePort"),
         "only spec.selector or spec.ports[name=http] of service/shop/api may be edited"),
        (SetEdit(ref="service/shop/api", path="spec.ports[1].port", value=9200),
         "only spec.selector or spec.ports[name=http] of service/shop/api may be edited"),
        (SetEdit(ref="service/shop/api", path="spec.ports", value=[]),
         "only spec.selector or spec.ports[name=http] of service/shop/api may be edited"),
        (SetEdit(ref="deployment/shop/api", path="spec.replicas", value=5),
         "only spec.template.metadata.labels of deployment/shop/api may be edited"),
        (SetEdit(ref="node/node-a", path="public", value=False),
         "only routes of node/node-a may be edited"),
        (ReplaceEdit(ref="service/shop/api",
                     manifest={**API_SVC, "spec": {**API_SVC["spec"], "type": "NodePort"}}),
         "only spec.selector or spec.ports[name=http] of service/shop/api may be edited"),
        (DeleteEdit(ref="service/shop/api"),
         "service/shop/api cannot be deleted in this level (you may delete: NetworkPolicy)"),
        (CreateEdit(manifest={"apiVersion": "v1", "kind": "Service",
                              "metadata": {"name": "x", "namespace": "shop"}}),
         "this level does not let you create Service objects (you may create: NetworkPolicy)"),
        (AddRouteEdit(ref="node/node-b", to="default", via="192.168.0.11"),
         "node/node-b is locked in this level"),
    ],
)
def test_locked_edits_are_refused_with_a_reason_a_player_understands(
        sample: LoadedLevel, edit: AnyEdit, reason: str) -> None:
    assert refusal(sample, edit) == reason
    with pytest.raises(EditError) as info:
        apply_edit(sample, edit)
    assert info.value.reason == reason


def test_field_locks_compare_whole_path_segments(
        level_with: Callable[..., LoadedLevel]) -> None:
    level = level_with({'fields: [spec.selector, "spec.ports[name=http]"]':
                        "fields: [spec.ports]"})
    assert refusal(level, SetEdit(ref="service/shop/api", path="spec.ports[1].targetPort",
                                  value=1)) is None
    level = level_with({'fields: [spec.selector, "spec.ports[name=http]"]':
                        "fields: [spec.port]"})
    assert refusal(level, SetEdit(ref="service/shop/api", path="spec.ports[1].targetPort",
                                  value=1)) == "only spec.port of service/shop/api may be edited"


def test_objects_the_player_created_are_theirs_to_edit_and_delete(sample: LoadedLevel) -> None:
    start = original_refs(sample)
    level = apply_edit(sample, CreateEdit(manifest={
        "apiVersion": "v1", "kind": "Service", "metadata": {"name": "x", "namespace": "shop"},
        "spec": {"ports": [{"port": 80}]}}), enforce_locks=False)
    edit = SetEdit(ref="service/shop/x", path="spec.type", value="NodePort")
    assert refusal(level, edit, original=start) is None
    assert refusal(level, DeleteEdit(ref="service/shop/x"), original=start) is None
    # Without knowing the start, every object counts as part of the level: locked.
    assert refusal(level, edit) == "service/shop/x is locked in this level"
    assert editable_fields(level, "service/shop/x", original=start) == ()
    assert editable_fields(level, "service/shop/x") is None


def test_apply_edits_with_locks_remembers_what_the_session_created(sample: LoadedLevel) -> None:
    after = apply_edits(sample, [
        CreateEdit(manifest=POLICY),
        SetEdit(ref="networkpolicy/shop/mine", path="spec.policyTypes", value=["Ingress"]),
        DeleteEdit(ref="networkpolicy/shop/mine"),
    ], enforce_locks=True)
    assert [p.name for p in after.world.policies] == ["deny-all", "allow-web"]
    with pytest.raises(EditError) as info:
        apply_edits(sample, [SetEdit(ref="pod/tools", path="metadata.labels.a", value="b")],
                    enforce_locks=True)
    assert info.value.reason == ("step 1 (set pod/tools metadata.labels.a = b): "
                                 "pod/default/tools is locked in this level")


def test_a_level_without_a_puzzle_is_a_sandbox(
        level_with: Callable[..., LoadedLevel]) -> None:
    sandbox = level_with(puzzle=False)
    assert sandbox.spec.puzzle is None
    for edit in (SetEdit(ref="service/shop/db", path="spec.type", value="ClusterIP"),
                 DeleteEdit(ref="service/shop/db"),
                 CreateEdit(manifest={"kind": "Pod", "metadata": {"name": "new"}}),
                 SetEdit(ref="node/node-b", path="public", value=True)):
        assert refusal(sandbox, edit) is None
        apply_edit(sandbox, edit)
    assert editable_fields(sandbox, "service/shop/db") == ()


def test_locks_are_skipped_when_not_enforced(sample: LoadedLevel) -> None:
    edit = SetEdit(ref="service/shop/db", path="spec.type", value="ClusterIP")
    assert refusal(sample, edit) is not None
    after = apply_edit(sample, edit, enforce_locks=False)
    svc = after.world.service("shop", "db")
    assert svc is not None
    assert svc.type == "ClusterIP"


def test_editable_fields_tells_the_ui_what_is_open(sample: LoadedLevel) -> None:
    assert editable_fields(sample, "svc/shop/api") == ("spec.selector", "spec.ports[name=http]")
    assert editable_fields(sample, "networkpolicy/shop/allow-web") == ()
    assert editable_fields(sample, "service/shop/db") is None
    assert editable_fields(sample, "node/node-a") == ("routes",)


def test_an_edit_on_a_missing_object_fails_on_its_own_terms(sample: LoadedLevel) -> None:
    edit = SetEdit(ref="service/shop/nope", path="spec.type", value="NodePort")
    assert refusal(sample, edit) is None
    with pytest.raises(EditError, match="there is no service/shop/nope in this level"):
        apply_edit(sample, edit)
