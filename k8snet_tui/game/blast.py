"""Blast radius: the connections a player's fix opens that the level's own solution does not.

A level is solved when every flow it lists meets its ``expect``; the flows are
a handful of sentences, so a fix can satisfy all of them and still open far
more than it should — a NetworkPolicy allowing every pod, a Service selector
that also takes the next release's pods, a Service put on the internet. This
module enumerates the connections of a state with the engine itself and
compares them with the state the author's solution leads to:

- **pod → pod:port**, for every pod and every port the destination declares
  (a pod declaring none is probed on every port the level mentions);
- **pod → Service port → endpoint pod**, for every Service port, which pods
  the Service hands the connection to (a too-broad selector shows here, not in
  direct pod traffic);
- **internet → Service port / Ingress URL → pod**, and **pod → outside
  address:port** for the addresses and ports the level's flows and egress
  rules mention.

Readiness is runtime state, not configuration: a selector that matches pods
which happen to be unready today sends them traffic the moment they become
Ready. So Service, DNS and Ingress connections are also taken "as if every pod
were Ready", and a connection counts when either reading has it.

Only pods present in both states are compared (scaling a Deployment is not a
networking permission). The result is grouped for people — by source and
destination workload, Service or URL, and port — in ``Finding``s.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network
from typing import TypeVar

from k8snet_tui.engine.evaluate import Engine
from k8snet_tui.engine.services import service_endpoints
from k8snet_tui.engine.topology import PolicyRef
from k8snet_tui.engine.trace import PathResult, Trace
from k8snet_tui.game.edits import EditError, apply_edits
from k8snet_tui.model.flows import RefError, parse_dest
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.world import PodInfo, World

MAX_PODS = 60
"""Above this many pods (big packs, manifest folders) the check is skipped."""
MAX_PROBES = 6_000
"""A cap on the traces one state needs after leaving out what is known to be unchanged
(about 30 pods whose every connection may differ, e.g. after a route edit); beyond it the
check is skipped rather than slow."""
MAX_FALLBACK_PORTS = 12
"""Ports probed on a pod that declares none (it accepts any port)."""
EXTRA_EGRESS_PORTS: tuple[tuple[int, str], ...] = ((22, "TCP"), (443, "TCP"), (53, "UDP"))
"""Outside ports always probed, so an egress rule opened to "all ports" shows."""
DEFAULT_OUTSIDE = IPv4Address("198.51.100.10")

INTERNET = "internet"
K = TypeVar("K")
V = TypeVar("V")
EVERY_POD = "every pod"


@dataclass(frozen=True, slots=True, order=True)
class Connection:
    """One thing that gets through: ``source`` reaches ``target`` on ``port`` by way of ``via``.

    ``source``: ``pod/NS/NAME`` or ``internet``. ``via``: ``""`` (straight to the
    pod or address), ``service/NS/NAME:PORT/PROTO`` or an ``http://`` URL.
    ``target``: ``pod/NS/NAME``, ``internet`` (an ExternalName leading outside)
    or ``outside/IP``. ``port``: ``8080/TCP`` (for a Service or URL: its port).
    """

    source: str
    via: str
    target: str
    port: str


@dataclass(frozen=True)
class Finding:
    """Connections the fix opened, grouped: who, through what, to whom, on which ports."""

    sources: tuple[str, ...]  # workload refs, pod refs or "internet"
    via: str  # "" direct, a Service port, a URL
    targets: tuple[str, ...]  # workload refs, pod refs, "internet", "outside"
    ports: tuple[str, ...]  # "8080/TCP" (for a Service: its port; for a URL: "http")
    pods: int  # distinct destination pods (or outside addresses)
    connections: int  # raw source × destination pairs
    cause: str = ""  # what in the player's state lets them through
    addresses: tuple[str, ...] = ()  # the outside addresses among the targets

    def describe(self) -> str:
        """``Service shop/checkout:80 (selector app=checkout) also sends traffic to 2 pods of
        deployment/shop/checkout-green, from deployment/shop/web and 1 more``."""
        who = _names(self.sources)
        whom = _targets(self.targets, self.pods, self.addresses)
        cause = f" ({self.cause})" if self.cause else ""
        if self.via.startswith("service/"):
            ref, _, port = self.via.partition(":")
            return (f"Service {ref.removeprefix('service/')}:{port.split('/')[0]}{cause} also "
                    f"sends traffic to {whom}, from {who}")
        if self.via:
            return f"{self.via} also reaches {whom}"
        return f"{who} can also reach {whom} on {_names(self.ports, limit=4)}{cause}"


@dataclass(frozen=True)
class BlastRadius:
    """What the player's state allows beyond the solution's; empty when nothing extra."""

    findings: tuple[Finding, ...] = ()
    connections: int = 0
    skipped: str | None = None  # why the check did not run (too big)

    def __bool__(self) -> bool:
        return bool(self.findings)


# ------------------------------------------------------------------ probes
@dataclass(frozen=True)
class _Probes:
    pod_ports: dict[str, tuple[tuple[int, str], ...]]  # destination pod ref -> ports
    service_ports: tuple[tuple[str, int, str], ...]  # (service ref, port, protocol)
    urls: tuple[str, ...]
    outside: tuple[tuple[IPv4Address, int, str], ...]
    sources: tuple[str, ...]  # pod refs present in both states


def _declared(pod: PodInfo) -> set[tuple[int, str]]:
    return {(p.port, p.protocol) for p in pod.ports}


def _policy_ports(world: World, egress: bool | None) -> set[tuple[int, str]]:
    """Numeric ports (and endPorts) the NetworkPolicies mention; egress None: both."""
    out: set[tuple[int, str]] = set()
    for placed in world.policies:
        spec = placed.obj.spec
        rules: list[object] = []
        if egress is not True:
            rules.extend(spec.ingress or [])
        if egress is not False:
            rules.extend(spec.egress or [])
        for rule in rules:
            for port in getattr(rule, "ports", None) or []:
                if isinstance(port.port, int):
                    out.add((port.port, port.protocol))
                if port.endPort is not None:
                    out.add((int(port.endPort), port.protocol))
    return out


def _ip_blocks(world: World) -> Iterator[IPv4Network]:
    for placed in world.policies:
        for rule in placed.obj.spec.egress or []:
            for peer in rule.to or []:
                if peer.ipBlock is None:
                    continue
                for cidr in (peer.ipBlock.cidr, *peer.ipBlock.except_):
                    try:
                        yield IPv4Network(cidr, strict=False)
                    except ValueError:
                        continue


def _representative(net: IPv4Network) -> IPv4Address:
    """One address standing for a block: its first host (the address itself for a /32)."""
    return net.network_address + 1 if net.num_addresses > 2 else net.network_address


def _url_of(host: str | None, path: str) -> str:
    if host is None:
        host = "unmatched.invalid"
    elif host.startswith("*."):
        host = "any" + host[1:]
    return f"http://{host}{path if path.startswith('/') else '/' + path}"


def _probes(a: LoadedLevel, b: LoadedLevel) -> _Probes:
    wa, wb = a.world, b.world
    pods_a = {p.ref: p for p in wa.pods}
    pods_b = {p.ref: p for p in wb.pods}
    shared = sorted(pods_a.keys() & pods_b.keys())
    mentioned: set[tuple[int, str]] = set()
    for world in (wa, wb):
        for pod in world.pods:
            mentioned |= _declared(pod)
        for svc in world.services:
            mentioned.update((sp.target_port, sp.protocol) for sp in svc.ports
                             if isinstance(sp.target_port, int))
        mentioned |= _policy_ports(world, None)
    fallback = tuple(sorted(mentioned))[:MAX_FALLBACK_PORTS]
    pod_ports: dict[str, tuple[tuple[int, str], ...]] = {}
    for ref in shared:
        ports = _declared(pods_a[ref]) | _declared(pods_b[ref])
        if not pods_a[ref].ports or not pods_b[ref].ports:
            ports |= set(fallback)
        pod_ports[ref] = tuple(sorted(ports))

    service_ports: set[tuple[str, int, str]] = set()
    numbers = sorted({(sp.port, sp.protocol) for w in (wa, wb) for s in w.services
                      for sp in s.ports})[:MAX_FALLBACK_PORTS]
    for world in (wa, wb):
        for svc in world.services:
            if svc.type == "ExternalName" and not svc.ports:
                service_ports.update((svc.ref, n, proto) for n, proto in numbers)
            service_ports.update((svc.ref, sp.port, sp.protocol) for sp in svc.ports)

    urls: set[str] = set()
    outside: set[tuple[IPv4Address, int, str]] = set()
    egress_ports = set(EXTRA_EGRESS_PORTS)
    addresses = {DEFAULT_OUTSIDE}
    for level in (a, b):
        for placed in level.world.ingresses:
            spec = placed.obj.spec
            if spec.defaultBackend is not None:
                urls.add(_url_of(None, "/"))
            for rule in spec.rules:
                paths = rule.http.paths if rule.http else []
                urls.update(_url_of(rule.host, p.path) for p in paths)
                if not paths:
                    urls.add(_url_of(rule.host, "/"))
        for flow in level.spec.flows:
            try:
                dst = parse_dest(flow.to)
            except RefError:
                continue
            if dst.kind == "url" and flow.from_.startswith(INTERNET):
                urls.add(flow.to.split("?", 1)[0].split("#", 1)[0])
            elif dst.kind == "internet" and dst.ip is not None and isinstance(dst.port, int):
                addresses.add(dst.ip)
                egress_ports.add((dst.port, dst.protocol))
        egress_ports |= _policy_ports(level.world, True)
        cluster = level.world.cluster
        for net in _ip_blocks(level.world):
            ip = _representative(net)
            if ip not in cluster.cluster_cidr and ip not in cluster.service_cidr:
                addresses.add(ip)
    outside = {(ip, port, proto) for ip in addresses for port, proto in egress_ports}
    return _Probes(pod_ports, tuple(sorted(service_ports)), tuple(sorted(urls)),
                   tuple(sorted(outside)), tuple(shared))


def _probe_count(p: _Probes, skip: _Skip) -> int:
    """Traces one state will take (Service probes count once per engine they may fork)."""
    direct = sum(len(ports) for src in p.sources for dst, ports in p.pod_ports.items()
                 if dst != src and (src, dst) not in skip.pairs)
    outside = len(p.outside) * sum(1 for src in p.sources if src not in skip.outside)
    services = sum(1 for svc, number, proto in p.service_ports
                   for src in [*p.sources, INTERNET]
                   if (src, f"{svc}:{number}/{proto}") not in skip.services)
    return direct + outside + 2 * (services + len(p.urls))


# ------------------------------------------------------------- evaluation
def _target(path: PathResult) -> str | None:
    """Who a reached path ended at: the pod that answered, or the internet."""
    if path.end is not None:
        return path.end.ref
    return INTERNET if any(h.ref == INTERNET for h in path.hops) else None


def _allowed_by(path: PathResult) -> tuple[str, ...]:
    return tuple(h.ref for h in path.hops
                 if h.ref and h.ref.startswith("networkpolicy/") and h.verdict == "pass")


def _trace(engine: Engine, source: str, dest: str) -> Trace | None:
    try:
        return engine.trace(source, dest)
    except (RefError, KeyError):
        return None


Reached = dict[Connection, tuple[str, ...]]


def _all_ready(world: World) -> World:
    if all(p.ready for p in world.pods):
        return world
    return dataclasses.replace(world, pods=[dataclasses.replace(p, ready=True) if not p.ready
                                            else p for p in world.pods])


def _through(engines: Iterable[Engine], source: str, dest: str, via: str, port: str,
             out: Reached) -> None:
    for engine in engines:
        trace = _trace(engine, source, dest)
        if trace is None:
            continue
        for path in trace.paths:
            if path.reached:
                target = _target(path)
                if target is not None and target != source:
                    out.setdefault(Connection(source, via, target, port), _allowed_by(path))


PodSig = tuple[object, ...]


def _pod_sigs(engine: Engine) -> dict[str, PodSig]:
    """Per pod, everything a direct connection from or to it depends on besides the
    cluster's nodes and namespaces: the pod itself (not its readiness, which direct
    traffic ignores) and the NetworkPolicies that isolate it, each way."""
    topo = engine.topo

    def policies(refs: Iterable[PolicyRef]) -> tuple[object, ...]:
        return tuple((r.namespace, r.name, r.policy.spec) for r in refs)

    return {pod.ref: (dataclasses.replace(pod, source=0, ready=True),
                      policies(topo.ingress_isolating.get(pod.key, ())),
                      policies(topo.egress_isolating.get(pod.key, ())))
            for pod in topo.world.pods}


@dataclass
class _State:
    """One state to probe: its engine, and one for the same state with every pod Ready."""

    level: LoadedLevel
    engine: Engine
    ready: Engine | None  # None when every pod already is

    @classmethod
    def of(cls, level: LoadedLevel) -> _State:
        ready_world = _all_ready(level.world)
        return cls(level, Engine(level.world),
                   None if ready_world is level.world else Engine(ready_world))

    @property
    def engines(self) -> list[Engine]:
        return [self.engine] if self.ready is None else [self.engine, self.ready]


@dataclass
class _Skip:
    """Probes whose answer is known to be the same in both states, so neither probes them."""

    pairs: set[tuple[str, str]] = dataclasses.field(default_factory=set)
    outside: set[str] = dataclasses.field(default_factory=set)
    services: set[tuple[str, str]] = dataclasses.field(default_factory=set)  # (source, via)


def _service_sig(state: _State, svc_ref: str, number: int, proto: str,
                 sigs: dict[str, PodSig]) -> object:
    """What a connection through one Service port depends on beyond its source: the
    Service, its endpoints (as Ready and as if all were) and each endpoint pod's policies."""
    _, ns, name = svc_ref.split("/", 2)
    svc = state.engine.topo.services_by_key.get((ns, name))
    if svc is None:
        return None
    if svc.type == "ExternalName":
        return object()  # through DNS to anything: never assumed unchanged
    sp = svc.find_port(number, proto)
    sig: list[object] = [dataclasses.replace(svc, source=0)]
    if sp is not None:
        for engine in state.engines:
            eps = service_endpoints(engine.topo, engine.topo.services_by_key[(ns, name)], sp)
            sig.append((eps.reason, tuple(
                (ep.ip, ep.port, ep.node, ep.source,
                 sigs.get(ep.pod.ref) if ep.pod is not None else None)
                for ep in eps.endpoints)))
    return tuple(sig)


