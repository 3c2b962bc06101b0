"""Quick actions: the one-keystroke repairs offered for the selected object.

A quick action is a labelled recipe for an ``Edit`` of the edit language (a
rename is two: delete and create, applied as one step), so it is undone,
scored and exported as kubectl like any other edit. This module decides
*which* actions an object has and *which* edit each makes; it imports no
Textual, so the rules are unit-tested on real levels and the widget only
renders them.

Actions are generated as candidate edits and kept only when the game's own
lock check (``game.locks.refusal``) accepts them: showing a button that is
then refused teaches nothing, and a second copy of the lock rules here would
drift from the first. Values the player types are parsed here too, with the
message the prompt shows inline, so a typo never reaches the session.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from k8snet_tui.game.edits import EditError, Target, canonical_ref, find_object
from k8snet_tui.game.inputs import (
    InputError,
    format_labels,
    parse_dns_label,
    parse_dns_name,
    parse_labels,
    parse_manifest,
    parse_next_hop,
    parse_node_port,
    parse_port,
    parse_port_or_name,
    parse_route,
    typed,
)
from k8snet_tui.game.locks import editable_fields, refusal
from k8snet_tui.game.templates import templates, unique_name
from k8snet_tui.game.view import StateView
from k8snet_tui.model.cluster import NodeSpec
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.gateway import Gateway, GatewayClass, GRPCRoute, HTTPRoute, Secret
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import (
    NAMESPACED_KINDS,
    Container,
    DaemonSet,
    Deployment,
    Ingress,
    IngressBackend,
    Namespace,
    Pod,
    ReplicaSet,
    Service,
    StatefulSet,
)

Workload = Deployment | ReplicaSet | StatefulSet | DaemonSet

SERVICE_TYPE_CYCLE = ("ClusterIP", "NodePort", "LoadBalancer")
"""The order "cycle type" walks; each type adds one layer of exposure to the previous."""

_NAMESPACED = frozenset(k.lower() for k in NAMESPACED_KINDS)
_DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


@dataclass(frozen=True)
class Prompt:
    """What to ask when an action needs one value from the player."""

    question: str
    initial: str = ""
    placeholder: str = ""
    help: str = ""


@dataclass(frozen=True)
class QuickAction:
    """One offered repair. ``build`` turns the typed value ('' without a prompt) into edits.

    ``id`` is unique among one object's actions and stable across refreshes (so a
    widget can keep the highlight); ``kind`` names the sort of action
    ("service-type", "target-port", "route-add" …) for tests and help texts;
    ``field`` is the field path the edit changes, when it changes one; ``probe``
    is an edit of the same reach that the locks are asked about before the
    action is offered (the typed value cannot change what the locks say).
    ``draft``: instead of a one-line prompt, the action opens the YAML editor
    on this starting manifest, and ``build`` turns the edited text into a
    ``create``. ``as_text``: how a value of ``field`` is written into the prompt,
    the inverse of ``build``'s parsing, when ``inputs.typed`` does not know it
    (a path match is "Exact /login", a backendRef "other/api:80").
    """

    id: str
    kind: str
    label: str
    build: Callable[[str], AnyEdit | tuple[AnyEdit, ...]]
    prompt: Prompt | None = None
    field: str | None = None
    probe: AnyEdit | None = None
    draft: str | None = None
    namespace: str | None = None  # where a "new object" draft creates its object
    as_text: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.probe is None and self.prompt is None and self.draft is None:
            # Without a prompt the action always makes the same edit: that is its probe.
            object.__setattr__(self, "probe", self.edits()[0])

    def edits(self, value: str = "") -> tuple[AnyEdit, ...]:
        """The edits for ``value``, applied as one step; raises InputError for the player."""
        built = self.build(value.strip())
        return built if isinstance(built, tuple) else (built,)

    def edit(self, value: str = "") -> AnyEdit:
        """The one edit of a single-edit action (every action but rename)."""
        edits = self.edits(value)
        if len(edits) != 1:
            raise ValueError(f"{self.label} makes {len(edits)} edits; use edits()")
        return edits[0]

    def text_for(self, value: Any) -> str:
        """What a player types into this action's prompt to enter ``value`` of ``field``."""
        return self.as_text(value) if self.as_text is not None else typed(value)

    def validate(self, value: str) -> str | None:
        """None when ``value`` is acceptable, else why not (shown inline while typing)."""
        try:
            self.edits(value)
        except InputError as exc:
            return str(exc)
        return None


