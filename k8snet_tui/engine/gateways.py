"""Gateway API state as a controller would reconcile it: built once per level state.

For every GatewayClass, Gateway, listener and Route this works out what a
conformant implementation would write into ``status`` — Accepted, Programmed,
ResolvedRefs with the spec's reason names — and which Routes are attached to
which listener with which hostnames. The entry point (``gateway_entry``) only
reads this index; the game shows its conditions the way ``kubectl describe``
would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Literal

from k8snet_tui.engine.hostnames import intersect, most_specific
from k8snet_tui.engine.trace import Blame
from k8snet_tui.model.gateway import (
    GATEWAY_GROUP,
    Gateway,
    GatewayClass,
    GRPCBackendRef,
    GRPCRoute,
    GRPCRouteRule,
    HTTPBackendRef,
    HTTPRoute,
    HTTPRouteRule,
    Listener,
    ParentReference,
    ReferenceGrant,
)
from k8snet_tui.model.world import Placed, PodInfo, ServiceInfo, SvcPort, World

Status = Literal["True", "False", "Unknown"]
RouteKind = Literal["HTTPRoute", "GRPCRoute"]
AnyRoute = Placed[HTTPRoute] | Placed[GRPCRoute]

HTTP_PROTOCOLS = ("HTTP", "HTTPS")
_ROUTE_KINDS_FOR: dict[str, tuple[str, ...]] = {
    "HTTP": ("HTTPRoute", "GRPCRoute"),
    "HTTPS": ("HTTPRoute", "GRPCRoute"),
    "TLS": ("TLSRoute",),
    "TCP": ("TCPRoute",),
    "UDP": ("UDPRoute",),
}
"""The Route kinds a listener of each protocol supports (and allows when
``allowedRoutes.kinds`` is empty)."""
TLS_SECRET_TYPE = "kubernetes.io/tls"


@dataclass(frozen=True)
class Condition:
    """One status condition as a controller writes it and ``kubectl describe`` shows it."""

    type: str
    status: Status
    reason: str
    message: str

    @property
    def ok(self) -> bool:
        return self.status == "True"


def _cond(type_: str, ok: bool, reason: str, message: str,
          status: Status | None = None) -> Condition:
    return Condition(type_, status or ("True" if ok else "False"), reason, message)


@dataclass(frozen=True)
class CertProblem:
    """Why a listener's certificate does not resolve, and where."""

    reason: str  # InvalidCertificateRef | RefNotPermitted
    message: str
    field: str  # spec.listeners[1].tls.certificateRefs[0]


@dataclass
class ListenerState:
    gateway: GatewayState
    index: int
    listener: Listener
    conditions: list[Condition] = field(default_factory=list)
    cert_problem: CertProblem | None = None
    routes: list[Attachment] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.listener.name

    @property
    def ref(self) -> str:
        return f"{self.gateway.ref}/{self.listener.name}"

    @property
    def field(self) -> str:
        return f"spec.listeners[{self.index}]"

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)

    @property
    def programmed(self) -> bool:
        cond = self.condition("Programmed")
        return cond is not None and cond.ok

    @property
    def serves_http(self) -> bool:
        return self.listener.protocol in HTTP_PROTOCOLS

    def scheme_ok(self, scheme: str) -> bool:
        return self.listener.protocol == ("HTTPS" if scheme == "https" else "HTTP")

    def allowed_kinds(self) -> tuple[str, ...]:
        supported = _ROUTE_KINDS_FOR.get(self.listener.protocol, ())
        kinds = self.listener.allowedRoutes.kinds
        if not kinds:
            return supported
        return tuple(k.kind for k in kinds if k.group == GATEWAY_GROUP and k.kind in supported)


