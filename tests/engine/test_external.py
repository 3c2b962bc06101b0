"""Traffic crossing the cluster edge: NodePort, LoadBalancer, traffic policies, egress.

Two nodes: node-a (192.168.0.11) and node-b (192.168.0.12); which are public
varies. The Service ``api`` pins nodePort 30080 so tests can name it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    FIRST_LB_IP,
    assert_allowed,
    assert_denied,
    assert_invalid,
    level_yaml,
    nodes,
    pod,
    run,
    service,
)

NP = [{"port": 80, "targetPort": 8080, "nodePort": 30080}]


def edge(*, svc_type: str = "NodePort", public: Sequence[str] = ("node-a",),
         api_nodes: Sequence[str] = ("node-b",), provider: bool = False,
         node_port_range: str | None = None, ports: Sequence[dict[str, Any]] = NP,
         no_selector: bool = False, **spec: Any) -> str:
    cluster: dict[str, Any] = nodes("node-a", "node-b", public=public,
                                    loadBalancerProvider=provider)
    if node_port_range is not None:
        cluster["nodePortRange"] = node_port_range
    apis = [pod(f"api-{n}", labels={"app": "api"}, node=n) for n in api_nodes]
    return level_yaml(
        pod("client", node="node-a", ports=()),
        *apis,
        service("api", type=svc_type, ports=ports, no_selector=no_selector, **spec),
        cluster=cluster,
    )


# ---------------------------------------------------------------------- NodePort

def test_clusterip_service_is_not_exposed_even_with_a_public_node() -> None:
    level = edge(svc_type="ClusterIP", ports=[{"port": 80, "targetPort": 8080}])
    assert_denied(run(level, "internet", "service/default/api:80"), Reason.NOT_EXPOSED)


@pytest.mark.parametrize("dst", ["service/default/api:80", "node/node-a:30080"])
def test_nodeport_is_reachable_from_the_internet_on_a_public_node(dst: str) -> None:
    assert_allowed(run(edge(), "internet", dst))


def test_nodeport_without_a_public_node_is_not_exposed() -> None:
    assert_denied(run(edge(public=()), "internet", "service/default/api:80"),
                  Reason.NOT_EXPOSED)


def test_nodeport_on_a_private_node_is_not_reachable_from_the_internet() -> None:
    assert run(edge(), "internet", "node/node-b:30080").verdict is Verdict.DENY


@pytest.mark.parametrize("node", ["node-a", "node-b"])
def test_nodeport_is_open_on_every_node_from_inside(node: str) -> None:
    assert_allowed(run(edge(public=()), "pod/default/client", f"node/{node}:30080"))


def test_nodeport_without_endpoints_is_rejected() -> None:
    assert_denied(run(edge(no_selector=True), "internet", "node/node-a:30080"),
                  Reason.NO_ENDPOINTS)


def test_nodeport_reply_needs_a_route_back_to_the_client() -> None:
    level = level_yaml(
        pod("api", node="node-a"),
        service("api", type="NodePort", ports=NP),
        cluster={"nodes": [{"name": "node-a", "public": True, "routes": []}]},
    )
    assert_denied(run(level, "internet", "node/node-a:30080"), Reason.NO_RETURN_ROUTE)


# ------------------------------------------------------------------ NodePort range

def test_internet_to_a_port_outside_the_nodeport_range_is_out_of_range() -> None:
    assert_denied(run(edge(), "internet", "node/node-a:8080"), Reason.NODEPORT_OUT_OF_RANGE)


def test_host_network_listener_outside_the_nodeport_range_is_reachable() -> None:
    level = level_yaml(pod("edge-proxy", host_network=True, ports=[8080]),
                       cluster=nodes("node-a", public=["node-a"]))
    assert_allowed(run(level, "internet", "node/node-a:8080"))


def test_nodeport_range_comes_from_the_cluster_section() -> None:
    level = edge(node_port_range="20000-20100",
                 ports=[{"port": 80, "targetPort": 8080, "nodePort": 20050}])
    assert_allowed(run(level, "internet", "node/node-a:20050"))
    assert_denied(run(level, "internet", "node/node-a:30080"), Reason.NODEPORT_OUT_OF_RANGE)


@pytest.mark.parametrize("node_port", [8080, 32768, 40000])
def test_nodeport_outside_the_range_is_rejected_when_the_service_is_created(
    node_port: int
) -> None:
    assert_invalid(edge(ports=[{"port": 80, "targetPort": 8080, "nodePort": node_port}]),
                   "ports[0].nodePort")


def test_nodeport_already_in_use_is_rejected() -> None:
    level = level_yaml(pod("api"), service("api", type="NodePort", ports=NP),
                       service("api2", selector={"app": "api"}, type="NodePort", ports=NP))
    assert_invalid(level, "ports[0].nodePort")


# ------------------------------------------------------------------ LoadBalancer

def test_loadbalancer_without_provider_stays_pending() -> None:
    level = edge(svc_type="LoadBalancer", public=())
    assert_denied(run(level, "internet", "service/default/api:80"), Reason.LB_PENDING)


@pytest.mark.parametrize("dst", ["service/default/api:80", f"{FIRST_LB_IP}:80"])
def test_loadbalancer_with_provider_gets_an_external_ip(dst: str) -> None:
    level = edge(svc_type="LoadBalancer", public=(), provider=True)
    assert_allowed(run(level, "internet", dst))


def test_pending_loadbalancer_still_answers_on_its_nodeport_of_a_public_node() -> None:
    level = edge(svc_type="LoadBalancer")
    assert_allowed(run(level, "internet", "service/default/api:80"))
    assert_allowed(run(level, "internet", "node/node-a:30080"))


# ------------------------------------------------------- loadBalancerSourceRanges

RANGES = ["198.18.0.0/15"]


@pytest.mark.parametrize(
    ("src", "allowed"),
    [pytest.param("internet/198.18.0.5", True, id="client-inside-ranges"),
     pytest.param("internet", False, id="client-outside-ranges")],
)
def test_load_balancer_source_ranges_limit_clients_of_the_lb(src: str, allowed: bool) -> None:
    level = edge(svc_type="LoadBalancer", public=(), provider=True, loadBalancerSourceRanges=RANGES)
    t = run(level, src, "service/default/api:80")
    if allowed:
        assert_allowed(t)
    else:
        assert_denied(t, Reason.SOURCE_RANGE_DENIED)


def test_load_balancer_source_ranges_do_not_cover_the_nodeport() -> None:
    level = edge(svc_type="LoadBalancer", provider=True, loadBalancerSourceRanges=RANGES)
    assert_allowed(run(level, "internet", "node/node-a:30080"))
    # The flow to the Service passes through some exposure: the NodePort is one.
    assert_allowed(run(level, "internet", "service/default/api:80"))


# -------------------------------------------------------- externalTrafficPolicy

@pytest.mark.parametrize(
    ("etp", "arrive", "reason"),
    [
        pytest.param("Local", "node-a", Reason.NO_LOCAL_ENDPOINT, id="local-no-endpoint-here"),
        pytest.param("Local", "node-b", None, id="local-endpoint-here"),
        pytest.param("Cluster", "node-a", None, id="cluster-forwards-anywhere"),
    ],
)
def test_external_traffic_policy_local_delivers_only_on_the_arrival_node(
    etp: str, arrive: str, reason: Reason | None
) -> None:
    level = edge(public=("node-a", "node-b"), externalTrafficPolicy=etp)
    t = run(level, "internet", f"node/{arrive}:30080")
    if reason is None:
        assert_allowed(t)
    else:
        assert_denied(t, reason)


def test_external_traffic_policy_local_through_the_lb_reaches_endpoints() -> None:
    level = edge(svc_type="LoadBalancer", public=(), provider=True,
                 externalTrafficPolicy="Local")
    assert_allowed(run(level, "internet", "service/default/api:80"))


def test_lb_ip_from_inside_the_cluster_gets_cluster_semantics() -> None:
    # client is on node-a, the only endpoint on node-b: Local would drop it.
    level = edge(svc_type="LoadBalancer", public=(), provider=True,
                 externalTrafficPolicy="Local")
    assert_allowed(run(level, "pod/default/client", f"{FIRST_LB_IP}:80"))


# -------------------------------------------------------------------------- egress

@pytest.mark.parametrize("dst", ["internet:443", "internet:5000/udp",
                                 "internet/198.51.100.77:8443", "internet:7/sctp"])
def test_outside_server_accepts_any_port_and_protocol(dst: str) -> None:
    assert_allowed(run(edge(), "pod/default/client", dst))


def test_internet_cannot_reach_a_pod_ip_directly() -> None:
    level = level_yaml(pod("api", ip="10.244.0.20"), cluster=nodes("node-1", public=["node-1"]))
    assert run(level, "internet", "10.244.0.20:8080").verdict is Verdict.DENY
