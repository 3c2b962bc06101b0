"""The base every Kubernetes model shares: lenient about unknown fields, strict in types.

Split from ``resources`` so the Gateway API models (``gateway``) can build on it
while ``resources`` lists them among the kinds a level may hold, without an
import cycle. ``resources`` re-exports every name here.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    field_validator,
    model_validator,
)

from k8snet_tui.model.apifields import UNMODELLED
from k8snet_tui.model.names import port_name_problem


def _port_name(text: str) -> str:
    problem = port_name_problem(text)
    if problem is not None:
        raise ValueError(f"{text!r} is {problem}" if text else problem)
    return text


def _port_or_name(value: Any) -> Any:
    """One check and one message for a number-or-name port (a union would give two)."""
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValueError(f"a port is a number from 1 to 65535 or a port name (got {value!r})")
    if isinstance(value, int) and not 1 <= value <= 65535:
        raise ValueError(f"port {value} is outside 1-65535")
    return _port_name(value) if isinstance(value, str) else value


# Integers and booleans are strict: the API server refuses ``port: true`` and
# ``hostNetwork: 1``, where lax decoding would read them as 1 and True.
Protocol = Literal["TCP", "UDP", "SCTP"]
PortName = Annotated[str, AfterValidator(_port_name)]
Port = Annotated[StrictInt, Field(ge=1, le=65535)]
PortOrName = Annotated[int | str, BeforeValidator(_port_or_name)]


def _api_schema(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """In the JSON Schema, list the real API's unmodelled fields and refuse the rest, so
    an editor completes ``resources`` and flags ``podSelectr`` as kubectl would."""
    properties = schema.setdefault("properties", {})
    for name in sorted(UNMODELLED.get(cls.__name__, frozenset())):
        properties.setdefault(name, {"description": "Kubernetes API field the engine does "
                                                    "not model; accepted and ignored."})
    schema["additionalProperties"] = False


class K8sModel(BaseModel):
    """Unknown fields are accepted and carried along, as the API server stores them.

    They are reported separately (``strict.unknown_fields``) rather than refused, so a
    manifest with a typo still loads and the warning can name the field.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True, defer_build=True,
                              json_schema_extra=_api_schema)

    @model_validator(mode="before")
    @classmethod
    def _null_is_absent(cls, data: Any) -> Any:
        """``podSelector: null`` is what Go's decoder makes of it: the field unset (a nil
        pointer, slice or map), so the API server stores the default — ``{}`` for a
        NetworkPolicy's podSelector, no peers for ``from: null``."""
        if isinstance(data, dict) and None in data.values():
            return {key: value for key, value in data.items() if value is not None}
        return data


class ObjectMeta(K8sModel):
    name: str = Field(min_length=1, max_length=253)
    namespace: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    creationTimestamp: datetime | None = Field(
        default=None, description="RFC 3339; only Gateway API Route precedence reads it "
        "(the oldest Route wins a tie).")

    @field_validator("creationTimestamp")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A timestamp without a zone is UTC, as the API server writes them."""
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class TemplateMeta(K8sModel):
    """Pod template metadata: no name of its own, the workload names its pods."""

    name: str | None = None
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)


class LabelSelectorRequirement(K8sModel):
    key: str
    operator: Literal["In", "NotIn", "Exists", "DoesNotExist"]
    values: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _values_fit_operator(self) -> LabelSelectorRequirement:
        if self.operator in ("In", "NotIn") and not self.values:
            raise ValueError(f"operator {self.operator} needs a non-empty values list")
        if self.operator in ("Exists", "DoesNotExist") and self.values:
            raise ValueError(f"operator {self.operator} takes no values")
        return self


class LabelSelector(K8sModel):
    matchLabels: dict[str, str] = Field(default_factory=dict)
    matchExpressions: list[LabelSelectorRequirement] = Field(default_factory=list)

    def matches(self, labels: Mapping[str, str]) -> bool:
        """Kubernetes label-selector semantics: every term must hold; empty matches all."""
        for key, value in self.matchLabels.items():
            if labels.get(key) != value:
                return False
        for req in self.matchExpressions:
            present = req.key in labels
            if req.operator == "In":
                if not present or labels[req.key] not in req.values:
                    return False
            elif req.operator == "NotIn":
                if present and labels[req.key] in req.values:
                    return False
            elif req.operator == "Exists":
                if not present:
                    return False
            elif present:  # DoesNotExist
                return False
        return True

    def is_empty(self) -> bool:
        return not self.matchLabels and not self.matchExpressions

    def describe(self) -> str:
        terms = [f"{k}={v}" for k, v in self.matchLabels.items()]
        for req in self.matchExpressions:
            if req.operator in ("In", "NotIn"):
                op = "in" if req.operator == "In" else "notin"
                terms.append(f"{req.key} {op} ({','.join(req.values)})")
            elif req.operator == "Exists":
                terms.append(req.key)
            else:
                terms.append(f"!{req.key}")
        return ",".join(terms) if terms else "{} (everything)"