# ----------------------------------------------------------------------- context


@dataclass(frozen=True)
class _Context:
    """The selected object, and the level's locks to ask before offering an edit of it."""

    level: LoadedLevel
    target: Target
    data: dict[str, Any]
    original: Collection[str] | None
    view: StateView

    @property
    def ref(self) -> str:
        return self.target.ref

    def may(self, path: str) -> bool:
        """Would a SetEdit of ``path`` pass the locks? Asked of ``game.locks`` itself."""
        probe = SetEdit(ref=self.ref, path=path, value=None)
        return refusal(self.level, probe, original=self.original) is None


def _fixed(edit: AnyEdit) -> Callable[[str], AnyEdit]:
    def build(_value: str) -> AnyEdit:
        return edit
    return build


# ----------------------------------------------------------------------- services


def next_service_type(svc: Service) -> str:
    """The type "cycle type" moves to.

    ClusterIP → NodePort → LoadBalancer → ClusterIP, except that a Service with
    a pinned nodePort cannot become ClusterIP (the API server refuses that), so
    it goes back to NodePort until the nodePorts are cleared.
    """
    current = svc.spec.type
    if current not in SERVICE_TYPE_CYCLE:
        candidate = "ClusterIP"
    else:
        candidate = SERVICE_TYPE_CYCLE[(SERVICE_TYPE_CYCLE.index(current) + 1) % 3]
    pinned = any(p.nodePort is not None for p in svc.spec.ports)
    if candidate == "ClusterIP" and pinned:
        return "NodePort" if current != "NodePort" else "LoadBalancer"
    return candidate


def _selected_port_names(view: StateView, svc: Service, namespace: str) -> str:
    """"http=8080, admin=9901": what a targetPort name can refer to in the selected pods."""
    info = view.service(namespace, svc.metadata.name)
    if info is None:
        return ""
    return ", ".join(f"{name}={'/'.join(str(p) for p in ports)}"
                     for name, ports in view.named_ports(info).items())


