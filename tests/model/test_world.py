"""DESIGN.md §3 resources made concrete: workload expansion, addresses, readiness."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from k8snet_tui.model.load import load_level
from k8snet_tui.model.world import NS_NAME_LABEL, PodInfo, World

from .helpers import level, load, one_error, pos

THREE_NODES = """
cluster:
  nodes: [{name: a}, {name: b}, {name: c}]
"""


def _world(*bodies: str) -> World:
    loaded = load(level(*bodies))
    assert [p for p in loaded.warnings if p.severity == "error"] == []
    return loaded.world


def _pods(world: World) -> dict[str, PodInfo]:
    return {f"{p.namespace}/{p.name}": p for p in world.pods}


def _workload(kind: str, name: str = "web", *, spec: str = "", template: str = "") -> str:
    """A workload in namespace shop; ``spec``/``template`` add lines to its spec and its
    pod template's spec (flow style, e.g. ``replicas: 4``)."""
    return f"""
- kind: {kind}
  metadata: {{name: {name}, namespace: shop}}
  spec:
    {spec or "minReadySeconds: 0"}
    selector: {{matchLabels: {{app: {name}}}}}
    template:
      metadata: {{labels: {{app: {name}}}}}
      spec: {{{template}}}
"""


# ------------------------------------------------------------------ workloads


@pytest.mark.parametrize("kind", ["Deployment", "ReplicaSet", "StatefulSet"])
def test_workload_pods_are_named_name_dash_index_and_placed_round_robin(kind: str) -> None:
    world = _world(THREE_NODES + "resources:" + _workload(kind, spec="replicas: 4"))
    pods = [p for p in world.pods if p.owner == f"{kind.lower()}/shop/web"]
    assert [(p.name, p.node) for p in pods] == [
        ("web-0", "a"), ("web-1", "b"), ("web-2", "c"), ("web-3", "a")]
    assert world.workloads[f"{kind.lower()}/shop/web"] == ("web-0", "web-1", "web-2", "web-3")
    assert all(p.labels == {"app": "web"} for p in pods)


def test_replicas_default_to_one() -> None:
    world = _world("resources:" + _workload("Deployment"))
    assert world.workloads["deployment/shop/web"] == ("web-0",)


def test_template_node_name_pins_every_replica_to_that_node() -> None:
    world = _world(THREE_NODES + "resources:" + _workload(
        "Deployment", spec="replicas: 3", template="nodeName: b"))
    assert {p.node for p in world.pods} == {"b"}


def test_daemonset_has_one_pod_per_node_named_name_dash_node() -> None:
    world = _world(THREE_NODES + "resources:" + _workload("DaemonSet", "agent"))
    assert [(p.name, p.node) for p in world.pods] == [
        ("agent-a", "a"), ("agent-b", "b"), ("agent-c", "c")]
    assert world.workloads["daemonset/shop/agent"] == ("agent-a", "agent-b", "agent-c")


def test_statefulset_pods_get_their_name_as_hostname_and_service_name_as_subdomain() -> None:
    world = _world("resources:" + _workload(
        "StatefulSet", "db", spec="replicas: 2\n    serviceName: db-headless"))
    assert [(p.name, p.hostname, p.subdomain) for p in world.pods] == [
        ("db-0", "db-0", "db-headless"), ("db-1", "db-1", "db-headless")]


def test_expanded_pod_colliding_with_a_declared_pod_is_an_error() -> None:
    text = level("""
        resources:
        - kind: Pod
          metadata: {name: web-0, namespace: shop}
        - kind: Deployment
          metadata: {name: web, namespace: shop}
        """)
    problem = one_error(text)
    assert problem.field == "resources[1].metadata.name"
    assert "pod shop/web-0 already exists" in problem.message
    assert (problem.line, problem.column) == pos(text, "{name: |web, namespace")


# ---------------------------------------------------------------- pod addresses


