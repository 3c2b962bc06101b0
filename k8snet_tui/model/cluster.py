"""The cluster section of a level: nodes, networks, routes — as written and resolved.

``ClusterSpec`` is what the file says (every key optional). ``resolve_cluster``
fills in the documented defaults and checks the addressing plan, returning a
``Cluster`` in which every address is concrete, so the engine never re-derives
a default.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)

from k8snet_tui.model.addr import addr
from k8snet_tui.model.problems import Problem

_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_CONTROLLER = re.compile(_DNS_SUBDOMAIN.pattern + r"/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+")


def _controller_name(name: str) -> str:
    """The GatewayController pattern, so a typo is caught here and not as a class that
    silently never becomes Accepted."""
    if not _CONTROLLER.fullmatch(name) or len(name) > 253:
        raise ValueError(f"{name!r} is not a Gateway API controller name: DOMAIN/PATH, "
                         'e.g. "example.net/gateway-controller"')
    return name


ControllerName = Annotated[str, AfterValidator(_controller_name)]


class StrictModel(BaseModel):
    """Our own sections: unknown keys are errors, so typos never pass silently."""

    # defer_build: schemas are built on first use, so start-up (level select) stays quick.
    model_config = ConfigDict(extra="forbid", populate_by_name=True, defer_build=True)


class RouteSpec(StrictModel):
    to: str = Field(description='Destination CIDR, or "default" for 0.0.0.0/0.')
    via: IPv4Address = Field(description="Next hop: a node IP or the gateway, on nodeNetwork.")

    @field_validator("to")
    @classmethod
    def _cidr(cls, value: str) -> str:
        if value != "default":
            try:
                IPv4Network(value)
            except ValueError as exc:
                raise ValueError(f'"{value}" is not a CIDR or "default": {exc}') from None
        return value

    @property
    def network(self) -> IPv4Network:
        return IPv4Network("0.0.0.0/0") if self.to == "default" else IPv4Network(self.to)


class NodeSpec(StrictModel):
    name: str = Field(min_length=1, max_length=63,
                      description="Used by node/NAME references and pods' spec.nodeName.")
    ip: IPv4Address | None = Field(default=None, description="Default: .11, .12, … of nodeNetwork.")
    podCIDR: IPv4Network | None = Field(
        default=None, description="Default: carved from clusterCIDR."
    )
    public: StrictBool = Field(default=False,
                               description="Reachable from the internet (NodePort).")
    masquerade: StrictBool = Field(default=True,
                                   description="SNAT pod traffic leaving the cluster.")
    routes: list[RouteSpec] | None = Field(
        default=None, description="Replaces the default route to the gateway; [] means none."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Informational; the engine does not read them."
    )


def _default_nodes() -> list[NodeSpec]:
    return [NodeSpec(name="node-1")]


class ClusterSpec(StrictModel):
    clusterCIDR: IPv4Network = Field(
        default=IPv4Network("10.244.0.0/16"),
        description="Pod addresses; each node's podCIDR is carved from it.",
    )
    serviceCIDR: IPv4Network = Field(
        default=IPv4Network("10.96.0.0/12"),
        description="ClusterIPs are allocated from it, in resource order.",
    )
    nodePortRange: str = Field(
        default="30000-32767", pattern=r"^\d{1,5}-\d{1,5}$",
        description="LOW-HIGH; NodePorts are allocated from LOW up.",
    )
    domain: str = Field(default="cluster.local", description="The cluster DNS domain.")
    podNetwork: Literal["overlay", "routes"] = Field(
        default="overlay",
        description="overlay: nodes reach each other's pods implicitly; routes: node route "
                    "tables decide.",
    )
    loadBalancerProvider: StrictBool = Field(
        default=False,
        description="true: LoadBalancer Services get an external IP; false: it stays <pending>.",
    )
    nodeNetwork: IPv4Network = Field(
        default=IPv4Network("192.168.0.0/24"),
        description="The one network every node IP is on (connected).",
    )
    gateway: IPv4Address | None = Field(default=None, description="Default: .1 of nodeNetwork.")
    nodes: list[NodeSpec] = Field(default_factory=_default_nodes, min_length=1,
                                  description="The cluster's nodes, in order.")
    gatewayControllers: list[ControllerName] = Field(
        default_factory=list,
        description="Gateway API controllers running in the cluster (a GatewayClass's "
                    "spec.controllerName); a class whose controller is not listed is not "
                    "Accepted and its Gateways get no proxy.",
    )

    @field_validator("domain")
    @classmethod
    def _domain(cls, value: str) -> str:
        domain = value.strip(".").lower()
        if not _DNS_SUBDOMAIN.fullmatch(domain) or len(domain) > 253:
            raise ValueError(f"{value!r} is not a DNS domain (e.g. cluster.local): labels of "
                             "lowercase letters, digits and '-', joined by dots")
        return domain


def _reserved(ip: IPv4Address, network: IPv4Network) -> str | None:
    """Why ``ip`` cannot be a host's address on ``network`` (/31 and /32 have no such)."""
    if network.prefixlen >= 31:
        return None
    if ip == network.network_address:
        return f"the network address of {network}"
    if ip == network.broadcast_address:
        return f"the broadcast address of {network}"
    return None


