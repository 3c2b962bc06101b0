"""One flow evaluation: where it starts, and which part of the walk takes it on.

``Run`` holds the parts (the packet walk, Services, DNS, the entry points), the
assumptions the trace will state, and the dispatch from a destination kind to
the part that handles it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from k8snet_tui.engine.entry import EntryPoint, HttpRequest, choose
from k8snet_tui.engine.gateway_entry import GatewayEntry
from k8snet_tui.engine.ingress_entry import IngressEntry
from k8snet_tui.engine.kubeproxy import ServicePaths
from k8snet_tui.engine.lookups import NamePaths
from k8snet_tui.engine.packets import PacketWalk
from k8snet_tui.engine.path import Origin, Path
from k8snet_tui.engine.trace import Blame, PathResult, Reason
from k8snet_tui.model.flows import DestRef, FlowSpec, SourceRef, ViaRef

if TYPE_CHECKING:
    from k8snet_tui.engine.evaluate import Engine


class Run:
    """The evaluation of one flow; holds the assumptions the trace will state."""

    def __init__(self, engine: Engine, flow: FlowSpec | None = None) -> None:
        self.engine = engine
        self.flow = flow  # method, headers, via of an HTTP flow
        self.topo = engine.topo
        self.assumptions: list[str] = []
        self.packets = PacketWalk(self)
        self.services = ServicePaths(self)
        self.names = NamePaths(self)

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    # ------------------------------------------------------------- origins
    def origins(self, src: SourceRef) -> list[Origin]:
        topo = self.topo
        if src.kind == "internet":
            assert src.ip is not None
            return [Origin("internet", src.ip, None, None, f"internet client {src.ip}")]
        if src.kind == "node":
            node = topo.nodes_by_name[str(src.name)]
            return [Origin("node", node.ip, node, None, f"node {node.name}")]
        if src.kind == "pod":
            pods = [topo.pods_by_key[(str(src.namespace), str(src.name))]]
        else:
            ref = f"{src.workload_kind}/{src.namespace}/{src.name}"
            pods = [topo.pods_by_key[(str(src.namespace), n)]
                    for n in topo.world.workloads.get(ref, ())]
        return [Origin("pod", p.ip, topo.nodes_by_name[p.node], p, f"pod {p.namespace}/{p.name}")
                for p in pods]

    def start(self, origin: Origin, dst_text: str) -> Path:
        path = Path(label=origin.label)
        if origin.kind == "internet":
            path.add("internet", f"client {origin.ip} connects to {dst_text}", ref="internet")
        elif origin.pod is not None:
            pod = origin.pod
            net = "host network of " if pod.host_network else ""
            path.add(f"pod {pod.namespace}/{pod.name}",
                     f"{pod.name} ({net}{pod.ip}, on {pod.node}) connects to {dst_text}",
                     ref=pod.ref)
        else:
            assert origin.node is not None
            path.add(f"node {origin.node.name}",
                     f"{origin.node.name} ({origin.ip}, host network) connects to {dst_text}",
                     ref=f"node/{origin.node.name}")
        return path

    # ---------------------------------------------------------- dispatcher
    def run(self, src: SourceRef, dst: DestRef, dst_text: str) -> list[PathResult]:
        results: list[PathResult] = []
        for origin in self.origins(src):
            path = self.start(origin, dst_text)
            results.extend(self.to_dest(origin, path, dst))
        return results

    def to_dest(self, o: Origin, p: Path, dst: DestRef) -> list[PathResult]:
        topo = self.topo
        proto = dst.protocol
        if dst.kind == "localhost":
            return [self.packets.localhost(o, p, dst.effective_port, proto)]
        if dst.kind == "pod":
            pod = topo.pods_by_key[(str(dst.namespace), str(dst.name))]
            return [self.packets.to_pod(o, p, pod, dst.effective_port, proto)]
        if dst.kind == "workload":
            ref = f"{dst.workload_kind}/{dst.namespace}/{dst.name}"
            out = []
            for name in topo.world.workloads.get(ref, ()):
                pod = topo.pods_by_key[(str(dst.namespace), name)]
                out.append(self.packets.to_pod(o, p.fork(f"{p.label} → {pod.name}"), pod,
                                       dst.effective_port, proto))
            return out
        if dst.kind == "service":
            svc = topo.services_by_key[(str(dst.namespace), str(dst.name))]
            return self.services.to_service(o, p, svc, dst.effective_port, proto)
        if dst.kind == "dns":
            return self.names.to_name(o, p, str(dst.name), dst.effective_port, proto)
        if dst.kind == "url":
            if o.kind == "internet":
                return self.http_request(o, p, HttpRequest.of(dst, self.flow))
            return self.names.to_name(o, p, str(dst.host), dst.effective_port, "TCP")
        if dst.kind == "node":
            node = topo.nodes_by_name[str(dst.name)]
            return self.services.to_node(o, p, node, dst.effective_port, proto)
        assert dst.ip is not None  # ip and internet destinations
        return self.services.to_ip(o, p, dst.ip, dst.effective_port, proto)

    # ------------------------------------------------------- entry points
    def http_request(self, o: Origin, p: Path, request: HttpRequest) -> list[PathResult]:
        """A request from the internet to a URL: the entry point the flow's ``via`` names,
        else the one that claims its host most specifically (DESIGN.md §3, "Entry point")."""
        ingress = IngressEntry(self)
        gateways = [GatewayEntry(self, ls) for ls in self.topo.gateways.listeners()
                    if ls.serves_http]
        via = self.flow.via_ref if self.flow is not None else None
        if via is not None:
            return self.via(o, p, request, via, ingress)
        if not gateways:
            return ingress.serve(o, p, request)
        ready: list[EntryPoint] = [g for g in gateways if g.ready() and g.takes(request)]
        if ingress.ready(request):
            ready.append(ingress)
        entry = choose(ready, request)
        if entry is not None:
            if len(ready) > 1:
                p.add("entry point", f"{entry.ref} takes {request.host_header}: the most "
                                     "specific claim on the host among "
                                     + ", ".join(e.ref for e in ready), "info")
            return entry.serve(o, p, request)
        # Nothing that works claims the host: explain with the one that would have.
        waiting: list[EntryPoint] = [g for g in gateways if not g.ready() and g.takes(request)]
        entry = choose(waiting, request)
        if entry is None and (self.topo.world.ingresses or self.topo.ingress.controllers):
            entry = ingress
        if entry is not None:
            return entry.serve(o, p, request)
        listeners = ", ".join(g.ref for g in gateways if g.takes(request)) or "none"
        return [p.drop("internet", f"nothing takes {request.scheme}://{request.host_header} on "
                                   f"port {request.effective_port}: no Programmed Gateway "
                                   f"listener (for this port: {listeners}) and no Ingress "
                                   "claims it", Reason.NOT_EXPOSED)]

    def via(self, o: Origin, p: Path, request: HttpRequest, via: ViaRef,
            ingress: IngressEntry) -> list[PathResult]:
        """The entry point the client was told to use."""
        if via.kind == "ingress":
            return ingress.serve(o, p, request)
        gw = self.topo.gateways.gateway(str(via.namespace), str(via.name))
        if gw is None:  # the world check refuses this; a trace of a stale flow still says so
            return [p.drop("internet", f"Gateway {via.namespace}/{via.name} does not exist",
                           Reason.NOT_EXPOSED)]
        entries = [GatewayEntry(self, ls) for ls in gw.listeners
                   if ls.serves_http and (via.listener is None or ls.name == via.listener)]
        if via.listener is None:
            entries = [e for e in entries if e.takes(request)] or entries
        if not entries:
            return [p.drop(f"gateway {gw.namespace}/{gw.name}",
                           f"Gateway {gw.namespace}/{gw.name} has no HTTP or HTTPS listener"
                           + (f" named {via.listener}" if via.listener else ""),
                           Reason.GATEWAY_NO_LISTENER, Blame(gw.ref, "spec.listeners"),
                           gw.ref)]
        ready = [e for e in entries if e.ready()]
        entry = choose(ready, request) or choose(entries, request) or entries[0]
        return entry.serve(o, p, request)
