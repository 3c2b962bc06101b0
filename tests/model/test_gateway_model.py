"""Gateway API kinds as the specification defines them: fields, defaults, CRD validation.

Each test names the sentence of ``apis/v1/*_types.go`` (or the CRD's CEL rule) it
checks; a rule the API server enforces must be an error here at the field it blames.
"""

from __future__ import annotations

import pytest

from k8snet_tui.model.gateway import (
    Gateway,
    GatewayClass,
    GRPCRoute,
    HTTPRoute,
    ReferenceGrant,
    Secret,
)
from k8snet_tui.model.kinds import canonical_ref
from k8snet_tui.model.resources import KNOWN_KINDS, NAMESPACED_KINDS

from .helpers import at, level, load, one_error, pos

GW = "gateway.networking.k8s.io/v1"


def _resources(body: str) -> str:
    return level("resources:\n" + body)


def _gateway(listeners: str, extra: str = "") -> str:
    return _resources(f"""
- apiVersion: {GW}
  kind: Gateway
  metadata: {{name: g, namespace: infra}}
  spec:
    gatewayClassName: c
    listeners:
{listeners}{extra}""")


def _route(rules: str, spec: str = "") -> str:
    return _resources(f"""
- apiVersion: {GW}
  kind: HTTPRoute
  metadata: {{name: r, namespace: shop}}
  spec:
{spec}    rules:
{rules}""")


def _first(text: str) -> object:
    return load(text).spec.resources[0]


# -------------------------------------------------------------------- the kinds


def test_the_gateway_api_kinds_are_modelled_and_gatewayclass_is_cluster_scoped() -> None:
    for kind in ("GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant",
                 "Secret"):
        assert kind in KNOWN_KINDS
    assert "GatewayClass" not in NAMESPACED_KINDS
    assert {"Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant", "Secret"} <= NAMESPACED_KINDS


@pytest.mark.parametrize(("typed", "canonical"), [
    ("gtw/infra/public", "gateway/infra/public"),
    ("gateways/public", "gateway/default/public"),
    ("gc/shared", "gatewayclass/shared"),
    ("gatewayclasses/shared", "gatewayclass/shared"),
    ("httproutes/shop/r", "httproute/shop/r"),
    ("grpcroutes/shop/r", "grpcroute/shop/r"),
    ("refgrant/shop/g", "referencegrant/shop/g"),
    ("secrets/infra/cert", "secret/infra/cert"),
])
def test_kubectl_short_names_and_plurals_of_the_crds_are_accepted(typed: str,
                                                                  canonical: str) -> None:
    assert canonical_ref(typed) == canonical


# ------------------------------------------------------------------- defaults


def test_listener_allowed_routes_default_to_namespaces_from_same() -> None:
    gw = _first(_gateway("    - {name: http, port: 80, protocol: HTTP}\n"))
    assert isinstance(gw, Gateway)
    assert gw.spec.listeners[0].allowedRoutes.namespaces.from_ == "Same"
    assert gw.spec.listeners[0].allowedRoutes.kinds == []


def test_listener_tls_mode_defaults_to_terminate_and_certificate_refs_to_core_secrets() -> None:
    gw = _first(_gateway("    - {name: https, port: 443, protocol: HTTPS, "
                         "tls: {certificateRefs: [{name: cert}]}}\n"))
    assert isinstance(gw, Gateway)
    tls = gw.spec.listeners[0].tls
    assert tls is not None
    assert tls.mode == "Terminate"
    ref = tls.certificateRefs[0]
    assert (ref.group, ref.kind, ref.namespace) == ("", "Secret", None)


def test_route_kinds_default_to_the_gateway_api_group() -> None:
    gw = _first(_gateway("    - {name: http, port: 80, protocol: HTTP, "
                         "allowedRoutes: {kinds: [{kind: HTTPRoute}]}}\n"))
    assert isinstance(gw, Gateway)
    assert gw.spec.listeners[0].allowedRoutes.kinds[0].group == "gateway.networking.k8s.io"


