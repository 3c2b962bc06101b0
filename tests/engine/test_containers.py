"""Containers, pods, workloads and host networking (DESIGN.md §3 "Listening", refs, workloads)."""

from __future__ import annotations

import pytest

from k8snet_tui.engine.trace import Reason, Verdict

from .conftest import (
    NODE_A_CIDR,
    assert_allowed,
    assert_denied,
    deployment,
    level_yaml,
    nodes,
    pod,
    policy,
    run,
)

SIDECAR_POD = pod("app", containers=[
    {"name": "app", "image": "example/app", "ports": [{"containerPort": 8080, "name": "http"}]},
    {"name": "proxy", "image": "example/proxy", "ports": [{"containerPort": 9090}]},
])
CONFLICT_POD = pod("clash", containers=[
    {"name": "one", "image": "example/a", "ports": [{"containerPort": 8080}]},
    {"name": "two", "image": "example/b", "ports": [{"containerPort": 8080}]},
])


# --------------------------------------------------------------------- localhost

@pytest.mark.parametrize("port", [8080, 9090])
def test_localhost_reaches_every_container_of_the_same_pod(port: int) -> None:
    assert_allowed(run(level_yaml(SIDECAR_POD), "pod/default/app", f"localhost:{port}"))


def test_localhost_port_no_container_declares_is_not_listening() -> None:
    assert_denied(run(level_yaml(SIDECAR_POD), "pod/default/app", "localhost:7000"),
                  Reason.NOT_LISTENING)


@pytest.mark.parametrize(
    ("src", "dst"),
    [("pod/default/clash", "localhost:8080"), ("pod/default/client", "pod/default/clash:8080")],
    ids=["via-localhost", "from-another-pod"],
)
def test_two_containers_declaring_the_same_port_conflict(src: str, dst: str) -> None:
    level = level_yaml(CONFLICT_POD, pod("client", ports=()))
    assert_denied(run(level, src, dst), Reason.PORT_CONFLICT)


def test_two_host_network_pods_on_one_node_declaring_the_same_port_conflict() -> None:
    level = level_yaml(
        pod("exporter-a", host_network=True, ports=[9100]),
        pod("exporter-b", host_network=True, ports=[9100]),
        pod("client", ports=()),
    )
    assert_denied(run(level, "pod/default/client", "node/node-1:9100"), Reason.PORT_CONFLICT)


# --------------------------------------------------------------------- listening

@pytest.mark.parametrize("dst", ["pod/default/any:1234", "pod/default/any:1234/udp",
                                 "pod/default/any:7/sctp"])
def test_pod_declaring_no_ports_accepts_any_port_and_protocol(dst: str) -> None:
    level = level_yaml(pod("any", ports=()), pod("client", ports=()))
    assert_allowed(run(level, "pod/default/client", dst))


def test_direct_flow_to_an_undeclared_port_is_not_listening() -> None:
    level = level_yaml(pod("api"), pod("client", ports=()))
    assert_denied(run(level, "pod/default/client", "pod/default/api:9999"), Reason.NOT_LISTENING)


def test_a_declared_port_listens_only_on_its_protocol() -> None:
    level = level_yaml(pod("dns", ports=[{"containerPort": 53, "protocol": "UDP"}]),
                       pod("client", ports=()))
    assert_allowed(run(level, "pod/default/client", "pod/default/dns:53/udp"))
    assert_denied(run(level, "pod/default/client", "pod/default/dns:53"), Reason.NOT_LISTENING)


def test_flow_port_may_be_a_container_port_name() -> None:
    level = level_yaml(pod("api"), pod("client", ports=()))
    assert_allowed(run(level, "pod/default/client", "pod/default/api:http"))
    assert run(level, "pod/default/client", "pod/default/api:grpc").verdict is Verdict.DENY


def test_pod_reference_without_namespace_means_default() -> None:
    level = level_yaml(pod("api"), pod("client", ports=()))
    assert_allowed(run(level, "pod/client", "pod/api:8080"))


# --------------------------------------------------------------------- workloads

def _workload_world(cidr: str) -> str:
    return level_yaml(
        deployment("client", replicas=2, ports=()),
        pod("api", node="node-a"),
        policy("api-in", "podSelector: {matchLabels: {app: api}}\n"
                         f"ingress:\n- from: [{{ipBlock: {{cidr: {cidr}}}}}]"),
        cluster=nodes("node-a", "node-b"),
    )


@pytest.mark.parametrize(
    ("cidr", "verdict"),
    [
        pytest.param("10.244.0.0/16", Verdict.ALLOW, id="every-pod-passes"),
        pytest.param(NODE_A_CIDR, Verdict.PARTIAL, id="only-client-0-on-node-a-passes"),
        pytest.param("10.99.0.0/16", Verdict.DENY, id="no-pod-passes"),
    ],
)
def test_workload_source_needs_every_pod_to_pass(cidr: str, verdict: Verdict) -> None:
    t = run(_workload_world(cidr), "deployment/default/client", "pod/default/api:8080")
    assert t.verdict is verdict
    assert len(t.paths) == 2


def test_daemonset_source_is_one_pod_per_node() -> None:
    level = level_yaml(deployment("agent", kind="DaemonSet", ports=()), pod("api"),
                       cluster=nodes("node-a", "node-b", "node-c"))
    t = run(level, "daemonset/default/agent", "pod/default/api:8080")
    assert_allowed(t)
    assert len(t.paths) == 3


def test_workload_destination_reaches_each_of_its_pods() -> None:
    level = level_yaml(deployment("api", replicas=3), pod("client", ports=()),
                       cluster=nodes("node-a", "node-b"))
    t = run(level, "pod/default/client", "deployment/default/api:8080")
    assert_allowed(t)
    assert len(t.paths) == 3


@pytest.mark.parametrize(
    ("workload", "src"),
    [
        pytest.param(deployment("web", replicas=2, ports=()), "pod/default/web-1",
                     id="deployment"),
        pytest.param(deployment("web", replicas=2, ports=(), kind="StatefulSet"),
                     "pod/default/web-0", id="statefulset"),
        pytest.param(deployment("web", replicas=1, ports=(), kind="ReplicaSet"),
                     "replicaset/default/web", id="replicaset-ref"),
        pytest.param(deployment("web", ports=(), kind="DaemonSet"), "pod/default/web-node-b",
                     id="daemonset"),
    ],
)
def test_workload_pods_are_addressable_by_their_expanded_names(workload: dict[str, object],
                                                               src: str) -> None:
    level = level_yaml(workload, pod("api"), cluster=nodes("node-a", "node-b"))
    assert_allowed(run(level, src, "pod/default/api:8080"))


# ------------------------------------------------------------------ host network

HOST_NET = level_yaml(
    pod("agent", host_network=True, ports=[9100]),
    pod("api"),
    pod("client", ports=()),
)


@pytest.mark.parametrize("dst", ["node/node-1:9100", "pod/default/agent:9100",
                                 "192.168.0.11:9100"])
def test_host_network_pod_listens_on_its_node_ip(dst: str) -> None:
    assert_allowed(run(HOST_NET, "pod/default/client", dst))


def test_host_network_pod_as_source() -> None:
    assert_allowed(run(HOST_NET, "pod/default/agent", "pod/default/api:8080"))


def test_node_as_source_uses_the_host_network() -> None:
    assert_allowed(run(HOST_NET, "node/node-1", "pod/default/api:8080"))
