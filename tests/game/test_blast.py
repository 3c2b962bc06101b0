"""Blast radius: a fix that opens more than the level's solution does costs a star.

The tempting too-broad fixes of the campaign are played as edits through
``Session.apply``; those that still solve the level must be named in the
score's findings and lose a star, those that do not solve it are listed too
(the level's deny flows already stop them), and the author's own solution must
yield no finding on every campaign level.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from k8snet_tui.game.blast import (
    MAX_PODS,
    blast_radius,
    level_blast_radius,
    solution_state,
)
from k8snet_tui.game.session import Session, stars_for
from k8snet_tui.model.edits import AnyEdit
from k8snet_tui.model.load import LoadedLevel, load_level, load_level_text
from k8snet_tui.model.synth import generate_yaml_text

LEVELS = Path(__file__).resolve().parents[2] / "levels"
CAMPAIGN = sorted(LEVELS.glob("*/*.yaml"))
EDIT: TypeAdapter[AnyEdit] = TypeAdapter(AnyEdit)


def _edits(raw: list[dict[str, Any]]) -> list[AnyEdit]:
    return [EDIT.validate_python(e) for e in raw]


def _play(level_file: str, raw: list[dict[str, Any]]) -> Session:
    session = Session(load_level(LEVELS / level_file))
    for edit in _edits(raw):
        session.apply(edit)
    return session


def _policy(ns: str, name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {"op": "create", "manifest": {
        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": ns}, "spec": spec}}


def _ns(name: str) -> dict[str, Any]:
    return {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": name}}}


EXCEPT_10 = {"op": "set", "ref": "networkpolicy/shop/checkout-egress",
             "path": "spec.egress[0].to[0].ipBlock.except[0]", "value": "10.0.0.0/8"}

# (level, what the player did, edits, words the finding must contain)
TOO_BROAD_AND_SOLVED: list[tuple[str, str, list[dict[str, Any]], list[str]]] = [
    ("03-services/03-green-too-soon.yaml", "selector app=checkout (slot dropped)",
     [{"op": "unset", "ref": "service/shop/checkout", "path": "spec.selector.slot"}],
     ["Service shop/checkout:80", "selector app=checkout", "2 pods of "
      "deployment/shop/checkout-green"]),
    ("08-policy/01-missing-allow.yaml", "allow web on 8080 into every pod (podSelector {})",
     [_policy("shop", "allow-web", {
         "podSelector": {}, "policyTypes": ["Ingress"],
         "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                      "ports": [{"port": 8080}]}]})],
     ["deployment/shop/web", "pod shop/toolbox", "8080/TCP", "NetworkPolicy shop/allow-web"]),
    ("07-egress/02-ipblock-except.yaml", "the jump host opened as 10.40.0.0/16",
     [EXCEPT_10, {"op": "set", "ref": "networkpolicy/shop/checkout-egress",
                  "path": "spec.egress[1]",
                  "value": {"to": [{"ipBlock": {"cidr": "10.40.0.0/16"}}],
                            "ports": [{"protocol": "TCP", "port": 443}]}}],
     ["deployment/shop/checkout", "10.40.0.1 outside the cluster", "443/TCP"]),
    ("07-egress/02-ipblock-except.yaml", "the jump host opened on every port",
     [EXCEPT_10, {"op": "set", "ref": "networkpolicy/shop/checkout-egress",
                  "path": "spec.egress[1]",
                  "value": {"to": [{"ipBlock": {"cidr": "10.40.7.20/32"}}]}}],
     ["10.40.7.20 outside the cluster", "22/TCP"]),
    ("07-egress/03-dns-default-deny.yaml", "DNS allowed to anywhere on port 53",
     [_policy("shop", "allow-dns", {
         "podSelector": {}, "policyTypes": ["Egress"],
         "egress": [{"ports": [{"protocol": "UDP", "port": 53},
                               {"protocol": "TCP", "port": 53}]}]})],
     ["198.51.100.10 outside the cluster", "53/UDP", "NetworkPolicy shop/allow-dns"]),
    ("07-egress/03-dns-default-deny.yaml", "all of kube-system on every port",
     [_policy("shop", "allow-dns", {
         "podSelector": {}, "policyTypes": ["Egress"],
         "egress": [{"to": [_ns("kube-system")]}]})],
     ["deployment/kube-system/coredns", "9153/TCP"]),
]

GREEN = TOO_BROAD_AND_SOLVED[0]

# Too-broad fixes the level's own deny flows already refuse: no star question arises.
TOO_BROAD_NOT_SOLVED: list[tuple[str, str, list[dict[str, Any]]]] = [
    ("03-services/02-selector-typo.yaml", "selector app=cart (takes the worker too)",
     [{"op": "set", "ref": "service/shop/cart", "path": "spec.selector",
       "value": {"app": "cart"}}]),
    ("08-policy/01-missing-allow.yaml", "cart open to every pod",
     [_policy("shop", "cart-allow-all", {"podSelector": {"matchLabels": {"app": "cart"}},
                                         "policyTypes": ["Ingress"], "ingress": [{}]})]),
    ("08-policy/01-missing-allow.yaml", "default deny deleted",
     [{"op": "delete", "ref": "networkpolicy/shop/default-deny-ingress"}]),
    ("08-policy/03-namespace-label.yaml", "ledger open to every namespace",
     [{"op": "set", "ref": "networkpolicy/payments/ledger-allow-checkout",
       "path": "spec.ingress[0].from[0].namespaceSelector", "value": {}}]),
    ("08-policy/04-port-ranges.yaml", "matchmaker allowed on every port",
     [{"op": "unset", "ref": "networkpolicy/games/gameservers-ingress",
       "path": "spec.ingress[0].ports"}]),
    ("08-policy/05-egress-only.yaml", "payments-api egress policy deleted",
     [{"op": "delete", "ref": "networkpolicy/payments/payments-api-egress"}]),
    ("07-egress/02-ipblock-except.yaml", "default deny egress deleted",
     [{"op": "delete", "ref": "networkpolicy/shop/default-deny-egress"}]),
    ("07-egress/03-dns-default-deny.yaml", "default deny deleted",
     [{"op": "delete", "ref": "networkpolicy/shop/default-deny"}]),
    ("05-exposure/01-nodeport.yaml", "the database put on a NodePort too",
     [{"op": "set", "ref": "service/shop/web", "path": "spec.type", "value": "NodePort"},
      {"op": "set", "ref": "service/shop/web", "path": "spec.ports[0].nodePort",
       "value": 30080},
      {"op": "set", "ref": "service/shop/db", "path": "spec.type", "value": "NodePort"}]),
    ("05-exposure/02-lb-pending.yaml", "both nodes made public",
     [{"op": "set", "ref": "node/edge-1", "path": "public", "value": True},
      {"op": "set", "ref": "node/worker-1", "path": "public", "value": True},
      {"op": "set", "ref": "service/shop/db", "path": "spec.type", "value": "ClusterIP"}]),
]


@pytest.mark.parametrize(("stars", "expected"), [(3, 2), (2, 1), (1, 1)])
def test_an_over_permissive_fix_costs_one_star_but_never_the_last(stars: int,
                                                                 expected: int) -> None:
    edits, par, hints = {3: (1, 1, 0), 2: (2, 1, 1), 1: (9, 1, 3)}[stars]
    assert stars_for(edits, par, hints, True) == stars
    assert stars_for(edits, par, hints, True, over_permissive=True) == expected
    assert stars_for(edits, par, hints, False, over_permissive=True) == 0


@pytest.mark.parametrize("path", CAMPAIGN, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_authors_solution_opens_nothing_beyond_itself(path: Path) -> None:
    level = load_level(path)
    assert level.spec.puzzle is not None
    session = Session(level)
    for edit in level.spec.puzzle.solution:
        session.apply(edit)
    assert session.solved
    score = session.score()
    assert score.over_permissive == (), [f.describe() for f in score.over_permissive]
    assert score.stars == stars_for(score.edits, score.par, score.hints, True)


@pytest.mark.parametrize(("level_file", "what", "raw", "words"), TOO_BROAD_AND_SOLVED,
                         ids=[f"{c[0].split('/')[1][:-5]}: {c[1]}" for c in TOO_BROAD_AND_SOLVED])
def test_a_too_broad_fix_that_solves_the_level_is_named_and_loses_a_star(
        level_file: str, what: str, raw: list[dict[str, Any]], words: list[str]) -> None:
    session = _play(level_file, raw)
    assert session.solved, what
    score = session.score()
    assert score.over_permissive, f"{what}: no finding"
    text = " | ".join(f.describe() for f in score.over_permissive)
    for word in words:
        assert word in text, f"{what}: {word!r} not in {text!r}"
    before = stars_for(score.edits, score.par, score.hints, True)
    assert score.stars == max(1, before - 1)
    assert "over-permissive" in score.describe()


@pytest.mark.parametrize(("level_file", "what", "raw"), TOO_BROAD_NOT_SOLVED,
                         ids=[f"{c[0].split('/')[1][:-5]}: {c[1]}" for c in TOO_BROAD_NOT_SOLVED])
def test_a_too_broad_fix_the_levels_deny_flows_refuse_does_not_solve_it(
        level_file: str, what: str, raw: list[dict[str, Any]]) -> None:
    session = _play(level_file, raw)
    assert not session.solved, what
    assert session.score().over_permissive == ()


def test_the_green_finding_reads_as_the_selector_and_the_pods_it_adds() -> None:
    session = _play(GREEN[0], GREEN[2])
    (finding,) = session.score().over_permissive
    assert finding.describe() == (
        "Service shop/checkout:80 (selector app=checkout) also sends traffic to 2 pods of "
        "deployment/shop/checkout-green, from every pod")
    assert finding.pods == 2


def test_the_blast_radius_is_computed_once_per_state() -> None:
    session = _play(GREEN[0], GREEN[2])
    first = level_blast_radius(session.start, session.level)
    assert first is not None
    assert first.findings
    assert level_blast_radius(session.start, session.level) is first
    assert session.score().over_permissive == first.findings


def test_an_unsolved_state_is_not_compared() -> None:
    session = Session(load_level(LEVELS / "03-services/03-green-too-soon.yaml"))
    assert not session.solved
    assert session.score().over_permissive == ()


def test_a_level_without_a_solution_has_no_blast_radius_check() -> None:
    level = load_level(LEVELS / "03-services/03-green-too-soon.yaml")
    sandbox = dataclasses.replace(level, spec=level.spec.model_copy(update={"puzzle": None}))
    assert solution_state(sandbox) is None
    assert level_blast_radius(sandbox, sandbox) is None


def _synthetic(pods: int) -> LoadedLevel:
    return load_level_text(generate_yaml_text(7, nodes=3, pods=pods, services=pods // 4,
                                              policies=pods // 8, flows=10))


def test_a_huge_cluster_is_skipped_not_slow() -> None:
    big = _synthetic(MAX_PODS + 10)
    radius = blast_radius(big, big)
    assert radius.skipped
    assert not radius.findings


def test_a_state_compared_with_itself_opens_nothing() -> None:
    level = _synthetic(30)
    radius = blast_radius(level, level)
    assert radius.skipped is None
    assert radius.findings == ()
