"""The level format's field reference in Markdown, generated from the models.

``docs/format-reference.md`` is this module's output, committed so it can be
read on the web; a test regenerates it and fails on any difference, so the
reference cannot drift from the code that actually reads level files. Run::

    python -m k8snet_tui.model.reference > docs/format-reference.md

Everything here walks the pydantic models (names, aliases, types, defaults,
constraints, ``Field(description=…)``), so improving a description in the model
improves the JSON Schema, editor tooltips and this page at once.
"""

from __future__ import annotations

import re
import sys
import types
from collections.abc import Iterable, Mapping, Sequence
from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from k8snet_tui import FORMAT
from k8snet_tui.model.cluster import ClusterSpec, NodeSpec, RouteSpec
from k8snet_tui.model.edits import (
    AddRouteEdit,
    CreateEdit,
    DeleteEdit,
    Edit,
    RemoveRouteEdit,
    ReplaceEdit,
    SetEdit,
    UnsetEdit,
)
from k8snet_tui.model.flows import FlowSpec
from k8snet_tui.model.level import Chapter, EditableSpec, LevelFile, PackFile, Puzzle
from k8snet_tui.model.resources import KNOWN_KINDS, NAMESPACED_KINDS, Resource

COMMAND = "python -m k8snet_tui.model.reference > docs/format-reference.md"

SECTIONS: tuple[tuple[type[BaseModel], str], ...] = (
    (LevelFile, "The top level of a level file. Unknown keys are errors."),
    (ClusterSpec, "`cluster:` in a level file. Optional as a whole; every key has a default, "
                  "and the defaults are applied in a fixed order so addresses are the same "
                  "for every tool that reads the level."),
    (NodeSpec, "One item of `cluster.nodes`."),
    (RouteSpec, "One item of a node's `routes`. Routes are matched by longest prefix; the "
                "connected `nodeNetwork` route is always there."),
    (FlowSpec, "One item of `flows`: a connection that must, or must not, work. The "
               "reference grammar of `from`, `to`, `via` and `servedBy` is in the authoring "
               "guide."),
    (Puzzle, "`puzzle:` in a level file. Without it the level is a sandbox scenario: "
             "everything is editable and `validate` checks only the format."),
    (EditableSpec, "An item of `puzzle.editable` written as a mapping. A plain string "
                   "`service/shop/api` means the same as `{ref: service/shop/api}`: every "
                   "field of that object."),
    (PackFile, "`pack.yaml`, the file that makes a folder a level pack. It has either "
               "`chapters` or `levels`, never both."),
    (Chapter, "One item of `pack.yaml`'s `chapters`."),
)
"""The format's own models in reading order, each with where it appears in a file."""

EDITS: tuple[type[BaseModel], ...] = (
    SetEdit, UnsetEdit, AddRouteEdit, RemoveRouteEdit, CreateEdit, DeleteEdit, ReplaceEdit,
)
"""The edit language, in the order the authoring guide introduces it."""

_ANCHORED = frozenset(model for model, _ in SECTIONS)


# ---------------------------------------------------------------------- Markdown


def _cell(text: str) -> str:
    """One table cell: a pipe would end the cell and a newline the row."""
    return " ".join(text.split()).replace("|", "\\|")


def _prose(text: str) -> str:
    """Plain text for Markdown: ``<pending>`` would otherwise vanish as an unknown HTML tag."""
    return text.replace("<", "\\<")


def _code(text: str) -> str:
    fence = "``" if "`" in text else "`"
    pad = " " if "`" in text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _anchor(model: type[BaseModel]) -> str:
    """GitHub's heading anchor for a heading that is just the model's name."""
    return model.__name__.lower()


def _link(model: type[BaseModel]) -> str:
    return f"[{model.__name__}](#{_anchor(model)})"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return lines


# ------------------------------------------------------------------------- types


def _is(annotation: Any, alias: Any) -> bool:
    """Identity or equality with a module-level type alias (``Resource``, ``Edit``)."""
    try:
        return annotation is alias or bool(annotation == alias)
    except TypeError:
        return False


