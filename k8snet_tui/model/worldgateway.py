"""The Gateway API part of building a world: sort, check, and deploy the data plane.

``world`` calls ``build_gateways`` once the declared pods and Services have their
addresses, so every proxy is addressed *after* them (DESIGN.md §3, "Data plane"):
its pod IP is the first free one of the first node's podCIDR, its Service's
ClusterIP the next free one of the serviceCIDR, its LoadBalancer IP the next free
one of ``LB_POOL`` — the same orders ``world`` itself uses, so adding a Gateway
never moves an existing address. ``world`` turns the result into PodInfo and
ServiceInfo; this module only needs their names and addresses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import Protocol

from k8snet_tui.model.cluster import Cluster
from k8snet_tui.model.dataplane import ProxyPlan, accepted_classes, plan_proxies
from k8snet_tui.model.gateway import (
    Gateway,
    GatewayClass,
    GRPCRoute,
    HTTPRoute,
    ReferenceGrant,
    Secret,
)
from k8snet_tui.model.gatewaycheck import (
    certificate_secrets,
    check_gateway,
    check_grpc_route,
    check_http_route,
    unused_secret,
)
from k8snet_tui.model.problems import Problem
from k8snet_tui.model.resources import AnyResource, resource_namespace

LB_POOL = IPv4Network("192.0.2.0/24")
"""Where a LoadBalancer provider hands out external IPs (TEST-NET-1); ``world`` shares it."""
LB_FIRST = 10


class _Pod(Protocol):
    @property
    def namespace(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def ip(self) -> IPv4Address: ...
    @property
    def source(self) -> int: ...


class _Service(Protocol):
    @property
    def namespace(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def cluster_ip(self) -> IPv4Address | None: ...
    @property
    def lb_ips(self) -> tuple[IPv4Address, ...]: ...
    @property
    def source(self) -> int: ...


@dataclass(frozen=True)
class GatewayWorld:
    """What the builder knows when the Gateway API part runs."""

    resources: Sequence[AnyResource]
    skip: frozenset[int]  # duplicates, reported already
    cluster: Cluster
    pods: Sequence[_Pod]
    services: Sequence[_Service]
    plain: bool  # plain manifests: controllers' status counts (DESIGN.md, "Plain manifests")


@dataclass(frozen=True)
class Proxy:
    """One Gateway's data plane with its addresses."""

    plan: ProxyPlan
    node: str
    pod_ip: IPv4Address
    cluster_ip: IPv4Address
    lb_ips: tuple[IPv4Address, ...]


@dataclass
class GatewayObjects:
    gateway_classes: list[GatewayClass] = field(default_factory=list)
    gateways: list[tuple[str, Gateway, int]] = field(default_factory=list)
    http_routes: list[tuple[str, HTTPRoute, int]] = field(default_factory=list)
    grpc_routes: list[tuple[str, GRPCRoute, int]] = field(default_factory=list)
    reference_grants: list[tuple[str, ReferenceGrant, int]] = field(default_factory=list)
    secrets: list[tuple[str, Secret, int]] = field(default_factory=list)
    accepted: frozenset[str] = frozenset()
    proxies: list[Proxy] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def _sort(ctx: GatewayWorld, out: GatewayObjects) -> None:
    for i, res in enumerate(ctx.resources):
        if i in ctx.skip:
            continue
        ns = resource_namespace(res) or "default"
        loc = ("resources", i)
        if isinstance(res, GatewayClass):
            out.gateway_classes.append(res)
        elif isinstance(res, Gateway):
            out.problems.extend(check_gateway(res, loc))
            out.gateways.append((ns, res, i))
        elif isinstance(res, HTTPRoute):
            out.problems.extend(check_http_route(res, loc))
            out.http_routes.append((ns, res, i))
        elif isinstance(res, GRPCRoute):
            out.problems.extend(check_grpc_route(res, loc))
            out.grpc_routes.append((ns, res, i))
        elif isinstance(res, ReferenceGrant):
            out.reference_grants.append((ns, res, i))
        elif isinstance(res, Secret):
            out.secrets.append((ns, res, i))
    used = certificate_secrets((ns, gw) for ns, gw, _ in out.gateways)
    for ns, secret, i in out.secrets:
        if (ns, secret.metadata.name) not in used:
            out.problems.append(unused_secret(secret, ns, ("resources", i)))


