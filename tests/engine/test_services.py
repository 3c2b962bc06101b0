"""Services from inside the cluster: SEMANTICS.md "Service" (ClusterIP side).

NodePort / LoadBalancer exposure to the internet lives in test_external.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    assert_allowed,
    assert_denied,
    assert_invalid,
    level_yaml,
    nodes,
    pod,
    run,
    service,
    trace,
)

CLIENT = pod("client", ports=())


# ------------------------------------------------------------------------- types

def test_service_type_defaults_to_clusterip() -> None:
    level = level_yaml(CLIENT, pod("api"), service("api"))
    assert_allowed(run(level, "pod/default/client", "service/default/api:80"))
    assert_denied(run(level, "internet", "service/default/api:80"), Reason.NOT_EXPOSED)


@pytest.mark.parametrize("svc_type", ["NodePort", "LoadBalancer"])
def test_nodeport_and_loadbalancer_services_also_have_a_clusterip(svc_type: str) -> None:
    t = trace(CLIENT, pod("api"), service("api", type=svc_type),
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)


def test_loadbalancer_service_also_has_nodeports() -> None:
    t = trace(pod("api"),
              service("api", type="LoadBalancer",
                      ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080}]),
              cluster=nodes("node-1", public=["node-1"]),
              src="internet", dst="node/node-1:30080")
    assert_allowed(t)


def test_loadbalancer_without_nodeport_allocation_has_no_nodeport() -> None:
    level = level_yaml(pod("api"),
                       service("api", type="LoadBalancer", allocateLoadBalancerNodePorts=False),
                       cluster=nodes("node-1", public=["node-1"]))
    # Without a provider and without a NodePort nothing outside can reach it.
    assert run(level, "internet", "service/default/api:80").verdict is Verdict.DENY
    assert run(level, "internet", "node/node-1:30000").verdict is Verdict.DENY


# -------------------------------------------------------------------- targetPort

@pytest.mark.parametrize(
    ("svc_port", "pod_ports", "flow_port", "reason"),
    [
        pytest.param({"port": 80, "targetPort": 8080}, [8080], 80, None,
                     id="numeric-targetport-listening"),
        pytest.param({"port": 80, "targetPort": 9090}, [8080], 80,
                     Reason.TARGET_PORT_MISMATCH, id="numeric-targetport-not-listening"),
        pytest.param({"port": 80, "targetPort": "http"},
                     [{"containerPort": 8080, "name": "http"}], 80, None,
                     id="named-targetport-declared"),
        pytest.param({"port": 80, "targetPort": "web"},
                     [{"containerPort": 8080, "name": "http"}], 80,
                     Reason.TARGET_PORT_MISMATCH, id="named-targetport-not-declared"),
        pytest.param({"port": 8080}, [8080], 8080, None, id="missing-targetport-equals-port"),
        pytest.param({"port": 80}, [8080], 80, Reason.TARGET_PORT_MISMATCH,
                     id="missing-targetport-is-port-not-container-port"),
    ],
)
def test_target_port_is_a_number_or_a_container_port_name(
    svc_port: dict[str, Any], pod_ports: list[Any], flow_port: int, reason: Reason | None
) -> None:
    t = trace(CLIENT, pod("api", ports=pod_ports), service("api", ports=[svc_port]),
              src="pod/default/client", dst=f"service/default/api:{flow_port}")
    if reason is None:
        assert_allowed(t)
    else:
        assert_denied(t, reason)


def test_named_target_port_is_resolved_per_pod() -> None:
    level = level_yaml(
        CLIENT,
        pod("api-a", labels={"app": "api"}, ports=[{"containerPort": 8080, "name": "http"}]),
        pod("api-b", labels={"app": "api"}, ports=[{"containerPort": 9090, "name": "http"}]),
        service("api", ports=[{"port": 80, "targetPort": "http"}]),
    )
    t = run(level, "pod/default/client", "service/default/api:80")
    assert_allowed(t)
    assert len(t.paths) == 2
    assert all(p.reached for p in t.paths)


# ---------------------------------------------------------------------- protocol

def test_service_port_protocol_defaults_to_tcp() -> None:
    level = level_yaml(
        CLIENT,
        pod("dns", ports=[{"containerPort": 53, "protocol": "TCP"},
                          {"containerPort": 53, "protocol": "UDP"}]),
        service("dns", ports=[{"port": 53}]),
    )
    assert_allowed(run(level, "pod/default/client", "service/default/dns:53"))
    assert_denied(run(level, "pod/default/client", "service/default/dns:53/udp"),
                  Reason.NO_SERVICE_PORT)


def test_udp_service_port_forwards_to_udp_container_port() -> None:
    t = trace(CLIENT,
              pod("dns", ports=[{"containerPort": 5353, "protocol": "UDP"}]),
              service("dns", ports=[{"port": 53, "protocol": "UDP", "targetPort": 5353}]),
              src="pod/default/client", dst="service/default/dns:53/udp")
    assert_allowed(t)


# -------------------------------------------------------------------- port names

@pytest.mark.parametrize(
    "ports",
    [
        pytest.param([{"port": 80, "targetPort": 8080}, {"port": 443, "targetPort": 8443}],
                     id="unnamed"),
        pytest.param([{"name": "web", "port": 80}, {"name": "web", "port": 443}],
                     id="duplicate-name"),
    ],
)
def test_service_with_several_ports_must_name_each_uniquely(ports: list[Any]) -> None:
    assert_invalid(level_yaml(pod("api"), service("api", ports=ports)), "ports[1].name")


def test_flow_may_name_the_service_port() -> None:
    t = trace(CLIENT, pod("api"),
              service("api", ports=[{"name": "web", "port": 80, "targetPort": 8080}]),
              src="pod/default/client", dst="service/default/api:web")
    assert_allowed(t)


def test_port_the_service_does_not_declare_is_no_service_port() -> None:
    t = trace(CLIENT, pod("api"), service("api"),
              src="pod/default/client", dst="service/default/api:8080")
    assert_denied(t, Reason.NO_SERVICE_PORT)


# --------------------------------------------------------------------- endpoints

def test_selector_matching_no_pod_is_selector_mismatch() -> None:
    t = trace(CLIENT, pod("api", labels={"app": "api"}), service("api", selector={"app": "apl"}),
              src="pod/default/client", dst="service/default/api:80")
    assert_denied(t, Reason.SELECTOR_MISMATCH)


def test_selector_only_matches_pods_of_the_service_namespace() -> None:
    t = trace(CLIENT, pod("api", ns="other"), service("api"),
              src="pod/default/client", dst="service/default/api:80")
    assert_denied(t, Reason.SELECTOR_MISMATCH)


def test_not_ready_pods_are_left_out_of_endpoints() -> None:
    t = trace(CLIENT, pod("api", ready=False), service("api"),
              src="pod/default/client", dst="service/default/api:80")
    assert_denied(t, Reason.NOT_READY)


def test_ready_pods_serve_while_not_ready_ones_are_skipped() -> None:
    t = trace(CLIENT,
              pod("api-a", labels={"app": "api"}),
              pod("api-b", labels={"app": "api"}, ready=False),
              service("api"),
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)
    assert len(t.paths) == 1


def test_publish_not_ready_addresses_includes_not_ready_pods() -> None:
    t = trace(CLIENT, pod("api", ready=False), service("api", publishNotReadyAddresses=True),
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)


def test_service_without_selector_has_no_endpoints() -> None:
    t = trace(CLIENT, pod("api"), service("api", no_selector=True),
              src="pod/default/client", dst="service/default/api:80")
    assert_denied(t, Reason.NO_ENDPOINTS)


def test_manual_endpoints_supply_a_selectorless_service() -> None:
    endpoints = {
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "api", "namespace": "default"},
        "subsets": [{"addresses": [{"ip": "10.244.0.50"}], "ports": [{"port": 8080}]}],
    }
    t = trace(CLIENT, pod("api", ip="10.244.0.50"), service("api", no_selector=True), endpoints,
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)


def _slice(labels: dict[str, str]) -> dict[str, Any]:
    return {
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {"name": "api-manual", "namespace": "default", "labels": labels},
        "addressType": "IPv4",
        "endpoints": [{"addresses": ["10.244.0.50"], "conditions": {"ready": True}}],
        "ports": [{"port": 8080}],
    }


def test_endpointslice_labelled_with_service_name_supplies_endpoints() -> None:
    t = trace(CLIENT, pod("api", ip="10.244.0.50"), service("api", no_selector=True),
              _slice({"kubernetes.io/service-name": "api"}),
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)


def test_endpointslice_without_service_name_label_is_not_used() -> None:
    t = trace(CLIENT, pod("api", ip="10.244.0.50"), service("api", no_selector=True),
              _slice({"app": "api"}),
              src="pod/default/client", dst="service/default/api:80")
    assert_denied(t, Reason.NO_ENDPOINTS)


def test_manual_endpoints_only_not_ready_do_not_serve() -> None:
    endpoints = {
        "apiVersion": "v1", "kind": "Endpoints",
        "metadata": {"name": "api", "namespace": "default"},
        "subsets": [{"notReadyAddresses": [{"ip": "10.244.0.50"}], "ports": [{"port": 8080}]}],
    }
    t = trace(CLIENT, pod("api", ip="10.244.0.50"), service("api", no_selector=True), endpoints,
              src="pod/default/client", dst="service/default/api:80")
    assert t.verdict is Verdict.DENY


# ---------------------------------------------------------- internalTrafficPolicy

def _itp_level(policy: str, *, api_nodes: tuple[str, ...] = ("node-b",)) -> str:
    apis = [pod(f"api-{n}", labels={"app": "api"}, node=n) for n in api_nodes]
    return level_yaml(
        pod("client-a", node="node-a", ports=()),
        pod("client-b", node="node-b", ports=()),
        *apis,
        service("api", internalTrafficPolicy=policy),
        cluster=nodes("node-a", "node-b"),
    )


@pytest.mark.parametrize(
    ("src", "reason"),
    [
        pytest.param("pod/default/client-b", None, id="pod-on-endpoint-node"),
        pytest.param("pod/default/client-a", Reason.NO_LOCAL_ENDPOINT, id="pod-elsewhere"),
        pytest.param("node/node-b", None, id="node-source-is-local-to-itself"),
        pytest.param("node/node-a", Reason.NO_LOCAL_ENDPOINT, id="node-source-elsewhere"),
    ],
)
def test_internal_traffic_policy_local_only_uses_endpoints_on_source_node(
    src: str, reason: Reason | None
) -> None:
    t = run(_itp_level("Local"), src, "service/default/api:80")
    if reason is None:
        assert_allowed(t)
    else:
        assert_denied(t, reason)


def test_internal_traffic_policy_cluster_uses_any_endpoint() -> None:
    assert_allowed(run(_itp_level("Cluster"), "pod/default/client-a", "service/default/api:80"))


def test_internal_traffic_policy_local_ignores_remote_endpoints() -> None:
    level = _itp_level("Local", api_nodes=("node-a", "node-b"))
    assert_allowed(run(level, "pod/default/client-a", "service/default/api:80"))


# ---------------------------------------------------------------------- headless

def test_headless_service_connects_to_each_ready_endpoint_ip() -> None:
    level = level_yaml(
        CLIENT,
        pod("db-0", labels={"app": "db"}, ports=[5432]),
        pod("db-1", labels={"app": "db"}, ports=[5432]),
        service("db", clusterIP="None", ports=[{"port": 5432}]),
    )
    t = run(level, "pod/default/client", "service/default/db:5432")
    assert_allowed(t)
    assert len(t.paths) == 2


def test_headless_service_has_no_kube_proxy_so_target_port_is_not_applied() -> None:
    # DNS hands out pod IPs; the client dials PORT on them directly.
    t = trace(CLIENT, pod("db", ports=[5432]),
              service("db", clusterIP="None", ports=[{"port": 80, "targetPort": 5432}]),
              src="pod/default/client", dst="service/default/db:80")
    assert t.verdict is Verdict.DENY


def test_headless_service_without_ready_endpoints_reaches_nothing() -> None:
    t = trace(CLIENT, pod("db", ports=[5432], ready=False),
              service("db", clusterIP="None", ports=[{"port": 5432}]),
              src="pod/default/client", dst="service/default/db:5432")
    assert t.verdict is Verdict.DENY


# ------------------------------------------------------------------ ExternalName

def test_externalname_service_resolves_to_its_target_outside() -> None:
    t = trace(CLIENT,
              service("ext", type="ExternalName", no_selector=True,
                      externalName="api.example.com", ports=[{"port": 443}]),
              src="pod/default/client", dst="service/default/ext:443")
    assert_allowed(t)


def test_externalname_is_dns_only_and_ignores_its_selector() -> None:
    # The selector matches a local pod listening on 443; an ExternalName never
    # proxies to it, so with no route out of the node the flow dies.
    level = level_yaml(
        CLIENT,
        pod("local", ports=[443]),
        service("ext", type="ExternalName", selector={"app": "local"},
                externalName="api.example.com", ports=[{"port": 443}]),
        cluster={"nodes": [{"name": "node-1", "routes": []}]},
    )
    assert_denied(run(level, "pod/default/client", "service/default/ext:443"), Reason.NO_ROUTE)


def test_externalname_to_cluster_service_name_reaches_that_service() -> None:
    t = trace(CLIENT, pod("db", ns="data", ports=[5432]),
              service("db", ns="data", ports=[{"port": 5432}]),
              service("db-alias", type="ExternalName", no_selector=True,
                      externalName="db.data.svc.cluster.local", ports=[{"port": 5432}]),
              src="pod/default/client", dst="service/default/db-alias:5432")
    assert_allowed(t)


def test_cluster_ip_service_reaches_endpoint_on_other_node() -> None:
    t = trace(pod("client", node="node-a", ports=()), pod("api", node="node-b"), service("api"),
              cluster=nodes("node-a", "node-b"),
              src="pod/default/client", dst="service/default/api:80")
    assert_allowed(t)