def _unchanged(a: _State, b: _State, probes: _Probes) -> _Skip:
    """The probes nothing they depend on differs for between the two states. Probing them
    twice would only confirm it, so they are left out: the big saving when a fix touches
    one Service or one policy of a large cluster."""
    wa, wb = a.level.world, b.level.world
    if (wa.cluster != wb.cluster or wa.namespaces != wb.namespaces
            or wa.manual_endpoints != wb.manual_endpoints):
        return _Skip()
    sa, sb = _pod_sigs(a.engine), _pod_sigs(b.engine)
    same = {ref for ref, sig in sa.items() if sb.get(ref) == sig}
    skip = _Skip({(src, dst) for src in same for dst in same}, same)
    for svc, number, proto in probes.service_ports:
        if _service_sig(a, svc, number, proto, sa) == _service_sig(b, svc, number, proto, sb):
            via = f"{svc}:{number}/{proto}"
            skip.services.update((src, via) for src in [*same, INTERNET])
    return skip


def connections(state: _State, probes: _Probes, skip: _Skip | None = None) -> Reached:
    """Every probed connection that gets through in a state, with the policies it passes
    (leaving out the probes ``skip`` knows to come out the same in the other state)."""
    skip = skip or _Skip()
    engine = state.engine
    present = {p.ref for p in state.level.world.pods}
    sources = [s for s in probes.sources if s in present]
    out: Reached = {}
    for src in sources:
        for dst, ports in probes.pod_ports.items():
            if dst == src or dst not in present or (src, dst) in skip.pairs:
                continue
            for number, proto in ports:
                trace = _trace(engine, src, f"{dst}:{number}/{proto.lower()}")
                if trace is not None and trace.paths and trace.paths[0].reached:
                    out[Connection(src, "", dst, f"{number}/{proto}")] = \
                        _allowed_by(trace.paths[0])
        if src in skip.outside:
            continue
        for ip, number, proto in probes.outside:
            trace = _trace(engine, src, f"internet/{ip}:{number}/{proto.lower()}")
            if trace is not None and trace.paths and trace.paths[0].reached:
                out[Connection(src, "", f"outside/{ip}", f"{number}/{proto}")] = \
                    _allowed_by(trace.paths[0])
    for svc, number, proto in probes.service_ports:
        dest = f"{svc}:{number}/{proto.lower()}"
        via = f"{svc}:{number}/{proto}"
        for src in [*sources, INTERNET]:
            if (src, via) not in skip.services:
                _through(state.engines, src, dest, via, f"{number}/{proto}", out)
    for url in probes.urls:
        _through(state.engines, INTERNET, url, url, url.split(":", 1)[0], out)
    return out


