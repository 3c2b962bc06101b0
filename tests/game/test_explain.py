"""game.explain: the line under a verdict names only what the level lets the player change.

Small levels pin each wording rule; the campaign levels check that no start state
points a POLICY_DENIED_* flow at a locked object, and that every deny-expected flow
that gets through in a state a player can reach (a policy deleted, the solution
applied) is explained by the reason that let it through.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from k8snet_tui.engine.evaluate import evaluate_level
from k8snet_tui.engine.trace import Reason, Trace, Verdict
from k8snet_tui.game.edits import apply_edits
from k8snet_tui.game.explain import Explanation, explain, may_edit
from k8snet_tui.game.locks import original_refs
from k8snet_tui.model.edits import CreateEdit, DeleteEdit
from k8snet_tui.model.load import LoadedLevel, load_level, load_level_text
from k8snet_tui.model.resources import NetworkPolicy, resource_ref

LEVELS = Path(__file__).resolve().parents[2] / "levels"
CAMPAIGN = sorted(LEVELS.glob("*/*.yaml"))


def _pod(name: str, ns: str = "shop", **spec: Any) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": {"name": name, "namespace": ns, "labels": {"app": name}},
            "spec": {"containers": [{"name": "main", "image": "x",
                                     "ports": [{"containerPort": 5432}]}], **spec}}


def _policy(name: str, spec: dict[str, Any], ns: str = "shop") -> dict[str, Any]:
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": {"name": name, "namespace": ns}, "spec": spec}


DEFAULT_DENY = _policy("default-deny", {"podSelector": {}, "policyTypes": ["Ingress"]})
DB_ALLOW_API = _policy("db-allow-api", {
    "podSelector": {"matchLabels": {"app": "db"}}, "policyTypes": ["Ingress"],
    "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "api"}}}],
                 "ports": [{"protocol": "TCP", "port": 5432}]}]})
DB_FROM_OPS = _policy("db-from-ops", {
    "podSelector": {"matchLabels": {"app": "db"}},
    "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "ops"}},
                           "podSelector": {"matchLabels": {"app": "web"}}}]}]})


def level(*resources: dict[str, Any], editable: list[Any] | None = None,
          create: list[str] | None = None, expect: str = "allow",
          cluster: dict[str, Any] | None = None, src: str = "pod/shop/web",
          dst: str = "pod/shop/db:5432") -> LoadedLevel:
    doc: dict[str, Any] = {
        "format": "k8snet/v1", "id": "explain",
        "resources": [
            {"apiVersion": "v1", "kind": "Namespace",
             "metadata": {"name": "shop", "labels": {"team": "shop"}}},
            _pod("web"), _pod("api"), _pod("db"), *resources],
        "flows": [{"name": "the flow", "from": src, "to": dst, "expect": expect}],
        "puzzle": {"editable": editable or [], "create": create or []},
    }
    if cluster is not None:
        doc["cluster"] = cluster
    return load_level_text(yaml.safe_dump(doc, sort_keys=False), "explain.yaml")


def the_flow(lv: LoadedLevel) -> tuple[Trace, Explanation]:
    (trace,) = evaluate_level(lv).traces
    found = explain(lv, trace, original=original_refs(lv))
    assert found is not None, trace
    return trace, found


# ----------------------------------------------------------------- denials

def test_a_locked_default_deny_is_never_blamed_the_editable_near_miss_is() -> None:
    lv = level(DEFAULT_DENY, DB_ALLOW_API, editable=["networkpolicy/shop/db-allow-api"])
    trace, found = the_flow(lv)
    assert trace.reason is Reason.POLICY_DENIED_INGRESS
    assert (found.ref, found.field, found.fix) == (
        "networkpolicy/shop/db-allow-api", "spec.ingress[0].from[0].podSelector", True)
    assert found.text.startswith(
        "networkpolicy/shop/db-allow-api rule 0 allows from pods app=api on 5432/TCP, "
        "but shop/web carries app=web")
    assert "podSelector" in found.text


def test_no_near_miss_says_so_and_offers_to_create_a_policy() -> None:
    lv = level(DEFAULT_DENY, create=["NetworkPolicy"])
    _, found = the_flow(lv)
    assert found.text.startswith(
        "no NetworkPolicy selecting shop/db allows from shop/web on 5432/TCP: add one")
    assert found.ref is None
    assert not found.fix


def test_a_locked_near_miss_is_named_as_locked_and_not_offered() -> None:
    lv = level(DEFAULT_DENY, DB_ALLOW_API, create=["NetworkPolicy"])
    _, found = the_flow(lv)
    assert "the closest, networkpolicy/shop/db-allow-api rule 0, is locked" in found.text
    assert found.ref is None


def test_a_locked_namespace_selector_miss_points_at_the_editable_namespace_labels() -> None:
    lv = level(DB_FROM_OPS, editable=[{"ref": "namespace/shop", "fields": ["metadata.labels"]}])
    _, found = the_flow(lv)
    assert (found.ref, found.field, found.fix) == ("namespace/shop", "metadata.labels", True)
    assert "label namespace shop to match" in found.text


def test_an_editable_policy_of_the_pod_is_offered_for_widening_when_none_comes_close() -> None:
    wide = _policy("db-allow-monitoring", {
        "podSelector": {"matchLabels": {"app": "db"}},
        "ingress": [{"from": [{"namespaceSelector": {"matchLabels": {"team": "mon"}},
                               "podSelector": {"matchLabels": {"app": "prom"}}}],
                     "ports": [{"port": 9187}]}]})
    lv = level(DEFAULT_DENY, wide, editable=["networkpolicy/shop/db-allow-monitoring"])
    _, found = the_flow(lv)
    assert found.text.startswith("no NetworkPolicy selecting shop/db allows from shop/web")
    assert "widen networkpolicy/shop/db-allow-monitoring" in found.text
    assert (found.ref, found.fix) == ("networkpolicy/shop/db-allow-monitoring", True)


def test_nothing_editable_says_the_fix_is_elsewhere_and_names_nothing() -> None:
    _, found = the_flow(level(DEFAULT_DENY, DB_ALLOW_API))
    assert "none of its policies may be edited here" in found.text
    assert found.ref is None
    assert not found.fix


def test_a_policy_the_player_created_is_theirs_to_widen() -> None:
    start = level(DEFAULT_DENY, create=["NetworkPolicy"])
    manifest = dict(DB_ALLOW_API, metadata={"name": "mine", "namespace": "shop"})
    now = apply_edits(start, [CreateEdit(op="create", manifest=manifest)])
    (trace,) = evaluate_level(now).traces
    found = explain(now, trace, original=original_refs(start))
    assert found is not None
    assert (found.ref, found.fix) == ("networkpolicy/shop/mine", True)


def test_an_egress_only_policy_without_policytypes_is_blamed_on_its_policytypes() -> None:
    egress_only = _policy("db-egress", {"podSelector": {"matchLabels": {"app": "db"}},
                                        "egress": [{"ports": [{"port": 53,
                                                               "protocol": "UDP"}]}]})
    _, found = the_flow(level(egress_only, editable=["networkpolicy/shop/db-egress"]))
    assert (found.ref, found.field) == ("networkpolicy/shop/db-egress", "spec.policyTypes")
    assert "Ingress is implied" in found.text


def test_a_flow_blocked_as_intended_explains_what_blocks_it_without_inviting_an_edit() -> None:
    trace, found = the_flow(level(DEFAULT_DENY, DB_ALLOW_API, expect="deny",
                                  editable=["networkpolicy/shop/db-allow-api"]))
    assert trace.ok
    assert found.text.startswith("blocked as intended: ")
    assert not found.fix


# -------------------------------------------------------------- admissions

def test_an_unselected_pod_lets_every_source_in() -> None:
    _, found = the_flow(level(expect="deny", create=["NetworkPolicy"]))
    assert "no NetworkPolicy selects shop/db for ingress, so every source is allowed in" \
        in found.text


def test_an_allow_all_rule_is_named_with_its_empty_pod_selector() -> None:
    allow_all = _policy("allow-all", {"podSelector": {}, "ingress": [
        {"from": [{"podSelector": {}}]}]})
    _, found = the_flow(level(allow_all, expect="deny", editable=["networkpolicy/shop/allow-all"]))
    assert "networkpolicy/shop/allow-all rule 0 allows from any pod in shop (empty " \
           "podSelector)" in found.text
    assert (found.ref, found.field, found.fix) == (
        "networkpolicy/shop/allow-all", "spec.ingress[0]", True)


def test_host_network_pods_are_not_subject_to_network_policy() -> None:
    agent = _pod("agent", hostNetwork=True)
    deny_out = _policy("deny-out", {"podSelector": {}, "policyTypes": ["Egress"]})
    lv = level(agent, deny_out, DEFAULT_DENY, expect="deny", src="pod/shop/agent",
               dst="internet:443", editable=[{"ref": "pod/shop/agent",
                                              "fields": ["spec.hostNetwork"]}])
    trace, found = the_flow(lv)
    assert trace.verdict is Verdict.ALLOW
    assert "host-network pods are not subject to NetworkPolicy" in found.text
    assert (found.ref, found.field) == ("pod/shop/agent", "spec.hostNetwork")


def test_traffic_from_the_pods_own_node_is_always_allowed() -> None:
    _, found = the_flow(level(DEFAULT_DENY, DB_ALLOW_API, expect="deny", src="node/node-1"))
    assert "traffic from a pod's own node is always allowed in" in found.text


def test_a_load_balancer_lets_the_internet_in() -> None:
    svc = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "shop"},
           "spec": {"type": "LoadBalancer", "selector": {"app": "db"},
                    "ports": [{"port": 5432, "targetPort": 5432}]}}
    lv = level(svc, expect="deny", src="internet", dst="service/shop/db:5432",
               cluster={"loadBalancerProvider": True},
               editable=[{"ref": "service/shop/db", "fields": ["spec.type"]}])
    _, found = the_flow(lv)
    assert "service/shop/db is a LoadBalancer, so the internet reaches it" in found.text
    assert (found.ref, found.field, found.fix) == ("service/shop/db", "spec.type", True)


# ---------------------------------------------------------------- campaign

def _explained(lv: LoadedLevel, original: frozenset[str]
               ) -> list[tuple[Trace, Explanation | None]]:
    return [(t, explain(lv, t, original=original)) for t in evaluate_level(lv).traces]


@pytest.mark.parametrize("path", CAMPAIGN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_policy_denial_in_a_start_state_names_a_locked_object_to_change(path: Path) -> None:
    lv = load_level(path)
    original = original_refs(lv)
    for trace, found in _explained(lv, original):
        if trace.reason not in (Reason.POLICY_DENIED_INGRESS, Reason.POLICY_DENIED_EGRESS):
            continue
        assert found is not None, trace.name
        if not trace.ok:
            assert found.fix or found.ref is None, (trace.name, found)
        if found.fix:
            assert found.ref is not None
            assert may_edit(lv, found.ref, found.field, original=original), (trace.name, found)


def _reachable_states(lv: LoadedLevel) -> list[tuple[str, LoadedLevel]]:
    """The start, each NetworkPolicy deleted on its own, and the solution applied."""
    states = [("start", lv)]
    for res in lv.spec.resources:
        if isinstance(res, NetworkPolicy):
            ref = resource_ref(res)
            states.append((f"without {ref}",
                           apply_edits(lv, [DeleteEdit(op="delete", ref=ref)])))
    if lv.spec.puzzle is not None and lv.spec.puzzle.solution:
        states.append(("solution", apply_edits(lv, lv.spec.puzzle.solution)))
    return states


REASON_WORDS = ("no NetworkPolicy selects", "rule ", "host-network pods are not subject",
                "own node is always allowed", "so the internet reaches it")


@pytest.mark.parametrize("path", CAMPAIGN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_a_deny_flow_that_gets_through_is_explained_by_what_let_it_through(path: Path) -> None:
    lv = load_level(path)
    original = original_refs(lv)
    for state, now in _reachable_states(lv):
        for trace, found in _explained(now, original):
            if trace.expect != "deny" or trace.verdict is Verdict.DENY:
                continue
            assert found is not None, (state, trace.name)
            assert found.text.startswith("gets through: "), (state, trace.name, found)
            assert any(w in found.text for w in REASON_WORDS), (state, trace.name, found)
            if found.fix:
                assert found.ref is not None
                assert may_edit(now, found.ref, found.field, original=original)


def test_8_1_without_the_db_policies_names_the_unselected_database() -> None:
    lv = load_level(LEVELS / "08-policy" / "01-missing-allow.yaml")
    now = apply_edits(lv, [DeleteEdit(op="delete", ref="networkpolicy/shop/db-allow-api"),
                           DeleteEdit(op="delete", ref="networkpolicy/shop/default-deny-ingress")])
    traces = {t.name: t for t in evaluate_level(now).traces}
    found = explain(now, traces["web never talks to the database"], original=original_refs(lv))
    assert found is not None
    assert "no NetworkPolicy selects shop/db-0 for ingress, so every source is allowed in" \
        in found.text


def test_8_1_start_asks_for_a_new_policy_for_cart_not_the_default_deny() -> None:
    lv = load_level(LEVELS / "08-policy" / "01-missing-allow.yaml")
    traces = {t.name: t for t in evaluate_level(lv).traces}
    found = explain(lv, traces["web calls the new cart service"], original=original_refs(lv))
    assert found is not None
    assert found.text.startswith("no NetworkPolicy selecting shop/cart-0 allows from shop/web-0 "
                                 "on 8080/TCP: add one")
    assert found.ref != "networkpolicy/shop/default-deny-ingress"


def test_7_3_dns_default_deny_explains_the_blocked_lookup() -> None:
    lv = load_level(LEVELS / "07-egress" / "03-dns-default-deny.yaml")
    traces = {t.name: t for t in evaluate_level(lv).traces}
    found = explain(lv, traces["web calls the api by name"], original=original_refs(lv))
    assert found is not None
    assert found.text.startswith("the DNS lookup cannot reach kube-dns: no NetworkPolicy "
                                 "selecting shop/web-0 allows to kube-system/coredns-0 on 53/UDP")
    assert found.ref != "networkpolicy/shop/default-deny"


def test_9_2_zero_trust_friday_names_the_missing_namespace_selector() -> None:
    lv = load_level(LEVELS / "09-incidents" / "02-zero-trust-friday.yaml")
    traces = {t.name: t for t in evaluate_level(lv).traces}
    found = explain(lv, traces["shoppers reach the storefront"], original=original_refs(lv))
    assert found is not None
    assert found.ref == "networkpolicy/shop/allow-from-ingress-controller"
    assert "add a namespaceSelector to that same peer" in found.text


def test_only_the_add_a_policy_explanation_asks_for_a_new_object() -> None:
    """``create`` is what sends ``e`` to "new object"; an explanation that merely has no
    object to point at (the fix is elsewhere) must not."""
    from k8snet_tui.game.session import Session
    from k8snet_tui.model.load import load_level

    levels = Path(__file__).resolve().parents[2] / "levels"
    session = Session(load_level(levels / "08-policy" / "01-missing-allow.yaml"))
    first = next(i for i, t in enumerate(session.result.traces) if not t.ok)
    explanation = session.explanation(first)
    assert explanation is not None
    assert explanation.create == "NetworkPolicy"
    assert session.culprit(first) is None  # not the default deny the trace blames
    for path in sorted(levels.rglob("*.yaml")):
        if path.name == "pack.yaml":
            continue
        other = Session(load_level(path))
        for i in range(len(other.result.traces)):
            found = other.explanation(i)
            if found is not None and found.create is not None:
                assert found.ref is None, path
                assert "add one" in found.text, path
