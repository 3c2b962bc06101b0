"""Safe YAML reading that remembers where every value came from.

PyYAML's composer gives nodes with marks; we build plain Python values from
them ourselves so that (1) only safe, plain tags are ever constructed, (2) alias
expansion and nesting are bounded — a "billion laughs" file is refused, not
obeyed — and (3) a side table remembers the line and column of every mapping
key and sequence item, so a pydantic error location can be turned back into
``file:line:column``. libyaml's C loader is used when present (≈4× faster on
large files) and keeps the same marks.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from k8snet_tui.model.limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NUMBER_DIGITS,
    MAX_VALUES_PER_BYTE,
    MAX_YAML_VALUES,
    MIB,
    MIN_VALUE_BUDGET,
    count,
)
from k8snet_tui.model.problems import Loc, Problem

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_VALUES_PER_BYTE", "Mark", "MarkTable",
           "YamlError", "read_documents", "read_file_text"]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NUMBER_TAGS = {_INT, "tag:yaml.org,2002:float"}
_PLAIN_TAGS = {
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:str",
}


@dataclass(frozen=True)
class Mark:
    file: str | None
    line: int  # 1-based
    column: int  # 1-based


class YamlError(Exception):
    """A file that cannot be read as YAML at all; carries one positioned problem."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class MarkTable:
    """Where each key and item of every container came from, keyed by container id.

    PyYAML's own mark objects are kept as they are and turned into ``Mark`` only
    when a problem is located: most loads never need a single position.
    """

    _entries: dict[int, tuple[Any, str | None, Any, dict[Any, Any]]] = field(
        default_factory=dict)
    _keys: dict[int, dict[Any, Any]] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    values: int = 0
    """Values read into this table so far (aliases expanded), against ``MAX_YAML_VALUES``:
    a level and the files it includes share one table, so they share the limit."""

    def record(self, container: Any, filename: str | None, own: Any, children: dict[Any, Any],
               keys: dict[Any, Any] | None = None) -> None:
        # Keeping the container itself alive guarantees its id is not reused.
        self._entries[id(container)] = (container, filename, own, children)
        if keys:
            self._keys[id(container)] = keys

    @staticmethod
    def _mark(filename: str | None, raw: Any) -> Mark:
        return Mark(filename, raw.line + 1, raw.column + 1)

    def own(self, container: Any) -> Mark | None:
        entry = self._entries.get(id(container))
        return self._mark(entry[1], entry[2]) if entry else None

    def child(self, container: Any, key: Any) -> Mark | None:
        entry = self._entries.get(id(container))
        if entry is None:
            return None
        raw = entry[3].get(key)
        return self._mark(entry[1], raw) if raw is not None else None

    def key_mark(self, container: Any, key: Any) -> Mark | None:
        entry = self._entries.get(id(container))
        raw = self._keys.get(id(container), {}).get(key)
        return self._mark(entry[1], raw) if entry is not None and raw is not None else None

    def merge(self, other: MarkTable) -> None:
        self._entries.update(other._entries)
        self._keys.update(other._keys)
        self.values += other.values

    def locate(self, data: Any, loc: Loc, *, at_key: bool = False) -> tuple[Mark | None, Loc]:
        """The closest known mark for ``loc`` inside ``data``, and the loc cleaned of
        parts that are not in the data (pydantic's union tags).

        ``at_key`` points at the last mapping key itself rather than its value: an
        unknown key is wrong as a key, whatever value it holds.
        """
        best = self.own(data)
        clean: list[str | int] = []
        node = data
        last: tuple[Any, Any] | None = None
        for part in loc:
            last = None
            child: Any
            if isinstance(node, dict) and part in node:  # noqa: SIM114 (mypy narrows apart)
                child = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                child = node[part]
            elif isinstance(node, dict) and isinstance(part, str) and (
                    part[:1].isupper() or part in (node.get("kind"), node.get("op"))):
                continue  # a union tag such as "Service" or "set": not a key of the data
            else:
                clean.append(part)
                node = None
                continue
            mark = self.child(node, part)
            if mark is not None:
                best = mark
            clean.append(part)
            last = (node, part)
            node = child
            own = self.own(node)
            if own is not None and mark is None:
                best = own
        if at_key and last is not None:
            key_mark = self.key_mark(last[0], last[1])
            if key_mark is not None:
                best = key_mark
        return best, tuple(clean)


