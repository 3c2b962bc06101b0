"""Quick actions for the Gateway API kinds: attach a Route, weigh its backends, open a
listener to other namespaces, grant a cross-namespace reference.

The same pattern as ``game.actions`` (which calls ``gateway_api_actions`` for these
kinds): every action is a labelled recipe for ``SetEdit`` / ``UnsetEdit`` /
``CreateEdit`` values of the one edit language, offered only when the level's locks
accept it, and every typed value is checked here by the model's own types
(``model.gateway``), so the prompt shows the loader's message before anything
reaches the session.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import TypeAdapter, ValidationError

from k8snet_tui.game.actions import Prompt, QuickAction, _Context, _fixed, _set_action
from k8snet_tui.game.gatewayview import (
    MissingGrant,
    backend_text,
    find_gateway,
    is_gateway_parent,
    missing_certificate_grants,
    missing_route_grants,
    parent_gateway,
    parent_text,
    tls_secrets,
)
from k8snet_tui.game.inputs import InputError, format_labels, parse_labels
from k8snet_tui.game.locks import refusal
from k8snet_tui.game.paths import set_path
from k8snet_tui.game.templates import unique_name
from k8snet_tui.model.edits import AnyEdit, CreateEdit, DeleteEdit, SetEdit, UnsetEdit
from k8snet_tui.model.gateway import (
    TLS_SECRET_TYPE,
    BackendObjectReference,
    ControllerName,
    Gateway,
    GatewayClass,
    GRPCBackendRef,
    GRPCRoute,
    GRPCRouteRule,
    Hostname,
    HTTPBackendRef,
    HTTPRoute,
    HTTPRouteMatch,
    HTTPRouteRule,
    Listener,
    Secret,
    SecretObjectReference,
    Weight,
)
from k8snet_tui.model.gatewaycheck import check_http_route
from k8snet_tui.model.load import validation_problems
from k8snet_tui.model.problems import format_loc

_HOSTNAME: TypeAdapter[str] = TypeAdapter(Hostname)
_CONTROLLER: TypeAdapter[str] = TypeAdapter(ControllerName)
_WEIGHT: TypeAdapter[int] = TypeAdapter(Weight)
_MATCH: TypeAdapter[HTTPRouteMatch] = TypeAdapter(HTTPRouteMatch)
_BACKEND: TypeAdapter[BackendObjectReference] = TypeAdapter(BackendObjectReference)
_SECRET_REF: TypeAdapter[SecretObjectReference] = TypeAdapter(SecretObjectReference)

_BACKEND_TEXT = re.compile(r"^(?:(?P<ns>[^/\s:]+)/)?(?P<name>[^/\s:]+)(?::(?P<port>\S+))?$")
_PATH_TYPES = {"exact": "Exact", "pathprefix": "PathPrefix", "prefix": "PathPrefix",
               "regularexpression": "RegularExpression", "regex": "RegularExpression"}
_METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")


# -------------------------------------------------------------------- parsing


def _model_message(exc: ValidationError) -> str:
    """The model's own words for the first problem (as the loader would say them)."""
    problems = validation_problems(exc)
    if not problems:
        return "not a valid value"
    first = problems[0]
    field = format_loc(first.loc)
    return f"{field}: {first.message}" if field else first.message


def _checked(adapter: TypeAdapter[Any], value: Any) -> Any:
    try:
        return adapter.validate_python(value)
    except ValidationError as exc:
        raise InputError(_model_message(exc)) from None


def parse_hostname(text: str) -> str:
    """One listener or Route hostname, checked by the model's ``Hostname``."""
    if not text:
        raise InputError('enter a hostname like "shop.example.com" or "*.example.com"')
    return str(_checked(_HOSTNAME, text.lower()))


def parse_hostnames(text: str) -> list[str]:
    """``shop.example.com, *.example.com`` → the list (empty: the Route matches any host)."""
    names = [parse_hostname(part) for part in re.split(r"[,\s]+", text) if part]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise InputError(f'"{dupes[0]}" is given twice')
    if len(names) > 16:
        raise InputError(f"at most 16 hostnames (got {len(names)})")
    return names


def parse_weight(text: str) -> int:
    if not text.strip().isdigit():
        raise InputError("enter a whole number from 0 (no traffic) to 1000000")
    return int(_checked(_WEIGHT, int(text)))


