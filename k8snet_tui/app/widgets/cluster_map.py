"""The cluster map: one text picture of where every address lives and where the packet went.

A trace says "node-b routing table" or "kube-proxy on node-a"; the map is where
the player finds those places: which node a pod runs on, which podCIDR it got
its IP from, the route a node lacks, the Service whose targetPort misses. The
selected flow's hops are numbered on the objects they touch (the same numbers
the trace view uses, the hop's position in the trace) and the object where the
packet dies says "✗ DROP" in words, so the picture reads without colour.

Nothing a player needs is cut: names, addresses, labels and ports wrap onto
continuation lines (the map sits in a scroll view, so height is cheaper than a
missing ``slot=blue``). What is left out is noise: the labels Kubernetes puts on
every workload pod (``pod-template-hash`` …), unless a selector in the level
names one, and then it is the clue and is shown.

``render_map`` is a pure function of the world, the trace and a width, so it is
unit-tested and timed without an app; ``ClusterMap`` only calls it again when
the state or its own width changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import Static

from k8snet_tui.app.messages import ObjectChosen
from k8snet_tui.app.styles import FAILURE, FAILURE_NAME
from k8snet_tui.engine.topology import build_topology
from k8snet_tui.engine.trace import Trace, Verdict
from k8snet_tui.game.gatewayview import generated_note
from k8snet_tui.game.view import (
    GatewayLine,
    GatewayMap,
    ListenerLine,
    RouteLine,
    StateView,
    controller_pods,
    gateway_map,
    selected_pods,
)
from k8snet_tui.model.admission import DEFAULT_CLASS_ANNOTATION
from k8snet_tui.model.cluster import Node
from k8snet_tui.model.resources import IngressBackend
from k8snet_tui.model.world import (
    PodInfo,
    ServiceInfo,
    SvcPort,
    World,
)

STYLE_NAME = "bold"
STYLE_ADDR = "cyan"
STYLE_DIM = "dim"
STYLE_LABEL = "green"
STYLE_WARN = "bold yellow"
STYLE_MARK = "bold reverse"
STYLE_DROP = FAILURE  # reversed and bold: it stands out without colour (see app.styles)

DROP_WORDS = "✗ DROP"
MIN_BOX_WIDTH = 48
"""Node boxes narrower than this wrap every pod onto two lines; stack them instead."""
FALLBACK_WIDTH = 76
"""What the widget draws for before Textual has told it its size (80×24 minus borders)."""
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def hop_number(n: int) -> str:
    """The label of hop ``n`` (1-based): circled up to 20, so a node visited twice stays short."""
    return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else f"({n})"


@dataclass
class PathMarks:
    """Which objects the selected trace touches, in hop order, and where it dropped.

    Hop numbers are positions in ``trace.hops`` (hops without an object keep
    their number, unseen), so "⑥" on the map is hop 6 in the trace view.
    """

    numbers: dict[str, list[int]] = field(default_factory=dict)
    drops: set[str] = field(default_factory=set)
    placed: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, trace: Trace | None) -> PathMarks:
        marks = cls()
        if trace is None:
            return marks
        for n, hop in enumerate(trace.hops, start=1):
            if hop.ref is None:
                continue
            marks.numbers.setdefault(hop.ref, []).append(n)
            if hop.verdict == "drop":
                marks.drops.add(hop.ref)
        return marks

    def on_path(self, ref: str) -> bool:
        return ref in self.numbers

    def name(self, text: str, ref: str) -> Text:
        """An object's name: underlined on the path (for terminals that cannot reverse), and
        clickable when it is an object the player can select (``ClusterMap`` posts
        ``ObjectChosen``)."""
        if ref in self.drops:
            rich_style = FAILURE_NAME
        elif ref in self.numbers:
            rich_style = Style.parse(f"{STYLE_NAME} underline")
        else:
            rich_style = Style.parse(STYLE_NAME)
        if "/" in ref:
            rich_style += Style.on(click=f"choose_object({ref!r})")
        return _styled(text, rich_style)

    def mark(self, ref: str) -> Text:
        """Hop numbers and the drop marker for one object (empty when it is off the path).

        Calling this records the object as drawn; anything never drawn is listed
        at the end so no numbered hop goes missing from the picture.
        """
        self.placed.add(ref)
        numbers = self.numbers.get(ref)
        if not numbers:
            return Text()
        shown = [hop_number(n) for n in numbers]
        if len(shown) > 4:
            shown = [*shown[:2], "…", shown[-1]]
        text = _styled("".join(shown), STYLE_MARK)
        if ref in self.drops:
            text.append(" ")
            text.append(DROP_WORDS, style=STYLE_DROP)
        return text


# --------------------------------------------------------------------- text helpers


def _fit(text: Text, width: int) -> Text:
    """Cut a line to ``width`` cells with an ellipsis: the guard behind ``_flow`` (which wraps
    instead), reached on purpose only by the legend's copy of the flow name."""
    if text.cell_len <= width:
        return text
    cut = text.copy()
    cut.truncate(max(width, 0), overflow="ellipsis")
    return cut


