"""Plain manifests (``kubectl get -o yaml``, Helm output) read as a level with no flows."""

from __future__ import annotations

from ipaddress import IPv4Address
from pathlib import Path

import pytest

from k8snet_tui.model.load import load_any, load_manifests
from k8snet_tui.model.problems import LevelError

from .helpers import level, pos

KUBECTL_PODS = """\
apiVersion: v1
kind: List
metadata:
  resourceVersion: ""
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-7d4b9c-x2x9q
    namespace: shop
    labels: {app: web, pod-template-hash: 7d4b9c}
    uid: 4f1c2a70-0000-4000-8000-000000000001
    creationTimestamp: "2024-05-01T10:00:00Z"
    ownerReferences:
    - {apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9c, uid: x, controller: true}
  spec:
    nodeName: ip-10-0-1-5.ec2.internal
    containers:
    - name: web
      image: nginx:1.27
      ports: [{containerPort: 80, protocol: TCP}]
      resources: {requests: {cpu: 100m}}
  status:
    phase: Running
    hostIP: 10.0.1.5
    podIP: 172.31.4.5
    podIPs: [{ip: 172.31.4.5}]
    conditions:
    - {type: Initialized, status: "True", lastTransitionTime: 2024-05-01T10:00:00Z}
    - {type: Ready, status: "True", lastTransitionTime: 2024-05-01T10:00:05Z}
- apiVersion: v1
  kind: Pod
  metadata: {name: db-0, namespace: shop, labels: {app: db}}
  spec:
    nodeName: ip-10-0-1-6.ec2.internal
    containers: [{name: db, image: postgres}]
  status:
    podIP: 172.31.9.9
    conditions:
    - {type: Ready, status: "False"}
"""

