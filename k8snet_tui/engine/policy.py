"""NetworkPolicy: who may talk to whom, decided the way Kubernetes specifies it.

A connection needs the source's egress side and the destination's ingress side
to allow it; each side is isolated only when some policy selecting the pod
lists that direction, and then allowed traffic is the union of every rule of
every such policy. Policies see pod IPs after Service DNAT, and whatever
source address survives SNAT.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Literal

from k8snet_tui.engine.topology import PolicyRef, Topology
from k8snet_tui.model.resources import NetworkPolicyPeer, NetworkPolicyPort
from k8snet_tui.model.world import PodInfo


@dataclass(frozen=True)
class Decision:
    allowed: bool
    isolated: bool
    reason: str  # one sentence for the trace
    policy: PolicyRef | None = None  # the policy to blame when denied, or that allowed it


def _port_matches(rule_ports: Sequence[NetworkPolicyPort] | None, port: int, protocol: str,
                  dst_pod: PodInfo | None) -> bool:
    if not rule_ports:
        return True  # ports missing or empty: every port
    for rp in rule_ports:
        if rp.protocol != protocol:
            continue
        if rp.port is None:
            return True
        if isinstance(rp.port, str):
            # A named port is resolved against the destination pod's container ports.
            named = dst_pod.named_port(rp.port, protocol) if dst_pod is not None else None
            if named is not None and named.port == port:
                return True
            continue
        high = rp.endPort if rp.endPort is not None else rp.port
        if rp.port <= port <= high:
            return True
    return False


def _ip_block_matches(peer: NetworkPolicyPeer, ip: IPv4Address) -> bool:
    block = peer.ipBlock
    assert block is not None
    try:
        if ip not in IPv4Network(block.cidr, strict=False):
            return False
        return not any(ip in IPv4Network(e, strict=False) for e in block.except_)
    except ValueError:
        return False


def _peer_matches(topo: Topology, policy_ns: str, peer: NetworkPolicyPeer, ip: IPv4Address,
                  pod: PodInfo | None) -> bool:
    if peer.ipBlock is not None:
        return _ip_block_matches(peer, ip)  # ipBlock matches any address, pod IPs included
    if pod is None or pod.host_network:
        return False  # selectors only ever match pods (by their pod IP)
    if peer.namespaceSelector is not None:
        if not peer.namespaceSelector.matches(topo.namespace_labels(pod.namespace)):
            return False
    elif pod.namespace != policy_ns:
        return False  # podSelector alone: pods of the policy's own namespace
    return peer.podSelector is None or peer.podSelector.matches(pod.labels)


def _peers_match(topo: Topology, policy_ns: str, peers: Sequence[NetworkPolicyPeer] | None,
                 ip: IPv4Address, pod: PodInfo | None) -> bool:
    if not peers:
        return True  # from/to missing or empty: any peer
    return any(_peer_matches(topo, policy_ns, peer, ip, pod) for peer in peers)


def _describe(policies: Sequence[PolicyRef]) -> str:
    names = [p.ref.split("/", 1)[1] for p in policies]
    if len(names) > 3:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return ", ".join(names)


def _decide(topo: Topology, pod: PodInfo, direction: Literal["ingress", "egress"],
            peer_ip: IPv4Address, port: int, protocol: str) -> Decision:
    """The union of every rule of every policy isolating ``pod`` in ``direction``.

    ``peer_ip`` is the other end as the pod sees it (source for ingress, destination
    for egress); named ports always resolve against the destination pod.
    """
    isolating = topo.ingress_isolating if direction == "ingress" else topo.egress_isolating
    policies = isolating.get(pod.key, ())
    if not policies:
        return Decision(True, False, f"no NetworkPolicy isolates {pod.namespace}/{pod.name} "
                                     f"for {direction}")
    peer_pod = topo.pods_by_ip.get(peer_ip)
    dst_pod = pod if direction == "ingress" else peer_pod
    for ref in policies:
        spec = ref.policy.spec
        rules = [(r.ports, r.from_) for r in spec.ingress or ()] if direction == "ingress" \
            else [(r.ports, r.to) for r in spec.egress or ()]
        for ports, peers in rules:
            if _port_matches(ports, port, protocol, dst_pod) and _peers_match(
                    topo, ref.namespace, peers, peer_ip, peer_pod):
                return Decision(True, True, f"allowed by NetworkPolicy {ref.namespace}/"
                                            f"{ref.name}", ref)
    return Decision(False, True, f"isolated for {direction} by {_describe(policies)}; no rule "
                                 f"allows {peer_ip} on {port}/{protocol}", policies[0])


def ingress_decision(topo: Topology, dst: PodInfo, src_ip: IPv4Address, port: int,
                     protocol: str) -> Decision:
    """May ``src_ip`` open a connection to ``dst`` on ``port``/``protocol``?"""
    node = topo.nodes_by_name[dst.node]
    if src_ip == node.ip and topo.ingress_isolating.get(dst.key):
        return Decision(True, True, f"traffic from the pod's own node ({node.name}, {node.ip}) "
                                    "is always allowed in")
    return _decide(topo, dst, "ingress", src_ip, port, protocol)


def egress_decision(topo: Topology, src: PodInfo, dst_ip: IPv4Address, port: int,
                    protocol: str) -> Decision:
    """May ``src`` open a connection to ``dst_ip`` on ``port``/``protocol``?"""
    return _decide(topo, src, "egress", dst_ip, port, protocol)
