"""Snapshots of the screens a player sees most, at 80×24 (the smallest supported
terminal) and 120×40.

Each scene is reached with the same key presses as the play tests
(``tests.app.player``), from the real app on the built-in campaign, so a
layout change that pushes something important off an 80×24 screen shows up
as a diff to look at. Regenerate after an intended change with
``pytest tests/app/test_snapshots.py --snapshot-update`` and review the SVGs
(``tests/app/__snapshots__/``) before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from k8snet_tui.app.screens.level_select import LevelSelectScreen
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.game.progress import LevelRecord
from k8snet_tui.model.edits import SetEdit
from k8snet_tui.model.load import load_level
from tests.app.conftest import AppFactory
from tests.app.player import (
    MISSING_ROUTE,
    PORT_CONFLICT,
    SIDECAR_PORT,
    FakeClock,
    Player,
    unlocked_through,
    write_save,
)

CAMPAIGN_IDS = [load_level(e.path).spec.id for e in load_pack(builtin_pack_path()).levels]

SnapCompare = Callable[..., bool]
Scene = Callable[[Pilot[Any]], Awaitable[None]]

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
by_size = pytest.mark.parametrize("size", SIZES)


def quiet(scene: Callable[[Player], Awaitable[None]]) -> Scene:
    """Run ``scene``, then drop its toasts: they vanish on a wall-clock timer."""
    async def run(pilot: Pilot[Any]) -> None:
        player = Player(pilot)
        await player.settle()
        await scene(player)
        pilot.app.clear_notifications()
        await player.settle()
    return run


# ---------------------------------------------------------------- level select


@by_size
def test_level_select(snap_compare: SnapCompare, new_app: AppFactory, data_dir: Path,
                      size: tuple[int, int]) -> None:
    """One level solved with three stars, the next one started: ✓ solved, … started, 🔒."""
    write_save(data_dir, [PORT_CONFLICT], last_level=SIDECAR_PORT, records={
        SIDECAR_PORT: LevelRecord(in_progress=[SetEdit(
            ref="deployment/shop/orders",
            path="spec.template.spec.containers[1].ports[0].containerPort", value=7000)])})

    async def scene(player: Player) -> None:
        player.screen_as(LevelSelectScreen)  # the first screen: nothing to press

    assert snap_compare(new_app(), terminal_size=size, run_before=quiet(scene))


# ------------------------------------------------------------ the level screen


async def open_missing_route(player: Player) -> None:
    await player.open_level(MISSING_ROUTE)


@by_size
def test_trace_of_a_failing_flow(snap_compare: SnapCompare, new_app: AppFactory,
                                 data_dir: Path, size: tuple[int, int]) -> None:
    """The Trace tab (key 2) of the first failing flow: hops, NO_ROUTE and what to look at."""
    write_save(data_dir, unlocked_through(MISSING_ROUTE))

    async def scene(player: Player) -> None:
        await open_missing_route(player)
        await player.press("2")

    assert snap_compare(new_app(), terminal_size=size, run_before=quiet(scene))


@by_size
def test_yaml_editor_with_a_syntax_error(snap_compare: SnapCompare, new_app: AppFactory,
                                         data_dir: Path, size: tuple[int, int]) -> None:
    """Bad YAML applied with ctrl+s: the error names line and column, nothing changes."""
    write_save(data_dir, unlocked_through(MISSING_ROUTE))

    async def scene(player: Player) -> None:
        await open_missing_route(player)
        await player.choose_object("node/node-a")
        await player.replace_yaml("name: node-a\nroutes: - {to: default}")

    assert snap_compare(new_app(), terminal_size=size, run_before=quiet(scene))


@by_size
def test_new_object_choice_and_draft(snap_compare: SnapCompare, new_app: AppFactory,
                                     data_dir: Path, size: tuple[int, int]) -> None:
    """Level 15, "new object" (a): the Service drafts of the level's namespaces, shop
    highlighted, then the commented starting manifest in the YAML editor."""
    write_save(data_dir, [f"campaign/{k}" for k in CAMPAIGN_IDS])

    async def scene(player: Player) -> None:
        await player.open_level("campaign/short-name-other-namespace")
        await player.new_object(lambda a: a.id == "new-service" and a.namespace == "shop",
                                "a Service in shop")

    assert snap_compare(new_app(), terminal_size=size, run_before=quiet(scene))


# --------------------------------------------------------------------- debrief


@by_size
def test_debrief(snap_compare: SnapCompare, new_app: AppFactory, clock: FakeClock,
                 size: tuple[int, int]) -> None:
    """Level 1 solved at par in 1:23 without hints: ★★★, the lesson, the fix as kubectl."""
    async def scene(player: Player) -> None:
        await player.open_level(PORT_CONFLICT)
        await player.choose_object("deployment/shop/web")
        clock.advance(83)
        await player.quick_action("container-port-1-0", "9113")

    assert snap_compare(new_app(), terminal_size=size, run_before=quiet(scene))

