"""NetworkPolicy: who may talk to whom, decided the way Kubernetes specifies it.

A connection needs the source's egress side and the destination's ingress side
to allow it; each side is isolated only when some policy selecting the pod
lists that direction, and then allowed traffic is the union of every rule of
every such policy. Policies see pod IPs after Service DNAT, and whatever
source address survives SNAT.

Besides the verdict, a decision carries its facts (``PolicyFacts``): which
policies were consulted and, for a denial, every rule with the part of it that
did not fit (the peer's podSelector, its namespaceSelector, an ipBlock, the
port). The blame goes to the rule that came closest, not to a policy that only
isolates; explanations for a player are written from the same facts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Any, Literal

from k8snet_tui.engine.topology import PolicyRef, Topology
from k8snet_tui.engine.trace import Blame, PolicyCheck, PolicyFacts, RuleCheck, RuleMiss
from k8snet_tui.model.resources import LabelSelector, NetworkPolicyPeer, NetworkPolicyPort
from k8snet_tui.model.world import PodInfo

Direction = Literal["ingress", "egress"]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    isolated: bool
    reason: str  # one sentence for the trace
    policy: PolicyRef | None = None  # the policy to blame when denied, or that allowed it
    facts: PolicyFacts | None = None
    blame: Blame | None = None  # when denied: the policy and the field that came closest


# ------------------------------------------------------------------ words

def selector_text(selector: LabelSelector) -> str:
    """``app=api,tier in (a,b)`` — a selector the way ``kubectl describe`` writes it."""
    terms = [f"{k}={v}" for k, v in selector.matchLabels.items()]
    for req in selector.matchExpressions:
        if req.operator == "In":
            terms.append(f"{req.key} in ({','.join(req.values)})")
        elif req.operator == "NotIn":
            terms.append(f"{req.key} notin ({','.join(req.values)})")
        elif req.operator == "Exists":
            terms.append(req.key)
        else:
            terms.append(f"!{req.key}")
    return ",".join(terms)


def _labels_text(labels: Mapping[str, str], selector: LabelSelector | None) -> str:
    """The labels that matter for ``selector`` (all of them when it names none present)."""
    keys = [] if selector is None else [*selector.matchLabels,
                                        *(r.key for r in selector.matchExpressions)]
    shown = {k: v for k, v in labels.items() if k in keys}
    if shown:
        return "carries " + ", ".join(f"{k}={v}" for k, v in shown.items())
    if not labels:
        return "carries no labels"
    listed = ", ".join(f"{k}={v}" for k, v in list(labels.items())[:4])
    more = f" and {len(labels) - 4} more" if len(labels) > 4 else ""
    named = f"no {keys[0]} label" if keys else "other labels"
    return f"carries {named} (it has {listed}{more})"


def peer_text(peer: NetworkPolicyPeer, policy_ns: str) -> str:
    """One peer in words: ``pods app=api``, ``every pod in namespaces team=shop`` …"""
    if peer.ipBlock is not None:
        excepts = f" except {', '.join(peer.ipBlock.except_)}" if peer.ipBlock.except_ else ""
        return f"{peer.ipBlock.cidr}{excepts}"
    pods = peer.podSelector
    if peer.namespaceSelector is None:
        assert pods is not None
        if pods.is_empty():
            return f"any pod in {policy_ns} (empty podSelector)"
        return f"pods {selector_text(pods)}"
    ns = ("any namespace (empty namespaceSelector)" if peer.namespaceSelector.is_empty()
          else f"namespaces {selector_text(peer.namespaceSelector)}")
    if pods is None or pods.is_empty():
        return f"every pod in {ns}"
    return f"pods {selector_text(pods)} in {ns}"


def _one_port_text(rp: NetworkPolicyPort) -> str:
    if rp.port is None:
        return f"any {rp.protocol} port"
    if isinstance(rp.port, str):
        return f'port "{rp.port}"/{rp.protocol}'
    if rp.endPort is not None:
        return f"{rp.port}-{rp.endPort}/{rp.protocol}"
    return f"{rp.port}/{rp.protocol}"


def ports_text(ports: Sequence[NetworkPolicyPort] | None) -> str:
    if not ports:
        return "any port"
    return ", ".join(_one_port_text(rp) for rp in ports)


def rule_text(direction: Direction, peers: Sequence[NetworkPolicyPeer] | None,
              ports: Sequence[NetworkPolicyPort] | None, policy_ns: str) -> str:
    """``from pods app=api on 5432/TCP``; ``to anywhere on any port``."""
    word = "from" if direction == "ingress" else "to"
    who = " or ".join(peer_text(p, policy_ns) for p in peers) if peers else "anywhere"
    return f"{word} {who} on {ports_text(ports)}"


# --------------------------------------------------------------- matching

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


# ------------------------------------------------------ why a rule missed

def _peer_misses(topo: Topology, policy_ns: str, peer: NetworkPolicyPeer, field: str,
                 ip: IPv4Address, pod: PodInfo | None, who: str) -> list[RuleMiss]:
    """Every part of ``peer`` that does not take in the other end (empty: it matches)."""
    block = peer.ipBlock
    if block is not None:
        try:
            cidr = IPv4Network(block.cidr, strict=False)
            if ip not in cidr:
                address = who if who.startswith(str(ip)) or str(ip) in who else f"{who} ({ip})"
                note = ""
                if cidr.subnet_of(topo.cluster.service_cidr):
                    note = (" (policies see the pod address after Service DNAT, never a "
                            "ClusterIP)")
                return [RuleMiss("ipblock", f"{field}.ipBlock.cidr",
                                 lambda: (block.cidr, f"{address} is outside {block.cidr}{note}"))]
            hit = next((e for e in block.except_ if ip in IPv4Network(e, strict=False)), None)
        except ValueError:
            return [RuleMiss("ipblock", f"{field}.ipBlock",
                             lambda: (block.cidr, "the ipBlock is not a valid CIDR"))]
        if hit is not None:
            return [RuleMiss("except", f"{field}.ipBlock.except",
                             lambda: (peer_text(peer, policy_ns),
                                      f"{who} falls in the except {hit}"))]
        return []
    if pod is None or pod.host_network:
        what = "a host-network pod (it uses its node's address)" if pod is not None \
            else "not a pod"
        return [RuleMiss("not-a-pod", field, lambda: (
            peer_text(peer, policy_ns), f"{who} is {what}, and selectors only match pod IPs"))]
    misses: list[RuleMiss] = []
    ns_sel = peer.namespaceSelector
    if ns_sel is not None:
        labels = topo.namespace_labels(pod.namespace)
        if not ns_sel.matches(labels):
            misses.append(RuleMiss("namespace", f"{field}.namespaceSelector", lambda: (
                f"namespaces {selector_text(ns_sel)}",
                f"namespace {pod.namespace} {_labels_text(labels, ns_sel)}")))
    elif pod.namespace != policy_ns:
        misses.append(RuleMiss("namespace", field, lambda: (
            f"pods of namespace {policy_ns}",
            f"{who} is in namespace {pod.namespace}, and a podSelector alone means pods of "
            f"{policy_ns}")))
    if peer.podSelector is not None and not peer.podSelector.matches(pod.labels):
        selector = peer.podSelector
        misses.append(RuleMiss("pods", f"{field}.podSelector", lambda: (
            f"pods {selector_text(selector)}", f"{who} {_labels_text(pod.labels, selector)}")))
    return misses


def _cost(misses: Sequence[RuleMiss]) -> int:
    return sum(3 if m.part == "not-a-pod" else 1 for m in misses)


def _check_rule(topo: Topology, ref: PolicyRef, direction: Direction, index: int,
                peers: Sequence[NetworkPolicyPeer] | None,
                ports: Sequence[NetworkPolicyPort] | None, ip: IPv4Address,
                peer_pod: PodInfo | None, dst_pod: PodInfo | None, port: int, protocol: str,
                who: str) -> RuleCheck:
    field = f"spec.{direction}[{index}]"
    text_key = (ref.ref, direction, index)
    allows = topo.rule_texts.get(text_key)
    if allows is None:  # the words of a rule depend on the rule only: written once
        allows = topo.rule_texts[text_key] = rule_text(direction, peers, ports, ref.namespace)
    peer_misses: list[RuleMiss] = []
    matched_peer: str | None = "anywhere" if not peers else None
    if peers:
        key = "from" if direction == "ingress" else "to"
        best: list[RuleMiss] | None = None
        for j, peer in enumerate(peers):
            found = _peer_misses(topo, ref.namespace, peer, f"{field}.{key}[{j}]", ip,
                                 peer_pod, who)
            if not found:
                matched_peer = peer_text(peer, ref.namespace)
                best = []
                break
            if best is None or _cost(found) < _cost(best):
                best = found
        peer_misses = best or []
    port_misses: list[RuleMiss] = []
    if not _port_matches(ports, port, protocol, dst_pod):
        named = [rp.port for rp in ports or () if isinstance(rp.port, str)
                 and rp.protocol == protocol]
        note = ""
        if named and dst_pod is not None:
            unresolved = [n for n in named if dst_pod.named_port(n, protocol) is None]
            if unresolved:
                note = (f"; {dst_pod.namespace}/{dst_pod.name} declares no {protocol} port "
                        f'named "{unresolved[0]}"')
        port_misses.append(RuleMiss("port", f"{field}.ports", lambda: (
            ports_text(ports), f"the connection is to {port}/{protocol}{note}")))
    misses = (*peer_misses, *port_misses)
    return RuleCheck(index, field, allows, misses, None if misses else matched_peer)


def _rules(ref: PolicyRef, direction: Direction
           ) -> list[tuple[Sequence[NetworkPolicyPeer] | None,
                           Sequence[NetworkPolicyPort] | None]]:
    spec = ref.policy.spec
    if direction == "ingress":
        return [(r.from_, r.ports) for r in spec.ingress or ()]
    return [(r.to, r.ports) for r in spec.egress or ()]


def _facts(topo: Topology, pod: PodInfo, direction: Direction, peer_ip: IPv4Address,
           port: int, protocol: str, **outcome: Any) -> PolicyFacts:
    """The facts every decision starts from: who, which way, which port; ``outcome``
    gives the rest (``allowed`` defaults to True). Built in one go: ``replace`` on a
    frozen dataclass costs more than the decision itself on a big cluster."""
    peer = topo.pods_by_ip.get(peer_ip)
    if peer is not None and peer.host_network:
        peer = None
    return PolicyFacts(direction, f"{pod.namespace}/{pod.name}", pod.ref,
                       peer_words(topo, peer_ip, peer), port, protocol,
                       outcome.pop("allowed", True),
                       pod_owner=pod.owner, peer_ref=peer.ref if peer is not None else None,
                       peer_owner=peer.owner if peer is not None else None,
                       peer_ip=str(peer_ip), **outcome)


def _implied_ingress(ref: PolicyRef) -> bool:
    """An egress policy written without ``policyTypes``: Ingress is implied, so it isolates
    its pods for ingress too, with no ingress rule to let anything in."""
    spec = ref.policy.spec
    return spec.policyTypes is None and not spec.ingress and bool(spec.egress)


def peer_words(topo: Topology, ip: IPv4Address, pod: PodInfo | None) -> str:
    """The other end of a connection, as a player knows it."""
    if pod is not None and not pod.host_network:
        return f"{pod.namespace}/{pod.name}"
    node = topo.nodes_by_ip.get(ip)
    if node is not None:
        return f"node {node.name} ({ip})"
    return str(ip)


def _describe(policies: Sequence[PolicyRef]) -> str:
    names = [p.ref.split("/", 1)[1] for p in policies]
    if len(names) > 3:
        return ", ".join(names[:3]) + f" and {len(names) - 3} more"
    return ", ".join(names)


def closest_text(check: PolicyCheck, rule: RuleCheck) -> str:
    """``shop/db-allow-api rule 0 allows from pods app=api on 5432/TCP, but shop/web-0
    carries app=web``: the near miss in one sentence."""
    name = check.ref.split("/", 1)[1]
    actual = ", and ".join(m.actual for m in rule.misses)
    return f"{name} rule {rule.index} allows {rule.allows}, but {actual}"


def _decide(topo: Topology, pod: PodInfo, direction: Direction,
            peer_ip: IPv4Address, port: int, protocol: str) -> Decision:
    """The union of every rule of every policy isolating ``pod`` in ``direction``.

    ``peer_ip`` is the other end as the pod sees it (source for ingress, destination
    for egress); named ports always resolve against the destination pod. A state's
    topology never changes, so each question is answered once (many flows, and every
    endpoint path of a Service, ask the same one).
    """
    key = (pod.key, direction, peer_ip, port, protocol)
    cached = topo.policy_decisions.get(key)
    if cached is None:
        cached = topo.policy_decisions[key] = _decide_uncached(topo, pod, direction, peer_ip,
                                                               port, protocol)
    return cached


def _decide_uncached(topo: Topology, pod: PodInfo, direction: Direction,
                     peer_ip: IPv4Address, port: int, protocol: str) -> Decision:
    isolating = topo.ingress_isolating if direction == "ingress" else topo.egress_isolating
    policies = isolating.get(pod.key, ())
    peer_pod = topo.pods_by_ip.get(peer_ip)
    who = peer_words(topo, peer_ip, peer_pod)
    if not policies:
        return Decision(True, False, f"no NetworkPolicy isolates {pod.namespace}/{pod.name} "
                                     f"for {direction}",
                        facts=_facts(topo, pod, direction, peer_ip, port, protocol,
                                     exempt="not-isolated"))
    consulted = tuple(p.ref for p in policies)
    dst_pod = pod if direction == "ingress" else peer_pod
    for ref in policies:
        for index, (peers, ports) in enumerate(_rules(ref, direction)):
            if _port_matches(ports, port, protocol, dst_pod) and _peers_match(
                    topo, ref.namespace, peers, peer_ip, peer_pod):
                rule = _check_rule(topo, ref, direction, index, peers, ports, peer_ip,
                                   peer_pod, dst_pod, port, protocol, who)
                check = PolicyCheck(ref.ref, (rule,))
                return Decision(True, True, f"allowed by NetworkPolicy {ref.namespace}/"
                                            f"{ref.name} (rule {index}: {rule.allows})", ref,
                                _facts(topo, pod, direction, peer_ip, port, protocol,
                                       policies=(check,), consulted=consulted))
    checks = tuple(
        PolicyCheck(ref.ref, tuple(
            _check_rule(topo, ref, direction, index, peers, ports, peer_ip, peer_pod, dst_pod,
                        port, protocol, who)
            for index, (peers, ports) in enumerate(_rules(ref, direction))),
            implied=direction == "ingress" and _implied_ingress(ref))
        for ref in policies)
    denied = _facts(topo, pod, direction, peer_ip, port, protocol, allowed=False,
                    policies=checks, consulted=consulted)
    reason = (f"isolated for {direction} by {_describe(policies)}; no rule allows {who} on "
              f"{port}/{protocol}")
    near = denied.near_misses()
    blamed = policies[0]
    blame = Blame(blamed.ref, f"spec.{direction}")
    if near:
        check, rule = near[0]
        blamed = next(p for p in policies if p.ref == check.ref)
        blame = Blame(check.ref, rule.misses[0].field)
        reason += f" (closest: {closest_text(check, rule)})"
    elif any(c.implied for c in checks):
        implied = next(c for c in checks if c.implied)
        blamed = next(p for p in policies if p.ref == implied.ref)
        blame = Blame(implied.ref, "spec.policyTypes")
        reason += (f" ({implied.ref.split('/', 1)[1]} has egress rules but no policyTypes, so "
                   "Ingress is implied and it allows no ingress)")
    elif all(c.deny_all for c in checks):
        reason += " (none of them has a rule)"
    return Decision(False, True, reason, blamed, denied, blame)


def ingress_decision(topo: Topology, dst: PodInfo, src_ip: IPv4Address, port: int,
                     protocol: str) -> Decision:
    """May ``src_ip`` open a connection to ``dst`` on ``port``/``protocol``?"""
    node = topo.nodes_by_name[dst.node]
    if src_ip == node.ip and topo.ingress_isolating.get(dst.key):
        facts = _facts(topo, dst, "ingress", src_ip, port, protocol, exempt="own-node",
                       consulted=tuple(p.ref for p in topo.ingress_isolating[dst.key]))
        return Decision(True, True, f"traffic from the pod's own node ({node.name}, {node.ip}) "
                                    "is always allowed in", facts=facts)
    return _decide(topo, dst, "ingress", src_ip, port, protocol)


def egress_decision(topo: Topology, src: PodInfo, dst_ip: IPv4Address, port: int,
                    protocol: str) -> Decision:
    """May ``src`` open a connection to ``dst_ip`` on ``port``/``protocol``?"""
    return _decide(topo, src, "egress", dst_ip, port, protocol)


def host_network_facts(topo: Topology, pod: PodInfo, direction: Direction,
                       peer_ip: IPv4Address, port: int, protocol: str) -> PolicyFacts:
    """Facts for a host-network pod: NetworkPolicies never apply to it."""
    return _facts(topo, pod, direction, peer_ip, port, protocol, exempt="host-network")