def parse_controller(text: str) -> str:
    if not text:
        raise InputError('enter a controller name like "example.com/gateway"')
    return str(_checked(_CONTROLLER, text))


def parse_match(text: str) -> dict[str, Any]:
    """``Exact /login, header x-canary=true, query v=2, method POST`` → one HTTPRouteMatch.

    Parts are comma-separated; a path is ``/api`` (PathPrefix) or ``TYPE VALUE``; at
    least one part. The result is checked by the model (``HTTPRouteMatch``) and by the
    same path rules the loader applies to a whole HTTPRoute.
    """
    match: dict[str, Any] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        word, _, rest = part.partition(" ")
        rest = rest.strip()
        lower = word.lower()
        if part.startswith("/"):
            lower, rest = "pathprefix", part
        if lower in _PATH_TYPES:
            if "path" in match:
                raise InputError("a match has one path (add a second match for another)")
            if not rest:
                raise InputError(f'"{word}" needs a path value, e.g. {word} /api')
            match["path"] = {"type": _PATH_TYPES[lower], "value": rest}
        elif lower in ("header", "query"):
            sep = "=" if "=" in rest else ":" if ":" in rest else None
            if sep is None:
                raise InputError(f'"{part}" needs NAME=VALUE, e.g. {lower} x-canary=true')
            name, value = (x.strip() for x in rest.split(sep, 1))
            key = "headers" if lower == "header" else "queryParams"
            match.setdefault(key, []).append({"name": name, "value": value})
        elif lower == "method":
            if rest.upper() not in _METHODS:
                raise InputError(f'"{rest}" is not an HTTP method ({", ".join(_METHODS)})')
            match["method"] = rest.upper()
        else:
            raise InputError(f'"{part}" is not a path (/api, Exact /login), header NAME=VALUE, '
                             "query NAME=VALUE or method GET")
    if not match:
        raise InputError("enter at least one of: /path, Exact /path, header NAME=VALUE, "
                         "query NAME=VALUE, method GET")
    parsed = _checked(_MATCH, match)
    problems = check_http_route(HTTPRoute.model_validate({
        "metadata": {"name": "probe"}, "spec": {"rules": [{"matches": [match]}]}}), ())
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise InputError(errors[0].message)
    assert isinstance(parsed, HTTPRouteMatch)
    return match


def parse_backend(text: str, current: dict[str, Any], route_ns: str) -> dict[str, Any]:
    """``api-v2:80``, ``other/api:80`` or ``api`` (keeps the port) → the backendRef, its
    weight and filters kept; checked by the model's ``BackendObjectReference``."""
    found = _BACKEND_TEXT.match(text)
    if found is None:
        raise InputError("write NAME:PORT or NAMESPACE/NAME:PORT, e.g. api-v2:80")
    new = {k: v for k, v in current.items() if k not in ("name", "namespace", "port")}
    new["name"] = found["name"]
    ns = found["ns"]
    if ns is not None and ns != route_ns:
        new["namespace"] = ns
    port = found["port"]
    if port is not None:
        if not port.isdigit():
            raise InputError(f'port "{port}" must be the Service port\'s number')
        new["port"] = int(port)
    elif "port" in current:
        new["port"] = current["port"]
    _checked(_BACKEND, {k: v for k, v in new.items() if k in ("group", "kind", "name",
                                                             "namespace", "port")})
    # Keep the key order people write: name, namespace, port first.
    order = ("group", "kind", "name", "namespace", "port")
    return {**{k: new[k] for k in order if k in new},
            **{k: v for k, v in new.items() if k not in order}}


def parse_certificate_refs(text: str) -> list[dict[str, str]]:
    """``shop-cert, other/wild-cert`` → certificateRefs (kind Secret, the defaults left out;
    a namespace only where one is typed: without it the Gateway's own applies)."""
    refs: list[dict[str, str]] = []
    for part in (p for p in re.split(r"[,\s]+", text) if p):
        ns, _, name = part.rpartition("/")
        ref = {"namespace": ns, "name": name} if ns else {"name": name}
        _checked(_SECRET_REF, ref)
        refs.append(ref)
    if not refs:
        raise InputError("enter the Secret holding the certificate: NAME or NAMESPACE/NAME")
    return refs


