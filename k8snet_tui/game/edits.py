"""The edit language in action: apply, invert, describe, and render as kubectl.

One ``Edit`` value (``model/edits.py``) is the player's action, the undo entry,
a step of a level's solution and a line of ``kubectl``; this module gives it
that behaviour.

Applying an edit never mutates anything: the target object is dumped to JSON
data, the data is changed, and the result is validated again by the same
pydantic models that load level files and then rebuilt into a world by
``build_world``. So an edit can never produce a state a level file could not
describe, and every refusal uses the loader's own wording.

Which objects the player created (and may therefore edit and delete freely)
is not stored in the level: callers that enforce locks pass ``original``, the
refs of the level as it was opened (``locks.original_refs(start)``). Without
it every object present is treated as original, the strict side.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Network
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from k8snet_tui.game.paths import (
    PathError,
    Segment,
    diff_paths,
    first_missing,
    format_path,
    get_path,
    resolve_path,
    set_path,
    unset_path,
)
from k8snet_tui.model.admission import Admission, IngressKey, admission_on_create
from k8snet_tui.model.cluster import NodeSpec
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    ReplaceEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.immutable import changed_immutable
from k8snet_tui.model.kinds import canonical_ref as model_canonical_ref
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.load import LoadedLevel, validation_problems
from k8snet_tui.model.problems import Problem, format_loc
from k8snet_tui.model.resources import (
    KNOWN_KINDS,
    NAMESPACED_KINDS,
    AnyResource,
    Ingress,
    OtherResource,
    Resource,
    resource_namespace,
    resource_ref,
)
from k8snet_tui.model.world import build_world

_RESOURCE: TypeAdapter[AnyResource] = TypeAdapter(Resource)

M = TypeVar("M", bound=BaseModel)


class EditError(Exception):
    """An edit that was refused (locks) or cannot be applied; ``reason`` is for the player."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# ------------------------------------------------------------------ finding objects


def canonical_ref(ref: str) -> str:
    """``svc/api`` → ``service/default/api``: the one spelling locks and inverses use."""
    try:
        return model_canonical_ref(ref)
    except ValueError as exc:
        raise EditError(str(exc)) from None


@dataclass(frozen=True)
class Target:
    """An object an edit addresses, and where it sits in the level file."""

    ref: str
    index: int  # in spec.resources, or in spec.cluster.nodes for a node
    obj: AnyResource | NodeSpec

    @property
    def is_node(self) -> bool:
        return isinstance(self.obj, NodeSpec)

    @property
    def kind(self) -> str:
        return "Node" if isinstance(self.obj, NodeSpec) else self.obj.kind

    @property
    def name(self) -> str:
        return self.ref.rsplit("/", 1)[1]

    @property
    def namespace(self) -> str | None:
        return None if isinstance(self.obj, NodeSpec) else resource_namespace(self.obj)

    def data(self) -> dict[str, Any]:
        return _dump(self.obj)


def _dump(model: BaseModel) -> dict[str, Any]:
    return model.model_dump(by_alias=True, exclude_unset=True, mode="json")


def full_dump(model: BaseModel) -> Any:
    """The object with every default spelled out: writing ``type: ClusterIP`` is no change."""
    return model.model_dump(by_alias=True, mode="json")


def find_object(level: LoadedLevel, ref: str) -> Target:
    """Resolve ``service/shop/api``, ``pod/web``, ``ingressclass/nginx``, ``node/NAME`` …"""
    canon = canonical_ref(ref)
    if canon.startswith("node/"):
        nodes = level.spec.cluster.nodes
        for i, node in enumerate(nodes):
            if f"node/{node.name}" == canon:
                return Target(canon, i, node)
        raise EditError(f"there is no {canon} in this level (nodes: "
                        f"{', '.join(n.name for n in nodes)})")
    for i, res in enumerate(level.spec.resources):
        if res.metadata is not None and resource_ref(res) == canon:
            return Target(canon, i, res)
    raise EditError(f"there is no {canon} in this level")


