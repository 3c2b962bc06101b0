"""The helper screens: level select, debrief, help, briefing and load errors.

Each screen is mounted alone in a tiny App (so these tests do not depend on
the level screen or the app's start-up), driven by keys and the mouse, and
checked by what it posts or dismisses with and by its widgets' state — at
80×24 (the smallest supported terminal) and 120×40.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from rich.cells import cell_len
from textual.app import App
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Button, Markdown, Static

from k8snet_tui.app.messages import LevelChosen
from k8snet_tui.app.screens.briefing import BriefingScreen, hints_markdown
from k8snet_tui.app.screens.debrief import (
    DebriefScreen,
    changes_markdown,
    code_fence,
    score_line,
)
from k8snet_tui.app.screens.help import (
    GAME_KEYS,
    HelpScreen,
    glossary_markdown,
    help_markdown,
    keys_markdown,
    md_escape,
)
from k8snet_tui.app.screens.level_select import (
    ChapterNode,
    LevelNode,
    LevelSelectScreen,
    LevelTree,
    PackNode,
    UnlockScreen,
    difficulty_dots,
    format_seconds,
    level_label,
    problem_notice,
    stars,
)
from k8snet_tui.app.screens.load_error import LoadErrorScreen, problem_line
from k8snet_tui.engine.trace import REASON_DOCS, Reason
from k8snet_tui.game.catalog import Catalog, LevelEntry, PackEntry, build_catalog
from k8snet_tui.game.progress import LevelRecord, SaveFile, record_solved
from k8snet_tui.game.session import Score
from k8snet_tui.model.load import load_level_text
from k8snet_tui.model.problems import LevelError, Problem

LEVELS = Path(__file__).resolve().parents[2] / "levels"
SIZES = [(80, 24), (120, 40)]

ScreenFactory = Callable[[], Screen[Any]]
Drive = Callable[["Harness", Pilot[None]], Awaitable[None]]


@pytest.fixture(autouse=True)
def _quiet_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No animations, no colour surprises, no real save directory."""
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("K8SNET_TUI_DATA_DIR", str(tmp_path / "data"))


class Harness(App[None]):
    """Pushes one screen and records what it posts and what it dismisses with."""

    def __init__(self, factory: ScreenFactory) -> None:
        super().__init__()
        self.factory = factory
        self.chosen: list[LevelChosen] = []
        self.results: list[object] = []

    def on_mount(self) -> None:
        self.push_screen(self.factory(), self.results.append)

    def on_level_chosen(self, message: LevelChosen) -> None:
        self.chosen.append(message)


def run(factory: ScreenFactory, drive: Drive, size: tuple[int, int] = (120, 40)) -> Harness:
    app = Harness(factory)

    async def go() -> None:
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await drive(app, pilot)
            await pilot.pause()

    asyncio.run(go())
    return app


# ------------------------------------------------------------------ data
@pytest.fixture(scope="module")
def campaign() -> Catalog:
    catalog = build_catalog([LEVELS])
    assert catalog.packs, "the built-in campaign loads"
    assert catalog.packs[0].levels, "the built-in campaign has levels"
    return catalog


def _level_yaml(level_id: str, title: str, difficulty: int) -> str:
    # The catalog reads only level headers, so a header and no cluster is enough here.
    return (f"format: k8snet/v1\nid: {level_id}\ntitle: {title}\ndifficulty: {difficulty}\n"
            f"concepts: [{level_id}-concept]\nflows: []\n")


