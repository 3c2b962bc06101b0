"""The seam between the spec tables (tables.py) and the Gateway API engine.

Each function is a thin call into the engine: the tables are written from the
specification alone, so they measure the engine without knowing its insides.
"""

from __future__ import annotations

from typing import Any

from k8snet_tui.engine.entry import HttpRequest
from k8snet_tui.engine.hostnames import intersect, most_specific
from k8snet_tui.engine.httproute import path_matches as engine_path_matches
from k8snet_tui.engine.httproute import pick
from k8snet_tui.engine.topology import build_topology
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import build_world


def intersect_hostnames(listener: str | None, route: list[str]) -> list[str] | None:
    """The hostnames a Route serves on a listener (``["*"]``: every host; None: not
    accepted, NoMatchingListenerHostname)."""
    return intersect(listener, route)


def path_matches(type: str, value: str, path: str) -> bool:
    return engine_path_matches(type, value, path)


def pick_listener(hostnames: list[str | None], host: str) -> int | None:
    return most_specific(hostnames, host)


def _level(routes: list[dict[str, Any]]) -> dict[str, Any]:
    resources: list[dict[str, Any]] = [
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
         "metadata": {"name": "gc"}, "spec": {"controllerName": "example.com/gw"}},
        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
         "metadata": {"name": "gw", "namespace": "infra"},
         "spec": {"gatewayClassName": "gc", "listeners": [
             {"name": "http", "port": 80, "protocol": "HTTP",
              "allowedRoutes": {"namespaces": {"from": "All"}}}]}},
    ]
    for r in routes:
        meta: dict[str, Any] = {"name": r["name"], "namespace": r["namespace"]}
        if r.get("creationTimestamp"):
            meta["creationTimestamp"] = r["creationTimestamp"]
        rules = [{"matches": list(matches)} if matches else {} for matches in r["rules"]]
        resources.append({
            "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": meta,
            "spec": {"parentRefs": [{"name": "gw", "namespace": "infra"}],
                     "hostnames": list(r["hostnames"]), "rules": rules}})
    return {"format": "k8snet/v1", "id": "precedence", "flows": [],
            "cluster": {"gatewayControllers": ["example.com/gw"],
                        "loadBalancerProvider": True},
            "resources": resources}


def pick_rule(routes: list[dict[str, object]],
              request: dict[str, object]) -> tuple[str, int] | None:
    """The winning ``("namespace/name", rule index)`` among Routes on one listener."""
    spec = LevelFile.model_validate(_level(routes))
    world, problems = build_world(spec)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, errors
    topo = build_topology(world)
    listener = topo.gateways.listeners()[0]
    headers: dict[str, str] = request.get("headers") or {}  # type: ignore[assignment]
    query: dict[str, str] = request.get("query") or {}  # type: ignore[assignment]
    req = HttpRequest("http", str(request["host"]), None, str(request["path"]),
                      str(request.get("method") or "GET"),
                      tuple((k.lower(), v) for k, v in headers.items()),
                      tuple(query.items()))
    match, _ = pick(listener, req)
    if match is None:
        return None
    route = match.attachment.route
    return (f"{route.namespace}/{route.name}", match.rule_index)


def conditions(level: LoadedLevel, ref: str, parent: str | None) -> dict[str, tuple[str, str]]:
    """The status conditions the engine derives for ``ref``: ``{type: (status, reason)}``."""
    topo = build_topology(level.world)
    out: dict[str, tuple[str, str]] = {}
    for owner, conds in topo.gateways.conditions(ref):
        if parent is not None and owner is not None and not owner.startswith(parent):
            continue
        if ref.startswith("gateway/") and ref.count("/") == 2 and owner is not None:
            continue  # a Gateway's own conditions, not its listeners'
        for c in conds:
            out.setdefault(c.type, (c.status, c.reason))
    return out
