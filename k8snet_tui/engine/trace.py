"""The vocabulary every layer speaks about a packet's journey.

Reason codes are an enum (stable, machine-readable, in the spirit of Hubble's
drop reasons); hops are small frozen values. The CLI prints them, the app
renders them and ``check --json`` serialises them — one definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal


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


@dataclass(frozen=True, slots=True)
class PathResult:
    """One way the flow can go (one source pod to one endpoint) and how it ended."""

    label: str
    reached: bool
    hops: tuple[Hop, ...]
    reason: Reason | None = None
    detail: str = ""
    blame: Blame | None = None


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