# ---------------------------------------------------------------- grouping
_WORKLOAD_RANK = {"deployment": 0, "statefulset": 0, "daemonset": 0, "replicaset": 1}
OUTSIDE = "outside"


def _workloads(level: LoadedLevel) -> dict[str, str]:
    """Pod ref → the workload a person calls it by (a Deployment rather than its ReplicaSet)."""
    best: dict[str, tuple[int, str]] = {}
    for ref, names in level.world.workloads.items():
        kind, ns, _ = ref.split("/", 2)
        rank = _WORKLOAD_RANK.get(kind, 2)
        for name in names:
            pod = f"pod/{ns}/{name}"
            if pod not in best or (rank, ref) < best[pod]:
                best[pod] = (rank, ref)
    out = {pod: ref for pod, (_, ref) in best.items()}
    for info in level.world.pods:
        if info.ref not in out and info.owner:
            out[info.ref] = info.owner
    return out


def _group_of(owners: dict[str, str], ref: str) -> str:
    if ref.startswith("outside/"):
        return OUTSIDE
    return owners.get(ref, ref)


def _selector_text(level: LoadedLevel, via: str) -> str:
    _, ns, name = via.partition(":")[0].split("/", 2)
    svc = level.world.service(ns, name)
    if svc is None:
        return ""
    if svc.type == "ExternalName":
        return f"ExternalName {svc.external_name}"
    if svc.selector:
        return "selector " + ",".join(f"{k}={v}" for k, v in sorted(svc.selector.items()))
    return "hand-written endpoints"


