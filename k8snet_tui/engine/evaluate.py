"""Flow → Trace: the one entry point the rest of the code uses.

A flow is walked packet by packet: source egress policy, kube-proxy DNAT,
routing, the destination's ingress policy, the listening socket, and the
reply's way back. A flow through a Service forks per endpoint (and per source
pod for workload sources); the verdict is ``allow`` when every path arrives,
``deny`` when none does, ``partial`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Literal

from k8snet_tui.engine.dns import Answer, resolve
from k8snet_tui.engine.ingress import (
    class_of,
    controller_match,
    host_matches,
    match_request,
    served_by,
)
from k8snet_tui.engine.policy import (
    Decision,
    egress_decision,
    host_network_facts,
    ingress_decision,
)
from k8snet_tui.engine.routing import route_to
from k8snet_tui.engine.services import (
    Endpoint,
    EndpointSet,
    pod_listens,
    port_field,
    service_endpoints,
)
from k8snet_tui.engine.topology import Controller, Topology, build_topology
from k8snet_tui.engine.trace import (
    Blame,
    Exposure,
    Fact,
    Hop,
    HopVerdict,
    Packet,
    PathResult,
    Reason,
    Trace,
    Verdict,
)
from k8snet_tui.model.cluster import Node
from k8snet_tui.model.flows import (
    DestRef,
    FlowSpec,
    RefError,
    SourceRef,
    parse_dest,
    parse_source,
)
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import Ingress
from k8snet_tui.model.world import LB_POOL, Placed, PodInfo, ServiceInfo, SvcPort, World

MAX_CNAME_DEPTH = 5


@dataclass(frozen=True)
class Origin:
    """Where a flow starts: a pod, a node's host network, or a client on the internet."""

    kind: Literal["pod", "node", "internet"]
    ip: IPv4Address
    node: Node | None
    pod: PodInfo | None
    label: str

    @property
    def policy_pod(self) -> PodInfo | None:
        """The pod whose egress policies apply (host-network pods have none)."""
        return self.pod if self.pod is not None and not self.pod.host_network else None

    @property
    def namespace(self) -> str:
        return self.pod.namespace if self.pod is not None else "default"


@dataclass(frozen=True)
class Leg:
    """One connection attempt inside the cluster: where routing starts, the source address
    on the wire (after any SNAT) and the pod whose egress policies apply, if any."""

    start: Node
    src_ip: IPv4Address
    policy_pod: PodInfo | None


@dataclass(frozen=True)
class SvcContext:
    service: ServiceInfo
    port: SvcPort
    endpoint: Endpoint | None = None


class Path:
    """Hops gathered so far on one way through the network; forks at every branch."""

    __slots__ = ("facts", "hops", "label")

    def __init__(self, hops: Iterable[Hop] = (), label: str = "",
                 facts: Iterable[Fact] = ()) -> None:
        self.hops: list[Hop] = list(hops)
        self.label = label
        self.facts: list[Fact] = list(facts)

    def add(self, where: str, what: str, verdict: HopVerdict = "pass", *,
            before: Packet | None = None, after: Packet | None = None,
            ref: str | None = None) -> None:
        self.hops.append(Hop(where, what, verdict, before, after, ref))

    def extend(self, hops: Iterable[Hop]) -> None:
        self.hops.extend(hops)

    def fork(self, label: str | None = None) -> Path:
        return Path(self.hops, self.label if label is None else label, self.facts)

    def drop(self, where: str, what: str, reason: Reason, blame: Blame | None = None,
             ref: str | None = None, detail: str | None = None) -> PathResult:
        self.hops.append(Hop(where, what, "drop", ref=ref))
        return PathResult(self.label, False, tuple(self.hops), reason, detail or what, blame,
                          tuple(self.facts))

    def failed(self, reason: Reason, detail: str, blame: Blame | None) -> PathResult:
        """End the path on a failure whose drop hop was already added."""
        return PathResult(self.label, False, tuple(self.hops), reason, detail, blame,
                          tuple(self.facts))

    def arrive(self, what: str) -> PathResult:
        return PathResult(self.label, True, tuple(self.hops), None, what, None,
                          tuple(self.facts))


def pod_blame(pod: PodInfo, field: str) -> Blame:
    """Blame a pod's spec where a player can change it: on its workload's pod template."""
    if pod.owner is not None and field.startswith("spec."):
        return Blame(pod.owner, f"spec.template.{field}")
    return Blame(pod.ref, field)


def _port_text(port: int | str, protocol: str) -> str:
    return f"{port}/{protocol}"


