"""What the screens show about one state of the cluster, computed once by the engine.

The inspector says which pods a Service picks and where each of its ports
really lands; the map draws those lines and marks the Ingress controller's
pods. Those answers are networking rules (selector matching, named-port
resolution, controller discovery) and belong to the engine: the screens draw
this view and never work them out again, so what they show cannot disagree
with what the trace says. The session builds one view per state, lazily.

Gateway API objects get the same treatment: ``gateway_map`` is what the map
draws of each Gateway (address, listeners, the Routes attached to each and
their backends, the parentRefs that attached nowhere), and ``status`` is an
object's conditions grouped as ``kubectl describe`` prints them — both read
from the engine's ``GatewayIndex``, never worked out again.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from k8snet_tui.engine.gateways import (
    Attachment,
    Backend,
    GatewayIndex,
    GatewayState,
    ListenerState,
    ParentStatus,
)
from k8snet_tui.engine.gateways import Condition as Condition  # what the inspector shows
from k8snet_tui.engine.services import EndpointSet, service_endpoints
from k8snet_tui.engine.topology import Topology, build_topology
from k8snet_tui.model.gateway import GRPCBackendRef, GRPCRouteRule, HTTPBackendRef, HTTPRouteRule
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import PodInfo, ServiceInfo


def selected_pods(topology: Topology, svc: ServiceInfo) -> tuple[PodInfo, ...]:
    """Pods of the Service's namespace carrying every label of its selector, ready or not
    (none without a selector: its endpoints are written by hand)."""
    if not svc.selector:
        return ()
    return tuple(topology.select_by_labels(svc.namespace, dict(svc.selector)))


def controller_pods(topology: Topology) -> dict[tuple[str, str], str]:
    """Ingress controller pods (namespace, name) → the IngressClass they serve."""
    return {p.key: c.class_name for c in topology.ingress.controllers for p in c.pods}


# ------------------------------------------------------------------ Gateway API


@dataclass(frozen=True)
class BackendLine:
    """One backendRef of an attached Route, as the map draws it."""

    text: str  # "shop:80", "other/api:8080 w70", "infra-backend-v3:8080 w0"
    ref: str | None  # service/NS/NAME when it resolved
    problem: str | None = None  # the engine's reason when it does not (BackendNotFound …)


@dataclass(frozen=True)
class RuleLine:
    """Where one rule of a Route sends: its backends, or what the gateway answers itself."""

    backends: tuple[BackendLine, ...] = ()
    answer: str | None = None  # "redirect", "500 (no backendRefs)"


@dataclass(frozen=True)
class RouteLine:
    """A Route attached to one listener: the hostnames it serves there and where it sends."""

    ref: str  # httproute/NS/NAME
    kind: str  # HTTPRoute | GRPCRoute
    hostnames: tuple[str, ...]  # the intersection with the listener's ("*": any host)
    rules: tuple[RuleLine, ...]


@dataclass(frozen=True)
class ListenerLine:
    ref: str  # gateway/NS/NAME/LISTENER
    name: str
    protocol: str
    port: int
    hostname: str | None
    programmed: bool
    problem: str | None  # the reason of its first False condition (Invalid, Pending …)
    routes: tuple[RouteLine, ...]


@dataclass(frozen=True)
class Detached:
    """A parentRef of a Route that attached nowhere, with the engine's reason."""

    route_ref: str
    kind: str
    gateway: str  # the gateway/NS/NAME the parentRef names
    parent: str  # "gateway/infra/public#https", ":443" when it names a port
    reason: str  # NoMatchingParent, NotAllowedByListeners, …


@dataclass(frozen=True)
class GatewayLine:
    ref: str  # gateway/NS/NAME
    class_name: str
    address: str | None
    programmed: bool
    problem: str | None  # why it is not Programmed (AddressNotAssigned, Pending …)
    proxy_ref: str | None  # the generated proxy pod
    service_ref: str | None  # the generated LoadBalancer Service
    listeners: tuple[ListenerLine, ...]
    detached: tuple[Detached, ...]

    def listeners_on_path(self, refs: Collection[str]) -> tuple[str, ...]:
        """The refs of this Gateway's listeners a path with hop refs ``refs`` went through.

        A trace names the Gateway and the Route that took the request, not the
        listener (unless a hop's ref is the listener's own). Listener isolation
        means a Route only takes requests of a listener it is attached to, so
        the listener is known when exactly one listener holds a Route on the
        path; otherwise (no Route reached, or one attached to several) none is
        claimed.
        """
        named = tuple(ls.ref for ls in self.listeners if ls.ref in refs)
        if named or self.ref not in refs:
            return named
        holding = tuple(ls.ref for ls in self.listeners
                        if any(route.ref in refs for route in ls.routes))
        return holding if len(holding) == 1 else ()


