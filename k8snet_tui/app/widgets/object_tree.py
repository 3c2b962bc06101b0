"""Every object of the level as a tree, with what the puzzle lets the player touch.

Nodes → node (IP, podCIDR) → routes; Namespaces → namespace → Pods /
Workloads / Services / Ingresses / Gateways (→ listeners) / HTTPRoutes /
GRPCRoutes / ReferenceGrants / Secrets / NetworkPolicies → objects;
GatewayClasses (cluster-scoped, how a Gateway is implemented) apart; other
cluster-wide objects last. A Gateway's generated proxy pod and Service are
listed with the pods and Services but marked "generated" and choosing them
selects the Gateway, the object that really changes them. Each object line
starts with ``✎`` or ``🔒`` and says "editable", "locked" or "generated" in
words right after its name, so the lock survives a narrow panel, a monochrome
terminal and NO_COLOR.

The tree is rebuilt from scratch on every ``show`` (an edit can add, delete or
rename anything) but keyed by stable strings, so what the player expanded and
where the cursor was survive the rebuild.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rich.style import Style
from rich.text import Text
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from k8snet_tui.app.fit import fit_tree_label
from k8snet_tui.app.messages import ObjectChosen
from k8snet_tui.game.edits import EditError
from k8snet_tui.game.gatewayview import (
    gateway_class_details,
    gateway_details,
    generated_note,
    listener_details,
    reference_grant_details,
    route_details,
    routes_naming,
    secret_details,
)
from k8snet_tui.model.cluster import Node, Route
from k8snet_tui.model.gateway import (
    Gateway,
    GatewayClass,
    GRPCRoute,
    HTTPRoute,
    ReferenceGrant,
    Secret,
)
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import (
    WORKLOAD_KINDS,
    AnyResource,
    Ingress,
    IngressClass,
    NetworkPolicy,
    resource_namespace,
    resource_ref,
)
from k8snet_tui.model.world import PodInfo, ServiceInfo, World

Editable = Callable[[str], tuple[str, ...] | None]
"""``Session.editable``: None when locked, ``()`` for every field, else field prefixes."""

EDITABLE_GLYPH = "✎"
LOCKED_GLYPH = "🔒"
GENERATED_WORD = "generated"


@dataclass
class Entry:
    """One line of the tree before it becomes a TreeNode (pure data, easy to test).

    ``key`` is unique and stable across rebuilds; ``ref`` is what choosing the
    line selects (None for group headings).
    """

    key: str
    label: Text
    ref: str | None = None
    children: list[Entry] = field(default_factory=list)
    expand: bool = True  # the default, before the player has toggled it


def _lock(editable: Editable, ref: str) -> tuple[str, ...] | None:
    """The lock state of ``ref``, treating a ref the game layer cannot parse as locked."""
    try:
        return editable(ref)
    except EditError:
        return None


def lock_word(fields: tuple[str, ...] | None) -> str:
    """"locked", "editable" or "editable: spec.ports" — the marker's words."""
    if fields is None:
        return "locked"
    if not fields:
        return "editable"
    return "editable: " + ", ".join(fields)


def object_label(name: str, fields: tuple[str, ...] | None, details: Iterable[str]) -> Text:
    """Glyph, name, lock word, then the details that help the player find the bug."""
    locked = fields is None
    text = Text()
    text.append(LOCKED_GLYPH if locked else EDITABLE_GLYPH,
                style="dim" if locked else "bold")
    text.append(" ")
    text.append(name, style="bold")
    text.append(" ")
    text.append(lock_word(fields), style="dim italic" if locked else "bold reverse")
    for detail in details:
        if detail:
            text.append(" · ", style="dim")
            text.append(detail, style="dim" if locked else "")
    return text


def generated_label(name: str, details: Iterable[str]) -> Text:
    """A generated object's line: locked glyph, name, "generated", then what made it."""
    text = Text()
    text.append(LOCKED_GLYPH, style="dim")
    text.append(" ")
    text.append(name, style="bold")
    text.append(" ")
    text.append(GENERATED_WORD, style="dim italic")
    for detail in details:
        if detail:
            text.append(" · ", style="dim")
            text.append(detail, style="dim")
    return text


def _group_label(title: str, count: int, editable_count: int = 0) -> Text:
    text = Text(f"{title} ({count})", style="bold")
    if editable_count:
        text.append(f"  {editable_count} editable", style="italic")
    return text


def _labels(labels: dict[str, str] | Iterable[tuple[str, str]]) -> str:
    items = labels.items() if isinstance(labels, dict) else labels
    return ",".join(f"{k}={v}" for k, v in items)


# ------------------------------------------------------------------ nodes


