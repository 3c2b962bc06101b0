"""Kind names as people type them: kubectl's short names and plurals.

One table for flows, ``puzzle`` refs, edits and the game's prompts, so
``deploy/shop/web`` means the same thing everywhere a reference appears — as it
does to kubectl.
"""

from __future__ import annotations

from k8snet_tui.model.resources import KNOWN_KINDS, NAMESPACED_KINDS

KIND_ALIASES: dict[str, str] = {
    "po": "pod", "pods": "pod", "svc": "service", "services": "service",
    "ns": "namespace", "namespaces": "namespace", "deploy": "deployment",
    "deployments": "deployment", "rs": "replicaset", "replicasets": "replicaset",
    "sts": "statefulset", "statefulsets": "statefulset", "ds": "daemonset",
    "daemonsets": "daemonset", "ep": "endpoints", "endpointslices": "endpointslice",
    "ing": "ingress", "ingresses": "ingress", "ingressclasses": "ingressclass",
    "netpol": "networkpolicy", "networkpolicies": "networkpolicy", "no": "node", "nodes": "node",
    # Gateway API: the CRDs' shortNames and plurals (HTTPRoute and GRPCRoute have no short name).
    "gc": "gatewayclass", "gatewayclasses": "gatewayclass", "gtw": "gateway",
    "gateways": "gateway", "httproutes": "httproute", "grpcroutes": "grpcroute",
    "refgrant": "referencegrant", "referencegrants": "referencegrant", "secrets": "secret",
}
"""kubectl's short and plural names → the singular lower-case kind our refs use."""

REF_KINDS = frozenset(k.lower() for k in KNOWN_KINDS) | {"node"}
NAMESPACED_REF_KINDS = frozenset(k.lower() for k in NAMESPACED_KINDS)


def canonical_kind(word: str) -> str:
    """``deploy`` → ``deployment``; a word that is no alias is only lower-cased."""
    low = word.strip().lower()
    return KIND_ALIASES.get(low, low)


def canonical_ref(ref: str) -> str:
    """``svc/api`` → ``service/default/api``: the one spelling refs are compared in.

    Raises ValueError with a sentence naming the accepted shapes.
    """
    parts = ref.strip().split("/")
    if len(parts) not in (2, 3) or not all(parts):
        raise ValueError(f'"{ref}" is not an object reference; write kind/namespace/name, '
                         "kind/name (namespace default) or node/NAME")
    kind = canonical_kind(parts[0])
    if kind in NAMESPACED_REF_KINDS:
        return f"{kind}/default/{parts[1]}" if len(parts) == 2 else f"{kind}/{parts[1]}/{parts[2]}"
    if len(parts) == 3 and kind in REF_KINDS:
        raise ValueError(f'"{ref}": {kind} objects have no namespace; write {kind}/NAME')
    return "/".join([kind, *parts[1:]])
