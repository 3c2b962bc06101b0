"""The inspector: what the selected object is, and the ways to change it.

Two tabs. *Actions* shows a plain-words summary of the object (addresses from
the built world, so the player sees what the cluster made of the manifest) and
the quick actions ``quick_actions`` offers for it. *YAML* holds the whole
object in a code editor; Apply sends one ``ReplaceEdit``.

The inspector decides nothing: every change leaves as an ``EditRequested``
message, the screen applies it to the session and calls ``show`` with the new
state, or ``show_error`` with the session's refusal. Text the player cannot
turn into an edit (a YAML syntax error, a port that is not a number) is caught
here and shown inline, and nothing is posted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import yaml
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import Button, OptionList, Static, TabbedContent, TabPane, TextArea
from textual.widgets.option_list import Option

from k8snet_tui.app.messages import EditRequested
from k8snet_tui.app.screens.prompt import PromptScreen
from k8snet_tui.app.widgets.quick_actions import (
    InputError,
    QuickAction,
    effective_routes,
    format_labels,
    quick_actions,
)
from k8snet_tui.game.edits import EditError, Target, canonical_ref, find_object
from k8snet_tui.model.cluster import NodeSpec
from k8snet_tui.model.edits import ReplaceEdit
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import (
    DaemonSet,
    Deployment,
    Ingress,
    IngressBackend,
    IngressClass,
    Namespace,
    NetworkPolicy,
    NetworkPolicyPeer,
    NetworkPolicyPort,
    Pod,
    ReplicaSet,
    Service,
    StatefulSet,
)
from k8snet_tui.model.world import PodInfo
from k8snet_tui.model.yamlsource import MarkTable, YamlError, read_documents

NO_SELECTION = "Select an object in the object tree to inspect and edit it here."


# ----------------------------------------------------------------------- summary


def _labels(labels: Mapping[str, str] | None) -> str:
    return format_labels(labels) or "none"


def _pod_line(pod: PodInfo) -> str:
    ready = "" if pod.ready else ", NOT ready"
    host = ", host network" if pod.host_network else ""
    return f"{pod.name}  {pod.ip} on {pod.node}{host}{ready}"


def _pod_ports(pod: PodInfo) -> list[str]:
    if not pod.ports:
        return ["  ports: none declared (accepts any port)"]
    return [f"  {p.container}: {p.name + ' ' if p.name else ''}{p.port}/{p.protocol}"
            + (f" hostPort {p.host_port}" if p.host_port else "") for p in pod.ports]


def _service_summary(level: LoadedLevel, svc: Service, ns: str) -> list[str]:
    info = level.world.service(ns, svc.metadata.name)
    spec = svc.spec
    lines = [f"type: {spec.type}"]
    if spec.type == "ExternalName":
        lines.append(f"externalName: {spec.externalName or '(not set)'}")
        return lines
    if info is not None:
        lines.append("ClusterIP: None (headless)" if info.headless
                     else f"ClusterIP: {info.cluster_ip}")
        if spec.type == "LoadBalancer":
            ips = ", ".join(str(ip) for ip in info.lb_ips)
            lines.append(f"external IP: {ips or '<pending> (no load-balancer provider)'}")
    if spec.selector is None:
        lines.append("selector: none (endpoints come from a manual Endpoints object)")
    else:
        lines.append(f"selector: {_labels(spec.selector)}")
        pods = [p for p in level.world.pods if p.namespace == ns and
                all(p.labels.get(k) == v for k, v in spec.selector.items())]
        lines.append(f"pods with these labels: {len(pods) or 'none'}")
        lines += [f"  {_pod_line(p)}" for p in pods]
    lines.append("ports:" if spec.ports else "ports: none")
    for i, port in enumerate(spec.ports):
        target = port.targetPort if port.targetPort is not None else port.port
        node_port = info.ports[i].node_port if info is not None and i < len(info.ports) else None
        name = f"{port.name}: " if port.name else f"[{i}]: "
        lines.append(f"  {name}{port.port}/{port.protocol} → targetPort {target}"
                     + (f", nodePort {node_port}" if node_port is not None else ""))
    if spec.externalTrafficPolicy != "Cluster":
        lines.append(f"externalTrafficPolicy: {spec.externalTrafficPolicy}")
    if spec.internalTrafficPolicy != "Cluster":
        lines.append(f"internalTrafficPolicy: {spec.internalTrafficPolicy}")
    if spec.loadBalancerSourceRanges:
        lines.append(f"loadBalancerSourceRanges: {', '.join(spec.loadBalancerSourceRanges)}")
    return lines


def _node_summary(level: LoadedLevel, spec: NodeSpec) -> list[str]:
    node = level.world.cluster.node(spec.name)
    lines: list[str] = []
    if node is not None:
        lines += [f"IP: {node.ip}", f"podCIDR: {node.pod_cidr}"]
    lines.append("public: yes (reachable from the internet)" if spec.public
                 else "public: no (private)")
    lines.append("masquerade: on (pod traffic leaving the cluster is SNATed)" if spec.masquerade
                 else "masquerade: off (pod IPs leave the cluster unchanged)")
    routes = effective_routes(level, spec)
    default = " (the default: no routes of its own)" if spec.routes is None else ""
    lines.append(f"routes{default}:" if routes else "routes: none at all")
    lines += [f"  {to} via {via}" for to, via in routes]
    if node is not None:
        lines.append(f"  {level.world.cluster.node_network} dev eth0 (connected)")
        pods = [p for p in level.world.pods if p.node == node.name]
        lines.append(f"pods: {len(pods) or 'none'}")
        lines += [f"  {p.namespace}/{_pod_line(p)}" for p in pods]
    return lines


def _backend(backend: IngressBackend | None) -> str:
    if backend is None:
        return "none"
    if backend.service is None:
        return "a resource backend"
    port = backend.service.port
    return f"service {backend.service.name}:{port.number if port.number is not None else port.name}"


def _ingress_summary(ing: Ingress) -> list[str]:
    spec = ing.spec
    lines = [f"ingressClassName: {spec.ingressClassName or 'none (the default class)'}"]
    if spec.defaultBackend is not None:
        lines.append(f"default backend: {_backend(spec.defaultBackend)}")
    lines.append("rules:" if spec.rules else "rules: none")
    for rule in spec.rules:
        lines.append(f"  host {rule.host or '* (any)'}")
        for path in rule.http.paths if rule.http else []:
            lines.append(f"    {path.path} ({path.pathType}) → {_backend(path.backend)}")
    return lines


def _peer(peer: NetworkPolicyPeer) -> str:
    if peer.ipBlock is not None:
        exc = f" except {', '.join(peer.ipBlock.except_)}" if peer.ipBlock.except_ else ""
        return f"ipBlock {peer.ipBlock.cidr}{exc}"
    parts = []
    if peer.namespaceSelector is not None:
        parts.append(f"namespaces {peer.namespaceSelector.describe()}")
    if peer.podSelector is not None:
        where = "" if peer.namespaceSelector is not None else " in this namespace"
        parts.append(f"pods {peer.podSelector.describe()}{where}")
    return " AND ".join(parts)


def _ports(ports: Sequence[NetworkPolicyPort] | None) -> str:
    if not ports:
        return "any port"
    out = []
    for p in ports:
        port = "all" if p.port is None else str(p.port)
        out.append(f"{port}{f'-{p.endPort}' if p.endPort else ''}/{p.protocol}")
    return ", ".join(out)


def _policy_summary(pol: NetworkPolicy) -> list[str]:
    spec = pol.spec
    ingress, egress = spec.effective_policy_types()
    types = [t for t, on_ in (("Ingress", ingress), ("Egress", egress)) if on_]
    implied = "" if spec.policyTypes is not None else " (implied: policyTypes not set)"
    lines = [f"applies to pods: {spec.podSelector.describe()}",
             f"isolates: {', '.join(types) or 'nothing'}{implied}"]
    sections: list[tuple[str, bool, list[tuple[list[NetworkPolicyPeer] | None, Any]]]] = [
        ("ingress from", ingress, [(r.from_, r.ports) for r in spec.ingress or []]),
        ("egress to", egress, [(r.to, r.ports) for r in spec.egress or []]),
    ]
    for title, isolated, rules in sections:
        if not isolated:
            continue
        if not rules:
            lines.append(f"{title}: nothing allowed (deny all)")
            continue
        lines.append(f"{title} (any one rule allows):")
        for peers, ports in rules:
            who = " OR ".join(_peer(p) for p in peers) if peers else "anywhere"
            lines.append(f"  {who} on {_ports(ports)}")
    return lines


def _workload_summary(level: LoadedLevel, ref: str,
                      obj: Deployment | ReplicaSet | StatefulSet | DaemonSet) -> list[str]:
    spec = obj.spec
    lines = []
    if not isinstance(obj, DaemonSet):
        lines.append(f"replicas: {spec.replicas}")
    if spec.selector is not None:
        lines.append(f"selector: {spec.selector.describe()}")
    lines.append(f"pod labels: {_labels(spec.template.metadata.labels)}")
    names = level.world.workloads.get(ref, ())
    ns = ref.split("/")[1]
    pods = [p for p in (level.world.pod(ns, n) for n in names) if p is not None]
    lines.append(f"pods: {len(pods) or 'none'}")
    lines += [f"  {_pod_line(p)}" for p in pods]
    if pods:
        lines.append("container ports:")
        lines += _pod_ports(pods[0])
    return lines


def _world_pod_summary(pod: PodInfo) -> list[str]:
    lines = [f"IP: {pod.ip} on {pod.node}" + (" (host network)" if pod.host_network else ""),
             f"ready: {'yes' if pod.ready else 'NO'}",
             f"labels: {_labels(pod.labels)}",
             "container ports:"]
    lines += _pod_ports(pod)
    if pod.owner:
        lines.append(f"created by {pod.owner}")
    return lines


def summarize(level: LoadedLevel, ref: str) -> list[str]:
    """Plain lines describing ``ref`` as the cluster sees it (no colour, no markup)."""
    try:
        canon = canonical_ref(ref)
    except EditError as exc:
        return [exc.reason]
    world = level.world
    try:
        target: Target | None = find_object(level, canon)
    except EditError:
        target = None
    if target is None:
        kind, _, rest = canon.partition("/")
        if kind == "pod" and "/" in rest:
            ns, name = rest.split("/", 1)
            pod = world.pod(ns, name)
            if pod is not None:
                lines = _world_pod_summary(pod)
                if pod.owner:
                    lines.append(f"This pod is made from {pod.owner}'s template: edit that "
                                 "object to change it.")
                return lines
        if kind == "namespace" and rest in world.namespaces:
            return [f"labels: {_labels(world.namespaces[rest])}",
                    "Not declared in the level: it exists because objects use it."]
        return [f"{canon} is not in this level."]
    obj = target.obj
    ns = target.namespace or "default"
    if isinstance(obj, NodeSpec):
        return _node_summary(level, obj)
    if isinstance(obj, Service):
        return _service_summary(level, obj, ns)
    if isinstance(obj, Pod):
        pod = world.pod(ns, obj.metadata.name)
        if pod is None:
            return [f"labels: {_labels(obj.metadata.labels)}"]
        return _world_pod_summary(pod)
    if isinstance(obj, (Deployment, ReplicaSet, StatefulSet, DaemonSet)):
        return _workload_summary(level, target.ref, obj)
    if isinstance(obj, Ingress):
        return _ingress_summary(obj)
    if isinstance(obj, NetworkPolicy):
        return _policy_summary(obj)
    if isinstance(obj, Namespace):
        return [f"labels: {_labels(world.namespaces.get(obj.metadata.name, obj.metadata.labels))}"]
    if isinstance(obj, IngressClass):
        return [f"controller: {obj.spec.controller}"]
    return [f"kind: {obj.kind}"]


def access_line(ref: str | None, editable: tuple[str, ...] | None) -> str:
    """What the puzzle lets the player do with the object, in words (not only colour)."""
    if ref is None:
        return ""
    if editable is None:
        return f"🔒 locked: this level does not let you change {ref}"
    if not editable:
        return "✎ editable: every field"
    return f"✎ editable: {', '.join(editable)} (everything else is locked)"


def dump_yaml(data: Mapping[str, Any]) -> str:
    """The object as the YAML editor shows it: field order as written, no defaults added."""
    return yaml.safe_dump(dict(data), sort_keys=False, allow_unicode=True,
                          default_flow_style=False)


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
    try:
        docs = read_documents(text, None, MarkTable())
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
    return docs[0]


# ------------------------------------------------------------------------ widget


class Inspector(Vertical):
    """Summary, quick actions and YAML editor for one object; posts ``EditRequested``."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply_yaml", "Apply YAML"),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.level: LoadedLevel | None = None
        self.ref: str | None = None
        self.editable: tuple[str, ...] | None = None
        self.actions: list[QuickAction] = []
        self._target: Target | None = None
        self._loaded_yaml: str = ""
        self._loaded_data: dict[str, Any] | None = None
        self._action_ids: list[str] = []  # the ids behind the options now shown

    def compose(self) -> ComposeResult:
        yield Static(NO_SELECTION, id="inspector-title", markup=False)
        yield Static("", id="inspector-access", markup=False)
        yield Static("", id="inspector-error", markup=False)
        with TabbedContent(id="inspector-tabs"):
            with TabPane("Actions", id="inspector-actions-tab"):
                with VerticalScroll(id="inspector-summary-scroll"):
                    yield Static("", id="inspector-summary", markup=False)
                yield Static("Quick actions (enter runs one; ✎ asks for a value)",
                             id="inspector-actions-hint", markup=False)
                yield OptionList(id="inspector-actions", markup=False)
            with TabPane("YAML", id="inspector-yaml-tab"):
                yield TextArea.code_editor("", language="yaml", id="inspector-yaml",
                                           read_only=True)
                yield Static("", id="inspector-yaml-error", markup=False)
                with Horizontal(id="inspector-yaml-buttons"):
                    yield Button("Apply (ctrl+s)", id="inspector-apply", variant="primary",
                                 disabled=True)
                    yield Button("Revert", id="inspector-revert", disabled=True)

    # ------------------------------------------------------------- state in
    def show(self, level: LoadedLevel, ref: str | None, editable: tuple[str, ...] | None,
             can_create: Sequence[str], can_delete: Sequence[str]) -> None:
        """Render ``ref`` of ``level``; clears any refusal shown (call ``show_error`` after).

        YAML the player is still editing survives a refresh as long as the object
        itself did not change underneath it.
        """
        previous = self.ref
        self.level, self.ref, self.editable = level, ref, editable
        self.clear_error()
        try:
            self._target = find_object(level, ref) if ref is not None else None
        except EditError:
            self._target = None
        title = self.query_one("#inspector-title", Static)
        access = self.query_one("#inspector-access", Static)
        summary = self.query_one("#inspector-summary", Static)
        if ref is None:
            title.update(NO_SELECTION)
            access.update("")
            summary.update("")
            self.actions = []
        else:
            kind = self._target.kind if self._target is not None else ref.split("/", 1)[0]
            title.update(f"{kind} {ref.split('/', 1)[-1]}")
            access.update(access_line(ref, editable) if self._target is not None
                          else "🔒 not an object of the level: nothing to edit here")
            summary.update("\n".join(summarize(level, ref)))
            self.actions = quick_actions(level, ref, editable, can_create, can_delete)
        self._show_actions(keep=previous == ref)
        self._show_yaml(same_object=previous == ref)
        self.refresh_bindings()

    def focus_actions(self) -> None:
        """Put the keyboard on the quick actions (the Actions tab) of the object shown."""
        self.query_one("#inspector-tabs", TabbedContent).active = "inspector-actions-tab"
        options = self.query_one("#inspector-actions", OptionList)
        options.focus()
        if options.option_count and options.highlighted is None:
            options.highlighted = 0

    def focus_yaml(self) -> None:
        """Put the keyboard in the YAML editor of the object shown."""
        self.query_one("#inspector-tabs", TabbedContent).active = "inspector-yaml-tab"
        self.query_one("#inspector-yaml", TextArea).focus()

    def show_error(self, text: str) -> None:
        """Show why the session refused the last edit (it changed nothing)."""
        error = self.query_one("#inspector-error", Static)
        error.update(Content(f"✗ Refused: {text}"))
        error.display = True

    def clear_error(self) -> None:
        error = self.query_one("#inspector-error", Static)
        error.update("")
        error.display = False

    def _show_actions(self, *, keep: bool) -> None:
        options = self.query_one("#inspector-actions", OptionList)
        old = options.highlighted
        old_id = (self._action_ids[old] if keep and old is not None
                  and 0 <= old < len(self._action_ids) else None)
        options.clear_options()
        if self.actions:
            options.add_options(Option(Content(self._label(a)), id=f"qa-{i}")
                                for i, a in enumerate(self.actions))
            ids = [a.id for a in self.actions]
            options.highlighted = ids.index(old_id) if old_id in ids else 0
        elif self.ref is not None:
            why = ("no quick actions: this object is locked" if self.editable is None
                   else "no quick actions for this object; use the YAML tab")
            options.add_option(Option(Content(why), disabled=True))
        self._action_ids = [a.id for a in self.actions]

    @staticmethod
    def _label(action: QuickAction) -> str:
        return f"▸ {action.label}" if action.prompt is None else f"✎ {action.label}"

    def _show_yaml(self, *, same_object: bool) -> None:
        area = self.query_one("#inspector-yaml", TextArea)
        target = self._target
        locked = target is None or self.editable is None
        if target is None:
            text = "" if self.ref is None else f"# {self.ref} is not an object of this level.\n"
            self._loaded_data = None
        else:
            self._loaded_data = target.data()
            text = dump_yaml(self._loaded_data)
        dirty = area.text != self._loaded_yaml
        if not (same_object and dirty and text == self._loaded_yaml):
            area.load_text(text)
            self._set_yaml_error(None)
        self._loaded_yaml = text
        area.read_only = locked
        self.query_one("#inspector-apply", Button).disabled = locked
        self.query_one("#inspector-revert", Button).disabled = locked

    def _set_yaml_error(self, text: str | None) -> None:
        error = self.query_one("#inspector-yaml-error", Static)
        error.update(Content(f"✗ {text} (nothing was changed)") if text else "")
        error.display = text is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+s belongs to the YAML tab: hidden elsewhere, greyed out for a locked object."""
        if action != "apply_yaml":
            return True
        try:
            tabs = self.query_one("#inspector-tabs", TabbedContent)
        except NoMatches:  # asked before the tabs are mounted
            return False
        if tabs.active != "inspector-yaml-tab":
            return False
        return None if self._target is None or self.editable is None else True

    @on(TabbedContent.TabActivated, "#inspector-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        event.stop()  # our inner tabs are no business of the screen's own tabs
        self.refresh_bindings()

    # ------------------------------------------------------------ edits out
    @on(OptionList.OptionSelected, "#inspector-actions")
    def _action_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self.actions):
            return
        self.run_quick_action(self.actions[event.option_index])

    def run_quick_action(self, action: QuickAction) -> None:
        """Post the action's edit, asking for its value first when it needs one."""
        if action.prompt is None:
            self.post_message(EditRequested(action.edit()))
            return
        prompt = action.prompt

        def answered(value: str | None) -> None:
            if value is None:
                return
            try:
                edit = action.edit(value)
            except InputError as exc:  # the prompt validated already; belt and braces
                self.show_error(str(exc))
                return
            self.post_message(EditRequested(edit))

        self.app.push_screen(
            PromptScreen(prompt.question, initial=prompt.initial, placeholder=prompt.placeholder,
                         help=prompt.help, validate=action.validate),
            answered)

    def action_apply_yaml(self) -> None:
        """Parse the editor's YAML and request a ReplaceEdit of the whole object."""
        target = self._target
        if target is None or self.editable is None:
            self._set_yaml_error("this object is locked; its YAML cannot be applied")
            return
        area = self.query_one("#inspector-yaml", TextArea)
        try:
            manifest = parse_manifest(area.text)
        except InputError as exc:
            self._set_yaml_error(str(exc))
            return
        if manifest == self._loaded_data:
            self._set_yaml_error("no changes to apply")
            return
        self._set_yaml_error(None)
        self.post_message(EditRequested(ReplaceEdit(ref=target.ref, manifest=manifest)))

    @on(Button.Pressed, "#inspector-apply")
    def _apply_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply_yaml()

    @on(Button.Pressed, "#inspector-revert")
    def _revert_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#inspector-yaml", TextArea).load_text(self._loaded_yaml)
        self._set_yaml_error(None)
