"""Edits and explanations around Gateway API objects, as the API server and a player see them."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.engine.evaluate import Engine
from k8snet_tui.game.edits import EditError, apply_edit
from k8snet_tui.game.explain import explain, may_edit
from k8snet_tui.model.edits import SetEdit
from k8snet_tui.model.flows import FlowSpec
from k8snet_tui.model.load import LoadedLevel, load_level_text, load_manifests

LEVEL = """
format: k8snet/v1
id: gw
cluster:
  gatewayControllers: [example.com/gw]
  loadBalancerProvider: true
resources:
  - apiVersion: gateway.networking.k8s.io/v1
    kind: GatewayClass
    metadata: {name: eg}
    spec: {controllerName: example.com/gw}
  - apiVersion: gateway.networking.k8s.io/v1
    kind: Gateway
    metadata: {name: public, namespace: infra}
    spec:
      gatewayClassName: eg
      listeners: [{name: http, port: 80, protocol: HTTP}]
  - apiVersion: gateway.networking.k8s.io/v1
    kind: HTTPRoute
    metadata: {name: web, namespace: infra}
    spec:
      parentRefs: [{name: public}]
      rules: [{backendRefs: [{name: web, port: 80}]}]
  - apiVersion: v1
    kind: Secret
    metadata: {name: cert, namespace: infra}
    type: kubernetes.io/tls
  - apiVersion: v1
    kind: Pod
    metadata: {name: web-0, namespace: infra, labels: {app: web}}
    spec: {containers: [{name: web, image: web, ports: [{containerPort: 8080}]}]}
  - apiVersion: v1
    kind: Service
    metadata: {name: web, namespace: infra}
    spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
flows:
  - {name: admin stays private, from: internet, to: "http://shop.example.com/admin",
     expect: deny}
"""


def _level() -> LoadedLevel:
    return load_level_text(LEVEL, filename="gw.yaml")


@pytest.mark.parametrize(("ref", "path", "value"), [
    ("gatewayclass/eg", "spec.controllerName", "example.com/other"),
    ("secret/infra/cert", "type", "Opaque"),
])
def test_an_immutable_field_cannot_change_on_an_existing_object(ref: str, path: str,
                                                                value: str) -> None:
    with pytest.raises(EditError, match="is immutable"):
        apply_edit(_level(), SetEdit(op="set", ref=ref, path=path, value=value),
                   enforce_locks=False)


def test_a_mutable_field_of_the_same_object_still_changes() -> None:
    edited = apply_edit(_level(), SetEdit(op="set", ref="gatewayclass/eg",
                                          path="spec.description", value="Envoy"),
                        enforce_locks=False)
    assert edited.world.gateway_classes[0].spec.description == "Envoy"


def test_what_a_controller_generates_is_never_offered_as_the_thing_to_change() -> None:
    level = _level()
    assert not may_edit(level, "service/infra/public", "spec.type")
    assert not may_edit(level, "pod/infra/public-eg")
    assert may_edit(level, "httproute/infra/web", "spec.rules")


def test_a_request_that_should_be_refused_is_explained_by_the_rule_that_took_it() -> None:
    level = _level()
    flow = level.spec.flows[0]
    trace = Engine(level.world).evaluate(flow)
    assert trace.verdict.value == "allow"
    why = explain(level, trace)
    assert why is not None
    assert why.ref == "httproute/infra/web"
    assert "rule 0" in why.text
    assert isinstance(flow, FlowSpec)


def test_a_real_clusters_dump_keeps_its_controllers_status_after_an_edit() -> None:
    """Edits rebuild the world; what the cluster's controllers wrote into status (an
    Accepted GatewayClass, a Gateway's address) must still count afterwards."""
    dump = Path(__file__).parents[1] / "engine" / "gateway_dump.yaml"
    level = load_manifests(dump)
    edited = apply_edit(level, SetEdit(op="set", ref="httproute/infra/web",
                                       path="spec.hostnames", value=["shop.example.com"]),
                        enforce_locks=False)
    assert edited.plain
    assert Engine(edited.world).trace("internet", "http://shop.example.com/").verdict.value \
        == "allow"