def _service_actions(ctx: _Context, svc: Service) -> list[QuickAction]:
    ref, spec = ctx.ref, svc.spec
    actions: list[QuickAction] = []
    # A headless Service (clusterIP: None) can only be ClusterIP: the API server refuses
    # NodePort and LoadBalancer for it, so there is no type to cycle to.
    if ctx.may("spec.type") and spec.clusterIP != "None":
        nxt = next_service_type(svc)
        note = ""
        if spec.type == "LoadBalancer" and nxt != "ClusterIP":
            note = " (ClusterIP needs its pinned nodePorts cleared first)"
        actions.append(QuickAction(
            "service-type", "service-type", f"Cycle type: {spec.type} → {nxt}{note}",
            _fixed(SetEdit(ref=ref, path="spec.type", value=nxt)), field="spec.type"))
        # Every other type one edit away too: cycling twice would cost the player par.
        pinned = any(p.nodePort is not None for p in spec.ports)
        for other in SERVICE_TYPE_CYCLE:
            if other in (spec.type, nxt) or (other == "ClusterIP" and pinned):
                continue
            actions.append(QuickAction(
                f"service-type-{other}", "service-type-set", f"Set type: {spec.type} → {other}",
                _fixed(SetEdit(ref=ref, path="spec.type", value=other)), field="spec.type"))
    names = _selected_port_names(ctx.view, svc, ctx.target.namespace or "default")
    node_range = ctx.level.world.cluster.node_port_range
    for i, port in enumerate(spec.ports):
        base = f"spec.ports[{i}]"
        tag = port.name or f"ports[{i}]"
        target = port.targetPort if port.targetPort is not None else port.port
        if ctx.may(f"{base}.port"):
            actions.append(_set_action(
                f"port-{i}", "service-port", f"Set port of {tag} ({port.port})", ref,
                f"{base}.port", parse_port,
                Prompt(f"New port number for {tag} of {ref}", str(port.port), "8080",
                       "The port clients connect to on the Service's ClusterIP.")))
        if ctx.may(f"{base}.targetPort"):
            help_text = "A number, or the name of a containerPort of the selected pods."
            if names:
                help_text += f" Their named ports: {names}."
            actions.append(_set_action(
                f"target-port-{i}", "target-port", f"Set targetPort of {tag} ({target})", ref,
                f"{base}.targetPort", parse_port_or_name,
                Prompt(f"New targetPort for {tag} of {ref}", str(target), "8080 or http",
                       help_text)))
        if spec.type in ("NodePort", "LoadBalancer") and ctx.may(f"{base}.nodePort"):
            low, high = node_range
            current = "auto" if port.nodePort is None else str(port.nodePort)
            actions.append(_set_action(
                f"node-port-{i}", "node-port", f"Set nodePort of {tag} ({current})", ref,
                f"{base}.nodePort", lambda v: parse_node_port(v, node_range),
                Prompt(f"nodePort for {tag} of {ref}",
                       "" if port.nodePort is None else str(port.nodePort), f"{low}",
                       f"Opened on every node; must lie in {low}-{high}.")))
            if port.nodePort is not None:
                actions.append(QuickAction(
                    f"node-port-clear-{i}", "node-port-clear",
                    f"Clear nodePort of {tag} ({port.nodePort}; the cluster picks one)",
                    _fixed(UnsetEdit(ref=ref, path=f"{base}.nodePort")),
                    field=f"{base}.nodePort"))
    if spec.type == "ExternalName" and ctx.may("spec.externalName"):
        actions.append(_set_action(
            "external-name", "external-name",
            f"Set externalName ({spec.externalName or 'none'})", ref, "spec.externalName",
            parse_dns_name,
            Prompt(f"externalName of {ref}", spec.externalName or "", "db.example.com",
                   "The DNS name this Service is an alias (CNAME) for; a Service inside the "
                   "cluster is NAME.NAMESPACE.svc.<cluster domain>.")))
    if spec.type != "ExternalName" and ctx.may("spec.selector"):
        actions.append(_set_action(
            "selector", "selector", f"Edit selector ({format_labels(spec.selector) or 'none'})",
            ref, "spec.selector", lambda v: parse_labels(v, allow_empty=False),
            Prompt(f"Selector of {ref}", format_labels(spec.selector), "app=web, tier=api",
                   "key=value pairs, comma-separated; the Service sends traffic to the ready "
                   "pods of its namespace that carry every one of these labels.")))
    return actions


def _set_action(id_: str, kind: str, label: str, ref: str, path: str,
                parse: Callable[[str], Any], prompt: Prompt,
                as_text: Callable[[Any], str] | None = None) -> QuickAction:
    def build(value: str) -> AnyEdit:
        return SetEdit(ref=ref, path=path, value=parse(value))
    return QuickAction(id_, kind, label, build, prompt, field=path,
                       probe=SetEdit(ref=ref, path=path, value=None), as_text=as_text)


# -------------------------------------------------------------------------- nodes


def effective_routes(level: LoadedLevel, node: NodeSpec) -> list[tuple[str, str]]:
    """(to, via) as the node's table holds them: its own list, or the default route."""
    if node.routes is None:
        return [("default", str(level.world.cluster.gateway))]
    return [(r.to, str(r.via)) for r in node.routes]


