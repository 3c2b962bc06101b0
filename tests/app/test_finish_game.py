"""Issue "Finish the game": the UI can make every edit a level allows, by keys alone.

Each test drives the real app (``make_app``) with key presses through
``tests.app.player.Player`` and checks the session, the messages and the save
— not only the text on screen.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList, Static, TabbedContent

from k8snet_tui.app.screens.choose import ChooseScreen
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.app.screens.level_select import LevelSelectScreen
from k8snet_tui.app.widgets.inspector import Inspector
from k8snet_tui.app.widgets.object_tree import ObjectTree
from k8snet_tui.game.edits import find_object
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.model.edits import CreateEdit, DeleteEdit
from k8snet_tui.model.load import load_level
from tests.app.conftest import AppFactory
from tests.app.player import MessageLog, Player, read_save, write_save
from tests.app.test_play import SIZE, sync

CAMPAIGN = load_pack(builtin_pack_path())
KEYS = [f"{CAMPAIGN.id}/{load_level(e.path).spec.id}" for e in CAMPAIGN.levels]
# Level 15 "It worked in dev", where a learner stopped: it needs a new Service.
SHORT_NAME = f"{CAMPAIGN.id}/short-name-other-namespace"
MISSING_ALLOW = f"{CAMPAIGN.id}/policy-missing-allow"  # create a NetworkPolicy
SELECTOR_TYPO = f"{CAMPAIGN.id}/selector-typo"


def _open_all(data_dir: Path) -> None:
    write_save(data_dir, KEYS)


@sync
async def test_escape_never_leaves_the_level_and_q_does(new_app: AppFactory,
                                                       data_dir: Path) -> None:
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(SELECTOR_TYPO)
        await p.choose_object("service/shop/cart")
        await p.focus(lambda w: w.id == "inspector-actions", "the quick actions")
        await p.press("z")  # a toast: nothing to undo
        for _ in range(4):
            await p.press("escape")
            assert isinstance(p.app.screen, LevelScreen)
        assert not p.app._notifications  # esc closed the toast
        await p.press("q")
        p.screen_as(LevelSelectScreen)


@sync
async def test_level_15_creates_the_service_it_needs_from_the_new_object_key(
        new_app: AppFactory, data_dir: Path) -> None:
    """The level a learner stopped at: "new object" → Service → YAML → ctrl+s."""
    _open_all(data_dir)
    log = MessageLog()
    async with new_app().run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(SHORT_NAME)
        puzzle = level.session.start.spec.puzzle
        assert puzzle is not None
        (step,) = puzzle.solution
        assert isinstance(step, CreateEdit)
        await p.press("a")
        chooser = p.screen_as(ChooseScreen)
        assert "Service (ClusterIP) in shop" in chooser.options
        assert not any("kube-system" in o for o in chooser.options)  # scenery here
        await p.press("escape")  # cancel: nothing happens
        p.screen_as(LevelScreen)
        assert log.edits() == []
        await p.create(step.manifest)
        assert [type(e) for e in log.edits()] == [CreateEdit]
        assert p.app.screen.__class__.__name__ == "DebriefScreen"
        assert level.session.score().edits == 1


@sync
async def test_a_draft_with_a_mistake_is_refused_and_kept_for_the_player_to_fix(
        new_app: AppFactory, data_dir: Path) -> None:
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(MISSING_ALLOW)
        area = await p.new_object(lambda a: a.id == "new-networkpolicy", "a NetworkPolicy")
        await p.press("ctrl+end")
        await p.type_text("\n  bogus: [")
        await p.press("ctrl+s")
        inspector = level.query_one(Inspector)
        assert inspector.draft is not None  # still drafting, text intact
        assert "bogus" in area.text
        assert not level.session.edits


CREATE_ONLY = """\
format: k8snet/v1
id: create-only
title: Create only
resources:
  - {apiVersion: v1, kind: Pod, metadata: {name: web, namespace: shop, labels: {app: web}}}
  - {apiVersion: v1, kind: Pod, metadata: {name: db, namespace: shop, labels: {app: db}}}
flows:
  - {name: web must not reach db, from: pod/shop/web, to: pod/shop/db:5432, expect: deny}
puzzle:
  editable: []
  create: [NetworkPolicy]
  par: 1
  solution:
    - op: create
      manifest:
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny, namespace: shop}
        spec: {podSelector: {}}
