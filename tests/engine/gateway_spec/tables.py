"""Gateway API expectations as plain data, written from the specification only.

Every row cites where it comes from (``source``): a field comment of
kubernetes-sigs/gateway-api ``apis/v1/*_types.go`` (quoted or paraphrased
closely), the concept page ``site-src/concepts/hostnames.md``, or a
conformance test under ``conformance/tests/`` (``<file>.go`` holds the
requests and expected backends, ``<file>.yaml`` the manifests). None of it
was derived from this project's engine.

Conventions shared by the tables:

* A hostname of ``None`` on a listener means "no hostname" (matches every
  host). In the *results* of ``HOSTNAME_INTERSECTION`` the special value
  ``"*"`` stands for "any hostname", as ``site-src/concepts/hostnames.md``
  does ("Having no hostname set is equivalent to having a `hostname` field
  set to `*`").
* ``expected=None`` in ``HOSTNAME_INTERSECTION`` means the Route is not
  accepted on that listener (reason ``NoMatchingListenerHostname``).
* ``expected=None`` in ``LISTENER_MATCH`` means no listener matches (404).
* ``expected=None`` in ``PRECEDENCE`` means no rule matches (404).
* Rows with ``ambiguous=True`` follow the spec's *text* (and DESIGN.md) where
  a conformance fixture or another spec sentence says otherwise; the note
  says what conflicts. The README lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NO_MATCHING_LISTENER_HOSTNAME = "NoMatchingListenerHostname"

_HTTPROUTE_TYPES = "apis/v1/httproute_types.go"
_GATEWAY_TYPES = "apis/v1/gateway_types.go"
_HOSTNAMES_MD = "site-src/concepts/hostnames.md"

_ROUTE_HOSTNAMES = (
    f"{_HTTPROUTE_TYPES} HTTPRouteSpec.Hostnames: "
)
_LISTENER_HOSTNAMES = (
    f"{_GATEWAY_TYPES} GatewaySpec.Listeners, 'Listeners that are distinct only by Hostname': "
)


# --------------------------------------------------------------------------- hostname intersection

@dataclass(frozen=True)
class HostnameCase:
    """A Route's ``spec.hostnames`` against one listener's ``hostname``.

    ``expected``: the hostnames the Route serves on that listener, in the
    Route's order (``["*"]``: every hostname), or ``None``: not accepted
    there, reason ``NoMatchingListenerHostname``.
    """

    listener: str | None
    route: tuple[str, ...]
    expected: tuple[str, ...] | None
    source: str
    reason: str | None = None

    def __post_init__(self) -> None:
        if self.expected is None and self.reason is None:
            object.__setattr__(self, "reason", NO_MATCHING_LISTENER_HOSTNAME)


_INTERSECTION_CONF = "conformance/tests/httproute-hostname-intersection.yaml + .go"

HOSTNAME_INTERSECTION: tuple[HostnameCase, ...] = (
    # Neither side names a hostname.
    HostnameCase(None, (), ("*",), f"{_HOSTNAMES_MD}: '`*` | `*` | `*` Match anything "
                 "intersects with other match anything'; Listener.Hostname: 'When unspecified, "
                 "all hostnames are matched.'"),
    HostnameCase(None, ("www.example.com",), ("www.example.com",),
                 f"{_HOSTNAMES_MD}: '`*` | `www.example.com` | `www.example.com` Match anything "
                 "intersects with precise hostname'"),
    HostnameCase(None, ("first.com", "*.first.com"), ("first.com", "*.first.com"),
                 f"{_INTERSECTION_CONF} 'HTTPRoutes intersects with an unspecified hostname "
                 "listener': first.com and sub.first.com reach the route"),
    # Listener names a hostname, Route does not.
    HostnameCase("test.example.com", (), ("test.example.com",),
                 _ROUTE_HOSTNAMES + "'A Listener with `test.example.com` as the hostname "
                 "matches HTTPRoutes that have either not specified any hostnames, or ...'"),
    HostnameCase("*.example.com", (), ("*.example.com",),
                 _ROUTE_HOSTNAMES + "'A Listener with `*.example.com` as the hostname matches "
                 "HTTPRoutes that have either not specified any hostnames or ...'"),
    # Precise listener.
    HostnameCase("test.example.com", ("test.example.com",), ("test.example.com",),
                 _ROUTE_HOSTNAMES + "'... have specified at least one of `test.example.com` or "
                 "`*.example.com`'"),
    HostnameCase("test.example.com", ("*.example.com",), ("test.example.com",),
                 _ROUTE_HOSTNAMES + "'... at least one of `test.example.com` or `*.example.com`'; "
                 f"{_HOSTNAMES_MD}: '`www.example.com` | `*.example.com` | `www.example.com`'"),
    HostnameCase("sub.domain.example.com", ("*.example.com",), ("sub.domain.example.com",),
                 f"{_HOSTNAMES_MD}: '`sub.domain.example.com` | `*.example.com` | "
                 "`sub.domain.example.com` Multiple label wildcard match works in the other "
                 "direction as well'"),
    HostnameCase("test.example.com", ("example.com",), None,
                 _ROUTE_HOSTNAMES + "'If both the Listener and HTTPRoute have specified "
                 "hostnames, and none match with the criteria above, then the HTTPRoute is not "
                 "accepted.'"),
    HostnameCase("foo.example.com", ("*.bar.example.com",), None,
                 f"{_HOSTNAMES_MD}: 'If the Listener has a precise hostname, and the Route has a "
                 "wildcard hostname that matches the precise hostname, then they intersect.' "
                 "(*.bar.example.com does not match foo.example.com)"),
    # Wildcard listener.
    HostnameCase("*.example.com", ("test.example.com",), ("test.example.com",),
                 _ROUTE_HOSTNAMES + "'`*.example.com`, `test.example.com`, and "
                 "`foo.test.example.com` would all match'"),
    HostnameCase("*.example.com", ("foo.test.example.com",), ("foo.test.example.com",),
                 _ROUTE_HOSTNAMES + "'`foo.test.example.com` would ... match' — a wildcard "
                 "matches any depth (unlike Ingress, where * is one label)"),
    HostnameCase("*.example.com", ("*.example.com",), ("*.example.com",),
                 f"{_HOSTNAMES_MD}: '`*.example.com` | `*.example.com` | `*.example.com`'"),
    HostnameCase("*.example.com", ("example.com",), None,
                 _ROUTE_HOSTNAMES + "'On the other hand, `example.com` and `test.example.net` "
                 "would not match.'"),
    HostnameCase("*.example.com", ("test.example.net",), None,
                 _ROUTE_HOSTNAMES + "'... `example.com` and `test.example.net` would not match.'"),
    HostnameCase("*.example.com", ("test.example.com", "test.example.net"), ("test.example.com",),
                 _ROUTE_HOSTNAMES + "'if a Listener specified `*.example.com`, and the HTTPRoute "
                 "specified `test.example.com` and `test.example.net`, `test.example.net` must "
                 "not be considered for a match.'"),
    HostnameCase("*.com", ("*.example.com",), ("*.example.com",),
                 f"{_HOSTNAMES_MD}: '`*.com` | `*.example.com` | `*.example.com` Less specific "
                 "wildcard hostname intersects with more specific wildcard hostname'"),
    HostnameCase("*.example.com", ("*.com",), ("*.example.com",),
                 f"{_HOSTNAMES_MD} 'Expected match examples': Listener `*.example.com`, Route "
                 "`*.com`, Attached, Intersected Hostname `*.example.com`"),
    HostnameCase("*.example.com", ("*.foo.example.com",), ("*.foo.example.com",),
                 f"{_HOSTNAMES_MD}: 'If both Listener and Route have wildcard hostnames, they "
                 "intersect as long as they overlap.'"),
    HostnameCase("*.foo.example.com", ("*.bar.example.com",), None,
                 f"{_HOSTNAMES_MD}: 'If both Listener and Route have wildcard hostnames, they "
                 "intersect as long as they overlap.' (these two are disjoint)"),
    # The conformance test, route by route against each of its three listeners.
    HostnameCase("very.specific.com",
                 ("non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"),
                 ("very.specific.com",),
                 f"{_INTERSECTION_CONF}: specific-host-matches-listener-specific-host on "
                 "listener-1"),
    HostnameCase("*.wildcard.io",
                 ("non.matching.com", "*.nonmatchingwildcard.io", "very.specific.com"), None,
                 f"{_INTERSECTION_CONF}: specific-host-matches-listener-specific-host does not "
                 "serve foo.wildcard.io (404)"),
    HostnameCase("*.wildcard.io",
                 ("non.matching.com", "wildcard.io", "foo.wildcard.io", "bar.wildcard.io",
                  "foo.bar.wildcard.io"),
                 ("foo.wildcard.io", "bar.wildcard.io", "foo.bar.wildcard.io"),
                 f"{_INTERSECTION_CONF}: specific-host-matches-listener-wildcard-host on "
                 "listener-2; wildcard.io itself gets 404"),
    HostnameCase("very.specific.com", ("non.matching.com", "*.specific.com"),
                 ("very.specific.com",),
                 f"{_INTERSECTION_CONF}: wildcard-host-matches-listener-specific-host on "
                 "listener-1 (foo.specific.com gets 404: no listener for it)"),
    HostnameCase("*.wildcard.io", ("non.matching.com", "*.specific.com"), None,
                 f"{_INTERSECTION_CONF}: wildcard-host-matches-listener-specific-host counts only "
                 "on listener-1 (AttachedRoutes: listener-2 has 1)"),
    HostnameCase("*.anotherwildcard.io", ("*.anotherwildcard.io",), ("*.anotherwildcard.io",),
                 f"{_INTERSECTION_CONF}: wildcard-host-matches-listener-wildcard-host on "
                 "listener-3"),
    HostnameCase("very.specific.com", ("specific.but.wrong.com", "wildcard.io"), None,
                 f"{_INTERSECTION_CONF}: no-intersecting-hosts, Accepted=False "
                 "NoMatchingListenerHostname"),
    HostnameCase("*.wildcard.io", ("specific.but.wrong.com", "wildcard.io"), None,
                 f"{_INTERSECTION_CONF}: no-intersecting-hosts (wildcard.io is not under "
                 "*.wildcard.io)"),
    HostnameCase("*.anotherwildcard.io", ("specific.but.wrong.com", "wildcard.io"), None,
                 f"{_INTERSECTION_CONF}: no-intersecting-hosts"),
)


# --------------------------------------------------------------------------- listener selection

@dataclass(frozen=True)
class ListenerCase:
    """Listeners of one port and protocol (by hostname) and a request Host: which one takes it."""

    hostnames: tuple[str | None, ...]
    host: str
    expected: int | None  # index into hostnames; None: no listener → 404
    source: str


_LHM = ("conformance/tests/httproute-listener-hostname-matching.go (listeners of the .yaml, "
        "plus listener-4 *.foo.com that the .go test waits for)")
_LHM_LISTENERS: tuple[str | None, ...] = ("bar.com", "foo.bar.com", "*.bar.com", "*.foo.com")
_ISO = "conformance/tests/gateway-http-listener-isolation.yaml + .go"
_ISO_LISTENERS: tuple[str | None, ...] = (None, "*.example.com", "*.foo.example.com",
                                          "abc.foo.example.com")
_SPEC_LISTENERS: tuple[str | None, ...] = ("foo.example.com", "*.example.com", None)

LISTENER_MATCH: tuple[ListenerCase, ...] = (
    ListenerCase(_LHM_LISTENERS, "bar.com", 0, f"{_LHM}: bar.com → infra-backend-v1"),
    ListenerCase(_LHM_LISTENERS, "foo.bar.com", 1,
                 f"{_LHM}: foo.bar.com → infra-backend-v2 (exact beats *.bar.com)"),
    ListenerCase(_LHM_LISTENERS, "baz.bar.com", 2, f"{_LHM}: baz.bar.com → infra-backend-v3"),
    ListenerCase(_LHM_LISTENERS, "boo.bar.com", 2, f"{_LHM}: boo.bar.com → infra-backend-v3"),
    ListenerCase(_LHM_LISTENERS, "multiple.prefixes.bar.com", 2,
                 f"{_LHM}: multiple.prefixes.bar.com → infra-backend-v3 (any depth)"),
    ListenerCase(_LHM_LISTENERS, "multiple.prefixes.foo.com", 3,
                 f"{_LHM}: multiple.prefixes.foo.com → infra-backend-v3"),
    ListenerCase(_LHM_LISTENERS, "foo.com", None,
                 f"{_LHM}: foo.com → 404 (*.foo.com does not match foo.com)"),
    ListenerCase(_LHM_LISTENERS, "no.matching.host", None, f"{_LHM}: no.matching.host → 404"),
    ListenerCase(_ISO_LISTENERS, "bar.com", 0, f"{_ISO}: bar.com → empty-hostname listener"),
    ListenerCase(_ISO_LISTENERS, "bar.example.com", 1,
                 f"{_ISO}: bar.example.com → wildcard-example-com listener"),
    ListenerCase(_ISO_LISTENERS, "bar.foo.example.com", 2,
                 f"{_ISO}: bar.foo.example.com → wildcard-foo-example-com listener"),
    ListenerCase(_ISO_LISTENERS, "abc.foo.example.com", 3,
                 f"{_ISO}: abc.foo.example.com → abc-foo-example-com listener"),
    ListenerCase(_ISO_LISTENERS, "example.com", 0,
                 _LISTENER_HOSTNAMES + "'wildcard matches MUST be processed before fallback "
                 "(empty Hostname value) matches'; *.example.com does not match example.com"),
    ListenerCase(_SPEC_LISTENERS, "foo.example.com", 0,
                 _LISTENER_HOSTNAMES + "'`\"foo.example.com\"` takes precedence over "
                 "`\"*.example.com\"`'"),
    ListenerCase(_SPEC_LISTENERS, "bar.example.com", 1,
                 _LISTENER_HOSTNAMES + "'`\"*.example.com\"` takes precedence over `\"\"`'"),
    ListenerCase(_SPEC_LISTENERS, "foo.bar.example.com", 1,
                 _LISTENER_HOSTNAMES + "'`\"*.example.com\"` will match both "
                 "`\"foo.bar.example.com\"` _and_ `\"bar.example.com\"`'"),
    ListenerCase(_SPEC_LISTENERS, "example.net", 2,
                 _LISTENER_HOSTNAMES + "fallback (empty Hostname value)"),
    ListenerCase(("*.example.com", "*.foo.example.com"), "x.foo.example.com", 1,
                 _LISTENER_HOSTNAMES + "'`\"*.foo.example.com\"` takes precedence over "
                 "`\"*.example.com\"`' ('the higher the number of dots ... the higher the "
                 "precedence')"),
    ListenerCase(("*.example.com", "*.foo.example.com"), "x.bar.example.com", 0,
                 _LISTENER_HOSTNAMES + "*.foo.example.com does not match x.bar.example.com"),
    ListenerCase(("*.com",), "example.com", 0,
                 f"{_HOSTNAMES_MD}: '`*.com` matches  `example.com`, and also `www.example.com`.'"),
    ListenerCase(("*.com",), "www.example.com", 0,
                 f"{_HOSTNAMES_MD}: '`*.com` matches ... also `www.example.com`.'"),
    ListenerCase(("*.example.com",), "example.com", None,
                 f"{_GATEWAY_TYPES} Listener.Hostname: 'a match for `*.example.com` would match "
                 "both `test.example.com`, and `foo.test.example.com`, but not `example.com`.' "
                 "and 'If traffic to a Gateway does not match any Listener's hostname ... HTTP "
                 "returns a 404'"),
    ListenerCase(("bar.com", "*.bar.com"), "bar.com:8080", 0,
                 f"{_HTTPROUTE_TYPES} HTTPRouteSpec.Hostnames: 'Implementations MUST ignore any "
                 "port value specified in the HTTP Host header while performing a match' "
                 "(applied to listener selection too: see README, ambiguities)"),
)


# --------------------------------------------------------------------------- rule precedence

@dataclass(frozen=True)
class Match:
    """One HTTPRouteMatch. ``path_type``/``path`` default as the CRD does (PathPrefix "/")."""

    path_type: str = "PathPrefix"
    path: str = "/"
    method: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Route:
    """An HTTPRoute attached to the listener the request reached.

    ``rules``: each rule is its tuple of matches (an empty tuple means the
    default match, PathPrefix "/"). ``created``: metadata.creationTimestamp
    (None: missing, counts as equal per DESIGN.md).
    """

    name: str
    rules: tuple[tuple[Match, ...], ...]
    namespace: str = "infra"
    created: str | None = None
    hostnames: tuple[str, ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.namespace}/{self.name}"


@dataclass(frozen=True)
class Request:
    host: str = "example.com"
    path: str = "/"
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    query: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PrecedenceCase:
    """Routes on one listener and a request: the winning ``(namespace/name, rule index)``."""

    routes: tuple[Route, ...]
    request: Request
    expected: tuple[str, int] | None  # None: no match → 404
    source: str
    ambiguous: bool = False
    note: str = ""


_PREC = (f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'precedence must be given to the match "
         "having: \"Exact\" path match. \"Prefix\" path match with largest number of characters. "
         "Method match. Largest number of header matches. Largest number of query param matches.'")
_TIES = (f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'If ties still exist across multiple Routes, "
         "... The oldest Route based on creation timestamp. The Route appearing first in "
         "alphabetical order by \"{namespace}/{name}\".'")
_HOST_PREC = (_ROUTE_HOSTNAMES + "'precedence must be given to rules from the HTTPRoute with the "
              "largest number of: Characters in a matching non-wildcard hostname. Characters in a "
              "matching hostname.'")


def _m(path: str = "/", path_type: str = "PathPrefix", *, method: str | None = None,
       headers: dict[str, str] | None = None, query: dict[str, str] | None = None) -> Match:
    return Match(path_type, path, method, tuple((headers or {}).items()),
                 tuple((query or {}).items()))


def _rq(path: str = "/", *, host: str = "example.com", method: str = "GET",
        headers: dict[str, str] | None = None, query: dict[str, str] | None = None) -> Request:
    return Request(host, path, method, tuple((headers or {}).items()),
                   tuple((query or {}).items()))


# httproute-matching-across-routes: matching-part2 is given `example.com` here (see ambiguity A1).
_ACROSS = (
    Route("matching-part1", ((_m("/"), _m(headers={"version": "one"})),),
          hostnames=("example.com", "example.net")),
    Route("matching-part2", ((_m("/v2"), _m(headers={"version": "two"})),),
          hostnames=("example.com",)),
)
_ACROSS_STAR = (
    _ACROSS[0],
    Route("matching-part2", ((_m("/v2"), _m(headers={"version": "two"})),), hostnames=("*.com",)),
)
_ACROSS_SRC = "conformance/tests/httproute-matching-across-routes.go"

_MATCHING = (Route("matching", ((_m("/"), _m(headers={"version": "one"})),
                                (_m("/v2"), _m(headers={"version": "two"})))),)
_MATCHING_SRC = "conformance/tests/httproute-matching.go"

_EXACT = (Route("exact-matching", ((_m("/one", "Exact"),), (_m("/two", "Exact"),))),)
_EXACT_SRC = "conformance/tests/httproute-exact-path-matching.go"

# The rules of httproute-query-param-matching.yaml as its first ten .go cases require them.
_QUERY = (Route("query-param-matching", (
    (_m(query={"animal": "whale"}),),
    (_m(query={"animal": "dolphin"}),),
    (_m(query={"animal": "dolphin", "color": "blue"}),),
    (_m(query={"ANIMAL": "Whale"}),),
)),)
_QUERY_SRC = "conformance/tests/httproute-query-param-matching.go (rules reconstructed)"

_METHOD = (Route("method-matching", ((_m(method="POST"),), (_m(method="GET"),))),)
_METHOD_SRC = "conformance/tests/httproute-method-matching.yaml + .go"

_I = "infra"

PRECEDENCE: tuple[PrecedenceCase, ...] = (
    # --- httproute-matching-across-routes
    PrecedenceCase(_ACROSS, _rq("/"), (f"{_I}/matching-part1", 0), f"{_ACROSS_SRC}: example.com /"),
    PrecedenceCase(_ACROSS, _rq("/example"), (f"{_I}/matching-part1", 0),
                   f"{_ACROSS_SRC}: example.com /example"),
    PrecedenceCase(_ACROSS, _rq("/example", host="example.net"), (f"{_I}/matching-part1", 0),
                   f"{_ACROSS_SRC}: example.net /example"),
    PrecedenceCase(_ACROSS, _rq("/example", headers={"Version": "one"}),
                   (f"{_I}/matching-part1", 0),
                   f"{_ACROSS_SRC}: example.com /example Version: one"),
    PrecedenceCase(_ACROSS, _rq("/v2"), (f"{_I}/matching-part2", 0),
                   f"{_ACROSS_SRC}: example.com /v2 → v2 (longer prefix)"),
    PrecedenceCase(_ACROSS, _rq("/v2", host="example.net"), (f"{_I}/matching-part1", 0),
                   f"{_ACROSS_SRC}: '// v2 matches are limited to example.com'"),
    PrecedenceCase(_ACROSS, _rq("/v2/example"), (f"{_I}/matching-part2", 0),
                   f"{_ACROSS_SRC}: example.com /v2/example"),
    PrecedenceCase(_ACROSS, _rq("/", headers={"Version": "two"}), (f"{_I}/matching-part2", 0),
                   f"{_ACROSS_SRC}: example.com / Version: two → v2 (header match beats none; "
                   "names case-insensitive)"),
    PrecedenceCase(_ACROSS_STAR, _rq("/v2"), (f"{_I}/matching-part1", 0), _HOST_PREC,
                   ambiguous=True,
                   note="A1: the stored httproute-matching-across-routes.yaml gives matching-part2 "
                        "hostnames ['*.com'] and its .go expects example.com /v2 → "
                        "infra-backend-v2; the Hostnames comment (and DESIGN.md, hostname "
                        "specificity first) gives example.com to matching-part1, whose exact "
                        "example.com outranks *.com."),
    PrecedenceCase(_ACROSS_STAR, _rq("/v2", host="foo.com"), (f"{_I}/matching-part2", 0),
                   _HOST_PREC + " (only *.com matches foo.com)"),
    # --- hostname specificity beats path specificity (HTTPRoute.Hostnames)
    PrecedenceCase((Route("wild", ((_m("/api"),),), hostnames=("*.example.com",)),
                    Route("exact", ((_m("/"),),), hostnames=("foo.example.com",))),
                   _rq("/api", host="foo.example.com"), (f"{_I}/exact", 0), _HOST_PREC,
                   note="DESIGN.md: 'hostname specificity across Routes, then Exact path, ...'"),
    PrecedenceCase((Route("wild", ((_m("/api"),),), hostnames=("*.example.com",)),
                    Route("exact", ((_m("/"),),), hostnames=("foo.example.com",))),
                   _rq("/api", host="bar.example.com"), (f"{_I}/wild", 0),
                   _HOST_PREC + " (only the wildcard matches bar.example.com)"),
    PrecedenceCase((Route("short-wild", ((_m("/"),),), hostnames=("*.com",)),
                    Route("long-wild", ((_m("/"),),), hostnames=("*.example.com",))),
                   _rq("/", host="a.example.com"), (f"{_I}/long-wild", 0),
                   _HOST_PREC + " (second criterion: characters in a matching hostname)"),
    PrecedenceCase((Route("any-host", ((_m("/"),),)),
                    Route("named-host", ((_m("/"),),), hostnames=("shop.example.com",))),
                   _rq("/", host="shop.example.com"), (f"{_I}/named-host", 0),
                   _HOST_PREC + "; gateway-api issue #3921 ('a HTTPRoute with a matching hostname "
                   "should have precedence over a HTTPRoute that matches all hostnames')"),
    # --- httproute-matching
    PrecedenceCase(_MATCHING, _rq("/"), (f"{_I}/matching", 0), f"{_MATCHING_SRC}: /"),
    PrecedenceCase(_MATCHING, _rq("/example"), (f"{_I}/matching", 0), f"{_MATCHING_SRC}: /example"),
    PrecedenceCase(_MATCHING, _rq("/", headers={"Version": "one"}), (f"{_I}/matching", 0),
                   f"{_MATCHING_SRC}: / Version: one"),
    PrecedenceCase(_MATCHING, _rq("/v2"), (f"{_I}/matching", 1), f"{_MATCHING_SRC}: /v2"),
    PrecedenceCase(_MATCHING, _rq("/v2/example"), (f"{_I}/matching", 1),
                   f"{_MATCHING_SRC}: /v2/example"),
    PrecedenceCase(_MATCHING, _rq("/", headers={"Version": "two"}), (f"{_I}/matching", 1),
                   f"{_MATCHING_SRC}: / Version: two"),
    PrecedenceCase(_MATCHING, _rq("/v2example"), (f"{_I}/matching", 0),
                   f"{_HTTPROUTE_TYPES} PathMatchPathPrefix: 'the path `/abcd` would not' match "
                   "`/abc` — so /v2example falls back to the / prefix"),
    # --- httproute-exact-path-matching
    PrecedenceCase(_EXACT, _rq("/one"), (f"{_I}/exact-matching", 0), f"{_EXACT_SRC}: /one"),
    PrecedenceCase(_EXACT, _rq("/two"), (f"{_I}/exact-matching", 1), f"{_EXACT_SRC}: /two"),
    PrecedenceCase(_EXACT, _rq("/"), None, f"{_EXACT_SRC}: / → 404"),
    PrecedenceCase(_EXACT, _rq("/one/example"), None, f"{_EXACT_SRC}: /one/example → 404"),
    PrecedenceCase(_EXACT, _rq("/two/"), None, f"{_EXACT_SRC}: /two/ → 404"),
    PrecedenceCase(_EXACT, _rq("/Two"), None, f"{_EXACT_SRC}: /Two → 404"),
    # --- httproute-query-param-matching
    PrecedenceCase(_QUERY, _rq(query={"animal": "whale"}), (f"{_I}/query-param-matching", 0),
                   f"{_QUERY_SRC}: /?animal=whale → v1"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "dolphin"}), (f"{_I}/query-param-matching", 1),
                   f"{_QUERY_SRC}: /?animal=dolphin → v2"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "dolphin", "color": "blue"}),
                   (f"{_I}/query-param-matching", 2),
                   f"{_QUERY_SRC}: /?animal=dolphin&color=blue → v3 (more query matches)"),
    PrecedenceCase(_QUERY, _rq(query={"ANIMAL": "Whale"}), (f"{_I}/query-param-matching", 3),
                   f"{_QUERY_SRC}: /?ANIMAL=Whale → v3 (names and values are exact, "
                   "case-sensitive)"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "whale", "otherparam": "irrelevant"}),
                   (f"{_I}/query-param-matching", 0),
                   f"{_QUERY_SRC}: /?animal=whale&otherparam=irrelevant → v1"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "dolphin", "color": "yellow"}),
                   (f"{_I}/query-param-matching", 1),
                   f"{_QUERY_SRC}: /?animal=dolphin&color=yellow → v2"),
    PrecedenceCase(_QUERY, _rq(query={"color": "blue"}), None, f"{_QUERY_SRC}: /?color=blue → 404"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "dog"}), None, f"{_QUERY_SRC}: /?animal=dog → 404"),
    PrecedenceCase(_QUERY, _rq(query={"animal": "whaledolphin"}), None,
                   f"{_QUERY_SRC}: /?animal=whaledolphin → 404"),
    PrecedenceCase(_QUERY, _rq(), None, f"{_QUERY_SRC}: / → 404"),
    # --- httproute-method-matching
    PrecedenceCase(_METHOD, _rq(method="POST"), (f"{_I}/method-matching", 0),
                   f"{_METHOD_SRC}: POST / → v1"),
    PrecedenceCase(_METHOD, _rq(method="GET"), (f"{_I}/method-matching", 1),
                   f"{_METHOD_SRC}: GET / → v2"),
    PrecedenceCase(_METHOD, _rq(method="HEAD"), None, f"{_METHOD_SRC}: HEAD / → 404"),
    # --- the criteria one by one
    PrecedenceCase((Route("prefix", ((_m("/foo"),),)), Route("exact", ((_m("/foo", "Exact"),),))),
                   _rq("/foo"), (f"{_I}/exact", 0), _PREC + " (Exact first)"),
    PrecedenceCase((Route("short", ((_m("/foo"),),)), Route("long", ((_m("/foo/bar"),),))),
                   _rq("/foo/bar/baz"), (f"{_I}/long", 0), _PREC + " (longest prefix)"),
    PrecedenceCase((Route("short", ((_m("/foo"),),)), Route("long", ((_m("/foo/bar"),),))),
                   _rq("/foo/barbaz"), (f"{_I}/short", 0),
                   _PREC + "; PathPrefix matches whole path elements, so /foo/bar does not match "
                   "/foo/barbaz"),
    PrecedenceCase((Route("by-header", ((_m("/", headers={"x-env": "canary"}),),)),
                    Route("by-method", ((_m("/", method="GET"),),))),
                   _rq(headers={"x-env": "canary"}), (f"{_I}/by-method", 0),
                   _PREC + " (method before header count)"),
    PrecedenceCase((Route("one-header", ((_m(headers={"a": "1"}),),)),
                    Route("two-headers", ((_m(headers={"a": "1", "b": "2"}),),))),
                   _rq(headers={"a": "1", "b": "2"}), (f"{_I}/two-headers", 0),
                   _PREC + " (largest number of header matches)"),
    PrecedenceCase((Route("two-query", ((_m(query={"a": "1", "b": "2"}),),)),
                    Route("one-header", ((_m(headers={"h": "1"}),),))),
                   _rq(headers={"h": "1"}, query={"a": "1", "b": "2"}), (f"{_I}/one-header", 0),
                   _PREC + " (headers before query params)"),
    PrecedenceCase((Route("headers", ((_m("/", headers={"version": "two"}),),)),
                    Route("longer-path", ((_m("/v2"),),))),
                   _rq("/v2", headers={"version": "two"}), (f"{_I}/longer-path", 0),
                   _PREC + " (prefix length before headers)"),
    PrecedenceCase((Route("newer", ((_m("/"),),), created="2020-09-08T01:02:04Z"),
                    Route("older", ((_m("/"),),), created="2020-09-08T01:02:03Z")),
                   _rq(), (f"{_I}/older", 0),
                   f"{_GATEWAY_TYPES} Listener.AllowedRoutes: 'a Route with a creation timestamp "
                   "of \"2020-09-08 01:02:03\" is given precedence over a Route with a creation "
                   "timestamp of \"2020-09-08 01:02:04\".'"),
    PrecedenceCase((Route("baz", ((_m("/"),),), namespace="foo", created="2020-09-08T01:02:03Z"),
                    Route("bar", ((_m("/"),),), namespace="foo", created="2020-09-08T01:02:03Z")),
                   _rq(), ("foo/bar", 0),
                   f"{_GATEWAY_TYPES} Listener.AllowedRoutes: 'the Route appearing first in "
                   "alphabetical order (namespace/name) ... foo/bar is given precedence over "
                   "foo/baz.'"),
    PrecedenceCase((Route("a", ((_m("/"),),), namespace="zeta"),
                    Route("z", ((_m("/"),),), namespace="alpha")),
                   _rq(), ("alpha/z", 0), _TIES + " (namespace sorts first; no timestamps: equal, "
                   "per DESIGN.md)"),
    PrecedenceCase((Route("newer-a", ((_m("/"),),), created="2021-01-01T00:00:00Z"),
                    Route("older-b", ((_m("/"),),), created="2020-01-01T00:00:00Z")),
                   _rq(), (f"{_I}/older-b", 0), _TIES + " (age before name)"),
    PrecedenceCase((Route("two-rules", ((_m("/"),), (_m("/"),))),),
                   _rq(), (f"{_I}/two-rules", 0),
                   f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'If ties still exist within an "
                   "HTTPRoute, matching precedence MUST be granted to the FIRST matching rule (in "
                   "list order)'"),
    PrecedenceCase((Route("two-rules", ((_m("/"),), (_m("/x"),))),),
                   _rq("/x"), (f"{_I}/two-rules", 1), _PREC + " (a later, more specific rule "
                   "still wins: list order only breaks ties)"),
    PrecedenceCase((Route("default-match", ((),)),), _rq("/anything"), (f"{_I}/default-match", 0),
                   f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'If no matches are specified, the "
                   "default is a prefix path match on \"/\", which has the effect of matching "
                   "every "
                   "HTTP request.'"),
    PrecedenceCase((Route("or", ((_m("/foo", headers={"version": "v2"}), _m("/v2/foo")),)),),
                   _rq("/v2/foo"), (f"{_I}/or", 0),
                   f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'this rule will be matched if "
                   "**any** one of the matches is satisfied' (the /v2/foo match alone)"),
    PrecedenceCase((Route("or", ((_m("/foo", headers={"version": "v2"}), _m("/v2/foo")),)),),
                   _rq("/foo"), None,
                   f"{_HTTPROUTE_TYPES} HTTPRouteMatch: 'Multiple match types are ANDed together' "
                   "(/foo without the version header matches neither)"),
    PrecedenceCase((Route("header-name-case", ((_m(headers={"foo": "a"}),),)),),
                   _rq(headers={"FOO": "a"}), (f"{_I}/header-name-case", 0),
                   f"{_HTTPROUTE_TYPES} HTTPHeaderMatch.Name: 'Name matching MUST be "
                   "case-insensitive.'"),
    PrecedenceCase((Route("hdr-value", ((_m(headers={"version": "one"}),),)),),
                   _rq(headers={"version": "One"}), None,
                   f"{_HTTPROUTE_TYPES} HeaderMatchExact (Core): values compare exactly; only "
                   "names "
                   "are case-insensitive"),
)


# --------------------------------------------------------------------------- path matching

@dataclass(frozen=True)
class PathCase:
    type: str  # "Exact" | "PathPrefix"
    value: str
    path: str
    matches: bool
    source: str


_EXACT_DOC = (f"{_HTTPROUTE_TYPES} PathMatchExact: 'an exact path match on `/abc` will only match "
              "requests to `/abc`, NOT `/abc/`, `/Abc`, or `/abcd`.'")
_PREFIX_DOC = (f"{_HTTPROUTE_TYPES} PathMatchPathPrefix: 'Matching is case-sensitive and done on a "
               "path element by element basis ... When specified, a trailing `/` is ignored. ... "
               "the paths `/abc`, `/abc/`, and `/abc/def` would all match the prefix `/abc`, but "
               "the path `/abcd` would not.'")

PATH_MATCH: tuple[PathCase, ...] = (
    PathCase("Exact", "/abc", "/abc", True, _EXACT_DOC),
    PathCase("Exact", "/abc", "/abc/", False, _EXACT_DOC),
    PathCase("Exact", "/abc", "/Abc", False, _EXACT_DOC),
    PathCase("Exact", "/abc", "/abcd", False, _EXACT_DOC),
    PathCase("Exact", "/one", "/one", True, f"{_EXACT_SRC}: /one → v1"),
    PathCase("Exact", "/one", "/one/example", False, f"{_EXACT_SRC}: /one/example → 404"),
    PathCase("Exact", "/two", "/two/", False, f"{_EXACT_SRC}: /two/ → 404"),
    PathCase("Exact", "/two", "/Two", False, f"{_EXACT_SRC}: /Two → 404"),
    PathCase("Exact", "/one", "/", False, f"{_EXACT_SRC}: / → 404"),
    PathCase("PathPrefix", "/abc", "/abc", True, _PREFIX_DOC),
    PathCase("PathPrefix", "/abc", "/abc/", True, _PREFIX_DOC),
    PathCase("PathPrefix", "/abc", "/abc/def", True, _PREFIX_DOC),
    PathCase("PathPrefix", "/abc", "/abcd", False, _PREFIX_DOC),
    PathCase("PathPrefix", "/abc", "/Abc", False, _PREFIX_DOC + " (case-sensitive)"),
    PathCase("PathPrefix", "/abc/", "/abc", True,
             _PREFIX_DOC + " ('When specified, a trailing `/` is ignored', read as: a trailing "
             "slash on the match value is ignored; see README ambiguity A3)"),
    PathCase("PathPrefix", "/abc/", "/abc/def", True, _PREFIX_DOC),
    PathCase("PathPrefix", "/abc/", "/abcd", False, _PREFIX_DOC),
    PathCase("PathPrefix", "/", "/", True,
             f"{_HTTPROUTE_TYPES} HTTPRouteMatch.Path: 'a default prefix match on the \"/\" path'"),
    PathCase("PathPrefix", "/", "/anything/at/all", True,
             f"{_HTTPROUTE_TYPES} HTTPRouteRule.Matches: 'prefix path match on \"/\", which "
             "has the "
             "effect of matching every HTTP request'"),
    PathCase("PathPrefix", "/v2", "/v2", True, f"{_MATCHING_SRC}: /v2 → v2"),
    PathCase("PathPrefix", "/v2", "/v2/example", True, f"{_MATCHING_SRC}: /v2/example → v2"),
    PathCase("PathPrefix", "/v2", "/v2example", False, _PREFIX_DOC + " (whole elements)"),
    PathCase("PathPrefix", "/v2", "/foo/v2", False, _PREFIX_DOC + " (a prefix, not a substring)"),
    PathCase("PathPrefix", "/foo/bar", "/foo/bar/baz", True, _PREFIX_DOC),
    PathCase("PathPrefix", "/foo/bar", "/foo", False, _PREFIX_DOC),
    PathCase("PathPrefix", "/foo/bar", "/foo/barbaz", False, _PREFIX_DOC),
    PathCase("PathPrefix", "/s1", "/non-matching-prefix", False,
             f"{_INTERSECTION_CONF}: very.specific.com /non-matching-prefix → 404"),
)


# --------------------------------------------------------------------------- status conditions

@dataclass(frozen=True)
class ConditionCase:
    """A condition the engine must derive for an object of one case file.

    ``ref``: ``httproute/NS/NAME`` (with ``parent`` the Gateway it is reported
    against) or ``gateway/NS/NAME/LISTENER`` for a listener condition.
    """

    case: str  # file name under cases/
    ref: str
    parent: str | None
    type: str
    status: str
    reason: str
    source: str = field(default="")


_SHARED = "apis/v1/shared_types.go"

CONDITIONS: tuple[ConditionCase, ...] = (
    ConditionCase("01-hostname-intersection.yaml", "httproute/infra/no-intersecting-hosts",
                  "gateway/infra/httproute-hostname-intersection", "Accepted", "False",
                  "NoMatchingListenerHostname", f"{_INTERSECTION_CONF}; {_SHARED} "
                  "RouteReasonNoMatchingListenerHostname"),
    ConditionCase("01-hostname-intersection.yaml",
                  "httproute/infra/specific-host-matches-listener-wildcard-host",
                  "gateway/infra/httproute-hostname-intersection", "Accepted", "True", "Accepted",
                  f"{_INTERSECTION_CONF} (GatewayAndHTTPRoutesMustBeAccepted)"),
    ConditionCase("10-allowed-routes.yaml", "httproute/web-backend/web",
                  "gateway/infra/same-namespace", "Accepted", "False", "NotAllowedByListeners",
                  f"{_SHARED} RouteReasonNotAllowedByListeners: 'the Gateway has no Listener whose "
                  "allowedRoutes criteria permit the route'"),
    ConditionCase("10-allowed-routes.yaml", "httproute/web-backend/web",
                  "gateway/infra/all-namespaces", "Accepted", "True", "Accepted",
                  f"{_GATEWAY_TYPES} RouteNamespaces.From 'All: Routes in all namespaces may be "
                  "used by this Gateway.'"),
    ConditionCase("10-allowed-routes.yaml", "httproute/other/other",
                  "gateway/infra/backend-namespaces", "Accepted", "False", "NotAllowedByListeners",
                  f"{_GATEWAY_TYPES} RouteNamespaces.From 'Selector: Routes in namespaces selected "
                  "by the selector may be used by this Gateway.'"),
    ConditionCase("11-reference-grant.yaml", "httproute/infra/reference-grant",
                  "gateway/infra/same-namespace", "ResolvedRefs", "True", "ResolvedRefs",
                  "conformance/tests/httproute-reference-grant.yaml"),
    ConditionCase("11-reference-grant.yaml", "httproute/infra/invalid-cross-namespace-backend-ref",
                  "gateway/infra/same-namespace", "ResolvedRefs", "False", "RefNotPermitted",
                  "conformance/tests/httproute-invalid-cross-namespace-backend-ref.go"),
    ConditionCase("11-reference-grant.yaml", "httproute/infra/invalid-cross-namespace-backend-ref",
                  "gateway/infra/same-namespace", "Accepted", "True", "Accepted",
                  "conformance/tests/httproute-invalid-cross-namespace-backend-ref.go: 'The Route "
                  "must be Attached.'"),
    ConditionCase("11-reference-grant.yaml", "httproute/infra/not-the-granted-name",
                  "gateway/infra/same-namespace", "ResolvedRefs", "False", "RefNotPermitted",
                  "apis/v1beta1/referencegrant_types.go ReferenceGrantTo.Name: 'When unspecified, "
                  "this policy refers to all resources' (here it is specified)"),
    ConditionCase("12-invalid-backends.yaml", "httproute/infra/backend-not-found",
                  "gateway/infra/same-namespace", "ResolvedRefs", "False", "BackendNotFound",
                  f"{_HTTPROUTE_TYPES} HTTPBackendRef.BackendRef: 'It refers to a resource that "
                  "does not exist. In this case, the Reason must be set to `BackendNotFound`'"),
    ConditionCase("12-invalid-backends.yaml", "httproute/infra/invalid-kind",
                  "gateway/infra/same-namespace", "ResolvedRefs", "False", "InvalidKind",
                  f"{_HTTPROUTE_TYPES} HTTPBackendRef.BackendRef: 'It refers to an unknown or "
                  "unsupported kind of resource. In this case, the Reason must be set to "
                  "`InvalidKind`'"),
    ConditionCase("14-https-certificates.yaml", "gateway/infra/tls/https-missing", None,
                  "ResolvedRefs", "False", "InvalidCertificateRef",
                  f"{_GATEWAY_TYPES} ListenerReasonInvalidCertificateRef; "
                  "conformance/tests/gateway-secret-missing-referenced-secret.yaml"),
    ConditionCase("14-https-certificates.yaml", "gateway/infra/tls/https-missing", None,
                  "Programmed", "False", "Invalid",
                  f"{_GATEWAY_TYPES} ListenerConditionProgrammed False reasons: 'Invalid', "
                  "'Pending'; DESIGN.md: 'a listener whose certificate does not resolve is not "
                  "Programmed'"),
    ConditionCase("14-https-certificates.yaml", "gateway/infra/tls/https-ungranted", None,
                  "ResolvedRefs", "False", "RefNotPermitted",
                  f"{_GATEWAY_TYPES} ListenerTLSConfig.CertificateRefs: 'If a ReferenceGrant does "
                  "not allow this reference, the \"ResolvedRefs\" condition MUST be set to False "
                  "for this listener with the \"RefNotPermitted\" reason.'"),
    ConditionCase("14-https-certificates.yaml", "gateway/infra/tls/https-ok", None,
                  "ResolvedRefs", "True", "ResolvedRefs",
                  f"{_GATEWAY_TYPES} ListenerReasonResolvedRefs"),
    ConditionCase("15-parentref-section-port.yaml", "httproute/infra/no-such-section",
                  "gateway/infra/two-ports", "Accepted", "False", "NoMatchingParent",
                  f"{_SHARED} RouteReasonNoMatchingParent: 'this can occur when a Route ParentRef "
                  "specifies a Port and/or SectionName that does not match any Listeners'"),
    ConditionCase("15-parentref-section-port.yaml", "httproute/infra/section-and-wrong-port",
                  "gateway/infra/two-ports", "Accepted", "False", "NoMatchingParent",
                  f"{_SHARED} ParentReference.Port: 'When both Port and SectionName are specified, "
                  "the name and port of the selected listener must match both specified values.'"),
)