def _node_actions(ctx: _Context, node: NodeSpec) -> list[QuickAction]:
    ref = ctx.ref
    cluster = ctx.level.world.cluster
    actions: list[QuickAction] = []
    if ctx.may("routes"):
        routes = effective_routes(ctx.level, node)
        nodes = "; ".join(f"{n.name} {n.ip} (pods {n.pod_cidr})" for n in cluster.nodes)
        existing = [to for to, _ in routes]
        resolved = cluster.node(node.name)
        own = resolved.ip if resolved is not None else None

        def add(value: str) -> AnyEdit:
            to, via = parse_route(value, cluster.node_network, existing=existing, own=own)
            return AddRouteEdit(ref=ref, to=to, via=via)

        actions.append(QuickAction(
            "route-add", "route-add", "Add a route…", add,
            Prompt(f"New route on {ref}", "", "DESTINATION via NEXT-HOP",
                   "A CIDR (or default), then a node IP or the gateway "
                   f"{cluster.gateway} on {cluster.node_network}. Nodes: {nodes}."),
            field="routes"))
        for i, (to, via) in enumerate(routes):
            if node.routes is not None:  # the implicit default route has no entry to edit
                actions.append(_set_action(
                    f"route-via-{to}", "route-via", f"Change next hop of {to} (via {via})",
                    ref, f"routes[{i}].via",
                    lambda v: parse_next_hop(v, cluster.node_network, own),
                    Prompt(f"New next hop for {to} on {ref}", via, "192.168.0.12",
                           f"A node IP or the gateway {cluster.gateway}, on "
                           f"{cluster.node_network}. Nodes: {nodes}.")))
            actions.append(QuickAction(
                f"route-remove-{to}", "route-remove", f"Remove route {to} via {via}",
                _fixed(RemoveRouteEdit(ref=ref, to=to)), field="routes"))
    if ctx.may("public"):
        label = ("Make private (not reachable from the internet)" if node.public
                 else "Make public (reachable from the internet)")
        actions.append(QuickAction(
            "public", "node-public", label,
            _fixed(SetEdit(ref=ref, path="public", value=not node.public)), field="public"))
    if ctx.may("masquerade"):
        label = ("Turn masquerade off (pod IPs leave the cluster unchanged)" if node.masquerade
                 else "Turn masquerade on (SNAT pod traffic leaving the cluster)")
        actions.append(QuickAction(
            "masquerade", "node-masquerade", label,
            _fixed(SetEdit(ref=ref, path="masquerade", value=not node.masquerade)),
            field="masquerade"))
    return actions


# ------------------------------------------------------------------------ ingress


def _backend_port_action(ctx: _Context, id_: str, where: str, path: str,
                         backend: IngressBackend | None) -> QuickAction | None:
    if backend is None or backend.service is None or not ctx.may(path):
        return None
    port = backend.service.port
    current = str(port.number) if port.number is not None else str(port.name)

    def parse(value: str) -> dict[str, Any]:
        if not value:
            raise InputError("enter the Service port's number (80) or name (http)")
        if value.isdigit():
            return {"number": parse_port(value)}
        return {"name": parse_dns_label(value, "a Service port name")}

    return _set_action(
        id_, "backend-port", f"Set backend port of {where} ({backend.service.name}:{current})",
        ctx.ref, path, parse,
        Prompt(f"Backend port of {where} (Service {backend.service.name})", current, "80 or http",
               "The Service's port (not the pod's): its number, or its name."))


