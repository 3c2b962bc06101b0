"""``validate``: is a level (or a whole pack) fit to be played?

A level can be well-formed and still be a bad puzzle: already solved at the
start, unsolvable by its own solution, or with a par nobody can reach. Level
authors need all of that answered in one run, so everything here returns
reports (data) instead of stopping at the first problem; the CLI prints them
and picks the exit code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from k8snet_tui.engine.evaluate import CheckResult, evaluate_level
from k8snet_tui.engine.trace import Reason, Trace, Verdict
from k8snet_tui.game.cost import edits_cost
from k8snet_tui.game.edits import EditError, apply_edit, apply_edits, canonical_ref
from k8snet_tui.game.locks import original_refs, refusal
from k8snet_tui.game.packs import Pack, is_pack, load_pack, unlisted_level_files
from k8snet_tui.model.edits import AnyEdit, SetEdit
from k8snet_tui.model.flows import FlowSpec, RefError, parse_dest
from k8snet_tui.model.load import LoadedLevel, load_level
from k8snet_tui.model.problems import LevelError, Problem, errors_only, sort_problems
from k8snet_tui.model.resources import resource_ref
from k8snet_tui.model.wording import plural
from k8snet_tui.model.world import World

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_INVALID = 2

CHECK_SCHEMA = "schema and world"
CHECK_START = "start state fails at least one flow"
CHECK_SOLUTION = "the puzzle's solution passes every flow"
CHECK_PAR = "par matches the solution"
CHECK_LOCKS = "a player may make every solution step"


@dataclass(frozen=True)
class Check:
    """One claim about a level, verified or refuted, with the evidence in words."""

    name: str
    passed: bool
    detail: str


@dataclass
class LevelReport:
    """Everything ``validate`` found out about one level file."""

    path: Path
    level_id: str | None = None
    title: str | None = None
    problems: list[Problem] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return errors_only(self.problems)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def failed_checks(self) -> list[Check]:
        return [c for c in self.checks if not c.passed]

    @property
    def exit_code(self) -> int:
        if self.errors:
            return EXIT_INVALID
        return EXIT_FAILED if self.failed_checks else EXIT_OK


@dataclass
class PackReport:
    """A pack's own problems plus the report of every level it lists."""

    path: Path
    pack_id: str | None = None
    title: str | None = None
    problems: list[Problem] = field(default_factory=list)
    levels: list[LevelReport] = field(default_factory=list)

    @property
    def all_problems(self) -> list[Problem]:
        return sort_problems([*self.problems, *(p for lvl in self.levels for p in lvl.problems)])

    @property
    def exit_code(self) -> int:
        codes = [lvl.exit_code for lvl in self.levels]
        if errors_only(self.problems):
            codes.append(EXIT_INVALID)
        return max(codes, default=EXIT_OK)


def _flow_summary(trace: Trace) -> str:
    got = trace.verdict.value
    why = f" ({trace.reason.value})" if trace.reason is not None else ""
    return f'"{trace.name}" is {got}{why}, expected {trace.expect}'


def _failing(result: CheckResult) -> list[Trace]:
    return [t for t in result.traces if not t.ok]


def _start_check(loaded: LoadedLevel) -> Check:
    if not loaded.spec.flows:
        return Check(CHECK_START, False, "the level has no flows, so there is nothing to fix")
    result = evaluate_level(loaded)
    failing = _failing(result)
    total = len(result.traces)
    if not failing:
        return Check(CHECK_START, False,
                     f"all {total} flows already behave as expected: the puzzle starts solved")
    names = "; ".join(_flow_summary(t) for t in failing)
    return Check(CHECK_START, True, f"{len(failing)} of {total} failing: {names}")


def _edit_label(index: int, edit: object) -> str:
    op = getattr(edit, "op", "?")
    ref = getattr(edit, "ref", None)
    return f"solution[{index}] ({op} {ref})" if ref else f"solution[{index}] ({op})"