class _Run:
    """The evaluation of one flow; holds the assumptions the trace will state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.topo = engine.topo
        self.assumptions: list[str] = []

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    # ------------------------------------------------------------- origins
    def origins(self, src: SourceRef) -> list[Origin]:
        topo = self.topo
        if src.kind == "internet":
            assert src.ip is not None
            return [Origin("internet", src.ip, None, None, f"internet client {src.ip}")]
        if src.kind == "node":
            node = topo.nodes_by_name[str(src.name)]
            return [Origin("node", node.ip, node, None, f"node {node.name}")]
        if src.kind == "pod":
            pods = [topo.pods_by_key[(str(src.namespace), str(src.name))]]
        else:
            ref = f"{src.workload_kind}/{src.namespace}/{src.name}"
            pods = [topo.pods_by_key[(str(src.namespace), n)]
                    for n in topo.world.workloads.get(ref, ())]
        return [Origin("pod", p.ip, topo.nodes_by_name[p.node], p, f"pod {p.namespace}/{p.name}")
                for p in pods]

    def start(self, origin: Origin, dst_text: str) -> Path:
        path = Path(label=origin.label)
        if origin.kind == "internet":
            path.add("internet", f"client {origin.ip} connects to {dst_text}", ref="internet")
        elif origin.pod is not None:
            pod = origin.pod
            net = "host network of " if pod.host_network else ""
            path.add(f"pod {pod.namespace}/{pod.name}",
                     f"{pod.name} ({net}{pod.ip}, on {pod.node}) connects to {dst_text}",
                     ref=pod.ref)
        else:
            assert origin.node is not None
            path.add(f"node {origin.node.name}",
                     f"{origin.node.name} ({origin.ip}, host network) connects to {dst_text}",
                     ref=f"node/{origin.node.name}")
        return path

    # ---------------------------------------------------------- dispatcher
    def run(self, src: SourceRef, dst: DestRef, dst_text: str) -> list[PathResult]:
        results: list[PathResult] = []
        for origin in self.origins(src):
            path = self.start(origin, dst_text)
            results.extend(self.to_dest(origin, path, dst))
        return results

    def to_dest(self, o: Origin, p: Path, dst: DestRef) -> list[PathResult]:
        topo = self.topo
        proto = dst.protocol
        if dst.kind == "localhost":
            return [self.localhost(o, p, dst.effective_port, proto)]
        if dst.kind == "pod":
            pod = topo.pods_by_key[(str(dst.namespace), str(dst.name))]
            return [self.to_pod(o, p, pod, dst.effective_port, proto)]
        if dst.kind == "workload":
            ref = f"{dst.workload_kind}/{dst.namespace}/{dst.name}"
            out = []
            for name in topo.world.workloads.get(ref, ()):
                pod = topo.pods_by_key[(str(dst.namespace), name)]
                out.append(self.to_pod(o, p.fork(f"{p.label} → {pod.name}"), pod,
                                       dst.effective_port, proto))
            return out
        if dst.kind == "service":
            svc = topo.services_by_key[(str(dst.namespace), str(dst.name))]
            return self.to_service(o, p, svc, dst.effective_port, proto)
        if dst.kind == "dns":
            return self.to_name(o, p, str(dst.name), dst.effective_port, proto)
        if dst.kind == "url":
            if o.kind == "internet":
                return self.ingress_request(o, p, dst)
            return self.to_name(o, p, str(dst.host), dst.effective_port, "TCP")
        if dst.kind == "node":
            node = topo.nodes_by_name[str(dst.name)]
            return self.to_node(o, p, node, dst.effective_port, proto)
        assert dst.ip is not None  # ip and internet destinations
        return self.to_ip(o, p, dst.ip, dst.effective_port, proto)

    # -------------------------------------------------------------- basics
    def localhost(self, o: Origin, p: Path, port: int | str, proto: str) -> PathResult:
        if o.pod is None:
            assert o.node is not None
            return self.host_listen(p, o.node, port, proto, None, o.ip)
        pod = o.pod
        p.add(f"pod {pod.namespace}/{pod.name}",
              "localhost stays inside the pod's network namespace: every container shares it, "
              "and no NetworkPolicy applies", ref=pod.ref)
        if pod.host_network:
            assert o.node is not None
            return self.host_listen(p, o.node, port, proto, None, o.ip)
        number = self.pod_port(pod, port, proto)
        if number is None:
            return p.drop(f"pod {pod.namespace}/{pod.name}",
                          f'no container of {pod.name} declares a port named "{port}"',
                          Reason.NOT_LISTENING, pod_blame(pod, "spec.containers"), pod.ref)
        listening = pod_listens(pod, number, proto)
        if not listening.ok:
            assert listening.reason is not None
            return p.drop(f"pod {pod.namespace}/{pod.name}", listening.detail, listening.reason,
                          pod_blame(pod, "spec.containers"), pod.ref)
        p.add(f"pod {pod.namespace}/{pod.name}", listening.detail, ref=pod.ref)
        return p.arrive(f"reached localhost:{number}/{proto} in {pod.name}")

    @staticmethod
    def pod_port(pod: PodInfo, port: int | str, proto: str) -> int | None:
        if isinstance(port, int):
            return port
        named = pod.named_port(port, proto)
        return named.port if named is not None else None

    def to_pod(self, o: Origin, p: Path, pod: PodInfo, port: int | str,
               proto: str) -> PathResult:
        number = self.pod_port(pod, port, proto)
        if number is None:
            return p.drop(f"pod {pod.namespace}/{pod.name}",
                          f'{pod.name} declares no {proto} container port named "{port}"',
                          Reason.NOT_LISTENING, pod_blame(pod, "spec.containers"), pod.ref)
        if o.kind == "internet":
            return p.drop("internet", f"{pod.ip} is a pod IP, private to the cluster: the "
                                      "internet has no route to it (expose it with a Service)",
                          Reason.NOT_EXPOSED, Blame(pod.ref), "internet")
        return self.send(o, p, self.leg(o), pod.ip, number, proto, None)

    def leg(self, o: Origin) -> Leg:
        assert o.node is not None
        return Leg(o.node, o.ip, o.policy_pod)

    # ------------------------------------------------------ network policy
    @staticmethod
    def policy_gate(p: Path, decision: Decision, pod: PodInfo) -> PathResult | None:
        """Record a NetworkPolicy decision on ``p``: the drop when it denies (None when
        it allows, after a hop saying which policy let it through)."""
        direction = decision.facts.direction if decision.facts is not None else "ingress"
        where = f"NetworkPolicy {direction} of {pod.namespace}/{pod.name}"
        if decision.facts is not None:
            p.facts.append(decision.facts)
        if not decision.allowed:
            assert decision.policy is not None
            reason = Reason.POLICY_DENIED_INGRESS if direction == "ingress" \
                else Reason.POLICY_DENIED_EGRESS
            return p.drop(where, decision.reason, reason,
                          decision.blame or Blame(decision.policy.ref, f"spec.{direction}"),
                          decision.policy.ref)
        if decision.isolated:
            p.add(where, decision.reason, ref=decision.policy.ref if decision.policy else None)
        return None

    def source_policy(self, o: Origin, p: Path, leg: Leg, dst_ip: IPv4Address, port: int,
                      proto: str) -> PathResult | None:
        """The egress side of a connection: the source pod's policies, if it has any."""
        if leg.policy_pod is not None:
            return self.policy_gate(p, egress_decision(self.topo, leg.policy_pod, dst_ip, port,
                                                       proto), leg.policy_pod)
        if o.pod is not None and o.pod.host_network and leg.src_ip == o.ip:
            p.facts.append(host_network_facts(self.topo, o.pod, "egress", dst_ip, port, proto))
        return None

    # ---------------------------------------------------------- the packet
    def send(self, o: Origin, p: Path, leg: Leg, dst_ip: IPv4Address, port: int, proto: str,
             svc: SvcContext | None) -> PathResult:
        """Carry one connection from ``leg.start`` to ``dst_ip:port`` and its reply back."""
        topo = self.topo
        packet = Packet(str(leg.src_ip), str(dst_ip), port, proto)
        dst_pod = topo.pods_by_ip.get(dst_ip)
        denied = self.source_policy(o, p, leg, dst_ip, port, proto)
        if denied is not None:
            return denied
        arrival = route_to(topo, leg.start, dst_ip)
        p.extend(arrival.hops)
        if not arrival.ok:
            assert arrival.reason is not None
            return p.failed(arrival.reason, arrival.detail, arrival.blame)
        if arrival.external:
            return self.leave_cluster(p, leg, arrival.egress_node, packet)
        node = arrival.node
        assert node is not None
        if dst_pod is not None:
            where = f"pod {dst_pod.namespace}/{dst_pod.name}"
            denied = self.policy_gate(p, ingress_decision(topo, dst_pod, leg.src_ip, port,
                                                          proto), dst_pod)
            if denied is not None:
                return denied
            listening = pod_listens(dst_pod, port, proto)
            manual = svc.endpoint.source if svc is not None and svc.endpoint else None
            if not listening.ok and manual is not None:
                assert listening.reason is not None
                return p.drop(where, f"{listening.detail}; the hand-written endpoint sends "
                                     f"port {port} here", listening.reason, manual,
                              dst_pod.ref)
            if not listening.ok:
                assert listening.reason is not None
                if svc is not None and listening.reason is Reason.NOT_LISTENING:
                    sp = svc.port
                    return p.drop(where, f"{listening.detail}; the Service sends targetPort "
                                         f"{sp.target_port} here", Reason.TARGET_PORT_MISMATCH,
                                  Blame(svc.service.ref, port_field(svc.service, sp,
                                                                    "targetPort")),
                                  dst_pod.ref)
                return p.drop(where, listening.detail, listening.reason,
                              pod_blame(dst_pod, "spec.containers"), dst_pod.ref)
            p.add(where, listening.detail, ref=dst_pod.ref)
            reached = f"reached {dst_pod.name} on {port}/{proto}"
        elif dst_ip == node.ip:
            result = self.host_listen(p, node, port, proto, svc, leg.src_ip)
            if not result.reached:
                return result
            reached = result.detail
        else:
            blame = svc.endpoint.source if svc is not None and svc.endpoint else None
            return p.drop(f"{node.name} bridge", f"no pod has address {dst_ip}",
                          Reason.NO_ROUTE, blame, f"node/{node.name}")
        back = self.reply(p, node, leg.src_ip)
        if back is not None:
            return back
        return p.arrive(reached)

    def reply(self, p: Path, node: Node, to: IPv4Address) -> PathResult | None:
        """Check the reply can route from ``node`` back to ``to``; None when it can."""
        back = route_to(self.topo, node, to, what="reply")
        if back.ok:
            if back.node is not node:
                via = "the internet" if back.external else str(back.node.name if back.node
                                                                  else to)
                p.add(f"{node.name} routing table", f"the reply to {to} routes back via {via}",
                      ref=f"node/{node.name}")
            return None
        for hop in back.hops:
            p.hops.append(Hop(hop.where, f"reply: {hop.what}", hop.verdict, ref=hop.ref))
        return p.failed(Reason.NO_RETURN_ROUTE,
                        f"the request arrives but the reply cannot get back: {back.detail}",
                        back.blame)

    def leave_cluster(self, p: Path, leg: Leg, node: Node | None,
                      packet: Packet) -> PathResult:
        cluster = self.topo.cluster
        if leg.src_ip in cluster.cluster_cidr:
            assert node is not None
            if not node.masquerade:
                return p.drop(f"{node.name} masquerade",
                              f"masquerade is off on {node.name}: the packet leaves with pod IP "
                              f"{leg.src_ip}, which the internet cannot route back to, so the "
                              "reply is lost", Reason.NO_SNAT,
                              Blame(f"node/{node.name}", "masquerade"), f"node/{node.name}")
            after = Packet(str(node.ip), packet.dst, packet.port, packet.protocol)
            p.add(f"{node.name} masquerade", f"SNAT: source {leg.src_ip} becomes the node's "
                                             f"address {node.ip}", before=packet, after=after,
                  ref=f"node/{node.name}")
        p.add("internet", f"server {packet.dst} accepts {packet.port}/{packet.protocol} "
                          "(outside servers accept any port)", ref="internet")
        return p.arrive(f"reached {packet.dst}:{packet.port} outside the cluster")

    def host_listen(self, p: Path, node: Node, port: int | str, proto: str,
                    svc: SvcContext | None, src_ip: IPv4Address) -> PathResult:
        """Something on the node's own address: a host-network pod or a hostPort."""
        where = f"node {node.name}"
        ref = f"node/{node.name}"
        if isinstance(port, str):
            return p.drop(where, f'a port name ("{port}") means nothing on a node address',
                          Reason.NOT_LISTENING, None, ref)
        host_pods = [hp for hp in self.topo.host_pods_by_node.get(node.name, ())
                     if (not hp.ports or any(x.port == port and x.protocol == proto
                                             for x in hp.ports))]
        explicit = [hp for hp in host_pods if hp.ports]
        if len(explicit) > 1:
            names = " and ".join(hp.name for hp in explicit[:2])
            return p.drop(where, f"host-network pods {names} both declare {port}/{proto} on "
                                 f"{node.name}; only one can bind it", Reason.PORT_CONFLICT,
                          pod_blame(explicit[1], "spec.containers"), ref)
        if host_pods:
            pod = (explicit or host_pods)[0]
            p.add(where, f"host-network pod {pod.namespace}/{pod.name} listens on "
                         f"{port}/{proto}", ref=pod.ref)
            p.facts.append(host_network_facts(self.topo, pod, "ingress", src_ip, port, proto))
            return p.arrive(f"reached {pod.name} on {node.name}:{port}")
        forwarded = self.topo.host_ports.get((node.name, port, proto))
        if forwarded is not None:
            pod, container_port = forwarded
            p.add(where, f"hostPort {port} of pod {pod.namespace}/{pod.name}: DNAT to "
                         f"{pod.ip}:{container_port}",
                  before=Packet(str(src_ip), str(node.ip), port, proto),
                  after=Packet(str(src_ip), str(pod.ip), container_port, proto), ref=pod.ref)
            denied = self.policy_gate(p, ingress_decision(self.topo, pod, src_ip,
                                                          container_port, proto), pod)
            if denied is not None:
                return denied
            listening = pod_listens(pod, container_port, proto)
            if not listening.ok:
                assert listening.reason is not None
                return p.drop(f"pod {pod.namespace}/{pod.name}", listening.detail,
                              listening.reason, pod_blame(pod, "spec.containers"), pod.ref)
            return p.arrive(f"reached {pod.name} through hostPort {port}")
        low, high = self.topo.cluster.node_port_range
        if svc is None and not low <= port <= high and p.hops and p.hops[0].ref == "internet":
            return p.drop(where, f"nothing listens on {node.name}:{port}/{proto}, and {port} "
                                 f"is outside the NodePort range {low}-{high}, so no Service "
                                 "can be listening there either",
                          Reason.NODEPORT_OUT_OF_RANGE, Blame(ref), ref)
        return p.drop(where, f"nothing listens on {node.name}:{port}/{proto} (no NodePort, "
                             "host-network pod or hostPort)", Reason.NOT_LISTENING, None, ref)

    # ------------------------------------------------------------ services
    def to_service(self, o: Origin, p: Path, svc: ServiceInfo, port: int | str,
                   proto: str) -> list[PathResult]:
        if o.kind == "internet":
            return self.internet_to_service(o, p, svc, port, proto)
        if svc.type == "ExternalName":
            p.add(f"service {svc.namespace}/{svc.name}",
                  f"ExternalName: a DNS CNAME to {svc.external_name}; no proxying, no ports",
                  ref=svc.ref)
            return self.to_name(o, p, str(svc.external_name), port, proto, depth=1)
        sp = svc.find_port(port, proto)
        if sp is None:
            return [self.no_port(p, svc, port, proto)]
        eps = service_endpoints(self.topo, svc, sp)
        if svc.headless:
            p.add(f"service {svc.namespace}/{svc.name}",
                  "headless (clusterIP: None): no virtual IP and no kube-proxy; the client "
                  "connects to each ready endpoint's pod IP directly", ref=svc.ref)
            if not eps.endpoints:
                return [self.no_endpoints(p, svc, eps)]
            return [self.send(o, p.fork(self.ep_label(p, ep)), self.leg(o), ep.ip, sp.port,
                              proto, None) for ep in eps.endpoints]
        return self.via_cluster_ip(o, p, svc, sp, eps)

    def ep_label(self, p: Path, ep: Endpoint) -> str:
        return f"{p.label} → {ep.label}" if p.label else ep.label

    def no_port(self, p: Path, svc: ServiceInfo, port: int | str, proto: str) -> PathResult:
        declared = ", ".join(f"{sp.name + '=' if sp.name else ''}{sp.port}/{sp.protocol}"
                             for sp in svc.ports) or "none"
        return p.drop(f"service {svc.namespace}/{svc.name}",
                      f"{svc.name} declares no port {_port_text(port, proto)} (ports: "
                      f"{declared})", Reason.NO_SERVICE_PORT, Blame(svc.ref, "spec.ports"),
                      svc.ref)

    def no_endpoints(self, p: Path, svc: ServiceInfo, eps: EndpointSet) -> PathResult:
        assert eps.reason is not None
        what = eps.detail
        if not svc.headless:
            what += "; kube-proxy rejects the connection (connection refused)"
        return p.drop(f"service {svc.namespace}/{svc.name}", what, eps.reason, eps.blame,
                      svc.ref, detail=eps.detail)

    def via_cluster_ip(self, o: Origin, p: Path, svc: ServiceInfo, sp: SvcPort,
                       eps: EndpointSet) -> list[PathResult]:
        assert o.node is not None
        assert svc.cluster_ip is not None
        where = f"kube-proxy on {o.node.name}"
        if not eps.endpoints:
            p.add(where, f"{svc.cluster_ip}:{sp.port} is Service {svc.namespace}/{svc.name}",
                  ref=svc.ref)
            return [self.no_endpoints(p, svc, eps)]
        endpoints = list(eps.endpoints)
        if svc.internal_traffic_policy == "Local":
            endpoints = [ep for ep in endpoints if ep.node == o.node.name]
            if not endpoints:
                return [p.drop(where, f"internalTrafficPolicy: Local keeps traffic on "
                                      f"{o.node.name}, which has no endpoint of {svc.name}",
                               Reason.NO_LOCAL_ENDPOINT,
                               Blame(svc.ref, "spec.internalTrafficPolicy"), svc.ref)]
        before = Packet(str(o.ip), str(svc.cluster_ip), sp.port, sp.protocol)
        out = []
        for ep in endpoints:
            branch = p.fork(self.ep_label(p, ep))
            if ep.source is not None and ep.ip in self.topo.cluster.service_cidr:
                out.append(branch.drop(where, f"endpoint {ep.ip} is a ClusterIP: kube-proxy "
                                              "rewrites a packet only once, so a Service address "
                                              "as an endpoint leads nowhere",
                                       Reason.NO_ROUTE, ep.source, svc.ref))
                continue
            after = Packet(str(o.ip), str(ep.ip), ep.port, sp.protocol)
            share = f" (1 of {len(endpoints)})" if len(endpoints) > 1 else ""
            branch.add(where, f"DNAT {svc.cluster_ip}:{sp.port} (Service {svc.namespace}/"
                              f"{svc.name}) → endpoint {ep.label}{share}",
                       before=before, after=after, ref=svc.ref)
            out.append(self.send(o, branch, self.leg(o), ep.ip, ep.port, sp.protocol,
                                 SvcContext(svc, sp, ep)))
        return out

    # --------------------------------------------------------- node ports
    def to_node(self, o: Origin, p: Path, node: Node, port: int | str,
                proto: str) -> list[PathResult]:
        topo = self.topo
        ref = f"node/{node.name}"
        if o.kind == "internet":
            if not node.public:
                return [p.drop("internet", f"{node.name} ({node.ip}) is not public: the "
                                           "internet cannot reach it", Reason.NOT_EXPOSED,
                               Blame(ref, "public"), ref)]
            p.add(f"node {node.name}", f"arrives at public node {node.name} ({node.ip})",
                  ref=ref)
            exposed = topo.services_by_node_port.get((port, proto)) \
                if isinstance(port, int) else None
            if exposed is not None:
                p.facts.append(Exposure(exposed.ref, "NodePort", f"{node.ip}:{port}",
                                        exposed.type, node.name))
        svc = topo.services_by_node_port.get((port, proto)) if isinstance(port, int) else None
        if svc is not None:
            sp = next(x for x in svc.ports if x.node_port == port and x.protocol == proto)
            if o.kind != "internet":
                # The packet first has to reach that node; kube-proxy there takes over.
                leg = self.leg(o)
                denied = self.source_policy(o, p, leg, node.ip, sp.node_port or 0, proto)
                if denied is not None:
                    return [denied]
                arrival = route_to(topo, leg.start, node.ip)
                p.extend(arrival.hops)
                if not arrival.ok:
                    assert arrival.reason is not None
                    return [p.failed(arrival.reason, arrival.detail, arrival.blame)]
            return self.node_port(o, p, node, svc, sp, None)
        if o.kind == "internet":
            result = self.host_listen(p, node, port, proto, None, o.ip)
            if result.reached:
                back = self.reply(p, node, o.ip)
                if back is not None:
                    return [back]
                return [p.arrive(result.detail)]
            return [result]
        if not isinstance(port, int):
            return [p.drop(f"node {node.name}", f'a port name ("{port}") means nothing on a '
                                                "node address", Reason.NOT_LISTENING, None, ref)]
        return [self.send(o, p, self.leg(o), node.ip, port, proto, None)]

    def node_port(self, o: Origin, p: Path, node: Node, svc: ServiceInfo, sp: SvcPort,
                  only: Endpoint | None, *, via_lb: bool = False) -> list[PathResult]:
        """kube-proxy on ``node`` handles a NodePort (or LoadBalancer) packet."""
        where = f"kube-proxy on {node.name}"
        eps = service_endpoints(self.topo, svc, sp)
        entry = f"LoadBalancer traffic for {svc.name}" if via_lb else \
            f"NodePort {sp.node_port} is Service {svc.namespace}/{svc.name}"
        if not eps.endpoints:
            p.add(where, entry, ref=svc.ref)
            return [self.no_endpoints(p, svc, eps)]
        endpoints = [only] if only is not None else list(eps.endpoints)
        local = svc.external_traffic_policy == "Local"
        if local:
            mine = [ep for ep in endpoints if ep.node == node.name]
            if not mine:
                label = self.ep_label(p, only) if only is not None else p.label
                branch = p.fork(label)
                return [branch.drop(where, f"externalTrafficPolicy: Local delivers only to "
                                           f"endpoints on {node.name}, and it has none"
                                           f"{' for ' + only.label if only else ''}",
                                    Reason.NO_LOCAL_ENDPOINT,
                                    Blame(svc.ref, "spec.externalTrafficPolicy"), svc.ref)]
            endpoints = mine
        client = o.ip
        port_in = sp.port if via_lb else (sp.node_port or sp.port)
        dst_in = str(svc.lb_ips[0]) if via_lb and svc.lb_ips else str(node.ip)
        out = []
        for ep in endpoints:
            branch = p.fork(self.ep_label(p, ep))
            before = Packet(str(client), dst_in, port_in, sp.protocol)
            seen = client if local else node.ip
            after = Packet(str(seen), str(ep.ip), ep.port, sp.protocol)
            if local:
                nat = "client IP preserved (externalTrafficPolicy: Local)"
            else:
                nat = f"SNAT to {node.ip} (externalTrafficPolicy: Cluster)"
            branch.add(where, f"{entry}: DNAT → endpoint {ep.label}, {nat}", before=before,
                       after=after, ref=svc.ref)
            result = self.send(o, branch, Leg(node, seen, None), ep.ip, ep.port, sp.protocol,
                               SvcContext(svc, sp, ep))
            if result.reached and not local:
                back = self.reply(branch, node, client)
                result = back if back is not None else branch.arrive(result.detail)
            out.append(result)
        return out

    def internet_to_service(self, o: Origin, p: Path, svc: ServiceInfo, port: int | str,
                            proto: str) -> list[PathResult]:
        where = f"service {svc.namespace}/{svc.name}"
        if svc.type == "ExternalName":
            return [p.drop(where, "an ExternalName Service is only a DNS alias inside the "
                                  "cluster; nothing outside can connect to it",
                           Reason.NOT_EXPOSED, Blame(svc.ref, "spec.type"), svc.ref)]
        sp = svc.find_port(port, proto)
        if sp is None:
            return [self.no_port(p, svc, port, proto)]
        exposures: list[tuple[str, Node | None]] = []
        if svc.type == "LoadBalancer" and svc.lb_ips:
            exposures.append(("lb", None))
        public = [n for n in self.topo.cluster.nodes if n.public]
        if svc.type in ("NodePort", "LoadBalancer") and sp.node_port is not None:
            exposures.extend(("nodeport", n) for n in public)
        if not exposures:
            if svc.type == "ClusterIP":
                return [p.drop(where, f"type ClusterIP: {svc.name} is reachable only inside "
                                      "the cluster", Reason.NOT_EXPOSED,
                               Blame(svc.ref, "spec.type"), svc.ref)]
            if svc.type == "LoadBalancer":
                return [p.drop(where, "type LoadBalancer, but the cluster has no load-balancer "
                                      "provider: EXTERNAL-IP stays <pending>"
                                      + ("" if not sp.node_port else
                                         ", and no node is public for its NodePort"),
                               Reason.LB_PENDING, Blame(svc.ref, "spec.type"), svc.ref)]
            first = self.topo.cluster.nodes[0]
            return [p.drop(where, f"NodePort {sp.node_port} is open on every node, but no node "
                                  "is public, so the internet cannot reach any of them",
                           Reason.NOT_EXPOSED, Blame(f"node/{first.name}", "public"),
                           f"node/{first.name}")]
        eps = service_endpoints(self.topo, svc, sp)
        if svc.type == "LoadBalancer" and not svc.lb_ips:
            p.add(where, "EXTERNAL-IP is <pending> (no load-balancer provider); its NodePort "
                         "on a public node still works", "info", ref=svc.ref)
        if not eps.endpoints:
            self.expose_hop(p, svc, sp, exposures[0])
            return [self.no_endpoints(p, svc, eps)]
        # DESIGN.md: from the internet a Service is reached through *any* exposure it has,
        # and the trace says which. So an endpoint counts as reached when some way in (the
        # load balancer, or the NodePort of some public node) delivers to it.
        results: list[PathResult] = []
        for ep in eps.endpoints:
            first_fail: PathResult | None = None
            chosen: PathResult | None = None
            for exposure in exposures:
                if not self.delivers(svc, exposure, ep):
                    continue
                branch = p.fork(f"{p.label} via {self.exposure_name(svc, exposure)}")
                self.expose_hop(branch, svc, sp, exposure)
                for r in self.through(o, branch, svc, sp, exposure, ep):
                    if r.reached:
                        chosen = r
                        break
                    if first_fail is None:
                        first_fail = r
                if chosen is not None:
                    break
            result = chosen or first_fail
            if result is not None:
                results.append(result)
        if not results:
            self.expose_hop(p, svc, sp, exposures[0])
            entries = ", ".join(n.name for _, n in exposures if n is not None) or "none"
            return [p.drop(where, "externalTrafficPolicy: Local delivers only to endpoints on "
                                  "the node the traffic enters, and no public node has one "
                                  f"(public: {entries}; endpoints on "
                                  f"{', '.join(sorted({str(e.node) for e in eps.endpoints}))})",
                           Reason.NO_LOCAL_ENDPOINT,
                           Blame(svc.ref, "spec.externalTrafficPolicy"), svc.ref)]
        return results

    @staticmethod
    def exposure_name(svc: ServiceInfo, exposure: tuple[str, Node | None]) -> str:
        kind, node = exposure
        return f"LoadBalancer {svc.lb_ips[0]}" if kind == "lb" or node is None else node.name

    @staticmethod
    def delivers(svc: ServiceInfo, exposure: tuple[str, Node | None], ep: Endpoint) -> bool:
        """Can outside traffic entering this way ever be sent to ``ep``? With Local, a
        NodePort delivers only to its own node's endpoints (a load balancer health-checks
        nodes, so it sends each endpoint's share to that endpoint's node)."""
        kind, node = exposure
        if kind == "lb" or svc.external_traffic_policy != "Local":
            return True
        return node is not None and ep.node == node.name

    def expose_hop(self, p: Path, svc: ServiceInfo, sp: SvcPort,
                   exposure: tuple[str, Node | None]) -> None:
        kind, node = exposure
        if kind == "lb":
            p.facts.append(Exposure(svc.ref, "LoadBalancer", f"{svc.lb_ips[0]}:{sp.port}",
                                    svc.type))
            p.add(f"LoadBalancer {svc.lb_ips[0]}",
                  f"the provider's load balancer for {svc.namespace}/{svc.name} "
                  f"accepts {sp.port}/{sp.protocol}", ref=svc.ref)
        else:
            assert node is not None
            p.facts.append(Exposure(svc.ref, "NodePort", f"{node.ip}:{sp.node_port}",
                                    svc.type, node.name))
            p.add(f"node {node.name}", f"public node {node.name} ({node.ip}) accepts NodePort "
                                       f"{sp.node_port}/{sp.protocol}", ref=f"node/{node.name}")

    def through(self, o: Origin, p: Path, svc: ServiceInfo, sp: SvcPort,
                exposure: tuple[str, Node | None], ep: Endpoint) -> list[PathResult]:
        kind, node = exposure
        if kind == "nodeport":
            assert node is not None
            return self.node_port(o, p, node, svc, sp, ep)
        if svc.source_ranges and not any(o.ip in r for r in svc.source_ranges):
            ranges = ", ".join(str(r) for r in svc.source_ranges)
            return [p.fork(self.ep_label(p, ep)).drop(
                f"LoadBalancer {svc.lb_ips[0]}",
                f"client {o.ip} is outside loadBalancerSourceRanges ({ranges}): dropped",
                Reason.SOURCE_RANGE_DENIED, Blame(svc.ref, "spec.loadBalancerSourceRanges"),
                svc.ref)]
        nodes = self.topo.cluster.nodes
        if svc.external_traffic_policy == "Local" and ep.node is not None:
            entry = self.topo.nodes_by_name.get(ep.node, nodes[0])
            why = "health checks send Local traffic only to nodes with an endpoint"
        else:
            entry = nodes[0]
            why = "the engine sends it to the first node; any node would do"
            self.assume("LoadBalancer traffic with externalTrafficPolicy: Cluster enters at the "
                        "first node")
        p.add(f"LoadBalancer {svc.lb_ips[0]}", f"forwards to {entry.name} ({why})",
              ref=f"node/{entry.name}")
        return self.node_port(o, p, entry, svc, sp, ep, via_lb=True)

    # ---------------------------------------------------------------- IPs
    def to_ip(self, o: Origin, p: Path, ip: IPv4Address, port: int | str,
              proto: str) -> list[PathResult]:
        topo = self.topo
        cluster = topo.cluster
        svc = topo.services_by_ip.get(ip)
        if svc is not None:
            if o.kind == "internet":
                return [p.drop("internet", f"{ip} is the ClusterIP of {svc.namespace}/"
                                           f"{svc.name}, a virtual address inside the cluster; "
                                           "the internet cannot reach it", Reason.NOT_EXPOSED,
                               Blame(svc.ref, "spec.type"), "internet")]
            return self.to_service(o, p, svc, port, proto)
        svc = topo.services_by_lb_ip.get(ip)
        if svc is not None:
            if o.kind == "internet":
                sp = svc.find_port(port, proto)
                if sp is None:
                    return [self.no_port(p, svc, port, proto)]
                eps = service_endpoints(topo, svc, sp)
                self.expose_hop(p, svc, sp, ("lb", None))
                if not eps.endpoints:
                    return [self.no_endpoints(p, svc, eps)]
                return [r for ep in eps.endpoints
                        for r in self.through(o, p.fork(), svc, sp, ("lb", None), ep)]
            assert o.node is not None
            p.add(f"kube-proxy on {o.node.name}",
                  f"{ip} is the LoadBalancer IP of {svc.namespace}/{svc.name}; inside the "
                  "cluster kube-proxy short-circuits it like the ClusterIP (Cluster semantics)",
                  ref=svc.ref)
            sp = svc.find_port(port, proto)
            if sp is None:
                return [self.no_port(p, svc, port, proto)]
            eps = service_endpoints(topo, svc, sp)
            if svc.cluster_ip is None:
                return [self.no_endpoints(p, svc, eps)] if not eps.endpoints else []
            return self.via_cluster_ip(o, p, svc, sp, eps)
        node = topo.nodes_by_ip.get(ip)
        if node is not None:
            return self.to_node(o, p, node, port, proto)
        pod = topo.pods_by_ip.get(ip)
        if pod is not None:
            return [self.to_pod(o, p, pod, port, proto)]
        if isinstance(port, str):
            return [p.drop("client", f'port name "{port}" cannot be resolved for {ip}; names '
                                     "belong to Services and pods", Reason.NOT_LISTENING)]
        private = (ip in cluster.cluster_cidr or ip in cluster.service_cidr
                   or ip in cluster.node_network)
        if o.kind == "internet" and ip in LB_POOL:
            return [p.drop("internet", f"{ip} is in the load-balancer address pool but no "
                                       "LoadBalancer Service holds it: nothing answers",
                           Reason.NOT_EXPOSED, None, "internet")]
        if o.kind == "internet":
            if private:
                return [p.drop("internet", f"{ip} is a private cluster address; the internet "
                                           "has no route to it", Reason.NOT_EXPOSED,
                               None, "internet")]
            p.add("internet", f"{ip} is outside the cluster too; the engine does not model the "
                              "internet between them", "info", ref="internet")
            return [p.arrive(f"reached {ip} without entering the cluster")]
        if ip in cluster.service_cidr:
            return [p.drop(f"kube-proxy on {self.leg(o).start.name}",
                           f"{ip} is in serviceCIDR but no Service has that ClusterIP",
                           Reason.NO_ROUTE, None)]
        return [self.send(o, p, self.leg(o), ip, port, proto, None)]

    # ---------------------------------------------------------------- DNS
    def dns_lookup(self, o: Origin, p: Path, name: str) -> tuple[Answer | None,
                                                                 list[PathResult]]:
        """Resolve ``name`` for ``o``; when cluster DNS is defined the query is a real flow.

        Returns the answer (None when the lookup itself failed) and failed DNS paths.
        """
        topo = self.topo
        kube_dns = topo.kube_dns
        if o.kind == "internet":
            answer = resolve(topo, name, "default")
            if answer.kind != "external":
                p.drop("DNS", f"{name} is a cluster name; resolvers on the internet do not know "
                              "it", Reason.DNS_NXDOMAIN)
                return None, [p.failed(Reason.DNS_NXDOMAIN, f"{name} does not resolve outside "
                                       "the cluster", None)]
            return answer, []
        if o.pod is None:
            self.assume("nodes resolve cluster names as a pod in namespace default would")
        failed: list[PathResult] = []
        if kube_dns is not None:
            dns_paths = self.engine.dns_paths(o)
            ok = [r for r in dns_paths if r.reached]
            bad = [r for r in dns_paths if not r.reached]
            target = f"{kube_dns.cluster_ip or 'kube-dns'}:53/UDP"
            if not ok:
                first = bad[0] if bad else None
                inner = f" ({first.reason.value}: {first.detail})" if first and first.reason \
                    else ""
                if first is not None:
                    p.extend(first.hops[1:])
                    p.facts.extend(first.facts)
                p.hops.append(Hop("cluster DNS", f"the lookup of {name} cannot reach kube-dns "
                                                 f"({target}){inner}", "drop",
                                  ref=kube_dns.ref))
                return None, [p.failed(Reason.DNS_UNREACHABLE,
                                       f"cannot reach cluster DNS at {target}{inner}",
                                       first.blame if first else None)]
            if bad:
                branch = p.fork()
                branch.extend(bad[0].hops[1:])
                branch.facts.extend(bad[0].facts)
                failed.append(branch.failed(Reason.DNS_UNREACHABLE,
                                            f"{len(bad)} of {len(dns_paths)} kube-dns endpoints "
                                            f"are unreachable: {bad[0].detail}", bad[0].blame))
            p.add("cluster DNS", f"query for {name} to kube-dns {target} gets through "
                                 f"({len(ok)} of {len(dns_paths)} endpoints)", ref=kube_dns.ref)
        answer = resolve(topo, name, o.namespace)
        if answer.kind == "nxdomain":
            drop = p.drop("cluster DNS", answer.detail, Reason.DNS_NXDOMAIN)
            return None, [drop, *failed]
        p.add("cluster DNS", answer.detail, "info" if kube_dns is None else "pass")
        return answer, failed

    def to_name(self, o: Origin, p: Path, name: str, port: int | str, proto: str,
                depth: int = 0) -> list[PathResult]:
        answer, failed = self.dns_lookup(o, p, name)
        if answer is None:
            return failed
        return failed + self.to_answer(o, p, answer, port, proto, depth)

    def to_answer(self, o: Origin, p: Path, answer: Answer, port: int | str, proto: str,
                  depth: int) -> list[PathResult]:
        if answer.kind == "external":
            assert answer.ip is not None
            if isinstance(port, str):
                return [p.drop("client", f'port name "{port}" means nothing for an outside '
                                         "server", Reason.NOT_LISTENING)]
            if o.kind == "internet":
                return [p.arrive(f"reached {answer.fqdn} outside the cluster")]
            return [self.send(o, p, self.leg(o), answer.ip, port, proto, None)]
        if answer.kind == "pod":
            assert answer.pod is not None
            return [self.to_pod(o, p, answer.pod, port, proto)]
        svc = answer.service
        assert svc is not None
        if svc.type == "ExternalName":
            if depth >= MAX_CNAME_DEPTH:
                return [p.drop("cluster DNS", "CNAME chain too long", Reason.DNS_NXDOMAIN,
                               Blame(svc.ref, "spec.externalName"))]
            p.add("cluster DNS", f"{svc.name} is an ExternalName: CNAME {svc.external_name}",
                  ref=svc.ref)
            return self.to_name(o, p, f"{svc.external_name}.", port, proto, depth + 1)
        if svc.headless:
            sp = svc.find_port(port, proto)
            if sp is None:
                if isinstance(port, str):
                    return [self.no_port(p, svc, port, proto)]
                sp = SvcPort(-1, None, port, proto, port, None)
            eps = service_endpoints(self.topo, svc, sp) if sp.index >= 0 else \
                self.headless_any(svc, sp)
            if not eps.endpoints:
                return [p.drop("cluster DNS", f"headless Service {svc.name} has no ready "
                                              f"endpoints, so its name has no A records "
                                              f"(NXDOMAIN): {eps.detail}", Reason.DNS_NXDOMAIN,
                               eps.blame, svc.ref)]
            ips = ", ".join(str(ep.ip) for ep in eps.endpoints)
            p.add("cluster DNS", f"headless: A records are the ready pod IPs ({ips})",
                  ref=svc.ref)
            return [self.send(o, p.fork(self.ep_label(p, ep)), self.leg(o), ep.ip, sp.port,
                              proto, None) for ep in eps.endpoints]
        return self.to_service(o, p, svc, port, proto)

    def headless_any(self, svc: ServiceInfo, sp: SvcPort) -> EndpointSet:
        """Endpoints of a headless Service for a port it does not declare (DNS has no ports)."""
        if svc.ports:
            return service_endpoints(self.topo, svc, svc.ports[0])
        if not svc.selector:
            return EndpointSet((), Reason.NO_ENDPOINTS, "no selector and no endpoints",
                               Blame(svc.ref, "spec.selector"))
        pods = [x for x in self.topo.select_by_labels(svc.namespace, dict(svc.selector))
                if x.ready or svc.publish_not_ready]
        if not pods:
            return EndpointSet((), Reason.SELECTOR_MISMATCH, "selector matches no ready pod",
                               Blame(svc.ref, "spec.selector"))
        return EndpointSet(tuple(Endpoint(x.ip, sp.port, x, x.node) for x in pods))

    # ------------------------------------------------------------ ingress
    def ingress_request(self, o: Origin, p: Path, dst: DestRef) -> list[PathResult]:
        topo = self.topo
        host = str(dst.host)
        path = dst.path
        scheme = dst.scheme or "http"
        running = [c for c in topo.controllers if c.pods]
        if not running:
            what = "no IngressClass has running controller pods (args --controller-class=… or " \
                   "annotation k8snet.dev/ingress-controller)" if topo.controllers else \
                "the cluster has no IngressClass, so no ingress controller serves Ingresses"
            return [p.drop("ingress controller", what, Reason.INGRESS_NO_CONTROLLER)]
        exposed: list[tuple[Controller, ServiceInfo, SvcPort]] = []
        blame: Blame | None = None
        for ctrl in running:
            for svc, sp in self.controller_services(ctrl, scheme, dst.port):
                if svc.type in ("NodePort", "LoadBalancer"):
                    exposed.append((ctrl, svc, sp))
                elif blame is None:
                    blame = Blame(svc.ref, "spec.type")
        if not exposed:
            names = ", ".join(c.class_name for c in running)
            return [p.drop("ingress controller", f"the controller for class {names} runs, but no "
                                                 "NodePort or LoadBalancer Service exposes its "
                                                 f"{scheme} port to the internet",
                           Reason.INGRESS_NO_CONTROLLER, blame)]
        choice = exposed[0]
        for ctrl, svc, sp in exposed:
            if controller_match(topo, ctrl, host, path) is not None:
                choice = (ctrl, svc, sp)
                break
        ctrl, svc, sp = choice
        port_arg: int | str = sp.port
        front = self.internet_to_service(o, p, svc, port_arg, sp.protocol)
        reached = [r for r in front if r.reached]
        failed = [r for r in front if not r.reached]
        if not reached:
            return failed
        out: list[PathResult] = list(failed)
        for r in reached:
            last_pod = self.last_pod(r)
            branch = Path(r.hops, r.label)
            if last_pod is None or last_pod.key not in {x.key for x in ctrl.pods}:
                out.append(branch.drop("ingress controller", "the controller Service does not "
                                       "lead to controller pods", Reason.INGRESS_NO_CONTROLLER,
                                       Blame(svc.ref, "spec.selector")))
                continue
            out.extend(self.route_ingress(branch, ctrl, last_pod, host, path))
        return out

    def last_pod(self, r: PathResult) -> PodInfo | None:
        for hop in reversed(r.hops):
            if hop.ref and hop.ref.startswith("pod/"):
                _, ns, name = hop.ref.split("/", 2)
                return self.topo.pods_by_key.get((ns, name))
        return None

    def controller_services(self, ctrl: Controller, scheme: str,
                            explicit: int | str | None) -> list[tuple[ServiceInfo, SvcPort]]:
        """Services exposing a controller's ``scheme`` port (memoised per topology)."""
        key = ("controller_services", ctrl.class_name, scheme, explicit)
        cached = self.topo.memo.get(key)
        if cached is None:
            cached = self._controller_services(ctrl, scheme, explicit)
            self.topo.memo[key] = cached
        result: list[tuple[ServiceInfo, SvcPort]] = cached
        return result

    def _controller_services(self, ctrl: Controller, scheme: str,
                             explicit: int | str | None) -> list[tuple[ServiceInfo, SvcPort]]:
        keys = {p.key for p in ctrl.pods}
        out: list[tuple[ServiceInfo, SvcPort]] = []
        for svc in self.topo.world.services:
            if not svc.selector:
                continue
            selected = self.topo.select_by_labels(svc.namespace, dict(svc.selector))
            if not any(x.key in keys for x in selected):
                continue
            for sp in svc.ports:
                if sp.protocol != "TCP":
                    continue
                if explicit is not None:
                    if explicit in (sp.port, sp.node_port):
                        out.append((svc, sp))
                elif sp.name == scheme or sp.port == (443 if scheme == "https" else 80):
                    out.append((svc, sp))
        return out

    def route_ingress(self, p: Path, ctrl: Controller, pod: PodInfo, host: str,
                      path: str) -> list[PathResult]:
        topo = self.topo
        where = f"ingress controller {pod.namespace}/{pod.name}"
        served = served_by(topo, ctrl)
        match = controller_match(topo, ctrl, host, path)
        if match is None:
            others = [x for x in topo.world.ingresses if x not in served]
            stray = match_request(topo, others, host, path)
            if stray is not None:
                cls = class_of(topo, stray.ingress)
                why = f'asks for class "{cls}"' if cls else _classless_why(topo)
                ref = f"ingress/{stray.ingress.namespace}/{stray.ingress.name}"
                return [p.drop(where, f"Ingress {stray.ingress.namespace}/{stray.ingress.name} "
                                      f"matches {host}{path} but {why}; this controller serves "
                                      f'class "{ctrl.class_name}"',
                               Reason.INGRESS_CLASS_MISMATCH,
                               Blame(ref, "spec.ingressClassName"), ref)]
            same_host = [x for x in served if any(
                r.http is not None and r.host and host_matches(r.host, host)
                for r in x.obj.spec.rules)]
            culprits = same_host or served
            blamed = f"ingress/{culprits[0].namespace}/{culprits[0].name}" if culprits else None
            return [p.drop(where, f"no Ingress rule of class {ctrl.class_name} matches host "
                                  f"{host} path {path} and there is no defaultBackend: 404",
                           Reason.INGRESS_NO_RULE,
                           Blame(blamed, "spec.rules") if blamed else None, blamed or pod.ref)]
        ing = match.ingress
        ing_ref = f"ingress/{ing.namespace}/{ing.name}"
        backend = match.backend
        if backend.service is None:
            return [p.drop(where, f"{match.description}: the backend is not a Service "
                                  "(resource backends are not modelled)",
                           Reason.INGRESS_BACKEND_MISSING, Blame(ing_ref, match.field), ing_ref)]
        svc = topo.services_by_key.get((ing.namespace, backend.service.name))
        if svc is None:
            return [p.drop(where, f"{match.description} → Service {backend.service.name}, "
                                  f"which does not exist in namespace {ing.namespace}",
                           Reason.INGRESS_BACKEND_MISSING,
                           Blame(ing_ref, f"{match.field}.service.name"), ing_ref)]
        bport = backend.service.port
        want: int | str = bport.number if bport.number is not None else str(bport.name)
        sp = svc.find_port(want, "TCP")
        if sp is None:
            return [p.drop(where, f"{match.description} → Service {svc.name} port {want}, "
                                  f"which {svc.name} does not declare",
                           Reason.INGRESS_BACKEND_MISSING,
                           Blame(ing_ref, f"{match.field}.service.port"), ing_ref)]
        p.add(where, f"{match.description} → Service {svc.namespace}/{svc.name} port "
                     f"{sp.name or sp.port}{_admitted_note(topo, ing)}", ref=ing_ref)
        origin = Origin("pod", pod.ip, topo.nodes_by_name[pod.node], pod,
                        f"controller {pod.name}")
        if svc.type == "ExternalName":
            return self.to_name(origin, p, f"{svc.external_name}.", sp.port, "TCP", 1)
        eps = service_endpoints(topo, svc, sp)
        if not eps.endpoints:
            return [self.no_endpoints(p, svc, eps)]
        out = []
        for ep in eps.endpoints:
            branch = p.fork(self.ep_label(p, ep))
            branch.add(where, f"connects from its own pod IP {pod.ip} straight to endpoint "
                              f"{ep.label} (controllers use endpoints, not the ClusterIP)",
                       ref=svc.ref)
            out.append(self.send(origin, branch, Leg(topo.nodes_by_name[pod.node], pod.ip, pod),
                                 ep.ip, ep.port, "TCP", SvcContext(svc, sp, ep)))
        return out


