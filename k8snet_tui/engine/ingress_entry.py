"""The Ingress controller as an entry point: class, rules, then the backend's endpoints.

A request from the internet reaches the controller's pods through the Service
that exposes them; the controller matches host and path against the Ingresses
of its class and connects from its own pod to the backend Service's endpoints
(so backend NetworkPolicies see the controller pod as the source).
"""

from __future__ import annotations

from k8snet_tui.engine.entry import Claim, HttpRequest
from k8snet_tui.engine.ingress import (
    Controller,
    class_of,
    host_matches,
    match_request,
)
from k8snet_tui.engine.part import Part
from k8snet_tui.engine.path import Origin, Path, SvcContext
from k8snet_tui.engine.services import service_endpoints
from k8snet_tui.engine.topology import Topology
from k8snet_tui.engine.trace import Blame, PathResult, Reason
from k8snet_tui.model.resources import Ingress
from k8snet_tui.model.world import Placed, PodInfo, ServiceInfo, SvcPort


class IngressEntry(Part):
    """The Ingress controller(s) of the cluster, as one entry point."""

    ref = "ingress"
    rank = (1, "")  # on equal claims, Gateways come first (DESIGN.md §3)

    def ready(self, request: HttpRequest) -> bool:
        """A controller runs and a NodePort or LoadBalancer Service exposes its port."""
        index = self.topo.ingress
        return any(svc.type in ("NodePort", "LoadBalancer")
                   for ctrl in index.controllers if ctrl.pods
                   for svc, _ in index.fronting(ctrl, request.scheme, request.port))

    def claim(self, request: HttpRequest) -> Claim | None:
        best: Claim | None = None
        for ctrl in self.topo.ingress.controllers:
            if not ctrl.pods:
                continue
            for placed in self.topo.ingress.served_by(ctrl):
                spec = placed.obj.spec
                claims = [Claim.of(r.host) for r in spec.rules
                          if r.http is not None and host_matches(r.host, request.host_header)]
                if spec.defaultBackend is not None:
                    claims.append(Claim(0))
                for c in claims:
                    if best is None or c > best:
                        best = c
        return best

    def serve(self, o: Origin, p: Path, request: HttpRequest) -> list[PathResult]:
        topo = self.topo
        host = request.host_header
        path = request.path
        scheme = request.scheme
        controllers = topo.ingress.controllers
        running = [c for c in controllers if c.pods]
        if not running:
            what = "no IngressClass has running controller pods (args --controller-class=… or " \
                   "annotation k8snet.dev/ingress-controller)" if controllers else \
                "the cluster has no IngressClass, so no ingress controller serves Ingresses"
            return [p.drop("ingress controller", what, Reason.INGRESS_NO_CONTROLLER)]
        exposed: list[tuple[Controller, ServiceInfo, SvcPort]] = []
        blame: Blame | None = None
        for ctrl in running:
            for svc, sp in topo.ingress.fronting(ctrl, scheme, request.port):
                if svc.type in ("NodePort", "LoadBalancer"):
                    exposed.append((ctrl, svc, sp))
                elif blame is None:
                    blame = Blame(svc.ref, "spec.type")
        if not exposed:
            names = ", ".join(c.class_name for c in running)
            return [p.drop("ingress controller", f"the controller for class {names} runs, but no "
                                                 "NodePort or LoadBalancer Service exposes its "
                                                 f"{scheme} port to the internet",
                           Reason.INGRESS_NO_CONTROLLER, blame)]
        choice = exposed[0]
        for ctrl, svc, sp in exposed:
            if topo.ingress.match(ctrl, host, path) is not None:
                choice = (ctrl, svc, sp)
                break
        ctrl, svc, sp = choice
        port_arg: int | str = sp.port
        front = self.services.internet_to_service(o, p, svc, port_arg, sp.protocol)
        reached = [r for r in front if r.reached]
        failed = [r for r in front if not r.reached]
        if not reached:
            return failed
        out: list[PathResult] = list(failed)
        for r in reached:
            last_pod = r.end
            branch = Path(r.hops, r.label)
            if last_pod is None or last_pod.key not in {x.key for x in ctrl.pods}:
                out.append(branch.drop("ingress controller", "the controller Service does not "
                                       "lead to controller pods", Reason.INGRESS_NO_CONTROLLER,
                                       Blame(svc.ref, "spec.selector")))
                continue
            out.extend(self.route_ingress(branch, ctrl, last_pod, host, path))
        return out

    def route_ingress(self, p: Path, ctrl: Controller, pod: PodInfo, host: str,
                      path: str) -> list[PathResult]:
        topo = self.topo
        where = f"ingress controller {pod.namespace}/{pod.name}"
        served = topo.ingress.served_by(ctrl)
        match = topo.ingress.match(ctrl, host, path)
        if match is None:
            others = [x for x in topo.world.ingresses if x not in served]
            stray = match_request(others, host, path)
            if stray is not None:
                cls = class_of(topo.world, stray.ingress)
                why = f'asks for class "{cls}"' if cls else _classless_why(topo)
                ref = f"ingress/{stray.ingress.namespace}/{stray.ingress.name}"
                return [p.drop(where, f"Ingress {stray.ingress.namespace}/{stray.ingress.name} "
                                      f"matches {host}{path} but {why}; this controller serves "
                                      f'class "{ctrl.class_name}"',
                               Reason.INGRESS_CLASS_MISMATCH,
                               Blame(ref, "spec.ingressClassName"), ref)]
            same_host = [x for x in served if any(
                r.http is not None and r.host and host_matches(r.host, host)
                for r in x.obj.spec.rules)]
            culprits = same_host or served
            blamed = f"ingress/{culprits[0].namespace}/{culprits[0].name}" if culprits else None
            return [p.drop(where, f"no Ingress rule of class {ctrl.class_name} matches host "
                                  f"{host} path {path} and there is no defaultBackend: 404",
                           Reason.INGRESS_NO_RULE,
                           Blame(blamed, "spec.rules") if blamed else None, blamed or pod.ref)]
        ing = match.ingress
        ing_ref = f"ingress/{ing.namespace}/{ing.name}"
        backend = match.backend
        if backend.service is None:
            return [p.drop(where, f"{match.description}: the backend is not a Service "
                                  "(resource backends are not modelled)",
                           Reason.INGRESS_BACKEND_MISSING, Blame(ing_ref, match.field), ing_ref)]
        svc = topo.services_by_key.get((ing.namespace, backend.service.name))
        if svc is None:
            return [p.drop(where, f"{match.description} → Service {backend.service.name}, "
                                  f"which does not exist in namespace {ing.namespace}",
                           Reason.INGRESS_BACKEND_MISSING,
                           Blame(ing_ref, f"{match.field}.service.name"), ing_ref)]
        bport = backend.service.port
        want: int | str = bport.number if bport.number is not None else str(bport.name)
        sp = svc.find_port(want, "TCP")
        if sp is None:
            return [p.drop(where, f"{match.description} → Service {svc.name} port {want}, "
                                  f"which {svc.name} does not declare",
                           Reason.INGRESS_BACKEND_MISSING,
                           Blame(ing_ref, f"{match.field}.service.port"), ing_ref)]
        p.add(where, f"{match.description} → Service {svc.namespace}/{svc.name} port "
                     f"{sp.name or sp.port}{_admitted_note(topo, ing)}", ref=ing_ref)
        origin = Origin("pod", pod.ip, topo.nodes_by_name[pod.node], pod,
                        f"controller {pod.name}")
        if svc.type == "ExternalName":
            return self.names.to_name(origin, p, f"{svc.external_name}.", sp.port, "TCP", 1)
        eps = service_endpoints(topo, svc, sp)
        if not eps.endpoints:
            return [self.services.no_endpoints(p, svc, eps)]
        return self.packets.from_proxy(
            p, pod, SvcContext(svc, sp), eps.endpoints, where,
            lambda ep: f"connects from its own pod IP {pod.ip} straight to endpoint "
                       f"{ep.label} (controllers use endpoints, not the ClusterIP)")


def _classless_why(topo: Topology) -> str:
    defaults = [c.class_name for c in topo.ingress.controllers if c.is_default]
    if not defaults:
        return "names no class and no IngressClass is the default"
    return (f'names no class: it was created before "{defaults[0]}" was marked default, and '
            "the DefaultIngressClass admission plugin sets the class only when an Ingress is "
            "created, so it stays without one (set spec.ingressClassName, or re-create it)")


def _admitted_note(topo: Topology, ing: Placed[Ingress]) -> str:
    """Say where a class-less Ingress's class came from: the author never wrote it."""
    if ing.obj.spec.ingressClassName:
        return ""
    admitted = topo.world.admitted.get((ing.namespace, ing.name))
    if admitted is None:
        return ""
    if not admitted.at_start:
        return (f" (it names no class; the admission plugin gave it the default class "
                f'"{admitted.class_name}" when it was created)')
    several = (f"; {admitted.defaults} classes are marked default, the first is assumed"
               if admitted.defaults > 1 else "")
    return (f" (it names no class; taken as created while \"{admitted.class_name}\" was the "
            f"default, so the admission plugin stored that class on it{several})")
