"""The default IngressClass is not retroactive (SEMANTICS "Ingress", DESIGN §3).

The DefaultIngressClass admission plugin writes the default class into an
Ingress when it is created and never touches Ingresses that already exist. The
starting state has no history, so its class-less Ingresses are taken as created
while the default was already default; after that only created Ingresses are
admitted. Edits go through ``game.edits`` because the answer depends on history.
"""

from __future__ import annotations

import pytest

from k8snet_tui.engine.evaluate import Engine
from k8snet_tui.engine.trace import Reason, Trace, Verdict
from k8snet_tui.game.edits import EditError, apply_edit, invert_edit
from k8snet_tui.model.admission import DEFAULT_CLASS_ANNOTATION
from k8snet_tui.model.edits import CreateEdit, DeleteEdit, SetEdit
from k8snet_tui.model.load import LoadedLevel, load_level_text

from .conftest import (
    Manifest,
    assert_allowed,
    http_path,
    ingress,
    ingress_controller,
    level_yaml,
    namespace,
    pod,
    rule,
    service,
)

HOST = "shop.example.com"
URL = f"http://{HOST}/"
MARK_DEFAULT = SetEdit(ref="ingressclass/nginx", path="metadata.annotations",
                       value={DEFAULT_CLASS_ANNOTATION: "true"})


def shop_ingress(name: str = "web", class_name: str | None = None) -> Manifest:
    return ingress(name, [rule([http_path("/", "web")], host=HOST)], class_name=class_name)


def level(*, default_class: bool, extra: tuple[Manifest, ...] = (),
          with_ingress: bool = True) -> LoadedLevel:
    text = level_yaml(
        namespace("ingress-nginx"), *ingress_controller(default_class=default_class),
        namespace("shop"), pod("web", ns="shop"),
        service("web", ns="shop", selector={"app": "web"},
                ports=[{"name": "http", "port": 80, "targetPort": 8080}]),
        *([shop_ingress()] if with_ingress else []), *extra,
        cluster={"loadBalancerProvider": True})
    return load_level_text(text)


def get(state: LoadedLevel) -> Trace:
    return Engine(state.world).trace("internet", URL)


def hops(t: Trace) -> str:
    return "\n".join(h.what for h in t.hops)


def test_a_class_less_ingress_in_the_starting_state_is_taken_as_admitted_with_the_default(
) -> None:
    t = get(level(default_class=True))
    assert_allowed(t)
    assert 'taken as created while "nginx" was the default' in hops(t)


def test_marking_a_class_default_later_does_not_change_existing_ingresses() -> None:
    t = get(apply_edit(level(default_class=False), MARK_DEFAULT, enforce_locks=False))
    assert t.verdict is Verdict.DENY
    assert t.reason is Reason.INGRESS_CLASS_MISMATCH
    assert 'created before "nginx" was marked default' in t.detail


def test_an_ingress_created_after_the_default_is_marked_gets_the_default() -> None:
    state = level(default_class=False, with_ingress=False)
    state = apply_edit(state, MARK_DEFAULT, enforce_locks=False)
    state = apply_edit(state, CreateEdit(manifest=shop_ingress()), enforce_locks=False)
    t = get(state)
    assert_allowed(t)
    assert 'gave it the default class "nginx" when it was created' in hops(t)


def test_re_creating_an_existing_ingress_is_what_admits_it() -> None:
    state = apply_edit(level(default_class=False), MARK_DEFAULT, enforce_locks=False)
    state = apply_edit(state, DeleteEdit(ref="ingress/shop/web"), enforce_locks=False)
    state = apply_edit(state, CreateEdit(manifest=shop_ingress()), enforce_locks=False)
    assert_allowed(get(state))


def test_an_ingress_that_names_a_class_is_left_alone() -> None:
    other = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
             "metadata": {"name": "other"}, "spec": {"controller": "example.com/other"}}
    state = level(default_class=True, with_ingress=False, extra=(other,))
    state = apply_edit(state, CreateEdit(manifest=shop_ingress(class_name="other")),
                       enforce_locks=False)
    assert state.world.admitted == {}
    assert get(state).reason is Reason.INGRESS_CLASS_MISMATCH


def test_the_legacy_class_annotation_counts_as_naming_a_class() -> None:
    legacy = shop_ingress()
    legacy["metadata"]["annotations"] = {"kubernetes.io/ingress.class": "other"}
    assert level(default_class=True, with_ingress=False, extra=(legacy,)).world.admitted == {}


def test_with_two_default_classes_the_api_server_refuses_a_class_less_create() -> None:
    second = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
              "metadata": {"name": "b", "annotations": {DEFAULT_CLASS_ANNOTATION: "true"}},
              "spec": {"controller": "example.com/b"}}
    state = level(default_class=True, with_ingress=False, extra=(second,))
    with pytest.raises(EditError, match="2 IngressClasses are marked default"):
        apply_edit(state, CreateEdit(manifest=shop_ingress()), enforce_locks=False)


def test_undoing_the_delete_of_an_admitted_ingress_brings_it_back_served() -> None:
    start = level(default_class=True)
    delete = DeleteEdit(ref="ingress/shop/web")
    undo = invert_edit(start, delete)
    after = apply_edit(start, delete, enforce_locks=False)
    unmark = SetEdit(ref="ingressclass/nginx", path="metadata.annotations", value={})
    after = apply_edit(after, unmark, enforce_locks=False)  # no default any more
    back = apply_edit(after, undo, enforce_locks=False)
    assert_allowed(get(back))  # re-created as stored, with the class it had
