"""Layer 3: how a packet gets from one node to the address it is for.

Each node delivers its own podCIDR over its bridge; with ``podNetwork:
overlay`` other nodes' podCIDRs are reached through the overlay whatever the
route tables say; everything else goes by longest-prefix match in the node's
table. ``via`` must be a node or the gateway; the gateway knows only the
internet. A packet that comes back to a node it already left is a loop.
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

from k8snet_tui.engine.topology import Topology
from k8snet_tui.engine.trace import Blame, Hop, Reason
from k8snet_tui.model.cluster import Node, Route

MAX_TTL = 64


@dataclass(frozen=True)
class Arrival:
    """Where routing ended: at a node (``node``), or out on the internet (``node`` None)."""

    ok: bool
    node: Node | None
    external: bool
    hops: tuple[Hop, ...]
    reason: Reason | None = None
    detail: str = ""
    blame: Blame | None = None
    egress_node: Node | None = None  # the node whose default route took it outside


def _lookup(node: Node, ip: IPv4Address) -> Route | None:
    for route in node.routes:  # longest prefix first
        if ip in route.network:
            return route
    return None


def _route_text(route: Route) -> str:
    where = f" (routes[{route.index}])" if route.index is not None else \
        (" (connected)" if route.via is None else " (default)")
    return route.describe() + where


def _is_cluster_range(topo: Topology, ip: IPv4Address) -> bool:
    return ip in topo.cluster.cluster_cidr or ip in topo.cluster.service_cidr


def route_to(topo: Topology, start: Node, dst: IPv4Address, *, what: str = "packet") -> Arrival:
    """Route ``dst`` starting at ``start``'s routing table, hop by hop.

    Memoised per topology: the answer depends only on the tables, and every flow
    through a Service asks the same few questions (request and reply per endpoint).
    """
    key = (start.name, dst, what)
    cached = topo.route_cache.get(key)
    if cached is None:
        cached = _route(topo, start, dst, what)
        topo.route_cache[key] = cached
    return cached


def _route(topo: Topology, start: Node, dst: IPv4Address, what: str) -> Arrival:
    cluster = topo.cluster
    hops: list[Hop] = []
    node = start
    visited = [start.name]
    ttl = MAX_TTL
    while True:
        table = f"{node.name} routing table"
        ref = f"node/{node.name}"
        if dst == node.ip or dst in node.pod_cidr:
            local = "its own address" if dst == node.ip else f"its podCIDR {node.pod_cidr}"
            hops.append(Hop(table, f"{dst} is {local}: delivered locally", ref=ref))
            return Arrival(True, node, False, tuple(hops))
        owner = topo.owner_node_of_ip(dst)
        if cluster.pod_network == "overlay" and owner is not None:
            hops.append(Hop(table, f"{dst} is in {owner.name}'s podCIDR {owner.pod_cidr}: "
                                   f"sent through the overlay to {owner.name} ({owner.ip})",
                            ref=ref))
            hops.append(Hop(f"{owner.name} routing table",
                            f"{dst} is in its podCIDR: delivered over the bridge",
                            ref=f"node/{owner.name}"))
            return Arrival(True, owner, False, tuple(hops))
        route = _lookup(node, dst)
        if route is None:
            hops.append(Hop(table, f"no route matches {dst}: the {what} is dropped "
                                   "(network unreachable)", "drop", ref=ref))
            return Arrival(False, None, False, tuple(hops), Reason.NO_ROUTE,
                           f"{node.name} has no route to {dst}", Blame(ref, "routes"))
        next_hop = dst if route.via is None else route.via
        hops.append(Hop(table, f"{dst} matches {_route_text(route)}", ref=ref))
        if next_hop == cluster.gateway:
            if _is_cluster_range(topo, dst) or dst in cluster.node_network:
                hops.append(Hop("gateway", f"the gateway {cluster.gateway} knows only the "
                                           f"internet; it drops {dst}, a cluster address",
                                "drop", ref="gateway"))
                return Arrival(False, None, False, tuple(hops), Reason.NO_ROUTE,
                               f"{node.name} sends {dst} to the gateway, which drops cluster "
                               "addresses", Blame(ref, "routes"))
            hops.append(Hop("gateway", f"forwarded to the internet towards {dst}",
                            ref="gateway"))
            return Arrival(True, None, True, tuple(hops), egress_node=node)
        target = topo.nodes_by_ip.get(next_hop)
        if target is None:
            if route.via is None and not _is_cluster_range(topo, dst):
                hops.append(Hop(table, f"no host answers at {dst} on the node network", "drop",
                                ref=ref))
                return Arrival(False, None, False, tuple(hops), Reason.NO_ROUTE,
                               f"nothing on the node network has address {dst}",
                               Blame(ref, "routes"))
            hops.append(Hop(table, f"next hop {next_hop} does not answer (no node or gateway "
                                   "has that address)", "drop", ref=ref))
            return Arrival(False, None, False, tuple(hops), Reason.NO_ROUTE,
                           f"{node.name} routes {dst} via {next_hop}, which does not answer",
                           Blame(ref, f"routes[{route.index}].via" if route.index is not None
                                 else "routes"))
        if target.name in visited:
            path = " → ".join([*visited, target.name])
            hops.append(Hop(table, f"forwarded back to {target.name}, which already handled "
                                   f"this packet: routing loop ({path})", "drop", ref=ref))
            return Arrival(False, None, False, tuple(hops), Reason.ROUTE_LOOP,
                           f"routing loop {path}", Blame(ref, "routes"))
        ttl -= 1
        if ttl <= 0:  # pragma: no cover - a loop is caught above first
            return Arrival(False, None, False, tuple(hops), Reason.ROUTE_LOOP, "TTL exceeded",
                           Blame(ref, "routes"))
        if dst == target.ip:
            hops.append(Hop(f"{target.name}", f"arrived at {target.name} ({target.ip})",
                            ref=f"node/{target.name}"))
            return Arrival(True, target, False, tuple(hops))
        visited.append(target.name)
        node = target


def external_route(topo: Topology, start: Node, dst: IPv4Address) -> Arrival:
    """Route to an address outside the cluster (a reply to a client, egress)."""
    return route_to(topo, start, dst)