def _ingress_actions(ctx: _Context, ing: Ingress) -> list[QuickAction]:
    ref = ctx.ref
    actions: list[QuickAction] = []
    if ctx.may("spec.ingressClassName"):
        classes = [c.metadata.name for c in ctx.level.world.ingress_classes]
        current = ing.spec.ingressClassName or "none"
        actions.append(_set_action(
            "ingress-class", "ingress-class", f"Set ingressClassName ({current})", ref,
            "spec.ingressClassName", _parse_class_name,
            Prompt(f"ingressClassName of {ref}", ing.spec.ingressClassName or "", "nginx",
                   "The IngressClass whose controller should serve this Ingress. Classes in "
                   f"this cluster: {', '.join(classes) or 'none'}.")))
    for r_i, rule in enumerate(ing.spec.rules):
        if rule.http is None:
            continue
        for p_i, path in enumerate(rule.http.paths):
            base = f"spec.rules[{r_i}].http.paths[{p_i}]"
            where = f"{rule.host or '*'}{path.path}"
            if ctx.may(f"{base}.pathType"):
                new = "Exact" if path.pathType == "Prefix" else "Prefix"
                actions.append(QuickAction(
                    f"path-type-{r_i}-{p_i}", "path-type",
                    f"Toggle pathType of {where}: {path.pathType} → {new}",
                    _fixed(SetEdit(ref=ref, path=f"{base}.pathType", value=new)),
                    field=f"{base}.pathType"))
            action = _backend_port_action(ctx, f"backend-port-{r_i}-{p_i}", where,
                                          f"{base}.backend.service.port", path.backend)
            if action is not None:
                actions.append(action)
    action = _backend_port_action(ctx, "default-backend-port", "the default backend",
                                  "spec.defaultBackend.service.port", ing.spec.defaultBackend)
    if action is not None:
        actions.append(action)
    return actions


def _parse_class_name(value: str) -> str:
    if not value:
        raise InputError("enter an IngressClass name")
    if len(value) > 253 or not _DNS_SUBDOMAIN.fullmatch(value):
        raise InputError(f'"{value}" is not an IngressClass name (lowercase letters, digits, '
                         '"-" and ".")')
    return value


# ------------------------------------------------------------------ pods, workloads


def _container_port_actions(ctx: _Context, containers: Sequence[Container],
                            base: str) -> list[QuickAction]:
    actions: list[QuickAction] = []
    for c_i, container in enumerate(containers):
        for p_i, port in enumerate(container.ports):
            path = f"{base}[{c_i}].ports[{p_i}].containerPort"
            if not ctx.may(path):
                continue
            tag = f"{container.name}" + (f" port {port.name}" if port.name else f" ports[{p_i}]")
            actions.append(_set_action(
                f"container-port-{c_i}-{p_i}", "container-port",
                f"Set containerPort of {tag} ({port.containerPort}/{port.protocol})",
                ctx.ref, path, parse_port,
                Prompt(f"New containerPort for {tag}", str(port.containerPort), "8080",
                       "The port the program in this container listens on. Two containers "
                       "of one pod share its network: they cannot both listen on one port.")))
    return actions


def _labels_action(ctx: _Context, path: str, labels: Mapping[str, str],
                   what: str, help_text: str) -> QuickAction | None:
    if not ctx.may(path):
        return None
    return _set_action(
        "labels", "labels", f"Edit {what} ({format_labels(labels) or 'none'})", ctx.ref, path,
        parse_labels,
        Prompt(f"{what[:1].upper()}{what[1:]} of {ctx.ref}", format_labels(labels),
               "app=web, tier=frontend", help_text))


def _pod_actions(ctx: _Context, pod: Pod) -> list[QuickAction]:
    actions = _container_port_actions(ctx, pod.spec.containers, "spec.containers")
    label = _labels_action(ctx, "metadata.labels", pod.metadata.labels, "labels",
                           "key=value pairs, comma-separated. Services and NetworkPolicies "
                           "choose pods by these labels.")
    return actions + ([label] if label else [])


def _workload_actions(ctx: _Context, workload: Workload) -> list[QuickAction]:
    tmpl = workload.spec.template
    actions = _container_port_actions(ctx, tmpl.spec.containers, "spec.template.spec.containers")
    selector = workload.spec.selector
    keep = f" They must keep matching the {workload.kind}'s selector ({selector.describe()})." \
        if selector is not None else ""
    label = _labels_action(ctx, "spec.template.metadata.labels", tmpl.metadata.labels,
                           "pod labels",
                           "key=value pairs for every pod of this workload; Services and "
                           f"NetworkPolicies choose pods by them.{keep}")
    return actions + ([label] if label else [])


