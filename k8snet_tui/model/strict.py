"""Unknown fields in Kubernetes objects, found as kubectl's strict field validation would.

The models accept unknown fields (a manifest must load as the API server would
store it), so a misspelt ``podSelectr:`` would otherwise vanish without a word
and silently change what a level means. Here every object is walked against
the model plus the real API's unmodelled fields (``apifields``); what is in
neither is reported with the closest real name.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

from pydantic import BaseModel

from k8snet_tui.model.apifields import UNMODELLED, WORKLOAD_SPEC_FIELDS
from k8snet_tui.model.problems import Loc, Problem
from k8snet_tui.model.resources import (
    WORKLOAD_KINDS,
    AnyResource,
    IngressBackend,
    K8sModel,
    OtherResource,
    WorkloadSpec,
)
from k8snet_tui.model.suggest import did_you_mean

UNKNOWN_FIELD = "unknown-key"
"""Problem code: located at the key itself (``load.locate_problems``), as schema errors are."""

_NOT_WALKED = {(IngressBackend, "resource")}  # any API group's object: not ours to judge


@cache
def _names(cls: type[BaseModel]) -> dict[str, str]:
    """Wire name (alias) → attribute name of each modelled field."""
    return {(info.alias or name): name for name, info in cls.model_fields.items()}


@cache
def _allowed(cls: type[BaseModel], kind: str | None) -> frozenset[str]:
    if cls is WorkloadSpec and kind in WORKLOAD_SPEC_FIELDS:
        return WORKLOAD_SPEC_FIELDS[kind]
    return frozenset(_names(cls)) | UNMODELLED.get(cls.__name__, frozenset())


def _walk(obj: K8sModel, loc: Loc, kind: str | None) -> Iterator[tuple[Loc, str, str]]:
    extra = obj.model_extra
    allowed = _allowed(type(obj), kind)
    what = f"a {kind}'s spec" if isinstance(obj, WorkloadSpec) and kind else None
    for key in extra or ():
        if key not in allowed:
            yield (*loc, key), key, did_you_mean(key, allowed)
    names = _names(type(obj))
    for wire, attr in names.items():
        if isinstance(obj, WorkloadSpec) and wire not in allowed and \
                attr in obj.model_fields_set:
            yield (*loc, wire), wire, f" ({what} has no such field)"
            continue
        if (type(obj), attr) in _NOT_WALKED:
            continue
        yield from _walk_value(getattr(obj, attr), (*loc, wire), kind)


def _walk_value(value: Any, loc: Loc, kind: str | None) -> Iterator[tuple[Loc, str, str]]:
    if isinstance(value, K8sModel):
        yield from _walk(value, loc, kind)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, K8sModel):
                yield from _walk(item, (*loc, i), kind)
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, K8sModel):
                yield from _walk(item, (*loc, key), kind)


def unknown_fields(resource: AnyResource, loc: Loc = ()) -> list[Problem]:
    """Warnings for the fields of ``resource`` the Kubernetes API does not have.

    Kinds the engine does not model are not checked (their schema is not ours).
    """
    if isinstance(resource, OtherResource):
        return []
    kind = resource.kind if resource.kind in WORKLOAD_KINDS else None
    return [Problem(f"unknown field \"{key}\"{hint}", path, severity="warning",
                    code=UNKNOWN_FIELD)
            for path, key, hint in _walk(resource, loc, kind)]


def level_unknown_fields(resources: Sequence[AnyResource]) -> list[Problem]:
    """Every resource of a level, each located at ``resources[i]``."""
    return [p for i, res in enumerate(resources) for p in unknown_fields(res, ("resources", i))]