@dataclass
class GatewayState:
    placed: Placed[Gateway]
    gateway_class: GatewayClass | None
    class_accepted: bool
    service: ServiceInfo | None  # the generated LoadBalancer Service
    proxy: PodInfo | None  # the generated proxy pod
    listeners: list[ListenerState] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)

    @property
    def namespace(self) -> str:
        return self.placed.namespace

    @property
    def name(self) -> str:
        return self.placed.name

    @property
    def ref(self) -> str:
        return f"gateway/{self.namespace}/{self.name}"

    @property
    def class_name(self) -> str:
        return self.placed.obj.spec.gatewayClassName

    @property
    def address(self) -> IPv4Address | None:
        return self.service.lb_ips[0] if self.service is not None and self.service.lb_ips \
            else None

    @property
    def programmed(self) -> bool:
        return self.class_accepted and self.address is not None

    def listener(self, name: str) -> ListenerState | None:
        return next((x for x in self.listeners if x.name == name), None)

    def service_port(self, port: int) -> SvcPort | None:
        if self.service is None:
            return None
        return next((sp for sp in self.service.ports if sp.port == port), None)

    def pick_listener(self, scheme: str, port: int, host: str,
                      usable: Callable[[ListenerState], bool] | None = None
                      ) -> ListenerState | None:
        """The most specific listener of ``port`` for ``host``: an exact hostname, then
        the longest wildcard, then one without a hostname (listener isolation)."""
        candidates = [ls for ls in self.listeners
                      if ls.listener.port == port and ls.scheme_ok(scheme)
                      and (usable is None or usable(ls))]
        best = most_specific([ls.listener.hostname for ls in candidates], host)
        return candidates[best] if best is not None else None


@dataclass(frozen=True)
class Attachment:
    """A Route attached to a listener through one of its parentRefs."""

    route: AnyRoute
    kind: RouteKind
    parent_index: int
    hostnames: tuple[str, ...]  # the intersection with the listener's hostname ("*" = any)

    @property
    def ref(self) -> str:
        return f"{self.kind.lower()}/{self.route.namespace}/{self.route.name}"


@dataclass
class ParentStatus:
    """A Route's status for one parentRef, as ``status.parents[]`` would hold it."""

    route: AnyRoute
    kind: RouteKind
    index: int
    parent: ParentReference
    gateway: GatewayState | None
    conditions: list[Condition] = field(default_factory=list)
    listeners: list[ListenerState] = field(default_factory=list)
    blame: Blame | None = None  # what to change when it is not Accepted

    @property
    def route_ref(self) -> str:
        return route_ref(self.kind, self.route)

    @property
    def parent_ref(self) -> str:
        ns = self.parent.namespace or self.route.namespace
        return f"gateway/{ns}/{self.parent.name}"

    @property
    def accepted(self) -> bool:
        return bool(self.listeners)

    def condition(self, type_: str) -> Condition | None:
        return next((c for c in self.conditions if c.type == type_), None)


@dataclass(frozen=True)
class Backend:
    """A resolved (or unresolvable) backendRef of a Route rule."""

    field: str  # spec.rules[0].backendRefs[1]
    weight: int
    name: str
    namespace: str
    service: ServiceInfo | None = None
    port: SvcPort | None = None
    reason: str | None = None  # BackendNotFound | RefNotPermitted | InvalidKind | UnsupportedValue
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None


def route_ref(kind: RouteKind, route: AnyRoute) -> str:
    return f"{kind.lower()}/{route.namespace}/{route.name}"


