"""A level made concrete: workloads expanded to pods, every address allocated.

The file says "a Deployment of 3 replicas"; the engine needs three pods with
names, nodes and IPs. ``build_world`` does that expansion deterministically
(same file, same addresses, every time) and reports everything Kubernetes
itself would refuse — duplicate names, NodePorts out of range, a Service with
two unnamed ports — as problems located by field path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Generic, Literal, TypeVar

from k8snet_tui.model.addr import addr as as_addr
from k8snet_tui.model.admission import (
    Admission,
    IngressKey,
    admit_at_start,
    carried,
)
from k8snet_tui.model.cluster import Cluster, resolve_cluster
from k8snet_tui.model.dataplane import PROXY_CONTAINER
from k8snet_tui.model.flows import RefError, ServedByRef, ViaRef, parse_dest, parse_source
from k8snet_tui.model.gateway import (
    Gateway,
    GatewayClass,
    GRPCRoute,
    HTTPRoute,
    ReferenceGrant,
    Secret,
)
from k8snet_tui.model.kinds import canonical_kind, canonical_ref
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.limits import MAX_ENDPOINTS, MAX_PODS, count
from k8snet_tui.model.problems import Loc, Problem
from k8snet_tui.model.resources import (
    KNOWN_KINDS,
    AnyResource,
    DaemonSet,
    Deployment,
    Endpoints,
    EndpointSlice,
    Ingress,
    IngressClass,
    Namespace,
    NetworkPolicy,
    OtherResource,
    Pod,
    PodSpec,
    ReplicaSet,
    Service,
    StatefulSet,
    resource_namespace,
    resource_ref,
)
from k8snet_tui.model.suggest import did_you_mean, did_you_mean_ref
from k8snet_tui.model.worldgateway import LB_POOL as LB_POOL
from k8snet_tui.model.worldgateway import GatewayWorld, build_gateways

NS_NAME_LABEL = "kubernetes.io/metadata.name"
SERVICE_NAME_LABEL = "kubernetes.io/service-name"
CONTROLLER_ANNOTATION = "k8snet.dev/ingress-controller"
T = TypeVar("T")


@dataclass(frozen=True)
class PodPort:
    container: str
    port: int
    protocol: str
    name: str | None
    host_port: int | None


@dataclass(frozen=True)
class PodInfo:
    name: str
    namespace: str
    labels: Mapping[str, str]
    annotations: Mapping[str, str]
    node: str
    ip: IPv4Address
    host_network: bool
    ready: bool
    ports: tuple[PodPort, ...]
    containers: tuple[str, ...]
    args: tuple[str, ...]
    owner: str | None  # e.g. deployment/shop/api
    source: int  # index in LevelFile.resources
    hostname: str | None = None
    subdomain: str | None = None
    generated_by: str | None = None  # "gateway/NS/NAME" for a Gateway's proxy pod

    @property
    def ref(self) -> str:
        return f"pod/{self.namespace}/{self.name}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    @property
    def declares_ports(self) -> bool:
        return bool(self.ports)

    def named_port(self, name: str, protocol: str | None = None) -> PodPort | None:
        for p in self.ports:
            if p.name == name and (protocol is None or p.protocol == protocol):
                return p
        return None


@dataclass(frozen=True)
class SvcPort:
    index: int
    name: str | None
    port: int
    protocol: str
    target_port: int | str
    node_port: int | None


ServiceType = Literal["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]


@dataclass(frozen=True)
class ServiceInfo:
    name: str
    namespace: str
    type: ServiceType
    cluster_ip: IPv4Address | None
    headless: bool
    selector: Mapping[str, str] | None
    ports: tuple[SvcPort, ...]
    external_name: str | None
    external_traffic_policy: str
    internal_traffic_policy: str
    source_ranges: tuple[IPv4Network, ...]
    publish_not_ready: bool
    lb_ips: tuple[IPv4Address, ...]
    source: int
    generated_by: str | None = None  # "gateway/NS/NAME" for the Service exposing a Gateway

    @property
    def ref(self) -> str:
        return f"service/{self.namespace}/{self.name}"

    @property
    def key(self) -> tuple[str, str]:
        return (self.namespace, self.name)

    def find_port(self, port: int | str, protocol: str) -> SvcPort | None:
        for p in self.ports:
            if isinstance(port, int):
                if p.port == port and p.protocol == protocol:
                    return p
            elif p.name == port and p.protocol == protocol:
                return p
        return None


@dataclass(frozen=True)
class ManualEndpoint:
    """An address from a hand-written Endpoints / EndpointSlice object."""

    ip: IPv4Address
    ready: bool
    node: str | None
    ports: tuple[tuple[str | None, int, str], ...]  # (name, port, protocol)
    source: int
    field: Loc


@dataclass(frozen=True)
class Placed(Generic[T]):
    """A namespaced object with its namespace resolved and its file position."""

    namespace: str
    obj: T
    source: int

    @property
    def name(self) -> str:
        meta = getattr(self.obj, "metadata", None)
        return str(getattr(meta, "name", ""))


@dataclass
class World:
    cluster: Cluster
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    pods: list[PodInfo] = field(default_factory=list)
    services: list[ServiceInfo] = field(default_factory=list)
    manual_endpoints: dict[tuple[str, str], list[ManualEndpoint]] = field(default_factory=dict)
    ingresses: list[Placed[Ingress]] = field(default_factory=list)
    ingress_classes: list[IngressClass] = field(default_factory=list)
    policies: list[Placed[NetworkPolicy]] = field(default_factory=list)
    workloads: dict[str, tuple[str, ...]] = field(default_factory=dict)  # ref -> pod names
    # Class-less Ingresses the DefaultIngressClass admission plugin gave a class.
    admitted: dict[IngressKey, Admission] = field(default_factory=dict)
    refs: dict[str, int] = field(default_factory=dict)  # object ref -> resource index
    # Gateway API objects, and which GatewayClasses are Accepted (see worldgateway).
    gateway_classes: list[GatewayClass] = field(default_factory=list)
    gateways: list[Placed[Gateway]] = field(default_factory=list)
    http_routes: list[Placed[HTTPRoute]] = field(default_factory=list)
    grpc_routes: list[Placed[GRPCRoute]] = field(default_factory=list)
    reference_grants: list[Placed[ReferenceGrant]] = field(default_factory=list)
    secrets: list[Placed[Secret]] = field(default_factory=list)
    accepted_gateway_classes: frozenset[str] = frozenset()

    def pod(self, namespace: str, name: str) -> PodInfo | None:
        for pod in self.pods:
            if pod.namespace == namespace and pod.name == name:
                return pod
        return None

    def service(self, namespace: str, name: str) -> ServiceInfo | None:
        for svc in self.services:
            if svc.namespace == namespace and svc.name == name:
                return svc
        return None


def _is_ready(pod: Pod) -> bool:
    for cond in pod.status.conditions:
        if cond.type == "Ready":
            return cond.status is True or cond.status == "True"
    return pod.status.phase not in ("Pending", "Failed", "Succeeded", "Unknown")


def _pod_ports(spec: PodSpec) -> tuple[PodPort, ...]:
    return tuple(
        PodPort(c.name, p.containerPort, p.protocol, p.name, p.hostPort)
        for c in spec.containers
        for p in c.ports
    )


def _args(spec: PodSpec) -> tuple[str, ...]:
    return tuple(a for c in spec.containers for a in (*c.command, *c.args))


def _parse_ip(text: str) -> IPv4Address | None:
    try:
        return IPv4Address(text)
    except ValueError:
        return None


def _owner_refs(meta: object) -> list[tuple[str, str]]:
    """(kind, name) of each ``metadata.ownerReferences`` entry (kept as an unknown field)."""
    extra = getattr(meta, "model_extra", None) or {}
    refs = extra.get("ownerReferences")
    out: list[tuple[str, str]] = []
    if isinstance(refs, list):
        for ref in refs:
            if isinstance(ref, dict) and isinstance(ref.get("kind"), str) and \
                    isinstance(ref.get("name"), str):
                out.append((ref["kind"], ref["name"]))
    return out


def _owned_pods(resources: list[AnyResource]) -> dict[str, list[tuple[str, str]]]:
    """Workload ref → the listed Pods that name it (directly or through a ReplicaSet) as owner.

    Real clusters' output lists a Deployment, its ReplicaSet and its Pods; expanding the
    workloads as well would invent pods that do not exist.
    """
    parent: dict[str, str] = {}
    for res in resources:
        if isinstance(res, ReplicaSet):
            ns = resource_namespace(res) or "default"
            for kind, name in _owner_refs(res.metadata):
                if kind == "Deployment":
                    parent[resource_ref(res)] = f"deployment/{ns}/{name}"
    owned: dict[str, list[tuple[str, str]]] = {}
    for res in resources:
        if not isinstance(res, Pod):
            continue
        ns = resource_namespace(res) or "default"
        for kind, name in _owner_refs(res.metadata):
            ref = f"{kind.lower()}/{ns}/{name}"
            owned.setdefault(ref, []).append((ns, res.metadata.name))
            if ref in parent:
                owned.setdefault(parent[ref], []).append((ns, res.metadata.name))
    return owned


@dataclass
class _PodDraft:
    name: str
    ns: str
    spec: PodSpec
    labels: dict[str, str]
    annotations: dict[str, str]
    node: str
    ready: bool
    owner: str | None
    pinned: str | None
    hostname: str | None
    subdomain: str | None
    src: int
    loc: Loc


class _WorldBuilder:
    def __init__(self, level: LevelFile, lenient: bool,
                 admitted: Mapping[IngressKey, Admission] | None) -> None:
        self.level = level
        self.lenient = lenient
        self.admitted = admitted
        self.problems: list[Problem] = []
        self.duplicates: set[int] = set()  # reported once; expanding them would repeat it
        cluster, problems = resolve_cluster(level.cluster)
        self.problems.extend(problems)
        self.world = World(cluster)
        self.node_names = [n.name for n in cluster.nodes]

    def err(self, msg: str, *loc: str | int) -> None:
        self.problems.append(Problem(msg, tuple(loc)))

    def warn(self, msg: str, *loc: str | int, code: str = "lint") -> None:
        self.problems.append(Problem(msg, tuple(loc), severity="warning", code=code))

    # ------------------------------------------------------------------ build
    def build(self) -> tuple[World, list[Problem]]:
        resources = self.level.resources
        seen: dict[str, int] = {}
        for i, res in enumerate(resources):
            if res.metadata is None:
                self.err(f"{res.kind} has no metadata.name", "resources", i, "metadata")
                continue
            ref = resource_ref(res)
            if ref in seen:
                self.err(f"duplicate {res.kind} {ref.split('/', 1)[1]} (also resources"
                         f"[{seen[ref]}])", "resources", i, "metadata", "name")
                self.duplicates.add(i)
                continue
            seen[ref] = i
            self.world.refs[ref] = i
            if isinstance(res, OtherResource):
                self.warn(f"kind {res.kind} is not modelled by the engine and is ignored"
                          f"{did_you_mean(res.kind, KNOWN_KINDS)}",
                          "resources", i, "kind", code="unmodelled-kind")
        self.world.refs.update({f"node/{n}": -1 for n in self.node_names})
        self._namespaces(resources)
        self._pods(resources)
        self._services(resources)
        self._gateways(resources)
        self._endpoints(resources)
        for i, res in enumerate(resources):
            ns = resource_namespace(res)
            if isinstance(res, Ingress):
                self._check_ingress(res, i)
                self.world.ingresses.append(Placed(ns or "default", res, i))
            elif isinstance(res, IngressClass):
                self.world.ingress_classes.append(res)
            elif isinstance(res, NetworkPolicy):
                self._check_policy(res, i)
                self.world.policies.append(Placed(ns or "default", res, i))
        keyed = [((p.namespace, p.name), p.obj) for p in self.world.ingresses]
        self.world.admitted = admit_at_start(keyed, self.world.ingress_classes) \
            if self.admitted is None else carried(self.admitted, keyed)
        self._flows()
        self._puzzle()
        return self.world, self.problems

    def _namespaces(self, resources: list[AnyResource]) -> None:
        names: dict[str, dict[str, str]] = {}
        for res in resources:
            if isinstance(res, Namespace):
                names[res.metadata.name] = dict(res.metadata.labels)
        for res in resources:
            ns = resource_namespace(res)
            if ns is not None:
                names.setdefault(ns, {})
        names.setdefault("default", {})
        for name, labels in names.items():
            labels[NS_NAME_LABEL] = name
        self.world.namespaces = dict(sorted(names.items()))

    # ------------------------------------------------------------------- pods
    def _pods(self, resources: list[AnyResource]) -> None:
        cluster = self.world.cluster
        node_ip = {n.name: n.ip for n in cluster.nodes}
        node_cidr = {n.name: n.pod_cidr for n in cluster.nodes}
        names: dict[tuple[str, str], int] = {}
        pending: list[_PodDraft] = []

        def add(name: str, ns: str, spec: PodSpec, labels: dict[str, str],
                annotations: dict[str, str], node: str | None, ready: bool, owner: str | None,
                src: int, pinned: str | None, loc: Loc, hostname: str | None = None,
                subdomain: str | None = None) -> None:
            if (ns, name) in names:
                self.err(f"pod {ns}/{name} already exists (resources[{names[(ns, name)]}])",
                         *loc, "metadata", "name")
                return
            names[(ns, name)] = src
            if node is None:
                node = self.node_names[0]
            elif node not in node_ip:
                self.err(f'node "{node}" does not exist (nodes: {", ".join(self.node_names)})',
                         *loc, "spec", "nodeName")
                return
            pending.append(_PodDraft(name, ns, spec, labels, annotations, node, ready, owner,
                                     pinned, hostname, subdomain, src, loc))

        owned = _owned_pods(resources)
        if not self._pod_count_fits(resources, owned):
            return
        for i, res in enumerate(resources):
            loc: Loc = ("resources", i)
            if i in self.duplicates:
                continue
            if isinstance(res, Pod):
                ns = resource_namespace(res) or "default"
                owner = next((ref for ref, pods in owned.items()
                              if (ns, res.metadata.name) in pods), None)
                add(res.metadata.name, ns, res.spec,
                    dict(res.metadata.labels), dict(res.metadata.annotations),
                    res.spec.nodeName, _is_ready(res), owner, i, res.status.podIP, loc,
                    res.spec.hostname, res.spec.subdomain)
            elif isinstance(res, (Deployment, ReplicaSet, StatefulSet, DaemonSet)) and \
                    resource_ref(res) in owned:
                # Its pods are listed too (``kubectl get all -o yaml``): use those, invent none.
                self.world.workloads[resource_ref(res)] = tuple(
                    name for _, name in owned[resource_ref(res)])
            elif isinstance(res, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
                ns = resource_namespace(res) or "default"
                spec = res.spec
                tmpl = spec.template
                labels = dict(tmpl.metadata.labels)
                if spec.selector is None:
                    self.warn(f"{res.kind} has no spec.selector; apps/v1 requires one "
                              "(using the template labels)", *loc, "spec")
                elif spec.selector.is_empty() or not spec.selector.matches(labels):
                    self.err("selector does not match template labels "
                             f"({spec.selector.describe()} vs {labels or '{}'})",
                             *loc, "spec", "selector")
                ref = resource_ref(res)
                pod_names: list[str] = []
                if isinstance(res, DaemonSet):
                    for node_name in self.node_names:
                        if tmpl.spec.nodeName and tmpl.spec.nodeName != node_name:
                            continue
                        pname = f"{res.metadata.name}-{node_name}"
                        pod_names.append(pname)
                        add(pname, ns, tmpl.spec, labels, dict(tmpl.metadata.annotations),
                            node_name, True, ref, i, None, loc)
                else:
                    for r in range(spec.replicas):
                        pname = f"{res.metadata.name}-{r}"
                        node_name = tmpl.spec.nodeName or self.node_names[r % len(self.node_names)]
                        pod_names.append(pname)
                        sts = isinstance(res, StatefulSet)
                        add(pname, ns, tmpl.spec, labels, dict(tmpl.metadata.annotations),
                            node_name, True, ref, i, None, loc,
                            pname if sts else tmpl.spec.hostname,
                            spec.serviceName if sts else tmpl.spec.subdomain)
                self.world.workloads[ref] = tuple(pod_names)

        # Addresses: pinned ones are reserved first, the rest counted up per node.
        used: dict[IPv4Address, str] = {}
        ips: list[IPv4Address | None] = []
        for d in pending:
            if d.spec.hostNetwork:
                ips.append(node_ip[d.node])
                continue
            if d.pinned is None:
                ips.append(None)
                continue
            ip = _parse_ip(d.pinned)
            if ip is None:
                self.err(f'"{d.pinned}" is not an IPv4 address', *d.loc, "status", "podIP")
                ips.append(None)
                continue
            if ip not in node_cidr[d.node]:
                msg = f"podIP {ip} is outside node {d.node}'s podCIDR {node_cidr[d.node]}"
                if self.lenient:
                    self.warn(f"{msg}; a new address was assigned", *d.loc, "status", "podIP")
                    ips.append(None)
                    continue
                self.err(msg, *d.loc, "status", "podIP")
            if ip in used:
                self.err(f"podIP {ip} is already used by pod {used[ip]}", *d.loc, "status",
                         "podIP")
            used[ip] = f"{d.ns}/{d.name}"
            ips.append(ip)
        next_host: dict[str, int] = dict.fromkeys(node_cidr, 2)
        for d, pinned_ip in zip(pending, ips, strict=True):
            ip = pinned_ip
            cidr = node_cidr[d.node]
            while ip is None:
                offset = next_host[d.node]
                next_host[d.node] += 1
                if offset >= cidr.num_addresses - 1:
                    self.err(f"node {d.node}'s podCIDR {cidr} has no room for another pod",
                             *d.loc)
                    ip = cidr.network_address
                elif (cidr.network_address + offset) not in used:
                    ip = cidr.network_address + offset
                    used[ip] = f"{d.ns}/{d.name}"
            self.world.pods.append(PodInfo(
                name=d.name,
                namespace=d.ns,
                labels=d.labels,
                annotations=d.annotations,
                node=d.node,
                ip=as_addr(ip),
                host_network=d.spec.hostNetwork,
                ready=d.ready,
                ports=_pod_ports(d.spec),
                containers=tuple(c.name for c in d.spec.containers),
                args=_args(d.spec),
                owner=d.owner,
                source=d.src,
                hostname=d.hostname,
                subdomain=d.subdomain,
            ))

    # --------------------------------------------------------------- services
    def _services(self, resources: list[AnyResource]) -> None:
        cluster = self.world.cluster
        low, high = cluster.node_port_range
        scidr = cluster.service_cidr
        used_ips: dict[IPv4Address, str] = {}
        used_node_ports: dict[tuple[int, str], str] = {}
        services = [(i, r) for i, r in enumerate(resources)
                    if isinstance(r, Service) and i not in self.duplicates]
        pinned: dict[int, IPv4Address | None] = {}
        for i, svc in services:
            name = f"{resource_namespace(svc)}/{svc.metadata.name}"
            spec = svc.spec
            loc: Loc = ("resources", i, "spec")
            if spec.type == "ExternalName":
                if not spec.externalName:
                    self.err("type ExternalName needs spec.externalName", *loc, "externalName")
                continue
            if len(spec.ports) > 1:
                seen_names: dict[str, int] = {}
                for p_i, port in enumerate(spec.ports):
                    if not port.name:
                        self.err("a Service with several ports must name every port",
                                 *loc, "ports", p_i, "name")
                    elif port.name in seen_names:
                        self.err(f'duplicate port name "{port.name}"', *loc, "ports", p_i, "name")
                    else:
                        seen_names[port.name] = p_i
            seen_ports: set[tuple[int, str]] = set()
            for p_i, port in enumerate(spec.ports):
                if (port.port, port.protocol) in seen_ports:
                    self.err(f"duplicate port {port.port}/{port.protocol}", *loc, "ports", p_i,
                             "port")
                seen_ports.add((port.port, port.protocol))
                if isinstance(port.targetPort, int) and not 1 <= port.targetPort <= 65535:
                    self.err(f"targetPort {port.targetPort} is outside 1-65535",
                             *loc, "ports", p_i, "targetPort")
                if port.nodePort is None:
                    continue
                if spec.type == "ClusterIP":
                    self.err("nodePort may not be set when type is ClusterIP",
                             *loc, "ports", p_i, "nodePort")
                elif not low <= port.nodePort <= high:
                    self.err(f"nodePort {port.nodePort} is outside the NodePort range "
                             f"{low}-{high}", *loc, "ports", p_i, "nodePort")
                key = (port.nodePort, port.protocol)
                if key in used_node_ports and used_node_ports[key] != name:
                    self.err(f"nodePort {port.nodePort} is already allocated to "
                             f"{used_node_ports[key]}", *loc, "ports", p_i, "nodePort")
                used_node_ports[key] = name
            for r_i, cidr in enumerate(spec.loadBalancerSourceRanges):
                try:
                    IPv4Network(cidr)
                except ValueError as exc:
                    self.err(f'"{cidr}" is not a CIDR: {exc}', *loc, "loadBalancerSourceRanges",
                             r_i)
            if spec.clusterIP in (None, ""):
                pinned[i] = None
                continue
            if spec.clusterIP == "None":
                if spec.type in ("NodePort", "LoadBalancer"):
                    self.err(f'clusterIP "None" (headless) may not be used with type {spec.type}',
                             *loc, "clusterIP")
                continue
            ip = _parse_ip(spec.clusterIP)
            if ip is None or ip not in scidr:
                what = "is not an IPv4 address" if ip is None else f"is outside serviceCIDR {scidr}"
                if self.lenient:
                    self.warn(f"clusterIP {spec.clusterIP} {what}; a new one was allocated",
                              *loc, "clusterIP")
                    pinned[i] = None
                    continue
                self.err(f"clusterIP {spec.clusterIP} {what}", *loc, "clusterIP")
                continue
            if ip in used_ips:
                self.err(f"clusterIP {ip} is already allocated to {used_ips[ip]}", *loc,
                         "clusterIP")
            used_ips[ip] = name
            pinned[i] = ip

        def allocate(start: int) -> IPv4Address | None:
            for offset in range(start, scidr.num_addresses - 1):
                cand = scidr.network_address + offset
                if cand not in used_ips:
                    return cand
            for offset in range(1, min(start, scidr.num_addresses - 1)):
                cand = scidr.network_address + offset
                if cand not in used_ips:
                    return cand
            return None

        base = 100 if scidr.num_addresses > 512 else 1
        next_np = low
        lb_next = 10
        used_lb: set[IPv4Address] = set()
        for i, svc in services:
            ns = resource_namespace(svc) or "default"
            spec = svc.spec
            name = f"{ns}/{svc.metadata.name}"
            cluster_ip: IPv4Address | None = None
            headless = spec.clusterIP == "None"
            if spec.type != "ExternalName" and i in pinned:
                cluster_ip = pinned[i]
                if cluster_ip is None:
                    prefer = 10 if (ns, svc.metadata.name) == ("kube-system", "kube-dns") else base
                    cluster_ip = allocate(prefer)
                    if cluster_ip is None:
                        self.err(f"serviceCIDR {scidr} is full", "resources", i, "spec",
                                 "clusterIP")
                    else:
                        used_ips[cluster_ip] = name
            ports: list[SvcPort] = []
            wants_np = spec.type == "NodePort" or (
                spec.type == "LoadBalancer" and spec.allocateLoadBalancerNodePorts)
            for p_i, port in enumerate(spec.ports):
                node_port = port.nodePort
                if node_port is None and wants_np:
                    while (next_np, port.protocol) in used_node_ports and next_np <= high:
                        next_np += 1
                    if next_np > high:
                        self.err("the NodePort range is exhausted", "resources", i, "spec",
                                 "ports", p_i)
                    else:
                        node_port = next_np
                        used_node_ports[(next_np, port.protocol)] = name
                        next_np += 1
                target = port.targetPort if port.targetPort is not None else port.port
                ports.append(SvcPort(p_i, port.name, port.port, port.protocol, target,
                                     node_port if spec.type != "ClusterIP" else None))
            lb_ips: list[IPv4Address] = []
            if spec.type == "LoadBalancer":
                given = [_parse_ip(x.ip) for x in svc.status.loadBalancer.ingress if x.ip]
                if cluster.lb_provider or (self.lenient and given):
                    lb_ips = [ip for ip in given if ip is not None]
                    if not lb_ips and spec.loadBalancerIP:
                        ip = _parse_ip(spec.loadBalancerIP)
                        if ip is not None:
                            lb_ips = [ip]
                    if not lb_ips:
                        while LB_POOL.network_address + lb_next in used_lb:
                            lb_next += 1
                        lb_ips = [LB_POOL.network_address + lb_next]
                        lb_next += 1
                    used_lb.update(lb_ips)
                elif given:
                    self.warn("status.loadBalancer.ingress is ignored: the cluster has no "
                              "loadBalancerProvider, so the address stays <pending>",
                              "resources", i, "status")
            ranges: list[IPv4Network] = []
            for cidr in spec.loadBalancerSourceRanges:
                with contextlib.suppress(ValueError):  # reported above
                    ranges.append(IPv4Network(cidr, strict=False))
            self.world.services.append(ServiceInfo(
                name=svc.metadata.name,
                namespace=ns,
                type=spec.type,
                cluster_ip=as_addr(cluster_ip) if cluster_ip is not None else None,
                headless=headless,
                selector=dict(spec.selector) if spec.selector is not None else None,
                ports=tuple(ports),
                external_name=spec.externalName.rstrip(".").lower()
                if spec.type == "ExternalName" and spec.externalName else None,
                external_traffic_policy=spec.externalTrafficPolicy,
                internal_traffic_policy=spec.internalTrafficPolicy,
                source_ranges=tuple(ranges),
                publish_not_ready=spec.publishNotReadyAddresses,
                lb_ips=tuple(as_addr(x) for x in lb_ips),
                source=i,
            ))

    def _pod_count_fits(self, resources: list[AnyResource],
                        owned: dict[str, list[tuple[str, str]]]) -> bool:
        """Count the pods the level expands to before making any: over ``MAX_PODS`` the
        level is refused with the arithmetic, and no pod is made."""
        bare = replicas = workloads = daemons = 0
        biggest: tuple[int, Loc] = (0, ())
        where: Loc
        for i, res in enumerate(resources):
            if i in self.duplicates:
                continue
            if isinstance(res, Pod):
                bare += 1
            elif isinstance(res, (Deployment, ReplicaSet, StatefulSet, DaemonSet)) and \
                    resource_ref(res) not in owned:
                if isinstance(res, DaemonSet):
                    daemons += 1
                    n, where = len(self.node_names), ("resources", i, "kind")
                else:
                    workloads += 1
                    n, where = max(0, res.spec.replicas), ("resources", i, "spec", "replicas")
                    replicas += n
                if n > biggest[0]:
                    biggest = (n, where)
        per_daemon = len(self.node_names)
        total = bare + replicas + daemons * per_daemon
        if total <= MAX_PODS:
            return True
        parts = []
        if bare:
            parts.append(f"{count(bare)} Pod{'s' * (bare != 1)}")
        if workloads:
            parts.append(f"{count(replicas)} replicas of {count(workloads)} "
                         f"workload{'s' * (workloads != 1)}")
        if daemons:
            parts.append(f"{count(per_daemon)} node{'s' * (per_daemon != 1)} × {count(daemons)} "
                         f"DaemonSet{'s' * (daemons != 1)} = {count(per_daemon * daemons)}")
        self.err(f"the level expands to {count(total)} pods ({' + '.join(parts)}); the limit "
                 f"is {count(MAX_PODS)}", *biggest[1])
        return False

    def _endpoint_count_fits(self, resources: list[AnyResource]) -> bool:
        """Count endpoint addresses before any is built: every (Service, selected pod)
        pair and every address of Endpoints and EndpointSlice objects."""
        manual = 0
        for res in resources:
            if isinstance(res, Endpoints):
                manual += sum(len(s.addresses) + len(s.notReadyAddresses) for s in res.subsets)
            elif isinstance(res, EndpointSlice):
                manual += sum(len(ep.addresses) for ep in res.endpoints)
        by_label: dict[tuple[str, str, str], list[PodInfo]] = {}
        for pod in self.world.pods:
            for key, value in pod.labels.items():
                by_label.setdefault((pod.namespace, key, value), []).append(pod)
        selected, partial = 0, False
        for svc in self.world.services:
            if not svc.selector:
                continue
            lists = [by_label.get((svc.namespace, k, v), []) for k, v in svc.selector.items()]
            smallest = min(lists, key=len)
            selected += sum(1 for pod in smallest
                            if all(pod.labels.get(k) == v for k, v in svc.selector.items()))
            if selected + manual > MAX_ENDPOINTS:
                partial = True  # enough to refuse: the rest need not be counted
                break
        total = selected + manual
        if total <= MAX_ENDPOINTS:
            return True
        self.err(f"the level has more than {count(MAX_ENDPOINTS)} endpoint addresses "
                 f"({'at least ' if partial else ''}{count(selected)} pods selected by "
                 f"{count(len(self.world.services))} Services + {count(manual)} addresses in "
                 f"Endpoints and EndpointSlices); the limit is {count(MAX_ENDPOINTS)}",
                 "resources")
        return False

    def _endpoints(self, resources: list[AnyResource]) -> None:
        if not self._endpoint_count_fits(resources):
            self.world.services.clear()
            return
        by_ip = {p.ip: p for p in self.world.pods if not p.host_network}
        for i, res in enumerate(resources):
            ns = resource_namespace(res) or "default"
            if isinstance(res, Endpoints):
                key = (ns, res.metadata.name)
                for s_i, subset in enumerate(res.subsets):
                    ports = tuple((p.name, p.port, p.protocol) for p in subset.ports)
                    for ready, kind, addrs in ((True, "addresses", subset.addresses),
                                               (False, "notReadyAddresses",
                                                subset.notReadyAddresses)):
                        for a_i, addr in enumerate(addrs):
                            loc: Loc = ("resources", i, "subsets", s_i, kind, a_i, "ip")
                            ip = _parse_ip(addr.ip)
                            if ip is None:
                                self.err(f'"{addr.ip}" is not an IPv4 address', *loc)
                                continue
                            pod = by_ip.get(ip)
                            node = addr.nodeName or (pod.node if pod else None)
                            self.world.manual_endpoints.setdefault(key, []).append(
                                ManualEndpoint(as_addr(ip), ready, node, ports, i, loc))
            elif isinstance(res, EndpointSlice):
                svc_name = res.metadata.labels.get(SERVICE_NAME_LABEL)
                if not svc_name:
                    self.warn(f"EndpointSlice has no {SERVICE_NAME_LABEL} label, so no Service "
                              "uses it", "resources", i, "metadata", "labels")
                    continue
                key = (ns, svc_name)
                ports = tuple((p.name, p.port, p.protocol) for p in res.ports)
                for e_i, ep in enumerate(res.endpoints):
                    ready = ep.conditions.ready is not False
                    for a_i, text in enumerate(ep.addresses):
                        loc = ("resources", i, "endpoints", e_i, "addresses", a_i)
                        ip = _parse_ip(text)
                        if ip is None:
                            self.err(f'"{text}" is not an IPv4 address', *loc)
                            continue
                        pod = by_ip.get(ip)
                        node = ep.nodeName or (pod.node if pod else None)
                        self.world.manual_endpoints.setdefault(key, []).append(
                            ManualEndpoint(as_addr(ip), ready, node, ports, i, loc))

    # --------------------------------------------------------------- gateways
    def _gateways(self, resources: list[AnyResource]) -> None:
        """Gateway API objects sorted into the world, their CRD rules checked, and each
        Gateway of an Accepted class given its proxy pod and Service (``worldgateway``)."""
        found = build_gateways(GatewayWorld(
            resources=resources, skip=frozenset(self.duplicates), cluster=self.world.cluster,
            pods=self.world.pods, services=self.world.services, plain=self.lenient))
        world = self.world
        world.gateway_classes = found.gateway_classes
        world.gateways = [Placed(ns, obj, i) for ns, obj, i in found.gateways]
        world.http_routes = [Placed(ns, obj, i) for ns, obj, i in found.http_routes]
        world.grpc_routes = [Placed(ns, obj, i) for ns, obj, i in found.grpc_routes]
        world.reference_grants = [Placed(ns, obj, i) for ns, obj, i in found.reference_grants]
        world.secrets = [Placed(ns, obj, i) for ns, obj, i in found.secrets]
        world.accepted_gateway_classes = found.accepted
        self.problems.extend(found.problems)
        for proxy in found.proxies:
            world.pods.append(PodInfo(
                name=proxy.plan.pod_name, namespace=proxy.plan.namespace,
                labels=dict(proxy.plan.labels), annotations=dict(proxy.plan.annotations),
                node=proxy.node, ip=as_addr(proxy.pod_ip), host_network=False, ready=True,
                ports=tuple(PodPort(PROXY_CONTAINER, port, "TCP", None, None)
                            for port, _ in proxy.plan.ports),
                containers=(PROXY_CONTAINER,), args=(), owner=None, source=proxy.plan.source,
                generated_by=proxy.plan.generated_by))
            world.services.append(ServiceInfo(
                name=proxy.plan.service_name, namespace=proxy.plan.namespace,
                type="LoadBalancer", cluster_ip=as_addr(proxy.cluster_ip), headless=False,
                selector=proxy.plan.selector,
                ports=tuple(SvcPort(p_i, name, port, "TCP", port, None)
                            for p_i, (port, name) in enumerate(proxy.plan.ports)),
                external_name=None, external_traffic_policy="Cluster",
                internal_traffic_policy="Cluster", source_ranges=(), publish_not_ready=False,
                lb_ips=tuple(as_addr(ip) for ip in proxy.lb_ips), source=proxy.plan.source,
                generated_by=proxy.plan.generated_by))

    # ---------------------------------------------------------------- checks
    def _check_ingress(self, ing: Ingress, i: int) -> None:
        for r_i, rule in enumerate(ing.spec.rules):
            host = rule.host
            if host is not None and ("*" in host.lstrip("*") or (host.startswith("*") and
                                                                  not host.startswith("*."))):
                self.err(f'host "{host}": a wildcard must be the whole first label ("*.foo.com")',
                         "resources", i, "spec", "rules", r_i, "host")
            if rule.http is None:
                continue
            for p_i, path in enumerate(rule.http.paths):
                if path.pathType != "ImplementationSpecific" and not path.path.startswith("/"):
                    self.err(f'path "{path.path}" must start with "/"', "resources", i, "spec",
                             "rules", r_i, "http", "paths", p_i, "path")
        if not ing.spec.rules and ing.spec.defaultBackend is None:
            self.err("an Ingress needs rules or a defaultBackend", "resources", i, "spec")

    def _check_policy(self, pol: NetworkPolicy, i: int) -> None:
        spec = pol.spec
        groups: list[tuple[str, str, list[object] | None]] = [
            ("ingress", "from", list(spec.ingress) if spec.ingress is not None else None),
            ("egress", "to", list(spec.egress) if spec.egress is not None else None),
        ]
        for section, peer_key, rules in groups:
            for r_i, rule in enumerate(rules or []):
                peers = getattr(rule, "from_" if peer_key == "from" else "to")
                for p_i, peer in enumerate(peers or []):
                    if peer.ipBlock is None:
                        continue
                    loc: Loc = ("resources", i, "spec", section, r_i, peer_key, p_i, "ipBlock")
                    try:
                        cidr = IPv4Network(peer.ipBlock.cidr, strict=False)
                    except ValueError as exc:
                        self.err(f'cidr "{peer.ipBlock.cidr}" is invalid: {exc}', *loc, "cidr")
                        continue
                    for e_i, text in enumerate(peer.ipBlock.except_):
                        try:
                            exc_net = IPv4Network(text, strict=False)
                        except ValueError as exc:
                            self.err(f'except "{text}" is invalid: {exc}', *loc, "except", e_i)
                            continue
                        if not exc_net.subnet_of(cidr) or exc_net == cidr:
                            self.err(f"except {exc_net} must lie strictly inside cidr {cidr}",
                                     *loc, "except", e_i)
                for q_i, port in enumerate(rule.ports or []):  # type: ignore[attr-defined]
                    loc = ("resources", i, "spec", section, r_i, "ports", q_i)
                    # port itself is range-checked by the model (resources.PortOrName)
                    if port.endPort is None:
                        continue
                    if not isinstance(port.port, int):
                        self.err("endPort needs a numeric port", *loc, "endPort")
                    elif port.endPort < port.port:
                        self.err(f"endPort {port.endPort} is smaller than port {port.port}",
                                 *loc, "endPort")

    def _flows(self) -> None:
        world = self.world
        pods = {(p.namespace, p.name) for p in world.pods}
        services = {(s.namespace, s.name) for s in world.services}
        for f_i, flow in enumerate(self.level.flows):
            try:
                src = parse_source(flow.from_)
            except RefError as exc:
                self.err(str(exc), "flows", f_i, "from")
                src = None
            try:
                dst = parse_dest(flow.to)
            except RefError as exc:
                self.err(str(exc), "flows", f_i, "to")
                dst = None
            for ref, key in ((src, "from"), (dst, "to")):
                if ref is None or ref.kind == "internet":
                    continue
                if ref.kind == "pod" and (ref.namespace, ref.name) not in pods:
                    known = [f"pod/{ns}/{name}" for ns, name in pods]
                    self.err(f"pod {ref.namespace}/{ref.name} does not exist"
                             f"{did_you_mean_ref(f'pod/{ref.namespace}/{ref.name}', known)}",
                             "flows", f_i, key)
                elif ref.kind == "workload":
                    wref = f"{ref.workload_kind}/{ref.namespace}/{ref.name}"
                    if wref not in world.workloads:
                        self.err(f"{ref.workload_kind} {ref.namespace}/{ref.name} does not exist"
                                 f"{did_you_mean_ref(wref, world.workloads)}", "flows", f_i, key)
                    elif not world.workloads[wref]:
                        self.err(f"{ref.workload_kind} {ref.namespace}/{ref.name} has no pods "
                                 "(replicas: 0)", "flows", f_i, key)
                elif ref.kind == "node" and ref.name not in self.node_names:
                    self.err(f'node "{ref.name}" does not exist'
                             f"{did_you_mean(ref.name or '', self.node_names)}", "flows", f_i, key)
                elif ref.kind == "service" and (ref.namespace, ref.name) not in services:
                    known = [f"service/{ns}/{name}" for ns, name in services]
                    self.err(f"service {ref.namespace}/{ref.name} does not exist"
                             f"{did_you_mean_ref(f'service/{ref.namespace}/{ref.name}', known)}",
                             "flows", f_i, key)
            if src is not None and dst is not None and src.kind == "internet" and \
                    dst.kind == "localhost":
                self.err("localhost needs a pod source", "flows", f_i, "to")
            # The field's shape was checked when the level was read (FlowSpec); whether
            # the object exists depends on the resources, so it is checked here.
            try:
                served_by = flow.served_by_ref
            except RefError as exc:  # a FlowSpec built without validation (model_construct)
                self.err(str(exc), "flows", f_i, "servedBy")
                served_by = None
            missing = served_by_problem(world, served_by, {"pod": pods, "service": services}) \
                if served_by is not None else None
            if missing is not None:
                self.err(missing, "flows", f_i, "servedBy")
            try:
                via = flow.via_ref
            except RefError as exc:
                self.err(str(exc), "flows", f_i, "via")
                via = None
            no_entry = via_problem(world, via) if via is not None else None
            if no_entry is not None:
                self.err(no_entry, "flows", f_i, "via")

    def _puzzle(self) -> None:
        puzzle = self.level.puzzle
        if puzzle is None:
            return
        for e_i, spec in enumerate(puzzle.editable_specs()):
            try:
                ref = canonical_ref(spec.ref)
            except ValueError as exc:
                self.err(str(exc), "puzzle", "editable", e_i)
                continue
            if ref not in self.world.refs:
                self.err(f"{spec.ref} does not exist{did_you_mean_ref(ref, self.world.refs)}",
                         "puzzle", "editable", e_i)
        kinds = {k.lower() for k in KNOWN_KINDS}
        for key in ("create", "delete"):
            for k_i, kind in enumerate(getattr(puzzle, key)):
                if canonical_kind(kind) not in kinds:
                    self.err(f'"{kind}" is not a kind the engine models'
                             f"{did_you_mean(kind, KNOWN_KINDS)}", "puzzle", key, k_i)


def via_problem(world: World, ref: ViaRef) -> str | None:
    """Why ``via`` cannot name ``ref`` in ``world``: no such Gateway, or no such listener
    on it; None when it can. Whether the Gateway is Accepted, Programmed or listens on
    the URL's port is not checked here: that is a failing flow the trace explains, not a
    broken level. ``via: ingress`` always names something (a missing controller is
    ``INGRESS_NO_CONTROLLER``)."""
    if ref.kind != "gateway":
        return None
    for placed in world.gateways:
        if placed.namespace == ref.namespace and placed.name == ref.name:
            break
    else:
        known = [f"gateway/{g.namespace}/{g.name}" for g in world.gateways]
        return f"gateway {ref.namespace}/{ref.name} does not exist" \
            f"{did_you_mean_ref(f'gateway/{ref.namespace}/{ref.name}', known)}"
    if ref.listener is None:
        return None
    listeners = [str(listener.name) for listener in placed.obj.spec.listeners]
    if ref.listener in listeners:
        return None
    return (f'gateway {ref.namespace}/{ref.name} has no listener "{ref.listener}" (its '
            f"listeners: {', '.join(listeners)}){did_you_mean(ref.listener, listeners)}")


def served_by_problem(world: World, ref: ServedByRef,
                      keys: Mapping[str, set[tuple[str, str]]] | None = None) -> str | None:
    """Why ``servedBy`` cannot name ``ref`` in ``world`` (it does not exist), or None.

    Shared by level loading and ``trace --served-by``, so both say the same sentence.
    ``keys`` ({"pod": …, "service": …} of (namespace, name)) lets a caller checking
    thousands of flows index the world once. A workload scaled to zero is accepted:
    "no request reaches v2" is a fair thing for a flow to state, and scaling it up may
    be the puzzle's fix.
    """
    if ref.kind == "workload":
        wref = str(ref)
        if wref in world.workloads:
            return None
        return (f"{ref.workload_kind} {ref.namespace}/{ref.name} does not exist"
                f"{did_you_mean_ref(wref, world.workloads)}")
    items: list[PodInfo] | list[ServiceInfo] = world.pods if ref.kind == "pod" \
        else world.services
    present = keys[ref.kind] if keys is not None else {(o.namespace, o.name) for o in items}
    if (ref.namespace, ref.name) in present:
        return None
    known = [f"{ref.kind}/{o.namespace}/{o.name}" for o in items]
    return f"{ref.kind} {ref.namespace}/{ref.name} does not exist" \
        f"{did_you_mean_ref(str(ref), known)}"


def build_world(level: LevelFile, *, lenient: bool = False,
                admitted: Mapping[IngressKey, Admission] | None = None,
                ) -> tuple[World, list[Problem]]:
    """Expand and address a level; problems carry ``loc`` paths into the level file.

    ``admitted`` is the default-class record carried from the previous state; None
    means this is a starting state (see ``admission``).
    """
    return _WorldBuilder(level, lenient, admitted).build()
