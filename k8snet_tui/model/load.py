"""YAML → validated level, with every problem located at ``file:line:column``.

Three entry points: ``load_level`` (a level file), ``load_level_text`` (the same
from a string, for tests and the editor) and ``load_manifests`` (plain
Kubernetes YAML — ``kubectl get -o yaml`` output, Helm-rendered files — read
as a level with the default cluster and no flows). All raise ``LevelError``
carrying every problem found, never a traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from k8snet_tui import FORMAT
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.problems import LevelError, Loc, Problem, errors_only
from k8snet_tui.model.strict import level_unknown_fields
from k8snet_tui.model.world import World, build_world
from k8snet_tui.model.yamlsource import MarkTable, YamlError, read_documents, read_file_text

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
MAX_INCLUDED_FILES = 500


@dataclass
class LoadedLevel:
    """A level that passed validation: the file as models plus its concrete world."""

    spec: LevelFile
    world: World
    warnings: list[Problem] = field(default_factory=list)
    path: Path | None = None
    raw: Any = None
    marks: MarkTable = field(default_factory=MarkTable)

    @property
    def id(self) -> str:
        return self.spec.id

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        return locate_problems(problems, self.raw, self.marks, _display(self.path))


def _display(path: Path | None) -> str | None:
    return str(path) if path is not None else None


def _message(err: Any) -> str:
    kind = err.get("type", "")
    loc = err.get("loc", ())
    if kind == "extra_forbidden":
        return f'unknown key "{loc[-1] if loc else "?"}"'
    if kind == "missing":
        return f'required key "{loc[-1] if loc else "?"}" is missing'
    msg = str(err.get("msg", "invalid value"))
    msg = msg.removeprefix("Value error, ")
    if kind in ("union_tag_invalid", "literal_error", "string_type", "int_type", "bool_type",
                "int_parsing", "bool_parsing", "dict_type", "list_type", "model_type",
                "ip_v4_network",
                "ip_v4_address", "string_pattern_mismatch", "greater_than_equal",
                "less_than_equal", "ip_v4_interface", "too_short", "string_too_long"):
        value = err.get("input")
        if not isinstance(value, (dict, list)):
            msg = f"{msg} (got {value!r})"
    return msg


def locate_problems(problems: Iterable[Problem], raw: Any, marks: MarkTable,
                    filename: str | None) -> list[Problem]:
    """Give each problem that has a ``loc`` its file, line and column."""
    out: list[Problem] = []
    for p in problems:
        # A problem that already names its file (an included file that could not be read)
        # is placed; locating it inside the level's data would blame the level file.
        if p.line is not None or p.file is not None or raw is None:
            out.append(p if p.file else Problem(p.message, p.loc, p.severity, filename, p.line,
                                                p.column, p.code))
            continue
        mark, clean = marks.locate(raw, p.loc, at_key=p.code == "unknown-key")
        out.append(Problem(
            p.message,
            clean,
            p.severity,
            mark.file if mark and mark.file else filename,
            mark.line if mark else None,
            mark.column if mark else None,
            p.code,
        ))
    return out


_SCALAR_BRANCHES = frozenset({"str", "int", "float", "bool"})


def _is_scalar_branch_noise(err: Any, errors: list[Any]) -> bool:
    """A union like ``str | EditableSpec`` reports every branch. When the mapping branch
    has its own complaint, "should be a valid string" about that mapping is noise."""
    loc = err["loc"]
    if not loc or loc[-1] not in _SCALAR_BRANCHES or not isinstance(err.get("input"), dict):
        return False
    head = loc[:-1]
    return any(other is not err and other["loc"][:len(head)] == head for other in errors)


def validation_problems(exc: ValidationError) -> list[Problem]:
    problems = []
    errors = exc.errors()
    for err in errors:
        if _is_scalar_branch_noise(err, errors):
            continue
        loc: Loc = tuple(x for x in err["loc"] if isinstance(x, (str, int)))
        # Pydantic reports a failed union member by its function name; drop that noise.
        loc = tuple(x for x in loc if not (isinstance(x, str) and x.startswith("function-")))
        code = "unknown-key" if err["type"] == "extra_forbidden" else "schema"
        problems.append(Problem(_message(err), loc, code=code))
    return problems


def _flatten_lists(items: list[Any]) -> list[Any]:
    """``kind: List`` objects (kubectl's output) and typed lists such as ``PodList`` (the
    API server's) stand for their items."""
    out: list[Any] = []
    for item in items:
        kind = item.get("kind") if isinstance(item, dict) else None
        if isinstance(kind, str) and kind.endswith("List") and isinstance(
                item.get("items"), list):
            out.extend(_flatten_lists(item["items"]))
        elif item is not None:
            out.append(item)
    return out


def _include(raw: dict[str, Any], base: Path | None, marks: MarkTable,
             level_path: Path | None = None) -> list[Problem]:
    """Read the ``include:`` files into ``resources`` (in place); report problems."""
    includes = raw.get("include")
    if not includes:
        return []
    if not isinstance(includes, list):
        return []  # the schema reports the type error
    problems: list[Problem] = []
    if base is None:
        return [Problem("include needs a level file on disk", ("include",))]
    root = base.resolve()
    resources = raw.setdefault("resources", [])
    if not isinstance(resources, list):
        return []
    files_read = 0
    for i, pattern in enumerate(includes):
        if not isinstance(pattern, str):
            continue
        if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
            problems.append(Problem(f'"{pattern}" points outside the level\'s folder; only '
                                    "paths inside it may be included", ("include", i)))
            continue
        matches = sorted(root.glob(pattern)) if any(c in pattern for c in "*?[") else \
            [root / pattern]
        matches = [m for m in matches if m.is_file() or not m.exists()]
        if not matches:
            problems.append(Problem(f'"{pattern}" matches no file', ("include", i)))
            continue
        for path in matches:
            resolved = path.resolve()
            if level_path is not None and resolved == level_path.resolve():
                continue  # a glob such as *.yaml beside the level: the level is no manifest
            if not resolved.is_relative_to(root):
                problems.append(Problem(f'"{pattern}" resolves outside the level\'s folder '
                                        "(through a link?); refused", ("include", i)))
                continue
            if not resolved.exists():
                problems.append(Problem(f'"{pattern}" does not exist', ("include", i)))
                continue
            files_read += 1
            if files_read > MAX_INCLUDED_FILES:
                problems.append(Problem(f"more than {MAX_INCLUDED_FILES} included files; "
                                        "refused", ("include", i)))
                return problems
            # Named the way the level file was named, so the path opens from where the
            # user ran the command.
            display = str(base / path.relative_to(root))
            try:
                docs = read_documents(read_file_text(str(resolved), display), display, marks)
            except YamlError as exc:
                problems.append(exc.problem)
                continue
            resources.extend(_flatten_lists(docs))
    return problems


def format_problem(raw: dict[str, Any], what: str) -> Problem | None:
    """A clear refusal for a file written for another version of the format."""
    declared = raw.get("format")
    if isinstance(declared, str) and declared.startswith("k8snet/") and declared != FORMAT:
        return Problem(f"this {what} needs format {declared}, but this k8snet-tui reads "
                       f"{FORMAT}: upgrade k8snet-tui (or ask the author for a {FORMAT} "
                       "version)", ("format",), code="format-version")
    return None


def _finish(raw: Any, marks: MarkTable, filename: str | None, base: Path | None,
            path: Path | None, *, lenient: bool = False) -> LoadedLevel:
    if not isinstance(raw, dict):
        raise LevelError([Problem("a level file must be a YAML mapping (format, id, flows …)",
                                  file=filename, line=1, column=1)])
    version = format_problem(raw, "level")
    if version is not None:
        raise LevelError(locate_problems([version], raw, marks, filename))
    problems = [*marks.warnings, *_include(raw, base, marks, path)]
    if isinstance(raw.get("resources"), list):
        raw["resources"] = _flatten_lists(raw["resources"])
    try:
        spec = LevelFile.model_validate(raw)
    except ValidationError as exc:
        problems.extend(validation_problems(exc))
        raise LevelError(locate_problems(problems, raw, marks, filename)) from None
    world, more = build_world(spec, lenient=lenient)
    problems.extend(more)
    problems.extend(level_unknown_fields(spec.resources))
    located = locate_problems(problems, raw, marks, filename)
    if errors_only(located):
        raise LevelError(located)
    return LoadedLevel(spec, world, located, path, raw, marks)


def load_level_text(text: str, filename: str | None = None, base: Path | None = None,
                    path: Path | None = None) -> LoadedLevel:
    """Load a level from YAML text. ``base`` is the folder ``include:`` is relative to."""
    marks = MarkTable()
    try:
        docs = read_documents(text, filename, marks)
    except YamlError as exc:
        raise LevelError([exc.problem]) from None
    docs = [d for d in docs if d is not None]
    if len(docs) != 1:
        raise LevelError([Problem(
            f"a level file holds exactly one YAML document, found {len(docs)}",
            file=filename, line=1, column=1)])
    return _finish(docs[0], marks, filename, base, path)


def load_level(path: str | Path) -> LoadedLevel:
    """Load a level file from disk."""
    p = Path(path)
    try:
        text = read_file_text(str(p))
    except YamlError as exc:
        raise LevelError([exc.problem]) from None
    return load_level_text(text, str(p), p.parent, p)


def is_level_document(doc: Any) -> bool:
    return isinstance(doc, dict) and "format" in doc and "kind" not in doc


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:60] or "manifests"