# ----------------------------------------------------------------- network policy

_POLICY_API = "networking.k8s.io/v1"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _unique_name(level: LoadedLevel, namespace: str, base: str) -> str:
    """A NetworkPolicy name not yet taken in ``namespace`` (``base``, ``base-2`` …)."""
    return unique_name(level, "NetworkPolicy", namespace, base or "policy")


def _policy(name: str, namespace: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"apiVersion": _POLICY_API, "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def _pods_of(level: LoadedLevel, target: Target | None, ref: str) -> dict[str, str]:
    """The labels that pick the selected object's pods, for "allow … to these pods" templates.

    Empty (every pod of the namespace) when the object is not about pods.
    """
    obj = target.obj if target is not None else None
    if isinstance(obj, Pod):
        return dict(obj.metadata.labels)
    if isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
        sel = obj.spec.selector
        if sel is not None and sel.matchLabels and not sel.matchExpressions:
            return dict(sel.matchLabels)
        return dict(obj.spec.template.metadata.labels)
    if isinstance(obj, Service):
        return dict(obj.spec.selector or {})
    if obj is None and ref.startswith("pod/"):
        _, ns, name = ref.split("/", 2)
        pod = level.world.pod(ns, name)
        return dict(pod.labels) if pod is not None else {}
    return {}


def _template_actions(level: LoadedLevel, target: Target | None, ref: str,
                      namespace: str) -> list[QuickAction]:
    """"Add a NetworkPolicy from a template", created in the selected object's namespace."""
    ns = namespace
    pods = _pods_of(level, target, ref)
    selector: dict[str, Any] = {"matchLabels": pods} if pods else {}
    to_whom = f"pods {format_labels(pods)}" if pods else f"every pod in {ns}"
    prefix = f"{_slug('-'.join(pods.values()))}-" if pods else ""

    deny = _unique_name(level, ns, "default-deny-ingress")
    dns = _unique_name(level, ns, "allow-dns-egress")
    actions = [
        QuickAction(
            "policy-default-deny", "policy-template",
            f"New NetworkPolicy {deny}: deny all ingress to every pod in {ns}",
            _fixed(CreateEdit(manifest=_policy(deny, ns, {
                "podSelector": {}, "policyTypes": ["Ingress"]})))),
        QuickAction(
            "policy-allow-dns", "policy-template",
            f"New NetworkPolicy {dns}: every pod in {ns} may query kube-dns (UDP+TCP 53); "
            "this also isolates their egress",
            _fixed(CreateEdit(manifest=_policy(dns, ns, {
                "podSelector": {},
                "policyTypes": ["Egress"],
                "egress": [{
                    "to": [{
                        "namespaceSelector": {
                            "matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
                        "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
                    }],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }],
            })))),
    ]

    def from_pods(value: str) -> AnyEdit:
        labels = parse_labels(value, allow_empty=False)
        name = _unique_name(level, ns, f"{prefix}allow-from-{_slug('-'.join(labels.values()))}")
        return CreateEdit(manifest=_policy(name, ns, {
            "podSelector": selector, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"podSelector": {"matchLabels": labels}}]}]}))

    def from_namespace(value: str) -> AnyEdit:
        source = parse_dns_label(value, "a namespace name")
        name = _unique_name(level, ns, f"{prefix}allow-from-ns-{source}")
        return CreateEdit(manifest=_policy(name, ns, {
            "podSelector": selector, "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": {
                "matchLabels": {"kubernetes.io/metadata.name": source}}}]}]}))

    namespaces = ", ".join(sorted(level.world.namespaces))
    probe = CreateEdit(manifest=_policy("probe", ns, {}))
    actions += [
        QuickAction(
            "policy-allow-from-pods", "policy-template",
            f"New NetworkPolicy: allow ingress to {to_whom} from pods with a label…", from_pods,
            Prompt(f"Allow ingress to {to_whom} from pods in {ns} labelled", "", "app=web",
                   "key=value pairs the source pods must all carry (a podSelector alone only "
                   "matches pods of the policy's own namespace)."), probe=probe),
        QuickAction(
            "policy-allow-from-namespace", "policy-template",
            f"New NetworkPolicy: allow ingress to {to_whom} from a namespace…", from_namespace,
            Prompt(f"Allow ingress to {to_whom} from every pod of namespace", "", "monitoring",
                   "Matched by the kubernetes.io/metadata.name label every namespace carries. "
                   f"Namespaces here: {namespaces or 'none'}."), probe=probe),
    ]
    return actions


