"""The cluster map shows every address a player needs and marks the selected flow's path.

The renderer is checked on the built-in campaign (every level, every flow) and
on small levels written here that put every feature in one place (LoadBalancer,
Ingress, host network, masquerade off, the labels Kubernetes adds to workload
pods). The widget is mounted in a tiny app to check that it redraws on ``show``
and on resize.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from rich.style import Style
from rich.text import Text
from textual.app import App, ComposeResult

from k8snet_tui.app.messages import ObjectChosen
from k8snet_tui.app.widgets.cluster_map import (
    NOISE_LABELS,
    ClusterMap,
    hop_number,
    render_map,
)
from k8snet_tui.engine.evaluate import evaluate_level
from k8snet_tui.engine.trace import Reason, Trace
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.model.load import LoadedLevel, load_level, load_level_text
from k8snet_tui.model.world import World

LEVELS = [lvl.path for lvl in load_pack(builtin_pack_path()).levels]
WIDTHS = (40, 76, 116, 160)
MARKS = r"((?:[①-⑳…]|\(\d+\))+)( ✗ DROP)?"
"""What follows an object's label on the map when it is on the path: hop numbers, maybe DROP."""


def _id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


def _level_by_id(level_id: str) -> LoadedLevel:
    for path in LEVELS:
        level = load_level(path)
        if level.spec.id == level_id:
            return level
    raise AssertionError(f"campaign level {level_id} not found in {LEVELS}")


def _label(world: World, ref: str) -> str | None:
    """The regex of the text the map draws for an object, just before its hop marks."""
    if ref == "internet":
        return r"(?m)^internet"
    if ref == "gateway":
        return rf"gateway {re.escape(str(world.cluster.gateway))}"
    kind, _, rest = ref.partition("/")
    if kind == "node":
        node = world.cluster.node(rest)
        assert node is not None
        return rf"[┌├] {re.escape(node.name)} {re.escape(str(node.ip))}"
    ns, _, name = rest.partition("/")
    if kind == "pod":
        pod = world.pod(ns, name)
        assert pod is not None
        return _pod_label(rest, str(pod.ip))
    if kind == "service":
        # a name too long to share its line has the type and address on the next one
        return rf"(?m)^{re.escape(rest)}(?: |\n    )\w+ (?:None \(headless\)|→ \S+|\S+)"
    if kind == "networkpolicy":
        return rf"NetworkPolicies:.*{re.escape(ns)} \d+ \((?:[^)]*, )?{re.escape(name)}"
    if kind == "ingress":
        return rf"Ingress {re.escape(rest)}"
    if kind == "gateway" and rest.count("/") == 2:  # a listener: gateway/NS/NAME/LISTENER
        return rf"listener {re.escape(rest.rsplit('/', 1)[1])}"
    if kind == "gateway":
        return rf"Gateway {re.escape(rest)}"
    if kind in ("httproute", "grpcroute"):
        return rf"(?:HTTP|GRPC)Route {re.escape(rest)}"
    return None


def _pod_label(name: str, ip: str) -> str:
    """A pod's name then its IP: on one line, or the IP starting the next line of the node box
    when the name is longer than the box's name column."""
    return rf"{re.escape(name)}(?: *│\n│)? +{re.escape(ip)}"


def _marks(plain: str, world: World, ref: str) -> tuple[str, bool] | None:
    """(hop numbers, dropped) drawn after the object, or None when it carries no mark."""
    label = _label(world, ref)
    assert label is not None, f"no place on the map for {ref}"
    found = re.search(label, plain)
    assert found is not None, f"{ref} is not drawn:\n{plain}"
    after = re.match(rf" {MARKS}", plain[found.end():])
    if after is None:
        return None
    return after.group(1), after.group(2) is not None


def _expected_marks(trace: Trace) -> dict[str, tuple[list[int], bool]]:
    out: dict[str, tuple[list[int], bool]] = {}
    for n, hop in enumerate(trace.hops, start=1):
        if hop.ref is None:
            continue
        numbers, dropped = out.get(hop.ref, ([], False))
        out[hop.ref] = ([*numbers, n], dropped or hop.verdict == "drop")
    return out


