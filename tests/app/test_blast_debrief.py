"""The debrief names an over-permissive fix and what it cost, and its kubectl lines wrap.

Played by keys: "Green too soon" solved with the tempting shortcut — the
``slot`` key dropped from the ``checkout`` selector, so ``app=checkout`` also
takes the green pods — must still solve the level, but the debrief shows the
finding right under the score and the score loses a star.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Label, Markdown, Static
from textual.widgets._markdown import MarkdownFence

from k8snet_tui.app.screens.debrief import DebriefScreen
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.game.session import Score
from k8snet_tui.model.edits import UnsetEdit
from k8snet_tui.model.load import load_level
from tests.app.conftest import AppFactory
from tests.app.player import Player, write_save
from tests.app.test_play import sync

CAMPAIGN = load_pack(builtin_pack_path())
GREEN_TOO_SOON = f"{CAMPAIGN.id}/green-too-soon"
SIZES = [(80, 24), (120, 40)]


def _all_solved(data_dir: Path) -> None:
    write_save(data_dir, [f"{CAMPAIGN.id}/{load_level(e.path).spec.id}"
                          for e in CAMPAIGN.levels])


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@sync
async def test_green_too_soon_with_app_checkout_shows_the_finding_and_loses_a_star(
        new_app: AppFactory, data_dir: Path, size: tuple[int, int]) -> None:
    _all_solved(data_dir)
    app = new_app()
    async with app.run_test(size=size) as pilot:
        p = Player(pilot)
        await p.settle()
        await p.open_level(GREEN_TOO_SOON)
        await p.perform(UnsetEdit(ref="service/shop/checkout", path="spec.selector.slot"))
        debrief = p.screen_as(DebriefScreen)

        score = debrief.score
        assert (score.edits, score.par, score.hints, score.stars) == (1, 1, 0, 2)
        assert str(debrief.query_one("#score", Static).content).endswith("★★☆ 2/3")
        assert "−1 star" in str(debrief.query_one("#verdict", Static).content)
        blast = debrief.query_one("#blast", Static)
        text = str(blast.content)
        assert "costs 1 star" in text
        assert "Service shop/checkout:80 (selector app=checkout)" in text
        assert "2 pods of deployment/shop/checkout-green" in text

        # Right under the score: the first thing in the body, on screen without scrolling,
        # and the choices stay visible below it.
        body = debrief.query_one("#body")
        assert body.children[0] is blast
        assert blast.region.y == body.region.y
        assert blast.region.height > 0
        assert blast.region.right <= size[0]
        assert debrief.query_one("#actions").region.bottom <= size[1]

        # The kubectl fence wraps instead of running off the edge.
        changes = debrief.query_one("#changes", Markdown)
        fence = changes.query_one(MarkdownFence)
        assert fence.region.right <= size[0]
        assert fence.virtual_size.width <= fence.size.width
        await p.press("s")


def _debrief_with(kubectl: list[str]) -> DebriefScreen:
    return DebriefScreen("Long lines", "lesson", Score(1, 1, 0, 12, 3), kubectl,
                         ["set something"], True)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@sync
async def test_a_long_kubectl_line_wraps_and_every_character_is_on_screen(
        new_app: AppFactory, size: tuple[int, int]) -> None:
    line = ("kubectl patch networkpolicy checkout-egress -n shop --type=json -p '[{\"op\": "
            "\"replace\", \"path\": \"/spec/egress/0/to/0/ipBlock/except/0\", \"value\": "
            "\"10.0.0.0/8\"}]'  # THE-END")
    app = new_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.push_screen(_debrief_with([line]))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, DebriefScreen)
        for _ in range(4):
            await pilot.press("pagedown")
        fence = screen.query_one("#changes", Markdown).query_one(MarkdownFence)
        label = fence.query_one(Label)
        assert fence.virtual_size.width <= fence.size.width
        assert label.region.right <= fence.region.right
        assert label.size.height * label.size.width >= len(line)  # wrapped, not cut
        assert "THE-END" in app.export_screenshot()  # the line's end is on screen


def test_the_debrief_names_every_reason_a_star_is_missing() -> None:
    from k8snet_tui.app.screens.debrief import score_verdict
    from k8snet_tui.game.session import Score

    score = Score(edits=4, par=2, hints=2, seconds=0.0, stars=1,
                  over_permissive=(object(),))  # type: ignore[arg-type]
    verdict = score_verdict(score)
    assert "opens more than the level needs" in verdict
    assert "the shortest known fix takes 2 edits, you made 4" in verdict
    assert "2 hints shown" in verdict
    assert score_verdict(Score(1, 1, 0, 0.0, 3)) == "Perfect: at or under par, without hints."
