"""The Gateway API in the world: the GEP-1762 data plane (DESIGN.md §3, "Data plane").

Every Gateway of an Accepted class gets a proxy pod and a LoadBalancer Service;
these tests pin names, labels, placement, ports, addresses and the errors a
name clash gives, in level files and in plain manifests.
"""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from k8snet_tui.model.dataplane import GATEWAY_CLASS_LABEL, GATEWAY_NAME_LABEL
from k8snet_tui.model.load import load_manifests
from k8snet_tui.model.world import PodInfo, ServiceInfo, World

from .helpers import level, load, one_error, pos

GW = "gateway.networking.k8s.io/v1"
CLASS = f"""
- apiVersion: {GW}
  kind: GatewayClass
  metadata: {{name: shared}}
  spec: {{controllerName: example.net/gw}}
"""
GATEWAY = f"""
- apiVersion: {GW}
  kind: Gateway
  metadata: {{name: public, namespace: infra}}
  spec:
    gatewayClassName: shared
    listeners:
    - {{name: http, port: 80, protocol: HTTP}}
    - {{name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}}
    - {{name: https, port: 443, protocol: HTTPS, tls: {{certificateRefs: [{{name: cert}}]}}}}
"""
BACKEND = """
- kind: Pod
  metadata: {name: web, namespace: infra, labels: {app: web}}
- kind: Pod
  metadata: {name: api, namespace: shop}
"""


def _cluster(provider: bool = False, controllers: str = "[example.net/gw]") -> str:
    return (f"cluster:\n  loadBalancerProvider: {'true' if provider else 'false'}\n"
            f"  gatewayControllers: {controllers}\n  nodes: [{{name: a}}, {{name: b}}]\n")


def _world(*bodies: str) -> World:
    return load(level(*bodies)).world


def _proxy(world: World) -> PodInfo:
    [pod] = [p for p in world.pods if p.generated_by is not None]
    return pod


def _service(world: World) -> ServiceInfo:
    [svc] = [s for s in world.services if s.generated_by is not None]
    return svc


def test_a_gateway_of_an_accepted_class_gets_a_proxy_pod_named_gateway_dash_class() -> None:
    world = _world(_cluster(), "resources:\n", CLASS, GATEWAY, BACKEND)
    pod = _proxy(world)
    assert (pod.namespace, pod.name) == ("infra", "public-shared")
    assert pod.generated_by == "gateway/infra/public"
    assert world.accepted_gateway_classes == frozenset({"shared"})


def test_the_proxy_pod_carries_the_gateway_name_and_class_labels() -> None:
    pod = _proxy(_world(_cluster(), "resources:\n", CLASS, GATEWAY))
    assert pod.labels == {GATEWAY_NAME_LABEL: "public", GATEWAY_CLASS_LABEL: "shared"}


def test_the_proxy_pod_runs_on_the_first_node_and_listens_on_every_listener_port_tcp() -> None:
    pod = _proxy(_world(_cluster(), "resources:\n", CLASS, GATEWAY))
    assert pod.node == "a"
    assert [(p.port, p.protocol) for p in pod.ports] == [(80, "TCP"), (443, "TCP")]
    assert pod.ready
    assert not pod.host_network


def test_the_proxy_pod_ip_is_allocated_after_every_declared_pod() -> None:
    world = _world(_cluster(), "resources:\n", CLASS, GATEWAY, BACKEND,
                   "- {kind: Pod, metadata: {name: late}, spec: {nodeName: a}}\n")
    declared = [p.ip for p in world.pods if p.generated_by is None and p.node == "a"]
    assert _proxy(world).ip == max(declared) + 1


def test_a_loadbalancer_service_named_like_the_gateway_selects_the_proxy() -> None:
    world = _world(_cluster(), "resources:\n", CLASS, GATEWAY)
    svc = _service(world)
    assert (svc.namespace, svc.name, svc.type) == ("infra", "public", "LoadBalancer")
    assert svc.selector == {GATEWAY_NAME_LABEL: "public", GATEWAY_CLASS_LABEL: "shared"}
    assert svc.generated_by == "gateway/infra/public"
    assert svc.cluster_ip is not None
    assert svc.cluster_ip in world.cluster.service_cidr


def test_the_gateway_service_has_one_port_per_distinct_listener_port() -> None:
    svc = _service(_world(_cluster(), "resources:\n", CLASS, GATEWAY))
    assert [(p.name, p.port, p.target_port, p.node_port) for p in svc.ports] == [
        ("http", 80, 80, None), ("https", 443, 443, None)]


def test_without_a_load_balancer_provider_the_gateway_service_has_no_address() -> None:
    assert _service(_world(_cluster(provider=False), "resources:\n", CLASS, GATEWAY)).lb_ips == ()


def test_with_a_provider_the_gateway_service_gets_an_address_from_the_pool() -> None:
    svc = _service(_world(_cluster(provider=True), "resources:\n", CLASS, GATEWAY))
    assert svc.lb_ips == (IPv4Address("192.0.2.10"),)


