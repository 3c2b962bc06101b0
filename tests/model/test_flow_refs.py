"""DESIGN.md "Flow references": the exact grammar, valid and invalid, as tables."""

from __future__ import annotations

from ipaddress import IPv4Address

import pytest

from k8snet_tui.model.flows import (
    DEFAULT_CLIENT_IP,
    DEFAULT_SERVER_IP,
    DestRef,
    RefError,
    SourceRef,
    parse_dest,
    parse_source,
)

SOURCES = [
    ("pod/shop/web", SourceRef("pod", "shop", "web")),
    ("pod/web", SourceRef("pod", "default", "web")),
    ("deployment/shop/api", SourceRef("workload", "shop", "api", "deployment")),
    ("statefulset/shop/db", SourceRef("workload", "shop", "db", "statefulset")),
    ("daemonset/kube-system/agent", SourceRef("workload", "kube-system", "agent", "daemonset")),
    ("replicaset/shop/api-1", SourceRef("workload", "shop", "api-1", "replicaset")),
    ("deployment/api", SourceRef("workload", "default", "api", "deployment")),
    ("node/node-a", SourceRef("node", name="node-a")),
    ("internet", SourceRef("internet", ip=DEFAULT_CLIENT_IP)),
    ("internet/198.18.0.7", SourceRef("internet", ip=IPv4Address("198.18.0.7"))),
    # kubectl's short names and plurals, as in ``kubectl get deploy/web``
    ("deploy/shop/api", SourceRef("workload", "shop", "api", "deployment")),
    ("sts/shop/db", SourceRef("workload", "shop", "db", "statefulset")),
    ("ds/kube-system/agent", SourceRef("workload", "kube-system", "agent", "daemonset")),
    ("rs/shop/api-1", SourceRef("workload", "shop", "api-1", "replicaset")),
    ("po/shop/web", SourceRef("pod", "shop", "web")),
    ("pods/shop/web", SourceRef("pod", "shop", "web")),
    ("no/node-a", SourceRef("node", name="node-a")),
]


@pytest.mark.parametrize(("text", "expected"), SOURCES, ids=[s[0] for s in SOURCES])
def test_valid_source_references_parse(text: str, expected: SourceRef) -> None:
    assert parse_source(text) == expected


def test_internet_source_defaults_to_the_documented_client_address() -> None:
    assert IPv4Address("203.0.113.10") == DEFAULT_CLIENT_IP
    assert str(parse_source("internet")) == "internet"
    assert str(parse_source("pod/web")) == "pod/default/web"


