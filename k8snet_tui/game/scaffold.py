"""``k8snet-tui new``: starting points for level authors that already work.

The scaffolded level is a real puzzle (one broken targetPort, one deny flow
that keeps the fix honest), with a comment on every section, so an author can
run ``validate`` and ``play`` on it immediately and change it step by step.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from k8snet_tui import FORMAT
from k8snet_tui.model.schema import level_schema, pack_schema

LEVEL_TEMPLATE = """\
# yaml-language-server: $schema={schema}
# A k8snet-tui level. Run `k8snet-tui validate {name}` after every change and
# `k8snet-tui play {name} --watch` to try it while you edit.

format: {format}          # the level format this file is written for
id: {id}                  # unique within its pack (lowercase, digits, - _ .)
title: {title}
difficulty: 1             # 1 (one idea, one edit) … 5 (several faults, decoys)
concepts: [pod-to-service, targetPort]   # free tags shown on level select

# Markdown shown when the level opens: teach the idea, don't give the fix away.
briefing: |
  The `web` pod cannot reach the `api` Service in the **shop** namespace.

  A Service forwards its `port` to the `targetPort` of the pods it selects.
  Compare what the Service sends with what the pods listen on.

# Markdown shown when the level is solved: the real-world lesson, and how you
# would diagnose the same thing on a real cluster.
debrief: |
  A Service's `targetPort` must be a port the selected pods listen on. Naming
  the container port (`targetPort: http`) keeps the two in step.

  ```sh
  kubectl -n shop get endpoints api
  kubectl -n shop get pod -l app=api -o jsonpath='{{..containerPort}}'
  ```

# Optional: the cluster. Every key has a default (one node "node-1",
# podNetwork: overlay, clusterCIDR 10.244.0.0/16, serviceCIDR 10.96.0.0/12).
cluster:
  nodes:
    - name: node-a
    - name: node-b

# Real Kubernetes manifests, exactly as kubectl would take them. Unknown
# fields are ignored; kinds the engine does not model are listed as warnings.
resources:
  - apiVersion: v1
    kind: Pod
    metadata: {{name: web, namespace: shop, labels: {{app: web}}}}
    spec:
      nodeName: node-a
      containers:
        - name: web
          image: nginx
          ports: [{{containerPort: 80, name: http}}]
  - apiVersion: v1
    kind: Pod
    metadata: {{name: api, namespace: shop, labels: {{app: api}}}}
    spec:
      nodeName: node-b
      containers:
        - name: api
          image: example/api
          ports: [{{containerPort: 8080, name: http}}]
  - apiVersion: v1
    kind: Service
    metadata: {{name: api, namespace: shop}}
    spec:
      selector: {{app: api}}
      ports:
        - {{port: 80, targetPort: 9090}}    # the bug: nothing listens on 9090

# What must (and must not) work. from: pod/NS/NAME, deployment/NS/NAME,
# node/NAME, internet; to: service/NS/NAME:PORT, pod/NS/NAME:PORT, a DNS name,
# http://host/path, node/NAME:PORT, internet:PORT … (see docs/authoring.md).
flows:
  - name: web reaches the api
    from: pod/shop/web
    to: service/shop/api:80
    expect: allow
  - name: the api stays private to the internet
    from: internet
    to: service/shop/api:80
    expect: deny

# Without a puzzle section the file is a sandbox scenario.
puzzle:
  editable:                   # everything not listed is locked
    - {{ref: service/shop/api, fields: [spec.ports]}}
  create: []                  # kinds the player may add (e.g. [NetworkPolicy])
  delete: []
  par: 1                      # edits in the shortest known solution
  hints:                      # from vague to precise
    - Look at what the Service sends to the pods.
    - The api container listens on 8080, named http.
  solution:                   # in the edit language: set, unset, add-route, …
    - {{op: set, ref: service/shop/api, path: "spec.ports[0].targetPort", value: http}}
"""

PACK_TEMPLATE = """\
# yaml-language-server: $schema=pack.schema.json
# A k8snet-tui level pack: `k8snet-tui validate {name}` checks every level,
# `k8snet-tui play {name}` plays it. Share the folder, or publish it as a
# Python package (see docs/authoring.md).
format: {format}
id: {id}
title: {title}
author: {author}
version: 0.1.0
description: |
  What players learn in this pack.
# unlockAll: true           # every level playable from the start
chapters:
  - id: 01-first
    title: First steps
    levels:
      - 01-first/01-first-level.yaml
"""


class ScaffoldError(Exception):
    """The scaffold would overwrite something; nothing was written."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; nothing was written")
        self.path = path


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return value[:60] or "level"


def _write(path: Path, text: str) -> None:
    if path.exists():
        raise ScaffoldError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _schema_path(level: Path) -> str:
    """Where the level schema is, relative to the level (next to pack.yaml if any)."""
    for parent in [level.parent, *level.parent.parents][:3]:
        if (parent / "pack.yaml").exists() or (parent / "level.schema.json").exists():
            rel = Path(*[".."] * len(level.parent.relative_to(parent).parts)) \
                if parent != level.parent else Path()
            return str(rel / "level.schema.json")
    return "level.schema.json"


def new_level(path: Path, *, level_id: str | None = None, title: str | None = None) -> list[Path]:
    """Write a commented, valid, playable level; returns the files written."""
    if path.suffix.lower() not in (".yaml", ".yml"):
        path = path.with_suffix(".yaml")
    if path.exists():
        raise ScaffoldError(path)  # before anything else is written: nothing, not half
    lid = slug(level_id or path.stem)
    schema = _schema_path(path)
    written = []
    schema_file = (path.parent / schema).resolve()
    if not schema_file.exists():
        _write(schema_file, json.dumps(level_schema(), indent=2) + "\n")
        written.append(schema_file)
    _write(path, LEVEL_TEMPLATE.format(schema=schema, name=path, format=FORMAT, id=lid,
                                       title=title or lid.replace("-", " ").capitalize()))
    written.append(path)
    return written


def new_pack(directory: Path, *, pack_id: str | None = None, title: str | None = None,
             author: str = "unknown") -> list[Path]:
    """Write a pack folder with one level and the schemas editors use."""
    if (directory / "pack.yaml").exists():
        raise ScaffoldError(directory / "pack.yaml")
    pid = slug(pack_id or directory.resolve().name)
    written = []
    _write(directory / "pack.yaml", PACK_TEMPLATE.format(
        name=directory, format=FORMAT, id=pid, title=title or pid.replace("-", " ").title(),
        author=author))
    written.append(directory / "pack.yaml")
    for name, schema in (("pack.schema.json", pack_schema()), ("level.schema.json",
                                                                 level_schema())):
        if not (directory / name).exists():
            _write(directory / name, json.dumps(schema, indent=2) + "\n")
            written.append(directory / name)
    written += new_level(directory / "01-first" / "01-first-level.yaml",
                         title="The port that wasn't")
    return written
