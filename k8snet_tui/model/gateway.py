"""Gateway API kinds (``gateway.networking.k8s.io``) and the Secrets they reference.

Field names, defaults and value rules are those of the Gateway API CRDs
(``apis/v1/*_types.go`` and the generated ``config/crd`` schemas in
kubernetes-sigs/gateway-api), so a manifest ``kubectl apply`` takes loads here
and one it refuses is refused here too, at the field. Rules that look at a single
value (a pattern, a range, an enum, a list's length) live on the models; rules that
compare items of a list (unique listener names, RequestRedirect beside URLRewrite)
are checked in ``gatewaycheck`` so the error can point at the offending item.
"""

from __future__ import annotations

import re
from ipaddress import ip_address
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictInt, field_validator, model_validator

from k8snet_tui.model.apibase import K8sModel, LabelSelector, ObjectMeta, Port

GATEWAY_GROUP = "gateway.networking.k8s.io"
GATEWAY_V1 = f"{GATEWAY_GROUP}/v1"
GATEWAY_V1BETA1 = f"{GATEWAY_GROUP}/v1beta1"
TLS_SECRET_TYPE = "kubernetes.io/tls"


# ----------------------------------------------------------------- value types

_DNS_LABELS = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_HOSTNAME = re.compile(rf"(\*\.)?{_DNS_LABELS}")
_PRECISE_HOSTNAME = re.compile(_DNS_LABELS)
_SECTION_NAME = re.compile(_DNS_LABELS)
_GROUP = re.compile(rf"|{_DNS_LABELS}")
_KIND = re.compile(r"[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?")
_NAMESPACE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_CONTROLLER = re.compile(rf"{_DNS_LABELS}/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+")
_PROTOCOL = re.compile(
    rf"[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?|{_DNS_LABELS}/[A-Za-z0-9]+")
_ADDRESS_TYPE = re.compile(
    rf"Hostname|IPAddress|NamedAddress|{_DNS_LABELS}/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+")