def _join(*parts: Text | str, sep: str = " ") -> Text:
    """Join the non-empty parts with ``sep`` (so an empty mark leaves no double space)."""
    out = Text()
    for part in parts:
        piece = Text(part) if isinstance(part, str) else part
        if not piece.plain:
            continue
        if out.plain:
            out.append(sep)
        out.append_text(piece)
    return out


def _flow(head: Text, chunks: Iterable[Text | tuple[str, Text]], width: int, indent: int = 4,
          sep: str = "  ", head_sep: str = "  ") -> list[Text]:
    """``head`` then the chunks, filled onto lines of ``width``, continuing indented.

    The head (an object's name, address and hop marks) is never pushed off by
    a long tail: only later chunks move to continuation lines. Nothing is cut:
    a chunk too wide for the indented column starts further left, and one
    wider than a whole line is broken over several (a label a selector uses is
    often the longest one on the line). A chunk given as ``(glue, text)``
    belongs with the one before it, joined by ``glue`` instead of ``sep``
    (the labels of one selector, ``a=b,c=d``): a group that does not fit
    where the line has got to starts a new one.
    """
    groups: list[list[tuple[str, Text]]] = []
    for item in chunks:
        glue, chunk = item if isinstance(item, tuple) else (None, item)
        if not chunk.plain:
            continue
        if glue is not None and groups:
            groups[-1].append((glue, chunk))
        else:
            groups.append([(sep, chunk)])
    lines: list[Text] = []
    line = head.copy()
    used = bool(head.plain)  # the line holds more than its indentation
    after_head = used
    for group in groups:
        if after_head:
            group[0] = (head_sep, group[0][1])
            after_head = False
        size = sum(chunk.cell_len + len(glue) for glue, chunk in group) - len(group[0][0])
        if used and len(group) > 1 and line.cell_len + len(group[0][0]) + size > width:
            lines.append(line)
            line, used = Text(" " * indent), False
        for i, (gap, chunk) in enumerate(group):
            if not used:
                line.append_text(chunk)
                used = True
            elif line.cell_len + len(gap) + chunk.cell_len <= width:
                line.append(gap)
                line.append_text(chunk)
            else:
                lines.append(line)
                # Under the indent (deeper for the rest of a group) if it fits there, else
                # near the left edge, else broken up.
                deep = indent + 4 if i else indent
                pad = next((n for n in (deep, indent) if chunk.cell_len <= width - n),
                           min(indent, 2))
                line = Text(" " * pad)
                line.append_text(chunk)
    lines.append(line)
    return [piece for x in lines for piece in _break(x, width, indent)]


