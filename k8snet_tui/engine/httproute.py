"""Which Route rule takes a request on a listener: HTTPRoute (and GRPCRoute) matching.

Precedence follows the HTTPRoute spec, continuing on ties: the Route with the
most characters in a matching non-wildcard hostname, then in a matching
hostname; then an Exact path, the PathPrefix with the most characters, a method
match, the most header matches, the most query matches; then the oldest Route
(``creationTimestamp``), then ``namespace/name`` alphabetically; within one
Route the first matching rule. RegularExpression matches use Python ``re``
full matching and rank below Exact and PathPrefix paths (the spec leaves their
precedence to implementations).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime

from k8snet_tui.engine.entry import HttpRequest
from k8snet_tui.engine.gateways import Attachment, ListenerState
from k8snet_tui.engine.hostnames import matches as host_matches
from k8snet_tui.engine.hostnames import specificity
from k8snet_tui.engine.ingress import path_matches as ingress_path_matches
from k8snet_tui.model.gateway import GRPCRoute, GRPCRouteMatch, HTTPRoute, HTTPRouteMatch

REGEX_NOTE = ("RegularExpression matches use Python re full matching and rank below Exact "
              "and PathPrefix paths (their precedence is implementation-specific)")
GRPC_NOTE = ("a request whose content-type is application/grpc is matched against "
             "GRPCRoutes first, then HTTPRoutes")


def path_matches(kind: str, value: str, path: str) -> bool:
    """Exact: the whole path, case-sensitively. PathPrefix: element by element on
    ``/``, a trailing ``/`` ignored (``/abc`` matches ``/abc/def``, not ``/abcd``)."""
    if kind == "Exact":
        return value == path
    if kind == "PathPrefix":
        return ingress_path_matches("Prefix", value, path)
    return _full(value, path)


def _full(pattern: str, text: str) -> bool:
    try:
        return re.fullmatch(pattern, text) is not None
    except re.error:
        return False


@dataclass(frozen=True)
class RuleMatch:
    """The rule (and which of its matches) that takes the request."""

    attachment: Attachment
    rule_index: int
    match_index: int  # -1 for a GRPCRoute rule without matches
    hostname: str  # the Route hostname that matched ("*": any)
    description: str
    regex: bool = False

    @property
    def field(self) -> str:
        return f"spec.rules[{self.rule_index}]"

    @property
    def match_field(self) -> str:
        """The match to change when the wrong requests get through."""
        if self.match_index < 0:
            return self.field
        return f"{self.field}.matches[{self.match_index}]"


@dataclass(frozen=True)
class _Candidate:
    match: RuleMatch
    rank: tuple[int, ...]  # higher is more specific
    created: datetime | None
    name: str


def _timestamp(route: HTTPRoute | GRPCRoute) -> datetime | None:
    return route.metadata.creationTimestamp


def _compare(a: _Candidate, b: _Candidate) -> int:
    if a.rank != b.rank:
        return -1 if a.rank > b.rank else 1
    if a.created is not None and b.created is not None and a.created != b.created:
        return -1 if a.created < b.created else 1
    if a.name != b.name:
        return -1 if a.name < b.name else 1
    ai = (a.match.rule_index, a.match.match_index)
    bi = (b.match.rule_index, b.match.match_index)
    return -1 if ai < bi else (1 if ai > bi else 0)


def matched_hostname(attachment: Attachment, host: str) -> str | None:
    """The most specific of the Route's (intersected) hostnames that takes ``host``."""
    best: str | None = None
    for hostname in attachment.hostnames:
        if host_matches(hostname, host) and (best is None or specificity(hostname) >
                                             specificity(best)):
            best = hostname
    return best


def _http_match(m: HTTPRouteMatch, request: HttpRequest) -> bool:
    if not path_matches(m.path.type, m.path.value, request.path):
        return False
    if m.method is not None and m.method != request.method:
        return False
    for h in m.headers:
        got = request.header(h.name)
        if got is None or not (got == h.value if h.type == "Exact" else _full(h.value, got)):
            return False
    for q in m.queryParams:
        got = request.query_value(q.name)
        if got is None or not (got == q.value if q.type == "Exact" else _full(q.value, got)):
            return False
    return True


def _describe_http(m: HTTPRouteMatch) -> str:
    parts = [f"{m.path.type} {m.path.value}"]
    if m.method:
        parts.append(f"method {m.method}")
    parts.extend(f"header {h.name}{'=' if h.type == 'Exact' else '~'}{h.value}"
                 for h in m.headers)
    parts.extend(f"query {q.name}{'=' if q.type == 'Exact' else '~'}{q.value}"
                 for q in m.queryParams)
    return ", ".join(parts)