# ---------------------------------------------------------------------- validation


def _schema_reason(who: str, exc: ValidationError, *, tagged: bool) -> str:
    problems = validation_problems(exc)
    texts = []
    for p in problems:
        loc = p.loc[1:] if tagged and p.loc else p.loc  # drop the union tag ("Service")
        field = format_loc(loc)
        texts.append(f"{who} {field}: {p.message}" if field else f"{who}: {p.message}")
    more = f" (and {len(texts) - 1} more)" if len(texts) > 1 else ""
    return (texts[0] if texts else f"{who} is invalid") + more


def _validate_resource(data: Any, who: str) -> AnyResource:
    if not isinstance(data, dict):
        raise EditError(f"{who}: a manifest must be a mapping (apiVersion, kind, metadata …)")
    try:
        return _RESOURCE.validate_python(data)
    except ValidationError as exc:
        raise EditError(_schema_reason(who, exc, tagged=True)) from None


def _validate_node(data: Any, who: str) -> NodeSpec:
    try:
        return NodeSpec.model_validate(data)
    except ValidationError as exc:
        raise EditError(_schema_reason(who, exc, tagged=False)) from None


def _new_label(manifest: dict[str, Any]) -> str:
    meta = manifest.get("metadata")
    name = meta.get("name") if isinstance(meta, dict) else None
    kind = manifest.get("kind") or "object"
    return f"the new {kind}" + (f" {name}" if name else "")


def _with(model: M, **changes: Any) -> M:
    """``model_copy`` that leaves a field "unset" when it returns to its default unset.

    So an edit followed by its inverse gives back a model whose
    ``exclude_unset`` dump is identical too, not just an equal one.
    """
    new = model.model_copy(update=changes)
    for name, value in changes.items():
        info = type(model).model_fields[name]
        if name not in model.model_fields_set and value == info.get_default(
                call_default_factory=True):
            new.__pydantic_fields_set__.discard(name)
    return new


def _put(spec: LevelFile, target: Target, data: Any) -> LevelFile:
    """The level with ``target`` replaced by (validated) ``data``; identity must not change."""
    if target.is_node:
        node = _validate_node(data, target.ref)
        if node.name != target.name:
            raise EditError(f"{target.ref} cannot be renamed to {node.name}")
        nodes = list(spec.cluster.nodes)
        nodes[target.index] = node
        return _with(spec, cluster=_with(spec.cluster, nodes=nodes))
    res = _validate_resource(data, target.ref)
    new_ref = resource_ref(res) if res.metadata is not None else f"a {res.kind} without a name"
    if new_ref != target.ref:
        raise EditError(f"this would turn {target.ref} into {new_ref}; an edit cannot change "
                        "an object's kind, namespace or name (delete it and create a new one)")
    frozen = changed_immutable(res.kind, spec.resources[target.index], res)
    if frozen is not None:
        raise EditError(f"{target.ref}: {frozen} is immutable: the API server refuses to "
                        f"change it on an existing {res.kind} (delete it and create it anew)")
    resources = list(spec.resources)
    resources[target.index] = res
    return _with(spec, resources=resources)


# -------------------------------------------------------------------------- routes


def _network(text: Any) -> IPv4Network | None:
    if text == "default":
        return IPv4Network("0.0.0.0/0")
    try:
        return IPv4Network(str(text))
    except ValueError:
        return None


def _effective_routes(level: LoadedLevel, data: dict[str, Any]) -> list[Any]:
    """The node's routes list, or the documented default when it has none of its own."""
    routes = data.get("routes")
    if routes is None:
        return [{"to": "default", "via": str(level.world.cluster.gateway)}]
    return list(routes)


def _route_index(routes: Sequence[Any], to: str) -> int | None:
    net = _network(to)
    for i, route in enumerate(routes):
        if not isinstance(route, dict):
            continue
        if route.get("to") == to or (net is not None and _network(route.get("to")) == net):
            return i
    return None


