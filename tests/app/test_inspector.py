"""The inspector: summary, quick actions and the YAML editor of the selected object.

The widget is mounted alone in a tiny App that plays the level screen's part:
it owns a ``Session``, applies the ``EditRequested`` messages that bubble out,
reports refusals back with ``show_error`` and pushes new state with ``show``.
Tests drive it with keys and clicks and assert on the edits posted and on the
session, not only on text.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

import pytest
from textual.app import App, ComposeResult
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList, Static, TabbedContent, TextArea

from k8snet_tui.app.messages import EditRequested
from k8snet_tui.app.screens.prompt import PromptScreen
from k8snet_tui.app.widgets.inspector import NO_SELECTION, Inspector
from k8snet_tui.game.edits import EditError, find_object
from k8snet_tui.game.inputs import InputError, dump_yaml, parse_manifest
from k8snet_tui.game.session import Session
from k8snet_tui.game.summary import summarize
from k8snet_tui.game.view import StateView
from k8snet_tui.model.edits import AnyEdit, RemoveRouteEdit, ReplaceEdit, SetEdit
from k8snet_tui.model.load import LoadedLevel, load_level_text

SIZE = (100, 34)
P = ParamSpec("P")

LEVEL = """\
format: k8snet/v1
id: inspector-sample
cluster:
  nodes:
    - name: node-a
    - name: node-b
resources:
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 1
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              ports: [{name: http, containerPort: 8080}]
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: web}
      ports: [{name: http, port: 80, targetPort: 8080}]
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-all, namespace: shop}
    spec: {podSelector: {}, policyTypes: [Ingress]}
flows:
  - {from: deployment/shop/web, to: "service/shop/api:80", expect: allow}
puzzle:
  editable:
    - {ref: service/shop/api, fields: [spec.selector, spec.ports]}
    - node/node-b
    - networkpolicy/shop/deny-all
  create: [NetworkPolicy]
  delete: [NetworkPolicy]
"""


@pytest.fixture(autouse=True)
def _deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)


def sync(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async Pilot test under plain pytest (no asyncio plugin in this project)."""
    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))
    return run


def level() -> LoadedLevel:
    return load_level_text(LEVEL)


class InspectorApp(App[None]):
    """Plays the level screen: applies posted edits to a session and reports back."""

    def __init__(self, ref: str | None, *, apply: bool = False) -> None:
        super().__init__()
        self.session = Session(level())
        self.ref = ref
        self.apply = apply
        self.edits: list[AnyEdit] = []

    def compose(self) -> ComposeResult:
        yield Inspector()

    def on_mount(self) -> None:
        self.push_state()
        self.query_one(TextArea).cursor_blink = False

    def push_state(self) -> None:
        s = self.session
        editable = s.editable(self.ref) if self.ref else None
        self.query_one(Inspector).show(s.view, self.ref, editable, s.original)

    def on_edit_requested(self, message: EditRequested) -> None:
        self.edits.append(message.edit)
        if not self.apply:
            return
        try:
            self.session.apply(message.edit)
        except EditError as exc:
            self.query_one(Inspector).show_error(exc.reason)
            return
        self.push_state()


def text_of(node: DOMNode, selector: str) -> str:
    return str(node.query_one(selector, Static).content)


def visible(app: App[Any], selector: str) -> bool:
    return bool(app.query_one(selector).display)


async def focus_actions(pilot: Pilot[None]) -> OptionList:
    """Reach the quick-action list with tab, as a keyboard player would."""
    options = pilot.app.query_one("#inspector-actions", OptionList)
    for _ in range(6):
        if pilot.app.focused is options:
            return options
        await pilot.press("tab")
    raise AssertionError(f"tab never reached the quick actions (focus: {pilot.app.focused})")


async def choose(pilot: Pilot[None], action_id: str) -> None:
    """Highlight the quick action ``action_id`` with the arrow keys and press enter."""
    options = await focus_actions(pilot)
    ids = [a.id for a in pilot.app.query_one(Inspector).actions]
    await pilot.press("home", *["down"] * ids.index(action_id))
    assert options.highlighted == ids.index(action_id)
    await pilot.press("enter")
    await pilot.pause()


async def open_yaml(pilot: Pilot[None], text: str | None = None) -> TextArea:
    pilot.app.query_one("#inspector-tabs", TabbedContent).active = "inspector-yaml-tab"
    await pilot.pause()
    area = pilot.app.query_one("#inspector-yaml", TextArea)
    if text is not None:
        area.load_text(text)
    area.focus()
    await pilot.pause()
    return area


# --------------------------------------------------------------- quick actions


