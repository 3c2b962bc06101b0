"""The Gateway API CRDs' rules that compare items of a list, located at the item.

A model validator can only blame the list as a whole; these checks run when the
world is built (for level files, manifests and every edit alike) and point at
the second listener with the same name, the filter that repeats, the match a
``ReplacePrefixMatch`` cannot work with. Messages follow the CRDs' own CEL
messages so a search for them finds the Gateway API documentation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from k8snet_tui.model.gateway import (
    Gateway,
    GRPCRoute,
    GRPCRouteFilter,
    GRPCRouteRule,
    HTTPPathMatch,
    HTTPRoute,
    HTTPRouteFilter,
    HTTPRouteRule,
    ParentReference,
    Secret,
)
from k8snet_tui.model.problems import Loc, Problem

_PATH_CHARS = re.compile(r"(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|%[0-9a-fA-F]{2})+")
_PATH_FORBIDDEN = ("//", "/./", "/../", "%2f", "%2F", "#")
_UNREPEATABLE = ("RequestHeaderModifier", "ResponseHeaderModifier", "RequestRedirect",
                 "URLRewrite", "CORS")
MAX_ROUTE_MATCHES = 128


@dataclass
class _Found:
    problems: list[Problem] = field(default_factory=list)

    def err(self, msg: str, loc: Loc) -> None:
        self.problems.append(Problem(msg, loc))


def _proto(text: str) -> str:
    """Core protocol names are case-insensitive (the CEL rules match with ``(?i)``)."""
    return text.upper()


# --------------------------------------------------------------------- Gateway


def check_gateway(gw: Gateway, loc: Loc) -> list[Problem]:
    """The CEL rules on ``spec.listeners`` and ``spec.addresses``."""
    found = _Found()
    listeners_loc = (*loc, "spec", "listeners")
    names: dict[str, int] = {}
    combos: dict[tuple[int, str, str | None], int] = {}
    for l_i, lst in enumerate(gw.spec.listeners):
        here = (*listeners_loc, l_i)
        proto = _proto(lst.protocol)
        if lst.name in names:
            found.err(f'listener name "{lst.name}" is already used by listeners'
                      f"[{names[lst.name]}]; Listener name must be unique within the Gateway",
                      (*here, "name"))
        names.setdefault(lst.name, l_i)
        combo = (lst.port, lst.protocol, lst.hostname)
        if combo in combos:
            found.err(f"listeners[{combos[combo]}] has the same port, protocol and hostname; "
                      "the combination of port, protocol and hostname must be unique for "
                      "each listener", (*here, "port"))
        combos.setdefault(combo, l_i)
        if proto in ("HTTP", "TCP", "UDP") and lst.tls is not None:
            found.err(f"tls must not be specified for protocol {lst.protocol}", (*here, "tls"))
        if proto in ("HTTPS", "TLS") and lst.tls is None:
            found.err(f"protocol {lst.protocol} needs tls"
                      + (" with certificateRefs (the listener's certificate)"
                         if proto == "HTTPS" else " (mode Terminate or Passthrough)"), here)
        if proto == "HTTPS" and lst.tls is not None and lst.tls.mode != "Terminate":
            found.err("tls mode must be Terminate for protocol HTTPS", (*here, "tls", "mode"))
        if proto in ("TCP", "UDP") and lst.hostname:
            found.err(f"hostname must not be specified for protocol {lst.protocol}",
                      (*here, "hostname"))
    seen: dict[tuple[str, str], int] = {}
    for a_i, address in enumerate(gw.spec.addresses):
        if address.type not in ("IPAddress", "Hostname") or not address.value:
            continue
        key = (address.type, address.value)
        if key in seen:
            found.err(f"{address.type} values must be unique (also addresses[{seen[key]}])",
                      (*loc, "spec", "addresses", a_i, "value"))
        seen.setdefault(key, a_i)
    return found.problems


# ---------------------------------------------------------------------- Routes


def _parent_refs(refs: Sequence[ParentReference], loc: Loc, found: _Found) -> None:
    """"sectionName or port must be specified / unique when parentRefs includes 2 or more
    references to the same parent" (the experimental channel's rule, which the standard
    one — sectionName only — is a special case of)."""
    by_parent: dict[tuple[str, str, str, str], list[int]] = {}
    for p_i, ref in enumerate(refs):
        by_parent.setdefault((ref.group, ref.kind, ref.namespace or "", ref.name), []).append(p_i)
    for indexes in by_parent.values():
        if len(indexes) < 2:
            continue
        first = refs[indexes[0]]
        shape = (first.sectionName is not None, first.port is not None)
        seen: dict[tuple[str | None, int | None], int] = {}
        for p_i in indexes:
            ref = refs[p_i]
            here = (*loc, p_i)
            if (ref.sectionName is not None, ref.port is not None) != shape or shape == \
                    (False, False):
                found.err(f"parentRefs[{indexes[0]}] refers to the same parent {ref.kind} "
                          f"{ref.name!r}: sectionName or port must be specified (the same ones "
                          "in each) when parentRefs includes 2 or more references to the same "
                          "parent", here)
                return
            key = (ref.sectionName, ref.port)
            if key in seen:
                found.err(f"parentRefs[{seen[key]}] already refers to this section of "
                          f"{ref.kind} {ref.name!r}: sectionName or port must be unique when "
                          "parentRefs includes 2 or more references to the same parent", here)
                return
            seen[key] = p_i


def _filters(filters: Sequence[HTTPRouteFilter | GRPCRouteFilter], loc: Loc,
             found: _Found) -> None:
    """Filters that cannot be repeated, and RequestRedirect never beside URLRewrite."""
    seen: dict[str, int] = {}
    for f_i, flt in enumerate(filters):
        here = (*loc, f_i, "type")
        if flt.type in _UNREPEATABLE and flt.type in seen:
            found.err(f"{flt.type} filter cannot be repeated (also filters[{seen[flt.type]}])",
                      here)
        other = {"RequestRedirect": "URLRewrite", "URLRewrite": "RequestRedirect"}.get(flt.type)
        if other is not None and other in seen and flt.type not in seen:
            found.err(f"filters[{seen[other]}] is {other}: may specify either RequestRedirect "
                      "or URLRewrite, but not both", here)
        seen.setdefault(flt.type, f_i)


def _replace_prefix_needs_one_prefix_match(filters: Sequence[HTTPRouteFilter],
                                           paths: Sequence[HTTPPathMatch], loc: Loc,
                                           found: _Found) -> None:
    """A ReplacePrefixMatch must know which prefix it replaces: exactly one PathPrefix match."""
    for f_i, flt in enumerate(filters):
        for key, conf in (("requestRedirect", flt.requestRedirect),
                          ("urlRewrite", flt.urlRewrite)):
            path = conf.path if conf is not None else None
            if path is None or path.type != "ReplacePrefixMatch":
                continue
            if len(paths) != 1 or paths[0].type != "PathPrefix":
                name = "RequestRedirect" if key == "requestRedirect" else "URLRewrite"
                found.err(f"when using {name} filter with path.replacePrefixMatch, exactly one "
                          f"PathPrefix match must be specified (the rule has {len(paths)} "
                          "match" + ("es" if len(paths) != 1 else "")
                          + ("" if len(paths) != 1 else f" of type {paths[0].type}") + ")",
                          (*loc, f_i, key, "path", "type"))


def _path(match: HTTPPathMatch, loc: Loc, found: _Found) -> None:
    """The HTTPPathMatch CEL rules for Exact and PathPrefix values."""
    if match.type == "RegularExpression":
        return
    value, here = match.value, (*loc, "value")
    why = None
    if not value.startswith("/"):
        why = "must be an absolute path and start with '/'"
    elif bad := next((s for s in _PATH_FORBIDDEN if s in value), None):
        why = f"must not contain {bad!r}"
    elif value.endswith(("/..", "/.")):
        why = f"must not end with {'/..' if value.endswith('/..') else '/.'!r}"
    elif not _PATH_CHARS.fullmatch(value):
        why = "must only contain valid path characters (letters, digits, -._~!$&'()*+,;=:@/ " \
              "and %XX escapes)"
    if why is not None:
        found.err(f"path {value!r} {why} when type is {match.type}", here)


def _unique_names(names: Iterable[str], loc: Loc, what: str, found: _Found) -> None:
    seen: dict[str, int] = {}
    for i, name in enumerate(names):
        if name in seen:
            found.err(f'duplicate {what} "{name}" (also [{seen[name]}])', (*loc, i, "name"))
        seen.setdefault(name, i)


def _too_many_matches(counts: Sequence[int], loc: Loc, found: _Found) -> None:
    total = sum(counts)
    if total > MAX_ROUTE_MATCHES:
        found.err(f"the rules hold {total} matches together; the total number of matches "
                  f"across all rules in a route must be at most {MAX_ROUTE_MATCHES}", loc)


def _rule_names(names: Sequence[str | None], loc: Loc, found: _Found) -> None:
    seen: dict[str, int] = {}
    for r_i, name in enumerate(names):
        if name is None:
            continue
        if name in seen:
            found.err(f'rule name "{name}" is already used by rules[{seen[name]}]; rule name '
                      "must be unique within the route", (*loc, r_i, "name"))
        seen.setdefault(name, r_i)


def _route_spec(route: HTTPRoute | GRPCRoute, loc: Loc) -> tuple[_Found, Loc]:
    """The rules every Route kind shares: parentRefs, rule names, the match budget."""
    found = _Found()
    spec = (*loc, "spec")
    _parent_refs(route.spec.parentRefs, (*spec, "parentRefs"), found)
    rules: Sequence[HTTPRouteRule | GRPCRouteRule] = route.spec.rules
    _rule_names([r.name for r in rules], (*spec, "rules"), found)
    _too_many_matches([len(r.matches) for r in rules], (*spec, "rules"), found)
    return found, spec


def check_http_route(route: HTTPRoute, loc: Loc) -> list[Problem]:
    """The CEL rules of HTTPRoute that span several items, and its map-list keys."""
    found, spec = _route_spec(route, loc)
    rules = route.spec.rules
    for r_i, rule in enumerate(rules):
        here = (*spec, "rules", r_i)
        for m_i, match in enumerate(rule.matches):
            at = (*here, "matches", m_i)
            _path(match.path, (*at, "path"), found)
            _unique_names((h.name for h in match.headers), (*at, "headers"), "header match",
                          found)
            _unique_names((q.name for q in match.queryParams), (*at, "queryParams"),
                          "query param match", found)
        _filters(rule.filters, (*here, "filters"), found)
        paths = [m.path for m in rule.matches]
        _replace_prefix_needs_one_prefix_match(rule.filters, paths, (*here, "filters"), found)
        redirect = next((f_i for f_i, f in enumerate(rule.filters)
                         if f.type == "RequestRedirect"), None)
        if redirect is not None and rule.backendRefs:
            found.err("RequestRedirect filter must not be used together with backendRefs (the "
                      "gateway answers a redirect itself)", (*here, "filters", redirect, "type"))
        for b_i, backend in enumerate(rule.backendRefs):
            at = (*here, "backendRefs", b_i, "filters")
            _filters(backend.filters, at, found)
            _replace_prefix_needs_one_prefix_match(backend.filters, paths, at, found)
        for f_i, flt in enumerate(rule.filters):
            for key in ("requestHeaderModifier", "responseHeaderModifier"):
                mod = getattr(flt, key)
                if mod is None:
                    continue
                at = (*here, "filters", f_i, key)
                _unique_names((h.name for h in mod.set), (*at, "set"), "header", found)
                _unique_names((h.name for h in mod.add), (*at, "add"), "header", found)
    return found.problems


def check_grpc_route(route: GRPCRoute, loc: Loc) -> list[Problem]:
    """The CEL rules of GRPCRoute that span several items, and its map-list keys."""
    found, spec = _route_spec(route, loc)
    rules = route.spec.rules
    for r_i, rule in enumerate(rules):
        here = (*spec, "rules", r_i)
        for m_i, match in enumerate(rule.matches):
            _unique_names((h.name for h in match.headers),
                          (*here, "matches", m_i, "headers"), "header match", found)
        _filters(rule.filters, (*here, "filters"), found)
        for b_i, backend in enumerate(rule.backendRefs):
            _filters(backend.filters, (*here, "backendRefs", b_i, "filters"), found)
    return found.problems


# --------------------------------------------------------------------- Secrets


def certificate_secrets(gateways: Iterable[tuple[str, Gateway]]) -> set[tuple[str, str]]:
    """(namespace, name) of every Secret some listener names in ``tls.certificateRefs``."""
    out: set[tuple[str, str]] = set()
    for ns, gw in gateways:
        for lst in gw.spec.listeners:
            for ref in lst.tls.certificateRefs if lst.tls is not None else ():
                if ref.group == "" and ref.kind == "Secret":
                    out.add((ref.namespace or ns, ref.name))
    return out


def unused_secret(secret: Secret, namespace: str, loc: Loc) -> Problem:
    """The lint for a Secret no listener uses: the engine reads Secrets only as certificates.

    The message starts ``kind Secret`` with the ``unmodelled-kind`` code, so a dump full of
    service-account tokens folds into one summary line as other ignored kinds do.
    """
    return Problem(f"kind Secret is ignored here: no Gateway listener names "
                   f"{namespace}/{secret.metadata.name} in tls.certificateRefs (the engine "
                   "reads Secrets only as Gateway certificates)", (*loc, "kind"),
                   severity="warning", code="unmodelled-kind")
