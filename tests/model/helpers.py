"""Small helpers shared by the model tests: load a level, expect problems, find positions.

Positions are computed from the YAML text itself (``pos(text, "nodePort: |80")``)
instead of being hard-coded, so a test states *which token* a problem must
point at and stays right when the YAML around it is edited.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from k8snet_tui.model.load import LoadedLevel, load_level_text
from k8snet_tui.model.problems import LevelError, Problem

HEAD = "format: k8snet/v1\nid: t\nflows: []\n"
"""The smallest valid level; tests append the section under test."""


def level(*bodies: str, head: str = HEAD) -> str:
    """A level text: ``head`` followed by each body, dedented on its own."""
    return head + "".join(textwrap.dedent(b).lstrip("\n") for b in bodies)


def load(text: str, filename: str = "level.yaml", base: Path | None = None) -> LoadedLevel:
    return load_level_text(text, filename, base)


def problems(text: str, filename: str = "level.yaml", base: Path | None = None) -> list[Problem]:
    """Every problem of a level that must fail to load."""
    with pytest.raises(LevelError) as info:
        load_level_text(text, filename, base)
    assert info.value.problems, "LevelError without problems"
    return info.value.problems


def one_error(text: str, filename: str = "level.yaml", base: Path | None = None) -> Problem:
    """The single error of a level that has exactly one."""
    errs = [p for p in problems(text, filename, base) if p.severity == "error"]
    assert len(errs) == 1, "\n".join(str(p) for p in errs)
    return errs[0]


def pos(text: str, snippet: str) -> tuple[int, int]:
    """1-based (line, column) of the unique ``snippet`` in ``text``.

    A ``|`` in the snippet marks the column wanted (it is not part of the text);
    without one the snippet's first character is meant.
    """
    offset = snippet.find("|")
    plain = snippet.replace("|", "", 1) if offset >= 0 else snippet
    assert text.count(plain) == 1, f"{plain!r} must occur exactly once in the text"
    index = text.index(plain) + max(offset, 0)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def at(problem: Problem) -> tuple[int | None, int | None]:
    return problem.line, problem.column