def _node_target(level: LoadedLevel, edit: AddRouteEdit | RemoveRouteEdit) -> Target:
    target = find_object(level, edit.ref)
    if not target.is_node:
        raise EditError(f"{edit.op} works on a node's route table (node/NAME), not on "
                        f"{target.ref}")
    return target


# --------------------------------------------------------------------------- apply


def _edit_spec(level: LoadedLevel, edit: AnyEdit) -> LevelFile:
    spec = level.spec
    if isinstance(edit, (SetEdit, UnsetEdit)):
        target = find_object(level, edit.ref)
        try:
            if isinstance(edit, SetEdit):
                data = set_path(target.data(), edit.path, edit.value)
            else:
                data = unset_path(target.data(), edit.path)
        except PathError as exc:
            raise EditError(f"{target.ref}: {exc}") from None
        return _put(spec, target, data)
    if isinstance(edit, AddRouteEdit):
        target = _node_target(level, edit)
        data = target.data()
        routes = _effective_routes(level, data)
        i = _route_index(routes, edit.to)
        if i is not None:
            raise EditError(f"{target.ref} already has a route to {routes[i]['to']} (via "
                            f"{routes[i].get('via')}); remove it first")
        return _put(spec, target, {**data, "routes": [*routes, {"to": edit.to,
                                                                 "via": edit.via}]})
    if isinstance(edit, RemoveRouteEdit):
        target = _node_target(level, edit)
        data = target.data()
        routes = _effective_routes(level, data)
        i = _route_index(routes, edit.to)
        if i is None:
            have = ", ".join(str(r.get("to")) for r in routes if isinstance(r, dict))
            raise EditError(f"{target.ref} has no route to {edit.to} (its routes: "
                            f"{have or 'none'})")
        return _put(spec, target, {**data, "routes": routes[:i] + routes[i + 1:]})
    if isinstance(edit, CreateEdit):
        res = _validate_resource(edit.manifest, _new_label(edit.manifest))
        if isinstance(res, OtherResource) or res.metadata is None:
            raise EditError(f"{res.kind} is not a kind this game models; it can create "
                            f"{', '.join(KNOWN_KINDS)}")
        ref = resource_ref(res)
        if any(r.metadata is not None and resource_ref(r) == ref for r in spec.resources):
            raise EditError(f"{ref} already exists; edit it, or create one with another name")
        resources = list(spec.resources)
        resources.insert(len(resources) if edit.index is None else edit.index, res)
        return _with(spec, resources=resources)
    if isinstance(edit, DeleteEdit):
        target = find_object(level, edit.ref)
        if target.is_node:
            raise EditError(f"{target.ref} cannot be deleted: nodes are part of the cluster, "
                            "not objects in it")
        resources = list(spec.resources)
        del resources[target.index]
        return _with(spec, resources=resources)
    target = find_object(level, edit.ref)
    return _put(spec, target, edit.manifest)


def _problem_text(spec: LevelFile, p: Problem) -> str:
    """A world problem named by object and field (``service/shop/api spec.ports[0]…``)."""
    loc, who = p.loc, ""
    if len(loc) >= 2 and loc[0] == "flows" and isinstance(loc[1], int) and \
            loc[1] < len(spec.flows):
        return f'{p.message}, but the flow "{spec.flows[loc[1]].display_name}" needs it'
    if len(loc) >= 2 and loc[0] == "resources" and isinstance(loc[1], int) and \
            loc[1] < len(spec.resources) and spec.resources[loc[1]].metadata is not None:
        who, loc = resource_ref(spec.resources[loc[1]]), loc[2:]
    elif len(loc) >= 3 and loc[:2] == ("cluster", "nodes") and isinstance(loc[2], int) and \
            loc[2] < len(spec.cluster.nodes):
        who, loc = f"node/{spec.cluster.nodes[loc[2]].name}", loc[3:]
    head = " ".join(x for x in (who, format_loc(loc)) if x)
    return f"{head}: {p.message}" if head else p.message


