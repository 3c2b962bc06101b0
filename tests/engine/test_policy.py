"""NetworkPolicy: every bullet of SEMANTICS.md "NetworkPolicy".

The world: namespaces ``shop`` (team=shop), ``frontend`` (team=frontend) and
``other`` (no labels); a server ``shop/api`` on 8080 (http) and 9090
(metrics); clients that declare no ports (so they accept anything) named so
that selectors can tell them apart.
"""

from __future__ import annotations

from typing import Any

import pytest

from k8snet_tui.engine.trace import Reason, Trace, Verdict

from .conftest import (
    Doc,
    assert_allowed,
    assert_denied,
    assert_invalid,
    deployment,
    level_yaml,
    namespace,
    nodes,
    pod,
    policy,
    run,
    service,
    y,
)

API = "pod/shop/api:8080"
SOURCES = ("pod/shop/web", "pod/shop/admin", "pod/frontend/web", "pod/frontend/ui",
           "pod/other/web")


def world(*extra: Doc, cluster: Doc | None = None) -> str:
    return level_yaml(
        namespace("shop", team="shop"),
        namespace("frontend", team="frontend"),
        namespace("other"),
        pod("web", ns="shop", ports=()),
        pod("admin", ns="shop", ports=()),
        pod("api", ns="shop", ports=[{"containerPort": 8080, "name": "http"},
                                     {"containerPort": 9090, "name": "metrics"}]),
        pod("web", ns="frontend", ports=()),
        pod("ui", ns="frontend", ports=()),
        pod("web", ns="other", ports=()),
        *extra,
        cluster=cluster,
    )


def on_api(spec: str, name: str = "api-policy") -> dict[str, Any]:
    """A policy in ``shop`` selecting the api pod; ``spec`` is everything but podSelector."""
    return policy(name, "podSelector: {matchLabels: {app: api}}\n" + spec, ns="shop")


def verdict_or_reason(t: Trace, expected: Reason | None) -> None:
    if expected is None:
        assert_allowed(t)
    else:
        assert_denied(t, expected)


DENY_ALL_INGRESS = policy("deny-ingress", "podSelector: {}\npolicyTypes: [Ingress]", ns="shop")


# -------------------------------------------------------------------- isolation

def test_pod_selected_by_no_policy_is_not_isolated() -> None:
    level = world(policy("db-only", "podSelector: {matchLabels: {app: db}}", ns="shop"))
    assert_allowed(run(level, "pod/shop/web", API))


def test_policy_with_ingress_type_and_no_rules_denies_all_ingress() -> None:
    assert_denied(run(world(DENY_ALL_INGRESS), "pod/shop/web", API),
                  Reason.POLICY_DENIED_INGRESS)


def test_empty_pod_selector_selects_every_pod_of_its_namespace_only() -> None:
    level = world(DENY_ALL_INGRESS, pod("api", ns="other", ports=[8080]))
    assert_denied(run(level, "pod/shop/web", API), Reason.POLICY_DENIED_INGRESS)
    assert_allowed(run(level, "pod/shop/web", "pod/other/api:8080"))


ALLOW_WEB = on_api("ingress:\n- from: [{podSelector: {matchLabels: {app: web}}}]", "allow-web")
ALLOW_ADMIN = on_api("ingress:\n- from: [{podSelector: {matchLabels: {app: admin}}}]",
                     "allow-admin")


@pytest.mark.parametrize("order", ["web-first", "admin-first"])
def test_allowed_traffic_is_the_union_of_all_policies_in_any_order(order: str) -> None:
    policies = [ALLOW_WEB, ALLOW_ADMIN] if order == "web-first" else [ALLOW_ADMIN, ALLOW_WEB]
    level = world(*policies)
    assert_allowed(run(level, "pod/shop/web", API))
    assert_allowed(run(level, "pod/shop/admin", API))
    assert_denied(run(level, "pod/frontend/ui", API), Reason.POLICY_DENIED_INGRESS)


