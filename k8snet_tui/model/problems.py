"""Problems found in a level: the one shape every layer reports errors in.

Errors are data (STYLE.md): loading and validation collect every problem with
its position instead of stopping at the first, so the CLI can print them all,
the app can show them and ``validate`` can count them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from k8snet_tui.model.printable import printable

Severity = Literal["error", "warning"]
Loc = tuple[str | int, ...]


def format_loc(loc: Loc) -> str:
    """Render a location path the way Kubernetes users write field paths."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = part
    return out


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or suspicious) in a level, pinned to a file position."""

    message: str
    loc: Loc = ()
    severity: Severity = "error"
    file: str | None = None
    line: int | None = None
    column: int | None = None
    code: str = "invalid"

    @property
    def field(self) -> str:
        return format_loc(self.loc)

    def where(self) -> str:
        """``file:line:column`` as far as it is known."""
        parts = [self.file or "<level>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        """The compiler-style line; file names, field paths and messages come from input,
        so control characters in them are shown escaped (``model.printable``)."""
        fld = f" {self.field}:" if self.loc else ""
        return printable(f"{self.where()}: {self.severity}:{fld} {self.message}")


@dataclass
class LevelError(Exception):
    """Raised when a level cannot be used; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.summary())

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    def summary(self) -> str:
        errs = self.errors or self.problems
        if not errs:
            return "invalid level"
        first = str(errs[0])
        more = len(errs) - 1
        return first if more <= 0 else f"{first} (and {more} more)"

    def __str__(self) -> str:
        return self.summary()


def errors_only(problems: Iterable[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def sort_problems(problems: Sequence[Problem]) -> list[Problem]:
    """Stable order for display: by file, then line, errors before warnings."""
    return sorted(
        problems,
        key=lambda p: (p.file or "", p.line or 0, p.column or 0, p.severity != "error"),
    )
