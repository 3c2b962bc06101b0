"""Every edit reads as one line for the player and as the kubectl that does it for real."""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest
import yaml

from k8snet_tui.game.edits import EditError, describe_edit, edit_as_kubectl
from k8snet_tui.model.edits import (
    AddRouteEdit,
    AnyEdit,
    CreateEdit,
    DeleteEdit,
    RemoveRouteEdit,
    ReplaceEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.load import LoadedLevel

POLICY: dict[str, Any] = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                          "metadata": {"name": "allow-dns", "namespace": "shop"},
                          "spec": {"podSelector": {}, "policyTypes": ["Egress"]}}


@pytest.mark.parametrize(
    ("edit", "line"),
    [
        (SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="http"),
         "set service/shop/api spec.ports[0].targetPort = http"),
        (SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value=8080),
         "set service/shop/api spec.ports[0].targetPort = 8080"),
        (SetEdit(ref="service/shop/api", path="spec.ports[0].targetPort", value="8080"),
         'set service/shop/api spec.ports[0].targetPort = "8080"'),
        (SetEdit(ref="service/shop/api", path="spec.selector", value={"app": "api"}),
         'set service/shop/api spec.selector = {"app": "api"}'),
        (SetEdit(ref="node/node-a", path="public", value=True), "set node/node-a public = true"),
        (SetEdit(ref="pod/web", path="metadata.labels.app", value="true"),
         'set pod/web metadata.labels.app = "true"'),
        (SetEdit(ref="pod/web", path="metadata.labels.app", value=""),
         'set pod/web metadata.labels.app = ""'),
        (UnsetEdit(ref="service/shop/db", path="spec.type"), "unset service/shop/db spec.type"),
        (AddRouteEdit(ref="node/node-a", to="10.244.1.0/24", via="192.168.0.12"),
         "add route on node/node-a: 10.244.1.0/24 via 192.168.0.12"),
        (RemoveRouteEdit(ref="node/node-a", to="default"),
         "remove route on node/node-a to default"),
        (CreateEdit(manifest=POLICY), "create networkpolicy/shop/allow-dns"),
        (CreateEdit(manifest={"kind": "Pod", "metadata": {"name": "x"}}),
         "create pod/default/x"),
        (DeleteEdit(ref="networkpolicy/shop/deny-all"), "delete networkpolicy/shop/deny-all"),
        (ReplaceEdit(ref="service/shop/db", manifest={}),
         "replace service/shop/db (edited as YAML)"),
    ],
)
def test_describe_edit_is_one_readable_line(edit: AnyEdit, line: str) -> None:
    assert describe_edit(edit) == line


def _patch_ops(command: str) -> list[dict[str, Any]]:
    words = shlex.split(command)
    ops = json.loads(words[words.index("-p") + 1])
    assert isinstance(ops, list)
    return ops


def test_set_becomes_a_json_patch_replace(sample: LoadedLevel) -> None:
    edit = SetEdit(ref="service/shop/api", path="spec.ports[name=http].targetPort", value="http")
    assert edit_as_kubectl(sample, edit) == (
        "kubectl patch service api -n shop --type=json -p "
        """'[{"op":"replace","path":"/spec/ports/0/targetPort","value":"http"}]'""")


def test_setting_a_missing_field_adds_it_with_its_missing_parents(sample: LoadedLevel) -> None:
    command = edit_as_kubectl(sample, SetEdit(ref="pod/tools", path="metadata.annotations.a",
                                              value="it's"))
    assert command.startswith("kubectl patch pod tools -n default --type=json -p ")
    assert _patch_ops(command) == [{"op": "add", "path": "/metadata/annotations",
                                    "value": {"a": "it's"}}]
    command = edit_as_kubectl(sample, SetEdit(ref="service/shop/api", path="spec.ports[2]",
                                              value={"port": 81}))
    assert _patch_ops(command) == [{"op": "add", "path": "/spec/ports/2",
                                    "value": {"port": 81}}]


def test_json_pointer_escapes_slashes_in_label_keys(sample: LoadedLevel) -> None:
    edit = SetEdit(ref="deployment/shop/api",
                   path='spec.template.metadata.labels["app.kubernetes.io/name"]', value="v2")
    assert _patch_ops(edit_as_kubectl(sample, edit)) == [
        {"op": "replace", "path": "/spec/template/metadata/labels/app.kubernetes.io~1name",
         "value": "v2"}]


def test_unset_becomes_a_json_patch_remove(sample: LoadedLevel) -> None:
    assert edit_as_kubectl(sample, UnsetEdit(ref="service/shop/db", path="spec.type")) == (
        "kubectl patch service db -n shop --type=json -p "
        """'[{"op":"remove","path":"/spec/type"}]'""")