# -------------------------------------------------- both sides, and the replies

WEB_EGRESS_ONLY_TO_ADMIN = policy(
    "web-egress", """
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to: [{podSelector: {matchLabels: {app: admin}}}]
    """, ns="shop")
WEB_EGRESS_TO_API = policy(
    "web-egress", """
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080}]
    """, ns="shop")


@pytest.mark.parametrize(
    ("egress", "ingress", "expected"),
    [
        pytest.param(WEB_EGRESS_TO_API, ALLOW_WEB, Verdict.ALLOW, id="both-allow"),
        pytest.param(WEB_EGRESS_TO_API, ALLOW_ADMIN, Reason.POLICY_DENIED_INGRESS,
                     id="ingress-denies"),
        pytest.param(WEB_EGRESS_ONLY_TO_ADMIN, ALLOW_WEB, Reason.POLICY_DENIED_EGRESS,
                     id="egress-denies"),
        pytest.param(WEB_EGRESS_ONLY_TO_ADMIN, ALLOW_ADMIN, Verdict.DENY, id="both-deny"),
    ],
)
def test_connection_needs_source_egress_and_destination_ingress(
    egress: Doc, ingress: Doc, expected: Verdict | Reason
) -> None:
    t = run(world(egress, ingress), "pod/shop/web", API)
    if expected is Verdict.ALLOW:
        assert_allowed(t)
    elif isinstance(expected, Reason):
        assert_denied(t, expected)
    else:
        assert_denied(t)


def test_replies_of_an_allowed_connection_are_allowed() -> None:
    # api may send nothing out and web may receive nothing in; the reply to a
    # connection web opened still flows.
    api_no_egress = on_api("policyTypes: [Ingress, Egress]\ningress:\n"
                           "- from: [{podSelector: {matchLabels: {app: web}}}]", "api-locked")
    web_no_ingress = policy("web-locked", """
        podSelector: {matchLabels: {app: web}}
        policyTypes: [Ingress, Egress]
        egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
        """, ns="shop")
    assert_allowed(run(world(api_no_egress, web_no_ingress), "pod/shop/web", API))


# ------------------------------------------------------------ policyTypes defaults

def test_egress_only_policy_without_policytypes_denies_ingress() -> None:
    egress_only = on_api("egress:\n- to: [{podSelector: {matchLabels: {app: web}}}]")
    assert_denied(run(world(egress_only), "pod/shop/web", API), Reason.POLICY_DENIED_INGRESS)


@pytest.mark.parametrize(
    ("spec", "ingress_denied", "egress_denied"),
    [
        pytest.param("{}", True, False, id="no-types-no-rules-implies-ingress"),
        pytest.param("ingress: [{}]", False, False, id="no-types-ingress-rules"),
        pytest.param("egress: [{to: [{podSelector: {matchLabels: {app: admin}}}]}]",
                     True, True, id="no-types-egress-rules-implies-both"),
        pytest.param("egress: []", True, False, id="no-types-empty-egress-is-not-egress"),
        pytest.param("policyTypes: [Egress]", False, True, id="egress-type-only"),
        pytest.param("policyTypes: [Ingress, Egress]", True, True, id="both-types"),
    ],
)
def test_policy_types_default_to_ingress_plus_egress_when_egress_rules_exist(
    spec: str, ingress_denied: bool, egress_denied: bool
) -> None:
    pol = policy("p", {"podSelector": {"matchLabels": {"app": "api"}}, **_yaml_map(spec)},
                 ns="shop")
    level = world(pol)
    verdict_or_reason(run(level, "pod/shop/web", API),
                      Reason.POLICY_DENIED_INGRESS if ingress_denied else None)
    verdict_or_reason(run(level, "pod/shop/api", "pod/shop/web:80"),
                      Reason.POLICY_DENIED_EGRESS if egress_denied else None)


def _yaml_map(text: str) -> dict[str, Any]:
    value = y(text)
    assert isinstance(value, dict)
    return value