def _classless_why(topo: Topology) -> str:
    defaults = [c.class_name for c in topo.controllers if c.is_default]
    if not defaults:
        return "names no class and no IngressClass is the default"
    return (f'names no class: it was created before "{defaults[0]}" was marked default, and '
            "the DefaultIngressClass admission plugin sets the class only when an Ingress is "
            "created, so it stays without one (set spec.ingressClassName, or re-create it)")


def _admitted_note(topo: Topology, ing: Placed[Ingress]) -> str:
    """Say where a class-less Ingress's class came from: the author never wrote it."""
    if ing.obj.spec.ingressClassName:
        return ""
    admitted = topo.world.admitted.get((ing.namespace, ing.name))
    if admitted is None:
        return ""
    if not admitted.at_start:
        return (f" (it names no class; the admission plugin gave it the default class "
                f'"{admitted.class_name}" when it was created)')
    several = (f"; {admitted.defaults} classes are marked default, the first is assumed"
               if admitted.defaults > 1 else "")
    return (f" (it names no class; taken as created while \"{admitted.class_name}\" was the "
            f"default, so the admission plugin stored that class on it{several})")


@dataclass(frozen=True)
class CheckResult:
    level_id: str
    solved: bool
    traces: list[Trace]

    def to_json(self) -> dict[str, object]:
        return {"level": self.level_id, "solved": self.solved,
                "flows": [t.to_json() for t in self.traces]}


