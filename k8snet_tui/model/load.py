"""YAML → validated level, with every problem located at ``file:line:column``.

Three entry points: ``load_level`` (a level file), ``load_level_text`` (the same
from a string, for tests and the editor) and ``load_manifests`` (plain
Kubernetes YAML — ``kubectl get -o yaml`` output, Helm-rendered files — read
as a level with the default cluster and no flows). All raise ``LevelError``
carrying every problem found, never a traceback.
"""

from __future__ import annotations

import errno
import fnmatch
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from k8snet_tui import FORMAT
from k8snet_tui.model.level import LevelFile
from k8snet_tui.model.limits import (
    MAX_FILE_BYTES,
    MAX_FLOWS,
    MAX_GLOB_ENTRIES,
    MAX_INCLUDED_BYTES,
    MAX_INCLUDED_FILES,
    MAX_NODES,
    MAX_RESOURCES,
    MIB,
    count,
)
from k8snet_tui.model.modelkeys import keys_at
from k8snet_tui.model.observed import observed_cluster
from k8snet_tui.model.problems import LevelError, Loc, Problem, errors_only
from k8snet_tui.model.strict import level_unknown_fields
from k8snet_tui.model.suggest import did_you_mean
from k8snet_tui.model.world import World, build_world
from k8snet_tui.model.yamlsource import (
    MarkTable,
    YamlError,
    not_regular,
    read_documents,
    read_file_text,
)

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
__all__ = ["MAX_INCLUDED_FILES", "LoadedLevel", "load_any", "load_level", "load_level_text",
           "load_manifests"]


@dataclass
class LoadedLevel:
    """A level that passed validation: the file as models plus its concrete world."""

    spec: LevelFile
    world: World
    warnings: list[Problem] = field(default_factory=list)
    path: Path | None = None
    raw: Any = None
    marks: MarkTable = field(default_factory=MarkTable)
    # Read from a real cluster's output (``kubectl get -o yaml``): status that a
    # controller wrote (LoadBalancer addresses, an Accepted GatewayClass) counts, and
    # keeps counting after edits.
    plain: bool = False

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
        key = str(loc[-1]) if loc else "?"
        return f'unknown key "{key}"{did_you_mean(key, keys_at(LevelFile, loc[:-1]))}'
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
        if kind == "literal_error" and isinstance(value, str):
            msg += did_you_mean(value, re.findall(r"'([^']*)'", str(err.get("ctx", {})
                                                                   .get("expected", ""))))
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


class _IncludeRefused(Exception):
    """A pattern that cannot be expanded; the message says why."""


def _check_pattern(pattern: str) -> str | None:
    """Why an ``include:`` pattern is refused before it touches the disk, or None."""
    if "\0" in pattern:
        return f"{pattern!r} contains a NUL byte; refused"
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        return (f'"{pattern}" points outside the level\'s folder; only paths inside it may be '
                "included")
    for part in Path(pattern).parts:
        if "**" in part and part != "**":
            return (f'"{pattern}": "**" must be a whole path component ("a/**/b.yaml"), not '
                    f'part of "{part}"')
    return None


