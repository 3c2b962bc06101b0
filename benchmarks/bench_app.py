"""Game speed: cold start to the first interactive frame, and edit → updated screen.

Targets (issue #3): cold start < 1 s on a 2-core machine; an edit to the updated
checklist and map < 50 ms for campaign-sized levels.

    python benchmarks/bench_app.py [--repeats N]

Cold start runs a fresh interpreter per repeat (imports included) and stops the
clock when the level-select screen is mounted and idle, headless. Edit latency
applies every step of each campaign level's solution through the level screen
(session apply + re-check + every widget refreshed) and waits for the screen to
settle.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD = """
import time
t0 = time.perf_counter()
import asyncio, tempfile
from pathlib import Path
from k8snet_tui.app.app import make_app
from k8snet_tui.app.screens.level_select import LevelSelectScreen

async def main():
    app = make_app(data_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.screen, LevelSelectScreen):
            await pilot.pause()
        await pilot.pause()
        print(time.perf_counter() - t0)

asyncio.run(main())
"""


def cold_start(repeats: int) -> list[float]:
    """Wall time of a whole process (interpreter + imports + first frame), per repeat."""
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD], check=True, capture_output=True)
        out.append(time.perf_counter() - start)
    return out


async def edit_latency() -> list[tuple[str, float]]:
    from k8snet_tui.app.app import make_app
    from k8snet_tui.app.messages import EditRequested
    from k8snet_tui.app.screens.level import LevelScreen
    from k8snet_tui.game.progress import LevelRecord

    results: list[tuple[str, float]] = []
    app = make_app(data_dir=Path(tempfile.mkdtemp()), clock=lambda: 0.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        pack = app.catalog.packs[0]
        for entry in pack.levels:
            app.save.levels.setdefault(entry.key, LevelRecord()).solved = True
        for entry in pack.levels:
            app.open_level(pack.id, entry.index)
            await pilot.pause()
            await pilot.press("escape")  # close the briefing
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, LevelScreen)
            puzzle = screen.session.level.spec.puzzle
            assert puzzle is not None
            for edit in puzzle.solution:
                if not isinstance(app.screen, LevelScreen):
                    break
                start = time.perf_counter()
                screen.apply_edit(EditRequested(edit))
                await pilot.pause()
                results.append((entry.id, time.perf_counter() - start))
            while not isinstance(app.screen, LevelScreen):
                await pilot.press("escape")
                await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    cold = cold_start(args.repeats)
    print(f"cold start to first frame (process wall time, {args.repeats} runs): "
          f"best {min(cold):.3f} s, median {statistics.median(cold):.3f} s  (target < 1 s)")
    edits = asyncio.run(edit_latency())
    times = [t for _, t in edits]
    worst = max(edits, key=lambda x: x[1])
    print(f"edit → updated checklist and map ({len(edits)} edits over the campaign): "
          f"median {statistics.median(times) * 1000:.1f} ms, worst {worst[1] * 1000:.1f} ms "
          f"({worst[0]})  (target < 50 ms)")
    return 0 if min(cold) < 1.0 and statistics.median(times) < 0.05 else 1


if __name__ == "__main__":
    raise SystemExit(main())