def _route_entry(node: Node, position: int, route: Route) -> Entry:
    if route.via is None:
        origin = "connected"
    elif route.index is None:
        origin = "implicit"
    else:
        origin = f"routes[{route.index}]"
    label = Text()
    label.append("route ", style="dim")
    label.append(route.describe())
    label.append(f" · {origin}", style="dim")
    return Entry(key=f"node/{node.name}#route{position}:{route.describe()}", label=label,
                 ref=f"node/{node.name}")


def _node_entry(node: Node, editable: Editable) -> Entry:
    ref = f"node/{node.name}"
    fields = _lock(editable, ref)
    details = [str(node.ip), f"pods {node.pod_cidr}", "public" if node.public else "private"]
    if not node.masquerade:
        details.append("masquerade off")
    routes = [_route_entry(node, i, r) for i, r in enumerate(node.routes)]
    return Entry(key=ref, label=object_label(node.name, fields, details), ref=ref,
                 children=routes, expand=fields is not None)


# ----------------------------------------------------------- namespaced objects


def _pod_entry(pod: PodInfo, world: World, editable: Editable) -> Entry:
    if pod.generated_by is not None:
        # A Gateway's proxy: not an object of the level; its Gateway is what to edit.
        return Entry(key=pod.ref, ref=pod.generated_by, label=generated_label(
            pod.name, [generated_note(pod.generated_by), f"{pod.ip} on {pod.node}"]))
    # A pod generated from a workload is not an object of its own: choosing it
    # selects the workload, which is what an edit to "this pod" really changes.
    ref = pod.ref if pod.ref in world.refs or pod.owner is None else pod.owner
    fields = _lock(editable, ref)
    details = [f"{pod.ip} on {pod.node}"]
    if pod.host_network:
        details.append("host network")
    if not pod.ready:
        details.append("NOT READY")
    if pod.labels:
        details.append(_labels(dict(pod.labels)))
    if ref != pod.ref:
        details.append(f"from {ref}")
    return Entry(key=pod.ref, label=object_label(pod.name, fields, details), ref=ref)


def _port_text(svc: ServiceInfo) -> str:
    parts = []
    for p in svc.ports:
        text = f"{p.port}→{p.target_port}"
        if p.protocol != "TCP":
            text += f"/{p.protocol}"
        if p.node_port is not None:
            text += f" node:{p.node_port}"
        parts.append(text)
    return ", ".join(parts) if parts else "no ports"


def _service_entry(svc: ServiceInfo, editable: Editable) -> Entry:
    fields = _lock(editable, svc.ref)
    details: list[str] = [svc.type]
    if svc.generated_by is not None:
        details = [generated_note(svc.generated_by), svc.type]
    if svc.type == "ExternalName":
        details.append(f"→ {svc.external_name}")
    else:
        details.append("headless" if svc.headless or svc.cluster_ip is None
                       else str(svc.cluster_ip))
        details.append(_port_text(svc))
        if svc.type == "LoadBalancer":
            details.append("LB " + ", ".join(str(ip) for ip in svc.lb_ips)
                           if svc.lb_ips else "LB <pending>")
        details.append("no selector" if svc.selector is None
                       else "selects " + (_labels(dict(svc.selector)) or "{}"))
    if svc.generated_by is not None:
        return Entry(key=svc.ref, label=generated_label(svc.name, details),
                     ref=svc.generated_by)
    return Entry(key=svc.ref, label=object_label(svc.name, fields, details), ref=svc.ref)


def _ingress_details(ing: Ingress) -> list[str]:
    details = [f"class {ing.spec.ingressClassName}" if ing.spec.ingressClassName
               else "default class"]
    for rule in ing.spec.rules:
        paths = [p.path for p in rule.http.paths] if rule.http is not None else []
        details.append(f"{rule.host or '*'} {' '.join(paths)}".strip())
    if ing.spec.defaultBackend is not None:
        details.append("default backend")
    return details


def _policy_details(pol: NetworkPolicy) -> list[str]:
    ingress, egress = pol.spec.effective_policy_types()
    types = [t for t, on in (("Ingress", ingress), ("Egress", egress)) if on]
    return [f"selects {pol.spec.podSelector.describe()}", "+".join(types) or "no types"]


def _resource_details(res: AnyResource, world: World) -> list[str]:
    ref = resource_ref(res)
    if res.kind in WORKLOAD_KINDS:
        pods = world.workloads.get(ref, ())
        return [res.kind.lower(), f"{len(pods)} pod{'s' * (len(pods) != 1)}"]
    if isinstance(res, Ingress):
        return _ingress_details(res)
    if isinstance(res, NetworkPolicy):
        return _policy_details(res)
    if isinstance(res, IngressClass):
        return ["ingressclass", f"controller {res.spec.controller}"]
    ns = resource_namespace(res) or "default"
    if isinstance(res, GatewayClass):
        return gateway_class_details(world, res)
    if isinstance(res, Gateway):
        return gateway_details(world, ns, res)
    if isinstance(res, (HTTPRoute, GRPCRoute)):
        return route_details(ns, res)
    if isinstance(res, ReferenceGrant):
        return reference_grant_details(res)
    if isinstance(res, Secret):
        return secret_details(world, ns, res)
    return [res.kind]


