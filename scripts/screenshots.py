"""Regenerate the README screenshots (``screenshots/*.svg``) from the real game.

Each picture is the running app — ``make_app`` on the built-in campaign, in a
120×40 headless terminal — driven to a scene with key presses by the same
keyboard player the tests use (``tests/app/player.py``), then saved with
Textual's own ``save_screenshot``. Nothing is drawn by hand, so a screenshot
can only show what the game really does, and rerunning the script after a UI
change brings the README up to date.

Run from the repository root (needs the dev extra)::

    python scripts/screenshots.py               # every scene
    python scripts/screenshots.py debrief help  # just these
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.app.player when run as a script

from textual import constants  # noqa: E402
from textual.widgets import Input, TextArea  # noqa: E402

from k8snet_tui.app.app import make_app  # noqa: E402
from k8snet_tui.app.screens.help import HelpScreen  # noqa: E402
from k8snet_tui.app.screens.level_select import LevelSelectScreen  # noqa: E402
from k8snet_tui.game.catalog import build_catalog  # noqa: E402
from k8snet_tui.game.packs import discover_packs  # noqa: E402
from k8snet_tui.game.progress import LevelRecord  # noqa: E402
from k8snet_tui.model.edits import SetEdit  # noqa: E402
from tests.app.player import (  # noqa: E402
    HOST_NETWORK,
    MISSING_ROUTE,
    NAMED_PORT,
    PORT_CONFLICT,
    SIDECAR_PORT,
    STALE_VIA,
    FakeClock,
    Player,
    write_save,
)

SIZE = (120, 40)
OUT = ROOT / "screenshots"
TARGETPORT = "campaign/targetport-by-name"

Scene = Callable[[Player, FakeClock], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """One screenshot: the save it starts from and the keys that reach the scene."""

    name: str
    scene: Scene
    solved: tuple[str, ...] = ()
    records: dict[str, LevelRecord] = field(default_factory=dict)
    last_level: str | None = None


def campaign_before(key: str) -> tuple[str, ...]:
    """Every campaign level before ``key`` (solving them unlocks it)."""
    packs, _problems = discover_packs()
    keys = [entry.key for pack in build_catalog(packs).packs for entry in pack.levels]
    return tuple(keys[:keys.index(key)])


# ---------------------------------------------------------------------- scenes


async def level_select(player: Player, clock: FakeClock) -> None:
    player.screen_as(LevelSelectScreen)


async def level_trace(player: Player, clock: FakeClock) -> None:
    await player.open_level(TARGETPORT)
    await player.press("2")


async def level_map(player: Player, clock: FakeClock) -> None:
    await player.open_level(STALE_VIA)
    await player.press("1")


async def editor_yaml_error(player: Player, clock: FakeClock) -> None:
    await player.open_level(TARGETPORT)
    await player.choose_object("service/shop/api")
    # An indentation slip: one space too many before the key.
    await player.retype_in_yaml("targetPort: 8080", " targetPort: http")


async def debrief(player: Player, clock: FakeClock) -> None:
    await player.open_level(TARGETPORT)
    await player.choose_object("service/shop/api")
    clock.advance(95)
    await player.quick_action("target-port-0", "http")


async def help_screen(player: Player, clock: FakeClock) -> None:
    await player.press("question_mark")
    player.screen_as(HelpScreen)


SHOTS: tuple[Shot, ...] = (
    Shot("level-select", level_select, solved=(PORT_CONFLICT, SIDECAR_PORT, NAMED_PORT),
         records={
             SIDECAR_PORT: LevelRecord(solved=True, best_edits=2, best_stars=2, best_hints=1,
                                       best_seconds=204.0),
             HOST_NETWORK: LevelRecord(in_progress=[SetEdit(
                 ref="daemonset/logging/fluent-bit",
                 path="spec.template.spec.containers[0].ports[name=http].containerPort",
                 value=2020)]),
         },
         last_level=HOST_NETWORK),
    Shot("level-trace", level_trace, solved=campaign_before(TARGETPORT)),
    Shot("level-map", level_map, solved=campaign_before(STALE_VIA)),
    Shot("editor-yaml-error", editor_yaml_error, solved=campaign_before(TARGETPORT)),
    Shot("debrief", debrief, solved=campaign_before(TARGETPORT)),
    Shot("help", help_screen, solved=campaign_before(MISSING_ROUTE)),
)


# ---------------------------------------------------------------------- running


def steady_terminal() -> None:
    """The same conditions as the tests: no animations, no blinking cursor, colour on."""
    os.environ.pop("NO_COLOR", None)
    os.environ["TEXTUAL_ANIMATIONS"] = "none"
    constants.TEXTUAL_ANIMATIONS = "none"  # type: ignore[misc]  # read at import time
    for widget in (Input, TextArea):
        vars(widget)["cursor_blink"]._default = False


async def take(shot: Shot, out: Path) -> Path:
    """Play ``shot`` in a fresh app with a throw-away save; write ``out/NAME.svg``."""
    with tempfile.TemporaryDirectory(prefix="k8snet-shot-") as tmp:
        data = Path(tmp)
        write_save(data, shot.solved, records=shot.records, last_level=shot.last_level)
        clock = FakeClock()
        app = make_app(data_dir=data, clock=clock)
        async with app.run_test(size=SIZE) as pilot:
            player = Player(pilot)
            await player.settle()
            await shot.scene(player, clock)
            app.clear_notifications()  # toasts depend on the wall clock
            await player.settle()
            app.save_screenshot(filename=f"{shot.name}.svg", path=str(out))
    return out / f"{shot.name}.svg"


async def take_all(shots: Sequence[Shot], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for shot in shots:
        path = await take(shot, out)
        print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def main(argv: Sequence[str] | None = None) -> int:
    names = [shot.name for shot in SHOTS]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help=f"scenes to take (default: all of {', '.join(names)})")
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (%(default)s)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in names]
    if unknown:
        parser.error(f"unknown scene(s): {', '.join(unknown)}")
    steady_terminal()
    chosen = [shot for shot in SHOTS if not args.names or shot.name in args.names]
    asyncio.run(take_all(chosen, args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