def _collides(ctx: GatewayWorld, plan: ProxyPlan, planned: dict[tuple[str, str], ProxyPlan],
              out: GatewayObjects) -> bool:
    """A declared Pod or Service (or another Gateway's proxy) already has the name."""
    gw = f"Gateway {plan.namespace}/{plan.gateway} (resources[{plan.source}])"
    for pod in ctx.pods:
        if (pod.namespace, pod.name) == (plan.namespace, plan.pod_name):
            out.problems.append(Problem(
                f"pod {pod.namespace}/{pod.name} has the name of the proxy pod that {gw} "
                "gets from its GatewayClass's controller; rename one of them",
                ("resources", pod.source, "metadata", "name")))
            return True
    for svc in ctx.services:
        if (svc.namespace, svc.name) == (plan.namespace, plan.service_name):
            out.problems.append(Problem(
                f"service {svc.namespace}/{svc.name} has the name of {gw}, which its "
                "controller exposes by a LoadBalancer Service of that name; rename one of them",
                ("resources", svc.source, "metadata", "name")))
            return True
    other = planned.get((plan.namespace, plan.pod_name))
    if other is not None:
        out.problems.append(Problem(
            f"the proxy pod {plan.namespace}/{plan.pod_name} of {gw} has the name of the one "
            f"of Gateway {other.namespace}/{other.gateway} (resources[{other.source}]); "
            "rename one of them", ("resources", plan.source, "metadata", "name")))
        return True
    return False


def _next_pod_ip(cidr: IPv4Network, used: set[IPv4Address]) -> IPv4Address | None:
    """The next address a new pod on that node gets: the first free one from .2 up, which
    is where ``world`` would have put one more declared pod."""
    for offset in range(2, cidr.num_addresses - 1):
        cand = cidr.network_address + offset
        if cand not in used:
            return cand
    return None


def _next_cluster_ip(scidr: IPv4Network, used: set[IPv4Address]) -> IPv4Address | None:
    """As ``world`` allocates ClusterIPs: from offset 100 (1 in small ranges) up, wrapping."""
    base = 100 if scidr.num_addresses > 512 else 1
    for offset in (*range(base, scidr.num_addresses - 1), *range(1, base)):
        cand: IPv4Address = scidr.network_address + offset
        if cand not in used:
            return cand
    return None


def _next_lb_ip(used: set[IPv4Address]) -> IPv4Address | None:
    for offset in range(LB_FIRST, LB_POOL.num_addresses - 1):
        cand = LB_POOL.network_address + offset
        if cand not in used:
            return cand
    return None


def _ipv4(text: str | None) -> IPv4Address | None:
    try:
        return IPv4Address(text) if text else None
    except ValueError:
        return None


def _lb_ips(ctx: GatewayWorld, plan: ProxyPlan, used: set[IPv4Address],
            out: GatewayObjects) -> tuple[IPv4Address, ...]:
    """The Gateway's external address, as a LoadBalancer Service's would be decided.

    With a provider: ``spec.addresses[0]`` (IPAddress) pins it, else the provider picks
    one (a plain manifest's ``status.addresses[0]`` is the one it picked). Without one a
    dump's ``status.addresses[0]`` still counts; a level's is ignored, with a warning.
    """
    requested, observed = _ipv4(plan.requested_ip), _ipv4(plan.observed_ip)
    if ctx.cluster.lb_provider:
        chosen = requested or (observed if ctx.plain else None) or _next_lb_ip(used)
    elif ctx.plain:
        chosen = observed
    else:
        if observed is not None:
            out.problems.append(Problem(
                "status.addresses is ignored: the cluster has no loadBalancerProvider, so the "
                "Gateway's Service has no address and the Gateway is not Programmed",
                ("resources", plan.source, "status", "addresses"), severity="warning",
                code="lint"))
        chosen = None
    if chosen is None:
        return ()
    used.add(chosen)
    return (chosen,)


def build_gateways(ctx: GatewayWorld) -> GatewayObjects:
    """Sort and check the Gateway API objects, then address every Accepted Gateway's proxy."""
    out = GatewayObjects()
    _sort(ctx, out)
    out.accepted = accepted_classes(out.gateway_classes, ctx.cluster.gateway_controllers,
                                    ctx.plain)
    node = ctx.cluster.nodes[0]
    pod_ips = {p.ip for p in ctx.pods}
    cluster_ips = {s.cluster_ip for s in ctx.services if s.cluster_ip is not None}
    lb_ips = {ip for s in ctx.services for ip in s.lb_ips}
    planned: dict[tuple[str, str], ProxyPlan] = {}
    for plan in plan_proxies(out.gateways, out.accepted):
        if _collides(ctx, plan, planned, out):
            continue
        planned[(plan.namespace, plan.pod_name)] = plan
        pod_ip = _next_pod_ip(node.pod_cidr, pod_ips)
        cluster_ip = _next_cluster_ip(ctx.cluster.service_cidr, cluster_ips)
        if pod_ip is None or cluster_ip is None:
            full = f"node {node.name}'s podCIDR {node.pod_cidr}" if pod_ip is None else \
                f"serviceCIDR {ctx.cluster.service_cidr}"
            out.problems.append(Problem(
                f"{full} has no room for the proxy of Gateway {plan.namespace}/{plan.gateway}",
                ("resources", plan.source)))
            continue
        pod_ips.add(pod_ip)
        cluster_ips.add(cluster_ip)
        out.proxies.append(Proxy(plan, node.name, pod_ip, cluster_ip,
                                 _lb_ips(ctx, plan, lb_ips, out)))
    return out