def summarize(name: str, source: str, dest: str, expect: Literal["allow", "deny"],
              paths: Sequence[PathResult], assumptions: Sequence[str]) -> Trace:
    """Fold the per-path results of one flow into its verdict."""
    reached = [p for p in paths if p.reached]
    failed = [p for p in paths if not p.reached]
    total = len(paths)
    if failed and not reached:
        first = failed[0]
        detail = first.detail
        if total > 1:
            detail = f"0 of {total} paths get through; first: {detail}"
        return Trace(name, source, dest, expect, Verdict.DENY, first.reason, detail,
                     first.blame, first.hops, tuple(paths), tuple(assumptions))
    if failed:
        first = failed[0]
        detail = (f"{len(reached)} of {total} paths get through; {first.label or 'one'} fails: "
                  f"{first.detail}")
        return Trace(name, source, dest, expect, Verdict.PARTIAL, first.reason, detail,
                     first.blame, first.hops, tuple(paths), tuple(assumptions))
    if not paths:  # pragma: no cover - every destination yields at least one path
        return Trace(name, source, dest, expect, Verdict.DENY, Reason.NO_ROUTE, "no path",
                     None, (), (), tuple(assumptions))
    detail = reached[0].detail if total == 1 else f"all {total} paths get through"
    return Trace(name, source, dest, expect, Verdict.ALLOW, None, detail, None,
                 reached[0].hops, tuple(paths), tuple(assumptions))


