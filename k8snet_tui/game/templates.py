"""Starting manifests for objects a player creates: commented, valid, ready to adapt.

"New object" opens the YAML editor on one of these rather than on a blank
page: a learner sees which fields a Service or a NetworkPolicy needs, with a
comment on what each one does, and a first apply already succeeds. Each
template is filled from the level (a name not yet taken, the namespace chosen,
an existing Service for an Ingress backend) so it is valid in that level.

The text is YAML with comments, not a dict: the comments are the point.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import NAMESPACED_KINDS, Service, resource_namespace, resource_ref


@dataclass(frozen=True)
class Template:
    """One kind of new object: ``kind`` is the Kubernetes kind, ``variant`` its flavour.

    ``label`` is short enough for a list at 80 columns ("Service (ClusterIP) in
    shop"); what the kind is for is the first comment of ``text``.
    """

    kind: str
    variant: str
    label: str
    text: str

    @property
    def id(self) -> str:
        return f"{self.kind.lower()}-{self.variant}" if self.variant else self.kind.lower()


def _slug_base(kind: str, variant: str) -> str:
    return {"Service": {"": "new-service", "external-name": "new-alias",
                        "headless": "new-headless"}}.get(kind, {}).get(
        variant, f"new-{kind.lower()}")


def unique_name(level: LoadedLevel, kind: str, namespace: str | None, base: str) -> str:
    """``base``, ``base-2`` … : the first name no object of ``kind`` has in ``namespace``."""
    taken = {resource_ref(r) for r in level.spec.resources if r.metadata is not None}
    base = base[:55].strip("-") or kind.lower()
    prefix = f"{kind.lower()}/{namespace}/" if kind in NAMESPACED_KINDS else f"{kind.lower()}/"
    name, n = base, 1
    while prefix + name in taken:
        n += 1
        name = f"{base}-{n}"
    return name


def _a_service(level: LoadedLevel, namespace: str) -> tuple[str, int]:
    """An existing Service of ``namespace`` and its first port, for an Ingress backend."""
    for res in level.spec.resources:
        if isinstance(res, Service) and resource_namespace(res) == namespace and \
                res.spec.ports and res.spec.type != "ExternalName":
            return res.metadata.name, int(res.spec.ports[0].port)
    return "web", 80


_TEXTS: dict[tuple[str, str], tuple[str, str]] = {
    ("Service", ""): ("Service (ClusterIP): a stable address for a set of pods", """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  # ClusterIP (the default) is reachable inside the cluster only;
  # NodePort and LoadBalancer also expose it outside.
  type: ClusterIP
  # Traffic goes to the ready pods of this namespace carrying ALL these labels.
  selector:
    app: my-app
  ports:
    - name: http        # needed once there is more than one port
      port: 80          # what clients connect to (the Service's port)
      targetPort: 8080  # the pods' containerPort: a number or a port name
      protocol: TCP
"""),
    ("Service", "external-name"): ("Service (ExternalName): a DNS alias for another name", """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  # No address, no proxying: cluster DNS answers this Service's name with a
  # CNAME to externalName. Another Service is NAME.NAMESPACE.svc.{domain}
  type: ExternalName
  externalName: db.example.com
"""),
    ("Service", "headless"): ("Service (headless): DNS returns the pods' own IPs", """\
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
spec:
  # clusterIP: None means no virtual IP and no kube-proxy: the name resolves
  # to the IP of every ready pod the selector picks.
  clusterIP: None
  selector:
    app: my-app
  ports:
    - name: http
      port: 8080
"""),
    ("Endpoints", ""): ("Endpoints: hand-written addresses for a Service without selector", """\
apiVersion: v1
kind: Endpoints
metadata:
  # Must be named exactly like the Service it feeds (one without a selector).
  name: {name}
  namespace: {ns}
subsets:
  - addresses:
      - ip: 192.168.0.200   # where the traffic should go
    ports:
      - name: http          # must match the Service port's name
        port: 8080
        protocol: TCP
"""),
    ("EndpointSlice", ""): ("EndpointSlice: addresses for a Service, the modern way", """\
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: {name}
  namespace: {ns}
  labels:
    # The label that ties this slice to its Service (one without a selector).
    kubernetes.io/service-name: my-service
addressType: IPv4
endpoints:
  - addresses: [192.168.0.200]
    conditions:
      ready: true
ports:
  - name: http      # must match the Service port's name
    port: 8080
    protocol: TCP
"""),
    ("NetworkPolicy", ""): ("NetworkPolicy: who may talk to (or from) a set of pods", """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {name}
  namespace: {ns}
spec:
  # The pods this policy isolates; {{}} means every pod in {ns}.
  podSelector:
    matchLabels:
      app: my-app
  # Ingress isolates incoming traffic; add Egress to isolate outgoing traffic too.
  policyTypes: [Ingress]
  ingress:
    # Each item of `from` is an alternative (OR); podSelector and
    # namespaceSelector inside ONE item must both match (AND).
    - from:
        - podSelector:
            matchLabels:
              app: client
      ports:
        - protocol: TCP
          port: 8080
"""),
    ("Ingress", ""): ("Ingress: HTTP routing from the edge to Services", """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: {ns}
spec:
  # The IngressClass whose controller serves this Ingress (omit for the default).
  ingressClassName: nginx
  rules:
    - host: shop.example.com    # or *.example.com (exactly one more label)
      http:
        paths:
          - path: /
            pathType: Prefix    # Prefix matches whole /segments; Exact matches one path
            backend:
              service:
                name: {service}
                port:
                  number: {port}   # the Service's port (or `name:` of it)
"""),
    ("IngressClass", ""): ("IngressClass: names the controller that serves Ingresses", """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: {name}
  # annotations:
  #   ingressclass.kubernetes.io/is-default-class: "true"
spec:
  # The controller's pods carry --controller-class=<this> in their args.
  controller: k8s.io/ingress-nginx
"""),
    ("Namespace", ""): ("Namespace: a scope for names, policies and labels", """\
apiVersion: v1
kind: Namespace
metadata:
  name: {name}
  # Every namespace also gets kubernetes.io/metadata.name: <its name>.
  labels:
    team: my-team
"""),
    ("Pod", ""): ("Pod: one or more containers sharing an IP", """\
apiVersion: v1
kind: Pod
metadata:
  name: {name}
  namespace: {ns}
  labels:
    app: my-app       # Services and NetworkPolicies pick pods by their labels
spec:
  containers:
    - name: app
      image: nginx
      ports:            # the pod listens on the ports its containers declare
        - name: http    # a Service's targetPort may name it
          containerPort: 8080
"""),
}

_WORKLOAD = """\
apiVersion: apps/v1
kind: {kind}
metadata:
  name: {name}
  namespace: {ns}
spec:
{replicas}  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}     # must match the selector above
    spec:
      containers:
        - name: app
          image: nginx
          ports:
            - name: http
              containerPort: 8080
