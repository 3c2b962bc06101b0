"""NetworkPolicy facts in the trace: what was consulted, which rule admitted or nearly
matched, and which part of it missed — and a neutral blame that prefers the near-miss
allow policy over a policy that only isolates. Verdicts are those of test_policy.py;
only the blame and the facts are under test here.
"""

from __future__ import annotations

from k8snet_tui.engine.trace import Exposure, PathResult, PolicyFacts, Reason, Trace

from .conftest import (
    assert_allowed,
    assert_denied,
    deployment,
    kube_dns,
    level_yaml,
    namespace,
    nodes,
    pod,
    policy,
    run,
    service,
)

DENY_ALL = policy("default-deny", "podSelector: {}\npolicyTypes: [Ingress]", ns="shop")


def shop(*extra: object, cluster: object | None = None) -> str:
    return level_yaml(
        namespace("shop", team="shop"),
        namespace("backup", team="ops"),
        pod("web", ns="shop", ports=()),
        pod("api", ns="shop", ports=()),
        pod("db", ns="shop", ports=[{"containerPort": 5432, "name": "postgres"}]),
        pod("pg-backup", ns="backup", labels={"app": "api"}, ports=()),
        *extra,  # type: ignore[arg-type]
        cluster=cluster,  # type: ignore[arg-type]
    )


DB_ALLOW_API = policy("db-allow-api", """
    podSelector: {matchLabels: {app: db}}
    policyTypes: [Ingress]
    ingress:
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{protocol: TCP, port: 5432}]
    """, ns="shop")


def first_path(t: Trace) -> PathResult:
    return next(p for p in t.paths if p.hops == t.hops)


def denied_facts(t: Trace) -> PolicyFacts:
    facts = [f for f in first_path(t).policy_facts if not f.allowed]
    assert facts, first_path(t).facts
    return facts[-1]


def test_denied_ingress_blames_the_near_miss_allow_policy_not_the_default_deny() -> None:
    t = run(shop(DENY_ALL, DB_ALLOW_API), "pod/shop/web", "pod/shop/db:5432")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    assert t.blame is not None
    assert t.blame.ref == "networkpolicy/shop/db-allow-api"
    assert t.blame.field == "spec.ingress[0].from[0].podSelector"
    assert "db-allow-api rule 0 allows from pods app=api" in t.detail
    assert "shop/web carries app=web" in t.detail


def test_denied_facts_list_every_isolating_policy_and_every_rule() -> None:
    facts = denied_facts(run(shop(DENY_ALL, DB_ALLOW_API), "pod/shop/web", "pod/shop/db:5432"))
    assert facts.direction == "ingress"
    assert facts.pod == "shop/db"
    assert facts.peer == "shop/web"
    assert (facts.port, facts.protocol) == (5432, "TCP")
    assert [c.ref for c in facts.policies] == ["networkpolicy/shop/default-deny",
                                               "networkpolicy/shop/db-allow-api"]
    deny_all, allow = facts.policies
    assert deny_all.deny_all
    assert not allow.deny_all
    (rule,) = allow.rules
    assert [m.part for m in rule.misses] == ["pods"]
    assert rule.allows == "from pods app=api on 5432/TCP"


def test_namespace_selector_miss_names_the_namespace_labels() -> None:
    spec = """
    podSelector: {matchLabels: {app: db}}
    ingress:
      - from:
          - namespaceSelector: {matchLabels: {team: backup}}
            podSelector: {matchLabels: {app: api}}
    """
    t = run(shop(policy("db-allow", spec, ns="shop")), "pod/backup/pg-backup",
            "pod/shop/db:5432")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    assert t.blame is not None
    assert t.blame.field == "spec.ingress[0].from[0].namespaceSelector"
    (miss,) = denied_facts(t).policies[0].rules[0].misses
    assert miss.part == "namespace"
    assert miss.wanted == "namespaces team=backup"
    assert miss.actual == "namespace backup carries team=ops"


def test_pod_selector_alone_from_another_namespace_is_a_namespace_miss() -> None:
    t = run(shop(DB_ALLOW_API), "pod/backup/pg-backup", "pod/shop/db:5432")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    (miss,) = denied_facts(t).policies[0].rules[0].misses
    assert miss.part == "namespace"
    assert miss.field == "spec.ingress[0].from[0]"
    assert "a podSelector alone means pods of shop" in miss.actual


def test_port_outside_an_end_port_range_is_a_port_miss() -> None:
    spec = """
    podSelector: {matchLabels: {app: db}}
    ingress:
      - from: [{podSelector: {matchLabels: {app: api}}}]
        ports: [{protocol: TCP, port: 5000, endPort: 5431}]
    """
    t = run(shop(policy("db-range", spec, ns="shop")), "pod/shop/api", "pod/shop/db:5432")
    assert t.blame is not None
    assert t.blame.field == "spec.ingress[0].ports"
    (miss,) = denied_facts(t).policies[0].rules[0].misses
    assert (miss.part, miss.wanted) == ("port", "5000-5431/TCP")
    assert miss.actual == "the connection is to 5432/TCP"


def test_named_port_the_destination_does_not_declare_says_so() -> None:
    spec = """
    podSelector: {matchLabels: {app: db}}
    ingress: [{ports: [{port: pg}]}]
    """
    t = run(shop(policy("db-named", spec, ns="shop")), "pod/shop/api", "pod/shop/db:5432")
    (miss,) = denied_facts(t).policies[0].rules[0].misses
    assert miss.part == "port"
    assert 'declares no TCP port named "pg"' in miss.actual