# --------------------------------------------------------------- empty and {}

@pytest.mark.parametrize("ingress", ["", "ingress: []"], ids=["missing", "empty-list"])
def test_ingress_missing_or_empty_with_ingress_type_denies_all(ingress: str) -> None:
    pol = on_api(f"policyTypes: [Ingress]\n{ingress}")
    assert_denied(run(world(pol), "pod/shop/web", API), Reason.POLICY_DENIED_INGRESS)


def test_ingress_with_one_empty_rule_allows_all() -> None:
    level = world(on_api("policyTypes: [Ingress]\ningress: [{}]"))
    for src in SOURCES:
        assert_allowed(run(level, src, API))


@pytest.mark.parametrize(
    "rule",
    ["- ports: [{port: 8080}]", "- from: []\n  ports: [{port: 8080}]"],
    ids=["from-missing", "from-empty"],
)
def test_rule_without_peers_allows_any_peer(rule: str) -> None:
    level = world(on_api(f"ingress:\n{rule}"))
    assert_allowed(run(level, "pod/other/web", API))
    assert_allowed(run(level, "pod/shop/admin", API))


@pytest.mark.parametrize("rule", ["- ports: [{port: 8080}]", "- to: []\n  ports: [{port: 8080}]"],
                         ids=["to-missing", "to-empty"])
def test_egress_rule_without_peers_allows_any_destination(rule: str) -> None:
    pol = policy("web-out", "podSelector: {matchLabels: {app: web}}\npolicyTypes: [Egress]\n"
                            f"egress:\n{rule}", ns="shop")
    level = world(pol, pod("api", ns="other", ports=[8080]))
    assert_allowed(run(level, "pod/shop/web", API))
    assert_allowed(run(level, "pod/shop/web", "pod/other/api:8080"))
    assert_denied(run(level, "pod/shop/web", "pod/shop/api:9090"), Reason.POLICY_DENIED_EGRESS)


@pytest.mark.parametrize(
    "rule",
    ["- from: [{podSelector: {matchLabels: {app: web}}}]",
     "- from: [{podSelector: {matchLabels: {app: web}}}]\n  ports: []"],
    ids=["ports-missing", "ports-empty"],
)
def test_rule_without_ports_allows_any_port(rule: str) -> None:
    level = world(on_api(f"ingress:\n{rule}"))
    assert_allowed(run(level, "pod/shop/web", "pod/shop/api:8080"))
    assert_allowed(run(level, "pod/shop/web", "pod/shop/api:9090"))


# ------------------------------------------------------------------------- peers

PEER_TABLE: dict[str, tuple[str, set[str]]] = {
    "podSelector-alone-is-own-namespace": (
        "[{podSelector: {matchLabels: {app: web}}}]",
        {"pod/shop/web"}),
    "namespaceSelector-alone-is-every-pod-there": (
        "[{namespaceSelector: {matchLabels: {team: frontend}}}]",
        {"pod/frontend/web", "pod/frontend/ui"}),
    "both-in-one-peer-is-AND": (
        "[{namespaceSelector: {matchLabels: {team: frontend}},"
        " podSelector: {matchLabels: {app: web}}}]",
        {"pod/frontend/web"}),
    "separate-peers-are-OR": (
        "[{namespaceSelector: {matchLabels: {team: frontend}}},"
        " {podSelector: {matchLabels: {app: web}}}]",
        {"pod/shop/web", "pod/frontend/web", "pod/frontend/ui"}),
    "empty-podSelector-is-every-pod-of-own-namespace": (
        "[{podSelector: {}}]",
        {"pod/shop/web", "pod/shop/admin"}),
    "empty-namespaceSelector-is-every-namespace": (
        "[{namespaceSelector: {}}]",
        set(SOURCES)),
}


