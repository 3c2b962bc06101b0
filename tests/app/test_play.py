"""The whole app played with the keyboard: real campaign levels, start to debrief.

These tests run ``make_app`` exactly as the CLI does (only the data directory
and the clock are the test's) and drive it with key presses through
``tests.app.player.Player``: level select → enter → briefing → object tree →
quick action or YAML editor → debrief → next level. They check what the
player's keys did to the game — the session, the messages posted, the save
file on disk, the notifications — not only the text on screen.
"""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec

from textual.widgets import Static, TabbedContent

from k8snet_tui.app.screens.briefing import BriefingScreen
from k8snet_tui.app.screens.debrief import DebriefScreen
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.app.screens.level_select import (
    LevelNode,
    LevelSelectScreen,
    LevelTree,
    UnlockScreen,
)
from k8snet_tui.app.screens.load_error import LoadErrorScreen
from k8snet_tui.app.widgets.flow_list import CHANGED_MARK
from k8snet_tui.app.widgets.inspector import Inspector
from k8snet_tui.engine.trace import Reason
from k8snet_tui.model.edits import ReplaceEdit, SetEdit
from tests.app.conftest import AppFactory
from tests.app.player import (
    HOST_NETWORK,
    MISSING_ROUTE,
    NAMED_PORT,
    PORT_CONFLICT,
    SIDECAR_PORT,
    STALE_VIA,
    FakeClock,
    MessageLog,
    Player,
    read_save,
    record_notifications,
    unlocked_through,
    write_save,
)

P = ParamSpec("P")
SIZE = (120, 40)

EXPORTER_PORT = "spec.template.spec.containers[1].ports[0].containerPort"