@dataclass(frozen=True)
class GatewayMap:
    gateways: tuple[GatewayLine, ...] = ()
    orphans: tuple[Detached, ...] = ()  # parentRefs that name no Gateway of the level

    def __bool__(self) -> bool:
        return bool(self.gateways or self.orphans)


def _problem(conditions: Sequence[Condition], *types: str) -> str | None:
    return next((c.reason for c in conditions if c.type in types and not c.ok), None)


def _backend_line(route_ns: str, b: Backend, port: int | None) -> BackendLine:
    ns = "" if b.namespace == route_ns else f"{b.namespace}/"
    weight = "" if b.weight == 1 else f" w{b.weight}"
    text = f"{ns}{b.name}{'' if port is None else f':{port}'}{weight}"
    return BackendLine(text, b.service.ref if b.service is not None and b.ok else None,
                       b.reason)


def _route_line(index: GatewayIndex, att: Attachment) -> RouteLine:
    """The Route's rules in order, each with its backends as the engine resolved them, or
    what the gateway answers itself (a redirect; 500 without backendRefs)."""
    out: list[RuleLine] = []
    rules: Sequence[HTTPRouteRule | GRPCRouteRule] = att.route.obj.spec.rules
    for r_i, rule in enumerate(rules):
        if any(f.type == "RequestRedirect" for f in rule.filters):
            out.append(RuleLine(answer="redirect"))
            continue
        found = index.backends.get((att.ref, r_i), [])
        refs: Sequence[HTTPBackendRef | GRPCBackendRef] = rule.backendRefs
        ports = [ref.port for ref in refs]
        out.append(RuleLine(tuple(_backend_line(att.route.namespace, b,
                                                ports[i] if i < len(ports) else None)
                                  for i, b in enumerate(found)),
                            None if found else "500 (no backendRefs)"))
    return RouteLine(att.ref, att.kind, att.hostnames, tuple(out))


def _listener_line(index: GatewayIndex, ls: ListenerState) -> ListenerLine:
    return ListenerLine(ls.ref, ls.name, ls.listener.protocol, ls.listener.port,
                        ls.listener.hostname, ls.programmed,
                        _problem(ls.conditions, "Accepted", "ResolvedRefs", "Programmed"),
                        tuple(_route_line(index, att) for att in ls.routes))


def _parent_text(st: ParentStatus) -> str:
    text = st.parent_ref
    if st.parent.sectionName:
        text += f"#{st.parent.sectionName}"
    if st.parent.port is not None:
        text += f":{st.parent.port}"
    return text


def _gateway_line(index: GatewayIndex, gw: GatewayState, detached: list[Detached]) -> GatewayLine:
    return GatewayLine(
        gw.ref, gw.class_name, str(gw.address) if gw.address is not None else None,
        gw.programmed, _problem(gw.conditions, "Programmed", "Accepted"),
        gw.proxy.ref if gw.proxy is not None else None,
        gw.service.ref if gw.service is not None else None,
        tuple(_listener_line(index, ls) for ls in gw.listeners),
        tuple(d for d in detached if d.gateway == gw.ref))


def gateway_map(index: GatewayIndex) -> GatewayMap:
    """What the map draws of the Gateways, from the engine's index of this state."""
    detached: list[Detached] = []
    for statuses in index.parents.values():
        for st in statuses:
            if st.accepted:
                continue
            cond = st.condition("Accepted")
            detached.append(Detached(st.route_ref, st.kind, st.parent_ref, _parent_text(st),
                                     cond.reason if cond is not None else "not Accepted"))
    lines = tuple(_gateway_line(index, gw, detached) for gw in index.gateways)
    known = {gw.ref for gw in index.gateways}
    orphans = tuple(d for d in detached if d.gateway not in known)
    return GatewayMap(lines, orphans)


