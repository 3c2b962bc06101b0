"""Cluster DNS: SEMANTICS.md "DNS" and DESIGN.md §3 ("Cluster DNS is defined when …").

Names in flows (``api:80``, ``api.shop:80``, ``http://api.shop/``) are resolved
from the source pod with its namespace's search path. Where the level defines
``kube-system/kube-dns`` every lookup is itself a UDP/53 flow that policies and
routes can break; otherwise names resolve implicitly.
"""

from __future__ import annotations

import pytest

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    NODE_A_CIDR,
    Doc,
    assert_allowed,
    assert_denied,
    kube_dns,
    level_yaml,
    namespace,
    pod,
    policy,
    route,
    routed,
    run,
    service,
)


def world(*extra: Doc, cluster: Doc | None = None) -> str:
    return level_yaml(
        namespace("shop"),
        namespace("other"),
        pod("client", ns="shop", ports=()),
        pod("client", ns="other", ports=()),
        pod("api", ns="shop"),
        service("api", ns="shop"),
        *extra,
        cluster=cluster,
    )


# --------------------------------------------------------------- names → addresses

@pytest.mark.parametrize("src", ["pod/shop/client", "pod/other/client"])
def test_service_fqdn_resolves_to_its_cluster_ip(src: str) -> None:
    assert_allowed(run(world(), src, "api.shop.svc.cluster.local:80"))


def test_short_name_resolves_in_the_pods_own_namespace() -> None:
    level = world()
    assert_allowed(run(level, "pod/shop/client", "api:80"))
    assert_denied(run(level, "pod/other/client", "api:80"), Reason.DNS_NXDOMAIN)


def test_name_dot_namespace_resolves_across_namespaces() -> None:
    assert_allowed(run(world(), "pod/other/client", "api.shop:80"))


@pytest.mark.parametrize("name", ["nope", "nope.shop.svc.cluster.local"])
def test_name_that_does_not_exist_in_the_cluster_is_nxdomain(name: str) -> None:
    assert_denied(run(world(), "pod/shop/client", f"{name}:80"), Reason.DNS_NXDOMAIN)


def test_cluster_domain_comes_from_the_cluster_section() -> None:
    level = world(cluster={"domain": "corp.internal"})
    assert_allowed(run(level, "pod/other/client", "api.shop.svc.corp.internal:80"))


def test_url_from_a_pod_resolves_the_host_then_connects_directly() -> None:
    level = world()
    assert_allowed(run(level, "pod/other/client", "http://api.shop/"))
    assert run(level, "pod/other/client", "http://api.shop:8443/").verdict is Verdict.DENY


# ----------------------------------------------------------------------- headless

def test_headless_name_resolves_to_the_ready_pod_ips() -> None:
    level = world(pod("db-0", ns="shop", labels={"app": "db"}, ports=[5432]),
                  pod("db-1", ns="shop", labels={"app": "db"}, ports=[5432]),
                  service("db", ns="shop", clusterIP="None", ports=[{"port": 5432}]))
    t = run(level, "pod/shop/client", "db:5432")
    assert_allowed(t)
    assert len(t.paths) == 2


def test_headless_name_without_ready_endpoints_is_nxdomain() -> None:
    level = world(pod("db", ns="shop", ports=[5432], ready=False),
                  service("db", ns="shop", clusterIP="None", ports=[{"port": 5432}]))
    assert_denied(run(level, "pod/shop/client", "db:5432"), Reason.DNS_NXDOMAIN)


# --------------------------------------------------------------------- ExternalName

def test_externalname_pointing_outside_resolves_upstream_to_the_internet() -> None:
    level = world(service("ext", ns="shop", type="ExternalName", no_selector=True,
                          externalName="api.example.com", ports=[{"port": 443}]))
    assert_allowed(run(level, "pod/shop/client", "ext:443"))


# ------------------------------------------------------------- defined cluster DNS

CLIENT_EGRESS_TO_API_ONLY = policy("client-out", """
    podSelector: {matchLabels: {app: client}}
    policyTypes: [Egress]
    egress:
    - to: [{podSelector: {matchLabels: {app: api}}}]
      ports: [{port: 8080}]
    """, ns="shop")


def _client_egress_with(rule: str) -> Doc:
    return policy("client-out", f"""
    podSelector: {{matchLabels: {{app: client}}}}
    policyTypes: [Egress]
    egress:
    - to: [{{podSelector: {{matchLabels: {{app: api}}}}}}]
      ports: [{{port: 8080}}]
    - {rule}
    """, ns="shop")


def test_default_deny_egress_without_port_53_makes_dns_unreachable() -> None:
    level = world(*kube_dns(), CLIENT_EGRESS_TO_API_ONLY)
    assert_denied(run(level, "pod/shop/client", "api:80"), Reason.DNS_UNREACHABLE)


def test_egress_allowance_for_udp_53_lets_lookups_through() -> None:
    level = world(*kube_dns(), _client_egress_with("ports: [{port: 53, protocol: UDP}]"))
    assert_allowed(run(level, "pod/shop/client", "api:80"))


def test_lookups_are_udp_so_a_tcp_only_53_allowance_is_not_enough() -> None:
    # NetworkPolicy ports default to TCP; DNS lookups are UDP.
    level = world(*kube_dns(), _client_egress_with("ports: [{port: 53}]"))
    assert_denied(run(level, "pod/shop/client", "api:80"), Reason.DNS_UNREACHABLE)


def test_service_reference_needs_no_lookup() -> None:
    level = world(*kube_dns(), CLIENT_EGRESS_TO_API_ONLY)
    assert_allowed(run(level, "pod/shop/client", "service/shop/api:80"))


def test_names_resolve_implicitly_when_the_level_defines_no_cluster_dns() -> None:
    level = world(CLIENT_EGRESS_TO_API_ONLY)
    assert_allowed(run(level, "pod/shop/client", "api:80"))


def test_kube_dns_without_endpoints_is_unreachable() -> None:
    level = world(*kube_dns(selector_matches=False))
    assert_denied(run(level, "pod/shop/client", "api:80"), Reason.DNS_UNREACHABLE)


def test_ingress_policy_on_kube_dns_can_make_it_unreachable() -> None:
    lock = policy("lock", "podSelector: {}\npolicyTypes: [Ingress]", ns="kube-system")
    level = world(*kube_dns(), lock)
    assert_denied(run(level, "pod/shop/client", "api:80"), Reason.DNS_UNREACHABLE)


def test_missing_route_to_the_dns_pod_makes_dns_unreachable() -> None:
    # client and api share node-a; CoreDNS runs on node-b which node-a cannot reach.
    level = level_yaml(
        pod("client", ns="shop", node="node-a", ports=()),
        pod("api", ns="shop", node="node-a"),
        service("api", ns="shop"),
        *kube_dns(node="node-b"),
        cluster=routed(("node-a", []), ("node-b", [route(NODE_A_CIDR, "192.168.0.11")])),
    )
    assert_denied(run(level, "pod/shop/client", "api:80"), Reason.DNS_UNREACHABLE)
    assert_allowed(run(level, "pod/shop/client", "service/shop/api:80"))


def test_reachable_cluster_dns_still_answers_nxdomain_for_unknown_names() -> None:
    level = world(*kube_dns())
    assert_allowed(run(level, "pod/shop/client", "api:80"))
    assert_denied(run(level, "pod/shop/client", "nope:80"), Reason.DNS_NXDOMAIN)
