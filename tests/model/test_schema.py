"""The JSON Schema exported from the models (``k8snet-tui schema``) is valid and agrees
with the loader: a sample level validates, broken ones do not.

jsonschema is not a dependency; when it is installed it is used, otherwise a
small validator for exactly the keywords pydantic emits checks the same things
(and refuses to run on a keyword it does not know, so it never passes by
ignoring something).
"""

from __future__ import annotations

import importlib.util
import json
import re
from typing import Any

import pytest

from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.yamlsource import MarkTable, read_documents

from .helpers import load

SAMPLE = """\
format: k8snet/v1
id: svc-targetport
title: The port that wasn't
difficulty: 2
concepts: [pod-to-service]
briefing: |
  The web pod cannot reach the API.
debrief: |
  targetPort must match a containerPort.
cluster:
  clusterCIDR: 10.244.0.0/16
  serviceCIDR: 10.96.0.0/12
  nodePortRange: 30000-32767
  domain: cluster.local
  podNetwork: routes
  loadBalancerProvider: false
  nodeNetwork: 192.168.0.0/24
  gateway: 192.168.0.1
  nodes:
    - name: node-a
      ip: 192.168.0.11
      podCIDR: 10.244.1.0/24
      public: true
      masquerade: true
      routes:
        - {to: 10.244.2.0/24, via: 192.168.0.12}
        - {to: default, via: 192.168.0.1}
    - name: node-b
      podCIDR: 10.244.2.0/24
resources:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: shop, labels: {team: shop}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec:
      nodeName: node-a
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 8080, name: http}]
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: api}}
      template:
        metadata: {labels: {app: api}}
        spec:
          containers: [{name: api, image: api, ports: [{containerPort: 9090, name: http}]}]
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: api}
      ports: [{name: http, port: 8080, targetPort: 8080}]
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: api-in, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: api}}
      policyTypes: [Ingress]
      ingress:
        - from:
            - podSelector: {matchLabels: {app: web}}
            - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
          ports: [{port: 9000, endPort: 9100}]
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: settings, namespace: shop}
    data: {level: debug}
flows:
  - name: web can reach the API
    from: pod/shop/web
    to: service/shop/api:8080
    expect: allow
  - from: internet
    to: service/shop/api:8080
    expect: deny
puzzle:
  editable:
    - service/shop/api
    - {ref: node/node-a, fields: [routes]}
  create: [NetworkPolicy]
  delete: [NetworkPolicy]
  par: 1
  hints: ["Look at the ports.", "targetPort", "Set targetPort to http."]
  solution:
    - {op: set, ref: service/shop/api, path: "spec.ports[0].targetPort", value: http}
    - {op: add-route, ref: node/node-a, to: 10.244.3.0/24, via: 192.168.0.12}
"""


def _schema() -> dict[str, Any]:
    return LevelFile.model_json_schema(by_alias=True)


def _yaml(text: str) -> Any:
    [doc] = read_documents(text, None, MarkTable())
    return doc


# ------------------------------------------------------- a minimal validator

_KNOWN = {"$defs", "$ref", "type", "properties", "required", "additionalProperties", "items",
          "anyOf", "oneOf", "not", "enum", "const", "pattern", "minimum", "maximum",
          "minLength", "maxLength", "minItems", "maxItems",
          # annotations only: they never make an instance invalid
          "title", "description", "default", "format", "discriminator", "examples"}
