"""Play-test defects of issue 7, each checked the way the player met it.

- Without colour (``NO_COLOR``) the failure words must stand out at any theme:
  measured as the contrast of the cells that say FAIL / DROP / ✗ on screen.
- Toasts: one at a time, short, over the header, Markdown rendered as text.
- Locked levels open when the player asks (one, or all of them, saved).
- A campaign level played by path counts toward the campaign.
- Level select names the pack the player is looking at, the level screen names
  the chapter, and no tree line or header is cut in the middle of a word.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, ParamSpec

import pytest
from rich.color import Color as RichColor
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.widgets import Button, Static, TextArea, Tree
from textual.widgets._toast import Toast
from textual.widgets.tree import TreeNode

from k8snet_tui.app import styles
from k8snet_tui.app.app import TOAST_SECONDS, K8snetApp, toast_content
from k8snet_tui.app.fit import fit_words
from k8snet_tui.app.screens.debrief import DebriefScreen
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.app.screens.level_select import (
    HEADER_CHROME,
    LevelNode,
    LevelSelectScreen,
    LevelTree,
    UnlockScreen,
)
from k8snet_tui.app.widgets import cluster_map, trace_view
from k8snet_tui.app.widgets.flow_list import flow_status
from k8snet_tui.app.widgets.object_tree import ObjectTree
from k8snet_tui.engine.trace import Trace, Verdict
from k8snet_tui.game.progress import SaveFile
from tests.app.conftest import AppFactory
from tests.app.player import (
    NAMED_PORT,
    PORT_CONFLICT,
    SIDECAR_PORT,
    STALE_VIA,
    Player,
    read_save,
    unlocked_through,
    write_save,
)

P = ParamSpec("P")
LEVELS = Path(__file__).resolve().parents[2] / "levels"
SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
EXPORTER_PORT = "container-port-1-0"  # level 1's fix: the exporter's port, as a quick action


def sync(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))
    return run


# ------------------------------------------------------------------ contrast


def _luminance(color: RichColor) -> float:
    """WCAG relative luminance of a truecolor (what the monochrome filter leaves)."""
    r, g, b = color.get_truecolor()

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(style: Style) -> float:
    """Contrast ratio of a drawn cell: text colour against its background, after reverse."""
    assert style.color is not None, style
    assert style.bgcolor is not None, style
    fg, bg = (style.bgcolor, style.color) if style.reverse else (style.color, style.bgcolor)
    light, dark = sorted((_luminance(fg), _luminance(bg)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def marker_cells(app: K8snetApp, words: tuple[str, ...],
                 within: Region | None = None) -> dict[str, list[Style]]:
    """The final (filtered) style of every on-screen segment that is one of ``words``
    (a marker is a span of its own, so it is a segment of its own), within a region."""
    found: dict[str, list[Style]] = {word: [] for word in words}
    for y, strip in enumerate(app.screen._compositor.render_strips()):
        x = 0
        for segment in strip:
            here = Region(x, y, segment.cell_length, 1)
            x += segment.cell_length
            word = segment.text.strip()
            if word in found and segment.style is not None and (
                    within is None or within.overlaps(here)):
                found[word].append(segment.style)
    return found


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox"])
@sync
async def test_without_colour_failure_words_are_high_contrast_at_any_theme(
        new_app: AppFactory, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    """Under NO_COLOR (Textual's monochrome filter) FAIL, DROP and ✗ reach 4.5:1 or more
    (WCAG AA) in the flow list, on the map and in the trace — they came out at 1.3:1."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        assert app.no_color
        p = Player(pilot)
        await p.settle()
        app.theme = theme
        await p.open_level(PORT_CONFLICT)
        await p.settle()
        seen = marker_cells(app, ("✗ FAIL", "✗ DROP"))  # flow list and map
        await p.press("2")  # the trace tab
        trace = marker_cells(app, ("✗ DROP", "✗"),
                             app.screen.query_one(trace_view.TraceView).region)
    cells = {"flow list ✗ FAIL": seen["✗ FAIL"], "map ✗ DROP": seen["✗ DROP"],
             "trace ✗ DROP": trace["✗ DROP"], "trace ✗": trace["✗"]}
    for where, found in cells.items():
        assert found, f"{where}: not on screen"
        for style in found:
            assert style.bold, where
            assert contrast(style) >= 4.5, f"{where}: {contrast(style):.1f}:1 ({style})"


def _trace(verdict: Verdict) -> Trace:
    return Trace(name="f", source="a", dest="b", expect="allow", verdict=verdict, reason=None,
                 detail="", blame=None, hops=())


def test_every_failure_marker_uses_the_one_reversed_bold_style() -> None:
    """One definition (app.styles) for the flow list, the trace view and the map."""
    for style in (styles.FAILURE, styles.PARTIAL):
        assert style.bold
        assert style.reverse
        # both colours are given, so the monochrome filter keeps the pair apart
        assert style.color is not None
        assert style.bgcolor is not None
    assert trace_view.HOP_MARKS["drop"][1] == styles.FAILURE
    assert cluster_map.STYLE_DROP == styles.FAILURE


@pytest.mark.parametrize(("verdict", "style"), [(Verdict.DENY, styles.FAILURE),
                                                (Verdict.PARTIAL, styles.PARTIAL)])
def test_the_flow_list_marks_a_failing_flow_reversed_and_bold(verdict: Verdict,
                                                               style: Style) -> None:
    word, got = flow_status(_trace(verdict))
    assert word in ("✗ FAIL", "◐ PART")
    assert got == style
    assert flow_status(_trace(Verdict.ALLOW))[0] == "✓ ok"


# -------------------------------------------------------------------- toasts


@pytest.mark.parametrize(("markdown", "plain"), [
    ("Set `spec.ports[0].targetPort` to **8080**", "Set spec.ports[0].targetPort to 8080"),
    ("the _selector_ or *labels*, see [docs](https://kubernetes.io)",
     "the selector or labels, see docs"),
    ("``a `tick` inside`` and snake_case_name", "a `tick` inside and snake_case_name"),
    ("[b]not markup[/b] and 2 * 3 * 4", "[b]not markup[/b] and 2 * 3 * 4"),
    ("two\n  lines", "two lines"),
])
def test_toast_text_renders_inline_markdown_as_text(markdown: str, plain: str) -> None:
    assert toast_content(markdown).plain == plain


def test_toast_code_is_bold_and_the_title_shares_the_line() -> None:
    content = toast_content("Look at `svc/api`", "Hint 1")
    assert content.plain == "Hint 1 · Look at svc/api"
    bold = [content.plain[s.start:s.end] for s in content.spans if "bold" in str(s.style)]
    assert bold == ["Hint 1", "svc/api"]


def test_a_long_toast_is_cut_after_a_whole_word() -> None:
    text = "Services pick their pods by label, and a selector that names a label no pod has"
    cut = toast_content(text, limit=40).plain
    assert cut.endswith("…")
    assert len(cut) <= 40
    assert text.startswith(cut[:-1])
    assert text[len(cut) - 1] in " ,"  # the cut falls between words


def toasts(app: K8snetApp) -> list[Toast]:
    return list(app.screen.query(Toast))


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_a_new_toast_replaces_the_last_and_keeps_no_backticks(
        new_app: AppFactory, size: tuple[int, int]) -> None:
    app = new_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        p = Player(pilot)
        await p.settle()
        app.notify("first `one`", title="One")
        app.notify("second `svc/api` on **8080**", title="Two", timeout=20)
        await p.settle()
        shown = toasts(app)
        assert len(shown) == 1
        assert len(app._notifications) == 1
        text = str(shown[0].render())
        assert "second svc/api on 8080" in text
        assert "`" not in text
        assert "**" not in text
        assert [n.timeout for n in app._notifications] == [TOAST_SECONDS["information"]]
        app.notify("third", severity="error")
        await p.settle()
        assert len(toasts(app)) == 1
        assert [n.timeout for n in app._notifications] == [TOAST_SECONDS["error"]]
        assert TOAST_SECONDS["information"] <= 4 < TOAST_SECONDS["error"] <= 6


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_a_toast_sits_on_the_header_line_not_over_the_yaml_editor(
        new_app: AppFactory, size: tuple[int, int]) -> None:
    app = new_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(PORT_CONFLICT)
        await p.choose_object("deployment/shop/web")
        editor = await p.yaml_editor()
        assert isinstance(editor, TextArea)
        app.notify("A hint long enough to wrap onto more lines than one if it were let: "
                   "Two programs in one pod are like two programs on one machine. Which "
                   "ports do they each claim? " * 2, title="Hint 1")
        await p.settle()
        (toast,) = toasts(app)
        assert toast.region.y == 0
        assert toast.region.height == 1
        assert not toast.region.overlaps(editor.region)
        assert str(toast.render()).endswith("…")


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_a_toast_leaves_the_debrief_body_and_buttons_alone(
        new_app: AppFactory, size: tuple[int, int]) -> None:
    app = new_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(PORT_CONFLICT)
        await p.choose_object("deployment/shop/web")
        await p.quick_action(EXPORTER_PORT, "9113")
        debrief = p.screen_as(DebriefScreen)
        app.notify("Progress could not be saved: [Errno 28] No space left on device: "
                   "'/home/player/.local/share/k8snet-tui/progress.json'", severity="error")
        await p.settle()
        (toast,) = toasts(app)
        assert toast.region.y == 0
        for selector in ("#body", "#actions"):
            region: Region = debrief.query_one(selector).region
            assert not toast.region.overlaps(region), selector
        assert "[Errno 28]" in str(toast.render())  # brackets are text, not markup


# ------------------------------------------------------------ locked levels


def label_of(app: K8snetApp, key: str) -> str:
    tree = app.screen.query_one(LevelTree)
    node = next(n for n in tree._tree_nodes.values()
                if isinstance(n.data, LevelNode) and n.data.level.key == key)
    label = node.label
    return label.plain if isinstance(label, Text) else str(label)


@sync
async def test_a_locked_level_opens_anyway_by_mouse_and_stays_open(
        new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.highlight_level(NAMED_PORT)
        assert label_of(app, NAMED_PORT).startswith("🔒 locked")
        await p.press("enter")
        dialog = p.screen_as(UnlockScreen)
        assert "“What's in a name” is locked (solve “The proxy next door” first)" in \
            dialog.question
        await pilot.click("#unlock-open")
        await p.settle()
        await p.close_briefing()
        assert p.level.entry.key == NAMED_PORT
        await p.press("q")  # back to level select
        await p.settle()
        p.screen_as(LevelSelectScreen)
        assert label_of(app, NAMED_PORT).startswith("· new")
        assert label_of(app, SIDECAR_PORT).startswith("🔒 locked")  # only that one opened
    assert read_save(data_dir)["levels"][NAMED_PORT]["unlocked"] is True


@sync
async def test_unlock_all_levels_is_a_saved_setting_and_the_palette_switches_it_back(
        new_app: AppFactory, data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.highlight_level(NAMED_PORT)
        await p.press("enter")
        p.screen_as(UnlockScreen)
        await p.press("a")  # "Unlock all levels", then the level opens
        await p.close_briefing()
        assert p.level.entry.key == NAMED_PORT
        assert read_save(data_dir)["unlock_all"] is True
        await p.press("q")
        await p.settle()
        labels = [label_of(app, entry.key) for entry in app.catalog.packs[0].levels]
        assert not any(label.startswith("🔒") for label in labels)

        hits = await p.palette("levels in order")
        await p.palette_choose(next(i for i, h in enumerate(hits)
                                    if h.startswith("Play levels in order")))
        await p.settle()
        assert read_save(data_dir)["unlock_all"] is False
        assert label_of(app, SIDECAR_PORT).startswith("🔒 locked")
        assert label_of(app, NAMED_PORT).startswith("· new")  # opened once, stays open

        hits = await p.palette("unlock all")
        assert any(h.startswith("Unlock all levels") for h in hits)


@sync
async def test_the_unlock_dialog_buttons_each_do_one_thing(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=(80, 24)) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.highlight_level(SIDECAR_PORT)
        await p.press("enter")
        dialog = p.screen_as(UnlockScreen)
        buttons = [b.id for b in dialog.query(Button)]
        assert buttons == ["unlock-open", "unlock-all", "unlock-cancel"]
        for button in dialog.query(Button):  # all visible at 80×24
            assert button.region.right <= 80
            assert button.region.bottom <= 24
        await pilot.click("#unlock-cancel")
        await p.settle()
        p.screen_as(LevelSelectScreen)
        assert not app.save.unlock_all


# --------------------------------------------------- campaign levels by path


@sync
async def test_a_campaign_level_played_by_path_counts_toward_the_campaign(
        new_app: AppFactory, data_dir: Path) -> None:
    app = new_app([LEVELS / "01-pods" / "01-port-conflict.yaml"])
    async with app.run_test(size=(120, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.close_briefing()
        level = p.level
        assert level.entry.key == PORT_CONFLICT
        await p.choose_object("deployment/shop/web")
        await p.quick_action(EXPORTER_PORT, "9113")
        assert level.session.solved
        p.screen_as(DebriefScreen)
    assert read_save(data_dir)["levels"][PORT_CONFLICT]["solved"] is True

    campaign = new_app()
    async with campaign.run_test(size=(120, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        p.screen_as(LevelSelectScreen)
        assert label_of(campaign, PORT_CONFLICT).startswith("✓ solved")
        assert label_of(campaign, SIDECAR_PORT).startswith("· new")  # and the next is open


# ------------------------------------------------- titles, headers and labels


@pytest.fixture
def user_pack(tmp_path: Path) -> Path:
    """A player's pack with a long title and byline, beside the campaign."""
    pack = tmp_path / "mine"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "format: k8snet/v1\nid: mine\n"
        "title: The extraordinarily long and winding pack of home-made networking puzzles\n"
        "author: Somebody With A Rather Long Name\nversion: 10.20.30\n"
        "levels: [one.yaml]\n", encoding="utf-8")
    (pack / "one.yaml").write_text(
        (LEVELS / "01-pods" / "01-port-conflict.yaml").read_text(encoding="utf-8")
        .replace("id: port-conflict", "id: mine-one", 1), encoding="utf-8")
    return pack


@sync
async def test_level_select_header_names_the_highlighted_pack(
        new_app: AppFactory, user_pack: Path) -> None:
    app = new_app([LEVELS, user_pack])
    async with app.run_test(size=(200, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        screen = p.screen_as(LevelSelectScreen)
        campaign, mine = app.catalog.packs
        await p.highlight_level(PORT_CONFLICT)
        assert screen.sub_title == campaign.title
        await p.highlight_level("mine/mine-one")
        assert screen.sub_title == mine.title
        assert mine.title in str(screen.query_one("#details", Static).content)


def _whole_words(shown: str, full: str) -> bool:
    """``shown`` is ``full``, or a start of it cut between words and ended with "…"."""
    if shown == full:
        return True
    if not shown.endswith("…"):
        return False
    head = shown[:-1]
    return full.startswith(head) and (full[len(head):len(head) + 1] in (" ", "·", ",", ":")
                                      or full[len(head) - 1:len(head)] in (" ",))


def _guides(tree: Tree[Any], node: TreeNode[Any]) -> int:
    """Cells of tree guides left of ``node``'s label (the root is hidden)."""
    depth, parent = 0, node.parent
    while parent is not None and parent is not tree.root:
        depth, parent = depth + 1, parent.parent
    return depth * tree.guide_depth


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_no_object_tree_line_is_cut_in_the_middle_of_a_word(
        new_app: AppFactory, data_dir: Path, size: tuple[int, int]) -> None:
    write_save(data_dir, unlocked_through(STALE_VIA))
    async with new_app().run_test(size=size) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(STALE_VIA)
        tree = p.level.query_one(ObjectTree)
        room = tree.scrollable_content_region.width
        for node in tree._tree_nodes.values():
            if node is tree.root:
                continue
            shown = tree.render_label(node, Style(), Style()).plain
            full = Text.assemble(("▼ " if node.allow_expand else ""), node.label).plain
            assert _whole_words(shown.replace("▶ ", "▼ "), full), (shown, full)
            assert Text(shown).cell_len + _guides(tree, node) <= room


@pytest.mark.parametrize("size", SIZES)
@sync
async def test_no_tree_line_or_header_is_cut_in_the_middle_of_a_word(
        new_app: AppFactory, user_pack: Path, size: tuple[int, int]) -> None:
    app = new_app([LEVELS, user_pack])
    async with app.run_test(size=size) as pilot:
        p = Player(pilot)
        await p.settle()
        screen = p.screen_as(LevelSelectScreen)
        tree = screen.query_one(LevelTree)
        room = tree.scrollable_content_region.width
        for node in tree._tree_nodes.values():
            if node is tree.root:
                continue
            shown = tree.render_label(node, Style(), Style()).plain
            full = Text.assemble(("▼ " if node.allow_expand else ""), node.label).plain
            assert _whole_words(shown.replace("▶ ", "▼ "), full), (shown, full)
            assert Text(shown).cell_len + _guides(tree, node) <= room
        await p.highlight_level("mine/mine-one")
        header_room = size[0] - HEADER_CHROME - len(f"{screen.title} — ")
        sub_title = screen.sub_title or ""
        assert len(sub_title) <= header_room
        assert _whole_words(sub_title, app.catalog.packs[1].title)
        assert tree.virtual_size.width <= room  # nothing to scroll sideways to


def test_fit_words_keeps_styles_and_cuts_between_words() -> None:
    text = Text.assemble(("Bold title", "bold"), "  and a long byline after it")
    cut = fit_words(text, 20)
    assert cut.plain == "Bold title  and a…"
    assert cut.spans[0].end == len("Bold title")
    assert fit_words(text, 100) is text
    assert fit_words(Text("Supercalifragilistic"), 8).plain == "Superca…"


@sync
async def test_the_level_screen_names_the_chapter_not_its_id(new_app: AppFactory,
                                                             data_dir: Path) -> None:
    app = new_app()
    async with app.run_test(size=(120, 40)) as pilot:
        p = Player(pilot)
        await p.settle()
        level = await p.open_level(PORT_CONFLICT)
        assert isinstance(level, LevelScreen)
        assert level.sub_title == "Inside the pod"
        assert level.title == "Kubernetes networking, hop by hop · Two containers, one port"


def test_old_save_files_load_with_the_new_settings_off() -> None:
    old = {"version": 1, "levels": {PORT_CONFLICT: {"solved": True, "best_stars": 3}},
           "last_level": PORT_CONFLICT, "theme": "nord"}
    save = SaveFile.model_validate(old)
    assert save.unlock_all is False
    assert save.levels[PORT_CONFLICT].unlocked is False
    assert save.levels[PORT_CONFLICT].solved

