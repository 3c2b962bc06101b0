"""The Gateway API kinds in the game, played by keys only.

One small level (``fixtures/gateway-level.yaml``): Gateway infra/public with
listeners http and https, an HTTPRoute shop/shop splitting 90/10 between web and
payments/payments, no ReferenceGrant yet. The tests assert what the player did
(the session's edits and state) and what the game said, not flow verdicts: the
engine's Gateway support decides those.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from k8snet_tui.app.widgets.inspector import Inspector
from k8snet_tui.app.widgets.object_tree import GENERATED_WORD, ObjectTree
from k8snet_tui.game.edits import EditError, find_object
from k8snet_tui.model.edits import CreateEdit, ReplaceEdit, SetEdit
from tests.app.conftest import AppFactory
from tests.app.player import MessageLog, Player, record_notifications
from tests.app.test_play import SIZE, sync

FIXTURE = Path(__file__).parent / "fixtures" / "gateway-level.yaml"
ROUTE = "httproute/shop/shop"
GATEWAY = "gateway/infra/public"
GRANT = "referencegrant/payments/httproutes-from-shop"


def route_spec(p: Player) -> dict[str, object]:
    spec = find_object(p.session.level, ROUTE).data()["spec"]
    assert isinstance(spec, dict)
    return spec


@sync
async def test_the_tree_groups_gateway_api_objects_and_marks_the_generated_proxy(
        new_app: AppFactory) -> None:
    async with new_app([FIXTURE]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        tree = p.level.query_one(ObjectTree)
        for key in ("ns/infra/Gateways", "ns/shop/HTTPRoutes", "ns/infra/Secrets",
                    "gatewayclasses", f"{GATEWAY}#listener:http",
                    f"{GATEWAY}#listener:https"):
            assert tree.node_for_key(key) is not None, key
        https = tree.node_for_key(f"{GATEWAY}#listener:https")
        assert https is not None
        assert https.data == GATEWAY  # a listener line selects its Gateway
        assert "443/HTTPS · *.example.com · routes from All" in str(https.label)
        proxy = tree.node_for_key("pod/infra/public-shared")
        assert proxy is not None
        assert f"public-shared {GENERATED_WORD} · proxy for {GATEWAY}" in str(proxy.label)
        assert proxy.data == GATEWAY
        service = tree.node_for_key("service/infra/public")
        assert service is not None
        assert f"proxy for {GATEWAY}" in str(service.label)
        classes = tree.node_for_key("gatewayclasses")
        assert classes is not None
        assert classes.parent is tree.root  # cluster-scoped: not under a namespace

        # Enter on the generated pod (by keys) opens the Gateway, the object to edit.
        await p.focus_type(ObjectTree)
        await p.burst("home", *["down"] * proxy.line)
        assert tree.cursor_node is proxy
        await p.press("enter")
        inspector = p.level.query_one(Inspector)
        assert inspector.ref == GATEWAY
        summary = str(p.level.query_one("#inspector-summary", Static).content)
        assert "https: 443/HTTPS" in summary


@sync
async def test_attach_weigh_and_grant_by_quick_actions(new_app: AppFactory) -> None:
    app = new_app([FIXTURE])
    notes = record_notifications(app)
    log = MessageLog()
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        inspector = await p.choose_object(ROUTE)
        ids = [a.id for a in inspector.actions]
        assert {"section-0-http", "section-0-https", "weight-0-1",
                "reference-grant-0"} <= set(ids)

        # sectionName: one key on the listener it should attach to.
        await p.quick_action("section-0-https")
        want = SetEdit(ref=ROUTE, path="spec.parentRefs[0].sectionName", value="https")
        assert log.edits()[-1] == want
        assert p.session.edits == [want]
        parents = route_spec(p)["parentRefs"]
        assert isinstance(parents, list)
        assert parents[0]["sectionName"] == "https"
        assert notes[-1].title == "Applied"
        assert notes[-1].message.startswith(f"set {ROUTE} spec.parentRefs[0].sectionName = https")
        assert "section-0-https" not in [a.id for a in inspector.actions]  # already there

        # A weight: typed into the prompt.
        await p.quick_action("weight-0-1", "0")
        assert log.edits()[-1] == SetEdit(ref=ROUTE, path="spec.rules[0].backendRefs[1].weight",
                                          value=0)
        rules = route_spec(p)["rules"]
        assert isinstance(rules, list)
        assert rules[0]["backendRefs"][1]["weight"] == 0
        assert "Set weight of rules[0] backend payments/payments:80 (0)" in [
            a.label for a in inspector.actions]

        # A bad weight never reaches the session: the prompt says why.
        edits_before = len(p.session.edits)
        await p.quick_action("weight-0-0", "lots")
        error = p.app.screen.query_one("#prompt-error", Static)
        assert "whole number" in str(error.content)
        await p.press("escape")
        assert len(p.session.edits) == edits_before

        # The ReferenceGrant the cross-namespace backendRef needs.
        await p.choose_object(ROUTE)
        await p.quick_action("reference-grant-0")
        created = log.edits()[-1]
        assert isinstance(created, CreateEdit)
        assert created.manifest["metadata"] == {"name": "httproutes-from-shop",
                                                "namespace": "payments"}
        assert find_object(p.session.level, GRANT)
        assert p.level.selected_ref == GRANT  # the new object is shown
        assert notes[-1].message.startswith(f"create {GRANT}")
        assert p.session.score().edits == 3

        # The export: a patch per field, an apply for the grant.
        commands = p.session.kubectl()
        assert commands[0] == (
            "kubectl patch httproute.gateway.networking.k8s.io shop -n shop --type=json -p "
            "'[{\"op\":\"add\",\"path\":\"/spec/parentRefs/0/sectionName\",\"value\":\"https\"}]'")
        assert commands[1].endswith(
            "'[{\"op\":\"replace\",\"path\":\"/spec/rules/0/backendRefs/1/weight\",\"value\":0}]'")
        assert commands[2].startswith("kubectl apply -f - <<'EOF'\n")
        assert "kind: ReferenceGrant" in commands[2]

        # One undo takes the grant back; the route's offer returns.
        await p.press("z")
        try:
            find_object(p.session.level, GRANT)
            raise AssertionError("the grant is still there after undo")
        except EditError:
            pass
        inspector = await p.choose_object(ROUTE)
        assert "reference-grant-0" in [a.id for a in inspector.actions]


@sync
async def test_a_gateway_edited_in_the_yaml_editor(new_app: AppFactory) -> None:
    app = new_app([FIXTURE])
    notes = record_notifications(app)
    log = MessageLog()
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        await p.choose_object(GATEWAY)
        area = await p.yaml_editor()
        assert "gatewayClassName: shared" in area.text

        # Invalid: the model's own message, nothing applied.
        await p.retype_in_yaml("port: 80", "port: 0")
        assert p.session.edits == []
        refused = p.level.last_error
        assert refused is not None
        assert "spec.listeners[0].port: Input should be greater than or equal to 1" in refused
        assert notes[-1].title == "Edit refused"
        assert refused in str(p.level.query_one("#inspector-error", Static).content)

        # Valid: the listener moves to 8080, as one replace edit.
        area = p.level.query_one("#inspector-yaml", TextArea)
        await p.retype_in_yaml("port: 0", "port: 8080")
        assert p.level.last_error is None
        edit = log.edits()[-1]
        assert isinstance(edit, ReplaceEdit)
        assert edit.ref == GATEWAY
        listeners = find_object(p.session.level, GATEWAY).data()["spec"]["listeners"]
        assert listeners[0]["port"] == 8080
        assert notes[-1].title == "Applied"
        assert p.session.kubectl() == [
            "kubectl patch gateway.gateway.networking.k8s.io public -n infra --type=json -p "
            "'[{\"op\":\"replace\",\"path\":\"/spec/listeners/0/port\",\"value\":8080}]'"]
        # The generated proxy Service follows the Gateway's listener.
        proxy = p.session.level.world.services
        ports = [port.port for svc in proxy if svc.generated_by == GATEWAY for port in svc.ports]
        assert 8080 in ports
        assert "port: 8080" in area.text


@sync
async def test_a_reference_grant_created_from_its_template(new_app: AppFactory) -> None:
    log = MessageLog()
    async with new_app([FIXTURE]).run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        area = await p.new_object(
            lambda a: a.id == "new-referencegrant" and a.namespace == "payments",
            "a ReferenceGrant in payments")
        assert "kind: ReferenceGrant" in area.text
        assert "namespace: payments" in area.text
        await p.press("ctrl+s")
        assert p.level.last_error is None
        created = log.edits()[-1]
        assert isinstance(created, CreateEdit)
        assert created.manifest["kind"] == "ReferenceGrant"
        ref = "referencegrant/payments/new-referencegrant"
        assert find_object(p.session.level, ref)
        assert p.level.selected_ref == ref