def _listener_entries(gw: Gateway, world: World, ref: str) -> list[Entry]:
    """A Gateway's listeners as its children; choosing one selects the Gateway."""
    ns = resource_namespace(gw) or "default"
    entries = []
    for listener in gw.spec.listeners:
        label = Text()
        label.append("listener ", style="dim")
        label.append(listener.name, style="bold")
        details = listener_details(listener, ns)
        routes = routes_naming(world, ns, gw.metadata.name, listener)
        details.append("named by " + ", ".join(routes) if routes else "no Route names it")
        for detail in details:
            label.append(" · ", style="dim")
            label.append(detail)
        entries.append(Entry(key=f"{ref}#listener:{listener.name}", label=label, ref=ref))
    return entries


def _resource_entry(res: AnyResource, world: World, editable: Editable) -> Entry:
    ref = resource_ref(res)
    name = res.metadata.name if res.metadata is not None else "?"
    fields = _lock(editable, ref)
    children = _listener_entries(res, world, ref) if isinstance(res, Gateway) else []
    return Entry(key=ref, label=object_label(name, fields, _resource_details(res, world)),
                 ref=ref, children=children)


CATEGORIES = ("Pods", "Workloads", "Services", "Ingresses", "Gateways", "HTTPRoutes",
              "GRPCRoutes", "ReferenceGrants", "Secrets", "NetworkPolicies", "Other")
_KIND_CATEGORY = {"Ingress": "Ingresses", "NetworkPolicy": "NetworkPolicies",
                  "Gateway": "Gateways", "HTTPRoute": "HTTPRoutes", "GRPCRoute": "GRPCRoutes",
                  "ReferenceGrant": "ReferenceGrants", "Secret": "Secrets"}


def _category(res: AnyResource) -> str | None:
    """Where a namespaced manifest goes; None for the ones listed from the world instead."""
    if res.kind in ("Pod", "Service", "Namespace"):
        return None
    if res.kind in WORKLOAD_KINDS:
        return "Workloads"
    return _KIND_CATEGORY.get(res.kind, "Other")


def _count_editable(entries: Iterable[Entry], editable: Editable) -> int:
    """Editable objects among ``entries``, for the headings' "N editable" hint.

    A pod generated by a workload points at the workload (ref != key); counting it
    too would announce the same editable object once per replica.
    """
    return sum(1 for e in entries if e.ref is not None and e.ref == e.key
               and _lock(editable, e.ref) is not None)


def build_entries(level: LoadedLevel, editable: Editable) -> list[Entry]:
    """The tree's content as plain data, top-level groups first."""
    world = level.world
    resources = [r for r in level.spec.resources if r.metadata is not None]

    nodes = [_node_entry(n, editable) for n in world.cluster.nodes]
    top = [Entry(key="nodes", children=nodes,
                 label=_group_label("Nodes", len(nodes), _count_editable(nodes, editable)))]

    by_ns: dict[str, dict[str, list[Entry]]] = {}

    def bucket(ns: str, category: str) -> list[Entry]:
        return by_ns.setdefault(ns, {}).setdefault(category, [])

    for pod in world.pods:
        bucket(pod.namespace, "Pods").append(_pod_entry(pod, world, editable))
    for svc in world.services:
        bucket(svc.namespace, "Services").append(_service_entry(svc, editable))
    cluster_wide: list[Entry] = []
    classes: list[Entry] = []
    ns_refs: set[str] = set()
    for res in resources:
        ns = resource_namespace(res)
        if isinstance(res, GatewayClass):
            classes.append(_resource_entry(res, world, editable))
        elif res.kind == "Namespace":
            ns_refs.add(resource_ref(res))
            by_ns.setdefault(res.metadata.name if res.metadata else "?", {})
        elif ns is None:
            cluster_wide.append(_resource_entry(res, world, editable))
        elif (category := _category(res)) is not None:
            bucket(ns, category).append(_resource_entry(res, world, editable))

    namespaces: list[Entry] = []
    for ns in sorted(by_ns):
        groups = by_ns[ns]
        children = [
            Entry(key=f"ns/{ns}/{cat}", children=groups[cat],
                  label=_group_label(cat, len(groups[cat]),
                                     _count_editable(groups[cat], editable)))
            for cat in CATEGORIES if groups.get(cat)
        ]
        # The namespace line is an object only when the level declares the Namespace
        # (its labels matter to namespaceSelectors); otherwise it is a heading. Either
        # way choosing it shows what can be created in the namespace.
        ref = f"namespace/{ns}"
        if ref in ns_refs:
            label = object_label(ns, _lock(editable, f"namespace/{ns}"), ["namespace"])
        else:
            label = Text(ns, style="bold")
        n_editable = sum(_count_editable(g, editable) for g in groups.values())
        if n_editable:
            label.append(f"  ({n_editable} editable inside)", style="italic")
        namespaces.append(Entry(
            key=f"ns/{ns}", label=label, ref=ref, children=children,
            # kube-system is scenery unless the puzzle lets the player touch it.
            expand=n_editable > 0 or ns != "kube-system"))
    top.append(Entry(key="namespaces", children=namespaces,
                     label=_group_label("Namespaces", len(namespaces))))
    if classes:
        top.append(Entry(key="gatewayclasses", children=classes,
                         label=_group_label("GatewayClasses", len(classes),
                                            _count_editable(classes, editable))))
    if cluster_wide:
        top.append(Entry(key="cluster", children=cluster_wide,
                         label=_group_label("Cluster-wide", len(cluster_wide),
                                            _count_editable(cluster_wide, editable))))
    return top


