"""Gateway API quick actions: what each offers, the edit it makes, undo, locks, kubectl.

Run on the small level the app's Pilot tests open too
(``tests/app/fixtures/gateway-level.yaml``): a Gateway infra/public with listeners
http and https, and an HTTPRoute shop/shop splitting between web (its namespace)
and payments/payments (another, with no ReferenceGrant yet).
"""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_tui.engine.gateways import grant_permits
from k8snet_tui.game.actions import QuickAction, quick_actions
from k8snet_tui.game.edits import (
    EditError,
    apply_edit,
    apply_edits,
    describe_edit,
    edit_as_kubectl,
    find_object,
    invert_edit,
)
from k8snet_tui.game.gateway_actions import (
    parse_backend,
    parse_certificate_refs,
    parse_hostnames,
    parse_match,
    parse_weight,
)
from k8snet_tui.game.gatewayview import missing_route_grants
from k8snet_tui.game.inputs import InputError, parse_manifest
from k8snet_tui.game.locks import original_refs, refusal
from k8snet_tui.game.summary import summarize
from k8snet_tui.game.templates import templates
from k8snet_tui.game.view import StateView
from k8snet_tui.model.edits import (
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    ReplaceEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.gateway import HTTPRoute
from k8snet_tui.model.level import EditableSpec
from k8snet_tui.model.load import LoadedLevel, load_level

FIXTURE = Path(__file__).resolve().parents[1] / "app" / "fixtures" / "gateway-level.yaml"
ROUTE = "httproute/shop/shop"
GATEWAY = "gateway/infra/public"
CLASS = "gatewayclass/shared"


@pytest.fixture
def level() -> LoadedLevel:
    return load_level(FIXTURE)


def sandbox(level: LoadedLevel) -> LoadedLevel:
    return replace(level, spec=level.spec.model_copy(update={"puzzle": None}))


def actions(level: LoadedLevel, ref: str) -> dict[str, QuickAction]:
    return {a.id: a for a in quick_actions(level, ref, original=original_refs(level))}


def data(level: LoadedLevel, ref: str) -> dict[str, Any]:
    return find_object(level, ref).data()


def patch_ops(command: str) -> list[dict[str, Any]]:
    """The JSON patch of a ``kubectl patch … --type=json -p '…'`` line."""
    words = shlex.split(command)
    assert words[:2] == ["kubectl", "patch"]
    assert "--type=json" in words
    ops: list[dict[str, Any]] = json.loads(words[words.index("-p") + 1])
    return ops


def run(level: LoadedLevel, action: QuickAction, value: str = "") -> tuple[LoadedLevel,
                                                                            AnyEdit]:
    (edit,) = action.edits(value)
    after = apply_edit(level, edit, original=original_refs(level))
    # Every action is one undo entry: its inverse gives back the level exactly.
    assert apply_edit(after, invert_edit(level, edit), enforce_locks=False).spec == level.spec
    return after, edit


# ----------------------------------------------------------------- HTTPRoute


def test_section_name_is_offered_for_each_listener_of_the_parent_gateway(
        level: LoadedLevel) -> None:
    offered = actions(level, ROUTE)
    assert {"section-0-http", "section-0-https"} <= set(offered)
    after, edit = run(level, offered["section-0-https"])
    assert edit == SetEdit(ref=ROUTE, path="spec.parentRefs[0].sectionName", value="https")
    assert data(after, ROUTE)["spec"]["parentRefs"][0]["sectionName"] == "https"
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "add", "path": "/spec/parentRefs/0/sectionName", "value": "https"}]
    # Now attached to https: http is offered, https is not, and the section can be cleared.
    again = actions(after, ROUTE)
    assert "section-0-https" not in again
    assert "section-0-http" in again
    cleared, clear = run(after, again["section-clear-0"])
    assert clear == UnsetEdit(ref=ROUTE, path="spec.parentRefs[0].sectionName")
    assert "sectionName" not in data(cleared, ROUTE)["spec"]["parentRefs"][0]
    assert patch_ops(edit_as_kubectl(after, clear)) == [
        {"op": "remove", "path": "/spec/parentRefs/0/sectionName"}]