def _all_refs(world: World) -> list[str]:
    return ([f"node/{n.name}" for n in world.cluster.nodes] + [p.ref for p in world.pods]
            + [s.ref for s in world.services] + ["internet", "gateway"])


def _cases() -> list[tuple[Path, int | None]]:
    out: list[tuple[Path, int | None]] = []
    for path in LEVELS:
        traces = evaluate_level(load_level(path)).traces
        out += [(path, None), *((path, i) for i in range(len(traces)))]
    return out


CASES = _cases()


def _case_id(case: tuple[Path, int | None]) -> str:
    path, index = case
    return f"{_id(path)}-{'none' if index is None else f'flow{index}'}"


# ------------------------------------------------------------------ campaign levels


@pytest.mark.parametrize("case", CASES, ids=_case_id)
@pytest.mark.parametrize("width", WIDTHS)
def test_no_map_line_is_wider_than_the_width_it_was_given(case: tuple[Path, int | None],
                                                         width: int) -> None:
    path, index = case
    level = load_level(path)
    trace = None if index is None else evaluate_level(level).traces[index]
    text = render_map(level.world, trace, width)
    widths = [Text(line).cell_len for line in text.plain.splitlines()]
    assert max(widths) <= width
    assert text.no_wrap


@pytest.mark.parametrize("path", LEVELS, ids=_id)
@pytest.mark.parametrize("width", [76, 116])
def test_map_shows_every_node_pod_and_service_address(path: Path, width: int) -> None:
    world = load_level(path).world
    plain = render_map(world, None, width).plain
    for node in world.cluster.nodes:
        assert re.search(rf"[┌├] {re.escape(node.name)} {re.escape(str(node.ip))}", plain)
        assert f"pods {node.pod_cidr}" in plain
        assert ("public" if node.public else "private") in plain
    for pod in world.pods:
        assert re.search(_pod_label(f"{pod.namespace}/{pod.name}", str(pod.ip)), plain), pod
        for key, value in pod.labels.items():
            if key not in NOISE_LABELS:
                assert f"{key}={value}" in plain
    for svc in world.services:
        assert re.search(rf"(?m)^{svc.namespace}/{svc.name} {svc.type} ", plain), svc.ref
        if svc.cluster_ip is not None:
            assert str(svc.cluster_ip) in plain
        for port in svc.ports:
            assert f"{port.port}→" in plain
    assert "internet" in plain
    assert f"gateway {world.cluster.gateway}" in plain
    assert "DROP" not in plain  # no flow selected, nothing marked
    assert not re.search("[①-⑳]", plain)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] is not None], ids=_case_id)
@pytest.mark.parametrize("width", [76, 116])
def test_every_object_on_the_path_carries_its_hop_numbers_and_only_drops_say_drop(
        case: tuple[Path, int | None], width: int) -> None:
    path, index = case
    assert index is not None
    level = load_level(path)
    world = level.world
    trace = evaluate_level(level).traces[index]
    plain = render_map(world, trace, width).plain
    expected = _expected_marks(trace)
    for ref, (numbers, dropped) in expected.items():
        drawn = _marks(plain, world, ref)
        assert drawn is not None, f"{ref} is on the path but unmarked:\n{plain}"
        shown, said_drop = drawn
        if len(numbers) <= 4:
            assert shown == "".join(hop_number(n) for n in numbers)
        assert said_drop == dropped, ref
    for ref in _all_refs(world):
        if ref not in expected:
            assert _marks(plain, world, ref) is None, f"{ref} is marked but not on the path"
    body = plain.split("\n", 1)[1]  # the first line is the legend
    assert body.count("✗ DROP") == sum(1 for _, dropped in expected.values() if dropped)