class _Builder:
    def __init__(self, filename: str | None, budget: int, table: MarkTable) -> None:
        self.filename = filename
        self.budget = budget
        self.table = table
        self.constructor = SafeConstructor()

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.filename, node.start_mark.line + 1, node.start_mark.column + 1)

    def fail(self, node: yaml.Node, message: str) -> YamlError:
        m = self.mark(node)
        return YamlError(Problem(message, file=m.file, line=m.line, column=m.column, code="yaml"))

    def build(self, node: yaml.Node, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise self.fail(node, "the document expands to far more values than its size "
                                  "allows (an alias bomb?); refused")  # _prescan stops it first
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep; refused")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # Kubernetes timestamps are strings
            if node.tag not in _PLAIN_TAGS:
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            if node.tag in _NUMBER_TAGS and len(node.value) > MAX_NUMBER_DIGITS:
                digits = sum(c.isdigit() for c in node.value)
                if digits > MAX_NUMBER_DIGITS:
                    what = "an integer" if node.tag == _INT else "a number"
                    raise self.fail(node, f"{what} of {count(digits)} digits; the limit is "
                                          f"{count(MAX_NUMBER_DIGITS)}")
            try:
                return SafeConstructor.yaml_constructors[node.tag](self.constructor, node)
            except (ValueError, KeyError, TypeError, OverflowError):  # an explicit !!int "x"
                kind = node.tag.rsplit(":", 1)[-1]
                raise self.fail(node, f"{_shorten(node.value)!r} is not a valid {kind}") \
                    from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            items: list[Any] = []
            marks: dict[Any, Any] = {}
            for i, child in enumerate(node.value):
                marks[i] = child.start_mark
                items.append(self.build(child, depth + 1))
            self.table.record(items, self.filename, node.start_mark, marks)
            return items
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            out: dict[Any, Any] = {}
            kmarks: dict[Any, Any] = {}
            keys: dict[Any, Any] = {}
            merged: list[tuple[dict[Any, Any], MarkTable | None]] = []
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    value = self.build(value_node, depth + 1)
                    sources = value if isinstance(value, list) else [value]
                    for src in sources:
                        if not isinstance(src, dict):
                            raise self.fail(value_node, "a << merge needs a mapping")
                        merged.append((src, None))
                    continue
                key = self.build(key_node, depth + 1)
                if isinstance(key, (dict, list)):
                    raise self.fail(key_node, "a mapping key must be a plain value")
                if key in out:
                    raise self.fail(key_node, f'duplicate key "{key}"')
                keys[key] = key_node.start_mark
                kmarks[key] = value_node.start_mark if isinstance(value_node, yaml.ScalarNode) \
                    else key_node.start_mark
                out[key] = self.build(value_node, depth + 1)
            for src, _ in merged:
                for key, value in src.items():
                    out.setdefault(key, value)
            self.table.record(out, self.filename, node.start_mark, kmarks, keys)
            return out
        raise self.fail(node, "unsupported YAML node")  # pragma: no cover



def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class _Frame:
    anchor: str | None
    start: int  # values counted before this list or mapping
    height: int = 1  # levels from here to the deepest leaf below


class _Budget:
    """How many values one file may build, and how to say it when it is exceeded."""

    def __init__(self, text: str, used: int) -> None:
        self.per_byte = max(MIN_VALUE_BUDGET, len(text) * MAX_VALUES_PER_BYTE)
        self.left = MAX_YAML_VALUES - used
        self.limit = min(self.per_byte, self.left)
        self.size = len(text)

    def message(self) -> str:
        if self.per_byte <= self.left:
            return (f"the document expands to more than {count(self.per_byte)} values from "
                    f"{count(self.size)} characters of text (an alias bomb?); the limit is "
                    f"{MAX_VALUES_PER_BYTE} values per character")
        return (f"more than {count(MAX_YAML_VALUES)} YAML values (aliases expanded) in one "
                f"load; the limit is {count(MAX_YAML_VALUES)}")


def _prescan(text: str, filename: str | None, budget: _Budget) -> int:
    """Count the values the stream will build (aliases expanded) and check its nesting,
    from parser events alone: nothing is composed or built, so a hostile file costs
    time in proportion to its size and no memory. Returns the count."""
    loader = _Loader(text)
    total = 0
    stack: list[_Frame] = []
    anchors: dict[str, tuple[int, int]] = {}  # anchor -> (values, height)

    def fail(event: Any, message: str) -> YamlError:
        mark = event.start_mark
        return YamlError(Problem(message, file=filename, line=mark.line + 1,
                                 column=mark.column + 1, code="yaml"))

    def deep(event: Any, through: str = "") -> YamlError:
        return fail(event, f"nested more than {MAX_DEPTH} levels deep{through}; refused")

    try:
        while True:
            event = loader.get_event()
            if event is None:
                break
            if isinstance(event, yaml.DocumentEndEvent):
                anchors.clear()  # anchors are per document
                continue
            if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (total - frame.start, frame.height)
                if stack:
                    stack[-1].height = max(stack[-1].height, frame.height + 1)
                continue
            if isinstance(event, yaml.AliasEvent):
                if any(f.anchor == event.anchor for f in stack):
                    raise fail(event, f'alias *{event.anchor} refers to a list or mapping it '
                                      "is inside (a cycle); refused")
                # An undefined alias: the composer reports it.
                size, height = anchors.get(event.anchor or "", (1, 1))
                if len(stack) + height - 1 > MAX_DEPTH:
                    raise deep(event, f" (through alias *{event.anchor})")
                total += size
            elif isinstance(event, yaml.ScalarEvent):
                total += 1
                if len(stack) > MAX_DEPTH:
                    raise deep(event)
                if event.anchor is not None:
                    anchors[event.anchor] = (1, 1)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                if len(stack) > MAX_DEPTH:
                    raise deep(event)
                stack.append(_Frame(event.anchor, total))
                total += 1
                continue
            else:
                continue
            if total > budget.limit:
                raise fail(event, budget.message())
            if stack:
                stack[-1].height = max(stack[-1].height, 2 if isinstance(
                    event, yaml.ScalarEvent) else height + 1)
    finally:
        loader.dispose()
    return total


def _compose_all(text: str) -> Iterator[yaml.Node]:
    loader = _Loader(text)
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                yield node
    finally:
        loader.dispose()


_FLOW_PATH = re.compile(
    r"""([{,]\s*path:[ \t]*)"""  # "path:" as a key of a flow mapping
    r"""([^'"\s,{}\[\]][^,{}\n]*)"""  # an unquoted value (holding "[", checked below)
    r"""(?=[,}])"""
)
"""Greedy, with nothing after the value to backtrack over: linear in the line's length
(a lazy pattern around the bracket here made an unclosed ``path: a[[[[…`` quadratic)."""


def _quote_flow_paths(text: str) -> tuple[str, list[int]]:
    """Quote ``path:`` values with brackets inside ``{…}`` (1-based lines changed).

    DESIGN.md writes solution steps as ``{op: set, path: spec.ports[0].targetPort}``;
    strict YAML ends a plain scalar at ``[`` inside a flow mapping, so such a line
    would not parse. Authors (and tools) copy that example, so it is read as meant.
    """
    lines: list[int] = []
    seen = [0, 1]  # where line numbers were last counted up to, and the line there

    def quote(match: re.Match[str]) -> str:
        if "[" not in match.group(2):
            return match.group(0)
        seen[1] += text.count("\n", seen[0], match.start())  # matches come in order
        seen[0] = match.start()
        lines.append(seen[1])
        value = match.group(2).rstrip().replace("'", "''")
        return f"{match.group(1)}'{value}'"

    return _FLOW_PATH.sub(quote, text), lines


def read_documents(text: str, filename: str | None, table: MarkTable) -> list[Any]:
    """Every document of a YAML stream as plain values; raises YamlError."""
    try:
        return _read_documents(text, filename, table)
    except YamlError:
        repaired, lines = _quote_flow_paths(text) if "path:" in text else (text, [])
        if not lines:
            raise
        try:
            docs = _read_documents(repaired, filename, table)
        except YamlError:
            pass
        else:
            table.warnings.extend(
                Problem("a path with [ ] inside { } must be quoted in strict YAML; it was read "
                        "as if quoted", file=filename, line=line, severity="warning",
                        code="yaml-quoting") for line in lines)
            return docs
        raise


def _read_documents(text: str, filename: str | None, table: MarkTable) -> list[Any]:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        raise _too_big(filename)
    budget = _Budget(text, table.values)
    builder = _Builder(filename, budget.limit, table)
    docs: list[Any] = []
    try:
        values = _prescan(text, filename, budget)
        for node in _compose_all(text):
            docs.append(builder.build(node))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and mark is not None and mark.index >= len(text):
            # The parser ran off the end (an unclosed "[" or quote): point at what it opened.
            mark = exc.context_mark
        message = " ".join(x for x in (exc.context, exc.problem) if x) or "invalid YAML"
        raise YamlError(Problem(
            f"YAML syntax: {message}",
            file=filename,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
            code="yaml",
        )) from None
    except yaml.reader.ReaderError as exc:
        line, column = _line_column(text, exc.position)
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        raise YamlError(Problem(
            f"YAML: character {shown} is not allowed ({exc.reason})",
            file=filename, line=line, column=column, code="yaml")) from None
    except yaml.YAMLError as exc:
        raise YamlError(Problem(f"YAML: {exc}", file=filename, code="yaml")) from None
    except UnicodeEncodeError as exc:
        # Text handed over by a caller (not read from disk) may hold lone surrogates.
        line, column = _line_column(text, exc.start, chars=True)
        raise YamlError(Problem("not valid Unicode text (a lone surrogate)", file=filename,
                                line=line, column=column, code="yaml")) from None
    except RecursionError:
        raise YamlError(Problem("YAML nests too deeply; refused", file=filename,
                                code="yaml")) from None
    table.values += values
    return docs


def _line_column(text: str, position: int, *, chars: bool = False) -> tuple[int, int]:
    """1-based line and column of a reader error position.

    libyaml counts UTF-8 bytes, the pure-Python reader counts characters.
    """
    if chars or _Loader.__name__ == "SafeLoader":
        prefix = text[:position]
    else:
        prefix = text.encode("utf-8", "surrogatepass")[:position].decode("utf-8", "replace")
    return prefix.count("\n") + 1, len(prefix) - (prefix.rfind("\n") + 1) + 1


_SPECIAL_FILES = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
)