def _blocking(problems: Iterable[Problem]) -> list[Problem]:
    # The puzzle names objects of the level as opened; once the player deletes one
    # it is simply gone, not an error in the level.
    return [p for p in problems if p.severity == "error" and p.loc[:1] != ("puzzle",)]


def _admitted_after(level: LoadedLevel, edit: AnyEdit) -> dict[IngressKey, Admission]:
    """The default-class record after ``edit``: only a created Ingress is admitted anew."""
    admitted = dict(level.world.admitted)
    if isinstance(edit, CreateEdit) and edit.manifest.get("kind") == "Ingress":
        res = _validate_resource(edit.manifest, _new_label(edit.manifest))
        if isinstance(res, Ingress) and res.metadata is not None:
            try:
                admission = admission_on_create(res, level.world.ingress_classes)
            except ValueError as exc:
                raise EditError(f"{_new_label(edit.manifest)}: {exc}") from None
            if admission is not None:
                admitted[(resource_namespace(res) or "default", res.metadata.name)] = admission
    return admitted


def _rebuild(before: LoadedLevel, spec: LevelFile,
             admitted: Mapping[IngressKey, Admission]) -> LoadedLevel:
    world, problems = build_world(spec, lenient=before.plain, admitted=admitted)
    errors = _blocking(problems)
    if errors:
        # Manifests read leniently (``trace`` on real clusters' YAML) may have had
        # problems already; only what this edit introduced refuses it.
        old = {_problem_text(before.spec, p)
               for p in _blocking(build_world(before.spec, lenient=before.plain)[1])}
        new = [_problem_text(spec, p) for p in errors if _problem_text(spec, p) not in old]
        if new:
            more = f" (and {len(new) - 1} more)" if len(new) > 1 else ""
            raise EditError(new[0] + more)
        world, problems = build_world(spec, lenient=True, admitted=admitted)
    warnings = [p for p in problems if p.severity == "warning"]
    return LoadedLevel(spec, world, warnings, before.path, None, plain=before.plain)


def apply_edit(level: LoadedLevel, edit: AnyEdit, *, enforce_locks: bool = True,
               original: Collection[str] | None = None) -> LoadedLevel:
    """The level after ``edit``; raises EditError (with a reason) when refused or invalid.

    ``original``: refs of the level as opened, so objects the player created
    stay editable (see the module docstring).
    """
    if enforce_locks:
        from k8snet_tui.game.locks import refusal  # locks builds on this module's lookups

        reason = refusal(level, edit, original=original)
        if reason is not None:
            raise EditError(reason)
    return _rebuild(level, _edit_spec(level, edit), _admitted_after(level, edit))


def apply_edits(level: LoadedLevel, edits: Iterable[AnyEdit], *, enforce_locks: bool = False,
                original: Collection[str] | None = None) -> LoadedLevel:
    """Apply a sequence (a solution, a save file); the error names the step that failed."""
    if enforce_locks and original is None:
        from k8snet_tui.game.locks import original_refs

        original = original_refs(level)
    for i, edit in enumerate(edits, 1):
        try:
            level = apply_edit(level, edit, enforce_locks=enforce_locks, original=original)
        except EditError as exc:
            raise EditError(f"step {i} ({describe_edit(edit)}): {exc.reason}") from None
    return level


# -------------------------------------------------------------------------- invert


def _ingress_key(target: Target) -> IngressKey | None:
    obj = target.obj
    if not isinstance(obj, Ingress) or obj.metadata is None:
        return None
    return (resource_namespace(obj) or "default", obj.metadata.name)