def test_ip_block_except_miss_names_the_except() -> None:
    spec = """
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress:
      - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
    """
    t = run(shop(policy("web-out", spec, ns="shop")), "pod/shop/web",
            "internet/169.254.169.254:80")
    assert_denied(t, Reason.POLICY_DENIED_EGRESS)
    assert t.blame is not None
    assert t.blame.field == "spec.egress[0].to[0].ipBlock.except"
    (miss,) = denied_facts(t).policies[0].rules[0].misses
    assert miss.part == "except"


def test_a_selector_peer_never_comes_close_to_an_outside_address() -> None:
    spec = """
    podSelector: {matchLabels: {app: web}}
    policyTypes: [Egress]
    egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
    """
    deny_out = policy("deny-out", "podSelector: {}\npolicyTypes: [Egress]", ns="shop")
    t = run(shop(deny_out, policy("web-out", spec, ns="shop")), "pod/shop/web",
            "internet:443")
    facts = denied_facts(t)
    assert facts.near_misses() == []
    assert facts.policies[1].rules[0].misses[0].part == "not-a-pod"
    assert t.blame is not None
    assert t.blame.ref == "networkpolicy/shop/deny-out"  # no near miss: the first isolating


def test_only_a_default_deny_is_blamed_when_nothing_else_selects_the_pod() -> None:
    t = run(shop(DENY_ALL, DB_ALLOW_API), "pod/shop/web", "pod/shop/api:8080")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("networkpolicy/shop/default-deny", "spec.ingress")
    assert "none of them has a rule" in t.detail


def test_egress_only_policy_without_policytypes_is_blamed_on_policytypes() -> None:
    spec = """
    podSelector: {matchLabels: {app: db}}
    egress: [{to: [{podSelector: {matchLabels: {app: api}}}]}]
    """
    t = run(shop(policy("db-egress", spec, ns="shop")), "pod/shop/api", "pod/shop/db:5432")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("networkpolicy/shop/db-egress", "spec.policyTypes")
    assert denied_facts(t).policies[0].implied


def test_allowed_connection_records_the_policy_and_rule_that_admitted_it() -> None:
    t = run(shop(DENY_ALL, DB_ALLOW_API), "pod/shop/api", "pod/shop/db:5432")
    assert_allowed(t)
    (facts,) = [f for f in t.paths[0].policy_facts if f.direction == "ingress"]
    assert facts.allowed
    assert facts.exempt is None
    assert facts.consulted == ("networkpolicy/shop/default-deny",
                               "networkpolicy/shop/db-allow-api")
    admitted = facts.admitted
    assert admitted is not None
    assert admitted[0].ref == "networkpolicy/shop/db-allow-api"
    assert admitted[1].index == 0
    hop = next(h for h in t.hops if h.where == "NetworkPolicy ingress of shop/db")
    assert "rule 0" in hop.what


def test_a_pod_no_policy_selects_is_recorded_as_not_isolated() -> None:
    t = run(shop(), "pod/shop/web", "pod/shop/db:5432")
    assert_allowed(t)
    exempt = {(f.direction, f.exempt) for f in t.paths[0].policy_facts}
    assert exempt == {("egress", "not-isolated"), ("ingress", "not-isolated")}


def test_traffic_from_the_pods_own_node_is_recorded_as_exempt() -> None:
    t = run(shop(DENY_ALL, cluster=nodes("node-a")), "node/node-a", "pod/shop/db:5432")
    assert_allowed(t)
    (facts,) = t.paths[0].policy_facts
    assert facts.exempt == "own-node"
    assert facts.peer.startswith("node node-a")


def test_a_host_network_source_is_recorded_as_not_subject_to_policy() -> None:
    deny_out = policy("deny-out", "podSelector: {}\npolicyTypes: [Egress]", ns="shop")
    t = run(shop(deny_out, pod("agent", ns="shop", ports=(), host_network=True)),
            "pod/shop/agent", "pod/shop/db:5432")
    assert_allowed(t)
    egress = [f for f in t.paths[0].policy_facts if f.direction == "egress"]
    assert [f.exempt for f in egress] == ["host-network"]


def test_internet_through_a_load_balancer_records_the_exposure() -> None:
    level = shop(service("db", ns="shop", type="LoadBalancer",
                         ports=[{"port": 5432, "targetPort": 5432}]),
                 cluster={"loadBalancerProvider": True})
    t = run(level, "internet", "service/shop/db:5432")
    assert_allowed(t)
    exposures = [f for f in t.paths[0].facts if isinstance(f, Exposure)]
    assert exposures
    assert exposures[0].ref == "service/shop/db"
    assert exposures[0].kind == "LoadBalancer"


def test_a_dns_lookup_denied_by_egress_policy_carries_the_policy_facts() -> None:
    deny_out = policy("deny-out", "podSelector: {}\npolicyTypes: [Egress]", ns="shop")
    t = run(shop(deny_out, *kube_dns(), service("api", ns="shop", ports=[{"port": 80}])),
            "pod/shop/web", "api:80")
    assert_denied(t, Reason.DNS_UNREACHABLE)
    facts = denied_facts(t)
    assert facts.direction == "egress"
    assert facts.peer.startswith("kube-system/coredns")
    assert (facts.port, facts.protocol) == (53, "UDP")


def test_every_source_pod_path_carries_its_own_facts() -> None:
    t = run(shop(DB_ALLOW_API, deployment("client", ns="shop", replicas=2, ports=())),
            "deployment/shop/client", "pod/shop/db:5432")
    assert len(t.paths) == 2
    assert [denied_facts_of(p).peer for p in t.paths] == ["shop/client-0", "shop/client-1"]


def denied_facts_of(path: PathResult) -> PolicyFacts:
    return next(f for f in path.policy_facts if not f.allowed)
