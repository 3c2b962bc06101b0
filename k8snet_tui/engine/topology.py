"""The indexed, resolved cluster the engine queries: built once, read many times.

Everything a flow evaluation looks up by key — a pod by IP, a Service by
ClusterIP or NodePort, the policies that select a pod, a Service's endpoints —
is indexed here when the level changes, so evaluating a flow never scans every
pod or policy (STYLE.md: build once, query many times).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import TYPE_CHECKING

from k8snet_tui.engine.gateways import GatewayIndex
from k8snet_tui.engine.ingress import IngressIndex
from k8snet_tui.model.cluster import Cluster, Node
from k8snet_tui.model.resources import LabelSelector, NetworkPolicy
from k8snet_tui.model.world import Placed, PodInfo, ServiceInfo, World

if TYPE_CHECKING:  # the modules that fill these caches build on this one
    from k8snet_tui.engine.policy import Decision
    from k8snet_tui.engine.routing import Arrival
    from k8snet_tui.engine.services import EndpointSet


@dataclass(frozen=True)
class PolicyRef:
    """A NetworkPolicy together with where it lives, as the engine reports it."""

    namespace: str
    policy: NetworkPolicy
    source: int

    @property
    def name(self) -> str:
        return self.policy.metadata.name

    @property
    def ref(self) -> str:
        return f"networkpolicy/{self.namespace}/{self.name}"


@dataclass
class Topology:
    world: World
    cluster: Cluster
    nodes_by_name: dict[str, Node] = field(default_factory=dict)
    nodes_by_ip: dict[IPv4Address, Node] = field(default_factory=dict)
    pods_by_ip: dict[IPv4Address, PodInfo] = field(default_factory=dict)
    pods_by_key: dict[tuple[str, str], PodInfo] = field(default_factory=dict)
    pods_by_ns: dict[str, list[PodInfo]] = field(default_factory=dict)
    host_pods_by_node: dict[str, list[PodInfo]] = field(default_factory=dict)
    label_index: dict[tuple[str, str, str], list[PodInfo]] = field(default_factory=dict)
    services_by_key: dict[tuple[str, str], ServiceInfo] = field(default_factory=dict)
    services_by_ip: dict[IPv4Address, ServiceInfo] = field(default_factory=dict)
    services_by_lb_ip: dict[IPv4Address, ServiceInfo] = field(default_factory=dict)
    services_by_node_port: dict[tuple[int, str], ServiceInfo] = field(default_factory=dict)
    ingress_isolating: dict[tuple[str, str], list[PolicyRef]] = field(default_factory=dict)
    egress_isolating: dict[tuple[str, str], list[PolicyRef]] = field(default_factory=dict)
    ingress: IngressIndex = field(default_factory=IngressIndex)
    gateways: GatewayIndex = field(default_factory=GatewayIndex)
    host_ports: dict[tuple[str, int, str], tuple[PodInfo, int]] = field(default_factory=dict)
    kube_dns: ServiceInfo | None = None
    source_refs: dict[int, str] = field(default_factory=dict)  # resource index -> ref
    _owner_cache: dict[IPv4Address, Node | None] = field(default_factory=dict)
    route_cache: dict[tuple[str, IPv4Address, str], Arrival] = field(default_factory=dict)
    endpoint_cache: dict[tuple[str, str, int], EndpointSet] = field(default_factory=dict)
    # NetworkPolicy answers, per state: (pod key, direction, peer IP, port, protocol) →
    # the policy module's Decision, and each rule's words by (policy ref, direction, index).
    policy_decisions: dict[tuple[tuple[str, str], str, IPv4Address, int, str], Decision] = \
        field(default_factory=dict)
    rule_texts: dict[tuple[str, str, int], str] = field(default_factory=dict)

    # ------------------------------------------------------------- queries
    def select_pods(self, namespace: str | None, selector: LabelSelector) -> list[PodInfo]:
        """Pods matching a label selector, in one namespace (or all when None)."""
        candidates: Iterable[PodInfo]
        if selector.matchLabels:
            key, value = next(iter(selector.matchLabels.items()))
            if namespace is None:
                candidates = [p for ns in self.pods_by_ns for p in
                              self.label_index.get((ns, key, value), ())]
            else:
                candidates = self.label_index.get((namespace, key, value), ())
        elif namespace is None:
            candidates = self.world.pods
        else:
            candidates = self.pods_by_ns.get(namespace, ())
        return [p for p in candidates if selector.matches(p.labels)]

    def select_by_labels(self, namespace: str, selector: dict[str, str]) -> list[PodInfo]:
        """Pods of a namespace matching a Service-style equality selector."""
        return self.select_pods(namespace, LabelSelector(matchLabels=selector))

    def namespace_labels(self, namespace: str) -> dict[str, str]:
        labels = self.world.namespaces.get(namespace)
        if labels is None:
            return {"kubernetes.io/metadata.name": namespace}
        return labels

    def node_of(self, pod: PodInfo) -> Node:
        return self.nodes_by_name[pod.node]

    def owner_node_of_ip(self, ip: IPv4Address) -> Node | None:
        """The node whose podCIDR holds ``ip`` (memoised: routing asks this per packet)."""
        if ip in self._owner_cache:
            return self._owner_cache[ip]
        owner = None
        if ip in self.cluster.cluster_cidr:
            for node in self.cluster.nodes:
                if ip in node.pod_cidr:
                    owner = node
                    break
        self._owner_cache[ip] = owner
        return owner


def _policies(topo: Topology, policies: list[Placed[NetworkPolicy]]) -> None:
    for placed in policies:
        ref = PolicyRef(placed.namespace, placed.obj, placed.source)
        isolates_in, isolates_out = placed.obj.spec.effective_policy_types()
        for pod in topo.select_pods(placed.namespace, placed.obj.spec.podSelector):
            if pod.host_network:
                continue  # NetworkPolicies do not apply to host-network pods
            if isolates_in:
                topo.ingress_isolating.setdefault(pod.key, []).append(ref)
            if isolates_out:
                topo.egress_isolating.setdefault(pod.key, []).append(ref)


def build_topology(world: World) -> Topology:
    """Index a world for fast, repeated flow evaluation."""
    cluster = world.cluster
    topo = Topology(world=world, cluster=cluster)
    for node in cluster.nodes:
        topo.nodes_by_name[node.name] = node
        topo.nodes_by_ip[node.ip] = node
    by_ns: dict[str, list[PodInfo]] = defaultdict(list)
    index: dict[tuple[str, str, str], list[PodInfo]] = defaultdict(list)
    for pod in world.pods:
        topo.pods_by_key[pod.key] = pod
        by_ns[pod.namespace].append(pod)
        for key, value in pod.labels.items():
            index[(pod.namespace, key, value)].append(pod)
        if pod.host_network:
            topo.host_pods_by_node.setdefault(pod.node, []).append(pod)
        else:
            topo.pods_by_ip[pod.ip] = pod
            for pod_port in pod.ports:
                if pod_port.host_port is not None:
                    topo.host_ports.setdefault(
                        (pod.node, pod_port.host_port, pod_port.protocol), (pod, pod_port.port))
    topo.pods_by_ns = dict(by_ns)
    topo.label_index = dict(index)
    for svc in world.services:
        topo.services_by_key[svc.key] = svc
        if svc.cluster_ip is not None:
            topo.services_by_ip[svc.cluster_ip] = svc
        for ip in svc.lb_ips:
            topo.services_by_lb_ip[ip] = svc
        for port in svc.ports:
            if port.node_port is not None:
                topo.services_by_node_port[(port.node_port, port.protocol)] = svc
    topo.kube_dns = topo.services_by_key.get(("kube-system", "kube-dns"))
    topo.source_refs = {index: ref for ref, index in world.refs.items() if index >= 0}
    _policies(topo, world.policies)
    topo.ingress = IngressIndex.build(world, topo.select_by_labels)
    topo.gateways = GatewayIndex.build(world, topo.services_by_key, topo.namespace_labels)
    return topo