def _cause(level: LoadedLevel, via: str, policies: set[str]) -> str:
    if via.startswith("service/"):
        return _selector_text(level, via)
    if policies:
        names = sorted(p.removeprefix("networkpolicy/") for p in policies)
        return "allowed by " + _names(tuple(f"NetworkPolicy {n}" for n in names), limit=2)
    return "no NetworkPolicy stops it"


def _port_key(port: str) -> tuple[int, str]:
    number, _, proto = port.partition("/")
    return (int(number), proto) if number.isdigit() else (0, port)


def group(level: LoadedLevel, extra: Reached) -> tuple[Finding, ...]:
    """Fold raw extra connections into findings a person can read: one per way in
    (direct, a Service port, a URL), set of source workloads and set of ports."""
    owners = _workloads(level)
    by_dest: dict[tuple[str, str], list[Connection]] = defaultdict(list)
    for conn in extra:
        by_dest[(conn.via, _group_of(owners, conn.target))].append(conn)
    merged: dict[tuple[str, tuple[str, ...], tuple[str, ...]], list[Connection]] = \
        defaultdict(list)
    for (via, _), conns in by_dest.items():
        sources = tuple(sorted({_group_of(owners, c.source) for c in conns},
                               key=lambda s: (s == INTERNET, s)))
        ports = tuple(sorted({c.port for c in conns}, key=_port_key))
        merged[(via, sources, ports)].extend(conns)
    findings = []
    everyone = {p.ref for p in level.world.pods}
    for (via, sources, ports), conns in merged.items():
        if everyone and {c.source for c in conns} >= everyone:
            sources = (EVERY_POD, INTERNET) if INTERNET in sources else (EVERY_POD,)
        policies = {p for c in conns for p in extra[c]}
        targets = tuple(sorted({_group_of(owners, c.target) for c in conns}))
        outside = tuple(sorted({c.target.removeprefix("outside/") for c in conns
                                if c.target.startswith("outside/")},
                               key=lambda ip: IPv4Address(ip)))
        findings.append(Finding(sources, via, targets, ports,
                                len({c.target for c in conns}), len(conns),
                                _cause(level, via, policies), outside))
    findings.sort(key=lambda f: (-f.connections, f.via, f.targets, f.ports))
    return tuple(findings)