def test_hostnames_can_be_set_added_and_removed(level: LoadedLevel) -> None:
    offered = actions(level, ROUTE)
    assert offered["hostnames"].prompt is not None
    assert offered["hostnames"].prompt.initial == "shop.example.com"
    after, edit = run(level, offered["hostnames"], "shop.example.com, *.shop.example.com")
    assert data(after, ROUTE)["spec"]["hostnames"] == ["shop.example.com", "*.shop.example.com"]
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/hostnames",
         "value": ["shop.example.com", "*.shop.example.com"]}]

    after, edit = run(level, offered["hostname-add"], "www.example.com")
    assert edit == SetEdit(ref=ROUTE, path="spec.hostnames[1]", value="www.example.com")
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "add", "path": "/spec/hostnames/1", "value": "www.example.com"}]

    after, edit = run(level, offered["hostname-remove-0"])
    assert "hostnames" not in data(after, ROUTE)["spec"] or \
        data(after, ROUTE)["spec"]["hostnames"] == []
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "remove", "path": "/spec/hostnames/0"}]
    # Clearing every hostname is an unset: the Route answers any host again.
    _, edit = run(level, offered["hostnames"], "")
    assert edit == UnsetEdit(ref=ROUTE, path="spec.hostnames")


@pytest.mark.parametrize(("text", "message"), [
    ("shop.example.com, shop.example.com", "given twice"),
    ("10.0.0.1", "is an IP address"),
    ("Shop_Example", "not a valid hostname"),
])
def test_a_bad_hostname_is_refused_with_the_models_words(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_hostnames(text)


def test_adding_a_hostname_the_route_has_says_so(level: LoadedLevel) -> None:
    assert actions(level, ROUTE)["hostname-add"].validate("shop.example.com") == \
        "shop.example.com is already one of this Route's hostnames"


@pytest.mark.parametrize(("text", "match"), [
    ("/api", {"path": {"type": "PathPrefix", "value": "/api"}}),
    ("Exact /login", {"path": {"type": "Exact", "value": "/login"}}),
    ("RegularExpression /v[0-9]+/.*", {"path": {"type": "RegularExpression",
                                                "value": "/v[0-9]+/.*"}}),
    ("header x-canary=true", {"headers": [{"name": "x-canary", "value": "true"}]}),
    ("PathPrefix /api, header x-canary=true, query v=2, method post",
     {"path": {"type": "PathPrefix", "value": "/api"},
      "headers": [{"name": "x-canary", "value": "true"}],
      "queryParams": [{"name": "v", "value": "2"}], "method": "POST"}),
])
def test_a_typed_match_becomes_an_httproute_match(text: str, match: dict[str, Any]) -> None:
    assert parse_match(text) == match


@pytest.mark.parametrize(("text", "message"), [
    ("", "at least one"),
    ("Exact", "needs a path value"),
    ("/a, /b", "one path"),
    ("header x-canary", "NAME=VALUE"),
    ("method FETCH", "not an HTTP method"),
    ("cookie a=b", "is not a path"),
    ("header bad name=1", "not a valid header name"),
    ("Exact /a//b", "//"),
])
def test_a_bad_match_is_refused_before_it_reaches_the_session(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_match(text)


def test_add_a_match_appends_to_the_rules_written_matches(level: LoadedLevel) -> None:
    action = actions(level, ROUTE)["match-add-0"]
    after, edit = run(level, action, "Exact /checkout, method POST")
    assert edit == SetEdit(ref=ROUTE, path="spec.rules[0].matches[1]",
                           value={"path": {"type": "Exact", "value": "/checkout"},
                                  "method": "POST"})
    assert len(data(after, ROUTE)["spec"]["rules"][0]["matches"]) == 2
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "add", "path": "/spec/rules/0/matches/1",
         "value": {"path": {"type": "Exact", "value": "/checkout"}, "method": "POST"}}]


