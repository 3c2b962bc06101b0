"""Issue #8: every input limit is checked before the work it guards, refuses at
file:line:col with the numbers, and never blocks, crashes or blows up memory."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from k8snet_tui.game.catalog import build_catalog
from k8snet_tui.game.inputs import InputError, parse_manifest
from k8snet_tui.game.packs import load_pack
from k8snet_tui.model import limits
from k8snet_tui.model.load import load_any, load_level, load_level_text, load_manifests
from k8snet_tui.model.problems import LevelError, Problem

HEAD = "format: k8snet/v1\nid: t\nflows: []\n"
BIG_INT = "9" * 5000
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")


def _refused(call: object, *args: object) -> list[Problem]:
    with pytest.raises(LevelError) as info:
        call(*args)  # type: ignore[operator]
    assert info.value.problems
    return info.value.problems


def _placed(problem: Problem) -> None:
    """A refusal reads ``file:line:col: error: …``."""
    assert problem.severity == "error"
    assert problem.file
    assert problem.line
    assert problem.column, str(problem)


def _level(folder: Path, body: str) -> Path:
    path = folder / "level.yaml"
    path.write_text(HEAD + body, encoding="utf-8")
    return path


def _mem_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------ special files


@needs_fifo
@pytest.mark.parametrize("loader", [load_level, load_any, load_manifests])
def test_a_fifo_given_as_a_level_or_manifest_is_refused_without_opening_it(
        tmp_path: Path, loader: object) -> None:
    fifo = tmp_path / "level.yaml"
    os.mkfifo(fifo)
    [problem] = _refused(loader, fifo)
    assert "FIFO" in problem.message
    assert "not a regular file" in problem.message
    _placed(problem)


@needs_fifo
@pytest.mark.parametrize("pattern", ["pipe.yaml", "'*.yaml'"])
def test_a_fifo_reached_through_include_is_refused_at_the_include_entry(
        tmp_path: Path, pattern: str) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    [problem] = _refused(load_level, _level(tmp_path, f"include: [{pattern}]\n"))
    assert "FIFO" in problem.message
    assert problem.field == "include[0]"
    _placed(problem)


@needs_fifo
def test_a_fifo_pack_yaml_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pack.yaml")
    [problem] = _refused(load_pack, tmp_path)
    assert "FIFO" in problem.message
    catalog = build_catalog([tmp_path])
    assert catalog.packs == []
    assert catalog.problems


@needs_fifo
def test_a_fifo_pack_entry_is_a_problem_of_the_pack(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "a.yaml")
    (tmp_path / "pack.yaml").write_text("format: k8snet/v1\nid: p\ntitle: P\nlevels: [a.yaml]\n",
                                        encoding="utf-8")
    pack = load_pack(tmp_path)
    assert pack.levels == []
    assert "FIFO" in pack.problems[0].message


def test_a_fifo_given_to_the_cli_exits_2_without_blocking(tmp_path: Path) -> None:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    os.mkfifo(tmp_path / "level.yaml")
    run = subprocess.run([sys.executable, "-m", "k8snet_tui", "check",
                          str(tmp_path / "level.yaml")], capture_output=True, text=True,
                         timeout=20)
    assert run.returncode == 2
    assert f"{tmp_path / 'level.yaml'}:1:1: error:" in run.stderr + run.stdout
    assert "Traceback" not in run.stderr


# ------------------------------------------------------------- huge numbers


def test_an_integer_over_pythons_digit_limit_in_a_level_is_refused() -> None:
    problem = _refused(load_level_text, HEAD + f"difficulty: {BIG_INT}\n", "level.yaml")[0]
    assert problem.message == (f"an integer of 5,000 digits; the limit is "
                               f"{limits.MAX_NUMBER_DIGITS:,}")
    assert (problem.line, problem.column) == (4, 13)


def test_an_integer_over_the_limit_in_a_manifest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "svc.yaml"
    path.write_text("kind: Service\nmetadata: {name: s}\nspec:\n"
                    f"  ports: [{{port: {BIG_INT}}}]\n", encoding="utf-8")
    [problem] = _refused(load_manifests, path)
    assert "an integer of 5,000 digits" in problem.message
    assert (problem.file, problem.line) == (str(path), 4)


def test_an_integer_over_the_limit_in_the_yaml_editor_is_refused() -> None:
    text = f"kind: Service\nmetadata: {{name: s}}\nspec:\n  ports: [{{port: {BIG_INT}}}]\n"
    with pytest.raises(InputError, match=r"line 4:\d+: an integer of 5,000 digits"):
        parse_manifest(text)


def test_an_explicitly_tagged_bad_number_is_a_problem_not_a_traceback() -> None:
    for value in ("!!int abc", "!!bool maybe", "!!float x"):
        problem = _refused(load_level_text, HEAD + f"difficulty: {value}\n", "l.yaml")[0]
        assert "is not a valid" in problem.message


# ------------------------------------------------------------------ include


def _two_links(d: Path) -> None:
    os.symlink("b", d / "a")
    os.symlink("a", d / "b")


@pytest.mark.parametrize(("make", "pattern", "says"), [
    (lambda d: os.symlink("loop.yaml", d / "loop.yaml"), "loop.yaml", "symbolic link loop"),
    (lambda d: os.symlink("loop.yaml", d / "loop.yaml"), "'*.yaml'", "symbolic link loop"),
    (lambda d: _two_links(d), "a/x.yaml", "symbolic link loop"),
    (lambda d: None, '"a\\0b.yaml"', "NUL byte"),
    (lambda d: None, "'a**b/x.yaml'", '"**" must be a whole path component'),
])
def test_hostile_include_patterns_are_clear_errors(tmp_path: Path, make: object, pattern: str,
                                                   says: str) -> None:
    make(tmp_path)  # type: ignore[operator]
    [problem] = _refused(load_level, _level(tmp_path, f"include: [{pattern}]\n"))
    assert says in problem.message
    assert problem.field == "include[0]"
    _placed(problem)


def test_a_double_star_glob_does_not_follow_a_link_back_up(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "pod.yaml").write_text("kind: Pod\nmetadata: {name: a}\n", "utf-8")
    os.symlink("..", tmp_path / "m" / "up")
    loaded = load_level(_level(tmp_path, "include: ['**/pod.yaml']\n"))
    assert [p.name for p in loaded.world.pods] == ["a"]


def test_a_glob_of_600_files_is_counted_and_refused_before_any_is_parsed(tmp_path: Path) -> None:
    (tmp_path / "m").mkdir()
    for i in range(600):
        (tmp_path / "m" / f"p{i}.yaml").write_text(f"kind: Pod\nmetadata: {{name: p{i}}}\n",
                                                   "utf-8")
    start = time.perf_counter()
    [problem] = _refused(load_level, _level(tmp_path, "include: ['m/*.yaml']\n"))
    assert time.perf_counter() - start < 5
    assert problem.message == "the include patterns match 600 files; the limit is 500"
    _placed(problem)


def test_included_files_over_the_total_size_are_refused_before_reading(tmp_path: Path) -> None:
    for i in range(3):  # sparse files: no disk use, and they are never read
        with open(tmp_path / f"m{i}.yaml", "wb") as fh:
            fh.truncate(limits.MAX_INCLUDED_BYTES // 2)
    [problem] = _refused(load_level, _level(tmp_path, "include: ['m*.yaml']\n"))
    assert "the limit is 16,777,216 (16 MiB)" in problem.message
    _placed(problem)


# -------------------------------------------------------------------- YAML


def test_an_alias_bomb_padded_to_16_mb_is_refused_fast_and_small(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    pad = "briefing: |\n" + ("  " + "y" * 1000 + "\n") * 16_000
    path = tmp_path / "bomb.yaml"
    path.write_text(HEAD + pad + "x:\n" + "".join(f"  {line}\n" for line in lines), "utf-8")
    before, start = _mem_mb(), time.perf_counter()
    [problem] = _refused(load_level, path)
    assert time.perf_counter() - start < 10
    assert _mem_mb() - before < 400
    assert "more than 1,000,000 YAML values" in problem.message
    _placed(problem)


def test_a_file_of_a_million_tiny_values_is_refused_while_parsing() -> None:
    text = HEAD + "x:\n" + "- 1\n" * (limits.MAX_YAML_VALUES + 10)
    problem = _refused(load_level_text, text, "l.yaml")[0]
    assert f"the limit is {limits.MAX_YAML_VALUES:,}" in problem.message
    _placed(problem)


@pytest.mark.parametrize("body", [
    "briefing: " + "[" * 100_000 + "]" * 100_000 + "\n",
    "briefing: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "briefing:\n  " + "- " * 100_000 + "x\n",
])
def test_nesting_100000_levels_deep_is_refused_fast_with_a_line(body: str) -> None:
    start = time.perf_counter()
    problem = _refused(load_level_text, HEAD + body, "l.yaml")[0]
    assert time.perf_counter() - start < 5
    assert f"nested more than {limits.MAX_DEPTH} levels deep" in problem.message
    _placed(problem)


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    problem = _refused(load_level_text, HEAD + "x: &a [*a]\n", "l.yaml")[0]
    assert "cycle" in problem.message


def test_nesting_through_aliases_counts() -> None:
    deep = "[" * 40 + "1" + "]" * 40
    problem = _refused(load_level_text, HEAD + f"a: &d {deep}\nb: {'[' * 30}*d{']' * 30}\n",
                       "l.yaml")[0]
    assert "through alias *d" in problem.message


# ---------------------------------------------------------------- the world


def _workloads(kind: str, n: int, replicas: int | None = None) -> list[dict[str, object]]:
    spec: dict[str, object] = {"selector": {"matchLabels": {"a": "b"}},
                               "template": {"metadata": {"labels": {"a": "b"}},
                                            "spec": {"containers": [{"name": "c", "image": "x"}]}}}
    if replicas is not None:
        spec["replicas"] = replicas
    return [{"apiVersion": "apps/v1", "kind": kind, "metadata": {"name": f"w{i}"}, "spec": spec}
            for i in range(n)]


def _write(tmp_path: Path, raw: dict[str, object]) -> Path:
    path = tmp_path / "level.yaml"
    path.write_text(yaml.safe_dump({"format": "k8snet/v1", "id": "t", "flows": [], **raw}),
                    "utf-8")
    return path


def test_deployments_expanding_past_the_pod_limit_are_refused_with_the_arithmetic(
        tmp_path: Path) -> None:
    path = _write(tmp_path, {"resources": _workloads("Deployment", 1000, 1000)})
    start = time.perf_counter()
    [problem] = _refused(load_level, path)
    assert time.perf_counter() - start < 10
    assert problem.message == ("the level expands to 1,000,000 pods (1,000,000 replicas of "
                               "1,000 workloads); the limit is 10,000")
    assert problem.field == "resources[0].spec.replicas"
    _placed(problem)


def test_daemonsets_times_nodes_past_the_pod_limit_are_refused(tmp_path: Path) -> None:
    nodes = [{"name": f"n{i}"} for i in range(1000)]
    path = _write(tmp_path, {
        "cluster": {"nodeNetwork": "192.168.0.0/16", "clusterCIDR": "10.0.0.0/8",
                    "serviceCIDR": "172.16.0.0/16", "nodes": nodes},
        "resources": _workloads("DaemonSet", 11)})
    [problem] = _refused(load_level, path)
    assert "1,000 nodes × 11 DaemonSets = 11,000" in problem.message
    assert "the limit is 10,000" in problem.message


def test_more_nodes_than_the_limit_are_refused_before_planning(tmp_path: Path) -> None:
    path = _write(tmp_path, {"cluster": {"nodes": [{"name": f"n{i}"} for i in range(5000)]},
                             "resources": _workloads("DaemonSet", 1)})
    [problem] = _refused(load_level, path)
    assert problem.message == "5,000 nodes; the limit is 1,000"
    _placed(problem)


def test_services_selecting_past_the_endpoint_limit_are_refused(tmp_path: Path) -> None:
    services = [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": f"s{i}"},
                 "spec": {"selector": {"a": "b"}, "ports": [{"port": 80}]}} for i in range(30)]
    nodes = [{"name": f"n{i}"} for i in range(40)]
    path = _write(tmp_path, {
        "cluster": {"nodes": nodes},
        "resources": [*_workloads("Deployment", 8, 1000), *services],
    })
    # 8,000 pods × 30 Services = 240,000 endpoints
    problems = _refused(load_level, path)
    assert any("more than 200,000 endpoint addresses" in p.message for p in problems)


def test_too_many_flows_are_refused_before_validation() -> None:
    text = HEAD.replace("flows: []\n", "") + "flows:\n" + "- {}\n" * (limits.MAX_FLOWS + 1)
    problem = _refused(load_level_text, text, "l.yaml")[0]
    assert problem.message == f"{limits.MAX_FLOWS + 1:,} flows; the limit is 50,000"
    _placed(problem)


# ---------------------------------------------------------------- the catalog


def _pack(folder: Path, pack_id: str, levels: dict[str, str]) -> Path:
    folder.mkdir(parents=True)
    listed = ", ".join(f'"{name}"' for name in levels)
    (folder / "pack.yaml").write_text(
        f"format: k8snet/v1\nid: {pack_id}\ntitle: T\nlevels: [{listed}]\n", "utf-8")
    for name, text in levels.items():
        if "\0" not in name:
            (folder / name).write_text(text, "utf-8")
    return folder


def test_a_pack_entry_with_a_nul_byte_is_a_problem_of_the_pack(tmp_path: Path) -> None:
    folder = _pack(tmp_path / "p", "p", {"a\\0b.yaml": ""})
    pack = load_pack(folder)
    assert pack.levels == []
    assert "NUL byte" in pack.problems[0].message
    assert pack.problems[0].line is not None


def test_a_pack_entry_that_is_a_link_loop_is_a_problem_of_the_pack(tmp_path: Path) -> None:
    folder = _pack(tmp_path / "p", "p", {})
    (folder / "pack.yaml").write_text("format: k8snet/v1\nid: p\ntitle: T\nlevels: [l.yaml]\n",
                                      "utf-8")
    os.symlink("l.yaml", folder / "l.yaml")
    assert "symbolic link loop" in load_pack(folder).problems[0].message


def test_level_select_survives_a_broken_level_and_lists_it_with_its_error(
        tmp_path: Path) -> None:
    folder = _pack(tmp_path / "p", "p", {
        "good.yaml": HEAD.replace("id: t", "id: good"),
        "huge.yaml": HEAD + f"difficulty: {BIG_INT}\n",
        "deep.yaml": HEAD + "briefing: " + "[" * 1000 + "]" * 1000 + "\n",
    })
    catalog = build_catalog([folder])
    [pack] = catalog.packs
    assert [lvl.id for lvl in pack.levels] == ["good", "huge", "deep"]
    good, huge, deep = pack.levels
    assert good.broken is None
    assert huge.broken is not None
    assert "5,000 digits" in huge.broken.message
    assert deep.broken is not None
    assert "nested more than" in deep.broken.message
    assert {p.file for p in pack.problems} == {str(folder / "huge.yaml"),
                                              str(folder / "deep.yaml")}


def test_two_packs_with_one_id_both_stay_listed_and_distinguishable(tmp_path: Path) -> None:
    level = HEAD.replace("id: t", "id: one")
    user = _pack(tmp_path / "data" / "shared", "shared", {"one.yaml": level})
    installed = _pack(tmp_path / "site" / "shared", "shared", {"one.yaml": level})
    catalog = build_catalog([user, installed])
    first, second = catalog.packs
    assert first.id == "shared"
    assert first.levels[0].key == "shared/one"
    assert second.id == "shared@shared"
    assert second.levels[0].key == "shared@shared/one"
    assert second.path == installed
    [warning] = second.problems
    assert warning.severity == "warning"
    assert str(user) in warning.message
    assert '"shared@shared"' in warning.message
    assert warning.file == str(installed / "pack.yaml")
    assert warning.line == 2
    assert not first.problems
    assert not catalog.problems


# ------------------------------------------------------------- what must pass


def test_the_limits_accept_the_benchmark_sized_level(tmp_path: Path) -> None:
    from k8snet_tui.model.synth import generate_yaml_text

    path = tmp_path / "big.yaml"
    path.write_text(generate_yaml_text(1, nodes=30, pods=2000, services=400, policies=300,
                                       flows=10_000), "utf-8")
    loaded = load_level(path)
    assert len(loaded.world.pods) == 2000