def test_pod_ips_count_up_from_dot_2_of_their_nodes_pod_cidr_in_resource_order() -> None:
    world = _world(THREE_NODES, """
        resources:
        - {kind: Pod, metadata: {name: p1}, spec: {nodeName: b}}
        - {kind: Pod, metadata: {name: p2}, spec: {nodeName: a}}
        - {kind: Pod, metadata: {name: p3}, spec: {nodeName: b}}
        - {kind: Pod, metadata: {name: p4}}
        """)
    assert {n: str(p.ip) for n, p in _pods(world).items()} == {
        "default/p1": "10.244.1.2",
        "default/p2": "10.244.0.2",
        "default/p3": "10.244.1.3",
        "default/p4": "10.244.0.3",  # no nodeName: the first node
    }


def test_pod_ips_are_deterministic_across_loads() -> None:
    text = level(THREE_NODES + "resources:" + _workload("Deployment", spec="replicas: 5")
                 + _workload("DaemonSet", "agent"))
    first = [(p.name, p.ip) for p in load(text).world.pods]
    assert first == [(p.name, p.ip) for p in load(text).world.pods]
    assert len({ip for _, ip in first}) == len(first)


def test_status_pod_ip_is_honoured_and_never_handed_out_again() -> None:
    world = _world("""
        resources:
        - {kind: Pod, metadata: {name: first}}
        - {kind: Pod, metadata: {name: pinned}, status: {podIP: 10.244.0.2}}
        """)
    pods = _pods(world)
    assert pods["default/pinned"].ip == IPv4Address("10.244.0.2")
    assert pods["default/first"].ip == IPv4Address("10.244.0.3")


def test_pinned_pod_ip_outside_its_nodes_pod_cidr_is_an_error() -> None:
    text = level("""
        resources:
        - {kind: Pod, metadata: {name: p}, status: {podIP: 10.244.9.9}}
        """)
    problem = one_error(text)
    assert problem.field == "resources[0].status.podIP"
    assert "outside node node-1's podCIDR 10.244.0.0/24" in problem.message
    assert (problem.line, problem.column) == pos(text, "podIP: |10.244.9.9")


def test_two_pods_pinned_to_one_ip_is_an_error() -> None:
    text = level("""
        resources:
        - {kind: Pod, metadata: {name: p}, status: {podIP: 10.244.0.9}}
        - {kind: Pod, metadata: {name: q}, status: {podIP: 10.244.0.9}}
        """)
    problem = one_error(text)
    assert problem.field == "resources[1].status.podIP"
    assert "already used by pod default/p" in problem.message


def test_host_network_pods_use_their_nodes_ip() -> None:
    world = _world("""
        resources:
        - {kind: Pod, metadata: {name: h}, spec: {hostNetwork: true}}
        """)
    pod = world.pods[0]
    assert (pod.host_network, pod.ip) == (True, IPv4Address("192.168.0.11"))


def test_pod_on_a_node_that_does_not_exist_is_an_error() -> None:
    text = level("""
        resources:
        - {kind: Pod, metadata: {name: p}, spec: {nodeName: ghost}}
        """)
    problem = one_error(text)
    assert problem.field == "resources[0].spec.nodeName"
    assert 'node "ghost" does not exist' in problem.message
    assert (problem.line, problem.column) == pos(text, "nodeName: |ghost")


# ------------------------------------------------------------------- readiness


@pytest.mark.parametrize(("status", "ready"), [
    pytest.param("{}", True, id="no-status-means-ready"),
    pytest.param('{conditions: [{type: Ready, status: "True"}]}', True, id="ready-true"),
    pytest.param('{conditions: [{type: Ready, status: "False"}]}', False, id="ready-false"),
    pytest.param('{conditions: [{type: Ready, status: "Unknown"}]}', False, id="ready-unknown"),
    pytest.param('{conditions: [{type: ContainersReady, status: "False"}]}', True,
                 id="only-the-ready-condition-counts"),
])
def test_readiness_comes_from_the_ready_condition_and_defaults_to_ready(
        status: str, ready: bool) -> None:
    world = _world(f"""
        resources:
        - {{kind: Pod, metadata: {{name: p}}, status: {status}}}
        """)
    assert world.pods[0].ready is ready


