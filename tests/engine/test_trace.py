"""The shape of a Trace (DESIGN.md §4, §5 ``check --json``) and the engine's entry points."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from k8snet_tui.engine.evaluate import CheckResult, Engine, evaluate_level
from k8snet_tui.engine.trace import REASON_DOCS, Reason, Verdict
from k8snet_tui.model.flows import FlowSpec, RefError

from .conftest import (
    deployment,
    level_yaml,
    load,
    pod,
    policy,
    run,
    service,
)

SRC = "pod/default/client"
DST = "service/default/api:80"
CHECK_JSON_KEYS = {"name", "from", "to", "expect", "verdict", "ok", "reason", "detail", "hops"}


def basic(*, live: bool = True) -> str:
    return level_yaml(
        pod("client", ports=()),
        pod("api", ip="10.244.0.20"),
        service("api", clusterIP="10.96.0.50", selector={"app": "api" if live else "apl"}),
    )


def partial_level() -> str:
    """Three endpoints; a policy shuts the third one, so 2 of 3 are reached."""
    return level_yaml(
        pod("client", ports=()),
        pod("api-1", labels={"app": "api"}),
        pod("api-2", labels={"app": "api"}),
        pod("api-3", labels={"app": "api", "locked": "yes"}),
        service("api"),
        policy("lock", "podSelector: {matchLabels: {locked: 'yes'}}\npolicyTypes: [Ingress]"),
    )


def flow(src: str = SRC, dst: str = DST, expect: str = "allow",
         name: str | None = None) -> FlowSpec:
    data = {"from": src, "to": dst, "expect": expect}
    if name is not None:
        data["name"] = name
    return FlowSpec.model_validate(data)


# ------------------------------------------------------------------- the verdict

def test_trace_echoes_source_and_destination_as_written() -> None:
    t = run(basic(), "pod/client", "service/api:80")
    assert (t.source, t.dest) == ("pod/client", "service/api:80")


def test_allowed_trace_has_no_reason_no_blame_and_no_drop() -> None:
    t = run(basic(), SRC, DST)
    assert t.verdict is Verdict.ALLOW
    assert t.reason is None
    assert t.blame is None
    assert t.hops
    assert t.failing_hop is None


def test_denied_trace_names_a_reason_a_sentence_a_blame_and_the_dropping_hop() -> None:
    t = run(basic(live=False), SRC, DST)
    assert t.verdict is Verdict.DENY
    assert isinstance(t.reason, Reason)
    assert t.detail.strip()
    assert t.blame is not None
    assert t.failing_hop is not None
    assert t.failing_hop.verdict == "drop"


@pytest.mark.parametrize("live", [True, False])
def test_every_hop_says_where_what_and_how_it_ended(live: bool) -> None:
    for hop in run(basic(live=live), SRC, DST).hops:
        assert hop.where.strip()
        assert hop.what.strip()
        assert hop.verdict in ("pass", "drop", "info")


def test_service_dnat_is_recorded_as_packet_before_and_after() -> None:
    t = run(basic(), SRC, DST)
    nat = [h for h in t.hops if h.before is not None and h.after is not None]
    assert any(h.before is not None and h.before.dst == "10.96.0.50" and
               h.after is not None and h.after.dst == "10.244.0.20" for h in nat), nat


@pytest.mark.parametrize(
    ("level", "ref", "field_word"),
    [
        pytest.param(basic(live=False), "service/default/api", "selector",
                     id="selector-mismatch-blames-service-selector"),
        pytest.param(level_yaml(pod("client", ports=()), pod("api"),
                                service("api", ports=[{"port": 80, "targetPort": 9090}])),
                     "service/default/api", "targetPort",
                     id="target-port-mismatch-blames-service-targetport"),
        pytest.param(level_yaml(pod("client", ports=()), pod("api"), service("api"),
                                policy("deny", "podSelector: {}\npolicyTypes: [Ingress]")),
                     "networkpolicy/default/deny", None,
                     id="policy-deny-blames-the-policy"),
    ],
)
def test_blame_names_the_object_and_field_to_fix(level: str, ref: str,
                                                 field_word: str | None) -> None:
    t = run(level, SRC, DST)
    assert t.blame is not None
    assert t.blame.ref == ref
    if field_word is not None:
        assert t.blame.field is not None
        assert field_word in t.blame.field


# ---------------------------------------------------------------------- partial

def test_partial_result_reports_how_many_endpoints_were_reached() -> None:
    t = run(partial_level(), SRC, DST)
    assert t.verdict is Verdict.PARTIAL
    assert "2 of 3" in t.detail
    assert len(t.paths) == 3
    assert sorted(p.reached for p in t.paths) == [False, True, True]


@pytest.mark.parametrize("expect", ["allow", "deny"])
def test_partial_satisfies_neither_expectation(expect: str) -> None:
    t = Engine(load(partial_level()).world).evaluate(flow(expect=expect))
    assert t.verdict is Verdict.PARTIAL
    assert t.ok is False
    assert t.to_json()["verdict"] == "partial"


# ------------------------------------------------------------------------- JSON

@pytest.mark.parametrize("live", [True, False])
def test_to_json_has_the_check_json_keys(live: bool) -> None:
    out = run(basic(live=live), SRC, DST).to_json()
    assert set(out) >= CHECK_JSON_KEYS
    assert out["from"] == SRC
    assert out["to"] == DST
    assert out["verdict"] in ("allow", "deny", "partial")
    assert isinstance(out["ok"], bool)
    if live:
        assert out["reason"] is None
    else:
        assert out["reason"] in {r.value for r in Reason}
    assert isinstance(out["detail"], str)
    for hop in out["hops"]:
        assert {"where", "what", "verdict"} <= set(hop)
    assert json.loads(json.dumps(out)) == out


def test_flow_name_defaults_to_from_arrow_to() -> None:
    engine = Engine(load(basic()).world)
    assert engine.evaluate(flow()).name == f"{SRC} → {DST}"
    assert engine.evaluate(flow(name="client reaches api")).name == "client reaches api"


@pytest.mark.parametrize(("live", "expect", "ok"),
                         [(True, "allow", True), (True, "deny", False),
                          (False, "deny", True), (False, "allow", False)])
def test_ok_means_the_verdict_equals_the_expectation(live: bool, expect: str, ok: bool) -> None:
    t = Engine(load(basic(live=live)).world).evaluate(flow(expect=expect))
    assert t.expect == expect
    assert t.ok is ok


# ---------------------------------------------------------------- entry points

def _check_level(second_expect: str) -> str:
    return level_yaml(
        pod("client", ports=()), pod("api"), service("api"),
        flows=[{"name": "first", "from": SRC, "to": DST, "expect": "allow"},
               {"from": SRC, "to": "service/default/api:81", "expect": second_expect}],
        level_id="check-me",
    )


@pytest.mark.parametrize(("second_expect", "solved"), [("deny", True), ("allow", False)])
def test_evaluate_level_checks_every_flow_in_file_order(second_expect: str,
                                                        solved: bool) -> None:
    result = evaluate_level(load(_check_level(second_expect)))
    assert isinstance(result, CheckResult)
    assert result.level_id == "check-me"
    assert result.solved is solved
    assert [t.name for t in result.traces] == ["first", f"{SRC} → service/default/api:81"]
    assert [t.verdict for t in result.traces] == [Verdict.ALLOW, Verdict.DENY]


def test_evaluation_is_deterministic() -> None:
    text = partial_level()
    first = run(text, SRC, DST).to_json()
    engine = Engine(load(text).world)
    assert engine.trace(SRC, DST).to_json() == first
    assert engine.trace(SRC, DST).to_json() == first


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        pytest.param("pod/a/b/c", DST, id="too-many-parts"),
        pytest.param(SRC, "service/default/api", id="missing-port"),
        pytest.param("carrier-pigeon/x", DST, id="unknown-source-kind"),
        pytest.param(SRC, "ftp://example.com/", id="unknown-scheme"),
        pytest.param("pod/default/ghost", DST, id="pod-that-does-not-exist"),
        pytest.param(SRC, "service/default/ghost:80", id="service-that-does-not-exist"),
    ],
)
def test_bad_references_raise_ref_error(src: str, dst: str) -> None:
    engine = Engine(load(basic()).world)
    with pytest.raises(RefError):
        engine.trace(src, dst)


def test_workload_reference_with_no_pods_is_an_error() -> None:
    level = level_yaml(deployment("idle", replicas=0), pod("api"))
    engine = Engine(load(level).world)
    with pytest.raises(RefError):
        engine.trace("deployment/default/idle", "pod/default/api:8080")
    with pytest.raises(RefError):
        engine.trace("pod/default/api", "deployment/default/idle:8080")


# ------------------------------------------------------------------ vocabulary

def test_every_reason_code_is_documented() -> None:
    assert set(REASON_DOCS) == set(Reason)
    assert all(text.strip() for text in REASON_DOCS.values())


def test_every_reason_code_is_asserted_by_some_engine_test() -> None:
    here = Path(__file__).parent
    used: set[str] = set()
    for path in here.glob("test_*.py"):
        used.update(re.findall(r"Reason\.([A-Z_]+)", path.read_text(encoding="utf-8")))
    assert {r.name for r in Reason} - used == set()

