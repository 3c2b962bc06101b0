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

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from k8snet_tui.model.problems import Loc, Problem

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Larger files are refused: levels are small and manifests rarely exceed a few MB."""
MAX_VALUES_PER_BYTE = 4
"""Alias bombs expand to far more values than their text could hold."""
MAX_DEPTH = 64
"""Kubernetes objects nest a dozen levels; anything this deep is hostile or broken."""

_STR = "tag:yaml.org,2002:str"
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
                                  "allows (an alias bomb?); refused")
        if depth > MAX_DEPTH:
            raise self.fail(node, f"nested more than {MAX_DEPTH} levels deep; refused")
        if isinstance(node, yaml.ScalarNode):
            if node.tag == _STR:
                return node.value
            if node.tag == "tag:yaml.org,2002:timestamp":
                return node.value  # Kubernetes timestamps are strings
            if node.tag not in _PLAIN_TAGS:
                raise self.fail(node, f"unsupported YAML tag {node.tag}")
            return SafeConstructor.yaml_constructors[node.tag](self.constructor, node)
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
    r"""([^'"\s,{}\[\]][^,{}\n]*?\[[^,{}\n]*?)"""  # an unquoted value holding "["
    r"""(?=\s*[,}])"""
)


def _quote_flow_paths(text: str) -> tuple[str, list[int]]:
    """Quote ``path:`` values with brackets inside ``{…}`` (1-based lines changed).

    DESIGN.md writes solution steps as ``{op: set, path: spec.ports[0].targetPort}``;
    strict YAML ends a plain scalar at ``[`` inside a flow mapping, so such a line
    would not parse. Authors (and tools) copy that example, so it is read as meant.
    """
    lines: list[int] = []

    def quote(match: re.Match[str]) -> str:
        lines.append(text.count("\n", 0, match.start()) + 1)
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
        raise YamlError(Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                                "refused", file=filename, code="yaml"))
    builder = _Builder(filename, max(10_000, len(text) * MAX_VALUES_PER_BYTE), table)
    docs: list[Any] = []
    try:
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


def read_file_text(path: str, display: str | None = None) -> str:
    """Read a file for loading, refusing oversized or undecodable input politely."""
    import os

    name = display or path
    try:
        size = os.path.getsize(path)
    except OSError as exc:
        raise YamlError(Problem(f"cannot read: {exc.strerror}", file=name, code="io")) from None
    if size > MAX_FILE_BYTES:
        raise YamlError(Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                                "refused", file=name, code="yaml"))
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise YamlError(Problem(f"cannot read: {exc.strerror}", file=name, code="io")) from None
    if len(data) > MAX_FILE_BYTES:  # grew after the size check
        raise YamlError(Problem(f"file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                                "refused", file=name, code="yaml"))
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