def _solution_check(loaded: LoadedLevel) -> Check:
    puzzle = loaded.spec.puzzle
    assert puzzle is not None
    if not puzzle.solution:
        return Check(CHECK_SOLUTION, False, "the puzzle has no solution to verify")
    try:
        solved = apply_edits(loaded, puzzle.solution, enforce_locks=False)
    except EditError as exc:
        return Check(CHECK_SOLUTION, False, f"cannot be applied: {exc.reason}")
    result = evaluate_level(solved)
    failing = _failing(result)
    if failing:
        names = "; ".join(_flow_summary(t) for t in failing)
        return Check(CHECK_SOLUTION, False,
                     f"{len(failing)} of {len(result.traces)} flows still fail: {names}")
    n = len(puzzle.solution)
    return Check(CHECK_SOLUTION, True,
                 f"all {len(result.traces)} flows as expected after {n} "
                 f"edit{'s' if n != 1 else ''}")


def _par_check(loaded: LoadedLevel) -> Check | None:
    """Par is the edit count of the known solution, counted as the score counts edits.

    A field-level edit counts each field it changes (``game.cost``), so a
    solution step that rewrites a selector's key is two edits, and par must
    say so: a par below the count would deny the author's own fix its third
    star, one above it would hand out stars for a longer fix.
    """
    puzzle = loaded.spec.puzzle
    assert puzzle is not None
    if puzzle.par is None or not puzzle.solution:
        return None
    try:
        n = edits_cost(loaded, puzzle.solution)
    except EditError:
        return None  # the solution check reports the step that does not apply
    counted = f"the known solution changes {n} field{'s' if n != 1 else ''}"
    if puzzle.par != n:
        return Check(CHECK_PAR, False, f"par {puzzle.par}, but {counted} (each field a "
                     f"solution step changes counts one edit): set par to {n}")
    return Check(CHECK_PAR, True, f"par {puzzle.par} = {counted}")


def _lock_errors(loaded: LoadedLevel) -> list[Problem]:
    """Solution edits a player could not make: the level's own locks refuse them.

    An error, not a warning: the level claims a fix the player is not allowed to
    make, so the par and the "solvable" check would both be lies.

    Each edit is judged on the state the earlier edits produced, with the
    objects of the level as opened counted as original, so an edit of an object
    the solution itself created is judged as the game would judge it.
    """
    puzzle = loaded.spec.puzzle
    assert puzzle is not None
    original = original_refs(loaded)
    problems: list[Problem] = []
    state = loaded
    for i, edit in enumerate(puzzle.solution):
        reason = refusal(state, edit, original=original)
        if reason is not None:
            problems.append(Problem(f"{_edit_label(i, edit)} is refused by the level's own "
                                    f"locks, so a player cannot make it: {reason}",
                                    ("puzzle", "solution", i), "error", code="locked"))
        try:
            state = apply_edit(state, edit, enforce_locks=False)
        except EditError:
            break  # the solution check reports it
    return problems


def _lint(loaded: LoadedLevel) -> list[Problem]:
    """Cheap authoring mistakes that do not make the level unplayable."""
    spec = loaded.spec
    out: list[Problem] = []

    def warn(message: str, *loc: str | int) -> None:
        out.append(Problem(message, tuple(loc), "warning", code="lint"))

    if spec.puzzle is None:
        if not spec.flows:
            warn("the level has no flows: nothing to check", "flows")
        return out
    if not spec.briefing.strip():
        warn("the puzzle has no briefing: the player is not told what is wrong", "briefing")
    if not spec.puzzle.hints:
        warn("the puzzle has no hints", "puzzle")
    if spec.puzzle.par is None:
        warn("the puzzle has no par, so it cannot be scored", "puzzle")
    if not spec.debrief.strip():
        warn("the puzzle has no debrief: the player never hears the real-world lesson",
             "debrief")
    out.extend(_behaviour_lint(loaded))
    return out


def _solved_by(level: LoadedLevel, edits: Sequence[AnyEdit]) -> LoadedLevel | None:
    try:
        after = apply_edits(level, edits, enforce_locks=False)
    except EditError:
        return None
    return after if evaluate_level(after).solved else None


def _touched_refs(traces: Sequence[Trace], owners: dict[str, str]) -> set[str]:
    """Objects on the flows' paths; a workload's pod also puts the workload on the path."""
    refs = {hop.ref for t in traces for path in (t.paths or ()) for hop in path.hops if hop.ref}
    refs |= {hop.ref for t in traces for hop in t.hops if hop.ref}
    # Every policy that isolated a pod on the way took part, also one whose rules
    # were not the ones that decided (a default deny beside an allow).
    refs |= {ref for t in traces for path in (t.paths or ()) for fact in path.policy_facts
             for ref in fact.consulted}
    return refs | {owners[r] for r in refs if r in owners}