def not_regular(mode: int) -> str | None:
    """What a file is when it is not a regular file ("a FIFO (named pipe)"), else None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in _SPECIAL_FILES if test(mode)), "not a regular file")


def _too_big(name: str | None) -> YamlError:
    return YamlError(Problem(f"file is larger than {MAX_FILE_BYTES // MIB} MiB; refused",
                             file=name, line=1, column=1, code="yaml"))


def check_regular_file(path: str, display: str | None = None) -> int:
    """The size of a regular file, found with ``stat`` alone; raises YamlError for
    anything else. A FIFO, device or socket is refused without being opened: opening a
    FIFO blocks until someone writes to it, and reading a device may never end."""
    name = display or path
    if "\0" in path:
        raise YamlError(Problem("cannot read: the path contains a NUL byte", file=name,
                                code="io"))
    try:
        info = os.stat(path)
    except OSError as exc:
        raise YamlError(Problem(f"cannot read: {exc.strerror}", file=name, code="io")) from None
    what = not_regular(info.st_mode)
    if what is not None:
        raise YamlError(Problem(f"cannot read: this is {what}, not a regular file; refused",
                                file=name, line=1, column=1, code="io"))
    if info.st_size > MAX_FILE_BYTES:
        raise _too_big(name)
    return info.st_size


def read_file_text(path: str, display: str | None = None) -> str:
    """Read a file for loading, refusing special, oversized or undecodable input politely."""
    name = display or path
    check_regular_file(path, display)
    try:
        # O_NONBLOCK: should the file have been swapped for a FIFO since the stat, the
        # open returns at once and the fstat below refuses it.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                     getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            what = not_regular(os.fstat(fh.fileno()).st_mode)
            if what is not None:
                raise YamlError(Problem(f"cannot read: this is {what}, not a regular file; "
                                        "refused", file=name, line=1, column=1, code="io"))
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlError(Problem(f"cannot read: {exc.strerror}", file=name, code="io")) from None
    if len(data) > MAX_FILE_BYTES:  # grew after the size check
        raise _too_big(name)
    try:
        # Decoding the whole file at once keeps the error offset absolute (a text-mode
        # read decodes in chunks), so the position below is the real one.
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        prefix = data[:exc.start]
        line = prefix.count(b"\n") + 1
        column = len(prefix[prefix.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise YamlError(Problem(f"not UTF-8 text (byte {exc.start}: {data[exc.start]:#04x})",
                                file=name, line=line, column=column, code="io")) from None
    # What text-mode reading did: universal newlines.
    return text.replace("\r\n", "\n").replace("\r", "\n")