@pytest.mark.parametrize("case", list(PEER_TABLE), ids=list(PEER_TABLE))
def test_peer_selectors_and_within_a_peer_or_across_peers(case: str) -> None:
    peers, allowed = PEER_TABLE[case]
    level = world(on_api(f"ingress:\n- from: {peers}"))
    got = {src for src in SOURCES if run(level, src, API).verdict is Verdict.ALLOW}
    assert got == allowed


def test_namespace_selector_matches_the_automatic_metadata_name_label() -> None:
    level = world(on_api("ingress:\n- from: [{namespaceSelector: {matchLabels: "
                         "{kubernetes.io/metadata.name: other}}}]"))
    assert_allowed(run(level, "pod/other/web", API))
    assert_denied(run(level, "pod/frontend/web", API), Reason.POLICY_DENIED_INGRESS)


def test_undeclared_namespace_exists_and_carries_its_metadata_name_label() -> None:
    level = world(pod("job", ns="batch", ports=()),
                  on_api("ingress:\n- from: [{namespaceSelector: {matchLabels: "
                         "{kubernetes.io/metadata.name: batch}}}]"))
    assert_allowed(run(level, "pod/batch/job", API))
    assert_denied(run(level, "pod/other/web", API), Reason.POLICY_DENIED_INGRESS)


# --------------------------------------------------------------------- selectors

@pytest.mark.parametrize(
    ("selector", "labels", "allowed"),
    [
        pytest.param("{matchExpressions: [{key: app, operator: In, values: [web, ui]}]}",
                     {"app": "web"}, True, id="In-member"),
        pytest.param("{matchExpressions: [{key: app, operator: In, values: [web, ui]}]}",
                     {"app": "admin"}, False, id="In-non-member"),
        pytest.param("{matchExpressions: [{key: app, operator: NotIn, values: [admin]}]}",
                     {"app": "web"}, True, id="NotIn-other-value"),
        pytest.param("{matchExpressions: [{key: app, operator: NotIn, values: [admin]}]}",
                     {"app": "admin"}, False, id="NotIn-listed-value"),
        pytest.param("{matchExpressions: [{key: app, operator: NotIn, values: [admin]}]}",
                     {}, True, id="NotIn-missing-key"),
        pytest.param("{matchExpressions: [{key: tier, operator: Exists}]}",
                     {"tier": "front"}, True, id="Exists-present"),
        pytest.param("{matchExpressions: [{key: tier, operator: Exists}]}",
                     {}, False, id="Exists-absent"),
        pytest.param("{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
                     {}, True, id="DoesNotExist-absent"),
        pytest.param("{matchExpressions: [{key: tier, operator: DoesNotExist}]}",
                     {"tier": "front"}, False, id="DoesNotExist-present"),
        pytest.param("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: Exists}]}",
                     {"app": "web", "tier": "front"}, True, id="labels-AND-expressions-both"),
        pytest.param("{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: Exists}]}",
                     {"app": "web"}, False, id="labels-AND-expressions-one"),
    ],
)
def test_selector_terms_are_anded(selector: str, labels: dict[str, str], allowed: bool) -> None:
    level = world(pod("client", ns="shop", labels=labels, ports=()),
                  on_api(f"ingress:\n- from: [{{podSelector: {selector}}}]"))
    t = run(level, "pod/shop/client", API)
    verdict_or_reason(t, None if allowed else Reason.POLICY_DENIED_INGRESS)


# ----------------------------------------------------------------------- ipBlock

WEB_EGRESS_IPBLOCK = policy("web-out", """
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
    - to: [{ipBlock: {cidr: 198.51.100.0/24, except: [198.51.100.128/25]}}]
    """, ns="shop")


@pytest.mark.parametrize(
    ("dst", "allowed"),
    [
        pytest.param("internet/198.51.100.10:443", True, id="inside-cidr"),
        pytest.param("internet/198.51.100.200:443", False, id="inside-except"),
        pytest.param("internet/203.0.113.50:443", False, id="outside-cidr"),
    ],
)
def test_ip_block_allows_its_cidr_minus_except(dst: str, allowed: bool) -> None:
    t = run(world(WEB_EGRESS_IPBLOCK), "pod/shop/web", dst)
    verdict_or_reason(t, None if allowed else Reason.POLICY_DENIED_EGRESS)


