"""Hostile inputs: every case here must finish fast, so each test carries a timeout.

A hang is the defect these tests exist to catch; without a timeout a regression
would stall CI instead of failing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

HOSTILE_TIMEOUT_S = 30


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents and item.get_closest_marker("timeout") is None:
            item.add_marker(pytest.mark.timeout(HOSTILE_TIMEOUT_S))
