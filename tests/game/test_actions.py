"""Quick actions: which one-keystroke edits the inspector offers, and what each one does.

Run against the real campaign levels: every offered action must make an edit
the game accepts, must never be an edit the puzzle's locks refuse, and the
levels' own solutions must be reachable through the actions a player sees.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from k8snet_tui.game.actions import QuickAction, next_service_type, quick_actions
from k8snet_tui.game.edits import EditError, apply_edit, apply_edits, find_object
from k8snet_tui.game.inputs import (
    InputError,
    parse_labels,
    parse_port_or_name,
    parse_route,
)
from k8snet_tui.game.locks import editable_fields, original_refs, refusal
from k8snet_tui.game.paths import get_path, is_prefix, resolve_path
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.load import LoadedLevel, load_level, load_level_text
from k8snet_tui.model.resources import Service

LEVELS = Path(__file__).resolve().parents[2] / "levels"
LEVEL_FILES = sorted(p for p in LEVELS.rglob("*.yaml") if p.name != "pack.yaml")

EDGE = """\
format: k8snet/v1
id: edge-sample
cluster:
  nodes:
    - name: node-a
      public: true
      routes:
        - {to: 10.244.1.0/24, via: 192.168.0.12}
        - {to: default, via: 192.168.0.1}
    - name: node-b
resources:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: shop, labels: {team: shop}}
  - apiVersion: networking.k8s.io/v1
    kind: IngressClass
    metadata: {name: nginx}
    spec: {controller: k8s.io/ingress-nginx}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: web, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: web}}
      template:
        metadata: {labels: {app: web}}
        spec:
          containers:
            - name: web
              ports: [{containerPort: 8080, name: http}]
  - apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: shop}
    spec:
      type: LoadBalancer
      selector: {app: web}
      ports: [{name: http, port: 80, targetPort: http, nodePort: 30080}]
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: web}
      ports: [{name: http, port: 8080, targetPort: http}]
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-all, namespace: shop}
    spec: {podSelector: {}}
  - apiVersion: v1
    kind: Service
    metadata: {name: legacy, namespace: shop}
    spec:
      type: ExternalName
      externalName: legacy.example.com
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: shop, namespace: shop}
    spec:
      ingressClassName: nginx
      defaultBackend:
        service: {name: web, port: {number: 80}}
      rules:
        - host: shop.example.com
          http:
            paths:
              - {path: /, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}
              - {path: /api, pathType: Exact,
                 backend: {service: {name: web, port: {number: 80}}}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: tools, labels: {app: tools}}
    spec:
      containers:
        - name: tools
          ports: [{containerPort: 22}]
flows: []
"""


EDGE_PUZZLE = """\
puzzle:
  editable:
    - {ref: service/shop/web, fields: ["spec.ports[name=http]"]}
    - {ref: node/node-a, fields: [routes]}
"""


def load(path: Path) -> LoadedLevel:
    return load_level(path)


def edge() -> LoadedLevel:
    return load_level_text(EDGE)


def unlocked(level: LoadedLevel) -> LoadedLevel:
    """The same cluster as a sandbox: no puzzle, so every field is the player's."""
    return replace(level, spec=level.spec.model_copy(update={"puzzle": None}))


def sample_value(action: QuickAction, level: LoadedLevel) -> str:
    """A value a player could type into the action's prompt that changes the field."""
    if action.prompt is None:
        return ""
    gateway = level.world.cluster.gateway
    initial = action.prompt.initial
    samples = {
        "service-port": ["12345", "12346"],
        "target-port": ["http", "8080"],
        "node-port": ["30999", "30998"],
        "selector": ["app=quick"],
        "route-add": [f"10.250.0.0/24 via {gateway}"],
        "route-via": [str(gateway), *(str(n.ip) for n in level.world.cluster.nodes)],
        "external-name": ["quick.example.com"],
        "labels": [f"{initial}, quick=yes" if initial else "quick=yes"],
        "container-port": ["19999", "19998"],
        "backend-port": ["8443", "8444"],
        "ingress-class": ["nginx", "public"],
        "rename": ["renamed-by-player"],
        # Gateway API (game/gateway_actions.py)
        "section-name": ["http", "https"],
        "hostnames": ["quick.example.com"],
        "hostname-add": ["quick.example.com", "quick-2.example.com"],
        "match-add": ["Exact /quick", "header x-quick=yes"],
        "match-path": ["Exact /quick", "PathPrefix /quick"],
        "backend-weight": ["7", "8"],
        "backend-ref": ["quick:8080", "quick-2:8080"],
        "allowed-routes-selector": ["quick=yes"],
        "listener-hostname": ["quick.example.com", "*.quick.example.com"],
        "certificate-refs": ["quick-cert"],
        "controller-name": ["example.com/quick"],
    }
    if action.id == "policy-allow-from-pods":
        return "app=quick"
    if action.id == "policy-allow-from-namespace":
        return "kube-system"
    return next(v for v in samples[action.kind] if v != initial and action.validate(v) is None)


