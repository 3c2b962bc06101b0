"""What the game's StateView says about Gateways: the map's lines and the inspector's status,
read from the engine's GatewayIndex of the state (never worked out again)."""

from __future__ import annotations

from pathlib import Path

from k8snet_tui.engine.evaluate import evaluate_level
from k8snet_tui.game.view import StateView
from k8snet_tui.model.load import load_level, load_level_text

LEVEL = Path(__file__).parents[1] / "app" / "gateway_section_name.yaml"


def view() -> StateView:
    return StateView(load_level(LEVEL))


def test_gateway_map_lists_listeners_with_the_routes_attached_to_each() -> None:
    (gw,) = view().gateway_map.gateways
    assert (gw.ref, gw.class_name, gw.address, gw.programmed) == \
        ("gateway/infra/public", "eg", "192.0.2.10", True)
    assert gw.proxy_ref == "pod/infra/public-eg"
    assert gw.service_ref == "service/infra/public"
    http, web = gw.listeners
    assert (http.name, http.protocol, http.port, http.hostname) == ("http", "HTTP", 80, None)
    assert (web.name, web.port, web.hostname) == ("web", 8080, "*.example.com")
    assert [r.ref for r in http.routes] == ["httproute/shop/blog"]
    assert web.routes == ()
    (rule,) = http.routes[0].rules
    assert [(b.text, b.ref, b.problem) for b in rule.backends] == \
        [("web:80", "service/shop/web", None)]
    assert http.routes[0].hostnames == ("blog.example.com",)


def test_a_parent_ref_that_matches_no_listener_is_listed_as_detached_with_its_reason() -> None:
    (gw,) = view().gateway_map.gateways
    (detached,) = gw.detached
    assert (detached.route_ref, detached.parent, detached.reason) == \
        ("httproute/shop/shop", "gateway/infra/public#https", "NoMatchingParent")


def test_the_listener_on_the_path_is_the_one_holding_the_route_that_took_the_request() -> None:
    v = view()
    blog, = (t for t in evaluate_level(v.level).traces if t.name == "the blog is served")
    refs = {hop.ref for hop in blog.hops if hop.ref}
    (gw,) = v.gateway_map.gateways
    assert gw.listeners_on_path(refs) == ("gateway/infra/public/http",)
    assert gw.listeners_on_path({"internet"}) == ()  # the Gateway is not on the path
    # The Gateway alone (the request died before a Route took it) names no listener.
    assert gw.listeners_on_path({"gateway/infra/public"}) == ()


def test_status_of_a_route_is_per_parent_with_the_engines_conditions() -> None:
    status = view().status("httproute/shop/shop")
    assert status is not None
    assert status.kind == "HTTPRoute"
    (parent,) = status.groups
    assert parent.owner == "gateway/infra/public/https"
    assert [(c.type, c.status, c.reason) for c in parent.conditions] == [
        ("Accepted", "False", "NoMatchingParent"), ("ResolvedRefs", "True", "ResolvedRefs")]


def test_status_of_a_gateway_has_its_address_and_per_listener_attached_route_counts() -> None:
    status = view().status("gateway/infra/public")
    assert status is not None
    assert status.addresses == ("192.0.2.10",)
    own, http, web = status.groups
    assert own.owner is None
    assert [c.type for c in own.conditions] == ["Accepted", "Programmed"]
    assert (http.owner, http.attached_routes, web.owner, web.attached_routes) == \
        ("http", 1, "web", 0)
    assert http.supported_kinds == ("HTTPRoute", "GRPCRoute")
    assert "AttachedRoutes" not in {c.type for c in http.conditions}


def test_status_only_for_gateway_api_objects_and_computed_once() -> None:
    v = view()
    assert v.status("service/shop/web") is None
    assert v.status("gateway/infra/nope") is None
    assert v.status("gatewayclass/eg") is v.status("gatewayclass/eg")
    assert v.gateway_map is v.gateway_map


def test_a_gateway_without_a_load_balancer_provider_is_pending_and_not_programmed() -> None:
    text = LEVEL.read_text(encoding="utf-8").replace("loadBalancerProvider: true",
                                                       "loadBalancerProvider: false")
    (gw,) = StateView(load_level_text(text)).gateway_map.gateways
    assert (gw.address, gw.programmed, gw.problem) == (None, False, "AddressNotAssigned")
    assert all(not ls.programmed and ls.problem == "Pending" for ls in gw.listeners)


def test_a_level_without_gateways_has_an_empty_gateway_map() -> None:
    text = """\
format: k8snet/v1
id: none
resources: []
flows: [{from: internet, to: "internet:443", expect: allow}]
"""
    assert not StateView(load_level_text(text)).gateway_map
