"""Unknown fields are reported as kubectl's strict field validation reports them.

The models keep unknown fields (a manifest loads as the API server would store
it), so without these warnings a misspelt ``podSelectr:`` would vanish and
silently change what a level means.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.game.inputs import InputError, parse_manifest
from k8snet_tui.model.load import load_manifests
from k8snet_tui.model.suggest import closest, did_you_mean
from tests.model.helpers import level, load, pos

POLICY = """
resources:
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: x, namespace: default}
    spec:
      podSelectr: {}
      policyTypes: [Ingress]
"""


def unknown(text: str) -> list[str]:
    return [f"{'.'.join(map(str, p.loc))}: {p.message}" for p in load(text).warnings
            if p.code == "unknown-key"]


def test_a_misspelt_field_is_a_warning_at_its_key_with_the_closest_real_name() -> None:
    text = level(POLICY)
    [warning] = [p for p in load(text).warnings if p.code == "unknown-key"]
    assert warning.severity == "warning"
    assert warning.loc == ("resources", 0, "spec", "podSelectr")
    assert warning.message == 'unknown field "podSelectr"; did you mean podSelector?'
    assert (warning.line, warning.column) == pos(text, "|podSelectr:")


def test_a_field_of_the_real_api_the_engine_does_not_model_is_not_reported() -> None:
    text = level("""
        resources:
          - apiVersion: v1
            kind: Service
            metadata: {name: s, namespace: default, uid: abc, resourceVersion: "1"}
            spec:
              selector: {app: a}
              ports: [{port: 80}]
              sessionAffinity: ClientIP
              ipFamilyPolicy: SingleStack
            status: {loadBalancer: {}}
    """)
    assert unknown(text) == []


def test_a_misplaced_field_is_reported_where_it_was_written() -> None:
    """``namespaceSelector`` one level too deep is a field ingress rules do not have."""
    text = level("""
        resources:
          - apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: x, namespace: default}
            spec:
              podSelector: {}
              ingress:
                - namespaceSelector: {}
    """)
    assert unknown(text) == [
        'resources.0.spec.ingress.0.namespaceSelector: unknown field "namespaceSelector"']


def test_a_field_of_another_workload_kind_is_reported_for_this_kind() -> None:
    """A DaemonSet has no ``replicas``: one pod per node, whatever is written."""
    text = level("""
        resources:
          - apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: d, namespace: default}
            spec:
              replicas: 3
              selector: {matchLabels: {app: d}}
              template:
                metadata: {labels: {app: d}}
                spec: {containers: [{name: c, image: x}]}
    """)
    [message] = unknown(text)
    assert message.startswith('resources.0.spec.replicas: unknown field "replicas"')
    assert "DaemonSet" in message


def test_kinds_the_engine_does_not_model_are_not_judged() -> None:
    text = level("""
        resources:
          - apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w, namespace: default}
            spec: {anything: goes}
    """)
    assert unknown(text) == []


def test_plain_manifests_warn_about_unknown_fields_too(tmp_path: Path) -> None:
    (tmp_path / "np.yaml").write_text(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
        "metadata: {name: x, namespace: default}\nspec:\n  podSelectr: {}\n")
    loaded = load_manifests(tmp_path)
    [warning] = [p for p in loaded.warnings if p.code == "unknown-key"]
    assert warning.file is not None
    assert warning.file.endswith("np.yaml")
    assert (warning.line, warning.column) == (5, 3)


def test_the_yaml_editor_refuses_an_unknown_field_with_its_line_and_path() -> None:
    text = ("apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
            "metadata: {name: x, namespace: default}\nspec:\n  podSelector: {}\n"
            "  ingress:\n  - from:\n    - podSelector: {}\n      namespaceSelectr: {}\n")
    with pytest.raises(InputError) as info:
        parse_manifest(text)
    assert str(info.value) == ('line 9:7: spec.ingress[0].from[0].namespaceSelectr: unknown '
                               'field "namespaceSelectr"; did you mean namespaceSelector?')


def test_the_yaml_editor_counts_the_other_unknown_fields() -> None:
    text = ("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: default}\n"
            "spec:\n  selectr: {app: a}\n  prots: [{port: 80}]\n")
    with pytest.raises(InputError, match=r"^line 5:3: spec.selectr: .*\(and 1 more\)$"):
        parse_manifest(text)


@pytest.mark.parametrize(
    ("word", "choices", "expected"),
    [
        ("podSelectr", ["podSelector", "namespaceSelector"], "podSelector"),
        ("PodSelector", ["podSelector", "PodSelectorX"], "podSelector"),  # case first
        ("zzz", ["podSelector"], None),
    ],
)
def test_closest_prefers_a_case_only_difference_then_a_close_spelling(
        word: str, choices: list[str], expected: str | None) -> None:
    assert closest(word, choices) == expected


def test_did_you_mean_is_empty_when_nothing_is_close() -> None:
    assert did_you_mean("zzz", ["podSelector"]) == ""
    assert did_you_mean("prots", ["ports"]) == "; did you mean ports?"


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ("concept: [a]\n", 'unknown key "concept"; did you mean concepts?'),
        ("cluster: {nodes: [{name: a, publc: true}]}\n",
         'unknown key "publc"; did you mean public?'),
        ("puzzle: {editabel: []}\n", 'unknown key "editabel"; did you mean editable?'),
        ("resources:\n- {apiVersion: v1, kind: Service, metadata: {name: s}, "
         "spec: {type: NodePrt, ports: [{port: 80}]}}\n", "; did you mean NodePort?"),
    ],
)
def test_our_own_keys_and_enum_values_get_a_did_you_mean(body: str, says: str) -> None:
    from tests.model.helpers import HEAD, one_error

    assert one_error(HEAD + body).message.endswith(says)


def test_a_misspelt_kind_gets_a_did_you_mean() -> None:
    text = level("resources:\n- {apiVersion: v1, kind: Sevrice, metadata: {name: s}}\n")
    [warning] = [p for p in load(text).warnings if p.code == "unmodelled-kind"]
    assert warning.message.endswith("; did you mean Service?")