@pytest.fixture
def ordered(tmp_path: Path) -> Catalog:
    """A pack with two chapters whose levels unlock in order, and a flat unlockAll pack."""
    inorder = tmp_path / "inorder"
    (inorder / "one").mkdir(parents=True)
    (inorder / "two").mkdir()
    (inorder / "pack.yaml").write_text(
        "format: k8snet/v1\nid: inorder\ntitle: In order\nauthor: Ada\nversion: 1.2.3\n"
        "description: Levels that open one after another.\n"
        "chapters:\n"
        "  - {id: one, title: Chapter one, levels: [one/a.yaml, one/b.yaml]}\n"
        "  - {id: two, title: Chapter two, levels: [two/c.yaml]}\n", encoding="utf-8")
    for folder, level_id, title, diff in (("one", "a", "Alpha", 1), ("one", "b", "Beta", 3),
                                          ("two", "c", "Gamma", 5)):
        (inorder / folder / f"{level_id}.yaml").write_text(_level_yaml(level_id, title, diff),
                                                           encoding="utf-8")
    free = tmp_path / "free"
    free.mkdir()
    (free / "pack.yaml").write_text(
        "format: k8snet/v1\nid: free\ntitle: Free play\nunlockAll: true\n"
        "levels: [x.yaml, y.yaml]\n", encoding="utf-8")
    (free / "x.yaml").write_text(_level_yaml("x", "Ex", 2), encoding="utf-8")
    (free / "y.yaml").write_text(_level_yaml("y", "Why", 2), encoding="utf-8")
    catalog = build_catalog([inorder, free])
    assert not catalog.problems
    return catalog


def _level(catalog: Catalog, key: str) -> tuple[PackEntry, LevelEntry]:
    found = catalog.find(key)
    assert found is not None, key
    return found


def _solved(*keys: str, edits: int = 2, stars_: int = 2) -> SaveFile:
    save = SaveFile()
    for key in keys:
        record_solved(save, key, edits=edits, stars=stars_, hints=1, seconds=83)
    return save


def _walk(tree: LevelTree) -> Iterator[Any]:
    stack = list(reversed(tree.root.children))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def _details(app: Harness) -> str:
    return str(app.screen.query_one("#details", Static).content)


def _cursor_data(app: Harness) -> object:
    node = app.screen.query_one(LevelTree).cursor_node
    return node.data if node is not None else None


# ----------------------------------------------------------- level select
@pytest.mark.parametrize("size", SIZES)
def test_level_select_lists_every_pack_chapter_and_level_in_play_order(
        campaign: Catalog, size: tuple[int, int]) -> None:
    seen: dict[str, list[str]] = {}

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        nodes = list(_walk(app.screen.query_one(LevelTree)))
        seen["packs"] = [n.data.pack.id for n in nodes if isinstance(n.data, PackNode)]
        seen["chapters"] = [n.data.chapter.id for n in nodes if isinstance(n.data, ChapterNode)]
        seen["levels"] = [n.data.level.key for n in nodes if isinstance(n.data, LevelNode)]

    run(lambda: LevelSelectScreen(campaign, SaveFile(), None), drive, size)
    assert seen["packs"] == [p.id for p in campaign.packs]
    # a flat pack (``levels:`` instead of ``chapters:``) has no chapter line
    assert seen["chapters"] == [c.id for p in campaign.packs for c in p.chapters
                                if not (len(p.chapters) == 1 and c.id == p.id)]
    assert seen["levels"] == [lvl.key for p in campaign.packs for lvl in p.levels]


def test_level_line_shows_status_stars_difficulty_and_best_edits(ordered: Catalog) -> None:
    pack, alpha = _level(ordered, "inorder/a")
    _, beta = _level(ordered, "inorder/b")
    _, gamma = _level(ordered, "inorder/c")
    save = _solved("inorder/a", edits=2, stars_=2)
    solved = level_label(pack, alpha, save).plain
    assert solved.startswith("✓ solved")
    assert "★★☆" in solved
    assert "●○○○○" in solved
    assert "Alpha" in solved
    assert "best 2 edits" in solved
    fresh = level_label(pack, beta, save).plain
    assert fresh.startswith("· new")
    assert "●●●○○" in fresh
    assert "best" not in fresh
    locked = level_label(pack, gamma, save).plain
    assert locked.startswith("🔒 locked")
    assert "●●●●●" in locked


def test_level_line_marks_a_level_with_saved_edits_as_started(ordered: Catalog) -> None:
    pack, alpha = _level(ordered, "inorder/a")
    save = SaveFile(levels={"inorder/a": LevelRecord(hints_in_progress=1)})
    assert level_label(pack, alpha, save).plain.startswith("… started")


@pytest.mark.parametrize(("count", "text"), [(0, "☆☆☆"), (2, "★★☆"), (3, "★★★"), (7, "★★★")])
def test_stars_are_symbols_not_colour(count: int, text: str) -> None:
    assert stars(count) == text


