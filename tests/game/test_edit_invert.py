"""Every edit knows its inverse: applying an edit and then its inverse restores the level."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from k8snet_tui.game.edits import EditError, apply_edit, invert_edit
from k8snet_tui.game.paths import Segment, format_path
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


def _dump(level: LoadedLevel) -> dict[str, Any]:
    return level.spec.model_dump(by_alias=True, exclude_unset=True, mode="json")


def _round_trip(level: LoadedLevel, edit: AnyEdit) -> tuple[LoadedLevel, LoadedLevel]:
    inverse = invert_edit(level, edit)
    after = apply_edit(level, edit, enforce_locks=False)
    back = apply_edit(after, inverse, enforce_locks=False)
    return after, back


def _assert_restored(level: LoadedLevel, after: LoadedLevel, back: LoadedLevel) -> None:
    assert back.spec == level.spec
    assert _dump(back) == _dump(level)  # not just equal: the same fields written
    assert [p.ip for p in back.world.pods] == [p.ip for p in level.world.pods]
    assert after.spec != level.spec


NEW_POLICY = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "allow-dns", "namespace": "shop"},
              "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}

EDITS: list[AnyEdit] = [
    SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="http"),
    SetEdit(ref="service/shop/api", path="spec.ports[name=http].name", value="web"),
    SetEdit(ref="svc/shop/api", path="spec.type", value="NodePort"),
    SetEdit(ref="pod/tools", path="metadata.labels.tier", value="x"),
    SetEdit(ref="pod/tools", path="metadata.annotations.a", value="b"),
    SetEdit(ref="pod/tools", path="spec.containers[0]", value={"name": "c"}),
    SetEdit(ref="service/shop/api", path="spec.ports[2]", value={"name": "x", "port": 81}),
    SetEdit(ref="service/shop/api", path="spec.selector", value=None),
    SetEdit(ref="deployment/shop/api",
            path='spec.template.metadata.labels["app.kubernetes.io/name"]', value="v2"),
    SetEdit(ref="networkpolicy/shop/allow-web", path="spec.ingress[0].from[0].podSelector",
            value={"matchLabels": {"app": "tools"}}),
    SetEdit(ref="node/node-a", path="public", value=False),
    SetEdit(ref="node/node-b", path="masquerade", value=False),
    SetEdit(ref="node/node-b", path="routes", value=[]),
    SetEdit(ref="node/node-a", path="routes[0].via", value="192.168.0.13"),
    UnsetEdit(ref="service/shop/db", path="spec.type"),
    UnsetEdit(ref="service/shop/api", path="spec.ports[name=http]"),
    UnsetEdit(ref="service/shop/api", path="spec.ports[1]"),
    UnsetEdit(ref="namespace/shop", path="metadata.labels"),
    UnsetEdit(ref="node/node-a", path="routes"),
    UnsetEdit(ref="node/node-a", path="routes[1]"),
    AddRouteEdit(ref="node/node-a", to="10.244.2.0/24", via="192.168.0.12"),
    AddRouteEdit(ref="node/node-b", to="10.244.0.0/24", via="192.168.0.11"),
    RemoveRouteEdit(ref="node/node-a", to="default"),
    RemoveRouteEdit(ref="node/node-a", to="10.244.1.0/24"),
    RemoveRouteEdit(ref="node/node-a", to="10.244.9.0/24"),
    RemoveRouteEdit(ref="node/node-b", to="0.0.0.0/0"),
    CreateEdit(manifest=NEW_POLICY),
    DeleteEdit(ref="networkpolicy/shop/deny-all"),
    DeleteEdit(ref="pod/tools"),
    DeleteEdit(ref="ingressclass/nginx"),
    ReplaceEdit(ref="service/shop/db",
                manifest={"apiVersion": "v1", "kind": "Service",
                          "metadata": {"name": "db", "namespace": "shop"},
                          "spec": {"ports": [{"port": 1}]}}),
    ReplaceEdit(ref="node/node-b", manifest={"name": "node-b", "public": True}),
]


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: f"{e.op}:{getattr(e, 'ref', '')}")
def test_applying_an_edit_then_its_inverse_restores_the_level(sample: LoadedLevel,
                                                              edit: AnyEdit) -> None:
    after, back = _round_trip(sample, edit)
    _assert_restored(sample, after, back)


def test_the_inverse_of_the_inverse_redoes_the_edit(sample: LoadedLevel) -> None:
    for edit in EDITS:
        after = apply_edit(sample, edit, enforce_locks=False)
        undo = invert_edit(sample, edit)
        redo = invert_edit(after, undo)
        again = apply_edit(apply_edit(after, undo, enforce_locks=False), redo,
                           enforce_locks=False)
        assert again.spec == after.spec, edit


@pytest.mark.parametrize(
    ("edit", "inverse"),
    [
        (SetEdit(ref="service/shop/api", path="spec.ports[name=http].targetPort", value="x"),
         SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value=8080)),
        (SetEdit(ref="pod/tools", path="metadata.annotations.a", value="b"),
         UnsetEdit(ref="pod/default/tools", path="metadata.annotations")),
        (SetEdit(ref="service/shop/api", path="spec.clusterIP", value="10.96.0.50"),
         UnsetEdit(ref="service/shop/api", path="spec.clusterIP")),
        (UnsetEdit(ref="service/shop/db", path="spec.type"),
         SetEdit(ref="service/shop/db", path="spec.type", value="NodePort")),
        (UnsetEdit(ref="service/shop/api", path="spec.ports[1]"),
         SetEdit(ref="service/shop/api", path="spec.ports",
                 value=[{"name": "http", "port": 8080, "targetPort": 8080},
                        {"name": "metrics", "port": 9100}])),
        (AddRouteEdit(ref="node/node-b", to="10.244.0.0/24", via="192.168.0.11"),
         UnsetEdit(ref="node/node-b", path="routes")),
        (AddRouteEdit(ref="node/node-a", to="10.244.2.0/24", via="192.168.0.12"),
         RemoveRouteEdit(ref="node/node-a", to="10.244.2.0/24")),
        (RemoveRouteEdit(ref="node/node-a", to="0.0.0.0/0"),
         AddRouteEdit(ref="node/node-a", to="default", via="192.168.0.1")),
        (RemoveRouteEdit(ref="node/node-b", to="default"),
         UnsetEdit(ref="node/node-b", path="routes")),
        (CreateEdit(manifest=NEW_POLICY), DeleteEdit(ref="networkpolicy/shop/allow-dns")),
    ],
)
def test_inverses_are_the_simplest_edit_that_undoes(sample: LoadedLevel, edit: AnyEdit,
                                                    inverse: AnyEdit) -> None:
    assert invert_edit(sample, edit) == inverse


def test_a_deleted_object_comes_back_in_its_place_with_its_manifest(sample: LoadedLevel) -> None:
    inverse = invert_edit(sample, DeleteEdit(ref="pod/tools"))
    assert isinstance(inverse, CreateEdit)
    assert inverse.index == 2
    assert inverse.manifest == {"apiVersion": "v1", "kind": "Pod",
                                "metadata": {"name": "tools", "labels": {"app": "tools"}}}


def test_removing_a_middle_route_is_undone_by_restoring_the_table(sample: LoadedLevel) -> None:
    inverse = invert_edit(sample, RemoveRouteEdit(ref="node/node-a", to="10.244.1.0/24"))
    assert isinstance(inverse, SetEdit)
    assert inverse.path == "routes"


def test_inverting_an_impossible_edit_explains_why(sample: LoadedLevel) -> None:
    with pytest.raises(EditError, match=r"spec\.clusterIP is not set"):
        invert_edit(sample, UnsetEdit(ref="service/shop/api", path="spec.clusterIP"))
    with pytest.raises(EditError, match=r"has no route to 10\.9\.0\.0/16"):
        invert_edit(sample, RemoveRouteEdit(ref="node/node-a", to="10.9.0.0/16"))


# ------------------------------------------------------------------ random edits


def _paths(data: Any, at: tuple[Segment, ...] = ()) -> list[tuple[tuple[Segment, ...], Any]]:
    """Every field in a dump, with its value: where random edits may land."""
    out: list[tuple[tuple[Segment, ...], Any]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            out.append(((*at, key), value))
            out += _paths(value, (*at, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.append(((*at, i), value))
            out += _paths(value, (*at, i))
    return out


_words = st.sampled_from(["web", "api", "http", "db", "Ingress", "TCP", "10.96.0.50", "x"])
_scalars = st.one_of(_words, st.integers(min_value=0, max_value=70000), st.booleans(),
                     st.none())
_values = st.one_of(_scalars, st.dictionaries(_words, _words, max_size=2),
                    st.lists(_scalars, max_size=2))


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same shape are mostly valid, so most random edits get applied."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.integers(min_value=1, max_value=65535)
    if isinstance(value, str):
        return _words
    if isinstance(value, dict):
        return st.dictionaries(_words, _words, max_size=2)
    return _values


IDENTITY = {("kind",), ("metadata",), ("metadata", "name"), ("metadata", "namespace"), ("name",)}


def _objects(level: LoadedLevel) -> list[tuple[str, list[tuple[tuple[Segment, ...], Any]]]]:
    """Each object's ref with the fields a random edit may touch."""
    dumps = [(f"node/{n.name}", n.model_dump(by_alias=True, exclude_unset=True, mode="json"))
             for n in level.spec.cluster.nodes]
    dumps += [(ref, level.spec.resources[i].model_dump(by_alias=True, exclude_unset=True,
                                                       mode="json"))
              for ref, i in sorted(level.world.refs.items()) if i >= 0]
    # Renames are refused by design (tested elsewhere); keep random edits to real changes.
    out = [(ref, [(p, v) for p, v in _paths(data) if p not in IDENTITY]) for ref, data in dumps]
    return [(ref, fields) for ref, fields in out if fields]