def every_ref(level: LoadedLevel) -> Iterator[str]:
    """Objects of the level, plus what the object tree also shows: workload pods, namespaces."""
    yield from level.world.refs
    yield from (pod.ref for pod in level.world.pods if pod.owner is not None)
    yield from (f"namespace/{ns}" for ns in level.world.namespaces)


def _names_a_proxy(level: LoadedLevel) -> bool:
    """Does a flow name a Gateway's generated proxy pod or Service?"""
    generated = {p.ref for p in level.world.pods if p.generated_by} | \
        {s.ref for s in level.world.services if s.generated_by}
    return any(ref in str(flow.model_dump()) for flow in level.spec.flows for ref in generated)


def level_ids(path: Path) -> str:
    return str(path.relative_to(LEVELS))


# ---------------------------------------------------------------- real levels


@pytest.mark.parametrize("path", LEVEL_FILES, ids=level_ids)
def test_every_action_on_an_unlocked_level_makes_an_edit_the_game_applies(path: Path) -> None:
    level = unlocked(load(path))
    seen = 0
    for ref in every_ref(level):
        for action in quick_actions(level, ref):
            if action.kind in ("delete", "rename", "new-object") and \
                    not ref.startswith("networkpolicy/"):
                # Deleting what a flow names is refused by design (policies are never
                # named); drafts are tested with the templates.
                continue
            edits = action.edits(sample_value(action, level))
            if action.kind == "controller-name" and _names_a_proxy(level):
                # Another controller un-implements the class: its proxy pods go, and a
                # flow that names one refuses that, by design (like deleting a named pod).
                with pytest.raises(EditError, match="needs it"):
                    apply_edits(level, edits)
                continue
            after = apply_edits(level, edits)
            assert after.spec != level.spec, f"{ref}: {action.label} changed nothing"
            seen += 1
    assert seen > 0


@pytest.mark.parametrize("path", LEVEL_FILES, ids=level_ids)
def test_actions_offered_on_a_puzzle_never_break_its_locks(path: Path) -> None:
    level = load(path)
    puzzle = level.spec.puzzle
    assert puzzle is not None
    original = original_refs(level)
    for ref in every_ref(level):
        try:
            editable = editable_fields(level, ref, original=original)
        except Exception:
            continue
        assert editable is not None or puzzle.create or puzzle.delete or \
            not quick_actions(level, ref, original=original)
        for action in quick_actions(level, ref, original=original):
            if action.draft is not None:
                edits: tuple[AnyEdit, ...] = action.edits(action.draft)
            else:
                edits = action.edits(sample_value(action, level))
            for edit in edits:
                assert refusal(level, edit, original=original) is None, (ref, action.label)
            if action.kind not in ("delete", "rename"):
                # deleting what a flow names is refused by design
                apply_edits(level, edits, enforce_locks=True, original=original)


@pytest.mark.parametrize("path", LEVEL_FILES, ids=level_ids)
def test_locked_objects_get_only_create_and_delete_actions(path: Path) -> None:
    level = load(path)
    for ref in level.world.refs:
        if editable_fields(level, ref) is not None:
            continue
        kinds = {a.kind for a in _actions(level, ref)}
        # A ReferenceGrant offered on a locked Route creates a new object, like a policy;
        # an immutable field (controllerName, a Secret's type) changes by delete + create,
        # like a rename.
        assert kinds <= {"delete", "rename", "policy-template", "new-object",
                         "reference-grant", "controller-name", "secret-type"}, ref


def _actions(level: LoadedLevel, ref: str) -> list[QuickAction]:
    """What the inspector offers for ``ref`` on the level as a player opens it."""
    assert level.spec.puzzle is not None
    return quick_actions(level, ref, original=original_refs(level))


def _unnamed(level: LoadedLevel, kind: Any) -> list[Any]:
    """The level's objects with the names of ``kind`` objects blanked (templates pick names)."""
    out = []
    for res in level.spec.resources:
        data = res.model_dump(by_alias=True, exclude_unset=True, mode="json")
        if data.get("kind") == kind:
            data["metadata"].pop("name", None)
        out.append(data)
    return out


