"""Properties that hold for every level, checked on levels nobody wrote by hand.

The conformance tests prove the engine right on chosen examples; these prove
it never falls over on the rest. Levels come from the deterministic generator
(``k8snet_tui.model.synth``) with sizes and seeds drawn by hypothesis, so a
failure names a seed and a size that reproduce it exactly. The profile is
derandomized and database-free: CI runs the same examples on every machine.
"""

from __future__ import annotations

import copy
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from k8snet_tui.engine.evaluate import Engine, evaluate_level
from k8snet_tui.engine.trace import Trace, Verdict
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.load import LoadedLevel, load_level_text
from k8snet_tui.model.problems import LevelError, Problem
from k8snet_tui.model.synth import dump_yaml, generate_level
from k8snet_tui.model.world import World, build_world

MAX_HOPS_PER_PATH = 100
"""Far above anything a 4-node level needs (about 15): a trace that grows past it is looping."""


def profile(examples: int) -> settings:
    """Deterministic and bounded: the deadline is what catches a flow that never ends."""
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=timedelta(seconds=5),
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=False,
    )


SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
SIZES = st.fixed_dictionaries({
    "nodes": st.integers(1, 4),
    "pods": st.integers(0, 24),
    "services": st.integers(0, 8),
    "policies": st.integers(0, 8),
    "flows": st.integers(1, 16),
    "pod_network": st.sampled_from(["overlay", "routes"]),
    "namespaces": st.integers(1, 3),
    "route_faults": st.integers(0, 3),
})


def world_of(raw: dict[str, Any]) -> tuple[LevelFile, World]:
    """Validate and expand a generated level; the generator promises no errors."""
    spec = LevelFile.model_validate(raw)
    world, problems = build_world(spec)
    errors = [str(p) for p in problems if p.severity == "error"]
    assert not errors, errors
    return spec, world


def assert_well_formed(trace: Trace) -> None:
    """What every consumer of a Trace (CLI, app, JSON) relies on."""
    assert isinstance(trace.verdict, Verdict)
    assert (trace.reason is None) == (trace.verdict is Verdict.ALLOW), trace.to_json()
    assert trace.hops, "a trace always shows at least where the packet started"
    assert trace.paths, "every flow is evaluated along at least one path"
    reached = [p.reached for p in trace.paths]
    if trace.verdict is Verdict.ALLOW:
        assert all(reached)
    elif trace.verdict is Verdict.DENY:
        assert not any(reached)
    else:
        assert any(reached)
        assert not all(reached)
    for path in trace.paths:
        assert len(path.hops) <= MAX_HOPS_PER_PATH
        assert all(h.verdict in ("pass", "drop", "info") for h in path.hops)
        if not path.reached:
            assert path.reason is not None
            assert any(h.verdict == "drop" for h in path.hops), \
                "a failing path shows the hop where the packet dies"
    assert trace.ok == (trace.verdict.value == trace.expect)
    json.dumps(trace.to_json())  # serialisable as `check --json` prints it


# ------------------------------------------------------------------ generator

@profile(100)
@given(seed=SEEDS, size=SIZES)
def test_generator_is_deterministic_and_sizes_are_exact(seed: int, size: dict[str, Any]) -> None:
    raw = generate_level(seed, **size)
    assert raw == generate_level(seed, **size)
    spec, world = world_of(raw)
    assert len(world.pods) == size["pods"]
    assert len(world.services) == size["services"]
    assert len(world.policies) == size["policies"]
    assert len(spec.flows) == size["flows"]