def test_add_a_match_to_a_rule_without_matches_replaces_the_implicit_catch_all(
        level: LoadedLevel) -> None:
    rule = data(level, ROUTE)["spec"]["rules"][0]
    bare = apply_edit(level, UnsetEdit(ref=ROUTE, path="spec.rules[0].matches"),
                      enforce_locks=False)
    assert "matches" not in data(bare, ROUTE)["spec"]["rules"][0]
    action = actions(bare, ROUTE)["match-add-0"]
    assert "replaces the implicit PathPrefix /" in action.label
    after, edit = run(bare, action, "/api")
    assert edit == SetEdit(ref=ROUTE, path="spec.rules[0].matches",
                           value=[{"path": {"type": "PathPrefix", "value": "/api"}}])
    assert data(after, ROUTE)["spec"]["rules"][0]["backendRefs"] == rule["backendRefs"]


def test_a_matchs_path_can_be_retyped(level: LoadedLevel) -> None:
    action = actions(level, ROUTE)["match-path-0-0"]
    assert action.prompt is not None
    assert action.prompt.initial == "PathPrefix /"
    _, edit = run(level, action, "Exact /shop")
    assert edit == SetEdit(ref=ROUTE, path="spec.rules[0].matches[0].path",
                           value={"type": "Exact", "value": "/shop"})
    assert action.validate("header a=b") is not None


def test_a_backends_weight_is_a_number_from_0_to_a_million(level: LoadedLevel) -> None:
    action = actions(level, ROUTE)["weight-0-1"]
    after, edit = run(level, action, "0")
    assert edit == SetEdit(ref=ROUTE, path="spec.rules[0].backendRefs[1].weight", value=0)
    assert data(after, ROUTE)["spec"]["rules"][0]["backendRefs"][1]["weight"] == 0
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 0}]
    assert action.validate("1000001") is not None
    with pytest.raises(InputError, match="whole number"):
        parse_weight("ten")


def test_changing_a_backend_keeps_its_weight(level: LoadedLevel) -> None:
    action = actions(level, ROUTE)["backend-0-1"]
    assert action.prompt is not None
    assert action.prompt.initial == "payments/payments:80"
    _, edit = run(level, action, "web:8080")
    assert edit == SetEdit(ref=ROUTE, path="spec.rules[0].backendRefs[1]",
                           value={"name": "web", "port": 8080, "weight": 10})
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/rules/0/backendRefs/1",
         "value": {"name": "web", "port": 8080, "weight": 10}}]
    # Only the name: the port stays; the route's own namespace is left implicit.
    assert parse_backend("api", {"name": "web", "port": 80}, "shop") == {"name": "api",
                                                                         "port": 80}
    assert parse_backend("shop/api:81", {"name": "web", "port": 80}, "shop") == {
        "name": "api", "port": 81}
    assert action.validate("api:http") == 'port "http" must be the Service port\'s number'
    assert action.validate("a b") is not None


def test_a_cross_namespace_backend_offers_the_narrowest_reference_grant(
        level: LoadedLevel) -> None:
    route = find_object(level, ROUTE).obj
    assert isinstance(route, HTTPRoute)
    (missing,) = missing_route_grants(level.world, "shop", route)
    assert (missing.to_namespace, missing.to_name) == ("payments", "payments")
    action = actions(level, ROUTE)["reference-grant-0"]
    assert action.label == ("Create ReferenceGrant payments/httproutes-from-shop: let "
                            "HTTPRoutes in shop use Service payments")
    after, edit = run(level, action)
    assert isinstance(edit, CreateEdit)
    assert edit.manifest["spec"] == {
        "from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                  "namespace": "shop"}],
        "to": [{"group": "", "kind": "Service", "name": "payments"}]}
    assert grant_permits(after.world.reference_grants, from_group="gateway.networking.k8s.io",
                         from_kind="HTTPRoute", from_namespace="shop", to_group="",
                         to_kind="Service", to_namespace="payments", to_name="payments")
    # Granted: the action is gone.
    assert not any(a.kind == "reference-grant" for a in quick_actions(after, ROUTE))
    command = edit_as_kubectl(level, edit)
    assert command.startswith("kubectl apply -f - <<'EOF'\n")
    assert command.endswith("\nEOF")
    applied = yaml.safe_load(command.split("\n", 1)[1].rsplit("EOF", 1)[0])
    assert applied["apiVersion"] == "gateway.networking.k8s.io/v1beta1"
    assert applied["metadata"] == {"name": "httproutes-from-shop", "namespace": "payments"}


