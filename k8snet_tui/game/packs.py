"""Level packs: a folder with ``pack.yaml`` listing its level files in order.

Reading a pack is separate from loading its levels: the level-select screen
needs the order and titles before any level is built, and ``validate`` wants
every problem of the pack file itself even when some levels are broken. So
``load_pack`` fails only when ``pack.yaml`` cannot be used at all; problems
with individual entries (a listed file that is missing, listed twice, or
outside the folder) come back as data in ``Pack.problems``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import ValidationError

from k8snet_tui.model.level import PackFile
from k8snet_tui.model.load import (
    format_problem,
    is_level_document,
    locate_problems,
    validation_problems,
)
from k8snet_tui.model.problems import LevelError, Loc, Problem
from k8snet_tui.model.yamlsource import (
    MarkTable,
    YamlError,
    check_regular_file,
    not_regular,
    read_documents,
    read_file_text,
)

PACK_FILE = "pack.yaml"
LEVEL_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class PackLevel:
    """One entry of a pack's level list, resolved to a file on disk."""

    file: str  # as written in pack.yaml
    path: Path
    chapter: str | None
    loc: Loc  # where the entry sits in pack.yaml, for problems about it


@dataclass(frozen=True)
class PackChapter:
    id: str
    title: str
    levels: tuple[PackLevel, ...]


@dataclass
class Pack:
    """A pack as listed: usable entries in order, and what is wrong with the listing."""

    path: Path
    spec: PackFile
    chapters: list[PackChapter]
    problems: list[Problem] = field(default_factory=list)
    raw: Any = None
    marks: MarkTable = field(default_factory=MarkTable)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def pack_file(self) -> Path:
        return self.path / PACK_FILE

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Pin problems whose ``loc`` points into pack.yaml to their line."""
        return locate_problems(problems, self.raw, self.marks, str(self.pack_file))

    @property
    def levels(self) -> list[PackLevel]:
        """Every usable level in play order (chapters flattened)."""
        return [lvl for ch in self.chapters for lvl in ch.levels]


def is_pack(path: str | Path) -> bool:
    p = Path(path)
    # Any pack.yaml, also a FIFO or a dangling link: load_pack then says what is wrong with
    # it, instead of the folder being called one "without pack.yaml".
    return p.is_dir() and os.path.lexists(p / PACK_FILE)


def builtin_pack_path() -> Path:
    """The folder of the built-in campaign.

    A wheel ships it inside the package (pyproject force-includes ``levels`` as
    ``k8snet_tui/levels``); a source checkout or an editable install has it at
    the repository root, beside the package. The installed location wins so an
    installed game never picks up a stray checkout.
    """
    package = Path(__file__).resolve().parent.parent
    candidates = (package / "levels", package.parent / "levels")
    for candidate in candidates:
        if (candidate / PACK_FILE).is_file():
            return candidate
    looked = ", ".join(str(c) for c in candidates)
    raise LevelError([Problem(f"the built-in campaign is missing (looked in {looked}); "
                              "reinstall k8snet-tui", code="io")])


def _real(path: Path) -> Path | None:
    """The real path, or None for a symbolic link loop (or a path that cannot exist)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # Python < 3.13: a link loop is RuntimeError
        return None


def _entry_problem(pack_dir: Path, file: str) -> str | None:
    """Why a listed file cannot be used, or None when it can."""
    if "\0" in file:
        return f"{file!r} contains a NUL byte; refused"
    pure = PurePosixPath(file)
    if not file or pure.is_absolute() or ".." in pure.parts or "\\" in file:
        return f'"{file}" must be a path inside the pack folder (relative, no "..")'
    path = pack_dir / file
    real = _real(path)
    if real is None:
        return f'"{file}" is a symbolic link loop'
    if not real.is_relative_to(pack_dir.resolve()):
        return f'"{file}" resolves outside the pack folder (through a link?); refused'
    try:
        info = os.stat(real)
    except OSError:
        return f'"{file}" does not exist'
    what = not_regular(info.st_mode)
    if what is not None:
        return f'"{file}" is {what}, not a regular file'
    return None