@dataclass
class GatewayIndex:
    """Gateways, listeners, attachments and derived status for one state."""

    world: World | None = None
    gateways: list[GatewayState] = field(default_factory=list)
    by_key: dict[tuple[str, str], GatewayState] = field(default_factory=dict)
    parents: dict[str, list[ParentStatus]] = field(default_factory=dict)  # by route ref
    class_conditions: dict[str, list[Condition]] = field(default_factory=dict)
    route_conditions: dict[str, list[Condition]] = field(default_factory=dict)  # ResolvedRefs
    backends: dict[tuple[str, int], list[Backend]] = field(default_factory=dict)

    # ------------------------------------------------------------- build
    @classmethod
    def build(cls, world: World, services: dict[tuple[str, str], ServiceInfo],
              namespace_labels: Callable[[str], dict[str, str]]) -> GatewayIndex:
        index = cls(world)
        if not world.gateways and not world.gateway_classes and not world.http_routes \
                and not world.grpc_routes:
            return index
        classes = {gc.metadata.name: gc for gc in world.gateway_classes}
        for gc in world.gateway_classes:
            index.class_conditions[gc.metadata.name] = [_class_accepted(world, gc)]
        generated = {svc.generated_by: svc for svc in world.services if svc.generated_by}
        proxies = {pod.generated_by: pod for pod in world.pods if pod.generated_by}
        for placed in world.gateways:
            ref = f"gateway/{placed.namespace}/{placed.name}"
            cls_ = classes.get(placed.obj.spec.gatewayClassName)
            state = GatewayState(placed, cls_, cls_ is not None and
                                 cls_.metadata.name in world.accepted_gateway_classes,
                                 generated.get(ref), proxies.get(ref))
            index.gateways.append(state)
            index.by_key[(placed.namespace, placed.name)] = state
            _gateway_status(index, state)
        for kind, routes in (("HTTPRoute", world.http_routes), ("GRPCRoute", world.grpc_routes)):
            for route in routes:
                index._attach(kind, route, namespace_labels)  # type: ignore[arg-type]
                index._resolve(kind, route, services)  # type: ignore[arg-type]
        return index

    def _attach(self, kind: RouteKind, route: AnyRoute,
                namespace_labels: Callable[[str], dict[str, str]]) -> None:
        statuses: list[ParentStatus] = []
        hostnames = list(route.obj.spec.hostnames)
        for i, parent in enumerate(route.obj.spec.parentRefs):
            ns = parent.namespace or route.namespace
            gw = self.by_key.get((ns, parent.name)) \
                if parent.group == GATEWAY_GROUP and parent.kind == "Gateway" else None
            st = ParentStatus(route, kind, i, parent, gw)
            statuses.append(st)
            pfield = f"spec.parentRefs[{i}]"
            if gw is None:
                what = f"Gateway {ns}/{parent.name} does not exist" \
                    if parent.kind == "Gateway" else \
                    f"parentRef kind {parent.kind} is not a Gateway this engine models"
                st.conditions.append(_cond("Accepted", False, "NoMatchingParent", what))
                st.blame = Blame(st.route_ref, f"{pfield}.name")
                continue
            if not gw.class_accepted:
                st.conditions.append(_cond(
                    "Accepted", False, "Pending",
                    f"no controller implements GatewayClass {gw.class_name}, so nothing "
                    "reconciles this Route", "Unknown"))
                st.blame = Blame(f"gatewayclass/{gw.class_name}", "spec.controllerName")
                continue
            candidates = [ls for ls in gw.listeners
                          if (parent.sectionName is None or ls.name == parent.sectionName)
                          and (parent.port is None or ls.listener.port == parent.port)]
            if not candidates:
                if parent.sectionName is not None:
                    names = ", ".join(ls.name for ls in gw.listeners) or "none"
                    what = (f'Gateway {gw.namespace}/{gw.name} has no listener named '
                            f'"{parent.sectionName}"'
                            + (f" on port {parent.port}" if parent.port is not None else "")
                            + f" (its listeners: {names})")
                    st.blame = Blame(st.route_ref, f"{pfield}.sectionName")
                else:
                    what = f"Gateway {gw.namespace}/{gw.name} has no listener on port " \
                           f"{parent.port}"
                    st.blame = Blame(st.route_ref, f"{pfield}.port")
                st.conditions.append(_cond("Accepted", False, "NoMatchingParent", what))
                continue
            allowed = [ls for ls in candidates if _namespace_allowed(ls, gw, route.namespace,
                                                                     namespace_labels)
                       and kind in ls.allowed_kinds()]
            if not allowed:
                first = candidates[0]
                from_ = first.listener.allowedRoutes.namespaces.from_
                if kind not in first.allowed_kinds():
                    why = f"listener {first.name} does not allow {kind}s " \
                          f"(allowedRoutes.kinds: {', '.join(first.allowed_kinds()) or 'none'})"
                elif from_ == "Same":
                    why = (f"listener {first.name} allows Routes from its own namespace only "
                           f"(allowedRoutes.namespaces.from: Same, namespace {gw.namespace}); "
                           f"this Route is in {route.namespace}")
                else:
                    why = (f"listener {first.name} allows Routes only from namespaces its "
                           f"selector matches (allowedRoutes.namespaces.from: Selector); "
                           f"namespace {route.namespace} does not match")
                st.conditions.append(_cond("Accepted", False, "NotAllowedByListeners", why))
                st.blame = Blame(gw.ref, f"{first.field}.allowedRoutes")
                continue
            attached: list[ListenerState] = []
            for ls in allowed:
                common = intersect(ls.listener.hostname, hostnames)
                if common is None:
                    continue
                attached.append(ls)
                ls.routes.append(Attachment(route, kind, i, tuple(common)))
            if not attached:
                names = ", ".join(f"{ls.name} ({ls.listener.hostname or 'any host'})"
                                  for ls in allowed)
                st.conditions.append(_cond(
                    "Accepted", False, "NoMatchingListenerHostname",
                    f"none of the Route's hostnames ({', '.join(hostnames)}) intersects a "
                    f"listener's hostname: {names}"))
                st.blame = Blame(st.route_ref, "spec.hostnames")
                continue
            st.listeners = attached
            st.conditions.append(_cond("Accepted", True, "Accepted",
                                       "attached to listener(s) "
                                       + ", ".join(ls.name for ls in attached)))
        self.parents[route_ref(kind, route)] = statuses

    def _resolve(self, kind: RouteKind, route: AnyRoute,
                 services: dict[tuple[str, str], ServiceInfo]) -> None:
        problems: list[Backend] = []
        rules: Sequence[HTTPRouteRule | GRPCRouteRule] = route.obj.spec.rules
        for r_i, rule in enumerate(rules):
            out: list[Backend] = []
            refs: Sequence[HTTPBackendRef | GRPCBackendRef] = rule.backendRefs
            for b_i, ref in enumerate(refs):
                backend = self._backend(kind, route, f"spec.rules[{r_i}].backendRefs[{b_i}]",
                                        ref.group, ref.kind, ref.name, ref.namespace, ref.port,
                                        ref.weight, services)
                out.append(backend)
                if not backend.ok:
                    problems.append(backend)
            self.backends[(route_ref(kind, route), r_i)] = out
        if problems:
            first = problems[0]
            cond = _cond("ResolvedRefs", False, str(first.reason),
                         f"{first.field}: {first.message}")
        else:
            cond = _cond("ResolvedRefs", True, "ResolvedRefs", "all references resolved")
        for st in self.parents.get(route_ref(kind, route), ()):
            st.conditions.append(cond)

    def _backend(self, kind: RouteKind, route: AnyRoute, where: str, group: str, bkind: str,
                 name: str, namespace: str | None, port: int | None, weight: int,
                 services: dict[tuple[str, str], ServiceInfo]) -> Backend:
        ns = namespace or route.namespace
        base = Backend(where, weight, name, ns)
        if group != "" or bkind != "Service":
            return _replace(base, "InvalidKind", f"{group or 'core'}/{bkind} is not a kind "
                                                 "this implementation can send to (Service)")
        if ns != route.namespace and not self.permitted(
                GATEWAY_GROUP, kind, route.namespace, "", "Service", ns, name):
            return _replace(base, "RefNotPermitted",
                            f"Service {ns}/{name} is in another namespace and no "
                            f"ReferenceGrant in {ns} allows {kind}s from {route.namespace}")
        svc = services.get((ns, name))
        if svc is None:
            return _replace(base, "BackendNotFound", f"Service {ns}/{name} does not exist")
        if svc.type == "ExternalName":
            return _replace(base, "UnsupportedValue",
                            f"Service {ns}/{name} is an ExternalName; the Gateway API advises "
                            "implementations not to route to them")
        sp = next((x for x in svc.ports if x.port == port and x.protocol == "TCP"), None)
        if sp is None:
            declared = ", ".join(str(x.port) for x in svc.ports) or "none"
            return _replace(base, "BackendNotFound",
                            f"Service {ns}/{name} declares no TCP port {port} (ports: "
                            f"{declared})")
        return Backend(where, weight, name, ns, svc, sp)

    # ----------------------------------------------------------- queries
    def permitted(self, from_group: str, from_kind: str, from_ns: str, to_group: str,
                  to_kind: str, to_ns: str, to_name: str) -> bool:
        """Does a ReferenceGrant in ``to_ns`` allow this reference (GEP-709)?"""
        if self.world is None:
            return False
        return grant_permits(self.world.reference_grants, from_group=from_group,
                             from_kind=from_kind, from_namespace=from_ns, to_group=to_group,
                             to_kind=to_kind, to_namespace=to_ns, to_name=to_name)

    def gateway(self, namespace: str, name: str) -> GatewayState | None:
        return self.by_key.get((namespace, name))

    def route_backends(self, attachment: Attachment, rule_index: int) -> list[Backend]:
        return self.backends.get((attachment.ref, rule_index), [])

    def listeners(self) -> list[ListenerState]:
        return [ls for gw in self.gateways for ls in gw.listeners]

    def conditions(self, ref: str) -> list[tuple[str | None, list[Condition]]]:
        """The status of one object as ``kubectl describe`` groups it: a list of
        (parent or listener name, conditions); empty for objects without status."""
        kind, _, rest = ref.partition("/")
        if kind == "gatewayclass":
            return [(None, self.class_conditions.get(rest, []))]
        if kind == "gateway":
            parts = rest.split("/")
            gw = self.by_key.get((parts[0], parts[1])) if len(parts) >= 2 else None
            if gw is None:
                return []
            if len(parts) == 3:
                ls = gw.listener(parts[2])
                return [(ls.name, ls.conditions)] if ls is not None else []
            return [(None, gw.conditions), *((ls.name, ls.conditions) for ls in gw.listeners)]
        if kind in ("httproute", "grpcroute"):
            return [(st.parent_ref + (f"/{st.parent.sectionName}" if st.parent.sectionName
                                      else ""), st.conditions)
                    for st in self.parents.get(ref, [])]
        return []


