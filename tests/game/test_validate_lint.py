"""``validate`` catches what a level author's typo would otherwise hide.

A deny flow aimed at ``:8o`` passes whatever the player does; a solution step
the level's own locks refuse is a fix the player may not make; the summary
line must count what was printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.game.validate import CHECK_LOCKS, CHECK_SCHEMA, LevelReport, validate_level

LEVEL = """\
format: k8snet/v1
id: v
title: V
briefing: b
debrief: d
resources:
  - {apiVersion: v1, kind: Pod, metadata: {name: web, namespace: default, labels: {app: web}},
     spec: {containers: [{name: c, ports: [{containerPort: 80}]}]}}
  - {apiVersion: v1, kind: Pod, metadata: {name: api, namespace: default, labels: {app: api}},
     spec: {containers: [{name: c, ports: [{containerPort: 8080}]}]}}
  - {apiVersion: v1, kind: Service, metadata: {name: api, namespace: default},
     spec: {selector: {app: apx}, ports: [{port: 80, targetPort: 8080}]}}
  - {apiVersion: v1, kind: Service, metadata: {name: blog, namespace: default},
     spec: {selector: {app: web}, ports: [{port: 80}]}}
flows:
  - {name: f, from: pod/default/web, to: "service/default/api:80", expect: allow}
  - {name: blog, from: pod/default/api, to: "service/default/blog:80", expect: allow}
  - {name: guard, from: pod/default/api, to: "%(guard)s", expect: deny}
puzzle:
  editable: %(editable)s
  par: 1
  hints: [h]
  solution:
    - {op: set, ref: service/default/api, path: spec.selector, value: {app: api}}
"""
EDITABLE = "[{ref: service/default/api, fields: [spec.selector]}, " \
           "{ref: service/default/blog, fields: [%s]}]"


def report(tmp_path: Path, guard: str, blog_fields: str = "spec.type",
           editable: str | None = None) -> tuple[list[str], LevelReport]:
    path = tmp_path / "v.yaml"
    path.write_text(LEVEL % {"guard": guard,
                             "editable": editable or EDITABLE % blog_fields}, encoding="utf-8")
    rep = validate_level(path)
    return [p.message for p in rep.problems], rep


@pytest.mark.parametrize(
    ("guard", "says"),
    [
        ("service/default/blog:8o", "denied only because service/default/blog declares no "
                                    "port 8o — a typo?"),
        ("service/default/blog:81", "declares no port 81 — a typo?"),
        ("http://gohst.default.svc.cluster.local/", "the name gohst.default.svc.cluster.local "
                                                    "does not exist — a typo?"),
        ("pod/default/web:htp", 'no pod or Service declares a port named "htp" — a typo?'),
    ],
)
def test_a_deny_flow_denied_only_by_its_own_typo_is_a_warning(tmp_path: Path, guard: str,
                                                              says: str) -> None:
    messages, rep = report(tmp_path, guard)
    [found] = [m for m in messages if "typo" in m]
    assert says in found
    assert rep.exit_code == 0  # a warning: the level still plays


def test_a_deny_flow_guarding_a_port_the_player_may_add_is_a_real_test(tmp_path: Path) -> None:
    """ "metrics stay off the Service" with spec.ports editable: the blunt fix is caught."""
    messages, _ = report(tmp_path, "service/default/blog:9113", "spec.type, spec.ports")
    assert not [m for m in messages if "typo" in m]


def test_a_solution_step_the_levels_locks_refuse_is_an_error(tmp_path: Path) -> None:
    editable = "[{ref: service/default/blog, fields: [spec.type]}]"
    messages, rep = report(tmp_path, "service/default/blog:80", editable=editable)
    assert any("is refused by the level's own locks" in m for m in messages)
    assert rep.exit_code == 2
    [locks] = [c for c in rep.checks if c.name == CHECK_LOCKS]
    assert not locks.passed


def test_the_schema_line_counts_every_warning_reported(tmp_path: Path) -> None:
    _, rep = report(tmp_path, "service/default/blog:8o")
    [schema] = [c for c in rep.checks if c.name == CHECK_SCHEMA]
    n = len(rep.warnings)
    assert n >= 1
    assert schema.detail.endswith(f"{n} warning{'s' if n != 1 else ''}")