def certificate_refs_text(refs: Any) -> str:
    """certificateRefs as typed: ``shop-cert, other/wild-cert`` (inverse of the parser)."""
    if not isinstance(refs, list):
        return str(refs)
    return ", ".join(f"{r['namespace']}/{r.get('name')}" if r.get("namespace")
                     else str(r.get("name")) for r in refs if isinstance(r, dict))


def backend_ref_text(ref: Any) -> str:
    """A backendRef as typed: ``api:80`` or ``other/api:80`` (inverse of ``parse_backend``)."""
    if not isinstance(ref, dict):
        return str(ref)
    ns = f"{ref['namespace']}/" if ref.get("namespace") else ""
    port = f":{ref['port']}" if ref.get("port") is not None else ""
    return f"{ns}{ref.get('name')}{port}"


def path_match_text(path: Any) -> str:
    """A path match as typed: ``Exact /login`` (inverse of ``parse_path_match``)."""
    if not isinstance(path, dict):
        return str(path)
    return f"{path.get('type', 'PathPrefix')} {path.get('value', '/')}"


def parse_path_match(text: str) -> dict[str, str]:
    """``Exact /login`` or ``/api`` (PathPrefix) → an HTTPPathMatch, checked like a match."""
    match = parse_match(text)
    if set(match) != {"path"}:
        raise InputError("enter only a path: /api, Exact /login or RegularExpression /v[0-9]+")
    path: dict[str, str] = match["path"]
    return path


def selector_text(allowed: Any) -> str:
    """allowedRoutes as typed into the Selector prompt: its matchLabels."""
    namespaces = allowed.get("namespaces") if isinstance(allowed, dict) else None
    selector = namespaces.get("selector") if isinstance(namespaces, dict) else None
    labels = selector.get("matchLabels") if isinstance(selector, dict) else None
    return format_labels(labels if isinstance(labels, dict) else {})


# ----------------------------------------------------------------- Routes


def _grant_action(ctx: _Context, missing: MissingGrant, i: int) -> QuickAction:
    name = unique_name(ctx.level, "ReferenceGrant", missing.to_namespace,
                       f"{missing.from_kind.lower()}s-from-{missing.from_namespace}")
    edit = CreateEdit(manifest=missing.manifest(name))
    return QuickAction(
        f"reference-grant-{i}", "reference-grant",
        f"Create ReferenceGrant {missing.to_namespace}/{name}: let {missing.from_kind}s in "
        f"{missing.from_namespace} use {missing.to_kind} {missing.to_name}",
        _fixed(edit))


def _section_actions(ctx: _Context, ns: str, p_i: int,
                     parent: Any) -> list[QuickAction]:
    base = f"spec.parentRefs[{p_i}]"
    path = f"{base}.sectionName"
    if not ctx.may(path):
        return []
    ref, where = ctx.ref, parent_text(ns, parent)
    actions: list[QuickAction] = []
    gw = find_gateway(ctx.level.world, *parent_gateway(ctx.level.world, ns, parent)) \
        if is_gateway_parent(parent) else None
    if gw is not None:
        for listener in gw.spec.listeners:
            if listener.name == parent.sectionName:
                continue
            actions.append(QuickAction(
                f"section-{p_i}-{listener.name}", "section-name",
                f"Attach parentRefs[{p_i}] ({where}) to listener {listener.name} "
                f"({listener.port}/{listener.protocol}"
                f"{' ' + listener.hostname if listener.hostname else ''})",
                _fixed(SetEdit(ref=ref, path=path, value=listener.name)), field=path))
    else:
        def parse(value: str) -> str:
            if not value:
                raise InputError("enter the listener's name")
            return value
        actions.append(_set_action(
            f"section-{p_i}", "section-name",
            f"Set sectionName of parentRefs[{p_i}] ({parent.sectionName or 'none'})", ref, path,
            parse, Prompt(f"Listener of {where} this Route attaches to", parent.sectionName or "",
                          "https", "The name of one listener of the parent Gateway.")))
    if parent.sectionName is not None:
        actions.append(QuickAction(
            f"section-clear-{p_i}", "section-name-clear",
            f"Clear sectionName of parentRefs[{p_i}] (attach to every listener of "
            f"{parent_text(ns, parent).split('#')[0]})",
            _fixed(UnsetEdit(ref=ref, path=path)), field=path))
    return actions


