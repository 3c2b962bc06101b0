"""Name lookups as a pod makes them: the query to kube-dns is itself a flow.

Where the level defines cluster DNS, a lookup must reach kube-dns (routes and
policies can break it) before the answer is used; ExternalName CNAMEs and
headless A records lead on to the next part of the walk.
"""

from __future__ import annotations

from k8snet_tui.engine.dns import Answer, resolve
from k8snet_tui.engine.part import Part
from k8snet_tui.engine.path import Origin, Path, ep_label
from k8snet_tui.engine.services import Endpoint, EndpointSet, service_endpoints
from k8snet_tui.engine.trace import Blame, Hop, PathResult, Reason
from k8snet_tui.model.world import ServiceInfo, SvcPort

MAX_CNAME_DEPTH = 5


class NamePaths(Part):
    """DNS for one flow evaluation (``Run``)."""

    def dns_lookup(self, o: Origin, p: Path, name: str) -> tuple[Answer | None,
                                                                 list[PathResult]]:
        """Resolve ``name`` for ``o``; when cluster DNS is defined the query is a real flow.

        Returns the answer (None when the lookup itself failed) and failed DNS paths.
        """
        topo = self.topo
        kube_dns = topo.kube_dns
        if o.kind == "internet":
            answer = resolve(topo, name, "default")
            if answer.kind != "external":
                p.drop("DNS", f"{name} is a cluster name; resolvers on the internet do not know "
                              "it", Reason.DNS_NXDOMAIN)
                return None, [p.failed(Reason.DNS_NXDOMAIN, f"{name} does not resolve outside "
                                       "the cluster", None)]
            return answer, []
        if o.pod is None:
            self.run.assume("nodes resolve cluster names as a pod in namespace default would")
        failed: list[PathResult] = []
        if kube_dns is not None:
            dns_paths = self.run.engine.dns_paths(o)
            ok = [r for r in dns_paths if r.reached]
            bad = [r for r in dns_paths if not r.reached]
            target = f"{kube_dns.cluster_ip or 'kube-dns'}:53/UDP"
            if not ok:
                first = bad[0] if bad else None
                inner = f" ({first.reason.value}: {first.detail})" if first and first.reason \
                    else ""
                if first is not None:
                    p.extend(first.hops[1:])
                    p.facts.extend(first.facts)
                p.hops.append(Hop("cluster DNS", f"the lookup of {name} cannot reach kube-dns "
                                                 f"({target}){inner}", "drop",
                                  ref=kube_dns.ref))
                return None, [p.failed(Reason.DNS_UNREACHABLE,
                                       f"cannot reach cluster DNS at {target}{inner}",
                                       first.blame if first else None)]
            if bad:
                branch = p.fork()
                branch.extend(bad[0].hops[1:])
                branch.facts.extend(bad[0].facts)
                failed.append(branch.failed(Reason.DNS_UNREACHABLE,
                                            f"{len(bad)} of {len(dns_paths)} kube-dns endpoints "
                                            f"are unreachable: {bad[0].detail}", bad[0].blame))
            p.add("cluster DNS", f"query for {name} to kube-dns {target} gets through "
                                 f"({len(ok)} of {len(dns_paths)} endpoints)", ref=kube_dns.ref)
        answer = resolve(topo, name, o.namespace)
        if answer.kind == "nxdomain":
            drop = p.drop("cluster DNS", answer.detail, Reason.DNS_NXDOMAIN)
            return None, [drop, *failed]
        p.add("cluster DNS", answer.detail, "info" if kube_dns is None else "pass")
        return answer, failed

    def to_name(self, o: Origin, p: Path, name: str, port: int | str, proto: str,
                depth: int = 0) -> list[PathResult]:
        answer, failed = self.dns_lookup(o, p, name)
        if answer is None:
            return failed
        return failed + self.to_answer(o, p, answer, port, proto, depth)

    def to_answer(self, o: Origin, p: Path, answer: Answer, port: int | str, proto: str,
                  depth: int) -> list[PathResult]:
        if answer.kind == "external":
            assert answer.ip is not None
            if isinstance(port, str):
                return [p.drop("client", f'port name "{port}" means nothing for an outside '
                                         "server", Reason.NOT_LISTENING)]
            if o.kind == "internet":
                return [p.arrive(f"reached {answer.fqdn} outside the cluster")]
            return [self.packets.send(o, p, self.packets.leg(o), answer.ip, port, proto, None)]
        if answer.kind == "pod":
            assert answer.pod is not None
            return [self.packets.to_pod(o, p, answer.pod, port, proto)]
        svc = answer.service
        assert svc is not None
        if svc.type == "ExternalName":
            if depth >= MAX_CNAME_DEPTH:
                return [p.drop("cluster DNS", "CNAME chain too long", Reason.DNS_NXDOMAIN,
                               Blame(svc.ref, "spec.externalName"))]
            p.add("cluster DNS", f"{svc.name} is an ExternalName: CNAME {svc.external_name}",
                  ref=svc.ref)
            return self.to_name(o, p, f"{svc.external_name}.", port, proto, depth + 1)
        if svc.headless:
            sp = svc.find_port(port, proto)
            if sp is None:
                if isinstance(port, str):
                    return [self.services.no_port(p, svc, port, proto)]
                sp = SvcPort(-1, None, port, proto, port, None)
            eps = service_endpoints(self.topo, svc, sp) if sp.index >= 0 else \
                self.headless_any(svc, sp)
            if not eps.endpoints:
                return [p.drop("cluster DNS", f"headless Service {svc.name} has no ready "
                                              f"endpoints, so its name has no A records "
                                              f"(NXDOMAIN): {eps.detail}", Reason.DNS_NXDOMAIN,
                               eps.blame, svc.ref)]
            ips = ", ".join(str(ep.ip) for ep in eps.endpoints)
            p.add("cluster DNS", f"headless: A records are the ready pod IPs ({ips})",
                  ref=svc.ref)
            return [self.packets.send(o, p.fork(ep_label(p, ep)), self.packets.leg(o), ep.ip,
                                      sp.port, proto, None) for ep in eps.endpoints]
        return self.services.to_service(o, p, svc, port, proto)

    def headless_any(self, svc: ServiceInfo, sp: SvcPort) -> EndpointSet:
        """Endpoints of a headless Service for a port it does not declare (DNS has no ports)."""
        if svc.ports:
            return service_endpoints(self.topo, svc, svc.ports[0])
        if not svc.selector:
            return EndpointSet((), Reason.NO_ENDPOINTS, "no selector and no endpoints",
                               Blame(svc.ref, "spec.selector"))
        pods = [x for x in self.topo.select_by_labels(svc.namespace, dict(svc.selector))
                if x.ready or svc.publish_not_ready]
        if not pods:
            return EndpointSet((), Reason.SELECTOR_MISMATCH, "selector matches no ready pod",
                               Blame(svc.ref, "spec.selector"))
        return EndpointSet(tuple(Endpoint(x.ip, sp.port, x, x.node) for x in pods))
