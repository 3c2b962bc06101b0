"""Services as kube-proxy implements them: ClusterIP, NodePort, LoadBalancer, raw IPs.

DNAT to each endpoint (one branch per endpoint), the traffic policies that keep
traffic local, the ways the internet gets in (a load balancer, a public node's
NodePort), and what a bare IP address turns out to be.
"""

from __future__ import annotations

from ipaddress import IPv4Address

from k8snet_tui.engine.part import Part
from k8snet_tui.engine.path import Leg, Origin, Path, SvcContext, ep_label, port_text
from k8snet_tui.engine.routing import route_to
from k8snet_tui.engine.services import Endpoint, EndpointSet, service_endpoints
from k8snet_tui.engine.trace import Blame, Exposure, Packet, PathResult, Reason
from k8snet_tui.model.cluster import Node
from k8snet_tui.model.world import LB_POOL, ServiceInfo, SvcPort

Exposed = tuple[str, Node | None]
"""A way in from the internet: ("lb", None) or ("nodeport", a public node)."""


class ServicePaths(Part):
    """Service traffic for one flow evaluation (``Run``)."""

    def to_service(self, o: Origin, p: Path, svc: ServiceInfo, port: int | str,
                   proto: str) -> list[PathResult]:
        if o.kind == "internet":
            return self.internet_to_service(o, p, svc, port, proto)
        if svc.type == "ExternalName":
            p.add(f"service {svc.namespace}/{svc.name}",
                  f"ExternalName: a DNS CNAME to {svc.external_name}; no proxying, no ports",
                  ref=svc.ref)
            return self.names.to_name(o, p, str(svc.external_name), port, proto, depth=1)
        sp = svc.find_port(port, proto)
        if sp is None:
            return [self.no_port(p, svc, port, proto)]
        eps = service_endpoints(self.topo, svc, sp)
        if svc.headless:
            p.add(f"service {svc.namespace}/{svc.name}",
                  "headless (clusterIP: None): no virtual IP and no kube-proxy; the client "
                  "connects to each ready endpoint's pod IP directly", ref=svc.ref)
            if not eps.endpoints:
                return [self.no_endpoints(p, svc, eps)]
            return [self.packets.send(o, p.fork(ep_label(p, ep)), self.packets.leg(o), ep.ip,
                                      sp.port, proto, None) for ep in eps.endpoints]
        return self.via_cluster_ip(o, p, svc, sp, eps)


    def no_port(self, p: Path, svc: ServiceInfo, port: int | str, proto: str) -> PathResult:
        declared = ", ".join(f"{sp.name + '=' if sp.name else ''}{sp.port}/{sp.protocol}"
                             for sp in svc.ports) or "none"
        return p.drop(f"service {svc.namespace}/{svc.name}",
                      f"{svc.name} declares no port {port_text(port, proto)} (ports: "
                      f"{declared})", Reason.NO_SERVICE_PORT, Blame(svc.ref, "spec.ports"),
                      svc.ref)

    def no_endpoints(self, p: Path, svc: ServiceInfo, eps: EndpointSet) -> PathResult:
        assert eps.reason is not None
        what = eps.detail
        if not svc.headless:
            what += "; kube-proxy rejects the connection (connection refused)"
        return p.drop(f"service {svc.namespace}/{svc.name}", what, eps.reason, eps.blame,
                      svc.ref, detail=eps.detail)

    def via_cluster_ip(self, o: Origin, p: Path, svc: ServiceInfo, sp: SvcPort,
                       eps: EndpointSet) -> list[PathResult]:
        assert o.node is not None
        assert svc.cluster_ip is not None
        where = f"kube-proxy on {o.node.name}"
        if not eps.endpoints:
            p.add(where, f"{svc.cluster_ip}:{sp.port} is Service {svc.namespace}/{svc.name}",
                  ref=svc.ref)
            return [self.no_endpoints(p, svc, eps)]
        endpoints = list(eps.endpoints)
        if svc.internal_traffic_policy == "Local":
            endpoints = [ep for ep in endpoints if ep.node == o.node.name]
            if not endpoints:
                return [p.drop(where, f"internalTrafficPolicy: Local keeps traffic on "
                                      f"{o.node.name}, which has no endpoint of {svc.name}",
                               Reason.NO_LOCAL_ENDPOINT,
                               Blame(svc.ref, "spec.internalTrafficPolicy"), svc.ref)]
        before = Packet(str(o.ip), str(svc.cluster_ip), sp.port, sp.protocol)
        out = []
        for ep in endpoints:
            branch = p.fork(ep_label(p, ep))
            if ep.source is not None and ep.ip in self.topo.cluster.service_cidr:
                out.append(branch.drop(where, f"endpoint {ep.ip} is a ClusterIP: kube-proxy "
                                              "rewrites a packet only once, so a Service address "
                                              "as an endpoint leads nowhere",
                                       Reason.NO_ROUTE, ep.source, svc.ref))
                continue
            after = Packet(str(o.ip), str(ep.ip), ep.port, sp.protocol)
            share = f" (1 of {len(endpoints)})" if len(endpoints) > 1 else ""
            branch.add(where, f"DNAT {svc.cluster_ip}:{sp.port} (Service {svc.namespace}/"
                              f"{svc.name}) → endpoint {ep.label}{share}",
                       before=before, after=after, ref=svc.ref)
            out.append(self.packets.send(o, branch, self.packets.leg(o), ep.ip, ep.port,
                                         sp.protocol, SvcContext(svc, sp, ep)))
        return out

    def to_node(self, o: Origin, p: Path, node: Node, port: int | str,
                proto: str) -> list[PathResult]:
        topo = self.topo
        ref = f"node/{node.name}"
        if o.kind == "internet":
            if not node.public:
                return [p.drop("internet", f"{node.name} ({node.ip}) is not public: the "
                                           "internet cannot reach it", Reason.NOT_EXPOSED,
                               Blame(ref, "public"), ref)]
            p.add(f"node {node.name}", f"arrives at public node {node.name} ({node.ip})",
                  ref=ref)
            exposed = topo.services_by_node_port.get((port, proto)) \
                if isinstance(port, int) else None
            if exposed is not None:
                p.facts.append(Exposure(exposed.ref, "NodePort", f"{node.ip}:{port}",
                                        exposed.type, node.name))
        svc = topo.services_by_node_port.get((port, proto)) if isinstance(port, int) else None
        if svc is not None:
            sp = next(x for x in svc.ports if x.node_port == port and x.protocol == proto)
            if o.kind != "internet":
                # The packet first has to reach that node; kube-proxy there takes over.
                leg = self.packets.leg(o)
                denied = self.packets.source_policy(o, p, leg, node.ip, sp.node_port or 0, proto)
                if denied is not None:
                    return [denied]
                arrival = route_to(topo, leg.start, node.ip)
                p.extend(arrival.hops)
                if not arrival.ok:
                    assert arrival.reason is not None
                    return [p.failed(arrival.reason, arrival.detail, arrival.blame)]
            return self.node_port(o, p, node, svc, sp, None)
        if o.kind == "internet":
            result = self.packets.host_listen(p, node, port, proto, None, o.ip)
            if result.reached:
                back = self.packets.reply(p, node, o.ip)
                if back is not None:
                    return [back]
                return [p.arrive(result.detail, result.end)]
            return [result]
        if not isinstance(port, int):
            return [p.drop(f"node {node.name}", f'a port name ("{port}") means nothing on a '
                                                "node address", Reason.NOT_LISTENING, None, ref)]
        return [self.packets.send(o, p, self.packets.leg(o), node.ip, port, proto, None)]

    def node_port(self, o: Origin, p: Path, node: Node, svc: ServiceInfo, sp: SvcPort,
                  only: Endpoint | None, *, via_lb: bool = False) -> list[PathResult]:
        """kube-proxy on ``node`` handles a NodePort (or LoadBalancer) packet."""
        where = f"kube-proxy on {node.name}"
        eps = service_endpoints(self.topo, svc, sp)
        entry = f"LoadBalancer traffic for {svc.name}" if via_lb else \
            f"NodePort {sp.node_port} is Service {svc.namespace}/{svc.name}"
        if not eps.endpoints:
            p.add(where, entry, ref=svc.ref)
            return [self.no_endpoints(p, svc, eps)]
        endpoints = [only] if only is not None else list(eps.endpoints)
        local = svc.external_traffic_policy == "Local"
        if local:
            mine = [ep for ep in endpoints if ep.node == node.name]
            if not mine:
                label = ep_label(p, only) if only is not None else p.label
                branch = p.fork(label)
                return [branch.drop(where, f"externalTrafficPolicy: Local delivers only to "
                                           f"endpoints on {node.name}, and it has none"
                                           f"{' for ' + only.label if only else ''}",
                                    Reason.NO_LOCAL_ENDPOINT,
                                    Blame(svc.ref, "spec.externalTrafficPolicy"), svc.ref)]
            endpoints = mine
        client = o.ip
        port_in = sp.port if via_lb else (sp.node_port or sp.port)
        dst_in = str(svc.lb_ips[0]) if via_lb and svc.lb_ips else str(node.ip)
        out = []
        for ep in endpoints:
            branch = p.fork(ep_label(p, ep))
            before = Packet(str(client), dst_in, port_in, sp.protocol)
            seen = client if local else node.ip
            after = Packet(str(seen), str(ep.ip), ep.port, sp.protocol)
            if local:
                nat = "client IP preserved (externalTrafficPolicy: Local)"
            else:
                nat = f"SNAT to {node.ip} (externalTrafficPolicy: Cluster)"
            branch.add(where, f"{entry}: DNAT → endpoint {ep.label}, {nat}", before=before,
                       after=after, ref=svc.ref)
            result = self.packets.send(o, branch, Leg(node, seen, None), ep.ip, ep.port,
                                       sp.protocol, SvcContext(svc, sp, ep))
            if result.reached and not local:
                back = self.packets.reply(branch, node, client)
                result = back if back is not None else branch.arrive(result.detail, result.end)
            out.append(result)
        return out

    def internet_to_service(self, o: Origin, p: Path, svc: ServiceInfo, port: int | str,
                            proto: str) -> list[PathResult]:
        where = f"service {svc.namespace}/{svc.name}"
        if svc.type == "ExternalName":
            return [p.drop(where, "an ExternalName Service is only a DNS alias inside the "
                                  "cluster; nothing outside can connect to it",
                           Reason.NOT_EXPOSED, Blame(svc.ref, "spec.type"), svc.ref)]
        sp = svc.find_port(port, proto)
        if sp is None:
            return [self.no_port(p, svc, port, proto)]
        exposures: list[Exposed] = []
        if svc.type == "LoadBalancer" and svc.lb_ips:
            exposures.append(("lb", None))
        public = [n for n in self.topo.cluster.nodes if n.public]
        if svc.type in ("NodePort", "LoadBalancer") and sp.node_port is not None:
            exposures.extend(("nodeport", n) for n in public)
        if not exposures:
            if svc.type == "ClusterIP":
                return [p.drop(where, f"type ClusterIP: {svc.name} is reachable only inside "
                                      "the cluster", Reason.NOT_EXPOSED,
                               Blame(svc.ref, "spec.type"), svc.ref)]
            if svc.type == "LoadBalancer":
                return [p.drop(where, "type LoadBalancer, but the cluster has no load-balancer "
                                      "provider: EXTERNAL-IP stays <pending>"
                                      + ("" if not sp.node_port else
                                         ", and no node is public for its NodePort"),
                               Reason.LB_PENDING, Blame(svc.ref, "spec.type"), svc.ref)]
            first = self.topo.cluster.nodes[0]
            return [p.drop(where, f"NodePort {sp.node_port} is open on every node, but no node "
                                  "is public, so the internet cannot reach any of them",
                           Reason.NOT_EXPOSED, Blame(f"node/{first.name}", "public"),
                           f"node/{first.name}")]
        eps = service_endpoints(self.topo, svc, sp)
        if svc.type == "LoadBalancer" and not svc.lb_ips:
            p.add(where, "EXTERNAL-IP is <pending> (no load-balancer provider); its NodePort "
                         "on a public node still works", "info", ref=svc.ref)
        if not eps.endpoints:
            self.expose_hop(p, svc, sp, exposures[0])
            return [self.no_endpoints(p, svc, eps)]
        # DESIGN.md: from the internet a Service is reached through *any* exposure it has,
        # and the trace says which. So an endpoint counts as reached when some way in (the
        # load balancer, or the NodePort of some public node) delivers to it.
        results: list[PathResult] = []
        for ep in eps.endpoints:
            first_fail: PathResult | None = None
            chosen: PathResult | None = None
            for exposure in exposures:
                if not self.delivers(svc, exposure, ep):
                    continue
                branch = p.fork(f"{p.label} via {self.exposure_name(svc, exposure)}")
                self.expose_hop(branch, svc, sp, exposure)
                for r in self.through(o, branch, svc, sp, exposure, ep):
                    if r.reached:
                        chosen = r
                        break
                    if first_fail is None:
                        first_fail = r
                if chosen is not None:
                    break
            result = chosen or first_fail
            if result is not None:
                results.append(result)
        if not results:
            self.expose_hop(p, svc, sp, exposures[0])
            entries = ", ".join(n.name for _, n in exposures if n is not None) or "none"
            return [p.drop(where, "externalTrafficPolicy: Local delivers only to endpoints on "
                                  "the node the traffic enters, and no public node has one "
                                  f"(public: {entries}; endpoints on "
                                  f"{', '.join(sorted({str(e.node) for e in eps.endpoints}))})",
                           Reason.NO_LOCAL_ENDPOINT,
                           Blame(svc.ref, "spec.externalTrafficPolicy"), svc.ref)]
        return results

    @staticmethod
    def exposure_name(svc: ServiceInfo, exposure: Exposed) -> str:
        kind, node = exposure
        return f"LoadBalancer {svc.lb_ips[0]}" if kind == "lb" or node is None else node.name

    @staticmethod
    def delivers(svc: ServiceInfo, exposure: Exposed, ep: Endpoint) -> bool:
        """Can outside traffic entering this way ever be sent to ``ep``? With Local, a
        NodePort delivers only to its own node's endpoints (a load balancer health-checks
        nodes, so it sends each endpoint's share to that endpoint's node)."""
        kind, node = exposure
        if kind == "lb" or svc.external_traffic_policy != "Local":
            return True
        return node is not None and ep.node == node.name

    def expose_hop(self, p: Path, svc: ServiceInfo, sp: SvcPort,
                   exposure: Exposed) -> None:
        kind, node = exposure
        if kind == "lb":
            p.facts.append(Exposure(svc.ref, "LoadBalancer", f"{svc.lb_ips[0]}:{sp.port}",
                                    svc.type))
            p.add(f"LoadBalancer {svc.lb_ips[0]}",
                  f"the provider's load balancer for {svc.namespace}/{svc.name} "
                  f"accepts {sp.port}/{sp.protocol}", ref=svc.ref)
        else:
            assert node is not None
            p.facts.append(Exposure(svc.ref, "NodePort", f"{node.ip}:{sp.node_port}",
                                    svc.type, node.name))
            p.add(f"node {node.name}", f"public node {node.name} ({node.ip}) accepts NodePort "
                                       f"{sp.node_port}/{sp.protocol}", ref=f"node/{node.name}")

    def through(self, o: Origin, p: Path, svc: ServiceInfo, sp: SvcPort,
                exposure: Exposed, ep: Endpoint) -> list[PathResult]:
        kind, node = exposure
        if kind == "nodeport":
            assert node is not None
            return self.node_port(o, p, node, svc, sp, ep)
        if svc.source_ranges and not any(o.ip in r for r in svc.source_ranges):
            ranges = ", ".join(str(r) for r in svc.source_ranges)
            return [p.fork(ep_label(p, ep)).drop(
                f"LoadBalancer {svc.lb_ips[0]}",
                f"client {o.ip} is outside loadBalancerSourceRanges ({ranges}): dropped",
                Reason.SOURCE_RANGE_DENIED, Blame(svc.ref, "spec.loadBalancerSourceRanges"),
                svc.ref)]
        nodes = self.topo.cluster.nodes
        if svc.external_traffic_policy == "Local" and ep.node is not None:
            entry = self.topo.nodes_by_name.get(ep.node, nodes[0])
            why = "health checks send Local traffic only to nodes with an endpoint"
        else:
            entry = nodes[0]
            why = "the engine sends it to the first node; any node would do"
            self.run.assume("LoadBalancer traffic with externalTrafficPolicy: Cluster enters "
                            "at the first node")
        p.add(f"LoadBalancer {svc.lb_ips[0]}", f"forwards to {entry.name} ({why})",
              ref=f"node/{entry.name}")
        return self.node_port(o, p, entry, svc, sp, ep, via_lb=True)

    def to_ip(self, o: Origin, p: Path, ip: IPv4Address, port: int | str,
              proto: str) -> list[PathResult]:
        topo = self.topo
        cluster = topo.cluster
        svc = topo.services_by_ip.get(ip)
        if svc is not None:
            if o.kind == "internet":
                return [p.drop("internet", f"{ip} is the ClusterIP of {svc.namespace}/"
                                           f"{svc.name}, a virtual address inside the cluster; "
                                           "the internet cannot reach it", Reason.NOT_EXPOSED,
                               Blame(svc.ref, "spec.type"), "internet")]
            return self.to_service(o, p, svc, port, proto)
        svc = topo.services_by_lb_ip.get(ip)
        if svc is not None:
            if o.kind == "internet":
                sp = svc.find_port(port, proto)
                if sp is None:
                    return [self.no_port(p, svc, port, proto)]
                eps = service_endpoints(topo, svc, sp)
                self.expose_hop(p, svc, sp, ("lb", None))
                if not eps.endpoints:
                    return [self.no_endpoints(p, svc, eps)]
                return [r for ep in eps.endpoints
                        for r in self.through(o, p.fork(), svc, sp, ("lb", None), ep)]
            assert o.node is not None
            p.add(f"kube-proxy on {o.node.name}",
                  f"{ip} is the LoadBalancer IP of {svc.namespace}/{svc.name}; inside the "
                  "cluster kube-proxy short-circuits it like the ClusterIP (Cluster semantics)",
                  ref=svc.ref)
            sp = svc.find_port(port, proto)
            if sp is None:
                return [self.no_port(p, svc, port, proto)]
            eps = service_endpoints(topo, svc, sp)
            if svc.cluster_ip is None:
                return [self.no_endpoints(p, svc, eps)] if not eps.endpoints else []
            return self.via_cluster_ip(o, p, svc, sp, eps)
        node = topo.nodes_by_ip.get(ip)
        if node is not None:
            return self.to_node(o, p, node, port, proto)
        pod = topo.pods_by_ip.get(ip)
        if pod is not None:
            return [self.packets.to_pod(o, p, pod, port, proto)]
        if isinstance(port, str):
            return [p.drop("client", f'port name "{port}" cannot be resolved for {ip}; names '
                                     "belong to Services and pods", Reason.NOT_LISTENING)]
        private = (ip in cluster.cluster_cidr or ip in cluster.service_cidr
                   or ip in cluster.node_network)
        if o.kind == "internet" and ip in LB_POOL:
            return [p.drop("internet", f"{ip} is in the load-balancer address pool but no "
                                       "LoadBalancer Service holds it: nothing answers",
                           Reason.NOT_EXPOSED, None, "internet")]
        if o.kind == "internet":
            if private:
                return [p.drop("internet", f"{ip} is a private cluster address; the internet "
                                           "has no route to it", Reason.NOT_EXPOSED,
                               None, "internet")]
            p.add("internet", f"{ip} is outside the cluster too; the engine does not model the "
                              "internet between them", "info", ref="internet")
            return [p.arrive(f"reached {ip} without entering the cluster")]
        if ip in cluster.service_cidr:
            return [p.drop(f"kube-proxy on {self.packets.leg(o).start.name}",
                           f"{ip} is in serviceCIDR but no Service has that ClusterIP",
                           Reason.NO_ROUTE, None)]
        return [self.packets.send(o, p, self.packets.leg(o), ip, port, proto, None)]
