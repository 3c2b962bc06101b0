"""The inspector's summary of one object: what the cluster made of its manifest.

Plain lines, no markup: addresses from the built world, the pods a Service
picks and where each of its ports lands (from the engine, through
``game.view``), a policy's rules in words. The app only draws them, so a
summary cannot disagree with a trace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from k8snet_tui.engine.services import EndpointSet
from k8snet_tui.game.actions import effective_routes
from k8snet_tui.game.edits import EditError, Target, canonical_ref, find_object
from k8snet_tui.game.gatewayview import summary_lines
from k8snet_tui.game.inputs import format_labels
from k8snet_tui.game.view import StateView
from k8snet_tui.model.admission import Admission, class_text
from k8snet_tui.model.cluster import NodeSpec
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import (
    DaemonSet,
    Deployment,
    Ingress,
    IngressBackend,
    IngressClass,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    Pod,
    ReplicaSet,
    Service,
    StatefulSet,
)
from k8snet_tui.model.world import PodInfo


def _labels(labels: Mapping[str, str] | None) -> str:
    return format_labels(labels) or "none"


def _pod_line(pod: PodInfo) -> str:
    ready = "" if pod.ready else ", NOT ready"
    host = ", host network" if pod.host_network else ""
    return f"{pod.name}  {pod.ip} on {pod.node}{host}{ready}"


def _pod_ports(pod: PodInfo) -> list[str]:
    if not pod.ports:
        return ["  ports: none declared (accepts any port)"]
    return [f"  {p.container}: {p.name + ' ' if p.name else ''}{p.port}/{p.protocol}"
            + (f" hostPort {p.host_port}" if p.host_port else "") for p in pod.ports]


def _service_summary(view: StateView, svc: Service, ns: str) -> list[str]:
    info = view.service(ns, svc.metadata.name)
    spec = svc.spec
    lines = [f"type: {spec.type}"]
    if spec.type == "ExternalName":
        lines.append(f"externalName: {spec.externalName or '(not set)'}")
        return lines
    if info is not None:
        lines.append("ClusterIP: None (headless)" if info.headless
                     else f"ClusterIP: {info.cluster_ip}")
        if spec.type == "LoadBalancer":
            ips = ", ".join(str(ip) for ip in info.lb_ips)
            lines.append(f"external IP: {ips or '<pending> (no load-balancer provider)'}")
    if spec.selector is None:
        lines.append("selector: none (endpoints come from a manual Endpoints object)")
    else:
        lines.append(f"selector: {_labels(spec.selector)}")
        pods = view.selected_pods(info) if info is not None else ()
        lines.append(f"pods with these labels: {len(pods) or 'none'}")
        lines += [f"  {_pod_line(p)}" for p in pods]
    lines.append("ports:" if spec.ports else "ports: none")
    for i, port in enumerate(spec.ports):
        target = port.targetPort if port.targetPort is not None else port.port
        node_port = info.ports[i].node_port if info is not None and i < len(info.ports) else None
        name = f"{port.name}: " if port.name else f"[{i}]: "
        lines.append(f"  {name}{port.port}/{port.protocol} → targetPort {target}"
                     + (f", nodePort {node_port}" if node_port is not None else ""))
        if info is not None and i < len(info.ports):
            lines.append(f"    endpoints: {_endpoints_text(view.endpoints(info, i))}")
    if spec.externalTrafficPolicy != "Cluster":
        lines.append(f"externalTrafficPolicy: {spec.externalTrafficPolicy}")
    if spec.internalTrafficPolicy != "Cluster":
        lines.append(f"internalTrafficPolicy: {spec.internalTrafficPolicy}")
    if spec.loadBalancerSourceRanges:
        lines.append(f"loadBalancerSourceRanges: {', '.join(spec.loadBalancerSourceRanges)}")
    return lines


def _endpoints_text(endpoints: EndpointSet) -> str:
    """``api-0 10.244.1.5:8080, api-1 …`` as kube-proxy would use them, or why there are none."""
    if endpoints.endpoints:
        return ", ".join(e.label for e in endpoints.endpoints)
    why = f" ({endpoints.reason.value})" if endpoints.reason is not None else ""
    return f"none{why}"


def _node_summary(level: LoadedLevel, spec: NodeSpec) -> list[str]:
    node = level.world.cluster.node(spec.name)
    lines: list[str] = []
    if node is not None:
        lines += [f"IP: {node.ip}", f"podCIDR: {node.pod_cidr}"]
    lines.append("public: yes (reachable from the internet)" if spec.public
                 else "public: no (private)")
    lines.append("masquerade: on (pod traffic leaving the cluster is SNATed)" if spec.masquerade
                 else "masquerade: off (pod IPs leave the cluster unchanged)")
    routes = effective_routes(level, spec)
    default = " (the default: no routes of its own)" if spec.routes is None else ""
    lines.append(f"routes{default}:" if routes else "routes: none at all")
    lines += [f"  {to} via {via}" for to, via in routes]
    if node is not None:
        lines.append(f"  {level.world.cluster.node_network} dev eth0 (connected)")
        pods = [p for p in level.world.pods if p.node == node.name]
        lines.append(f"pods: {len(pods) or 'none'}")
        lines += [f"  {p.namespace}/{_pod_line(p)}" for p in pods]
    return lines


def _backend(backend: IngressBackend | None) -> str:
    if backend is None:
        return "none"
    if backend.service is None:
        return "a resource backend"
    port = backend.service.port
    return f"service {backend.service.name}:{port.number if port.number is not None else port.name}"


def _ingress_summary(ing: Ingress, admitted: Admission | None) -> list[str]:
    spec = ing.spec
    lines = [f"ingressClassName: {class_text(ing, admitted)}"]
    if spec.defaultBackend is not None:
        lines.append(f"default backend: {_backend(spec.defaultBackend)}")
    lines.append("rules:" if spec.rules else "rules: none")
    for rule in spec.rules:
        lines.append(f"  host {rule.host or '* (any)'}")
        for path in rule.http.paths if rule.http else []:
            lines.append(f"    {path.path} ({path.pathType}) → {_backend(path.backend)}")
    return lines


def _peer(peer: NetworkPolicyPeer) -> str:
    if peer.ipBlock is not None:
        exc = f" except {', '.join(peer.ipBlock.except_)}" if peer.ipBlock.except_ else ""
        return f"ipBlock {peer.ipBlock.cidr}{exc}"
    parts = []
    if peer.namespaceSelector is not None:
        parts.append(f"namespaces {peer.namespaceSelector.describe()}")
    if peer.podSelector is not None:
        where = "" if peer.namespaceSelector is not None else " in this namespace"
        parts.append(f"pods {peer.podSelector.describe()}{where}")
    return " AND ".join(parts)


def _ports(ports: Sequence[NetworkPolicyPort] | None) -> str:
    if not ports:
        return "any port"
    out = []
    for p in ports:
        port = "all" if p.port is None else str(p.port)
        out.append(f"{port}{f'-{p.endPort}' if p.endPort else ''}/{p.protocol}")
    return ", ".join(out)


def _policy_summary(pol: NetworkPolicy) -> list[str]:
    spec = pol.spec
    ingress, egress = spec.effective_policy_types()
    types = [t for t, on_ in (("Ingress", ingress), ("Egress", egress)) if on_]
    implied = "" if spec.policyTypes is not None else " (implied: policyTypes not set)"
    lines = [f"applies to pods: {spec.podSelector.describe()}",
             f"isolates: {', '.join(types) or 'nothing'}{implied}"]
    sections: list[tuple[str, bool, list[tuple[list[NetworkPolicyPeer] | None, Any]]]] = [
        ("ingress from", ingress, [(r.from_, r.ports) for r in spec.ingress or []]),
        ("egress to", egress, [(r.to, r.ports) for r in spec.egress or []]),
    ]
    for title, isolated, rules in sections:
        if not isolated:
            continue
        if not rules:
            lines.append(f"{title}: nothing allowed (deny all)")
            continue
        lines.append(f"{title} (any one rule allows):")
        for peers, ports in rules:
            who = " OR ".join(_peer(p) for p in peers) if peers else "anywhere"
            lines.append(f"  {who} on {_ports(ports)}")
    return lines


def _workload_summary(level: LoadedLevel, ref: str,
                      obj: Deployment | ReplicaSet | StatefulSet | DaemonSet) -> list[str]:
    spec = obj.spec
    lines = []
    if not isinstance(obj, DaemonSet):
        lines.append(f"replicas: {spec.replicas}")
    if spec.selector is not None:
        lines.append(f"selector: {spec.selector.describe()}")
    lines.append(f"pod labels: {_labels(spec.template.metadata.labels)}")
    names = level.world.workloads.get(ref, ())
    ns = ref.split("/")[1]
    pods = [p for p in (level.world.pod(ns, n) for n in names) if p is not None]
    lines.append(f"pods: {len(pods) or 'none'}")
    lines += [f"  {_pod_line(p)}" for p in pods]
    if pods:
        lines.append("container ports:")
        lines += _pod_ports(pods[0])
    return lines


def _world_pod_summary(pod: PodInfo) -> list[str]:
    lines = [f"IP: {pod.ip} on {pod.node}" + (" (host network)" if pod.host_network else ""),
             f"ready: {'yes' if pod.ready else 'NO'}",
             f"labels: {_labels(pod.labels)}",
             "container ports:"]
    lines += _pod_ports(pod)
    if pod.owner:
        lines.append(f"created by {pod.owner}")
    return lines


def summarize(view: StateView, ref: str) -> list[str]:
    """Plain lines describing ``ref`` as the cluster sees it (no colour, no markup)."""
    level = view.level
    try:
        canon = canonical_ref(ref)
    except EditError as exc:
        return [exc.reason]
    world = level.world
    try:
        target: Target | None = find_object(level, canon)
    except EditError:
        target = None
    if target is None:
        kind, _, rest = canon.partition("/")
        if kind == "pod" and "/" in rest:
            ns, name = rest.split("/", 1)
            pod = world.pod(ns, name)
            if pod is not None:
                lines = _world_pod_summary(pod)
                if pod.owner:
                    lines.append(f"This pod is made from {pod.owner}'s template: edit that "
                                 "object to change it.")
                return lines
        if kind == "namespace" and rest in world.namespaces:
            return [f"labels: {_labels(world.namespaces[rest])}",
                    "Not declared in the level: it exists because objects use it."]
        return [f"{canon} is not in this level."]
    obj = target.obj
    ns = target.namespace or "default"
    if isinstance(obj, NodeSpec):
        return _node_summary(level, obj)
    if isinstance(obj, Service):
        return _service_summary(view, obj, ns)
    if isinstance(obj, Pod):
        pod = world.pod(ns, obj.metadata.name)
        if pod is None:
            return [f"labels: {_labels(obj.metadata.labels)}"]
        return _world_pod_summary(pod)
    if isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
        return _workload_summary(level, target.ref, obj)
    if isinstance(obj, Ingress):
        return _ingress_summary(obj, world.admitted.get((ns, obj.metadata.name)))
    if isinstance(obj, NetworkPolicy):
        return _policy_summary(obj)
    if isinstance(obj, Namespace):
        return [f"labels: {_labels(world.namespaces.get(obj.metadata.name, obj.metadata.labels))}"]
    if isinstance(obj, IngressClass):
        return [f"controller: {obj.spec.controller}"]
    gateway_lines = summary_lines(world, ns, obj)
    if gateway_lines is not None:
        return gateway_lines
    return [f"kind: {obj.kind}"]


def access_line(ref: str | None, editable: tuple[str, ...] | None) -> str:
    """What the puzzle lets the player do with the object, in words (not only colour)."""
    if ref is None:
        return ""
    if editable is None:
        return f"🔒 locked: this level does not let you change {ref}"
    if not editable:
        return "✎ editable: every field"
    return f"✎ editable: {', '.join(editable)} (everything else is locked)"