def _hostname_actions(ctx: _Context, hostnames: list[str]) -> list[QuickAction]:
    ref, path = ctx.ref, "spec.hostnames"
    if not ctx.may(path):
        return []
    shown = ", ".join(hostnames)

    def set_all(value: str) -> AnyEdit:
        names = parse_hostnames(value)
        return SetEdit(ref=ref, path=path, value=names) if names else \
            UnsetEdit(ref=ref, path=path)

    def add_one(value: str) -> AnyEdit:
        name = parse_hostname(value)
        if name in hostnames:
            raise InputError(f"{name} is already one of this Route's hostnames")
        if len(hostnames) >= 16:
            raise InputError("a Route has at most 16 hostnames")
        return SetEdit(ref=ref, path=f"{path}[{len(hostnames)}]", value=name)

    help_text = ("The Host headers this Route answers, intersected with its listener's "
                 "hostname; a leading *. matches any number of labels (*.example.com "
                 "takes a.example.com and a.b.example.com, not example.com) — unlike an "
                 "Ingress host.")
    actions = [
        QuickAction("hostnames", "hostnames", f"Set hostnames ({shown or 'any host'})", set_all,
                    Prompt(f"Hostnames of {ref} (comma-separated; empty: any host)", shown,
                           "shop.example.com, *.example.com", help_text),
                    field=path, probe=SetEdit(ref=ref, path=path, value=None)),
        QuickAction("hostname-add", "hostname-add", "Add a hostname…", add_one,
                    Prompt(f"Another hostname for {ref}", "", "shop.example.com", help_text),
                    field=path, probe=SetEdit(ref=ref, path=path, value=None)),
    ]
    for h_i, name in enumerate(hostnames):
        actions.append(QuickAction(
            f"hostname-remove-{h_i}", "hostname-remove", f"Remove hostname {name}",
            _fixed(UnsetEdit(ref=ref, path=f"{path}[{h_i}]")), field=path))
    return actions


def _match_action(ctx: _Context, r_i: int, data_rules: list[Any]) -> QuickAction | None:
    ref = ctx.ref
    rule_path = f"spec.rules[{r_i}]"
    if not ctx.may(f"{rule_path}.matches"):
        return None
    rule_data = data_rules[r_i] if r_i < len(data_rules) and isinstance(
        data_rules[r_i], dict) else {}
    written = rule_data.get("matches")
    explicit = isinstance(written, list) and bool(written)

    # An explicit list gets one more item; the implicit catch-all is replaced.
    path = f"{rule_path}.matches[{len(written)}]" if explicit and isinstance(written, list) \
        else f"{rule_path}.matches"

    def build(value: str) -> AnyEdit:
        match = parse_match(value)
        return SetEdit(ref=ref, path=path, value=match if path.endswith("]") else [match])

    note = "" if explicit else " (replaces the implicit PathPrefix /)"
    return QuickAction(
        f"match-add-{r_i}", "match-add", f"Add a match to rules[{r_i}]…{note}", build,
        Prompt(f"New match for rules[{r_i}] of {ref}", "", "Exact /login, header x-canary=true",
               "Comma-separated: a path (/api is PathPrefix; or Exact /login, "
               "RegularExpression /v[0-9]+), header NAME=VALUE, query NAME=VALUE, method GET. "
               "Everything in one match must hold (AND); the rule's matches are "
               "alternatives (OR)."),
        field=path, probe=SetEdit(ref=ref, path=path, value=None))


def _match_path_actions(ctx: _Context, r_i: int, data_rules: list[Any]) -> list[QuickAction]:
    """"Set path of rules[r].matches[m]" for each match the Route writes out."""
    rule_data = data_rules[r_i] if r_i < len(data_rules) and isinstance(
        data_rules[r_i], dict) else {}
    written = rule_data.get("matches")
    if not isinstance(written, list):
        return []
    actions = []
    for m_i, match in enumerate(written):
        path = f"spec.rules[{r_i}].matches[{m_i}].path"
        if not isinstance(match, dict) or not ctx.may(path):
            continue
        current = path_match_text(match.get("path", {}))
        actions.append(_set_action(
            f"match-path-{r_i}-{m_i}", "match-path",
            f"Set path of rules[{r_i}].matches[{m_i}] ({current})", ctx.ref, path,
            parse_path_match,
            Prompt(f"Path of rules[{r_i}].matches[{m_i}] of {ctx.ref}", current, "PathPrefix /api",
                   "/api or PathPrefix /api: whole segments (/api, /api/…, not /apis); "
                   "Exact /login: only that path; RegularExpression /v[0-9]+/.*: the whole "
                   "path matches."), as_text=path_match_text))
    return actions