def sync(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async pilot test under plain pytest (the project has no asyncio plugin)."""
    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))
    return run


def text_of(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).content)


def solved_record(data_dir: Path, key: str) -> dict[str, Any]:
    record: dict[str, Any] = read_save(data_dir)["levels"][key]
    return record


# ------------------------------------------------------------------- campaign


@sync
async def test_three_campaign_levels_solved_in_order_with_keys_only(
        new_app: AppFactory, clock: FakeClock, data_dir: Path) -> None:
    """Levels 1-3 from a fresh save: a prompted quick action twice, then the YAML editor."""
    app = new_app()
    log = MessageLog()
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        p.screen_as(LevelSelectScreen)

        # Level 1: the exporter sidecar declares nginx's port. Quick action + prompt.
        level = await p.open_level(PORT_CONFLICT)
        assert not level.session.solved
        assert any(line.startswith("✗ FAIL") for line in p.flow_lines())
        await p.choose_object("deployment/shop/web")
        clock.advance(83)
        await p.quick_action("container-port-1-0", "9113")
        assert log.edits() == [SetEdit(ref="deployment/shop/web", path=EXPORTER_PORT,
                                       value=9113)]
        assert level.session.result.solved
        debrief = p.screen_as(DebriefScreen)
        assert (debrief.score.edits, debrief.score.par, debrief.score.hints,
                debrief.score.stars) == (1, 1, 0, 3)
        assert text_of(debrief, "#score") == "1 edit (par 1) · 0 hints · 1:23 · ★★★ 3/3"
        assert any("kubectl patch deployment web -n shop" in line for line in debrief.kubectl)
        record = solved_record(data_dir, PORT_CONFLICT)
        assert record["solved"] is True
        assert (record["best_stars"], record["best_edits"], record["best_hints"],
                record["best_seconds"], record["in_progress"]) == (3, 1, 0, 83.0, [])

        # "n" on the debrief opens level 2, replacing level 1's screen.
        await p.press("n")
        assert isinstance(app.screen, BriefingScreen)
        await p.close_briefing()
        level = p.level
        assert level.entry.key == SIDECAR_PORT
        assert [type(s) for s in app.screen_stack[1:]] == [LevelSelectScreen, LevelScreen]

        # Level 2: pgbouncer listens on 6432, the app dials localhost:5432.
        await p.choose_object("deployment/shop/orders")
        ids = [a.id for a in p.level.query_one(Inspector).actions]
        pgbouncer = next(i for i in ids if i.startswith("container-port-1-"))
        clock.advance(30)
        await p.quick_action(pgbouncer, "5432")
        assert level.session.solved
        debrief = p.screen_as(DebriefScreen)
        assert text_of(debrief, "#score") == "1 edit (par 1) · 0 hints · 0:30 · ★★★ 3/3"

        await p.press("n")
        await p.close_briefing()
        level = p.level
        assert level.entry.key == NAMED_PORT

        # Level 3: a port name, which no quick action changes: fixed in the YAML editor.
        await p.choose_object("deployment/shop/api")
        await p.retype_in_yaml("http-metrics", "metrics")
        replace = log.edits()[-1]
        assert isinstance(replace, ReplaceEdit)
        assert replace.ref == "deployment/shop/api"
        ports = replace.manifest["spec"]["template"]["spec"]["containers"][0]["ports"]
        assert [port["name"] for port in ports] == ["http", "metrics"]
        assert level.session.solved
        debrief = p.screen_as(DebriefScreen)
        assert debrief.score.stars == 3
        assert "1 edit (par 1) · 0 hints" in text_of(debrief, "#score")

        await p.press("n")
        await p.close_briefing()
        assert p.level.entry.key == HOST_NETWORK

    save = read_save(data_dir)
    assert save["last_level"] == HOST_NETWORK
    assert {k for k, r in save["levels"].items() if r["solved"]} == {
        PORT_CONFLICT, SIDECAR_PORT, NAMED_PORT}


@sync
async def test_yaml_retyped_whole_refuses_bad_yaml_then_fixes_the_level(
        new_app: AppFactory, data_dir: Path) -> None:
    """Select all, type, ctrl+s: a syntax error changes nothing; the good YAML solves it."""
    write_save(data_dir, unlocked_through(MISSING_ROUTE))
    app = new_app()
    log = MessageLog()
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(MISSING_ROUTE)
        before = level.session.level
        inspector = await p.choose_object("node/node-a")

        await p.replace_yaml("name: node-a\nroutes: - {to: default}")
        error = text_of(inspector, "#inspector-yaml-error")
        assert error.startswith("✗ line 2:9: ")
        assert "nothing was changed" in error
        assert log.edits() == []
        assert level.session.level is before
        assert level.session.edits == []
        assert isinstance(app.screen, LevelScreen)

        await p.replace_yaml("name: node-a\nroutes:\n- {to: 10.244.1.0/24, via: 192.168.0.12}\n"
                             "- {to: default, via: 192.168.0.1}\n")
        assert log.edits() == [ReplaceEdit(ref="node/node-a", manifest={
            "name": "node-a", "routes": [{"to": "10.244.1.0/24", "via": "192.168.0.12"},
                                         {"to": "default", "via": "192.168.0.1"}]})]
        assert level.session.solved
        debrief = p.screen_as(DebriefScreen)
        assert debrief.score.stars == 3
        assert solved_record(data_dir, MISSING_ROUTE)["solved"] is True


# --------------------------------------------------------- undo, redo, reset


@sync
async def test_undo_redo_and_reset_keys_change_the_session_and_the_flow_list(
        new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(PORT_CONFLICT)
        session = level.session
        broken = p.flow_lines()
        assert broken[0].startswith("✗ FAIL the exporter reads nginx's status over localhost")
        assert Reason.PORT_CONFLICT.value in broken[0]
        assert not any(CHANGED_MARK in line for line in broken)

        def unmarked() -> list[str]:
            """The flow lines without the "changed by the last edit" marks."""
            return [re.sub(f" {CHANGED_MARK} (fixed|broke|changed)$", "", line)
                    for line in p.flow_lines()]

        # 9000 ends the port conflict but Prometheus still scrapes 9113: not solved.
        await p.choose_object("deployment/shop/web")
        await p.quick_action("container-port-1-0", "9000")
        assert len(session.edits) == 1
        assert not session.solved
        one_edit = unmarked()
        assert one_edit[0].startswith("✓ ok the exporter reads nginx's status")
        assert one_edit[1].startswith("✗ FAIL Prometheus scrapes the exporter")
        assert p.flow_lines()[0].endswith(f"{CHANGED_MARK} fixed")  # what this edit did
        assert "1 edit (par 1)" in text_of(level, "#status")
        assert "Last edit: fixed 2 (◆ in the list)" in text_of(level, "#status")

        await p.press("z")
        assert session.edits == []
        assert session.can_redo
        assert unmarked() == broken
        assert p.flow_lines()[0].endswith(f"{CHANGED_MARK} broke")  # undo broke it again
        assert "0 edits" in text_of(level, "#status")
        assert "Last edit: broke 2" in text_of(level, "#status")

        await p.press("y")
        assert len(session.edits) == 1
        assert not session.can_redo
        assert unmarked() == one_edit

        await p.press("R")
        assert session.edits == []
        assert not session.can_redo
        assert unmarked() == broken
        assert isinstance(app.screen, LevelScreen)

        # A reset is undoable: z brings back the edit it threw away.
        assert session.can_undo
        await p.press("z")
        assert len(session.edits) == 1
        assert unmarked() == one_edit


# ----------------------------------------------------------------------- hints


@sync
async def test_a_hint_is_counted_and_costs_a_star_in_the_debrief(
        new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(PORT_CONFLICT)
        await p.press("h")
        assert level.session.hints_used == 1
        first_hint = level.session.shown_hints()[0]
        assert any(n.title.startswith("Hint 1") and n.message == first_hint for n in notes)
        # The toast may cut a long hint short; the Briefing tab shows it whole, on top.
        assert level.query_one("#tabs", TabbedContent).active == "brief"
        assert text_of(level, "#hints") == f"Hint 1: {first_hint}"
        assert "1 hint" in text_of(level, "#status")
        assert read_save(data_dir)["levels"][PORT_CONFLICT]["hints_in_progress"] == 1

        # The briefing, opened again with b, lists the hint already paid for (no new cost).
        await p.press("b")
        assert p.screen_as(BriefingScreen).hints_shown == [first_hint]
        await p.close_briefing()
        assert level.session.hints_used == 1

        await p.choose_object("deployment/shop/web")
        await p.quick_action("container-port-1-0", "9113")
        debrief = p.screen_as(DebriefScreen)
        assert (debrief.score.hints, debrief.score.stars) == (1, 2)
        assert "1 edit (par 1) · 1 hint · " in text_of(debrief, "#score")
        assert text_of(debrief, "#score").endswith("★★☆ 2/3")
        assert "1 hint shown" in text_of(debrief, "#verdict")
    record = solved_record(data_dir, PORT_CONFLICT)
    assert (record["best_stars"], record["best_hints"]) == (2, 1)


# ------------------------------------------------------------- save and resume


@sync
async def test_edits_in_progress_are_saved_and_resumed_by_a_new_app(
        new_app: AppFactory, data_dir: Path) -> None:
    """Stale via (par 2): fix one of two routes, take a hint, leave; a new app carries on."""
    write_save(data_dir, unlocked_through(STALE_VIA))
    first_edit = SetEdit(ref="node/node-a", path="routes[0].via", value="192.168.0.15")

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(STALE_VIA)
        await p.choose_object("node/node-a")
        await p.quick_action("route-via-10.244.1.0/24", "192.168.0.15")
        assert level.session.edits == [first_edit]
        assert not level.session.solved
        await p.press("h")
        record = read_save(data_dir)["levels"][STALE_VIA]
        assert record["in_progress"] == [first_edit.model_dump(mode="json")]
        assert record["hints_in_progress"] == 1

        await p.press("q")
        select = p.screen_as(LevelSelectScreen)
        tree = select.query_one(LevelTree)
        assert tree.cursor_node is not None
        assert str(tree.cursor_node.label).startswith("… started")
    assert read_save(data_dir)["last_level"] == STALE_VIA

    again = new_app()
    notes = record_notifications(again)
    async with again.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        tree = p.screen_as(LevelSelectScreen).query_one(LevelTree)
        cursor = tree.cursor_node
        assert cursor is not None
        assert isinstance(cursor.data, LevelNode)
        assert cursor.data.level.key == STALE_VIA  # the level select resumes where we left
        await p.focus_type(LevelTree)
        await p.press("enter")
        level = p.level  # no briefing: the player has started this level already
        assert level.session.edits == [first_edit]
        assert level.session.hints_used == 1
        assert any("Resumed with 1 edit in progress" in n.message for n in notes)

        await p.choose_object("node/node-c")
        await p.quick_action("route-via-10.244.1.0/24", "192.168.0.15")
        debrief = p.screen_as(DebriefScreen)
        assert (debrief.score.edits, debrief.score.hints, debrief.score.stars) == (2, 1, 2)
    record = read_save(data_dir)["levels"][STALE_VIA]
    assert record["solved"] is True
    assert record["in_progress"] == []


# -------------------------------------------------------------- broken inputs

BAD_LEVEL = """\
format: k8snet/v1
id: bad-level
title: A broken level
briefing: The Service's port is not a number.
resources:
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: api}
      ports:
        - port: seventy
