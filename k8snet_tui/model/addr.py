"""An IPv4 address that remembers its text and hash.

Traces mention addresses in almost every hop, and ``ipaddress`` recomputes the
dotted form (and the hash) on every use; profiling the 10,000-flow benchmark
showed that as the top cost. Concrete addresses in a world are ``Addr``; they
compare and hash equal to plain ``IPv4Address`` values, so lookups with parsed
flow references keep working.
"""

from __future__ import annotations

from ipaddress import IPv4Address


class Addr(IPv4Address):
    __slots__ = ("_hash", "_text")

    def __init__(self, address: int | str | bytes | IPv4Address) -> None:
        super().__init__(address)
        self._text = super().__str__()
        self._hash = super().__hash__()

    def __str__(self) -> str:
        return self._text

    def __format__(self, spec: str) -> str:
        return self._text if not spec else super().__format__(spec)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other)


def addr(value: IPv4Address | str | int) -> Addr:
    """``value`` as an ``Addr`` (returned unchanged when it already is one)."""
    return value if isinstance(value, Addr) else Addr(value)
