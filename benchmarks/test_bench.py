"""The headline figures of bench_engine.py as pytest-benchmark tests.

Not part of the test suite (``testpaths`` is ``tests``); run them with
``python -m pytest benchmarks/ --benchmark-only`` to get pytest-benchmark's
statistics, comparisons between runs (``--benchmark-autosave``,
``--benchmark-compare``) and histograms. The plain script gives the scaling
tables and target checks; these give distributions.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from bench_engine import (
    BIG_SIZE,
    CAMPAIGN_SIZE,
    LOAD_SIZE,
    Synthetic,
    check_all,
    synthetic,
)
from pytest_benchmark.fixture import BenchmarkFixture

from k8snet_tui.engine.evaluate import Engine
from k8snet_tui.model.load import load_level
from k8snet_tui.model.synth import generate_yaml_text


@pytest.fixture(scope="module")
def campaign_level() -> Synthetic:
    return synthetic(0, **CAMPAIGN_SIZE)


@pytest.fixture(scope="module")
def big_level() -> Synthetic:
    return synthetic(1, **BIG_SIZE)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bench") / "big-level.yaml"
    path.write_text(generate_yaml_text(3, **LOAD_SIZE), encoding="utf-8")
    return path


def test_campaign_sized_full_check(benchmark: BenchmarkFixture,
                                   campaign_level: Synthetic) -> None:
    checked = benchmark(check_all, campaign_level.world, campaign_level.flows)
    assert checked == len(campaign_level.flows)


def test_big_cluster_topology_build(benchmark: BenchmarkFixture, big_level: Synthetic) -> None:
    engine = benchmark(Engine, big_level.world)
    assert len(engine.topo.pods_by_key) == BIG_SIZE["pods"]


@pytest.mark.benchmark(min_rounds=3, warmup=False)
def test_big_cluster_every_flow(benchmark: BenchmarkFixture, big_level: Synthetic) -> None:
    checked = benchmark(check_all, big_level.world, big_level.flows)
    assert checked == BIG_SIZE["flows"]


@pytest.mark.benchmark(min_rounds=3, warmup=False)
def test_load_large_level_file(benchmark: BenchmarkFixture, big_file: Path) -> None:
    level = benchmark(load_level, big_file)
    assert len(level.spec.flows) == LOAD_SIZE["flows"]