@pytest.mark.parametrize("case", [c for c in CASES if c[1] is not None], ids=_case_id)
def test_legend_names_the_flow_and_where_it_dies(case: tuple[Path, int | None]) -> None:
    path, index = case
    assert index is not None
    level = load_level(path)
    trace = evaluate_level(level).traces[index]
    legend = render_map(level.world, trace, 160).plain.splitlines()[0]
    assert legend.startswith("path ")
    assert f"“{trace.name}”" in legend
    drop = trace.failing_hop
    if drop is None:
        assert "DROP" not in legend
    else:
        assert f"✗ DROP at {hop_number(trace.hops.index(drop) + 1)} {drop.where}" in legend


def test_one_way_route_marks_the_gateway_that_drops_the_reply() -> None:
    level = _level_by_id("return-route")
    world = level.world
    trace = next(t for t in evaluate_level(level).traces if t.reason == Reason.NO_RETURN_ROUTE)
    plain = render_map(world, trace, 76).plain
    drop = trace.failing_hop
    assert drop is not None
    assert drop.ref == "gateway"
    n = trace.hops.index(drop) + 1
    assert f"gateway {world.cluster.gateway} {hop_number(n)} ✗ DROP" in plain
    # node-b forwards the request in and the reply out: two numbers on one box
    node_b = _marks(plain, world, "node/node-b")
    assert node_b is not None
    assert len(node_b[0]) == 2
    assert not node_b[1]


def test_routes_mode_lists_each_nodes_routes_inside_its_box() -> None:
    world = _level_by_id("return-route").world
    lines = render_map(world, None, 76).plain.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("┌ node-a "))
    end = next(i for i in range(start + 1, len(lines)) if lines[i][:1] in "├└")
    box = "\n".join(lines[start:end])
    assert "10.244.1.0/24 via 192.168.0.12" in box
    assert "default via 192.168.0.1" in box
    assert "podNetwork routes" in "\n".join(lines[:start])


def test_nodes_sit_side_by_side_when_wide_and_stack_when_narrow() -> None:
    world = _level_by_id("return-route").world
    wide = render_map(world, None, 116).plain.splitlines()
    assert any("┌ node-a" in line and "┌ node-b" in line for line in wide)
    narrow = render_map(world, None, 76).plain.splitlines()
    assert not any("┌ node-a" in line and "┌ node-b" in line for line in narrow)
    # stacked boxes share a border: node-b's title line closes node-a's box
    assert any(line.startswith("├ node-b") for line in narrow)


MAP_BUDGET = 30
"""Lines at 76 columns for a campaign-sized level (see the test below for why)."""
INGRESS_MAP_BUDGET = 42
"""The same for a campaign-sized level with an ingress controller."""
GATEWAY_MAP_ALLOWANCE = 8
"""Lines a level's Gateways add on top: the Gateways section (a line per Gateway, listener
and attached Route, one per parentRef that attached nowhere) and each Gateway's proxy pod,
whose gateway-name label (47 characters, what a NetworkPolicy selects it by) takes a line of
its own; listener-certificate takes 37, proxy-netpol and ingress-migration (an ingress
controller and two Gateways) 46."""


@pytest.mark.parametrize("path", LEVELS, ids=_id)
def test_a_campaign_sized_level_fits_the_level_screen(path: Path) -> None:
    """Up to 3 nodes, 7 pods and 4 Services draw in at most 30 lines at 76 columns, whichever
    flow is selected; at most 42 when the level runs an ingress controller.

    Why 30: at 120×40 the level screen's map pane is 74 columns by 36 rows, so such a map
    is seen whole, legend included, without scrolling (at 80×24 the pane is 44×20 and
    scrolls anyway; there what matters is that nothing is cut, tested above). Measured on
    the 40-level campaign, most of these maps take 13–26 lines; the tallest, node-c-joins
    (three stacked nodes, each listing its routes), takes 30 with its longest legend.

    Why 42 with Ingress: every ingress-nginx controller pod has app.kubernetes.io/* labels
    of 36–38 characters and three named ports that share a line with little else, the
    Services that select it repeat those labels, and the IngressClass and the Ingress rules
    sit above the nodes; backend-ports (two controller replicas) takes 41. Such a map
    scrolls by a few lines at 120×40.
    """
    level = load_level(path)
    world = level.world
    if len(world.cluster.nodes) > 3 or len(world.pods) > 7 or len(world.services) > 4:
        pytest.skip("larger than a campaign level is meant to be; the map scrolls")
    budget = INGRESS_MAP_BUDGET if world.ingress_classes else MAP_BUDGET
    if world.gateways:
        budget += GATEWAY_MAP_ALLOWANCE
    for trace in [None, *evaluate_level(level).traces]:
        lines = render_map(world, trace, 76).plain.splitlines()
        assert len(lines) <= budget, "\n".join(lines)


