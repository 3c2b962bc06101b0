"""One line under a flow's verdict that leads to the fix — and only to fixes the level allows.

The engine states the facts of a NetworkPolicy decision neutrally (every policy
that isolates the pod, each rule and the part of it that missed; or why no
policy applied at all) and of how the internet got in. This module words them
for a player and refines the engine's blame with the level's locks:

- a flow that policy wrongly denies blames the *editable* policy whose rule
  nearly matches, naming the part that misses, or — when no editable policy
  comes close — says so and points at the pod's policies as a group (or at
  creating one, when the puzzle allows it); never at a policy the level locks;
- a flow that gets through where the level expects it blocked says why nothing
  stopped it, with the object that should stop it as ``ref`` (so the level
  screen's ``e`` can open it).

Call ``explain`` once per flow and state; it is pure and cheap.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from k8snet_tui.engine.trace import (
    Exposure,
    NeedsGrant,
    PathResult,
    PolicyCheck,
    PolicyFacts,
    Reason,
    Routed,
    RuleCheck,
    RuleMiss,
    Trace,
    Verdict,
)
from k8snet_tui.game.locks import editable_fields
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import NetworkPolicy, resource_ref

POLICY_REASONS = frozenset({Reason.POLICY_DENIED_INGRESS, Reason.POLICY_DENIED_EGRESS})


@dataclass(frozen=True)
class Explanation:
    """What to tell the player about one flow, and which object it is about.

    ``fix`` is True when ``ref``/``field`` is the thing to change (and the level lets
    the player change it); False when it only names what blocks or admits the flow,
    or when there is nothing of the level's to open. ``create`` names the kind of
    object the fix is instead ("NetworkPolicy"), so the game can offer a new one.
    """

    text: str
    ref: str | None = None
    field: str | None = None
    fix: bool = False
    create: str | None = None


# ------------------------------------------------------------------ locks

def may_edit(level: LoadedLevel, ref: str, field: str | None = None, *,
             original: Collection[str] | None = None) -> bool:
    """Can the player change ``field`` of ``ref`` (any field of it, when None)?

    Only objects of the level: what a controller generates (a Gateway's proxy pod and
    Service) is changed through the object that generates it."""
    if not ref.startswith("node/") and ref not in level.world.refs:
        return False
    fields = editable_fields(level, ref, original=original)
    if fields is None:
        return False
    if not fields or field is None:
        return True
    return any(field == f or field.startswith((f"{f}.", f"{f}[")) for f in fields)


def may_create_policy(level: LoadedLevel) -> bool:
    puzzle = level.spec.puzzle
    return puzzle is None or "networkpolicy" in {k.lower() for k in puzzle.create}


def _name(ref: str) -> str:
    """``networkpolicy/shop/db`` → ``shop/db``."""
    return ref.split("/", 1)[1] if "/" in ref else ref


def _namespace(who: str | None) -> str | None:
    """The namespace of ``pod/NS/NAME`` or ``NS/NAME``."""
    if who is None:
        return None
    parts = who.split("/")
    return parts[-2] if len(parts) >= 2 else None


def _word(direction: str) -> str:
    return "from" if direction == "ingress" else "to"


# ---------------------------------------------------------------- denials

def _rule_sentence(check: PolicyCheck, rule: RuleCheck) -> str:
    actual = ", and ".join(m.actual for m in rule.misses)
    return f"{check.ref} rule {rule.index} allows {rule.allows}, but {actual}"


ADVICE = {
    "pods": "its podSelector",
    "namespace": "its namespaceSelector",
    "not-a-pod": "that peer (selectors match only pods; an address needs an ipBlock)",
    "ipblock": "the ipBlock's cidr",
    "except": "the ipBlock's except list",
    "port": "its ports",
}


def _advice(miss: RuleMiss) -> str:
    """What to change for the first part that misses."""
    if miss.part == "namespace" and not miss.field.endswith("namespaceSelector"):
        return "add a namespaceSelector to that same peer"
    return f"change {ADVICE[miss.part]}"


def _label_fix(level: LoadedLevel, facts: PolicyFacts, check: PolicyCheck, rule: RuleCheck,
               original: Collection[str] | None) -> Explanation | None:
    """A locked near-miss policy whose only miss is a label the player may change."""
    if len(rule.misses) != 1:
        return None
    miss = rule.misses[0]
    peer_ns = _namespace(facts.peer_ref)
    if miss.part == "namespace" and miss.field.endswith("namespaceSelector") and peer_ns:
        ref = f"namespace/{peer_ns}"
        if may_edit(level, ref, "metadata.labels", original=original):
            return Explanation(f"{_rule_sentence(check, rule)}: the policy is locked here, so "
                               f"label namespace {peer_ns} to match", ref, "metadata.labels",
                               True)
    if miss.part == "pods" and facts.peer_ref is not None:
        owner = facts.peer_owner
        target, field = (owner, "spec.template.metadata.labels") if owner else \
            (facts.peer_ref, "metadata.labels")
        if may_edit(level, target, field, original=original):
            return Explanation(f"{_rule_sentence(check, rule)}: the policy is locked here, so "
                               f"relabel {_name(target)}'s pods to match", target, field, True)
    return None


def _group(level: LoadedLevel, facts: PolicyFacts, original: Collection[str] | None,
           closest: tuple[PolicyCheck, RuleCheck] | None) -> Explanation:
    """No editable policy comes close: say so, and point at the pod's policies as a group."""
    word = _word(facts.direction)
    text = (f"no NetworkPolicy selecting {facts.pod} allows {word} {facts.peer} on "
            f"{facts.port}/{facts.protocol}")
    if closest is not None:
        text += f" (the closest, {closest[0].ref} rule {closest[1].index}, is locked)"
    editable = [c for c in facts.policies if may_edit(level, c.ref, f"spec.{facts.direction}",
                                                      original=original)]
    widenable = [c for c in editable if not c.deny_all]
    field = f"spec.{facts.direction}"
    if may_create_policy(level):
        if widenable:
            names = ", ".join(c.ref for c in widenable[:2])
            return Explanation(f"{text}: add one, or widen {names}", widenable[0].ref, field,
                               True)
        return Explanation(f"{text}: add one (create a NetworkPolicy that selects "
                           f"{facts.pod} and allows this)", create="NetworkPolicy")
    if widenable:
        names = ", ".join(c.ref for c in widenable[:2])
        return Explanation(f"{text}: widen {names}", widenable[0].ref, field, True)
    if editable:
        return Explanation(f"{text}: {editable[0].ref} isolates it with no rule at all; add one "
                           f"there only if this traffic should reach {facts.pod}",
                           editable[0].ref, field, True)
    return Explanation(f"{text}, and none of its policies may be edited here: the fix is "
                       "elsewhere (labels, namespaces or the port)")