def _backend_actions(ctx: _Context, ns: str, r_i: int, b_i: int,
                     backend: Any, data: dict[str, Any]) -> list[QuickAction]:
    ref = ctx.ref
    base = f"spec.rules[{r_i}].backendRefs[{b_i}]"
    where = backend_text(ns, backend, weight=False)
    actions: list[QuickAction] = []
    if ctx.may(f"{base}.weight"):
        actions.append(_set_action(
            f"weight-{r_i}-{b_i}", "backend-weight",
            f"Set weight of rules[{r_i}] backend {where} ({backend.weight})", ref,
            f"{base}.weight", parse_weight,
            Prompt(f"Weight of {where} in rules[{r_i}] of {ref}", str(backend.weight), "10",
                   "Each backend gets weight / (sum of the rule's weights) of the requests; "
                   "0 sends it none.")))
    if ctx.may(base):
        services = ", ".join(sorted(f"{s.namespace}/{s.name}:"
                                    f"{'/'.join(str(p.port) for p in s.ports)}"
                                    for s in ctx.level.world.services
                                    if s.generated_by is None))
        current_text = backend_ref_text(data or backend.model_dump(exclude_unset=True))

        def build(value: str, _data: dict[str, Any] = data) -> AnyEdit:
            return SetEdit(ref=ref, path=base, value=parse_backend(value, _data, ns))

        actions.append(QuickAction(
            f"backend-{r_i}-{b_i}", "backend-ref",
            f"Change backend {where} of rules[{r_i}] (name, namespace, port)…", build,
            Prompt(f"Backend of rules[{r_i}] of {ref}", current_text, "api-v2:80",
                   "NAME:PORT (a Service of this namespace) or NAMESPACE/NAME:PORT (another "
                   "namespace's, which needs a ReferenceGrant there); the Service port, not "
                   f"the targetPort. Services: {services or 'none'}."),
            field=base, probe=SetEdit(ref=ref, path=base, value=None),
            as_text=backend_ref_text))
    return actions


def _route_actions(ctx: _Context, route: HTTPRoute | GRPCRoute) -> list[QuickAction]:
    ns = ctx.target.namespace or "default"
    spec = route.spec
    actions: list[QuickAction] = []
    for p_i, parent in enumerate(spec.parentRefs):
        actions += _section_actions(ctx, ns, p_i, parent)
    actions += _hostname_actions(ctx, list(spec.hostnames))
    data_spec = ctx.data.get("spec")
    data_rules = data_spec.get("rules", []) if isinstance(data_spec, dict) else []
    data_rules = data_rules if isinstance(data_rules, list) else []
    rules: Sequence[HTTPRouteRule | GRPCRouteRule] = spec.rules
    for r_i, rule in enumerate(rules):
        if isinstance(route, HTTPRoute):
            actions += _match_path_actions(ctx, r_i, data_rules)
            action = _match_action(ctx, r_i, data_rules)
            if action is not None:
                actions.append(action)
        rule_data = data_rules[r_i] if r_i < len(data_rules) else {}
        refs_data = rule_data.get("backendRefs", []) if isinstance(rule_data, dict) else []
        backends: Sequence[HTTPBackendRef | GRPCBackendRef] = rule.backendRefs
        for b_i, backend in enumerate(backends):
            b_data = refs_data[b_i] if b_i < len(refs_data) and isinstance(
                refs_data[b_i], dict) else {}
            actions += _backend_actions(ctx, ns, r_i, b_i, backend, b_data)
    for g_i, missing in enumerate(missing_route_grants(ctx.level.world, ns, route)):
        actions.append(_grant_action(ctx, missing, g_i))
    return actions


# ---------------------------------------------------------------- Gateways


