"""Small levels, packs and manifest folders written into tmp_path for the CLI tests.

Each fixture is a real file on disk because the CLI's job is reading files:
paths, line numbers in messages and pack folder layout are part of what is
tested.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

# web → api through a Service whose numeric targetPort misses the pod's port;
# the solution names the port instead. The internet flow is denied (ClusterIP).
LEVEL = """\
format: k8snet/v1
id: svc-port
title: The port that wasn't
difficulty: 2
concepts: [pod-to-service]
briefing: web cannot reach the api.
debrief: A named targetPort follows the pod; check it with kubectl get endpoints.
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
  - name: web reaches api
    from: pod/shop/web
    to: service/shop/api:80
  - from: internet
    to: service/shop/api:80
    expect: deny
puzzle:
  editable: [service/shop/api]
  par: 1
  hints: [Compare the Service's targetPort with the pod's ports.]
  solution:
    - {op: set, ref: service/shop/api, path: "spec.ports[0].targetPort", value: http}
"""

LevelFactory = Callable[..., Path]


def line_of(text: str) -> int:
    """1-based line of LEVEL that starts with ``text``: tests compute positions rather than
    hard-code them, so editing LEVEL cannot silently shift an assertion."""
    for number, line in enumerate(LEVEL.splitlines(), 1):
        if line.startswith(text):
            return number
    raise AssertionError(f"no line starts with {text!r}")


def variant(text: str, *replacements: tuple[str, str]) -> str:
    """LEVEL with exact substitutions; fails loudly when a pattern is not found, so a
    fixture can never silently stay the unbroken level."""
    for old, new in replacements:
        assert old in text, f"pattern not in level: {old!r}"
        text = text.replace(old, new, 1)
    return text


@pytest.fixture
def write_level(tmp_path: Path) -> LevelFactory:
    def write(*replacements: tuple[str, str], name: str = "level.yaml",
              folder: Path | None = None) -> Path:
        path = (folder or tmp_path) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(variant(LEVEL, *replacements), encoding="utf-8")
        return path
    return write


@pytest.fixture
def level(write_level: LevelFactory) -> Path:
    return write_level()


MANIFESTS = {
    "pods.yaml": """\
apiVersion: v1
kind: Pod
metadata: {name: web, labels: {app: web}}
spec:
  containers: [{name: web, image: nginx}]
---
apiVersion: v1
kind: Pod
metadata: {name: api, labels: {app: api}}
spec:
  containers:
    - name: api
      image: api
      ports: [{containerPort: 8080, name: http}]
""",
    "svc/api.yaml": """\
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
""",
    "config.yaml": """\
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: prod}
""",
}

DENY_ALL = """\
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all}
spec:
  podSelector: {}
  policyTypes: [Ingress]
"""


@pytest.fixture
def manifests(tmp_path: Path) -> Path:
    """A folder of plain manifests (what `kubectl get -o yaml` or Helm would produce)."""
    root = tmp_path / "manifests"
    for name, text in MANIFESTS.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def write_pack(tmp_path: Path) -> Callable[[str, dict[str, str]], Path]:
    """A pack folder from a pack.yaml text and {file: level text}."""
    def write(pack_yaml: str, files: dict[str, str]) -> Path:
        root = tmp_path / "pack"
        root.mkdir(exist_ok=True)
        (root / "pack.yaml").write_text(pack_yaml, encoding="utf-8")
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root
    return write