@st.composite
def _random_edit(draw: st.DrawFn,
                 objects: list[tuple[str, list[tuple[tuple[Segment, ...], Any]]]]) -> AnyEdit:
    ref, fields = draw(st.sampled_from(objects))
    path, value = draw(st.sampled_from(fields))
    kind = draw(st.sampled_from(["set", "set-new-key", "unset"]))
    if kind == "unset":
        return UnsetEdit(ref=ref, path=format_path(path))
    if kind == "set-new-key" and isinstance(value, dict):
        path = (*path, draw(_words))
        return SetEdit(ref=ref, path=format_path(path), value=draw(_values))
    return SetEdit(ref=ref, path=format_path(path), value=draw(_like(value)))


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_set_and_unset_edits_round_trip(sample: LoadedLevel, data: st.DataObject) -> None:
    edit = data.draw(_random_edit(_objects(sample)), label="edit")
    try:
        inverse = invert_edit(sample, edit)
        after = apply_edit(sample, edit, enforce_locks=False)
    except EditError:
        event("refused")  # invalid random values are fine; refusals are tested elsewhere
        return
    event("applied")
    back = apply_edit(after, inverse, enforce_locks=False)
    assert back.spec == sample.spec
    assert _dump(back) == _dump(sample)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_undoing_a_random_session_in_reverse_order_restores_the_start(
        sample: LoadedLevel, data: st.DataObject) -> None:
    level, undo = sample, []
    for _ in range(4):
        edit = data.draw(_random_edit(_objects(level)), label="edit")
        try:
            inverse = invert_edit(level, edit)
            level = apply_edit(level, edit, enforce_locks=False)
        except EditError:
            continue
        undo.append(inverse)
    for inverse in reversed(undo):
        level = apply_edit(level, inverse, enforce_locks=False)
    assert level.spec == sample.spec
    assert _dump(level) == _dump(sample)