def _allowed_from_actions(ctx: _Context, l_i: int, listener: Listener) -> list[QuickAction]:
    ref = ctx.ref
    path = f"spec.listeners[{l_i}].allowedRoutes"
    if not ctx.may(path):
        return []
    # The whole allowedRoutes is set (an old selector must not linger); kinds stay.
    spec_data = ctx.data.get("spec", {})
    listeners_data = spec_data.get("listeners", []) if isinstance(spec_data, dict) else []
    listener_data = listeners_data[l_i] if l_i < len(listeners_data) else {}
    allowed_data = listener_data.get("allowedRoutes", {}) if isinstance(
        listener_data, dict) else {}
    kept = {k: v for k, v in allowed_data.items() if k != "namespaces"} \
        if isinstance(allowed_data, dict) else {}
    current = listener.allowedRoutes.namespaces.from_
    what = {"Same": f"only Routes in {ctx.target.namespace}", "All": "Routes in every namespace"}
    actions = [QuickAction(
        f"allowed-from-{l_i}-{choice}", "allowed-routes",
        f"Listener {listener.name}: accept {what[choice]} (from: {current} → {choice})",
        _fixed(SetEdit(ref=ref, path=path, value={"namespaces": {"from": choice}, **kept})),
        field=path)
        for choice in ("Same", "All") if choice != current]
    selector = listener.allowedRoutes.namespaces.selector
    shown = format_labels(selector.matchLabels) if selector is not None else ""
    namespaces = "; ".join(f"{name}: {format_labels(labels) or 'no labels'}"
                           for name, labels in sorted(ctx.level.world.namespaces.items()))

    def build(value: str) -> AnyEdit:
        labels = parse_labels(value, allow_empty=False)
        return SetEdit(ref=ref, path=path, value={"namespaces": {
            "from": "Selector", "selector": {"matchLabels": labels}}, **kept})

    actions.append(QuickAction(
        f"allowed-from-{l_i}-Selector", "allowed-routes-selector",
        f"Listener {listener.name}: accept Routes of namespaces labelled… (from: {current})",
        build,
        Prompt(f"Listener {listener.name} of {ref} accepts Routes from namespaces labelled",
               shown, "gateway-access=true",
               f"key=value pairs a namespace must carry. Namespaces: {namespaces or 'none'}."),
        field=path, probe=SetEdit(ref=ref, path=path, value=None), as_text=selector_text))
    return actions


def _listener_actions(ctx: _Context, l_i: int, listener: Listener) -> list[QuickAction]:
    ref = ctx.ref
    base = f"spec.listeners[{l_i}]"
    actions = _allowed_from_actions(ctx, l_i, listener)
    if listener.protocol not in ("TCP", "UDP") and ctx.may(f"{base}.hostname"):
        actions.append(_set_action(
            f"listener-hostname-{l_i}", "listener-hostname",
            f"Set hostname of listener {listener.name} ({listener.hostname or 'any host'})",
            ref, f"{base}.hostname", parse_hostname,
            Prompt(f"Hostname of listener {listener.name} of {ref}", listener.hostname or "",
                   "*.example.com", "Requests for other hosts never reach this listener; "
                   "*.example.com matches any depth (a.b.example.com too). Routes' hostnames must "
                   "intersect it.")))
        if listener.hostname is not None:
            actions.append(QuickAction(
                f"listener-hostname-clear-{l_i}", "listener-hostname-clear",
                f"Clear hostname of listener {listener.name} (accept any host)",
                _fixed(UnsetEdit(ref=ref, path=f"{base}.hostname")), field=f"{base}.hostname"))
    tls = listener.tls
    path = f"{base}.tls.certificateRefs"
    if tls is not None and tls.mode == "Terminate" and ctx.may(path):
        current = certificate_refs_text(
            [r.model_dump(exclude_unset=True) for r in tls.certificateRefs])
        secrets = ", ".join(tls_secrets(ctx.level)) or "none"
        actions.append(_set_action(
            f"certificate-refs-{l_i}", "certificate-refs",
            f"Set TLS certificate of listener {listener.name} ({current or 'none'})", ref, path,
            parse_certificate_refs,
            Prompt(f"certificateRefs of listener {listener.name} of {ref}", current,
                   "shop-cert",
                   "Secrets of type kubernetes.io/tls: NAME (this namespace) or "
                   "NAMESPACE/NAME (needs a ReferenceGrant there), comma-separated. "
                   f"TLS Secrets here: {secrets}."), as_text=certificate_refs_text))
    return actions