BAD_SOURCES = [
    ("", "is not a source"),
    ("pod", "is not a source"),
    ("pod/", "is not a source"),
    ("pod/a/b/c", "must be pod/NS/NAME or pod/NAME"),
    ("pod//web", "not a valid namespace name"),
    ("pod/Web", "not a valid pod name"),
    ("service/shop/api", '"service" is not a source kind'),
    ("node/a/b", "must be node/NAME"),
    ("node/Node_A", "not a valid node name"),
    ("internet/not-an-ip", "is not an IPv4 address"),
    ("internet/300.1.1.1", "is not an IPv4 address"),
    ("pod/shop/web:80", "not a valid pod name"),
    ("  pod/web  ", "has spaces around it"),
    ("pod/web\t", "has spaces around it"),
    ("deplyment/shop/api", "did you mean deployment?"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SOURCES,
                         ids=[s[0] or "empty" for s in BAD_SOURCES])
def test_malformed_source_references_are_refused_with_a_sentence(text: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        parse_source(text)
    assert message in str(info.value)


DESTS = [
    ("pod/shop/web:8080", DestRef("pod", 8080, namespace="shop", name="web")),
    ("pod/web:http", DestRef("pod", "http", namespace="default", name="web")),
    ("deployment/shop/api:8080", DestRef("workload", 8080, namespace="shop", name="api",
                                         workload_kind="deployment")),
    ("statefulset/shop/db:5432", DestRef("workload", 5432, namespace="shop", name="db",
                                         workload_kind="statefulset")),
    ("daemonset/ops/agent:9100", DestRef("workload", 9100, namespace="ops", name="agent",
                                         workload_kind="daemonset")),
    ("replicaset/shop/rs:80", DestRef("workload", 80, namespace="shop", name="rs",
                                      workload_kind="replicaset")),
    ("service/shop/api:8080", DestRef("service", 8080, namespace="shop", name="api")),
    ("service/shop/api:http", DestRef("service", "http", namespace="shop", name="api")),
    ("service/api:80", DestRef("service", 80, namespace="default", name="api")),
    ("service/kube-system/kube-dns:53/udp", DestRef("service", 53, "UDP", "kube-system",
                                                   "kube-dns")),
    ("pod/shop/web:9000/sctp", DestRef("pod", 9000, "SCTP", "shop", "web")),
    ("pod/shop/web:80/tcp", DestRef("pod", 80, "TCP", "shop", "web")),
    ("pod/shop/web:80/UDP", DestRef("pod", 80, "UDP", "shop", "web")),
    ("api:8080", DestRef("dns", 8080, name="api")),
    ("api.shop:8080", DestRef("dns", 8080, name="api.shop")),
    ("api.shop.svc.cluster.local:8080", DestRef("dns", 8080, name="api.shop.svc.cluster.local")),
    ("Example.COM:443", DestRef("dns", 443, name="example.com")),
    ("http://shop.example.com/cart", DestRef("url", None, scheme="http",
                                             host="shop.example.com", path="/cart")),
    ("http://shop.example.com", DestRef("url", None, scheme="http", host="shop.example.com")),
    ("https://shop.example.com:8443/a/b?q=1", DestRef("url", 8443, scheme="https",
                                                      host="shop.example.com", path="/a/b",
                                                      query=(("q", "1"),))),
    ("http://api.shop/", DestRef("url", None, scheme="http", host="api.shop")),
    ("10.96.0.10:53/udp", DestRef("ip", 53, "UDP", ip=IPv4Address("10.96.0.10"))),
    ("192.168.0.11:30080", DestRef("ip", 30080, ip=IPv4Address("192.168.0.11"))),
    ("node/node-a:30080", DestRef("node", 30080, name="node-a")),
    ("localhost:9090", DestRef("localhost", 9090)),
    ("internet:443", DestRef("internet", 443, ip=DEFAULT_SERVER_IP)),
    ("internet/1.1.1.1:53/udp", DestRef("internet", 53, "UDP", ip=IPv4Address("1.1.1.1"))),
    ("svc/shop/api:80", DestRef("service", 80, namespace="shop", name="api")),
    ("services/shop/api:80", DestRef("service", 80, namespace="shop", name="api")),
    ("deploy/shop/api:8080", DestRef("workload", 8080, namespace="shop", name="api",
                                     workload_kind="deployment")),
    ("sts/shop/db:5432", DestRef("workload", 5432, namespace="shop", name="db",
                                 workload_kind="statefulset")),
    ("po/shop/web:80", DestRef("pod", 80, namespace="shop", name="web")),
]


@pytest.mark.parametrize(("text", "expected"), DESTS, ids=[d[0] for d in DESTS])
def test_valid_destination_references_parse(text: str, expected: DestRef) -> None:
    assert parse_dest(text) == expected


def test_url_without_a_port_uses_the_schemes_port_and_outside_server_is_documented() -> None:
    assert parse_dest("http://a.example").effective_port == 80
    assert parse_dest("https://a.example").effective_port == 443
    assert parse_dest("https://a.example:8443").effective_port == 8443
    assert IPv4Address("198.51.100.10") == DEFAULT_SERVER_IP


BAD_DESTS = [
    ("service/shop/api", "has no :PORT"),
    ("api", "has no :PORT"),
    ("service/shop/api:0", "port 0 is outside 1-65535"),
    ("service/shop/api:65536", "port 65536 is outside 1-65535"),
    ("pod/shop/web:99999999999999999", "is outside 1-65535"),
    ("service/shop/api:80/icmp", '"icmp" is not a protocol'),
    ("service/shop/api:80/tcp/udp", "is not a protocol"),
    ("service/shop/api:http_alt", '"http_alt" is not a port number or port name'),
    ("service/shop/api:HTTP", "is not a port number or port name"),
    ("service/shop/api:-http", "is not a port number or port name"),
    ("pod/web:a-name-longer-than-15", "is not a port number or port name"),
    ("pod/a/b/c:80", "must be pod/NS/NAME or pod/NAME"),
    ("service//api:80", "not a valid namespace name"),
    ("service/shop/API:80", "not a valid service name"),
    ("node/a/b:80", "must be node/NAME:PORT"),
    ("ingress/shop/web:80", '"ingress" is not a destination kind'),
    ("localhost/web:80", '"localhost" is not a destination kind'),
    ("internet/not-an-ip:80", "is not an IPv4 address"),
    ("999.1.1.1:80", '"999.1.1.1" is not an IPv4 address'),
    ("bad name:80", "is not a DNS name, IP address or reference"),
    ("-api:80", "is not a DNS name"),
    ("ftp://files.example.com/", "is not an http:// or https:// URL"),
    ("http://bad_host!/", "is not a host name"),
    ("http://a.example:70000/", "port 70000 is outside 1-65535"),
    (" service/shop/api:80", "has spaces around it"),
    ("servce/shop/api:80", "did you mean service?"),
]


@pytest.mark.parametrize(("text", "message"), BAD_DESTS, ids=[d[0] for d in BAD_DESTS])
def test_malformed_destination_references_are_refused_with_a_sentence(
        text: str, message: str) -> None:
    with pytest.raises(RefError) as info:
        parse_dest(text)
    assert message in str(info.value)


def test_ref_error_is_a_value_error_so_callers_can_catch_it_generically() -> None:
    assert issubclass(RefError, ValueError)


def test_a_port_of_thousands_of_digits_is_refused_without_converting_it() -> None:
    """``int()`` of over 4,300 digits raises; the reference is refused first."""
    with pytest.raises(RefError, match=r"\(5,000 digits\) is outside 1-65535"):
        parse_dest("service/default/x:" + "9" * 5000)
