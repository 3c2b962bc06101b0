"""What a Gateway API controller deploys for each Gateway (GEP-1762, in-cluster).

A Gateway is only a request until its class's controller runs: then a proxy pod
(``<gateway>-<gatewayclass>``) appears in the Gateway's namespace, and a
LoadBalancer Service of the Gateway's own name exposes it. This module decides
*which* Gateways get one and what they look like; ``world`` gives them addresses
the way it does for every other pod and Service, so engine, map and trace treat
them as the real objects they are (backends' NetworkPolicies see the proxy pod as
the source). ``generated_by`` on PodInfo/ServiceInfo tells them apart.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

from k8snet_tui.model.gateway import Gateway, GatewayClass

GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name"
GATEWAY_CLASS_LABEL = "gateway.networking.k8s.io/gateway-class-name"
PROXY_CONTAINER = "proxy"


def class_accepted(gc: GatewayClass, controllers: Collection[str], plain: bool) -> bool:
    """Accepted iff its controller runs in the cluster (``cluster.gatewayControllers``).

    Plain manifests have no such list; a real cluster's dump says it in the class's own
    status, which its controller wrote (DESIGN.md, "Plain manifests").
    """
    return gc.spec.controllerName in controllers or (plain and gc.status.accepted())


def accepted_classes(classes: Iterable[GatewayClass], controllers: Collection[str],
                     plain: bool) -> frozenset[str]:
    """Names of the GatewayClasses whose Gateways are implemented."""
    return frozenset(gc.metadata.name for gc in classes if class_accepted(gc, controllers, plain))


@dataclass(frozen=True)
class ProxyPlan:
    """One Gateway's data plane before addresses are given: names, labels, ports."""

    namespace: str
    gateway: str
    gateway_class: str
    source: int  # the Gateway's index in LevelFile.resources
    ports: tuple[tuple[int, str], ...]  # distinct listener ports, each with its first listener
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    requested_ip: str | None = None  # spec.addresses[0] when of type IPAddress
    observed_ip: str | None = None  # status.addresses[0] when of type IPAddress

    @property
    def pod_name(self) -> str:
        return f"{self.gateway}-{self.gateway_class}"

    @property
    def service_name(self) -> str:
        return self.gateway

    @property
    def generated_by(self) -> str:
        return f"gateway/{self.namespace}/{self.gateway}"

    @property
    def selector(self) -> dict[str, str]:
        return {GATEWAY_NAME_LABEL: self.gateway, GATEWAY_CLASS_LABEL: self.gateway_class}


def _ip_value(addresses: Iterable[object]) -> str | None:
    """The first address's value, if it is of type IPAddress (a Hostname cannot pin one)."""
    for address in addresses:
        value = getattr(address, "value", None)
        return value if getattr(address, "type", None) == "IPAddress" and value else None
    return None


def plan_proxy(namespace: str, gw: Gateway, source: int) -> ProxyPlan:
    """The proxy of one Gateway of an Accepted class.

    ``spec.infrastructure`` labels and annotations go on it too: the spec says they
    "SHOULD be applied to any resources created in response to this Gateway".
    """
    ports: dict[int, str] = {}
    for lst in gw.spec.listeners:
        ports.setdefault(lst.port, lst.name)
    infra = gw.spec.infrastructure
    name, cls = gw.metadata.name, gw.spec.gatewayClassName
    labels = {**(infra.labels if infra else {}),
              GATEWAY_NAME_LABEL: name, GATEWAY_CLASS_LABEL: cls}
    return ProxyPlan(namespace, name, cls, source, tuple(ports.items()), labels,
                     dict(infra.annotations) if infra else {},
                     requested_ip=_ip_value(gw.spec.addresses),
                     observed_ip=_ip_value(gw.status.addresses))


def plan_proxies(gateways: Iterable[tuple[str, Gateway, int]], accepted: Collection[str],
                 ) -> list[ProxyPlan]:
    """Every Gateway of an Accepted class, in resource order."""
    return [plan_proxy(ns, gw, i) for ns, gw, i in gateways
            if gw.spec.gatewayClassName in accepted]