_CUT = re.compile(r"(?<![①-⑳)])…")
"""An ellipsis that is not between hop numbers (``①②…⑨``): something was cut off."""


@pytest.mark.parametrize("path", LEVELS, ids=_id)
def test_nothing_below_the_legend_is_cut_off_even_at_the_narrowest_pane(path: Path) -> None:
    """44 columns is the map pane of the 80×24 level screen. Long names and labels wrap
    there (broken at ``/`` or ``-`` only when one is longer than the line), never end in
    "…"; only the legend's copy of the flow name, which the flow list shows whole, may."""
    level = load_level(path)
    for trace in [None, *evaluate_level(level).traces]:
        for width in (40, 44, 76, 116):
            lines = render_map(level.world, trace, width).plain.splitlines()
            start = next(i for i, line in enumerate(lines) if line.startswith("internet"))
            cut = [line for line in lines[start:] if _CUT.search(line)]
            assert not cut, f"cut at {width} columns: {cut}"


@pytest.mark.parametrize("path", LEVELS, ids=_id)
@pytest.mark.parametrize("width", [44, 76, 116])
def test_every_label_a_selector_uses_is_drawn_whole_on_the_pods(path: Path, width: int) -> None:
    """The label a puzzle turns on (slot=blue, app.kubernetes.io/component=controller) is
    drawn unbroken on every pod that has it, in the pod's box, at every pane width."""
    world = load_level(path).world
    plain = render_map(world, None, width).plain
    boxes = plain[plain.index("┌"):plain.rindex("┘")]
    # A Service a Gateway controller generated selects its own proxy: no puzzle turns on it.
    used = {k for svc in world.services if svc.generated_by is None for k in svc.selector or {}}
    for placed in world.policies:
        used.update(placed.obj.spec.podSelector.matchLabels)
    for pod in world.pods:
        for key, value in pod.labels.items():
            if key in used:
                assert f"{key}={value}" in boxes, (pod.ref, key)


def test_long_pod_name_keeps_its_line_and_the_address_starts_the_next() -> None:
    world = _level_by_id("ingress-backend-ports").world
    lines = render_map(world, None, 76).plain.splitlines()
    name = "ingress-nginx/ingress-nginx-controller-0"
    row = next(i for i, line in enumerate(lines) if f"│ {name} " in line)
    pod = world.pod("ingress-nginx", "ingress-nginx-controller-0")
    assert pod is not None
    below = lines[row + 1]
    assert below.lstrip("│ ").startswith(str(pod.ip))
    # the address lines up with the short-named pods' addresses in the same box
    short = next(line for line in lines if "│ shop/api-0 " in line)
    assert below.index(str(pod.ip)) == short.index("10.244.")


def test_hand_written_endpoints_are_listed_by_address() -> None:
    world = _level_by_id("hand-written-endpoints").world
    services = render_map(world, None, 76).plain.split("─ Services ", 1)[1]
    assert world.manual_endpoints
    for (ns, name), endpoints in world.manual_endpoints.items():
        block = services[services.index(f"{ns}/{name} "):]
        assert "no selector, manual endpoints:" in block
        for ep in endpoints:
            ports = ",".join(str(port) for _, port, _ in ep.ports)
            assert f"{ep.ip}:{ports}" in block


def test_drop_is_marked_by_text_style_not_colour_alone() -> None:
    level = _level_by_id("return-route")
    trace = next(t for t in evaluate_level(level).traces if t.failing_hop is not None)
    text = render_map(level.world, trace, 76)
    start = text.plain.index("✗ DROP", text.plain.index("\n"))
    styles = [Style.parse(str(span.style)) for span in text.spans
              if span.start <= start < span.end]
    assert any(style.reverse and style.bold for style in styles)