def _reproduces(level: LoadedLevel, step: AnyEdit) -> tuple[bool, bool]:
    """(claimed, reproduced): must a quick action make ``step``, and does one?

    A step is *claimed* when an offered action with a prompt edits the field the
    step changes (or a field containing it), or when it adds a route: typing
    the step's value must then give the same level. Fixed actions (cycle type,
    delete, templates) count when one happens to equal the step.
    """
    want = apply_edit(level, step, enforce_locks=False)
    if isinstance(step, CreateEdit):
        ns = step.manifest.get("metadata", {}).get("namespace", "default")
        kind = step.manifest.get("kind")
        for action in _actions(level, f"namespace/{ns}"):
            if action.prompt is None and action.draft is None and \
                    isinstance(edit := action.edit(), CreateEdit) and \
                    _unnamed(apply_edit(level, edit), kind) == _unnamed(want, kind):
                return False, True
        return False, False
    claimed = isinstance(step, AddRouteEdit)
    concrete = None
    if isinstance(step, (SetEdit, UnsetEdit)):
        concrete = resolve_path(find_object(level, step.ref).data(), step.path)
    after = find_object(want, step.ref).data()
    for action in _actions(level, step.ref):
        if action.draft is not None:
            continue
        if action.prompt is None:
            value = ""
        elif isinstance(step, AddRouteEdit) and action.kind == "route-add":
            value = f"{step.to} via {step.via}"
        elif concrete is not None and action.field is not None and \
                action.kind != "route-add" and \
                is_prefix(resolve_path(after, action.field), concrete):
            missing = object()
            current = get_path(after, action.field, missing)
            if current is missing:
                continue  # the step removes the field: a fixed action may (clear nodePort)
            claimed = True
            value = action.text_for(current)
        else:
            continue
        try:
            edit = action.edit(value)
        except InputError:
            continue
        if apply_edit(level, edit).spec == want.spec:
            return True, True
    return claimed, False


def test_level_solutions_are_made_of_the_quick_actions_a_player_sees() -> None:
    reproduced = 0
    for path in LEVEL_FILES:
        level = load(path)
        assert level.spec.puzzle is not None
        for i, step in enumerate(level.spec.puzzle.solution, 1):
            claimed, done = _reproduces(level, step)
            assert done or not claimed, f"{level_ids(path)} step {i}: {step}"
            reproduced += done
            level = apply_edit(level, step, enforce_locks=False)
    assert reproduced >= 5  # the campaign's Service, route and container-port repairs


def test_only_the_fields_a_puzzle_opens_get_actions() -> None:
    level = load_level_text(EDGE + EDGE_PUZZLE)
    ref = "service/shop/web"
    kinds = {a.kind for a in quick_actions(level, ref)}
    assert kinds == {"service-port", "target-port", "node-port", "node-port-clear"}
    kinds = {a.kind for a in quick_actions(edge(), ref)}
    assert {"service-type", "selector"} <= kinds
    node = {a.kind for a in quick_actions(level, "node/node-a")}
    assert node == {"route-add", "route-via", "route-remove"}
    assert quick_actions(level, "deployment/shop/web") == []



# ----------------------------------------------------------------- per kind


def _action(actions: list[QuickAction], kind: str, **match: Any) -> QuickAction:
    found = [a for a in actions if a.kind == kind and
             all(getattr(a, k) == v for k, v in match.items())]
    assert len(found) == 1, [a.label for a in actions]
    return found[0]


def test_service_actions_use_index_paths() -> None:
    level = edge()
    actions = quick_actions(level, "service/shop/web")
    assert _action(actions, "target-port").edit("8080") == SetEdit(
        ref="service/shop/web", path="spec.ports[0].targetPort", value=8080)
    assert _action(actions, "target-port").edit("http") == SetEdit(
        ref="service/shop/web", path="spec.ports[0].targetPort", value="http")
    assert _action(actions, "service-port").edit("8080") == SetEdit(
        ref="service/shop/web", path="spec.ports[0].port", value=8080)
    assert _action(actions, "node-port-clear").edit() == UnsetEdit(
        ref="service/shop/web", path="spec.ports[0].nodePort")
    assert _action(actions, "selector").edit("app=web,tier=front") == SetEdit(
        ref="service/shop/web", path="spec.selector", value={"app": "web", "tier": "front"})