def blast_radius(player: LoadedLevel, solution: LoadedLevel) -> BlastRadius:
    """What ``player`` lets through that ``solution`` does not, grouped into findings."""
    if max(len(player.world.pods), len(solution.world.pods)) > MAX_PODS:
        return BlastRadius(skipped=f"more than {MAX_PODS} pods: the blast-radius check is "
                                   "skipped")
    probes = _probes(player, solution)
    mine, theirs = _State.of(player), _State.of(solution)
    skip = _unchanged(mine, theirs, probes)
    if _probe_count(probes, skip) > MAX_PROBES:
        return BlastRadius(skipped="too many connections to compare: the blast-radius check "
                                   "is skipped")
    reached = connections(mine, probes, skip)
    allowed = connections(theirs, probes, skip)
    extra = {c: by for c, by in reached.items() if c not in allowed}
    return BlastRadius(group(player, extra), len(extra))


_CACHE_SIZE = 8
_solutions: OrderedDict[int, tuple[LoadedLevel, LoadedLevel | None]] = OrderedDict()
_results: OrderedDict[tuple[int, int], tuple[LoadedLevel, LoadedLevel, BlastRadius]] = \
    OrderedDict()


def _remember(cache: OrderedDict[K, V], key: K, value: V) -> V:
    cache[key] = value
    cache.move_to_end(key)
    while len(cache) > _CACHE_SIZE:
        cache.popitem(last=False)
    return value


