"""Synthetic levels: realistic clusters of any size, reproducible from a seed.

The campaign's levels are a few dozen objects; nobody can tell from them
whether the engine stays fast on a 2,000-pod cluster or survives every corner
of the format. This module writes levels the way a busy real cluster looks —
namespaces per team, Deployments with labelled pods and named ports, Services
of every type (some with typos in their selectors or targetPorts), cluster
DNS, an ingress-nginx controller with Ingresses, default-deny NetworkPolicies
with their usual allowances — plus flows drawn from every destination kind the
flow grammar has. The benchmarks and the property tests both feed on it.

Everything is drawn from one ``random.Random(seed)``: the same arguments give
the same dict, byte for byte, on every machine. The result is a plain
``format: k8snet/v1`` dict that ``LevelFile.model_validate`` and
``build_world`` accept without errors; which flows pass is left to chance,
exactly like a cluster nobody has debugged yet.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import yaml

from k8snet_tui.model.admission import DEFAULT_CLASS_ANNOTATION
from k8snet_tui.model.limits import GENERATOR_MAX_NODES, GENERATOR_MAX_PODS_PER_NODE
from k8snet_tui.model.world import CONTROLLER_ANNOTATION

PodNetwork = Literal["overlay", "routes"]
Manifest = dict[str, Any]

MAX_PODS_PER_NODE = GENERATOR_MAX_PODS_PER_NODE
"""Kept well under a /24 podCIDR (253 addresses) so that placement always has room."""
_NODE_LOAD_CAP = 240
"""Where placement stops adding pods to a node; the gap to 253 holds pinned pod IPs."""
_PINNED_BASE = 250
"""Pinned pod IPs (``status.podIP``) use host offsets from here up, per node."""
MAX_NODES = GENERATOR_MAX_NODES
"""Node IPs are .11 upward of one /24 node network."""

NGINX_CONTROLLER = "k8s.io/ingress-nginx"
ANNOTATED_CONTROLLER = "traefik.io/ingress-controller"

_NAMESPACE_WORDS = (
    "shop", "billing", "search", "auth", "media", "analytics", "payments", "catalog",
    "support", "platform", "data", "edge", "mobile", "partners", "internal", "sandbox",
)
_APP_WORDS = (
    "cart", "checkout", "catalog", "orders", "users", "ledger", "invoices", "reviews",
    "images", "reports", "inventory", "notify", "mailer", "profile", "pricing", "stock",
    "tickets", "sessions", "feeds", "audit",
)
_EXTERNAL_NAMES = ("db.example.com", "api.partner.example.net", "smtp.example.org",
                   "s3.example-cloud.com")
_EXTERNAL_HOSTS = ("www.example.com", "api.github.com", "pypi.org", "registry.example.io")
_OUTSIDE_IPS = ("1.1.1.1", "8.8.8.8", "198.51.100.77", "203.0.113.200")
_CLIENT_IPS = ("198.51.100.23", "203.0.113.99", "203.0.113.200", "10.1.2.3")


@dataclass(frozen=True)
class _Role:
    """What kind of program an app runs: its tier, image and the ports it declares."""

    tier: str
    image: str
    ports: tuple[tuple[str, int, str], ...]  # (name, containerPort, protocol)
    service_port: dict[int, int]  # containerPort -> conventional Service port


_ROLES: dict[str, _Role] = {
    "web": _Role("frontend", "nginx:1.27", (("http", 8080, "TCP"),), {8080: 80}),
    "api": _Role("backend", "ghcr.io/example/api:2.3",
                 (("http", 8080, "TCP"), ("grpc", 9090, "TCP")), {8080: 80, 9090: 9090}),
    "worker": _Role("backend", "ghcr.io/example/worker:1.9", (), {}),
    "db": _Role("data", "postgres:16", (("postgres", 5432, "TCP"),), {5432: 5432}),
    "cache": _Role("cache", "redis:7.2", (("redis", 6379, "TCP"),), {6379: 6379}),
    "queue": _Role("data", "rabbitmq:3.13",
                   (("amqp", 5672, "TCP"), ("mgmt", 15672, "TCP")), {5672: 5672, 15672: 80}),
    "search": _Role("data", "opensearch:2.15",
                    (("http", 9200, "TCP"), ("transport", 9300, "TCP")), {9200: 9200, 9300: 9300}),
    "syslog": _Role("ops", "syslog-ng:4.7", (("syslog", 514, "UDP"),), {514: 514}),
}
_ROLE_WEIGHTS = {"web": 5, "api": 8, "worker": 3, "db": 2, "cache": 2, "queue": 1, "search": 1,
                 "syslog": 1}


@dataclass
class _App:
    """A workload (or bare pod) the generator created, remembered for Services and flows."""

    kind: str  # Deployment, StatefulSet, ReplicaSet, DaemonSet, Pod
    namespace: str
    name: str
    role: str
    labels: dict[str, str]
    ports: list[tuple[str | None, int, str]]  # every declared container port
    pods: list[str]
    host_network: bool = False

    @property
    def ref_kind(self) -> str:
        return "pod" if self.kind == "Pod" else self.kind.lower()


@dataclass
class _Svc:
    namespace: str
    name: str
    type: str
    ports: list[tuple[str | None, int, str]]  # (name, port, protocol)
    node_ports: list[int] = field(default_factory=list)  # explicit ones only


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


class _Placement:
    """Where pods land, following the world builder's rules, so no podCIDR overflows.

    Replicas go round-robin from the first node unless the template pins
    ``nodeName``; with hundreds of small Deployments the first nodes would
    fill up, so a workload that would overflow one is pinned to the
    least-loaded node instead — as a scheduler with nodeAffinity might.
    """

    def __init__(self, node_names: list[str]) -> None:
        self.names = node_names
        self.load = [0] * len(node_names)

    def workload(self, replicas: int) -> str | None:
        n = len(self.names)
        counts = [0] * n
        for r in range(replicas):
            counts[r % n] += 1
        if all(self.load[i] + counts[i] <= _NODE_LOAD_CAP for i in range(n)):
            for i in range(n):
                self.load[i] += counts[i]
            return None
        best = min(range(n), key=lambda i: (self.load[i], i))
        self.load[best] += replicas
        return self.names[best]

    def daemon(self) -> None:
        for i in range(len(self.names)):
            self.load[i] += 1

    def pod(self, rng: random.Random) -> str | None:
        """A node for a bare pod; None (the first node, by default) when it has room."""
        if self.load[0] < _NODE_LOAD_CAP // 2 and rng.random() < 0.2:
            self.load[0] += 1
            return None
        low = min(self.load)
        options = [i for i, load in enumerate(self.load) if load <= low + 2]
        i = rng.choice(options)
        self.load[i] += 1
        return self.names[i]


class _Generator:
    def __init__(self, seed: int, *, nodes: int, pods: int, services: int, policies: int,
                 flows: int, pod_network: PodNetwork, namespaces: int | None,
                 route_faults: int, level_id: str | None) -> None:
        if nodes < 1 or nodes > MAX_NODES:
            raise ValueError(f"nodes must be 1..{MAX_NODES}, got {nodes}")
        for what, value in (("pods", pods), ("services", services), ("policies", policies),
                            ("flows", flows), ("route_faults", route_faults)):
            if value < 0:
                raise ValueError(f"{what} must not be negative, got {value}")
        if pods > MAX_PODS_PER_NODE * nodes:
            raise ValueError(f"{pods} pods do not fit on {nodes} nodes "
                             f"(at most {MAX_PODS_PER_NODE} per node)")
        if pod_network not in ("overlay", "routes"):
            raise ValueError(f'pod_network must be "overlay" or "routes", got {pod_network!r}')
        self.rng = random.Random(seed)
        self.seed = seed
        self.n_nodes = nodes
        self.n_pods = pods
        self.n_services = services
        self.n_policies = policies
        self.n_flows = flows
        self.pod_network = pod_network
        self.route_faults = route_faults
        self.level_id = level_id or f"synthetic-{seed % 10**9}"
        if namespaces is None:
            namespaces = max(1, min(12, pods // 60 + 1))
        self.n_namespaces = max(1, namespaces)
        self.node_names = [f"node-{i + 1}" for i in range(nodes)]
        self.node_ips = [f"192.168.0.{11 + i}" for i in range(nodes)]
        self.placement = _Placement(self.node_names)
        self.resources: list[Manifest] = []
        self.apps: list[_App] = []
        self.svcs: list[_Svc] = []
        self.pod_names: dict[str, set[str]] = {}
        self.object_names: dict[tuple[str, str], set[str]] = {}
        self.pinned_per_node = [0] * nodes
        self.public_nodes: list[str] = []
        self.lb_provider = False
        self.dns = False
        self.controller = False
        self.hosts: list[str] = []
        self.app_namespaces: list[str] = []
        self.ns_team: dict[str, str] = {}

    # ---------------------------------------------------------------- names
    def claim(self, ns: str, group: str, base: str) -> str:
        """A name unused in ``ns`` for this object group (workloads share one group)."""
        used = self.object_names.setdefault((ns, group), set())
        name = base
        k = 2
        while name in used:
            name = f"{base}-{k}"
            k += 1
        used.add(name)
        return name

    def claim_workload(self, ns: str, base: str,
                       pod_names: Callable[[str], list[str]]) -> tuple[str, list[str]]:
        """A workload name whose pods' names are all still free in ``ns``."""
        pods_used = self.pod_names.setdefault(ns, set())
        used = self.object_names.setdefault((ns, "workload"), set())
        k = 1
        name = base
        while True:
            names = pod_names(name)
            if name not in used and name not in pods_used and not pods_used.intersection(names):
                used.add(name)
                pods_used.update(names)
                return name, names
            k += 1
            name = f"{base}-{k}"

    # -------------------------------------------------------------- cluster
    def cluster(self) -> Manifest:
        rng = self.rng
        self.lb_provider = rng.random() < 0.5
        nodes: list[Manifest] = []
        for i, name in enumerate(self.node_names):
            node: Manifest = {"name": name}
            if self.pod_network == "routes":
                node["ip"] = self.node_ips[i]
                node["podCIDR"] = f"10.244.{i}.0/24"
            if rng.random() < (0.7 if i == 0 else 0.25):
                node["public"] = True
                self.public_nodes.append(name)
            if rng.random() < 0.04:
                node["masquerade"] = False
            node["labels"] = {"topology.kubernetes.io/zone": f"zone-{'abc'[i % 3]}"}
            nodes.append(node)
        if self.pod_network == "routes":
            self.mesh_routes(nodes)
        elif nodes and rng.random() < 0.03:
            rng.choice(nodes)["routes"] = []  # a node that cannot reach the internet at all
        cluster: Manifest = {"podNetwork": self.pod_network,
                             "loadBalancerProvider": self.lb_provider, "nodes": nodes}
        return cluster

    def mesh_routes(self, nodes: list[Manifest]) -> None:
        """A full mesh of podCIDR routes plus a default route, then the requested faults."""
        rng = self.rng
        for i, node in enumerate(nodes):
            routes: list[Manifest] = [
                {"to": f"10.244.{j}.0/24", "via": self.node_ips[j]}
                for j in range(len(nodes)) if j != i
            ]
            routes.append({"to": "default", "via": "192.168.0.1"})
            node["routes"] = routes
        for _ in range(self.route_faults):
            i = rng.randrange(len(nodes))
            routes = nodes[i]["routes"]
            if not routes:
                continue
            r_i = rng.randrange(len(routes))
            fault = rng.choice(("gap", "gap", "detour", "loop", "dead-hop"))
            if fault == "gap":
                routes.pop(r_i)
            elif fault == "dead-hop":
                routes[r_i]["via"] = "192.168.0.250"  # on the node network, but nobody there
            elif len(nodes) > 1:
                j = rng.choice([k for k in range(len(nodes)) if k != i])
                to = routes[r_i]["to"]
                routes[r_i]["via"] = self.node_ips[j]
                if fault == "loop":  # and the other node sends it straight back
                    back = [r for r in nodes[j]["routes"] if r["to"] == to]
                    if back:
                        back[0]["via"] = self.node_ips[i]
                    else:
                        nodes[j]["routes"].insert(0, {"to": to, "via": self.node_ips[i]})

    # ----------------------------------------------------------- namespaces
    def namespaces(self) -> None:
        rng = self.rng
        names = [_NAMESPACE_WORDS[i] if i < len(_NAMESPACE_WORDS) else f"team-{i}"
                 for i in range(self.n_namespaces)]
        if len(names) > 1 and rng.random() < 0.3:
            names[-1] = "default"
        self.app_namespaces = names
        for ns in names:
            self.ns_team[ns] = ns if ns != "default" else "core"
            if ns == "default" or rng.random() < 0.15:
                continue  # used but not declared: exists implicitly
            labels = {"team": self.ns_team[ns], "env": rng.choice(("prod", "prod", "staging"))}
            self.resources.append({"apiVersion": "v1", "kind": "Namespace",
                                   "metadata": {"name": ns, "labels": labels}})

    # ------------------------------------------------------------------ pods
    def budget(self) -> tuple[int, int, bool]:
        """Pods for cluster DNS and the ingress controller, and whether a DaemonSet fits."""
        rng = self.rng
        left = self.n_pods
        dns_pods = 0
        if self.n_services >= 1 and left >= 2 and rng.random() < 0.85:
            dns_pods = 2 if left >= 8 else 1
            left -= dns_pods
        ctrl_pods = 0
        if self.n_services - (1 if dns_pods else 0) >= 1 and left >= 2 and rng.random() < 0.8:
            ctrl_pods = 2 if left >= 30 and rng.random() < 0.5 else 1
            left -= ctrl_pods
        daemon = left >= 3 * self.n_nodes and rng.random() < 0.6
        return dns_pods, ctrl_pods, daemon

    def container_ports(self, ports: list[tuple[str | None, int, str]],
                        host_port: bool = False) -> list[Manifest]:
        out: list[Manifest] = []
        for name, number, proto in ports:
            port: Manifest = {"containerPort": number}
            if name:
                port["name"] = name
            if proto != "TCP" or self.rng.random() < 0.3:
                port["protocol"] = proto
            if host_port:
                port["hostPort"] = number
                host_port = False
            out.append(port)
        return out

    def pod_spec(self, role: str, app: str, ports: list[tuple[str | None, int, str]],
                 node: str | None) -> Manifest:
        rng = self.rng
        info = _ROLES[role]
        main: Manifest = {"name": role if role != "web" else "nginx", "image": info.image}
        if ports:
            main["ports"] = self.container_ports(ports, host_port=rng.random() < 0.01)
        containers = [main]
        if rng.random() < 0.15:
            sidecar: Manifest = {"name": "envoy", "image": "envoyproxy/envoy:v1.31",
                                 "args": ["--config-path", "/etc/envoy/envoy.yaml"]}
            sidecar_ports: list[tuple[str | None, int, str]] = [("envoy-admin", 15000, "TCP")]
            if ports and rng.random() < 0.1:
                # Two containers declaring one port: the level's classic PORT_CONFLICT.
                sidecar_ports.append((None, ports[0][1], ports[0][2]))
            sidecar["ports"] = self.container_ports(sidecar_ports)
            containers.append(sidecar)
            ports.extend(sidecar_ports)
        elif ports and rng.random() < 0.2:
            metrics = ("metrics", 9102, "TCP")
            main["ports"].append({"containerPort": 9102, "name": "metrics"})
            ports.append(metrics)
        spec: Manifest = {"containers": containers}
        if node is not None:
            spec["nodeName"] = node
        if rng.random() < 0.05:
            spec["initContainers"] = [{"name": "migrate", "image": info.image,
                                       "command": ["/bin/migrate", f"--app={app}"]}]
        return spec

    def role_ports(self, role: str) -> list[tuple[str | None, int, str]]:
        rng = self.rng
        out: list[tuple[str | None, int, str]] = []
        for name, number, proto in _ROLES[role].ports:
            out.append((name if rng.random() < 0.9 else None, number, proto))
        return out

    def add_app(self, ns: str, role: str, kind: str, replicas: int) -> None:
        rng = self.rng
        base = f"{rng.choice(_APP_WORDS)}-{role}"
        if kind == "Pod":
            base = f"{base}-debug" if rng.random() < 0.3 else base
            name, pods = self.claim_workload(ns, base, lambda n: [n])
        else:
            name, pods = self.claim_workload(ns, base, lambda n: [f"{n}-{r}"
                                                                  for r in range(replicas)])
        labels = {"app": name, "tier": _ROLES[role].tier, "team": self.ns_team.get(ns, "core")}
        if rng.random() < 0.4:
            labels["version"] = rng.choice(("v1", "v2"))
        ports = self.role_ports(role)
        meta: Manifest = {"name": name, "namespace": ns, "labels": dict(labels)}
        app = _App(kind, ns, name, role, labels, ports, pods)
        if kind == "Pod":
            node = self.placement.pod(rng)
            manifest: Manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
                                  "spec": self.pod_spec(role, name, ports, node)}
            status: Manifest = {}
            roll = rng.random()
            if roll < 0.12:
                status["conditions"] = [{"type": "Ready", "status": "False"}]
            elif roll < 0.15:
                status["phase"] = "Pending"
            elif roll < 0.2:
                status["phase"] = "Running"
                status["conditions"] = [{"type": "Ready", "status": "True"}]
            if rng.random() < 0.05:
                i = self.node_names.index(node) if node is not None else 0
                if self.pinned_per_node[i] <= 253 - _PINNED_BASE:
                    status["podIP"] = f"10.244.{i}.{_PINNED_BASE + self.pinned_per_node[i]}"
                    self.pinned_per_node[i] += 1
            if status:
                manifest["status"] = status
        else:
            pinned = self.placement.workload(replicas)
            selector: Manifest = {"matchLabels": {"app": name}}
            if rng.random() < 0.2:
                selector = {"matchLabels": {"app": name},
                            "matchExpressions": [{"key": "tier", "operator": "In",
                                                  "values": [labels["tier"]]}]}
            spec: Manifest = {
                "replicas": replicas,
                "selector": selector,
                "template": {"metadata": {"labels": dict(labels)},
                             "spec": self.pod_spec(role, name, ports, pinned)},
            }
            api = "apps/v1"
            if kind == "StatefulSet":
                spec["serviceName"] = name
            if kind == "Deployment" and rng.random() < 0.3:
                spec["strategy"] = {"type": "RollingUpdate"}  # ignored, as kubectl output has
            manifest = {"apiVersion": api, "kind": kind, "metadata": meta, "spec": spec}
        self.resources.append(manifest)
        self.apps.append(app)

    def add_daemonset(self) -> None:
        ns = "kube-system"
        name, pods = self.claim_workload(ns, "node-exporter",
                                         lambda n: [f"{n}-{node}" for node in self.node_names])
        host = self.rng.random() < 0.7
        labels = {"app": name, "tier": "ops", "team": "platform"}
        ports: list[tuple[str | None, int, str]] = [("metrics", 9100, "TCP")]
        spec: Manifest = {"containers": [{"name": "node-exporter",
                                          "image": "prom/node-exporter:v1.8.2",
                                          "ports": self.container_ports(ports)}]}
        if host:
            spec["hostNetwork"] = True
        self.resources.append({
            "apiVersion": "apps/v1", "kind": "DaemonSet",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"selector": {"matchLabels": {"app": name}},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": spec}},
        })
        if not host:
            self.placement.daemon()
        self.apps.append(_App("DaemonSet", ns, name, "syslog", labels, ports, pods,
                              host_network=host))

    def add_coredns(self, replicas: int) -> None:
        ns = "kube-system"
        name, pods = self.claim_workload(ns, "coredns",
                                         lambda n: [f"{n}-{r}" for r in range(replicas)])
        labels = {"k8s-app": "kube-dns"}
        ports: list[tuple[str | None, int, str]] = [
            ("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"), ("metrics", 9153, "TCP")]
        pinned = self.placement.workload(replicas)
        spec: Manifest = {"containers": [{
            "name": "coredns", "image": "registry.k8s.io/coredns/coredns:v1.11.3",
            "args": ["-conf", "/etc/coredns/Corefile"],
            "ports": [{"containerPort": 53, "name": "dns", "protocol": "UDP"},
                      {"containerPort": 53, "name": "dns-tcp", "protocol": "TCP"},
                      {"containerPort": 9153, "name": "metrics", "protocol": "TCP"}]}]}
        if pinned is not None:
            spec["nodeName"] = pinned
        self.resources.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": {"labels": dict(labels)}, "spec": spec}},
        })
        self.apps.append(_App("Deployment", ns, name, "dns", labels, ports, pods))
        self.claim(ns, "Service", "kube-dns")
        self.resources.append({
            "apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "kube-dns", "namespace": ns, "labels": dict(labels)},
            "spec": {"clusterIP": "10.96.0.10", "selector": dict(labels), "ports": [
                {"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": "dns-tcp"},
                {"name": "metrics", "port": 9153, "protocol": "TCP", "targetPort": 9153}]},
        })
        self.svcs.append(_Svc(ns, "kube-dns", "ClusterIP",
                              [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP"),
                               ("metrics", 9153, "TCP")]))
        self.dns = True

    def add_controller(self, replicas: int) -> None:
        rng = self.rng
        ns = "ingress-nginx"
        if rng.random() < 0.7:
            self.resources.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {
                "name": ns, "labels": {"app.kubernetes.io/name": "ingress-nginx"}}})
        self.ns_team[ns] = "platform"
        by_args = rng.random() < 0.75
        controller = NGINX_CONTROLLER if by_args else ANNOTATED_CONTROLLER
        name, pods = self.claim_workload(ns, "ingress-nginx-controller",
                                         lambda n: [f"{n}-{r}" for r in range(replicas)])
        labels = {"app.kubernetes.io/name": "ingress-nginx",
                  "app.kubernetes.io/component": "controller"}
        ports: list[tuple[str | None, int, str]] = [("http", 80, "TCP"), ("https", 443, "TCP"),
                                                    ("metrics", 10254, "TCP")]
        container: Manifest = {"name": "controller",
                               "image": "registry.k8s.io/ingress-nginx/controller:v1.11.2",
                               "ports": self.container_ports(ports)}
        template_meta: Manifest = {"labels": dict(labels)}
        if by_args:
            container["args"] = ["/nginx-ingress-controller", f"--controller-class={controller}",
                                 "--ingress-class=nginx", "--publish-service=$(POD_NAMESPACE)/"
                                 "ingress-nginx-controller"]
        else:
            template_meta["annotations"] = {CONTROLLER_ANNOTATION: controller}
        spec: Manifest = {"containers": [container]}
        pinned = self.placement.workload(replicas)
        if pinned is not None:
            spec["nodeName"] = pinned
        self.resources.append({
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": dict(labels)},
            "spec": {"replicas": replicas, "selector": {"matchLabels": dict(labels)},
                     "template": {"metadata": template_meta, "spec": spec}},
        })
        self.apps.append(_App("Deployment", ns, name, "web", labels, ports, pods))
        svc_type = "LoadBalancer" if rng.random() < 0.6 else "NodePort"
        svc_name = self.claim(ns, "Service", "ingress-nginx-controller")
        svc_spec: Manifest = {"type": svc_type, "selector": dict(labels), "ports": [
            {"name": "http", "port": 80, "targetPort": "http"},
            {"name": "https", "port": 443, "targetPort": "https"}]}
        node_ports: list[int] = []
        if svc_type == "NodePort" and rng.random() < 0.5:
            svc_spec["ports"][0]["nodePort"] = 30080
            svc_spec["ports"][1]["nodePort"] = 30443
            node_ports = [30080, 30443]
        if rng.random() < 0.2:
            svc_spec["externalTrafficPolicy"] = "Local"
        self.resources.append({"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": svc_name, "namespace": ns},
                               "spec": svc_spec})
        self.svcs.append(_Svc(ns, svc_name, svc_type, [("http", 80, "TCP"),
                                                       ("https", 443, "TCP")], node_ports))
        class_meta: Manifest = {"name": "nginx"}
        if rng.random() < 0.5:
            class_meta["annotations"] = {DEFAULT_CLASS_ANNOTATION: "true"}
        self.resources.append({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                               "metadata": class_meta, "spec": {"controller": controller}})
        self.controller = True

    def workloads(self) -> None:
        rng = self.rng
        dns_pods, ctrl_pods, daemon = self.budget()
        if dns_pods:
            self.add_coredns(dns_pods)
        if ctrl_pods:
            self.add_controller(ctrl_pods)
        left = self.n_pods - dns_pods - ctrl_pods
        if daemon:
            self.add_daemonset()
            left -= self.n_nodes
        while left > 0:
            ns = rng.choice(self.app_namespaces)
            role = _weighted(rng, _ROLE_WEIGHTS)
            kind = _weighted(rng, {"Deployment": 12, "StatefulSet": 3, "ReplicaSet": 1,
                                   "Pod": 4})
            if role in ("db", "queue", "search") and rng.random() < 0.7:
                kind = "StatefulSet"
            if kind == "Pod":
                replicas = 1
            else:
                replicas = min(left, rng.choice((1, 1, 2, 2, 3, 3, 4, 6, 8, 12)))
            self.add_app(ns, role, kind, replicas)
            left -= replicas
        if rng.random() < 0.3 and self.app_namespaces:
            # A workload scaled to zero: exists, has no pods, and no flow may name it.
            ns = rng.choice(self.app_namespaces)
            name = self.claim(ns, "workload", "legacy-api")
            labels = {"app": name, "tier": "backend"}
            self.resources.append({
                "apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns},
                "spec": {"replicas": 0, "selector": {"matchLabels": dict(labels)},
                         "template": {"metadata": {"labels": labels},
                                      "spec": {"containers": [{"name": "api",
                                                               "image": "legacy:0.9"}]}}},
            })

    # -------------------------------------------------------------- services
    def services(self) -> None:
        rng = self.rng
        left = self.n_services - len(self.svcs)
        candidates = [a for a in self.apps if a.namespace not in ("kube-system", "ingress-nginx")]
        rng.shuffle(candidates)
        i = 0
        while left > 0:
            roll = rng.random()
            ns = rng.choice(self.app_namespaces)
            if roll < 0.05 or not candidates:
                self.external_name_service(ns)
            elif roll < 0.1:
                self.selectorless_service(ns)
            else:
                self.app_service(candidates[i % len(candidates)])
                i += 1
            left -= 1

    def service_ports(self, app: _App) -> tuple[list[Manifest], list[tuple[str | None, int, str]]]:
        """Service ports for an app: mostly right, sometimes with a classic mistake."""
        rng = self.rng
        role = _ROLES.get(app.role)
        declared = [p for p in app.ports if p[1] not in (15000, 9102)]
        if not declared:
            declared = [("http", 8080, "TCP")]
        declared = declared[: rng.choice((1, 1, 2))]
        multi = len(declared) > 1
        out: list[Manifest] = []
        summary: list[tuple[str | None, int, str]] = []
        used: set[tuple[int, str]] = set()
        names: set[str] = set()
        for k, (cname, number, proto) in enumerate(declared):
            conventional = role.service_port.get(number, number) if role else number
            port = conventional if (conventional, proto) not in used else 10000 + k
            used.add((port, proto))
            entry: Manifest = {"port": port}
            pname = cname or f"p{port}"
            if pname in names:
                pname = f"{pname}-{k}"
            names.add(pname)
            if multi or rng.random() < 0.6:
                entry["name"] = pname
            if proto != "TCP" or rng.random() < 0.2:
                entry["protocol"] = proto
            roll = rng.random()
            if roll < 0.05:
                entry["targetPort"] = f"{(cname or 'web')[:10]}x"  # a name no pod declares
            elif roll < 0.09:
                entry["targetPort"] = number + 1  # off by one
            elif roll < 0.5 and cname:
                entry["targetPort"] = cname
            elif roll < 0.95 or port != number:
                entry["targetPort"] = number
            out.append(entry)
            summary.append((entry.get("name"), port, proto))
        return out, summary

    def app_service(self, app: _App) -> None:
        rng = self.rng
        ns = app.namespace
        if app.kind == "StatefulSet" and app.name not in self.object_names.get((ns, "Service"),
                                                                               set()):
            name = self.claim(ns, "Service", app.name)
            svc_type = "headless"
        else:
            base = app.name if rng.random() < 0.7 else f"{app.name}-{rng.choice(('svc', 'lb'))}"
            name = self.claim(ns, "Service", base)
            svc_type = _weighted(rng, {"ClusterIP": 30, "NodePort": 6, "LoadBalancer": 5,
                                       "headless": 3})
        ports, summary = self.service_ports(app)
        selector: dict[str, str] = {"app": app.name}
        roll = rng.random()
        if roll < 0.04:
            selector = {"app": f"{app.name}-v2"}  # a selector no pod carries
        elif roll < 0.07:
            selector = {"app": app.name, "tier": "frontend" if app.labels.get("tier") !=
                        "frontend" else "backend"}
        elif roll < 0.25:
            selector["tier"] = app.labels["tier"]
        spec: Manifest = {"selector": selector, "ports": ports}
        node_ports: list[int] = []
        if svc_type == "headless":
            spec["clusterIP"] = "None"
            if rng.random() < 0.2:
                spec["publishNotReadyAddresses"] = True
        elif svc_type in ("NodePort", "LoadBalancer"):
            spec["type"] = svc_type
            for entry in ports:
                if rng.random() < 0.3:
                    entry["nodePort"] = self.free_node_port()
                    node_ports.append(entry["nodePort"])
            if rng.random() < 0.25:
                spec["externalTrafficPolicy"] = "Local"
            if svc_type == "LoadBalancer":
                if rng.random() < 0.2:
                    spec["loadBalancerSourceRanges"] = [rng.choice(
                        ("203.0.113.0/24", "198.51.100.0/24", "10.0.0.0/8"))]
                if rng.random() < 0.05 and not node_ports:
                    spec["allocateLoadBalancerNodePorts"] = False
        elif rng.random() < 0.05:
            spec["internalTrafficPolicy"] = "Local"
        self.resources.append({"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": name, "namespace": ns,
                                            "labels": {"app": app.name}},
                               "spec": spec})
        self.svcs.append(_Svc(ns, name, "ClusterIP" if svc_type == "headless" else svc_type,
                              summary, node_ports))

    def free_node_port(self) -> int:
        used = {p for s in self.svcs for p in s.node_ports} | {30080, 30443}
        while True:
            port = self.rng.randrange(31000, 32768)
            if port not in used:
                return port

    def external_name_service(self, ns: str) -> None:
        rng = self.rng
        name = self.claim(ns, "Service", rng.choice(("partner-api", "legacy-db", "mail-relay")))
        target = rng.choice(_EXTERNAL_NAMES)
        internal = [s for s in self.svcs if s.type != "ExternalName"]
        if internal and rng.random() < 0.3:
            other = rng.choice(internal)
            target = f"{other.name}.{other.namespace}.svc.cluster.local"
        spec: Manifest = {"type": "ExternalName", "externalName": target}
        ports: list[tuple[str | None, int, str]] = []
        if rng.random() < 0.5:
            spec["ports"] = [{"port": 443}]
            ports = [(None, 443, "TCP")]
        self.resources.append({"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": name, "namespace": ns}, "spec": spec})
        self.svcs.append(_Svc(ns, name, "ExternalName", ports))

    def selectorless_service(self, ns: str) -> None:
        """A Service without selector, fed (or not) by hand-written endpoints."""
        rng = self.rng
        name = self.claim(ns, "Service", "external-db")
        port_name = "postgres"
        self.resources.append({"apiVersion": "v1", "kind": "Service",
                               "metadata": {"name": name, "namespace": ns},
                               "spec": {"ports": [{"name": port_name, "port": 5432,
                                                   "targetPort": 5432}]}})
        self.svcs.append(_Svc(ns, name, "ClusterIP", [(port_name, 5432, "TCP")]))
        address = f"172.20.{rng.randrange(256)}.{rng.randrange(1, 255)}"
        roll = rng.random()
        if roll < 0.6:
            subset: Manifest = {"addresses": [{"ip": address}],
                                "ports": [{"name": port_name, "port": 5432}]}
            if rng.random() < 0.2:
                subset["notReadyAddresses"] = [{"ip": f"172.21.0.{rng.randrange(1, 255)}"}]
            self.resources.append({"apiVersion": "v1", "kind": "Endpoints",
                                   "metadata": {"name": name, "namespace": ns},
                                   "subsets": [subset]})
        elif roll < 0.9:
            slice_name = self.claim(ns, "EndpointSlice", f"{name}-{rng.randrange(10**4):04d}")
            self.resources.append({
                "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
                "metadata": {"name": slice_name, "namespace": ns,
                             "labels": {"kubernetes.io/service-name": name}},
                "addressType": "IPv4",
                "endpoints": [{"addresses": [address],
                               "conditions": {"ready": rng.random() < 0.85}}],
                "ports": [{"name": port_name, "port": 5432, "protocol": "TCP"}],
            })

    # --------------------------------------------------------------- ingress
    def ingresses(self) -> None:
        if not self.controller:
            return
        rng = self.rng
        count = max(1, min(40, self.n_services // 10))
        for _ in range(count):
            ns = rng.choice(self.app_namespaces)
            in_ns = [s for s in self.svcs if s.namespace == ns and s.ports
                     and s.type != "ExternalName"]
            name = self.claim(ns, "Ingress", f"{ns}-web")
            spec: Manifest = {}
            roll = rng.random()
            if roll < 0.8:
                spec["ingressClassName"] = "nginx"
            elif roll < 0.9:
                spec["ingressClassName"] = "internal"  # a class no controller serves
            rules: list[Manifest] = []
            for r in range(rng.choice((1, 1, 2, 3))):
                rule: Manifest = {}
                kind = rng.random()
                if kind < 0.6:
                    host = f"{rng.choice(_APP_WORDS)}{r}.{ns}.example.com"
                    rule["host"] = host
                    self.hosts.append(host)
                elif kind < 0.85:
                    rule["host"] = f"*.{ns}.example.com"
                    self.hosts.append(f"{rng.choice(_APP_WORDS)}.{ns}.example.com")
                paths: list[Manifest] = []
                for path in rng.sample(("/", "/api", "/api/v1", "/static", "/login"),
                                       rng.choice((1, 2, 3))):
                    paths.append({"path": path,
                                  "pathType": _weighted(rng, {"Prefix": 6, "Exact": 2,
                                                              "ImplementationSpecific": 1}),
                                  "backend": self.backend(in_ns)})
                rule["http"] = {"paths": paths}
                rules.append(rule)
            spec["rules"] = rules
            if rng.random() < 0.15:
                spec["defaultBackend"] = self.backend(in_ns)
            self.resources.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                                   "metadata": {"name": name, "namespace": ns}, "spec": spec})

    def backend(self, services: list[_Svc]) -> Manifest:
        rng = self.rng
        if not services or rng.random() < 0.05:
            return {"service": {"name": "missing-svc", "port": {"number": 80}}}
        svc = rng.choice(services)
        name, number, _ = rng.choice(svc.ports)
        if name and rng.random() < 0.5:
            return {"service": {"name": svc.name, "port": {"name": name}}}
        if rng.random() < 0.05:
            number += 1  # a port the Service does not declare
        return {"service": {"name": svc.name, "port": {"number": number}}}

    # -------------------------------------------------------------- policies
    def policies(self) -> None:
        rng = self.rng
        makers = {
            "default-deny": 4, "default-deny-all": 1, "allow-dns": 3, "allow-app": 10,
            "allow-namespace": 3, "allow-ingress": 2, "ip-block": 2, "port-range": 1,
            "egress-only": 2, "allow-all": 1, "expressions": 2,
        }
        for _ in range(self.n_policies):
            ns = rng.choice(self.app_namespaces)
            kind = _weighted(rng, makers)
            spec = self.policy_spec(ns, kind)
            name = self.claim(ns, "NetworkPolicy", kind)
            self.resources.append({"apiVersion": "networking.k8s.io/v1",
                                   "kind": "NetworkPolicy",
                                   "metadata": {"name": name, "namespace": ns}, "spec": spec})

    def app_selector(self, ns: str) -> Manifest:
        apps = [a for a in self.apps if a.namespace == ns]
        rng = self.rng
        if not apps or rng.random() < 0.1:
            return {"matchLabels": {"tier": rng.choice(("frontend", "backend", "data"))}}
        app = rng.choice(apps)
        return {"matchLabels": {"app": app.name}}

    def policy_ports(self, ns: str) -> list[Manifest]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.3:
            return [{"protocol": "TCP", "port": 8080}]
        if roll < 0.5:
            return [{"port": rng.choice(("http", "grpc", "postgres", "redis"))}]
        if roll < 0.6:
            return [{"protocol": "TCP", "port": 8000, "endPort": 9000}]
        if roll < 0.7:
            return [{"protocol": "UDP", "port": 514}, {"protocol": "TCP", "port": 5432}]
        return []

    def policy_spec(self, ns: str, kind: str) -> Manifest:
        rng = self.rng
        dns_peer = {"namespaceSelector": {"matchLabels": {
            "kubernetes.io/metadata.name": "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}
        dns_ports = [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]
        if kind == "default-deny":
            return {"podSelector": {}, "policyTypes": ["Ingress"]}
        if kind == "default-deny-all":
            return {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}
        if kind == "allow-dns":
            if rng.random() < 0.2:  # the classic near-miss: UDP only, or the wrong namespace
                return {"podSelector": {}, "policyTypes": ["Egress"],
                        "egress": [{"to": [{"namespaceSelector": {"matchLabels": {
                            "kubernetes.io/metadata.name": "dns"}}}], "ports": dns_ports}]}
            return {"podSelector": {}, "policyTypes": ["Egress"],
                    "egress": [{"to": [dns_peer], "ports": dns_ports}]}
        if kind == "allow-app":
            rule: Manifest = {"from": [{"podSelector": self.app_selector(ns)}]}
            if rng.random() < 0.3:
                rule["from"].append({"podSelector": self.app_selector(ns)})  # OR of peers
            ports = self.policy_ports(ns)
            if ports:
                rule["ports"] = ports
            return {"podSelector": self.app_selector(ns), "policyTypes": ["Ingress"],
                    "ingress": [rule]}
        if kind == "allow-namespace":
            other = rng.choice(self.app_namespaces)
            peer: Manifest = {"namespaceSelector": {"matchLabels": {"team": self.ns_team[other]}}}
            if rng.random() < 0.5:
                peer["podSelector"] = self.app_selector(other)  # AND within one peer
            return {"podSelector": self.app_selector(ns),
                    "ingress": [{"from": [peer], "ports": self.policy_ports(ns) or
                                 [{"port": 8080}]}]}
        if kind == "allow-ingress":
            return {"podSelector": self.app_selector(ns), "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {
                        "kubernetes.io/metadata.name": "ingress-nginx"}}}],
                        "ports": [{"port": "http"}, {"protocol": "TCP", "port": 8080}]}]}
        if kind == "ip-block":
            if rng.random() < 0.5:
                return {"podSelector": self.app_selector(ns), "policyTypes": ["Egress"],
                        "egress": [
                            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0", "except": [
                                "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
                             "ports": [{"protocol": "TCP", "port": 443}]},
                            {"to": [dns_peer], "ports": dns_ports}]}
            return {"podSelector": self.app_selector(ns), "policyTypes": ["Ingress"],
                    "ingress": [{"from": [{"ipBlock": {"cidr": "203.0.113.0/24",
                                                       "except": ["203.0.113.128/25"]}},
                                          {"ipBlock": {"cidr": "192.168.0.0/24"}}]}]}
        if kind == "port-range":
            return {"podSelector": self.app_selector(ns), "policyTypes": ["Ingress", "Egress"],
                    "ingress": [{"ports": [{"protocol": "TCP", "port": 8000, "endPort": 8100},
                                           {"protocol": "SCTP", "port": 9000}]}],
                    "egress": [{"ports": [{"protocol": "TCP", "port": 1, "endPort": 1024}]},
                               {"to": [dns_peer], "ports": dns_ports}]}
        if kind == "egress-only":
            # No policyTypes: Ingress is implied too, so this also isolates ingress.
            return {"podSelector": self.app_selector(ns),
                    "egress": [{"to": [{"podSelector": self.app_selector(ns)}],
                                "ports": self.policy_ports(ns) or [{"port": 5432}]}]}
        if kind == "allow-all":
            return {"podSelector": self.app_selector(ns), "ingress": [{}]}
        # expressions
        return {"podSelector": {"matchExpressions": [
                    {"key": "tier", "operator": "In", "values": ["backend", "data"]},
                    {"key": "version", "operator": rng.choice(("Exists", "DoesNotExist"))}]},
                "policyTypes": ["Ingress"],
                "ingress": [{"from": [{"podSelector": {"matchExpressions": [
                    {"key": "tier", "operator": "NotIn", "values": ["data"]}]}},
                    {"namespaceSelector": {"matchExpressions": [
                        {"key": "env", "operator": "In", "values": ["prod"]}]}}]}]}

    # ----------------------------------------------------------------- flows
    def flows(self) -> list[Manifest]:
        rng = self.rng
        sources = [a for a in self.apps if a.pods]
        kinds = {"service": 25, "dns": 14, "pod": 12, "internet-service": 8, "url": 10,
                 "node": 6, "egress": 7, "localhost": 5, "ip": 6, "pod-url": 2, "workload": 5}
        out: list[Manifest] = []
        for i in range(self.n_flows):
            kind = _weighted(rng, kinds)
            flow = self.flow(kind, sources)
            if rng.random() < 0.3:
                flow = {"name": f"flow {i}: {flow['from']} to {flow['to']}", **flow}
            flow["expect"] = "allow" if rng.random() < 0.7 else "deny"
            out.append(flow)
        return out

    def source(self, apps: list[_App], *, node_ok: bool = True) -> str:
        rng = self.rng
        roll = rng.random()
        if not apps or (node_ok and roll < 0.12):
            return f"node/{rng.choice(self.node_names)}"
        app = rng.choice(apps)
        if app.kind != "Pod" and roll < 0.35:
            return f"{app.ref_kind}/{app.namespace}/{app.name}"
        pod = rng.choice(app.pods)
        if app.namespace == "default" and rng.random() < 0.5:
            return f"pod/{pod}"
        return f"pod/{app.namespace}/{pod}"

    def internet(self) -> str:
        if self.rng.random() < 0.8:
            return "internet"
        return f"internet/{self.rng.choice(_CLIENT_IPS)}"

    def svc_port(self, svc: _Svc) -> str:
        rng = self.rng
        if not svc.ports or rng.random() < 0.05:
            return str(rng.choice((80, 8080, 9999)))
        name, number, proto = rng.choice(svc.ports)
        text = name if name and rng.random() < 0.3 else str(number)
        if proto != "TCP":
            return f"{text}/{proto.lower()}"
        return f"{text}/tcp" if rng.random() < 0.05 else text

    def flow(self, kind: str, apps: list[_App]) -> Manifest:
        rng = self.rng
        svcs = self.svcs
        if kind == "service" and svcs:
            svc = rng.choice(svcs)
            return {"from": self.source(apps), "to": f"service/{svc.namespace}/{svc.name}:"
                                                      f"{self.svc_port(svc)}"}
        if kind == "internet-service" and svcs:
            svc = rng.choice(svcs)
            return {"from": self.internet(), "to": f"service/{svc.namespace}/{svc.name}:"
                                                   f"{self.svc_port(svc)}"}
        if kind == "dns":
            return {"from": self.source(apps), "to": self.dns_name()}
        if kind in ("pod", "workload") and apps:
            app = rng.choice(apps)
            if kind == "pod" or app.kind == "Pod":
                target = f"pod/{app.namespace}/{rng.choice(app.pods)}"
            else:
                target = f"{app.ref_kind}/{app.namespace}/{app.name}"
            port: str
            if app.ports and rng.random() < 0.85:
                name, number, proto = rng.choice(app.ports)
                port = name if name and rng.random() < 0.3 else str(number)
                if proto != "TCP":
                    port = f"{port}/{proto.lower()}"
            else:
                port = str(rng.choice((80, 8080, 9000, 5432)))
            src = self.source(apps) if rng.random() < 0.97 else self.internet()
            return {"from": src, "to": f"{target}:{port}"}
        if kind == "url":
            return {"from": self.internet(), "to": self.url()}
        if kind == "pod-url" and apps:
            return {"from": self.source(apps), "to": self.url()}
        if kind == "node":
            node = rng.choice(self.node_names)
            ports = [p for s in svcs for p in s.node_ports] or [30080]
            port_number = rng.choice(ports) if rng.random() < 0.6 else rng.choice(
                (22, 80, 9100, 10250, 30000, 30001, 32767, 40000))
            src = self.internet() if rng.random() < 0.6 else self.source(apps)
            return {"from": src, "to": f"node/{node}:{port_number}"}
        if kind == "egress":
            dest = rng.choice(("internet:443", "internet:80", "internet:53/udp",
                               f"internet/{rng.choice(_OUTSIDE_IPS)}:443"))
            return {"from": self.source(apps), "to": dest}
        if kind == "localhost" and apps:
            app = rng.choice(apps)
            pod = f"pod/{app.namespace}/{rng.choice(app.pods)}"
            if app.ports and rng.random() < 0.8:
                name, number, proto = rng.choice(app.ports)
                port = name if name and rng.random() < 0.3 else str(number)
                if proto != "TCP":
                    port = f"{port}/{proto.lower()}"
            else:
                port = str(rng.choice((8080, 15000, 9999)))
            src = pod if rng.random() < 0.9 else f"node/{rng.choice(self.node_names)}"
            return {"from": src, "to": f"localhost:{port}"}
        # raw IPv4 destinations: nodes, kube-dns, a LoadBalancer IP, guesses, outside hosts
        choices = [f"{rng.choice(self.node_ips)}:{rng.choice((22, 9100, 30080))}",
                   f"10.244.{rng.randrange(self.n_nodes)}.{rng.randrange(2, 12)}:8080",
                   f"10.96.0.{rng.randrange(100, 140)}:80",
                   f"{rng.choice(_OUTSIDE_IPS)}:443",
                   "192.0.2.10:80"]
        if self.dns:
            choices.append("10.96.0.10:53/udp")
        src = self.source(apps) if rng.random() < 0.8 else self.internet()
        return {"from": src, "to": rng.choice(choices)}

    def dns_name(self) -> str:
        rng = self.rng
        roll = rng.random()
        named = [s for s in self.svcs if s.ports]
        if named and roll < 0.75:
            svc = rng.choice(named)
            form = rng.choice((svc.name, f"{svc.name}.{svc.namespace}",
                               f"{svc.name}.{svc.namespace}.svc.cluster.local",
                               f"{svc.name}.{svc.namespace}.svc"))
            return f"{form}:{self.svc_port(svc)}"
        if roll < 0.85:
            sts = [a for a in self.apps if a.kind == "StatefulSet" and a.pods]
            if sts:
                app = rng.choice(sts)
                pod = rng.choice(app.pods)
                port = app.ports[0][1] if app.ports else 8080
                return f"{pod}.{app.name}.{app.namespace}.svc.cluster.local:{port}"
        if roll < 0.93:
            return f"{rng.choice(_EXTERNAL_HOSTS)}:443"
        return f"{rng.choice(('nope', 'api.nowhere', 'db.missing.svc.cluster.local'))}:80"

    def url(self) -> str:
        rng = self.rng
        scheme = "https" if rng.random() < 0.25 else "http"
        host = rng.choice(self.hosts) if self.hosts and rng.random() < 0.85 else \
            rng.choice(("nope.example.org", "shop.example.com"))
        path = rng.choice(("", "/", "/api", "/api/v1/items", "/static/app.js", "/login",
                           "/apix"))
        port = f":{rng.choice((80, 8080, 443))}" if rng.random() < 0.05 else ""
        return f"{scheme}://{host}{port}{path}"

    # ------------------------------------------------------------------ level
    def level(self) -> Manifest:
        cluster = self.cluster()
        self.namespaces()
        self.workloads()
        self.services()
        self.ingresses()
        self.policies()
        flows = self.flows()
        return {
            "format": "k8snet/v1",
            "id": self.level_id,
            "title": f"Synthetic cluster {self.seed}",
            "difficulty": 5,
            "concepts": ["synthetic"],
            "briefing": f"A generated cluster: {self.n_nodes} nodes, {self.n_pods} pods, "
                        f"{self.n_services} Services, {self.n_policies} NetworkPolicies.\n",
            "cluster": cluster,
            "resources": self.resources,
            "flows": flows,
        }