def _service(level: LoadedLevel, ref: str) -> Service:
    obj = find_object(level, ref).obj
    assert isinstance(obj, Service)
    return obj


def test_cycle_type_walks_clusterip_nodeport_loadbalancer() -> None:
    level = edge()
    seen = []
    for _ in range(3):
        action = _action(quick_actions(level, "service/shop/api"), "service-type")
        level = apply_edit(level, action.edit())
        seen.append(_service(level, "service/shop/api").spec.type)
    assert seen == ["NodePort", "LoadBalancer", "ClusterIP"]


def test_an_external_name_service_offers_its_target_name() -> None:
    actions = quick_actions(edge(), "service/shop/legacy")
    assert {a.kind for a in actions} - {"delete", "rename", "policy-template"} == {
        "service-type", "service-type-set", "external-name"}
    action = _action(actions, "external-name")
    assert action.edit("db.example.com.") == SetEdit(
        ref="service/shop/legacy", path="spec.externalName", value="db.example.com.")
    assert action.validate("not a name!") is not None


def test_every_other_service_type_is_one_edit_away() -> None:
    actions = [a for a in quick_actions(edge(), "service/shop/api")
               if a.field == "spec.type"]
    assert [(a.kind, a.edit()) for a in actions] == [
        ("service-type", SetEdit(ref="service/shop/api", path="spec.type", value="NodePort")),
        ("service-type-set", SetEdit(ref="service/shop/api", path="spec.type",
                                     value="LoadBalancer")),
    ]


def test_a_pinned_node_port_keeps_cycle_type_away_from_clusterip() -> None:
    level = edge()
    svc = _service(level, "service/shop/web")
    assert next_service_type(svc) == "NodePort"  # ClusterIP would be refused with nodePort set
    actions = quick_actions(level, "service/shop/web")
    action = _action(actions, "service-type")
    assert "cleared first" in action.label
    assert "service-type-set" not in {a.kind for a in actions}
    assert next_service_type(_service(level, "service/shop/legacy")) == "ClusterIP"


def test_node_port_is_offered_only_for_exposed_types_and_checked_against_the_range() -> None:
    kinds = {a.kind for a in quick_actions(edge(), "service/shop/api")}
    assert "node-port" not in kinds  # a ClusterIP Service has no nodePort
    action = _action(quick_actions(edge(), "service/shop/web"), "node-port")
    assert action.validate("80") == "80 is outside the NodePort range 30000-32767"
    assert action.validate("30001") is None


def test_node_actions_add_and_remove_routes_and_toggle_flags() -> None:
    actions = quick_actions(edge(), "node/node-a")
    add = _action(actions, "route-add")
    assert add.edit("10.244.7.0/24 via 192.168.0.12") == AddRouteEdit(
        ref="node/node-a", to="10.244.7.0/24", via="192.168.0.12")
    via = [a for a in actions if a.kind == "route-via"]
    assert [a.edit("192.168.0.13") for a in via] == [
        SetEdit(ref="node/node-a", path="routes[0].via", value="192.168.0.13"),
        SetEdit(ref="node/node-a", path="routes[1].via", value="192.168.0.13")]
    assert via[0].validate("10.0.0.1") == (
        "the next hop 10.0.0.1 is not on the node network 192.168.0.0/24")
    removes = [a.edit() for a in actions if a.kind == "route-remove"]
    assert removes == [RemoveRouteEdit(ref="node/node-a", to="10.244.1.0/24"),
                       RemoveRouteEdit(ref="node/node-a", to="default")]
    assert _action(actions, "node-public").edit() == SetEdit(
        ref="node/node-a", path="public", value=False)
    assert _action(actions, "node-masquerade").edit() == SetEdit(
        ref="node/node-a", path="masquerade", value=False)
    assert add.validate("10.244.1.0/24 via 192.168.0.12") == (
        "there is already a route to 10.244.1.0/24; remove it first")
    assert add.validate("10.244.7.0/24 via 192.168.0.11") == (
        "192.168.0.11 is this node's own address; the next hop is another node or the gateway")


def test_a_node_without_routes_of_its_own_can_remove_its_default_route() -> None:
    level = edge()
    actions = quick_actions(level, "node/node-b")
    assert "route-via" not in {a.kind for a in actions}  # no entry of its own to change
    action = _action(actions, "route-remove")
    assert action.edit() == RemoveRouteEdit(ref="node/node-b", to="default")
    assert apply_edit(level, action.edit()).world.cluster.nodes[1].routes[-1].via is None