@dataclass(frozen=True)
class Route:
    network: IPv4Network
    via: IPv4Address | None  # None: directly connected
    index: int | None  # position in the node's routes list, None for implicit routes

    def describe(self) -> str:
        dest = "default" if self.network.prefixlen == 0 else str(self.network)
        return f"{dest} dev eth0" if self.via is None else f"{dest} via {self.via}"


@dataclass(frozen=True)
class Node:
    name: str
    index: int
    ip: IPv4Address
    pod_cidr: IPv4Network
    public: bool
    masquerade: bool
    routes: tuple[Route, ...]  # longest prefix first; includes the connected network
    explicit_routes: bool
    labels: dict[str, str]


@dataclass(frozen=True)
class Cluster:
    cluster_cidr: IPv4Network
    service_cidr: IPv4Network
    node_port_range: tuple[int, int]
    domain: str
    pod_network: Literal["overlay", "routes"]
    lb_provider: bool
    node_network: IPv4Network
    gateway: IPv4Address
    nodes: tuple[Node, ...]
    gateway_controllers: tuple[str, ...] = ()

    def node(self, name: str) -> Node | None:
        for node in self.nodes:
            if node.name == name:
                return node
        return None


def _node_port_range(text: str) -> tuple[int, int]:
    low, high = (int(x) for x in text.split("-"))
    return low, high