"""

for _kind, _what in (("Deployment", "replicated pods, replaced on update"),
                     ("StatefulSet", "pods with stable names"),
                     ("ReplicaSet", "a fixed number of pods"),
                     ("DaemonSet", "one pod on every node")):
    _TEXTS[(_kind, "")] = (f"{_kind}: {_what}", _WORKLOAD.replace("{kind}", _kind).replace(
        "{replicas}", "" if _kind == "DaemonSet" else "  replicas: 1\n"))


_TEXTS[("GatewayClass", "")] = ("GatewayClass: which controller implements Gateways", """\
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata:
  name: {name}
spec:
  # Accepted only where a controller of this name runs
  # (cluster.gatewayControllers of the level); then its Gateways get a proxy.
  controllerName: {controller}
""")
_TEXTS[("Gateway", "")] = ("Gateway: listeners where Routes attach", """\
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: {name}
  namespace: {ns}
spec:
  # The GatewayClass whose controller deploys this Gateway's proxy.
  gatewayClassName: {gatewayclass}
  listeners:
    - name: http          # Routes pick a listener by this name (sectionName)
      port: 80
      protocol: HTTP      # HTTPS needs tls.certificateRefs to a kubernetes.io/tls Secret
      # hostname: "*.example.com"   # only requests for these hosts
      allowedRoutes:
        namespaces:
          from: Same      # Same (the default), All, or Selector with a selector
""")
_TEXTS[("HTTPRoute", "")] = ("HTTPRoute: HTTP requests from a Gateway to Services", """\
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: {name}
  namespace: {ns}
