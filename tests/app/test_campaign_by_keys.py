"""The whole campaign, played to the end with the keyboard alone.

A headless ``check --solution`` proves a level can be solved; it does not
prove a player can solve it. This test starts the game on a fresh save, opens
the first level and, for every level in campaign order, makes each step of the
level's own solution through the UI — a quick action with its value typed into
the prompt when one makes exactly that change, otherwise the YAML editor, and
"new object" (``a``) for a create — then takes the debrief's "next level".
A level whose solution the UI cannot perform fails here, by name.

A second test solves a few levels with a different correct fix than the
author's, so the UI is not only good for the one path written down.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from k8snet_tui.app.screens.briefing import BriefingScreen
from k8snet_tui.app.screens.debrief import DebriefScreen
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.model.edits import AnyEdit, CreateEdit, SetEdit
from k8snet_tui.model.load import load_level
from tests.app.conftest import AppFactory
from tests.app.player import Player, write_save
from tests.app.test_play import SIZE, sync

CAMPAIGN = load_pack(builtin_pack_path())


@sync
async def test_every_campaign_level_is_solved_by_keys_in_order(new_app: AppFactory) -> None:
    app = new_app()
    ways: Counter[str] = Counter()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        first = CAMPAIGN.levels[0]
        await p.open_level(f"{CAMPAIGN.id}/{load_level(first.path).spec.id}")
        for number, entry in enumerate(CAMPAIGN.levels, 1):
            level = p.level
            spec = level.session.start.spec
            assert level.entry.path.resolve() == entry.path.resolve(), number
            assert not level.session.solved, f"level {number} {spec.id} starts solved"
            puzzle = spec.puzzle
            assert puzzle is not None
            for i, step in enumerate(puzzle.solution, 1):
                assert not level.session.solved, f"{spec.id}: solved before step {i}"
                ways[await p.perform(step)] += 1
                last = level.last_error
                assert last is None, f"{spec.id} step {i} ({step.op}) refused: {last}"
            debrief = p.screen_as(DebriefScreen)
            score = debrief.score
            assert (score.edits, score.stars) == (puzzle.par, 3), (spec.id, score)
            if number == len(CAMPAIGN.levels):
                break
            await p.press("n")
            assert isinstance(app.screen, BriefingScreen), spec.id
            await p.close_briefing()
    # Every kind of way in took part: prompts, one-key actions, YAML and new objects.
    assert {"YAML editor", "new object"} <= set(ways)
    assert sum(n for way, n in ways.items() if way.startswith("quick action")) >= 10


CART_FROM_WEB = {
    "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
    "metadata": {"name": "cart-from-web", "namespace": "shop"},
    "spec": {"podSelector": {"matchLabels": {"app": "cart"}},
             "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}]}]},
}

ALTERNATIVES: dict[str, tuple[list[AnyEdit], int]] = {
    # The selector typo: keep only app=cart, which also picks the workers' pods, and
    # aim targetPort at the name only the api pods declare: the workers get no
    # endpoint, so nothing more is opened. Two fields, as par.
    "selector-typo": ([
        SetEdit(ref="service/shop/cart", path="spec.selector", value={"app": "cart"}),
        SetEdit(ref="service/shop/cart", path="spec.ports[0].targetPort", value="http"),
    ], 3),
    # The missing allow, written without ports and without policyTypes (Ingress is
    # implied): cart declares only 8080, so it opens nothing more — still three stars.
    "policy-missing-allow": ([CreateEdit(manifest=CART_FROM_WEB)], 3),
    # Orders moved out: the peer may allow every port of the orders namespace.
    "incident-orders-moved-out": ([
        SetEdit(ref="service/shop/orders", path="spec.externalName",
                value="orders.orders.svc.cluster.local"),
        SetEdit(ref="networkpolicy/shop/web-egress",
                path="spec.egress[0].to[0].namespaceSelector",
                value={"matchLabels": {"kubernetes.io/metadata.name": "orders"}}),
        SetEdit(ref="networkpolicy/orders/orders-allow-web", path="spec.ingress[0].ports",
                value=[{"port": 8080}]),
    ], 3),
}


def _alternative_levels() -> list[tuple[str, Path]]:
    return [(load_level(e.path).spec.id, e.path) for e in CAMPAIGN.levels
            if load_level(e.path).spec.id in ALTERNATIVES]


@sync
async def test_some_levels_are_solved_by_keys_with_another_fix(new_app: AppFactory,
                                                                data_dir: Path) -> None:
    levels = _alternative_levels()
    assert len(levels) == len(ALTERNATIVES)
    write_save(data_dir, [f"{CAMPAIGN.id}/{load_level(e.path).spec.id}"
                          for e in CAMPAIGN.levels])
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        for level_id, _path in levels:
            screen = await p.open_level(f"{CAMPAIGN.id}/{level_id}")
            steps, stars = ALTERNATIVES[level_id]
            assert steps != list(p.session.start.spec.puzzle.solution)  # type: ignore[union-attr]
            for step in steps:
                await p.perform(step)
                assert screen.last_error is None, (level_id, screen.last_error)
            debrief = p.screen_as(DebriefScreen)
            assert debrief.score.stars == stars, (level_id, debrief.score)
            await p.press("s")