def test_difficulty_is_five_dots_and_time_is_minutes_seconds() -> None:
    assert difficulty_dots(2) == "●●○○○"
    assert difficulty_dots(9) == "●●●●●"
    assert format_seconds(83.4) == "1:23"
    assert format_seconds(3725) == "1:02:05"


@pytest.mark.parametrize("size", SIZES)
def test_enter_on_an_open_level_posts_level_chosen(campaign: Catalog,
                                                   size: tuple[int, int]) -> None:
    pack = campaign.packs[0]

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        data = _cursor_data(app)
        assert isinstance(data, LevelNode)
        assert data.level.key == pack.levels[0].key
        await pilot.press("enter")

    app = run(lambda: LevelSelectScreen(campaign, SaveFile(), None), drive, size)
    assert app.chosen == [LevelChosen(pack.id, 0)]


@pytest.mark.parametrize("size", SIZES)
def test_locked_level_asks_before_opening_and_the_panel_says_why(ordered: Catalog,
                                                                size: tuple[int, int]) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        data = _cursor_data(app)
        assert isinstance(data, LevelNode)
        assert data.level.key == "inorder/b"
        assert "Locked: solve “Alpha” first" in _details(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert "solve “Alpha” first" in app.screen.question
        await pilot.press("escape")  # cancel: nothing is opened
        await pilot.pause()
        assert isinstance(app.screen, LevelSelectScreen)

    app = run(lambda: LevelSelectScreen(ordered, SaveFile(), "inorder/b"), drive, size)
    assert app.chosen == []


def test_solving_the_level_before_unlocks_the_next(ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        await pilot.press("enter")

    app = run(lambda: LevelSelectScreen(ordered, _solved("inorder/a"), "inorder/b"), drive)
    assert app.chosen == [LevelChosen("inorder", 1)]


def test_pack_with_unlock_all_opens_any_level_and_lists_levels_without_chapters(
        ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        node = app.screen.query_one(LevelTree).cursor_node
        assert node is not None
        assert node.parent is not None
        assert isinstance(node.parent.data, PackNode)  # flat pack: no chapter line
        await pilot.press("enter")

    app = run(lambda: LevelSelectScreen(ordered, SaveFile(), "free/y"), drive)
    assert app.chosen == [LevelChosen("free", 1)]


def test_mouse_click_on_a_level_opens_it(campaign: Catalog) -> None:
    pack = campaign.packs[0]

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        tree = app.screen.query_one(LevelTree)
        line = next(n.line for n in _walk(tree) if isinstance(n.data, LevelNode))
        await pilot.click(LevelTree, offset=(12, 1 + line - tree.scroll_offset.y))

    app = run(lambda: LevelSelectScreen(campaign, SaveFile(), None), drive)
    assert app.chosen == [LevelChosen(pack.id, 0)]


@pytest.mark.parametrize("size", SIZES)
def test_focus_key_resumes_on_the_last_level_played(campaign: Catalog,
                                                    size: tuple[int, int]) -> None:
    last = campaign.packs[-1].levels[-1]

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        data = _cursor_data(app)
        assert isinstance(data, LevelNode)
        assert data.level.key == last.key
        assert last.title in _details(app)

    run(lambda: LevelSelectScreen(campaign, SaveFile(), last.key), drive, size)


def test_without_focus_key_the_first_unsolved_open_level_is_highlighted(
        ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        data = _cursor_data(app)
        assert isinstance(data, LevelNode)
        assert data.level.key == "inorder/b"

    run(lambda: LevelSelectScreen(ordered, _solved("inorder/a"), "no/such-level"), drive)


def test_side_panel_describes_the_highlighted_pack_chapter_and_level(ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        await pilot.press("home")
        await pilot.pause()
        pack_text = _details(app)
        assert "In order" in pack_text
        assert "by Ada" in pack_text
        assert "1.2.3" in pack_text
        assert "Levels that open one after another." in pack_text
        assert "1 of 3 levels solved" in pack_text
        await pilot.press("down")
        await pilot.pause()
        assert "Chapter one" in _details(app)
        await pilot.press("down")
        await pilot.pause()
        level_text = _details(app)
        assert "Alpha" in level_text
        assert "a-concept" in level_text
        assert "Difficulty ●○○○○ 1/5" in level_text
        assert "Best: ★★☆ 2/3 stars · 2 edits · 1 hint · 1:23" in level_text

    run(lambda: LevelSelectScreen(ordered, _solved("inorder/a"), None), drive)


def test_refresh_progress_relabels_after_a_level_is_solved(ordered: Catalog) -> None:
    save = SaveFile()

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert isinstance(screen, LevelSelectScreen)
        labels = {n.data.level.key: n.label.plain for n in _walk(screen.query_one(LevelTree))
                  if isinstance(n.data, LevelNode)}
        assert labels["inorder/b"].startswith("🔒 locked")
        record_solved(save, "inorder/a", edits=1, stars=3, hints=0, seconds=10)
        screen.refresh_progress()
        labels = {n.data.level.key: n.label.plain for n in _walk(screen.query_one(LevelTree))
                  if isinstance(n.data, LevelNode)}
        assert labels["inorder/a"].startswith("✓ solved")
        assert "★★★" in labels["inorder/a"]
        assert labels["inorder/b"].startswith("· new")

    run(lambda: LevelSelectScreen(ordered, save, None), drive)


@pytest.mark.parametrize("size", SIZES)
def test_packs_that_failed_to_load_are_reported_and_listed_on_e(
        campaign: Catalog, tmp_path: Path, size: tuple[int, int]) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "pack.yaml").write_text("format: k8snet/v1\nid: broken\nlevels: 3\n",
                                      encoding="utf-8")
    catalog = build_catalog([LEVELS, broken])
    assert catalog.problems

    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        notice = app.screen.query_one("#notice", Static)
        assert notice.display
        assert "kept a pack from loading" in str(notice.content)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, LoadErrorScreen)
        assert len(app.screen.query(".problem")) == len(catalog.problems)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LevelSelectScreen)
        # the same list from the mouse: the "show them" link at the end of the notice
        link_x = 1 + cell_len(problem_notice(catalog) or "") + 4
        await pilot.click("#notice", offset=(link_x, 0))
        await pilot.pause()
        assert isinstance(app.screen, LoadErrorScreen)

    run(lambda: LevelSelectScreen(catalog, SaveFile(), None), drive, size)


def test_without_problems_the_notice_is_hidden_and_e_does_nothing(ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        assert not app.screen.query_one("#notice", Static).display
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, LevelSelectScreen)

    run(lambda: LevelSelectScreen(ordered, SaveFile(), None), drive)


def test_question_mark_opens_help_and_escape_comes_back(ordered: Catalog) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LevelSelectScreen)

    run(lambda: LevelSelectScreen(ordered, SaveFile(), None), drive)


@pytest.mark.parametrize(("size", "narrow"), [((80, 24), True), ((120, 40), False)])
def test_details_sit_beside_the_tree_when_wide_and_below_it_when_narrow(
        campaign: Catalog, size: tuple[int, int], narrow: bool) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        tree = app.screen.query_one(LevelTree).region
        details = app.screen.query_one("#details-scroll").region
        if narrow:
            assert details.y >= tree.bottom
            assert details.width == tree.width
        else:
            assert details.x >= tree.right
            assert details.y == tree.y
        assert details.height >= 5

    run(lambda: LevelSelectScreen(campaign, SaveFile(), None), drive, size)


# ---------------------------------------------------------------- debrief
SCORE = Score(edits=2, par=2, hints=0, seconds=83, stars=3)
KUBECTL = ["kubectl patch service api -n shop --type=json -p "
           "'[{\"op\": \"replace\", \"path\": \"/spec/ports/0/targetPort\", "
           "\"value\": \"http\"}]'"]
EDITS = ["set service/shop/api spec.ports[0].targetPort = http"]


def _debrief(has_next: bool = True) -> DebriefScreen:
    return DebriefScreen("The port that wasn't", "**Names** beat numbers.", SCORE, KUBECTL,
                         EDITS, has_next)


def test_score_line_reads_edits_par_hints_time_and_stars() -> None:
    assert score_line(SCORE) == "2 edits (par 2) · 0 hints · 1:23 · ★★★ 3/3"
    assert score_line(Score(1, None, 1, 5, 2)) == "1 edit · 1 hint · 0:05 · ★★☆ 2/3"


def test_changes_show_edits_and_kubectl_in_a_code_block() -> None:
    text = changes_markdown(KUBECTL, EDITS)
    tokens = MarkdownIt("gfm-like").parse(text)
    fences = [t for t in tokens if t.type == "fence"]
    assert [f.content.strip() for f in fences] == KUBECTL
    inline = "".join(t.content for t in tokens if t.type == "inline")
    assert EDITS[0] in inline  # a code span: "[0]" is not eaten as a link


def test_code_fence_outlasts_backticks_inside_the_code() -> None:
    code = "echo ```not the end```"
    tokens = MarkdownIt("gfm-like").parse(code_fence(code))
    assert [t.content.rstrip("\n") for t in tokens if t.type == "fence"] == [code]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("key", "choice"), [("n", "next"), ("s", "select"), ("r", "replay"),
                                             ("escape", "select"), ("enter", "next")])