def _gateway_actions(ctx: _Context, gw: Gateway) -> list[QuickAction]:
    actions: list[QuickAction] = []
    ref = ctx.ref
    path = "spec.gatewayClassName"
    if ctx.may(path):
        for gc in ctx.level.world.gateway_classes:
            name = gc.metadata.name
            if name != gw.spec.gatewayClassName:
                actions.append(QuickAction(
                    f"gateway-class-{name}", "gateway-class",
                    f"Set gatewayClassName: {gw.spec.gatewayClassName} → {name} "
                    f"({gc.spec.controllerName})",
                    _fixed(SetEdit(ref=ref, path=path, value=name)), field=path))
    for l_i, listener in enumerate(gw.spec.listeners):
        actions += _listener_actions(ctx, l_i, listener)
    ns = ctx.target.namespace or "default"
    for g_i, missing in enumerate(missing_certificate_grants(ctx.level.world, ns, gw)):
        actions.append(_grant_action(ctx, missing, g_i))
    return actions


def _recreate(ctx: _Context, path: str, value: Any) -> tuple[AnyEdit, ...]:
    """An immutable field changed the only way the API server allows: delete the object
    and create it anew with the new value (one step, one undo; two edits of score)."""
    manifest = set_path(ctx.data, path, value)
    return DeleteEdit(ref=ctx.ref), CreateEdit(manifest=manifest, index=ctx.target.index)


def _may_recreate(ctx: _Context) -> bool:
    return refusal(ctx.level, DeleteEdit(ref=ctx.ref), original=ctx.original) is None and \
        refusal(ctx.level, CreateEdit(manifest=ctx.data), original=ctx.original) is None


def _gateway_class_actions(ctx: _Context, gc: GatewayClass) -> list[QuickAction]:
    """controllerName is immutable (CEL ``self == oldSelf``): a new one means a new class."""
    if not _may_recreate(ctx):
        return []
    path = "spec.controllerName"
    installed = ctx.level.world.cluster.gateway_controllers
    note = "delete + create: controllerName cannot change on an existing class"
    actions = [QuickAction(
        f"controller-{i}", "controller-name",
        f"Recreate with controllerName {name} (runs in this cluster; {note})",
        functools.partial(_fixed_recreate, ctx, path, name), field=path,
        probe=DeleteEdit(ref=ctx.ref))
        for i, name in enumerate(installed) if name != gc.spec.controllerName]

    def build(value: str) -> tuple[AnyEdit, ...]:
        name = parse_controller(value)
        if name == gc.spec.controllerName:
            raise InputError(f"{ctx.ref} already has controllerName {name}")
        return _recreate(ctx, path, name)

    actions.append(QuickAction(
        "controller", "controller-name",
        f"Recreate with another controllerName ({gc.spec.controllerName}; {note})…", build,
        Prompt(f"controllerName of {ctx.ref}", gc.spec.controllerName, "example.com/gateway",
               "DOMAIN/PATH of the controller that implements this class; the class is "
               "Accepted only where that controller runs. Controllers in this cluster: "
               f"{', '.join(installed) or 'none'}. Counts as two edits: a delete and a "
               "create."),
        field=path, probe=DeleteEdit(ref=ctx.ref)))
    return actions


def _fixed_recreate(ctx: _Context, path: str, value: Any, _typed: str) -> tuple[AnyEdit, ...]:
    return _recreate(ctx, path, value)


def _secret_actions(ctx: _Context, secret: Secret) -> list[QuickAction]:
    """A Secret's type is immutable too: a TLS certificate needs the Secret made anew."""
    if secret.type == TLS_SECRET_TYPE or not _may_recreate(ctx):
        return []
    return [QuickAction(
        "secret-type", "secret-type",
        f"Recreate as type {TLS_SECRET_TYPE} (what a listener certificate needs; delete + "
        f"create: a Secret's type cannot change)",
        functools.partial(_fixed_recreate, ctx, "type", TLS_SECRET_TYPE), field="type",
        probe=DeleteEdit(ref=ctx.ref))]


def gateway_api_actions(ctx: _Context, obj: object) -> list[QuickAction]:
    """The actions of a Gateway API object or Secret (empty for any other kind)."""
    builders: dict[type, Callable[[Any, Any], list[QuickAction]]] = {
        HTTPRoute: _route_actions, GRPCRoute: _route_actions, Gateway: _gateway_actions,
        GatewayClass: _gateway_class_actions, Secret: _secret_actions}
    build = builders.get(type(obj))
    return build(ctx, obj) if build is not None else []