def invert_edit(before: LoadedLevel, edit: AnyEdit) -> AnyEdit:
    """The edit that undoes ``edit`` applied to ``before``, exactly (an equal LevelFile).

    Undo restores a state the player already had, so inverses are meant to be
    applied with ``enforce_locks=False``.
    """
    if isinstance(edit, CreateEdit):
        res = _validate_resource(edit.manifest, _new_label(edit.manifest))
        if res.metadata is None:
            raise EditError(f"{_new_label(edit.manifest)} has no metadata.name")
        return DeleteEdit(ref=resource_ref(res))
    target = find_object(before, edit.ref)
    data = target.data()
    if isinstance(edit, DeleteEdit):
        if target.is_node:
            raise EditError(f"{target.ref} cannot be deleted")
        key = _ingress_key(target)
        admitted = before.world.admitted.get(key) if key is not None else None
        if admitted is not None:  # re-created as stored: with the class admission gave it
            data = {**data, "spec": {**data.get("spec", {}),
                                     "ingressClassName": admitted.class_name}}
        return CreateEdit(manifest=data, index=target.index)
    if isinstance(edit, ReplaceEdit):
        return ReplaceEdit(ref=target.ref, manifest=data)
    if isinstance(edit, (AddRouteEdit, RemoveRouteEdit)):
        if not target.is_node:
            raise EditError(f"{edit.op} works on nodes, not on {target.ref}")
        if data.get("routes") is None:
            return UnsetEdit(ref=target.ref, path="routes")
        if isinstance(edit, AddRouteEdit):
            return RemoveRouteEdit(ref=target.ref, to=edit.to)
        routes = list(data["routes"])
        i = _route_index(routes, edit.to)
        if i is None:
            raise EditError(f"{target.ref} has no route to {edit.to}")
        if i == len(routes) - 1:
            return AddRouteEdit(ref=target.ref, to=routes[i]["to"], via=routes[i]["via"])
        return SetEdit(ref=target.ref, path="routes", value=routes)
    try:
        path = resolve_path(data, edit.path)
        if isinstance(edit, SetEdit):
            missing = first_missing(data, path)
            if missing is not None and edit.value is None and missing == path and \
                    first_missing(find_object(apply_edit(before, edit, enforce_locks=False),
                                               target.ref).data(), path) is not None:
                return edit  # null is "unset" (Go decoding): nothing is left to undo
            if missing is not None:
                return UnsetEdit(ref=target.ref, path=format_path(missing))
            return SetEdit(ref=target.ref, path=format_path(path), value=get_path(data, path))
        old = get_path(data, path)
        if isinstance(path[-1], int):  # a removed list item: restore the whole list
            return SetEdit(ref=target.ref, path=format_path(path[:-1]),
                           value=get_path(data, path[:-1]))
        return SetEdit(ref=target.ref, path=format_path(path), value=old)
    except PathError as exc:
        raise EditError(f"{target.ref}: {exc}") from None


# ------------------------------------------------------------------------ describe


_PLAIN = re.compile(r"[A-Za-z0-9_./:@*-]+")
_YAML_WORDS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "~"})