def type_text(annotation: Any) -> str:
    """A type as a level author reads it: YAML words, not Python spelling."""
    if _is(annotation, Resource):
        return "[Kubernetes manifest](#kubernetes-kinds)"
    if _is(annotation, Edit):
        return "[edit](#edits)"
    origin = get_origin(annotation)
    args = get_args(annotation)
    if origin is Annotated:
        return type_text(args[0])
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return " or ".join(type_text(a) for a in options)
    if origin is Literal:
        return " or ".join(_code(str(a)) for a in args)
    if origin is list:
        return f"list of {type_text(args[0])}"
    if origin is dict:
        if args and args[1] is Any:
            return "mapping"
        return f"map of {type_text(args[0])} to {type_text(args[1])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return _link(annotation) if annotation in _ANCHORED else annotation.__name__
    names: dict[Any, str] = {
        str: "string", int: "integer", bool: "boolean", float: "number", Any: "any value",
        IPv4Address: "IPv4 address", IPv4Network: "IPv4 CIDR",
    }
    if annotation in names:
        return names[annotation]
    raise TypeError(f"the format reference cannot name the type {annotation!r}; "
                    "teach type_text about it")


def _constraints(info: FieldInfo) -> list[str]:
    out: list[str] = []
    low = next((m.ge for m in info.metadata if isinstance(m, Ge)), None)
    high = next((m.le for m in info.metadata if isinstance(m, Le)), None)
    if low is not None and high is not None:
        out.append(f"{low} to {high}")
    elif low is not None:
        out.append(f"≥ {low}")
    elif high is not None:
        out.append(f"≤ {high}")
    for item in info.metadata:
        if isinstance(item, (Ge, Le)):
            continue
        if isinstance(item, MinLen):
            out.append(f"at least {item.min_length} item{'s' * (item.min_length != 1)}"
                       if info.annotation is not str and get_origin(info.annotation) is list
                       else f"at least {item.min_length} character"
                       f"{'s' * (item.min_length != 1)}")
        elif isinstance(item, MaxLen):
            out.append(f"at most {item.max_length} characters")
        elif isinstance(pattern := getattr(item, "pattern", None), str):
            out.append(f"matches {_code(pattern)}")
    return out


# ---------------------------------------------------------------------- defaults

_PLAIN = re.compile(r"^[A-Za-z0-9_./:-]+$")


def _yaml(value: Any) -> str:
    """A default value in YAML flow style, the way a level file would write it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, BaseModel):
        return _yaml(value.model_dump(mode="json", by_alias=True, exclude_defaults=True))
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_yaml(k)}: {_yaml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_yaml(v) for v in value) + "]"
    text = str(value)
    if _PLAIN.match(text) and text not in ("true", "false", "null", "yes", "no"):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _default(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    if info.is_required() or (model in EDITS and name == "op"):
        # ``op`` has a default in Python, but it is the union's discriminator: a file must
        # say which edit it means.
        return "**required**"
    if info.default_factory is not None:
        value: Any = info.default_factory()  # type: ignore[call-arg]
    elif info.default is PydanticUndefined:
        return "**required**"
    else:
        value = info.default
    if value is None:
        return "*unset*"
    if value == "":
        return '`""`'
    return _code(_yaml(value))


def _key(name: str, info: FieldInfo) -> str:
    if info.alias and info.alias != name:
        return f"{_code(info.alias)} (`{name}` in Python)"
    return _code(name)


def field_rows(model: type[BaseModel]) -> list[list[str]]:
    """key, type (with constraints), default, description — one row per field."""
    rows: list[list[str]] = []
    for name, info in model.model_fields.items():
        kind = type_text(info.annotation)
        limits = _constraints(info)
        if limits:
            kind += ", " + ", ".join(limits)
        rows.append([_key(name, info), kind, _default(model, name, info),
                     _prose(info.description or "")])
    return rows


def _model_section(model: type[BaseModel], intro: str, level: str = "###") -> list[str]:
    return [f"{level} {model.__name__}", "", intro, "",
            *_table(("key", "type", "default", "description"), field_rows(model)), ""]


# ------------------------------------------------------------------------- pages


def _kind_rows() -> list[list[str]]:
    rows: list[list[str]] = []
    for kind, model in KNOWN_KINDS.items():
        api = model.model_fields["apiVersion"].default
        low = kind.lower()
        if kind in NAMESPACED_KINDS:
            scope, ref = "namespaced", f"{low}/NS/NAME"
        else:
            scope, ref = "cluster", f"{low}/NAME"
        rows.append([_code(kind), _code(str(api)), scope, _code(ref)])
    return rows


def _doc_paragraph(model: type[BaseModel]) -> str:
    """The docstring's first paragraph, with reStructuredText ``code`` made Markdown."""
    doc = (model.__doc__ or "").strip()
    return " ".join(doc.split("\n\n", 1)[0].split()).replace("``", "`")