def _behaviour_lint(loaded: LoadedLevel) -> list[Problem]:
    """Lints that need the engine: unused objects and inert flows."""
    spec = loaded.spec
    puzzle = spec.puzzle
    assert puzzle is not None
    out: list[Problem] = []
    solved = _solved_by(loaded, puzzle.solution) if puzzle.solution else None
    start = evaluate_level(loaded)
    end = evaluate_level(solved) if solved is not None else None
    editable = {canonical_ref(e.ref) for e in puzzle.editable_specs()
                if _canonical_or_none(e.ref) is not None}
    changed = {canonical_ref(ref) for e in puzzle.solution
               if (ref := getattr(e, "ref", None)) and _canonical_or_none(ref) is not None}
    owners = {p.ref: p.owner for p in loaded.world.pods if p.owner}
    touched = _touched_refs(start.traces, owners) | (
        _touched_refs(end.traces, owners) if end else set())
    for i, res in enumerate(spec.resources):
        if res.metadata is None or res.kind not in _LINTED_KINDS:
            continue
        ref = resource_ref(res)
        if ref not in touched and ref not in editable and ref not in changed:
            out.append(Problem(f"{ref} is on no flow's path and the player cannot edit it: "
                               "an unused object (add a flow through it, make it a decoy in "
                               "puzzle.editable, or remove it)", ("resources", i),
                               "warning", code="lint-unused"))
    if end is not None and not puzzle.create:
        for f_i, (before, after) in enumerate(zip(start.traces, end.traces, strict=True)):
            refs = _touched_refs([before, after], owners)
            if before.ok and after.ok and before.verdict == after.verdict and \
                    not refs & (editable | changed):
                out.append(Problem(f'flow "{before.name}" passes at the start and no editable '
                                   "object lies on its path, so nothing the player does can "
                                   "change it", ("flows", f_i), "warning", code="lint-inert"))
    structural = _structural_lint(loaded, start, end)
    flagged = {p.loc[1] for p in structural}
    return [p for p in out if not (p.code == "lint-inert" and p.loc[1] in flagged)] + structural


_LINTED_KINDS = frozenset({"Service", "Ingress", "NetworkPolicy", "Endpoints", "EndpointSlice"})


def _declared_port_names(world: World) -> set[str]:
    names = {p.name for pod in world.pods for p in pod.ports if p.name}
    return names | {p.name for svc in world.services for p in svc.ports if p.name}


def _may_change(loaded: LoadedLevel, ref: str | None, path: str) -> bool:
    if ref is None:
        return False
    try:
        return refusal(loaded, SetEdit(ref=ref, path=path, value=None)) is None
    except EditError:
        return False


def _structural(loaded: LoadedLevel, trace: Trace, flow: FlowSpec,
                names: set[str]) -> str | None:
    """Why a failing flow fails because of its own reference (a typo), or None.

    Such a flow tests nothing: a deny flow passes whatever the player does, an
    allow flow can never pass. A port the player may add to the Service (a deny
    flow guarding "metrics stay off the Service") is a real test, not a typo.
    """
    puzzle = loaded.spec.puzzle
    creates = {k.lower() for k in puzzle.create} if puzzle is not None else set()
    dest = parse_dest(flow.to)
    if trace.reason is Reason.NO_SERVICE_PORT and trace.blame is not None:
        if _may_change(loaded, trace.blame.ref, "spec.ports"):
            return None
        return f"{trace.blame.ref} declares no port {dest.port}"
    if isinstance(dest.port, str) and dest.port not in names and \
            not (trace.blame is not None and _may_change(loaded, trace.blame.ref,
                                                         trace.blame.field or "spec")):
        return f'no pod or Service declares a port named "{dest.port}"'
    if trace.reason is Reason.DNS_NXDOMAIN and "service" not in creates:
        return f"the name {dest.host or dest.name} does not exist"
    return None


