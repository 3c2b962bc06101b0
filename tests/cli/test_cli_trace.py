"""`k8snet-tui trace`: one flow through a level or a folder of plain manifests."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.cli import main

from .conftest import DENY_ALL


def test_trace_through_plain_manifests_allowed_exits_0(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(manifests), "pod/web", "service/default/api:80"]) == 0
    captured = capsys.readouterr()
    assert "verdict: ALLOWED" in captured.out
    assert "where" in captured.out  # the hop table
    assert "10.96." in captured.out  # the ClusterIP appears in a packet column
    # the ConfigMap is not modelled: said once on stderr, not a failure
    assert "ConfigMap" in captured.err


def test_trace_shows_nat_before_and_after(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(["trace", str(manifests), "pod/web", "service/default/api:80"])
    out = capsys.readouterr().out
    assert "NAT" in out
    assert ":8080" in out  # DNAT to the pod's named port


def test_trace_denied_by_policy_exits_1_with_reason_and_blame(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifests / "policy.yaml").write_text(DENY_ALL, encoding="utf-8")
    assert main(["trace", str(manifests), "pod/web", "pod/api:8080"]) == 1
    out = capsys.readouterr().out
    assert "verdict: DENIED" in out
    assert "POLICY_DENIED_INGRESS" in out
    assert "DROP" in out
    assert "networkpolicy/default/deny-all" in out


def test_trace_port_the_service_does_not_declare_exits_1(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(manifests), "pod/web", "service/default/api:81"]) == 1
    assert "NO_SERVICE_PORT" in capsys.readouterr().out


def test_trace_single_manifest_file(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(manifests / "pods.yaml"), "pod/web", "pod/api:http"]) == 0
    assert "ALLOWED" in capsys.readouterr().out


def test_trace_on_a_level_file(level: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(level), "pod/shop/web", "pod/shop/api:8080"]) == 0
    assert main(["trace", str(level), "pod/shop/web", "service/shop/api:80"]) == 1
    assert "TARGET_PORT_MISMATCH" in capsys.readouterr().out


@pytest.mark.parametrize(("source", "dest", "field"), [
    ("pdo/web", "pod/api:8080", "from"),  # pods/web is kubectl's plural: valid
    ("pod/web", "service/default/api", "to"),
])
def test_trace_malformed_reference_is_invalid_input(
        manifests: Path, source: str, dest: str, field: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(manifests), source, dest]) == 2
    captured = capsys.readouterr()
    assert f"error: {field}:" in captured.err
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_trace_reference_to_a_missing_object_is_invalid_input(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(manifests), "pod/nobody", "pod/api:8080"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("<command line>: error: from: pod default/nobody does not exist in ")
    assert "Traceback" not in err


def test_trace_broken_manifest_reports_file_and_line(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (manifests / "bad.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n"
        "  ports: [{port: http-please}]\n", encoding="utf-8")
    assert main(["trace", str(manifests), "pod/web", "pod/api:8080"]) == 2
    err = capsys.readouterr().err
    assert f"{manifests / 'bad.yaml'}:5:" in err
    assert "Traceback" not in err


def test_trace_missing_path_is_invalid_input(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["trace", str(tmp_path / "nope.yaml"), "pod/web", "pod/api:8080"]) == 2
    err = capsys.readouterr().err
    assert "nope.yaml" in err
    assert "Traceback" not in err


def test_many_unmodelled_objects_are_summarised_in_one_warning(
        manifests: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(5):
        (manifests / f"secret-{i}.yaml").write_text(
            f"apiVersion: v1\nkind: Secret\nmetadata: {{name: s{i}}}\n", encoding="utf-8")
    assert main(["trace", str(manifests), "pod/web", "pod/api:8080"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "ignored 6 objects" in err
    assert "ConfigMap, Secret ×5" in err
