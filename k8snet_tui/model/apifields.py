"""Field names of the real Kubernetes API that the models do not model.

The models hold only what networking needs, but a manifest copied from a real
cluster carries much more (``resources``, probes, ``managedFields`` …). Those
fields are legal and must pass without a word; a field that is in neither the
model nor this table is one kubectl's strict field validation would reject, so
the loader warns about it (``strict.unknown_fields``) and the YAML editor
refuses it. Subtrees of an unmodelled field are not checked: the engine never
reads them, so a typo there cannot change an answer.

Lists follow the Kubernetes 1.34 API reference (core/v1, apps/v1,
discovery.k8s.io/v1, networking.k8s.io/v1) and, for ``gateway.networking.k8s.io``,
the Gateway API's ``apis/v1`` types (standard and experimental channels, so a
manifest written for either loads without a false warning).
"""

from __future__ import annotations

_OBJECT_META = frozenset({
    "generateName", "selfLink", "uid", "resourceVersion", "generation",
    "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
    "ownerReferences", "finalizers", "managedFields",
})

_CONTAINER = frozenset({
    "workingDir", "envFrom", "env", "resources", "resizePolicy", "restartPolicy",
    "restartPolicyRules", "volumeMounts", "volumeDevices", "livenessProbe",
    "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
    "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce",
    "tty",
})

_POD_SPEC = frozenset({
    "volumes", "ephemeralContainers", "restartPolicy", "terminationGracePeriodSeconds",
    "activeDeadlineSeconds", "dnsPolicy", "nodeSelector", "serviceAccountName",
    "serviceAccount", "automountServiceAccountToken", "hostPID", "hostIPC",
    "shareProcessNamespace", "securityContext", "imagePullSecrets", "affinity",
    "schedulerName", "tolerations", "hostAliases", "priorityClassName", "priority",
    "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks",
    "preemptionPolicy", "overhead", "topologySpreadConstraints", "setHostnameAsFQDN", "os",
    "hostUsers", "schedulingGates", "resourceClaims", "resources", "hostnameOverride",
})

_POD_STATUS = frozenset({
    "observedGeneration", "message", "reason", "nominatedNodeName", "hostIP", "hostIPs",
    "podIPs", "startTime", "initContainerStatuses", "containerStatuses", "qosClass",
    "ephemeralContainerStatuses", "resize", "resourceClaimStatuses",
    "extendedResourceClaimStatus",
})

# Workload specs share one model; what each kind's spec really has (the model's own
# fields included, so ``replicas`` on a DaemonSet is flagged as kubectl would).
WORKLOAD_SPEC_FIELDS: dict[str, frozenset[str]] = {
    "Deployment": frozenset({"replicas", "selector", "template", "strategy",
                             "minReadySeconds", "revisionHistoryLimit", "paused",
                             "progressDeadlineSeconds"}),
    "ReplicaSet": frozenset({"replicas", "minReadySeconds", "selector", "template"}),
    "StatefulSet": frozenset({"replicas", "selector", "template", "volumeClaimTemplates",
                              "serviceName", "podManagementPolicy", "updateStrategy",
                              "revisionHistoryLimit", "minReadySeconds",
                              "persistentVolumeClaimRetentionPolicy", "ordinals"}),
    "DaemonSet": frozenset({"selector", "template", "updateStrategy", "minReadySeconds",
                            "revisionHistoryLimit"}),
}

UNMODELLED: dict[str, frozenset[str]] = {
    "ObjectMeta": _OBJECT_META,
    "TemplateMeta": _OBJECT_META | {"namespace"},
    "Container": _CONTAINER,
    "ContainerPort": frozenset({"hostIP"}),
    "PodSpec": _POD_SPEC,
    "PodCondition": frozenset({"observedGeneration", "lastProbeTime", "lastTransitionTime",
                               "reason", "message"}),
    "PodStatus": _POD_STATUS,
    "Pod": frozenset(),
    "Deployment": frozenset({"status"}),
    "ReplicaSet": frozenset({"status"}),
    "StatefulSet": frozenset({"status"}),
    "DaemonSet": frozenset({"status"}),
    "ServicePort": frozenset(),
    "ServiceSpec": frozenset({"clusterIPs", "externalIPs", "sessionAffinity",
                              "healthCheckNodePort", "sessionAffinityConfig", "ipFamilies",
                              "ipFamilyPolicy", "loadBalancerClass", "trafficDistribution"}),
    "LoadBalancerIngress": frozenset({"ipMode", "ports"}),
    "ServiceStatus": frozenset({"conditions"}),
    "ObjectReference": frozenset({"uid", "apiVersion", "resourceVersion", "fieldPath"}),
    "EndpointAddress": frozenset({"hostname"}),
    "EndpointPort": frozenset({"appProtocol"}),
    "SliceEndpoint": frozenset({"hostname", "deprecatedTopology", "zone", "hints"}),
    "IngressSpec": frozenset({"tls"}),
    "Ingress": frozenset({"status"}),
    "IngressClassSpec": frozenset({"parameters"}),
    "Namespace": frozenset({"spec", "status"}),
    # Gateway API (gateway.networking.k8s.io)
    "Condition": frozenset({"lastTransitionTime", "observedGeneration"}),
    "GatewayClassStatus": frozenset({"supportedFeatures"}),
    "GatewaySpec": frozenset({"allowedListeners", "tls", "defaultScope"}),
    "GatewayStatus": frozenset({"listeners", "attachedListenerSets"}),
    "HTTPRouteFilter": frozenset({"cors", "externalAuth"}),
    "HTTPRouteRule": frozenset({"retry", "sessionPersistence"}),
    "GRPCRouteRule": frozenset({"sessionPersistence"}),
    "HTTPRouteSpec": frozenset({"useDefaultGateways"}),
    "GRPCRouteSpec": frozenset({"useDefaultGateways"}),
    "Secret": frozenset({"data", "stringData", "immutable"}),
}
"""Per model class name: the real API's fields the model leaves out."""

UNMODELLED["WorkloadSpec"] = frozenset().union(*WORKLOAD_SPEC_FIELDS.values())