def test_gateway_address_type_defaults_to_ipaddress() -> None:
    gw = _first(_gateway("    - {name: http, port: 80, protocol: HTTP}\n",
                         "    addresses: [{value: 192.0.2.50}]\n"))
    assert isinstance(gw, Gateway)
    assert gw.spec.addresses[0].type == "IPAddress"


def test_parent_ref_defaults_to_a_gateway_of_the_gateway_api_group() -> None:
    route = _first(_route("    - backendRefs: [{name: api, port: 80}]\n",
                          "    parentRefs: [{name: public}]\n"))
    assert isinstance(route, HTTPRoute)
    ref = route.spec.parentRefs[0]
    assert (ref.group, ref.kind, ref.namespace, ref.sectionName, ref.port) == (
        "gateway.networking.k8s.io", "Gateway", None, None, None)


def test_backend_ref_defaults_to_a_core_service_with_weight_one() -> None:
    route = _first(_route("    - backendRefs: [{name: api, port: 80}]\n"))
    assert isinstance(route, HTTPRoute)
    ref = route.spec.rules[0].backendRefs[0]
    assert (ref.group, ref.kind, ref.weight, ref.namespace) == ("", "Service", 1, None)


@pytest.mark.parametrize("matches", ["", "      matches: []\n"])
def test_a_rule_without_matches_matches_path_prefix_slash(matches: str) -> None:
    route = _first(_route("    - backendRefs: [{name: api, port: 80}]\n" + matches))
    assert isinstance(route, HTTPRoute)
    [match] = route.spec.rules[0].matches
    assert (match.path.type, match.path.value, match.headers, match.method) == (
        "PathPrefix", "/", [], None)


def test_an_httproute_without_rules_has_the_crds_default_rule() -> None:
    route = _first(_resources(f"- {{apiVersion: {GW}, kind: HTTPRoute, "
                              "metadata: {name: r}, spec: {}}\n"))
    assert isinstance(route, HTTPRoute)
    [rule] = route.spec.rules
    assert rule.matches[0].path.value == "/"
    assert rule.backendRefs == []


def test_path_type_defaults_to_path_prefix_and_value_to_slash() -> None:
    route = _first(_route("    - matches: [{path: {value: /api}}, {path: {type: Exact}}]\n"))
    assert isinstance(route, HTTPRoute)
    paths = [m.path for m in route.spec.rules[0].matches]
    assert [(p.type, p.value) for p in paths] == [("PathPrefix", "/api"), ("Exact", "/")]


def test_header_and_query_matches_default_to_exact() -> None:
    route = _first(_route("    - matches: [{headers: [{name: x-canary, value: 'true'}], "
                          "queryParams: [{name: debug, value: '1'}]}]\n"))
    assert isinstance(route, HTTPRoute)
    match = route.spec.rules[0].matches[0]
    assert match.headers[0].type == "Exact"
    assert match.queryParams[0].type == "Exact"


def test_request_redirect_status_code_defaults_to_302() -> None:
    route = _first(_route("    - filters: [{type: RequestRedirect, "
                          "requestRedirect: {scheme: https}}]\n"))
    assert isinstance(route, HTTPRoute)
    redirect = route.spec.rules[0].filters[0].requestRedirect
    assert redirect is not None
    assert redirect.statusCode == 302


def test_grpc_method_match_type_defaults_to_exact() -> None:
    route = _first(_resources(f"""
- apiVersion: {GW}
  kind: GRPCRoute
  metadata: {{name: r}}
  spec:
    rules:
    - matches: [{{method: {{service: shop.v1.Cart, method: AddItem}}}}]
      backendRefs: [{{name: cart, port: 9000}}]
"""))
    assert isinstance(route, GRPCRoute)
    method = route.spec.rules[0].matches[0].method
    assert method is not None
    assert (method.type, method.service) == ("Exact", "shop.v1.Cart")


