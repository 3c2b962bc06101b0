"""What the screens show about one state of the cluster, computed once by the engine.

The inspector says which pods a Service picks and where each of its ports
really lands; the map draws those lines and marks the Ingress controller's
pods. Those answers are networking rules (selector matching, named-port
resolution, controller discovery) and belong to the engine: the screens draw
this view and never work them out again, so what they show cannot disagree
with what the trace says. The session builds one view per state, lazily.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from k8snet_tui.engine.services import EndpointSet, service_endpoints
from k8snet_tui.engine.topology import Topology, build_topology
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import PodInfo, ServiceInfo


def selected_pods(topology: Topology, svc: ServiceInfo) -> tuple[PodInfo, ...]:
    """Pods of the Service's namespace carrying every label of its selector, ready or not
    (none without a selector: its endpoints are written by hand)."""
    if not svc.selector:
        return ()
    return tuple(topology.select_by_labels(svc.namespace, dict(svc.selector)))


def controller_pods(topology: Topology) -> dict[tuple[str, str], str]:
    """Ingress controller pods (namespace, name) → the IngressClass they serve."""
    return {p.key: c.class_name for c in topology.ingress.controllers for p in c.pods}


@dataclass
class StateView:
    """Read-only answers about ``level``'s current state, each computed at most once."""

    level: LoadedLevel
    _selected: dict[str, tuple[PodInfo, ...]] = field(default_factory=dict)
    _endpoints: dict[tuple[str, int], EndpointSet] = field(default_factory=dict)

    @cached_property
    def topology(self) -> Topology:
        return build_topology(self.level.world)

    def service(self, namespace: str, name: str) -> ServiceInfo | None:
        return self.topology.services_by_key.get((namespace, name))

    def selected_pods(self, svc: ServiceInfo) -> tuple[PodInfo, ...]:
        """Pods of the Service's namespace that carry every label of its selector
        (ready or not: the inspector says which are ready). None selected without a
        selector — its endpoints are written by hand."""
        if svc.ref not in self._selected:
            self._selected[svc.ref] = selected_pods(self.topology, svc)
        return self._selected[svc.ref]

    def endpoints(self, svc: ServiceInfo, index: int) -> EndpointSet:
        """The ready endpoints of port ``index``: pod IP and the port it resolved to."""
        key = (svc.ref, index)
        if key not in self._endpoints:
            self._endpoints[key] = service_endpoints(self.topology, svc, svc.ports[index])
        return self._endpoints[key]

    @cached_property
    def controller_pods(self) -> dict[tuple[str, str], str]:
        """Ingress controller pods (namespace, name) → the IngressClass they serve."""
        return controller_pods(self.topology)

    def named_ports(self, svc: ServiceInfo) -> dict[str, tuple[int, ...]]:
        """Container port names of the selected pods → their numbers (a targetPort name
        may mean a different number in each pod)."""
        seen: dict[str, set[int]] = {}
        for pod in self.selected_pods(svc):
            for port in pod.ports:
                if port.name:
                    seen.setdefault(port.name, set()).add(port.port)
        return {name: tuple(sorted(ports)) for name, ports in sorted(seen.items())}
