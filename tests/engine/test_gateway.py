"""Gateway API rules, one test per sentence of the spec or DESIGN.md §3 they check.

Every level goes through the public path (YAML → load → Engine); the builders
below only save typing. The spec's own example tables (hostname intersection,
listener choice, precedence, path matching) are in ``gateway_spec/``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from k8snet_tui.engine.evaluate import Engine, evaluate_level
from k8snet_tui.engine.topology import build_topology
from k8snet_tui.engine.trace import Reason, Routed, Trace, Verdict
from k8snet_tui.model.flows import FlowSpec
from k8snet_tui.model.load import LoadedLevel, load_manifests

from .conftest import (
    Manifest,
    assert_allowed,
    assert_denied,
    level_yaml,
    load,
    namespace,
    pod,
    policy,
    service,
)

GW = "gateway.networking.k8s.io/v1"
CONTROLLER = "example.com/gateway-controller"
CLUSTER: Manifest = {"gatewayControllers": [CONTROLLER], "loadBalancerProvider": True}


def gateway_class(name: str = "eg", controller: str = CONTROLLER) -> Manifest:
    return {"apiVersion": GW, "kind": "GatewayClass", "metadata": {"name": name},
            "spec": {"controllerName": controller}}


def listener(name: str = "http", port: int = 80, protocol: str = "HTTP",
             hostname: str | None = None, **extra: Any) -> Manifest:
    out: Manifest = {"name": name, "port": port, "protocol": protocol, **extra}
    if hostname is not None:
        out["hostname"] = hostname
    return out


def gateway(*listeners: Manifest, name: str = "public", ns: str = "infra",
            cls: str = "eg") -> Manifest:
    return {"apiVersion": GW, "kind": "Gateway", "metadata": {"name": name, "namespace": ns},
            "spec": {"gatewayClassName": cls, "listeners": list(listeners) or [listener()]}}


def backend(name: str, *, port: int = 80, weight: int | None = None,
            ns: str | None = None) -> Manifest:
    out: Manifest = {"name": name, "port": port}
    if weight is not None:
        out["weight"] = weight
    if ns is not None:
        out["namespace"] = ns
    return out


def http_route(name: str, *rules: Manifest, ns: str = "infra", hostnames: Sequence[str] = (),
               parents: Sequence[Manifest] | None = None, **meta: Any) -> Manifest:
    spec: Manifest = {"parentRefs": list(parents) if parents is not None else
                      [{"name": "public", "namespace": "infra"}],
                      "rules": list(rules) or [{"backendRefs": [backend("web")]}]}
    if hostnames:
        spec["hostnames"] = list(hostnames)
    return {"apiVersion": GW, "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": ns, **meta}, "spec": spec}


def app(name: str, ns: str = "infra", labels: Mapping[str, str] | None = None) -> list[Manifest]:
    """A backend: one pod listening on 8080 and a Service 80 → 8080."""
    return [pod(f"{name}-0", ns=ns, labels=labels or {"app": name}),
            service(name, ns=ns, selector=labels or {"app": name})]


def level(*resources: Manifest | list[Manifest], cluster: Manifest | None = None) -> LoadedLevel:
    return load(level_yaml(*resources, cluster=cluster if cluster is not None else CLUSTER))


def flow(loaded: LoadedLevel, to: str, src: str = "internet", **fields: Any) -> Trace:
    spec = FlowSpec.model_validate({"from": src, "to": to, **fields})
    return Engine(loaded.world).evaluate(spec)


def basic(*extra: Manifest | list[Manifest], route: Manifest | None = None,
          gw: Manifest | None = None, cluster: Manifest | None = None) -> LoadedLevel:
    return level(gateway_class(), gw or gateway(), route or http_route("web"), app("web"),
                 *extra, cluster=cluster)


def conditions(loaded: LoadedLevel, ref: str) -> dict[str | None, dict[str, tuple[str, str]]]:
    topo = build_topology(loaded.world)
    return {owner: {c.type: (c.status, c.reason) for c in conds}
            for owner, conds in topo.gateways.conditions(ref)}


# ---------------------------------------------------------------- implementations

def test_a_request_through_an_accepted_gateway_reaches_the_backend() -> None:
    t = flow(basic(), "http://shop.example.com/")
    assert_allowed(t)
    assert any("listener http" in h.what for h in t.hops)
    end = t.paths[0].end
    assert end is not None
    assert end.name == "web-0"


def test_a_gatewayclass_is_accepted_iff_its_controllername_is_listed() -> None:
    loaded = level(gateway_class(controller="other.io/ctrl"), gateway(), http_route("web"),
                   app("web"))
    assert conditions(loaded, "gatewayclass/eg")[None]["Accepted"] == ("Unknown", "Pending")
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.GATEWAY_NO_CONTROLLER)
    assert t.blame is not None
    assert t.blame.ref == "gatewayclass/eg"
    assert t.blame.field == "spec.controllerName"


def test_a_gateway_of_a_class_nobody_implements_gets_no_proxy_pod() -> None:
    loaded = level(gateway_class(controller="other.io/ctrl"), gateway(), app("web"))
    assert not any(p.generated_by for p in loaded.world.pods)


def test_when_another_class_is_accepted_the_gateways_class_name_is_blamed() -> None:
    loaded = level(gateway_class(), gateway_class("legacy", "gone.io/ctrl"),
                   gateway(cls="legacy"), http_route("web"), app("web"))
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.GATEWAY_NO_CONTROLLER)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("gateway/infra/public", "spec.gatewayClassName")


def test_a_gateway_naming_a_missing_class_is_not_served() -> None:
    loaded = level(gateway_class(), gateway(cls="nope"), http_route("web"), app("web"))
    t = flow(loaded, "http://shop.example.com/", via="gateway/infra/public")
    assert_denied(t, Reason.GATEWAY_NO_CONTROLLER)
    assert "does not exist" in t.detail


def test_without_a_load_balancer_provider_the_gateway_is_not_programmed() -> None:
    loaded = basic(cluster={"gatewayControllers": [CONTROLLER]})
    gw = conditions(loaded, "gateway/infra/public")[None]
    assert gw["Programmed"] == ("False", "AddressNotAssigned")
    assert_denied(flow(loaded, "http://shop.example.com/"), Reason.GATEWAY_NO_ADDRESS)


# -------------------------------------------------------------------- attachment

def test_allowed_routes_same_refuses_a_route_from_another_namespace() -> None:
    loaded = level(gateway_class(), gateway(), http_route("web", ns="shop"), app("web", "shop"))
    parents = conditions(loaded, "httproute/shop/web")
    assert parents["gateway/infra/public"]["Accepted"] == ("False", "NotAllowedByListeners")
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.ROUTE_NOT_ATTACHED)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("gateway/infra/public",
                                            "spec.listeners[0].allowedRoutes")


def test_allowed_routes_all_admits_every_namespace() -> None:
    gw = gateway(listener(allowedRoutes={"namespaces": {"from": "All"}}))
    loaded = level(gateway_class(), gw, http_route("web", ns="shop"), app("web", "shop"))
    assert_allowed(flow(loaded, "http://shop.example.com/"))


def test_allowed_routes_selector_matches_the_routes_namespace_labels() -> None:
    gw = gateway(listener(allowedRoutes={"namespaces": {
        "from": "Selector", "selector": {"matchLabels": {"expose": "yes"}}}}))
    plain = level(gateway_class(), gw, http_route("web", ns="shop"), app("web", "shop"))
    assert_denied(flow(plain, "http://shop.example.com/"), Reason.ROUTE_NOT_ATTACHED)
    labelled = level(gateway_class(), gw, namespace("shop", expose="yes"),
                     http_route("web", ns="shop"), app("web", "shop"))
    assert_allowed(flow(labelled, "http://shop.example.com/"))


def test_a_parent_ref_section_name_must_name_a_listener_of_the_gateway() -> None:
    route = http_route("web", parents=[{"name": "public", "namespace": "infra",
                                        "sectionName": "https"}])
    loaded = basic(route=route)
    assert conditions(loaded, "httproute/infra/web")["gateway/infra/public/https"][
        "Accepted"] == ("False", "NoMatchingParent")
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.ROUTE_NOT_ATTACHED)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("httproute/infra/web",
                                            "spec.parentRefs[0].sectionName")


def test_a_parent_ref_port_selects_the_listeners_on_that_port() -> None:
    gw = gateway(listener("http"), listener("admin", port=8080))
    route = http_route("web", parents=[{"name": "public", "namespace": "infra", "port": 8080}])
    loaded = basic(gw=gw, route=route)
    assert_allowed(flow(loaded, "http://shop.example.com:8080/"))
    assert_denied(flow(loaded, "http://shop.example.com/"), Reason.ROUTE_NOT_ATTACHED)


def test_route_hostnames_that_match_no_listener_hostname_are_not_accepted() -> None:
    gw = gateway(listener(hostname="*.example.com"))
    loaded = basic(gw=gw, route=http_route("web", hostnames=["shop.example.net"]))
    assert conditions(loaded, "httproute/infra/web")["gateway/infra/public"][
        "Accepted"] == ("False", "NoMatchingListenerHostname")


def test_a_wildcard_hostname_matches_any_depth_but_not_the_apex() -> None:
    loaded = basic(gw=gateway(listener(hostname="*.example.com")))
    assert_allowed(flow(loaded, "http://api.eu.example.com/"))
    assert_denied(flow(loaded, "http://example.com/"))


def test_the_most_specific_listener_of_the_port_takes_the_request() -> None:
    gw = gateway(listener("wild", hostname="*.example.com"),
                 listener("exact", hostname="admin.example.com"))
    route = http_route("web", parents=[{"name": "public", "namespace": "infra",
                                        "sectionName": "wild"}])
    loaded = basic(gw=gw, route=route)
    assert_allowed(flow(loaded, "http://shop.example.com/"))
    # listener isolation: admin.example.com goes to "exact", where no Route is attached
    assert_denied(flow(loaded, "http://admin.example.com/"), Reason.ROUTE_NOT_ATTACHED)


# ---------------------------------------------------------------------- matching

def test_a_request_no_rule_matches_gets_a_404_from_the_gateway() -> None:
    rule = {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
            "backendRefs": [backend("web")]}
    t = flow(basic(route=http_route("web", rule)), "http://shop.example.com/cart")
    assert_denied(t, Reason.ROUTE_NO_MATCH)
    assert "404" in t.detail


def test_header_query_and_method_matches_must_all_hold() -> None:
    rule = {"matches": [{"path": {"type": "Exact", "value": "/cart"}, "method": "POST",
                         "headers": [{"name": "X-Canary", "value": "true"}],
                         "queryParams": [{"name": "debug", "value": "1"}]}],
            "backendRefs": [backend("web")]}
    loaded = basic(route=http_route("web", rule))
    assert_allowed(flow(loaded, "http://shop.example.com/cart?debug=1", method="POST",
                        headers={"x-canary": "true"}))
    assert_denied(flow(loaded, "http://shop.example.com/cart?debug=1", method="GET",
                       headers={"x-canary": "true"}), Reason.ROUTE_NO_MATCH)
    assert_denied(flow(loaded, "http://shop.example.com/cart", method="POST",
                       headers={"x-canary": "true"}), Reason.ROUTE_NO_MATCH)


def test_a_host_header_overrides_the_host_the_routes_see() -> None:
    loaded = basic(route=http_route("web", hostnames=["shop.example.com"]))
    assert_allowed(flow(loaded, "http://198.51.100.7/", headers={"host": "shop.example.com"}))
    assert_denied(flow(loaded, "http://other.example.com/"))


def test_regular_expression_matches_are_python_full_matches_and_say_so() -> None:
    rule = {"matches": [{"path": {"type": "RegularExpression", "value": "/v[0-9]+/.*"}}],
            "backendRefs": [backend("web")]}
    loaded = basic(route=http_route("web", rule))
    t = flow(loaded, "http://shop.example.com/v2/items")
    assert_allowed(t)
    assert any("RegularExpression" in a for a in t.assumptions)
    assert_denied(flow(loaded, "http://shop.example.com/x/v2/items"), Reason.ROUTE_NO_MATCH)


def test_across_routes_the_oldest_route_wins_a_tie() -> None:
    old = http_route("zz-old", {"backendRefs": [backend("v1")]},
                     creationTimestamp="2024-01-01T00:00:00Z")
    new = http_route("aa-new", {"backendRefs": [backend("v2")]},
                     creationTimestamp="2025-01-01T00:00:00Z")
    loaded = level(gateway_class(), gateway(), old, new, app("v1"), app("v2"))
    assert_allowed(flow(loaded, "http://shop.example.com/", servedBy="service/infra/v1"))


# ---------------------------------------------------------------------- backends

def test_weighted_backends_count_per_endpoint_so_a_split_is_partial_for_either() -> None:
    rule = {"backendRefs": [backend("v1", weight=90), backend("v2", weight=10)]}
    loaded = level(gateway_class(), gateway(), http_route("web", rule), app("v1"), app("v2"))
    assert_allowed(flow(loaded, "http://shop.example.com/"))
    t = flow(loaded, "http://shop.example.com/", servedBy="service/infra/v2")
    assert t.verdict is Verdict.PARTIAL
    assert t.reason is Reason.WRONG_BACKEND
    assert "answered by pod infra/v1-0" in t.detail


def test_a_backend_with_weight_zero_gets_nothing() -> None:
    rule = {"backendRefs": [backend("v1", weight=1), backend("v2", weight=0)]}
    loaded = level(gateway_class(), gateway(), http_route("web", rule), app("v1"), app("v2"))
    assert_allowed(flow(loaded, "http://shop.example.com/", servedBy="service/infra/v1"))
    assert_denied(flow(loaded, "http://shop.example.com/", servedBy="service/infra/v2",
                       expect="deny"), Reason.WRONG_BACKEND)


def test_every_weight_zero_answers_500() -> None:
    rule = {"backendRefs": [backend("web", weight=0)]}
    assert_denied(flow(basic(route=http_route("web", rule)), "http://shop.example.com/"),
                  Reason.BACKEND_INVALID)


def test_a_backend_in_another_namespace_needs_a_reference_grant_there() -> None:
    rule = {"backendRefs": [backend("api", ns="shop")]}
    route = http_route("web", rule)
    loaded = level(gateway_class(), gateway(), route, app("api", "shop"))
    assert conditions(loaded, "httproute/infra/web")["gateway/infra/public"][
        "ResolvedRefs"] == ("False", "RefNotPermitted")
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.BACKEND_NOT_PERMITTED)
    assert "no ReferenceGrant in shop" in t.detail
    grant = {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
             "metadata": {"name": "from-infra", "namespace": "shop"},
             "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                                "namespace": "infra"}],
                      "to": [{"group": "", "kind": "Service"}]}}
    granted = level(gateway_class(), gateway(), route, app("api", "shop"), grant)
    assert_allowed(flow(granted, "http://shop.example.com/"))


def test_a_missing_backend_service_answers_500_for_its_share() -> None:
    rule = {"backendRefs": [backend("web", weight=1), backend("ghost", weight=1)]}
    loaded = basic(route=http_route("web", rule))
    assert conditions(loaded, "httproute/infra/web")["gateway/infra/public"][
        "ResolvedRefs"] == ("False", "BackendNotFound")
    t = flow(loaded, "http://shop.example.com/")
    assert t.verdict is Verdict.PARTIAL
    assert t.reason is Reason.BACKEND_INVALID


def test_a_rule_without_backend_refs_answers_500() -> None:
    route = http_route("web", {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}]})
    assert_denied(flow(basic(route=route), "http://shop.example.com/"), Reason.BACKEND_INVALID)


def test_backend_network_policies_see_the_gateway_proxy_pod_as_the_source() -> None:
    nginx_only = policy("web-from-nginx", """
        podSelector: {matchLabels: {app: web}}
        ingress:
          - from:
              - namespaceSelector: {}
                podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}
        """, ns="infra")
    loaded = basic(nginx_only)
    t = flow(loaded, "http://shop.example.com/")
    assert_denied(t, Reason.POLICY_DENIED_INGRESS)
    gateway_too = policy("web-from-gateway", """
        podSelector: {matchLabels: {app: web}}
        ingress:
          - from:
              - podSelector: {matchLabels: {gateway.networking.k8s.io/gateway-name: public}}
        """, ns="infra")
    assert_allowed(flow(basic(nginx_only, gateway_too), "http://shop.example.com/"))


# ----------------------------------------------------------------------- filters

def test_a_request_redirect_is_answered_by_the_gateway_with_status_and_location() -> None:
    rule = {"filters": [{"type": "RequestRedirect",
                         "requestRedirect": {"scheme": "https", "statusCode": 301}}]}
    t = flow(basic(route=http_route("web", rule)), "http://shop.example.com/cart?x=1")
    assert_denied(t, Reason.GATEWAY_REDIRECT)
    assert "301" in t.detail
    assert "Location: https://shop.example.com/cart?x=1" in t.detail


def test_url_rewrite_and_header_modifier_are_shown_and_the_backend_still_answers() -> None:
    rule = {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
            "filters": [{"type": "URLRewrite", "urlRewrite": {"path": {
                "type": "ReplacePrefixMatch", "replacePrefixMatch": "/"}}},
                {"type": "RequestHeaderModifier",
                 "requestHeaderModifier": {"set": [{"name": "x-env", "value": "prod"}]}}],
            "backendRefs": [backend("web")]}
    t = flow(basic(route=http_route("web", rule)), "http://shop.example.com/api/items")
    assert_allowed(t)
    text = " ".join(h.what for h in t.hops)
    assert "URLRewrite: the backend receives path /items" in text
    assert "set x-env: prod" in text


# ------------------------------------------------------------------- TLS listeners

def _https(secret: Manifest | None, ref_ns: str | None = None) -> LoadedLevel:
    cert: Manifest = {"name": "shop-cert"}
    if ref_ns is not None:
        cert["namespace"] = ref_ns
    gw = gateway(listener("https", 443, "HTTPS", tls={"certificateRefs": [cert]}))
    items: list[Manifest | list[Manifest]] = [gateway_class(), gw, http_route("web"), app("web")]
    if secret is not None:
        items.append(secret)
    return level(*items)


def _secret(ns: str = "infra", type_: str = "kubernetes.io/tls") -> Manifest:
    return {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "shop-cert",
                                                              "namespace": ns}, "type": type_}


def test_an_https_listener_whose_certificate_secret_is_missing_is_not_programmed() -> None:
    loaded = _https(None)
    listener_state = conditions(loaded, "gateway/infra/public/https")["https"]
    assert listener_state["ResolvedRefs"] == ("False", "InvalidCertificateRef")
    assert listener_state["Programmed"] == ("False", "Invalid")
    t = flow(loaded, "https://shop.example.com/")
    assert_denied(t, Reason.GATEWAY_LISTENER_INVALID)
    assert t.blame is not None
    assert t.blame.field == "spec.listeners[0].tls.certificateRefs[0]"
    assert_allowed(flow(_https(_secret()), "https://shop.example.com/"))


def test_a_certificate_secret_must_have_the_tls_type() -> None:
    assert_denied(flow(_https(_secret(type_="Opaque")), "https://shop.example.com/"),
                  Reason.GATEWAY_LISTENER_INVALID)


def test_a_certificate_in_another_namespace_needs_a_reference_grant() -> None:
    loaded = _https(_secret("certs"), ref_ns="certs")
    assert conditions(loaded, "gateway/infra/public/https")["https"]["ResolvedRefs"] == \
        ("False", "RefNotPermitted")


# ------------------------------------------------------------------- entry points

def _ingress_controller(hosts: Sequence[str]) -> list[Manifest]:
    ic = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
          "metadata": {"name": "nginx"}, "spec": {"controller": "k8s.io/ingress-nginx"}}
    ctrl = pod("nginx-ctrl", ns="ingress-nginx", labels={"app": "nginx-ctrl"},
               ports=[{"containerPort": 80, "name": "http"}],
               containers=[{"name": "c", "image": "nginx", "args": [
                   "--controller-class=k8s.io/ingress-nginx"],
                   "ports": [{"containerPort": 80, "name": "http"}]}])
    svc = service("nginx-ctrl", ns="ingress-nginx", type="LoadBalancer",
                  ports=[{"name": "http", "port": 80, "targetPort": 80}])
    ing = {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
           "metadata": {"name": "legacy", "namespace": "infra"},
           "spec": {"ingressClassName": "nginx", "rules": [
               {"host": h, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {
                   "service": {"name": "legacy", "port": {"number": 80}}}}]}} for h in hosts]}}
    return [ic, ctrl, svc, ing, *app("legacy")]


def test_the_entry_point_with_the_most_specific_claim_on_the_host_wins() -> None:
    route = http_route("web", hostnames=["*.example.com"])
    loaded = basic(_ingress_controller(["old.example.com"]), route=route)
    assert_allowed(flow(loaded, "http://old.example.com/", servedBy="service/infra/legacy"))
    t = flow(loaded, "http://new.example.com/", servedBy="service/infra/web")
    assert_allowed(t)
    assert any(h.where == "entry point" for h in t.hops)


def test_on_an_equal_claim_gateways_come_before_the_ingress_controller() -> None:
    route = http_route("web", hostnames=["shop.example.com"])
    loaded = basic(_ingress_controller(["shop.example.com"]), route=route)
    assert_allowed(flow(loaded, "http://shop.example.com/", servedBy="service/infra/web"))


def test_via_names_the_entry_point_the_client_uses() -> None:
    route = http_route("web", hostnames=["shop.example.com"])
    loaded = basic(_ingress_controller(["shop.example.com"]), route=route)
    assert_allowed(flow(loaded, "http://shop.example.com/", via="ingress",
                        servedBy="service/infra/legacy"))
    assert_allowed(flow(loaded, "http://shop.example.com/", via="gateway/infra/public/http",
                        servedBy="service/infra/web"))


def test_with_no_entry_point_for_the_port_the_flow_is_not_exposed() -> None:
    t = flow(basic(), "http://shop.example.com:8443/")
    assert_denied(t, Reason.NOT_EXPOSED)


def test_via_a_listener_whose_hostname_refuses_the_host_is_a_404() -> None:
    loaded = basic(gw=gateway(listener(hostname="shop.example.com")))
    t = flow(loaded, "http://blog.example.com/", via="gateway/infra/public/http")
    assert_denied(t, Reason.GATEWAY_NO_LISTENER)


# ---------------------------------------------------------------------- servedBy

def test_served_by_works_for_service_destinations_too() -> None:
    loaded = basic(app("other"))
    assert_allowed(flow(loaded, "service/infra/web:80", src="pod/infra/other-0",
                        servedBy="pod/infra/web-0"))
    t = flow(loaded, "service/infra/web:80", src="pod/infra/other-0",
             servedBy="service/infra/other")
    assert_denied(t, Reason.WRONG_BACKEND)


def test_check_json_echoes_the_flow_fields_as_written() -> None:
    row_in: Any = {"from": "internet", "to": "http://shop.example.com/", "method": "POST",
                   "headers": {"X-Canary": "true"}, "via": "gateway/infra/public",
                   "servedBy": "service/infra/web"}
    text = level_yaml(gateway_class(), gateway(), http_route("web"), app("web"),
                      cluster=CLUSTER, flows=[row_in])
    out = json.loads(json.dumps(evaluate_level(load(text)).to_json()))
    row = out["flows"][0]
    assert row["method"] == "POST"
    assert row["headers"] == {"X-Canary": "true"}
    assert row["via"] == "gateway/infra/public"
    assert row["servedBy"] == "service/infra/web"
    assert row["verdict"] == "allow"


@pytest.mark.parametrize("field", ["method", "headers", "via", "servedBy"])
def test_check_json_leaves_absent_fields_out(field: str) -> None:
    text = level_yaml(gateway_class(), gateway(), http_route("web"), app("web"),
                      cluster=CLUSTER, flows=[{"from": "internet",
                                               "to": "http://shop.example.com/"}])
    assert field not in evaluate_level(load(text)).to_json()["flows"][0]  # type: ignore[index]


def test_a_refused_route_is_blamed_before_one_attached_elsewhere_on_purpose() -> None:
    gw = gateway(listener("http"), listener("web-tls", 443, "HTTPS",
                                            tls={"certificateRefs": [{"name": "cert"}]}))
    redirect = http_route("redirect", {"filters": [{"type": "RequestRedirect",
                                                    "requestRedirect": {"scheme": "https"}}]},
                          parents=[{"name": "public", "namespace": "infra",
                                    "sectionName": "http"}])
    shop = http_route("shop", hostnames=["shop.example.com"],
                      parents=[{"name": "public", "namespace": "infra", "sectionName": "https"}])
    secret = {"apiVersion": "v1", "kind": "Secret", "type": "kubernetes.io/tls",
              "metadata": {"name": "cert", "namespace": "infra"}}
    loaded = level(gateway_class(), gw, redirect, shop, secret, app("web"))
    t = flow(loaded, "https://shop.example.com/")
    assert_denied(t, Reason.ROUTE_NOT_ATTACHED)
    assert t.blame is not None
    assert (t.blame.ref, t.blame.field) == ("httproute/infra/shop",
                                            "spec.parentRefs[0].sectionName")


def test_falling_back_to_a_less_specific_hostnames_route_is_stated() -> None:
    exact = http_route("api", {"matches": [{"path": {"type": "PathPrefix", "value": "/v1"}}],
                               "backendRefs": [backend("v1")]}, hostnames=["api.example.com"])
    wild = http_route("wild", {"backendRefs": [backend("v2")]}, hostnames=["*.example.com"])
    loaded = level(gateway_class(), gateway(), exact, wild, app("v1"), app("v2"))
    assert_allowed(flow(loaded, "http://api.example.com/v1/x", servedBy="service/infra/v1"))
    t = flow(loaded, "http://api.example.com/admin", servedBy="service/infra/v2")
    assert_allowed(t)
    assert any("less specific hostname" in a for a in t.assumptions)


def test_the_rule_that_took_a_request_is_recorded_for_explanations() -> None:
    t = flow(basic(), "http://shop.example.com/admin")
    routed = [f for f in t.paths[0].facts if isinstance(f, Routed)]
    assert routed
    assert routed[0].ref == "httproute/infra/web"
    assert routed[0].field == "spec.rules[0].matches[0]"


def test_a_real_clusters_dump_counts_the_status_its_controller_wrote() -> None:
    """DESIGN.md "Plain manifests": a GatewayClass whose status says Accepted=True is
    implemented, and a Gateway's status.addresses gives it its address."""
    loaded = load_manifests(Path(__file__).parent / "gateway_dump.yaml")
    t = Engine(loaded.world).trace("internet", "http://shop.example.com/")
    assert_allowed(t)
    assert any("203.0.113.50" in h.what for h in t.hops)
