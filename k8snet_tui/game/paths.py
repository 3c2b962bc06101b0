"""Field paths: how edits, locks and hints name one field inside an object.

The grammar is the one Kubernetes users already read in error messages and
``kubectl explain``: ``spec.ports[0].targetPort``. Two additions make paths
survive real manifests: a quoted key for map keys that contain dots
(``metadata.labels["app.kubernetes.io/name"]``) and ``[name=http]`` to pick a
list item by its ``name`` field, so a level's solution keeps working if the
author reorders the ports.

Paths address plain JSON data (a model's ``model_dump(mode="json")``), never
pydantic models: edits change the data and let the model validate the result,
so there is exactly one place where "is this a valid Service" is decided.

Paths come from level files, save files and the player, so parsing is one
linear pass with explicit limits (``MAX_PATH_CHARS``, ``MAX_PATH_SEGMENTS``,
``MAX_INDEX_DIGITS``), and walking a path is a loop, never a recursion: a
hostile path is a ``PathError`` with a reason, not a hang or a traceback.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

Segment = str | int
PathLike = str | Sequence[Segment]

_BARE_KEY = re.compile(r"[^.\[\]\"'\s]+")
_INDEX = re.compile(r"-?\d+")
_SELECTOR = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_MISSING: Any = object()

MAX_PATH_CHARS = 1024
"""Longest field path text parsed. The longest real one, a label or annotation key
(253 + 1 + 63 characters) under ``spec.template.metadata``, is under 400."""
MAX_PATH_SEGMENTS = 128
"""Most fields and indexes in one path; level files nest at most 64 levels deep."""
MAX_INDEX_DIGITS = 8
"""Longest list index: ``[99999999]``; a level file (16 MiB) cannot hold a longer list."""
_SHOWN_CHARS = 80


class PathError(ValueError):
    """A field path that cannot be parsed, or does not fit the object it is used on."""


class NameMatch(str):
    """The ``[name=http]`` segment: the list item whose ``name`` field equals this string.

    It is a ``str`` so a parsed path stays a plain tuple of ``str | int``, but it
    never compares equal to a map key of the same text: ``ports[name=http]`` and
    ``ports["http"]`` mean different things.
    """

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return type(other) is NameMatch and str.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash(("NameMatch", str(self)))

    def __repr__(self) -> str:
        return f"NameMatch({str.__repr__(self)})"


def _shown(path: str) -> str:
    """The path as quoted in a message: a hostile one is cut, not echoed whole."""
    if len(path) <= _SHOWN_CHARS:
        return path
    return f"{path[:_SHOWN_CHARS - 20]}… ({len(path):,} characters)"


def _fail(path: str, pos: int, why: str) -> PathError:
    return PathError(f'bad field path "{_shown(path)}": {why} (at character {pos + 1})')


def _quoted(path: str, pos: int) -> tuple[str, int]:
    """Read a quoted string starting at ``pos`` (the quote); a backslash escapes one char."""
    quote = path[pos]
    out: list[str] = []
    i = pos + 1
    while i < len(path):
        c = path[i]
        if c == "\\" and i + 1 < len(path):
            out.append(path[i + 1])
            i += 2
            continue
        if c == quote:
            return "".join(out), i + 1
        out.append(c)
        i += 1
    raise _fail(path, pos, "unterminated quoted key")


def _bracket(path: str, pos: int) -> tuple[Segment, int]:
    """Read ``[0]``, ``["key"]`` or ``[name=value]`` starting at ``pos`` (the ``[``)."""
    i = pos + 1
    seg: Segment
    if i < len(path) and path[i] in "\"'":
        seg, i = _quoted(path, i)
    elif m := _INDEX.match(path, i):
        if m.group().startswith("-"):
            raise _fail(path, i, "list indexes start at 0; negative indexes are not allowed")
        if m.end() - i > MAX_INDEX_DIGITS:
            raise _fail(path, i, f"list index too large (at most {MAX_INDEX_DIGITS} digits, "
                                 f"got {m.end() - i:,})")
        seg, i = int(m.group()), m.end()
    elif m := _SELECTOR.match(path, i):
        if m.group(1) != "name":
            raise _fail(path, i, f"only [name=…] selects a list item by a field "
                                 f"(got [{m.group(1)}=…])")
        i = m.end()
        if i < len(path) and path[i] in "\"'":
            value, i = _quoted(path, i)
        else:
            end = path.find("]", i)
            value = path[i:end] if end >= 0 else ""
            i = end if end >= 0 else len(path)
        if not value:
            raise _fail(path, i, "[name=…] needs a name")
        seg = NameMatch(value)
    else:
        raise _fail(path, i, 'expected an index like [0], a quoted key like ["a.b"] or '
                             "[name=http]")
    if i >= len(path) or path[i] != "]":
        raise _fail(path, i, 'missing "]"')
    return seg, i + 1


def parse_path(path: str) -> tuple[Segment, ...]:
    """``spec.ports[0].targetPort`` → ``("spec", "ports", 0, "targetPort")``.

    One pass over the text; a path over ``MAX_PATH_CHARS`` characters or
    ``MAX_PATH_SEGMENTS`` segments is refused before it is read further.
    """
    if len(path) > MAX_PATH_CHARS:
        raise PathError(f'bad field path "{_shown(path)}": longer than {MAX_PATH_CHARS} '
                        "characters")
    if not path.strip():
        raise PathError("the field path is empty")
    segments: list[Segment] = []
    pos = 0
    while True:
        if len(segments) >= MAX_PATH_SEGMENTS:
            raise _fail(path, pos, f"more than {MAX_PATH_SEGMENTS} fields and indexes")
        if path[pos] == "[":
            seg, pos = _bracket(path, pos)
            segments.append(seg)
        else:
            m = _BARE_KEY.match(path, pos)
            if m is None:
                raise _fail(path, pos, f"expected a field name, found {path[pos]!r}")
            segments.append(m.group())
            pos = m.end()
        while pos < len(path) and path[pos] == "[":
            if len(segments) >= MAX_PATH_SEGMENTS:
                raise _fail(path, pos, f"more than {MAX_PATH_SEGMENTS} fields and indexes")
            seg, pos = _bracket(path, pos)
            segments.append(seg)
        if pos == len(path):
            return tuple(segments)
        if path[pos] != ".":
            raise _fail(path, pos, f"unexpected {path[pos]!r}; fields are separated by '.'")
        pos += 1
        if pos == len(path):
            raise _fail(path, pos - 1, "the path ends with '.'")
        if path[pos] in ".[":
            raise _fail(path, pos, "expected a field name after '.'")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def format_path(path: Sequence[Segment]) -> str:
    """The inverse of ``parse_path``: segments back to the text a player reads."""
    out: list[str] = []
    for seg in path:
        if isinstance(seg, NameMatch):
            out.append(f"[name={seg}]" if _BARE_KEY.fullmatch(seg) else f"[name={_quote(seg)}]")
        elif isinstance(seg, int):
            out.append(f"[{seg}]")
        elif _BARE_KEY.fullmatch(seg):
            out.append(f".{seg}" if out else seg)
        else:
            out.append(f"[{_quote(seg)}]")
    return "".join(out)


def _segments(path: PathLike) -> tuple[Segment, ...]:
    if isinstance(path, str):
        return parse_path(path)
    if not path:
        raise PathError("the field path is empty")
    return tuple(path)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return f"a {type(value).__name__} ({value!r})"


def _step(container: Any, seg: Segment, path: Sequence[Segment],
          n: int) -> tuple[Any, Segment]:
    """One step down: (child or _MISSING, the concrete key/index used).

    ``path[:n]`` is where ``container`` sits; it is formatted only for an error,
    so walking a path costs one step per segment.
    """
    if isinstance(seg, NameMatch):
        if not isinstance(container, list):
            raise PathError(f"{_here(path, n)} is {_describe(container)}, not a list; "
                            f"[name={seg}] selects a list item")
        for i, item in enumerate(container):
            if isinstance(item, dict) and item.get("name") == str(seg):
                return item, i
        names = [str(it.get("name")) for it in container if isinstance(it, dict) and
                 it.get("name") is not None]
        known = f" (names: {', '.join(names)})" if names else ""
        raise PathError(f'{_here(path, n)} has no item named "{seg}"{known}')
    if isinstance(seg, int):
        if not isinstance(container, list):
            raise PathError(f"{_here(path, n)} is {_describe(container)}, not a list; [{seg}] "
                            "needs a list")
        return (container[seg] if seg < len(container) else _MISSING), seg
    if not isinstance(container, dict):
        raise PathError(f"{_here(path, n)} is {_describe(container)}, not an object with "
                        "fields")
    return container.get(seg, _MISSING), seg


def _here(path: Sequence[Segment], n: int) -> str:
    return _shown(format_path(path[:n])) or "the object"


def resolve_path(obj: Any, path: PathLike) -> tuple[Segment, ...]:
    """The same path with every ``[name=…]`` replaced by the index it selects now.

    Inverse edits and locks use the concrete form, so undoing a rename of a
    port still finds the port. Missing fields are fine (the rest is copied
    as is); a ``[name=…]`` inside a missing list is an error.
    """
    out: list[Segment] = []
    current = obj
    for seg in _segments(path):
        if current is _MISSING:
            if isinstance(seg, NameMatch):
                raise PathError(f"{format_path(out)} is not set, so it has no item named "
                                f'"{seg}"')
            out.append(seg)
            continue
        current, concrete = _step(current, seg, out, len(out))
        out.append(concrete)
    return tuple(out)


def get_path(obj: Any, path: PathLike, default: Any = _MISSING) -> Any:
    """The value at ``path``; ``default`` (or a PathError) when it is not set."""
    segs = _segments(path)
    current = obj
    for i, seg in enumerate(segs):
        current, _ = _step(current, seg, segs, i)
        if current is _MISSING:
            if default is not _MISSING:
                return default
            raise PathError(f"{format_path(segs[: i + 1])} is not set")
    return current


def first_missing(obj: Any, path: PathLike) -> tuple[Segment, ...] | None:
    """The shortest prefix of ``path`` that is not set in ``obj`` (None: all of it is set).

    One walk down, however long the path; a segment that does not fit (an index
    into an object) is a PathError, as in ``get_path``.
    """
    segs = _segments(path)
    current = obj
    for i, seg in enumerate(segs):
        current, _ = _step(current, seg, segs, i)
        if current is _MISSING:
            return segs[: i + 1]
    return None


def _container_for(seg: Segment, where: Sequence[Segment]) -> Any:
    """What to create for a missing parent of ``seg``: a list for [0], else an object."""
    if isinstance(seg, NameMatch):
        raise PathError(f"{format_path(where)} is not set, so it has no item named "
                        f'"{seg}"')
    if isinstance(seg, int):
        if seg != 0:
            raise PathError(f"{format_path(where)} is not set; start a new list at [0]")
        return []
    return {}


def _rebuild(chain: list[tuple[Any, Segment]], new_child: Any) -> Any:
    """Copy each container on the way down with its one changed child, bottom up."""
    for container, key in reversed(chain):
        if isinstance(container, list):
            assert isinstance(key, int)
            new_child = [*container[:key], new_child, *container[key + 1:]]
        else:
            new_child = {**container, key: new_child}
    return new_child


def set_path(obj: Any, path: PathLike, value: Any) -> Any:
    """A copy of ``obj`` with ``path`` set to ``value``; ``obj`` is never changed.

    Missing parents are created (an object, or a list when the next segment is
    ``[0]``); an index equal to a list's length appends. Untouched parts are
    shared with ``obj``.
    """
    segs = _segments(path)
    value = copy.deepcopy(value)
    chain: list[tuple[Any, Segment]] = []
    done: list[Segment] = []
    container = obj
    for i, seg in enumerate(segs):
        child, key = _step(container, seg, done, len(done))
        if isinstance(container, list) and isinstance(key, int) and key > len(container):
            raise PathError(f"{format_path(done) or 'the list'} has {len(container)} item(s); "
                            f"[{key}] is out of range (use [{len(container)}] to append)")
        chain.append((container, key))
        done.append(key)
        if i + 1 == len(segs):
            break
        container = _container_for(segs[i + 1], done) if child is _MISSING else child
    return _rebuild(chain, value)


def unset_path(obj: Any, path: PathLike) -> Any:
    """A copy of ``obj`` without ``path`` (a list item is removed, later items shift)."""
    segs = _segments(path)
    chain: list[tuple[Any, Segment]] = []
    done: list[Segment] = []
    container = obj
    for i, seg in enumerate(segs):
        child, key = _step(container, seg, done, len(done))
        if child is _MISSING:
            raise PathError(f"{format_path((*done, key))} is not set")
        if i + 1 == len(segs):
            if isinstance(container, list):
                assert isinstance(key, int)
                return _rebuild(chain, [*container[:key], *container[key + 1:]])
            return _rebuild(chain, {k: v for k, v in container.items() if k != key})
        chain.append((container, key))
        done.append(key)
        container = child
    raise AssertionError("unreachable: _segments never returns an empty path")


def is_prefix(prefix: Sequence[Segment], path: Sequence[Segment]) -> bool:
    """Segment-wise prefix: ``spec.ports`` covers ``spec.ports[0]``, ``spec.port`` does not."""
    return len(prefix) <= len(path) and tuple(path[: len(prefix)]) == tuple(prefix)


def diff_paths(old: Any, new: Any, at: tuple[Segment, ...] = ()) -> list[tuple[Segment, ...]]:
    """The field paths where two JSON dumps differ, leaf by leaf.

    A list that changes length counts as one changed field (its items have no
    stable identity to compare), and so does a key present on one side only.
    Locks judge an edit by these paths and the score counts them, so both see
    the same answer whether the player typed a path, used a quick action or
    rewrote the YAML.
    """
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        keys = [*old, *(k for k in new if k not in old)]
        return [p for k in keys
                for p in diff_paths(old.get(k, _MISSING), new.get(k, _MISSING), (*at, k))]
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        return [p for i, (a, b) in enumerate(zip(old, new, strict=True))
                for p in diff_paths(a, b, (*at, i))]
    return [at]