_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def _keywords(schema: Any, found: set[str]) -> set[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            found.add(key)
            if key in ("properties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("enum", "const", "default", "discriminator", "examples"):
                _keywords(value, found)
    elif isinstance(schema, list):
        for item in schema:
            _keywords(item, found)
    return found


def _errors(instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$"
            ) -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _errors(instance, root["$defs"][name], root, path)
    out: list[str] = []
    kind = schema.get("type")
    if kind == "integer":
        ok = isinstance(instance, int) and not isinstance(instance, bool)
    elif kind == "number":
        ok = isinstance(instance, (int, float)) and not isinstance(instance, bool)
    elif kind is not None:
        ok = isinstance(instance, _TYPES[kind]) and not (kind != "boolean" and
                                                          isinstance(instance, bool))
    else:
        ok = True
    if not ok:
        return [f"{path}: {instance!r} is not of type {kind}"]
    if "const" in schema and instance != schema["const"]:
        out.append(f"{path}: {instance!r} != {schema['const']!r}")
    if "enum" in schema and instance not in schema["enum"]:
        out.append(f"{path}: {instance!r} not in {schema['enum']}")
    if isinstance(instance, str):
        if "pattern" in schema and not re.search(schema["pattern"], instance):
            out.append(f"{path}: {instance!r} does not match {schema['pattern']}")
        if len(instance) < schema.get("minLength", 0):
            out.append(f"{path}: too short")
        if len(instance) > schema.get("maxLength", len(instance)):
            out.append(f"{path}: too long")
    if isinstance(instance, (int, float)) and not isinstance(instance, bool):
        if instance < schema.get("minimum", instance):
            out.append(f"{path}: below minimum")
        if instance > schema.get("maximum", instance):
            out.append(f"{path}: above maximum")
    if isinstance(instance, list):
        if len(instance) < schema.get("minItems", 0):
            out.append(f"{path}: too few items")
        if len(instance) > schema.get("maxItems", len(instance)):
            out.append(f"{path}: too many items")
        for i, item in enumerate(instance):
            out += _errors(item, schema.get("items", {}), root, f"{path}[{i}]")
    if isinstance(instance, dict):
        props = schema.get("properties", {})
        out += [f"{path}: missing {key}" for key in schema.get("required", [])
                if key not in instance]
        for key, value in instance.items():
            if key in props:
                out += _errors(value, props[key], root, f"{path}.{key}")
            elif schema.get("additionalProperties") is False:
                out.append(f"{path}: unexpected {key}")
    if "anyOf" in schema and all(_errors(instance, s, root, path) for s in schema["anyOf"]):
        out.append(f"{path}: matches none of anyOf")
    if "oneOf" in schema:
        matching = sum(not _errors(instance, s, root, path) for s in schema["oneOf"])
        if matching != 1:
            out.append(f"{path}: matches {matching} of oneOf (exactly one required)")
    if "not" in schema and not _errors(instance, schema["not"], root, path):
        out.append(f"{path}: matches a 'not' schema")
    return out


def _validate(instance: Any) -> list[str]:
    schema = _schema()
    if importlib.util.find_spec("jsonschema") is not None:  # pragma: no cover - optional
        import jsonschema  # type: ignore[import-untyped,unused-ignore]

        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        return [f"{e.json_path}: {e.message}" for e in validator.iter_errors(instance)]
    unknown = _keywords(schema, set()) - _KNOWN
    assert not unknown, f"the test validator does not know {unknown}; teach it first"
    return _errors(instance, schema, schema)


# ------------------------------------------------------------------- tests


def test_schema_is_json_with_the_documented_top_level_contract() -> None:
    schema = json.loads(json.dumps(_schema()))
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"format", "id", "flows"}
    assert schema["properties"]["format"]["const"] == "k8snet/v1"
    assert {"format", "id", "title", "difficulty", "concepts", "briefing", "debrief", "cluster",
            "include", "resources", "flows", "puzzle"} == set(schema["properties"])


def test_every_ref_in_the_schema_resolves() -> None:
    schema = _schema()
    refs = set(re.findall(r'"\$ref": "#/\$defs/([^"]+)"', json.dumps(schema)))
    assert refs
    assert refs <= set(schema["$defs"])


def test_schema_uses_kubernetes_and_format_field_names_not_python_ones() -> None:
    defs = _schema()["$defs"]
    assert "from" in defs["FlowSpec"]["properties"]
    assert "from_" not in defs["FlowSpec"]["properties"]
    assert "except" in defs["IPBlock"]["properties"]
    assert "from" in defs["NetworkPolicyIngressRule"]["properties"]


def test_our_own_sections_forbid_unknown_keys_and_kubernetes_objects_flag_them() -> None:
    defs = _schema()["$defs"]
    for strict in ("ClusterSpec", "NodeSpec", "RouteSpec", "FlowSpec", "Puzzle", "SetEdit",
                   "Pod", "Service", "ObjectMeta", "NetworkPolicySpec"):
        assert defs[strict]["additionalProperties"] is False, strict
    # Kinds the engine does not model are not ours to judge.
    assert defs["OtherResource"].get("additionalProperties") is True


def test_schema_lists_the_real_apis_unmodelled_fields_so_real_manifests_validate() -> None:
    defs = _schema()["$defs"]
    assert "managedFields" in defs["ObjectMeta"]["properties"]
    assert "livenessProbe" in defs["Container"]["properties"]
    assert "sessionAffinity" in defs["ServiceSpec"]["properties"]
    assert "podSelectr" not in defs["NetworkPolicySpec"]["properties"]


def test_schema_flags_a_misspelt_kubernetes_field() -> None:
    doc = _yaml(SAMPLE)
    policy = next(r for r in doc["resources"] if r["kind"] == "NetworkPolicy")
    policy["spec"]["podSelectr"] = policy["spec"].pop("podSelector")
    assert _validate(doc) != []


def test_sample_level_loads_and_validates_against_the_schema() -> None:
    loaded = load(SAMPLE)
    assert loaded.spec.id == "svc-targetport"
    assert _validate(_yaml(SAMPLE)) == []


def test_every_modelled_resource_matches_exactly_one_branch_of_the_resource_union() -> None:
    # OtherResource must not also claim a Pod, or oneOf rejects every valid Pod.
    doc = _yaml(SAMPLE)
    for res in doc["resources"]:
        assert _validate({"format": "k8snet/v1", "id": "x", "flows": [],
                          "resources": [res]}) == [], res["kind"]


@pytest.mark.parametrize(("change", "where"), [
    pytest.param({"colour": "red"}, "colour", id="unknown-top-level-key"),
    pytest.param({"format": "k8snet/v2"}, "format", id="wrong-format"),
    pytest.param({"difficulty": 9}, "difficulty", id="difficulty-out-of-range"),
    pytest.param({"id": "Not An Id"}, "id", id="id-pattern"),
    pytest.param({"cluster": {"nodes": [{"name": "a", "zone": "x"}]}}, "cluster",
                 id="unknown-node-key"),
    pytest.param({"flows": [{"from": "internet", "to": "x:1", "expect": "maybe"}]}, "flows",
                 id="bad-expect"),
    pytest.param({"resources": [{"kind": "Pod"}]}, "resources", id="pod-without-metadata"),
    pytest.param({"puzzle": {"solution": [{"op": "set", "ref": "x"}]}}, "puzzle",
                 id="set-edit-without-path"),
])
def test_schema_rejects_what_the_loader_rejects(change: dict[str, Any], where: str) -> None:
    doc = {"format": "k8snet/v1", "id": "x", "flows": []} | change
    assert _validate(doc) != []
    assert _validate({"format": "k8snet/v1", "id": "x", "flows": []}) == []
