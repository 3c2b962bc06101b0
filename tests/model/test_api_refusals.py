"""Values the API server refuses are refused here too, never read leniently.

Lax decoding would read ``port: true`` as 1 and ``hostNetwork: 1`` as True; a
level built on such a value would teach something no cluster does.
"""

from __future__ import annotations

import pytest

from k8snet_tui.model.load import load_level_text
from k8snet_tui.model.problems import format_loc
from tests.model.helpers import HEAD, one_error

SVC = "resources:\n- {apiVersion: v1, kind: Service, metadata: {name: s}, spec: {ports: [%s]}}\n"
POD = ("resources:\n- {apiVersion: v1, kind: Pod, metadata: {name: p}, "
       "spec: {%s containers: [{name: c, ports: [%s]}]}}\n")
NETPOL = ("resources:\n- {apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, "
          "metadata: {name: n}, spec: {podSelector: {}, ingress: [{ports: [%s]}]}}\n")


@pytest.mark.parametrize(
    ("body", "field", "says"),
    [
        ("difficulty: true\n", "difficulty", "valid integer (got True)"),
        ("puzzle: {par: false}\n", "puzzle.par", "valid integer (got False)"),
        (SVC % "{port: true}", "resources[0].spec.ports[0].port", "valid integer (got True)"),
        (SVC % "{port: 80, nodePort: true}", "resources[0].spec.ports[0].nodePort",
         "valid integer"),
        (POD % ("", "{containerPort: true}"),
         "resources[0].spec.containers[0].ports[0].containerPort", "valid integer"),
        (POD % ("hostNetwork: 1,", "{containerPort: 80}"), "resources[0].spec.hostNetwork",
         "valid boolean (got 1)"),
        ("cluster: {nodes: [{name: n1, public: 'true'}]}\n", "cluster.nodes[0].public",
         "valid boolean (got 'true')"),
    ],
)
def test_booleans_and_integers_are_not_read_as_each_other(body: str, field: str,
                                                          says: str) -> None:
    problem = one_error(HEAD + body)
    assert format_loc(problem.loc) == field
    assert says in problem.message


@pytest.mark.parametrize(
    ("port", "says"),
    [
        ("{port: 80, targetPort: ''}", "a port name cannot be empty"),
        ('{port: 80, targetPort: "h\\e[2J"}', "'h\\x1b[2J' is not a port name"),
        ("{port: 80, targetPort: HTTP}", "'HTTP' is not a port name"),
        ("{port: 80, targetPort: '8080'}", "'8080' is not a port name"),  # a string is a name
        ("{port: 80, targetPort: 70000}", "port 70000 is outside 1-65535"),
        ("{port: 80, targetPort: true}", "a port is a number from 1 to 65535 or a port name"),
    ],
)
def test_a_target_port_is_a_port_number_or_an_iana_port_name(port: str, says: str) -> None:
    assert says in one_error(HEAD + SVC % port).message


def test_a_container_port_name_follows_the_same_rule() -> None:
    problem = one_error(HEAD + POD % ("", "{containerPort: 80, name: my--port}"))
    assert "is not a port name" in problem.message


@pytest.mark.parametrize("port", ["{port: 70000}", "{port: 0}", "{port: 'Web'}"])
def test_a_network_policy_port_is_checked_without_an_end_port_too(port: str) -> None:
    one_error(HEAD + NETPOL % port)


def test_valid_ports_and_names_still_load() -> None:
    load_level_text(HEAD + SVC.replace("spec: {", "spec: {type: NodePort, ")
                    % "{port: 80, targetPort: http-alt, nodePort: 30080}")
    load_level_text(HEAD + NETPOL % "{port: dns, protocol: UDP}")


@pytest.mark.parametrize(
    ("cluster", "says"),
    [
        ("{nodeNetwork: 10.0.0.0/24, nodes: [{name: a, ip: 10.0.0.0}]}",
         "node IP 10.0.0.0 is the network address of 10.0.0.0/24"),
        ("{nodeNetwork: 10.0.0.0/24, nodes: [{name: a, ip: 10.0.0.255}]}",
         "node IP 10.0.0.255 is the broadcast address of 10.0.0.0/24"),
        ("{nodeNetwork: 10.0.0.0/24, nodes: [{name: a, ip: 10.0.0.1}]}",
         "node IP 10.0.0.1 is already used by the gateway"),
        ("{nodeNetwork: 10.0.0.0/24, gateway: 10.0.0.0}",
         "gateway 10.0.0.0 is the network address"),
        ("{domain: ''}", "'' is not a DNS domain"),
        ("{domain: 'a..b'}", "'a..b' is not a DNS domain"),
    ],
)
def test_addresses_no_host_can_have_and_empty_domains_are_refused(cluster: str,
                                                                  says: str) -> None:
    assert says in one_error(f"{HEAD}cluster: {cluster}\n").message


def test_a_point_to_point_node_network_has_no_reserved_addresses() -> None:
    """RFC 3021: both addresses of a /31 are hosts."""
    load_level_text(f"{HEAD}cluster: {{nodeNetwork: 10.0.0.0/31, gateway: 10.0.0.0, "
                    "nodes: [{name: a, ip: 10.0.0.1}]}\n")


def test_a_full_node_network_is_one_error_not_one_per_node() -> None:
    nodes = ", ".join(f"{{name: n{i}}}" for i in range(300))
    problem = one_error(f"{HEAD}cluster: {{nodes: [{nodes}]}}\n")
    assert "has no room for nodes[244] and the 55 after it" in problem.message
