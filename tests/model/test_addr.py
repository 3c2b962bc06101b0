"""Cached addresses behave exactly like ipaddress.IPv4Address where it matters."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network

from k8snet_tui.model.addr import Addr, addr


def test_addr_equals_and_hashes_like_a_plain_address() -> None:
    a, b = Addr("10.244.0.2"), IPv4Address("10.244.0.2")
    assert a == b
    assert b == a
    assert hash(a) == hash(b)
    assert {b: "pod"}[a] == "pod"
    by_addr: dict[IPv4Address, str] = {a: "pod"}
    assert by_addr[b] == "pod"


def test_addr_formats_and_computes_like_a_plain_address() -> None:
    a = Addr("192.168.0.11")
    assert str(a) == f"{a}" == "192.168.0.11"
    assert f"{a:s}" == "192.168.0.11"
    assert a + 1 == IPv4Address("192.168.0.12")
    assert str(a + 1) == "192.168.0.12"
    assert a in IPv4Network("192.168.0.0/24")
    assert a < IPv4Address("192.168.0.12")


def test_addr_helper_keeps_an_addr_and_wraps_anything_else() -> None:
    a = Addr("10.0.0.1")
    assert addr(a) is a
    assert isinstance(addr(IPv4Address("10.0.0.1")), Addr)
    assert isinstance(addr("10.0.0.1"), Addr)