def grant_permits(grants: Iterable[Placed[ReferenceGrant]], *, from_group: str,
                  from_kind: str, from_namespace: str, to_group: str, to_kind: str,
                  to_namespace: str, to_name: str) -> bool:
    """Does a ReferenceGrant in ``to_namespace`` let ``from_kind`` objects of
    ``from_namespace`` refer to ``to_kind`` ``to_name``? A grant lives in the target's
    namespace; an empty ``to.name`` means every object of the kind (GEP-709)."""
    for placed in grants:
        if placed.namespace != to_namespace:
            continue
        spec = placed.obj.spec
        if not any(f.group == from_group and f.kind == from_kind and
                   f.namespace == from_namespace for f in spec.from_):
            continue
        if any(t.group == to_group and t.kind == to_kind and t.name in (None, "", to_name)
               for t in spec.to):
            return True
    return False


def _replace(base: Backend, reason: str, message: str) -> Backend:
    return Backend(base.field, base.weight, base.name, base.namespace, None, None, reason,
                   message)


def _class_accepted(world: World, gc: GatewayClass) -> Condition:
    name = gc.metadata.name
    if name in world.accepted_gateway_classes:
        return _cond("Accepted", True, "Accepted",
                     f"controller {gc.spec.controllerName} runs in the cluster")
    running = ", ".join(world.cluster.gateway_controllers) or "none"
    return _cond("Accepted", False, "Pending",
                 f"no controller named {gc.spec.controllerName} runs in the cluster "
                 f"(cluster.gatewayControllers: {running}); the class stays Pending",
                 "Unknown")