@pytest.mark.parametrize("version", ["v1beta1", "v1"])
def test_reference_grant_is_read_in_v1beta1_and_v1(version: str) -> None:
    grant = _first(_resources(f"""
- apiVersion: gateway.networking.k8s.io/{version}
  kind: ReferenceGrant
  metadata: {{name: g, namespace: shop}}
  spec:
    from: [{{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web}}]
    to: [{{group: "", kind: Service}}]
"""))
    assert isinstance(grant, ReferenceGrant)
    assert grant.spec.to[0].name is None
    assert grant.spec.from_[0].namespace == "web"


def test_secret_type_defaults_to_opaque_and_its_data_is_accepted() -> None:
    text = _resources("- {apiVersion: v1, kind: Secret, metadata: {name: s}, "
                      "data: {tls.crt: eA==}}\n")
    loaded = load(text)
    secret = loaded.spec.resources[0]
    assert isinstance(secret, Secret)
    assert secret.type == "Opaque"
    assert [w for w in loaded.warnings if w.code == "unknown-key"] == []


def test_gatewayclass_status_accepted_true_is_read_from_its_conditions() -> None:
    gc = _first(_resources(f"""
- apiVersion: {GW}
  kind: GatewayClass
  metadata: {{name: c}}
  spec: {{controllerName: example.net/gw, description: shared}}
  status:
    conditions: [{{type: Accepted, status: "True", reason: Accepted,
                  lastTransitionTime: "2024-01-01T00:00:00Z"}}]
"""))
    assert isinstance(gc, GatewayClass)
    assert gc.status.accepted()


# ------------------------------------------------------------------ validation

_HTTP = "    - {name: http, port: 80, protocol: HTTP}\n"