def test_tiny_width_is_still_respected() -> None:
    world = _level_by_id("return-route").world
    text = render_map(world, None, 12)
    assert all(Text(line).cell_len <= 12 for line in text.plain.splitlines())


# ------------------------------------------------------- features beyond the campaign

EDGE_LEVEL = """\
format: k8snet/v1
id: map-edge
cluster:
  podNetwork: routes
  loadBalancerProvider: {provider}
  nodes:
    - name: node-a
      public: true
    - name: node-b
      masquerade: false
      routes: [{{to: 10.244.0.0/24, via: 192.168.0.11}}, {{to: default, via: 192.168.0.1}}]
    - name: node-c
      routes: []
resources:
  - apiVersion: networking.k8s.io/v1
    kind: IngressClass
    metadata:
      name: nginx
      annotations: {{ingressclass.kubernetes.io/is-default-class: "true"}}
    spec: {{controller: k8s.io/ingress-nginx}}
  - apiVersion: v1
    kind: Pod
    metadata: {{name: controller, namespace: ingress-nginx, labels: {{app: ingress}}}}
    spec:
      nodeName: node-a
      containers:
        - name: c
          image: registry.k8s.io/ingress-nginx/controller
          args: ["--controller-class=k8s.io/ingress-nginx"]
          ports: [{{containerPort: 80, name: http}}]
  - apiVersion: v1
    kind: Service
    metadata: {{name: ingress-nginx, namespace: ingress-nginx}}
    spec:
      type: LoadBalancer
      selector: {{app: ingress}}
      ports: [{{name: http, port: 80, targetPort: http}}]
  - apiVersion: v1
    kind: Pod
    metadata: {{name: web, namespace: shop, labels: {{app: web}}}}
    spec:
      nodeName: node-b
      containers: [{{name: web, image: nginx, ports: [{{containerPort: 8080, name: http}}]}}]
  - apiVersion: v1
    kind: Pod
    metadata: {{name: agent, namespace: kube-system, labels: {{app: agent}}}}
    spec:
      nodeName: node-c
      hostNetwork: true
      containers: [{{name: a, image: agent, ports: [{{containerPort: 9100}}]}}]
  - apiVersion: v1
    kind: Pod
    metadata: {{name: db, namespace: shop, labels: {{app: db}}}}
    spec:
      nodeName: node-c
      containers: [{{name: db, image: postgres, ports: [{{containerPort: 5432}}]}}]
    status: {{conditions: [{{type: Ready, status: "False"}}]}}
  - apiVersion: v1
    kind: Service
    metadata: {{name: web, namespace: shop}}
    spec:
      type: NodePort
      externalTrafficPolicy: Local
      selector: {{app: web}}
      ports: [{{port: 80, targetPort: http, nodePort: 30080}}]
  - apiVersion: v1
    kind: Service
    metadata: {{name: db, namespace: shop}}
    spec:
      clusterIP: None
      publishNotReadyAddresses: true
      selector: {{app: db}}
      ports: [{{port: 5432}}]
  - apiVersion: v1
    kind: Service
    metadata: {{name: payments, namespace: shop}}
    spec: {{type: ExternalName, externalName: api.payments.example}}
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {{name: shop, namespace: shop}}
    spec:
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /
                pathType: Prefix
                backend: {{service: {{name: web, port: {{number: 80}}}}}}
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {{name: db-deny, namespace: shop}}
    spec: {{podSelector: {{matchLabels: {{app: db}}}}, policyTypes: [Ingress]}}
flows:
  - {{name: shoppers, from: internet, to: "http://shop.example.com/", expect: allow}}
  - {{name: web to db, from: pod/shop/web, to: "pod/shop/db:5432", expect: allow}}
  - {{name: web out, from: pod/shop/web, to: "internet:443", expect: allow}}
"""


def _edge_level(provider: bool = False) -> LoadedLevel:
    return load_level_text(EDGE_LEVEL.format(provider=str(provider).lower()))