@dataclass(frozen=True)
class StatusGroup:
    """One block of an object's status as ``kubectl describe`` prints it: the object's own
    conditions (``owner`` None), one listener's (with its attached Route count and the
    kinds it supports) or one parentRef's."""

    owner: str | None  # listener name, or the parent ref a Route's status is for
    conditions: tuple[Condition, ...]
    attached_routes: int | None = None
    supported_kinds: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectStatus:
    kind: str  # GatewayClass | Gateway | HTTPRoute | GRPCRoute
    groups: tuple[StatusGroup, ...]
    addresses: tuple[str, ...] = ()


STATUS_KINDS = {"gatewayclass": "GatewayClass", "gateway": "Gateway",
                "httproute": "HTTPRoute", "grpcroute": "GRPCRoute"}


def object_status(index: GatewayIndex, ref: str) -> ObjectStatus | None:
    """``ref``'s status as the engine derives it (``GatewayIndex.conditions``), grouped for
    ``kubectl describe``; None for kinds without one or objects the index does not know."""
    kind = STATUS_KINDS.get(ref.partition("/")[0])
    if kind is None:
        return None
    found = index.conditions(ref)
    if not found and kind != "HTTPRoute" and kind != "GRPCRoute":
        return None
    gw: GatewayState | None = None
    if kind == "Gateway":
        parts = ref.split("/")
        gw = index.gateway(parts[1], parts[2]) if len(parts) == 3 else None
        if gw is None:
            return None
    groups: list[StatusGroup] = []
    for owner, conditions in found:
        ls = gw.listener(owner) if gw is not None and owner is not None else None
        if ls is None:
            groups.append(StatusGroup(owner, tuple(conditions)))
            continue
        groups.append(StatusGroup(owner, tuple(conditions), len(ls.routes),
                                  ls.allowed_kinds()))
    addresses = (str(gw.address),) if gw is not None and gw.address is not None else ()
    return ObjectStatus(kind, tuple(groups), addresses)


@dataclass
class StateView:
    """Read-only answers about ``level``'s current state, each computed at most once."""

    level: LoadedLevel
    _selected: dict[str, tuple[PodInfo, ...]] = field(default_factory=dict)
    _endpoints: dict[tuple[str, int], EndpointSet] = field(default_factory=dict)
    _status: dict[str, ObjectStatus | None] = field(default_factory=dict)

    @cached_property
    def topology(self) -> Topology:
        return build_topology(self.level.world)

    def service(self, namespace: str, name: str) -> ServiceInfo | None:
        return self.topology.services_by_key.get((namespace, name))

    def selected_pods(self, svc: ServiceInfo) -> tuple[PodInfo, ...]:
        """Pods of the Service's namespace that carry every label of its selector
        (ready or not: the inspector says which are ready). None selected without a
        selector — its endpoints are written by hand."""
        if svc.ref not in self._selected:
            self._selected[svc.ref] = selected_pods(self.topology, svc)
        return self._selected[svc.ref]

    def endpoints(self, svc: ServiceInfo, index: int) -> EndpointSet:
        """The ready endpoints of port ``index``: pod IP and the port it resolved to."""
        key = (svc.ref, index)
        if key not in self._endpoints:
            self._endpoints[key] = service_endpoints(self.topology, svc, svc.ports[index])
        return self._endpoints[key]

    @cached_property
    def gateway_map(self) -> GatewayMap:
        """Each Gateway with its listeners, attached Routes and backends (for the map)."""
        return gateway_map(self.topology.gateways)

    def status(self, ref: str) -> ObjectStatus | None:
        """The conditions of a GatewayClass, Gateway or Route, grouped as ``kubectl
        describe`` prints them; None for other objects."""
        if ref not in self._status:
            self._status[ref] = object_status(self.topology.gateways, ref)
        return self._status[ref]

    @cached_property
    def controller_pods(self) -> dict[tuple[str, str], str]:
        """Ingress controller pods (namespace, name) → the IngressClass they serve."""
        return controller_pods(self.topology)

    def named_ports(self, svc: ServiceInfo) -> dict[str, tuple[int, ...]]:
        """Container port names of the selected pods → their numbers (a targetPort name
        may mean a different number in each pod)."""
        seen: dict[str, set[int]] = {}
        for pod in self.selected_pods(svc):
            for port in pod.ports:
                if port.name:
                    seen.setdefault(port.name, set()).add(port.port)
        return {name: tuple(sorted(ports)) for name, ports in sorted(seen.items())}
