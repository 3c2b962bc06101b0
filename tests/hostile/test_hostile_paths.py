"""Hostile field paths: deep, huge indexes, unbalanced brackets — a reason, never a crash.

Paths reach the game from level files (a puzzle's solution), save files (edits in
progress) and the player. Each case is the smallest input that crashed or hung
before (issue #8): a RecursionError 3,000 segments deep, a ValueError for an index
over Python's 4,300-digit limit, and quadratic work on 100,000 unbalanced brackets.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from k8snet_tui.cli import main
from k8snet_tui.game.edits import EditError, apply_edit, invert_edit
from k8snet_tui.game.paths import (
    MAX_INDEX_DIGITS,
    MAX_PATH_CHARS,
    MAX_PATH_SEGMENTS,
    PathError,
    first_missing,
    format_path,
    get_path,
    parse_path,
    set_path,
    unset_path,
)
from k8snet_tui.model.edits import MAX_EDIT_PATH_CHARS, SetEdit, UnsetEdit
from k8snet_tui.model.load import load_level_text
from k8snet_tui.model.yamlsource import MarkTable, YamlError, read_documents

DEEP = "spec." + ".".join(["a"] * 3000)
DEEP_UNDER_EDIT_LIMIT = ".".join(["a"] * 2000)  # 3,999 characters: the parser refuses it
HUGE_INDEX = "spec.ports[99999999999999999999].targetPort"
OVER_DIGIT_LIMIT = "spec.ports[" + "9" * 4301 + "].targetPort"
UNBALANCED = "spec.ports" + "[" * 100_000
MANY_SEGMENTS_SHORT = "spec" + "[0]" * (MAX_PATH_SEGMENTS + 1)  # under MAX_PATH_CHARS
LONG_INDEX_SHORT = "spec.ports[" + "1" * (MAX_INDEX_DIGITS + 1) + "]"

HOSTILE = [DEEP, DEEP_UNDER_EDIT_LIMIT, HUGE_INDEX, OVER_DIGIT_LIMIT, UNBALANCED,
           MANY_SEGMENTS_SHORT, LONG_INDEX_SHORT]
IDS = ["3000-deep", "2000-deep", "huge-index", "over-4300-digits", "100k-brackets", "129-segments",
       "9-digit-index"]


# ------------------------------------------------------------------ the grammar


@pytest.mark.parametrize("path", HOSTILE, ids=IDS)
def test_a_hostile_path_is_a_path_error_with_a_short_message(path: str) -> None:
    started = time.perf_counter()
    with pytest.raises(PathError) as info:
        parse_path(path)
    assert time.perf_counter() - started < 1.0
    assert len(str(info.value)) < 300, "the message must not echo a huge path whole"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("a" * (MAX_PATH_CHARS + 1), f"longer than {MAX_PATH_CHARS} characters"),
        (MANY_SEGMENTS_SHORT, f"more than {MAX_PATH_SEGMENTS} fields and indexes"),
        (".".join(["a"] * (MAX_PATH_SEGMENTS + 1)), f"more than {MAX_PATH_SEGMENTS} fields"),
        (HUGE_INDEX, f"list index too large (at most {MAX_INDEX_DIGITS} digits, got 20)"),
        (LONG_INDEX_SHORT, "list index too large"),
    ],
)
def test_path_limits_name_the_limit(path: str, message: str) -> None:
    with pytest.raises(PathError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_path(path)


def test_paths_at_the_limits_still_parse() -> None:
    assert len(parse_path("spec" + "[0]" * (MAX_PATH_SEGMENTS - 1))) == MAX_PATH_SEGMENTS
    assert parse_path("spec.ports[" + "9" * MAX_INDEX_DIGITS + "]")[-1] == 10**8 - 1
    key = "example.com/" + "k" * 63
    assert parse_path(f'spec.template.metadata.annotations["{key}"]')[-1] == key


@pytest.mark.parametrize("shape", ["[", "[0", "[name=", '["', "[name=a]x", "]"])
def test_parsing_unbalanced_brackets_is_linear(shape: str) -> None:
    """The parser refuses at the first bad bracket; a longer path costs no more."""
    path = "spec.ports" + shape * (MAX_PATH_CHARS // len(shape) - 4)
    started = time.perf_counter()
    for _ in range(200):
        with pytest.raises(PathError):
            parse_path(path)
    assert time.perf_counter() - started < 2.0


def test_walking_a_path_of_any_depth_never_recurses() -> None:
    """Tuple paths (from diffs of data) have no segment limit; walking them is a loop."""
    deep = ("a",) * 5000
    data = set_path({}, deep, 1)
    assert get_path(data, deep) == 1
    assert first_missing(data, (*deep[:-1], "z", "b")) == (*deep[:-1], "z")
    assert first_missing(data, deep) is None
    assert get_path(unset_path(data, deep), deep[:-1]) == {}
    assert len(format_path(deep)) == 2 * 5000 - 1


def test_an_edit_stores_at_most_max_edit_path_chars_with_a_short_message() -> None:
    with pytest.raises(ValidationError) as info:
        SetEdit(ref="service/a/b", path=UNBALANCED, value=1)
    assert f"at most {MAX_EDIT_PATH_CHARS} characters (this one has 100,010)" in str(info.value)
    UnsetEdit(ref="service/a/b", path="x" * MAX_EDIT_PATH_CHARS)  # the limit itself is fine


def test_every_inverse_of_a_parsable_path_fits_an_edit() -> None:
    """An undo entry's path is the concrete form: quotes escaped (×2), names as indexes."""
    assert MAX_EDIT_PATH_CHARS >= 2 * MAX_PATH_CHARS + 2 * MAX_PATH_SEGMENTS
    worst = 'metadata.labels["' + '\\"' * ((MAX_PATH_CHARS - 20) // 2) + '"]'
    assert len(worst) <= MAX_PATH_CHARS
    assert len(format_path(parse_path(worst))) <= MAX_EDIT_PATH_CHARS


# ------------------------------------------------------------ levels and edits

LEVEL = """\
format: k8snet/v1
id: svc-port
resources:
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: api, namespace: shop, labels: {app: api}}
    spec:
      containers:
        - name: api
          image: api
          ports: [{containerPort: 8080, name: http}]
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: api}
      ports: [{port: 80, targetPort: 9090}]
flows:
  - from: pod/shop/web
    to: service/shop/api:80
puzzle:
  editable: [service/shop/api]
  solution:
    - op: set
      ref: service/shop/api
      path: '{path}'
      value: http
"""


@pytest.mark.parametrize("path", HOSTILE, ids=IDS)
def test_a_hostile_solution_path_is_a_located_error_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], path: str) -> None:
    level = tmp_path / "level.yaml"
    level.write_text(LEVEL.replace("{path}", path), encoding="utf-8")
    started = time.perf_counter()
    assert main(["check", "--solution", str(level)]) == 2
    out = capsys.readouterr()
    assert f"{level}:" in out.err
    assert "error: puzzle.solution" in out.err
    # validate reports a solution that cannot be applied as a failed check (1), a
    # path the level format refuses outright (over MAX_EDIT_PATH_CHARS) as invalid (2).
    assert main(["validate", str(level)]) == (2 if len(path) > MAX_EDIT_PATH_CHARS else 1)
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert "cannot be applied" in out.out or "at most 4096 characters" in out.err
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize("path", HOSTILE, ids=IDS)
def test_a_hostile_path_in_a_played_edit_is_refused_not_a_crash(path: str) -> None:
    level = load_level_text(LEVEL.replace("{path}", "spec.type"))
    if len(path) > MAX_EDIT_PATH_CHARS:
        with pytest.raises(ValidationError):
            SetEdit(ref="service/shop/api", path=path, value=1)
        return
    for edit in (SetEdit(ref="service/shop/api", path=path, value=1),
                 UnsetEdit(ref="service/shop/api", path=path)):
        with pytest.raises(EditError, match="bad field path"):
            apply_edit(level, edit)
        with pytest.raises(EditError, match="bad field path"):
            invert_edit(level, edit)


# The YAML reader's repair of unquoted flow-mapping paths (``path: a[0]`` inside
# ``{…}``) was quadratic: its pattern backtracked over a path full of "[" that no
# "," or "}" ends, and it counted lines from the start for every match. Linear, these
# inputs take milliseconds to a second; quadratic, minutes. The timeout decides.


@pytest.mark.timeout(10)
def test_repairing_an_unterminated_flow_path_is_linear() -> None:
    text = "- {op: set, ref: service/shop/api, path: spec.ports" + "[" * 100_000 + "\n"
    with pytest.raises(YamlError):
        read_documents(text, "x.yaml", MarkTable())


@pytest.mark.timeout(10)
def test_repairing_many_flow_paths_is_linear() -> None:
    text = "- {path: a[0], x: 1}\n" * 60_000 + "- [unclosed\n"
    with pytest.raises(YamlError):
        read_documents(text, "x.yaml", MarkTable())