def solution_state(start: LoadedLevel) -> LoadedLevel | None:
    """``start`` with its puzzle's solution applied; None without one (or if it fails)."""
    hit = _solutions.get(id(start))
    if hit is not None and hit[0] is start:
        return hit[1]
    puzzle = start.spec.puzzle
    solved: LoadedLevel | None = None
    if puzzle is not None and puzzle.solution:
        try:
            solved = apply_edits(start, puzzle.solution)
        except EditError:
            solved = None
    return _remember(_solutions, id(start), (start, solved))[1]


def level_blast_radius(start: LoadedLevel, current: LoadedLevel) -> BlastRadius | None:
    """The blast radius of ``current`` against ``start`` with the level's solution applied;
    None when the level has no solution to compare with (a sandbox, or it does not apply).

    States are immutable (every edit makes a new ``LoadedLevel``), so results are cached
    by the identity of the two states: asking again for the same state — a screen
    refresh, an undo back to it — costs nothing.
    """
    key = (id(start), id(current))
    hit = _results.get(key)
    if hit is not None and hit[0] is start and hit[1] is current:
        _results.move_to_end(key)
        return hit[2]
    solved = solution_state(start)
    if solved is None:
        return None
    return _remember(_results, key, (start, current, blast_radius(current, solved)))[2]


# ------------------------------------------------------------------ words
def _names(items: tuple[str, ...], limit: int = 3) -> str:
    shown = list(items[:limit])
    rest = len(items) - len(shown)
    if rest:
        return ", ".join(shown) + f" and {rest} more"
    if len(shown) > 1:
        return ", ".join(shown[:-1]) + " and " + shown[-1]
    return shown[0] if shown else "nobody"


def _targets(targets: tuple[str, ...], pods: int, addresses: tuple[str, ...]) -> str:
    parts = []
    for target in targets:
        if target == OUTSIDE:
            n = len(addresses)
            listed = f" ({_names(addresses)})" if n > 1 else ""
            parts.append(f"{addresses[0] if n == 1 else f'{n} addresses'} outside the "
                         f"cluster{listed}")
        elif target == INTERNET:
            parts.append("the internet")
        elif target.startswith("pod/"):
            parts.append(f"pod {target.removeprefix('pod/')}")
        else:
            parts.append(target)
    if len(targets) == 1 and not targets[0].startswith(("pod/", OUTSIDE, INTERNET)):
        return f"{pods} pod{'s' * (pods != 1)} of {targets[0]}"
    return _names(tuple(parts), limit=3)