def is_grpc(request: HttpRequest) -> bool:
    return (request.header("content-type") or "").startswith("application/grpc")


def pick(listener: ListenerState, request: HttpRequest) -> tuple[RuleMatch | None, list[str]]:
    """The winning rule among the Routes attached to ``listener``, or None (404), and
    the assumptions the choice relied on."""
    host = request.host_header
    notes: list[str] = []
    kinds = ("GRPCRoute", "HTTPRoute") if is_grpc(request) else ("HTTPRoute",)
    if is_grpc(request):
        notes.append(GRPC_NOTE)
    for kind in kinds:
        found: list[_Candidate] = []
        for att in listener.routes:
            if att.kind != kind:
                continue
            hostname = matched_hostname(att, host)
            if hostname is None:
                continue
            host_rank = specificity(hostname)
            route = att.route.obj
            name = f"{att.route.namespace}/{att.route.name}"
            if isinstance(route, HTTPRoute):
                for r_i, rule in enumerate(route.spec.rules):
                    for m_i, m in enumerate(rule.matches):
                        if not _http_match(m, request):
                            continue
                        regex = m.path.type == "RegularExpression" or any(
                            x.type == "RegularExpression" for x in m.headers) or any(
                            q.type == "RegularExpression" for q in m.queryParams)
                        path_rank = {"Exact": 2, "PathPrefix": 1}.get(m.path.type, 0)
                        rank = (*host_rank, path_rank, len(m.path.value) if path_rank == 1
                                else 0, 1 if m.method else 0, len(m.headers),
                                len(m.queryParams))
                        desc = f"HTTPRoute {name} rule {r_i}: {_describe_http(m)}"
                        found.append(_Candidate(RuleMatch(att, r_i, m_i, hostname, desc, regex),
                                                rank, _timestamp(route), name))
            else:
                found.extend(_grpc_candidates(att, route, request, hostname, host_rank, name))
        if found:
            best = min(found, key=functools.cmp_to_key(_compare))
            if best.match.regex:
                notes.append(REGEX_NOTE)
            closer = [att.ref for att in listener.routes if att.kind == kind and
                      (h := matched_hostname(att, host)) is not None and
                      specificity(h) > best.rank[:2]]
            if closer:
                notes.append(f"no rule of {', '.join(dict.fromkeys(closer))} (whose hostname "
                             f"names {host} more specifically) matches, so a rule of a Route "
                             "with a less specific hostname takes it: the spec orders every "
                             "matching rule by hostname first; some implementations answer "
                             "404 instead")
            if len({c.name for c in found}) > 1 and any(c.created is None for c in found):
                notes.append("Routes without metadata.creationTimestamp count as equally old")
            return best.match, notes
    return None, notes


def _grpc_candidates(att: Attachment, route: GRPCRoute, request: HttpRequest, hostname: str,
                     host_rank: tuple[int, int], name: str) -> list[_Candidate]:
    service, _, method = request.path.lstrip("/").partition("/")
    out: list[_Candidate] = []
    for r_i, rule in enumerate(route.spec.rules):
        matches: list[GRPCRouteMatch | None] = [*rule.matches] or [None]
        for m_i, m in enumerate(matches):
            svc_len = meth_len = headers = 0
            if m is not None:
                mm = m.method
                if mm is not None:
                    exact = mm.type == "Exact"
                    if mm.service is not None and not (
                            service == mm.service if exact else _full(mm.service, service)):
                        continue
                    if mm.method is not None and not (
                            method == mm.method if exact else _full(mm.method, method)):
                        continue
                    svc_len = len(mm.service or "")
                    meth_len = len(mm.method or "")
                ok = True
                for h in m.headers:
                    got = request.header(h.name)
                    if got is None or not (got == h.value if h.type == "Exact"
                                           else _full(h.value, got)):
                        ok = False
                        break
                if not ok:
                    continue
                headers = len(m.headers)
            desc = f"GRPCRoute {name} rule {r_i}" + (
                f": {m.method.service or '*'}/{m.method.method or '*'}"
                if m is not None and m.method is not None else "")
            out.append(_Candidate(RuleMatch(att, r_i, m_i if m is not None else -1, hostname,
                                            desc), (*host_rank, svc_len, meth_len, headers),
                                  _timestamp(route), name))
    return out