def _namespace_allowed(ls: ListenerState, gw: GatewayState, namespace: str,
                       namespace_labels: Callable[[str], dict[str, str]]) -> bool:
    ns_rule = ls.listener.allowedRoutes.namespaces
    if ns_rule.from_ == "All":
        return True
    if ns_rule.from_ == "Same":
        return namespace == gw.namespace
    selector = ns_rule.selector
    return selector is not None and selector.matches(namespace_labels(namespace))


def _gateway_status(index: GatewayIndex, gw: GatewayState) -> None:
    spec = gw.placed.obj.spec
    if gw.gateway_class is None:
        gw.conditions.append(_cond("Accepted", False, "Pending",
                                   f"GatewayClass {gw.class_name} does not exist", "Unknown"))
    elif not gw.class_accepted:
        gw.conditions.append(_cond(
            "Accepted", False, "Pending",
            f"GatewayClass {gw.class_name} names controller "
            f"{gw.gateway_class.spec.controllerName}, which does not run in the cluster: "
            "nothing reconciles this Gateway", "Unknown"))
    else:
        gw.conditions.append(_cond("Accepted", True, "Accepted",
                                   f"accepted by {gw.gateway_class.spec.controllerName}"))
    if not gw.class_accepted:
        gw.conditions.append(_cond("Programmed", False, "Pending", "waiting for a controller",
                                   "Unknown"))
    elif gw.address is None:
        gw.conditions.append(_cond(
            "Programmed", False, "AddressNotAssigned",
            f"the LoadBalancer Service {gw.namespace}/{gw.name} has no external address: "
            "the cluster has no load-balancer provider"))
    else:
        gw.conditions.append(_cond("Programmed", True, "Programmed",
                                   f"address {gw.address}"))
    ports: dict[int, set[str]] = {}
    for listener in spec.listeners:
        ports.setdefault(listener.port, set()).add(listener.protocol)
    for i, listener in enumerate(spec.listeners):
        ls = ListenerState(gw, i, listener)
        gw.listeners.append(ls)
        protocols = ports[listener.port]
        conflict = len(protocols) > 1 and protocols != {"HTTPS", "TLS"}
        supported = listener.protocol in _ROUTE_KINDS_FOR
        if conflict:
            ls.conditions.append(_cond("Conflicted", True, "ProtocolConflict",
                                       f"port {listener.port} is used with protocols "
                                       f"{', '.join(sorted(protocols))}", "True"))
        accepted_ok = supported and not conflict
        ls.conditions.append(_cond(
            "Accepted", accepted_ok,
            "Accepted" if accepted_ok else ("UnsupportedProtocol" if not supported
                                            else "ProtocolConflict"),
            "listener is valid" if accepted_ok else
            (f"protocol {listener.protocol} is not supported" if not supported
             else "another listener uses this port with a different protocol")))
        ls.cert_problem = _cert_problem(index, gw, ls)
        bad_kinds = [k.kind for k in listener.allowedRoutes.kinds
                     if k.group != GATEWAY_GROUP
                     or k.kind not in _ROUTE_KINDS_FOR.get(listener.protocol, ())]
        if ls.cert_problem is not None:
            ls.conditions.append(_cond("ResolvedRefs", False, ls.cert_problem.reason,
                                       f"{ls.cert_problem.field}: {ls.cert_problem.message}"))
        elif bad_kinds:
            ls.conditions.append(_cond("ResolvedRefs", False, "InvalidRouteKinds",
                                       f"route kinds {', '.join(bad_kinds)} are not supported "
                                       f"on a {listener.protocol} listener"))
        else:
            ls.conditions.append(_cond("ResolvedRefs", True, "ResolvedRefs",
                                       "all references resolved"))
        if not gw.class_accepted:
            ls.conditions.append(_cond("Programmed", False, "Pending",
                                       "waiting for a controller", "Unknown"))
        elif not accepted_ok or ls.cert_problem is not None:
            ls.conditions.append(_cond("Programmed", False, "Invalid",
                                       "the listener is not valid, so it is not programmed"))
        elif gw.address is None:
            ls.conditions.append(_cond("Programmed", False, "Pending",
                                       "the Gateway has no address yet", "False"))
        else:
            ls.conditions.append(_cond("Programmed", True, "Programmed",
                                       f"serving on {gw.address}:{listener.port}"))