def _break(line: Text, width: int, indent: int) -> list[Text]:
    """A line wider than ``width`` as several, continued at ``indent``: the last resort of
    ``_flow`` for one word longer than the line (a long name at a narrow width). It
    breaks after a ``/``, ``-``, ``.``, ``,`` or space where it can, so
    ``ingress-nginx/ingress-nginx-controller-`` stays readable."""
    if line.cell_len <= width or width < 1:
        return [line]
    pad = indent if width - indent >= 8 else 0
    out: list[Text] = []
    rest, start = line, 0
    while rest.cell_len > width:
        fits = cells = 0
        for char in rest.plain:
            cells += cell_len(char)
            if cells > width:
                break
            fits += 1
        plain = rest.plain
        soft = max(plain.rfind(c, 0, fits) for c in "/-., ") + 1
        cut = soft if soft > max(start, fits // 2) else max(fits, start + 1)
        head, tail = rest.divide([cut])
        head.rstrip()
        out.append(head)
        rest = Text(" " * pad)
        rest.append_text(tail)
        start = pad
    out.append(rest)
    return out


def _words(text: str, style: str = "") -> list[Text]:
    """A phrase as one chunk per word, for ``_flow`` to wrap between words."""
    return [_styled(word, style) for word in text.split()]


def _styled(text: str, style: str | Style) -> Text:
    # A span, not the Text's base style: a base style would bleed into whatever a
    # line appends after it (a dim heading would dim the whole line).
    out = Text()
    out.append(text, style=style)
    return out


# ------------------------------------------------------------------------ context


@dataclass
class _Context:
    """What several parts of the map need, computed once per render."""

    world: World
    marks: PathMarks
    controller_pods: dict[tuple[str, str], str]  # pod key -> class name
    hidden_labels: frozenset[str]  # noise label keys no selector in the level uses
    selected: Callable[[ServiceInfo], Sequence[PodInfo]]  # the engine's answer, per Service
    gateways: GatewayMap = field(default_factory=GatewayMap)  # the engine's Gateway status


NOISE_LABELS = frozenset({
    "pod-template-hash",
    "controller-revision-hash",
    "statefulset.kubernetes.io/pod-name",
    "apps.kubernetes.io/pod-index",
    "gateway.networking.k8s.io/gateway-class-name",
})
"""Labels Kubernetes puts on every pod of a workload (and a Gateway controller on its proxy's,
besides the gateway-name a NetworkPolicy selects it by). They tell pods apart, not what a
Service or policy picks, so the map leaves them out unless a selector in the level uses one
(then it is the clue, and it is shown)."""


def _selector_keys(world: World) -> set[str]:
    """Every pod-label key a Service selector or a NetworkPolicy pod selector names (not the
    selector of a Service a Gateway controller generated: it picks its own proxy)."""
    keys = {key for svc in world.services if svc.generated_by is None
            for key in svc.selector or {}}
    for placed in world.policies:
        spec = placed.obj.spec
        selectors = [spec.podSelector]
        peers = [peer for rule in spec.ingress or () for peer in rule.from_ or ()]
        peers += [peer for rule in spec.egress or () for peer in rule.to or ()]
        selectors += [peer.podSelector for peer in peers if peer.podSelector is not None]
        for sel in selectors:
            keys.update(sel.matchLabels)
            keys.update(req.key for req in sel.matchExpressions)
    return keys


def _hidden_labels(world: World) -> frozenset[str]:
    return NOISE_LABELS - _selector_keys(world)


# ---------------------------------------------------------------------- the edge


def _legend(trace: Trace, width: int) -> list[Text]:
    numbered = [n for n, hop in enumerate(trace.hops, start=1) if hop.ref]
    head = _styled("path ", STYLE_DIM)
    if numbered:
        first, last = hop_number(numbered[0]), hop_number(numbered[-1])
        head.append(first if first == last else f"{first}…{last}", style=STYLE_MARK)
    else:
        head.append("(no hops)", style=STYLE_DIM)
    drop = trace.failing_hop
    where: list[Text] = []
    if drop is not None:
        head.append(" ")
        head.append(DROP_WORDS, style=STYLE_DROP)
        head.append(f" at {hop_number(trace.hops.index(drop) + 1)}")
        where += _words(drop.where)
    elif trace.verdict == Verdict.ALLOW:
        head.append(" ✓ reached")
    else:
        head.append(f" ✗ {trace.verdict.value}")
    # Where the packet dies wraps rather than being cut; the flow's name only says whose
    # path this is (the flow list shows all of it), so it gets what room is left, if any.
    lines = _flow(head, where, width, sep=" ", head_sep=" ")
    room = width - lines[-1].cell_len - 2
    if room >= min(len(trace.name) + 2, 16):
        lines[-1].append_text(_fit(_styled(f"  “{trace.name}”", STYLE_DIM), room + 2))
    return lines


def _edge(ctx: _Context, width: int) -> list[Text]:
    world, marks = ctx.world, ctx.marks
    cluster = world.cluster
    lines: list[Text] = []

    internet = _join(marks.name("internet", "internet"), marks.mark("internet"))
    gateway = _join("⇄", marks.name("gateway", "gateway"),
                    _styled(str(cluster.gateway), STYLE_ADDR), marks.mark("gateway"))
    lines += _flow(internet, [
        gateway,
        _join("⇄ nodes", _styled(str(cluster.node_network), STYLE_ADDR)),
        _styled(f"podNetwork {cluster.pod_network}", STYLE_DIM),
    ], width, head_sep=" ")

    exposed: list[Text] = []
    for svc in world.services:
        if svc.type == "LoadBalancer":
            ips = ",".join(str(ip) for ip in svc.lb_ips) or "<pending>"
            exposed.append(_join(f"LB {svc.namespace}/{svc.name}",
                                 _styled(ips, STYLE_ADDR if svc.lb_ips else STYLE_WARN)))
        node_ports = [str(p.node_port) for p in svc.ports if p.node_port is not None]
        if node_ports:
            exposed.append(Text(f"NodePort {','.join(node_ports)}→{svc.namespace}/{svc.name}"))
    public = [n.name for n in cluster.nodes if n.public]
    exposed.append(Text(f"public nodes: {', '.join(public)}") if public else
                   _styled("no public node", STYLE_WARN))
    head = _styled("from the internet:", STYLE_DIM)
    if len(exposed) == 1:
        exposed.insert(0, Text("no LoadBalancer or NodePort Service"))
    lines += _flow(head, exposed, width, sep=" · ", head_sep=" ")

    for ic in world.ingress_classes:
        pods = [key for key, cls in ctx.controller_pods.items() if cls == ic.metadata.name]
        default = " (default)" if ic.metadata.annotations.get(
            DEFAULT_CLASS_ANNOTATION, "").lower() == "true" else ""
        who: list[Text | tuple[str, Text]] = [
            Text(f"{ns}/{name}" + ("," if i < len(pods) - 1 else ""))
            for i, (ns, name) in enumerate(pods)] or [_styled("no controller pod", STYLE_WARN)]
        lines += _flow(_styled(f"ingress controller {ic.metadata.name}{default}:", STYLE_NAME),
                       who, width, head_sep=" ", sep=" ")
    for placed in world.ingresses:
        ref = f"ingress/{placed.namespace}/{placed.name}"
        spec = placed.obj.spec
        head = _join(_styled("Ingress", STYLE_DIM),
                     marks.name(f"{placed.namespace}/{placed.name}", ref),
                     marks.mark(ref))
        chunks = [Text(f"class {spec.ingressClassName}")] if spec.ingressClassName else []
        for rule in spec.rules:
            for path in rule.http.paths if rule.http else ():
                chunks.append(Text(f"{rule.host or '*'}{path.path} {path.pathType}"
                                   f"→{_backend(path.backend)}"))
        if spec.defaultBackend is not None:
            chunks.append(Text(f"default→{_backend(spec.defaultBackend)}"))
        lines += _flow(head, chunks, width)
    return lines


def _backend(backend: IngressBackend) -> str:
    if backend.service is None:
        return "(resource)"
    port = backend.service.port
    return f"{backend.service.name}:{port.number if port.number is not None else port.name}"


# ---------------------------------------------------------------------- gateways

ON_PATH_LISTENER = "▶"
"""Marks a listener the selected flow went through (in words for the eye: the Gateway and
Route beside it carry the hop numbers)."""


def _gateway_head(ctx: _Context, gw: GatewayLine, width: int) -> list[Text]:
    marks = ctx.marks
    ns_name = gw.ref.split("/", 1)[1]
    head = _join(_styled("Gateway", STYLE_DIM), marks.name(ns_name, gw.ref), marks.mark(gw.ref))
    chunks: list[Text] = [Text(f"class {gw.class_name}")]
    chunks.append(_styled(gw.address, STYLE_ADDR) if gw.address is not None
                  else _styled("<pending>", STYLE_WARN))
    if gw.programmed:
        chunks.append(_styled("Programmed", STYLE_DIM))
    else:
        chunks.append(_styled(f"✗ not Programmed ({gw.problem})" if gw.problem
                              else "✗ not Programmed", STYLE_WARN))
    return _flow(head, chunks, width, indent=4)


def _listener_lines(ctx: _Context, ls: ListenerLine, on_path: bool, width: int) -> list[Text]:
    marks = ctx.marks
    name_style = f"{STYLE_NAME} underline" if on_path else STYLE_NAME
    head = Text(f"{ON_PATH_LISTENER} " if on_path else "  ")
    head.append("listener ", style=STYLE_DIM)
    head.append(ls.name, style=name_style)
    head = _join(head, marks.mark(ls.ref))
    chunks: list[Text] = [Text(f"{ls.protocol}:{ls.port}"),
                          Text(ls.hostname) if ls.hostname else _styled("any host", STYLE_DIM)]
    if not ls.programmed:
        chunks.append(_styled(f"✗ not Programmed ({ls.problem})" if ls.problem
                              else "✗ not Programmed", STYLE_WARN))
    if not ls.routes:
        chunks.append(_styled("no Route attached", STYLE_DIM))
    return _flow(head, chunks, width, indent=6)


def _route_mark(ctx: _Context, ref: str) -> Text:
    """A Route's hop numbers, on the first place it is drawn only (a Route attached to two
    listeners is drawn under each, and may also have a parentRef that attached nowhere)."""
    return ctx.marks.mark(ref) if ref not in ctx.marks.placed else Text()


def _route_lines(ctx: _Context, route: RouteLine, width: int) -> list[Text]:
    """``HTTPRoute ns/name ⑨  host → backend, backend``: each backend clickable, underlined
    when the path reaches it; one the engine could not resolve says why."""
    marks = ctx.marks
    ref = route.ref
    head = _join(Text("    "), _styled(route.kind, STYLE_DIM), sep="")
    head = _join(head, marks.name(ref.split("/", 1)[1], ref), _route_mark(ctx, ref))
    chunks: list[Text | tuple[str, Text]] = []
    hosts = list(route.hostnames)
    chunks.append(_styled(hosts[0] if hosts else "*", STYLE_ADDR))
    chunks += [(",", _styled(h, STYLE_ADDR)) for h in hosts[1:]]
    # One group per rule ("→ a:80 w90, b:80 w10"), rules apart by " | ".
    for r_i, rule in enumerate(route.rules):
        targets: list[Text] = []
        for b in rule.backends:
            if b.ref is not None:
                targets.append(marks.name(b.text, b.ref))
            else:
                targets.append(_styled(f"✗ {b.text} {b.problem or 'unresolved'}", STYLE_WARN))
        if rule.answer is not None:
            targets.append(_styled(rule.answer, STYLE_WARN))
        for i, target in enumerate(targets):
            if i < len(targets) - 1:
                target.append(",")
            if i:
                chunks.append((" ", target))
            else:
                chunks.append(_join("→" if r_i == 0 else "|", target))
    if not route.rules:
        chunks.append(_styled("→ no rules", STYLE_WARN))
    return _flow(head, chunks, width, indent=8, sep=" ")


def _gateway_lines(ctx: _Context, gw: GatewayLine, width: int) -> list[Text]:
    lines = _gateway_head(ctx, gw, width)
    refs = ctx.marks.numbers.keys()
    on_path = set(gw.listeners_on_path(refs))
    for ls in gw.listeners:
        lines += _listener_lines(ctx, ls, ls.ref in on_path, width)
        for route in ls.routes:
            lines += _route_lines(ctx, route, width)
    if not gw.listeners:
        lines.append(_styled("  (no listeners)", STYLE_WARN))
    for d in gw.detached:
        lines += _flow(_styled("  ✗ not attached:", STYLE_WARN),
                       [_join(_styled(d.kind, STYLE_DIM),
                              ctx.marks.name(d.route_ref.split("/", 1)[1], d.route_ref),
                              _route_mark(ctx, d.route_ref)),
                        Text(f"parentRef {d.parent.removeprefix(gw.ref)}" if d.parent != gw.ref
                             else "parentRef"),
                        _styled(d.reason, STYLE_WARN)],
                       width, indent=6, sep=" ", head_sep=" ")
    return lines


def _gateways(ctx: _Context, width: int) -> list[Text]:
    """Each Gateway as the controller sees it: address, listeners (name, protocol:port,
    hostname) and under each the Routes attached there and their backends, then the
    parentRefs that attached nowhere with the engine's reason. All of it is the session's
    ``GatewayMap`` (the engine's status); the map only draws it."""
    gmap = ctx.gateways
    if not gmap:
        return []
    lines = [_rule("Gateways", width)]
    for gw in gmap.gateways:
        lines += _gateway_lines(ctx, gw, width)
    for d in gmap.orphans:
        lines += _flow(_styled("✗ not attached:", STYLE_WARN),
                       [_join(_styled(d.kind, STYLE_DIM),
                              ctx.marks.name(d.route_ref.split("/", 1)[1], d.route_ref),
                              _route_mark(ctx, d.route_ref)),
                        Text(f"parentRef {d.parent}"), _styled(d.reason, STYLE_WARN)],
                       width, indent=4, sep=" ", head_sep=" ")
    return lines


# ------------------------------------------------------------------------- nodes


def _pod_lines(ctx: _Context, pod: PodInfo, name_col: int, ip_col: int,
               width: int) -> list[Text]:
    """``ns/name  IP ①②  labels  ports``, labels and ports continuing under the IP.

    A name longer than ``name_col`` gets a line of its own and the IP starts
    the next one: the name is how the player finds the pod in a trace, so it
    is never cut.
    """
    marks = ctx.marks
    ref = pod.ref
    name = f"{pod.namespace}/{pod.name}"
    lines: list[Text] = []
    if len(name) > name_col:
        lines += _break(marks.name(name, ref), width, 2)
        head = Text(" " * (name_col + 1))
    else:
        head = marks.name(name, ref)
        head.append(" " * (name_col - len(name) + 1))
    # The mark sits right after the IP (where the trace view's address is); the
    # padding after it keeps the labels of unmarked pods in one column.
    head.append(str(pod.ip), style=STYLE_ADDR)
    mark = marks.mark(ref)
    if mark.plain:
        head.append(" ")
        head.append_text(mark)
    head.append(" " * max(name_col + 1 + ip_col - head.cell_len, 0))
    head.rstrip()
    lines += _flow(head, _pod_chunks(ctx, pod), width, indent=name_col + 1)
    return lines


def _pod_chunks(ctx: _Context, pod: PodInfo) -> list[Text]:
    """What a pod says after its address: states first, then one chunk per label and per
    port, so long sets wrap onto more lines instead of being cut (the label that matters,
    slot=blue, is often the last one)."""
    chunks: list[Text] = []
    if pod.host_network:
        chunks.append(_styled("hostNetwork", STYLE_WARN))
    if not pod.ready:
        chunks.append(_styled("NOT READY", STYLE_WARN))
    if pod.key in ctx.controller_pods:
        chunks.append(Text(f"ingress controller ({ctx.controller_pods[pod.key]})"))
    if pod.generated_by is not None:
        chunks.append(Text(generated_note(pod.generated_by)))
    chunks.extend(_styled(f"{k}={v}", STYLE_LABEL) for k, v in sorted(pod.labels.items())
                  if k not in ctx.hidden_labels)
    ports = [(f"{p.name}=" if p.name else "") + str(p.port)
             + ("" if p.protocol == "TCP" else f"/{p.protocol}")
             + (f" host:{p.host_port}" if p.host_port else "")
             for p in pod.ports]
    if ports:
        chunks.append(_styled(f"ports {ports[0]}", STYLE_DIM))
        chunks.extend(_styled(port, STYLE_DIM) for port in ports[1:])
    return chunks


def _widest_name_col(ctx: _Context, pods: Sequence[PodInfo], width: int) -> int:
    """The widest name column that leaves the longest label room under the address (a
    wider one pushes that label to the left edge)."""
    ip_col = max((len(str(p.ip)) for p in pods), default=0)
    longest = max((c.cell_len for p in pods for c in _pod_chunks(ctx, p)), default=0)
    return width - 1 - max(longest, ip_col + 12)


def _name_col(ctx: _Context, pods: Sequence[PodInfo], width: int) -> int:
    """The width of the pod-name column: as wide as the names need, up to the width that
    draws the pods in the fewest lines.

    One very long name (an ingress controller's) then takes a line of its own
    instead of pushing every pod's labels to the right edge. The column is
    chosen once for the whole map, so stacked node boxes line up.
    """
    if not pods:
        return 0
    ip_col = max(len(str(p.ip)) for p in pods)
    # Every name length is a candidate column (a name longer than the column wraps), and so
    # are a few short ones for a node whose one pod has a long name.
    names = {len(p.namespace) + 1 + len(p.name) for p in pods}
    lengths = sorted(names | {n for n in (12, 16, 20) if n < max(names)})
    widest = _widest_name_col(ctx, pods, width)
    candidates = [n for n in lengths if n <= widest] or [min(lengths)]
    best, best_lines = candidates[-1], -1
    for name_col in reversed(candidates):  # widest first: ties keep the neater column
        lines = sum(len(_pod_lines(ctx, pod, name_col, ip_col, width)) for pod in pods)
        if best_lines < 0 or lines < best_lines:
            best, best_lines = name_col, lines
    return best


def _node_body(ctx: _Context, node: Node, pods: Sequence[PodInfo], columns: tuple[int, int],
               width: int) -> tuple[Text, list[Text]]:
    """A node box's title (drawn in the top border) and its lines: routes, then pods in
    ``columns`` (name, address) shared by every box."""
    marks = ctx.marks
    ref = f"node/{node.name}"
    inner = width - 4
    head = _join(marks.name(node.name, ref),
                 _styled(str(node.ip), STYLE_ADDR), marks.mark(ref))
    chunks = [_join("pods", _styled(str(node.pod_cidr), STYLE_ADDR)),
              Text("public") if node.public else _styled("private", STYLE_DIM)]
    if not node.masquerade:
        chunks.append(_styled("masquerade off", STYLE_WARN))
    title = _flow(head, chunks, inner - 1, indent=2)
    body = title[1:]

    cluster = ctx.world.cluster
    if cluster.pod_network == "routes" or node.explicit_routes:
        routes = sorted((r for r in node.routes if r.via is not None),
                        key=lambda r: (r.index is None, r.index or 0))
        if routes:
            body += _flow(_styled("routes:", STYLE_DIM),
                          [Text(r.describe()) for r in routes], inner, indent=8, sep=" · ",
                          head_sep=" ")
        else:
            body += _flow(_styled("routes: none", STYLE_WARN),
                          [_styled("(only the node network; no default route)", STYLE_WARN)], inner,
                          indent=8, head_sep=" ")
    if pods:
        body += [line for pod in pods for line in _pod_lines(ctx, pod, *columns, inner)]
    else:
        body.append(_styled("(no pods)", STYLE_DIM))
    return title[0], body


def _box(title: Text, body: Sequence[Text], width: int, height: int, bold: bool, *,
         joined: bool = False, closed: bool = True) -> list[Text]:
    """A box ``width`` wide and ``height`` tall (body padded), title in its top border.

    The box of a node the packet crosses is drawn bold, the others dim. A
    ``joined`` box shares its top border with the box above (``├ title ┤``),
    and one not ``closed`` leaves its bottom border to the box below: stacked
    nodes then cost one line each for borders instead of two, which is what a
    three-node level needs to fit a small screen.
    """
    border = "bold" if bold else STYLE_DIM
    inner = width - 4
    left, right = ("├", "┤") if joined else ("┌", "┐")
    top = _styled(f"{left} ", border)
    top.append_text(title)
    top.append(" " + "─" * max(width - 4 - title.cell_len, 0) + right, style=border)
    out = [_fit(top, width)]
    for line in [*body, *([Text()] * (height - len(body) - 2))]:
        row = _styled("│ ", border)
        row.append_text(_fit(line, inner))
        row.append(" " * (inner - min(line.cell_len, inner)))
        row.append(" │", style=border)
        out.append(row)
    if closed:
        out.append(_styled("└" + "─" * (width - 2) + "┘", border))
    return out


def _nodes(ctx: _Context, width: int) -> list[Text]:
    """Node boxes side by side when the map is wide enough for two or more, else stacked.

    Side by side only while every pod name fits the boxes' name column with
    the labels beside it: an ingress controller's long name and labels read
    better in one full-width box than broken up in two narrow ones. Stacked,
    the column is the one that draws the pods in the fewest lines.
    """
    nodes = ctx.world.cluster.nodes
    names = {node.name for node in nodes}
    pods = [p for p in ctx.world.pods if p.node in names]  # others: see ``_unplaced``
    longest = max((len(p.namespace) + 1 + len(p.name) for p in pods), default=0)
    cols = max(1, min(len(nodes), width // MIN_BOX_WIDTH))
    while cols > 1 and longest > _widest_name_col(ctx, pods, (width - cols + 1) // cols - 4):
        cols -= 1
    box_width = (width - (cols - 1)) // cols if cols > 1 else width
    name_col = longest if cols > 1 else _name_col(ctx, pods, box_width - 4)
    ip_col = max((len(str(p.ip)) for p in pods), default=0)
    parts = [
        (node, *_node_body(ctx, node, [p for p in pods if p.node == node.name],
                           (name_col, ip_col), box_width))
        for node in nodes
    ]
    lines: list[Text] = []
    if cols == 1:
        for i, (node, title, body) in enumerate(parts):
            lines += _box(title, body, box_width, len(body) + 2,
                          ctx.marks.on_path(f"node/{node.name}"),
                          joined=i > 0, closed=i == len(parts) - 1)
        return lines
    for start in range(0, len(parts), cols):
        row = parts[start:start + cols]
        height = max(len(body) for _, _, body in row) + 2  # a row of boxes lines up
        boxes = [_box(title, body, box_width, height, ctx.marks.on_path(f"node/{node.name}"))
                 for node, title, body in row]
        lines += [Text(" ").join(box[i] for box in boxes) for i in range(height)]
    return lines


# ---------------------------------------------------------------------- services


def _port_text(port: SvcPort, selected: Sequence[PodInfo]) -> Text:
    """``name port→targetPort/proto``; a named targetPort shows what it resolves to in the
    selected pods (``http(8080)``, ``http(8080|9090)`` when they differ, ``http(?)`` when
    none declares it), which is exactly what a targetPort puzzle hides."""
    target: str
    if isinstance(port.target_port, int):
        target = str(port.target_port)
    else:
        # The same lookup kube-proxy's endpoints use (``PodInfo.named_port``).
        numbers = sorted({named.port for pod in selected
                          if (named := pod.named_port(port.target_port, port.protocol))})
        resolved = "|".join(str(n) for n in numbers) if numbers else ("?" if selected else "")
        target = f"{port.target_port}({resolved})" if resolved else port.target_port
    text = Text(f"{port.name} " if port.name else "")
    text.append(f"{port.port}→{target}/{port.protocol}")
    if port.node_port is not None:
        text.append(f" nodePort {port.node_port}")
    return text


def _service_lines(ctx: _Context, svc: ServiceInfo, width: int) -> list[Text]:
    marks = ctx.marks
    ref = svc.ref
    if svc.type == "ExternalName":
        address = _styled(f"→ {svc.external_name}", STYLE_ADDR)
    elif svc.headless:
        address = _styled("None (headless)", STYLE_ADDR)
    else:
        address = _styled(str(svc.cluster_ip), STYLE_ADDR)
    name = marks.name(f"{svc.namespace}/{svc.name}", ref)
    what = _join(Text(svc.type), address, marks.mark(ref))
    lines: list[Text] = []
    if name.cell_len + 1 + what.cell_len <= width:
        head = _join(name, what)
    else:  # a long name has a line of its own, so its mark and DROP stay whole
        lines += _break(name, width, 4)
        head = Text("    ")
        head.append_text(what)
    selected = ctx.selected(svc)
    chunks: list[Text | tuple[str, Text]] = [_port_text(p, selected) for p in svc.ports]
    if svc.generated_by is not None:
        chunks.insert(0, Text(f"exposes {svc.generated_by}"))
    if svc.type == "LoadBalancer":
        ips = ",".join(str(ip) for ip in svc.lb_ips)
        chunks.append(_styled(f"LB {ips}", STYLE_ADDR) if ips else
                      _styled("LB <pending>", STYLE_WARN))
    if svc.external_traffic_policy != "Cluster" and svc.type in ("NodePort", "LoadBalancer"):
        chunks.append(Text(f"externalTrafficPolicy {svc.external_traffic_policy}"))
    if svc.internal_traffic_policy != "Cluster":
        chunks.append(Text(f"internalTrafficPolicy {svc.internal_traffic_policy}"))
    ranges = [str(r) for r in svc.source_ranges]
    if ranges:
        chunks.append(Text(f"sourceRanges {ranges[0]}"))
        chunks += [(",", Text(r)) for r in ranges[1:]]
    if svc.publish_not_ready:
        chunks.append(Text("publishNotReadyAddresses"))
    if svc.type != "ExternalName":
        chunks += _endpoint_chunks(ctx, svc, selected)
    return lines + _flow(head, chunks, width, indent=4)


def _endpoint_chunks(ctx: _Context, svc: ServiceInfo,
                     selected: Sequence[PodInfo]) -> list[Text | tuple[str, Text]]:
    """Where the Service sends traffic: its selector (one chunk per label, so a long
    selector wraps rather than losing the label that does not match) and how many pods it
    picks, or the addresses of hand-written endpoints, which is what such a puzzle is about."""
    if svc.selector:
        not_ready = sum(1 for p in selected if not p.ready)
        count = f"→ {len(selected)} pod{'' if len(selected) == 1 else 's'}"
        if not_ready:
            count += f" ({not_ready} not ready)"
        texts = [_styled(f"{k}={v}", STYLE_LABEL) for k, v in sorted(svc.selector.items())]
        for text in texts[:-1]:
            text.append(",", style=STYLE_LABEL)
        # "sel a=b,c=d → 2 pods" is one group: on one line when it fits, else starting one
        # and continuing deeper ("a=b," then "c=d"), never losing a label.
        return [_styled("sel", STYLE_LABEL), (" ", texts[0]),
                *(("", text) for text in texts[1:]),
                (" ", _styled(count, STYLE_WARN if not selected or not_ready else STYLE_DIM))]
    manual = ctx.world.manual_endpoints.get(svc.key, [])
    if not manual:
        return [_styled("no selector, no endpoints", STYLE_WARN)]
    chunks: list[Text | tuple[str, Text]] = [_styled("no selector, manual endpoints:",
                                                     STYLE_DIM)]
    for i, ep in enumerate(manual):
        ports = ",".join(str(port) for _, port, _ in ep.ports)
        chunk = _styled(f"{ep.ip}:{ports}" if ports else str(ep.ip), STYLE_ADDR)
        if not ep.ready:
            chunk.append(" not ready", style=STYLE_WARN)
        if i < len(manual) - 1:
            chunk.append(",")
        chunks.append((" ", chunk))
    return chunks


def _rule(title: str, width: int) -> Text:
    text = _styled("─ ", STYLE_DIM)
    text.append(title, style=STYLE_NAME)
    text.append(" " + "─" * max(width - len(title) - 3, 0), style=STYLE_DIM)
    return _fit(text, width)


def _services(ctx: _Context, width: int) -> list[Text]:
    if not ctx.world.services:
        return []
    lines = [_rule("Services", width)]
    for svc in ctx.world.services:
        lines += _service_lines(ctx, svc, width)
    return lines


def _policies(ctx: _Context, width: int) -> list[Text]:
    marks = ctx.marks
    by_ns: dict[str, list[str]] = {}
    for placed in ctx.world.policies:
        by_ns.setdefault(placed.namespace, []).append(placed.name)
    head = _styled("NetworkPolicies:", STYLE_NAME)
    if not by_ns:
        return _flow(head, _words("none (every pod accepts and sends anything)", STYLE_DIM),
                     width, sep=" ", head_sep=" ")
    chunks: list[Text] = []
    for ns, names in by_ns.items():
        chunk = Text(f"{ns} {len(names)}")
        on_path = [n for n in names if marks.on_path(f"networkpolicy/{ns}/{n}")]
        for name in names:
            marks.placed.add(f"networkpolicy/{ns}/{name}")
        if on_path:
            chunk.append(" (")
            chunk.append_text(Text(", ").join(
                _join(marks.name(n, f"networkpolicy/{ns}/{n}"),
                      marks.mark(f"networkpolicy/{ns}/{n}"))
                for n in on_path))
            chunk.append(")")
        chunks.append(chunk)
    return _flow(head, chunks, width, sep=" · ", head_sep=" ")


def _unplaced(marks: PathMarks, width: int) -> list[Text]:
    """Objects on the path the map has no place for, so every hop number appears somewhere."""
    rest = sorted((numbers[0], ref) for ref, numbers in marks.numbers.items()
                  if ref not in marks.placed)
    if not rest:
        return []
    return _flow(_styled("also on the path:", STYLE_DIM),
                 [_join(ref, marks.mark(ref)) for _, ref in rest], width, sep=" · ",
                 head_sep=" ")


def render_map(world: World, trace: Trace | None, width: int, *,
               view: StateView | None = None) -> Text:
    """The whole map as text no line of which is wider than ``width`` cells.

    Reading order follows a request from outside in: the internet and what the
    cluster exposes to it, the ingress controller and Ingresses, one box per
    node with its routes and pods, the Services, then NetworkPolicies. Which pods
    a Service picks and which pods are an Ingress controller come from ``view``
    (the session's, built once per state), or from a topology built here.
    """
    limit = max(width, 0)
    width = max(width, 20)  # lay out at least this wide; the final cut still honours ``limit``
    if view is not None and view.level.world is world:
        ctx = _Context(world, PathMarks.of(trace), view.controller_pods, _hidden_labels(world),
                       view.selected_pods, view.gateway_map)
    else:
        topology = build_topology(world)
        ctx = _Context(world, PathMarks.of(trace), controller_pods(topology),
                       _hidden_labels(world), partial(selected_pods, topology),
                       gateway_map(topology.gateways))
    lines: list[Text] = []
    if trace is not None:
        lines += _legend(trace, width)
    lines += _edge(ctx, width)
    lines += _gateways(ctx, width)
    lines += _nodes(ctx, width)
    lines += _services(ctx, width)
    lines += _policies(ctx, width)
    lines += _unplaced(ctx.marks, width)
    text = Text("\n").join(_fit(line, limit) for line in lines)
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


class ClusterMap(Static):
    """The map widget: re-renders ``render_map`` on new state and when its width changes."""

    DEFAULT_CSS = """
    ClusterMap {
        width: 1fr;
        height: auto;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__("", name=name, id=id, classes=classes, markup=False)
        self._world: World | None = None
        self._view: StateView | None = None
        self._trace: Trace | None = None
        self._drawn_width = 0

    @property
    def world(self) -> World | None:
        return self._world

    @property
    def trace(self) -> Trace | None:
        return self._trace

    def show(self, world: World, trace: Trace | None, view: StateView | None = None) -> None:
        """Draw ``world`` with ``trace``'s path marked (None: no flow selected); ``view``
        is the session's view of that state, so nothing is worked out twice."""
        self._world = world
        self._view = view
        self._trace = trace
        self._redraw()

    def _map_width(self) -> int:
        width = self.content_region.width
        return width if width > 0 else FALLBACK_WIDTH

    def _redraw(self) -> None:
        if self._world is None:
            return
        self._drawn_width = self._map_width()
        self.update(render_map(self._world, self._trace, self._drawn_width, view=self._view))

    def action_choose_object(self, ref: str) -> None:
        """A click on an object's name (see ``PathMarks.name``) selects it, as the tree does."""
        self.post_message(ObjectChosen(ref))

    def on_resize(self, event: events.Resize) -> None:
        # A narrower or wider pane changes the layout (boxes stacked or side by side).
        if self._world is not None and self._map_width() != self._drawn_width:
            self._redraw()