def _denial(level: LoadedLevel, facts: PolicyFacts, original: Collection[str] | None
            ) -> Explanation:
    """A connection NetworkPolicy denied and the level wants allowed: what to change."""
    for check in facts.policies:
        if check.implied and may_edit(level, check.ref, "spec.policyTypes",
                                      original=original):
            return Explanation(
                f"{check.ref} has egress rules but no policyTypes, so Ingress is implied and "
                f"it isolates {facts.pod} for ingress with no rule that allows anything in: "
                "list its policyTypes", check.ref, "spec.policyTypes", True)
    near = facts.near_misses()
    for check, rule in near:
        miss: RuleMiss = rule.misses[0]
        if may_edit(level, check.ref, miss.field, original=original):
            return Explanation(f"{_rule_sentence(check, rule)}: {_advice(miss)}", check.ref,
                               miss.field, True)
    for check, rule in near:
        relabel = _label_fix(level, facts, check, rule, original)
        if relabel is not None:
            return relabel
    return _group(level, facts, original, near[0] if near else None)


def _blocked(facts: PolicyFacts) -> Explanation:
    """A connection NetworkPolicy denied, as the level wants: what keeps it out."""
    word = _word(facts.direction)
    near = facts.near_misses()
    if near:
        check, rule = near[0]
        return Explanation(f"blocked as intended: {_rule_sentence(check, rule)}", check.ref,
                           rule.misses[0].field)
    first = facts.policies[0].ref if facts.policies else None
    return Explanation(f"blocked as intended: no NetworkPolicy selecting {facts.pod} allows "
                       f"{word} {facts.peer} on {facts.port}/{facts.protocol}", first,
                       f"spec.{facts.direction}" if first else None)


def _denied_facts(path: PathResult) -> PolicyFacts | None:
    return next((f for f in reversed(path.policy_facts) if not f.allowed), None)


# ------------------------------------------------------------ admissions

@dataclass(frozen=True)
class _Clause:
    """One reason a flow got through, and the fields of ``ref`` that could stop it
    (the first one the level lets the player edit is the one offered)."""

    text: str
    ref: str | None
    fields: tuple[str, ...] = ()