class ObjectTree(Tree[str]):
    """The level's objects; choosing one (enter or click) posts ``ObjectChosen(ref)``.

    Node data is the ref to inspect; group headings carry none and only fold.
    """

    def __init__(self, label: str = "Cluster", data: str | None = None, *,
                 name: str | None = None, id: str | None = None,
                 classes: str | None = None, disabled: bool = False) -> None:
        super().__init__(label, data, name=name, id=id, classes=classes, disabled=disabled)
        self.show_root = False
        self.guide_depth = 3
        # Choosing a node should not also fold its routes away: objects are chosen,
        # headings fold (space and the ▶ icon fold anything).
        self.auto_expand = False
        self._keys: dict[int, str] = {}  # TreeNode id → Entry key, for this build
        self._expanded: dict[str, bool] = {}  # Entry key → expanded, remembered forever
        self._shown_once = False

    def render_label(self, node: TreeNode[str], base_style: Style, style: Style) -> Text:
        """Cut after a whole word to fit (the inspector shows the whole object)."""
        return fit_tree_label(self, node, super().render_label(node, base_style, style))

    def key_of(self, node: TreeNode[str]) -> str | None:
        """The stable key of a tree line (tests and the screen use it to find lines)."""
        return self._keys.get(int(node.id))

    def _walk(self, node: TreeNode[str]) -> Iterable[TreeNode[str]]:
        for child in node.children:
            yield child
            yield from self._walk(child)

    def node_for_key(self, key: str) -> TreeNode[str] | None:
        """The tree line built from the entry with ``key``, if it is in the tree."""
        return next((n for n in self._walk(self.root) if self.key_of(n) == key), None)

    def _remember(self) -> list[str]:
        """Save every line's expanded state; return the cursor's key and its ancestors'."""
        for node in self._walk(self.root):
            key = self.key_of(node)
            if key is not None and node.allow_expand:
                self._expanded[key] = node.is_expanded
        trail: list[str] = []
        cursor = self.cursor_node if self.cursor_line >= 0 else None
        while cursor is not None and not cursor.is_root:
            key = self.key_of(cursor)
            if key is not None:
                trail.append(key)
            cursor = cursor.parent
        return trail

    def _add(self, parent: TreeNode[str], entry: Entry) -> None:
        expand = self._expanded.get(entry.key, entry.expand)
        if entry.children:
            node = parent.add(entry.label, data=entry.ref, expand=expand)
            for child in entry.children:
                self._add(node, child)
        else:
            node = parent.add_leaf(entry.label, data=entry.ref)
        self._keys[int(node.id)] = entry.key

    def show(self, level: LoadedLevel, editable: Editable) -> None:
        """Rebuild from ``level``, keeping expansion and the cursor where the player left them."""
        trail = self._remember() if self._shown_once else []
        entries = build_entries(level, editable)
        self.clear()
        self._keys = {}
        for entry in entries:
            self._add(self.root, entry)
        self.last_line  # noqa: B018 - builds the line index so nodes know their lines
        # The cursor's line, or (if that object is gone) its nearest surviving ancestor.
        visible = (self.node_for_key(key) for key in trail)
        target = next((n for n in visible if n is not None and n.line >= 0), None)
        if target is not None:
            self.move_cursor(target)
        else:
            self.cursor_line = 0
        self._shown_once = True

    def _on_tree_node_selected(self, event: Tree.NodeSelected[str]) -> None:
        """Enter or a click on an object chooses it; on a heading it folds or unfolds."""
        if event.node.tree is not self:
            return
        ref = event.node.data
        if ref is not None:
            self.post_message(ObjectChosen(ref))
        elif event.node.allow_expand:
            event.node.toggle()
