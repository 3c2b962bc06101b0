"""How the game shows and talks about Gateway API objects: plain data, no Textual.

The object tree, the quick actions and the tests read the same answers here:
which listeners a Gateway has and what each one accepts, where a Route attaches
and what it sends where, which generated object belongs to which Gateway, and
which cross-namespace references still lack a ReferenceGrant. Everything is
read from the model as written (the spec's defaults applied by the models);
nothing here decides whether a request is routed — that is the engine's, and
the conditions it derives belong beside these lines once it lands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from k8snet_tui.engine.gateways import grant_permits
from k8snet_tui.model.gateway import (
    GATEWAY_GROUP,
    TLS_SECRET_TYPE,
    Gateway,
    GatewayClass,
    GRPCBackendRef,
    GRPCRoute,
    GRPCRouteRule,
    HTTPBackendRef,
    HTTPRoute,
    HTTPRouteMatch,
    HTTPRouteRule,
    Listener,
    ParentReference,
    ReferenceGrant,
    Secret,
)
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import Placed, World

GATEWAY_KINDS = ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant")
"""The kinds of ``gateway.networking.k8s.io`` the game models (Secret is core)."""

RouteKind = HTTPRoute | GRPCRoute
BackendRef = HTTPBackendRef | GRPCBackendRef


# ----------------------------------------------------------------- lookups


def find_gateway(world: World, namespace: str, name: str) -> Gateway | None:
    for placed in world.gateways:
        if placed.namespace == namespace and placed.name == name:
            return placed.obj
    return None


def parent_gateway(world: World, route_ns: str, parent: ParentReference) -> tuple[str, str]:
    """(namespace, name) of the Gateway a parentRef names (its namespace defaults to the
    Route's)."""
    return parent.namespace or route_ns, parent.name


def is_gateway_parent(parent: ParentReference) -> bool:
    return parent.group == GATEWAY_GROUP and parent.kind == "Gateway"


def generated_note(generated_by: str) -> str:
    """"proxy for gateway/infra/public": what a generated pod or Service is, in words."""
    return f"proxy for {generated_by}"


# ----------------------------------------------------------------- listeners


def listener_from(listener: Listener) -> str:
    """"routes from Same" / "routes from All" / "routes from ns team=shop"."""
    namespaces = listener.allowedRoutes.namespaces
    if namespaces.from_ == "Selector":
        selector = namespaces.selector
        return f"routes from ns {selector.describe() if selector is not None else '(no selector)'}"
    return f"routes from {namespaces.from_}"


def listener_details(listener: Listener, gateway_ns: str) -> list[str]:
    """One listener's line: port/protocol, hostname, who may attach, its certificates."""
    details = [f"{listener.port}/{listener.protocol}", listener.hostname or "any host",
               listener_from(listener)]
    if listener.tls is not None:
        if listener.tls.mode == "Passthrough":
            details.append("TLS passthrough")
        certs = [f"{ref.namespace or gateway_ns}/{ref.name}"
                 for ref in listener.tls.certificateRefs]
        if certs:
            details.append("cert " + ", ".join(certs))
    return details


def gateway_details(world: World, namespace: str, gw: Gateway) -> list[str]:
    """The Gateway's line: its class (and whether it is implemented) and its address."""
    cls = gw.spec.gatewayClassName
    accepted = cls in world.accepted_gateway_classes
    details = [f"class {cls}" + ("" if accepted else " (not implemented here)")]
    name = gw.metadata.name
    svc = next((s for s in world.services
                if s.generated_by == f"gateway/{namespace}/{name}"), None)
    if svc is not None:
        details.append("address " + ", ".join(str(ip) for ip in svc.lb_ips)
                       if svc.lb_ips else "no address (no LoadBalancer provider)")
    n = len(gw.spec.listeners)
    details.append(f"{n} listener{'s' * (n != 1)}")
    return details


def gateway_class_details(world: World, gc: GatewayClass) -> list[str]:
    accepted = gc.metadata.name in world.accepted_gateway_classes
    return [f"controller {gc.spec.controllerName}",
            "implemented" if accepted else "no such controller runs here"]


# -------------------------------------------------------------------- routes


def parent_text(route_ns: str, parent: ParentReference) -> str:
    """"infra/public#https" (or ":443", or the bare Gateway)."""
    ns = parent.namespace or route_ns
    kind = "" if is_gateway_parent(parent) else f"{parent.kind} "
    text = f"{kind}{ns}/{parent.name}"
    if parent.sectionName:
        text += f"#{parent.sectionName}"
    if parent.port is not None:
        text += f":{parent.port}"
    return text


def backend_text(route_ns: str, ref: BackendRef, *, weight: bool = True) -> str:
    """"api:80", "other/api:80 w10", "Bucket assets" — a backendRef as a player reads it."""
    kind = "" if (ref.group, ref.kind) == ("", "Service") else f"{ref.kind} "
    ns = "" if ref.namespace in (None, route_ns) else f"{ref.namespace}/"
    port = "" if ref.port is None else f":{ref.port}"
    shown = "" if ref.weight == 1 or not weight else f" w{ref.weight}"
    return f"{kind}{ns}{ref.name}{port}{shown}"


def route_details(namespace: str, route: RouteKind) -> list[str]:
    spec = route.spec
    details = ["→ " + (", ".join(parent_text(namespace, p) for p in spec.parentRefs)
                       or "no parentRefs")]
    if spec.hostnames:
        details.append(", ".join(spec.hostnames))
    backends = [backend_text(namespace, b) for rule in spec.rules for b in rule.backendRefs]
    n = len(spec.rules)
    details.append(f"{n} rule{'s' * (n != 1)}")
    if backends:
        details.append("to " + ", ".join(backends))
    return details


# ------------------------------------------------------------ grants, secrets


def reference_grant_details(grant: ReferenceGrant) -> list[str]:
    froms = ", ".join(f"{f.kind} in {f.namespace}" for f in grant.spec.from_)
    tos = ", ".join(f"{t.kind} {t.name}" if t.name else f"every {t.kind}"
                    for t in grant.spec.to)
    return [f"from {froms}", f"to {tos}"]


def secret_details(world: World, namespace: str, secret: Secret) -> list[str]:
    users = [f"{placed.namespace}/{placed.name}#{listener.name}"
             for placed in world.gateways for listener in placed.obj.spec.listeners
             if listener.tls is not None and any(
                 ref.kind == "Secret" and ref.group == "" and ref.name == secret.metadata.name
                 and (ref.namespace or placed.namespace) == namespace
                 for ref in listener.tls.certificateRefs)]
    return [f"type {secret.type}", ("cert of " + ", ".join(users)) if users else "unused"]


@dataclass(frozen=True)
class MissingGrant:
    """A cross-namespace reference no ReferenceGrant allows yet."""

    from_kind: str  # HTTPRoute, GRPCRoute, Gateway
    from_namespace: str
    to_kind: str  # Service, Secret
    to_namespace: str
    to_name: str

    @property
    def from_group(self) -> str:
        return GATEWAY_GROUP

    @property
    def to_group(self) -> str:
        return ""

    def manifest(self, name: str) -> dict[str, object]:
        """The narrowest grant that allows it: this kind, this namespace, this object."""
        return {
            "apiVersion": "gateway.networking.k8s.io/v1beta1",
            "kind": "ReferenceGrant",
            "metadata": {"name": name, "namespace": self.to_namespace},
            "spec": {
                "from": [{"group": self.from_group, "kind": self.from_kind,
                          "namespace": self.from_namespace}],
                "to": [{"group": self.to_group, "kind": self.to_kind, "name": self.to_name}],
            },
        }


def _missing(world: World, found: MissingGrant, seen: list[MissingGrant]) -> None:
    if found in seen or found.to_namespace == found.from_namespace:
        return
    if not grant_permits(world.reference_grants, from_group=found.from_group,
                         from_kind=found.from_kind, from_namespace=found.from_namespace,
                         to_group=found.to_group, to_kind=found.to_kind,
                         to_namespace=found.to_namespace, to_name=found.to_name):
        seen.append(found)


def missing_route_grants(world: World, namespace: str, route: RouteKind) -> list[MissingGrant]:
    """Each Service in another namespace the Route's backendRefs name without a grant."""
    out: list[MissingGrant] = []
    for rule in route.spec.rules:
        refs: Sequence[BackendRef] = rule.backendRefs
        for ref in refs:
            if (ref.group, ref.kind) != ("", "Service") or ref.namespace is None:
                continue
            _missing(world, MissingGrant(route.kind, namespace, "Service", ref.namespace,
                                         ref.name), out)
    return out


def missing_certificate_grants(world: World, namespace: str, gw: Gateway) -> list[MissingGrant]:
    """Each Secret in another namespace the Gateway's listeners name without a grant."""
    out: list[MissingGrant] = []
    for listener in gw.spec.listeners:
        if listener.tls is None:
            continue
        for ref in listener.tls.certificateRefs:
            if (ref.group, ref.kind) != ("", "Secret") or ref.namespace is None:
                continue
            _missing(world, MissingGrant("Gateway", namespace, "Secret", ref.namespace,
                                         ref.name), out)
    return out


def tls_secrets(level: LoadedLevel) -> list[str]:
    """"infra/shop-cert": the Secrets of type kubernetes.io/tls a listener could use."""
    return [f"{p.namespace}/{p.name}" for p in level.world.secrets
            if p.obj.type == TLS_SECRET_TYPE]


def routes_naming(world: World, namespace: str, gateway: str, listener: Listener) -> list[str]:
    """"HTTPRoute shop/shop": the Routes whose parentRefs name this listener (by its
    sectionName, its port, or the whole Gateway). Whether each is *accepted* there
    (allowedRoutes, hostnames) is the engine's answer, not this one."""
    out: list[str] = []
    placed_routes: list[Placed[HTTPRoute] | Placed[GRPCRoute]] = [*world.http_routes,
                                                                   *world.grpc_routes]
    for placed in placed_routes:
        for parent in placed.obj.spec.parentRefs:
            if not is_gateway_parent(parent) or \
                    parent_gateway(world, placed.namespace, parent) != (namespace, gateway):
                continue
            if parent.sectionName not in (None, listener.name):
                continue
            if parent.port is not None and parent.port != listener.port:
                continue
            out.append(f"{placed.obj.kind} {placed.namespace}/{placed.name}")
            break
    return out


def summary_lines(world: World, namespace: str, obj: object) -> list[str] | None:
    """The inspector's lines for a Gateway API object or Secret (None for other kinds)."""
    if isinstance(obj, GatewayClass):
        return [f"controllerName: {obj.spec.controllerName}",
                "Accepted: its controller runs in this cluster"
                if obj.metadata.name in world.accepted_gateway_classes else
                "not Accepted: no controller of that name runs here (cluster."
                f"gatewayControllers: {', '.join(world.cluster.gateway_controllers) or 'none'})"]
    if isinstance(obj, Gateway):
        lines = [", ".join(gateway_details(world, namespace, obj)), "listeners:"]
        for listener in obj.spec.listeners:
            named = routes_naming(world, namespace, obj.metadata.name, listener)
            lines.append(f"  {listener.name}: " + " · ".join(listener_details(listener,
                                                                               namespace)))
            lines.append("    named by " + (", ".join(named) if named else "no Route"))
        return lines
    if isinstance(obj, (HTTPRoute, GRPCRoute)):
        lines = ["parents: " + (", ".join(parent_text(namespace, p)
                                         for p in obj.spec.parentRefs) or "none"),
                 "hostnames: " + (", ".join(obj.spec.hostnames) or "any")]
        rules: Sequence[HTTPRouteRule | GRPCRouteRule] = obj.spec.rules
        for r_i, rule in enumerate(rules):
            lines.append(f"rules[{r_i}]:")
            if isinstance(rule, HTTPRouteRule):
                for match in rule.matches:
                    lines.append("  match " + _match_text(match))
            backends: Sequence[BackendRef] = rule.backendRefs
            lines.append("  to " + (", ".join(backend_text(namespace, b) for b in backends)
                                    or "no backendRefs (500)"))
        missing = missing_route_grants(world, namespace, obj)
        lines += [f"needs a ReferenceGrant in {m.to_namespace} for {m.to_kind} {m.to_name}"
                  for m in missing]
        return lines
    if isinstance(obj, ReferenceGrant):
        return reference_grant_details(obj)
    if isinstance(obj, Secret):
        return [*secret_details(world, namespace, obj),
                "Modelled as a listener certificate only: its data is not read."]
    return None


def _match_text(match: HTTPRouteMatch) -> str:
    parts = [f"{match.path.type} {match.path.value}"]
    parts += [f"header {h.name}={h.value}" + ("" if h.type == "Exact" else f" ({h.type})")
              for h in match.headers]
    parts += [f"query {q.name}={q.value}" + ("" if q.type == "Exact" else f" ({q.type})")
              for q in match.queryParams]
    if match.method:
        parts.append(f"method {match.method}")
    return ", ".join(parts)
