"""Field paths: the grammar edits, locks and hints use to name one field."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from k8snet_tui.game.paths import (
    NameMatch,
    PathError,
    Segment,
    format_path,
    get_path,
    is_prefix,
    parse_path,
    resolve_path,
    set_path,
    unset_path,
)


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("spec", ("spec",)),
        ("spec.ports[0].targetPort", ("spec", "ports", 0, "targetPort")),
        ('metadata.labels["app.kubernetes.io/name"]',
         ("metadata", "labels", "app.kubernetes.io/name")),
        ("metadata.labels['app.kubernetes.io/name']",
         ("metadata", "labels", "app.kubernetes.io/name")),
        ("spec.ports[name=http].targetPort", ("spec", "ports", NameMatch("http"), "targetPort")),
        ('spec.ports[name="a.b]"]', ("spec", "ports", NameMatch("a.b]"))),
        ("spec.ingress[0].from[1].ipBlock.except[0]",
         ("spec", "ingress", 0, "from", 1, "ipBlock", "except", 0)),
        ("routes[10]", ("routes", 10)),
        ("[0].name", (0, "name")),
        ('a["say \\"hi\\""]', ("a", 'say "hi"')),
        ("metadata.labels.app", ("metadata", "labels", "app")),
        ("x[0][1]", ("x", 0, 1)),
    ],
)
def test_parse_path_reads_kubernetes_field_paths(text: str, segments: tuple[Segment, ...]) -> None:
    assert parse_path(text) == segments


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("spec..ports", "expected a field name after '.'"),
        ("spec.", "ends with '.'"),
        (".spec", "expected a field name"),
        ("spec.ports[", "expected an index"),
        ("spec.ports[0", 'missing "]"'),
        ("spec.ports[-1]", "negative indexes"),
        ("spec.ports[x]", "expected an index"),
        ('metadata.labels["app', "unterminated quoted key"),
        ("spec.ports[0]x", "unexpected 'x'"),
        ("spec.ports[name=]", "needs a name"),
        ("status.conditions[type=Ready]", "only [name=…]"),
        ("spec.ports.[0]", "expected a field name after '.'"),
    ],
)
def test_parse_path_rejects_malformed_paths_with_a_reason(text: str, message: str) -> None:
    with pytest.raises(PathError) as info:
        parse_path(text)
    assert message in str(info.value)


def test_parse_error_names_the_path_and_position() -> None:
    with pytest.raises(PathError) as info:
        parse_path("spec..ports")
    assert str(info.value) == ('bad field path "spec..ports": expected a field name after '
                               "'.' (at character 6)")


def test_a_name_selector_is_not_a_map_key_of_the_same_text() -> None:
    assert NameMatch("http") != "http"
    assert parse_path("ports[name=http]") != parse_path('ports["http"]')
    assert len({NameMatch("http"), "http"}) == 2


_keys = st.one_of(
    st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True),
    st.text(min_size=0, max_size=8),
)
_segment: st.SearchStrategy[Segment] = st.one_of(
    _keys,
    st.integers(min_value=0, max_value=500),
    st.text(min_size=1, max_size=8).map(NameMatch),
)


@given(st.lists(_segment, min_size=1, max_size=6))
def test_format_path_is_the_inverse_of_parse_path(segments: list[Segment]) -> None:
    assert parse_path(format_path(segments)) == tuple(segments)


def test_format_path_quotes_only_what_needs_quoting() -> None:
    assert format_path(("spec", "ports", 0, "targetPort")) == "spec.ports[0].targetPort"
    assert format_path(("metadata", "labels", "app.kubernetes.io/name")) == \
        'metadata.labels["app.kubernetes.io/name"]'
    assert format_path(("spec", "ports", NameMatch("http"))) == "spec.ports[name=http]"


SVC: dict[str, Any] = {
    "metadata": {"name": "api", "labels": {"app.kubernetes.io/name": "api"}},
    "spec": {"ports": [{"name": "http", "port": 80}, {"name": "grpc", "port": 90}],
             "type": "ClusterIP"},
}


def test_get_path_follows_keys_indexes_and_name_selectors() -> None:
    assert get_path(SVC, "spec.ports[1].port") == 90
    assert get_path(SVC, "spec.ports[name=grpc].port") == 90
    assert get_path(SVC, 'metadata.labels["app.kubernetes.io/name"]') == "api"
    assert get_path(SVC, ("spec", "type")) == "ClusterIP"


def test_get_path_reports_a_missing_field_or_returns_the_default() -> None:
    with pytest.raises(PathError, match=r"spec\.selector is not set"):
        get_path(SVC, "spec.selector.app")
    assert get_path(SVC, "spec.selector.app", None) is None
    assert get_path(SVC, "spec.ports[5]", "none") == "none"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("spec.ports[name=web]", 'spec.ports has no item named "web" (names: http, grpc)'),
        ("spec.type.x", "spec.type is a str ('ClusterIP'), not an object with fields"),
        ("spec[0]", "spec is an object, not a list"),
        ("spec.type[name=x]", "not a list; [name=x] selects a list item"),
    ],
)
def test_get_path_explains_a_path_that_does_not_fit(path: str, message: str) -> None:
    with pytest.raises(PathError) as info:
        get_path(SVC, path)
    assert message in str(info.value)


def test_set_path_returns_a_new_structure_and_leaves_the_input_alone() -> None:
    before = copy.deepcopy(SVC)
    value = {"a": 1}
    out = set_path(SVC, "spec.ports[name=http].extra", value)
    value["a"] = 2  # the caller keeps its value; the result must not change with it
    assert before == SVC
    assert out["spec"]["ports"][0] == {"name": "http", "port": 80, "extra": {"a": 1}}
    assert out["spec"]["ports"][1] is SVC["spec"]["ports"][1]  # untouched parts are shared


def test_set_path_creates_missing_parents_and_appends_at_the_list_length() -> None:
    out = set_path({}, "spec.selector.app", "web")
    assert out == {"spec": {"selector": {"app": "web"}}}
    out = set_path({}, "spec.ports[0].port", 80)
    assert out == {"spec": {"ports": [{"port": 80}]}}
    out = set_path(SVC, "spec.ports[2]", {"port": 70})
    assert [p["port"] for p in out["spec"]["ports"]] == [80, 90, 70]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("spec.ports[3]", "spec.ports has 2 item(s); [3] is out of range (use [2] to append)"),
        ("spec.other[1]", "spec.other is not set; start a new list at [0]"),
        ("spec.other[name=x]", 'no item named "x"'),
        ("spec.type.sub", "not an object with fields"),
    ],
)
def test_set_path_refuses_what_cannot_be_built(path: str, message: str) -> None:
    with pytest.raises(PathError) as info:
        set_path(SVC, path, 1)
    assert message in str(info.value)


def test_unset_path_removes_keys_and_list_items_without_mutating() -> None:
    before = copy.deepcopy(SVC)
    out = unset_path(SVC, "spec.ports[name=http]")
    assert [p["name"] for p in out["spec"]["ports"]] == ["grpc"]
    assert "type" not in unset_path(SVC, "spec.type")["spec"]
    assert before == SVC
    with pytest.raises(PathError, match=r"spec\.selector is not set"):
        unset_path(SVC, "spec.selector")


def test_resolve_path_turns_name_selectors_into_indexes() -> None:
    assert resolve_path(SVC, "spec.ports[name=grpc].port") == ("spec", "ports", 1, "port")
    assert resolve_path(SVC, "spec.selector.app") == ("spec", "selector", "app")
    with pytest.raises(PathError, match="not set, so it has no item"):
        resolve_path(SVC, "spec.other[name=x]")


def test_prefixes_compare_whole_segments() -> None:
    assert is_prefix(parse_path("spec.ports"), parse_path("spec.ports[0].targetPort"))
    assert not is_prefix(parse_path("spec.port"), parse_path("spec.ports[0].targetPort"))
    assert not is_prefix(parse_path("spec.ports[0].targetPort"), parse_path("spec.ports"))