def test_edge_shows_pending_load_balancer_nodeports_and_public_nodes() -> None:
    plain = render_map(_edge_level().world, None, 76).plain
    head = plain.split("┌", 1)[0]
    assert "LB ingress-nginx/ingress-nginx <pending>" in head
    assert "NodePort 30080→shop/web" in head
    assert "public nodes: node-a" in head
    assert "LB <pending>" in plain.split("Services", 1)[1]


def test_load_balancer_ip_replaces_pending_with_a_provider() -> None:
    plain = render_map(_edge_level(provider=True).world, None, 76).plain
    assert "<pending>" not in plain
    assert "LB ingress-nginx/ingress-nginx 192.0.2.10" in plain


def test_ingress_controller_and_rules_are_drawn() -> None:
    plain = render_map(_edge_level().world, None, 76).plain
    assert "ingress controller nginx (default): ingress-nginx/controller" in plain
    assert "Ingress shop/shop" in plain
    assert "shop.example.com/ Prefix→web:80" in plain
    assert re.search(r"ingress-nginx/controller +10\.244\.0\.2 +ingress controller \(nginx\)",
                     plain)


def test_node_details_host_network_readiness_and_service_kinds() -> None:
    plain = render_map(_edge_level().world, None, 76).plain
    assert re.search(r"├ node-b 192\.168\.0\.12 .*masquerade off", plain)
    assert "routes: none (only the node network; no default route)" in plain
    assert re.search(r"kube-system/agent +192\.168\.0\.13 +hostNetwork", plain)
    assert re.search(r"shop/db +10\.244\.2\.2 +NOT READY", plain)
    assert "shop/db ClusterIP None (headless)" in plain
    assert "publishNotReadyAddresses" in plain
    assert "→ 1 pod (1 not ready)" in plain
    assert "shop/payments ExternalName → api.payments.example" in plain
    assert "80→http(8080)/TCP nodePort 30080" in plain
    assert "externalTrafficPolicy Local" in plain
    assert "NetworkPolicies: shop 1" in plain


NOISE_LEVEL = """\
format: k8snet/v1
id: map-noise
cluster:
  nodes:
    - name: node-1
flows:
  - {name: web answers, from: "pod/shop/web-5d9c7b8f4-k2xqz", to: "pod/shop/web-5d9c7b8f4-k2xqz:80",
     expect: allow}
resources:
  - apiVersion: v1
    kind: Pod
    metadata:
      name: web-5d9c7b8f4-k2xqz
      namespace: shop
      labels:
        app: web
        pod-template-hash: 5d9c7b8f4
        controller-revision-hash: web-7c9f
        statefulset.kubernetes.io/pod-name: web-0
        apps.kubernetes.io/pod-index: "0"
    spec:
      nodeName: node-1
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 80
"""

SELECTING_NOISE = {
    "service selector": """\
  - apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: shop}
    spec:
      selector: {app: web, pod-template-hash: 5d9c7b8f4}
      ports: [{port: 80}]
""",
    "policy podSelector": """\
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: one, namespace: shop}
    spec:
      podSelector: {matchLabels: {pod-template-hash: 5d9c7b8f4}}
""",
    "policy peer matchExpressions": """\
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: one, namespace: shop}
    spec:
      podSelector: {}
      ingress:
        - from:
            - podSelector:
                matchExpressions: [{key: pod-template-hash, operator: Exists}]
""",
}


def test_labels_kubernetes_adds_to_workload_pods_are_hidden() -> None:
    plain = render_map(load_level_text(NOISE_LEVEL).world, None, 76).plain
    assert "app=web" in plain
    for key in NOISE_LABELS:
        assert key not in plain


@pytest.mark.parametrize("where", SELECTING_NOISE)
def test_a_hidden_label_is_shown_once_a_selector_uses_it(where: str) -> None:
    """pod-template-hash in a selector is the clue (a Service pinned to one ReplicaSet)."""
    plain = render_map(load_level_text(NOISE_LEVEL + SELECTING_NOISE[where]).world,
                       None, 76).plain
    boxes = plain[plain.index("┌"):plain.rindex("┘")]
    assert "pod-template-hash=5d9c7b8f4" in boxes
    assert "controller-revision-hash" not in plain  # only the key a selector uses