def format_reference(reason_docs: Mapping[Any, str] | None = None) -> str:
    """The whole reference page.

    Reason codes are part of the public contract (``check --json`` prints them),
    so the page lists them; they live in ``engine/trace.py``, a stdlib-only
    vocabulary module, imported at call time so that importing the model layer
    never pulls in the engine. Tests may pass their own table.
    """
    if reason_docs is None:
        from k8snet_tui.engine.trace import REASON_DOCS

        reason_docs = REASON_DOCS
    out: list[str] = [
        f"# Level format reference (`{FORMAT}`)",
        "",
        f"> Generated from the models by `{COMMAND}`; do not edit by hand. The tutorial, "
        "the flow reference grammar, the edit language in prose and the engine's rules "
        "are in [authoring.md](authoring.md).",
        "",
        "Every key below is the spelling a YAML file uses. *Required* keys must be "
        "present; every other key may be left out and takes the default shown. Keys "
        "that are not listed are errors in these sections (typos never pass silently), "
        "but unknown fields inside Kubernetes manifests are ignored, as the API server "
        "would. `k8snet-tui schema` (level files) and `k8snet-tui schema --pack` "
        "(`pack.yaml`) print the same models as JSON Schema.",
        "",
        "## Contents",
        "",
        *(f"- {_link(m)}" for m, _ in SECTIONS),
        "- [Edits](#edits): " + ", ".join(f"[{e.__name__}](#{_anchor(e)})" for e in EDITS),
        "- [Kubernetes kinds](#kubernetes-kinds)",
        "- [Reason codes](#reason-codes)",
        "",
        "## The format's own sections",
        "",
    ]
    for model, intro in SECTIONS:
        out += _model_section(model, intro)
    out += [
        "## Edits",
        "",
        "`puzzle.solution` is a list of edits; the game records the player's moves in the "
        "same language (undo, saves, score). Each edit is a mapping told apart by `op`. "
        "References (`ref`) are `kind/NS/NAME`, `kind/NAME` (namespace `default`, or a "
        "cluster-scoped kind) or `node/NAME`; kubectl's short names (`svc`, `deploy`, "
        "`netpol` …) are accepted.",
        "",
    ]
    for edit in EDITS:
        op = edit.model_fields["op"].default
        out += _model_section(edit, f"`op: {op}` — {_doc_paragraph(edit)}")
    out += [
        "## Kubernetes kinds",
        "",
        "`resources:` (and files pulled in with `include:`) hold ordinary manifests. "
        "These kinds are modelled; field names are Kubernetes' own. `kind: List` (and "
        "typed lists such as `PodList`) stand for their `items`. Any other kind "
        "(ConfigMap, ServiceAccount, …) is accepted, ignored by the engine and reported as a "
        "warning. Secrets are modelled only as Gateway listener certificates (existence, "
        "namespace, `type`); one no listener names gets the same warning. The reference form "
        "is how flows, edits and locks name an object.",
        "",
        *_table(("kind", "default apiVersion", "scope", "reference"), _kind_rows()),
        "",
        "## Reason codes",
        "",
        "A failing flow carries exactly one reason code (`reason` in `check --json`). "
        "They are stable: new codes may be added, existing ones keep their meaning.",
        "",
        *_table(("code", "meaning"),
                ([_code(str(getattr(code, "value", code))), _prose(text)]
                 for code, text in reason_docs.items())),
    ]
    return "\n".join(out) + "\n"


def main() -> int:
    sys.stdout.write(format_reference())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