spec:
  # The Gateway (and optionally its listener) this Route attaches to.
  parentRefs:
    - name: {gateway}
      namespace: {gateway_ns}
      # sectionName: http   # one listener only
  hostnames: [shop.example.com]   # must intersect the listener's hostname
  rules:
    - matches:
        - path:
            type: PathPrefix   # Exact, PathPrefix (whole segments) or RegularExpression
            value: /
      backendRefs:
        # A Service of this namespace and its port (not the targetPort); another
        # namespace's Service needs a ReferenceGrant there.
        - name: {service}
          port: {port}
          weight: 1            # the share of requests, relative to the other backends
""")
_TEXTS[("GRPCRoute", "")] = ("GRPCRoute: gRPC calls from a Gateway to Services", """\
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata:
  name: {name}
  namespace: {ns}
spec:
  parentRefs:
    - name: {gateway}
      namespace: {gateway_ns}
  rules:
    - matches:
        - method:
            service: shop.v1.Cart   # the gRPC service (package.Service)
            method: AddItem         # leave out to match every method
      backendRefs:
        - name: {service}
          port: {port}
""")
_TEXTS[("ReferenceGrant", "")] = ("ReferenceGrant: lets another namespace refer here", """\
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata:
  name: {name}
  # A grant lives in the namespace of what is referred TO.
  namespace: {ns}
spec:
  # Who may refer: these kinds in these namespaces.
  from:
    - group: gateway.networking.k8s.io
      kind: HTTPRoute
      namespace: {other_ns}
  # To what: Services (group "") of this namespace; leave out name for all of them.
  to:
    - group: ""
      kind: Service
      name: {service}
""")
_TEXTS[("Secret", "")] = ("Secret: a TLS certificate for a Gateway listener", """\
apiVersion: v1
kind: Secret
metadata:
  name: {name}
  namespace: {ns}
# A listener's tls.certificateRefs must name a Secret of this type. The game
# models only that it exists, where, and its type: data is not read.
type: kubernetes.io/tls
""")


def _gateway_fill(level: LoadedLevel, ns: str) -> dict[str, str]:
    """What the Gateway API templates refer to: a class, a Gateway, a controller and
    another namespace of this level (or names that show what goes there)."""
    world = level.world
    classes = [gc.metadata.name for gc in world.gateway_classes]
    gateways = [(p.namespace, p.name) for p in world.gateways]
    gateway_ns, gateway = gateways[0] if gateways else (ns, "my-gateway")
    others = sorted(n for n in world.namespaces if n != ns)
    controllers = world.cluster.gateway_controllers
    return {"{gatewayclass}": classes[0] if classes else "my-class",
            "{gateway}": gateway, "{gateway_ns}": gateway_ns,
            "{controller}": controllers[0] if controllers else "example.com/gateway",
            "{other_ns}": others[0] if others else "other"}


def templates(level: LoadedLevel, namespace: str | None,
              kinds: Collection[str] | None = None) -> list[Template]:
    """Starting manifests for ``kinds`` (every kind when None), filled for ``namespace``."""
    ns = namespace or "default"
    wanted = None if kinds is None else {k.lower() for k in kinds}
    out = []
    for (kind, variant), (label, text) in _TEXTS.items():
        if wanted is not None and "*" not in wanted and kind.lower() not in wanted:
            continue
        where = ns if kind in NAMESPACED_KINDS else None
        name = unique_name(level, kind, where, _slug_base(kind, variant))
        service, port = _a_service(level, ns)
        for key, value in _gateway_fill(level, ns).items():
            text = text.replace(key, value)
        filled = (text.replace("{name}", name).replace("{ns}", ns)
                  .replace("{domain}", level.world.cluster.domain)
                  .replace("{service}", service).replace("{port}", str(port))
                  .replace("{{}}", "{}"))
        if where is None:
            filled = "".join(line for line in filled.splitlines(keepends=True)
                             if not line.startswith("  namespace: "))
        name, _, blurb = label.partition(": ")
        shown = name if where is None else f"{name} in {ns}"
        out.append(Template(kind, variant, shown, f"# {name}: {blurb}\n{filled}"))
    return out