@sync
async def test_enter_on_a_quick_action_posts_exactly_its_edit() -> None:
    app = InspectorApp("node/node-b")
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "route-remove-default")
        assert app.edits == [RemoveRouteEdit(ref="node/node-b", to="default")]


@sync
async def test_clicking_a_quick_action_posts_its_edit_too() -> None:
    app = InspectorApp("node/node-b")
    async with app.run_test(size=SIZE) as pilot:
        ids = [a.id for a in app.query_one(Inspector).actions]
        options = app.query_one("#inspector-actions", OptionList)
        await pilot.click(options, offset=(4, 1 + ids.index("public")))
        await pilot.pause()
        assert app.edits == [SetEdit(ref="node/node-b", path="public", value=True)]


@sync
async def test_a_prompted_action_validates_inline_and_posts_the_typed_value() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "target-port-0")
        assert isinstance(app.screen, PromptScreen)
        field = app.screen.query_one(Input)
        assert field.value == "8080"  # prefilled with the current targetPort
        await pilot.press("end", *["backspace"] * 4, *"70000", "enter")
        assert isinstance(app.screen, PromptScreen), "an invalid value must not close the prompt"
        assert "✗ 70000 is outside 1-65535" in text_of(app.screen, "#prompt-error")
        assert app.edits == []
        await pilot.press(*["backspace"] * 5, *"http", "enter")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        assert app.edits == [SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort",
                                     value="http")]


@sync
async def test_escape_cancels_a_prompt_without_an_edit() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "selector")
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, PromptScreen)
        assert app.edits == []


@sync
async def test_an_applied_action_refreshes_summary_and_actions_from_the_session() -> None:
    app = InspectorApp("node/node-b", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "route-remove-default")
        assert app.session.edits == [RemoveRouteEdit(ref="node/node-b", to="default")]
        assert "routes: none at all" in text_of(app, "#inspector-summary")
        assert "route-remove-default" not in [a.id for a in app.query_one(Inspector).actions]


@sync
async def test_a_policy_template_is_created_in_the_selected_objects_namespace() -> None:
    app = InspectorApp("service/shop/api", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "policy-allow-dns")
        assert len(app.session.edits) == 1
        created = find_object(app.session.level, "networkpolicy/shop/allow-dns-egress")
        assert created.namespace == "shop"


# ------------------------------------------------------------------------ YAML


@sync
async def test_yaml_tab_holds_the_whole_object_as_written() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        target = find_object(app.session.level, "service/shop/api")
        assert area.text == dump_yaml(target.data())
        assert area.text.startswith("apiVersion: v1\nkind: Service\n")  # order as written
        assert area.language == "yaml"
        assert not area.read_only