_HEADER_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-.^_`|~]+")
_DURATION = re.compile(r"([0-9]{1,5}(h|m|s|ms)){1,4}")


def _text(pattern: re.Pattern[str], what: str, example: str, low: int = 1,
          high: int = 253) -> AfterValidator:
    """One message per rule, naming what the value must look like (not a regex dump)."""

    def check(value: str) -> str:
        if not low <= len(value) <= high:
            raise ValueError(f"{what} must be {low} to {high} characters long "
                             f"(got {len(value)})")
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not a valid {what} (e.g. {example})")
        return value

    return AfterValidator(check)


def _not_an_ip(value: str) -> str:
    """"IPs are not allowed" (the Hostname type): the CRD pattern alone lets 10.0.0.1 by."""
    try:
        ip_address(value)
    except ValueError:
        return value
    raise ValueError(f"{value!r} is an IP address; a Gateway API hostname is a DNS name "
                     '("shop.example.com" or "*.example.com")')


Hostname = Annotated[str, _text(_HOSTNAME, "hostname", '"shop.example.com" or '
                                                       '"*.example.com"'),
                     AfterValidator(_not_an_ip)]
PreciseHostname = Annotated[str, _text(_PRECISE_HOSTNAME, "hostname (no wildcard)",
                                       '"shop.example.com"'), AfterValidator(_not_an_ip)]
SectionName = Annotated[str, _text(_SECTION_NAME, "section name", '"http" or "https-shop"')]
GroupName = Annotated[str, _text(_GROUP, "API group", '"" (core) or "gateway.networking.k8s.io"',
                                 low=0)]
KindName = Annotated[str, _text(_KIND, "kind", '"Service"', high=63)]
ObjectName = Annotated[str, Field(min_length=1, max_length=253)]
NamespaceName = Annotated[str, _text(_NAMESPACE, "namespace name", '"shop"', high=63)]
ControllerName = Annotated[str, _text(_CONTROLLER, "controller name (DOMAIN/PATH)",
                                      '"example.net/gateway-controller"')]
ProtocolName = Annotated[str, _text(_PROTOCOL, "listener protocol",
                                    "HTTP, HTTPS, TLS, TCP, UDP or example.com/proto",
                                    high=255)]
AddressType = Annotated[str, _text(_ADDRESS_TYPE, "address type", "IPAddress or Hostname")]
HeaderName = Annotated[str, _text(_HEADER_NAME, "header name", '"x-canary"', high=256)]
Duration = Annotated[str, _text(_DURATION, "duration (GEP-2257)", '"10s" or "1m30s"',
                                high=64)]
Weight = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
HTTPMethod = Literal["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE",
                     "PATCH"]


def at_most(limit: int, what: str) -> Any:
    """The CRD's ``MaxItems``: a message that names the list and the limit, and the limit
    in the JSON Schema (``Field(max_length=…)`` would say "characters" in the docs)."""

    def check(items: list[Any]) -> list[Any]:
        if len(items) > limit:
            raise ValueError(f"at most {limit} {what} (got {len(items)})")
        return items

    return AfterValidator(check)


def _schema_max(limit: int) -> Any:
    return Field(json_schema_extra={"maxItems": limit})


# ------------------------------------------------------------ shared structures


class Condition(K8sModel):
    """A ``metav1.Condition`` as controllers write it into ``status.conditions``."""

    type: str = Field(min_length=1, max_length=316)
    status: Literal["True", "False", "Unknown"]
    reason: str | None = None
    message: str | None = None


class ParentReference(K8sModel):
    group: GroupName = GATEWAY_GROUP
    kind: KindName = "Gateway"
    namespace: NamespaceName | None = None
    name: ObjectName
    sectionName: SectionName | None = None
    port: Port | None = None


class BackendObjectReference(K8sModel):
    group: GroupName = ""
    kind: KindName = "Service"
    name: ObjectName
    namespace: NamespaceName | None = None
    port: Port | None = None

    @model_validator(mode="after")
    def _service_needs_port(self) -> BackendObjectReference:
        """CEL "Must have port for Service reference": the Service port, not targetPort."""
        if self.group == "" and self.kind == "Service" and self.port is None:
            raise ValueError(f"backendRef to Service {self.name!r} needs port (the Service "
                             "port, not the targetPort)")
        return self


class SecretObjectReference(K8sModel):
    group: GroupName = ""
    kind: KindName = "Secret"
    name: ObjectName
    namespace: NamespaceName | None = None


class LocalObjectReference(K8sModel):
    group: GroupName = ""
    kind: KindName
    name: ObjectName


class HTTPHeader(K8sModel):
    name: HeaderName
    value: str = Field(min_length=1, max_length=4096)


class HTTPHeaderFilter(K8sModel):
    set: Annotated[list[HTTPHeader], at_most(16, "headers to set"), _schema_max(16)] = \
        Field(default_factory=list)
    add: Annotated[list[HTTPHeader], at_most(16, "headers to add"), _schema_max(16)] = \
        Field(default_factory=list)
    remove: Annotated[list[HeaderName], at_most(16, "headers to remove"), _schema_max(16)] = \
        Field(default_factory=list)


class HTTPPathModifier(K8sModel):
    type: Literal["ReplaceFullPath", "ReplacePrefixMatch"]
    replaceFullPath: str | None = Field(default=None, max_length=1024)
    replacePrefixMatch: str | None = Field(default=None, max_length=1024)

    @model_validator(mode="after")
    def _value_fits_type(self) -> HTTPPathModifier:
        """The four CEL rules of HTTPPathModifier: the value field named by type, no other."""
        if self.type == "ReplaceFullPath" and self.replaceFullPath is None:
            raise ValueError("replaceFullPath must be specified when type is ReplaceFullPath")
        if self.type == "ReplacePrefixMatch" and self.replacePrefixMatch is None:
            raise ValueError("replacePrefixMatch must be specified when type is "
                             "ReplacePrefixMatch")
        if self.replaceFullPath is not None and self.type != "ReplaceFullPath":
            raise ValueError("type must be ReplaceFullPath when replaceFullPath is set")
        if self.replacePrefixMatch is not None and self.type != "ReplacePrefixMatch":
            raise ValueError("type must be ReplacePrefixMatch when replacePrefixMatch is set")
        return self


class HTTPRequestRedirectFilter(K8sModel):
    scheme: Literal["http", "https"] | None = None
    hostname: PreciseHostname | None = None
    path: HTTPPathModifier | None = None
    port: Port | None = None
    statusCode: Literal[301, 302, 303, 307, 308] = 302


class HTTPURLRewriteFilter(K8sModel):
    hostname: PreciseHostname | None = None
    path: HTTPPathModifier | None = None


class Fraction(K8sModel):
    numerator: StrictInt = Field(ge=0)
    denominator: StrictInt = Field(default=100, ge=1)

    @model_validator(mode="after")
    def _proper(self) -> Fraction:
        if self.numerator > self.denominator:
            raise ValueError("numerator must be less than or equal to denominator")
        return self


class HTTPRequestMirrorFilter(K8sModel):
    backendRef: BackendObjectReference
    percent: StrictInt | None = Field(default=None, ge=0, le=100)
    fraction: Fraction | None = None

    @model_validator(mode="after")
    def _one_share(self) -> HTTPRequestMirrorFilter:
        if self.percent is not None and self.fraction is not None:
            raise ValueError("only one of percent or fraction may be specified")
        return self


HTTPFilterType = Literal["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
                         "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS", "ExternalAuth"]
GRPCFilterType = Literal["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror",
                         "ExtensionRef"]

FILTER_FIELDS: dict[str, str] = {
    "RequestHeaderModifier": "requestHeaderModifier",
    "ResponseHeaderModifier": "responseHeaderModifier",
    "RequestMirror": "requestMirror",
    "RequestRedirect": "requestRedirect",
    "URLRewrite": "urlRewrite",
    "ExtensionRef": "extensionRef",
    "CORS": "cors",
    "ExternalAuth": "externalAuth",
}
"""Filter type → the field that must hold its configuration (and no other may be set)."""


def _filter_fields_fit_type(flt: HTTPRouteFilter | GRPCRouteFilter, kind: str) -> None:
    """The CEL pairs "filter.X must be specified for X filter.type" and "filter.X must be
    nil if the filter.type is not X", for every field the filter kind has."""
    present = set(flt.model_fields_set) | set(flt.model_extra or {})
    ftype = str(flt.type)
    for name, fld in FILTER_FIELDS.items():
        if fld not in type(flt).model_fields and fld not in (flt.model_extra or {}):
            if name == ftype and name in ("CORS", "ExternalAuth"):
                raise ValueError(f"filter.{fld} must be specified for {name} filter.type")
            continue
        if name == ftype and fld not in present:
            raise ValueError(f"filter.{fld} must be specified for {name} filter.type")
        if name != ftype and fld in present:
            raise ValueError(f"filter.{fld} must be nil if the filter.type is not {name} "
                             f"(this {kind} filter is {ftype})")


class HTTPRouteFilter(K8sModel):
    type: HTTPFilterType
    requestHeaderModifier: HTTPHeaderFilter | None = None
    responseHeaderModifier: HTTPHeaderFilter | None = None
    requestRedirect: HTTPRequestRedirectFilter | None = None
    urlRewrite: HTTPURLRewriteFilter | None = None
    requestMirror: HTTPRequestMirrorFilter | None = None
    extensionRef: LocalObjectReference | None = None

    @model_validator(mode="after")
    def _config_matches_type(self) -> HTTPRouteFilter:
        _filter_fields_fit_type(self, "HTTPRoute")
        return self


class GRPCRouteFilter(K8sModel):
    type: GRPCFilterType
    requestHeaderModifier: HTTPHeaderFilter | None = None
    responseHeaderModifier: HTTPHeaderFilter | None = None
    requestMirror: HTTPRequestMirrorFilter | None = None
    extensionRef: LocalObjectReference | None = None

    @model_validator(mode="after")
    def _config_matches_type(self) -> GRPCRouteFilter:
        _filter_fields_fit_type(self, "GRPCRoute")
        return self


class HTTPBackendRef(BackendObjectReference):
    weight: Weight = 1
    filters: Annotated[list[HTTPRouteFilter], at_most(16, "filters"), _schema_max(16)] = \
        Field(default_factory=list)


class GRPCBackendRef(BackendObjectReference):
    weight: Weight = 1
    filters: Annotated[list[GRPCRouteFilter], at_most(16, "filters"), _schema_max(16)] = \
        Field(default_factory=list)


# ---------------------------------------------------------------- GatewayClass


class ParametersReference(K8sModel):
    group: GroupName
    kind: KindName
    name: str = Field(min_length=1, max_length=253)
    namespace: NamespaceName | None = None


class GatewayClassSpec(K8sModel):
    controllerName: ControllerName
    parametersRef: ParametersReference | None = None
    description: str | None = Field(default=None, max_length=64)


class GatewayClassStatus(K8sModel):
    conditions: Annotated[list[Condition], at_most(8, "conditions"), _schema_max(8)] = \
        Field(default_factory=list)

    def accepted(self) -> bool:
        """What a real cluster's dump says: its controller set ``Accepted: "True"``."""
        return any(c.type == "Accepted" and c.status == "True" for c in self.conditions)


class GatewayClass(K8sModel):
    """A kind of Gateway and the controller that implements it (cluster-scoped)."""

    apiVersion: Literal["gateway.networking.k8s.io/v1"] = "gateway.networking.k8s.io/v1"
    kind: Literal["GatewayClass"] = "GatewayClass"
    metadata: ObjectMeta
    spec: GatewayClassSpec
    status: GatewayClassStatus = Field(default_factory=GatewayClassStatus)


# --------------------------------------------------------------------- Gateway


class RouteGroupKind(K8sModel):
    group: GroupName = GATEWAY_GROUP
    kind: KindName


class RouteNamespaces(K8sModel):
    from_: Literal["All", "Selector", "Same"] = Field(default="Same", alias="from")
    selector: LabelSelector | None = None


class AllowedRoutes(K8sModel):
    namespaces: RouteNamespaces = Field(default_factory=RouteNamespaces)
    kinds: Annotated[list[RouteGroupKind], at_most(8, "route kinds"), _schema_max(8)] = \
        Field(default_factory=list)


class ListenerTLSConfig(K8sModel):
    mode: Literal["Terminate", "Passthrough"] = "Terminate"
    certificateRefs: Annotated[list[SecretObjectReference], at_most(64, "certificateRefs"),
                               _schema_max(64)] = Field(default_factory=list)
    options: dict[str, str] = Field(default_factory=dict)

    @field_validator("options")
    @classmethod
    def _few_options(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 16:
            raise ValueError(f"at most 16 tls options (got {len(value)})")
        return value

    @model_validator(mode="after")
    def _terminate_needs_certificates(self) -> ListenerTLSConfig:
        """CEL "certificateRefs or options must be specified when mode is Terminate"."""
        if self.mode == "Terminate" and not self.certificateRefs and not self.options:
            raise ValueError("tls mode Terminate (the default) needs certificateRefs: the "
                             "Secret holding the listener's certificate")
        return self


class Listener(K8sModel):
    name: SectionName
    hostname: Hostname | None = None
    port: Port
    protocol: ProtocolName
    tls: ListenerTLSConfig | None = None
    allowedRoutes: AllowedRoutes = Field(default_factory=AllowedRoutes)


class GatewaySpecAddress(K8sModel):
    type: AddressType = "IPAddress"
    value: str | None = Field(default=None, max_length=253)

    @model_validator(mode="after")
    def _value_fits_type(self) -> GatewaySpecAddress:
        _address_value(self.type, self.value)
        return self


class GatewayStatusAddress(K8sModel):
    type: AddressType = "IPAddress"
    value: str = Field(min_length=1, max_length=253)

    @model_validator(mode="after")
    def _value_fits_type(self) -> GatewayStatusAddress:
        _address_value(self.type, self.value)
        return self


def _address_value(kind: str, value: str | None) -> None:
    """An IPAddress must parse as one; a Hostname must be a (wildcard) DNS name."""
    if value is None or value == "":
        return
    if kind == "IPAddress":
        try:
            ip_address(value)
        except ValueError:
            raise ValueError(f"value {value!r} is not an IP address (type IPAddress)") from None
    elif kind == "Hostname" and not _HOSTNAME.fullmatch(value):
        raise ValueError(f"value {value!r} is not a valid hostname (type Hostname)")


class LocalParametersReference(K8sModel):
    group: GroupName
    kind: KindName
    name: str = Field(min_length=1, max_length=253)


class GatewayInfrastructure(K8sModel):
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    parametersRef: LocalParametersReference | None = None

    @model_validator(mode="after")
    def _sizes(self) -> GatewayInfrastructure:
        if len(self.labels) > 8:
            raise ValueError(f"at most 8 infrastructure labels (got {len(self.labels)})")
        if len(self.annotations) > 16:
            raise ValueError(f"at most 16 infrastructure annotations (got "
                             f"{len(self.annotations)})")
        return self


class GatewaySpec(K8sModel):
    gatewayClassName: ObjectName
    listeners: Annotated[list[Listener], at_most(64, "listeners"), _schema_max(64)] = \
        Field(min_length=1)
    addresses: Annotated[list[GatewaySpecAddress], at_most(16, "addresses"),
                         _schema_max(16)] = Field(default_factory=list)
    infrastructure: GatewayInfrastructure | None = None


class GatewayStatus(K8sModel):
    addresses: Annotated[list[GatewayStatusAddress], at_most(16, "addresses"),
                         _schema_max(16)] = Field(default_factory=list)
    conditions: Annotated[list[Condition], at_most(8, "conditions"), _schema_max(8)] = \
        Field(default_factory=list)


class Gateway(K8sModel):
    """Listeners bound to addresses: the entry point Routes attach to."""

    apiVersion: Literal["gateway.networking.k8s.io/v1"] = "gateway.networking.k8s.io/v1"
    kind: Literal["Gateway"] = "Gateway"
    metadata: ObjectMeta
    spec: GatewaySpec
    status: GatewayStatus = Field(default_factory=GatewayStatus)


# ------------------------------------------------------------------- HTTPRoute


class HTTPPathMatch(K8sModel):
    type: Literal["Exact", "PathPrefix", "RegularExpression"] = "PathPrefix"
    value: str = Field(default="/", max_length=1024)


class HTTPHeaderMatch(K8sModel):
    type: Literal["Exact", "RegularExpression"] = "Exact"
    name: HeaderName
    value: str = Field(min_length=1, max_length=4096)


class HTTPQueryParamMatch(K8sModel):
    type: Literal["Exact", "RegularExpression"] = "Exact"
    name: HeaderName
    value: str = Field(min_length=1, max_length=1024)


class HTTPRouteMatch(K8sModel):
    path: HTTPPathMatch = Field(default_factory=HTTPPathMatch)
    headers: Annotated[list[HTTPHeaderMatch], at_most(16, "header matches"),
                       _schema_max(16)] = Field(default_factory=list)
    queryParams: Annotated[list[HTTPQueryParamMatch], at_most(16, "query param matches"),
                           _schema_max(16)] = Field(default_factory=list)
    method: HTTPMethod | None = None


def _match_everything() -> list[HTTPRouteMatch]:
    return [HTTPRouteMatch()]


class HTTPRouteTimeouts(K8sModel):
    request: Duration | None = None
    backendRequest: Duration | None = None


class HTTPRouteRule(K8sModel):
    name: SectionName | None = None
    matches: Annotated[list[HTTPRouteMatch], at_most(64, "matches"), _schema_max(64)] = \
        Field(default_factory=_match_everything)
    filters: Annotated[list[HTTPRouteFilter], at_most(16, "filters"), _schema_max(16)] = \
        Field(default_factory=list)
    backendRefs: Annotated[list[HTTPBackendRef], at_most(16, "backendRefs"),
                           _schema_max(16)] = Field(default_factory=list)
    timeouts: HTTPRouteTimeouts | None = None

    @field_validator("matches")
    @classmethod
    def _no_matches_match_everything(cls, value: list[HTTPRouteMatch]) -> list[HTTPRouteMatch]:
        """"If no matches are specified, the default is a prefix path match on "/"": so
        ``matches: []`` means the same as leaving it out."""
        return value or _match_everything()


def _default_rules() -> list[HTTPRouteRule]:
    return [HTTPRouteRule()]


class HTTPRouteSpec(K8sModel):
    parentRefs: Annotated[list[ParentReference], at_most(32, "parentRefs"),
                          _schema_max(32)] = Field(default_factory=list)
    hostnames: Annotated[list[Hostname], at_most(16, "hostnames"), _schema_max(16)] = \
        Field(default_factory=list)
    rules: Annotated[list[HTTPRouteRule], at_most(16, "rules"), _schema_max(16)] = \
        Field(default_factory=_default_rules)


class RouteParentStatus(K8sModel):
    parentRef: ParentReference
    controllerName: str
    conditions: list[Condition] = Field(default_factory=list)


class RouteStatus(K8sModel):
    parents: list[RouteParentStatus] = Field(default_factory=list)


class HTTPRoute(K8sModel):
    """HTTP requests matched by host, path, headers, query and method, sent to backends."""

    apiVersion: Literal["gateway.networking.k8s.io/v1"] = "gateway.networking.k8s.io/v1"
    kind: Literal["HTTPRoute"] = "HTTPRoute"
    metadata: ObjectMeta
    spec: HTTPRouteSpec = Field(default_factory=HTTPRouteSpec)
    status: RouteStatus = Field(default_factory=RouteStatus)


# ------------------------------------------------------------------- GRPCRoute

_GRPC_SERVICE = re.compile(r"(?i)\.?[a-z_][a-z_0-9]*(\.[a-z_][a-z_0-9]*)*")
_GRPC_METHOD = re.compile(r"[A-Za-z_][A-Za-z_0-9]*")


class GRPCMethodMatch(K8sModel):
    type: Literal["Exact", "RegularExpression"] = "Exact"
    service: str | None = Field(default=None, max_length=1024)
    method: str | None = Field(default=None, max_length=1024)

    @model_validator(mode="after")
    def _service_or_method(self) -> GRPCMethodMatch:
        """The CRD's three rules: one of the two is given; Exact values are valid names."""
        if self.service is None and self.method is None:
            raise ValueError("one or both of service and method must be specified")
        if self.type == "Exact":
            if self.service is not None and not _GRPC_SERVICE.fullmatch(self.service):
                raise ValueError(f"service {self.service!r} is not a gRPC service name "
                                 '(e.g. "shop.v1.Cart")')
            if self.method is not None and not _GRPC_METHOD.fullmatch(self.method):
                raise ValueError(f"method {self.method!r} is not a gRPC method name "
                                 '(e.g. "AddItem")')
        return self


class GRPCHeaderMatch(K8sModel):
    type: Literal["Exact", "RegularExpression"] = "Exact"
    name: HeaderName
    value: str = Field(min_length=1, max_length=4096)


class GRPCRouteMatch(K8sModel):
    method: GRPCMethodMatch | None = None
    headers: Annotated[list[GRPCHeaderMatch], at_most(16, "header matches"),
                       _schema_max(16)] = Field(default_factory=list)


class GRPCRouteRule(K8sModel):
    name: SectionName | None = None
    matches: Annotated[list[GRPCRouteMatch], at_most(8, "matches"), _schema_max(8)] = \
        Field(default_factory=list)
    filters: Annotated[list[GRPCRouteFilter], at_most(16, "filters"), _schema_max(16)] = \
        Field(default_factory=list)
    backendRefs: Annotated[list[GRPCBackendRef], at_most(16, "backendRefs"),
                           _schema_max(16)] = Field(default_factory=list)


class GRPCRouteSpec(K8sModel):
    parentRefs: Annotated[list[ParentReference], at_most(32, "parentRefs"),
                          _schema_max(32)] = Field(default_factory=list)
    hostnames: Annotated[list[Hostname], at_most(16, "hostnames"), _schema_max(16)] = \
        Field(default_factory=list)
    rules: Annotated[list[GRPCRouteRule], at_most(16, "rules"), _schema_max(16)] = \
        Field(default_factory=list)


class GRPCRoute(K8sModel):
    """gRPC calls matched by host, service, method and headers, sent to backends."""

    apiVersion: Literal["gateway.networking.k8s.io/v1"] = "gateway.networking.k8s.io/v1"
    kind: Literal["GRPCRoute"] = "GRPCRoute"
    metadata: ObjectMeta
    spec: GRPCRouteSpec = Field(default_factory=GRPCRouteSpec)
    status: RouteStatus = Field(default_factory=RouteStatus)


# -------------------------------------------------------------- ReferenceGrant


class ReferenceGrantFrom(K8sModel):
    group: GroupName
    kind: KindName
    namespace: NamespaceName


class ReferenceGrantTo(K8sModel):
    group: GroupName
    kind: KindName
    name: ObjectName | None = None


class ReferenceGrantSpec(K8sModel):
    from_: Annotated[list[ReferenceGrantFrom], at_most(16, "from entries"),
                     _schema_max(16)] = Field(alias="from", min_length=1)
    to: Annotated[list[ReferenceGrantTo], at_most(16, "to entries"), _schema_max(16)] = \
        Field(min_length=1)


class ReferenceGrant(K8sModel):
    """Lets objects of other namespaces refer to objects of this one (Services, Secrets)."""

    apiVersion: Literal["gateway.networking.k8s.io/v1beta1", "gateway.networking.k8s.io/v1"] = \
        "gateway.networking.k8s.io/v1beta1"
    kind: Literal["ReferenceGrant"] = "ReferenceGrant"
    metadata: ObjectMeta
    spec: ReferenceGrantSpec


# ---------------------------------------------------------------------- Secret


class Secret(K8sModel):
    """Modelled only as far as Gateway certificates need: it exists, where, of which type.

    ``data`` and ``stringData`` are accepted and ignored; TLS itself is not modelled.
    """

    apiVersion: str = "v1"
    kind: Literal["Secret"] = "Secret"
    metadata: ObjectMeta
    type: str = "Opaque"
