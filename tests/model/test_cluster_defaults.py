"""DESIGN.md §3 ``cluster``: every key has a documented default, applied once here."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from k8snet_tui.model.cluster import Cluster, ClusterSpec, Route, resolve_cluster

from .helpers import level, load


def _resolve(**spec: object) -> Cluster:
    cluster, problems = resolve_cluster(ClusterSpec.model_validate(spec))
    assert problems == []
    return cluster


def test_cluster_section_is_optional_and_every_key_has_its_documented_default() -> None:
    cluster = load(level()).world.cluster
    assert cluster.cluster_cidr == IPv4Network("10.244.0.0/16")
    assert cluster.service_cidr == IPv4Network("10.96.0.0/12")
    assert cluster.node_port_range == (30000, 32767)
    assert cluster.domain == "cluster.local"
    assert cluster.pod_network == "overlay"
    assert cluster.lb_provider is False
    assert cluster.node_network == IPv4Network("192.168.0.0/24")
    assert cluster.gateway == IPv4Address("192.168.0.1")
    assert [n.name for n in cluster.nodes] == ["node-1"]


def test_node_ips_default_to_dot_11_dot_12_of_node_network_in_order() -> None:
    cluster = _resolve(nodes=[{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert [str(n.ip) for n in cluster.nodes] == ["192.168.0.11", "192.168.0.12", "192.168.0.13"]


def test_default_node_ips_skip_addresses_taken_by_explicit_ones() -> None:
    cluster = _resolve(nodes=[{"name": "a"}, {"name": "b", "ip": "192.168.0.11"}, {"name": "c"}])
    assert [str(n.ip) for n in cluster.nodes] == ["192.168.0.12", "192.168.0.11", "192.168.0.13"]


def test_node_ips_and_gateway_follow_a_custom_node_network() -> None:
    cluster = _resolve(nodeNetwork="10.0.0.0/24", nodes=[{"name": "a"}])
    assert cluster.gateway == IPv4Address("10.0.0.1")
    assert cluster.nodes[0].ip == IPv4Address("10.0.0.11")


def test_gateway_defaults_to_dot_1_and_an_explicit_one_is_kept() -> None:
    assert _resolve().gateway == IPv4Address("192.168.0.1")
    assert _resolve(gateway="192.168.0.254").gateway == IPv4Address("192.168.0.254")


def test_pod_cidrs_are_carved_from_cluster_cidr_in_node_order() -> None:
    cluster = _resolve(nodes=[{"name": "a"}, {"name": "b"}, {"name": "c"}])
    assert [str(n.pod_cidr) for n in cluster.nodes] == [
        "10.244.0.0/24", "10.244.1.0/24", "10.244.2.0/24"]


def test_carving_skips_pod_cidrs_given_explicitly() -> None:
    cluster = _resolve(nodes=[{"name": "a"}, {"name": "b", "podCIDR": "10.244.0.0/24"}])
    assert [str(n.pod_cidr) for n in cluster.nodes] == ["10.244.1.0/24", "10.244.0.0/24"]


def test_pod_cidrs_follow_a_custom_cluster_cidr() -> None:
    cluster = _resolve(clusterCIDR="10.200.0.0/16", nodes=[{"name": "a"}, {"name": "b"}])
    assert [str(n.pod_cidr) for n in cluster.nodes] == ["10.200.0.0/24", "10.200.1.0/24"]


def test_default_routes_are_the_connected_network_and_a_default_route_via_the_gateway() -> None:
    node = _resolve().nodes[0]
    assert node.explicit_routes is False
    assert node.routes == (
        Route(IPv4Network("192.168.0.0/24"), None, None),
        Route(IPv4Network("0.0.0.0/0"), IPv4Address("192.168.0.1"), None),
    )


def test_explicit_empty_routes_mean_no_route_at_all_not_even_to_the_gateway() -> None:
    node = _resolve(nodes=[{"name": "a", "routes": []}]).nodes[0]
    assert node.explicit_routes is True
    # Only the directly connected node network remains: nothing has a next hop.
    assert [r.via for r in node.routes] == [None]
    assert all(r.network.prefixlen > 0 for r in node.routes)


def test_explicit_routes_replace_the_default_and_sort_longest_prefix_first() -> None:
    node = _resolve(nodes=[
        {"name": "a", "routes": [{"to": "default", "via": "192.168.0.1"},
                                 {"to": "10.244.1.0/24", "via": "192.168.0.12"}]},
        {"name": "b"},
    ]).nodes[0]
    assert [(str(r.network), str(r.via) if r.via else None, r.index) for r in node.routes] == [
        ("10.244.1.0/24", "192.168.0.12", 1),
        ("192.168.0.0/24", None, None),
        ("0.0.0.0/0", "192.168.0.1", 0),
    ]


def test_masquerade_defaults_to_true_and_public_to_false() -> None:
    node = _resolve().nodes[0]
    assert node.masquerade is True
    assert node.public is False
    flipped = _resolve(nodes=[{"name": "a", "masquerade": False, "public": True}]).nodes[0]
    assert (flipped.masquerade, flipped.public) == (False, True)


def test_node_port_range_domain_pod_network_and_provider_are_read_as_written() -> None:
    cluster = _resolve(nodePortRange="31000-31010", domain="Corp.Example.", podNetwork="routes",
                       loadBalancerProvider=True)
    assert cluster.node_port_range == (31000, 31010)
    assert cluster.domain == "corp.example"  # DNS names are case-insensitive, no root dot
    assert cluster.pod_network == "routes"
    assert cluster.lb_provider is True