def test_the_gateway_address_comes_after_every_declared_load_balancer() -> None:
    lb = ("- {kind: Service, metadata: {name: edge}, "
          "spec: {type: LoadBalancer, ports: [{port: 1}]}}\n")
    world = _world(_cluster(provider=True), "resources:\n", CLASS, GATEWAY, lb)
    edge = next(s for s in world.services if s.name == "edge")
    assert edge.lb_ips == (IPv4Address("192.0.2.10"),)
    assert _service(world).lb_ips == (IPv4Address("192.0.2.11"),)


def test_spec_addresses_zero_of_type_ipaddress_pins_the_gateway_address() -> None:
    pinned = GATEWAY + "    addresses: [{type: IPAddress, value: 192.0.2.77}]\n"
    svc = _service(_world(_cluster(provider=True), "resources:\n", CLASS, pinned))
    assert svc.lb_ips == (IPv4Address("192.0.2.77"),)


def test_a_class_whose_controller_is_not_installed_is_not_accepted_and_gets_no_proxy() -> None:
    world = _world(_cluster(controllers="[]"), "resources:\n", CLASS, GATEWAY)
    assert world.accepted_gateway_classes == frozenset()
    assert [p for p in world.pods if p.generated_by] == []
    assert [s for s in world.services if s.generated_by] == []


def test_gateway_controllers_default_to_none() -> None:
    world = _world("resources:\n", CLASS, GATEWAY)
    assert world.cluster.gateway_controllers == ()
    assert world.accepted_gateway_classes == frozenset()


def test_a_gateway_of_a_missing_class_gets_no_proxy() -> None:
    world = _world(_cluster(), "resources:\n", GATEWAY)
    assert [p for p in world.pods if p.generated_by] == []


def test_in_a_level_gatewayclass_status_does_not_make_it_accepted() -> None:
    status = CLASS + "  status: {conditions: [{type: Accepted, status: 'True'}]}\n"
    assert _world(_cluster(controllers="[]"), "resources:\n", status).accepted_gateway_classes \
        == frozenset()


def test_the_world_lists_every_gateway_api_object_with_its_namespace() -> None:
    route = f"- {{apiVersion: {GW}, kind: HTTPRoute, metadata: {{name: r, namespace: shop}}}}\n"
    grpc = f"- {{apiVersion: {GW}, kind: GRPCRoute, metadata: {{name: g, namespace: shop}}}}\n"
    grant = ("- {apiVersion: gateway.networking.k8s.io/v1beta1, kind: ReferenceGrant, "
             "metadata: {name: rg, namespace: infra}, spec: {from: [{group: "
             "gateway.networking.k8s.io, kind: HTTPRoute, namespace: shop}], "
             "to: [{group: '', kind: Service}]}}\n")
    secret = "- {kind: Secret, type: kubernetes.io/tls, metadata: {name: cert, namespace: infra}}\n"
    world = _world(_cluster(), "resources:\n", CLASS, GATEWAY, route, grpc, grant, secret)
    assert [c.metadata.name for c in world.gateway_classes] == ["shared"]
    assert [(g.namespace, g.name) for g in world.gateways] == [("infra", "public")]
    assert [(r.namespace, r.name) for r in world.http_routes] == [("shop", "r")]
    assert [(r.namespace, r.name) for r in world.grpc_routes] == [("shop", "g")]
    assert [(r.namespace, r.name) for r in world.reference_grants] == [("infra", "rg")]
    assert [(s.namespace, s.name, s.obj.type) for s in world.secrets] == [
        ("infra", "cert", "kubernetes.io/tls")]


# ------------------------------------------------------------------ name clashes


def test_a_declared_pod_named_like_the_proxy_is_an_error_naming_both() -> None:
    clash = "- {kind: Pod, metadata: {name: public-shared, namespace: infra}}\n"
    text = level(_cluster(), "resources:\n", CLASS, GATEWAY, clash)
    error = one_error(text)
    assert error.field == "resources[2].metadata.name"
    assert "pod infra/public-shared" in error.message
    assert "Gateway infra/public (resources[1])" in error.message
    assert (error.line, error.column) == pos(text, "name: |public-shared")


def test_a_declared_service_named_like_the_gateway_is_an_error_naming_both() -> None:
    clash = ("- {kind: Service, metadata: {name: public, namespace: infra}, "
             "spec: {ports: [{port: 80}]}}\n")
    text = level(_cluster(), "resources:\n", CLASS, GATEWAY, clash)
    error = one_error(text)
    assert error.field == "resources[2].metadata.name"
    assert "service infra/public" in error.message
    assert "Gateway infra/public (resources[1])" in error.message


# ------------------------------------------------------------------- Secrets


