"""Services: which endpoints a Service port has, and who listens on a port.

Endpoints follow the EndpointSlice controller: pods of the Service's namespace
matching its selector, Ready (unless ``publishNotReadyAddresses``), with a
named ``targetPort`` looked up per pod — so one Service port may land on a
different number in each pod, and a pod without that name is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from k8snet_tui.engine.topology import Topology
from k8snet_tui.engine.trace import Blame, Reason
from k8snet_tui.model.problems import format_loc
from k8snet_tui.model.world import PodInfo, ServiceInfo, SvcPort


@dataclass(frozen=True)
class Endpoint:
    ip: IPv4Address
    port: int
    pod: PodInfo | None
    node: str | None
    source: Blame | None = None  # for hand-written endpoints: the object and field to blame

    @property
    def label(self) -> str:
        who = f"{self.pod.name} " if self.pod is not None else ""
        return f"{who}{self.ip}:{self.port}"


@dataclass(frozen=True)
class EndpointSet:
    endpoints: tuple[Endpoint, ...]
    reason: Reason | None = None  # why there are none
    detail: str = ""
    blame: Blame | None = None


def port_field(svc: ServiceInfo, port: SvcPort, name: str) -> str:
    return f"spec.ports[{port.index}].{name}"


def service_endpoints(topo: Topology, svc: ServiceInfo, port: SvcPort) -> EndpointSet:
    """The ready endpoints of one Service port (cached per topology)."""
    key = (svc.namespace, svc.name, port.index)
    cached = topo.endpoint_cache.get(key)
    if cached is None:
        cached = topo.endpoint_cache[key] = _compute(topo, svc, port)
    return cached


def _compute(topo: Topology, svc: ServiceInfo, port: SvcPort) -> EndpointSet:
    ref = svc.ref
    if not svc.selector:
        return _manual(topo, svc, port)
    matched = topo.select_by_labels(svc.namespace, dict(svc.selector))
    selector_text = ",".join(f"{k}={v}" for k, v in svc.selector.items())
    if not matched:
        elsewhere = [p for p in topo.world.pods if p.namespace != svc.namespace
                     and all(p.labels.get(k) == v for k, v in svc.selector.items())]
        hint = ""
        if elsewhere:
            hint = (f" (pods in namespace {elsewhere[0].namespace} match, but a Service only "
                    "selects pods of its own namespace)")
        return EndpointSet((), Reason.SELECTOR_MISMATCH,
                           f"selector {selector_text} matches no pod in namespace "
                           f"{svc.namespace}{hint}", Blame(ref, "spec.selector"))
    ready = [p for p in matched if p.ready or svc.publish_not_ready]
    if not ready:
        names = ", ".join(p.name for p in matched[:3])
        return EndpointSet((), Reason.NOT_READY,
                           f"none of the pods the selector matches is Ready ({names}), so none is "
                           "an endpoint", Blame(matched[0].ref, "status.conditions"))
    endpoints: list[Endpoint] = []
    for pod in ready:
        if isinstance(port.target_port, int):
            endpoints.append(Endpoint(pod.ip, port.target_port, pod, pod.node))
            continue
        named = pod.named_port(port.target_port, port.protocol)
        if named is not None:
            endpoints.append(Endpoint(pod.ip, named.port, pod, pod.node))
    if not endpoints:
        return EndpointSet((), Reason.TARGET_PORT_MISMATCH,
                           f'targetPort "{port.target_port}" names no {port.protocol} container '
                           f"port of the selected pods ({', '.join(p.name for p in ready[:3])})",
                           Blame(ref, port_field(svc, port, "targetPort")))
    return EndpointSet(tuple(endpoints))


def _manual(topo: Topology, svc: ServiceInfo, port: SvcPort) -> EndpointSet:
    manual = topo.world.manual_endpoints.get((svc.namespace, svc.name), [])
    if not manual:
        return EndpointSet((), Reason.NO_ENDPOINTS,
                           "the Service has no selector and no Endpoints/EndpointSlice object "
                           f"named {svc.name}, so it has no endpoints",
                           Blame(svc.ref, "spec.selector"))
    endpoints: list[Endpoint] = []
    saw_any = False
    for ep in manual:
        saw_any = True
        if not ep.ready and not svc.publish_not_ready:
            continue
        number: int | None = None
        for name, num, proto in ep.ports:
            if proto != port.protocol:
                continue
            # kube-proxy pairs endpoint ports with Service ports by exact name.
            if (name or None) == (port.name or None):
                number = num
                break
        if number is None:
            continue
        pod = topo.pods_by_ip.get(ep.ip)
        ref = topo.source_refs.get(ep.source, svc.ref)
        endpoints.append(Endpoint(ep.ip, number, pod, ep.node or (pod.node if pod else None),
                                  Blame(ref, format_loc(ep.field[2:]))))
    if not endpoints:
        reason = Reason.NOT_READY if saw_any and all(not e.ready for e in manual) else \
            Reason.NO_ENDPOINTS
        first = manual[0]
        named = f'named "{port.name}"' if port.name else "without a name"
        return EndpointSet((), reason,
                           "the hand-written endpoints list no ready address with a port "
                           f"{named}/{port.protocol} (kube-proxy pairs them with the Service's "
                           "ports by name)",
                           Blame(topo.source_refs.get(first.source, svc.ref), "ports"))
    return EndpointSet(tuple(endpoints))


@dataclass(frozen=True)
class Listening:
    ok: bool
    reason: Reason | None
    detail: str


def pod_listens(pod: PodInfo, port: int, protocol: str) -> Listening:
    """Is a socket open on ``port``/``protocol`` in this pod (by its declared ports)?"""
    if not pod.ports:
        return Listening(True, None, f"{pod.name} declares no ports, so it accepts any port")
    owners = [p for p in pod.ports if p.port == port and p.protocol == protocol]
    if not owners:
        declared = ", ".join(f"{p.port}/{p.protocol}" for p in pod.ports)
        return Listening(False, Reason.NOT_LISTENING,
                         f"nothing in {pod.name} listens on {port}/{protocol} (declared: "
                         f"{declared})")
    containers = sorted({p.container for p in owners})
    if len(containers) > 1:
        return Listening(False, Reason.PORT_CONFLICT,
                         f"containers {' and '.join(containers)} of {pod.name} both declare "
                         f"{port}/{protocol}; only one can bind it, the other crash-loops")
    return Listening(True, None, f"container {containers[0]} listens on {port}/{protocol}")
