"""Applying edits: the level changes through the same validation a level file gets."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path
from typing import Any

import pytest

from k8snet_tui.game.edits import EditError, apply_edit, apply_edits, canonical_ref, find_object
from k8snet_tui.model.cluster import NodeSpec
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
from k8snet_tui.model.load import LoadedLevel, load_manifests
from k8snet_tui.model.resources import Service

POLICY: dict[str, Any] = {
    "apiVersion": "networking.k8s.io/v1",
    "kind": "NetworkPolicy",
    "metadata": {"name": "allow-dns", "namespace": "shop"},
    "spec": {"podSelector": {}, "policyTypes": ["Egress"],
             "egress": [{"ports": [{"port": 53, "protocol": "UDP"}]}]},
}


def _free(level: LoadedLevel, edit: AnyEdit) -> LoadedLevel:
    return apply_edit(level, edit, enforce_locks=False)


def _service(level: LoadedLevel, name: str) -> Service:
    obj = find_object(level, f"service/shop/{name}").obj
    assert isinstance(obj, Service)
    return obj


def _routes(level: LoadedLevel, node: str) -> list[tuple[str, str]] | None:
    obj = find_object(level, f"node/{node}").obj
    assert isinstance(obj, NodeSpec)
    return None if obj.routes is None else [(r.to, str(r.via)) for r in obj.routes]


@pytest.mark.parametrize(
    ("ref", "canonical"),
    [
        ("service/shop/api", "service/shop/api"),
        ("pod/tools", "pod/default/tools"),
        ("svc/shop/api", "service/shop/api"),
        ("Service/shop/api", "service/shop/api"),
        ("networkpolicy/shop/allow-web", "networkpolicy/shop/allow-web"),
        ("netpol/shop/allow-web", "networkpolicy/shop/allow-web"),
        ("ingressclass/nginx", "ingressclass/nginx"),
        ("namespace/shop", "namespace/shop"),
        ("node/node-a", "node/node-a"),
        ("deploy/shop/api", "deployment/shop/api"),
    ],
)
def test_find_object_resolves_every_reference_form(sample: LoadedLevel, ref: str,
                                                   canonical: str) -> None:
    target = find_object(sample, ref)
    assert target.ref == canonical
    assert canonical_ref(ref) == canonical


def test_find_object_reports_missing_and_malformed_references(sample: LoadedLevel) -> None:
    with pytest.raises(EditError, match="there is no service/shop/nope in this level"):
        find_object(sample, "service/shop/nope")
    with pytest.raises(EditError, match=r"node/node-z .*nodes: node-a, node-b"):
        find_object(sample, "node/node-z")
    with pytest.raises(EditError, match="is not an object reference"):
        find_object(sample, "service")
    with pytest.raises(EditError, match="have no namespace"):
        find_object(sample, "ingressclass/x/nginx")


def test_set_changes_the_object_and_rebuilds_the_world(sample: LoadedLevel) -> None:
    after = _free(sample, SetEdit(ref="service/shop/api", path="spec.ports[name=http].targetPort",
                                  value="http"))
    assert _service(after, "api").spec.ports[0].targetPort == "http"
    svc = after.world.service("shop", "api")
    assert svc is not None
    assert svc.ports[0].target_port == "http"
    assert _service(sample, "api").spec.ports[0].targetPort == 8080  # the input is unchanged
    assert after.path == sample.path
    assert after.raw is None


def test_setting_a_workload_replica_count_adds_pods(sample: LoadedLevel) -> None:
    after = _free(sample, SetEdit(ref="deployment/shop/api", path="spec.replicas", value=3))
    assert after.world.workloads["deployment/shop/api"] == ("api-0", "api-1", "api-2")


def test_unset_lets_the_kubernetes_default_apply_again(sample: LoadedLevel) -> None:
    after = _free(sample, UnsetEdit(ref="service/shop/db", path="spec.type"))
    svc = after.world.service("shop", "db")
    assert svc is not None
    assert svc.type == "ClusterIP"
    assert svc.ports[0].node_port is None


def test_add_route_to_a_node_with_default_routing_keeps_its_default_route(
        sample: LoadedLevel) -> None:
    after = _free(sample, AddRouteEdit(ref="node/node-b", to="10.244.0.0/24",
                                       via="192.168.0.11"))
    assert _routes(after, "node-b") == [("default", "192.168.0.1"),
                                        ("10.244.0.0/24", "192.168.0.11")]
    node = after.world.cluster.node("node-b")
    assert node is not None
    assert node.explicit_routes


def test_add_route_appends_to_an_explicit_table(sample: LoadedLevel) -> None:
    after = _free(sample, AddRouteEdit(ref="node/node-a", to="10.244.2.0/24",
                                       via="192.168.0.12"))
    routes = _routes(after, "node-a")
    assert routes is not None
    assert routes[-1] == ("10.244.2.0/24", "192.168.0.12")
    assert len(routes) == 4


def test_remove_route_matches_the_destination_network(sample: LoadedLevel) -> None:
    after = _free(sample, RemoveRouteEdit(ref="node/node-a", to="0.0.0.0/0"))
    assert _routes(after, "node-a") == [("10.244.1.0/24", "192.168.0.12"),
                                        ("10.244.9.0/24", "192.168.0.12")]
    after = _free(sample, RemoveRouteEdit(ref="node/node-b", to="default"))
    assert _routes(after, "node-b") == []  # explicit and empty: no route at all


def test_set_on_a_node_edits_its_flags_and_routes(sample: LoadedLevel) -> None:
    after = _free(sample, SetEdit(ref="node/node-b", path="masquerade", value=False))
    node = after.world.cluster.node("node-b")
    assert node is not None
    assert not node.masquerade
    after = _free(sample, SetEdit(ref="node/node-b", path="public", value=True))
    node = after.world.cluster.node("node-b")
    assert node is not None
    assert node.public
    after = _free(sample, SetEdit(ref="node/node-b", path="routes",
                                  value=[{"to": "default", "via": "192.168.0.11"}]))
    assert _routes(after, "node-b") == [("default", "192.168.0.11")]


def test_create_adds_the_object_at_the_end(sample: LoadedLevel) -> None:
    after = _free(sample, CreateEdit(manifest=POLICY))
    assert find_object(after, "networkpolicy/shop/allow-dns").index == len(sample.spec.resources)
    assert [p.name for p in after.world.policies][-1] == "allow-dns"


def test_delete_removes_the_object(sample: LoadedLevel) -> None:
    after = _free(sample, DeleteEdit(ref="networkpolicy/shop/deny-all"))
    assert [p.name for p in after.world.policies] == ["allow-web"]
    with pytest.raises(EditError):
        find_object(after, "networkpolicy/shop/deny-all")


def test_replace_swaps_the_whole_object(sample: LoadedLevel) -> None:
    manifest = {"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": "db", "namespace": "shop"},
                "spec": {"selector": {"app": "db"}, "ports": [{"port": 5433}]}}
    after = _free(sample, ReplaceEdit(ref="service/shop/db", manifest=manifest))
    svc = after.world.service("shop", "db")
    assert svc is not None
    assert (svc.type, svc.ports[0].port) == ("ClusterIP", 5433)


def test_addresses_of_untouched_objects_stay_put(sample: LoadedLevel) -> None:
    after = _free(sample, SetEdit(ref="pod/tools", path="metadata.labels.tier", value="x"))
    assert [p.ip for p in after.world.pods] == [p.ip for p in sample.world.pods]
    assert after.world.pod("default", "tools") is not None


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (SetEdit(ref="service/shop/api", path="spec.ports[0].port", value=70000),
         "service/shop/api spec.ports[0].port: Input should be less than or equal to 65535 "
         "(got 70000)"),
        (SetEdit(ref="service/shop/db", path="spec.ports[0].nodePort", value=40000),
         "service/shop/db spec.ports[0].nodePort: "),
        (SetEdit(ref="service/shop/api", path="spec.type", value="Magic"),
         "service/shop/api spec.type: Input should be"),
        (SetEdit(ref="service/shop/api", path="metadata.name", value="api2"),
         "this would turn service/shop/api into service/shop/api2; an edit cannot change an "
         "object's kind, namespace or name"),
        (SetEdit(ref="service/shop/api", path="spec.ports[name=grpc].port", value=1),
         'service/shop/api: spec.ports has no item named "grpc" (names: http, metrics)'),
        (SetEdit(ref="service/shop/api", path="spec..type", value=1),
         'service/shop/api: bad field path "spec..type"'),
        (UnsetEdit(ref="service/shop/api", path="spec.clusterIP"),
         "service/shop/api: spec.clusterIP is not set"),
        (UnsetEdit(ref="service/shop/api", path="spec.ports[0].port"),
         'service/shop/api spec.ports[0].port: required key "port" is missing'),
        (SetEdit(ref="node/node-a", path="name", value="node-z"),
         "node/node-a cannot be renamed to node-z"),
        (SetEdit(ref="node/node-a", path="routes[0].to", value="10.244.1.0/33"),
         "node/node-a routes[0].to: "),
        (AddRouteEdit(ref="node/node-a", to="10.244.1.0/24", via="192.168.0.11"),
         "node/node-a already has a route to 10.244.1.0/24 (via 192.168.0.12); remove it first"),
        (AddRouteEdit(ref="node/node-b", to="default", via="192.168.0.11"),
         "node/node-b already has a route to default (via 192.168.0.1)"),
        (AddRouteEdit(ref="node/node-a", to="10.244.2.0/24", via="10.0.0.1"),
         "node/node-a routes[3].via: via 10.0.0.1 is not on a connected network"),
        (AddRouteEdit(ref="service/shop/api", to="default", via="192.168.0.1"),
         "add-route works on a node's route table (node/NAME), not on service/shop/api"),
        (RemoveRouteEdit(ref="node/node-a", to="10.244.7.0/24"),
         "node/node-a has no route to 10.244.7.0/24 (its routes: 10.244.1.0/24, 10.244.9.0/24, "
         "default)"),
        (CreateEdit(manifest={**POLICY, "metadata": {"name": "deny-all", "namespace": "shop"}}),
         "networkpolicy/shop/deny-all already exists"),
        (CreateEdit(manifest={"apiVersion": "v1", "kind": "ConfigMap",
                              "metadata": {"name": "cfg"}}),
         "ConfigMap is not a kind this game models"),
        (CreateEdit(manifest={"kind": "Service", "metadata": {"name": "x"},
                              "spec": {"ports": [{"port": 0}]}}),
         "the new Service x spec.ports[0].port: Input should be greater than or equal to 1"),
        (DeleteEdit(ref="node/node-a"), "node/node-a cannot be deleted"),
        (DeleteEdit(ref="pod/shop/web"),
         'pod shop/web does not exist, but the flow "web reaches the API" needs it'),
        (DeleteEdit(ref="service/shop/gone"), "there is no service/shop/gone in this level"),
        (ReplaceEdit(ref="service/shop/db", manifest={"kind": "Service",
                                                      "metadata": {"name": "db2",
                                                                   "namespace": "shop"}}),
         "this would turn service/shop/db into service/shop/db2"),
        (ReplaceEdit(ref="service/shop/db", manifest={"kind": "Pod",
                                                      "metadata": {"name": "db",
                                                                   "namespace": "shop"}}),
         "this would turn service/shop/db into pod/shop/db"),
    ],
)
def test_invalid_edits_are_refused_with_a_reason(sample: LoadedLevel, edit: AnyEdit,
                                                 reason: str) -> None:
    with pytest.raises(EditError) as info:
        _free(sample, edit)
    assert reason in info.value.reason
    assert str(info.value) == info.value.reason


def test_a_nodeport_outside_the_range_names_the_field_and_the_range(sample: LoadedLevel) -> None:
    with pytest.raises(EditError) as info:
        _free(sample, SetEdit(ref="service/shop/db", path="spec.ports[0].nodePort", value=40000))
    assert info.value.reason.startswith("service/shop/db spec.ports[0].nodePort: ")
    assert "30000-32767" in info.value.reason


def test_deleting_an_object_the_puzzle_lists_is_not_an_error(sample: LoadedLevel) -> None:
    after = _free(sample, DeleteEdit(ref="networkpolicy/shop/allow-web"))
    assert [p.name for p in after.world.policies] == ["deny-all"]


def test_apply_edits_runs_a_solution_and_names_the_failing_step(sample: LoadedLevel) -> None:
    solution = sample.spec.puzzle.solution if sample.spec.puzzle else []
    after = apply_edits(sample, solution)
    assert _service(after, "api").spec.ports[0].targetPort == "http"
    with pytest.raises(EditError) as info:
        apply_edits(sample, [CreateEdit(manifest=POLICY), CreateEdit(manifest=POLICY)])
    assert info.value.reason == ("step 2 (create networkpolicy/shop/allow-dns): "
                                 "networkpolicy/shop/allow-dns already exists; edit it, or "
                                 "create one with another name")


def test_warnings_come_from_the_new_world(sample: LoadedLevel) -> None:
    assert sample.warnings == []
    after = _free(sample, UnsetEdit(ref="deployment/shop/api", path="spec.selector"))
    assert [w.message for w in after.warnings] == [
        "Deployment has no spec.selector; apps/v1 requires one (using the template labels)"]
    assert all(w.severity == "warning" for w in after.warnings)


def test_a_pinned_pod_ip_survives_creation(sample: LoadedLevel) -> None:
    after = _free(sample, CreateEdit(manifest={"apiVersion": "v1", "kind": "Pod",
                                               "metadata": {"name": "p", "namespace": "shop"},
                                               "status": {"podIP": "10.244.0.200"}}))
    pod = after.world.pod("shop", "p")
    assert pod is not None
    assert pod.ip == IPv4Address("10.244.0.200")


def test_manifests_read_leniently_stay_editable(tmp_path: Path) -> None:
    (tmp_path / "app.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\n"
        "status: {podIP: 172.17.0.5}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: shop}\n"
        "spec: {selector: {app: web}, clusterIP: 172.20.0.10, ports: [{port: 80}]}\n")
    level = load_manifests(tmp_path)  # both addresses are re-assigned with a warning
    after = apply_edit(level, SetEdit(ref="service/shop/web", path="spec.ports[0].port",
                                      value=8080))
    svc = after.world.service("shop", "web")
    assert svc is not None
    assert svc.ports[0].port == 8080
    assert len(after.warnings) == 2
    # Problems the edit itself introduces are still refused.
    with pytest.raises(EditError, match="nodePort may not be set when type is ClusterIP"):
        apply_edit(level, SetEdit(ref="service/shop/web", path="spec.ports[0].nodePort",
                                  value=30001))


@pytest.mark.parametrize("value", ["", "h\x1b[2J", True, 70000])
def test_an_edit_to_a_value_the_api_server_refuses_is_refused(sample: LoadedLevel,
                                                              value: object) -> None:
    """The YAML editor once said "Applied" to ``targetPort: ""``; kubectl refuses it."""
    edit = SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value=value)
    with pytest.raises(EditError, match="targetPort"):
        apply_edit(sample, edit, enforce_locks=False)
