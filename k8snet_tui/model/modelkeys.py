"""The keys a model accepts at a path, for "did you mean" on an unknown key.

Pydantic reports ``extra_forbidden`` without the allowed names, so they are
read off the model classes by following the error's location.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The model classes inside an annotation (lists, dicts, unions, Annotated)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _models(args[0])
    if origin in (list, tuple, set, frozenset, dict, typing.Union, types.UnionType) or \
            (origin is not None and args):
        return [m for arg in args for m in _models(arg)]
    return []


def keys_at(root: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """Wire names (aliases) of the fields of the model(s) found at ``loc``."""
    current = [root]
    for part in loc:
        if isinstance(part, int):
            continue
        found: list[type[BaseModel]] = []
        for model in current:
            by_wire = {(f.alias or name): f for name, f in model.model_fields.items()}
            info = by_wire.get(part)
            if info is not None:
                found.extend(_models(info.annotation))
        if not found:  # a dict key (a label, a tag of a union): stay on the value models
            continue
        current = found
    return sorted({(f.alias or name) for model in current
                   for name, f in model.model_fields.items()})
