"""Hostile or broken input is refused with a clear Problem, never obeyed, never a traceback."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from k8snet_tui.model import yamlsource
from k8snet_tui.model.load import LoadedLevel, load_any, load_level, load_manifests
from k8snet_tui.model.problems import LevelError, Problem

from .helpers import HEAD, level, load, one_error, pos, problems


def _fails(path: Path, loader: Callable[[Path], LoadedLevel] = load_level) -> list[Problem]:
    with pytest.raises(LevelError) as info:
        loader(path)
    return info.value.problems


# ------------------------------------------------------------------ YAML tags


def test_python_object_tag_is_refused_and_not_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = level(f"briefing: !!python/object/apply:os.system ['touch {marker}']\n")
    problem = one_error(text)
    assert "unsupported YAML tag" in problem.message
    assert "python/object/apply" in problem.message
    assert (problem.line, problem.column) == pos(text, "briefing: |!!python")
    assert not marker.exists()


@pytest.mark.parametrize("tag", ["!!python/name:os.system", "!!binary", "!custom", "!!set"])
def test_only_plain_yaml_tags_are_accepted(tag: str) -> None:
    problem = one_error(level(f"briefing: {tag} x\n"))
    assert "unsupported YAML tag" in problem.message


def test_timestamps_stay_strings_as_kubernetes_keeps_them() -> None:
    loaded = load(level("resources:\n- kind: Pod\n  metadata: {name: a, annotations: "
                        "{at: 2024-01-01T00:00:00Z}}\n"))
    assert loaded.world.pods[0].annotations == {"at": "2024-01-01T00:00:00Z"}


# ----------------------------------------------------------- size and nesting


def test_alias_bomb_is_refused_quickly_with_a_message() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 9)}]")
    text = level("\n".join(lines) + "\n")
    start = time.perf_counter()
    problem = one_error(text)
    assert time.perf_counter() - start < 2.0
    assert "alias bomb" in problem.message
    assert problem.code == "yaml"
    assert problem.line is not None


def test_reasonable_alias_use_still_works() -> None:
    loaded = load(level("resources:\n- &pod {kind: Pod, metadata: {name: a}}\n"
                        "- kind: Pod\n  metadata: {name: b}\n  spec: &spec {hostNetwork: true}\n"
                        "- {kind: Pod, metadata: {name: c}, spec: *spec}\n"))
    assert [p.host_network for p in loaded.world.pods] == [False, True, True]


def test_file_over_the_size_cap_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: instant, no disk use
        fh.truncate(yamlsource.MAX_FILE_BYTES + 1)
    for loader in (load_level, load_any, load_manifests):
        [problem] = _fails(big, loader)
        assert "larger than 16 MiB" in problem.message
        assert problem.file == str(big)


def test_text_over_the_size_cap_is_refused() -> None:
    text = HEAD + "#" * (yamlsource.MAX_FILE_BYTES + 1) + "\n"
    problem = one_error(text)
    assert "larger than 16 MiB" in problem.message


def test_included_file_over_the_size_cap_is_refused(tmp_path: Path) -> None:
    with open(tmp_path / "big.yaml", "wb") as fh:
        fh.truncate(yamlsource.MAX_FILE_BYTES + 1)
    problem = one_error(level("include: [big.yaml]\n"), "level.yaml", tmp_path)
    assert problem.file == str(tmp_path / "big.yaml")
    assert "larger than 16 MiB" in problem.message


def test_deeply_nested_block_yaml_is_refused() -> None:
    depth = yamlsource.MAX_DEPTH + 5
    body = "".join("  " * i + f"k{i}:\n" for i in range(depth)) + "  " * depth + "leaf\n"
    problem = one_error(level("briefing:\n" + "".join("  " + line + "\n"
                                                       for line in body.splitlines())))
    assert f"nested more than {yamlsource.MAX_DEPTH} levels deep" in problem.message
    assert problem.line is not None


def test_deeply_nested_flow_yaml_is_refused() -> None:
    problem = one_error(level("briefing: " + "[" * 5000 + "]" * 5000 + "\n"))
    assert "refused" in problem.message or "nesting depth" in problem.message


def test_nesting_within_the_limit_is_fine() -> None:
    text = level("resources:\n- kind: ConfigMap\n  metadata: {name: c}\n  data: "
                 + "[" * 40 + "]" * 40 + "\n")
    assert load(text).world.pods == []


# ------------------------------------------------------------- encodings


def test_non_utf8_bytes_are_refused_with_their_position(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(HEAD.encode() + "briefing: café\n".encode("latin-1"))
    [problem] = _fails(path)
    assert "not UTF-8" in problem.message
    assert problem.file == str(path)
    assert (problem.line, problem.column) == (4, 14)


def test_non_utf8_bytes_deep_in_a_large_file_report_the_real_offset(tmp_path: Path) -> None:
    # Text-mode reads decode in chunks; the offset must still be absolute.
    path = tmp_path / "big.yaml"
    padding = b"# padding line\n" * 2000
    path.write_bytes(HEAD.encode() + padding + b"briefing: \xff\n")
    [problem] = _fails(path)
    assert f"byte {len(HEAD) + len(padding) + 10}" in problem.message
    assert problem.line == 4 + 2000


def test_control_characters_are_refused_with_line_and_column() -> None:
    problem = one_error(level("briefing: caf\u00e9 bell\x07\n"))
    assert "not allowed" in problem.message
    assert (problem.line, problem.column) == (4, 20)


def test_lone_surrogates_in_editor_text_are_refused() -> None:
    problem = one_error(level("briefing: x\udcff\n"))
    assert "surrogate" in problem.message


def test_utf8_bom_and_crlf_line_endings_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "level.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + level("briefing: caf\u00e9\n").replace(
        "\n", "\r\n").encode())
    assert load_level(path).spec.briefing == "caf\u00e9"


# ----------------------------------------------------------- include escapes


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A level folder ``lvl/`` with a secret manifest next to it, outside the folder."""
    (tmp_path / "lvl").mkdir()
    secret = tmp_path / "secret.yaml"
    secret.write_text("kind: Pod\nmetadata: {name: secret}\n", encoding="utf-8")
    return tmp_path


