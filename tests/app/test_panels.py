"""The side panels of the level screen: flow checklist, trace view and object tree.

Each widget is mounted alone in a tiny App, fed real levels from ``levels/``
and real traces from the engine, and driven by keys and clicks the way a
player would. Assertions read the posted messages and the rendered text (which
must say everything in words, since colour may be off).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget

from k8snet_tui.app.messages import FlowChosen, ObjectChosen
from k8snet_tui.app.widgets.flow_list import FlowList
from k8snet_tui.app.widgets.object_tree import ObjectTree
from k8snet_tui.app.widgets.trace_view import TraceView, hop_text
from k8snet_tui.engine.evaluate import Engine, evaluate_level
from k8snet_tui.engine.trace import REASON_DOCS, Reason, Trace, Verdict
from k8snet_tui.game.session import Session
from k8snet_tui.model.edits import AddRouteEdit, SetEdit
from k8snet_tui.model.load import LoadedLevel, load_level

LEVELS = Path(__file__).resolve().parents[2] / "levels"
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)


def level(name: str) -> LoadedLevel:
    return load_level(LEVELS / name)


def traces(name: str) -> list[Trace]:
    return evaluate_level(level(name)).traces


def trace_named(name: str, flow: str) -> Trace:
    return next(t for t in traces(name) if t.name == flow)


class PanelApp(App[None]):
    """Mounts one widget and records the game messages that bubble out of it."""

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget
        self.chosen: list[Message] = []

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_flow_chosen(self, message: FlowChosen) -> None:
        self.chosen.append(message)

    def on_object_chosen(self, message: ObjectChosen) -> None:
        self.chosen.append(message)


def run(app: PanelApp, body: Callable[[Pilot[None]], Awaitable[None]]) -> None:
    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await body(pilot)

    asyncio.run(main())


def rendered(widget: Widget) -> str:
    """The widget's on-screen text, one line per row, trailing blanks trimmed."""
    region = Region(0, 0, widget.outer_size.width, widget.outer_size.height)
    return "\n".join(strip.text.rstrip() for strip in widget.render_lines(region))


def flat(widget: Widget) -> str:
    """The rendered text with borders dropped and wrapped lines joined, for sentences."""
    return " ".join(line.strip(" ▊▎") for line in rendered(widget).splitlines()).strip()


def flow_indexes(app: PanelApp) -> list[int]:
    return [m.index for m in app.chosen if isinstance(m, FlowChosen)]


def object_refs(app: PanelApp) -> list[str]:
    return [m.ref for m in app.chosen if isinstance(m, ObjectChosen)]


# ------------------------------------------------------------------ flow list

PORT_CONFLICT = "01-pods/01-port-conflict.yaml"
RETURN_ROUTE = "02-nodes/02-return-route.yaml"
TARGET_PORT = "03-services/01-targetport-by-name.yaml"
SELECTOR_TYPO = "03-services/02-selector-typo.yaml"
DNS_DENY = "07-egress/03-dns-default-deny.yaml"


def test_flow_lines_start_with_a_fixed_width_status_word_then_the_flow_name() -> None:
    flows = traces(TARGET_PORT)
    assert [t.verdict for t in flows][:2] == [Verdict.PARTIAL, Verdict.ALLOW]
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows, 0)
        await pilot.pause()
        text = rendered(flow_list)
        assert f"◐ PART  {flows[0].name}" in text
        assert f"✓ ok    {flows[1].name}" in text
        assert "(1 of 2 paths reached: TARGET_PORT_MISMATCH)" in flat(flow_list)

    run(app, body)


def test_a_blocked_flow_that_should_pass_names_its_reason_code() -> None:
    flows = traces(RETURN_ROUTE)
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows, 0)
        await pilot.pause()
        assert f"✗ FAIL  {flows[0].name}  (NO_RETURN_ROUTE)" in rendered(flow_list)

    run(app, body)


def test_a_flow_that_should_be_blocked_but_passes_says_expected_deny_got_allow() -> None:
    # The real engine on a flow that gets through, with the author expecting a block.
    lv = level(RETURN_ROUTE)
    leak = Engine(lv.world).trace("pod/shop/api", "internet:443", expect="deny",
                                  name="the api must not call out")
    assert leak.verdict is Verdict.ALLOW
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show([leak], 0)
        await pilot.pause()
        assert "✗ FAIL  the api must not call out  (expected deny, got allow)" in (
            rendered(flow_list))

    run(app, body)