def _policies_in(level: LoadedLevel, namespace: str | None, direction: str) -> list[str]:
    """The NetworkPolicies of ``namespace`` that isolate for ``direction``."""
    out = []
    for r in level.spec.resources:
        if not isinstance(r, NetworkPolicy) or (r.metadata.namespace or "default") != namespace:
            continue
        ingress, egress = r.spec.effective_policy_types()
        if ingress if direction == "ingress" else egress:
            out.append(resource_ref(r))
    return out


def _policy_clause(level: LoadedLevel, facts: PolicyFacts, exposures: list[Exposure],
                   original: Collection[str] | None) -> _Clause | None:
    if facts.exempt == "host-network":
        target = facts.pod_owner or facts.pod_ref
        field = "spec.template.spec.hostNetwork" if facts.pod_owner else "spec.hostNetwork"
        return _Clause(f"{facts.pod} runs on the host network, and host-network pods are not "
                       "subject to NetworkPolicy", target, (field,))
    if facts.exempt == "own-node":
        text = (f"the traffic reaches {facts.pod} from {facts.peer}, the pod's own node, and "
                "traffic from a pod's own node is always allowed in")
        if exposures:
            return _Clause(f"{text} (with externalTrafficPolicy: Cluster kube-proxy replaces "
                           "the client's address with the node's)", exposures[0].ref,
                           ("spec.externalTrafficPolicy",))
        return _Clause(text, None)
    if facts.exempt == "not-isolated":
        if facts.direction == "ingress":
            text = f"no NetworkPolicy selects {facts.pod} for ingress, so every source is " \
                   "allowed in"
        else:
            text = f"no NetworkPolicy selects {facts.pod} for egress, so it may connect anywhere"
        if may_create_policy(level):
            return _Clause(f"{text} (create one to isolate it)", None)
        ns = _namespace(facts.pod_ref)
        nearby = [r for r in _policies_in(level, ns, facts.direction)
                  if may_edit(level, r, "spec.podSelector", original=original)]
        if nearby:
            return _Clause(f"{text} (could the podSelector of {nearby[0]} take it in?)",
                           nearby[0], ("spec.podSelector",))
        return _Clause(text, None)
    admitted = facts.admitted
    if admitted is None:
        return None
    check, rule = admitted
    extra = ""
    if rule.peer and " or " in rule.allows:
        extra = f" (the peer that matches: {rule.peer})"
    if rule.peer and rule.peer[:1].isdigit() and facts.peer_ref is not None:
        extra = (f" (an ipBlock matches pod IPs too: {facts.peer} is {facts.peer_ip}, inside "
                 "it and in none of its excepts)")
    return _Clause(f"{check.ref} rule {rule.index} allows {rule.allows}{extra}", check.ref,
                   (rule.field,))


def _exposure_clause(exposure: Exposure) -> _Clause:
    if exposure.kind == "LoadBalancer":
        return _Clause(f"{exposure.ref} is a LoadBalancer, so the internet reaches it at "
                       f"{exposure.address}", exposure.ref,
                       ("spec.type", "spec.loadBalancerSourceRanges"))
    if exposure.service_type == "LoadBalancer":
        return _Clause(f"{exposure.ref} is a LoadBalancer, and its NodePort is open on public "
                       f"node {exposure.node} ({exposure.address}), so the internet reaches it "
                       "there", exposure.ref,
                       ("spec.allocateLoadBalancerNodePorts", "spec.ports", "spec.type"))
    return _Clause(f"{exposure.ref} is a NodePort Service, open on public node {exposure.node} "
                   f"({exposure.address}), so the internet reaches it", exposure.ref,
                   ("spec.type", "spec.ports"))


def _editable_field(level: LoadedLevel, clause: _Clause,
                    original: Collection[str] | None) -> str | None:
    if clause.ref is None:
        return None
    return next((f for f in clause.fields
                 if may_edit(level, clause.ref, f, original=original)), None)


