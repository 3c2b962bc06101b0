"""Hints in tiers: the level author's own first, then ones the engine derives.

Derived hints walk down from vague to precise on the first failing flow:
which flow fails, at which layer it dies, then the object and field to blame.
They come from the same trace the player sees, so they can never disagree
with the engine.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from k8snet_tui.engine.trace import REASON_DOCS, Trace
from k8snet_tui.game.explain import explain, may_edit
from k8snet_tui.model.load import LoadedLevel

LAYERS = {
    "NO_ROUTE": "routing between nodes (route tables, the gateway)",
    "ROUTE_LOOP": "routing between nodes (route tables)",
    "NO_RETURN_ROUTE": "the reply's way back (the destination node's route table)",
    "NOT_LISTENING": "the destination pod's declared container ports",
    "PORT_CONFLICT": "the containers inside one pod",
    "NO_ENDPOINTS": "the Service's endpoints",
    "SELECTOR_MISMATCH": "the Service selector and pod labels",
    "TARGET_PORT_MISMATCH": "the Service ports (port → targetPort)",
    "NOT_READY": "pod readiness",
    "NO_SERVICE_PORT": "the Service ports",
    "POLICY_DENIED_EGRESS": "NetworkPolicy, on the sending pod's side (egress)",
    "POLICY_DENIED_INGRESS": "NetworkPolicy, on the receiving pod's side (ingress)",
    "NOT_EXPOSED": "how the Service is exposed outside the cluster",
    "LB_PENDING": "the LoadBalancer and its external address",
    "NODEPORT_OUT_OF_RANGE": "NodePorts and their range",
    "NO_LOCAL_ENDPOINT": "traffic policies (externalTrafficPolicy / internalTrafficPolicy)",
    "SOURCE_RANGE_DENIED": "loadBalancerSourceRanges",
    "INGRESS_NO_CONTROLLER": "the ingress controller and how it is exposed",
    "INGRESS_CLASS_MISMATCH": "Ingress classes",
    "INGRESS_NO_RULE": "Ingress rules (host and path)",
    "INGRESS_BACKEND_MISSING": "the Ingress backend (Service name and port)",
    "DNS_NXDOMAIN": "DNS names",
    "DNS_UNREACHABLE": "the path to cluster DNS (kube-dns, UDP 53)",
    "NO_SNAT": "masquerade (SNAT) on the node",
}


def derived_hints(traces: Sequence[Trace], *, level: LoadedLevel | None = None,
                  original: Collection[str] | None = None) -> list[str]:
    """Engine hints for the first flow that does not yet meet its expectation.

    Given the ``level`` state the traces come from, the most precise hint is the
    game's explanation (``game.explain``): it names only objects the level lets the
    player change, where the engine's own blame may name a locked one.
    """
    failing = next((t for t in traces if not t.ok), None)
    if failing is None:
        return []
    explanation = explain(level, failing, original=original) if level is not None else None
    if failing.expect == "deny":
        hop = next((h for h in failing.hops if h.verdict == "pass" and h.ref), None)
        precise = (f"Trace it: {failing.detail}" if explanation is None else
                   _explanation_hint(explanation.text,
                                     explanation.ref if explanation.fix else None,
                                     explanation.field))
        return [
            f'"{failing.name}" must be blocked, but it gets through.',
            "Something lets it pass"
            + (f" at {hop.where}" if hop is not None else "")
            + ": a fix that opens everything is not a fix.",
            precise,
        ]
    hints = [f'"{failing.name}" does not get through yet ({failing.verdict.value}).']
    if failing.reason is not None:
        layer = LAYERS.get(failing.reason.value, failing.reason.value)
        hop = failing.failing_hop
        where = f" at {hop.where}" if hop is not None else ""
        hints.append(f"It dies{where}. Look at {layer}. "
                     f"{REASON_DOCS[failing.reason]}")
    if explanation is not None and explanation.fix:
        hints.append(_explanation_hint(explanation.text, explanation.ref, explanation.field))
    elif explanation is not None:
        hints.append(_sentence(explanation.text))
    elif failing.blame is not None:
        field = f", field {failing.blame.field}" if failing.blame.field else ""
        if level is None or may_edit(level, failing.blame.ref, failing.blame.field,
                                     original=original):
            hints.append(f"The object to change is {failing.blame.ref}{field}. "
                         f"{failing.detail}")
        else:
            hints.append(f"It is decided at {failing.blame.ref}{field}, which this level "
                         f"does not let you change: the fix is elsewhere. {failing.detail}")
    return hints


def _sentence(text: str) -> str:
    """Capitalise a clause into a sentence, unless it opens with an object reference
    (``networkpolicy/shop/web`` is a name and keeps its case)."""
    first = text.split(" ", 1)[0]
    return (text if "/" in first else text[:1].upper() + text[1:]) + "."


def _explanation_hint(text: str, ref: str | None, field: str | None) -> str:
    sentence = _sentence(text)
    if ref is None:
        return sentence
    return f"{sentence} The object to change is {ref}" + (f", field {field}." if field else ".")


def hint_tiers(level_hints: Sequence[str], traces: Sequence[Trace], *,
               level: LoadedLevel | None = None,
               original: Collection[str] | None = None) -> list[str]:
    """Every hint available now, vague to precise (see ``derived_hints`` for ``level``)."""
    return [*level_hints, *derived_hints(traces, level=level, original=original)]