@pytest.mark.parametrize(
    ("client_ip", "allowed"),
    [pytest.param("10.244.0.40", True, id="pod-ip-in-cidr"),
     pytest.param("10.244.0.50", False, id="pod-ip-in-except")],
)
def test_ip_block_peers_match_pod_ips_too(client_ip: str, allowed: bool) -> None:
    level = world(pod("client", ns="other", ports=(), ip=client_ip),
                  on_api("ingress:\n- from: [{ipBlock: {cidr: 10.244.0.0/16, "
                         "except: [10.244.0.50/32]}}]"))
    verdict_or_reason(run(level, "pod/other/client", API),
                      None if allowed else Reason.POLICY_DENIED_INGRESS)


def test_ip_block_except_must_lie_inside_the_cidr() -> None:
    bad = on_api("ingress:\n- from: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.1.0.0/24]}}]")
    assert_invalid(world(bad), "ipBlock.except[0]")


# ------------------------------------------------------------------------- ports

DUAL_DNS = pod("dns", ns="shop", labels={"app": "api"},
               ports=[{"containerPort": 53, "protocol": "TCP"},
                      {"containerPort": 53, "protocol": "UDP"}])


def test_policy_port_protocol_defaults_to_tcp() -> None:
    level = world(DUAL_DNS, on_api("ingress:\n- ports: [{port: 53}]"))
    assert_allowed(run(level, "pod/shop/web", "pod/shop/dns:53"))
    assert_denied(run(level, "pod/shop/web", "pod/shop/dns:53/udp"),
                  Reason.POLICY_DENIED_INGRESS)


def test_policy_port_without_number_allows_every_port_of_its_protocol() -> None:
    level = world(pod("any", ns="shop", labels={"app": "api"}, ports=()),
                  on_api("ingress:\n- ports: [{protocol: UDP}]"))
    assert_allowed(run(level, "pod/shop/web", "pod/shop/any:9999/udp"))
    assert_denied(run(level, "pod/shop/web", "pod/shop/any:9999"), Reason.POLICY_DENIED_INGRESS)


@pytest.mark.parametrize(
    ("dst", "allowed"),
    [
        pytest.param("pod/shop/api:8080", True, id="api-http-is-8080"),
        pytest.param("pod/shop/api2:9090", True, id="api2-http-is-9090"),
        pytest.param("pod/shop/api:9090", False, id="api-9090-is-metrics"),
    ],
)
def test_named_policy_port_resolves_against_each_destination_pod(dst: str, allowed: bool) -> None:
    api2 = pod("api2", ns="shop", labels={"app": "api"},
               ports=[{"containerPort": 9090, "name": "http"}])
    level = world(api2, on_api("ingress:\n- ports: [{port: http}]"))
    verdict_or_reason(run(level, "pod/shop/web", dst),
                      None if allowed else Reason.POLICY_DENIED_INGRESS)


def test_named_policy_port_the_pod_does_not_declare_matches_nothing() -> None:
    level = world(on_api("ingress:\n- ports: [{port: grpc}]"))
    assert_denied(run(level, "pod/shop/web", API), Reason.POLICY_DENIED_INGRESS)


@pytest.mark.parametrize(("port", "allowed"),
                         [(7999, False), (8000, True), (8042, True), (8080, True), (8081, False)])
def test_end_port_range_is_inclusive(port: int, allowed: bool) -> None:
    level = world(pod("any", ns="shop", labels={"app": "api"}, ports=()),
                  on_api("ingress:\n- ports: [{port: 8000, endPort: 8080}]"))
    verdict_or_reason(run(level, "pod/shop/web", f"pod/shop/any:{port}"),
                      None if allowed else Reason.POLICY_DENIED_INGRESS)


