"""The subset of the Kubernetes API that matters for networking.

Field names are exactly Kubernetes' own (camelCase), so manifests copied from a
real cluster load unchanged. Fields the engine does not need are kept but not
modelled; ``strict.unknown_fields`` reports those the real API does not have
either (kubectl's strict field validation). Our own sections (cluster, flows,
puzzle) refuse unknown keys outright, see ``level.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Discriminator,
    Field,
    StrictBool,
    StrictInt,
    Tag,
    model_validator,
)

# The base models live in apibase (so gateway can build on them); re-exported here.
from k8snet_tui.model.apibase import K8sModel as K8sModel
from k8snet_tui.model.apibase import LabelSelector as LabelSelector
from k8snet_tui.model.apibase import LabelSelectorRequirement as LabelSelectorRequirement
from k8snet_tui.model.apibase import ObjectMeta as ObjectMeta
from k8snet_tui.model.apibase import Port as Port
from k8snet_tui.model.apibase import PortName as PortName
from k8snet_tui.model.apibase import PortOrName as PortOrName
from k8snet_tui.model.apibase import Protocol as Protocol
from k8snet_tui.model.apibase import TemplateMeta as TemplateMeta
from k8snet_tui.model.gateway import (
    Gateway,
    GatewayClass,
    GRPCRoute,
    HTTPRoute,
    ReferenceGrant,
    Secret,
)

# --------------------------------------------------------------------------- pods


class ContainerPort(K8sModel):
    containerPort: Port
    name: PortName | None = None
    protocol: Protocol = "TCP"
    hostPort: Port | None = None


class Container(K8sModel):
    name: str
    image: str | None = None
    ports: list[ContainerPort] = Field(default_factory=list)
    args: list[str] = Field(default_factory=list)
    command: list[str] = Field(default_factory=list)


class PodSpec(K8sModel):
    containers: list[Container] = Field(default_factory=list)
    initContainers: list[Container] = Field(default_factory=list)
    nodeName: str | None = None
    hostNetwork: StrictBool = False
    hostname: str | None = None
    subdomain: str | None = None


class PodCondition(K8sModel):
    type: str
    status: Literal["True", "False", "Unknown"] | bool = "True"


class PodStatus(K8sModel):
    podIP: str | None = None
    phase: str | None = None
    conditions: list[PodCondition] = Field(default_factory=list)


class Pod(K8sModel):
    apiVersion: str = "v1"
    kind: Literal["Pod"] = "Pod"
    metadata: ObjectMeta
    spec: PodSpec = Field(default_factory=PodSpec)
    status: PodStatus = Field(default_factory=PodStatus)


class PodTemplateSpec(K8sModel):
    metadata: TemplateMeta = Field(default_factory=TemplateMeta)
    spec: PodSpec = Field(default_factory=PodSpec)


class WorkloadSpec(K8sModel):
    replicas: StrictInt = Field(default=1, ge=0, le=1000)
    selector: LabelSelector | None = None
    template: PodTemplateSpec = Field(default_factory=PodTemplateSpec)
    serviceName: str | None = None


class Deployment(K8sModel):
    apiVersion: str = "apps/v1"
    kind: Literal["Deployment"] = "Deployment"
    metadata: ObjectMeta
    spec: WorkloadSpec = Field(default_factory=WorkloadSpec)


class ReplicaSet(K8sModel):
    apiVersion: str = "apps/v1"
    kind: Literal["ReplicaSet"] = "ReplicaSet"
    metadata: ObjectMeta
    spec: WorkloadSpec = Field(default_factory=WorkloadSpec)


class StatefulSet(K8sModel):
    apiVersion: str = "apps/v1"
    kind: Literal["StatefulSet"] = "StatefulSet"
    metadata: ObjectMeta
    spec: WorkloadSpec = Field(default_factory=WorkloadSpec)


class DaemonSet(K8sModel):
    apiVersion: str = "apps/v1"
    kind: Literal["DaemonSet"] = "DaemonSet"
    metadata: ObjectMeta
    spec: WorkloadSpec = Field(default_factory=WorkloadSpec)


# ----------------------------------------------------------------------- services


class ServicePort(K8sModel):
    name: str | None = None
    protocol: Protocol = "TCP"
    port: Port
    targetPort: PortOrName | None = None
    nodePort: StrictInt | None = None
    appProtocol: str | None = None


class ServiceSpec(K8sModel):
    type: Literal["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"] = "ClusterIP"
    selector: dict[str, str] | None = None
    ports: list[ServicePort] = Field(default_factory=list)
    clusterIP: str | None = None
    externalName: str | None = None
    externalTrafficPolicy: Literal["Cluster", "Local"] = "Cluster"
    internalTrafficPolicy: Literal["Cluster", "Local"] = "Cluster"
    loadBalancerSourceRanges: list[str] = Field(default_factory=list)
    publishNotReadyAddresses: StrictBool = False
    allocateLoadBalancerNodePorts: StrictBool = True
    loadBalancerIP: str | None = None


class LoadBalancerIngress(K8sModel):
    ip: str | None = None
    hostname: str | None = None


class LoadBalancerStatus(K8sModel):
    ingress: list[LoadBalancerIngress] = Field(default_factory=list)


class ServiceStatus(K8sModel):
    loadBalancer: LoadBalancerStatus = Field(default_factory=LoadBalancerStatus)


class Service(K8sModel):
    apiVersion: str = "v1"
    kind: Literal["Service"] = "Service"
    metadata: ObjectMeta
    spec: ServiceSpec = Field(default_factory=ServiceSpec)
    status: ServiceStatus = Field(default_factory=ServiceStatus)


class ObjectReference(K8sModel):
    kind: str | None = None
    name: str | None = None
    namespace: str | None = None


class EndpointAddress(K8sModel):
    ip: str
    nodeName: str | None = None
    targetRef: ObjectReference | None = None


class EndpointPort(K8sModel):
    name: str | None = None
    port: Port
    protocol: Protocol = "TCP"


class EndpointSubset(K8sModel):
    addresses: list[EndpointAddress] = Field(default_factory=list)
    notReadyAddresses: list[EndpointAddress] = Field(default_factory=list)
    ports: list[EndpointPort] = Field(default_factory=list)


class Endpoints(K8sModel):
    apiVersion: str = "v1"
    kind: Literal["Endpoints"] = "Endpoints"
    metadata: ObjectMeta
    subsets: list[EndpointSubset] = Field(default_factory=list)


class EndpointConditions(K8sModel):
    ready: StrictBool | None = None
    serving: StrictBool | None = None
    terminating: StrictBool | None = None


class SliceEndpoint(K8sModel):
    addresses: list[str] = Field(min_length=1)
    conditions: EndpointConditions = Field(default_factory=EndpointConditions)
    nodeName: str | None = None
    targetRef: ObjectReference | None = None


class EndpointSlice(K8sModel):
    apiVersion: str = "discovery.k8s.io/v1"
    kind: Literal["EndpointSlice"] = "EndpointSlice"
    metadata: ObjectMeta
    addressType: str = "IPv4"
    endpoints: list[SliceEndpoint] = Field(default_factory=list)
    ports: list[EndpointPort] = Field(default_factory=list)


# ------------------------------------------------------------------------ ingress


class ServiceBackendPort(K8sModel):
    number: Port | None = None
    name: PortName | None = None

    @model_validator(mode="after")
    def _one_of(self) -> ServiceBackendPort:
        if (self.number is None) == (self.name is None):
            raise ValueError("set exactly one of port.number and port.name")
        return self


class IngressServiceBackend(K8sModel):
    name: str
    port: ServiceBackendPort


class IngressBackend(K8sModel):
    service: IngressServiceBackend | None = None
    resource: dict[str, Any] | None = None


class HTTPIngressPath(K8sModel):
    path: str = "/"
    pathType: Literal["Exact", "Prefix", "ImplementationSpecific"]
    backend: IngressBackend


class HTTPIngressRuleValue(K8sModel):
    paths: list[HTTPIngressPath] = Field(min_length=1)


class IngressRule(K8sModel):
    host: str | None = None
    http: HTTPIngressRuleValue | None = None


class IngressSpec(K8sModel):
    ingressClassName: str | None = None
    defaultBackend: IngressBackend | None = None
    rules: list[IngressRule] = Field(default_factory=list)


class Ingress(K8sModel):
    apiVersion: str = "networking.k8s.io/v1"
    kind: Literal["Ingress"] = "Ingress"
    metadata: ObjectMeta
    spec: IngressSpec = Field(default_factory=IngressSpec)


class IngressClassSpec(K8sModel):
    controller: str


class IngressClass(K8sModel):
    apiVersion: str = "networking.k8s.io/v1"
    kind: Literal["IngressClass"] = "IngressClass"
    metadata: ObjectMeta
    spec: IngressClassSpec


# ------------------------------------------------------------------ network policy


class IPBlock(K8sModel):
    cidr: str
    except_: list[str] = Field(default_factory=list, alias="except")


class NetworkPolicyPeer(K8sModel):
    podSelector: LabelSelector | None = None
    namespaceSelector: LabelSelector | None = None
    ipBlock: IPBlock | None = None

    @model_validator(mode="after")
    def _kinds(self) -> NetworkPolicyPeer:
        if self.ipBlock is not None and (
            self.podSelector is not None or self.namespaceSelector is not None
        ):
            raise ValueError("ipBlock cannot be combined with podSelector or namespaceSelector")
        if self.ipBlock is None and self.podSelector is None and self.namespaceSelector is None:
            raise ValueError("a peer needs podSelector, namespaceSelector or ipBlock")
        return self


class NetworkPolicyPort(K8sModel):
    protocol: Protocol = "TCP"
    port: PortOrName | None = None
    endPort: Port | None = None


class NetworkPolicyIngressRule(K8sModel):
    from_: list[NetworkPolicyPeer] | None = Field(default=None, alias="from")
    ports: list[NetworkPolicyPort] | None = None


class NetworkPolicyEgressRule(K8sModel):
    to: list[NetworkPolicyPeer] | None = None
    ports: list[NetworkPolicyPort] | None = None


class NetworkPolicySpec(K8sModel):
    podSelector: LabelSelector = Field(default_factory=LabelSelector)
    policyTypes: list[Literal["Ingress", "Egress"]] | None = None
    ingress: list[NetworkPolicyIngressRule] | None = None
    egress: list[NetworkPolicyEgressRule] | None = None

    def effective_policy_types(self) -> tuple[bool, bool]:
        """(isolates ingress, isolates egress) with Kubernetes' defaulting.

        Without ``policyTypes`` Ingress is always implied and Egress only when
        the policy has egress rules — so an egress-only policy written without
        ``policyTypes`` also denies all ingress to its pods.
        """
        if self.policyTypes is not None:
            return "Ingress" in self.policyTypes, "Egress" in self.policyTypes
        return True, bool(self.egress)


class NetworkPolicy(K8sModel):
    apiVersion: str = "networking.k8s.io/v1"
    kind: Literal["NetworkPolicy"] = "NetworkPolicy"
    metadata: ObjectMeta
    spec: NetworkPolicySpec = Field(default_factory=NetworkPolicySpec)


class Namespace(K8sModel):
    apiVersion: str = "v1"
    kind: Literal["Namespace"] = "Namespace"
    metadata: ObjectMeta


def _not_a_modelled_kind(schema: dict[str, Any]) -> None:
    """Keep the schema's ``oneOf`` over resources exclusive: without this a valid Pod
    would also match OtherResource, and JSON Schema validators would reject it."""
    schema["properties"]["kind"]["not"] = {"enum": sorted(KNOWN_KINDS)}


class OtherResource(K8sModel):
    """A kind the engine does not model (ConfigMap, ServiceAccount, …): kept, linted, ignored."""

    model_config = ConfigDict(extra="allow", populate_by_name=True,
                              json_schema_extra=_not_a_modelled_kind)

    apiVersion: str | None = None
    kind: str
    metadata: ObjectMeta | None = None


KNOWN_KINDS: dict[str, type[K8sModel]] = {
    "Pod": Pod,
    "Namespace": Namespace,
    "Deployment": Deployment,
    "ReplicaSet": ReplicaSet,
    "StatefulSet": StatefulSet,
    "DaemonSet": DaemonSet,
    "Service": Service,
    "Endpoints": Endpoints,
    "EndpointSlice": EndpointSlice,
    "Ingress": Ingress,
    "IngressClass": IngressClass,
    "NetworkPolicy": NetworkPolicy,
    "GatewayClass": GatewayClass,
    "Gateway": Gateway,
    "HTTPRoute": HTTPRoute,
    "GRPCRoute": GRPCRoute,
    "ReferenceGrant": ReferenceGrant,
    "Secret": Secret,
}

NAMESPACED_KINDS = frozenset(KNOWN_KINDS) - {"Namespace", "IngressClass", "GatewayClass"}
WORKLOAD_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "DaemonSet")


def _kind_tag(value: Any) -> str:
    kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
    return kind if isinstance(kind, str) and kind in KNOWN_KINDS else "Other"


Resource = Annotated[
    Annotated[Pod, Tag("Pod")]
    | Annotated[Namespace, Tag("Namespace")]
    | Annotated[Deployment, Tag("Deployment")]
    | Annotated[ReplicaSet, Tag("ReplicaSet")]
    | Annotated[StatefulSet, Tag("StatefulSet")]
    | Annotated[DaemonSet, Tag("DaemonSet")]
    | Annotated[Service, Tag("Service")]
    | Annotated[Endpoints, Tag("Endpoints")]
    | Annotated[EndpointSlice, Tag("EndpointSlice")]
    | Annotated[Ingress, Tag("Ingress")]
    | Annotated[IngressClass, Tag("IngressClass")]
    | Annotated[NetworkPolicy, Tag("NetworkPolicy")]
    | Annotated[GatewayClass, Tag("GatewayClass")]
    | Annotated[Gateway, Tag("Gateway")]
    | Annotated[HTTPRoute, Tag("HTTPRoute")]
    | Annotated[GRPCRoute, Tag("GRPCRoute")]
    | Annotated[ReferenceGrant, Tag("ReferenceGrant")]
    | Annotated[Secret, Tag("Secret")]
    | Annotated[OtherResource, Tag("Other")],
    Discriminator(_kind_tag),
]
"""Any manifest a level may hold, told apart by ``kind``."""

AnyResource = (
    Pod
    | Namespace
    | Deployment
    | ReplicaSet
    | StatefulSet
    | DaemonSet
    | Service
    | Endpoints
    | EndpointSlice
    | Ingress
    | IngressClass
    | NetworkPolicy
    | GatewayClass
    | Gateway
    | HTTPRoute
    | GRPCRoute
    | ReferenceGrant
    | Secret
    | OtherResource
)


def resource_namespace(res: AnyResource) -> str | None:
    """The namespace an object lives in (``default`` when unset), None if cluster-scoped."""
    if res.kind not in NAMESPACED_KINDS:
        return None
    meta = res.metadata
    return (meta.namespace if meta is not None else None) or "default"


def resource_ref(res: AnyResource) -> str:
    """The reference string used by flows, edits and locks: ``kind/ns/name``."""
    name = res.metadata.name if res.metadata is not None else "?"
    ns = resource_namespace(res)
    kind = res.kind.lower()
    return f"{kind}/{ns}/{name}" if ns is not None else f"{kind}/{name}"
