"""Flow references: the exact grammar of DESIGN.md §3, parsed once.

A flow says who talks (``from``), to what (``to``) and whether that must work
(``expect``). References are parsed here into small frozen values so that the
engine, the CLI and the app never re-parse strings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Literal

from pydantic import Field

from k8snet_tui.model.cluster import StrictModel
from k8snet_tui.model.kinds import canonical_kind
from k8snet_tui.model.suggest import did_you_mean

DEFAULT_CLIENT_IP = IPv4Address("203.0.113.10")
"""The external client ``internet`` stands for unless an address is given."""
DEFAULT_SERVER_IP = IPv4Address("198.51.100.10")
"""The outside server ``internet:PORT`` stands for unless an address is given."""

WORKLOAD_REF_KINDS = ("deployment", "statefulset", "daemonset", "replicaset")
Proto = Literal["TCP", "UDP", "SCTP"]
_SOURCE_KINDS = ("pod", *WORKLOAD_REF_KINDS, "node", "internet")
_DEST_KINDS = ("pod", "service", *WORKLOAD_REF_KINDS, "node", "localhost", "internet")


class FlowSpec(StrictModel):
    """One required (or forbidden) connection, as the level file writes it."""

    name: str | None = Field(default=None, description='Defaults to "FROM → TO".')
    from_: str = Field(alias="from", description="Source reference, e.g. pod/shop/web.")
    to: str = Field(description="Destination reference, e.g. service/shop/api:8080.")
    expect: Literal["allow", "deny"] = Field(
        default="allow",
        description="allow: must get through; deny: must be stopped. Partial meets neither.",
    )

    @property
    def display_name(self) -> str:
        return self.name or f"{self.from_} → {self.to}"


class RefError(ValueError):
    """A flow reference that does not follow the grammar."""


@dataclass(frozen=True)
class SourceRef:
    kind: Literal["pod", "workload", "node", "internet"]
    namespace: str | None = None
    name: str | None = None
    workload_kind: str | None = None  # deployment, statefulset, … for kind == "workload"
    ip: IPv4Address | None = None

    def __str__(self) -> str:
        if self.kind == "internet":
            return "internet" if self.ip == DEFAULT_CLIENT_IP else f"internet/{self.ip}"
        if self.kind == "node":
            return f"node/{self.name}"
        kind = self.workload_kind if self.kind == "workload" else "pod"
        return f"{kind}/{self.namespace}/{self.name}"


DestKind = Literal["pod", "workload", "service", "dns", "url", "ip", "node", "localhost",
                   "internet"]


@dataclass(frozen=True)
class DestRef:
    kind: DestKind
    port: int | str | None  # None only for URLs without an explicit port
    protocol: Proto = "TCP"
    namespace: str | None = None
    name: str | None = None  # object name, or the DNS name for kind == "dns"
    workload_kind: str | None = None
    ip: IPv4Address | None = None
    scheme: Literal["http", "https"] | None = None
    host: str | None = None
    path: str = "/"

    @property
    def effective_port(self) -> int | str:
        if self.port is not None:
            return self.port
        return 443 if self.scheme == "https" else 80


_PORT = r"[^:/\s]+"  # anything port-like; _port() says precisely what is wrong with it
_DEST_RE = re.compile(rf"^(?P<target>.+):(?P<port>{_PORT})(?:/(?P<proto>tcp|udp|sctp))?$", re.I)
_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_DNS_RE = re.compile(r"^(?=.{1,253}\.?$)([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?\.?$")
_URL_RE = re.compile(r"^(?P<scheme>https?)://(?P<host>[^/:?#]+)(?::(?P<port>\d{1,5}))?"
                     r"(?P<path>/[^?#]*)?(?:[?#].*)?$", re.I)


def _name(text: str, what: str) -> str:
    if not _NAME_RE.match(text):
        raise RefError(f'"{text}" is not a valid {what} name')
    return text


def _ns_name(parts: list[str], what: str) -> tuple[str, str]:
    if len(parts) == 1:
        return "default", _name(parts[0], what)
    if len(parts) == 2:
        return _name(parts[0], "namespace"), _name(parts[1], what)
    raise RefError(f"{what} reference must be {what}/NS/NAME or {what}/NAME")


def _ip(text: str) -> IPv4Address:
    try:
        return IPv4Address(text)
    except ValueError:
        raise RefError(f'"{text}" is not an IPv4 address') from None


def _port(text: str) -> int | str:
    if text.isascii() and text.isdigit():
        if len(text) > 5 or not 1 <= int(text) <= 65535:  # never int() a 5,000-digit port
            shown = text if len(text) <= 12 else f"{text[:12]}… ({len(text):,} digits)"
            raise RefError(f"port {shown} is outside 1-65535")
        return int(text)
    if not re.match(r"^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$", text) or not re.search("[a-z]", text):
        raise RefError(f'"{text}" is not a port number or port name')
    return text


def _no_padding(text: str) -> None:
    """A reference is one token: spaces around it are a typo (often a tab or a stray
    quote) that the API server would not trim either."""
    if text != text.strip():
        raise RefError(f"{text!r} has spaces around it; write {text.strip()!r}")


def parse_source(text: str) -> SourceRef:
    """Parse a ``from`` reference; raises RefError with a sentence a player can act on."""
    _no_padding(text)
    if text == "internet":
        return SourceRef("internet", ip=DEFAULT_CLIENT_IP)
    head, _, rest = text.partition("/")
    head = canonical_kind(head)
    if head == "internet" and rest:
        return SourceRef("internet", ip=_ip(rest))
    if not rest:
        raise RefError(
            f'"{text}" is not a source: use pod/NS/NAME, deployment/NS/NAME, node/NAME or internet'
        )
    parts = rest.split("/")
    if head == "pod":
        ns, name = _ns_name(parts, "pod")
        return SourceRef("pod", namespace=ns, name=name)
    if head in WORKLOAD_REF_KINDS:
        ns, name = _ns_name(parts, head)
        return SourceRef("workload", namespace=ns, name=name, workload_kind=head)
    if head == "node":
        if len(parts) != 1:
            raise RefError("node reference must be node/NAME")
        return SourceRef("node", name=_name(parts[0], "node"))
    raise RefError(f'"{head}" is not a source kind: use pod, deployment, statefulset, daemonset, '
                   "replicaset, node or internet (or kubectl's short names: po, deploy, sts, ds, "
                   f"rs, no){did_you_mean(head, _SOURCE_KINDS)}")


def parse_dest(text: str) -> DestRef:
    """Parse a ``to`` reference; raises RefError with a sentence a player can act on."""
    _no_padding(text)
    url = _URL_RE.match(text)
    if url:
        url_port = int(url["port"]) if url["port"] else None
        if url_port is not None and not 1 <= url_port <= 65535:
            raise RefError(f"port {url_port} is outside 1-65535")
        host = url["host"].lower()
        if not _DNS_RE.match(host):
            raise RefError(f'"{host}" is not a host name')
        scheme: Literal["http", "https"] = "https" if url["scheme"].lower() == "https" else "http"
        return DestRef("url", url_port, scheme=scheme, host=host, path=url["path"] or "/")
    if "://" in text:
        raise RefError(f'"{text}" is not an http:// or https:// URL')
    match = _DEST_RE.match(text)
    if not match:
        bad = re.match(rf"^.+:{_PORT}/(?P<proto>.*)$", text)
        if bad:
            raise RefError(f'"{bad["proto"]}" is not a protocol: use /tcp, /udp or /sctp')
        raise RefError(f'"{text}" has no :PORT — destinations are TARGET:PORT[/tcp|/udp|/sctp]')
    target = match["target"]
    port = _port(match["port"])
    proto: Proto = (match["proto"] or "tcp").upper()  # type: ignore[assignment]
    head, _, rest = target.partition("/")
    low = canonical_kind(head)
    if low == "localhost" and not rest:
        return DestRef("localhost", port, proto)
    if low == "internet":
        ip = _ip(rest) if rest else DEFAULT_SERVER_IP
        return DestRef("internet", port, proto, ip=ip)
    if rest:
        parts = rest.split("/")
        if low == "pod":
            ns, name = _ns_name(parts, "pod")
            return DestRef("pod", port, proto, namespace=ns, name=name)
        if low in WORKLOAD_REF_KINDS:
            ns, name = _ns_name(parts, low)
            return DestRef("workload", port, proto, namespace=ns, name=name, workload_kind=low)
        if low == "service":
            ns, name = _ns_name(parts, "service")
            return DestRef("service", port, proto, namespace=ns, name=name)
        if low == "node":
            if len(parts) != 1:
                raise RefError("node reference must be node/NAME:PORT")
            return DestRef("node", port, proto, name=_name(parts[0], "node"))
        raise RefError(f'"{head}" is not a destination kind: use pod, service, deployment, '
                       "statefulset, daemonset, replicaset, node, localhost or internet "
                       "(or kubectl's short names: po, svc, deploy, sts, ds, rs, no)"
                       f"{did_you_mean(low, _DEST_KINDS)}")
    if re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", target):
        return DestRef("ip", port, proto, ip=_ip(target))
    if not _DNS_RE.match(target):
        raise RefError(f'"{target}" is not a DNS name, IP address or reference')
    return DestRef("dns", port, proto, name=target.lower())