INVALID = [
    pytest.param(_gateway(_HTTP + "    - {name: http, port: 8080, protocol: HTTP}\n"),
                 "resources[0].spec.listeners[1].name", "name: |http, port: 8080",
                 "Listener name must be unique", id="listener-names-unique"),
    pytest.param(_gateway(_HTTP + "    - {name: other, port: 80, protocol: HTTP}\n"),
                 "resources[0].spec.listeners[1].port", "other, port: |80",
                 "port, protocol and hostname must be unique", id="listener-combination-unique"),
    pytest.param(_gateway("    - {name: http, port: 0, protocol: HTTP}\n"),
                 "resources[0].spec.listeners[0].port", "port: |0", "greater than or equal to 1",
                 id="listener-port-at-least-1"),
    pytest.param(_gateway("    - {name: http, port: 65536, protocol: HTTP}\n"),
                 "resources[0].spec.listeners[0].port", "port: |65536",
                 "less than or equal to 65535", id="listener-port-at-most-65535"),
    pytest.param(_gateway("    - {name: http, port: 80}\n"),
                 "resources[0].spec.listeners[0].protocol", "|{name: http",
                 'required key "protocol" is missing', id="listener-protocol-required"),
    pytest.param(_gateway("    - {name: h, port: 80, protocol: HTTP, hostname: 10.0.0.1}\n"),
                 "resources[0].spec.listeners[0].hostname", "hostname: |10.0.0.1",
                 "is an IP address", id="hostname-never-an-ip"),
    pytest.param(_gateway("    - {name: h, port: 80, protocol: HTTP, hostname: 'a.*.com'}\n"),
                 "resources[0].spec.listeners[0].hostname", "hostname: |'a.*.com'",
                 "not a valid hostname", id="hostname-wildcard-only-as-first-label"),
    pytest.param(_gateway("    - {name: h, port: 80, protocol: HTTP, hostname: Shop.com}\n"),
                 "resources[0].spec.listeners[0].hostname", "hostname: |Shop.com",
                 "not a valid hostname", id="hostname-lowercase-dns-labels"),
    pytest.param(_gateway("    - {name: s, port: 443, protocol: HTTPS, tls: {}}\n"),
                 "resources[0].spec.listeners[0].tls", "|tls: {}",
                 "tls mode Terminate (the default) needs certificateRefs",
                 id="terminate-needs-certificate-refs"),
    pytest.param(_gateway("    - {name: s, port: 443, protocol: HTTPS}\n"),
                 "resources[0].spec.listeners[0]", "|{name: s",
                 "protocol HTTPS needs tls", id="https-needs-tls"),
    pytest.param(_gateway("    - {name: s, port: 443, protocol: TLS}\n"),
                 "resources[0].spec.listeners[0]", "|{name: s",
                 "protocol TLS needs tls", id="tls-protocol-needs-tls"),
    pytest.param(_gateway("    - {name: h, port: 80, protocol: HTTP, "
                          "tls: {certificateRefs: [{name: c}]}}\n"),
                 "resources[0].spec.listeners[0].tls", "|tls: {certificateRefs",
                 "tls must not be specified for protocol HTTP", id="http-listener-has-no-tls"),
    pytest.param(_gateway("    - {name: s, port: 443, protocol: HTTPS, "
                          "tls: {mode: Passthrough}}\n"),
                 "resources[0].spec.listeners[0].tls.mode", "mode: |Passthrough",
                 "tls mode must be Terminate for protocol HTTPS", id="https-mode-terminate"),
    pytest.param(_gateway("    - {name: t, port: 9000, protocol: TCP, hostname: a.com}\n"),
                 "resources[0].spec.listeners[0].hostname", "hostname: |a.com",
                 "hostname must not be specified for protocol TCP", id="tcp-has-no-hostname"),
    pytest.param(_gateway("".join(f"    - {{name: l{i}, port: {1000 + i}, protocol: HTTP}}\n"
                                  for i in range(65))),
                 "resources[0].spec.listeners", "|listeners:",
                 "at most 64 listeners (got 65)", id="max-64-listeners"),
    pytest.param(_gateway(_HTTP, "    addresses: [{value: not-an-ip}]\n"),
                 "resources[0].spec.addresses[0]", "|{value: not-an-ip}",
                 "is not an IP address (type IPAddress)", id="ipaddress-value-is-an-ip"),
    pytest.param(_gateway(_HTTP, "    addresses: [{value: 192.0.2.5}, {value: 192.0.2.5}]\n"),
                 "resources[0].spec.addresses[1].value", "}, {value: |192.0.2.5}",
                 "IPAddress values must be unique", id="addresses-unique"),
    pytest.param(_route("    - matches: [{path: {value: api}}]\n"),
                 "resources[0].spec.rules[0].matches[0].path.value", "value: |api",
                 "must be an absolute path and start with '/'", id="path-starts-with-slash"),
    pytest.param(_route("    - matches: [{path: {type: Exact, value: /a//b}}]\n"),
                 "resources[0].spec.rules[0].matches[0].path.value", "value: |/a//b",
                 "must not contain '//'", id="path-no-double-slash"),
    pytest.param(_route("".join("    - backendRefs: [{name: a, port: 80}]\n"
                                for _ in range(17))),
                 "resources[0].spec.rules", "|rules:", "at most 16 rules (got 17)",
                 id="max-16-rules"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80}]\n",
                        "    hostnames: [" + ", ".join(f"h{i}.com" for i in range(17)) + "]\n"),
                 "resources[0].spec.hostnames", "|hostnames: [", "at most 16 hostnames (got 17)",
                 id="max-16-hostnames"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80}]\n",
                        "    parentRefs: [" + ", ".join(f"{{name: g{i}}}" for i in range(33))
                        + "]\n"),
                 "resources[0].spec.parentRefs", "|parentRefs: [",
                 "at most 32 parentRefs (got 33)", id="max-32-parent-refs"),
    pytest.param(_route("    - backendRefs: [" + ", ".join(f"{{name: b{i}, port: 80}}"
                                                         for i in range(17)) + "]\n"),
                 "resources[0].spec.rules[0].backendRefs", "|backendRefs: [{name: b0",
                 "at most 16 backendRefs (got 17)", id="max-16-backend-refs"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80, weight: 1000001}]\n"),
                 "resources[0].spec.rules[0].backendRefs[0].weight", "weight: |1000001",
                 "less than or equal to 1000000", id="weight-at-most-a-million"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80, weight: -1}]\n"),
                 "resources[0].spec.rules[0].backendRefs[0].weight", "weight: |-1",
                 "greater than or equal to 0", id="weight-at-least-zero"),
    pytest.param(_route("    - backendRefs: [{name: api}]\n"),
                 "resources[0].spec.rules[0].backendRefs[0]", "|{name: api}",
                 "backendRef to Service 'api' needs port", id="service-backend-needs-port"),
    pytest.param(_route("    - filters:\n"
                        "      - {type: RequestRedirect, requestRedirect: {scheme: https}}\n"
                        "      - {type: URLRewrite, urlRewrite: {hostname: a.com}}\n"),
                 "resources[0].spec.rules[0].filters[1].type", "type: |URLRewrite",
                 "either RequestRedirect or URLRewrite, but not both",
                 id="redirect-and-rewrite-not-both"),
    pytest.param(_route("    - filters: [{type: RequestRedirect, requestRedirect: {port: 8443}}]\n"
                        "      backendRefs: [{name: a, port: 80}]\n"),
                 "resources[0].spec.rules[0].filters[0].type", "type: |RequestRedirect",
                 "RequestRedirect filter must not be used together with backendRefs",
                 id="redirect-without-backend-refs"),
    pytest.param(_route("    - filters:\n"
                        "      - {type: RequestHeaderModifier, requestHeaderModifier: {}}\n"
                        "      - {type: RequestHeaderModifier, requestHeaderModifier: {}}\n"
                        "      backendRefs: [{name: a, port: 80}]\n"),
                 "resources[0].spec.rules[0].filters[1].type",
                 "}\n      - {type: |RequestHeaderModifier",
                 "RequestHeaderModifier filter cannot be repeated", id="filter-not-repeated"),
    pytest.param(_route("    - filters: [{type: RequestRedirect, "
                        "requestRedirect: {statusCode: 304}}]\n"),
                 "resources[0].spec.rules[0].filters[0].requestRedirect.statusCode",
                 "statusCode: |304", "Input should be 301, 302, 303, 307 or 308",
                 id="status-code-enum"),
    pytest.param(_route("    - filters: [{type: URLRewrite}]\n"),
                 "resources[0].spec.rules[0].filters[0]", "|{type: URLRewrite}",
                 "filter.urlRewrite must be specified for URLRewrite filter.type",
                 id="filter-config-required-for-its-type"),
    pytest.param(_route("    - filters: [{type: URLRewrite, urlRewrite: {}, "
                        "requestRedirect: {}}]\n"),
                 "resources[0].spec.rules[0].filters[0]", "|{type: URLRewrite,",
                 "filter.requestRedirect must be nil if the filter.type is not RequestRedirect",
                 id="filter-config-only-for-its-type"),
    pytest.param(_route("    - matches: [{path: {type: Exact, value: /a}}]\n"
                        "      filters: [{type: URLRewrite, urlRewrite: {path: "
                        "{type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]\n"),
                 "resources[0].spec.rules[0].filters[0].urlRewrite.path.type",
                 "path: {type: |ReplacePrefixMatch", "exactly one PathPrefix match",
                 id="replace-prefix-needs-one-path-prefix"),
    pytest.param(_route("    - filters: [{type: URLRewrite, urlRewrite: {path: "
                        "{type: ReplaceFullPath}}}]\n"),
                 "resources[0].spec.rules[0].filters[0].urlRewrite.path",
                 "|path: {type: ReplaceFullPath}",
                 "replaceFullPath must be specified when type is ReplaceFullPath",
                 id="path-modifier-value-for-its-type"),
    pytest.param(_route("    - matches: [{headers: [{name: 'x canary', value: '1'}]}]\n"),
                 "resources[0].spec.rules[0].matches[0].headers[0].name",
                 "name: |'x canary'", "not a valid header name", id="header-name-is-a-token"),
    pytest.param(_route("    - matches: [{headers: [{name: a, value: '1'}, "
                        "{name: a, value: '2'}]}]\n"),
                 "resources[0].spec.rules[0].matches[0].headers[1].name",
                 "{name: |a, value: '2'}", 'duplicate header match "a"',
                 id="header-matches-keyed-by-name"),
    pytest.param(_route("    - matches: [{method: get}]\n"),
                 "resources[0].spec.rules[0].matches[0].method", "method: |get",
                 "did you mean GET?", id="method-enum-upper-case"),
    pytest.param(_route("    - {name: a, backendRefs: [{name: x, port: 80}]}\n"
                        "    - {name: a, backendRefs: [{name: y, port: 80}]}\n"),
                 "resources[0].spec.rules[1].name", "- {name: |a, backendRefs: [{name: y",
                 "rule name must be unique within the route", id="rule-names-unique"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80}]\n",
                        "    parentRefs: [{name: g}, {name: g}]\n"),
                 "resources[0].spec.parentRefs[0]", "parentRefs: [|{name: g}",
                 "sectionName or port must be specified", id="same-parent-needs-section-name"),
    pytest.param(_route("    - backendRefs: [{name: a, port: 80}]\n",
                        "    parentRefs: [{name: g, sectionName: s}, {name: g, sectionName: s}]\n"),
                 "resources[0].spec.parentRefs[1]", "}, |{name: g, sectionName: s}",
                 "sectionName or port must be unique", id="same-parent-distinct-sections"),
    pytest.param(_resources(f"- {{apiVersion: {GW}, kind: GatewayClass, metadata: {{name: c}}, "
                            "spec: {controllerName: nodomain}}\n"),
                 "resources[0].spec.controllerName", "controllerName: |nodomain",
                 "not a valid controller name", id="controller-name-domain-prefixed-path"),
    pytest.param(_resources(f"- {{apiVersion: {GW}, kind: GRPCRoute, metadata: {{name: r}}, "
                            "spec: {rules: [{matches: [{method: {type: Exact}}]}]}}\n"),
                 "resources[0].spec.rules[0].matches[0].method", "|method: {type: Exact}",
                 "one or both of service and method must be specified",
                 id="grpc-method-match-needs-service-or-method"),
    pytest.param(_resources("- {apiVersion: gateway.networking.k8s.io/v1beta1, kind: Gateway, "
                            "metadata: {name: g}, spec: {gatewayClassName: c, "
                            "listeners: [{name: h, port: 80, protocol: HTTP}]}}\n"),
                 "resources[0].apiVersion", "apiVersion: |gateway.networking.k8s.io/v1beta1",
                 "gateway.networking.k8s.io/v1", id="gateway-api-version-v1"),
    pytest.param(_resources("- apiVersion: gateway.networking.k8s.io/v1\n"
                            "  kind: ReferenceGrant\n  metadata: {name: g}\n"
                            "  spec: {from: [], to: [{group: '', kind: Service}]}\n"),
                 "resources[0].spec.from", "|from: []", "at least 1 item",
                 id="reference-grant-from-at-least-one"),
]


@pytest.mark.parametrize(("text", "field", "token", "says"), INVALID)
def test_crd_validation_is_one_error_at_the_field_with_line_and_column(
        text: str, field: str, token: str, says: str) -> None:
    error = one_error(text)
    assert error.field == field
    assert says in error.message
    assert at(error) == pos(text, token)
    assert "Traceback" not in str(error)