def test_the_grant_respects_the_levels_create_lock(level: LoadedLevel) -> None:
    assert level.spec.puzzle is not None
    no_create = replace(level, spec=level.spec.model_copy(update={
        "puzzle": level.spec.puzzle.model_copy(update={"create": []})}))
    assert "reference-grant-0" not in actions(no_create, ROUTE)


def test_a_locked_route_offers_no_field_edits_only_the_grant(level: LoadedLevel) -> None:
    assert level.spec.puzzle is not None
    locked = replace(level, spec=level.spec.model_copy(update={
        "puzzle": level.spec.puzzle.model_copy(update={"editable": [GATEWAY]})}))
    kinds = {a.kind for a in actions(locked, ROUTE).values()}
    assert kinds <= {"reference-grant", "policy-template"}
    assert "reference-grant" in kinds


def test_field_locks_narrow_the_routes_actions(level: LoadedLevel) -> None:
    assert level.spec.puzzle is not None
    narrow = replace(level, spec=level.spec.model_copy(update={
        "puzzle": level.spec.puzzle.model_copy(update={"editable": [
            EditableSpec(ref=ROUTE, fields=["spec.rules[0].backendRefs[1].weight"])]})}))
    offered = actions(narrow, ROUTE)
    assert "weight-0-1" in offered
    assert not {"weight-0-0", "section-0-http", "hostnames", "match-add-0"} & set(offered)
    for action in offered.values():
        if action.probe is not None:
            assert refusal(narrow, action.probe, original=original_refs(narrow)) is None


# ------------------------------------------------------------------- Gateway


def test_allowed_routes_from_same_all_or_a_selector(level: LoadedLevel) -> None:
    offered = actions(level, GATEWAY)
    assert "allowed-from-0-All" not in offered  # it already is All
    after, edit = run(level, offered["allowed-from-0-Same"])
    assert edit == SetEdit(ref=GATEWAY, path="spec.listeners[0].allowedRoutes",
                           value={"namespaces": {"from": "Same"}})
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/listeners/0/allowedRoutes",
         "value": {"namespaces": {"from": "Same"}}}]
    after, edit = run(level, offered["allowed-from-1-Selector"], "team=shop")
    assert data(after, GATEWAY)["spec"]["listeners"][1]["allowedRoutes"] == {
        "namespaces": {"from": "Selector", "selector": {"matchLabels": {"team": "shop"}}}}
    assert offered["allowed-from-1-Selector"].validate("") == "enter at least one key=value"


def test_a_listener_hostname_can_be_set_and_cleared(level: LoadedLevel) -> None:
    offered = actions(level, GATEWAY)
    _, edit = run(level, offered["listener-hostname-0"], "shop.example.com")
    assert edit == SetEdit(ref=GATEWAY, path="spec.listeners[0].hostname",
                           value="shop.example.com")
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "add", "path": "/spec/listeners/0/hostname", "value": "shop.example.com"}]
    _, edit = run(level, offered["listener-hostname-clear-1"])
    assert edit == UnsetEdit(ref=GATEWAY, path="spec.listeners[1].hostname")
    assert "listener-hostname-clear-0" not in offered
    assert offered["listener-hostname-0"].validate("192.0.2.1") is not None


