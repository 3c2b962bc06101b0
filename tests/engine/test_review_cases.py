"""Cases level authors found where the engine first disagreed with Kubernetes.

Each test names the Kubernetes behaviour it pins down.
"""

from __future__ import annotations

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    assert_allowed,
    assert_denied,
    assert_invalid,
    level_yaml,
    nodes,
    pod,
    policy,
    run,
    service,
)

DENY_ALL_INGRESS = "podSelector: {}\npolicyTypes: [Ingress]\n"


def test_hostport_traffic_is_subject_to_the_pods_ingress_policy() -> None:
    agent = pod("agent", ns="mon", ports=[{"containerPort": 4317, "hostPort": 4317}],
                node="node-1")
    app = pod("app", ns="shop", node="node-1")
    text = level_yaml(agent, app, policy("deny", DENY_ALL_INGRESS, ns="mon"))
    assert_denied(run(text, "pod/shop/app", "node/node-1:4317"),
                  Reason.POLICY_DENIED_INGRESS)


def test_hostport_without_a_policy_reaches_the_container_port() -> None:
    agent = pod("agent", ns="mon", ports=[{"containerPort": 4317, "hostPort": 14317}])
    text = level_yaml(agent, pod("app", ns="shop"))
    t = run(text, "pod/shop/app", "node/node-1:14317")
    assert_allowed(t)
    assert any(h.after is not None and h.after.port == 4317 for h in t.hops)


def _headless_sts(ready: bool, selected: bool = True) -> str:
    db = pod("db-0", ns="data", labels={"app": "db" if selected else "other"}, ready=ready)
    db["spec"]["hostname"] = "db-0"
    db["spec"]["subdomain"] = "db-hl"
    svc = service("db-hl", ns="data", selector={"app": "db"}, clusterIP="None")
    return level_yaml(db, svc, pod("client", ns="data"))


def test_per_pod_name_under_a_headless_service_resolves_for_a_ready_selected_pod() -> None:
    assert_allowed(run(_headless_sts(ready=True), "pod/data/client", "db-0.db-hl:8080"))


def test_per_pod_name_of_a_pod_that_is_not_ready_is_nxdomain() -> None:
    assert_denied(run(_headless_sts(ready=False), "pod/data/client", "db-0.db-hl:8080"),
                  Reason.DNS_NXDOMAIN)


def test_per_pod_name_of_a_pod_the_service_does_not_select_is_nxdomain() -> None:
    assert_denied(run(_headless_sts(ready=True, selected=False), "pod/data/client",
                      "db-0.db-hl:8080"), Reason.DNS_NXDOMAIN)


def _selectorless(slice_port_name: str | None) -> str:
    svc = service("ext", no_selector=True, ports=[{"name": "http", "port": 80}])
    port: dict[str, object] = {"port": 8080}
    if slice_port_name is not None:
        port["name"] = slice_port_name
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"name": "ext-1", "labels": {"kubernetes.io/service-name": "ext"}},
           "addressType": "IPv4", "ports": [port],
           "endpoints": [{"addresses": ["10.244.0.50"]}]}
    target = pod("target", ip="10.244.0.50")
    return level_yaml(svc, eps, target, pod("client"))


def test_endpointslice_ports_pair_with_service_ports_by_exact_name() -> None:
    assert_allowed(run(_selectorless("http"), "pod/client", "service/default/ext:80"))
    t = run(_selectorless("web"), "pod/client", "service/default/ext:80")
    assert_denied(t, Reason.NO_ENDPOINTS)
    assert t.blame is not None
    assert t.blame.ref == "endpointslice/default/ext-1"


def test_a_hand_written_endpoint_on_the_wrong_port_blames_the_endpointslice() -> None:
    svc = service("ext", no_selector=True, ports=[{"name": "http", "port": 80,
                                                   "targetPort": 9999}])
    eps = {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
           "metadata": {"name": "ext-1", "labels": {"kubernetes.io/service-name": "ext"}},
           "ports": [{"name": "http", "port": 9090}],
           "endpoints": [{"addresses": ["10.244.0.50"]}]}
    text = level_yaml(svc, eps, pod("target", ip="10.244.0.50"), pod("client"))
    t = run(text, "pod/client", "service/default/ext:80")
    assert_denied(t, Reason.NOT_LISTENING)
    assert t.blame is not None
    assert t.blame.ref == "endpointslice/default/ext-1"


def test_an_endpoint_that_is_a_clusterip_leads_nowhere() -> None:
    real = service("real")
    svc = service("alias", no_selector=True, ports=[{"port": 80}])
    eps = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "alias"},
           "subsets": [{"addresses": [{"ip": "10.96.0.100"}], "ports": [{"port": 80}]}]}
    text = level_yaml(real, svc, eps, pod("real"), pod("client"))
    t = run(text, "pod/client", "service/default/alias:80")
    assert_denied(t, Reason.NO_ROUTE)
    assert t.blame is not None
    assert t.blame.ref == "endpoints/default/alias"


def test_made_up_names_are_nxdomain_upstream_but_public_domains_resolve() -> None:
    text = level_yaml(pod("client"))
    assert_denied(run(text, "pod/client", "kafka-1.kafka-headless:9092"), Reason.DNS_NXDOMAIN)
    assert_allowed(run(text, "pod/client", "api.example.com:443"))


def test_headless_service_cannot_be_a_nodeport_or_loadbalancer() -> None:
    assert_invalid(level_yaml(service("x", type="LoadBalancer", clusterIP="None")),
                   "clusterIP")


def test_local_traffic_policy_counts_only_endpoints_the_public_entry_can_deliver_to() -> None:
    apis = [pod("api-a", labels={"app": "api"}, node="node-a"),
            pod("api-b", labels={"app": "api"}, node="node-b")]
    svc = service("api", type="NodePort", externalTrafficPolicy="Local",
                  ports=[{"port": 80, "targetPort": 8080, "nodePort": 30080}])
    text = level_yaml(*apis, svc, cluster=nodes("node-a", "node-b", public=["node-a"]))
    t = run(text, "internet", "service/default/api:80")
    assert t.verdict is Verdict.ALLOW


def test_local_traffic_policy_with_no_endpoint_on_any_public_node_is_no_local_endpoint() -> None:
    svc = service("api", type="NodePort", externalTrafficPolicy="Local")
    text = level_yaml(pod("api", node="node-b"), svc,
                      cluster=nodes("node-a", "node-b", public=["node-a"]))
    assert_denied(run(text, "internet", "service/default/api:80"), Reason.NO_LOCAL_ENDPOINT)


def test_an_unowned_load_balancer_address_does_not_answer() -> None:
    text = level_yaml(pod("web"))
    assert_denied(run(text, "internet", "192.0.2.77:443"), Reason.NOT_EXPOSED)
