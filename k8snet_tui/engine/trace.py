"""The vocabulary every layer speaks about a packet's journey.

Reason codes are an enum (stable, machine-readable, in the spirit of Hubble's
drop reasons); hops are small frozen values. The CLI prints them, the app
renders them and ``check --json`` serialises them — one definition.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from k8snet_tui.model.world import PodInfo


class Verdict(StrEnum):
    ALLOW = "allow"
    DENY = "deny"
    PARTIAL = "partial"  # some endpoints reached, not all: satisfies neither expectation


class Reason(StrEnum):
    """Why a packet (or its reply) did not make it. Documented in REASON_DOCS."""

    NO_ROUTE = "NO_ROUTE"
    ROUTE_LOOP = "ROUTE_LOOP"
    NO_RETURN_ROUTE = "NO_RETURN_ROUTE"
    NOT_LISTENING = "NOT_LISTENING"
    PORT_CONFLICT = "PORT_CONFLICT"
    NO_ENDPOINTS = "NO_ENDPOINTS"
    SELECTOR_MISMATCH = "SELECTOR_MISMATCH"
    TARGET_PORT_MISMATCH = "TARGET_PORT_MISMATCH"
    NOT_READY = "NOT_READY"
    NO_SERVICE_PORT = "NO_SERVICE_PORT"
    POLICY_DENIED_EGRESS = "POLICY_DENIED_EGRESS"
    POLICY_DENIED_INGRESS = "POLICY_DENIED_INGRESS"
    NOT_EXPOSED = "NOT_EXPOSED"
    LB_PENDING = "LB_PENDING"
    NODEPORT_OUT_OF_RANGE = "NODEPORT_OUT_OF_RANGE"
    NO_LOCAL_ENDPOINT = "NO_LOCAL_ENDPOINT"
    SOURCE_RANGE_DENIED = "SOURCE_RANGE_DENIED"
    INGRESS_NO_CONTROLLER = "INGRESS_NO_CONTROLLER"
    INGRESS_CLASS_MISMATCH = "INGRESS_CLASS_MISMATCH"
    INGRESS_NO_RULE = "INGRESS_NO_RULE"
    INGRESS_BACKEND_MISSING = "INGRESS_BACKEND_MISSING"
    DNS_NXDOMAIN = "DNS_NXDOMAIN"
    DNS_UNREACHABLE = "DNS_UNREACHABLE"
    NO_SNAT = "NO_SNAT"
    GATEWAY_NO_CONTROLLER = "GATEWAY_NO_CONTROLLER"
    GATEWAY_NO_ADDRESS = "GATEWAY_NO_ADDRESS"
    GATEWAY_LISTENER_INVALID = "GATEWAY_LISTENER_INVALID"
    GATEWAY_NO_LISTENER = "GATEWAY_NO_LISTENER"
    ROUTE_NOT_ATTACHED = "ROUTE_NOT_ATTACHED"
    ROUTE_NO_MATCH = "ROUTE_NO_MATCH"
    BACKEND_INVALID = "BACKEND_INVALID"
    BACKEND_NOT_PERMITTED = "BACKEND_NOT_PERMITTED"
    GATEWAY_REDIRECT = "GATEWAY_REDIRECT"
    WRONG_BACKEND = "WRONG_BACKEND"


REASON_DOCS: dict[Reason, str] = {
    Reason.NO_ROUTE: "A node (or the gateway) has no route that delivers the packet: no "
    "matching entry, a next hop that does not answer, or cluster traffic sent to the gateway.",
    Reason.ROUTE_LOOP: "The packet came back to a node it had already left, or ran out of TTL.",
    Reason.NO_RETURN_ROUTE: "The request arrived but the reply cannot be routed back.",
    Reason.NOT_LISTENING: "Nothing listens on that port and protocol at the destination.",
    Reason.PORT_CONFLICT: "Two containers of one pod (or two host-network pods on one node) "
    "declare the same port; only one can bind it.",
    Reason.NO_ENDPOINTS: "The Service has no endpoints: kube-proxy rejects the connection.",
    Reason.SELECTOR_MISMATCH: "The Service selector matches no pod in its namespace.",
    Reason.TARGET_PORT_MISMATCH: "The Service's targetPort is not a port the selected pods "
    "listen on (or a port name they do not declare).",
    Reason.NOT_READY: "The selected pods are not Ready, so they are left out of the endpoints.",
    Reason.NO_SERVICE_PORT: "The Service does not declare that port (and protocol).",
    Reason.POLICY_DENIED_EGRESS: "A NetworkPolicy isolates the source for egress and no rule "
    "allows this destination and port.",
    Reason.POLICY_DENIED_INGRESS: "A NetworkPolicy isolates the destination for ingress and no "
    "rule allows this source and port.",
    Reason.NOT_EXPOSED: "Nothing makes the target reachable from where the packet starts "
    "(a ClusterIP from the internet, no public node, a private address).",
    Reason.LB_PENDING: "A LoadBalancer Service has no external IP: the cluster has no "
    "load-balancer provider, so its address stays <pending>.",
    Reason.NODEPORT_OUT_OF_RANGE: "The port is outside the cluster's NodePort range, so no "
    "Service can be listening there.",
    Reason.NO_LOCAL_ENDPOINT: "A Local traffic policy keeps traffic on the node it arrived at, "
    "and that node has no endpoint.",
    Reason.SOURCE_RANGE_DENIED: "The client address is outside the Service's "
    "loadBalancerSourceRanges.",
    Reason.INGRESS_NO_CONTROLLER: "No running, reachable ingress controller serves the request.",
    Reason.INGRESS_CLASS_MISMATCH: "An Ingress would match, but its class belongs to no "
    "controller that received the request.",
    Reason.INGRESS_NO_RULE: "No Ingress rule matches the host and path and there is no default "
    "backend: the controller answers 404.",
    Reason.INGRESS_BACKEND_MISSING: "The Ingress backend names a Service or port that does not "
    "exist.",
    Reason.DNS_NXDOMAIN: "The name does not exist in cluster DNS (or upstream).",
    Reason.DNS_UNREACHABLE: "The pod cannot reach cluster DNS (kube-dns, UDP 53), so the name "
    "never resolves.",
    Reason.NO_SNAT: "Traffic left the cluster with a pod IP as its source (no masquerade); the "
    "outside world cannot route the reply back.",
    Reason.GATEWAY_NO_CONTROLLER: "The Gateway's GatewayClass does not exist or names a "
    "controller that does not run in the cluster, so nothing deploys or programs it. Fix: "
    "point spec.gatewayClassName at an Accepted class (kubectl get gatewayclass), or the "
    "class's controllerName at the installed controller.",
    Reason.GATEWAY_NO_ADDRESS: "The Gateway is not Programmed: its LoadBalancer Service has no "
    "external address (no load-balancer provider). Fix: a cluster with a provider, or a "
    "Gateway whose spec.addresses the provider can honour.",
    Reason.GATEWAY_LISTENER_INVALID: "The listener that would take the request is not "
    "Programmed: its TLS certificate does not resolve (missing Secret, wrong type, another "
    "namespace without a ReferenceGrant) or it conflicts with another listener. Fix: the "
    "listener's tls.certificateRefs, or the Secret.",
    Reason.GATEWAY_NO_LISTENER: "The Gateway has no listener for this protocol, port and host, "
    "so it answers 404 (or refuses). Fix: a listener whose hostname takes the host, or the URL.",
    Reason.ROUTE_NOT_ATTACHED: "A Route for this host exists but is not attached to the "
    "listener (not Accepted: NoMatchingParent, NotAllowedByListeners, "
    "NoMatchingListenerHostname). Fix: the Route's parentRefs (sectionName, port, namespace) "
    "or hostnames, or the listener's allowedRoutes.",
    Reason.ROUTE_NO_MATCH: "No rule of the Routes attached to the listener matches the host, "
    "path, method, headers and query: the gateway answers 404. Fix: a match that covers the "
    "request (path type and value, headers, query, method).",
    Reason.BACKEND_INVALID: "The rule's backend cannot be resolved (missing Service or port, "
    "an unsupported kind, no backendRefs, every weight 0): the gateway answers 500 for its "
    "share. Fix: the backendRef's name, namespace, port or weight.",
    Reason.BACKEND_NOT_PERMITTED: "The backendRef points into another namespace and no "
    "ReferenceGrant there allows it (RefNotPermitted): the gateway answers 500 for its share. "
    "Fix: a ReferenceGrant in the backend's namespace from the Route's kind and namespace to "
    "the Service.",
    Reason.GATEWAY_REDIRECT: "A RequestRedirect filter makes the gateway answer a redirect "
    "itself; no backend sees the request. Fix: remove the filter for this match, or expect "
    "the client to follow the Location.",
    Reason.WRONG_BACKEND: "The request was answered, but not by the object the flow's "
    "servedBy names. Fix: the match, weights or backendRefs that send it elsewhere.",
}

HopVerdict = Literal["pass", "drop", "info"]


@dataclass(frozen=True, slots=True)
class Packet:
    src: str
    dst: str
    port: int | None
    protocol: str

    def __str__(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        return f"{self.src} → {self.dst}{port}/{self.protocol}"


@dataclass(frozen=True, slots=True)
class Blame:
    """The object, and the field of it, a player should look at."""

    ref: str
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.ref} {self.field}" if self.field else self.ref


@dataclass(frozen=True, slots=True)
class Hop:
    where: str  # "node-a routing table", "NetworkPolicy ingress of shop/db", …
    what: str  # one sentence
    verdict: HopVerdict = "pass"
    before: Packet | None = None
    after: Packet | None = None  # set when NAT rewrote the packet here
    ref: str | None = None  # the object this hop is about, for highlighting

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"where": self.where, "what": self.what, "verdict": self.verdict}
        if self.ref:
            out["ref"] = self.ref
        if self.before is not None:
            out["packet"] = str(self.before)
        if self.after is not None:
            out["after"] = str(self.after)
        return out


PolicyMissPart = Literal["namespace", "pods", "not-a-pod", "ipblock", "except", "port"]
"""Which part of a NetworkPolicy rule did not fit the connection:

- ``namespace``: a peer's namespaceSelector (or, for a podSelector alone, the policy's own
  namespace) does not take in the other pod's namespace;
- ``pods``: a peer's podSelector does not match the other pod's labels;
- ``not-a-pod``: a selector peer, but the other end is no pod (a node, a host-network pod,
  an address outside the cluster) — selectors only ever match pod IPs;
- ``ipblock`` / ``except``: the address is outside the peer's cidr / inside one of its excepts;
- ``port``: no item of the rule's ``ports`` takes the port and protocol.
"""


@dataclass(frozen=True, slots=True)
class RuleMiss:
    """One part of a rule that did not match, with what it asks for and what it got.

    The words are written only when someone reads them: a denial checks every rule
    of every policy, but a player reads about one or two of them, and writing them
    all made the engine three times slower on big clusters.
    """

    part: PolicyMissPart
    field: str  # in the policy: "spec.ingress[0].from[1].podSelector", "spec.egress[0].ports"
    words: Callable[[], tuple[str, str]] = dataclasses.field(compare=False, repr=False)
    """→ (wanted, actual)."""

    @property
    def wanted(self) -> str:
        """"pods app=api", "namespaces team=shop", "10.0.0.0/8", "8080/TCP"."""
        return self.words()[0]

    @property
    def actual(self) -> str:
        """"shop/web-0 carries app=web", "the connection is to 5432/TCP"."""
        return self.words()[1]


@dataclass(frozen=True, slots=True)
class RuleCheck:
    """How one ingress or egress rule of a policy fared against the connection."""

    index: int
    field: str  # "spec.ingress[0]"
    allows: str  # the rule in words: "from pods app=api on 5432/TCP"
    misses: tuple[RuleMiss, ...] = ()  # the closest peer's misses, then the port's
    peer: str | None = None  # when it matched: the peer that did, in words

    @property
    def matched(self) -> bool:
        return not self.misses

    @property
    def cost(self) -> int:
        """How far the rule is from matching: one per part that misses; a selector peer
        facing something that is no pod can never match and counts as far away."""
        return sum(3 if m.part == "not-a-pod" else 1 for m in self.misses)


@dataclass(frozen=True, slots=True)
class PolicyCheck:
    """One NetworkPolicy that isolates the pod in the direction, rule by rule."""

    ref: str
    rules: tuple[RuleCheck, ...]
    implied: bool = False  # isolates for ingress only because policyTypes is missing

    @property
    def deny_all(self) -> bool:
        """No rules at all: the policy only isolates (a default deny)."""
        return not self.rules

    @property
    def allowed(self) -> bool:
        return any(r.matched for r in self.rules)


NEAR_MISS_COST = 2
"""A rule at most this far from matching counts as a near miss (see ``RuleCheck.cost``)."""

PolicyExemption = Literal["not-isolated", "own-node", "host-network"]


@dataclass(frozen=True, slots=True)
class PolicyFacts:
    """What NetworkPolicy decided for one side (egress of the source, ingress of the
    destination) of one connection, and why: the facts explanations are written from.

    ``exempt`` says why policies did not apply at all (nothing isolates the pod, the
    traffic comes from the pod's own node, the pod is on the host network). Otherwise
    ``policies`` lists every isolating policy, in the order the engine consulted them;
    for an allowed connection only the policy and rule that admitted it are checked
    (``admitted``), for a denied one every rule of every policy.
    """

    direction: Literal["ingress", "egress"]
    pod: str  # "shop/db-0": the pod whose policies these are
    pod_ref: str  # "pod/shop/db-0"
    peer: str  # the other end in words: "shop/web-0 (10.244.0.5)", "198.51.100.10"
    port: int
    protocol: str
    allowed: bool
    exempt: PolicyExemption | None = None
    policies: tuple[PolicyCheck, ...] = ()
    consulted: tuple[str, ...] = ()  # refs of every isolating policy
    pod_owner: str | None = None  # "deployment/shop/db": where the pod's spec is written
    peer_ref: str | None = None  # "pod/shop/web-0" when the other end is a pod
    peer_owner: str | None = None
    peer_ip: str = ""  # the other end's address as the pod sees it (after SNAT)

    @property
    def admitted(self) -> tuple[PolicyCheck, RuleCheck] | None:
        """The policy and rule that let the connection through, when one did."""
        for check in self.policies:
            for rule in check.rules:
                if rule.matched:
                    return check, rule
        return None

    def near_misses(self) -> list[tuple[PolicyCheck, RuleCheck]]:
        """Rules that nearly allow the connection, closest first (policy order breaks ties)."""
        found = [(c, r) for c in self.policies for r in c.rules
                 if not r.matched and r.cost <= NEAR_MISS_COST]
        order = {c.ref: i for i, c in enumerate(self.policies)}
        return sorted(found, key=lambda cr: (cr[1].cost, order[cr[0].ref], cr[1].index))


@dataclass(frozen=True, slots=True)
class Exposure:
    """How a packet from the internet got into the cluster: a fact for explanations."""

    ref: str  # the Service that exposes: "service/shop/db"
    kind: Literal["LoadBalancer", "NodePort"]  # the way in: its LB address or a NodePort
    address: str  # "192.0.2.10:5432", "192.168.0.11:30080"
    service_type: str = "NodePort"  # the Service's spec.type (a LoadBalancer has NodePorts)
    node: str | None = None  # the public node, for a NodePort


@dataclass(frozen=True, slots=True)
class Routed:
    """Which rule of a Route (or Ingress) sent the request where it went: a fact for
    explaining a request that should not have got through."""

    ref: str  # "httproute/shop/web"
    field: str  # "spec.rules[1].matches[0]"
    text: str  # 'HTTPRoute shop/web rule 1: PathPrefix / takes GET /admin for shop.example.com'
    parent: str | None = None  # "spec.parentRefs[0]": how the Route reached this listener


@dataclass(frozen=True, slots=True)
class NeedsGrant:
    """A reference into another namespace that no ReferenceGrant there allows (GEP-709):
    the fact a fix creates (or widens) a grant from."""

    from_kind: str  # HTTPRoute, GRPCRoute, Gateway
    from_namespace: str
    to_kind: str  # Service, Secret
    to_namespace: str
    to_name: str


Fact = PolicyFacts | Exposure | Routed | NeedsGrant


@dataclass(frozen=True, slots=True)
class PathResult:
    """One way the flow can go (one source pod to one endpoint) and how it ended."""

    label: str
    reached: bool
    hops: tuple[Hop, ...]
    reason: Reason | None = None
    detail: str = ""
    blame: Blame | None = None
    facts: tuple[Fact, ...] = ()  # what decided the path on its way, in order
    # The listening pod the path arrived at (None when it failed, or ended outside the
    # cluster or at a host-network socket without a pod): who answered, without
    # re-reading hops.
    end: PodInfo | None = field(default=None, repr=False, compare=False)

    @property
    def policy_facts(self) -> tuple[PolicyFacts, ...]:
        return tuple(f for f in self.facts if isinstance(f, PolicyFacts))


@dataclass(frozen=True)
class Trace:
    """The verdict on one flow, with the journey that explains it."""

    name: str
    source: str
    dest: str
    expect: Literal["allow", "deny"]
    verdict: Verdict
    reason: Reason | None
    detail: str
    blame: Blame | None
    hops: tuple[Hop, ...]
    paths: tuple[PathResult, ...] = ()
    assumptions: tuple[str, ...] = field(default=())
    echo: dict[str, Any] = field(default_factory=dict)  # method, headers, via, servedBy

    @property
    def ok(self) -> bool:
        return self.verdict.value == self.expect

    @property
    def failing_hop(self) -> Hop | None:
        for hop in self.hops:
            if hop.verdict == "drop":
                return hop
        return None

    def to_json(self) -> dict[str, Any]:
        """The per-flow object of ``check --json`` (DESIGN.md §5), plus extensions."""
        out: dict[str, Any] = {
            "name": self.name,
            "from": self.source,
            "to": self.dest,
            "expect": self.expect,
            **self.echo,
            "verdict": self.verdict.value,
            "ok": self.ok,
            "reason": self.reason.value if self.reason else None,
            "detail": self.detail,
            "hops": [h.to_json() for h in self.hops],
        }
        if self.blame is not None:
            out["blame"] = {"ref": self.blame.ref, "field": self.blame.field}
        if len(self.paths) > 1:
            out["paths"] = [
                {"label": p.label, "reached": p.reached,
                 "reason": p.reason.value if p.reason else None, "detail": p.detail}
                for p in self.paths
            ]
        if self.assumptions:
            out["assumptions"] = list(self.assumptions)
        return out