@pytest.mark.parametrize("size", [
    {"nodes": 0, "pods": 1, "services": 0, "policies": 0, "flows": 1},
    {"nodes": 1, "pods": 201, "services": 0, "policies": 0, "flows": 1},
    {"nodes": 1, "pods": 1, "services": -1, "policies": 0, "flows": 1},
])
def test_generator_refuses_sizes_that_cannot_form_a_valid_level(size: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must|fit"):
        generate_level(0, **size)


# ---------------------------------------------------------------------- engine

@profile(250)
@given(seed=SEEDS, size=SIZES)
def test_every_flow_of_a_random_level_gets_a_well_formed_trace(seed: int,
                                                               size: dict[str, Any]) -> None:
    spec, world = world_of(generate_level(seed, **size))
    engine = Engine(world)
    for flow in spec.flows:
        trace = engine.evaluate(flow)
        assert_well_formed(trace)
        event(f"verdict {trace.verdict.value}")


@profile(100)
@given(seed=SEEDS, size=SIZES)
def test_evaluation_does_not_depend_on_engine_or_flow_order(seed: int,
                                                            size: dict[str, Any]) -> None:
    """Caches (DNS answers, endpoints) must never leak one flow's result into another."""
    spec, world = world_of(generate_level(seed, **size))
    forward = [Engine(world).evaluate(f).to_json() for f in spec.flows]
    shared = Engine(world)
    backward = [shared.evaluate(f).to_json() for f in reversed(spec.flows)][::-1]
    assert forward == backward


@profile(50)
@given(seed=SEEDS, size=SIZES)
def test_loading_the_same_yaml_twice_gives_the_same_addresses(seed: int,
                                                              size: dict[str, Any]) -> None:
    text = dump_yaml(generate_level(seed, **size))
    first, second = (load_level_text(text, "synthetic.yaml") for _ in range(2))

    def addresses(level: LoadedLevel) -> tuple[object, ...]:
        world = level.world
        return (
            [(p.namespace, p.name, p.node, p.ip) for p in world.pods],
            [(s.namespace, s.name, s.cluster_ip, s.lb_ips, [(x.port, x.node_port)
                                                            for x in s.ports])
             for s in world.services],
            [(n.name, n.ip, n.pod_cidr, n.routes) for n in world.cluster.nodes],
        )

    assert addresses(first) == addresses(second)
    assert evaluate_level(first).to_json() == evaluate_level(second).to_json()


# ------------------------------------------------------------------ bad input

JUNK: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["", "default", "None", "10.0.0.0/33", "999.1.1.1", "-1", "30000-1",
                     "pod/", "service/a/b/c:80", "*.", "{{ .Values.x }}", "∞", "a" * 300]),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def mutate(doc: dict[str, Any], data: st.DataObject) -> None:
    """Walk to a random spot of the level and break it: drop, retype, junk or duplicate."""
    node: Any = doc
    while True:
        key: Any
        if isinstance(node, dict) and node:
            key = data.draw(st.sampled_from(list(node)), label="key")
        elif isinstance(node, list) and node:
            key = data.draw(st.integers(0, len(node) - 1), label="index")
        else:
            return
        child = node[key]
        descend = isinstance(child, (dict, list)) and bool(child)
        if descend and data.draw(st.booleans(), label="descend"):
            node = child
            continue
        op = data.draw(st.sampled_from(["drop", "replace", "duplicate"]), label="op")
        if op == "drop":
            del node[key]
        elif op == "duplicate" and isinstance(node, list):
            node.insert(key, copy.deepcopy(child))
        else:
            node[key] = data.draw(JUNK, label="junk")
        return


@profile(500)
@given(seed=st.integers(0, 2**16), mutations=st.integers(1, 3), data=st.data())
def test_broken_levels_load_or_fail_with_a_level_error_never_a_crash(
        seed: int, mutations: int, data: st.DataObject) -> None:
    doc = generate_level(seed, nodes=2, pods=6, services=3, policies=3, flows=4,
                         pod_network="routes" if seed % 2 else "overlay")
    for _ in range(mutations):
        mutate(doc, data)
    level: LoadedLevel | None = None
    problems: list[Problem] = []
    try:
        level = load_level_text(dump_yaml(doc), "mutated.yaml")
    except LevelError as exc:
        problems = exc.problems
    if level is None:
        event("mutated level refused with a LevelError")
        assert problems, "a LevelError always says what is wrong"
        return
    event("mutated level still loads")
    # Whatever loads is a level the engine can check, flow by flow.
    for trace in evaluate_level(level).traces:
        assert_well_formed(trace)