flows:
  - {from: internet, to: "service/shop/api:80", expect: allow}
"""


@sync
async def test_a_broken_level_file_lists_its_problems_and_returns_to_level_select(
        new_app: AppFactory, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD_LEVEL, encoding="utf-8")
    app = new_app([bad])
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        errors = p.screen_as(LoadErrorScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [LevelSelectScreen, LoadErrorScreen]
        problem = errors.problems[0]
        assert (problem.line, problem.field) == (12, "resources[0].spec.ports[0].port")
        lines = [str(s.content) for s in errors.query(".problem").results(Static)]
        assert any(line.startswith(f"{bad}:12:") and "resources[0].spec.ports[0].port" in line
                   for line in lines)

        await p.press("escape")
        p.screen_as(LevelSelectScreen)
        assert not any(isinstance(s, LevelScreen) for s in app.screen_stack)
        assert app.is_running

        # Trying again shows the same problems again rather than crashing.
        await p.focus_type(LevelTree)
        await p.press("enter")
        p.screen_as(LoadErrorScreen)


@sync
async def test_a_corrupt_save_is_kept_aside_and_never_overwritten(
        new_app: AppFactory, data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    garbage = '{"levels": {"campaign/port-conflict": {"solved": tru'
    (data_dir / "progress.json").write_text(garbage, encoding="utf-8")
    app = new_app()
    notes = record_notifications(app)
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        p.screen_as(LevelSelectScreen)
        kept = data_dir / "progress.corrupt-1.json"
        warning = [n for n in notes if n.title == "Save file"]
        assert len(warning) == 1
        assert warning[0].severity == "warning"
        assert str(kept) in warning[0].message
        assert kept.read_text(encoding="utf-8") == garbage

        # Playing writes a fresh save beside it; the corrupt one is left alone.
        await p.open_level(PORT_CONFLICT)
        assert read_save(data_dir)["last_level"] == PORT_CONFLICT
        assert kept.read_text(encoding="utf-8") == garbage

    # A second corrupt save goes next to the first, not over it.
    (data_dir / "progress.json").write_text("[1, 2", encoding="utf-8")
    again = new_app()
    notes = record_notifications(again)
    async with again.run_test(size=SIZE) as pilot:
        await Player(pilot).settle()
        assert any(str(data_dir / "progress.corrupt-2.json") in n.message for n in notes)
    assert (data_dir / "progress.corrupt-1.json").read_text(encoding="utf-8") == garbage
    assert (data_dir / "progress.corrupt-2.json").read_text(encoding="utf-8") == "[1, 2"


# ------------------------------------------------------------ locks, palette


@sync
async def test_a_locked_level_opens_only_when_the_player_confirms(new_app: AppFactory,
                                                                  data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.highlight_level(SIDECAR_PORT)
        details = text_of(app.screen, "#details")
        assert "🔒 Locked: solve “Two containers, one port” first" in details
        await p.press("enter")
        p.screen_as(UnlockScreen)
        await p.press("escape")
        p.screen_as(LevelSelectScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [LevelSelectScreen]
    assert not (data_dir / "progress.json").exists()  # nothing was opened, nothing saved


@sync
async def test_the_palette_jumps_to_unlocked_levels_and_undoes(
        new_app: AppFactory, data_dir: Path) -> None:
    write_save(data_dir, [PORT_CONFLICT])
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        hits = await p.palette("jump")
        assert any(h.startswith("Jump to level: Two containers, one port") for h in hits)
        assert any(h.startswith("Jump to level: The proxy next door") for h in hits)
        # Level 3 is still locked: listed as such, and choosing it would open it anyway.
        assert any(h.startswith("Jump to level: What's in a name (locked)\n") for h in hits)
        target = next(i for i, h in enumerate(hits)
                      if h.startswith("Jump to level: The proxy next door"))
        await p.palette_choose(target)
        await p.close_briefing()
        level = p.level
        assert level.entry.key == SIDECAR_PORT

        await p.choose_object("deployment/shop/orders")
        pgbouncer = next(i for i in (a.id for a in level.query_one(Inspector).actions)
                         if i.startswith("container-port-1-"))
        await p.quick_action(pgbouncer, "7000")
        assert len(level.session.edits) == 1

        hits = await p.palette("undo")
        await p.palette_choose(next(i for i, h in enumerate(hits) if h.startswith("Undo")))
        assert p.level is level
        assert level.session.edits == []
        assert level.session.can_redo