@sync
async def test_ctrl_s_on_edited_yaml_posts_a_replace_edit() -> None:
    app = InspectorApp("service/shop/api", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        area.load_text(area.text.replace("targetPort: 8080", "targetPort: http"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.edits) == 1
        edit = app.edits[0]
        assert isinstance(edit, ReplaceEdit)
        assert edit.ref == "service/shop/api"
        assert edit.manifest["spec"]["ports"][0]["targetPort"] == "http"
        assert app.session.edits == [edit]
        assert not visible(app, "#inspector-yaml-error")
        assert not visible(app, "#inspector-error")


@sync
async def test_ctrl_s_is_a_described_binding_of_the_yaml_tab_only() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        await focus_actions(pilot)
        assert "ctrl+s" not in app.screen.active_bindings
        await open_yaml(pilot)
        active = app.screen.active_bindings["ctrl+s"]
        assert active.enabled
        assert active.binding.description == "Apply YAML"


@sync
async def test_the_apply_button_does_what_ctrl_s_does() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        area.load_text(area.text.replace("port: 80", "port: 81"))
        await pilot.click("#inspector-apply")
        await pilot.pause()
        assert [type(e) for e in app.edits] == [ReplaceEdit]


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("apiVersion: v1\nkind: Service\nmetadata: {name: api\n", "line 3:11"),
        ("apiVersion: v1\nkind: Service\n  spec: x\n", "line 3:"),
        ("# comment\n- just\n- a list\n", "line 2:1"),
    ],
)
@sync
async def test_invalid_yaml_shows_line_and_column_and_posts_nothing(text: str,
                                                                   where: str) -> None:
    app = InspectorApp("service/shop/api", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        await open_yaml(pilot, text)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.edits == []
        assert app.session.edits == []
        assert visible(app, "#inspector-yaml-error")
        message = text_of(app, "#inspector-yaml-error")
        assert message.startswith(f"✗ {where}")
        assert "nothing was changed" in message
        assert app.query_one(TextArea).text == text  # the player's text is kept to fix


@sync
async def test_an_unknown_field_is_refused_with_its_line_not_dropped() -> None:
    """kubectl's strict validation refuses ``selectr:``; applied, it would vanish."""
    app = InspectorApp("service/shop/api", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        row = next(i for i, line in enumerate(area.text.splitlines())
                   if line.strip().startswith("selector:"))
        col = area.text.splitlines()[row].index("selector") + len("select")
        area.move_cursor((row, col))
        await pilot.press("delete")  # selector → selectr
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.edits == []
        assert app.session.edits == []
        message = text_of(app, "#inspector-yaml-error")
        assert f"line {row + 1}:" in message
        assert 'spec.selectr: unknown field "selectr"; did you mean selector?' in message


@sync
async def test_unchanged_yaml_is_not_an_edit() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        await open_yaml(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.edits == []
        assert "no changes to apply" in text_of(app, "#inspector-yaml-error")


@sync
async def test_a_refused_edit_shows_the_sessions_reason_and_keeps_the_yaml() -> None:
    app = InspectorApp("service/shop/api", apply=True)
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        edited = area.text.replace("name: api\n", "name: api\n  labels:\n    tier: x\n")
        area.load_text(edited)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(app.edits) == 1
        assert app.session.edits == []
        assert visible(app, "#inspector-error")
        error = text_of(app, "#inspector-error")
        assert error.startswith("✗ Refused: only spec.selector or spec.ports of "
                                "service/shop/api may be edited")
        assert area.text == edited
        app.push_state()  # the screen pushes state again (e.g. after another object changed)
        await pilot.pause()
        assert not visible(app, "#inspector-error")
        assert area.text == edited  # unsaved YAML of an unchanged object survives a refresh


@sync
async def test_revert_restores_the_objects_yaml() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE) as pilot:
        area = await open_yaml(pilot)
        original = area.text
        area.load_text("garbage: [")
        await pilot.click("#inspector-revert")
        await pilot.pause()
        assert area.text == original


# --------------------------------------------------------------- locks, states


@sync
async def test_a_locked_object_says_why_and_cannot_be_edited() -> None:
    app = InspectorApp("deployment/shop/web")
    async with app.run_test(size=SIZE) as pilot:
        assert text_of(app, "#inspector-access").startswith("🔒 locked")
        inspector = app.query_one(Inspector)
        assert {a.kind for a in inspector.actions} == {"policy-template"}
        area = await open_yaml(pilot)
        assert area.read_only
        assert app.query_one("#inspector-apply", Button).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.edits == []


@sync
async def test_field_locks_are_named_in_words() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=SIZE):
        assert text_of(app, "#inspector-access") == (
            "✎ editable: spec.selector, spec.ports (everything else is locked)")
        kinds = {a.kind for a in app.query_one(Inspector).actions}
        assert "service-type" not in kinds
        assert {"target-port", "selector"} <= kinds


@sync
async def test_nothing_selected_shows_a_hint_and_no_actions() -> None:
    app = InspectorApp(None)
    async with app.run_test(size=SIZE):
        assert text_of(app, "#inspector-title") == NO_SELECTION
        assert app.query_one("#inspector-actions", OptionList).option_count == 0
        assert app.query_one(TextArea).read_only


@sync
async def test_inspector_fits_an_80_by_24_screen() -> None:
    app = InspectorApp("service/shop/api")
    async with app.run_test(size=(46, 22)) as pilot:
        options = await focus_actions(pilot)
        assert options.region.height >= 3
        assert options.region.right <= 46


# --------------------------------------------------------------- pure helpers


def test_summary_speaks_in_words_about_addresses_and_selection() -> None:
    lines = summarize(StateView(level()), "service/shop/api")
    assert "type: ClusterIP" in lines
    assert any(line.startswith("ClusterIP: 10.96.0.") for line in lines)
    assert "selector: app=web" in lines
    assert "pods with these labels: 1" in lines
    assert "  http: 80/TCP → targetPort 8080" in lines
    node = summarize(StateView(level()), "node/node-b")
    assert "public: no (private)" in node
    assert "routes (the default: no routes of its own):" in node


def test_a_workload_pod_is_summarised_from_the_world_and_points_at_its_owner() -> None:
    lines = summarize(StateView(level()), "pod/shop/web-0")
    assert any("deployment/shop/web" in line for line in lines)


def test_parse_manifest_accepts_one_mapping_only() -> None:
    assert parse_manifest("a: 1\n") == {"a": 1}
    for text, why in [("", "empty"), ("a: 1\n---\nb: 2\n", "2 documents"),
                      ("just text", "found the value 'just text'"),
                      ("a: *nope\n", "line 1:4")]:
        with pytest.raises(InputError, match=why):
            parse_manifest(text)