def _show(value: Any) -> str:
    """A value as a player reads it: bare words bare, anything ambiguous as JSON."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value.lower() not in _YAML_WORDS:
        try:
            float(value)
        except ValueError:
            return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def manifest_ref(manifest: dict[str, Any]) -> str:
    """Best-effort ref of a manifest without validating it (for one-line descriptions)."""
    kind = str(manifest.get("kind") or "object")
    meta = manifest.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    name = str(meta.get("name") or "?")
    if kind in NAMESPACED_KINDS:
        return f"{kind.lower()}/{meta.get('namespace') or 'default'}/{name}"
    return f"{kind.lower()}/{name}"


def describe_edit(edit: AnyEdit) -> str:
    """One line for the player: ``set service/shop/api spec.ports[0].targetPort = http``."""
    if isinstance(edit, SetEdit):
        return f"set {edit.ref} {edit.path} = {_show(edit.value)}"
    if isinstance(edit, UnsetEdit):
        return f"unset {edit.ref} {edit.path}"
    if isinstance(edit, AddRouteEdit):
        return f"add route on {edit.ref}: {edit.to} via {edit.via}"
    if isinstance(edit, RemoveRouteEdit):
        return f"remove route on {edit.ref} to {edit.to}"
    if isinstance(edit, CreateEdit):
        return f"create {manifest_ref(edit.manifest)}"
    if isinstance(edit, DeleteEdit):
        return f"delete {edit.ref}"
    return f"replace {edit.ref} (edited as YAML)"


# ------------------------------------------------------------------------- kubectl


def _pointer(path: Sequence[Segment]) -> str:
    """RFC 6901 JSON pointer, as ``kubectl patch --type=json`` wants it."""
    return "".join("/" + str(s).replace("~", "~0").replace("/", "~1") for s in path)


_GROUP_QUALIFIED = {"GatewayClass", "Gateway", "HTTPRoute", "GRPCRoute", "ReferenceGrant"}
"""Kinds kubectl must be told the API group of: Istio also serves a ``gateway`` (and
other meshes their own routes), and a bare ``kubectl patch gateway`` may pick theirs."""


def kubectl_resource(kind: str) -> str:
    """``httproute.gateway.networking.k8s.io`` for the Gateway API kinds, else ``service``."""
    if kind in _GROUP_QUALIFIED:
        return f"{kind.lower()}.gateway.networking.k8s.io"
    return kind.lower()


def _object_args(target: Target) -> str:
    args = f"{kubectl_resource(target.kind)} {shlex.quote(target.name)}"
    return args + (f" -n {shlex.quote(target.namespace)}" if target.namespace else "")


def _nest(value: Any, rest: Sequence[Segment]) -> Any:
    for seg in reversed(rest):
        value = [value] if isinstance(seg, int) else {seg: value}
    return value


def _patch(target: Target, edit: SetEdit | UnsetEdit) -> str:
    data = target.data()
    try:
        path = resolve_path(data, edit.path)
    except PathError as exc:
        raise EditError(f"{target.ref}: {exc}") from None
    if isinstance(edit, UnsetEdit):
        ops: list[dict[str, Any]] = [{"op": "remove", "path": _pointer(path)}]
    else:
        missing = first_missing(data, path)
        if missing is None:
            ops = [{"op": "replace", "path": _pointer(path), "value": edit.value}]
        else:
            ops = [{"op": "add", "path": _pointer(missing),
                    "value": _nest(edit.value, path[len(missing):])}]
    body = json.dumps(ops, separators=(",", ":"), ensure_ascii=False)
    return f"kubectl patch {_object_args(target)} --type=json -p {shlex.quote(body)}"


def _replace_patch(target: Target, manifest: dict[str, Any]) -> str:
    """A whole-object YAML edit as a JSON patch of just the fields it changed.

    ``kubectl replace`` would also reset every field the level left unset (and
    fail on a live object's resourceVersion); the patch says what the player did.
    """
    old = target.data()
    ops: list[dict[str, Any]] = []
    missing = object()
    for path in diff_paths(old, manifest):
        before = get_path(old, path, missing)
        after = get_path(manifest, path, missing)
        if after is missing:
            ops.append({"op": "remove", "path": _pointer(path)})
        elif before is missing:
            ops.append({"op": "add", "path": _pointer(path), "value": after})
        else:
            ops.append({"op": "replace", "path": _pointer(path), "value": after})
    if not ops:
        return f"# no change to {target.ref}"
    body = json.dumps(ops, separators=(",", ":"), ensure_ascii=False)
    return f"kubectl patch {_object_args(target)} --type=json -p {shlex.quote(body)}"


def _heredoc(command: str, res: AnyResource, manifest: dict[str, Any]) -> str:
    out: dict[str, Any] = {"apiVersion": manifest.get("apiVersion") or res.apiVersion,
                           "kind": res.kind}
    out.update((k, v) for k, v in manifest.items() if k not in out)
    ns = resource_namespace(res)
    meta = dict(out.get("metadata") or {})
    if ns is not None and not meta.get("namespace"):
        # A manifest without a namespace lands in kubectl's current one; the level meant this.
        out["metadata"] = {"name": meta.pop("name", None), "namespace": ns, **meta}
    if out["apiVersion"] is None:
        del out["apiVersion"]
    # A top-level mapping never puts a bare "EOF" line at column 0, so the tag is safe.
    text = yaml.safe_dump(out, sort_keys=False, allow_unicode=True)
    return f"{command} -f - <<'EOF'\n{text}EOF"


def _route_key(route: dict[str, Any]) -> str:
    net = _network(route.get("to"))
    return "default" if net is not None and net.prefixlen == 0 else str(net or route.get("to"))


def _node_commands(before: LoadedLevel, old: NodeSpec, new: NodeSpec) -> list[str]:
    """What changes on the machine itself: route table, SNAT rule, labels."""
    name = old.name
    lines: list[str] = []
    host = [f"# run on node {name} (a root shell on the node itself, not kubectl):"]
    old_data, new_data = _dump(old), _dump(new)
    old_routes = {_route_key(r): r for r in _effective_routes(before, old_data)}
    new_routes = {_route_key(r): r for r in _effective_routes(before, new_data)}
    host += [f"ip route del {to}" for to in old_routes if to not in new_routes]
    for to, route in new_routes.items():
        if to not in old_routes:
            host.append(f"ip route add {to} via {route['via']}")
        elif str(old_routes[to].get("via")) != str(route.get("via")):
            host.append(f"ip route replace {to} via {route['via']}")
    if old.masquerade != new.masquerade:
        node = before.world.cluster.node(name)
        cidr = node.pod_cidr if node is not None else "POD_CIDR"
        flag = "-A" if new.masquerade else "-D"
        host.append(f"iptables -t nat {flag} POSTROUTING -s {cidr} ! -d "
                    f"{before.world.cluster.cluster_cidr} -j MASQUERADE")
    if len(host) > 1:
        lines += host
    if old.public != new.public:
        what = "reachable from" if new.public else "unreachable from"
        lines.append(f"# make {name} {what} the internet: a public address or firewall rule at "
                     "your infrastructure provider; no command on the cluster does this")
    for key, value in new.labels.items():
        if old.labels.get(key) != value:
            lines.append(f"kubectl label node {shlex.quote(name)} "
                         f"{shlex.quote(f'{key}={value}')} --overwrite")
    lines += [f"kubectl label node {shlex.quote(name)} {shlex.quote(key + '-')}"
              for key in old.labels if key not in new.labels]
    if old.ip != new.ip or old.podCIDR != new.podCIDR:
        lines.append(f"# changing {name}'s address or podCIDR means re-provisioning the node; "
                     "there is no single command for it")
    return lines or [f"# no change to node {name}"]


def edit_as_kubectl(before: LoadedLevel, edit: AnyEdit) -> str:
    """The command(s) that make the same change on a real cluster, newline-separated."""
    if isinstance(edit, CreateEdit):
        res = _validate_resource(edit.manifest, _new_label(edit.manifest))
        return _heredoc("kubectl apply", res, edit.manifest)
    target = find_object(before, edit.ref)
    if target.is_node:
        assert isinstance(target.obj, NodeSpec)
        after = _edit_spec(before, edit)
        return "\n".join(_node_commands(before, target.obj, after.cluster.nodes[target.index]))
    if isinstance(edit, (SetEdit, UnsetEdit)):
        return _patch(target, edit)
    if isinstance(edit, DeleteEdit):
        return f"kubectl delete {_object_args(target)}"
    if isinstance(edit, ReplaceEdit):
        _validate_resource(edit.manifest, target.ref)
        return _replace_patch(target, edit.manifest)
    raise EditError(f"{edit.op} works on nodes, not on {target.ref}")
