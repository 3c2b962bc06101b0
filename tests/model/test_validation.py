"""Every invalid level is reported with file, line, column, field and a readable message.

Each row of the table is one rule of DESIGN.md §3 / SEMANTICS.md that the loader
enforces; ``where`` names the token the problem must point at (see ``helpers.pos``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.model.load import load_level
from k8snet_tui.model.problems import LevelError

from .helpers import HEAD, level, load, one_error, pos, problems

NODES_AB = "cluster:\n  nodes: [{name: a}, {name: b}]\n"
NODEPORT = """\
resources:
- kind: Service
  metadata: {name: web}
  spec:
    type: NodePort
    ports:
    - port: 80
      nodePort: %s
"""
DEPLOY = """\
resources:
- kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    replicas: %d
    selector: {matchLabels: {app: web}}
    template: {metadata: {labels: {app: web}}}
"""


def _flow(frm: str, to: str, resources: str = "") -> str:
    return f"format: k8snet/v1\nid: t\n{resources}flows:\n- from: {frm}\n  to: {to}\n"


CASES = [
    # ------------------------------------------------------------- YAML and types
    pytest.param(level("cluster:\n  nodes: [{name: a}\n"), "", "|", "YAML syntax",
                 id="yaml-syntax-error"),
    pytest.param(level("puzzle: {par: 1}\npuzzle: {par: 2}\n"), "", "|puzzle: {par: 2}",
                 'duplicate key "puzzle"', id="duplicate-yaml-key"),
    pytest.param(level("difficulty: hard\n"), "difficulty", "difficulty: |hard",
                 "valid integer", id="wrong-type-integer"),
    pytest.param(level("difficulty: 9\n"), "difficulty", "difficulty: |9",
                 "less than or equal to 5", id="difficulty-out-of-range"),
    pytest.param(level("cluster:\n  nodes: node-a\n"), "cluster.nodes", "nodes: |node-a",
                 "valid list", id="wrong-type-list"),
    pytest.param(level("cluster:\n  nodes:\n  - name: a\n    public: maybe\n"),
                 "cluster.nodes[0].public", "public: |maybe",
                 "valid boolean (got 'maybe')",
                 id="wrong-type-boolean"),
    pytest.param(level("resources:\n- kind: Service\n  metadata: {name: a}\n"
                       "  spec: {ports: [{port: eighty}]}\n"),
                 "resources[0].spec.ports[0].port", "{port: |eighty}", "valid integer",
                 id="wrong-type-inside-a-manifest"),
    pytest.param("format: k8snet/v2\nid: t\nflows: []\n", "format", "format: |k8snet/v2",
                 "needs format k8snet/v2, but this k8snet-tui reads k8snet/v1",
                 id="unknown-format-version"),
    pytest.param("format: k8snet/v1\nid: t\n", "flows", "|format", 'required key "flows"',
                 id="missing-required-key"),
    pytest.param(level("resources:\n- kind: Pod\n  spec: {}\n"), "resources[0].metadata",
                 "|kind: Pod", 'required key "metadata"', id="manifest-without-metadata"),
    # ------------------------------------------------------------ unknown keys
    pytest.param(level("colour: red\n"), "colour", "|colour", 'unknown key "colour"',
                 id="unknown-key-top-level"),
    pytest.param(level("cluster:\n  clusterCidr: 10.0.0.0/16\n"), "cluster.clusterCidr",
                 "|clusterCidr", 'unknown key "clusterCidr"', id="unknown-key-cluster"),
    pytest.param(level("cluster:\n  nodes:\n  - name: a\n    zone: eu\n"),
                 "cluster.nodes[0].zone", "|zone", 'unknown key "zone"', id="unknown-key-node"),
    pytest.param(level("cluster:\n  nodes:\n  - name: a\n    routes:\n"
                       "    - {to: default, via: 192.168.0.1, metric: 5}\n"),
                 "cluster.nodes[0].routes[0].metric", "|metric", 'unknown key "metric"',
                 id="unknown-key-route"),
    pytest.param("format: k8snet/v1\nid: t\nflows:\n- from: internet\n  to: internet:80\n"
                 "  expected: allow\n", "flows[0].expected", "|expected",
                 'unknown key "expected"', id="unknown-key-flow"),
    pytest.param(level("puzzle:\n  par: 1\n  hint: [a]\n"), "puzzle.hint", "|hint",
                 'unknown key "hint"', id="unknown-key-puzzle"),
    pytest.param(level("resources: [{kind: Pod, metadata: {name: a}}]\n"
                       "puzzle:\n  editable:\n  - {ref: pod/default/a, field: [spec]}\n"),
                 "puzzle.editable[0].field", "|field:", 'unknown key "field"',
                 id="unknown-key-puzzle-editable"),
    pytest.param(level("puzzle:\n  solution:\n  - {op: set, ref: pod/a, path: x, valu: 1}\n"),
                 "puzzle.solution[0].valu", "|valu", 'unknown key "valu"',
                 id="unknown-key-solution-edit"),
    # ------------------------------------------------------------ duplicate names
    pytest.param(level("resources:\n- {kind: Pod, metadata: {name: a}}\n"
                       "- {kind: Pod, metadata: {name: a, namespace: default}}\n"),
                 "resources[1].metadata.name", "{name: |a, namespace",
                 "duplicate Pod default/a (also resources[0])", id="duplicate-resource-name"),
    pytest.param(level("cluster:\n  nodes: [{name: a}, {name: a}]\n"), "cluster.nodes[1].name",
                 "{name: a}, {name: |a}", 'duplicate node name "a"', id="duplicate-node-name"),
    pytest.param(level("resources:\n- {kind: Service, metadata: {name: a}, spec: {ports: ["
                       "{port: 80, name: x}, {port: 81, name: x}]}}\n"),
                 "resources[0].spec.ports[1].name", "81, name: |x", 'duplicate port name "x"',
                 id="duplicate-service-port-name"),
    # ---------------------------------------------------------------- addressing
    pytest.param(level("cluster:\n  clusterCIDR: 10.244.0.0/33\n"), "cluster.clusterCIDR",
                 "clusterCIDR: |10.244", "not a valid IPv4 network (got '10.244.0.0/33')",
                 id="invalid-cidr"),
    pytest.param(level("cluster:\n  nodes:\n  - name: a\n    routes:\n"
                       "    - {to: 10.0.0.0/99, via: 192.168.0.1}\n"),
                 "cluster.nodes[0].routes[0].to", "to: |10.0.0.0/99",
                 '"10.0.0.0/99" is not a CIDR or "default"', id="invalid-route-cidr"),
    pytest.param(level("cluster:\n  clusterCIDR: 10.96.0.0/16\n"), "cluster.clusterCIDR",
                 "clusterCIDR: |10.96", "clusterCIDR 10.96.0.0/16 overlaps serviceCIDR",
                 id="cluster-cidr-overlaps-default-service-cidr"),
    pytest.param(level("cluster:\n  serviceCIDR: 10.244.128.0/20\n"), "cluster.serviceCIDR",
                 "serviceCIDR: |10.244", "overlaps serviceCIDR 10.244.128.0/20",
                 id="service-cidr-overlaps-cluster-cidr"),
    pytest.param(level("cluster:\n  nodeNetwork: 10.244.7.0/24\n"), "cluster.nodeNetwork",
                 "nodeNetwork: |10.244", "overlaps nodeNetwork 10.244.7.0/24",
                 id="node-network-overlaps-cluster-cidr"),
    pytest.param(level("cluster:\n  nodes:\n  - {name: a, podCIDR: 10.244.0.0/23}\n"
                       "  - {name: b, podCIDR: 10.244.1.0/24}\n"),
                 "cluster.nodes[1].podCIDR", "podCIDR: |10.244.1.0/24",
                 "overlaps nodes[0] podCIDR 10.244.0.0/23", id="pod-cidrs-overlap"),
    pytest.param(level("cluster:\n  nodes:\n  - {name: a, podCIDR: 10.1.0.0/24}\n"),
                 "cluster.nodes[0].podCIDR", "podCIDR: |10.1.0.0/24",
                 "podCIDR 10.1.0.0/24 is outside clusterCIDR 10.244.0.0/16",
                 id="pod-cidr-outside-cluster-cidr"),
    pytest.param(level("cluster:\n  nodes:\n  - name: a\n    routes:\n"
                       "    - {to: default, via: 10.0.0.1}\n"),
                 "cluster.nodes[0].routes[0].via", "via: |10.0.0.1",
                 "via 10.0.0.1 is not on a connected network", id="via-not-on-a-connected-network"),
    pytest.param(level("cluster:\n  gateway: 10.0.0.1\n"), "cluster.gateway",
                 "gateway: |10.0.0.1", "not on nodeNetwork", id="gateway-off-the-node-network"),
    pytest.param(level("cluster:\n  nodes:\n  - {name: a, ip: 192.168.0.1}\n"),
                 "cluster.nodes[0].ip", "ip: |192.168.0.1", "already used by the gateway",
                 id="node-ip-taken-by-the-gateway"),
    pytest.param(level("cluster:\n  nodePortRange: 40000-30000\n"), "cluster.nodePortRange",
                 "nodePortRange: |40000", "not a port range", id="node-port-range-backwards"),
    # ------------------------------------------------------------------ services
    pytest.param(level(NODEPORT % "80"), "resources[0].spec.ports[0].nodePort",
                 "nodePort: |80", "nodePort 80 is outside the NodePort range 30000-32767",
                 id="node-port-out-of-range"),
    pytest.param(level(NODEPORT % "30080", "- kind: Service\n  metadata: {name: api}\n"
                       "  spec:\n    type: LoadBalancer\n    ports:\n"
                       "    - {port: 81, nodePort: 30080}\n"),
                 "resources[1].spec.ports[0].nodePort", "81, nodePort: |30080",
                 "nodePort 30080 is already allocated to default/web", id="node-port-duplicated"),
    pytest.param(level("resources:\n- kind: Service\n  metadata: {name: a}\n  spec:\n"
                       "    ports: [{port: 80, nodePort: 30000}]\n"),
                 "resources[0].spec.ports[0].nodePort", "nodePort: |30000",
                 "nodePort may not be set when type is ClusterIP", id="node-port-on-cluster-ip"),
    pytest.param(level("resources:\n- kind: Service\n  metadata: {name: a}\n  spec:\n"
                       "    ports:\n    - {name: http, port: 80}\n    - {port: 81}\n"),
                 "resources[0].spec.ports[1].name", "|{port: 81}",
                 "a Service with several ports must name every port",
                 id="service-with-an-unnamed-port-among-several"),
    pytest.param(level("resources:\n- kind: Service\n  metadata: {name: a}\n  spec:\n"
                       "    clusterIP: 10.0.0.5\n    ports: [{port: 80}]\n"),
                 "resources[0].spec.clusterIP", "clusterIP: |10.0.0.5",
                 "clusterIP 10.0.0.5 is outside serviceCIDR 10.96.0.0/12",
                 id="cluster-ip-outside-service-cidr"),
    pytest.param(level("resources:\n"
                       "- {kind: Service, metadata: {name: a}, spec: {clusterIP: 10.96.1.1}}\n"
                       "- {kind: Service, metadata: {name: b}, spec: {clusterIP: 10.96.1.1}}\n"),
                 "resources[1].spec.clusterIP", "name: b}, spec: {clusterIP: |10.96.1.1",
                 "clusterIP 10.96.1.1 is already allocated to default/a",
                 id="cluster-ip-not-unique"),
    # ---------------------------------------------------------- network policies
    pytest.param(level("resources:\n- kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n"
                       "    egress:\n    - ports:\n      - {port: 9000, endPort: 8000}\n"),
                 "resources[0].spec.egress[0].ports[0].endPort", "endPort: |8000",
                 "endPort 8000 is smaller than port 9000", id="end-port-below-port"),
    pytest.param(level("resources:\n- kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n"
                       "    ingress:\n    - from:\n      - ipBlock:\n"
                       "          cidr: 10.0.0.0/8\n"
                       "          except: [10.1.0.0/16, 11.0.0.0/16]\n"),
                 "resources[0].spec.ingress[0].from[0].ipBlock.except[1]", "|11.0.0.0/16",
                 "except 11.0.0.0/16 must lie strictly inside cidr 10.0.0.0/8",
                 id="ip-block-except-outside-its-cidr"),
    pytest.param(level("resources:\n- kind: NetworkPolicy\n  metadata: {name: p}\n  spec:\n"
                       "    egress:\n    - to:\n      - ipBlock: {cidr: 10.0.0.0/40}\n"),
                 "resources[0].spec.egress[0].to[0].ipBlock.cidr", "cidr: |10.0.0.0/40",
                 'cidr "10.0.0.0/40" is invalid', id="ip-block-invalid-cidr"),
    pytest.param(level("resources:\n- kind: Service\n  metadata: {name: a}\n  spec:\n"
                       "    type: LoadBalancer\n    loadBalancerSourceRanges: [1.2.3.0/33]\n"
                       "    ports: [{port: 80}]\n"),
                 "resources[0].spec.loadBalancerSourceRanges[0]", "|1.2.3.0/33",
                 '"1.2.3.0/33" is not a CIDR', id="load-balancer-source-range-invalid"),
    # --------------------------------------------------------------- flow refs
    pytest.param(_flow("pod/shop/ghost", "internet:80"), "flows[0].from",
                 "from: |pod/shop/ghost", "pod shop/ghost does not exist",
                 id="flow-from-missing-pod"),
    pytest.param(_flow("internet", "service/shop/ghost:80"), "flows[0].to",
                 "to: |service", "service shop/ghost does not exist",
                 id="flow-to-missing-service"),
    pytest.param(_flow("deployment/shop/ghost", "internet:80"), "flows[0].from",
                 "from: |deployment", "deployment shop/ghost does not exist",
                 id="flow-from-missing-workload"),
    pytest.param(_flow("node/ghost", "internet:80"), "flows[0].from", "from: |node/ghost",
                 'node "ghost" does not exist', id="flow-from-missing-node"),
    pytest.param(_flow("internet", "pod/ghost:80"), "flows[0].to", "to: |pod/ghost",
                 "pod default/ghost does not exist", id="flow-to-missing-pod-default-namespace"),
    pytest.param(_flow("deployment/shop/web", "internet:80", DEPLOY % 0), "flows[0].from",
                 "from: |deployment", "deployment shop/web has no pods (replicas: 0)",
                 id="flow-from-workload-with-zero-replicas"),
    pytest.param(_flow("internet", "deployment/shop/web:80", DEPLOY % 0), "flows[0].to",
                 "to: |deployment", "has no pods (replicas: 0)",
                 id="flow-to-workload-with-zero-replicas"),
    pytest.param(_flow("service/shop/api", "internet:80"), "flows[0].from",
                 "from: |service", '"service" is not a source kind', id="flow-from-malformed"),
    pytest.param(_flow("internet", "service/shop/api"), "flows[0].to", "to: |service",
                 "has no :PORT", id="flow-to-malformed"),
    pytest.param(_flow("internet", "localhost:80"), "flows[0].to", "to: |localhost",
                 "localhost needs a pod source", id="flow-localhost-from-internet"),
    pytest.param("format: k8snet/v1\nid: t\nflows:\n- {from: internet, to: 'internet:80', "
                 "expect: maybe}\n", "flows[0].expect", "expect: |maybe",
                 "'allow' or 'deny'", id="flow-expect-not-allow-or-deny"),
    # ------------------------------------------------------------------- puzzle
    pytest.param(level("puzzle:\n  editable: [service/shop/ghost]\n"), "puzzle.editable[0]",
                 "|service/shop/ghost", "service/shop/ghost does not exist",
                 id="puzzle-editable-object-missing"),
    pytest.param(level("puzzle:\n  create: [CronJob]\n"), "puzzle.create[0]", "|CronJob",
                 '"CronJob" is not a kind the engine models', id="puzzle-create-unknown-kind"),
]


@pytest.mark.parametrize(("text", "field", "where", "message"), CASES)
def test_invalid_level_is_reported_at_file_line_column_and_field(
        text: str, field: str, where: str, message: str) -> None:
    problem = one_error(text, filename="levels/l.yaml")
    assert problem.file == "levels/l.yaml"
    assert problem.field == field
    if where == "|":  # a syntax error: somewhere in the file, but always somewhere
        assert problem.line is not None
        assert problem.column is not None
    else:
        assert (problem.line, problem.column) == pos(text, where)
    assert message in problem.message
    # The one-line rendering the CLI prints: file:line:col: error: field: message
    rendered = str(problem)
    assert rendered.startswith(f"levels/l.yaml:{problem.line}:{problem.column}: error:")
    assert (f" {field}: " in rendered) if field else True


def test_yaml_syntax_error_points_at_the_line_where_parsing_failed() -> None:
    text = level("resources:\n- kind: Pod\n  metadata:\n    name: a\n   labels: {}\n")
    problem = one_error(text)
    assert problem.message.startswith("YAML syntax:")
    assert problem.line == pos(text, "|   labels")[0]
    assert problem.code == "yaml"


def test_unknown_kinds_are_accepted_with_a_lint_warning() -> None:
    text = level("resources:\n- apiVersion: v1\n  kind: ConfigMap\n  metadata: {name: cfg}\n"
                 "  data: {key: value}\n")
    loaded = load(text)
    [warning] = loaded.warnings
    assert warning.severity == "warning"
    assert warning.code == "unmodelled-kind"
    assert warning.field == "resources[0].kind"
    assert (warning.line, warning.column) == pos(text, "kind: |ConfigMap")
    assert "ConfigMap is not modelled" in warning.message


def test_unknown_fields_inside_kubernetes_objects_are_ignored_not_errors() -> None:
    loaded = load(level("resources:\n- kind: Pod\n  metadata: {name: a, uid: x, generation: 3}\n"
                        "  spec: {containers: [{name: c, resources: {limits: {cpu: 1}}}]}\n"))
    assert loaded.warnings == []
    assert loaded.world.pods[0].name == "a"


def test_several_schema_errors_in_one_file_are_all_reported() -> None:
    text = level("difficulty: hard\ncolour: red\ncluster:\n  nodes:\n  - name: a\n"
                 "    public: maybe\n")
    found = {(p.field, p.line) for p in problems(text)}
    assert found == {
        ("difficulty", pos(text, "|difficulty")[0]),
        ("colour", pos(text, "|colour")[0]),
        ("cluster.nodes[0].public", pos(text, "|public")[0]),
    }


def test_several_semantic_errors_in_one_file_are_all_reported() -> None:
    text = "format: k8snet/v1\nid: t\n" + NODEPORT % "80" + \
        "- {kind: Service, metadata: {name: web}}\n" \
        "flows:\n- {from: pod/ghost, to: 'nope'}\n"
    fields = sorted(p.field for p in problems(text))
    assert fields == ["flows[0].from", "flows[0].to", "resources[0].spec.ports[0].nodePort",
                      "resources[1].metadata.name"]


def test_level_error_summarises_the_first_problem_and_counts_the_rest() -> None:
    with pytest.raises(LevelError) as info:
        load(level("difficulty: hard\ncolour: red\n"))
    assert str(info.value).startswith("level.yaml:4:13: error: difficulty:")
    assert str(info.value).endswith("(and 1 more)")


# ------------------------------------------------------------------- includes


def test_errors_in_an_included_file_name_that_file_and_its_line(tmp_path: Path) -> None:
    manifest = "kind: Pod\nmetadata: {name: a}\n---\nkind: Service\nmetadata: {name: s}\n" \
               "spec:\n  ports:\n  - port: 99999\n"
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "app.yaml").write_text(manifest, encoding="utf-8")
    problem = one_error(level("include: [m/app.yaml]\n"), str(tmp_path / "level.yaml"), tmp_path)
    assert problem.file == str(tmp_path / "m" / "app.yaml")
    assert (problem.line, problem.column) == pos(manifest, "port: |99999")
    assert problem.field == "resources[1].spec.ports[0].port"


def test_semantic_errors_in_an_included_file_name_that_file(tmp_path: Path) -> None:
    manifest = "kind: Pod\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: a}\n"
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "pods.yaml").write_text(manifest, encoding="utf-8")
    problem = one_error(level("include: ['m/*.yaml']\n"), str(tmp_path / "level.yaml"),
                        tmp_path)
    assert problem.file == str(tmp_path / "m" / "pods.yaml")
    assert problem.line == 5
    assert "duplicate Pod default/a" in problem.message


def test_yaml_errors_in_an_included_file_name_that_file(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("kind: Pod\nmetadata: {name: a\n", encoding="utf-8")
    problem = one_error(level("include: [bad.yaml]\n"), "level.yaml", tmp_path)
    assert problem.file == str(tmp_path / "bad.yaml")
    assert problem.message.startswith("YAML syntax:")
    assert problem.line is not None


def test_included_file_path_is_shown_relative_to_how_the_level_was_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "lvl" / "m").mkdir(parents=True)
    (tmp_path / "lvl" / "m" / "a.yaml").write_text(
        "kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c, ports: "
        "[{containerPort: 99999}]}]}\n", encoding="utf-8")
    (tmp_path / "lvl" / "level.yaml").write_text(level("include: [m/a.yaml]\n"),
                                                 encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LevelError) as info:
        load_level("lvl/level.yaml")
    # The path opens from where the command ran, like the level file's own name.
    assert [p.file for p in info.value.problems] == ["lvl/m/a.yaml"]


def test_include_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    text = level("include: [missing.yaml, 'none/*.yaml']\n")
    found = problems(text, "level.yaml", tmp_path)
    assert [(p.field, p.message) for p in found] == [
        ("include[0]", '"missing.yaml" does not exist'),
        ("include[1]", '"none/*.yaml" matches no file'),
    ]
    assert (found[0].line, found[0].column) == pos(text, "|missing.yaml")


def test_include_without_a_level_file_on_disk_is_an_error() -> None:
    problem = one_error(HEAD + "include: [a.yaml]\n")
    assert problem.field == "include"
    assert "level file on disk" in problem.message