def generate_level(seed: int, *, nodes: int, pods: int, services: int, policies: int,
                   flows: int, pod_network: PodNetwork = "overlay",
                   namespaces: int | None = None, route_faults: int = 0,
                   level_id: str | None = None) -> dict[str, Any]:
    """A synthetic ``format: k8snet/v1`` level dict, identical for identical arguments.

    ``pods``, ``services``, ``policies`` and ``flows`` are exact counts (pods
    after workload expansion, cluster DNS and the ingress controller
    included). ``namespaces`` defaults to one per 60 pods (1..12).
    ``route_faults`` (``routes`` mode) breaks that many routes of the full
    mesh: a gap, a dead next hop, or a detour via another node (often a loop).
    Raises ValueError for sizes that cannot form a valid level.
    """
    return _Generator(seed, nodes=nodes, pods=pods, services=services, policies=policies,
                      flows=flows, pod_network=pod_network, namespaces=namespaces,
                      route_faults=route_faults, level_id=level_id).level()


def dump_yaml(level: dict[str, Any]) -> str:
    """YAML text of a level dict, with libyaml's C emitter when PyYAML has it."""
    dumper: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(level, Dumper=dumper, sort_keys=False, default_flow_style=False,
                     allow_unicode=True, width=100)


def generate_yaml_text(seed: int, *, nodes: int, pods: int, services: int, policies: int,
                       flows: int, pod_network: PodNetwork = "overlay",
                       namespaces: int | None = None, route_faults: int = 0,
                       level_id: str | None = None) -> str:
    """``generate_level`` as level-file text, for load benchmarks and fixtures on disk."""
    return dump_yaml(generate_level(seed, nodes=nodes, pods=pods, services=services,
                                    policies=policies, flows=flows, pod_network=pod_network,
                                    namespaces=namespaces, route_faults=route_faults,
                                    level_id=level_id))
