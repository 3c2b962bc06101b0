"""Flow references: the exact grammar of DESIGN.md §3, parsed once.

A flow says who talks (``from``), to what (``to``) and whether that must work
(``expect``); an HTTP flow may also say how it asks (``method``, ``headers``),
where it enters (``via``) and who must answer (``servedBy``). References are
parsed here into small frozen values so that the engine, the CLI and the app
never re-parse strings.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from ipaddress import IPv4Address
from typing import Any, Literal, cast, get_args
from urllib.parse import unquote_to_bytes

from pydantic import Field, ValidationInfo, field_validator

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
_SERVED_BY_KINDS = ("service", "pod", *WORKLOAD_REF_KINDS)

HTTPMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                     "PATCH"]
"""The Gateway API's HTTPMethod enum (apis/v1/httproute_types.go), in its order: a flow can
only ask with a method an HTTPRoute can match on."""
HTTP_METHODS: tuple[str, ...] = get_args(HTTPMethod)
DEFAULT_METHOD: HTTPMethod = "GET"
MAX_HEADER_NAME = 256
"""Gateway API's HeaderName limit; a longer name could never be matched by a Route."""
MAX_HEADER_VALUE = 4096
"""Gateway API's HTTPHeaderMatch value limit."""


class FlowSpec(StrictModel):
    """One required (or forbidden) connection, as the level file writes it."""

    # (The docstring above is the JSON Schema's description, so the rest is a comment.)
    # The HTTP fields keep what was written (``check --json`` echoes them) and are
    # checked for shape here; whether a named Gateway or Service exists is the world's
    # question (``model.world``), since it depends on the resources.

    name: str | None = Field(default=None, description='Defaults to "FROM → TO".')
    from_: str = Field(alias="from", description="Source reference, e.g. pod/shop/web.")
    to: str = Field(description="Destination reference, e.g. service/shop/api:8080.")
    expect: Literal["allow", "deny"] = Field(
        default="allow",
        description="allow: must get through; deny: must be stopped. Partial meets neither.",
    )
    # ``to`` comes before these fields on purpose: their validators read it (info.data).
    method: HTTPMethod | None = Field(
        default=None,
        description="HTTP destinations only: the request method, upper case as the Gateway "
                    "API's HTTPMethod. Unset means GET.",
    )
    headers: dict[str, str] | None = Field(
        default=None,
        description="HTTP destinations only: request headers, e.g. {x-canary: \"true\"}. Names "
                    "are case-insensitive; host overrides the Host header only.",
    )
    via: str | None = Field(
        default=None,
        description="HTTP destinations only: the entry point the client uses: gateway/NS/NAME, "
                    "gateway/NS/NAME/LISTENER or ingress. Default: the engine picks one and "
                    "the trace says which.",
    )
    servedBy: str | None = Field(
        default=None,
        description="Who must answer: service/NS/NAME, pod/NS/NAME or a workload "
                    "(deployment/NS/NAME …). A request answered by anyone else is not reached.",
    )

    @property
    def display_name(self) -> str:
        return self.name or f"{self.from_} → {self.to}"

    @field_validator("method", mode="before")
    @classmethod
    def _method(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:  # null is the same as not writing the key
            return value
        _http_only("method", info)
        if isinstance(value, str):
            return parse_method(value)
        return value  # not a string: the Literal's own message says what is expected

    @field_validator("headers", mode="before")
    @classmethod
    def _headers(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None:
            return value
        _http_only("headers", info)
        if isinstance(value, Mapping):
            check_headers(value)
        return value

    @field_validator("via")
    @classmethod
    def _via(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            _http_only("via", info)
            parse_via(value)
        return value

    @field_validator("servedBy")
    @classmethod
    def _served_by(cls, value: str | None) -> str | None:
        if value is not None:
            parse_served_by(value)
        return value

    # ------------------------------------------------- parsed views for the engine
    @property
    def http_method(self) -> HTTPMethod:
        """The method the request is sent with: as written, else GET."""
        return self.method or DEFAULT_METHOD

    @property
    def via_ref(self) -> ViaRef | None:
        return parse_via(self.via) if self.via is not None else None

    @property
    def served_by_ref(self) -> ServedByRef | None:
        return parse_served_by(self.servedBy) if self.servedBy is not None else None

    @property
    def header_map(self) -> dict[str, str]:
        """Headers keyed by lower-case name, for matching (names are case-insensitive;
        ``headers`` keeps the spelling that was written, for echoing)."""
        return {k.lower(): v for k, v in (self.headers or {}).items()}

    def header(self, name: str) -> str | None:
        """The value of header ``name``, whatever case either side was written in."""
        return self.header_map.get(name.lower())

    @property
    def host_override(self) -> str | None:
        """The host name a ``host`` header asks for (lower case, port dropped), or None.
        It replaces the URL's host in the Host header only: the connection still goes
        to the URL's host and port."""
        value = self.header("host")
        return None if value is None else _split_host(value)[0]


def _http_only(field: str, info: ValidationInfo) -> None:
    """``method``, ``headers`` and ``via`` describe an HTTP request; on any other
    destination they would be silently meaningless, so they are refused."""
    to = info.data.get("to")
    if isinstance(to, str) and not _HTTP_RE.match(to):
        raise ValueError(f'{field} is only for http:// and https:// destinations, and this flow '
                         f'goes to "{to}": remove it, or write the destination as a URL '
                         "(http://HOST/PATH)")


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
    path: str = "/"  # without the query; a fragment is never sent, so it is dropped
    # URL query parameters in the order written, names as written, values decoded the
    # way a server's form parser decodes them ("+" and %20 are spaces).
    query: tuple[tuple[str, str], ...] = ()

    @property
    def effective_port(self) -> int | str:
        if self.port is not None:
            return self.port
        return 443 if self.scheme == "https" else 80

    def query_value(self, name: str) -> str | None:
        """The first value of query parameter ``name`` (exact, case-sensitive name), as the
        Gateway API recommends matching a repeated parameter."""
        for key, value in self.query:
            if key == name:
                return value
        return None


@dataclass(frozen=True)
class ViaRef:
    """The entry point an HTTP flow names: one Gateway (optionally one listener of it) or
    the Ingress controller."""

    kind: Literal["gateway", "ingress"]
    namespace: str | None = None
    name: str | None = None
    listener: str | None = None  # a listener's name (its sectionName), for kind "gateway"

    def __str__(self) -> str:
        if self.kind == "ingress":
            return "ingress"
        tail = f"/{self.listener}" if self.listener else ""
        return f"gateway/{self.namespace}/{self.name}{tail}"


@dataclass(frozen=True)
class ServedByRef:
    """Who must answer a flow: a Service (any of its endpoints), a pod, or any pod of a
    workload."""

    kind: Literal["service", "pod", "workload"]
    namespace: str
    name: str
    workload_kind: str | None = None  # deployment, statefulset, … for kind == "workload"

    def __str__(self) -> str:
        kind = self.workload_kind if self.kind == "workload" else self.kind
        return f"{kind}/{self.namespace}/{self.name}"


_PORT = r"[^:/\s]+"  # anything port-like; _port() says precisely what is wrong with it
_DEST_RE = re.compile(rf"^(?P<target>.+):(?P<port>{_PORT})(?:/(?P<proto>tcp|udp|sctp))?$", re.I)
_NAME_RE = re.compile(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
_DNS_RE = re.compile(r"^(?=.{1,253}\.?$)([A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9_]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?\.?$")
_URL_RE = re.compile(r"^(?P<scheme>https?)://(?P<host>[^/:?#]+)(?::(?P<port>\d{1,5}))?"
                     r"(?P<path>/[^?#]*)?(?:\?(?P<query>[^#]*))?(?:#.*)?$", re.I)
_HTTP_RE = re.compile(r"^https?://", re.I)
_TOKEN_RE = re.compile(r"^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$")
"""An HTTP field name (RFC 9110 token), the Gateway API's HeaderName pattern."""
_HEADER_VALUE_RE = re.compile(r"^[!-~]+(?:[\t ]+[!-~]+)*$")
"""Printable ASCII with inner spaces or tabs: what a Gateway API header match can compare."""
_LISTENER_RE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,251}[a-z0-9])?$")
"""A Gateway listener name (the Gateway API's SectionName)."""
_BAD_ESCAPE_RE = re.compile(r"%(?![0-9A-Fa-f]{2})")


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
        query = parse_query(url["query"]) if url["query"] else ()
        return DestRef("url", url_port, scheme=scheme, host=host, path=url["path"] or "/",
                       query=query)
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


# ------------------------------------------------------------ HTTP flow fields

def parse_query(text: str) -> tuple[tuple[str, str], ...]:
    """``a=1&b=x%20y`` → ``(("a", "1"), ("b", "x y"))``, as a server's query parser reads it:
    pairs split on ``&`` (empty ones skipped), a name without ``=`` has the value ``""``,
    ``+`` is a space and ``%XX`` escapes are UTF-8. Raises RefError for what a server
    would refuse or mangle: spaces, control characters and broken escapes."""
    bad = re.search(r"[\s\x00-\x1f\x7f]", text)
    if bad:
        raise RefError(f"the query {text!r} contains {bad.group()!r}: percent-encode it "
                       "(a space is %20 or +)")
    if _BAD_ESCAPE_RE.search(text):
        raise RefError(f'the query "{text}" has a "%" not followed by two hex digits: write '
                       "%25 for a literal %")
    pairs: list[tuple[str, str]] = []
    for part in text.split("&"):
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((_unescape(name, text), _unescape(value, text)))
    return tuple(pairs)


def _unescape(text: str, query: str) -> str:
    try:
        return unquote_to_bytes(text.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        raise RefError(f'the query "{query}" decodes to bytes that are not UTF-8') from None


def parse_method(text: str) -> HTTPMethod:
    """A ``method`` value; upper case only, as the Gateway API (and HTTP) spells methods."""
    if text in HTTP_METHODS:
        return cast(HTTPMethod, text)  # checked against the Literal's values just above
    raise RefError(f'"{text}" is not an HTTP method: use {", ".join(HTTP_METHODS[:-1])} or '
                   f"{HTTP_METHODS[-1]} (upper case, as the Gateway API matches them)"
                   f"{did_you_mean(text, HTTP_METHODS)}")


def check_header_name(name: str) -> None:
    """Refuse what no HTTP request can carry as a header name (RFC 9110 token)."""
    if name.startswith(":"):
        raise RefError(f'"{name}" is an HTTP/2 pseudo-header, which routes cannot match; '
                       "write host for :authority, method for :method, and put the path in "
                       "the URL")
    if not name:
        raise RefError("a header name is empty")
    if len(name) > MAX_HEADER_NAME:
        raise RefError(f'header name "{name[:20]}…" is {len(name):,} characters long; at most '
                       f"{MAX_HEADER_NAME}")
    if not _TOKEN_RE.match(name):
        raise RefError(f"{name!r} is not a header name: use letters, digits and "
                       "!#$%&'*+-.^_`|~ (no spaces, colons or other separators)")


def check_header_value(name: str, value: str) -> None:
    """Refuse a value HTTP cannot carry or a Route could never match."""
    if value == "":
        return  # an empty header is a valid request; it matches only an empty value
    if value != value.strip(" \t"):
        raise RefError(f"header {name}: {value!r} has spaces around it, which servers strip; "
                       f"write {value.strip()!r}")
    if len(value) > MAX_HEADER_VALUE:
        raise RefError(f"header {name}: the value is {len(value):,} characters long; at most "
                       f"{MAX_HEADER_VALUE}")
    if not _HEADER_VALUE_RE.match(value):
        raise RefError(f"header {name}: {value!r} is not a header value: only printable ASCII "
                       "with single spaces or tabs inside (no line breaks or control "
                       "characters; percent-encode anything else)")
    if name.lower() == "host":
        _split_host(value)


def check_headers(headers: Mapping[Any, Any]) -> None:
    """Every name a token, no name twice in different case, every value a string HTTP can
    carry. A YAML ``true`` or ``1`` is refused rather than turned into text, because
    ``{x-canary: true}`` most often means the author forgot the quotes around "true"."""
    seen: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str):
            raise RefError(f"header name {name!r} is not a string: quote it")
        check_header_name(name)
        first = seen.setdefault(name.lower(), name)
        if first != name:
            raise RefError(f'headers "{first}" and "{name}" are the same header (names are '
                           "case-insensitive): keep one")
        if isinstance(value, bool):
            shown = "true" if value else "false"
            raise RefError(f'header {name}: {shown} is a YAML boolean, not text: quote it '
                           f'("{shown}")')
        if isinstance(value, (int, float)):
            raise RefError(f'header {name}: {value} is a YAML number, not text: quote it '
                           f'("{value}")')
        if not isinstance(value, str):
            raise RefError(f"header {name}: the value must be a string")
        check_header_value(name, value)


def _split_host(value: str) -> tuple[str, int | None]:
    """A Host header ``HOST[:PORT]`` → (lower-case host, port)."""
    host, colon, port = value.rpartition(":") if ":" in value else (value, "", "")
    ok = _DNS_RE.match(host) is not None and (
        not colon or (port.isascii() and port.isdigit() and len(port) <= 5
                      and 1 <= int(port) <= 65535))
    if not ok:
        raise RefError(f'header host: "{value}" is not HOST or HOST:PORT (a DNS name or IPv4 '
                       "address, then optionally a port 1-65535)")
    return host.lower().rstrip("."), int(port) if colon else None


def parse_via(text: str) -> ViaRef:
    """Parse a ``via`` value; raises RefError with a sentence a player can act on."""
    _no_padding(text)
    head, _, rest = text.partition("/")
    kind = canonical_kind(head)
    if kind == "ingress":
        if rest:
            raise RefError(f'"{text}": via ingress takes no name (the Ingress controller picks '
                           "the Ingress by host and path); write ingress")
        return ViaRef("ingress")
    if kind != "gateway":
        raise RefError(f'"{text}" is not an entry point: use gateway/NS/NAME, '
                       f"gateway/NS/NAME/LISTENER or ingress"
                       f"{did_you_mean(kind, ('gateway', 'ingress'))}")
    parts = rest.split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise RefError(f'"{text}": a Gateway is gateway/NS/NAME or gateway/NS/NAME/LISTENER '
                       "(the namespace is always written)")
    ns, name = _name(parts[0], "namespace"), _name(parts[1], "Gateway")
    listener = None
    if len(parts) == 3:
        listener = parts[2]
        if not _LISTENER_RE.match(listener):
            raise RefError(f'"{listener}" is not a valid listener name (lowercase letters, '
                           "digits and -, as in the Gateway's spec.listeners[].name)")
    return ViaRef("gateway", ns, name, listener)


def parse_served_by(text: str) -> ServedByRef:
    """Parse a ``servedBy`` value; raises RefError with a sentence a player can act on."""
    _no_padding(text)
    head, _, rest = text.partition("/")
    kind = canonical_kind(head)
    if kind not in _SERVED_BY_KINDS:
        raise RefError(f'"{head}" cannot serve a request: servedBy is service/NS/NAME, '
                       "pod/NS/NAME or deployment|statefulset|daemonset|replicaset/NS/NAME "
                       "(or kubectl's short names: svc, po, deploy, sts, ds, rs)"
                       f"{did_you_mean(kind, _SERVED_BY_KINDS)}")
    if not rest:
        raise RefError(f'"{text}" names no object: write {kind}/NS/NAME')
    if ":" in rest:
        bare = text.split(":", 1)[0]
        raise RefError(f'"{text}": servedBy names an object, not a port; write {bare} (the '
                       "port belongs in to)")
    ns, name = _ns_name(rest.split("/"), kind)
    if kind in WORKLOAD_REF_KINDS:
        return ServedByRef("workload", ns, name, kind)
    return ServedByRef("service" if kind == "service" else "pod", ns, name)