def test_ingress_actions_toggle_path_type_and_set_backend_ports_and_class() -> None:
    level = edge()
    actions = quick_actions(level, "ingress/shop/shop")
    toggles = [a.edit() for a in actions if a.kind == "path-type"]
    assert toggles == [
        SetEdit(ref="ingress/shop/shop", path="spec.rules[0].http.paths[0].pathType",
                value="Exact"),
        SetEdit(ref="ingress/shop/shop", path="spec.rules[0].http.paths[1].pathType",
                value="Prefix"),
    ]
    ports = {a.id: a for a in actions if a.kind == "backend-port"}
    assert set(ports) == {"backend-port-0-0", "backend-port-0-1", "default-backend-port"}
    assert ports["backend-port-0-0"].edit("80") == SetEdit(
        ref="ingress/shop/shop", path="spec.rules[0].http.paths[0].backend.service.port",
        value={"number": 80})
    assert ports["default-backend-port"].edit("http") == SetEdit(
        ref="ingress/shop/shop", path="spec.defaultBackend.service.port", value={"name": "http"})
    cls = _action(actions, "ingress-class")
    assert cls.edit("public") == SetEdit(ref="ingress/shop/shop", path="spec.ingressClassName",
                                         value="public")
    assert "nginx" in (cls.prompt.help if cls.prompt else "")


def test_pod_and_workload_actions_change_container_ports_and_labels() -> None:
    level = edge()
    pod = quick_actions(level, "pod/default/tools")
    assert _action(pod, "container-port").edit("2222") == SetEdit(
        ref="pod/default/tools", path="spec.containers[0].ports[0].containerPort", value=2222)
    assert _action(pod, "labels").edit("app=tools, debug=true") == SetEdit(
        ref="pod/default/tools", path="metadata.labels", value={"app": "tools", "debug": "true"})
    web = quick_actions(level, "deployment/shop/web")
    labels = _action(web, "labels")
    assert labels.prompt is not None
    assert labels.prompt.initial == "app=web"
    assert labels.edit("app=web, tier=front") == SetEdit(
        ref="deployment/shop/web", path="spec.template.metadata.labels",
        value={"app": "web", "tier": "front"})


def puzzled(create: str = "[]", delete: str = "[]", original: bool = True) -> LoadedLevel:
    """The edge cluster as a puzzle that opens every object but creates/deletes only these."""
    editable = ", ".join(sorted(edge().world.refs))
    return load_level_text(EDGE + f"puzzle:\n  editable: [{editable}]\n"
                                  f"  create: {create}\n  delete: {delete}\n")


def test_delete_is_offered_only_for_kinds_the_puzzle_lets_go() -> None:
    ref = "networkpolicy/shop/deny-all"
    assert "delete" not in {a.kind for a in quick_actions(puzzled(), ref)}
    delete = _action(quick_actions(puzzled(delete="[NetworkPolicy]"), ref), "delete")
    assert delete.edit() == DeleteEdit(ref=ref)


def test_an_object_the_player_created_can_be_deleted_and_renamed() -> None:
    level = puzzled(create="[NetworkPolicy]")
    original = original_refs(level)
    create = _action(quick_actions(level, "service/shop/web", original=original),
                     "policy-template", id="policy-default-deny").edit()
    level = apply_edit(level, create, original=original)
    ref = "networkpolicy/shop/default-deny-ingress"
    kinds = {a.kind for a in quick_actions(level, ref, original=original)}
    assert {"delete", "rename"} <= kinds
    assert "delete" not in {a.kind for a in quick_actions(
        level, "networkpolicy/shop/deny-all", original=original)}
    rename = _action(quick_actions(level, ref, original=original), "rename")
    edits = rename.edits("deny-ingress")
    after = apply_edits(level, edits, enforce_locks=True, original=original)
    assert find_object(after, "networkpolicy/shop/deny-ingress").index == \
        find_object(level, ref).index
    assert rename.validate("default-deny-ingress") is not None  # the same name