def _structural_lint(loaded: LoadedLevel, start: CheckResult,
                     end: CheckResult | None) -> list[Problem]:
    """Flows that fail only because their own reference is wrong (``:8o``, a DNS typo)."""
    out: list[Problem] = []
    names = _declared_port_names(loaded.world)
    for f_i, flow in enumerate(loaded.spec.flows):
        before = start.traces[f_i]
        after = end.traces[f_i] if end is not None else None
        if before.verdict is not Verdict.DENY or (after is not None and
                                                  after.verdict is not Verdict.DENY):
            continue
        try:
            why = _structural(loaded, before, flow, names)
        except RefError:
            continue
        if why is None:
            continue
        if flow.expect == "deny":
            message = (f'flow "{before.name}" is denied only because {why} — a typo? It '
                       "passes whatever the player does")
        else:
            message = f'flow "{before.name}" can never pass: {why} — a typo?'
        out.append(Problem(message, ("flows", f_i, "to"), "warning", code="lint-structural"))
    return out


def _canonical_or_none(ref: str) -> str | None:
    try:
        return canonical_ref(ref)
    except EditError:
        return None


def validate_loaded(loaded: LoadedLevel) -> LevelReport:
    """Checks on a level that loaded: the puzzle claims, plus lint."""
    path = loaded.path or Path(loaded.id)
    report = LevelReport(path, loaded.id, loaded.spec.display_title)
    problems = list(loaded.warnings) + loaded.locate(_lint(loaded))
    if loaded.spec.puzzle is None:
        report.notes.append("no puzzle section: a sandbox scenario, so only the format is "
                            "checked")
    else:
        report.checks.append(_start_check(loaded))
        report.checks.append(_solution_check(loaded))
        par = _par_check(loaded)
        if par is not None:
            report.checks.append(par)
        locked = loaded.locate(_lock_errors(loaded))
        if loaded.spec.puzzle.solution:
            report.checks.append(Check(
                CHECK_LOCKS, not locked, "every step is one the player may make" if not locked
                else f"{plural(len(locked), 'step')} refused by the level's own locks"))
        problems.extend(locked)
    report.problems = sort_problems(problems)
    warnings = len(report.warnings)
    report.checks.insert(0, Check(CHECK_SCHEMA, True, "no errors" if not warnings else
                                  f"no errors, {plural(warnings, 'warning')}"))
    return report


def validate_level(path: str | Path) -> LevelReport:
    """Validate one level file; never raises for bad input."""
    p = Path(path)
    try:
        loaded = load_level(p)
    except LevelError as exc:
        errors = exc.errors
        return LevelReport(p, problems=sort_problems(exc.problems),
                           checks=[Check(CHECK_SCHEMA, False,
                                         f"{len(errors)} error{'s' if len(errors) != 1 else ''}")])
    return validate_loaded(loaded)


def _duplicate_ids(pack: Pack, levels: list[LevelReport]) -> list[Problem]:
    first: dict[str, str] = {}
    problems: list[Problem] = []
    for entry, report in zip(pack.levels, levels, strict=True):
        if report.level_id is None:
            continue
        if report.level_id in first:
            problems.append(Problem(
                f'level id "{report.level_id}" of "{entry.file}" is also the id of '
                f'"{first[report.level_id]}"; ids must be unique in a pack',
                entry.loc, code="pack"))
        else:
            first[report.level_id] = entry.file
    return problems


def validate_pack(path: str | Path) -> PackReport:
    """Validate a pack folder and every level it lists, reporting all problems at once."""
    p = Path(path)
    try:
        pack = load_pack(p)
    except LevelError as exc:
        return PackReport(p, problems=sort_problems(exc.problems))
    report = PackReport(p, pack.id, pack.spec.title, list(pack.problems))
    report.levels = [validate_level(entry.path) for entry in pack.levels]
    report.problems.extend(pack.locate(_duplicate_ids(pack, report.levels)))
    for extra in unlisted_level_files(pack):
        rel = extra.relative_to(pack.path)
        report.problems.append(Problem(
            f'"{rel}" looks like a level but {pack.pack_file.name} does not list it',
            severity="warning", file=str(extra), line=1, column=1, code="unlisted"))
    report.problems = sort_problems(report.problems)
    return report


def validate_path(path: str | Path) -> LevelReport | PackReport:
    """A pack folder (it has pack.yaml) or a level file."""
    return validate_pack(path) if is_pack(path) else validate_level(path)
