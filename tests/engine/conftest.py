"""Shared builders for the engine's conformance tests.

The tests are written from SEMANTICS.md, DESIGN.md and the Kubernetes docs, not
from the engine's code, so every level goes through the public path a player's
file takes: YAML text → ``load_level_text`` → ``Engine(world).trace``. The
builders below only save typing; what a test proves stays visible in the test.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from k8snet_tui.engine.evaluate import Engine
from k8snet_tui.engine.trace import Reason, Trace, Verdict
from k8snet_tui.model.load import LoadedLevel, load_level_text
from k8snet_tui.model.problems import LevelError

Manifest = dict[str, Any]
Doc = Mapping[str, Any] | str
PortSpec = int | Mapping[str, Any]

HTTP_8080: tuple[PortSpec, ...] = ({"containerPort": 8080, "name": "http"},)
"""What most test pods listen on: TCP 8080, named ``http``."""

GATEWAY = "192.168.0.1"
NODE_A_IP = "192.168.0.11"
NODE_B_IP = "192.168.0.12"
NODE_C_IP = "192.168.0.13"
NODE_A_CIDR = "10.244.0.0/24"
NODE_B_CIDR = "10.244.1.0/24"
NODE_C_CIDR = "10.244.2.0/24"
FIRST_LB_IP = "192.0.2.10"
"""The first LoadBalancer address a provider hands out (model/world.py)."""


def y(text: str) -> Any:
    """Parse an indented inline YAML snippet, so manifests read as kubectl would take them."""
    return yaml.safe_load(textwrap.dedent(text))


def _doc(item: Doc) -> Any:
    return y(item) if isinstance(item, str) else dict(item)


def level_yaml(*resources: Doc | Sequence[Doc], cluster: Doc | None = None,
               flows: Sequence[Mapping[str, str]] = (), level_id: str = "t") -> str:
    """A complete ``format: k8snet/v1`` level as text.

    Resources may be YAML snippets, dicts, or lists of either (the factories
    below return lists for multi-object setups such as an ingress controller).
    """
    items: list[Any] = []
    for res in resources:
        if isinstance(res, (str, Mapping)):
            parsed = _doc(res)
            items.extend(parsed if isinstance(parsed, list) else [parsed])
        else:
            items.extend(_doc(r) for r in res)
    doc: dict[str, Any] = {"format": "k8snet/v1", "id": level_id}
    if cluster is not None:
        doc["cluster"] = _doc(cluster)
    doc["resources"] = items
    doc["flows"] = [dict(f) for f in flows]
    return yaml.safe_dump(doc, sort_keys=False)


def load(text: str) -> LoadedLevel:
    return load_level_text(text, filename="test-level.yaml")


def assert_invalid(level_text: str, field_suffix: str) -> None:
    """The level is refused, and for the stated field (not some incidental typo)."""
    try:
        load(level_text)
    except LevelError as exc:
        fields = [p.field for p in exc.problems]
        assert any(f.endswith(field_suffix) for f in fields), fields
    else:
        raise AssertionError(f"level loaded, but {field_suffix} should have been refused")


def run(level_text: str, src: str, dst: str) -> Trace:
    """Trace one ad-hoc flow through a level given as YAML text."""
    return Engine(load(level_text).world).trace(src, dst)


def trace(*resources: Doc | Sequence[Doc], src: str, dst: str,
          cluster: Doc | None = None) -> Trace:
    """Build a level from resources and trace one flow through it."""
    return run(level_yaml(*resources, cluster=cluster), src, dst)


def assert_allowed(t: Trace) -> None:
    assert t.verdict is Verdict.ALLOW, f"{t.verdict}: {t.reason} — {t.detail}"
    assert t.reason is None


def assert_denied(t: Trace, reason: Reason | None = None) -> None:
    """Deny, and — where the specs pin it — the stable reason code."""
    assert t.verdict is Verdict.DENY, f"{t.verdict}: {t.reason} — {t.detail}"
    assert t.reason is not None, "a denied flow always carries a reason code"
    if reason is not None:
        assert t.reason is reason, f"{t.reason} — {t.detail}"


# --------------------------------------------------------------------- clusters

def nodes(*names: str, public: Sequence[str] = (), **cluster: Any) -> Manifest:
    """A cluster section with the named nodes (IPs .11, .12 …; podCIDRs 10.244.0/24 …)."""
    out: Manifest = dict(cluster)
    out["nodes"] = [{"name": n, **({"public": True} if n in public else {})} for n in names]
    return out


def routed(*node_routes: tuple[str, Sequence[Mapping[str, str]] | None],
           **cluster: Any) -> Manifest:
    """A ``podNetwork: routes`` cluster; ``None`` routes keep the default (gateway) route."""
    out: Manifest = {"podNetwork": "routes", **cluster}
    out["nodes"] = [
        {"name": name, **({"routes": [dict(r) for r in routes]} if routes is not None else {})}
        for name, routes in node_routes
    ]
    return out


def route(to: str, via: str) -> dict[str, str]:
    return {"to": to, "via": via}


# -------------------------------------------------------------------- manifests

def namespace(name: str, **labels: str) -> Manifest:
    meta: Manifest = {"name": name}
    if labels:
        meta["labels"] = dict(labels)
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": meta}


def _ports(ports: Sequence[PortSpec]) -> list[Manifest]:
    return [{"containerPort": p} if isinstance(p, int) else dict(p) for p in ports]


def pod(name: str, *, ns: str = "default", labels: Mapping[str, str] | None = None,
        node: str | None = None, ports: Sequence[PortSpec] = HTTP_8080,
        ready: bool = True, ip: str | None = None, host_network: bool = False,
        containers: Sequence[Mapping[str, Any]] | None = None,
        annotations: Mapping[str, str] | None = None) -> Manifest:
    """A Pod; labels default to ``app: <name>``; ``ports=()`` declares none (accepts any)."""
    meta: Manifest = {"name": name, "namespace": ns,
                      "labels": dict(labels) if labels is not None else {"app": name}}
    if annotations:
        meta["annotations"] = dict(annotations)
    spec: Manifest = {}
    if node is not None:
        spec["nodeName"] = node
    if host_network:
        spec["hostNetwork"] = True
    if containers is None:
        container: Manifest = {"name": "main", "image": "example/app"}
        if ports:
            container["ports"] = _ports(ports)
        spec["containers"] = [container]
    else:
        spec["containers"] = [dict(c) for c in containers]
    out: Manifest = {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
    status: Manifest = {}
    if not ready:
        status["conditions"] = [{"type": "Ready", "status": "False"}]
    if ip is not None:
        status["podIP"] = ip
    if status:
        out["status"] = status
    return out


def service(name: str, *, ns: str = "default", selector: Mapping[str, str] | None = None,
            no_selector: bool = False, ports: Sequence[Mapping[str, Any]] | None = None,
            type: str | None = None, **spec: Any) -> Manifest:
    """A Service; selector defaults to ``app: <name>``, ports to 80 → 8080."""
    body: Manifest = {}
    if type is not None:
        body["type"] = type
    if not no_selector:
        body["selector"] = dict(selector) if selector is not None else {"app": name}
    body["ports"] = ([dict(p) for p in ports] if ports is not None
                     else [{"port": 80, "targetPort": 8080}])
    body.update(spec)
    return {"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": name, "namespace": ns}, "spec": body}


def policy(name: str, spec: Doc, *, ns: str = "default") -> Manifest:
    """A NetworkPolicy; ``spec`` is usually an inline YAML snippet, the thing under test."""
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": _doc(spec)}


def deployment(name: str, *, ns: str = "default", replicas: int = 1,
               labels: Mapping[str, str] | None = None, ports: Sequence[PortSpec] = HTTP_8080,
               args: Sequence[str] = (), annotations: Mapping[str, str] | None = None,
               kind: str = "Deployment") -> Manifest:
    """A workload (Deployment by default) whose pods are ``<name>-0 …``."""
    pod_labels = dict(labels) if labels is not None else {"app": name}
    container: Manifest = {"name": "main", "image": "example/app"}
    if ports:
        container["ports"] = _ports(ports)
    if args:
        container["args"] = list(args)
    tmeta: Manifest = {"labels": pod_labels}
    if annotations:
        tmeta["annotations"] = dict(annotations)
    spec: Manifest = {"selector": {"matchLabels": pod_labels},
                      "template": {"metadata": tmeta, "spec": {"containers": [container]}}}
    if kind != "DaemonSet":
        spec["replicas"] = replicas
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


# ---------------------------------------------------------------------- ingress

NGINX_CONTROLLER = "k8s.io/ingress-nginx"


def ingress_controller(*, class_name: str = "nginx", controller: str = NGINX_CONTROLLER,
                       detect_by: str = "args", expose: str = "LoadBalancer",
                       default_class: bool = False, with_class: bool = True,
                       https_port: bool = True) -> list[Manifest]:
    """IngressClass + controller Deployment + its Service, the way ingress-nginx ships.

    ``detect_by`` is "args" (``--controller-class=…``), "annotation"
    (``k8snet.dev/ingress-controller``) or "none" (pods the engine must not
    take for a controller).
    """
    args = [f"--controller-class={controller}"] if detect_by == "args" else []
    annotations = ({"k8snet.dev/ingress-controller": controller}
                   if detect_by == "annotation" else None)
    ports: list[PortSpec] = [{"containerPort": 80, "name": "http"}]
    svc_ports: list[Manifest] = [{"name": "http", "port": 80, "targetPort": "http"}]
    if https_port:
        ports.append({"containerPort": 443, "name": "https"})
        svc_ports.append({"name": "https", "port": 443, "targetPort": "https"})
    out: list[Manifest] = []
    if with_class:
        cls_meta: Manifest = {"name": class_name}
        if default_class:
            cls_meta["annotations"] = {"ingressclass.kubernetes.io/is-default-class": "true"}
        out.append({"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
                    "metadata": cls_meta, "spec": {"controller": controller}})
    labels = {"app.kubernetes.io/name": "ingress-nginx"}
    out.append(deployment("ingress-nginx-controller", ns="ingress-nginx", labels=labels,
                          ports=ports, args=args, annotations=annotations))
    out.append(service("ingress-nginx-controller", ns="ingress-nginx", selector=labels,
                       ports=svc_ports, type=expose))
    return out


def backend(service_name: str, port: int | str = 80) -> Manifest:
    key = "number" if isinstance(port, int) else "name"
    return {"service": {"name": service_name, "port": {key: port}}}


def http_path(path: str, service_name: str, path_type: str = "Prefix",
              port: int | str = 80) -> Manifest:
    return {"path": path, "pathType": path_type, "backend": backend(service_name, port)}


def ingress(name: str, rules: Sequence[Mapping[str, Any]], *, ns: str = "shop",
            class_name: str | None = "nginx", default_backend: Mapping[str, Any] | None = None
            ) -> Manifest:
    spec: Manifest = {}
    if class_name is not None:
        spec["ingressClassName"] = class_name
    if default_backend is not None:
        spec["defaultBackend"] = dict(default_backend)
    spec["rules"] = [dict(r) for r in rules]
    return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


def rule(paths: Sequence[Mapping[str, Any]], host: str | None = None) -> Manifest:
    out: Manifest = {"http": {"paths": [dict(p) for p in paths]}}
    if host is not None:
        out["host"] = host
    return out


# -------------------------------------------------------------------------- dns

def kube_dns(*, node: str | None = None, selector_matches: bool = True) -> list[Manifest]:
    """A CoreDNS pod and the ``kube-system/kube-dns`` Service that makes DNS "defined"."""
    labels = {"k8s-app": "kube-dns"}
    dns_pod = pod("coredns", ns="kube-system", labels=labels, node=node,
                  ports=[{"containerPort": 53, "protocol": "UDP", "name": "dns"},
                         {"containerPort": 53, "protocol": "TCP", "name": "dns-tcp"}])
    svc = service("kube-dns", ns="kube-system",
                  selector=labels if selector_matches else {"k8s-app": "nothing"},
                  ports=[{"name": "dns", "port": 53, "protocol": "UDP", "targetPort": 53},
                         {"name": "dns-tcp", "port": 53, "protocol": "TCP", "targetPort": 53}])
    return [dns_pod, svc]