def test_end_port_needs_a_numeric_port() -> None:
    assert_invalid(world(on_api("ingress:\n- ports: [{port: http, endPort: 9000}]")),
                   "ports[0].endPort")


# --------------------------------------------------------- where policies act

@pytest.mark.parametrize(("policy_port", "allowed"), [(8080, True), (80, False)])
def test_policies_act_on_pod_ports_after_service_dnat(policy_port: int, allowed: bool) -> None:
    level = world(service("api", ns="shop"),
                  on_api(f"ingress:\n- ports: [{{port: {policy_port}}}]"))
    verdict_or_reason(run(level, "pod/shop/web", "service/shop/api:80"),
                      None if allowed else Reason.POLICY_DENIED_INGRESS)


@pytest.mark.parametrize(("src", "allowed"),
                         [("node/node-a", True), ("node/node-b", False)])
def test_traffic_from_the_pods_own_node_is_always_allowed_in(src: str, allowed: bool) -> None:
    level = level_yaml(
        pod("api", ns="shop", node="node-a"),
        DENY_ALL_INGRESS,
        cluster=nodes("node-a", "node-b"),
    )
    verdict_or_reason(run(level, src, API), None if allowed else Reason.POLICY_DENIED_INGRESS)


def test_pod_is_never_blocked_from_itself_via_localhost() -> None:
    locked = policy("lock", "podSelector: {}\npolicyTypes: [Ingress, Egress]", ns="shop")
    assert_allowed(run(world(locked), "pod/shop/api", "localhost:8080"))


def test_host_network_pods_are_not_subject_to_network_policy() -> None:
    locked = policy("lock", "podSelector: {}\npolicyTypes: [Ingress, Egress]", ns="shop")
    level = world(pod("agent", ns="shop", host_network=True, ports=[9100]), locked,
                  pod("ext", ns="other", ports=[8080]))
    assert_allowed(run(level, "pod/other/web", "pod/shop/agent:9100"))
    assert_allowed(run(level, "pod/shop/agent", "pod/other/ext:8080"))


# -------------------------------------------------------------- ipBlock and NAT

def _nodeport_world(etp: str, cidr: str) -> str:
    return level_yaml(
        pod("api", ns="shop", node="node-b"),
        service("api", ns="shop", type="NodePort", externalTrafficPolicy=etp,
                ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080}]),
        on_api(f"ingress:\n- from: [{{ipBlock: {{cidr: {cidr}}}}}]"),
        cluster=nodes("node-a", "node-b", public=["node-a", "node-b"]),
    )


@pytest.mark.parametrize(
    ("etp", "arrive", "cidr", "allowed"),
    [
        pytest.param("Cluster", "node-a", "203.0.113.0/24", False,
                     id="cluster-policy-snat-hides-client"),
        pytest.param("Cluster", "node-a", "192.168.0.0/24", True,
                     id="cluster-policy-pod-sees-node-ip"),
        pytest.param("Local", "node-b", "203.0.113.0/24", True,
                     id="local-policy-preserves-client-ip"),
    ],
)
def test_ip_block_sees_the_address_after_snat(etp: str, arrive: str, cidr: str,
                                              allowed: bool) -> None:
    t = run(_nodeport_world(etp, cidr), "internet", f"node/{arrive}:30080")
    verdict_or_reason(t, None if allowed else Reason.POLICY_DENIED_INGRESS)


def test_policy_applies_to_every_pod_of_a_workload_source() -> None:
    level = world(deployment("batch", ns="other", replicas=2, ports=()),
                  on_api("ingress:\n- from: [{namespaceSelector: {matchLabels: "
                         "{kubernetes.io/metadata.name: other}}}]"))
    assert_allowed(run(level, "deployment/other/batch", API))
    denied = world(deployment("batch", ns="other", replicas=2, ports=()), DENY_ALL_INGRESS)
    assert_denied(run(denied, "deployment/other/batch", API), Reason.POLICY_DENIED_INGRESS)