def test_tls_certificate_refs_of_an_https_listener(level: LoadedLevel) -> None:
    offered = actions(level, GATEWAY)
    assert "certificate-refs-0" not in offered  # an HTTP listener takes no tls
    action = offered["certificate-refs-1"]
    assert action.prompt is not None
    assert action.prompt.initial == "shop-cert"
    assert "infra/shop-cert" in action.prompt.help
    after, edit = run(level, action, "shop/wild-cert")
    assert edit == SetEdit(ref=GATEWAY, path="spec.listeners[1].tls.certificateRefs",
                           value=[{"namespace": "shop", "name": "wild-cert"}])
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/listeners/1/tls/certificateRefs",
         "value": [{"namespace": "shop", "name": "wild-cert"}]}]
    # A Secret in another namespace: the Gateway now offers the grant for it.
    grant = actions(after, GATEWAY)["reference-grant-0"]
    assert grant.label.endswith("let Gateways in infra use Secret wild-cert")
    assert parse_certificate_refs("a, b") == [{"name": "a"}, {"name": "b"}]
    with pytest.raises(InputError):
        parse_certificate_refs("")


def test_the_gateway_class_can_be_switched_to_another_class(level: LoadedLevel) -> None:
    other = apply_edit(level, CreateEdit(manifest={
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
        "metadata": {"name": "other"}, "spec": {"controllerName": "example.com/gateway"}}),
        enforce_locks=False)
    action = actions(sandbox(other), GATEWAY)["gateway-class-other"]
    assert action.edit() == SetEdit(ref=GATEWAY, path="spec.gatewayClassName", value="other")


# -------------------------------------------------------------- GatewayClass


def test_controller_name_is_immutable_so_the_class_is_recreated(level: LoadedLevel) -> None:
    """The CRD refuses a new controllerName on an existing class: the action deletes the
    class and creates it again, in its place, as one step."""
    free = sandbox(level)
    offered = actions(free, CLASS)
    assert "controller-0" not in offered  # the class already names the only one
    action = offered["controller"]
    assert action.prompt is not None
    assert "example.com/gateway" in action.prompt.help
    assert action.validate("not a controller") is not None
    assert action.validate("example.com/gateway") == f"{CLASS} already has controllerName " \
        "example.com/gateway"
    delete, create = action.edits("example.org/other")
    assert delete == DeleteEdit(ref=CLASS)
    assert isinstance(create, CreateEdit)
    assert create.manifest["spec"] == {"controllerName": "example.org/other"}
    after = apply_edits(free, (delete, create))
    assert [gc.spec.controllerName for gc in after.world.gateway_classes] == ["example.org/other"]
    assert after.world.accepted_gateway_classes == frozenset()
    assert [r.kind for r in after.spec.resources] == [r.kind for r in free.spec.resources]
    # Set in place, the API server's refusal is the game's.
    with pytest.raises(EditError, match="immutable"):
        apply_edit(free, SetEdit(ref=CLASS, path="spec.controllerName",
                                 value="example.org/other"))
    commands = [edit_as_kubectl(free, delete), edit_as_kubectl(free, create)]
    assert commands[0] == "kubectl delete gatewayclass.gateway.networking.k8s.io shared"
    assert "controllerName: example.org/other" in commands[1]
    # The level locks the class: nothing is offered there.
    assert "controller" not in actions(level, CLASS)


def test_a_secret_of_the_wrong_type_is_recreated_as_a_tls_secret(level: LoadedLevel) -> None:
    opaque = apply_edits(sandbox(level), [
        DeleteEdit(ref="secret/infra/shop-cert"),
        CreateEdit(manifest={"apiVersion": "v1", "kind": "Secret",
                             "metadata": {"name": "shop-cert", "namespace": "infra"}})])
    action = actions(opaque, "secret/infra/shop-cert")["secret-type"]
    after = apply_edits(opaque, action.edits())
    (secret,) = after.world.secrets
    assert secret.obj.type == "kubernetes.io/tls"
    assert "secret-type" not in actions(after, "secret/infra/shop-cert")


# ------------------------------------------------------------------- kubectl


