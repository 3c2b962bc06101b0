"""Fields the API server refuses to change on an existing object.

An edit that changes one is refused the way ``kubectl apply`` would be
("field is immutable"): the player has to delete the object and create it anew,
as on a real cluster.
"""

from __future__ import annotations

from typing import Any

IMMUTABLE: dict[str, tuple[tuple[str, ...], ...]] = {
    # GatewayClass.spec.controllerName: "This field is not mutable" (CEL: self == oldSelf).
    "GatewayClass": (("spec", "controllerName"),),
    # core/v1 Secret: the type of an existing Secret cannot change.
    "Secret": (("type",),),
}


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for name in path:
        obj = getattr(obj, name, None)
    return obj


def changed_immutable(kind: str, before: Any, after: Any) -> str | None:
    """The dotted path of the first immutable field that differs, or None."""
    for path in IMMUTABLE.get(kind, ()):
        if _get(before, path) != _get(after, path):
            return ".".join(path)
    return None
