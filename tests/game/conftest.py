"""A small shop cluster with one object of every kind the edit language touches."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from k8snet_tui.model.load import LoadedLevel, load_level_text

SAMPLE = """\
format: k8snet/v1
id: edits-sample
cluster:
  podNetwork: routes
  nodes:
    - name: node-a
      public: true
      routes:
        - {to: 10.244.1.0/24, via: 192.168.0.12}
        - {to: 10.244.9.0/24, via: 192.168.0.12}
        - {to: default, via: 192.168.0.1}
    - name: node-b
resources:
  - apiVersion: v1
    kind: Namespace
    metadata: {name: shop, labels: {team: shop}}
  - apiVersion: v1
    kind: Pod
    metadata: {name: web, namespace: shop, labels: {app: web}}
    spec:
      nodeName: node-a
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 8080, name: http}]
  - apiVersion: v1
    kind: Pod
    metadata: {name: tools, labels: {app: tools}}
  - apiVersion: apps/v1
    kind: Deployment
    metadata: {name: api, namespace: shop}
    spec:
      replicas: 2
      selector: {matchLabels: {app: api}}
      template:
        metadata:
          labels: {app: api, "app.kubernetes.io/name": api}
        spec:
          containers:
            - name: api
              ports:
                - {containerPort: 9090, name: http}
                - {containerPort: 9100, name: metrics}
  - apiVersion: v1
    kind: Service
    metadata: {name: api, namespace: shop}
    spec:
      selector: {app: api}
      ports:
        - {name: http, port: 8080, targetPort: 8080}
        - {name: metrics, port: 9100}
  - apiVersion: v1
    kind: Service
    metadata: {name: db, namespace: shop}
    spec:
      type: NodePort
      selector: {app: db}
      ports: [{port: 5432}]
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: deny-all, namespace: shop}
    spec:
      podSelector: {}
      policyTypes: [Ingress]
  - apiVersion: networking.k8s.io/v1
    kind: NetworkPolicy
    metadata: {name: allow-web, namespace: shop}
    spec:
      podSelector: {matchLabels: {app: api}}
      ingress:
        - from: [{podSelector: {matchLabels: {app: web}}}]
          ports: [{port: http}]
  - apiVersion: networking.k8s.io/v1
    kind: IngressClass
    metadata: {name: nginx}
    spec: {controller: k8s.io/ingress-nginx}
  - apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata: {name: shop, namespace: shop}
    spec:
      ingressClassName: nginx
      rules:
        - host: shop.example.com
          http:
            paths:
              - path: /api
                pathType: Prefix
                backend: {service: {name: api, port: {name: http}}}
flows:
  - name: web reaches the API
    from: pod/shop/web
    to: service/shop/api:8080
puzzle:
  editable:
    - ref: service/shop/api
      fields: [spec.selector, "spec.ports[name=http]"]
    - {ref: deployment/shop/api, fields: [spec.template.metadata.labels]}
    - {ref: node/node-a, fields: [routes]}
    - networkpolicy/shop/allow-web
    - ingress/shop/shop
  create: [NetworkPolicy]
  delete: [NetworkPolicy]
  solution:
    - {op: set, ref: service/shop/api, path: "spec.ports[0].targetPort", value: http}
"""


def load_sample(replace: dict[str, str] | None = None, *, puzzle: bool = True) -> LoadedLevel:
    """The sample level, optionally with some text replaced or without its puzzle."""
    text = SAMPLE if puzzle else SAMPLE[: SAMPLE.index("puzzle:")]
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    return load_level_text(text, "sample.yaml")


@pytest.fixture(scope="module")
def sample() -> LoadedLevel:
    return load_sample()


@pytest.fixture(scope="module")
def level_with() -> Callable[..., LoadedLevel]:
    """``level_with({old: new}, puzzle=True)``: a variant of the sample."""
    return load_sample