def resolve_cluster(spec: ClusterSpec) -> tuple[Cluster, list[Problem]]:
    """Apply the documented defaults and check the addressing plan."""
    problems: list[Problem] = []

    def err(msg: str, *loc: str | int) -> None:
        problems.append(Problem(msg, ("cluster", *loc)))

    low, high = _node_port_range(spec.nodePortRange)
    if not (1 <= low <= high <= 65535):
        err(f"{spec.nodePortRange} is not a port range low-high within 1-65535", "nodePortRange")
        low, high = 30000, 32767

    for name_a, net_a, name_b, net_b in (
        ("clusterCIDR", spec.clusterCIDR, "serviceCIDR", spec.serviceCIDR),
        ("clusterCIDR", spec.clusterCIDR, "nodeNetwork", spec.nodeNetwork),
        ("serviceCIDR", spec.serviceCIDR, "nodeNetwork", spec.nodeNetwork),
    ):
        if net_a.overlaps(net_b):
            # Blame the key the author wrote: a default they never saw cannot be fixed there.
            blamed = name_b if name_b in spec.model_fields_set else name_a
            err(f"{name_a} {net_a} overlaps {name_b} {net_b}", blamed)

    gateway = spec.gateway
    if gateway is None:
        gateway = spec.nodeNetwork.network_address + 1
    elif gateway not in spec.nodeNetwork:
        err(f"gateway {gateway} is not on nodeNetwork {spec.nodeNetwork}", "gateway")
    elif (reserved := _reserved(gateway, spec.nodeNetwork)) is not None:
        err(f"gateway {gateway} is {reserved}; no host can have it", "gateway")

    seen_names: dict[str, int] = {}
    for i, node in enumerate(spec.nodes):
        if node.name in seen_names:
            err(f'duplicate node name "{node.name}" (also nodes[{seen_names[node.name]}])',
                "nodes", i, "name")
        seen_names.setdefault(node.name, i)

    # Node IPs: explicit ones first, then .11, .12, … skipping any taken.
    taken_ips: dict[IPv4Address, int] = {gateway: -1}
    for i, node in enumerate(spec.nodes):
        if node.ip is None:
            continue
        if node.ip not in spec.nodeNetwork:
            err(f"node IP {node.ip} is not on nodeNetwork {spec.nodeNetwork}", "nodes", i, "ip")
        elif (reserved := _reserved(node.ip, spec.nodeNetwork)) is not None:
            err(f"node IP {node.ip} is {reserved}; no host can have it", "nodes", i, "ip")
        if node.ip in taken_ips:
            other = taken_ips[node.ip]
            what = "the gateway" if other < 0 else f"nodes[{other}]"
            err(f"node IP {node.ip} is already used by {what}", "nodes", i, "ip")
        taken_ips.setdefault(node.ip, i)
    ips: list[IPv4Address] = []
    homeless = False
    candidate = spec.nodeNetwork.network_address + 11
    for node in spec.nodes:
        if node.ip is not None:
            ips.append(node.ip)
            continue
        while candidate in taken_ips and candidate in spec.nodeNetwork:
            candidate += 1
        if candidate not in spec.nodeNetwork or candidate == spec.nodeNetwork.broadcast_address:
            if not homeless:  # one message for all of them, not one per node
                err(f"nodeNetwork {spec.nodeNetwork} has no room for nodes[{len(ips)}] and "
                    f"the {sum(n.ip is None for n in spec.nodes[len(ips):]) - 1} after it "
                    "without an ip", "nodeNetwork")
            homeless = True
            candidate = spec.nodeNetwork.network_address
        ips.append(candidate)
        taken_ips[candidate] = len(ips) - 1
        candidate += 1

    # podCIDRs: explicit ones first, then carved from clusterCIDR in order.
    explicit = [n.podCIDR for n in spec.nodes if n.podCIDR is not None]
    for i, node in enumerate(spec.nodes):
        if node.podCIDR is None:
            continue
        if not node.podCIDR.subnet_of(spec.clusterCIDR):
            err(f"podCIDR {node.podCIDR} is outside clusterCIDR {spec.clusterCIDR}",
                "nodes", i, "podCIDR")
        for j, prev in enumerate(spec.nodes[:i]):
            if prev.podCIDR is not None and prev.podCIDR.overlaps(node.podCIDR):
                err(f"podCIDR {node.podCIDR} overlaps nodes[{j}] podCIDR {prev.podCIDR}",
                    "nodes", i, "podCIDR")
    prefix = spec.clusterCIDR.prefixlen
    size = max(24, prefix + max(1, math.ceil(math.log2(max(2, len(spec.nodes))))))
    size = min(size, 30)
    carve = spec.clusterCIDR.subnets(new_prefix=size) if size > prefix else iter(())
    cidrs: list[IPv4Network] = []
    for node in spec.nodes:
        if node.podCIDR is not None:
            cidrs.append(node.podCIDR)
            continue
        chosen: IPv4Network | None = None
        for sub in carve:
            if not any(sub.overlaps(e) for e in explicit):
                chosen = sub
                break
        if chosen is None:
            err(f"clusterCIDR {spec.clusterCIDR} has no room for a podCIDR per node", "clusterCIDR")
            chosen = IPv4Network("0.0.0.0/32")
        cidrs.append(chosen)

    nodes: list[Node] = []
    connected = Route(spec.nodeNetwork, None, None)
    for i, node in enumerate(spec.nodes):
        routes: list[Route] = [connected]
        if node.routes is None:
            routes.append(Route(IPv4Network("0.0.0.0/0"), gateway, None))
        else:
            seen_dest: dict[IPv4Network, int] = {}
            for r_i, route in enumerate(node.routes):
                net = route.network
                if route.via not in spec.nodeNetwork:
                    err(f"via {route.via} is not on a connected network (nodeNetwork "
                        f"{spec.nodeNetwork})", "nodes", i, "routes", r_i, "via")
                if route.via == ips[i]:
                    err(f"via {route.via} is this node's own address", "nodes", i, "routes", r_i,
                        "via")
                if net in seen_dest:
                    err(f"duplicate route to {route.to} (also routes[{seen_dest[net]}])",
                        "nodes", i, "routes", r_i, "to")
                seen_dest.setdefault(net, r_i)
                routes.append(Route(net, route.via, r_i))
        # Longest prefix first; explicit routes beat the connected one on a tie.
        routes.sort(key=lambda r: (-r.network.prefixlen, r.index is None))
        nodes.append(
            Node(
                name=node.name,
                index=i,
                ip=addr(ips[i]),
                pod_cidr=cidrs[i],
                public=node.public,
                masquerade=node.masquerade,
                routes=tuple(routes),
                explicit_routes=node.routes is not None,
                labels=dict(node.labels),
            )
        )

    cluster = Cluster(
        cluster_cidr=spec.clusterCIDR,
        service_cidr=spec.serviceCIDR,
        node_port_range=(low, high),
        domain=spec.domain,
        pod_network=spec.podNetwork,
        lb_provider=spec.loadBalancerProvider,
        node_network=spec.nodeNetwork,
        gateway=addr(gateway),
        nodes=tuple(nodes),
        gateway_controllers=tuple(spec.gatewayControllers),
    )
    return cluster, problems
