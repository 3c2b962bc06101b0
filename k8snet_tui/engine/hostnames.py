"""Gateway API hostnames: wildcard matching, listener/Route intersection, specificity.

Unlike an Ingress host, a Gateway API wildcard is a suffix match: ``*.example.com``
matches ``test.example.com`` and ``foo.test.example.com`` but not
``example.com`` (HTTPRoute ``spec.hostnames``, "interpreted as a suffix match").
"""

from __future__ import annotations

from collections.abc import Sequence

ANY = "*"
"""What a Route serves on a listener when neither names a hostname: every host."""


def is_wildcard(hostname: str) -> bool:
    return hostname.startswith("*.")


def matches(pattern: str | None, host: str) -> bool:
    """Does a listener or Route hostname (``None``/``*``: any) take ``host``?

    ``host`` may itself be a wildcard (``*.foo.example.com`` lies inside
    ``*.example.com``), which is how intersections are computed.
    """
    if pattern is None or pattern == ANY:
        return True
    if is_wildcard(pattern):
        return host.endswith(pattern[1:]) and len(host) > len(pattern) - 1
    return pattern == host


def strip_port(host: str) -> str:
    """Implementations MUST ignore any port in the Host header when matching."""
    head, sep, tail = host.rpartition(":")
    return head if sep and tail.isdigit() else host


def intersect(listener: str | None, route: Sequence[str]) -> list[str] | None:
    """The hostnames a Route serves on a listener, in the Route's order.

    ``["*"]`` means every host; ``None`` means they share none, so the Route is
    not accepted there (``NoMatchingListenerHostname``). Route hostnames that do
    not match the listener's are ignored; a Route wildcard broader than the
    listener's hostname narrows to the listener's.
    """
    if not route:
        return [listener] if listener is not None else [ANY]
    if listener is None:
        return list(dict.fromkeys(route))
    out: list[str] = []
    for hostname in route:
        if matches(listener, hostname):
            out.append(hostname)
        elif is_wildcard(hostname) and matches(hostname, listener):
            out.append(listener)
    return list(dict.fromkeys(out)) or None


def specificity(hostname: str | None) -> tuple[int, int]:
    """Rank a hostname that matched: exact over wildcard over none, longer first.

    The HTTPRoute spec gives precedence to the Route with the most "characters in
    a matching non-wildcard hostname", then "characters in a matching hostname".
    """
    if hostname is None or hostname == ANY:
        return (0, 0)
    if is_wildcard(hostname):
        return (0, len(hostname))
    return (len(hostname), len(hostname))


def listener_specificity(hostname: str | None) -> tuple[int, int]:
    """Rank listeners for a host: an exact hostname, then the longest wildcard, then
    a listener without one."""
    if hostname is None:
        return (0, 0)
    return (1, len(hostname)) if is_wildcard(hostname) else (2, len(hostname))


def most_specific(hostnames: Sequence[str | None], host: str) -> int | None:
    """Index of the listener hostname that takes ``host`` most specifically (the first
    on a tie), or None when none takes it."""
    host = strip_port(host)
    best: int | None = None
    for i, hostname in enumerate(hostnames):
        if not matches(hostname, host):
            continue
        if best is None or listener_specificity(hostname) > \
                listener_specificity(hostnames[best]):
            best = i
    return best