class Engine:
    """Evaluates flows against one state of a level. Build a new one after each edit."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.topo: Topology = build_topology(world)
        self._dns_cache: dict[tuple[str, str], list[PathResult]] = {}

    def dns_paths(self, o: Origin) -> list[PathResult]:
        """The query of ``o`` to kube-dns, evaluated once per source per engine."""
        key = (o.kind, str(o.ip) if o.pod is None else o.pod.ref)
        cached = self._dns_cache.get(key)
        if cached is None:
            kube_dns = self.topo.kube_dns
            assert kube_dns is not None
            run = _Run(self)
            start = run.start(o, "kube-dns")
            if kube_dns.cluster_ip is None and not kube_dns.headless:
                cached = [start.drop("cluster DNS", "kube-dns has no ClusterIP",
                                     Reason.NO_ENDPOINTS, Blame(kube_dns.ref))]
            else:
                cached = run.to_service(o, start, kube_dns, 53, "UDP")
            self._dns_cache[key] = cached
        return cached

    def evaluate(self, flow: FlowSpec) -> Trace:
        return self.trace(flow.from_, flow.to, expect=flow.expect, name=flow.display_name)

    def trace(self, source: str, dest: str, *, expect: Literal["allow", "deny"] = "allow",
              name: str | None = None) -> Trace:
        """Evaluate one flow given as reference strings; raises RefError on bad references."""
        src = parse_source(source)
        dst = parse_dest(dest)
        self._check_refs(src, dst)
        run = _Run(self)
        paths = run.run(src, dst, dest)
        return summarize(name or f"{source} → {dest}", source, dest, expect, paths,
                         run.assumptions)

    def _check_refs(self, src: SourceRef, dst: DestRef) -> None:
        topo = self.topo
        for ref in (src, dst):
            kind = ref.kind
            if kind == "pod" and (ref.namespace, ref.name) not in topo.pods_by_key:
                raise RefError(f"pod {ref.namespace}/{ref.name} does not exist")
            if kind == "workload":
                wref = f"{ref.workload_kind}/{ref.namespace}/{ref.name}"
                if not topo.world.workloads.get(wref):
                    raise RefError(f"{ref.workload_kind} {ref.namespace}/{ref.name} does not "
                                   "exist or has no pods")
            if kind == "node" and ref.name not in topo.nodes_by_name:
                raise RefError(f'node "{ref.name}" does not exist')
            if kind == "service" and (ref.namespace, ref.name) not in topo.services_by_key:
                raise RefError(f"service {ref.namespace}/{ref.name} does not exist")
        if src.kind == "internet" and dst.kind == "localhost":
            raise RefError("localhost needs a pod or node source")

    def evaluate_all(self, flows: Iterable[FlowSpec]) -> list[Trace]:
        return [self.evaluate(f) for f in flows]


def evaluate_level(level: LoadedLevel) -> CheckResult:
    """Evaluate every flow of a loaded level, in file order."""
    engine = Engine(level.world)
    traces = engine.evaluate_all(level.spec.flows)
    return CheckResult(level.spec.id, all(t.ok for t in traces), traces)