# ------------------------------------------------------------------ services


def _services(body: str) -> dict[str, tuple[str | None, list[int | None], list[str]]]:
    world = _world(body)
    return {s.name: (str(s.cluster_ip) if s.cluster_ip else None,
                     [p.node_port for p in s.ports], [str(ip) for ip in s.lb_ips])
            for s in world.services}


def test_cluster_ips_are_allocated_from_dot_100_and_kube_dns_gets_dot_10() -> None:
    svcs = _services("""
        resources:
        - {kind: Service, metadata: {name: a}, spec: {ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: kube-dns, namespace: kube-system},
           spec: {ports: [{port: 53, protocol: UDP}]}}
        - {kind: Service, metadata: {name: b}, spec: {ports: [{port: 80}]}}
        """)
    assert {n: v[0] for n, v in svcs.items()} == {
        "a": "10.96.0.100", "kube-dns": "10.96.0.10", "b": "10.96.0.101"}


def test_cluster_ip_given_in_the_spec_is_honoured_and_skipped_by_allocation() -> None:
    svcs = _services("""
        resources:
        - {kind: Service, metadata: {name: a}, spec: {ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: b}, spec: {clusterIP: 10.96.0.100, ports: [{port: 80}]}}
        """)
    assert (svcs["a"][0], svcs["b"][0]) == ("10.96.0.101", "10.96.0.100")


def test_headless_and_external_name_services_have_no_cluster_ip() -> None:
    world = _world("""
        resources:
        - {kind: Service, metadata: {name: h}, spec: {clusterIP: None, ports: [{port: 80}]}}
        - kind: Service
          metadata: {name: x}
          spec: {type: ExternalName, externalName: Example.COM.}
        """)
    h, x = world.services
    assert (h.headless, h.cluster_ip) == (True, None)
    assert (x.cluster_ip, x.external_name) == (None, "example.com")


def test_node_ports_are_allocated_from_the_range_start_skipping_explicit_ones() -> None:
    svcs = _services("""
        resources:
        - {kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: b}, spec: {type: NodePort,
           ports: [{port: 80, nodePort: 30001}]}}
        - {kind: Service, metadata: {name: c}, spec: {type: NodePort,
           ports: [{port: 80, name: http}, {port: 443, name: https}]}}
        - {kind: Service, metadata: {name: d}, spec: {ports: [{port: 80}]}}
        """)
    assert {n: v[1] for n, v in svcs.items()} == {
        "a": [30000], "b": [30001], "c": [30002, 30003], "d": [None]}


def test_node_port_allocation_follows_a_custom_range() -> None:
    svcs = _services("""
        cluster: {nodePortRange: 31000-31010}
        resources:
        - {kind: Service, metadata: {name: a}, spec: {type: NodePort, ports: [{port: 80}]}}
        """)
    assert svcs["a"][1] == [31000]


def test_load_balancers_get_node_ports_unless_allocation_is_switched_off() -> None:
    svcs = _services("""
        resources:
        - {kind: Service, metadata: {name: a}, spec: {type: LoadBalancer, ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: b}, spec: {type: LoadBalancer,
           allocateLoadBalancerNodePorts: false, ports: [{port: 80}]}}
        """)
    assert (svcs["a"][1], svcs["b"][1]) == ([30000], [None])


def test_load_balancer_ips_come_from_192_0_2_10_upward_with_a_provider() -> None:
    svcs = _services("""
        cluster: {loadBalancerProvider: true}
        resources:
        - {kind: Service, metadata: {name: a}, spec: {type: LoadBalancer, ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: n}, spec: {type: NodePort, ports: [{port: 80}]}}
        - {kind: Service, metadata: {name: b}, spec: {type: LoadBalancer, ports: [{port: 80}]}}
        """)
    assert {n: v[2] for n, v in svcs.items()} == {
        "a": ["192.0.2.10"], "n": [], "b": ["192.0.2.11"]}