def _include(root: Path, pattern: str) -> list[Problem]:
    text = level(f"include: ['{pattern}']\n")
    (root / "lvl" / "level.yaml").write_text(text, encoding="utf-8")
    return _fails(root / "lvl" / "level.yaml")


def test_include_cannot_escape_the_level_folder_with_dot_dot(outside: Path) -> None:
    [problem] = _include(outside, "../secret.yaml")
    assert problem.field == "include[0]"
    assert "outside the level's folder" in problem.message
    assert problem.file == str(outside / "lvl" / "level.yaml")
    assert (problem.line, problem.column) == (4, 11)


def test_include_cannot_escape_with_dot_dot_in_the_middle_of_a_glob(outside: Path) -> None:
    (outside / "lvl" / "sub").mkdir()
    [problem] = _include(outside, "sub/../../*.yaml")
    assert "outside the level's folder" in problem.message


def test_include_refuses_absolute_paths(outside: Path) -> None:
    [problem] = _include(outside, str(outside / "secret.yaml"))
    assert "outside the level's folder" in problem.message


def test_include_refuses_a_symlink_that_points_outside(outside: Path) -> None:
    link = outside / "lvl" / "inside.yaml"
    try:
        link.symlink_to(outside / "secret.yaml")
    except OSError:  # pragma: no cover - platforms without symlinks
        pytest.skip("symlinks not supported here")
    for pattern in ("inside.yaml", "*.yaml"):
        [problem] = _include(outside, pattern)
        assert "resolves outside the level's folder" in problem.message
        assert problem.field == "include[0]"


def test_include_refuses_a_symlinked_folder_that_points_outside(outside: Path) -> None:
    (outside / "elsewhere").mkdir()
    (outside / "elsewhere" / "a.yaml").write_text("kind: Pod\nmetadata: {name: x}\n",
                                                  encoding="utf-8")
    try:
        (outside / "lvl" / "m").symlink_to(outside / "elsewhere", target_is_directory=True)
    except OSError:  # pragma: no cover
        pytest.skip("symlinks not supported here")
    [problem] = _include(outside, "m/a.yaml")
    assert "resolves outside" in problem.message


def test_manifest_folder_skips_symlinks_that_point_outside(outside: Path) -> None:
    (outside / "lvl" / "pod.yaml").write_text("kind: Pod\nmetadata: {name: inside}\n",
                                              encoding="utf-8")
    try:
        (outside / "lvl" / "link.yaml").symlink_to(outside / "secret.yaml")
    except OSError:  # pragma: no cover
        pytest.skip("symlinks not supported here")
    loaded = load_manifests(outside / "lvl")
    assert [p.name for p in loaded.world.pods] == ["inside"]


# --------------------------------------------------------- never a traceback


@pytest.mark.parametrize("text", [
    "", "~", "42", "- a\n- b\n", "just a string", HEAD + "---\n" + HEAD, "{", "\t- x",
    "format: k8snet/v1\nid: t\nflows: [{from: 1, to: 2}]\n",
    "format: k8snet/v1\nid: t\nflows: []\nresources: [1, 'x', null, [], {}]\n",
    "format: k8snet/v1\nid: t\nflows: []\nresources: {kind: Pod}\n",
    "format: k8snet/v1\nid: t\nflows: []\ninclude: 5\n",
    "format: k8snet/v1\nid: t\nflows: []\ninclude: [5, null]\n",
    "format: k8snet/v1\nid: t\nflows: []\n? [a, b]\n: c\n",
    "format: k8snet/v1\nid: t\nflows: []\n<<: 5\n",
], ids=lambda t: repr(t)[:30])
def test_garbage_is_a_level_error_not_a_traceback(text: str) -> None:
    found = problems(text)
    assert all(p.severity == "error" and p.message for p in found)
    assert all(p.file == "level.yaml" for p in found)


def test_several_hostile_includes_are_all_reported(outside: Path) -> None:
    (outside / "lvl" / "bad.yaml").write_text("a: !!python/name:os.system x\n",
                                              encoding="utf-8")
    text = level("include: ['../secret.yaml', '/etc/passwd', bad.yaml, 'nope/*.yaml']\n")
    (outside / "lvl" / "level.yaml").write_text(text, encoding="utf-8")
    found = _fails(outside / "lvl" / "level.yaml")
    assert len(found) == 4
    assert sum("outside the level's folder" in p.message for p in found) == 2
    assert any(p.file == str(outside / "lvl" / "bad.yaml") for p in found)


def test_unreadable_path_is_a_level_error(tmp_path: Path) -> None:
    [problem] = _fails(tmp_path / "missing.yaml")
    assert "cannot read" in problem.message
    if os.name == "posix":
        assert problem.file == str(tmp_path / "missing.yaml")