def test_debrief_keys_dismiss_with_the_choice(key: str, choice: str,
                                              size: tuple[int, int]) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert "2 edits (par 2) · 0 hints · 1:23 · ★★★" in str(
            screen.query_one("#score", Static).content)
        assert screen.query_one("#lesson", Markdown).source == "**Names** beat numbers."
        assert KUBECTL[0] in screen.query_one("#changes", Markdown).source
        await pilot.press(key)

    app = run(_debrief, drive, size)
    assert app.results == [choice]


@pytest.mark.parametrize("button", ["next", "select", "replay"])
def test_debrief_buttons_work_with_the_mouse(button: str) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        await pilot.click(f"#{button}")

    assert run(_debrief, drive, (80, 24)).results == [button]


def test_debrief_without_a_next_level_disables_next() -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        assert app.screen.query_one("#next", Button).disabled
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("enter")  # focus starts on "Level select"

    assert run(lambda: _debrief(has_next=False), drive).results == ["select"]


# ------------------------------------------------------------------- help
GLOSSARY_TERMS = [
    "ClusterIP", "NodePort", "LoadBalancer", "targetPort", "Selector", "Endpoints",
    "Readiness", "Headless Service", "ExternalName", "kube-proxy DNAT", "SNAT / masquerade",
    "podCIDR", "Route via", "Return path", "Isolation", "Ingress / egress", "ipBlock",
    "Ingress class", "Host", "Path", "externalTrafficPolicy", "DNS search path",
]


