"""Gateway API, measured against cases written from the specification alone.

Two halves (README.md lists every case and its source):

* ``cases/*.yaml``: conformance tests of kubernetes-sigs/gateway-api turned
  into levels. Every flow must meet its ``expect``. Conventions on flow names:
  a name starting ``partial:`` must come out PARTIAL (the format has no
  ``expect: partial``; the ``expect`` written is a placeholder); a name
  carrying ``(404)``, ``(500)``, ``(301 …)`` or ``(302 …)`` must show that
  status in the trace, and a ``Location http…`` in the name must appear there
  too (DESIGN.md: "the status (and Location) in the trace").
* ``tables.py`` through ``adapter.py``: hostname intersection, listener
  choice, rule precedence, path matching and status conditions, one
  parametrised test per row.

"""

from __future__ import annotations

import re
from dataclasses import asdict
from pathlib import Path

import pytest
import yaml

from k8snet_tui.engine.evaluate import evaluate_level
from k8snet_tui.engine.trace import Trace, Verdict
from k8snet_tui.model.load import LoadedLevel, load_level

from . import adapter
from .tables import (
    CONDITIONS,
    HOSTNAME_INTERSECTION,
    LISTENER_MATCH,
    PATH_MATCH,
    PRECEDENCE,
    ConditionCase,
    HostnameCase,
    ListenerCase,
    PathCase,
    PrecedenceCase,
    Route,
)

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.glob("*.yaml"))


# ------------------------------------------------------------------------------ level files

def _explain(t: Trace) -> str:
    lines = [f"flow {t.name!r}: {t.source} → {t.dest}",
             f"  expect {t.expect}, got {t.verdict.value} ({t.reason}) — {t.detail}"]
    lines += [f"  hop [{h.verdict}] {h.where}: {h.what}" for h in t.hops]
    for p in t.paths:
        lines.append(f"  path {p.label}: reached={p.reached} {p.reason or ''} {p.detail}")
    lines += [f"  assumed: {a}" for a in t.assumptions]
    return "\n".join(lines)


def _trace_text(t: Trace) -> str:
    parts = [t.detail, *(f"{h.where} {h.what}" for h in t.hops),
             *(f"{p.label} {p.detail}" for p in t.paths)]
    return "\n".join(parts)


_STATUS = re.compile(r"\((\d{3})\b")
_LOCATION = re.compile(r"Location (https?://\S+?)\)")


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case_file_is_yaml_with_a_source_comment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Source"), "each case opens with the conformance test it comes from"
    doc = yaml.safe_load(text)
    assert doc["format"] == "k8snet/v1"
    assert doc["flows"], "a case without flows measures nothing"
    names = [f["name"] for f in doc["flows"]]
    assert len(names) == len(set(names)), "flow names are unique within a case"


@pytest.mark.parametrize("path", CASE_FILES, ids=lambda p: p.stem)
def test_case_flows_meet_their_expectations(path: Path) -> None:
    level = load_level(path)
    failures: list[str] = []
    for t in evaluate_level(level).traces:
        if t.name.startswith("partial:"):
            if t.verdict is not Verdict.PARTIAL:
                failures.append("expected PARTIAL\n" + _explain(t))
            continue
        if not t.ok:
            failures.append(_explain(t))
            continue
        text = _trace_text(t)
        status = _STATUS.search(t.name)
        if status and status.group(1) not in text:
            failures.append(f"status {status.group(1)} not shown in the trace\n" + _explain(t))
        location = _LOCATION.search(t.name)
        if location and location.group(1) not in text:
            failures.append(f"Location {location.group(1)} not shown in the trace\n"
                            + _explain(t))
    assert not failures, f"{path.name}:\n\n" + "\n\n".join(failures)


# ------------------------------------------------------------------------------ tables

def _id(row: object) -> str:
    return re.sub(r"\s+", " ", repr(row))[:90]


@pytest.mark.parametrize("case", HOSTNAME_INTERSECTION, ids=_id)
def test_hostname_intersection(case: HostnameCase) -> None:
    got = adapter.intersect_hostnames(case.listener, list(case.route))
    want = None if case.expected is None else list(case.expected)
    assert got == want, f"{case.source}\nlistener {case.listener!r}, route {case.route!r}: " \
                        f"got {got!r}, want {want!r} ({case.reason or 'accepted'})"


@pytest.mark.parametrize("case", LISTENER_MATCH, ids=_id)
def test_listener_selection(case: ListenerCase) -> None:
    got = adapter.pick_listener(list(case.hostnames), case.host)
    assert got == case.expected, f"{case.source}\nlisteners {case.hostnames!r}, host " \
                                 f"{case.host!r}: got {got!r}, want {case.expected!r}"


@pytest.mark.parametrize("case", PATH_MATCH, ids=_id)
def test_path_match(case: PathCase) -> None:
    got = adapter.path_matches(case.type, case.value, case.path)
    assert got is case.matches, f"{case.source}\n{case.type} {case.value!r} vs {case.path!r}"


def _route_doc(r: Route) -> dict[str, object]:
    def match(m: object) -> dict[str, object]:
        d = asdict(m)  # type: ignore[call-overload]
        out: dict[str, object] = {"path": {"type": d["path_type"], "value": d["path"]},
                                  "headers": [{"name": n, "value": v} for n, v in d["headers"]],
                                  "queryParams": [{"name": n, "value": v} for n, v in d["query"]]}
        if d["method"] is not None:
            out["method"] = d["method"]
        return out

    return {"namespace": r.namespace, "name": r.name, "creationTimestamp": r.created,
            "hostnames": list(r.hostnames), "rules": [[match(m) for m in rule] for rule in r.rules]}


@pytest.mark.parametrize("case", PRECEDENCE, ids=_id)
def test_rule_precedence(case: PrecedenceCase) -> None:
    rq = case.request
    request: dict[str, object] = {"host": rq.host, "path": rq.path, "method": rq.method,
                                  "headers": dict(rq.headers), "query": dict(rq.query)}
    got = adapter.pick_rule([_route_doc(r) for r in case.routes], request)
    note = f"\nAMBIGUOUS in the spec: {case.note}" if case.ambiguous else ""
    assert got == case.expected, f"{case.source}{note}\nrequest {request}: got {got!r}, " \
                                 f"want {case.expected!r}"


@pytest.fixture(scope="module")
def loaded_levels() -> dict[str, LoadedLevel]:
    return {}


@pytest.mark.parametrize("case", CONDITIONS, ids=_id)
def test_status_conditions(case: ConditionCase, loaded_levels: dict[str, LoadedLevel]) -> None:
    if case.case not in loaded_levels:
        loaded_levels[case.case] = load_level(CASES / case.case)
    got = adapter.conditions(loaded_levels[case.case], case.ref, case.parent)
    assert got.get(case.type) == (case.status, case.reason), \
        f"{case.source}\n{case.ref} on {case.parent}: {case.type} = {got.get(case.type)!r}, " \
        f"want {(case.status, case.reason)!r}; all: {got!r}"


def test_tables_cite_their_sources() -> None:
    rows: list[object] = [*HOSTNAME_INTERSECTION, *LISTENER_MATCH, *PRECEDENCE, *PATH_MATCH,
                          *CONDITIONS]
    assert all(getattr(r, "source", "") for r in rows)
    assert all((CASES / c.case).is_file() for c in CONDITIONS)