def _manifest_files(path: Path) -> list[Path]:
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and
                       p.suffix.lower() in MANIFEST_SUFFIXES and p.name != "pack.yaml")
        return [f for f in files if f.resolve().is_relative_to(path.resolve())]
    return [path]


def load_manifests(path: str | Path) -> LoadedLevel:
    """Plain Kubernetes manifests (a file or a folder) as a level with no flows.

    Real clusters' output is read leniently: nodes named by ``spec.nodeName``
    are created, and pod or Service addresses outside the default ranges are
    re-assigned with a warning instead of failing.
    """
    root = Path(path)
    marks = MarkTable()
    docs: list[Any] = []
    problems: list[Problem] = []
    files = _manifest_files(root)
    if not files:
        raise LevelError([Problem("no .yaml, .yml or .json files found", file=str(root))])
    for f in files:
        try:
            docs.extend(read_documents(read_file_text(str(f)), str(f), marks))
        except YamlError as exc:
            problems.append(exc.problem)
    if problems:
        raise LevelError(problems)
    resources = [d for d in _flatten_lists(docs) if isinstance(d, dict)]
    node_names: list[str] = []
    for res in resources:
        spec = res.get("spec")
        if not isinstance(spec, dict):
            continue
        for candidate in (spec, (spec.get("template") or {}).get("spec")):
            if isinstance(candidate, dict):
                node = candidate.get("nodeName")
                if isinstance(node, str) and node and node not in node_names:
                    node_names.append(node)
    raw: dict[str, Any] = {
        "format": "k8snet/v1",
        "id": _slug(root.stem if root.is_file() else root.name),
        "title": str(root),
        "resources": resources,
        "flows": [],
    }
    if node_names:
        raw["cluster"] = {"nodes": [{"name": n} for n in node_names]}
    return _finish(raw, marks, str(root), None, root, lenient=True)


def load_any(path: str | Path) -> LoadedLevel:
    """A level file, or — when the file is not one — plain manifests."""
    p = Path(path)
    if p.is_dir():
        return load_manifests(p)
    try:
        text = read_file_text(str(p))
    except YamlError as exc:
        raise LevelError([exc.problem]) from None
    marks = MarkTable()
    try:
        docs = [d for d in read_documents(text, str(p), marks) if d is not None]
    except YamlError as exc:
        raise LevelError([exc.problem]) from None
    if len(docs) == 1 and is_level_document(docs[0]):
        return _finish(docs[0], marks, str(p), p.parent, p)
    return load_manifests(p)