@pytest.mark.parametrize("term", GLOSSARY_TERMS)
def test_glossary_defines_term(term: str) -> None:
    defined = re.findall(r"^- \*\*(.+?)\*\* — ", glossary_markdown(), flags=re.MULTILINE)
    assert any(term in name.split(" / ") or term == name for name in defined), defined


def _rendered_text(markdown: str) -> str:
    """What the Markdown widget will show: text and code, with HTML tags dropped."""
    out: list[str] = []
    for token in MarkdownIt("gfm-like").parse(markdown):
        for child in token.children or []:
            if child.type in ("text", "code_inline"):
                out.append(child.content)
    return " ".join(out)


@pytest.mark.parametrize("reason", list(Reason))
def test_help_explains_every_reason_code_in_the_engines_words(reason: Reason) -> None:
    shown = " ".join(_rendered_text(help_markdown()).split())
    assert reason.value in shown
    assert REASON_DOCS[reason]
    assert " ".join(REASON_DOCS[reason].split()) in shown


def test_md_escape_keeps_angle_brackets_visible() -> None:
    assert _rendered_text(md_escape("stays <pending> *now*")) == "stays <pending> *now*"


KEY_NAMES = {"question_mark": "?"}


@pytest.mark.parametrize("key", ["z", "y", "R", "h", "b", "?", "escape", "n", "1", "2", "3",
                                 "4", "ctrl+p", "ctrl+s", "e", "q"])
def test_help_lists_game_key(key: str) -> None:
    entry = next((k for k in GAME_KEYS if key in _split_keys(k.keys)), None)
    assert entry is not None, key
    assert f"`{entry.keys}` — {md_escape(entry.does)}" in keys_markdown()


