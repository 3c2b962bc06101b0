"""Flow → Trace: the one entry point the rest of the code uses.

A flow is walked packet by packet: source egress policy, kube-proxy DNAT,
routing, the destination's ingress policy, the listening socket, and the
reply's way back. A flow through a Service forks per endpoint (and per source
pod for workload sources); the verdict is ``allow`` when every path arrives,
``deny`` when none does, ``partial`` otherwise.

The walk itself lives in parts (``run``: dispatch; ``packets``; ``kubeproxy``;
``lookups``; the entry points in ``entry`` and ``ingress_entry``); this module
folds their per-path results into verdicts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from k8snet_tui.engine.path import Origin
from k8snet_tui.engine.run import Run
from k8snet_tui.engine.servedby import judge
from k8snet_tui.engine.topology import Topology, build_topology
from k8snet_tui.engine.trace import Blame, PathResult, Reason, Trace, Verdict
from k8snet_tui.model.flows import (
    DestRef,
    FlowSpec,
    RefError,
    SourceRef,
    parse_dest,
    parse_source,
)
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import World


@dataclass(frozen=True)
class CheckResult:
    level_id: str
    solved: bool
    traces: list[Trace]

    def to_json(self) -> dict[str, object]:
        return {"level": self.level_id, "solved": self.solved,
                "flows": [t.to_json() for t in self.traces]}


def summarize(name: str, source: str, dest: str, expect: Literal["allow", "deny"],
              paths: Sequence[PathResult], assumptions: Sequence[str]) -> Trace:
    """Fold the per-path results of one flow into its verdict."""
    reached = [p for p in paths if p.reached]
    failed = [p for p in paths if not p.reached]
    total = len(paths)
    if failed and not reached:
        first = failed[0]
        detail = first.detail
        if total > 1:
            detail = f"0 of {total} paths get through; first: {detail}"
        return Trace(name, source, dest, expect, Verdict.DENY, first.reason, detail,
                     first.blame, first.hops, tuple(paths), tuple(assumptions))
    if failed:
        first = failed[0]
        detail = (f"{len(reached)} of {total} paths get through; {first.label or 'one'} fails: "
                  f"{first.detail}")
        return Trace(name, source, dest, expect, Verdict.PARTIAL, first.reason, detail,
                     first.blame, first.hops, tuple(paths), tuple(assumptions))
    if not paths:  # pragma: no cover - every destination yields at least one path
        return Trace(name, source, dest, expect, Verdict.DENY, Reason.NO_ROUTE, "no path",
                     None, (), (), tuple(assumptions))
    detail = reached[0].detail if total == 1 else f"all {total} paths get through"
    return Trace(name, source, dest, expect, Verdict.ALLOW, None, detail, None,
                 reached[0].hops, tuple(paths), tuple(assumptions))


class Engine:
    """Evaluates flows against one state of a level. Build a new one after each edit."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.topo: Topology = build_topology(world)
        self._dns_cache: dict[tuple[str, str], list[PathResult]] = {}

    def dns_paths(self, o: Origin) -> list[PathResult]:
        """The query of ``o`` to kube-dns, evaluated once per source per engine."""
        key = (o.kind, str(o.ip) if o.pod is None else o.pod.ref)
        cached = self._dns_cache.get(key)
        if cached is None:
            kube_dns = self.topo.kube_dns
            assert kube_dns is not None
            run = Run(self)
            start = run.start(o, "kube-dns")
            if kube_dns.cluster_ip is None and not kube_dns.headless:
                cached = [start.drop("cluster DNS", "kube-dns has no ClusterIP",
                                     Reason.NO_ENDPOINTS, Blame(kube_dns.ref))]
            else:
                cached = run.services.to_service(o, start, kube_dns, 53, "UDP")
            self._dns_cache[key] = cached
        return cached

    def evaluate(self, flow: FlowSpec) -> Trace:
        """Evaluate a flow of a level, with its HTTP fields and ``servedBy``."""
        return self._evaluate(flow.from_, flow.to, flow.expect, flow.display_name, flow)

    def trace(self, source: str, dest: str, *, expect: Literal["allow", "deny"] = "allow",
              name: str | None = None) -> Trace:
        """Evaluate one flow given as reference strings; raises RefError on bad references."""
        return self._evaluate(source, dest, expect, name or f"{source} → {dest}", None)

    def _evaluate(self, source: str, dest: str, expect: Literal["allow", "deny"], name: str,
                  flow: FlowSpec | None) -> Trace:
        src = parse_source(source)
        dst = parse_dest(dest)
        self._check_refs(src, dst)
        run = Run(self, flow)
        paths = run.run(src, dst, dest)
        served = flow.served_by_ref if flow is not None else None
        if served is not None:
            paths = judge(self.topo, served, paths)
        trace = summarize(name, source, dest, expect, paths, run.assumptions)
        if flow is not None:  # check --json echoes these flow fields as written (DESIGN.md §3)
            written = (("method", flow.method), ("headers", flow.headers), ("via", flow.via),
                       ("servedBy", flow.servedBy))
            echo = {k: dict(v) if isinstance(v, dict) else v for k, v in written
                    if v is not None}
            if echo:
                trace = replace(trace, echo=echo)
        return trace

    def _check_refs(self, src: SourceRef, dst: DestRef) -> None:
        topo = self.topo
        for ref in (src, dst):
            kind = ref.kind
            if kind == "pod" and (ref.namespace, ref.name) not in topo.pods_by_key:
                raise RefError(f"pod {ref.namespace}/{ref.name} does not exist")
            if kind == "workload":
                wref = f"{ref.workload_kind}/{ref.namespace}/{ref.name}"
                if not topo.world.workloads.get(wref):
                    raise RefError(f"{ref.workload_kind} {ref.namespace}/{ref.name} does not "
                                   "exist or has no pods")
            if kind == "node" and ref.name not in topo.nodes_by_name:
                raise RefError(f'node "{ref.name}" does not exist')
            if kind == "service" and (ref.namespace, ref.name) not in topo.services_by_key:
                raise RefError(f"service {ref.namespace}/{ref.name} does not exist")
        if src.kind == "internet" and dst.kind == "localhost":
            raise RefError("localhost needs a pod or node source")

    def evaluate_all(self, flows: Iterable[FlowSpec]) -> list[Trace]:
        return [self.evaluate(f) for f in flows]


def evaluate_level(level: LoadedLevel) -> CheckResult:
    """Evaluate every flow of a loaded level, in file order."""
    engine = Engine(level.world)
    traces = engine.evaluate_all(level.spec.flows)
    return CheckResult(level.spec.id, all(t.ok for t in traces), traces)