def test_delete_names_the_kind_and_namespace(sample: LoadedLevel) -> None:
    assert edit_as_kubectl(sample, DeleteEdit(ref="networkpolicy/shop/deny-all")) == \
        "kubectl delete networkpolicy deny-all -n shop"
    assert edit_as_kubectl(sample, DeleteEdit(ref="ingressclass/nginx")) == \
        "kubectl delete ingressclass nginx"


def _heredoc(command: str) -> tuple[str, Any]:
    first, rest = command.split("\n", 1)
    body, end = rest.rsplit("\n", 1)
    assert first.endswith("-f - <<'EOF'")
    assert end == "EOF"
    return first, yaml.safe_load(body)


def test_create_applies_the_manifest_with_its_namespace(sample: LoadedLevel) -> None:
    first, manifest = _heredoc(edit_as_kubectl(sample, CreateEdit(manifest=POLICY)))
    assert first == "kubectl apply -f - <<'EOF'"
    assert manifest == POLICY
    bare = {"kind": "NetworkPolicy", "metadata": {"name": "x"}, "spec": {"podSelector": {}}}
    _, manifest = _heredoc(edit_as_kubectl(sample, CreateEdit(manifest=bare)))
    # kubectl needs the apiVersion, and the level meant the default namespace.
    assert manifest["apiVersion"] == "networking.k8s.io/v1"
    assert manifest["metadata"] == {"name": "x", "namespace": "default"}


def test_a_yaml_edit_is_exported_as_a_patch_of_the_fields_it_changed(
        sample: LoadedLevel) -> None:
    new = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db", "namespace": "shop"},
           "spec": {"type": "NodePort", "selector": {"app": "database"},
                    "ports": [{"port": 5432}], "externalTrafficPolicy": "Local"}}
    command = edit_as_kubectl(sample, ReplaceEdit(ref="service/shop/db", manifest=new))
    head, _, body = command.partition(" -p ")
    assert head == "kubectl patch service db -n shop --type=json"
    assert json.loads(shlex.split(body)[0]) == [
        {"op": "replace", "path": "/spec/selector/app", "value": "database"},
        {"op": "add", "path": "/spec/externalTrafficPolicy", "value": "Local"},
    ]


@pytest.mark.parametrize(
    ("edit", "lines"),
    [
        (AddRouteEdit(ref="node/node-b", to="10.244.0.0/24", via="192.168.0.11"),
         ["ip route add 10.244.0.0/24 via 192.168.0.11"]),
        (RemoveRouteEdit(ref="node/node-a", to="0.0.0.0/0"), ["ip route del default"]),
        (SetEdit(ref="node/node-a", path="routes[0].via", value="192.168.0.13"),
         ["ip route replace 10.244.1.0/24 via 192.168.0.13"]),
        (UnsetEdit(ref="node/node-a", path="routes"),
         ["ip route del 10.244.1.0/24", "ip route del 10.244.9.0/24"]),
        (SetEdit(ref="node/node-b", path="masquerade", value=False),
         ["iptables -t nat -D POSTROUTING -s 10.244.1.0/24 ! -d 10.244.0.0/16 -j MASQUERADE"]),
    ],
)
def test_node_changes_are_commands_run_on_the_node(
        sample: LoadedLevel, edit: SetEdit | UnsetEdit | AddRouteEdit | RemoveRouteEdit,
        lines: list[str]) -> None:
    node = edit.ref.split("/")[1]
    out = edit_as_kubectl(sample, edit).splitlines()
    assert out[0] == f"# run on node {node} (a root shell on the node itself, not kubectl):"
    assert out[1:] == lines


def test_node_changes_without_a_shell_command_say_so(sample: LoadedLevel) -> None:
    out = edit_as_kubectl(sample, SetEdit(ref="node/node-b", path="public", value=True))
    assert out.startswith("# make node-b reachable from the internet")
    out = edit_as_kubectl(sample, SetEdit(ref="node/node-b", path="labels.zone", value="a b"))
    assert out == "kubectl label node node-b 'zone=a b' --overwrite"
    out = edit_as_kubectl(sample, SetEdit(ref="node/node-b", path="masquerade", value=True))
    assert out == "# no change to node node-b"


def test_rendering_an_impossible_edit_explains_why(sample: LoadedLevel) -> None:
    with pytest.raises(EditError, match="there is no service/shop/nope"):
        edit_as_kubectl(sample, DeleteEdit(ref="service/shop/nope"))
    with pytest.raises(EditError, match=r"has no route to 10\.1\.0\.0/16"):
        edit_as_kubectl(sample, RemoveRouteEdit(ref="node/node-a", to="10.1.0.0/16"))