def _cert_problem(index: GatewayIndex, gw: GatewayState, ls: ListenerState
                  ) -> CertProblem | None:
    listener = ls.listener
    if listener.protocol != "HTTPS" or listener.tls is None or \
            listener.tls.mode != "Terminate":
        return None
    world = index.world
    assert world is not None
    secrets = {(s.namespace, s.name): s.obj for s in world.secrets}
    for c_i, ref in enumerate(listener.tls.certificateRefs):
        where = f"{ls.field}.tls.certificateRefs[{c_i}]"
        ns = ref.namespace or gw.namespace
        if ref.group != "" or ref.kind != "Secret":
            return CertProblem("InvalidCertificateRef",
                               f"{ref.group or 'core'}/{ref.kind} is not a Secret", where)
        if ns != gw.namespace and not index.permitted(GATEWAY_GROUP, "Gateway", gw.namespace,
                                                      "", "Secret", ns, ref.name):
            return CertProblem("RefNotPermitted",
                               f"Secret {ns}/{ref.name} is in another namespace and no "
                               f"ReferenceGrant in {ns} allows Gateways from {gw.namespace}",
                               where)
        secret = secrets.get((ns, ref.name))
        if secret is None:
            return CertProblem("InvalidCertificateRef",
                               f"Secret {ns}/{ref.name} does not exist", where)
        if secret.type != TLS_SECRET_TYPE:
            return CertProblem("InvalidCertificateRef",
                               f"Secret {ns}/{ref.name} has type {secret.type}, not "
                               f"{TLS_SECRET_TYPE}", where)
    return None
