"""After every edit, undo or redo the game says which flows it fixed and which it broke."""

from __future__ import annotations

from k8snet_tui.game.session import Session
from k8snet_tui.game.view import StateView
from k8snet_tui.model.edits import DeleteEdit, SetEdit
from k8snet_tui.model.load import load_level_text
from tests.game.conftest import load_sample

SHOP = """\
format: k8snet/v1
id: changes
resources:
  - {apiVersion: v1, kind: Pod, metadata: {name: web, namespace: shop, labels: {app: web}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: tools, namespace: shop, labels: {app: tools}}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: shop, labels: {app: api}}
    spec: {containers: [{name: api, ports: [{containerPort: 8080, name: http}]}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec: {selector: {app: api}, ports: [{port: 80, targetPort: 9999}]}
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-from-web, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress: [{from: [{podSelector: {matchLabels: {app: web}}}]}]
flows:
  - {name: web reaches the API, from: pod/shop/web, to: service/shop/api:80}
  - {name: tools must not reach the API, from: pod/shop/tools, to: pod/shop/api:8080,
     expect: deny}
"""
FIX = SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="http")


def _shop() -> Session:
    return Session(load_level_text(SHOP, "changes.yaml"))


def test_a_fixing_edit_is_named_as_fixed_and_undo_as_broken() -> None:
    session = _shop()
    assert not session.last_change.changed
    session.apply(FIX)
    assert session.last_change.fixed == (0,)
    assert session.last_change.describe() == "fixed: web reaches the API"
    session.undo()
    assert session.last_change.broke == (0,)
    assert session.last_change.describe() == "broke: web reaches the API"
    session.redo()
    assert session.last_change.describe() == "fixed: web reaches the API"


def test_an_edit_that_opens_a_deny_flow_says_what_it_broke() -> None:
    session = _shop()
    assert session.result.traces[1].ok
    session.apply(DeleteEdit(ref="networkpolicy/shop/api-from-web"))
    change = session.last_change
    assert 1 in change.broke
    assert "broke: tools must not reach the API" in change.describe()


def test_a_flow_still_wrong_for_another_reason_counts_as_changed() -> None:
    session = _shop()
    before = session.result.traces[0].reason
    session.apply(SetEdit(ref="service/shop/api", path="spec.selector", value={"app": "nope"}))
    assert session.result.traces[0].reason != before
    assert session.last_change.moved == (0,)
    assert session.last_change.changed == frozenset({0})


def test_the_view_of_a_state_is_built_once_and_follows_edits() -> None:
    session = Session(load_sample(puzzle=False))
    view = session.view
    assert session.view is view
    svc = view.service("shop", "api")
    assert svc is not None
    assert [p.name for p in view.selected_pods(svc)] == ["api-0", "api-1"]
    assert view.named_ports(svc) == {"http": (9090,), "metrics": (9100,)}
    assert view.endpoints(svc, 0).endpoints[0].port == 8080
    session.apply(SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort",
                          value="http"))
    assert session.view is not view
    after = session.view.service("shop", "api")
    assert after is not None
    assert {e.port for e in session.view.endpoints(after, 0).endpoints} == {9090}
    assert isinstance(session.view, StateView)
