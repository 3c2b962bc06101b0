"""The packet walk: one connection from a node to an address, and its reply.

Source egress policy, routing, the destination's ingress policy, the listening
socket, the way back. Everything that forwards (kube-proxy, DNS, entry points)
ends by handing a packet to ``PacketWalk.send``; NetworkPolicy is checked in
one place, ``PacketWalk.admit``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from ipaddress import IPv4Address

from k8snet_tui.engine.part import Part
from k8snet_tui.engine.path import Leg, Origin, Path, SvcContext, ep_label, pod_blame, pod_port
from k8snet_tui.engine.policy import (
    Direction,
    egress_decision,
    host_network_facts,
    ingress_decision,
)
from k8snet_tui.engine.routing import route_to
from k8snet_tui.engine.services import Endpoint, pod_listens, port_field
from k8snet_tui.engine.trace import Blame, Hop, Packet, PathResult, Reason
from k8snet_tui.model.cluster import Node
from k8snet_tui.model.world import PodInfo


class PacketWalk(Part):
    """Carries packets for one flow evaluation (``Run``)."""

    @staticmethod
    def leg(o: Origin) -> Leg:
        assert o.node is not None
        return Leg(o.node, o.ip, o.policy_pod)

    # ------------------------------------------------------ network policy
    def admit(self, p: Path, pod: PodInfo, direction: Direction, peer_ip: IPv4Address,
              port: int, proto: str) -> PathResult | None:
        """Ask ``pod``'s NetworkPolicies about a connection and record the answer on ``p``:
        the drop when they deny it, None (after a hop naming the policy that let it
        through, when the pod is isolated) when they allow it."""
        decide = ingress_decision if direction == "ingress" else egress_decision
        decision = decide(self.topo, pod, peer_ip, port, proto)
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
            return self.admit(p, leg.policy_pod, "egress", dst_ip, port, proto)
        if o.pod is not None and o.pod.host_network and leg.src_ip == o.ip:
            p.facts.append(host_network_facts(self.topo, o.pod, "egress", dst_ip, port, proto))
        return None

    # -------------------------------------------------------- destinations
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
        number = pod_port(pod, port, proto)
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
        return p.arrive(f"reached localhost:{number}/{proto} in {pod.name}", pod)

    def to_pod(self, o: Origin, p: Path, pod: PodInfo, port: int | str,
               proto: str) -> PathResult:
        number = pod_port(pod, port, proto)
        if number is None:
            return p.drop(f"pod {pod.namespace}/{pod.name}",
                          f'{pod.name} declares no {proto} container port named "{port}"',
                          Reason.NOT_LISTENING, pod_blame(pod, "spec.containers"), pod.ref)
        if o.kind == "internet":
            return p.drop("internet", f"{pod.ip} is a pod IP, private to the cluster: the "
                                      "internet has no route to it (expose it with a Service)",
                          Reason.NOT_EXPOSED, Blame(pod.ref), "internet")
        return self.send(o, p, self.leg(o), pod.ip, number, proto, None)

    def from_proxy(self, p: Path, pod: PodInfo, svc: SvcContext, endpoints: Sequence[Endpoint],
                   where: str, say: Callable[[Endpoint], str]) -> list[PathResult]:
        """A proxy pod (an ingress controller, a gateway) connects from its own pod IP
        straight to each endpoint, so the endpoints' NetworkPolicies see that pod as the
        source; one branch per endpoint, each saying ``say(endpoint)``."""
        node = self.topo.nodes_by_name[pod.node]
        origin = Origin("pod", pod.ip, node, pod, f"proxy {pod.name}")
        leg = Leg(node, pod.ip, pod)
        out = []
        for ep in endpoints:
            branch = p.fork(ep_label(p, ep))
            branch.add(where, say(ep), ref=svc.service.ref)
            out.append(self.send(origin, branch, leg, ep.ip, ep.port, "TCP",
                                 SvcContext(svc.service, svc.port, ep)))
        return out

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
        end: PodInfo | None
        if dst_pod is not None:
            denied = self.admit(p, dst_pod, "ingress", leg.src_ip, port, proto)
            if denied is not None:
                return denied
            denied = self.listen(p, dst_pod, port, proto, svc)
            if denied is not None:
                return denied
            reached = f"reached {dst_pod.name} on {port}/{proto}"
            end = dst_pod
        elif dst_ip == node.ip:
            result = self.host_listen(p, node, port, proto, svc, leg.src_ip)
            if not result.reached:
                return result
            reached = result.detail
            end = result.end
        else:
            blame = svc.endpoint.source if svc is not None and svc.endpoint else None
            return p.drop(f"{node.name} bridge", f"no pod has address {dst_ip}",
                          Reason.NO_ROUTE, blame, f"node/{node.name}")
        back = self.reply(p, node, leg.src_ip)
        if back is not None:
            return back
        return p.arrive(reached, end)

    @staticmethod
    def listen(p: Path, pod: PodInfo, port: int, proto: str,
               svc: SvcContext | None) -> PathResult | None:
        """Is a socket open on ``pod``? None when it is (after saying so on ``p``); the
        drop otherwise, blaming the Service or hand-written endpoint that sent it here."""
        where = f"pod {pod.namespace}/{pod.name}"
        listening = pod_listens(pod, port, proto)
        if listening.ok:
            p.add(where, listening.detail, ref=pod.ref)
            return None
        assert listening.reason is not None
        manual = svc.endpoint.source if svc is not None and svc.endpoint else None
        if manual is not None:
            return p.drop(where, f"{listening.detail}; the hand-written endpoint sends "
                                 f"port {port} here", listening.reason, manual, pod.ref)
        if svc is not None and listening.reason is Reason.NOT_LISTENING:
            sp = svc.port
            return p.drop(where, f"{listening.detail}; the Service sends targetPort "
                                 f"{sp.target_port} here", Reason.TARGET_PORT_MISMATCH,
                          Blame(svc.service.ref, port_field(svc.service, sp, "targetPort")),
                          pod.ref)
        return p.drop(where, listening.detail, listening.reason,
                      pod_blame(pod, "spec.containers"), pod.ref)

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
            return p.arrive(f"reached {pod.name} on {node.name}:{port}", pod)
        forwarded = self.topo.host_ports.get((node.name, port, proto))
        if forwarded is not None:
            pod, container_port = forwarded
            p.add(where, f"hostPort {port} of pod {pod.namespace}/{pod.name}: DNAT to "
                         f"{pod.ip}:{container_port}",
                  before=Packet(str(src_ip), str(node.ip), port, proto),
                  after=Packet(str(src_ip), str(pod.ip), container_port, proto), ref=pod.ref)
            denied = self.admit(p, pod, "ingress", src_ip, container_port, proto)
            if denied is not None:
                return denied
            listening = pod_listens(pod, container_port, proto)
            if not listening.ok:
                assert listening.reason is not None
                return p.drop(f"pod {pod.namespace}/{pod.name}", listening.detail,
                              listening.reason, pod_blame(pod, "spec.containers"), pod.ref)
            return p.arrive(f"reached {pod.name} through hostPort {port}", pod)
        low, high = self.topo.cluster.node_port_range
        if svc is None and not low <= port <= high and p.hops and p.hops[0].ref == "internet":
            return p.drop(where, f"nothing listens on {node.name}:{port}/{proto}, and {port} "
                                 f"is outside the NodePort range {low}-{high}, so no Service "
                                 "can be listening there either",
                          Reason.NODEPORT_OUT_OF_RANGE, Blame(ref), ref)
        return p.drop(where, f"nothing listens on {node.name}:{port}/{proto} (no NodePort, "
                             "host-network pod or hostPort)", Reason.NOT_LISTENING, None, ref)
