"""Routing: SEMANTICS.md "Routing" and DESIGN.md §3 "Routes".

Two nodes unless said otherwise: node-a (192.168.0.11, pods 10.244.0.0/24)
and node-b (192.168.0.12, pods 10.244.1.0/24); the gateway is 192.168.0.1.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pytest

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    GATEWAY,
    NODE_A_CIDR,
    NODE_A_IP,
    NODE_B_CIDR,
    NODE_B_IP,
    NODE_C_CIDR,
    NODE_C_IP,
    assert_allowed,
    assert_denied,
    assert_invalid,
    level_yaml,
    nodes,
    pod,
    route,
    routed,
    run,
    service,
)

Routes = Sequence[Mapping[str, str]] | None

GOOD_A: Routes = [route(NODE_B_CIDR, NODE_B_IP), route("default", GATEWAY)]
GOOD_B: Routes = [route(NODE_A_CIDR, NODE_A_IP), route("default", GATEWAY)]
SERVER = "pod/default/server:8080"


def two_nodes(a: Routes, b: Routes, **cluster: object) -> str:
    return level_yaml(
        pod("client", node="node-a", ports=()),
        pod("neighbour", node="node-a"),
        pod("server", node="node-b"),
        cluster=routed(("node-a", a), ("node-b", b), **cluster),
    )


# -------------------------------------------------------------------- one node

def test_pods_on_the_same_node_talk_over_the_bridge_without_routes() -> None:
    assert_allowed(run(two_nodes([], []), "pod/default/client", "pod/default/neighbour:8080"))


# ------------------------------------------------------------------ across nodes

def test_cross_node_pod_traffic_follows_the_route_tables_both_ways() -> None:
    assert_allowed(run(two_nodes(GOOD_A, GOOD_B), "pod/default/client", SERVER))


def test_missing_route_is_no_route_and_blames_the_node() -> None:
    t = run(two_nodes([], GOOD_B), "pod/default/client", SERVER)
    assert_denied(t, Reason.NO_ROUTE)
    assert t.blame is not None
    assert t.blame.ref == "node/node-a"


def test_via_address_that_does_not_answer_is_no_route() -> None:
    a = [route(NODE_B_CIDR, "192.168.0.99"), route("default", GATEWAY)]
    assert_denied(run(two_nodes(a, GOOD_B), "pod/default/client", SERVER), Reason.NO_ROUTE)


@pytest.mark.parametrize(
    "a",
    [pytest.param(None, id="default-route-only"),
     pytest.param([route("10.244.0.0/16", GATEWAY)], id="cluster-range-via-gateway")],
)
def test_cluster_range_packets_sent_to_the_gateway_are_dropped(a: Routes) -> None:
    assert_denied(run(two_nodes(a, GOOD_B), "pod/default/client", SERVER), Reason.NO_ROUTE)


@pytest.mark.parametrize(
    ("a", "allowed"),
    [
        pytest.param([route("10.244.0.0/16", GATEWAY), route(NODE_B_CIDR, NODE_B_IP)], True,
                     id="specific-route-to-node-b-wins"),
        pytest.param([route("10.244.0.0/16", NODE_B_IP), route("10.244.1.0/25", GATEWAY)], False,
                     id="specific-route-to-gateway-wins"),
    ],
)
def test_longest_prefix_match_wins(a: Routes, allowed: bool) -> None:
    t = run(two_nodes(a, GOOD_B), "pod/default/client", SERVER)
    if allowed:
        assert_allowed(t)
    else:
        assert_denied(t, Reason.NO_ROUTE)


def test_via_must_be_on_a_directly_connected_network() -> None:
    assert_invalid(two_nodes([route(NODE_B_CIDR, "10.0.0.1")], GOOD_B), "routes[0].via")


@pytest.mark.parametrize(
    "b",
    [pytest.param([], id="no-routes"),
     pytest.param([route("default", GATEWAY)], id="default-only"),
     pytest.param(None, id="implicit-default")],
)
def test_reply_needs_a_route_back(b: Routes) -> None:
    assert_denied(run(two_nodes(GOOD_A, b), "pod/default/client", SERVER),
                  Reason.NO_RETURN_ROUTE)


def _three_nodes(a: Routes, b: Routes, c: Routes) -> str:
    return level_yaml(
        pod("client", node="node-a", ports=()),
        pod("server", node="node-c"),
        cluster=routed(("node-a", a), ("node-b", b), ("node-c", c)),
    )


def test_packet_that_revisits_a_node_is_a_route_loop() -> None:
    level = _three_nodes([route(NODE_C_CIDR, NODE_B_IP)], [route(NODE_C_CIDR, NODE_A_IP)],
                         [route(NODE_A_CIDR, NODE_A_IP)])
    assert_denied(run(level, "pod/default/client", SERVER), Reason.ROUTE_LOOP)


def test_a_node_forwards_by_its_own_table() -> None:
    level = _three_nodes([route(NODE_C_CIDR, NODE_B_IP)], [route(NODE_C_CIDR, NODE_C_IP)],
                         [route(NODE_A_CIDR, NODE_A_IP)])
    assert_allowed(run(level, "pod/default/client", SERVER))


def test_packet_that_exceeds_ttl_64_is_a_route_loop() -> None:
    # 70 nodes in a line, each forwarding to the next: no node is visited twice,
    # but the packet needs 69 router hops to reach the last one.
    count = 70
    names = [f"n{i}" for i in range(count)]
    last_cidr = f"10.244.{count - 1}.0/24"
    chain: list[tuple[str, Routes]] = [
        (name, [route(last_cidr, f"192.168.0.{12 + i}")]) for i, name in enumerate(names[:-1])
    ]
    chain.append((names[-1], [route(NODE_A_CIDR, NODE_A_IP)]))
    level = level_yaml(pod("client", node=names[0], ports=()),
                       pod("server", node=names[-1]),
                       cluster=routed(*chain))
    assert_denied(run(level, "pod/default/client", SERVER), Reason.ROUTE_LOOP)


# ----------------------------------------------------------------------- overlay

def test_overlay_carries_pod_traffic_between_nodes_whatever_the_routes() -> None:
    level = level_yaml(
        pod("client", node="node-a", ports=()), pod("server", node="node-b"),
        cluster={"podNetwork": "overlay",
                 "nodes": [{"name": "node-a", "routes": []}, {"name": "node-b", "routes": []}]},
    )
    assert_allowed(run(level, "pod/default/client", SERVER))


# ----------------------------------------------------------------- leaving cluster

@pytest.mark.parametrize("network", ["overlay", "routes"])
@pytest.mark.parametrize(
    ("routes", "allowed"),
    [pytest.param(None, True, id="default-route-to-gateway"),
     pytest.param([], False, id="empty-routes-means-none")],
)
def test_pod_to_outside_leaves_by_the_default_route(network: str, routes: Routes,
                                                     allowed: bool) -> None:
    node: dict[str, object] = {"name": "node-1"}
    if routes is not None:
        node["routes"] = routes
    level = level_yaml(pod("client", ports=()),
                       cluster={"podNetwork": network, "nodes": [node]})
    t = run(level, "pod/default/client", "internet:443")
    if allowed:
        assert_allowed(t)
    else:
        assert_denied(t, Reason.NO_ROUTE)


def test_default_route_may_point_at_another_node() -> None:
    level = level_yaml(
        pod("client", node="node-a", ports=()),
        cluster=routed(("node-a", [route("default", NODE_B_IP)]), ("node-b", None)),
    )
    assert_allowed(run(level, "pod/default/client", "internet:443"))


def test_without_masquerade_the_reply_from_outside_is_lost() -> None:
    level = level_yaml(pod("client", ports=()),
                       cluster={"nodes": [{"name": "node-1", "masquerade": False}]})
    assert_denied(run(level, "pod/default/client", "internet:443"), Reason.NO_SNAT)


def test_masquerade_only_matters_for_traffic_leaving_the_cluster() -> None:
    level = level_yaml(
        pod("client", node="node-a", ports=()), pod("server", node="node-b"),
        cluster={"nodes": [{"name": "node-a", "masquerade": False}, {"name": "node-b"}]},
    )
    assert_allowed(run(level, "pod/default/client", SERVER))


# ------------------------------------------------------------------- node sources

def test_node_source_reply_comes_back_over_the_connected_network() -> None:
    # node-b has no routes at all, but the node network is always connected.
    assert_allowed(run(two_nodes(GOOD_A, []), "node/node-a", SERVER))


def test_node_source_to_a_remote_pod_needs_a_route() -> None:
    assert_denied(run(two_nodes([], GOOD_B), "node/node-a", SERVER), Reason.NO_ROUTE)


# ------------------------------------------------------------------------ raw IPs

def _raw_world() -> str:
    return level_yaml(
        pod("client", node="node-a", ports=()),
        pod("server", node="node-b", ip="10.244.1.20"),
        pod("agent", node="node-b", host_network=True, ports=[9100]),
        service("server", clusterIP="10.96.0.50"),
        cluster=nodes("node-a", "node-b"),
    )


@pytest.mark.parametrize(
    "dst",
    [
        pytest.param("10.244.1.20:8080", id="pod-ip"),
        pytest.param("10.96.0.50:80", id="cluster-ip"),
        pytest.param(f"{NODE_B_IP}:9100", id="node-ip-host-network"),
        pytest.param("198.51.100.7:443", id="outside-address"),
    ],
)
def test_raw_ipv4_destinations(dst: str) -> None:
    assert_allowed(run(_raw_world(), "pod/default/client", dst))


def test_raw_ip_in_the_cluster_range_with_no_pod_reaches_nothing() -> None:
    t = run(_raw_world(), "pod/default/client", "10.244.1.99:8080")
    assert t.verdict is Verdict.DENY