class _Walk:
    """Expands ``include:`` globs with a bounded walk of the level's folder.

    ``*``, ``?`` and ``[…]`` match within one path component, ``**`` any number of
    folders. ``**`` never descends through a symbolic link, so a link loop cannot send it
    round for ever, and the whole walk looks at no more than ``MAX_GLOB_ENTRIES``
    directory entries.
    """

    def __init__(self) -> None:
        self.entries = 0

    def _list(self, folder: Path) -> list[os.DirEntry[str]]:
        try:
            with os.scandir(folder) as it:
                found = []
                for entry in it:
                    self.entries += 1
                    if self.entries > MAX_GLOB_ENTRIES:
                        raise _IncludeRefused(
                            f"the include globs look at more than {count(MAX_GLOB_ENTRIES)} "
                            f"folder entries; the limit is {count(MAX_GLOB_ENTRIES)}")
                    found.append(entry)
                return found
        except OSError:
            return []  # not a folder, unreadable or gone: nothing matches there

    def _below(self, folder: Path) -> list[Path]:
        """``folder`` and every real (not linked) folder under it."""
        out = [folder]
        todo = [folder]
        while todo:
            here = todo.pop()
            for entry in self._list(here):
                try:
                    if entry.is_dir(follow_symlinks=False):
                        out.append(Path(entry.path))
                        todo.append(Path(entry.path))
                except OSError:
                    continue
        return out

    def expand(self, root: Path, pattern: str) -> list[Path]:
        current = [root]
        for part in Path(pattern).parts:
            if part == "**":
                current = [d for c in current for d in self._below(c)]
            elif any(c in part for c in "*?["):
                current = [Path(e.path) for c in current for e in self._list(c)
                           if fnmatch.fnmatchcase(e.name, part)]
            else:
                current = [c / part for c in current]
            if len(current) > MAX_GLOB_ENTRIES:
                raise _IncludeRefused(f"the include globs match more than "
                                      f"{count(MAX_GLOB_ENTRIES)} paths; the limit is "
                                      f"{count(MAX_GLOB_ENTRIES)}")
        return sorted(set(current))


@dataclass
class _Included:
    path: Path  # as matched, inside the level's folder
    resolved: Path
    size: int
    index: int  # which include entry matched it


def _resolve(path: Path) -> Path | str:
    """The real path, or why there is none (a link loop, a broken link)."""
    try:
        return path.resolve(strict=True)
    except RuntimeError:  # Python < 3.13 reports a link loop this way
        return "is a symbolic link loop"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link loop"
        return "does not exist" if exc.errno in (errno.ENOENT, errno.ENOTDIR) else \
            f"cannot be read ({exc.strerror})"


def _include(raw: dict[str, Any], base: Path | None, marks: MarkTable,
             level_path: Path | None = None) -> list[Problem]:
    """Read the ``include:`` files into ``resources`` (in place); report problems.

    Every pattern is expanded and every match stat'ed first; the number of files and
    their total size are checked against the limits before any file is parsed. Then
    the lists about to be validated are counted (see ``_check_sizes``).
    """
    problems = _read_includes(raw, base, marks, level_path)
    problems.extend(_check_sizes(raw))
    return problems


def _check_sizes(raw: dict[str, Any]) -> list[Problem]:
    """Refuse more resources or flows than the limits allow before they are validated:
    the list is dropped, so nothing downstream spends time or memory on it."""
    problems: list[Problem] = []
    resources = raw.get("resources")
    if isinstance(resources, list):
        n = _count_objects(resources)
        if n > MAX_RESOURCES:
            problems.append(Problem(f"{count(n)} objects in resources (with included files and "
                                    f"List items); the limit is {count(MAX_RESOURCES)}",
                                    ("resources",), code="limit"))
            raw["resources"] = []
    cluster = raw.get("cluster")
    nodes = cluster.get("nodes") if isinstance(cluster, dict) else None
    if isinstance(nodes, list) and len(nodes) > MAX_NODES:
        problems.append(Problem(f"{count(len(nodes))} nodes; the limit is {count(MAX_NODES)}",
                                ("cluster", "nodes"), code="limit"))
        cluster["nodes"] = nodes[:1]  # type: ignore[index]
    flows = raw.get("flows")
    if isinstance(flows, list) and len(flows) > MAX_FLOWS:
        problems.append(Problem(f"{count(len(flows))} flows; the limit is {count(MAX_FLOWS)}",
                                ("flows",), code="limit"))
        raw["flows"] = []
    return problems


def _count_objects(items: list[Any]) -> int:
    """How many objects ``_flatten_lists`` will make of ``items``, without copying them."""
    n = 0
    todo = [items]
    while todo:
        for item in todo.pop():
            kind = item.get("kind") if isinstance(item, dict) else None
            if isinstance(kind, str) and kind.endswith("List") and isinstance(
                    item.get("items"), list):
                todo.append(item["items"])
            else:
                n += 1
    return n