def _admission(level: LoadedLevel, trace: Trace, path: PathResult,
               original: Collection[str] | None) -> Explanation:
    """A flow that got through where the level expects it blocked: why nothing stopped it."""
    exposures = [f for f in path.facts if isinstance(f, Exposure)]
    facts = path.policy_facts
    ordered = [f for f in facts if f.exempt == "own-node"] + \
        [f for f in facts if f.direction == "ingress" and f.exempt != "own-node"] + \
        [f for f in facts if f.direction == "egress"]
    written: list[tuple[_Clause, PolicyFacts]] = []
    for pf in _dedupe(ordered):
        clause = _policy_clause(level, pf, exposures, original)
        if clause is not None and clause.text not in {c.text for c, _ in written}:
            written.append((clause, pf))
    # A source no policy selects for egress is the default, not news: it is kept only
    # when it is the whole story.
    loud = [c for c, pf in written if not (pf.direction == "egress"
                                           and pf.exempt == "not-isolated")]
    clauses = loud or [c for c, _ in written]
    if exposures and trace.source.startswith("internet"):
        own_node = bool(clauses) and ordered[0].exempt == "own-node"
        clauses.insert(1 if own_node else 0, _exposure_clause(exposures[0]))
    routed = [f for f in path.facts if isinstance(f, Routed)]
    if routed:  # the rule that took the request says more than how the gateway is exposed
        last = routed[-1]
        fields = (last.field, *([last.parent] if last.parent else []), "spec.hostnames",
                  "spec.rules")
        clauses.insert(0, _Clause(last.text, last.ref, fields))
    if not clauses:
        hop = next((h for h in reversed(path.hops) if h.verdict == "pass" and h.ref), None)
        return Explanation(f"nothing on the way stops it: {path.detail}",
                           hop.ref if hop is not None else None)
    chosen = next(((c, f) for c in clauses
                   if (f := _editable_field(level, c, original)) is not None), None)
    if chosen is None:
        first = clauses[0]
        return Explanation("gets through: " + "; and ".join(c.text for c in clauses[:2]),
                           first.ref, first.fields[0] if first.fields else None)
    clause, field = chosen
    others = [c for c in clauses if c is not clause][:1]
    return Explanation("gets through: " + "; and ".join(c.text for c in [clause, *others]),
                       clause.ref, field, True)


def _grant(level: LoadedLevel, need: NeedsGrant,
           original: Collection[str] | None) -> Explanation:
    """A cross-namespace reference: the fix is a ReferenceGrant in the target's namespace,
    never the referring object (moving it changes what it is)."""
    text = (f"{need.to_kind} {need.to_namespace}/{need.to_name} is in another namespace: only "
            f"a ReferenceGrant in {need.to_namespace} from {need.from_kind}s in "
            f"{need.from_namespace} to it lets the reference through")
    puzzle = level.spec.puzzle
    if puzzle is None or "referencegrant" in {k.lower() for k in puzzle.create}:
        return Explanation(f"{text}: add one (create a ReferenceGrant in {need.to_namespace})",
                           create="ReferenceGrant")
    there = [f"referencegrant/{g.namespace}/{g.name}" for g in level.world.reference_grants
             if g.namespace == need.to_namespace]
    editable = [r for r in there if may_edit(level, r, "spec.from", original=original)]
    if editable:
        return Explanation(f"{text}: widen {editable[0]}", editable[0], "spec.from", True)
    return Explanation(text)


def _dedupe(facts: Iterable[PolicyFacts]) -> list[PolicyFacts]:
    seen: set[tuple[str, str]] = set()
    out = []
    for f in facts:
        key = (f.direction, f.pod_ref)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


# ------------------------------------------------------------------- entry

def _first(paths: Iterable[PathResult], trace: Trace, *, reached: bool) -> PathResult | None:
    candidates = [p for p in paths if p.reached is reached]
    shown = next((p for p in candidates if p.hops == trace.hops), None)
    return shown or (candidates[0] if candidates else None)


def explain(level: LoadedLevel, trace: Trace, *,
            original: Collection[str] | None = None) -> Explanation | None:
    """The explanation line for ``trace`` in ``level``'s current state, or None.

    ``original`` is the set of refs the level opened with (``locks.original_refs``);
    objects the player created are theirs to edit. None when there is nothing to add
    (a flow allowed as expected, or a failure the engine's own blame already names).
    """
    if trace.expect == "deny" and trace.verdict is not Verdict.DENY:
        path = _first(trace.paths, trace, reached=True)
        return _admission(level, trace, path, original) if path is not None else None
    if trace.verdict is Verdict.ALLOW:
        return None
    path = _first(trace.paths, trace, reached=False)
    grants = [f for f in path.facts if isinstance(f, NeedsGrant)] if path is not None else []
    if grants:
        return _grant(level, grants[-1], original)
    if path is None or path.reason not in POLICY_REASONS | {Reason.DNS_UNREACHABLE}:
        return None
    facts = _denied_facts(path)
    if facts is None:
        return None
    if trace.ok:
        return _blocked(facts)
    found = _denial(level, facts, original)
    if path.reason is Reason.DNS_UNREACHABLE:
        return Explanation(f"the DNS lookup cannot reach kube-dns: {found.text}", found.ref,
                           found.field, found.fix)
    return found