def test_in_a_narrow_scrolling_panel_no_wrapped_reason_is_cut_off() -> None:
    """The side panel is ~30 columns: names wrap and the list scrolls. The reason note is
    the last wrapped line, the first one lost if the list measured without its scrollbar."""
    flows = traces(SELECTOR_TYPO)
    failing = [t for t in flows if not t.ok]
    assert failing
    flow_list = FlowList()

    class NarrowApp(PanelApp):
        CSS = "FlowList { width: 33; height: 8; }"

    app = NarrowApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows[:1], 0)  # fits: no scrollbar yet
        await pilot.pause()
        flow_list.show(flows, 0)  # now it scrolls
        await pilot.pause()
        assert flow_list.max_scroll_y > 0
        flow_list.focus()
        for index, trace in enumerate(flows):
            if index:
                await pilot.press("down")
            if not trace.ok:
                assert trace.reason is not None
                assert f"({trace.reason.value})" in flat(flow_list), trace.name

    run(app, body)


def test_moving_the_highlight_or_pressing_enter_posts_flow_chosen() -> None:
    flows = traces(PORT_CONFLICT)
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows, 0)
        flow_list.focus()
        await pilot.press("down")
        await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        assert flow_indexes(app) == [1, 2, 2]
        assert flow_list.highlighted == 2

    run(app, body)


def test_clicking_a_flow_chooses_it() -> None:
    flows = traces(PORT_CONFLICT)
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows, 0)
        await pilot.pause()
        row = next(y for y, line in enumerate(rendered(flow_list).splitlines())
                   if flows[3].name in line)
        await pilot.click(FlowList, offset=(10, row))
        await pilot.pause()
        assert 3 in flow_indexes(app)
        assert flow_list.highlighted == 3

    run(app, body)


def test_show_keeps_the_highlight_and_posts_nothing() -> None:
    """The screen answers FlowChosen by calling show(); a message from show() would loop."""
    session = Session(level(SELECTOR_TYPO))
    flow_list = FlowList()
    app = PanelApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(session.result.traces, 0)
        flow_list.focus()
        await pilot.press("down")
        await pilot.pause()
        assert flow_indexes(app) == [1]
        before = rendered(flow_list)
        assert "✗ FAIL  checkout reaches the cart from its own namespace" in before
        # The level's solution fixes the selector: verdicts change, the highlight stays.
        result = session.apply(SetEdit(ref="service/shop/cart", path="spec.selector",
                                       value={"app": "cart", "component": "api"}))
        flow_list.show(result.traces, 1)
        await pilot.pause()
        assert flow_list.highlighted == 1
        assert "✓ ok    checkout reaches the cart from its own namespace" in (
            rendered(flow_list))
        # A selected index past the end is clamped; a shorter list is rebuilt.
        flow_list.show(result.traces[:2], 7)
        await pilot.pause()
        assert flow_list.highlighted == 1
        assert flow_list.option_count == 2
        assert flow_indexes(app) == [1]

    run(app, body)


def test_a_screen_that_answers_flow_chosen_with_show_gets_one_message_per_key() -> None:
    flows = traces(DNS_DENY)
    flow_list = FlowList()

    class EchoApp(PanelApp):
        # Textual also runs PanelApp's handler (it records the message).
        def on_flow_chosen(self, message: FlowChosen) -> None:
            flow_list.show(flows, message.index)

    app = EchoApp(flow_list)

    async def body(pilot: Pilot[None]) -> None:
        flow_list.show(flows, 0)
        flow_list.focus()
        await pilot.press("down", "down", "up")
        await pilot.pause()
        assert flow_indexes(app) == [1, 2, 1]

    run(app, body)


# ----------------------------------------------------------------- trace view


def test_trace_header_says_expectation_reason_and_where_to_look() -> None:
    trace = traces(RETURN_ROUTE)[0]
    assert trace.reason is Reason.NO_RETURN_ROUTE
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(trace)
        await pilot.pause()
        text = rendered(view.body)
        assert trace.name in text.splitlines()[0]
        assert "expected allow · got deny ✗" in text
        doc_start = REASON_DOCS[Reason.NO_RETURN_ROUTE].split(" but ")[0]
        assert f"NO_RETURN_ROUTE — {doc_start}" in text
        assert "Look at: node/node-b routes" in text

    run(app, body)


