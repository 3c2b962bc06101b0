"""Gateways on the map and their status in the inspector, reached by keys only.

The level (``gateway_section_name.yaml``) has Gateway infra/public with
listeners ``http`` (port 80) and ``web`` (8080, ``*.example.com``); HTTPRoute
shop/blog attaches to ``http``, and HTTPRoute shop/shop names ``sectionName:
https``, which no listener is called. The map must draw the listeners and the
attached Route and say the other attached nowhere; the inspector must print
the engine's conditions as ``kubectl describe`` does.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

from k8snet_tui.app.widgets.cluster_map import ClusterMap
from k8snet_tui.app.widgets.flow_list import FlowList
from k8snet_tui.app.widgets.inspector import Inspector, describe_status
from k8snet_tui.game.view import StateView
from k8snet_tui.model.load import load_level
from tests.app.conftest import AppFactory
from tests.app.player import Player
from tests.app.test_play import SIZE, sync

LEVEL = Path(__file__).parent / "gateway_section_name.yaml"
GATEWAY = "gateway/infra/public"
SHOP = "httproute/shop/shop"
BLOG = "httproute/shop/blog"


def on_screen(widget: Static) -> str:
    """What the widget draws, line by line, at the size it has."""
    size = widget.size
    return "\n".join(strip.text.rstrip()
                     for strip in widget.render_lines(Region(0, 0, size.width, size.height)))


def map_text(p: Player) -> str:
    content = p.level.query_one(ClusterMap).content
    assert isinstance(content, Text)
    return content.plain


def status_of(inspector: Inspector) -> str:
    status = inspector.query_one("#inspector-status", Static)
    assert status.display, "no status shown"
    return on_screen(status)


async def open_level(p: Player) -> None:
    await p.settle()
    await p.close_briefing()


@sync
async def test_route_with_a_wrong_section_name_is_not_accepted_with_no_matching_parent(
        new_app: AppFactory) -> None:
    async with new_app([LEVEL]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await open_level(p)
        inspector = await p.choose_object(SHOP)
        text = status_of(inspector)
        assert re.search(r"Parent Ref: +gateway/infra/public/https", text), text
        assert re.search(r"Type +Status +Reason +Message", text), text
        assert re.search(r"Accepted +False +NoMatchingParent +Gateway infra/public", text)
        assert 'no listener named "https"' in " ".join(text.split())
        assert re.search(r"ResolvedRefs +True +ResolvedRefs", text)


@sync
async def test_gateway_status_lists_each_listener_with_its_attached_routes(
        new_app: AppFactory) -> None:
    async with new_app([LEVEL]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await open_level(p)
        inspector = await p.choose_object(GATEWAY)
        text = status_of(inspector)
        assert re.search(r"Addresses: +192\.0\.2\.10", text)
        assert re.search(r"Programmed +True +Programmed", text)
        blocks = text.split("Name:")[1:]
        assert [b.split()[0] for b in blocks] == ["http", "web"]
        assert re.search(r"Attached Routes: +1", blocks[0])
        assert re.search(r"Attached Routes: +0", blocks[1])
        assert "AttachedRoutes" not in text  # a count, not a condition, as kubectl prints it


@sync
async def test_gatewayclass_shows_accepted_and_other_objects_show_no_status(
        new_app: AppFactory) -> None:
    async with new_app([LEVEL]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await open_level(p)
        inspector = await p.choose_object("gatewayclass/eg")
        assert re.search(r"Accepted +True +Accepted", status_of(inspector))
        inspector = await p.choose_object("service/shop/web")
        assert not inspector.query_one("#inspector-status", Static).display


@sync
async def test_map_draws_listeners_attached_routes_and_the_route_that_attached_nowhere(
        new_app: AppFactory) -> None:
    async with new_app([LEVEL]).run_test(size=SIZE) as pilot:
        p = Player(pilot)
        await open_level(p)
        await p.press("1")
        plain = map_text(p)
        # The first failing flow is selected: the request dies at the Route that attached
        # nowhere, and the map says so in words.
        assert re.search(r"Gateway infra/public [①-⑳]+ +class eg +192\.0\.2\.10 +Programmed",
                         plain), plain
        assert re.search(r"listener http(?: [①-⑳]+)? +HTTP:80 +any host", plain)
        assert re.search(r"HTTPRoute shop/blog +blog\.example\.com → web:80", plain)
        # The hop that picked the listener names it: the request to :8080 used "web".
        assert re.search(r"▶ listener web [①-⑳]+ +HTTP:8080 +\*\.example\.com +no Route "
                         r"attached", plain), plain
        assert re.search(r"✗ not attached: HTTPRoute shop/shop [①-⑳]+ ✗ DROP parentRef #https"
                         r"\s+NoMatchingParent", plain), plain
        assert "proxy for gateway/infra/public" in plain

        # Choose the blog's flow (↓ in the flow list): its listener and Route are on the path.
        flows = await p.focus_type(FlowList)
        await p.press("down")
        if p.level.selected_flow != 1:
            await p.press("enter")
        assert p.level.selected_flow == 1
        assert flows.highlighted == 1
        plain = map_text(p)
        assert re.search(r"^▶ listener http\b", plain, re.M), plain
        assert re.search(r"^  listener web\b", plain, re.M)
        assert re.search(r"HTTPRoute shop/blog [①-⑳]+ +blog\.example\.com", plain)
        assert "DROP" not in plain


# ---------------------------------------------------------- describe_status, by itself


@pytest.mark.parametrize("width", [44, 60, 100])
def test_describe_status_keeps_every_line_in_the_pane_and_the_whole_message(width: int) -> None:
    status = StateView(load_level(LEVEL)).status(SHOP)
    assert status is not None
    lines = describe_status(status, width)
    assert all(len(line) <= width for line in lines), lines
    words = " ".join(" ".join(lines).split())
    assert 'Gateway infra/public has no listener named "https" (its listeners: http, web)' \
        in words
    assert any(re.search(r"Type +Status +Reason", line) for line in lines)
    assert any(line.split() and line.split()[-1] == "Message" for line in lines)
    row = next(line for line in lines if line.lstrip().startswith("Accepted"))
    assert row.split()[:3] == ["Accepted", "False", "NoMatchingParent"]
    beside = len(row.split()) > 3
    assert beside == (width >= 70)  # narrower, the message goes under its row


# --------------------------------------------------------------------------- snapshot


def test_snapshot_map_with_a_gateway(snap_compare: Any, new_app: AppFactory) -> None:
    """The Map tab (key 1) of the gateway level at 120×40, the first failing flow selected:
    the Gateway, its two listeners, the attached Route and the one that attached nowhere."""
    async def scene(pilot: Pilot[Any]) -> None:
        p = Player(pilot)
        await open_level(p)
        await p.press("1")
        pilot.app.clear_notifications()
        await p.settle()

    assert snap_compare(new_app([LEVEL]), terminal_size=(120, 40), run_before=scene)