def test_load_balancer_stays_pending_without_a_provider_even_if_status_names_an_ip() -> None:
    loaded = load(level("""
        resources:
        - kind: Service
          metadata: {name: a}
          spec: {type: LoadBalancer, ports: [{port: 80}]}
          status: {loadBalancer: {ingress: [{ip: 192.0.2.99}]}}
        """))
    assert loaded.world.services[0].lb_ips == ()
    assert [w.field for w in loaded.warnings] == ["resources[0].status"]
    assert "<pending>" in loaded.warnings[0].message


# ------------------------------------------------------------------ namespaces


def test_namespaces_used_but_not_declared_exist_and_carry_the_metadata_name_label() -> None:
    world = _world("""
        resources:
        - {kind: Namespace, metadata: {name: shop, labels: {team: a}}}
        - {kind: Pod, metadata: {name: p, namespace: billing}}
        - {kind: NetworkPolicy, metadata: {name: np, namespace: ops}}
        """)
    assert world.namespaces == {
        "billing": {NS_NAME_LABEL: "billing"},
        "default": {NS_NAME_LABEL: "default"},
        "ops": {NS_NAME_LABEL: "ops"},
        "shop": {"team": "a", NS_NAME_LABEL: "shop"},
    }


def test_objects_without_a_namespace_live_in_default() -> None:
    world = _world("""
        resources:
        - {kind: Pod, metadata: {name: p}}
        - {kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}
        """)
    assert (world.pods[0].namespace, world.services[0].namespace) == ("default", "default")
    assert {"pod/default/p", "service/default/s", "node/node-1"} <= set(world.refs)


# ------------------------------------------------------------ lists and includes


def test_kind_list_in_resources_stands_for_its_items_even_nested() -> None:
    world = _world("""
        resources:
        - kind: List
          items:
          - {kind: Pod, metadata: {name: a}}
          - kind: List
            items: [{kind: Pod, metadata: {name: b}}]
        - {kind: Pod, metadata: {name: c}}
        """)
    assert [p.name for p in world.pods] == ["a", "b", "c"]


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_include_reads_multi_document_files_and_lists_after_inline_resources(
        tmp_path: Path) -> None:
    _write(tmp_path / "manifests" / "app.yaml", """\
kind: Pod
metadata: {name: one}
---
kind: List
items:
- {kind: Pod, metadata: {name: two}}
- {kind: Pod, metadata: {name: three}}
---
""")
    text = level("""
        include: [manifests/app.yaml]
        resources:
        - {kind: Pod, metadata: {name: inline}}
        """)
    world = load(text, str(tmp_path / "level.yaml"), tmp_path).world
    assert [p.name for p in world.pods] == ["inline", "one", "two", "three"]


def test_include_globs_are_read_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.yaml", "c.yml", "a.yaml", "ignored.txt"):
        _write(tmp_path / "m" / name, f"kind: Pod\nmetadata: {{name: {name.split('.')[0]}}}\n")
    _write(tmp_path / "m" / "sub" / "z.yaml", "kind: Pod\nmetadata: {name: z}\n")
    text = level("include: ['m/*.yaml', 'm/*.yml', 'm/**/z.yaml']\n")
    world = load(text, str(tmp_path / "level.yaml"), tmp_path).world
    assert [p.name for p in world.pods] == ["a", "b", "c", "z"]


def test_include_glob_beside_the_level_does_not_read_the_level_itself(tmp_path: Path) -> None:
    _write(tmp_path / "pods.yaml", "kind: Pod\nmetadata: {name: p}\n")
    path = _write(tmp_path / "level.yaml", level("include: ['*.yaml']\n"))
    assert [p.name for p in load_level(path).world.pods] == ["p"]