"""


@sync
async def test_a_policy_the_player_created_can_be_deleted_and_renamed_from_the_ui(
        new_app: AppFactory, tmp_path: Path) -> None:
    """The puzzle allows creating policies but not deleting the level's own: the player's
    own policy is theirs to delete and rename (the rule game.locks has always had)."""
    path = tmp_path / "create-only.yaml"
    path.write_text(CREATE_ONLY, encoding="utf-8")
    log = MessageLog()
    async with new_app([path]).run_test(size=SIZE, message_hook=log) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        level = p.level
        await p.new_object(lambda a: a.id == "new-networkpolicy", "a NetworkPolicy")
        draft = level.query_one(Inspector).draft
        assert draft is not None
        assert draft.draft is not None
        assert "namespace: shop" in draft.draft  # where the level's pods are
        await p.press("ctrl+s")
        assert level.last_error is None
        ref = "networkpolicy/shop/new-networkpolicy"
        assert find_object(level.session.level, ref)
        assert level.selected_ref == ref  # the new object is shown
        inspector = level.query_one(Inspector)
        assert {"delete", "rename"} <= {a.kind for a in inspector.actions}
        await p.quick_action("rename", "web-to-db")
        assert find_object(level.session.level, "networkpolicy/shop/web-to-db")
        assert level.session.score().edits == 3  # create, then delete + create
        await p.press("z")  # one undo takes the whole rename back
        assert find_object(level.session.level, ref)
        await p.choose_object(ref)
        await p.quick_action("delete-networkpolicy")
        assert isinstance(log.edits()[-1], DeleteEdit)
        assert [r for r in level.session.level.world.refs if r.startswith("networkpolicy/")] \
            == []


@sync
async def test_hints_shown_before_any_edit_still_count_after_leaving_and_coming_back(
        new_app: AppFactory, data_dir: Path) -> None:
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(SELECTOR_TYPO)
        await p.press("h")
        assert level.session.hints_used == 1
        await p.press("q")
        assert read_save(data_dir)["levels"][SELECTOR_TYPO]["hints_in_progress"] == 1
        level = await p.open_level(SELECTOR_TYPO)
        assert level.session.hints_used == 1
        assert not level.session.edits
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(SELECTOR_TYPO)
        assert level.session.hints_used == 1
        assert level.session.score().hints == 1


@sync
async def test_new_object_header_palette_delete_and_a_gone_object_say_what_they_are(
        new_app: AppFactory, tmp_path: Path) -> None:
    """Play-test findings: the first ``a`` shows the draft's own header; the palette
    offers Delete/Rename of the player's object; after undo the inspector says the
    object is gone instead of calling it locked; Tab leaves the YAML editor."""
    path = tmp_path / "create-only.yaml"
    path.write_text(CREATE_ONLY, encoding="utf-8")
    async with new_app([path]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        level = p.level
        area = await p.new_object(lambda a: a.id == "new-networkpolicy", "a NetworkPolicy")
        title = level.query_one("#inspector-title", Static)
        assert str(title.content) == "New NetworkPolicy in shop"
        await p.press("tab")
        assert p.app.focused is not area  # Tab moves on; it does not indent
        await p.focus(lambda w: w is area, "the YAML editor")
        await p.press("ctrl+s")
        ref = "networkpolicy/shop/new-networkpolicy"
        assert p.app.focused is level.query_one("#inspector-actions")  # its own actions
        hits = await p.palette("object: networkpolicy")
        assert any(h.startswith(f"Delete object: {ref}") for h in hits)
        assert any(h.startswith(f"Rename object: {ref}") for h in hits)
        await p.press("escape")
        await p.press("z")
        assert str(title.content) == f"{ref} is gone (deleted or undone)"


@sync
async def test_a_on_a_kind_heading_of_the_tree_offers_that_kind_there_first(
        new_app: AppFactory, data_dir: Path) -> None:
    """The tree's namespace/kind lines lead to "new object" too: ``a`` on "Services" of
    payments highlights a new Service in payments."""
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(SHORT_NAME)
        tree = await p.focus_type(ObjectTree)
        node = tree.node_for_key("ns/payments/Services")
        assert node is not None
        await p.press("home", *["down"] * node.line)
        assert tree.cursor_node is node
        await p.press("a")
        chooser = p.screen_as(ChooseScreen)
        highlighted = chooser.query_one(OptionList).highlighted
        assert highlighted is not None
        assert chooser.options[highlighted] == "Service (ClusterIP) in payments"


GREEN_TOO_SOON = f"{CAMPAIGN.id}/green-too-soon"


@sync
async def test_escape_gives_the_keyboard_back_from_the_yaml_editor(
        new_app: AppFactory, data_dir: Path) -> None:
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(SELECTOR_TYPO)
        await p.choose_object("service/shop/cart")
        area = await p.yaml_editor()
        before = area.text
        await p.press("escape")
        assert p.app.focused is not area
        await p.press("2")  # a game key again, not a letter in the manifest
        assert area.text == before
        assert level.query_one("#tabs", TabbedContent).active == "trace"


@sync
async def test_e_offers_a_new_policy_when_no_policy_allows_the_flow(
        new_app: AppFactory, data_dir: Path) -> None:
    """Deny by default: the fix is a new policy, not the default deny the trace blames."""
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(MISSING_ALLOW)
        assert not level.session.result.traces[level.selected_flow].ok
        await p.press("e")
        chooser = p.screen_as(ChooseScreen)
        highlighted = chooser.query_one(OptionList).highlighted
        assert highlighted is not None
        assert chooser.options[highlighted] == "NetworkPolicy in shop"


@sync
async def test_e_opens_what_the_player_may_change_not_a_locked_pod(
        new_app: AppFactory, data_dir: Path) -> None:
    _open_all(data_dir)
    async with new_app().run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(GREEN_TOO_SOON)
        await p.press("e")
        ref = level.selected_ref
        assert ref is not None
        assert level.session.editable(ref) is not None, ref