def _split_keys(keys: str) -> set[str]:
    return {part.strip() for part in keys.split("/")}


def _listed_keys() -> set[str]:
    return {part for k in GAME_KEYS for part in _split_keys(k.keys)} | {"esc", "enter"}


def _screen_classes() -> list[type[Screen[Any]]]:
    from k8snet_tui.app.screens.level import LevelScreen

    return [LevelSelectScreen, DebriefScreen, LevelScreen]


@pytest.mark.parametrize("screen_cls", _screen_classes(), ids=lambda cls: cls.__name__)
def test_every_binding_of_a_game_screen_has_a_description_and_is_in_help(
        screen_cls: type[Screen[Any]]) -> None:
    for binding in screen_cls.BINDINGS:
        assert isinstance(binding, Binding)
        assert binding.description, binding
        for key in binding.key.split(","):
            assert KEY_NAMES.get(key, key) in _listed_keys(), key


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["escape", "question_mark"])
def test_help_screen_shows_everything_and_closes(key: str, size: tuple[int, int]) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        source = app.screen.query_one("#help", Markdown).source
        assert source == help_markdown()
        await pilot.press("end")
        await pilot.press(key)

    assert run(HelpScreen, drive, size).results == [None]


# --------------------------------------------------------------- briefing
def test_hints_markdown_numbers_the_hints_taken() -> None:
    assert hints_markdown([]) == ""
    assert "1. Look at the ports.\n2. The exporter" in hints_markdown(
        ["Look at the ports.", "The exporter\n  declares 8080."])


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["escape", "enter"])
def test_briefing_shows_text_and_hints_so_far_and_closes(key: str,
                                                          size: tuple[int, int]) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        screen = app.screen
        assert screen.query_one("#briefing", Markdown).source == "web cannot reach **api**."
        assert "1. Compare the ports." in screen.query_one("#hints", Markdown).source
        await pilot.press(key)

    app = run(lambda: BriefingScreen("The port", "web cannot reach **api**.",
                                     ["Compare the ports."]), drive, size)
    assert app.results == [None]


def test_briefing_without_hints_has_no_hint_section_and_closes_by_click() -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        assert not app.screen.query("#hints")
        assert "no briefing" in app.screen.query_one("#briefing", Markdown).source
        await pilot.click("#close")

    assert run(lambda: BriefingScreen("Empty", "", []), drive, (80, 24)).results == [None]


# ------------------------------------------------------------- load error
BROKEN = """\
format: k8snet/v1
id: broken
flows:
  - from: pod/web
    to: service/api:80
    expect: maybe
resources:
  - apiVersion: v1
    kind: Service
    metadata: {name: api}
    spec:
      ports: [{port: 99999}]
"""


@pytest.fixture(scope="module")
def broken_problems() -> list[Problem]:
    with pytest.raises(LevelError) as info:
        load_level_text(BROKEN, filename="broken.yaml")
    assert info.value.problems
    return info.value.problems


def test_problem_line_reads_place_field_severity_and_message() -> None:
    problem = Problem("must be at most 65535", ("resources", 0, "spec", "ports", 0, "port"),
                      file="broken.yaml", line=12, column=22)
    assert problem_line(problem).plain == (
        "broken.yaml:12:22  resources[0].spec.ports[0].port  ✗ error: must be at most 65535")
    warning = Problem("ConfigMap is not modelled", severity="warning", file="l.yaml", line=3)
    assert problem_line(warning).plain == "l.yaml:3  ⚠ warning: ConfigMap is not modelled"


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("key", ["escape", "enter"])
def test_load_error_lists_every_problem_with_its_place_and_goes_back(
        broken_problems: list[Problem], key: str, size: tuple[int, int]) -> None:
    async def drive(app: Harness, pilot: Pilot[None]) -> None:
        lines = [str(w.content) for w in app.screen.query(".problem").results(Static)]
        assert len(lines) == len(broken_problems)
        for problem in broken_problems:
            assert any(line.startswith(problem.where()) and problem.message in line
                       and problem.field in line for line in lines), problem
        assert all("broken.yaml:" in line for line in lines)
        await pilot.press(key)

    app = run(lambda: LoadErrorScreen("broken", broken_problems), drive, size)
    assert app.results == [None]