def test_policy_templates_need_create_and_land_in_the_selected_namespace() -> None:
    assert not [a for a in quick_actions(puzzled(), "service/shop/web")
                if a.kind == "policy-template"]
    actions = quick_actions(puzzled(create="[NetworkPolicy]"), "service/shop/web")
    templates = {a.id: a for a in actions if a.kind == "policy-template"}
    assert set(templates) == {"policy-default-deny", "policy-allow-dns",
                              "policy-allow-from-pods", "policy-allow-from-namespace"}
    deny = templates["policy-default-deny"].edit()
    assert isinstance(deny, CreateEdit)
    assert deny.manifest == {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": "default-deny-ingress", "namespace": "shop"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
    }
    from_pods = templates["policy-allow-from-pods"].edit("role=frontend")
    assert isinstance(from_pods, CreateEdit)
    assert from_pods.manifest["spec"] == {  # the Service's pods, from pods with the label
        "podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": ["Ingress"],
        "ingress": [{"from": [{"podSelector": {"matchLabels": {"role": "frontend"}}}]}],
    }
    from_ns = templates["policy-allow-from-namespace"].edit("monitoring")
    assert isinstance(from_ns, CreateEdit)
    assert from_ns.manifest["spec"]["ingress"] == [{"from": [{"namespaceSelector": {
        "matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}]}]
    assert templates["policy-allow-from-namespace"].validate("Not A Namespace") is not None


def test_template_names_never_collide_with_existing_policies() -> None:
    level = edge()
    first = _action(quick_actions(level, "namespace/shop"), "policy-template",
                    id="policy-default-deny").edit()
    level = apply_edit(level, first)
    second = _action(quick_actions(level, "namespace/shop"), "policy-template",
                     id="policy-default-deny").edit()
    assert isinstance(second, CreateEdit)
    assert second.manifest["metadata"]["name"] == "default-deny-ingress-2"
    apply_edit(level, second)


def test_a_workload_pod_gets_only_templates_built_from_its_labels() -> None:
    actions = quick_actions(puzzled(create="[NetworkPolicy]", delete="[Pod]"), "pod/shop/web-0")
    assert {a.kind for a in actions} == {"policy-template"}
    edit = _action(actions, "policy-template", id="policy-allow-from-pods").edit("app=x")
    assert isinstance(edit, CreateEdit)
    assert edit.manifest["spec"]["podSelector"] == {"matchLabels": {"app": "web"}}


def test_unknown_refs_offer_nothing() -> None:
    assert quick_actions(edge(), "service/shop/nope") != []  # templates only
    assert {a.kind for a in quick_actions(edge(), "service/shop/nope")} == {"policy-template"}
    assert quick_actions(edge(), "not a ref") == []
    assert {a.kind for a in quick_actions(puzzled(), "ingressclass/nginx")} == set()


# -------------------------------------------------------------------- parsing


def test_quick_actions_are_pure_logic_without_textual() -> None:
    code = ("import sys, k8snet_tui.game.actions\n"
            "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] == 'textual')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [("8080", 8080), ("http", "http"), ("dns-tcp", "dns-tcp")],
)
def test_target_port_accepts_numbers_and_port_names(text: str, expected: int | str) -> None:
    assert parse_port_or_name(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("70000", "70000 is outside 1-65535"),
        ("0", "0 is outside 1-65535"),
        ("HTTP", "is not a port name"),
        ("a-very-long-port-name", "too long"),
        ("", "enter a port number"),
    ],
)
def test_target_port_rejects_what_kubernetes_rejects(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_port_or_name(text)


def test_labels_parse_both_spellings_and_reject_bad_keys() -> None:
    assert parse_labels("app=web, tier: api") == {"app": "web", "tier": "api"}
    assert parse_labels('app.kubernetes.io/name=web') == {"app.kubernetes.io/name": "web"}
    assert parse_labels("") == {}
    for bad, why in [("app", "needs a value"), ("app=web,app=api", "given twice"),
                     ("-x=1", "not a label key"), ("app=we b", "not a valid value")]:
        with pytest.raises(InputError, match=why):
            parse_labels(bad)
    with pytest.raises(InputError, match="at least one"):
        parse_labels(" , ", allow_empty=False)


def test_routes_are_checked_like_the_level_loader_checks_them() -> None:
    net = edge().world.cluster.node_network
    assert parse_route("10.244.1.0/24 via 192.168.0.12", net) == ("10.244.1.0/24",
                                                                  "192.168.0.12")
    assert parse_route("default 192.168.0.1", net) == ("default", "192.168.0.1")
    for bad, why in [("10.244.1.5/24 via 192.168.0.12", "host bits"),
                     ("10.244.1.0/24 via 10.0.0.1", "not on the node network"),
                     ("nowhere via 192.168.0.1", "not a CIDR"),
                     ("10.244.1.0/24", "DESTINATION via NEXT-HOP"),
                     ("10.244.1.0/24 via gateway", "not an IPv4 address")]:
        with pytest.raises(InputError, match=why):
            parse_route(bad, net)
