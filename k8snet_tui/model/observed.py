"""A cluster section read off real objects: ``kubectl get -o yaml`` output as it is.

Plain manifests carry no ``cluster:`` section, but a dump of a live cluster says a
lot about it: the nodes its pods run on and the addresses they were given. Pod
addresses are kept rather than re-assigned, so a trace names the IPs the user
sees in ``kubectl get pods -o wide``; for that, each node's podCIDR and the
clusterCIDR are taken from the pods' ``status.podIP``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, ip_address
from typing import Any

from k8snet_tui.model.cluster import ClusterSpec

NODE_PREFIX = 24
"""Per-node pod ranges are /24 in kubeadm, k3s and most CNIs; wider only if pods say so."""
CLUSTER_PREFIX = 16


def _covering(addresses: Iterable[IPv4Address | IPv4Network], prefix: int) -> IPv4Network:
    """The smallest network of at most ``prefix`` bits holding every address."""
    items = list(addresses)
    first = items[0]
    start = first.network_address if isinstance(first, IPv4Network) else first
    net = IPv4Network((start, prefix), strict=False)
    while not all((a.subnet_of(net) if isinstance(a, IPv4Network) else a in net)
                  for a in items):
        net = net.supernet()
    return net


def _pod_ip(res: dict[str, Any]) -> tuple[str, IPv4Address] | None:
    spec, status = res.get("spec"), res.get("status")
    if res.get("kind") != "Pod" or not isinstance(spec, dict) or not isinstance(status, dict):
        return None
    node, ip = spec.get("nodeName"), status.get("podIP")
    if spec.get("hostNetwork") is True or not isinstance(node, str) or not isinstance(ip, str):
        return None
    try:
        parsed = ip_address(ip)
    except ValueError:
        return None  # the world builder reports it at the field
    return (node, parsed) if isinstance(parsed, IPv4Address) else None


def node_names(resources: Sequence[dict[str, Any]]) -> list[str]:
    """Nodes named by pods and pod templates, in first-seen order."""
    names: list[str] = []
    for res in resources:
        spec = res.get("spec")
        if not isinstance(spec, dict):
            continue
        template = spec.get("template")
        template_spec = template.get("spec") if isinstance(template, dict) else None
        for candidate in (spec, template_spec):
            if isinstance(candidate, dict):
                node = candidate.get("nodeName")
                if isinstance(node, str) and node and node not in names:
                    names.append(node)
    return names


def observed_cluster(resources: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """The ``cluster:`` section the objects imply, or None when they imply nothing.

    Ranges that would clash (two nodes' pods in one /24, a clusterCIDR over the
    Service range) are left out; the world builder then re-addresses those pods
    with a warning, as before.
    """
    names = node_names(resources)
    if not names:
        return None
    by_node: dict[str, list[IPv4Address]] = {}
    for res in resources:
        found = _pod_ip(res)
        if found is not None and found[0] in names:
            by_node.setdefault(found[0], []).append(found[1])
    defaults = ClusterSpec()
    cidrs: dict[str, IPv4Network] = {}
    for name in names:
        if name not in by_node:
            continue
        net = _covering(by_node[name], NODE_PREFIX)
        if any(net.overlaps(other) for other in cidrs.values()):
            continue
        cidrs[name] = net
    cluster: dict[str, Any] = {}
    if cidrs:
        cluster_cidr = defaults.clusterCIDR
        if not all(n.subnet_of(cluster_cidr) for n in cidrs.values()):
            cluster_cidr = _covering(cidrs.values(), CLUSTER_PREFIX)
        if cluster_cidr.overlaps(defaults.serviceCIDR) or \
                cluster_cidr.overlaps(defaults.nodeNetwork):
            cidrs = {}
        elif cluster_cidr != defaults.clusterCIDR:
            cluster["clusterCIDR"] = str(cluster_cidr)
    cluster["nodes"] = [{"name": n, **({"podCIDR": str(cidrs[n])} if n in cidrs else {})}
                        for n in names]
    return cluster