def _read_includes(raw: dict[str, Any], base: Path | None, marks: MarkTable,
                   level_path: Path | None) -> list[Problem]:
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
    own = level_path.resolve() if level_path is not None else None
    walk = _Walk()
    chosen: list[_Included] = []
    for i, pattern in enumerate(includes):
        if not isinstance(pattern, str):
            continue
        why = _check_pattern(pattern)
        if why is not None:
            problems.append(Problem(why, ("include", i)))
            continue
        try:
            matches = walk.expand(root, pattern) if any(c in pattern for c in "*?[") else \
                [root / pattern]
        except _IncludeRefused as exc:
            problems.append(Problem(str(exc), ("include", i), code="limit"))
            return problems
        found = False
        for path in matches:
            real = _resolve(path)
            if isinstance(real, str):
                if not path.is_symlink() and real == "does not exist" and path != root / pattern:
                    continue  # a glob's match that vanished
                found = True
                shown = path.relative_to(root)
                problems.append(Problem(f'"{shown}" {real}', ("include", i)))
                continue
            if own is not None and real == own:
                continue  # a glob such as *.yaml beside the level: the level is no manifest
            if not real.is_relative_to(root):
                found = True
                problems.append(Problem(f'"{pattern}" resolves outside the level\'s folder '
                                        "(through a link?); refused", ("include", i)))
                continue
            try:
                info = os.stat(real)
            except OSError as exc:
                found = True
                problems.append(Problem(f'"{path.relative_to(root)}" cannot be read '
                                        f"({exc.strerror})", ("include", i)))
                continue
            what = not_regular(info.st_mode)
            if what is not None:
                if path != root / pattern and stat.S_ISDIR(info.st_mode):
                    continue  # a glob such as * also matches folders: skip them
                found = True
                problems.append(Problem(f'"{path.relative_to(root)}" is {what}, not a regular '
                                        "file; refused", ("include", i)))
                continue
            found = True
            if info.st_size > MAX_FILE_BYTES:
                problems.append(Problem(f"file is larger than {MAX_FILE_BYTES // MIB} MiB; "
                                        "refused", file=str(base / path.relative_to(root)),
                                        code="yaml"))
                continue
            chosen.append(_Included(path, real, info.st_size, i))
        if not found:
            problems.append(Problem(f'"{pattern}" matches no file', ("include", i)))
    if len(chosen) > MAX_INCLUDED_FILES:
        last = chosen[MAX_INCLUDED_FILES].index
        problems.append(Problem(f"the include patterns match {count(len(chosen))} files; the "
                                f"limit is {count(MAX_INCLUDED_FILES)}", ("include", last),
                                code="limit"))
        return problems
    total = sum(f.size for f in chosen)
    if total > MAX_INCLUDED_BYTES:
        problems.append(Problem(f"the included files hold {count(total)} bytes together; the "
                                f"limit is {count(MAX_INCLUDED_BYTES)} "
                                f"({MAX_INCLUDED_BYTES // MIB} MiB)", ("include",),
                                code="limit"))
        return problems
    for inc in chosen:
        # Named the way the level file was named, so the path opens from where the
        # user ran the command.
        display = str(base / inc.path.relative_to(root))
        try:
            docs = read_documents(read_file_text(str(inc.resolved), display), display, marks)
        except YamlError as exc:
            problems.append(exc.problem)
            if exc.problem.code == "yaml" and "YAML values" in exc.problem.message:
                return problems  # the shared value budget is spent: the rest cannot fit
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
    return LoadedLevel(spec, world, located, path, raw, marks, plain=lenient)


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
    are created with pod ranges that hold their pods' ``status.podIP``
    (``observed``), and addresses that still do not fit are re-assigned with a
    warning instead of failing.
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
    cluster = observed_cluster(resources)
    raw: dict[str, Any] = {
        "format": "k8snet/v1",
        "id": _slug(root.stem if root.is_file() else root.name),
        "title": str(root),
        "resources": resources,
        "flows": [],
    }
    if cluster is not None:
        raw["cluster"] = cluster
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
