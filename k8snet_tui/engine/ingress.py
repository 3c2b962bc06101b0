"""Ingress: which rule an HTTP request matches, the way networking.k8s.io/v1 says.

Hosts match exactly or by a ``*.`` wildcard covering exactly one label;
``Prefix`` paths match element-wise on ``/`` (``/foo`` matches ``/foo/bar``,
not ``/foobar``), ``Exact`` paths match exactly, the longest match wins and on
a tie Exact beats Prefix. ``ImplementationSpecific`` is treated as Prefix.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from k8snet_tui.engine.topology import Controller, Topology
from k8snet_tui.model.admission import LEGACY_CLASS_ANNOTATION
from k8snet_tui.model.resources import Ingress, IngressBackend
from k8snet_tui.model.world import Placed


def class_of(topo: Topology, placed: Placed[Ingress]) -> str | None:
    """The IngressClass an Ingress carries: its own, the legacy annotation, or the default
    the admission plugin stored on it when it was created (never later, see ``admission``)."""
    ing = placed.obj
    if ing.spec.ingressClassName:
        return ing.spec.ingressClassName
    legacy = ing.metadata.annotations.get(LEGACY_CLASS_ANNOTATION)
    if legacy:
        return legacy
    admitted = topo.world.admitted.get((placed.namespace, placed.name))
    return admitted.class_name if admitted is not None else None


def served_by(topo: Topology, ctrl: Controller) -> list[Placed[Ingress]]:
    """The Ingresses a controller serves (memoised per topology)."""
    key = ("served_by", ctrl.class_name)
    cached = topo.memo.get(key)
    if cached is None:
        cached = [p for p in topo.world.ingresses if class_of(topo, p) == ctrl.class_name]
        topo.memo[key] = cached
    result: list[Placed[Ingress]] = cached
    return result


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


def match_request(topo: Topology, ingresses: Sequence[Placed[Ingress]], host: str,
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


def controller_match(topo: Topology, ctrl: Controller, host: str, path: str) -> Match | None:
    """``match_request`` over the Ingresses ``ctrl`` serves (memoised per topology)."""
    key = ("controller_match", ctrl.class_name, host, path)
    if key not in topo.memo:
        topo.memo[key] = match_request(topo, served_by(topo, ctrl), host, path)
    result: Match | None = topo.memo[key]
    return result
