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


def ingress_decision(topo: Topology, dst: PodInfo, src_ip: IPv4Address, port: int,
                     protocol: str) -> Decision:
    """May ``src_ip`` open a connection to ``dst`` on ``port``/``protocol``?"""
    policies = topo.ingress_isolating.get(dst.key, ())
    if not policies:
        return Decision(True, False, f"no NetworkPolicy isolates {dst.namespace}/{dst.name} "
                                     "for ingress")
    node = topo.nodes_by_name[dst.node]
    if src_ip == node.ip:
        return Decision(True, True, f"traffic from the pod's own node ({node.name}, {node.ip}) "
                                    "is always allowed in")
    src_pod = topo.pods_by_ip.get(src_ip)
    for ref in policies:
        for rule in ref.policy.spec.ingress or ():
            if _port_matches(rule.ports, port, protocol, dst) and _peers_match(
                    topo, ref.namespace, rule.from_, src_ip, src_pod):
                return Decision(True, True, f"allowed by NetworkPolicy {ref.namespace}/"
                                            f"{ref.name}", ref)
    return Decision(False, True, f"isolated for ingress by {_describe(policies)}; no rule "
                                 f"allows {src_ip} on {port}/{protocol}", policies[0])


def egress_decision(topo: Topology, src: PodInfo, dst_ip: IPv4Address, port: int,
                    protocol: str) -> Decision:
    """May ``src`` open a connection to ``dst_ip`` on ``port``/``protocol``?"""
    policies = topo.egress_isolating.get(src.key, ())
    if not policies:
        return Decision(True, False, f"no NetworkPolicy isolates {src.namespace}/{src.name} "
                                     "for egress")
    dst_pod = topo.pods_by_ip.get(dst_ip)
    for ref in policies:
        for rule in ref.policy.spec.egress or ():
            if _port_matches(rule.ports, port, protocol, dst_pod) and _peers_match(
                    topo, ref.namespace, rule.to, dst_ip, dst_pod):
                return Decision(True, True, f"allowed by NetworkPolicy {ref.namespace}/"
                                            f"{ref.name}", ref)
    return Decision(False, True, f"isolated for egress by {_describe(policies)}; no rule "
                                 f"allows {dst_ip} on {port}/{protocol}", policies[0])