def test_a_secret_a_listener_references_gets_no_warning_and_others_do() -> None:
    secrets = ("- {kind: Secret, type: kubernetes.io/tls, "
               "metadata: {name: cert, namespace: infra}}\n"
               "- {kind: Secret, metadata: {name: token, namespace: infra}}\n")
    loaded = load(level(_cluster(), "resources:\n", CLASS, GATEWAY, secrets))
    warnings = [w for w in loaded.warnings if w.code == "unmodelled-kind"]
    assert [w.field for w in warnings] == ["resources[3].kind"]
    assert warnings[0].message.startswith("kind Secret ")
    assert "only as Gateway certificates" in warnings[0].message


def test_a_certificate_ref_in_another_namespace_counts_as_a_use_of_that_secret() -> None:
    gw = GATEWAY.replace("{name: cert}", "{name: cert, namespace: certs}")
    secret = "- {kind: Secret, type: kubernetes.io/tls, metadata: {name: cert, namespace: certs}}\n"
    loaded = load(level(_cluster(), "resources:\n", CLASS, gw, secret))
    assert [w for w in loaded.warnings if w.code == "unmodelled-kind"] == []


# ------------------------------------------------------------ plain manifests

DUMP = f"""apiVersion: {GW}
kind: GatewayClass
metadata:
  name: shared
  uid: 1f0c
  resourceVersion: "812"
  creationTimestamp: "2024-05-01T10:00:00Z"
  generation: 1
spec:
  controllerName: example.net/gw
status:
  conditions:
  - {{type: Accepted, status: "True", reason: Accepted, message: ok,
     lastTransitionTime: "2024-05-01T10:00:01Z", observedGeneration: 1}}
  supportedFeatures: [{{name: HTTPRoute}}]
---
apiVersion: {GW}
kind: Gateway
metadata: {{name: public, namespace: infra, uid: 9a1, generation: 2}}
spec:
  gatewayClassName: shared
  listeners:
  - {{name: http, port: 80, protocol: HTTP, allowedRoutes: {{namespaces: {{from: All}}}}}}
  infrastructure: {{labels: {{team: edge}}}}
status:
  addresses: [{{type: IPAddress, value: 203.0.113.80}}]
  conditions:
  - {{type: Programmed, status: "True", reason: Programmed,
     lastTransitionTime: "2024-05-01T10:00:02Z", observedGeneration: 2}}
  listeners:
  - name: http
    attachedRoutes: 1
    supportedKinds: [{{group: gateway.networking.k8s.io, kind: HTTPRoute}}]
    conditions: [{{type: Accepted, status: "True", reason: Accepted,
                  lastTransitionTime: "2024-05-01T10:00:02Z"}}]
---
apiVersion: {GW}
kind: HTTPRoute
metadata: {{name: shop, namespace: shop, creationTimestamp: "2024-05-01T10:05:00Z"}}
spec:
  parentRefs: [{{group: gateway.networking.k8s.io, kind: Gateway, name: public,
                namespace: infra}}]
  hostnames: [shop.example.com]
  rules:
  - matches: [{{path: {{type: PathPrefix, value: /}}}}]
    backendRefs: [{{group: "", kind: Service, name: api, port: 80, weight: 1}}]
    timeouts: {{request: 10s}}
status:
  parents:
  - parentRef: {{group: gateway.networking.k8s.io, kind: Gateway, name: public,
                namespace: infra}}
    controllerName: example.net/gw
    conditions:
    - {{type: Accepted, status: "True", reason: Accepted,
       lastTransitionTime: "2024-05-01T10:05:01Z", observedGeneration: 1}}
"""


@pytest.fixture
def dump(tmp_path: Path) -> Path:
    path = tmp_path / "gateway.yaml"
    path.write_text(DUMP, encoding="utf-8")
    return path


def test_in_plain_manifests_a_class_whose_status_says_accepted_is_implemented(
        dump: Path) -> None:
    world = load_manifests(dump).world
    assert world.accepted_gateway_classes == frozenset({"shared"})
    assert _proxy(world).name == "public-shared"


def test_in_plain_manifests_status_addresses_zero_is_the_gateway_address(dump: Path) -> None:
    assert _service(load_manifests(dump).world).lb_ips == (IPv4Address("203.0.113.80"),)


def test_infrastructure_labels_are_applied_to_the_proxy_pod(dump: Path) -> None:
    assert _proxy(load_manifests(dump).world).labels["team"] == "edge"


def test_real_gateway_api_objects_give_no_unknown_field_warning(dump: Path) -> None:
    assert [str(w) for w in load_manifests(dump).warnings] == []


def test_a_misspelt_gateway_field_is_reported_as_strict_field_validation_would() -> None:
    text = level(_cluster(), "resources:\n", CLASS,
                 GATEWAY.replace("gatewayClassName", "gatewayClassName: shared\n    gatewayClas"))
    [warning] = [w for w in load(text).warnings if w.code == "unknown-key"]
    assert warning.field == "resources[1].spec.gatewayClas"
    assert "did you mean gatewayClassName?" in warning.message
