"""kill -9 while progress is being saved: never a corrupt save, never a lost solve.

A child process records solved levels and stars through the game layer's progress
API (``ProgressStore.load``, ``record_solved``, ``ProgressStore.save``), saving after
each one, and prints what it has durably saved once ``save`` has returned. The
parent kills it with SIGKILL after a short random delay, many times over, and after
each kill loads the save as the game would on its next start: it must load without
a message (nothing set aside) and hold at least every solve the child reported.
The atomic write (temporary file, fsync, ``os.replace``) is what makes this hold;
this test keeps it held. The delays are seeded, so a failure reproduces.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from k8snet_tui.game.progress import DATA_DIR_ENV, ProgressStore

ROUNDS = 24
SEED = 8

CHILD = r"""
import sys
from k8snet_tui.game.progress import ProgressStore, record_solved

store = ProgressStore()  # the data directory comes from the environment, as in the game
result = store.load()
if result.message is not None:
    print("MESSAGE", result.message, flush=True)
    sys.exit(3)
save = result.save
start = int(sys.argv[1])
print("READY", flush=True)
for i in range(start, start + 100_000):
    key = f"soak/level-{i}"
    record_solved(save, key, edits=i % 7 + 1, stars=i % 3 + 1, hints=i % 2, seconds=i / 10)
    save.last_level = key
    store.save(save)
    print("SAVED", key, i % 3 + 1, flush=True)  # only now is it on disk
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_kill_9_during_saves_never_corrupts_or_loses_a_reported_solve(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    data = tmp_path / "data"
    env = {**os.environ, DATA_DIR_ENV: str(data), "PYTHONDONTWRITEBYTECODE": "1"}
    reported: dict[str, int] = {}
    next_index = 0
    deadline = time.monotonic() + 22
    rounds = 0
    while rounds < ROUNDS and time.monotonic() < deadline:
        rounds += 1
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(next_index)],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                 text=True)
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first == "READY\n", first + (child.stderr.read() if child.stderr else "")
        time.sleep(rng.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        out, _ = child.communicate(timeout=10)
        assert child.returncode == -signal.SIGKILL
        for line in out.splitlines(keepends=True):
            if line.startswith("SAVED ") and line.endswith("\n"):  # a cut line was not said
                _, key, stars = line.split()
                reported[key] = int(stars)
                next_index = max(next_index, int(key.rsplit("-", 1)[1]) + 1)

        result = ProgressStore(data).load()
        assert result.message is None, f"round {rounds}: {result.message}"
        levels = result.save.levels
        lost = [key for key in reported if key not in levels or not levels[key].solved]
        assert not lost, f"round {rounds}: reported solved but not in the save: {lost[:5]}"
        assert all(levels[key].best_stars >= stars for key, stars in reported.items())
        assert not list(data.glob("progress.corrupt-*")), "nothing may be set aside"
    assert rounds >= 8, "too few rounds ran to mean anything"
    assert reported, "the child never got to save once"
