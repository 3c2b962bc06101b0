"""A level being played: edits, undo/redo/reset, hints, score — no UI involved."""

from __future__ import annotations

from pathlib import Path

import pytest

from k8snet_tui.game.edits import EditError
from k8snet_tui.game.packs import builtin_pack_path, load_pack
from k8snet_tui.game.session import Session, stars_for
from k8snet_tui.model.edits import AnyEdit, SetEdit
from k8snet_tui.model.load import LoadedLevel, load_level


class FakeClock:
    """A clock the test moves by hand: no wall-clock in tests."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _first_level() -> LoadedLevel:
    return load_level(load_pack(builtin_pack_path()).levels[0].path)


def _solution(level: LoadedLevel) -> list[AnyEdit]:
    assert level.spec.puzzle is not None
    return list(level.spec.puzzle.solution)


@pytest.fixture
def level() -> LoadedLevel:
    return _first_level()


def test_a_new_session_starts_broken(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    assert not session.solved
    assert session.edits == []
    assert not session.can_undo
    assert not session.can_redo


def test_applying_the_solution_solves_and_scores_three_stars(level: LoadedLevel) -> None:
    clock = FakeClock()
    session = Session(level, clock=clock)
    clock.now += 42
    for edit in _solution(level):
        session.apply(edit)
    assert session.solved
    clock.now += 100  # time after solving does not count
    score = session.score()
    assert score.edits == len(_solution(level))
    assert score.stars == 3
    assert score.seconds == pytest.approx(42)


def test_undo_and_redo_walk_the_same_states(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    start = session.level.spec
    edit = _solution(level)[0]
    session.apply(edit)
    after = session.level.spec
    assert session.undo() is not None
    assert session.level.spec == start
    assert session.redo() is not None
    assert session.level.spec == after
    assert session.edits == [edit]


def test_a_new_edit_clears_the_redo_stack(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    edit = _solution(level)[0]
    session.apply(edit)
    session.undo()
    assert session.can_redo
    session.apply(edit)
    assert not session.can_redo


def test_undo_with_nothing_done_says_so(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    assert session.undo() is None
    assert session.redo() is None


def test_reset_returns_to_the_start_but_keeps_hints_used(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    session.apply(_solution(level)[0])
    session.next_hint()
    session.reset()
    assert session.level.spec == level.spec
    assert session.edits == []
    assert session.hints_used == 1


def test_a_refused_edit_changes_nothing(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    before = session.level
    with pytest.raises(EditError):
        session.apply(SetEdit(ref="pod/nowhere/ghost", path="metadata.labels.a", value="b"))
    assert session.level is before
    assert session.edits == []


def test_hints_come_from_the_level_first_then_from_the_engine(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    assert level.spec.puzzle is not None
    authored = level.spec.puzzle.hints
    shown = [session.next_hint() for _ in authored]
    assert shown == authored
    derived = session.next_hint()
    assert derived is not None
    assert "does not get through" in derived or "blocked" in derived
    while session.next_hint() is not None:
        pass
    assert session.hints_used == len(session.available_hints())


def test_hints_lower_the_stars(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    session.next_hint()
    session.next_hint()
    for edit in _solution(level):
        session.apply(edit)
    assert session.score().stars == 1


@pytest.mark.parametrize(("edits", "par", "hints", "solved", "stars"), [
    (1, 1, 0, True, 3), (2, 1, 0, True, 2), (3, 1, 1, True, 2), (4, 1, 0, True, 1),
    (1, 1, 2, True, 1), (1, 1, 0, False, 0), (5, None, 0, True, 3),
])
def test_stars_follow_edits_against_par_and_hints(edits: int, par: int | None, hints: int,
                                                  solved: bool, stars: int) -> None:
    assert stars_for(edits, par, hints, solved) == stars


def test_kubectl_export_has_one_command_block_per_edit(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    for edit in _solution(level):
        session.apply(edit)
    commands = session.kubectl()
    assert len(commands) == len(_solution(level))
    assert all("kubectl" in c or "ip route" in c for c in commands)


def test_replay_restores_saved_edits_and_reports_those_that_no_longer_apply(
        level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    bad = SetEdit(ref="service/nowhere/ghost", path="spec.type", value="NodePort")
    skipped = session.replay([*_solution(level), bad])
    assert session.solved
    assert len(skipped) == 1
    assert "ghost" in skipped[0]


def test_every_campaign_level_is_solvable_through_a_session_with_locks_on() -> None:
    for entry in load_pack(builtin_pack_path()).levels:
        session = Session(load_level(Path(entry.path)), clock=FakeClock())
        for edit in _solution(session.start):
            session.apply(edit)  # raises if the level's own locks refuse its solution
        assert session.solved, entry.file


def test_an_edit_that_changes_nothing_is_refused_and_not_counted(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    edit = _solution(level)[0]
    session.apply(edit)
    with pytest.raises(EditError, match="changes nothing"):
        session.apply(edit)
    assert len(session.edits) == 1


def test_undo_after_reset_brings_the_edits_back(level: LoadedLevel) -> None:
    session = Session(level, clock=FakeClock())
    for edit in _solution(level):
        session.apply(edit)
    solved_spec = session.level.spec
    session.reset()
    assert session.edits == []
    assert session.can_undo
    assert session.undo() is not None
    assert session.level.spec == solved_spec
    assert session.edits == _solution(level)
    assert session.solved
