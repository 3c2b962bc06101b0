"""Every "what happens if …" claim a campaign level makes in its briefing or
debrief is true in that level's own cluster.

Each row names a level, quotes the claim (the quote must appear in the level's
briefing or debrief, so text and test cannot drift apart), lists the edits that
realise it as the game's Edit dicts (DESIGN §3, ``k8snet_tui/model/edits.py``)
and the verdicts the claim implies. A verdict is ``allow``, ``deny``,
``partial`` or ``deny:REASON`` / ``partial:REASON``. A flow is named by its
``name`` in the level, or given as an ad-hoc ``(FROM, TO)`` pair. The string
``SOLUTION`` in an edit list stands for the level's own solution.

Edits are applied with the level's locks off (the claims are about the
cluster, not about what the puzzle lets the player touch) unless a row sets
``locks=True``. A row with ``refused`` expects the edits to be refused with a
message containing that text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from k8snet_tui.engine.evaluate import Engine, evaluate_level
from k8snet_tui.game.edits import EditError, apply_edits
from k8snet_tui.game.packs import builtin_pack_path
from k8snet_tui.model.edits import AnyEdit, Edit
from k8snet_tui.model.load import LoadedLevel, load_level

PACK = builtin_pack_path()
SOLUTION = "SOLUTION"
_EDITS: TypeAdapter[list[AnyEdit]] = TypeAdapter(list[Edit])

FlowKey = str | tuple[str, str]


@dataclass(frozen=True)
class Claim:
    level: str
    quote: str
    edits: list[Any]
    expect: dict[FlowKey, str] = field(default_factory=dict)
    solved: bool | None = None
    locks: bool = False
    refused: str | None = None
    xfail: str | None = None


def np_(ns: str, name: str) -> str:
    return f"networkpolicy/{ns}/{name}"


GW1, GW2, GW3, GW4, GW5, GW6, GW7, GW8, GW9 = (
    f"10-gateways/{name}.yaml" for name in (
        "01-class-controller", "02-allowed-routes", "03-section-name", "04-wildcard-depth",
        "05-canary-header", "06-reference-grant", "07-listener-certificate", "08-proxy-netpol",
        "09-ingress-migration"))
GRANT_ALL_PAYMENTS = {
    "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
    "metadata": {"name": "g", "namespace": "payments"},
    "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                       "namespace": "shop"}],
             "to": [{"group": "", "kind": "Service"}]}}


CLAIMS: list[Claim] = [
    # ------------------------------------------------------------------ 01 pods
    Claim("01-pods/02-sidecar-port.yaml",
          "NetworkPolicies filter traffic between pods and never see `localhost`",
          [{"op": "delete", "ref": np_("shop", "orders-ingress")}],
          {"the app reaches pgbouncer on localhost:5432": "deny:NOT_LISTENING"}),
    Claim("01-pods/03-named-port.yaml",
          "adding a default route would have broken the payment segment's isolation",
          [{"op": "add-route", "ref": "node/node-1", "to": "default", "via": "192.168.0.1"}],
          {"nothing in the payment segment reaches the internet": "allow"}),
    Claim("01-pods/03-named-port.yaml",
          "Publishing the metrics port on the `api` Service would not have helped either",
          [{"op": "set", "ref": "service/shop/api", "path": "spec.ports[1]",
            "value": {"name": "metrics", "port": 9090, "targetPort": "http-metrics"}}],
          {"Prometheus scrapes the api pods' metrics port": "deny:NOT_LISTENING",
           "metrics are not published on the api Service": "allow"}),
    Claim("01-pods/04-host-network.yaml",
          "`hostNetwork: true` would have delivered the traces too",
          [{"op": "set", "ref": "daemonset/monitoring/otel-agent",
            "path": "spec.template.spec.hostNetwork", "value": True}],
          {"checkout sends traces to the agent at its node's address": "allow",
           "apps cannot read the agent's metrics": "allow"}),
    # ----------------------------------------------------------------- 02 nodes
    Claim("02-nodes/01-missing-route.yaml",
          "Pointing node-a's *default* route at node-b would also have got the packets there",
          [{"op": "remove-route", "ref": "node/node-a", "to": "default"},
           {"op": "add-route", "ref": "node/node-a", "to": "default", "via": "192.168.0.12"}],
          {"web calls the api on node-b": "allow",
           "web still reaches the payment provider": "allow"}),
    Claim("02-nodes/04-route-loop.yaml",
          "Had the summaries been removed instead, node-a and node-b would have lost each other "
          "too.",
          [{"op": "remove-route", "ref": "node/node-a", "to": "10.244.0.0/16"},
           {"op": "remove-route", "ref": "node/node-b", "to": "10.244.0.0/16"},
           {"op": "add-route", "ref": "node/node-a", "to": "10.244.2.0/24", "via": "192.168.0.13"},
           {"op": "add-route", "ref": "node/node-b", "to": "10.244.2.0/24", "via": "192.168.0.13"},
           {"op": "add-route", "ref": "node/node-c", "to": "10.244.0.0/24", "via": "192.168.0.11"}],
          {"the worker still reads the cache across the old nodes": "deny:NO_ROUTE"}),
    Claim("02-nodes/04-route-loop.yaml",
          "One route breaks the loop — on node-a, say; node-b's packets then reach node-c "
          "through node-a, which is allowed, merely a detour",
          [SOLUTION],
          {"the worker calls the api": "allow"}),
    Claim("02-nodes/05-route-audit.yaml",
          "teaching build-1 the way to node-c, so node-a's packets get forwarded — would have "
          "worked, and opened the database to every CI job",
          [{"op": "add-route", "ref": "node/build-1", "to": "10.244.2.0/24",
            "via": "192.168.0.13"}],
          {"web reads its cache": "allow",
           "CI runners never reach the database": "allow"}),
    Claim("02-nodes/05-route-audit.yaml",
          "node-b's route to the build range *looked* like a breach of the fence, but the "
          "registry needs it",
          [{"op": "remove-route", "ref": "node/node-b", "to": "10.244.3.0/24"}],
          {"CI runners push images to the registry": "deny:NO_RETURN_ROUTE"}),
    # -------------------------------------------------------------- 03 services
    Claim("03-services/02-selector-typo.yaml",
          "`app: cart` alone would have added the `cart-worker` pod, which listens on 9100, "
          "not 8080: a share of the requests would have been refused instead.",
          [{"op": "set", "ref": "service/shop/cart", "path": "spec.selector",
            "value": {"app": "cart"}}],
          {"web reaches the cart by its short name": "partial:TARGET_PORT_MISMATCH"}),
    Claim("03-services/02-selector-typo.yaml",
          "Had `targetPort` been the name `http`, the worker would have been left out quietly",
          [{"op": "set", "ref": "service/shop/cart", "path": "spec.selector",
            "value": {"app": "cart"}},
           {"op": "set", "ref": "service/shop/cart", "path": "spec.ports[0].targetPort",
            "value": "http"}],
          {"web reaches the cart by its short name": "allow"}),
    Claim("03-services/03-green-too-soon.yaml",
          "`publishNotReadyAddresses: true` would hand customers to pods that said",
          [{"op": "set", "ref": "service/shop/checkout", "path": "spec.publishNotReadyAddresses",
            "value": True}],
          {"the shop reaches checkout": "allow"}),
    Claim("03-services/03-green-too-soon.yaml",
          "Dropping `slot` from the selector would work today",
          [{"op": "unset", "ref": "service/shop/checkout", "path": "spec.selector.slot"}],
          solved=True),
    Claim("03-services/03-green-too-soon.yaml",
          "the preview keeps showing green, refusing until its pods pass the probe",
          [SOLUTION],
          {"the preview stays on green (refused until green is Ready)": "deny:NOT_READY"}),
    Claim("03-services/04-hand-written-endpoints.yaml",
          "the Service's `targetPort` (also 6432) played no part",
          [SOLUTION,
           {"op": "set", "ref": "service/shop/orders-db", "path": "spec.ports[0].targetPort",
            "value": 7777}],
          {"the api reaches the orders database": "allow"}),
    # ------------------------------------------------------------------- 04 dns
    Claim("04-dns/01-short-name.yaml",
          "a CNAME target like `payments.payments` is taken literally, sent upstream, and "
          "comes back NXDOMAIN",
          [{"op": "create", "manifest": {
              "apiVersion": "v1", "kind": "Service",
              "metadata": {"name": "payments", "namespace": "shop"},
              "spec": {"type": "ExternalName", "externalName": "payments.payments"}}}],
          {"checkout reaches payments by the name in its config": "deny:DNS_NXDOMAIN"}),
    Claim("04-dns/01-short-name.yaml",
          "Aliasing the sandbox instead would have pointed real orders at a test double — "
          "or, here, at a NetworkPolicy that refuses them.",
          [{"op": "create", "manifest": {
              "apiVersion": "v1", "kind": "Service",
              "metadata": {"name": "payments", "namespace": "shop"},
              "spec": {"type": "ExternalName",
                       "externalName": "payments.payments-sandbox.svc.cluster.local"}}}],
          {"checkout reaches payments by the name in its config": "deny:POLICY_DENIED_INGRESS"}),
    Claim("04-dns/02-headless-discovery.yaml",
          "Setting `publishNotReadyAddresses` on the client Service would have sent Kibana to "
          "a cluster with no master.",
          [{"op": "set", "ref": "service/search/es-master", "path": "spec.publishNotReadyAddresses",
            "value": True}],
          {"Kibana gets no half-formed cluster (only Ready nodes serve clients)": "allow",
           "every node finds its peers through the seed-hosts name": "deny:DNS_NXDOMAIN"}),
    Claim("04-dns/03-externalname-alias.yaml",
          "once the alias named `pgbouncer.data.svc.cluster.local`, the `api` connected to "
          "pgbouncer's ClusterIP on **5432**",
          [{"op": "set", "ref": "service/shop/db", "path": "spec.externalName",
            "value": "pgbouncer.data.svc.cluster.local"}],
          {"the api reaches the database as db:5432": "deny:NO_SERVICE_PORT"}),
    Claim("04-dns/03-externalname-alias.yaml",
          "Pointing the alias at `orders-pg` (which listens on 5432) would have looked like a "
          "one-edit fix, but it bypasses the pooler and the primary refuses it.",
          [{"op": "set", "ref": "service/shop/db", "path": "spec.externalName",
            "value": "orders-pg.data.svc.cluster.local"}],
          {"the api reaches the database as db:5432": "deny:POLICY_DENIED_INGRESS"}),
    Claim("04-dns/04-search-path.yaml",
          "a two-label per-pod name like `kafka-0.kafka-headless` only works inside streaming",
          [SOLUTION],
          {("pod/streaming/kafka-1", "kafka-0.kafka-headless:9092"): "allow",
           ("deployment/analytics/consumer", "kafka-0.kafka-headless:9092"): "deny:DNS_NXDOMAIN"}),
    # -------------------------------------------------------------- 05 exposure
    Claim("05-exposure/01-nodeport.yaml",
          "Making it a NodePort opened 30080 on both nodes; the internet reaches it only on "
          "`edge-1`",
          [SOLUTION],
          {("internet", "node/edge-1:30080"): "allow",
           ("internet", "node/worker-1:30080"): "deny:NOT_EXPOSED",
           ("deployment/shop/web", "node/worker-1:30080"): "allow"}),
    Claim("05-exposure/01-nodeport.yaml",
          "left empty, Kubernetes would have picked a free port at random",
          [{"op": "set", "ref": "service/shop/web", "path": "spec.type", "value": "NodePort"}],
          {"shoppers reach the shop from the internet": "allow",
           "the firewall's forward to edge-1:30080 lands on the shop": "deny"}),
    Claim("05-exposure/01-nodeport.yaml",
          "turning every Service into a NodePort is how databases end up on the internet",
          [SOLUTION, {"op": "set", "ref": "service/shop/db", "path": "spec.type",
                      "value": "NodePort"}],
          {"the database is never reachable from the internet": "allow"}),
    Claim("05-exposure/02-lb-pending.yaml",
          "The moment `edge-1` became public, every NodePort on it became public — the shop's "
          "30080, and the database's automatically allocated port too.",
          [{"op": "set", "ref": "node/edge-1", "path": "public", "value": True}],
          {"the firewall's forward to edge-1:30080 lands on the shop": "allow",
           "the database is never reachable from the internet": "allow"}),
    Claim("05-exposure/03-port-443.yaml",
          "no Service can ever open port 443 on a node",
          [{"op": "set", "ref": "service/edge/edge-proxy", "path": "spec.ports[0].nodePort",
            "value": 443}],
          refused="30000-32767"),
    Claim("05-exposure/03-port-443.yaml",
          "`hostNetwork: true` puts *every* port of the pod on the node — Envoy's admin port "
          "included",
          [{"op": "set", "ref": "daemonset/edge/edge-proxy",
            "path": "spec.template.spec.hostNetwork", "value": True}],
          {"the admin port is not open on edge-1 itself either": "allow"}),
    Claim("05-exposure/03-port-443.yaml",
          "it published `admin` on 30901 of every node, and a NodePort on a public node is a "
          "public port",
          [],
          {"no Service publishes Envoy's admin interface to the internet": "allow",
           ("internet", "node/edge-1:30901"): "allow"}),
    Claim("05-exposure/04-traffic-policy-local.yaml",
          "with `Cluster`, kube-proxy's SNAT hands the pod the node's address and no rule "
          "about the partner's range can ever match",
          [{"op": "set", "ref": "service/shop/api", "path": "spec.externalTrafficPolicy",
            "value": "Cluster"}],
          {"the partner's servers call the API": "deny:POLICY_DENIED_INGRESS"}),
    Claim("05-exposure/04-traffic-policy-local.yaml",
          "Opening the rule to the node network would let the whole internet in",
          [{"op": "set", "ref": "service/shop/api", "path": "spec.externalTrafficPolicy",
            "value": "Cluster"},
           {"op": "set", "ref": np_("shop", "api-allow-partner"),
            "path": "spec.ingress[0].from[0].ipBlock.cidr", "value": "192.168.0.0/24"}],
          {"the partner's servers call the API": "allow",
           "anyone else on the internet is refused": "allow"}),
    Claim("05-exposure/04-traffic-policy-local.yaml",
          "For an ordinary Service it turns \"the pods moved\" into \"calls from other nodes "
          "fail\"",
          [{"op": "set", "ref": "deployment/shop/api", "path": "spec.template.spec.nodeName",
            "value": "edge-1"}],
          {"the partner's servers call the API": "allow",
           "the web frontend calls the API inside the cluster": "deny:NO_LOCAL_ENDPOINT"}),
    Claim("05-exposure/04-traffic-policy-local.yaml",
          "That is why this level lets you move the pods but not scale them.",
          [{"op": "set", "ref": "deployment/shop/api", "path": "spec.replicas", "value": 3}],
          locks=True, refused="only spec.template.spec.nodeName"),
    Claim("05-exposure/05-source-ranges.yaml",
          "the tempting quick fixes — `203.0.113.0/24`, or `0.0.0.0/0` \"just for today\" — "
          "let in exactly the kind of client the list is there to stop",
          [SOLUTION, {"op": "set", "ref": "service/backoffice/backoffice",
                      "path": "spec.loadBalancerSourceRanges[1]", "value": "203.0.113.0/24"}],
          {"VPN users reach it too": "allow",
           "strangers are turned away at the load balancer": "allow"}),
    Claim("05-exposure/05-source-ranges.yaml",
          "It does not take back ports that are already allocated: you also have to remove the "
          "`nodePort`",
          [{"op": "set", "ref": "service/backoffice/backoffice",
            "path": "spec.allocateLoadBalancerNodePorts", "value": False}],
          {"strangers find no other way into the back office": "allow"}),
    # --------------------------------------------------------------- 06 ingress
    Claim("06-ingress/02-default-class.yaml",
          "here, the next time the monitoring chart re-creates Prometheus's forgotten Ingress, "
          "onto the public entrance",
          [{"op": "set", "ref": "ingressclass/nginx", "path": "metadata.annotations",
            "value": {"ingressclass.kubernetes.io/is-default-class": "true"}},
           {"op": "delete", "ref": "ingress/monitoring/prometheus"},
           {"op": "create", "manifest": {
               "apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
               "metadata": {"name": "prometheus", "namespace": "monitoring"},
               "spec": {"rules": [{"host": "prometheus.example.com", "http": {"paths": [
                   {"path": "/", "pathType": "Prefix", "backend": {"service": {
                       "name": "prometheus", "port": {"name": "web"}}}}]}}]}}}],
          {"neither is Prometheus": "allow"}),
    Claim("06-ingress/02-default-class.yaml",
          "so Ingresses that already exist without a class stay without one",
          [{"op": "set", "ref": "ingressclass/nginx", "path": "metadata.annotations",
            "value": {"ingressclass.kubernetes.io/is-default-class": "true"}}],
          {"customers reach the shop": "deny", "neither is Prometheus": "deny"}),
    Claim("06-ingress/03-wildcard-host.yaml",
          "Dropping the host altogether would have \"fixed\" it by answering for every name",
          [{"op": "unset", "ref": "ingress/shop/storefront", "path": "spec.rules[0].host"}],
          {"the shop answers on the bare domain": "allow",
           "partner shops work": "allow",
           "look-alike domains pointed at the shop get nothing": "allow"}),
    Claim("06-ingress/03-wildcard-host.yaml",
          "`/admin` gets the controller's 404, even though the wildcard rule's `/` would have "
          "matched it",
          [],
          {"the API host has no admin pages": "deny:INGRESS_NO_RULE"}),
    Claim("06-ingress/04-scream-test.yaml",
          "Deleting it here would have \"fixed\" the app by sending orders back to the monolith.",
          [{"op": "delete", "ref": np_("legacy", "scream-test")}],
          {"the app lists a customer's orders": "deny:WRONG_BACKEND",
           "the old checkout stays switched off": "allow"}),
    Claim("06-ingress/04-scream-test.yaml",
          "which is longer than any `/api` rule and therefore beat the new API for every v1 "
          "call, whatever pathType it used",
          [{"op": "set", "ref": "ingress/shop/api", "path": "spec.rules[0].http.paths[0].pathType",
            "value": "Prefix"}],
          {"the app lists a customer's orders": "allow",
           "older app versions call API v1, now served by the new API":
               "deny:POLICY_DENIED_INGRESS"}),
    Claim("06-ingress/05-backend-ports.yaml",
          "ingress-nginx answers such requests with **503**",
          [{"op": "set", "ref": "service/ingress-nginx/ingress-nginx-controller",
            "path": "spec.type", "value": "LoadBalancer"}],
          {"shoppers reach the home page": "deny:INGRESS_BACKEND_MISSING",
           "the browser calls the API": "deny:INGRESS_BACKEND_MISSING"}),
    Claim("06-ingress/05-backend-ports.yaml",
          "`port.name: api` or `port.number: 80` would both do",
          [{"op": "set", "ref": "service/ingress-nginx/ingress-nginx-controller",
            "path": "spec.type", "value": "LoadBalancer"},
           {"op": "set", "ref": "ingress/shop/shop",
            "path": "spec.rules[0].http.paths[0].backend.service.port", "value": {"number": 80}},
           {"op": "set", "ref": "ingress/shop/shop", "path": "spec.defaultBackend.service.port",
            "value": {"name": "web"}}],
          solved=True),
    Claim("06-ingress/05-backend-ports.yaml",
          "renaming Service ports to match would too, if nothing else depends on them",
          [{"op": "set", "ref": "service/ingress-nginx/ingress-nginx-controller",
            "path": "spec.type", "value": "LoadBalancer"},
           {"op": "set", "ref": "service/shop/api", "path": "spec.ports[0].name", "value": "http"},
           {"op": "set", "ref": "ingress/shop/shop",
            "path": "spec.defaultBackend.service.port.number", "value": 80}],
          solved=True),
    Claim("06-ingress/04-scream-test.yaml",
          "Trace the failing requests and see which backend they are really sent to.",
          [SOLUTION, {"op": "set", "ref": "ingress/shop/api",
                      "path": "spec.rules[0].http.paths[0].backend.service.name",
                      "value": "storefront"}],
          {"the app's start screen pings the API": "deny:WRONG_BACKEND",
           "the app lists a customer's orders": "deny:WRONG_BACKEND",
           "older app versions call API v1, now served by the new API": "deny:WRONG_BACKEND",
           "the old checkout stays switched off": "deny:POLICY_DENIED_INGRESS"}),
    Claim("06-ingress/04-scream-test.yaml",
          "Trace the failing requests and see which backend they are really sent to.",
          [{"op": "set", "ref": "ingress/shop/storefront", "path": "spec.rules[0].http.paths[2]",
            "value": {"path": "/api", "pathType": "Prefix", "backend": {"service": {
                "name": "storefront", "port": {"name": "http"}}}}},
           {"op": "unset", "ref": "ingress/legacy/monolith",
            "path": "spec.rules[0].http.paths[1]"}],
          {"the app's start screen pings the API": "allow",
           "the app lists a customer's orders": "deny:WRONG_BACKEND",
           "older app versions call API v1, now served by the new API": "deny:WRONG_BACKEND"}),
    Claim("06-ingress/05-backend-ports.yaml",
          "`/api` goes to the `api` Service,",
          [{"op": "set", "ref": "service/ingress-nginx/ingress-nginx-controller",
            "path": "spec.type", "value": "LoadBalancer"},
           {"op": "set", "ref": "ingress/shop/shop", "path": "spec.rules[0].http.paths[0].backend",
            "value": {"service": {"name": "storefront", "port": {"name": "web"}}}},
           {"op": "set", "ref": "ingress/shop/shop", "path": "spec.defaultBackend.service.port",
            "value": {"number": 80}}],
          {"shoppers reach the home page": "allow",
           "the browser calls the API": "deny:WRONG_BACKEND"}),
    Claim("06-ingress/05-backend-ports.yaml",
          "everything else goes to the **default backend**, the `storefront`.",
          [{"op": "set", "ref": "service/ingress-nginx/ingress-nginx-controller",
            "path": "spec.type", "value": "LoadBalancer"},
           {"op": "set", "ref": "ingress/shop/shop",
            "path": "spec.rules[0].http.paths[0].backend.service.port.name", "value": "api"},
           {"op": "set", "ref": "ingress/shop/shop", "path": "spec.defaultBackend.service",
            "value": {"name": "api", "port": {"name": "api"}}}],
          {"shoppers reach the home page": "deny:WRONG_BACKEND",
           "shoppers reach a product page": "deny:WRONG_BACKEND",
           "the browser calls the API": "allow"}),
    # ---------------------------------------------------------------- 07 egress
    Claim("07-egress/02-ipblock-except.yaml",
          "Excepting all of `10.0.0.0/8` closes the pods, the Services and the office at once "
          "— and also the partner's VPN address",
          [{"op": "set", "ref": np_("shop", "checkout-egress"),
            "path": "spec.egress[0].to[0].ipBlock.except[0]", "value": "10.0.0.0/8"}],
          {"checkout cannot call the ledger in another namespace": "deny:POLICY_DENIED_EGRESS",
           "checkout cannot reach the office jump host": "deny:POLICY_DENIED_EGRESS",
           "checkout reaches the partner's fraud API over the VPN": "deny:POLICY_DENIED_EGRESS",
           "checkout reaches the payment provider on the internet": "allow"}),
    Claim("07-egress/02-ipblock-except.yaml",
          "which had only ever worked because the office range was never excepted",
          [],
          {"checkout reaches the partner's fraud API over the VPN": "allow",
           "checkout cannot reach the office jump host": "allow"}),
    Claim("07-egress/03-dns-default-deny.yaml",
          "Selecting the DNS pods by namespace *and* pod labels in one peer keeps it from "
          "opening port 53 to the whole world.",
          [{"op": "create", "manifest": {
              "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "allow-dns", "namespace": "shop"},
              "spec": {"podSelector": {}, "policyTypes": ["Egress"],
                       "egress": [{"ports": [{"protocol": "UDP", "port": 53},
                                             {"protocol": "TCP", "port": 53}]}]}}}],
          {"web calls the api by name": "allow",
           ("deployment/shop/web", "internet:53/udp"): "allow"}),
    Claim("07-egress/03-dns-default-deny.yaml",
          "Selecting the DNS pods by namespace *and* pod labels in one peer keeps it from "
          "opening port 53 to the whole world.",
          [SOLUTION],
          {"web calls the api by name": "allow",
           ("deployment/shop/web", "internet:53/udp"): "deny:POLICY_DENIED_EGRESS"}),
    Claim("07-egress/03-dns-default-deny.yaml",
          "the other rules allow port 8080, not 80: policies see packets after the Service has "
          "translated them",
          [SOLUTION, {"op": "set", "ref": np_("shop", "web-egress"),
                      "path": "spec.egress[0].ports[0].port", "value": 80}],
          {"web calls the api by name": "deny:POLICY_DENIED_EGRESS"}),
    # ---------------------------------------------------------------- 08 policy
    Claim("08-policy/01-missing-allow.yaml",
          "Deleting the default deny \"fixes\" the cart too — and silently opens every pod that "
          "no allow policy selects: `cart` and `web` then accept anyone, the toolbox included. "
          "The database stays shut only because `db-allow-api` happens to select it",
          [{"op": "delete", "ref": np_("shop", "default-deny-ingress")}],
          {"web calls the new cart service": "allow",
           "the toolbox pod cannot call the cart either": "allow",
           ("pod/shop/toolbox", "deployment/shop/web:8080"): "allow",
           "web never talks to the database": "deny:POLICY_DENIED_INGRESS",
           "the toolbox pod cannot reach the database": "deny:POLICY_DENIED_INGRESS"}),
    Claim("08-policy/01-missing-allow.yaml",
          "the rule names the pod's port (8080, or its name `http`), not the Service's 80",
          [{"op": "create", "manifest": {
              "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "cart-allow-web", "namespace": "shop"},
              "spec": {"podSelector": {"matchLabels": {"app": "cart"}},
                       "policyTypes": ["Ingress"],
                       "ingress": [{"from": [{"podSelector": {"matchLabels": {"app": "web"}}}],
                                    "ports": [{"protocol": "TCP", "port": 80}]}]}}}],
          {"web calls the new cart service": "deny:POLICY_DENIED_INGRESS"}),
    Claim("08-policy/03-namespace-label.yaml",
          "Relabelling the namespaces would also have turned the flows green",
          [{"op": "set", "ref": "namespace/shop", "path": "metadata.labels.name", "value": "shop"},
           {"op": "unset", "ref": "namespace/shop-staging", "path": "metadata.labels.name"}],
          solved=True),
    Claim("08-policy/03-namespace-label.yaml",
          "without it every pod of `shop`, `web` included, could book payments",
          [SOLUTION, {"op": "unset", "ref": np_("payments", "ledger-allow-checkout"),
                      "path": "spec.ingress[0].from[0].podSelector"}],
          {"production checkout books a payment": "allow",
           "the shop's web pods cannot book payments themselves": "allow"}),
    Claim("08-policy/04-port-ranges.yaml",
          "Deleting the `ports` list instead would have \"worked\" — and opened the rcon "
          "consoles to the matchmaker and Prometheus.",
          [{"op": "unset", "ref": np_("games", "gameservers-ingress"),
            "path": "spec.ingress[0].ports"},
           {"op": "unset", "ref": np_("games", "gameservers-ingress"),
            "path": "spec.ingress[1].ports"}],
          {"the matchmaker places players in the lobby": "allow",
           "Prometheus scrapes the lobby server": "allow",
           "the matchmaker never reaches a remote console": "allow",
           "Prometheus never reaches a remote console": "allow"}),
    Claim("08-policy/05-egress-only.yaml",
          "An egress-only policy that forgets to say so becomes a default deny *in* for its pods",
          [],
          {"checkout calls payments-api": "deny:POLICY_DENIED_INGRESS"}),
    Claim("08-policy/05-egress-only.yaml",
          "Cutting the pod range out (or all private ranges: 10.0.0.0/8, 172.16.0.0/12, "
          "192.168.0.0/16) keeps \"the internet\" meaning the internet. Traffic to the database "
          "and to DNS stays allowed",
          [{"op": "set", "ref": np_("payments", "payments-api-egress"), "path": "spec.policyTypes",
            "value": ["Egress"]},
           {"op": "set", "ref": np_("payments", "payments-api-egress"),
            "path": "spec.egress[2].to[0].ipBlock.except",
            "value": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}],
          solved=True),
    # ------------------------------------------------------------- 09 incidents
    Claim("09-incidents/01-node-c-joins.yaml",
          "the database policy was fine (deleting it would have let `web` read the database "
          "directly)",
          [SOLUTION, {"op": "delete", "ref": np_("shop", "db-allow-api")}],
          {"web never reads the database directly": "allow"}),
    Claim("09-incidents/01-node-c-joins.yaml",
          "node-b's stale route to the old node-x range is dead weight, not a fault",
          [SOLUTION, {"op": "remove-route", "ref": "node/node-b", "to": "10.244.9.0/24"}],
          solved=True),
    Claim("09-incidents/01-node-c-joins.yaml",
          "Opening `api` or `search` with a NodePort would have \"tested\" them from outside and "
          "put them on the internet.",
          [SOLUTION,
           {"op": "set", "ref": "service/shop/api", "path": "spec.type", "value": "NodePort"},
           {"op": "set", "ref": "service/shop/search", "path": "spec.type", "value": "NodePort"}],
          {"the api is not on the internet": "allow", "search is not on the internet": "allow"}),
    Claim("09-incidents/02-zero-trust-friday.yaml",
          "a selector on all namespaces would have let the sandbox experiment in",
          [{"op": "set", "ref": np_("shop", "allow-from-ingress-controller"),
            "path": "spec.ingress[0].from[0].namespaceSelector", "value": {}}],
          {"shoppers reach the storefront": "allow",
           "the sandbox experiment cannot reach the storefront pods": "allow"}),
    Claim("09-incidents/02-zero-trust-friday.yaml",
          "a catch-all `/` on `api.example.com` would have \"fixed\" the 404 and published "
          "`/admin` to the internet.",
          [SOLUTION, {"op": "set", "ref": "ingress/shop/public-api",
                      "path": "spec.rules[0].http.paths[0].path", "value": "/"}],
          {"the public API serves /v1/orders": "allow",
           "the back office is not routed by the API host": "allow"}),
    Claim("09-incidents/03-three-small-changes.yaml",
          "widening it to \"fix\" the partner lets the whole internet in",
          [{"op": "set", "ref": np_("shop", "api-ingress"), "path": "spec.ingress[0].from[2]",
            "value": {"ipBlock": {"cidr": "192.168.0.0/24"}}},
           {"op": "set", "ref": np_("shop", "api-egress"), "path": "spec.egress[0].to",
            "value": [{"namespaceSelector": {"matchLabels": {
                           "kubernetes.io/metadata.name": "kube-system"}},
                       "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}}}]},
           {"op": "set", "ref": "node/edge-2", "path": "masquerade", "value": True}],
          {"the partner calls the api (every replica)": "allow",
           "the pentest scanner is refused": "allow"}),
    Claim("09-incidents/03-three-small-changes.yaml",
          "`internalTrafficPolicy` (Local would strand `web` on worker-1)",
          [SOLUTION, {"op": "set", "ref": "service/shop/api", "path": "spec.internalTrafficPolicy",
                      "value": "Local"}],
          {"web calls the api inside the cluster": "deny:NO_LOCAL_ENDPOINT"}),
    Claim("09-incidents/03-three-small-changes.yaml",
          "`Local` keeps the client address and only ever delivers to the arrival node's own "
          "replica; both edges have one",
          [SOLUTION],
          {"the partner calls the api (every replica)": "allow",
           "the pentest scanner is refused": "deny:POLICY_DENIED_INGRESS"}),
    Claim("09-incidents/04-orders-moved-out.yaml",
          "`allow-dns` (delete it and no name resolves)",
          [SOLUTION, {"op": "delete", "ref": np_("shop", "allow-dns")}],
          {"web reaches orders by its old name": "deny:DNS_UNREACHABLE"}),
    Claim("09-incidents/04-orders-moved-out.yaml",
          "Deleting a default deny would change nothing today",
          [SOLUTION, {"op": "delete", "ref": np_("shop", "default-deny-egress")},
           {"op": "delete", "ref": np_("orders", "default-deny-ingress")}],
          {"the reports job is kept out of orders": "deny:POLICY_DENIED_INGRESS",
           "the shop stays off the internet": "deny:POLICY_DENIED_EGRESS",
           "web cannot open the analytics UI": "deny:POLICY_DENIED_EGRESS"},
          solved=True),
    # ------------------------------------------------------------- 10 gateways
    Claim(GW1, "No running controller claims the class, so nobody sets its `Accepted` condition, "
               "nobody deploys a proxy for the Gateway, and nobody gives it an address.",
          [],
          {"shoppers reach the home page": "deny:GATEWAY_NO_CONTROLLER",
           "shoppers reach their cart": "deny:GATEWAY_NO_CONTROLLER"}),
    Claim(GW1, "Pointing the Gateway at `eg`, the class that Envoy Gateway's controller accepted, "
               "is the whole fix.",
          [SOLUTION],
          {"shoppers reach the home page": "allow",
           "shoppers reach their cart": "allow",
           "the shop's Service is reached only through the Gateway": "deny:NOT_EXPOSED"},
          solved=True),
    Claim(GW1, "For each one it deploys a proxy pod and a LoadBalancer Service, and only then does "
               "the Gateway get an address.",
          [SOLUTION],
          {("internet", "service/infra/public:80"): "allow",
           ("pod/infra/public-eg", "deployment/shop/web:8080"): "allow"}),
    Claim(GW1, "`spec.controllerName` is **immutable**.",
          [{"op": "set", "ref": "gatewayclass/istio", "path": "spec.controllerName",
            "value": "gateway.envoyproxy.io/gatewayclass-controller"}],
          refused="is immutable"),
    Claim(GW1, "`spec.controllerName` is **immutable**.",
          [{"op": "set", "ref": "gatewayclass/istio", "path": "spec.controllerName",
            "value": "gateway.envoyproxy.io/gatewayclass-controller"}],
          locks=True, refused="gatewayclass/istio is locked in this level"),
    Claim(GW1, "To \"repair\" the `istio` class you would have to delete and recreate it.",
          [{"op": "delete", "ref": "gatewayclass/istio"},
           {"op": "create", "manifest": {
               "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass",
               "metadata": {"name": "istio"},
               "spec": {"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"}}}],
          {"shoppers reach the home page": "allow"},
          locks=True, solved=True),
    Claim(GW1, "The shop must stay reachable only through the Gateway.",
          [{"op": "set", "ref": "service/shop/web", "path": "spec.type", "value": "LoadBalancer"}],
          {"shoppers reach the home page": "deny:GATEWAY_NO_CONTROLLER",
           "the shop's Service is reached only through the Gateway": "allow"}),
    Claim(GW2, "`allowedRoutes` defaults to `{namespaces: {from: Same}}`, so the routes in `shop` "
               "and `blog` were refused with `Accepted: False`, reason `NotAllowedByListeners`.",
          [],
          {"shoppers reach the shop": "deny:ROUTE_NOT_ATTACHED",
           "readers reach the blog": "deny:ROUTE_NOT_ATTACHED"}),
    Claim(GW2, "`from: All` would have fixed both sites and published the sandbox's demo too.",
          [{"op": "set", "ref": "gateway/infra/public",
            "path": "spec.listeners[0].allowedRoutes.namespaces.from", "value": "All"}],
          {"shoppers reach the shop": "allow",
           "readers reach the blog": "allow",
           "the sandbox's demo is not published": "allow"}),
    Claim(GW2, "`from: Selector` with a namespace label is the usual middle ground.",
          [SOLUTION],
          {"shoppers reach the shop": "allow",
           "readers reach the blog": "allow",
           "the sandbox's demo is not published": "deny:ROUTE_NOT_ATTACHED"},
          solved=True),
    Claim(GW2, "`from: Selector` with a namespace label is the usual middle ground.",
          [{"op": "set", "ref": "gateway/infra/public", "path": "spec.listeners[0].allowedRoutes",
            "value": {"namespaces": {"from": "Selector", "selector": {"matchExpressions": [
                {"key": "kubernetes.io/metadata.name", "operator": "In",
                 "values": ["shop", "blog"]}]}}}}],
          {"the sandbox's demo is not published": "deny:ROUTE_NOT_ATTACHED"},
          solved=True),
    Claim(GW2, "Mind who may label namespaces: the label is the permission.",
          [SOLUTION, {"op": "set", "ref": "namespace/sandbox", "path": "metadata.labels",
                      "value": {"gateway.example.com/public": "true"}}],
          {"the sandbox's demo is not published": "allow"}),
    Claim(GW2, "Mind who may label namespaces: the label is the permission.",
          [SOLUTION, {"op": "set", "ref": "namespace/sandbox", "path": "metadata.labels",
                      "value": {"gateway.example.com/public": "true"}}],
          locks=True, refused="namespace/sandbox is locked in this level"),
    Claim(GW2, "Moving the apps into `infra` is not an option: that namespace belongs to the "
               "platform team.",
          [{"op": "create", "manifest": {
              "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
              "metadata": {"name": "shop", "namespace": "infra"},
              "spec": {"parentRefs": [{"name": "public"}], "hostnames": ["shop.example.com"],
                       "rules": [{"backendRefs": [{"name": "shop", "namespace": "shop",
                                                   "port": 80}]}]}}}],
          locks=True, refused="does not let you create HTTPRoute"),
    Claim(GW3, "The route asked for a listener called `https`. The Gateway has `http` and "
               "`web-tls`, so the parent matched nothing.",
          [],
          {"shoppers reach the shop over HTTPS": "deny:ROUTE_NOT_ATTACHED",
           "the checkout is served over HTTPS": "deny:ROUTE_NOT_ATTACHED"}),
    Claim(GW3, "There its exact hostname beats the redirect route's catch-all, and the shop would "
               "be served over plain HTTP.",
          [{"op": "unset", "ref": "httproute/shop/shop", "path": "spec.parentRefs[0].sectionName"}],
          {"shoppers reach the shop over HTTPS": "allow",
           "plain HTTP is redirected, never served": "allow",
           "plain HTTP to the home page is redirected too": "allow"}),
    Claim(GW3, "Naming the listener, or `port: 443`, keeps the route where it belongs.",
          [SOLUTION],
          {"shoppers reach the shop over HTTPS": "allow",
           "plain HTTP is redirected, never served": "deny:GATEWAY_REDIRECT",
           "plain HTTP to the home page is redirected too": "deny:GATEWAY_REDIRECT"},
          solved=True),
    Claim(GW3, "Naming the listener, or `port: 443`, keeps the route where it belongs.",
          [{"op": "unset", "ref": "httproute/shop/shop", "path": "spec.parentRefs[0].sectionName"},
           {"op": "set", "ref": "httproute/shop/shop", "path": "spec.parentRefs[0].port",
            "value": 443}],
          {"plain HTTP is redirected, never served": "deny:GATEWAY_REDIRECT"},
          solved=True),
    Claim(GW3, "The platform team lets you change routes today, its own redirect included, but not "
               "the Gateway.",
          [{"op": "set", "ref": "gateway/infra/public", "path": "spec.listeners[1].name",
            "value": "https"}],
          locks=True, refused="gateway/infra/public is locked in this level"),
    Claim(GW4, "The storefront's `*.example.com` therefore claimed `api.eu.example.com`, and "
               "the EU orders were answered by a storefront that had no business with them.",
          [],
          {"EU orders are never accepted here": "allow",
           "the EU shop is not served here either": "allow"}),
    Claim(GW4, "`*.example.com` matches `foo.example.com` *and* `foo.bar.example.com`, but not "
               "`example.com`",
          [],
          {("internet", "https://foo.bar.example.com/"): "allow",
           ("internet", "https://example.com/"): "deny:GATEWAY_NO_LISTENER"}),
    Claim(GW4, "The `*.partners.example.com` entry copied from the Ingress had been redundant all "
               "along.",
          [{"op": "unset", "ref": "httproute/shop/storefront", "path": "spec.hostnames[1]"}],
          {"partner shops work": "allow"}),
    Claim(GW4, "the partner shops keep their own wildcard, which now covers "
               "`acme.partners.example.com` and also `eu.acme.partners.example.com`",
          [SOLUTION],
          {"partner shops work": "allow",
           ("internet", "https://eu.acme.partners.example.com/"): "allow",
           "EU orders are never accepted here": "deny:ROUTE_NO_MATCH",
           "the EU shop is not served here either": "deny:ROUTE_NO_MATCH"},
          solved=True),
    Claim(GW4, "When a wildcard is too wide, the only cure is to list what you mean.",
          [{"op": "unset", "ref": "httproute/shop/storefront", "path": "spec.hostnames[0]"}],
          {"the www shop works": "deny:ROUTE_NO_MATCH",
           "the German shop works": "deny:ROUTE_NO_MATCH",
           "the French shop works": "deny:ROUTE_NO_MATCH",
           "EU orders are never accepted here": "deny:ROUTE_NO_MATCH"}),
    Claim(GW4, "The country shops get exact names",
          [{"op": "set", "ref": "httproute/shop/storefront", "path": "spec.hostnames[0]",
            "value": "www.example.com"}],
          {"the www shop works": "allow",
           "the German shop works": "deny:ROUTE_NO_MATCH",
           "the French shop works": "deny:ROUTE_NO_MATCH"}),
    Claim(GW4, "Deleting the route's hostnames would not help either: a Route without hostnames "
               "takes the listener's `*.example.com`, EU names included.",
          [{"op": "unset", "ref": "httproute/shop/storefront", "path": "spec.hostnames"}],
          {"the www shop works": "allow",
           "EU orders are never accepted here": "allow",
           "the EU shop is not served here either": "allow"}),
    Claim(GW4, "Narrowing the Gateway's listener instead would take the decision away from the "
               "platform team",
          [{"op": "set", "ref": "gateway/infra/public", "path": "spec.listeners[0].hostname",
            "value": "www.example.com"}],
          locks=True, refused="gateway/infra/public is locked in this level"),
    Claim(GW4, "the most specific claim wins: an exact name, then the longest wildcard.",
          [],
          {"the API serves v1": "allow"}),
    Claim(GW5, "The header rule matched on `PathPrefix /`, so for `/api/cart` it lost to the split "
               "rule's longer `/api` prefix, whatever headers came along.",
          [],
          {"QA's builds get v2": "partial:WRONG_BACKEND",
           "QA's checkout goes to v2 as well": "partial:WRONG_BACKEND"}),
    Claim(GW5, "For `/` it was the other way round: it beat the storefront's `/` because it had "
               "one header match more, so the testers' home page came from the API.",
          [],
          {"testers still get the shop's home page from the storefront": "deny:WRONG_BACKEND",
           "customers get the home page from the storefront": "allow"}),
    Claim(GW5, "Header names are case-insensitive.",
          [],
          {"testers still get the shop's home page from the storefront": "deny:WRONG_BACKEND"}),
    Claim(GW5, "with weights 90/10 every request rolls the dice, so \"customers stay on v1\" and "
               "\"testers get v2\" are both only partly true.",
          [],
          {"customers stay on v1": "partial:WRONG_BACKEND",
           "customers' orders go to v1": "partial:WRONG_BACKEND"}),
    Claim(GW5, "A split is no canary for *people*",
          [{"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[2].matches[0].path.value", "value": "/api"}],
          {"QA's builds get v2": "allow",
           "customers stay on v1": "partial:WRONG_BACKEND",
           "customers' orders go to v1": "partial:WRONG_BACKEND"}),
    Claim(GW5, "Setting them to 0/100 would have sent every customer to v2 before QA signed off.",
          [{"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[1].backendRefs[0].weight", "value": 0},
           {"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[1].backendRefs[1].weight", "value": 100}],
          {"customers stay on v1": "deny:WRONG_BACKEND",
           "customers' orders go to v1": "deny:WRONG_BACKEND"}),
    Claim(GW5, "Path precedence comes before header matches.",
          [{"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[1].backendRefs[1].weight", "value": 0}],
          {"QA's builds get v2": "deny:WRONG_BACKEND",
           "QA's checkout goes to v2 as well": "deny:WRONG_BACKEND",
           "customers stay on v1": "allow"}),
    Claim(GW5, "Dropping its header match instead leaves two equal `/api` rules, and a tie goes to "
               "the earlier rule: the split.",
          [{"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[2].matches[0].path.value", "value": "/api"},
           {"op": "unset", "ref": "httproute/shop/shop",
            "path": "spec.rules[2].matches[0].headers"},
           {"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[1].backendRefs[1].weight", "value": 0}],
          {"QA's builds get v2": "deny:WRONG_BACKEND",
           "QA's checkout goes to v2 as well": "deny:WRONG_BACKEND",
           "customers stay on v1": "allow"}),
    Claim(GW5, "A header rule has to repeat the path it overrides.",
          [SOLUTION],
          {"QA's builds get v2": "allow",
           "testers still get the shop's home page from the storefront": "allow"},
          solved=True),
    Claim(GW5, "The API's Services are internal: customers reach them only through the Gateway.",
          [SOLUTION, {"op": "set", "ref": "service/shop/api-v2", "path": "spec.type",
                      "value": "LoadBalancer"}],
          {"QA's builds get v2": "allow",
           "v2 is reached only through the Gateway": "allow"}),
    Claim(GW5, "Everyone else stays on **v1** until QA signs off.",
          [{"op": "set", "ref": "httproute/shop/shop",
            "path": "spec.rules[2].matches[0].path.value", "value": "/api"},
           {"op": "set", "ref": "service/shop/api-v2", "path": "spec.selector",
            "value": {"app": "api", "version": "v1"}}],
          locks=True, refused="only spec.type of service/shop/api-v2 may be edited"),
    Claim(GW6, "The grant in `shop` said \"HTTPRoutes in shop may reference Services\", and that "
               "was permission *into* `shop`, which nobody needed.",
          [],
          {"payments go through": "deny:BACKEND_NOT_PERMITTED",
           "the shop's pages work": "allow"}),
    Claim(GW6, "A grant for every Service in `payments` would have opened `ledger` to the shop's "
               "routes as well.",
          [{"op": "create", "manifest": GRANT_ALL_PAYMENTS}],
          {"payments go through": "allow",
           "the ledger is not published through the shop's route": "allow"}),
    Claim(GW6, "A grant for every Service in `payments` would have opened `ledger` to the shop's "
               "routes as well.",
          [{"op": "create", "manifest": GRANT_ALL_PAYMENTS},
           {"op": "unset", "ref": "httproute/shop/shop", "path": "spec.rules[2]"}],
          locks=True, refused="only spec.hostnames of httproute/shop/shop may be edited"),
    Claim(GW6, "An extra `from` for `sandbox` would have let the demo reach payments.",
          [{"op": "create", "manifest": {
              "apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
              "metadata": {"name": "g", "namespace": "payments"},
              "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                                 "namespace": "shop"},
                                {"group": "gateway.networking.k8s.io", "kind": "HTTPRoute",
                                 "namespace": "sandbox"}],
                       "to": [{"group": "", "kind": "Service", "name": "payments"}]}}}],
          {"payments go through": "allow",
           "the sandbox's demo never reaches payments": "allow",
           "the ledger is not published through the shop's route": "deny:BACKEND_NOT_PERMITTED"}),
    Claim(GW6, "A ReferenceGrant lives in the namespace that is being referenced.",
          [{"op": "set", "ref": "referencegrant/shop/allow-payments", "path": "spec.to[0].name",
            "value": "payments"}],
          {"payments go through": "deny:BACKEND_NOT_PERMITTED"}),
    Claim(GW6, "A ReferenceGrant lives in the namespace that is being referenced.",
          [{"op": "set", "ref": "referencegrant/shop/allow-payments", "path": "metadata.namespace",
            "value": "payments"}],
          refused="cannot change an object's kind, namespace or name"),
    Claim(GW6, "The grant that counts is the one the payments team writes in `payments`.",
          [SOLUTION],
          {"payments go through": "allow",
           "the sandbox's demo never reaches payments": "deny:BACKEND_NOT_PERMITTED",
           "the ledger is not published through the shop's route": "deny:BACKEND_NOT_PERMITTED"},
          solved=True),
    Claim(GW7, "A listener whose certificate does not resolve is not Programmed and serves "
               "nothing.",
          [],
          {"shoppers reach the shop over HTTPS": "deny:GATEWAY_LISTENER_INVALID",
           "the checkout works": "deny:GATEWAY_LISTENER_INVALID"}),
    Claim(GW7, "the listener refused the copy with `ResolvedRefs: False`, reason "
               "`InvalidCertificateRef`",
          [{"op": "set", "ref": "referencegrant/shop/gateway-certs", "path": "spec.from[0].kind",
            "value": "Gateway"}],
          {"shoppers reach the shop over HTTPS": "deny:GATEWAY_LISTENER_INVALID"}),
    Claim(GW7, "So the reference was not permitted (`RefNotPermitted`).",
          [{"op": "set", "ref": "gateway/infra/public",
            "path": "spec.listeners[0].tls.certificateRefs[0].namespace", "value": "shop"}],
          {"shoppers reach the shop over HTTPS": "deny:GATEWAY_LISTENER_INVALID",
           "the checkout works": "deny:GATEWAY_LISTENER_INVALID"}),
    Claim(GW7, "The sandbox's clone stays unprogrammed, because nobody in `shop` granted anything "
               "to `sandbox`.",
          [SOLUTION],
          {"shoppers reach the shop over HTTPS": "allow",
           "the sandbox's clone never terminates TLS with the shop's certificate":
               "deny:GATEWAY_LISTENER_INVALID"},
          solved=True),
    Claim(GW7, "The sandbox's clone stays unprogrammed, because nobody in `shop` granted anything "
               "to `sandbox`.",
          [SOLUTION, {"op": "set", "ref": "referencegrant/shop/gateway-certs",
                      "path": "spec.from[1]",
                      "value": {"group": "gateway.networking.k8s.io", "kind": "Gateway",
                                "namespace": "sandbox"}}],
          {"shoppers reach the shop over HTTPS": "allow",
           "the sandbox's clone never terminates TLS with the shop's certificate": "allow"}),
    Claim(GW7, "A Secret's type is immutable.",
          [{"op": "set", "ref": "secret/infra/shop-tls", "path": "type",
            "value": "kubernetes.io/tls"}],
          refused="is immutable"),
    Claim(GW7, "A Secret's type is immutable.",
          [{"op": "set", "ref": "secret/infra/shop-tls", "path": "type",
            "value": "kubernetes.io/tls"}],
          locks=True, refused="secret/infra/shop-tls is locked in this level"),
    Claim(GW7, "The copy would also have expired silently, since cert-manager renews only the "
               "Secret it owns.",
          [{"op": "delete", "ref": "secret/infra/shop-tls"},
           {"op": "create", "manifest": {"apiVersion": "v1", "kind": "Secret",
                                         "type": "kubernetes.io/tls",
                                         "metadata": {"name": "shop-tls", "namespace": "infra"}}}],
          locks=True, refused="secret/infra/shop-tls cannot be deleted in this level"),
    Claim(GW8, "so the backend's NetworkPolicy sees the proxy pod as the source",
          [],
          {"customers still reach the shop through ingress-nginx": "allow",
           "the smoke test through the Gateway reaches the shop": "deny:POLICY_DENIED_INGRESS",
           "the smoke test's checkout reaches the shop": "deny:POLICY_DENIED_INGRESS"}),
    Claim(GW8, "The namespace alone would have let the CI runners in.",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress[0].from[1]",
            "value": {"namespaceSelector": {"matchLabels": {
                "kubernetes.io/metadata.name": "infra"}}}}],
          {"the smoke test through the Gateway reaches the shop": "allow",
           "the CI runners in infra cannot reach the shop's pods": "allow"}),
    Claim(GW8, "The label alone, with `namespaceSelector: {}`, would have let in the sandbox's "
               "proxy, which is also called `public`",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress[0].from[1]",
            "value": {"namespaceSelector": {}, "podSelector": {"matchLabels": {
                "gateway.networking.k8s.io/gateway-name": "public"}}}}],
          {"the smoke test through the Gateway reaches the shop": "allow",
           "the CI runners in infra cannot reach the shop's pods": "deny:POLICY_DENIED_INGRESS",
           "the sandbox's gateway proxy cannot reach the shop's pods": "allow"}),
    Claim(GW8, "The class label `gateway-class-name: eg` is on the sandbox's proxy too.",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress[0].from[1]",
            "value": {"namespaceSelector": {}, "podSelector": {"matchLabels": {
                "gateway.networking.k8s.io/gateway-class-name": "eg"}}}}],
          {"the smoke test through the Gateway reaches the shop": "allow",
           "the sandbox's gateway proxy cannot reach the shop's pods": "allow"}),
    Claim(GW8, "The peer for the new proxy combines both selectors in **one** item: namespace "
               "`infra` *and* `gateway-name: public`.",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress[0].from[1]",
            "value": {"podSelector": {"matchLabels": {
                "gateway.networking.k8s.io/gateway-name": "public"}}}}],
          {"the smoke test through the Gateway reaches the shop": "deny:POLICY_DENIED_INGRESS",
           "the smoke test's checkout reaches the shop": "deny:POLICY_DENIED_INGRESS"}),
    Claim(GW8, "The peer for the new proxy combines both selectors in **one** item: namespace "
               "`infra` *and* `gateway-name: public`.",
          [SOLUTION],
          {"the smoke test through the Gateway reaches the shop": "allow",
           "the CI runners in infra cannot reach the shop's pods": "deny:POLICY_DENIED_INGRESS",
           "the sandbox's gateway proxy cannot reach the shop's pods":
               "deny:POLICY_DENIED_INGRESS"},
          solved=True),
    Claim(GW8, "Keep the ingress-nginx peer until DNS has moved and the old controller is gone.",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress[0].from[0]",
            "value": {"namespaceSelector": {"matchLabels": {
                          "kubernetes.io/metadata.name": "infra"}},
                      "podSelector": {"matchLabels": {
                          "gateway.networking.k8s.io/gateway-name": "public"}}}}],
          {"customers still reach the shop through ingress-nginx": "deny:POLICY_DENIED_INGRESS",
           "the smoke test through the Gateway reaches the shop": "allow"}),
    Claim(GW8, "Neither may reach the shop's pods.",
          [{"op": "set", "ref": np_("shop", "web-ingress"), "path": "spec.ingress", "value": [{}]}],
          {"the smoke test through the Gateway reaches the shop": "allow",
           "the CI runners in infra cannot reach the shop's pods": "allow",
           "the sandbox's gateway proxy cannot reach the shop's pods": "allow"}),
    Claim(GW8, "The shop's pods are locked down by the NetworkPolicy `web-ingress`.",
          [{"op": "delete", "ref": np_("shop", "web-ingress")}],
          locks=True, refused="networkpolicy/shop/web-ingress cannot be deleted in this level"),
    Claim(GW9, "The Ingress's `Exact /` became `PathPrefix /`, and a prefix `/` matches every "
               "path, so `/admin` and every other URL the Ingress had answered with a 404 went to "
               "the storefront.",
          [{"op": "set", "ref": "httproute/shop/shop", "path": "spec.rules[3].matches[0].path.type",
            "value": "PathPrefix"}],
          {"after: older apps' /api/v1/orders is the compat API": "allow",
           "after: /admin is still not served": "allow",
           "after: nor is anything else the Ingress did not route": "allow"}),
    Claim(GW9, "so only `/api/v1` itself stayed with the compatibility API and `/api/v1/orders` "
               "fell to `PathPrefix /api`",
          [],
          {"after: older apps' /api/v1 is the compat API": "allow",
           "after: older apps' /api/v1/orders is the compat API": "deny:WRONG_BACKEND"}),
    Claim(GW9, "Flows with `servedBy`, one per important URL, turn the acceptance criterion into a "
               "test that runs against both entry points.",
          [],
          {"before: older apps' /api/v1/orders is answered by the compat API": "allow",
           "after: older apps' /api/v1/orders is the compat API": "deny:WRONG_BACKEND"}),
    Claim(GW9, "A path that no rule matches gets a 404.",
          [{"op": "unset", "ref": "httproute/shop/shop", "path": "spec.rules[0]"},
           {"op": "set", "ref": "httproute/shop/shop", "path": "spec.rules[2].matches[0].path.type",
            "value": "PathPrefix"}],
          {"after: the home page is the storefront": "deny:ROUTE_NO_MATCH",
           "after: older apps' /api/v1/orders is the compat API": "allow",
           "after: /admin is still not served": "deny:ROUTE_NO_MATCH"}),
    Claim(GW9, "In both, an exact match beats any prefix and a longer prefix beats a shorter one.",
          [SOLUTION],
          {"after: the home page is the storefront": "allow",
           "after: the new API answers /api/cart": "allow",
           "after: older apps' /api/v1/orders is the compat API": "allow",
           "after: /admin is still not served": "deny:ROUTE_NO_MATCH"},
          solved=True),
    Claim(GW9, "The old Ingress stays as it is until tomorrow: it is the reference.",
          [{"op": "set", "ref": "ingress/shop/shop", "path": "spec.rules[0].http.paths[0].pathType",
            "value": "Prefix"},
           {"op": "set", "ref": "httproute/shop/shop", "path": "spec.rules[3].matches[0].path.type",
            "value": "PathPrefix"}],
          {"before: /admin is not served": "allow",
           "after: /admin is still not served": "allow"}),
    Claim(GW9, "The old Ingress stays as it is until tomorrow: it is the reference.",
          [{"op": "set", "ref": "ingress/shop/shop", "path": "spec.rules[0].http.paths[0].pathType",
            "value": "Prefix"}],
          locks=True, refused="only metadata.annotations of ingress/shop/shop may be edited"),
    # ------------------------------------------- diagnoses: "X failed because Y"
    Claim("02-nodes/02-return-route.yaml",
          "node-b had no route to 10.244.0.0/24, sent the reply to its default gateway, and "
          "the gateway dropped it",
          [],
          {"web calls the api on the other node": "deny:NO_RETURN_ROUTE"}),
    Claim("02-nodes/03-stale-via.yaml",
          "on node-a it killed the request, on node-c it killed the *reply* to `api`",
          [],
          {"web calls the api on the rebuilt node": "deny:NO_ROUTE",
           "the api reads the cache": "deny:NO_RETURN_ROUTE"}),
    Claim("05-exposure/02-lb-pending.yaml",
          "`web` still works as a pending LoadBalancer, through its NodePort.",
          [SOLUTION],
          {"shoppers reach the shop from the internet": "allow",
           "the firewall's forward to edge-1:30080 lands on the shop": "allow"}),
    Claim("07-egress/01-way-out.yaml",
          "only egress from the pods on them fails, and only some replicas",
          [],
          {"every checkout replica reaches the payment provider": "partial",
           "every replica reaches the database inside the cluster": "allow"}),
    Claim("08-policy/02-and-or.yaml",
          "Grafana matched the first",
          [],
          {"Grafana cannot open the api's metrics port": "allow"}),
    Claim("09-incidents/02-zero-trust-friday.yaml",
          "This one only appeared once the path matched.",
          [{"op": "set", "ref": np_("shop", "allow-from-ingress-controller"),
            "path": "spec.ingress[0].from[0].namespaceSelector",
            "value": {"matchLabels": {"kubernetes.io/metadata.name": "ingress-nginx"}}},
           {"op": "set", "ref": "ingress/shop/public-api",
            "path": "spec.rules[0].http.paths[0].pathType", "value": "Prefix"}],
          {"shoppers reach the storefront": "allow",
           "the public API serves /v1/orders": "deny:INGRESS_BACKEND_MISSING"}),
    Claim("09-incidents/03-three-small-changes.yaml",
          "Half the captures — the ones from the replica on edge-2 — died.",
          [],
          {"every api replica captures payments at the provider": "partial:NO_SNAT"}),
    Claim("09-incidents/04-orders-moved-out.yaml",
          "you only see the egress denial once the name resolves",
          [{"op": "set", "ref": "service/shop/orders", "path": "spec.externalName",
            "value": "orders.orders.svc.cluster.local"}],
          {"web reaches orders by its old name": "deny:POLICY_DENIED_EGRESS"}),
    Claim("09-incidents/04-orders-moved-out.yaml",
          "and the ingress denial once the packet leaves `web`",
          [{"op": "set", "ref": "service/shop/orders", "path": "spec.externalName",
            "value": "orders.orders.svc.cluster.local"},
           {"op": "set", "ref": np_("shop", "web-egress"),
            "path": "spec.egress[0].to[0].namespaceSelector",
            "value": {"matchLabels": {"kubernetes.io/metadata.name": "orders"}}}],
          {"web reaches orders by its old name": "deny:POLICY_DENIED_INGRESS"}),
    # ------------------------------------- too-broad fixes that solve the level
    Claim("07-egress/02-ipblock-except.yaml",
          "a wider peer such as `10.0.0.0/8` on 443 passes the same checks and opens port 443 "
          "on every office and VPN machine, the jump host included",
          [{"op": "set", "ref": np_("shop", "checkout-egress"),
            "path": "spec.egress[0].to[0].ipBlock.except[0]", "value": "10.0.0.0/8"},
           {"op": "set", "ref": np_("shop", "checkout-egress"), "path": "spec.egress[1]",
            "value": {"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}],
                      "ports": [{"protocol": "TCP", "port": 443}]}}],
          {("deployment/shop/checkout", "internet/10.20.0.5:443"): "allow"},
          solved=True),
    Claim("09-incidents/02-zero-trust-friday.yaml",
          "deleting `default-deny-ingress` would have turned every flow green as well — while "
          "opening the admin pods, which no other policy selects, to every pod in the cluster, "
          "the sandbox experiment included",
          [SOLUTION, {"op": "delete", "ref": np_("shop", "default-deny-ingress")}],
          {("deployment/sandbox/ingress-nginx-controller", "deployment/shop/admin:8080"): "allow"},
          solved=True),
    Claim("09-incidents/02-zero-trust-friday.yaml",
          "deleting `default-deny-ingress` would have turned every flow green as well",
          [SOLUTION],
          {("deployment/sandbox/ingress-nginx-controller", "deployment/shop/admin:8080"):
               "deny:POLICY_DENIED_INGRESS"}),
]


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _row_id(claim: Claim) -> str:
    words = re.sub(r"[^A-Za-z0-9 ]", "", claim.quote).split()
    return f"{Path(claim.level).stem}:{'-'.join(words[:5])}"


def _edits(level: LoadedLevel, items: list[Any]) -> list[AnyEdit]:
    out: list[AnyEdit] = []
    for item in items:
        if item == SOLUTION:
            assert level.spec.puzzle is not None
            out.extend(level.spec.puzzle.solution)
        else:
            out.extend(_EDITS.validate_python([item]))
    return out


def _verdicts(level: LoadedLevel, keys: list[FlowKey]) -> dict[FlowKey, str]:
    by_name = {t.name: t for t in evaluate_level(level).traces}
    engine = Engine(level.world)
    got: dict[FlowKey, str] = {}
    for key in keys:
        trace = by_name[key] if isinstance(key, str) else engine.trace(*key)
        reason = trace.reason.value if trace.reason is not None else None
        got[key] = trace.verdict.value + (f":{reason}" if reason else "")
    return got


def _param(claim: Claim) -> Any:
    marks = [pytest.mark.xfail(reason=claim.xfail, strict=True)] if claim.xfail else []
    return pytest.param(claim, id=_row_id(claim), marks=marks)


@pytest.mark.parametrize("claim", [_param(c) for c in CLAIMS])
def test_claim_is_true_in_its_level(claim: Claim) -> None:
    level = load_level(PACK / claim.level)
    text = _norm(level.spec.briefing + "\n" + level.spec.debrief)
    assert _norm(claim.quote) in text, f"{claim.level}: the quoted claim is not in the text"
    names = {f.display_name for f in level.spec.flows}
    for key in claim.expect:
        assert not isinstance(key, str) or key in names, f"no flow named {key!r}"

    edits = _edits(level, claim.edits)
    if claim.refused is not None:
        with pytest.raises(EditError, match=re.escape(claim.refused)):
            apply_edits(level, edits, enforce_locks=claim.locks)
        return
    after = apply_edits(level, edits, enforce_locks=claim.locks)
    got = _verdicts(after, list(claim.expect))
    want = claim.expect
    # "deny" without a reason accepts any reason; "deny:REASON" needs that reason.
    loose = {k: (got[k].split(":")[0] if ":" not in want[k] else got[k]) for k in want}
    assert loose == want, f"{claim.level}: {claim.quote!r}\n got {got}"
    if claim.solved is not None:
        assert evaluate_level(after).solved is claim.solved


def test_the_table_covers_many_levels() -> None:
    assert len({c.level for c in CLAIMS}) >= 15
