"""Ingress (networking.k8s.io/v1): SEMANTICS.md "Ingress" and DESIGN.md §3 controllers.

The controller is shaped like ingress-nginx: an IngressClass ``nginx`` for
``k8s.io/ingress-nginx``, a Deployment whose container args carry
``--controller-class=k8s.io/ingress-nginx``, and a LoadBalancer Service (the
cluster has a load-balancer provider unless a test says otherwise).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import pytest

from k8snet_tui.engine.trace import Reason, Trace, Verdict

from .conftest import (
    Doc,
    Manifest,
    assert_allowed,
    assert_denied,
    backend,
    http_path,
    ingress,
    ingress_controller,
    level_yaml,
    namespace,
    nodes,
    pod,
    policy,
    rule,
    run,
    service,
)

HOST = "shop.example.com"
WEB_PORTS = [{"name": "http", "port": 80, "targetPort": 8080}]


def web_service(name: str = "web", *, live: bool = True) -> Manifest:
    """A backend Service in ``shop``; a dead one selects no pod (SELECTOR_MISMATCH)."""
    return service(name, ns="shop", selector={"app": "web" if live else "nothing"},
                   ports=WEB_PORTS)


def world(*extra: Doc, controller: Sequence[Manifest] | None = None,
          cluster: Doc | None = None) -> str:
    return level_yaml(
        namespace("ingress-nginx"),
        *(controller if controller is not None else ingress_controller()),
        namespace("shop"),
        pod("web", ns="shop"),
        *extra,
        cluster=cluster if cluster is not None else {"loadBalancerProvider": True},
    )


def get(level: str, url: str) -> Trace:
    return run(level, "internet", url)


def simple(path: str = "/", path_type: str = "Prefix", **kw: Any) -> Manifest:
    return ingress("web", [rule([http_path(path, "web", path_type)], host=HOST)], **kw)


# ------------------------------------------------- the docs' path-matching table

# kubernetes.io/docs/concepts/services-networking/ingress/#examples:
# (paths with their pathType, request path, index of the path that must win or None)
PATH_EXAMPLES: list[tuple[str, list[tuple[str, str]], str, int | None]] = [
    ("prefix-root-all-paths", [("/", "Prefix")], "/", 0),
    ("prefix-root-all-paths-deep", [("/", "Prefix")], "/any/deep/path", 0),
    ("exact-foo-foo", [("/foo", "Exact")], "/foo", 0),
    ("exact-foo-bar", [("/foo", "Exact")], "/bar", None),
    ("exact-foo-foo-slash", [("/foo", "Exact")], "/foo/", None),
    ("exact-foo-slash-foo", [("/foo/", "Exact")], "/foo", None),
    ("prefix-foo-foo", [("/foo", "Prefix")], "/foo", 0),
    ("prefix-foo-foo-slash", [("/foo", "Prefix")], "/foo/", 0),
    ("prefix-foo-slash-foo", [("/foo/", "Prefix")], "/foo", 0),
    ("prefix-foo-slash-foo-slash", [("/foo/", "Prefix")], "/foo/", 0),
    ("prefix-aaa-bb-aaa-bbb", [("/aaa/bb", "Prefix")], "/aaa/bbb", None),
    ("prefix-aaa-bbb-aaa-bbb", [("/aaa/bbb", "Prefix")], "/aaa/bbb", 0),
    ("prefix-ignores-trailing-slash", [("/aaa/bbb/", "Prefix")], "/aaa/bbb", 0),
    ("prefix-matches-trailing-slash", [("/aaa/bbb", "Prefix")], "/aaa/bbb/", 0),
    ("prefix-matches-subpath", [("/aaa/bbb", "Prefix")], "/aaa/bbb/ccc", 0),
    ("prefix-not-string-prefix", [("/aaa/bbb", "Prefix")], "/aaa/bbbxyz", None),
    ("longest-prefix-aaa", [("/", "Prefix"), ("/aaa", "Prefix")], "/aaa/ccc", 1),
    ("longest-prefix-aaa-bbb", [("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
     "/aaa/bbb", 2),
    ("longest-prefix-root", [("/", "Prefix"), ("/aaa", "Prefix"), ("/aaa/bbb", "Prefix")],
     "/ccc", 0),
    ("prefix-aaa-ccc-no-match", [("/aaa", "Prefix")], "/ccc", None),
    ("mixed-prefers-exact", [("/foo", "Prefix"), ("/foo", "Exact")], "/foo", 1),
]


@pytest.mark.parametrize(
    ("paths", "request_path", "winner"),
    [pytest.param(p, r, w, id=i) for i, p, r, w in PATH_EXAMPLES],
)
def test_ingress_path_matching_follows_the_kubernetes_examples_table(
    paths: list[tuple[str, str]], request_path: str, winner: int | None
) -> None:
    # Every path gets its own backend. Only the backend that must win is alive,
    # so the flow is allowed exactly when the engine picked the right path; when
    # nothing may match, all backends are alive and the answer must be a 404.
    services = [web_service(f"b{i}", live=winner is None or i == winner)
                for i in range(len(paths))]
    ing = ingress("paths", [rule([http_path(p, f"b{i}", kind)
                                  for i, (p, kind) in enumerate(paths)])])
    t = get(world(*services, ing), f"http://{HOST}{request_path}")
    if winner is None:
        assert_denied(t, Reason.INGRESS_NO_RULE)
    else:
        assert_allowed(t)


def test_exact_path_is_case_sensitive() -> None:
    level = world(web_service(), simple("/Foo", "Exact"))
    assert_allowed(get(level, f"http://{HOST}/Foo"))
    assert_denied(get(level, f"http://{HOST}/foo"), Reason.INGRESS_NO_RULE)


@pytest.mark.parametrize(("request_path", "matches"),
                         [("/foo", True), ("/foo/bar", True), ("/foobar", False)])
def test_implementation_specific_path_is_treated_as_prefix(request_path: str,
                                                           matches: bool) -> None:
    t = get(world(web_service(), simple("/foo", "ImplementationSpecific")),
            f"http://{HOST}{request_path}")
    if matches:
        assert_allowed(t)
        # The engine chose Prefix semantics for an implementation-defined type: it says so.
        assert "ImplementationSpecific" in json.dumps(t.to_json())
    else:
        assert_denied(t, Reason.INGRESS_NO_RULE)


def test_url_without_path_means_root() -> None:
    assert_allowed(get(world(web_service(), simple("/", "Exact")), f"http://{HOST}"))


# ------------------------------------------------------------------------- hosts

@pytest.mark.parametrize(
    ("rule_host", "request_host", "matches"),
    [
        pytest.param("*.foo.com", "bar.foo.com", True, id="wildcard-one-label"),
        pytest.param("*.foo.com", "baz.bar.foo.com", False, id="wildcard-two-labels"),
        pytest.param("*.foo.com", "foo.com", False, id="wildcard-zero-labels"),
        pytest.param("foo.bar.com", "foo.bar.com", True, id="exact-same"),
        pytest.param("foo.bar.com", "bar.foo.com", False, id="exact-other"),
        pytest.param(None, "anything.example.org", True, id="no-host-matches-all"),
    ],
)
def test_ingress_host_matching(rule_host: str | None, request_host: str, matches: bool) -> None:
    ing = ingress("web", [rule([http_path("/", "web")], host=rule_host)])
    t = get(world(web_service(), ing), f"http://{request_host}/")
    if matches:
        assert_allowed(t)
    else:
        assert_denied(t, Reason.INGRESS_NO_RULE)


@pytest.mark.parametrize(
    ("request_host", "tier"),
    [("shop.example.com", "exact"), ("x.example.com", "wildcard"), ("other.org", "nohost")],
)
def test_exact_host_beats_wildcard_beats_no_host(request_host: str, tier: str) -> None:
    hosts = {"exact": "shop.example.com", "wildcard": "*.example.com", "nohost": None}
    extra: list[Doc] = []
    for name, host in hosts.items():
        extra.append(web_service(f"svc-{name}", live=name == tier))
        extra.append(ingress(f"ing-{name}", [rule([http_path("/", f"svc-{name}")], host=host)]))
    assert_allowed(get(world(*extra), f"http://{request_host}/"))


def test_most_specific_host_tier_is_used_even_when_its_paths_miss() -> None:
    level = world(
        web_service(),
        ingress("exact", [rule([http_path("/api", "web")], host=HOST)]),
        ingress("catch-all", [rule([http_path("/", "web")])]),
    )
    assert_allowed(get(level, f"http://{HOST}/api/x"))
    assert_denied(get(level, f"http://{HOST}/other"), Reason.INGRESS_NO_RULE)


# ------------------------------------------------------------ default backend

def test_no_matching_rule_falls_back_to_default_backend() -> None:
    ing = ingress("web", [rule([http_path("/api", "dead", "Exact")], host=HOST)],
                  default_backend=backend("web"))
    level = world(web_service(), web_service("dead", live=False), ing)
    assert_allowed(get(level, f"http://{HOST}/other"))


def test_ingress_with_only_a_default_backend_serves_everything() -> None:
    ing = ingress("web", [], default_backend=backend("web"))
    assert_allowed(get(world(web_service(), ing), "http://whatever.example.net/x/y"))


def test_no_matching_rule_and_no_default_backend_is_404() -> None:
    level = world(web_service(), simple("/api", "Prefix"))
    assert_denied(get(level, f"http://{HOST}/shop"), Reason.INGRESS_NO_RULE)


# ---------------------------------------------------------------------- backends

@pytest.mark.parametrize(
    ("service_name", "port", "reason"),
    [
        pytest.param("web", "http", None, id="port-by-service-port-name"),
        pytest.param("web", 80, None, id="port-by-number"),
        pytest.param("web", "grpc", Reason.INGRESS_BACKEND_MISSING, id="unknown-port-name"),
        pytest.param("web", 8080, Reason.INGRESS_BACKEND_MISSING,
                     id="target-port-is-not-a-service-port"),
        pytest.param("nope", 80, Reason.INGRESS_BACKEND_MISSING, id="unknown-service"),
    ],
)
def test_backend_is_a_service_and_its_port_by_number_or_name(
    service_name: str, port: int | str, reason: Reason | None
) -> None:
    ing = ingress("web", [rule([http_path("/", service_name, port=port)], host=HOST)])
    t = get(world(web_service(), ing), f"http://{HOST}/")
    if reason is None:
        assert_allowed(t)
    else:
        assert_denied(t, reason)


def test_backend_service_selecting_no_pod_is_selector_mismatch() -> None:
    level = world(web_service(live=False), simple())
    assert_denied(get(level, f"http://{HOST}/"), Reason.SELECTOR_MISMATCH)


# ------------------------------------------------------------------------ classes

def test_ingress_for_an_unknown_class_is_not_served() -> None:
    level = world(web_service(), simple(class_name="traefik"))
    assert_denied(get(level, f"http://{HOST}/"), Reason.INGRESS_CLASS_MISMATCH)


def test_ingress_whose_class_belongs_to_another_controller_is_not_served() -> None:
    other = {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
             "metadata": {"name": "other"}, "spec": {"controller": "example.com/other"}}
    level = world(web_service(), other, simple(class_name="other"))
    assert_denied(get(level, f"http://{HOST}/"), Reason.INGRESS_CLASS_MISMATCH)


def test_ingress_without_class_gets_the_default_ingress_class() -> None:
    level = world(web_service(), simple(class_name=None),
                  controller=ingress_controller(default_class=True))
    assert_allowed(get(level, f"http://{HOST}/"))


def test_ingress_without_class_and_no_default_class_is_not_served() -> None:
    level = world(web_service(), simple(class_name=None))
    assert get(level, f"http://{HOST}/").verdict is Verdict.DENY


# -------------------------------------------------------------------- controller

def test_controller_pods_are_found_by_the_controller_annotation() -> None:
    level = world(web_service(), simple(),
                  controller=ingress_controller(detect_by="annotation"))
    assert_allowed(get(level, f"http://{HOST}/"))


def test_pods_without_controller_class_arg_or_annotation_are_no_controller() -> None:
    level = world(web_service(), simple(), controller=ingress_controller(detect_by="none"))
    assert_denied(get(level, f"http://{HOST}/"), Reason.INGRESS_NO_CONTROLLER)


def test_controller_reached_through_nodeport_on_a_public_node() -> None:
    level = world(web_service(), simple(), controller=ingress_controller(expose="NodePort"),
                  cluster=nodes("node-1", public=["node-1"]))
    assert_allowed(get(level, f"http://{HOST}/"))


@pytest.mark.parametrize(
    ("expose", "cluster"),
    [
        pytest.param("ClusterIP", {"loadBalancerProvider": True}, id="clusterip-service"),
        pytest.param("LoadBalancer", {"loadBalancerProvider": False}, id="lb-pending"),
    ],
)
def test_controller_without_external_exposure_cannot_be_reached(
    expose: str, cluster: dict[str, Any]
) -> None:
    level = world(web_service(), simple(), controller=ingress_controller(expose=expose),
                  cluster=cluster)
    assert get(level, f"http://{HOST}/").verdict is Verdict.DENY


def test_http_reaches_the_controller_service_on_port_80_without_a_name() -> None:
    labels = {"app.kubernetes.io/name": "ingress-nginx"}
    controller = [*ingress_controller()[:2],
                  service("ingress-nginx-controller", ns="ingress-nginx", selector=labels,
                          type="LoadBalancer", ports=[{"port": 80, "targetPort": "http"}])]
    assert_allowed(get(world(web_service(), simple(), controller=controller), f"http://{HOST}/"))


def test_https_goes_to_the_controller_port_named_https() -> None:
    assert_allowed(get(world(web_service(), simple()), f"https://{HOST}/"))
    without = world(web_service(), simple(), controller=ingress_controller(https_port=False))
    assert get(without, f"https://{HOST}/").verdict is Verdict.DENY
    assert_allowed(get(without, f"http://{HOST}/"))


@pytest.mark.parametrize(
    ("peer", "allowed"),
    [
        pytest.param("{namespaceSelector: {matchLabels: "
                     "{kubernetes.io/metadata.name: ingress-nginx}}}", True,
                     id="controller-namespace-allowed"),
        pytest.param("{ipBlock: {cidr: 203.0.113.0/24}}", False,
                     id="client-address-is-not-the-source"),
    ],
)
def test_backend_policies_see_the_controller_pod_as_source(peer: str, allowed: bool) -> None:
    pol = policy("web-in", f"podSelector: {{matchLabels: {{app: web}}}}\n"
                           f"ingress:\n- from: [{peer}]", ns="shop")
    t = get(world(web_service(), simple(), pol), f"http://{HOST}/")
    if allowed:
        assert_allowed(t)
    else:
        assert_denied(t, Reason.POLICY_DENIED_INGRESS)
