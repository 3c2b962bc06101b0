"""``servedBy``: does the request reach *this* object, not merely something?

A path counts only when it ends at a listening pod that is (an endpoint of) the
named object; a path that arrives elsewhere becomes a failure naming who
answered (``WRONG_BACKEND``). The verdict then folds as usual: every path
reaches it → allow, none does → deny, otherwise partial.
"""

from __future__ import annotations

from collections.abc import Sequence

from k8snet_tui.engine.topology import Topology
from k8snet_tui.engine.trace import Blame, Hop, PathResult, Reason
from k8snet_tui.model.flows import ServedByRef

_DECIDERS = (("httproute/", "grpcroute/", "ingress/"), ("service/",))
"""Who sent a request where it went, most telling first: a Route or Ingress, else a
Service."""


def target_pods(topo: Topology, ref: ServedByRef) -> frozenset[tuple[str, str]]:
    """The pods that count as ``ref``: the pod, a workload's pods, or every pod a
    Service selects or lists by hand (readiness aside: identity is the question)."""
    if ref.kind == "pod":
        return frozenset({(ref.namespace, ref.name)})
    if ref.kind == "workload":
        names = topo.world.workloads.get(f"{ref.workload_kind}/{ref.namespace}/{ref.name}", ())
        return frozenset((ref.namespace, n) for n in names)
    svc = topo.services_by_key.get((ref.namespace, ref.name))
    if svc is None:
        return frozenset()
    keys = {p.key for p in topo.select_by_labels(svc.namespace, dict(svc.selector))} \
        if svc.selector else set()
    for ep in topo.world.manual_endpoints.get(svc.key, ()):
        pod = topo.pods_by_ip.get(ep.ip)
        if pod is not None:
            keys.add(pod.key)
    return frozenset(keys)


def judge(topo: Topology, ref: ServedByRef, paths: Sequence[PathResult]) -> list[PathResult]:
    """Re-judge reached paths by who answered them."""
    targets = target_pods(topo, ref)
    out: list[PathResult] = []
    for path in paths:
        if not path.reached or (path.end is not None and path.end.key in targets):
            out.append(path)
            continue
        if path.end is None:
            who = "something outside the cluster"
        else:
            owner = f" ({path.end.owner})" if path.end.owner else ""
            who = f"pod {path.end.namespace}/{path.end.name}{owner}"
        what = f"answered by {who}, not by {ref}"
        decider = next((h.ref for kinds in _DECIDERS for h in reversed(path.hops)
                        if h.ref and h.ref.startswith(kinds)), None)
        blame = Blame(decider, "spec.rules" if decider and "route/" in decider else None) \
            if decider else None
        where = f"pod {path.end.namespace}/{path.end.name}" if path.end else "who answers"
        hops = (*path.hops, Hop(where, f"{what}: the wrong backend answers", "drop",
                                ref=path.end.ref if path.end else None))
        out.append(PathResult(path.label, False, hops, Reason.WRONG_BACKEND, what, blame,
                              path.facts, path.end))
    return out
