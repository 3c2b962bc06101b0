"""A Gateway listener as an entry point: listener, Route rule, filters, backends.

The request reaches the Gateway's proxy pod through the LoadBalancer Service
that exposes it (GEP-1762); the proxy picks the most specific listener of the
port, the winning rule of the Routes attached to it, applies the rule's filters
and connects from its own pod IP to each backend endpoint — so backends'
NetworkPolicies see the proxy pod as the source. Whatever the gateway answers
itself (404, 500, a redirect) ends the path as a drop with the status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8snet_tui.engine.entry import Claim, HttpRequest
from k8snet_tui.engine.gateways import (
    Backend,
    GatewayState,
    ListenerState,
    ParentStatus,
)
from k8snet_tui.engine.hostnames import matches as host_matches
from k8snet_tui.engine.httproute import RuleMatch, pick
from k8snet_tui.engine.part import Part
from k8snet_tui.engine.path import Origin, Path, SvcContext
from k8snet_tui.engine.services import service_endpoints
from k8snet_tui.engine.trace import Blame, NeedsGrant, PathResult, Reason, Routed
from k8snet_tui.model.gateway import (
    HTTPPathModifier,
    HTTPRoute,
    HTTPRouteFilter,
    HTTPRouteMatch,
)
from k8snet_tui.model.world import PodInfo

if TYPE_CHECKING:
    from k8snet_tui.engine.run import Run

_WELL_KNOWN = {"http": 80, "https": 443}


class GatewayEntry(Part):
    """One listener of one Gateway, as a candidate for requests from the internet."""

    def __init__(self, run: Run, listener: ListenerState) -> None:
        super().__init__(run)
        self.listener = listener
        self.gateway: GatewayState = listener.gateway

    @property
    def ref(self) -> str:
        return self.listener.ref

    @property
    def rank(self) -> tuple[int, str]:
        return (0, f"{self.gateway.namespace}/{self.gateway.name}/{self.listener.name}")

    def ready(self) -> bool:
        return self.gateway.programmed and self.listener.programmed

    def takes(self, request: HttpRequest) -> bool:
        return self.listener.listener.port == request.effective_port and \
            self.listener.scheme_ok(request.scheme)

    def claim(self, request: HttpRequest) -> Claim | None:
        if not self.takes(request):
            return None
        host = request.host_header
        hostname = self.listener.listener.hostname
        if not host_matches(hostname, host):
            return None
        best = Claim.of(hostname)
        for att in self.listener.routes:
            for h in att.hostnames:
                if h != "*" and host_matches(h, host):
                    best = max(best, Claim.of(h))
        return best

    # ------------------------------------------------------------- serve
    def serve(self, o: Origin, p: Path, request: HttpRequest) -> list[PathResult]:
        gw = self.gateway
        ls = self.listener
        where = f"gateway {gw.namespace}/{gw.name}"
        if gw.gateway_class is None:
            return [p.drop(where, f"Gateway {gw.namespace}/{gw.name} names GatewayClass "
                                  f"{gw.class_name}, which does not exist: nothing deploys it",
                           Reason.GATEWAY_NO_CONTROLLER,
                           Blame(gw.ref, "spec.gatewayClassName"), gw.ref)]
        if not gw.class_accepted:
            return [self._no_controller(p, where)]
        if gw.address is None or gw.service is None or gw.proxy is None:
            return [p.drop(where, f"Gateway {gw.namespace}/{gw.name} is not Programmed: its "
                                  f"LoadBalancer Service has no external address (the cluster "
                                  "has no load-balancer provider), so the internet cannot "
                                  "reach it", Reason.GATEWAY_NO_ADDRESS,
                           Blame(gw.ref, "spec.addresses"), gw.ref)]
        if not ls.programmed:
            cert = ls.cert_problem
            if cert is not None:
                return [p.drop(where, f"listener {ls.name} ({ls.listener.protocol} "
                                      f":{ls.listener.port}) is not Programmed: {cert.reason}: "
                                      f"{cert.message}", Reason.GATEWAY_LISTENER_INVALID,
                               Blame(gw.ref, cert.field), gw.ref)]
            cond = ls.condition("Accepted")
            why = cond.message if cond is not None else "it is not valid"
            return [p.drop(where, f"listener {ls.name} is not Programmed: {why}",
                           Reason.GATEWAY_LISTENER_INVALID, Blame(gw.ref, ls.field), gw.ref)]
        svc = gw.service
        sp = gw.service_port(ls.listener.port)
        assert sp is not None
        p.add(where, f"listener {ls.name} ({ls.listener.protocol} :{ls.listener.port}"
                     f"{', hostname ' + ls.listener.hostname if ls.listener.hostname else ''})"
                     f" at {gw.address}", ref=gw.ref)
        out: list[PathResult] = []
        for r in self.services.internet_to_service(o, p, svc, sp.port, "TCP"):
            if not r.reached or r.end is None or r.end.key != gw.proxy.key:
                out.append(r)
                continue
            out.extend(self.proxy(Path(r.hops, r.label, r.facts), gw.proxy, request))
        return out

    def _no_controller(self, p: Path, where: str) -> PathResult:
        gw = self.gateway
        gc = gw.gateway_class
        assert gc is not None
        world = self.topo.world
        accepted = [c for c in world.gateway_classes
                    if c.metadata.name in world.accepted_gateway_classes]
        running = ", ".join(world.cluster.gateway_controllers) or "none"
        what = (f"GatewayClass {gc.metadata.name} names controller {gc.spec.controllerName}, "
                f"which does not run in this cluster (installed: {running}): the class is not "
                "Accepted, so no proxy is deployed for this Gateway")
        if accepted:
            what += f"; Accepted classes: {', '.join(c.metadata.name for c in accepted)}"
            blame = Blame(gw.ref, "spec.gatewayClassName")
        else:
            blame = Blame(f"gatewayclass/{gc.metadata.name}", "spec.controllerName")
        return p.drop(where, what, Reason.GATEWAY_NO_CONTROLLER, blame, gw.ref)

    # ------------------------------------------------------------- proxy
    def proxy(self, p: Path, proxy: PodInfo, request: HttpRequest) -> list[PathResult]:
        gw = self.gateway
        where = f"gateway proxy {proxy.namespace}/{proxy.name}"
        host = request.host_header
        ls = gw.pick_listener(request.scheme, request.effective_port, host,
                              lambda x: x.programmed)
        if ls is None:
            return [p.drop(where, f"no listener of Gateway {gw.namespace}/{gw.name} on port "
                                  f"{request.effective_port} takes host {host}: 404",
                           Reason.GATEWAY_NO_LISTENER,
                           Blame(gw.ref, f"{self.listener.field}.hostname"), gw.ref)]
        # Listener isolation: only the Routes attached to this listener are considered.
        # The hop names the listener itself, so the map can mark the one a request used.
        ours = " (listener isolation: only its Routes count)"
        if ls is not self.listener:
            p.add(where, f"host {host} selects listener {ls.name} "
                         f"({ls.listener.hostname or 'no hostname'}), the most specific one "
                         f"on port {ls.listener.port}{ours}", ref=ls.ref)
        else:
            p.add(where, f"host {host} is taken by listener {ls.name} "
                         f"({ls.listener.hostname or 'any host'}){ours}", ref=ls.ref)
        match, notes = pick(ls, request)
        for note in notes:
            self.run.assume(note)
        if match is None:
            return [self._no_match(p, where, ls, request)]
        att = match.attachment
        p.add(where, f"{match.description} (hostname {match.hostname}) takes "
                     f"{request.method} {request.url}", ref=att.ref)
        p.facts.append(Routed(att.ref, match.match_field,
                              f"{match.description} takes {request.method} {request.path} "
                              f"for {host}", f"spec.parentRefs[{att.parent_index}]"))
        route = att.route.obj
        rule_filters: list[HTTPRouteFilter] = []
        matched: HTTPRouteMatch | None = None
        if isinstance(route, HTTPRoute):
            rule = route.spec.rules[match.rule_index]
            rule_filters = list(rule.filters)
            matched = rule.matches[match.match_index]
        for f_i, flt in enumerate(rule_filters):
            answer = self._filter(p, where, match, f_i, flt, matched, request)
            if answer is not None:
                return [answer]
        backends = self.topo.gateways.route_backends(att, match.rule_index)
        rule_field = f"{match.field}.backendRefs"
        if not backends:
            return [p.drop(where, f"{match.description} has no backendRefs: the gateway "
                                  "answers 500", Reason.BACKEND_INVALID,
                           Blame(att.ref, rule_field), att.ref)]
        live = [b for b in backends if b.weight > 0]
        if not live:
            return [p.drop(where, "every backendRef of the rule has weight 0: nothing may "
                                  "receive the request, the gateway answers 500",
                           Reason.BACKEND_INVALID, Blame(att.ref, rule_field), att.ref)]
        total = sum(b.weight for b in live)
        out: list[PathResult] = []
        for b in live:
            share = f"weight {b.weight} of {total}" if len(live) > 1 else "the only backend"
            branch = p.fork(f"{p.label} → {b.namespace}/{b.name}" if len(live) > 1 else None)
            out.extend(self._backend(branch, where, att.ref, proxy, b, share))
        return out

    def _backend(self, p: Path, where: str, route_ref: str, proxy: PodInfo, b: Backend,
                 share: str) -> list[PathResult]:
        if not b.ok:
            reason = Reason.BACKEND_NOT_PERMITTED if b.reason == "RefNotPermitted" \
                else Reason.BACKEND_INVALID
            if b.reason == "RefNotPermitted":
                kind, _, rest = route_ref.partition("/")
                p.facts.append(NeedsGrant("GRPCRoute" if kind == "grpcroute" else "HTTPRoute",
                                          rest.split("/")[0], "Service", b.namespace, b.name))
            field = f"{b.field}.namespace" if b.reason == "RefNotPermitted" else b.field
            return [p.drop(where, f"backendRef {b.namespace}/{b.name} ({share}) is invalid, "
                                  f"{b.reason}: {b.message}; the gateway answers 500 for its "
                                  "share", reason, Blame(route_ref, field), route_ref)]
        svc, sp = b.service, b.port
        assert svc is not None
        assert sp is not None
        eps = service_endpoints(self.topo, svc, sp)
        if not eps.endpoints:
            p.add(where, f"backend Service {svc.namespace}/{svc.name}:{sp.port} ({share})",
                  ref=svc.ref)
            return [self.services.no_endpoints(p, svc, eps)]
        return self.packets.from_proxy(
            p, proxy, SvcContext(svc, sp), eps.endpoints, where,
            lambda ep: f"backend Service {svc.namespace}/{svc.name}:{sp.port} ({share}): "
                       f"connects from its own pod IP {proxy.ip} to endpoint {ep.label}")

    # ----------------------------------------------------------- filters
    def _filter(self, p: Path, where: str, match: RuleMatch, index: int, flt: HTTPRouteFilter,
                matched: HTTPRouteMatch | None, request: HttpRequest) -> PathResult | None:
        """Show what a filter does; a redirect ends the path with the gateway's answer."""
        ref = match.attachment.ref
        field = f"{match.field}.filters[{index}]"
        if flt.type == "RequestRedirect" and flt.requestRedirect is not None:
            red = flt.requestRedirect
            scheme = red.scheme or request.scheme
            host = red.hostname or request.host_header
            if red.port is not None:
                port = red.port
            elif red.scheme is not None:
                port = _WELL_KNOWN[red.scheme]
            else:
                port = self.listener.listener.port
            port_text = "" if _WELL_KNOWN.get(scheme) == port else f":{port}"
            path = _modified_path(red.path, matched, request.path)
            query = "&".join(f"{k}={v}" for k, v in request.query)
            location = f"{scheme}://{host}{port_text}{path}" + (f"?{query}" if query else "")
            return p.drop(where, f"RequestRedirect: the gateway answers {red.statusCode} "
                                 f"itself, Location: {location}; no backend is reached",
                          Reason.GATEWAY_REDIRECT, Blame(ref, field), ref)
        if flt.type == "URLRewrite" and flt.urlRewrite is not None:
            rw = flt.urlRewrite
            changes = []
            if rw.hostname:
                changes.append(f"Host {rw.hostname}")
            if rw.path is not None:
                changes.append(f"path {_modified_path(rw.path, matched, request.path)}")
            p.add(where, "URLRewrite: the backend receives " + (", ".join(changes) or
                                                               "the request unchanged"),
                  "info", ref=ref)
        elif flt.type == "RequestHeaderModifier" and flt.requestHeaderModifier is not None:
            mod = flt.requestHeaderModifier
            parts = [f"set {h.name}: {h.value}" for h in mod.set]
            parts += [f"add {h.name}: {h.value}" for h in mod.add]
            parts += [f"remove {name}" for name in mod.remove]
            p.add(where, "RequestHeaderModifier: the backend receives the request with "
                         + "; ".join(parts), "info", ref=ref)
        elif flt.type == "ResponseHeaderModifier":
            p.add(where, "ResponseHeaderModifier changes the answer's headers (not modelled "
                         "further)", "info", ref=ref)
        elif flt.type == "RequestMirror" and flt.requestMirror is not None:
            target = flt.requestMirror.backendRef
            p.add(where, f"RequestMirror: a copy goes to {target.namespace or ''}"
                         f"{'/' if target.namespace else ''}{target.name} (its answer is "
                         "ignored; not a path of this flow)", "info", ref=ref)
        else:
            self.run.assume(f"{flt.type} filters are not modelled; the engine passes the "
                            "request on unchanged")
        return None

    # --------------------------------------------------------- explain 404
    def _no_match(self, p: Path, where: str, ls: ListenerState,
                  request: HttpRequest) -> PathResult:
        gw = self.gateway
        host = request.host_header
        stray = self._stray_route(ls, host)
        if stray is not None:
            cond = stray.condition("Accepted")
            why = f"{cond.reason}: {cond.message}" if cond is not None and not cond.ok else \
                f"it is attached to {', '.join(x.name for x in stray.listeners)}, not {ls.name}"
            return p.drop(where, f"{stray.kind} {stray.route.namespace}/{stray.route.name} is "
                                 f"meant for host {host} but is not attached to listener "
                                 f"{ls.name} ({why}): 404", Reason.ROUTE_NOT_ATTACHED,
                          stray.blame or Blame(stray.route_ref,
                                               f"spec.parentRefs[{stray.index}]"),
                          stray.route_ref)
        same_host = [att for att in ls.routes
                     if any(host_matches(h, host) for h in att.hostnames)]
        if same_host:
            att = same_host[0]
            extra = " with its headers and query" if request.headers or request.query else ""
            return p.drop(where, f"no rule of the Routes attached to listener {ls.name} for "
                                 f"host {host} matches {request.method} {request.path}{extra}"
                                 ": the gateway answers 404", Reason.ROUTE_NO_MATCH,
                          Blame(att.ref, "spec.rules"), att.ref)
        attached = ", ".join(att.ref for att in ls.routes) or "none"
        return p.drop(where, f"no Route attached to listener {ls.name} takes host {host} "
                             f"(attached: {attached}): the gateway answers 404",
                      Reason.ROUTE_NO_MATCH, Blame(gw.ref, f"{ls.field}"), gw.ref)

    def _stray_route(self, ls: ListenerState, host: str) -> ParentStatus | None:
        """The Route most likely meant for this listener and host that did not attach to
        it: one the Gateway refused (not Accepted) before one attached elsewhere on
        purpose, one naming the host before one naming no host at all."""
        gw = self.gateway
        best: tuple[tuple[int, int], ParentStatus] | None = None
        for statuses in self.topo.gateways.parents.values():
            for st in statuses:
                if st.gateway is not gw or ls in st.listeners:
                    continue
                hostnames = st.route.obj.spec.hostnames
                if hostnames and not any(host_matches(h, host) for h in hostnames):
                    continue
                rank = (0 if st.accepted else 1, 1 if hostnames else 0)
                if best is None or rank > best[0]:
                    best = (rank, st)
        return best[1] if best is not None else None


def _modified_path(mod: HTTPPathModifier | None, matched: HTTPRouteMatch | None,
                   path: str) -> str:
    """A path after ReplaceFullPath or ReplacePrefixMatch (GEP-726)."""
    if mod is None:
        return path
    if mod.type == "ReplaceFullPath":
        return mod.replaceFullPath or "/"
    prefix = matched.path.value.rstrip("/") if matched is not None else ""
    rest = path[len(prefix):] if path.startswith(prefix) else path
    replacement = (mod.replacePrefixMatch or "/").rstrip("/")
    joined = replacement + rest
    return joined if joined.startswith("/") else "/" + joined
