"""What the player types, turned into values an edit can carry — or a message why not.

Prompts and the YAML editor parse here, with the message shown inline under
the input, so a typo never reaches the session. The checks are the API
server's own (port ranges, label syntax, DNS names), so a value accepted here
is one ``kubectl`` would accept too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from ipaddress import IPv4Address, IPv4Network
from typing import Any

import yaml
from pydantic import TypeAdapter, ValidationError

from k8snet_tui.model.names import port_name_problem
from k8snet_tui.model.problems import format_loc
from k8snet_tui.model.resources import AnyResource, Resource
from k8snet_tui.model.strict import unknown_fields
from k8snet_tui.model.yamlsource import MarkTable, YamlError, read_documents

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
_LABEL_NAME = re.compile(r"[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")
_ROUTE = re.compile(r"^\s*(\S+)\s+(?:via\s+)?(\S+)\s*$")


class InputError(ValueError):
    """A typed value that cannot become an edit; the message is shown under the input."""


def parse_port(text: str, what: str = "a port") -> int:
    """A port number 1-65535."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()):
        raise InputError(f"{what} is a number from 1 to 65535")
    if len(text) > 5 or not 1 <= int(text) <= 65535:
        raise InputError(f"{text if len(text) <= 12 else text[:12] + '…'} is outside 1-65535")
    return int(text)


def parse_port_name(text: str) -> str:
    """An IANA service name, the only kind of name a container port may have."""
    problem = port_name_problem(text)
    if problem is not None:
        shown = text if len(text) <= 40 else text[:40] + "…"
        raise InputError(f'"{shown}" is {problem}' if text else problem)
    return text


def parse_port_or_name(text: str) -> int | str:
    """``8080`` or ``http``: how targetPort and Ingress backends refer to a port."""
    if not text:
        raise InputError("enter a port number (8080) or a port name (http)")
    return parse_port(text) if text.isascii() and text.isdigit() else parse_port_name(text)


def parse_node_port(text: str, port_range: tuple[int, int]) -> int:
    """A port inside the cluster's NodePort range; the API server refuses any other."""
    low, high = port_range
    port = parse_port(text, "a nodePort")
    if not low <= port <= high:
        raise InputError(f"{port} is outside the NodePort range {low}-{high}")
    return port


def _label_key(key: str) -> str:
    prefix, _, name = key.rpartition("/")
    if prefix and (len(prefix) > 253 or not _DNS_SUBDOMAIN.fullmatch(prefix)):
        raise InputError(f'"{key}": the prefix before "/" must be a DNS name like example.com')
    if not name or len(name) > 63 or not _LABEL_NAME.fullmatch(name):
        raise InputError(f'"{key}" is not a label key (letters, digits, "-", "_", "."; '
                         "at most 63 characters)")
    return key


def _label_value(key: str, value: str) -> str:
    if len(value) > 63 or (value and not _LABEL_NAME.fullmatch(value)):
        raise InputError(f'"{value}" is not a valid value for {key} (letters, digits, "-", '
                         '"_", "."; at most 63 characters)')
    return value


def parse_labels(text: str, *, allow_empty: bool = True) -> dict[str, str]:
    """``app=web, tier=api`` → a label map (``app: web`` is read the same way)."""
    labels: dict[str, str] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        sep = "=" if "=" in item else ":" if ":" in item else None
        if sep is None:
            raise InputError(f'"{item}" needs a value: write key=value')
        key, value = (x.strip() for x in item.split(sep, 1))
        if key in labels:
            raise InputError(f'"{key}" is given twice')
        labels[_label_key(key)] = _label_value(key, value)
    if not labels and not allow_empty:
        raise InputError("enter at least one key=value")
    return labels


def typed(value: Any) -> str:
    """What a player types into a prompt to enter ``value``: the prompts' parsing, inverted
    (``{"number": 80}`` → ``80``, a label map → ``app=web, tier=api``)."""
    if isinstance(value, dict) and len(value) == 1 and set(value) <= {"number", "name"}:
        return str(next(iter(value.values())))
    if isinstance(value, dict):
        return format_labels(value)
    if isinstance(value, list) and all(isinstance(v, (str, int)) for v in value):
        return ", ".join(str(v) for v in value)  # hostnames: "a.example.com, b.example.com"
    return str(value)


def format_labels(labels: Mapping[str, str] | None) -> str:
    """The inverse of ``parse_labels``, used to prefill prompts."""
    return ", ".join(f"{k}={v}" for k, v in (labels or {}).items())


def parse_dns_label(text: str, what: str) -> str:
    """A namespace name: one lowercase DNS label."""
    if not text:
        raise InputError(f"enter {what}")
    if len(text) > 63 or not _DNS_LABEL.fullmatch(text):
        raise InputError(f'"{text}" is not {what}: lowercase letters, digits and "-", at most '
                         "63 characters")
    return text


