"""The values one flow evaluation passes around: where it starts, and the path so far.

Every part of the walk (packets, Services, DNS, entry points) takes an ``Origin``
and a ``Path`` and returns ``PathResult``s, so a new part plugs in without
knowing the others' internals.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Literal

from k8snet_tui.engine.services import Endpoint
from k8snet_tui.engine.trace import Blame, Fact, Hop, HopVerdict, Packet, PathResult, Reason
from k8snet_tui.model.cluster import Node
from k8snet_tui.model.world import PodInfo, ServiceInfo, SvcPort


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
    """The Service a packet was sent through, so a failure at the pod can blame it."""

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

    def arrive(self, what: str, end: PodInfo | None = None) -> PathResult:
        """End the path at a listening socket; ``end`` is the pod that answered."""
        return PathResult(self.label, True, tuple(self.hops), None, what, None,
                          tuple(self.facts), end)


def pod_blame(pod: PodInfo, field: str) -> Blame:
    """Blame a pod's spec where a player can change it: on its workload's pod template."""
    if pod.owner is not None and field.startswith("spec."):
        return Blame(pod.owner, f"spec.template.{field}")
    return Blame(pod.ref, field)


def port_text(port: int | str, protocol: str) -> str:
    return f"{port}/{protocol}"


def pod_port(pod: PodInfo, port: int | str, proto: str) -> int | None:
    """A destination port as a number on ``pod``: names resolve to its container ports."""
    if isinstance(port, int):
        return port
    named = pod.named_port(port, proto)
    return named.port if named is not None else None


def ep_label(p: Path, ep: Endpoint) -> str:
    """The label of a branch towards one endpoint: "pod web-0 → 10.244.1.5:8080"."""
    return f"{p.label} → {ep.label}" if p.label else ep.label