def test_hops_are_numbered_and_the_dropping_hop_says_drop() -> None:
    trace = traces(RETURN_ROUTE)[0]
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(trace)
        await pilot.pause()
        lines = rendered(view.body).splitlines()
        assert any(line.strip().startswith("1 ✓ pod shop/web — web (10.244.0.2")
                   for line in lines)
        assert any(line.strip().startswith("6 ✗ DROP gateway — reply:") for line in lines)
        assert sum("✗ DROP" in line for line in lines) == 1

    run(app, body)


def test_the_drop_marker_is_styled_beyond_colour() -> None:
    drop = traces(RETURN_ROUTE)[0].hops[-1]
    assert drop.verdict == "drop"
    text = hop_text(drop)
    marker = [s for s in text.spans if text.plain[s.start:s.end] == "✗ DROP"]
    assert marker
    assert "reverse" in str(marker[0].style)


def test_nat_hops_show_the_packet_before_and_after_the_rewrite() -> None:
    dnat = trace_named(PORT_CONFLICT, "the frontend reaches the shop through its Service")
    snat = trace_named(RETURN_ROUTE, "the api still reaches the payment provider")
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(dnat)
        await pilot.pause()
        text = rendered(view.body)
        assert "2 ✓ kube-proxy on node-1 — DNAT 10.96.0.100:80" in text
        assert "packet: 10.244.0.3 → 10.96.0.100:80/TCP" in text
        assert "after DNAT: 10.244.0.3 → 10.244.0.2:8080/TCP" in text
        view.show(snat)
        await pilot.pause()
        text = rendered(view.body)
        assert "packet: 10.244.1.2 → 198.51.100.10:443/TCP" in text
        assert "after SNAT: 192.168.0.12 → 198.51.100.10:443/TCP" in text
        assert "expected allow · got allow ✓" in text
        assert "Look at:" not in text

    run(app, body)


def test_a_partial_flow_lists_which_paths_arrive_and_which_fail() -> None:
    trace = traces(TARGET_PORT)[0]
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(trace)
        await pilot.pause()
        text = rendered(view.body)
        assert "expected allow · got partial ◐" in text
        assert "Paths: 1 of 2 reached, 1 failed" in text
        assert "✓ reached  pod shop/web-0 → api-v1-0 10.244.0.2:8080" in text
        assert "✗ failed   pod shop/web-0 → api-v2-0 10.244.0.3:8080 — TARGET_PORT_MISMATCH" in (
            text)
        assert "Look at: service/shop/api spec.ports[0].targetPort" in text

    run(app, body)


def test_engine_assumptions_are_stated() -> None:
    lv = level(SELECTOR_TYPO)
    trace = Engine(lv.world).trace("node/node-1", "cart.shop:80")
    assert trace.assumptions
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(trace)
        await pilot.pause()
        text = " ".join(rendered(view.body).split())
        assert f"The engine assumed: {trace.assumptions[0]}" in text

    run(app, body)


def test_a_flow_blocked_as_intended_names_the_blocker_without_inviting_an_edit() -> None:
    trace = trace_named(DNS_DENY, "nothing in shop calls out to the internet")
    assert trace.ok
    assert trace.blame is not None
    view = TraceView()
    app = PanelApp(view)

    async def body(pilot: Pilot[None]) -> None:
        view.show(trace)
        await pilot.pause()
        text = rendered(view.body)
        assert "expected deny · got deny ✓" in text
        assert "Blocked by: networkpolicy/shop/default-deny spec.egress" in text
        assert "Look at:" not in text
        view.show(None)
        await pilot.pause()
        assert "Select a flow to see its trace." in rendered(view.body)

    run(app, body)


# ---------------------------------------------------------------- object tree


def lines_of(tree: ObjectTree) -> list[str]:
    return rendered(tree).splitlines()