def parse_dns_name(text: str) -> str:
    """A fully qualified DNS name (a trailing dot is allowed, as in a CNAME)."""
    name = text.lower()
    if not name:
        raise InputError("enter a DNS name like db.example.com")
    if len(name.rstrip(".")) > 253 or not _DNS_SUBDOMAIN.fullmatch(name.rstrip(".")):
        raise InputError(f'"{text}" is not a DNS name (labels of letters, digits and "-", '
                         'separated by ".")')
    return text


def parse_route(text: str, node_network: IPv4Network, *, existing: Sequence[str] = (),
                own: IPv4Address | None = None) -> tuple[str, str]:
    """``10.244.1.0/24 via 192.168.0.12`` → (to, via), checked the way the level loader does."""
    match = _ROUTE.match(text)
    if match is None:
        raise InputError("write DESTINATION via NEXT-HOP, e.g. 10.244.1.0/24 via 192.168.0.12")
    to, via = match.groups()
    if to != "default":
        try:
            net = IPv4Network(to, strict=False)
        except ValueError:
            raise InputError(f'"{to}" is not a CIDR like 10.244.1.0/24 or "default"') from None
        if str(net) != to and f"{net.network_address}" != to:
            raise InputError(f"{to} has host bits set; the network is {net}")
        to = str(net)
    dest = IPv4Network("0.0.0.0/0") if to == "default" else IPv4Network(to)
    for other in existing:
        other_net = IPv4Network("0.0.0.0/0" if other == "default" else other, strict=False)
        if other_net == dest:
            raise InputError(f"there is already a route to {other}; remove it first")
    return to, parse_next_hop(via, node_network, own)


def parse_next_hop(text: str, node_network: IPv4Network,
                   own: IPv4Address | None = None) -> str:
    """A ``via`` address: another node's IP or the gateway, on the nodes' network."""
    try:
        hop = IPv4Address(text)
    except ValueError:
        raise InputError(f'"{text}" is not an IPv4 address') from None
    if hop not in node_network:
        raise InputError(f"the next hop {hop} is not on the node network {node_network}")
    if hop == own:
        raise InputError(f"{hop} is this node's own address; the next hop is another node "
                         "or the gateway")
    return str(hop)


# ---------------------------------------------------------------------- manifests


def _first_content(text: str) -> tuple[int, int]:
    """Line and column (1-based) where a document's first value starts."""
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#") and stripped not in ("---", "..."):
            return number, len(line) - len(stripped) + 1
    return 1, 1


def parse_manifest(text: str) -> dict[str, Any]:
    """The editor's text as one mapping; raises InputError "line L:C: why" otherwise.

    The level loader's hardened reader is used (size, alias and depth limits), so
    the editor accepts exactly the YAML a level file may hold.
    """
    marks = MarkTable()
    try:
        docs = read_documents(text, None, marks)
    except YamlError as exc:
        p = exc.problem
        where = f"line {p.line}:{p.column}: " if p.line is not None else ""
        raise InputError(f"{where}{p.message}") from None
    docs = [d for d in docs if d is not None]
    if not docs:
        raise InputError("line 1:1: the YAML is empty; it must hold the whole object")
    if len(docs) > 1:
        raise InputError(f"line 1:1: found {len(docs)} documents; the editor holds one object")
    if not isinstance(docs[0], dict):
        line, col = _first_content(text)
        found = "a list" if isinstance(docs[0], list) else f"the value {docs[0]!r}"
        raise InputError(f"line {line}:{col}: expected a mapping (apiVersion, kind, metadata, "
                         f"spec …), found {found}")
    _refuse_unknown_fields(docs[0], marks)
    return docs[0]


_RESOURCE: TypeAdapter[AnyResource] = TypeAdapter(Resource)


def _refuse_unknown_fields(manifest: dict[str, Any], marks: MarkTable) -> None:
    """Refuse a field the Kubernetes API does not have, as ``kubectl apply`` does.

    Applied, it would be dropped without a word (a misplaced ``namespaceSelector:``
    silently widens a policy), so the editor names it instead. A manifest the model
    refuses outright is left for the edit's own validation to explain.
    """
    try:
        resource = _RESOURCE.validate_python(manifest)
    except ValidationError:
        return
    problems = unknown_fields(resource)
    if not problems:
        return
    first = problems[0]
    mark, _ = marks.locate(manifest, first.loc, at_key=True)
    where = f"line {mark.line}:{mark.column}: " if mark is not None else ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise InputError(f"{where}{format_loc(first.loc)}: {first.message}{more}")


def dump_yaml(data: Mapping[str, Any]) -> str:
    """The object as the YAML editor shows it: field order as written, no defaults added."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True,
                          default_flow_style=False)
