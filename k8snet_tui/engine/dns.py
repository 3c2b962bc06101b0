"""Cluster DNS as a pod sees it: search path, Service and pod records, upstream.

A pod's resolv.conf is ``search <ns>.svc.<domain> svc.<domain> <domain>`` with
``ndots:5``, so ``api`` resolves in the pod's own namespace and ``api.other``
across namespaces. Names outside the cluster domain go upstream; the engine
answers them with the documentation address of "a server on the internet".
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Literal

from k8snet_tui.engine.topology import Topology
from k8snet_tui.model.flows import DEFAULT_SERVER_IP
from k8snet_tui.model.world import PodInfo, ServiceInfo

NDOTS = 5


@dataclass(frozen=True)
class Answer:
    kind: Literal["service", "pod", "external", "nxdomain"]
    fqdn: str
    detail: str
    service: ServiceInfo | None = None
    pod: PodInfo | None = None
    ip: IPv4Address | None = None


COMMON_TLDS = frozenset([
    "com", "net", "org", "edu", "gov", "mil", "int", "io", "dev", "app", "cloud", "ai", "co",
    "info", "biz", "me", "tv", "xyz", "online", "site", "tech", "store", "shop", "blog", "news",
    "example", "test", "invalid",
])
"""Top-level domains that exist upstream (plus RFC 2606's reserved ones, which authors use
in examples). Two-letter country codes count too."""


def looks_public(fqdn: str, topo: Topology) -> bool:
    """Would an upstream resolver answer this name? The engine's stand-in for the internet:
    the last label must be a real-looking TLD, and not a namespace of this cluster."""
    last = fqdn.rsplit(".", 1)[-1]
    if last in topo.world.namespaces or last in ("svc", "local", "cluster", "internal",
                                                 "localhost"):
        return False
    return last in COMMON_TLDS or (len(last) == 2 and last.isalpha())


def search_list(namespace: str, domain: str) -> tuple[str, ...]:
    return (f"{namespace}.svc.{domain}", f"svc.{domain}", domain)


def candidates(name: str, namespace: str, domain: str) -> list[str]:
    """The names the resolver tries, in order (resolv.conf semantics)."""
    if name.endswith("."):
        return [name.rstrip(".")]
    expanded = [f"{name}.{suffix}" for suffix in search_list(namespace, domain)]
    if name.count(".") >= NDOTS:
        return [name, *expanded]
    return [*expanded, name]


def _lookup(topo: Topology, fqdn: str) -> Answer | None:
    domain = topo.cluster.domain
    suffix = f".svc.{domain}"
    if fqdn.endswith(suffix):
        labels = fqdn[: -len(suffix)].split(".")
        if len(labels) == 2:
            svc = topo.services_by_key.get((labels[1], labels[0]))
            if svc is not None:
                return Answer("service", fqdn, f"{fqdn} is Service {svc.namespace}/{svc.name}",
                              service=svc)
        if len(labels) == 4 and labels[0].startswith("_") and labels[1] in ("_tcp", "_udp",
                                                                             "_sctp"):
            svc = topo.services_by_key.get((labels[3], labels[2]))
            port_name, proto = labels[0][1:], labels[1][1:].upper()
            if svc is not None and any(p.name == port_name and p.protocol == proto
                                       for p in svc.ports):
                return Answer("service", fqdn, f"{fqdn} is the SRV record of port {port_name} "
                                               f"of Service {svc.namespace}/{svc.name}",
                              service=svc)
            return None
        if len(labels) == 3:
            host, svc_name, ns = labels
            svc = topo.services_by_key.get((ns, svc_name))
            if svc is not None and svc.headless and svc.selector:
                # Per-pod records come from the endpoints: the pod must be selected and
                # Ready (or published anyway), not merely carry the hostname.
                for pod in topo.pods_by_ns.get(ns, ()):
                    if pod.hostname == host and pod.subdomain == svc_name and \
                            all(pod.labels.get(k) == v for k, v in svc.selector.items()) and \
                            (pod.ready or svc.publish_not_ready):
                        return Answer("pod", fqdn, f"{fqdn} is pod {ns}/{pod.name} (hostname "
                                                   "under a headless Service)", pod=pod)
        return None
    pod_suffix = f".pod.{domain}"
    if fqdn.endswith(pod_suffix):
        labels = fqdn[: -len(pod_suffix)].split(".")
        if len(labels) == 2:
            try:
                ip = IPv4Address(labels[0].replace("-", "."))
            except ValueError:
                return None
            by_ip = topo.pods_by_ip.get(ip)
            if by_ip is not None and by_ip.namespace == labels[1]:
                return Answer("pod", fqdn, f"{fqdn} is pod {by_ip.namespace}/{by_ip.name}",
                              pod=by_ip)
        return None
    return None


def resolve(topo: Topology, name: str, namespace: str) -> Answer:
    """Resolve ``name`` from a pod in ``namespace``."""
    domain = topo.cluster.domain
    name = name.lower()
    tried: list[str] = []
    for fqdn in candidates(name, namespace, domain):
        tried.append(fqdn)
        if fqdn == domain or fqdn.endswith("." + domain):
            found = _lookup(topo, fqdn)
            if found is not None:
                return found
            continue
        if "." not in fqdn:
            continue  # a single label never resolves upstream
        if not looks_public(fqdn, topo):
            continue  # meant for the cluster (``api.shop``): upstream has no such name
        return Answer("external", fqdn, f"{fqdn} is outside the cluster domain; the upstream "
                                        f"resolver answers {DEFAULT_SERVER_IP} (the engine's "
                                        "stand-in for an internet server)", ip=DEFAULT_SERVER_IP)
    return Answer("nxdomain", name, f"NXDOMAIN: no record for {name} (tried "
                                    f"{', '.join(tried)}; upstream, the engine answers only "
                                    "names under a public top-level domain)")