def test_policy_that_drops_is_named_with_its_hop_and_drop() -> None:
    level = _level_by_id("default-deny-dns")
    trace = next(t for t in evaluate_level(level).traces
                 if t.failing_hop is not None and t.failing_hop.ref
                 and t.failing_hop.ref.startswith("networkpolicy/"))
    assert trace.failing_hop is not None
    n = trace.hops.index(trace.failing_hop) + 1
    name = trace.failing_hop.ref.rsplit("/", 1)[1] if trace.failing_hop.ref else ""
    plain = render_map(level.world, trace, 76).plain
    assert f"{name} {hop_number(n)} ✗ DROP" in plain


def test_unmasqueraded_node_is_the_drop_of_an_egress_flow() -> None:
    level = _edge_level()
    trace = next(t for t in evaluate_level(level).traces if t.name == "web out")
    assert trace.reason == Reason.NO_SNAT
    drawn = _marks(render_map(level.world, trace, 76).plain, level.world, "node/node-b")
    assert drawn is not None
    assert drawn[1]


# ---------------------------------------------------------------------------- widget


class MapApp(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.chosen: list[str] = []

    def compose(self) -> ComposeResult:
        yield ClusterMap(id="map")

    def on_object_chosen(self, message: ObjectChosen) -> None:
        self.chosen.append(message.ref)


def _shown(cmap: ClusterMap) -> str:
    content = cmap.content
    assert isinstance(content, Text)
    return content.plain


def test_widget_redraws_on_show_and_on_resize() -> None:
    # No async test plugin is installed: drive the app's event loop directly.
    asyncio.run(_widget_redraws_on_show_and_on_resize())


async def _widget_redraws_on_show_and_on_resize() -> None:
    level = _level_by_id("return-route")
    trace = next(t for t in evaluate_level(level).traces if t.failing_hop is not None)
    app = MapApp()
    async with app.run_test(size=(120, 40)) as pilot:
        cmap = app.query_one(ClusterMap)
        assert cmap.content == ""
        cmap.show(level.world, None)
        await pilot.pause()
        plain = _shown(cmap)
        assert "┌ node-a" in plain
        assert "DROP" not in plain
        width = cmap.content_region.width
        assert width == 120
        assert any("┌ node-a" in line and "┌ node-b" in line for line in plain.splitlines())

        cmap.show(level.world, trace)
        await pilot.pause()
        plain = _shown(cmap)
        assert cmap.trace is trace
        assert "✗ DROP" in plain
        assert plain.splitlines()[0].startswith("path ")

        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert cmap.content_region.width == 80
        plain = _shown(cmap)
        assert all(Text(line).cell_len <= 80 for line in plain.splitlines())
        assert not any("┌ node-a" in line and "node-b" in line for line in plain.splitlines())
        assert any(line.startswith("├ node-b") for line in plain.splitlines())
        assert "✗ DROP" in plain


def test_clicking_an_object_on_the_map_chooses_it() -> None:
    asyncio.run(_clicking_an_object_on_the_map_chooses_it())


async def _clicking_an_object_on_the_map_chooses_it() -> None:
    level = _level_by_id("return-route")
    app = MapApp()
    async with app.run_test(size=(120, 40)) as pilot:
        cmap = app.query_one(ClusterMap)
        cmap.show(level.world, None)
        await pilot.pause()
        lines = _shown(cmap).splitlines()
        for ref, label in (("pod/shop/api", r"shop/api +10\.244\.1\.2"), ("node/node-a", "node-a")):
            row, found = next((i, m) for i, line in enumerate(lines)
                              if (m := re.search(label, line)) is not None)
            await pilot.click(ClusterMap, offset=(found.start() + 1, row))
            await pilot.pause()
            assert app.chosen[-1] == ref
        row = next(i for i, line in enumerate(lines) if line.startswith("internet"))
        await pilot.click(ClusterMap, offset=(2, row))  # not an object: nothing chosen
        await pilot.pause()
        assert len(app.chosen) == 2
