"""Ingress: which rule an HTTP request matches, the way networking.k8s.io/v1 says.

Hosts match exactly or by a ``*.`` wildcard covering exactly one label;
``Prefix`` paths match element-wise on ``/`` (``/foo`` matches ``/foo/bar``,
not ``/foobar``), ``Exact`` paths match exactly, the longest match wins and on
a tie Exact beats Prefix. ``ImplementationSpecific`` is treated as Prefix.

The controllers, the Ingresses each serves and the Services in front of them
are indexed once per state (``IngressIndex``), like everything in the topology.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from k8snet_tui.model.admission import LEGACY_CLASS_ANNOTATION, is_default_class
from k8snet_tui.model.resources import Ingress, IngressBackend, IngressClass
from k8snet_tui.model.world import (
    CONTROLLER_ANNOTATION,
    Placed,
    PodInfo,
    ServiceInfo,
    SvcPort,
    World,
)

Front = tuple[ServiceInfo, SvcPort]
"""A TCP port of a Service that selects controller pods."""


@dataclass(frozen=True)
class Controller:
    """An ingress controller: the IngressClass it serves and the pods that run it."""

    ingress_class: IngressClass
    controller: str
    pods: tuple[PodInfo, ...]
    is_default: bool

    @property
    def class_name(self) -> str:
        return self.ingress_class.metadata.name


def class_of(world: World, placed: Placed[Ingress]) -> str | None:
    """The IngressClass an Ingress carries: its own, the legacy annotation, or the default
    the admission plugin stored on it when it was created (never later, see ``admission``)."""
    ing = placed.obj
    if ing.spec.ingressClassName:
        return ing.spec.ingressClassName
    legacy = ing.metadata.annotations.get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return legacy
    admitted = world.admitted.get((placed.namespace, placed.name))
    return admitted.class_name if admitted is not None else None


@dataclass
class IngressIndex:
    """Controllers, what each serves and what exposes it: built with the topology."""

    controllers: list[Controller] = field(default_factory=list)
    served: dict[str, list[Placed[Ingress]]] = field(default_factory=dict)  # by class name
    fronts: dict[str, list[Front]] = field(default_factory=dict)  # by class name
    _matches: dict[tuple[str, str, str], Match | None] = field(default_factory=dict)

    @classmethod
    def build(cls, world: World,
              select: Callable[[str, dict[str, str]], list[PodInfo]]) -> IngressIndex:
        """``select`` finds a namespace's pods by a Service selector (the topology's)."""
        index = cls()
        for ic in world.ingress_classes:
            controller = ic.spec.controller
            flag = f"--controller-class={controller}"
            pods = tuple(
                p for p in world.pods
                if flag in p.args or p.annotations.get(CONTROLLER_ANNOTATION) == controller
            )
            ctrl = Controller(ic, controller, pods, is_default_class(ic))
            index.controllers.append(ctrl)
            index.served[ctrl.class_name] = [p for p in world.ingresses
                                             if class_of(world, p) == ctrl.class_name]
            index.fronts[ctrl.class_name] = _fronts(world, pods, select) if pods else []
        return index

    def served_by(self, ctrl: Controller) -> list[Placed[Ingress]]:
        return self.served.get(ctrl.class_name, [])

    def fronting(self, ctrl: Controller, scheme: str,
                 explicit: int | str | None) -> list[Front]:
        """Service ports that carry ``scheme`` to ``ctrl``'s pods: the one a URL names
        (Service port or NodePort), else the port named for the scheme or 80/443."""
        if explicit is not None:
            return [(svc, sp) for svc, sp in self.fronts.get(ctrl.class_name, ())
                    if explicit in (sp.port, sp.node_port)]
        default = 443 if scheme == "https" else 80
        return [(svc, sp) for svc, sp in self.fronts.get(ctrl.class_name, ())
                if sp.name == scheme or sp.port == default]

    def match(self, ctrl: Controller, host: str, path: str) -> Match | None:
        """``match_request`` over the Ingresses ``ctrl`` serves (cached for this state)."""
        key = (ctrl.class_name, host, path)
        if key not in self._matches:
            self._matches[key] = match_request(self.served_by(ctrl), host, path)
        return self._matches[key]

    def controller_pods(self) -> set[tuple[str, str]]:
        return {p.key for c in self.controllers for p in c.pods}


def _fronts(world: World, pods: tuple[PodInfo, ...],
            select: Callable[[str, dict[str, str]], list[PodInfo]]) -> list[Front]:
    keys = {p.key for p in pods}
    out: list[Front] = []
    for svc in world.services:
        if not svc.selector:
            continue
        if not any(x.key in keys for x in select(svc.namespace, dict(svc.selector))):
            continue
        out.extend((svc, sp) for sp in svc.ports if sp.protocol == "TCP")
    return out


def host_matches(rule_host: str | None, host: str) -> bool:
    if not rule_host:
        return True
    rule_host = rule_host.lower()
    if rule_host.startswith("*."):
        first, _, rest = host.partition(".")
        return bool(first) and rest == rule_host[2:]
    return rule_host == host


def _host_tier(rule_host: str | None) -> int:
    if not rule_host:
        return 0
    return 1 if rule_host.startswith("*.") else 2


def _elements(path: str) -> list[str]:
    return [e for e in path.split("/") if e]


def path_matches(path_type: str, rule_path: str, request_path: str) -> bool:
    """Does ``request_path`` match a rule path of this pathType?"""
    if path_type == "Exact":
        return rule_path == request_path
    rule = _elements(rule_path)
    request = _elements(request_path)
    return request[: len(rule)] == rule


@dataclass(frozen=True)
class Match:
    ingress: Placed[Ingress]
    backend: IngressBackend
    field: str  # where the backend is, for blame: spec.rules[0].http.paths[1].backend
    description: str
    default: bool = False


def match_request(ingresses: Sequence[Placed[Ingress]], host: str,
                  path: str) -> Match | None:
    """The backend the controller picks for ``host`` and ``path``, or None (404)."""
    best_tier = -1
    for placed in ingresses:
        for rule in placed.obj.spec.rules:
            if rule.http is not None and host_matches(rule.host, host):
                best_tier = max(best_tier, _host_tier(rule.host))
    best: tuple[tuple[int, int, int], Match] | None = None
    for placed in ingresses:
        for r_i, rule in enumerate(placed.obj.spec.rules):
            if rule.http is None or not host_matches(rule.host, host):
                continue
            if _host_tier(rule.host) != best_tier:
                continue
            for p_i, hpath in enumerate(rule.http.paths):
                if not path_matches(hpath.pathType, hpath.path, path):
                    continue
                exact = hpath.pathType == "Exact"
                key = (len(_elements(hpath.path)), len(hpath.path), 1 if exact else 0)
                # Strictly longer wins; on a tie keep the earlier (resource order).
                if best is None or key > best[0]:
                    host_text = f'host "{rule.host}"' if rule.host else "any host"
                    kind = hpath.pathType if hpath.pathType != "ImplementationSpecific" else \
                        "ImplementationSpecific (treated as Prefix)"
                    best = (key, Match(
                        placed, hpath.backend,
                        f"spec.rules[{r_i}].http.paths[{p_i}].backend",
                        f"Ingress {placed.namespace}/{placed.name}: {host_text}, "
                        f"{kind} {hpath.path}",
                    ))
    if best is not None:
        return best[1]
    for placed in ingresses:
        if placed.obj.spec.defaultBackend is not None:
            return Match(placed, placed.obj.spec.defaultBackend, "spec.defaultBackend",
                         f"no rule matches; defaultBackend of Ingress {placed.namespace}/"
                         f"{placed.name}", default=True)
    return None