# -------------------------------------------------------------------------- entry


def _namespace_of(target: Target | None, ref: str) -> str | None:
    if target is not None:
        if isinstance(target.obj, Namespace):
            return target.name
        return target.namespace
    parts = ref.split("/")
    if parts[0] == "namespace" and len(parts) == 2:
        return parts[1]
    if parts[0] in _NAMESPACED and len(parts) == 3:
        return parts[1]
    return None


def _rename_action(level: LoadedLevel, target: Target,
                   original: Collection[str] | None) -> QuickAction | None:
    """Rename = delete + create with the new name, applied and undone as one step."""
    manifest = target.data()
    if refusal(level, CreateEdit(manifest=manifest), original=original) is not None:
        return None
    ref = target.ref

    def build(value: str) -> tuple[AnyEdit, ...]:
        name = parse_dns_name(value).rstrip(".").lower()
        if name == target.name:
            raise InputError(f"{ref} is already called {name}")
        renamed = {**manifest, "metadata": {**manifest.get("metadata", {}), "name": name}}
        return DeleteEdit(ref=ref), CreateEdit(manifest=renamed, index=target.index)

    return QuickAction(
        "rename", "rename", f"Rename {ref}… (delete + create: objects that name it keep the "
        "old name)", build,
        Prompt(f"New name for {ref}", target.name, target.name,
               "Lowercase letters, digits, '-' and '.'. Counts as two edits: a delete and a "
               "create."),
        probe=DeleteEdit(ref=ref))


def _new_object_actions(level: LoadedLevel, namespace: str | None) -> list[QuickAction]:
    """"New <kind> in <namespace>…": open the YAML editor on a commented starting manifest."""
    actions = []
    for template in templates(level, namespace):
        actions.append(QuickAction(
            f"new-{template.id}", "new-object", f"New {template.label}…", _draft_build,
            field=None, probe=CreateEdit(manifest={"kind": template.kind}),
            draft=template.text,
            namespace=namespace if template.kind in NAMESPACED_KINDS else None))
    return actions


def _draft_build(text: str) -> AnyEdit:
    return CreateEdit(manifest=parse_manifest(text))