@pytest.mark.parametrize(("ref", "resource"), [
    (ROUTE, "httproute.gateway.networking.k8s.io shop -n shop"),
    (GATEWAY, "gateway.gateway.networking.k8s.io public -n infra"),
    (CLASS, "gatewayclass.gateway.networking.k8s.io shared"),
    ("secret/infra/shop-cert", "secret shop-cert -n infra"),
])
def test_kubectl_names_gateway_api_kinds_with_their_group(level: LoadedLevel, ref: str,
                                                          resource: str) -> None:
    """Istio serves a ``gateway`` too: a bare kind may patch someone else's object."""
    assert edit_as_kubectl(level, DeleteEdit(ref=ref)) == f"kubectl delete {resource}"


def test_a_yaml_edit_of_a_gateway_exports_only_what_changed(level: LoadedLevel) -> None:
    manifest = data(level, GATEWAY)
    manifest["spec"]["listeners"][0]["port"] = 8080
    edit = ReplaceEdit(ref=GATEWAY, manifest=manifest)
    after = apply_edit(level, edit)
    assert data(after, GATEWAY)["spec"]["listeners"][0]["port"] == 8080
    assert patch_ops(edit_as_kubectl(level, edit)) == [
        {"op": "replace", "path": "/spec/listeners/0/port", "value": 8080}]
    assert describe_edit(edit) == f"replace {GATEWAY} (edited as YAML)"


@pytest.mark.parametrize(("change", "message"), [
    (lambda m: m["spec"]["listeners"][0].update(port=0),
     r"spec\.listeners\[0\]\.port: Input should be greater than or equal to 1"),
    (lambda m: m["spec"]["listeners"][1].update(name="http"),
     'listener name "http" is already used'),
    (lambda m: m["spec"]["listeners"][1].pop("tls"), "tls"),
])
def test_an_invalid_gateway_is_refused_with_the_models_message(
        level: LoadedLevel, change: Any, message: str) -> None:
    manifest = data(level, GATEWAY)
    change(manifest)
    with pytest.raises(EditError, match=message):
        apply_edit(level, ReplaceEdit(ref=GATEWAY, manifest=manifest))


# ----------------------------------------------------------------- templates

GATEWAY_KINDS = ["GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant",
                 "Secret"]


@pytest.mark.parametrize("kind", GATEWAY_KINDS)
def test_each_gateway_api_template_creates_a_valid_object(level: LoadedLevel,
                                                          kind: str) -> None:
    (template,) = templates(level, "shop", [kind])
    manifest = parse_manifest(template.text)
    after = apply_edits(sandbox(level), [CreateEdit(manifest=manifest)])
    assert len(after.spec.resources) == len(level.spec.resources) + 1
    assert "#" in template.text  # it explains its fields


def test_the_templates_point_at_the_levels_own_gateway_class_and_service(
        level: LoadedLevel) -> None:
    by_kind = {t.kind: parse_manifest(t.text) for t in templates(level, "shop", GATEWAY_KINDS)}
    assert by_kind["Gateway"]["spec"]["gatewayClassName"] == "shared"
    route = by_kind["HTTPRoute"]["spec"]
    assert route["parentRefs"] == [{"name": "public", "namespace": "infra"}]
    assert route["rules"][0]["backendRefs"][0] == {"name": "web", "port": 80, "weight": 1}
    assert by_kind["GatewayClass"]["spec"] == {"controllerName": "example.com/gateway"}
    assert "namespace" not in by_kind["GatewayClass"]["metadata"]  # cluster-scoped


# ------------------------------------------------------------------- summary


def test_the_inspector_summary_lists_listeners_and_what_names_them(level: LoadedLevel) -> None:
    lines = summarize(StateView(level), GATEWAY)
    assert "  https: 443/HTTPS · *.example.com · routes from All · cert infra/shop-cert" in lines
    assert "    named by HTTPRoute shop/shop" in lines
    route = summarize(StateView(level), ROUTE)
    assert "  to web:80 w90, payments/payments:80 w10" in route
    assert "needs a ReferenceGrant in payments for Service payments" in route