def test_tree_shows_nodes_with_routes_and_marks_editable_and_locked_in_words() -> None:
    session = Session(level(RETURN_ROUTE))
    tree = ObjectTree("Cluster")
    app = PanelApp(tree)

    async def body(pilot: Pilot[None]) -> None:
        tree.show(session.level, session.editable)
        await pilot.pause()
        text = rendered(tree)
        assert "Nodes (2)" in text
        assert "✎ node-a editable: routes · 192.168.0.11 · pods 10.244.0.0/24" in text
        assert "route 10.244.1.0/24 via 192.168.0.12 · routes[0]" in text
        assert "🔒 web locked · 10.244.0.2 on node-a" in text
        for label in (tree.node_for_key(k) for k in ("pod/shop/web", "node/node-b")):
            assert label is not None
        object_lines = [line for line in text.splitlines() if "✎" in line or "🔒" in line]
        assert object_lines
        assert all("editable" in line or "locked" in line for line in object_lines)

    run(app, body)


def test_pressing_enter_on_an_object_posts_object_chosen() -> None:
    session = Session(level(RETURN_ROUTE))
    tree = ObjectTree("Cluster")
    app = PanelApp(tree)

    async def body(pilot: Pilot[None]) -> None:
        tree.show(session.level, session.editable)
        tree.focus()
        await pilot.pause()
        assert tree.cursor_line == 0
        target = tree.node_for_key("pod/shop/cache")
        assert target is not None
        await pilot.press(*["down"] * target.line, "enter")
        await pilot.pause()
        assert object_refs(app) == ["pod/shop/cache"]
        # A route line chooses its node: that is where routes are edited.
        node_a = tree.node_for_key("node/node-a")
        assert node_a is not None
        tree.move_cursor(node_a.children[0])
        await pilot.press("enter")
        await pilot.pause()
        assert object_refs(app) == ["pod/shop/cache", "node/node-a"]
        # A heading only folds.
        tree.move_cursor(tree.node_for_key("namespaces"))
        await pilot.press("enter")
        await pilot.pause()
        assert object_refs(app) == ["pod/shop/cache", "node/node-a"]
        namespaces = tree.node_for_key("namespaces")
        assert namespaces is not None
        assert not namespaces.is_expanded

    run(app, body)


def test_clicking_a_pod_made_by_a_deployment_chooses_the_deployment() -> None:
    session = Session(level(PORT_CONFLICT))
    tree = ObjectTree("Cluster")
    app = PanelApp(tree)

    async def body(pilot: Pilot[None]) -> None:
        tree.show(session.level, session.editable)
        await pilot.pause()
        row = next(y for y, line in enumerate(lines_of(tree)) if "web-0" in line)
        assert "✎ web-0 editable: spec.template.spec.containers" in lines_of(tree)[row]
        pod = tree.node_for_key("pod/shop/web-0")
        assert pod is not None
        assert str(pod.label).endswith("from deployment/shop/web")
        await pilot.click(ObjectTree, offset=(lines_of(tree)[row].index("web-0"), row))
        await pilot.pause()
        assert object_refs(app) == ["deployment/shop/web"]

    run(app, body)


def test_show_keeps_what_the_player_folded_and_where_the_cursor_was() -> None:
    session = Session(level(RETURN_ROUTE))
    tree = ObjectTree("Cluster")
    app = PanelApp(tree)

    async def body(pilot: Pilot[None]) -> None:
        tree.show(session.level, session.editable)
        tree.focus()
        await pilot.pause()
        node_b = tree.node_for_key("node/node-b")
        assert node_b is not None
        assert node_b.is_expanded  # editable nodes open on their routes
        tree.move_cursor(node_b)
        await pilot.press("space")  # fold node-b's routes
        pods = tree.node_for_key("ns/shop/Pods")
        assert pods is not None
        tree.move_cursor(pods)
        await pilot.press("space")  # fold the pods
        tree.move_cursor(node_b)
        await pilot.pause()
        # The level's solution adds a route to node-b; the tree is rebuilt from it.
        session.apply(AddRouteEdit(ref="node/node-b", to="10.244.0.0/24", via="192.168.0.11"))
        tree.show(session.level, session.editable)
        await pilot.pause()
        node_b = tree.node_for_key("node/node-b")
        pods = tree.node_for_key("ns/shop/Pods")
        assert node_b is not None
        assert pods is not None
        assert not node_b.is_expanded
        assert not pods.is_expanded
        assert tree.cursor_node is node_b
        node_b.expand()
        await pilot.pause()
        assert "route 10.244.0.0/24 via 192.168.0.11 · routes[1]" in rendered(tree)
        await pilot.press("enter")
        await pilot.pause()
        assert object_refs(app) == ["node/node-b"]
        assert node_b.is_expanded  # choosing a node does not fold its routes away

    run(app, body)