def quick_actions(level: LoadedLevel, ref: str, *, original: Collection[str] | None = None,
                  view: StateView | None = None) -> list[QuickAction]:
    """Every action offered for ``ref`` (empty for unknown refs), each one the locks accept.

    ``original``: the refs of the level as opened (``locks.original_refs``), so
    objects the player created count as theirs, exactly as ``Session`` judges
    edits. A pod of a workload or an implicit namespace is not an object of the
    level: it gets only the create-in-this-namespace actions. ``view``: the
    session's view of this state, when the caller has one (else one is built).
    """
    try:
        ref = canonical_ref(ref)
    except EditError:
        return []
    target: Target | None
    try:
        target = find_object(level, ref)
    except EditError:
        target = None
    actions: list[QuickAction] = []
    if target is not None:
        ctx = _Context(level, target, target.data(), original, view or StateView(level))
        obj = target.obj
        if isinstance(obj, Service):
            actions += _service_actions(ctx, obj)
        elif isinstance(obj, NodeSpec):
            actions += _node_actions(ctx, obj)
        elif isinstance(obj, Ingress):
            actions += _ingress_actions(ctx, obj)
        elif isinstance(obj, Pod):
            actions += _pod_actions(ctx, obj)
        elif isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
            actions += _workload_actions(ctx, obj)
        elif isinstance(obj, (HTTPRoute, GRPCRoute, Gateway, GatewayClass, Secret)):
            # Its own module (it builds on this one's QuickAction, hence the late import).
            from k8snet_tui.game.gateway_actions import gateway_api_actions

            actions += gateway_api_actions(ctx, obj)
        elif isinstance(obj, Namespace):
            label = _labels_action(ctx, "metadata.labels", obj.metadata.labels,
                                   "namespace labels",
                                   "key=value pairs; a NetworkPolicy namespaceSelector "
                                   "chooses namespaces by these labels.")
            actions += [label] if label else []
        if not target.is_node:
            actions.append(QuickAction(f"delete-{target.kind.lower()}", "delete",
                                       f"Delete {target.ref}", _fixed(DeleteEdit(ref=target.ref))))
            rename = _rename_action(level, target, original)
            if rename is not None:
                actions.append(rename)
    namespace = _namespace_of(target, ref)
    if namespace is not None:
        actions += _template_actions(level, target, ref, namespace)
    if ref.startswith("namespace/"):
        # The namespace's own line offers every kind the level lets the player create
        # there; on other objects that list would bury their own repairs.
        actions += _new_object_actions(level, namespace)
    return [a for a in actions
            if a.probe is None or refusal(level, a.probe, original=original) is None]


def new_object_actions(level: LoadedLevel, namespace: str | None, *,
                       original: Collection[str] | None = None) -> list[QuickAction]:
    """The "new object" drafts the level lets the player create in ``namespace``."""
    return [a for a in _new_object_actions(level, namespace)
            if a.probe is None or refusal(level, a.probe, original=original) is None]


def creation_namespaces(level: LoadedLevel, *, original: Collection[str] | None = None,
                        here: str | None = None) -> list[str]:
    """Where "new object" offers to create, in a stable (alphabetical) order.

    The namespaces the level's pods and Services live in or that it declares,
    plus ``here`` (the namespace in view). kube-system is scenery unless the
    level lets the player change something in it: a create there is still
    possible through the YAML editor, but not offered beside the real choices.
    """
    world = level.world
    spaces = {p.namespace for p in world.pods} | {svc.namespace for svc in world.services}
    spaces |= {r.metadata.name for r in level.spec.resources
               if isinstance(r, Namespace) and r.metadata is not None}
    if "kube-system" in spaces and not any(
            ref.count("/") == 2 and ref.split("/")[1] == "kube-system" and
            editable_fields(level, ref, original=original) is not None for ref in world.refs):
        spaces.discard("kube-system")
    if here is not None and here in world.namespaces:
        spaces.add(here)
    return sorted(spaces)


def new_object_choices(level: LoadedLevel, *, original: Collection[str] | None = None,
                       here: str | None = None,
                       kind: str | None = None) -> tuple[list[QuickAction], int]:
    """Every "new object" draft offered, kind by kind, and which one to highlight first
    (the first of ``kind`` in ``here``, else the first in ``here``). The order never
    depends on what is selected, so the same keys always pick the same entry."""
    out: list[QuickAction] = []
    seen: set[str] = set()
    for ns in creation_namespaces(level, original=original, here=here):
        for action in new_object_actions(level, ns, original=original):
            if action.id in seen and action.namespace is None:
                continue  # a cluster-wide kind is offered once
            seen.add(action.id)
            out.append(action)
    first: dict[str, int] = {}
    for i, action in enumerate(out):
        first.setdefault(action.id, i)
    out.sort(key=lambda a: first[a.id])  # kind by kind; namespaces stay alphabetical
    default = next((i for i, a in enumerate(out) if a.namespace == here and
                    (kind is None or a.id.startswith(f"new-{kind}"))), None)
    if default is None:
        default = next((i for i, a in enumerate(out) if a.namespace == here), 0)
    return out, default
