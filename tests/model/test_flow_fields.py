"""DESIGN.md "Flow fields beyond from, to, expect": method, headers, via, servedBy and the
URL query, as the model reads them (their evaluation belongs to the engine).

Each refusal is checked for the sentence a player reads, and for the field it is pinned
to (``flows[0].via``), because "which key, and what to write instead" is the point.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from k8snet_tui.model.flows import (
    DEFAULT_METHOD,
    HTTP_METHODS,
    DestRef,
    FlowSpec,
    RefError,
    ServedByRef,
    ViaRef,
    parse_dest,
    parse_query,
    parse_served_by,
    parse_via,
)

from .helpers import level, load, one_error, pos, problems

URL = "http://shop.example.com/api/cart"


def flow(**fields: Any) -> FlowSpec:
    """A FlowSpec from internet to URL, with ``fields`` (``served_by`` → ``servedBy``)."""
    raw: dict[str, Any] = {"from": "internet", "to": URL}
    raw.update({("servedBy" if k == "served_by" else k): v for k, v in fields.items()})
    return FlowSpec.model_validate(raw)


def refusal(**fields: Any) -> str:
    """The one message a FlowSpec with ``fields`` is refused with."""
    with pytest.raises(ValidationError) as info:
        flow(**fields)
    [error] = info.value.errors()
    return str(error["msg"]).removeprefix("Value error, ")


# ------------------------------------------------------------------ the example

EXAMPLE = level("""
    resources:
      - apiVersion: v1
        kind: Service
        metadata: {name: api-v2, namespace: shop}
        spec: {selector: {app: api}, ports: [{port: 80}]}
      - apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public, namespace: infra}
        spec:
          gatewayClassName: example
          listeners: [{name: http, port: 80, protocol: HTTP}]
    """, head="""\
format: k8snet/v1
id: t
flows:
  - name: canary testers reach v2
    from: internet
    to: http://shop.example.com/api/cart?debug=1
    method: POST
    headers: {x-canary: "true"}
    via: gateway/infra/public
    servedBy: service/shop/api-v2
    expect: allow