def load_pack(path: str | Path) -> Pack:
    """Read ``pack.yaml`` of a pack folder; raises LevelError when it is unusable."""
    pack_dir = Path(path)
    pack_file = pack_dir / PACK_FILE
    display = str(pack_file)
    if not pack_file.is_file():
        if pack_file.exists():
            try:
                check_regular_file(display)  # a FIFO, device or socket: refused, never opened
            except YamlError as exc:
                raise LevelError([exc.problem]) from None
        raise LevelError([Problem(f"no {PACK_FILE} here: a pack is a folder with a {PACK_FILE}",
                                  file=str(pack_dir), code="io")])
    marks = MarkTable()
    try:
        docs = [d for d in read_documents(read_file_text(display), display, marks)
                if d is not None]
    except YamlError as exc:
        raise LevelError([exc.problem]) from None
    if len(docs) != 1 or not isinstance(docs[0], dict):
        raise LevelError([Problem(f"{PACK_FILE} must be one YAML mapping (format, id, title, "
                                  "levels or chapters)", file=display, line=1, column=1)])
    raw: dict[str, Any] = docs[0]
    version = format_problem(raw, "pack")
    if version is not None:
        raise LevelError(locate_problems([version], raw, marks, display))
    try:
        spec = PackFile.model_validate(raw)
    except ValidationError as exc:
        raise LevelError(locate_problems(validation_problems(exc), raw, marks,
                                         display)) from None

    problems: list[Problem] = []
    seen_files: dict[Path, Loc] = {}

    def resolve(file: str, chapter: str | None, loc: Loc) -> PackLevel | None:
        why = _entry_problem(pack_dir, file)
        if why is not None:
            problems.append(Problem(why, loc, code="pack"))
            return None
        key = _real(pack_dir / file) or pack_dir / file
        if key in seen_files:
            problems.append(Problem(f'"{file}" is listed twice', loc, code="pack"))
            return None
        seen_files[key] = loc
        return PackLevel(file, pack_dir / file, chapter, loc)

    chapters: list[PackChapter] = []
    if spec.chapters is not None:
        chapter_ids: set[str] = set()
        for c_i, ch in enumerate(spec.chapters):
            if ch.id in chapter_ids:
                problems.append(Problem(f'chapter id "{ch.id}" is used twice',
                                        ("chapters", c_i, "id"), code="pack"))
            chapter_ids.add(ch.id)
            entries = [resolve(f, ch.id, ("chapters", c_i, "levels", i))
                       for i, f in enumerate(ch.levels)]
            chapters.append(PackChapter(ch.id, ch.title,
                                        tuple(e for e in entries if e is not None)))
    else:
        entries = [resolve(f, None, ("levels", i)) for i, f in enumerate(spec.levels or [])]
        chapters.append(PackChapter(spec.id, spec.title,
                                    tuple(e for e in entries if e is not None)))
    pack = Pack(pack_dir, spec, chapters, raw=raw, marks=marks)
    pack.problems = pack.locate(problems)
    return pack


def looks_like_level(path: Path) -> bool:
    """True when a YAML file holds a single level document (not manifests)."""
    try:
        docs = [d for d in read_documents(read_file_text(str(path)), str(path), MarkTable())
                if d is not None]
    except YamlError:
        return False
    return len(docs) == 1 and is_level_document(docs[0])


def unlisted_level_files(pack: Pack) -> list[Path]:
    """Level files in the pack folder that ``pack.yaml`` does not list.

    Only files that parse as a level count, so manifests pulled in with
    ``include:`` are not mistaken for forgotten levels.
    """
    listed = {lvl.path.resolve() for lvl in pack.levels}
    root = pack.path.resolve()
    out: list[Path] = []
    for path in sorted(pack.path.rglob("*")):
        if not path.is_file() or path.suffix.lower() not in LEVEL_SUFFIXES:
            continue
        real = _real(path)
        if real is None or path.name == PACK_FILE or real in listed:
            continue
        if not real.is_relative_to(root):
            continue
        if looks_like_level(path):
            out.append(path)
    return out


ENTRY_POINT_GROUP = "k8snet_tui.packs"
"""Python packages publish packs by naming, under this group, a package whose folder holds a
pack.yaml (``mypack = "my_pack_module"``) or a callable returning that folder."""


def user_packs_dir() -> Path:
    """Where players drop shared pack folders: ``<data dir>/packs/<pack>/pack.yaml``."""
    from k8snet_tui.game.progress import data_dir

    return data_dir() / "packs"


def _entry_point_packs() -> tuple[list[Path], list[Problem]]:
    from importlib import import_module
    from importlib.metadata import entry_points

    paths: list[Path] = []
    problems: list[Problem] = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        where = f"entry point {ep.name} = {ep.value} ({ENTRY_POINT_GROUP})"
        try:
            target = ep.load()
            if callable(target):
                target = target()
            if isinstance(target, (str, Path)):
                path = Path(target)
            else:
                module = import_module(ep.value.split(":")[0])
                path = Path(next(iter(getattr(module, "__path__", [])), "") or
                            Path(str(module.__file__)).parent)
        except Exception as exc:  # a broken third-party package must not stop the game
            problems.append(Problem(f"cannot load: {exc}", file=where, code="pack"))
            continue
        if is_pack(path):
            paths.append(path)
        else:
            problems.append(Problem(f"{path} has no {PACK_FILE}", file=where, code="pack"))
    return paths, problems


def discover_packs() -> tuple[list[Path], list[Problem]]:
    """Every pack the game offers: built-in, the user's folder, installed packages."""
    paths = [builtin_pack_path()]
    user = user_packs_dir()
    if user.is_dir():
        paths += sorted(p for p in user.iterdir() if is_pack(p))
    more, problems = _entry_point_packs()
    seen = {p.resolve() for p in paths}
    paths += [p for p in more if p.resolve() not in seen]
    return paths, problems