SERVICES = """\
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: 172.20.0.15
  clusterIPs: [172.20.0.15]
  ipFamilies: [IPv4]
  ports: [{port: 80, targetPort: 80, protocol: TCP}]
  selector: {app: web}
  type: ClusterIP
status:
  loadBalancer: {}
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: shop}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports: [{port: 443, nodePort: 31443}]
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.50}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {a: b}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    root = tmp_path / "prod-dump"
    (root / "nested").mkdir(parents=True)
    (root / "pods.yaml").write_text(KUBECTL_PODS, encoding="utf-8")
    (root / "nested" / "services.yml").write_text(SERVICES, encoding="utf-8")
    (root / "README.md").write_text("not yaml: [", encoding="utf-8")
    return root


def test_manifest_folder_loads_as_a_level_with_the_cluster_its_pods_imply_and_no_flows(
        folder: Path) -> None:
    loaded = load_manifests(folder)
    assert loaded.spec.id == "prod-dump"
    assert loaded.spec.flows == []
    assert loaded.spec.puzzle is None
    assert loaded.world.cluster.cluster_cidr.exploded == "172.31.0.0/16"  # the pods' range
    assert {f"{s.namespace}/{s.name}" for s in loaded.world.services} == {"shop/web", "shop/edge"}


def test_nodes_are_created_from_spec_node_name_in_order_of_appearance(folder: Path) -> None:
    world = load_manifests(folder).world
    assert [(n.name, str(n.ip)) for n in world.cluster.nodes] == [
        ("ip-10-0-1-5.ec2.internal", "192.168.0.11"), ("ip-10-0-1-6.ec2.internal", "192.168.0.12")]
    assert {p.name: p.node for p in world.pods} == {
        "web-7d4b9c-x2x9q": "ip-10-0-1-5.ec2.internal", "db-0": "ip-10-0-1-6.ec2.internal"}


def test_real_cluster_pod_ips_are_kept_and_node_pod_ranges_follow_them(folder: Path) -> None:
    loaded = load_manifests(folder)
    ips = {p.name: p.ip for p in loaded.world.pods}
    assert ips == {"web-7d4b9c-x2x9q": IPv4Address("172.31.4.5"),
                   "db-0": IPv4Address("172.31.9.9")}
    assert [str(n.pod_cidr) for n in loaded.world.cluster.nodes] == ["172.31.4.0/24",
                                                                      "172.31.9.0/24"]
    assert not [w for w in loaded.warnings if w.field.endswith("status.podIP")]


def test_pod_ips_that_no_node_range_can_hold_are_reassigned_with_a_warning(
        tmp_path: Path) -> None:
    """Two nodes' pods in one /24 cannot both be that node's range: the second moves."""
    pods = "".join(
        f"---\napiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: default}}\n"
        f"spec: {{nodeName: n{i}, containers: [{{name: c, image: x}}]}}\n"
        f"status: {{podIP: 172.31.4.{i + 5}}}\n" for i in range(2))
    (tmp_path / "pods.yaml").write_text(pods, encoding="utf-8")
    loaded = load_manifests(tmp_path)
    ips = {p.name: str(p.ip) for p in loaded.world.pods}
    assert ips["p0"] == "172.31.4.5"
    assert ips["p1"] != "172.31.4.6"
    [warning] = [w for w in loaded.warnings if w.field.endswith("status.podIP")]
    assert warning.file == str(tmp_path / "pods.yaml")
    assert (warning.line, warning.column) == pos(pods, "podIP: |172.31.4.6")
    assert "a new address was assigned" in warning.message


def test_real_cluster_cluster_ip_outside_service_cidr_is_reallocated_with_a_warning(
        folder: Path) -> None:
    loaded = load_manifests(folder)
    web = next(s for s in loaded.world.services if s.name == "web")
    assert web.cluster_ip in loaded.world.cluster.service_cidr
    [warning] = [w for w in loaded.warnings if w.field.endswith("spec.clusterIP")]
    assert warning.file == str(folder / "nested" / "services.yml")
    assert (warning.line, warning.column) == pos(SERVICES, "clusterIP: |172.20.0.15")


def test_readiness_node_ports_and_lb_status_of_real_objects_are_kept(folder: Path) -> None:
    world = load_manifests(folder).world
    assert {p.name: p.ready for p in world.pods} == {"web-7d4b9c-x2x9q": True, "db-0": False}
    edge = next(s for s in world.services if s.name == "edge")
    assert edge.ports[0].node_port == 31443
    assert edge.lb_ips == (IPv4Address("203.0.113.50"),)


def test_unmodelled_kinds_in_manifests_are_listed_as_warnings(folder: Path) -> None:
    loaded = load_manifests(folder)
    assert [w.message for w in loaded.warnings if w.code == "unmodelled-kind"] == [
        "kind ConfigMap is not modelled by the engine and is ignored"]


def test_pod_ip_inside_the_default_range_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "pod.yaml"
    path.write_text("kind: Pod\nmetadata: {name: p}\nstatus: {podIP: 10.244.0.77}\n",
                    encoding="utf-8")
    loaded = load_manifests(path)
    assert loaded.world.pods[0].ip == IPv4Address("10.244.0.77")
    assert loaded.warnings == []


def test_load_any_reads_a_level_file_as_a_level(tmp_path: Path) -> None:
    path = tmp_path / "level.yaml"
    path.write_text(level("title: Hello\n"), encoding="utf-8")
    assert load_any(path).spec.title == "Hello"


def test_load_any_reads_a_manifest_file_or_folder_as_manifests(folder: Path) -> None:
    assert load_any(folder / "pods.yaml").spec.id == "pods"
    assert len(load_any(folder / "pods.yaml").world.pods) == 2
    assert len(load_any(folder).world.pods) == 2


def test_load_any_on_a_multi_document_manifest_file(tmp_path: Path) -> None:
    path = tmp_path / "helm-out.yaml"
    path.write_text("---\n# Source: chart/templates/a.yaml\nkind: Pod\nmetadata: {name: a}\n"
                    "---\n# Source: chart/templates/b.yaml\nkind: Pod\nmetadata: {name: b}\n"
                    "---\n", encoding="utf-8")
    assert [p.name for p in load_any(path).world.pods] == ["a", "b"]


def test_pack_yaml_is_not_read_as_a_manifest(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("format: k8snet/v1\nid: p\ntitle: P\nlevels: [a.yaml]\n",
                                        encoding="utf-8")
    (tmp_path / "pod.yaml").write_text("kind: Pod\nmetadata: {name: p}\n", encoding="utf-8")
    assert [p.name for p in load_manifests(tmp_path).world.pods] == ["p"]


def test_folder_without_manifests_is_a_level_error(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hi", encoding="utf-8")
    with pytest.raises(LevelError) as info:
        load_manifests(tmp_path)
    assert "no .yaml, .yml or .json files" in str(info.value)


def test_broken_manifest_files_are_all_reported_by_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: Pod\nmetadata: {name: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_bytes(b"kind: Pod\nmetadata: {name: \xff}\n")
    with pytest.raises(LevelError) as info:
        load_manifests(tmp_path)
    assert [p.file for p in info.value.problems] == [str(tmp_path / "a.yaml"),
                                                     str(tmp_path / "b.yaml")]


def test_invalid_manifest_is_reported_at_its_file_and_line(tmp_path: Path) -> None:
    text = "kind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 0}]\n"
    (tmp_path / "svc.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as info:
        load_manifests(tmp_path)
    [problem] = info.value.problems
    assert problem.file == str(tmp_path / "svc.yaml")
    assert (problem.line, problem.column) == pos(text, "port: |0")
    assert problem.field == "resources[0].spec.ports[0].port"


def test_json_manifests_are_read_too(tmp_path: Path) -> None:
    (tmp_path / "pod.json").write_text('{"kind": "Pod", "metadata": {"name": "j"}}',
                                       encoding="utf-8")
    assert [p.name for p in load_manifests(tmp_path).world.pods] == ["j"]


def test_typed_lists_from_the_api_server_stand_for_their_items(tmp_path: Path) -> None:
    (tmp_path / "pods.json").write_text(
        '{"apiVersion": "v1", "kind": "PodList", "metadata": {"resourceVersion": "1"},'
        ' "items": [{"kind": "Pod", "metadata": {"name": "a"}},'
        ' {"kind": "Pod", "metadata": {"name": "b"}}]}', encoding="utf-8")
    assert [p.name for p in load_manifests(tmp_path).world.pods] == ["a", "b"]


KUBECTL_GET_ALL = """\
apiVersion: v1
kind: List
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata: {name: web, namespace: shop}
  spec:
    replicas: 1
    selector: {matchLabels: {app: web}}
    template: {metadata: {labels: {app: web}}}
- apiVersion: apps/v1
  kind: ReplicaSet
  metadata:
    name: web-7d4b9c
    namespace: shop
    ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, controller: true}]
  spec:
    replicas: 1
    selector: {matchLabels: {app: web, pod-template-hash: 7d4b9c}}
    template: {metadata: {labels: {app: web, pod-template-hash: 7d4b9c}}}
- apiVersion: v1
  kind: Pod
  metadata:
    name: web-7d4b9c-x2x9q
    namespace: shop
    labels: {app: web, pod-template-hash: 7d4b9c}
    ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-7d4b9c, controller: true}]
  spec: {nodeName: n1}
"""


def test_kubectl_get_all_does_not_invent_pods_for_workloads_whose_pods_are_listed(
        tmp_path: Path) -> None:
    (tmp_path / "all.yaml").write_text(KUBECTL_GET_ALL, encoding="utf-8")
    world = load_manifests(tmp_path).world
    assert [p.name for p in world.pods] == ["web-7d4b9c-x2x9q"]
    assert world.workloads["deployment/shop/web"] == ("web-7d4b9c-x2x9q",)