""")


def test_the_design_example_loads_and_keeps_what_was_written() -> None:
    spec = load(EXAMPLE).spec.flows[0]
    assert (spec.method, spec.headers, spec.via, spec.servedBy) == (
        "POST", {"x-canary": "true"}, "gateway/infra/public", "service/shop/api-v2")
    assert spec.via_ref == ViaRef("gateway", "infra", "public")
    assert spec.served_by_ref == ServedByRef("service", "shop", "api-v2")
    assert parse_dest(spec.to).query == (("debug", "1"),)


def test_a_flow_without_the_fields_has_none_and_asks_with_get() -> None:
    spec = FlowSpec.model_validate({"from": "pod/web", "to": "service/api:80"})
    assert (spec.method, spec.headers, spec.via, spec.servedBy) == (None, None, None, None)
    assert spec.http_method == DEFAULT_METHOD == "GET"
    assert (spec.via_ref, spec.served_by_ref) == (None, None)
    assert (spec.header_map, spec.host_override) == ({}, None)


def test_null_means_the_key_was_not_written_even_on_a_tcp_flow() -> None:
    spec = FlowSpec.model_validate({"from": "pod/web", "to": "service/api:80", "method": None,
                                    "headers": None, "via": None, "servedBy": None})
    assert (spec.method, spec.headers) == (None, None)


# -------------------------------------------------------------------- method

def test_the_methods_are_the_gateway_api_httpmethod_enum() -> None:
    assert HTTP_METHODS == ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS",
                            "TRACE", "PATCH")


@pytest.mark.parametrize("method", HTTP_METHODS)
def test_every_httpmethod_is_accepted(method: str) -> None:
    assert flow(method=method).http_method == method


@pytest.mark.parametrize(("method", "message"), [
    ("post", '"post" is not an HTTP method: use GET, HEAD, POST, PUT, DELETE, CONNECT, '
             "OPTIONS, TRACE or PATCH (upper case, as the Gateway API matches them); did "
             "you mean POST?"),
    ("FETCH", '"FETCH" is not an HTTP method'),
    ("PTACH", "did you mean PATCH?"),
    ("*", '"*" is not an HTTP method'),
])
def test_a_method_outside_the_enum_is_refused_with_the_list(method: str, message: str) -> None:
    assert message in refusal(method=method)


def test_a_method_that_is_not_text_is_refused_by_the_schema() -> None:
    assert "Input should be" in refusal(method=1)


# ------------------------------------------------------------------- headers

def test_header_names_are_case_insensitive_but_kept_as_written() -> None:
    spec = flow(headers={"X-Canary": "true", "Accept": "text/html"})
    assert spec.headers == {"X-Canary": "true", "Accept": "text/html"}  # for echoing
    assert spec.header_map == {"x-canary": "true", "accept": "text/html"}  # for matching
    assert spec.header("x-CANARY") == "true"
    assert spec.header("cookie") is None


@pytest.mark.parametrize(("value", "host"), [
    ("Admin.Example.com", "admin.example.com"),
    ("admin.example.com:8080", "admin.example.com"),
    ("10.0.0.5", "10.0.0.5"),
])
def test_a_host_header_overrides_the_host_only(value: str, host: str) -> None:
    spec = flow(headers={"Host": value})
    assert spec.host_override == host
    assert spec.headers == {"Host": value}
    assert parse_dest(spec.to).host == "shop.example.com"  # the connection's target stays


def test_an_empty_header_value_is_a_valid_request() -> None:
    assert flow(headers={"x-debug": ""}).header("x-debug") == ""


def test_a_value_with_inner_spaces_and_every_token_character_is_accepted() -> None:
    name = "A-z0-9!#$%&'*+.^_`|~"
    assert flow(headers={name: "text/html; q=0.9"}).header(name) == "text/html; q=0.9"


BAD_HEADERS = [
    ({"x canary": "1"}, "'x canary' is not a header name: use letters, digits and "
                        "!#$%&'*+-.^_`|~ (no spaces, colons or other separators)"),
    ({"x-a:b": "1"}, "is not a header name"),
    ({"x-ü": "1"}, "is not a header name"),
    ({"": "1"}, "a header name is empty"),
    ({"x" * 257: "1"}, "is 257 characters long; at most 256"),
    ({":authority": "a"}, '":authority" is an HTTP/2 pseudo-header, which routes cannot '
                          "match; write host for :authority"),
    ({"X-Canary": "a", "x-canary": "b"}, 'headers "X-Canary" and "x-canary" are the same '
                                         "header (names are case-insensitive): keep one"),
    ({"x-canary": True}, 'header x-canary: true is a YAML boolean, not text: quote it ("true")'),
    ({"x-canary": False}, 'quote it ("false")'),
    ({"x-version": 2}, 'header x-version: 2 is a YAML number, not text: quote it ("2")'),
    ({"x-list": ["a"]}, "header x-list: the value must be a string"),
    ({"x-a": " a"}, "header x-a: ' a' has spaces around it, which servers strip; write 'a'"),
    ({"x-a": "a\r\nSet-Cookie: x"}, "is not a header value: only printable ASCII with single "
                                    "spaces or tabs inside (no line breaks or control "
                                    "characters"),
    ({"x-a": "José"}, "only printable ASCII"),
    ({"x-a": "a" * 4097}, "the value is 4,097 characters long; at most 4096"),
    ({"host": "shop example"}, 'header host: "shop example" is not HOST or HOST:PORT'),
    ({"Host": "shop.example.com:99999"}, "is not HOST or HOST:PORT"),
    ({"Host": "shop.example.com:"}, "is not HOST or HOST:PORT"),
]


@pytest.mark.parametrize(("headers", "message"), BAD_HEADERS,
                         ids=[str(i) for i in range(len(BAD_HEADERS))])
def test_a_header_http_cannot_carry_is_refused(headers: dict[str, Any], message: str) -> None:
    assert message in refusal(headers=headers)


def test_a_headers_value_that_is_not_a_mapping_is_refused_by_the_schema() -> None:
    assert "valid dictionary" in refusal(headers=["x-a: 1"])


# ------------------------------------------------------------------------ via

VIAS = [
    ("gateway/infra/public", ViaRef("gateway", "infra", "public")),
    ("gateway/infra/public/https", ViaRef("gateway", "infra", "public", "https")),
    ("Gateway/infra/public", ViaRef("gateway", "infra", "public")),
    ("ingress", ViaRef("ingress")),
    ("ing", ViaRef("ingress")),  # kubectl's short name, as everywhere else
]


@pytest.mark.parametrize(("text", "expected"), VIAS, ids=[v[0] for v in VIAS])
def test_via_names_a_gateway_a_listener_or_the_ingress_controller(
        text: str, expected: ViaRef) -> None:
    assert parse_via(text) == expected
    assert flow(via=text).via_ref == expected


def test_via_prints_in_the_grammar_it_was_parsed_from() -> None:
    assert [str(parse_via(t)) for t, _ in VIAS[:2]] == [t for t, _ in VIAS[:2]]
    assert str(parse_via("ingress")) == "ingress"


BAD_VIAS = [
    ("gateway/public", '"gateway/public": a Gateway is gateway/NS/NAME or '
                       "gateway/NS/NAME/LISTENER (the namespace is always written)"),
    ("gateway", "a Gateway is gateway/NS/NAME"),
    ("gateway/infra/public/https/x", "a Gateway is gateway/NS/NAME"),
    ("gateway/infra//https", "a Gateway is gateway/NS/NAME"),
    ("gateway/Infra/public", '"Infra" is not a valid namespace name'),
    ("gateway/infra/Public", '"Public" is not a valid Gateway name'),
    ("gateway/infra/public/HTTPS", '"HTTPS" is not a valid listener name'),
    ("ingress/shop/web", '"ingress/shop/web": via ingress takes no name (the Ingress '
                         "controller picks the Ingress by host and path); write ingress"),
    ("gatway/infra/public", '"gatway/infra/public" is not an entry point: use '
                            "gateway/NS/NAME, gateway/NS/NAME/LISTENER or ingress; did you "
                            "mean gateway?"),
    ("service/shop/api", "is not an entry point"),
    (" ingress", "has spaces around it"),
]


@pytest.mark.parametrize(("text", "message"), BAD_VIAS, ids=[v[0] for v in BAD_VIAS])
def test_a_malformed_via_is_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        parse_via(text)
    assert message in str(info.value)
    assert message in refusal(via=text)


# ------------------------------------------------------------------- servedBy

SERVED_BY = [
    ("service/shop/api-v2", ServedByRef("service", "shop", "api-v2")),
    ("svc/shop/api-v2", ServedByRef("service", "shop", "api-v2")),
    ("service/api", ServedByRef("service", "default", "api")),
    ("pod/shop/api-0", ServedByRef("pod", "shop", "api-0")),
    ("po/api-0", ServedByRef("pod", "default", "api-0")),
    ("deployment/shop/api-v2", ServedByRef("workload", "shop", "api-v2", "deployment")),
    ("deploy/shop/api-v2", ServedByRef("workload", "shop", "api-v2", "deployment")),
    ("sts/data/db", ServedByRef("workload", "data", "db", "statefulset")),
    ("ds/kube-system/agent", ServedByRef("workload", "kube-system", "agent", "daemonset")),
    ("rs/shop/api-7d9c", ServedByRef("workload", "shop", "api-7d9c", "replicaset")),
]


@pytest.mark.parametrize(("text", "expected"), SERVED_BY, ids=[s[0] for s in SERVED_BY])
def test_served_by_names_a_service_a_pod_or_a_workload(text: str, expected: ServedByRef) -> None:
    assert parse_served_by(text) == expected


def test_served_by_prints_the_canonical_reference() -> None:
    assert str(parse_served_by("deploy/api")) == "deployment/default/api"
    assert str(parse_served_by("svc/shop/api")) == "service/shop/api"


def test_served_by_works_for_every_destination_not_only_http() -> None:
    spec = FlowSpec.model_validate({"from": "pod/web", "to": "service/shop/api:80",
                                    "servedBy": "deployment/shop/api-v2"})
    assert spec.served_by_ref == ServedByRef("workload", "shop", "api-v2", "deployment")


BAD_SERVED_BY = [
    ("service/shop/api:80", '"service/shop/api:80": servedBy names an object, not a port; '
                            "write service/shop/api (the port belongs in to)"),
    ("node/node-a", '"node" cannot serve a request: servedBy is service/NS/NAME, pod/NS/NAME '
                    "or deployment|statefulset|daemonset|replicaset/NS/NAME"),
    ("internet", '"internet" cannot serve a request'),
    ("sevice/shop/api", "did you mean service?"),
    ("service", '"service" names no object: write service/NS/NAME'),
    ("service/a/b/c", "must be service/NS/NAME or service/NAME"),
    ("pod/Shop/api", '"Shop" is not a valid namespace name'),
    ("service/shop/api ", "has spaces around it"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SERVED_BY, ids=[s[0] for s in BAD_SERVED_BY])
def test_a_malformed_served_by_is_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        parse_served_by(text)
    assert message in str(info.value)
    assert message in refusal(served_by=text)


# ----------------------------------------------------- HTTP destinations only

@pytest.mark.parametrize(("key", "value"), [("method", "POST"), ("headers", {"x-a": "1"}),
                                            ("headers", {}), ("via", "ingress")])
@pytest.mark.parametrize("to", ["service/shop/api:80", "api.shop:80", "pod/web:8080"])
def test_http_fields_on_a_non_http_destination_are_refused(
        key: str, value: object, to: str) -> None:
    with pytest.raises(ValidationError) as info:
        FlowSpec.model_validate({"from": "pod/web", "to": to, key: value})
    [error] = info.value.errors()
    assert error["loc"] == (key,)
    assert str(error["msg"]).removeprefix("Value error, ") == (
        f'{key} is only for http:// and https:// destinations, and this flow goes to "{to}": '
        "remove it, or write the destination as a URL (http://HOST/PATH)")


@pytest.mark.parametrize("to", ["http://a/", "https://a:8443/x", "HTTP://A/"])
def test_http_fields_are_accepted_on_either_scheme(to: str) -> None:
    spec = FlowSpec.model_validate({"from": "internet", "to": to, "method": "PUT",
                                    "headers": {"x-a": "1"}, "via": "ingress"})
    assert spec.http_method == "PUT"


def test_refusals_point_at_the_key_in_the_level_file() -> None:
    text = level("""
        flows:
          - from: internet
            to: service/shop/api:80
            via: ingress
        """, head="format: k8snet/v1\nid: t\n")
    error = one_error(text)
    assert error.field == "flows[0].via"
    assert (error.line, error.column) == pos(text, "via: |ingress")
    assert "via is only for http://" in error.message


def test_every_bad_field_of_a_flow_is_reported_at_once() -> None:
    text = level("""
        flows:
          - from: internet
            to: http://a/
            method: get
            headers: {x-a: true}
            via: gateway/x
            servedBy: node/n
        """, head="format: k8snet/v1\nid: t\n")
    fields = sorted(p.field for p in problems(text))
    assert fields == ["flows[0].headers", "flows[0].method", "flows[0].servedBy",
                      "flows[0].via"]


# --------------------------------------------------------------- query strings

QUERIES = [
    ("http://h/p?debug=1&x=a%20b", "/p", (("debug", "1"), ("x", "a b"))),
    ("http://h/p?x=a+b", "/p", (("x", "a b"),)),  # "+" is a space, as form parsers read it
    ("http://h/p?b=2&a=1&b=3", "/p", (("b", "2"), ("a", "1"), ("b", "3"))),  # order kept
    ("http://h/p?Debug=1", "/p", (("Debug", "1"),)),  # names as written (case-sensitive)
    ("http://h/p?flag&x=", "/p", (("flag", ""), ("x", ""))),
    ("http://h/p?a=1&&b=2&", "/p", (("a", "1"), ("b", "2"))),  # empty pairs skipped
    ("http://h/p?a=x=y", "/p", (("a", "x=y"),)),  # split at the first "="
    ("http://h/p?q=%E2%9C%93&r=%2Fx%26", "/p", (("q", "✓"), ("r", "/x&"))),
    ("http://h/p?", "/p", ()),
    ("http://h?x=1", "/", (("x", "1"),)),  # no path is "/"
    ("https://h:8443/a/b?q=1", "/a/b", (("q", "1"),)),
]


@pytest.mark.parametrize(("url", "path", "query"), QUERIES, ids=[q[0] for q in QUERIES])
def test_a_url_query_is_parsed_as_a_server_parses_it(
        url: str, path: str, query: tuple[tuple[str, str], ...]) -> None:
    dest = parse_dest(url)
    assert (dest.path, dest.query) == (path, query)


def test_query_value_is_the_first_value_of_an_exact_name() -> None:
    dest = parse_dest("http://h/p?b=2&B=9&b=3")
    assert dest.query_value("b") == "2"
    assert dest.query_value("B") == "9"
    assert dest.query_value("c") is None


@pytest.mark.parametrize("url", ["http://h/p#top", "http://h/p?x=1#a?b=2", "http://h#x"])
def test_a_fragment_is_dropped_because_clients_never_send_it(url: str) -> None:
    dest = parse_dest(url)
    assert "#" not in dest.path
    assert all("#" not in k + v for k, v in dest.query)
    assert dest.query == ((("x", "1"),) if "?x=1" in url else ())


BAD_QUERIES = [
    ("http://h/p?x=a b", "the query 'x=a b' contains ' ': percent-encode it (a space is %20 "
                         "or +)"),
    ("http://h/p?x=a\tb", "contains '\\t'"),
    ("http://h/p?x=100%", 'the query "x=100%" has a "%" not followed by two hex digits: write '
                          "%25 for a literal %"),
    ("http://h/p?x=%zz", 'has a "%" not followed by two hex digits'),
    ("http://h/p?x=%ff", 'the query "x=%ff" decodes to bytes that are not UTF-8'),
]


@pytest.mark.parametrize(("url", "message"), BAD_QUERIES, ids=[q[0] for q in BAD_QUERIES])
def test_a_query_a_server_would_refuse_is_refused(url: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        parse_dest(url)
    assert message in str(info.value)


def test_a_bad_query_in_a_level_is_reported_at_to() -> None:
    text = level("""
        flows:
          - from: internet
            to: http://h/p?x=%zz
        """, head="format: k8snet/v1\nid: t\n")
    error = one_error(text)
    assert error.field == "flows[0].to"
    assert "not followed by two hex digits" in error.message


def test_parse_query_alone_matches_the_destination_view() -> None:
    assert parse_query("a=1&b=x%20y") == (("a", "1"), ("b", "x y"))
    assert parse_dest("http://h/?a=1&b=x%20y") == DestRef(
        "url", None, scheme="http", host="h", query=(("a", "1"), ("b", "x y")))


# ------------------------------------------------- servedBy against the world

WORLD = """
    resources:
      - apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec: {containers: [{name: web, image: nginx}]}
      - apiVersion: v1
        kind: Service
        metadata: {name: api-v2, namespace: shop}
        spec: {selector: {app: api}, ports: [{port: 80}]}
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api-v2, namespace: shop}
        spec:
          replicas: 2
          selector: {matchLabels: {app: api}}
          template:
            metadata: {labels: {app: api}}
            spec: {containers: [{name: api, image: api}]}
      - apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api-v3, namespace: shop}
        spec:
          replicas: 0
          selector: {matchLabels: {app: v3}}
          template:
            metadata: {labels: {app: v3}}
            spec: {containers: [{name: api, image: api}]}
    """


def _with_served_by(ref: str) -> str:
    return level(WORLD, f"""
        flows:
          - from: pod/shop/web
            to: service/shop/api-v2:80
            servedBy: {ref}
        """, head="format: k8snet/v1\nid: t\n")


@pytest.mark.parametrize("ref", ["service/shop/api-v2", "pod/shop/web", "pod/shop/api-v2-1",
                                 "deploy/shop/api-v2", "deployment/shop/api-v3"])
def test_served_by_an_existing_object_loads(ref: str) -> None:
    """A workload scaled to zero (api-v3) is accepted: "nothing reaches v3" is a fair flow,
    and scaling it up may be the fix."""
    load(_with_served_by(ref))


@pytest.mark.parametrize(("ref", "message"), [
    ("service/shop/api-v1", "service shop/api-v1 does not exist; did you mean "
                            "service/shop/api-v2?"),
    ("service/default/api-v2", "service default/api-v2 does not exist; did you mean "
                               "service/shop/api-v2?"),
    ("pod/shop/webb", "pod shop/webb does not exist; did you mean pod/shop/web?"),
    ("deployment/shop/apiv2", "deployment shop/apiv2 does not exist; did you mean "
                              "deployment/shop/api-v2?"),
    ("statefulset/shop/api-v2", "statefulset shop/api-v2 does not exist"),
    ("pod/shop/nothing-like-it", "pod shop/nothing-like-it does not exist"),
])
def test_served_by_a_missing_object_is_an_error_at_served_by(ref: str, message: str) -> None:
    text = _with_served_by(ref)
    error = one_error(text)
    assert error.field == "flows[0].servedBy"
    assert error.message == message
    assert (error.line, error.column) == pos(text, f"servedBy: |{ref}")


# ------------------------------------------------------ via against the world

GATEWAY = """
    resources:
      - apiVersion: gateway.networking.k8s.io/v1
        kind: GatewayClass
        metadata: {name: example}
        spec: {controllerName: example.net/gateway-controller}
      - apiVersion: gateway.networking.k8s.io/v1
        kind: Gateway
        metadata: {name: public, namespace: infra}
        spec:
          gatewayClassName: example
          listeners:
            - {name: http, port: 80, protocol: HTTP}
            - {name: http-admin, port: 8080, protocol: HTTP}
    """


def _with_via(via: str) -> str:
    return level(GATEWAY, f"""
        flows:
          - from: internet
            to: http://shop.example.com/
            via: {via}
        """, head="format: k8snet/v1\nid: t\n")


@pytest.mark.parametrize("via", ["gateway/infra/public", "gateway/infra/public/http",
                                 "gateway/infra/public/http-admin", "ingress"])
def test_via_an_existing_gateway_or_listener_loads(via: str) -> None:
    """Existence only: a Gateway that is not Programmed is a failing flow, not a bad level."""
    load(_with_via(via))


@pytest.mark.parametrize(("via", "message"), [
    ("gateway/infra/publik", "gateway infra/publik does not exist; did you mean "
                             "gateway/infra/public?"),
    ("gateway/default/public", "gateway default/public does not exist; did you mean "
                               "gateway/infra/public?"),
    ("gateway/infra/private", "gateway infra/private does not exist"),
    ("gateway/infra/public/https", 'gateway infra/public has no listener "https" (its '
                                   "listeners: http, http-admin); did you mean http?"),
    ("gateway/infra/public/grpc", 'gateway infra/public has no listener "grpc" (its '
                                  "listeners: http, http-admin)"),
])
def test_via_a_missing_gateway_or_listener_is_an_error_at_via(via: str, message: str) -> None:
    text = _with_via(via)
    error = one_error(text)
    assert error.field == "flows[0].via"
    assert error.message == message
    assert (error.line, error.column) == pos(text, f"via: |{via}")
