"""Entry points: the ways an HTTP request from the internet gets into the cluster.

The Ingress controller and each Gateway listener are entry points. The walk
asks one question of them — which one serves this request, and where does it
send it — so a new kind of entry point is a new class here, not new branches
in every part of the walk.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from k8snet_tui.engine.path import Origin, Path
from k8snet_tui.engine.trace import PathResult
from k8snet_tui.model.flows import DestRef, FlowSpec


@dataclass(frozen=True)
class HttpRequest:
    """What a client sends to an ``http(s)://`` URL: the parts entry points route on."""

    scheme: Literal["http", "https"]
    host: str  # the URL's host: where the connection goes
    port: int | None  # as the URL writes it; None means the scheme's default
    path: str
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()  # names lower-cased, as written otherwise
    query: tuple[tuple[str, str], ...] = ()
    authority: str | None = None  # a ``host`` header overriding the Host header only

    @classmethod
    def of(cls, dst: DestRef, flow: FlowSpec | None = None) -> HttpRequest:
        port = dst.port if isinstance(dst.port, int) else None
        if flow is None:
            return cls(dst.scheme or "http", str(dst.host), port, dst.path, query=dst.query)
        headers = tuple((k, v) for k, v in flow.header_map.items() if k != "host")
        return cls(dst.scheme or "http", str(dst.host), port, dst.path, flow.http_method,
                   headers, dst.query, flow.host_override)

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return 443 if self.scheme == "https" else 80

    @property
    def host_header(self) -> str:
        """The Host the request names (ports ignored, as the Gateway API says)."""
        return self.authority or self.host

    def header(self, name: str) -> str | None:
        low = name.lower()
        return next((v for k, v in self.headers if k == low), None)

    def query_value(self, name: str) -> str | None:
        """The first value of a query parameter (names are case-sensitive)."""
        return next((v for k, v in self.query if k == name), None)

    @property
    def url(self) -> str:
        port = f":{self.port}" if self.port is not None else ""
        query = "&".join(f"{k}={v}" for k, v in self.query)
        return f"{self.scheme}://{self.host_header}{port}{self.path}" + \
            (f"?{query}" if query else "")


@dataclass(frozen=True, order=True)
class Claim:
    """How specifically an entry point claims a request's host; a higher claim wins.

    ``tier`` 2 is an exact hostname, 1 a wildcard (longer ``length`` wins), 0 a rule
    or listener without a hostname (it takes every host).
    """

    tier: int
    length: int = 0

    @classmethod
    def of(cls, hostname: str | None) -> Claim:
        if not hostname:
            return cls(0)
        if hostname.startswith("*."):
            return cls(1, len(hostname) - 1)
        return cls(2, len(hostname))


class EntryPoint(Protocol):
    """One way in: it says how strongly it claims a host, and serves requests."""

    @property
    def ref(self) -> str:
        """What the trace and ``via`` call it: ``ingress``, ``gateway/NS/NAME/LISTENER``."""
        ...

    @property
    def rank(self) -> tuple[int, str]:
        """The tie-break between equal claims: lower first."""
        ...

    def claim(self, request: HttpRequest) -> Claim | None:
        """The most specific claim any of its hostnames or rules makes on the request's
        host, or None when nothing it serves names that host."""
        ...

    def serve(self, o: Origin, p: Path, request: HttpRequest) -> list[PathResult]:
        """Carry the request from the client through this entry point to whoever
        answers it."""
        ...


def choose(candidates: Sequence[EntryPoint], request: HttpRequest) -> EntryPoint | None:
    """The candidate with the most specific claim on the request's host (ties by
    ``rank``); when nothing claims it, the only candidate if there is exactly one."""
    best: tuple[Claim, tuple[int, str], EntryPoint] | None = None
    for entry in candidates:
        claim = entry.claim(request)
        if claim is None:
            continue
        if best is None or claim > best[0] or (claim == best[0] and entry.rank < best[1]):
            best = (claim, entry.rank, entry)
    if best is not None:
        return best[2]
    return candidates[0] if len(candidates) == 1 else None
