"""The Textual application: screens, saved progress, and the way between levels.

``make_app`` is the one factory the CLI and the tests share, so tests run the
same app a player does, only with a temporary data directory and a fixed clock.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from k8snet_tui.app.commands import GameCommands
from k8snet_tui.app.messages import LevelChosen
from k8snet_tui.game.catalog import Catalog, LevelEntry, PackEntry, build_catalog
from k8snet_tui.game.packs import discover_packs
from k8snet_tui.game.progress import LevelRecord, ProgressStore, SaveFile, record_solved
from k8snet_tui.game.session import Clock, Session
from k8snet_tui.model.load import load_level
from k8snet_tui.model.problems import LevelError, Problem


class K8snetApp(App[None]):
    """k8snet-tui: repair broken clusters until every flow does what it must."""

    TITLE = "k8snet-tui"
    SUB_TITLE = "Kubernetes networking, hop by hop"
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {GameCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", priority=True, show=False),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, catalog: Catalog, store: ProgressStore, *, clock: Clock = time.monotonic,
                 single_level: bool = False, watch: bool = False) -> None:
        super().__init__()
        self.watch_files = watch
        self.catalog = catalog
        self.store = store
        self.clock = clock
        self.single_level = single_level
        self.save = SaveFile()
        self.load_message: str | None = None

    # ------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        result = self.store.load()
        self.save = result.save
        self.load_message = result.message
        if self.save.theme and self.save.theme in self.available_themes:
            self.theme = self.save.theme
        if result.message:
            self.notify(result.message, title="Save file", severity="warning", timeout=15)
        for problem in self.catalog.problems:
            self.notify(str(problem), title="A pack could not be read", severity="error",
                        timeout=15)
        self.show_level_select()
        if self.single_level and self.catalog.packs:
            self.open_level(self.catalog.packs[0].id, 0)

    def watch_theme(self, theme: str) -> None:
        if self.save.theme != theme:
            self.save.theme = theme
            self.persist()

    def show_level_select(self) -> None:
        from k8snet_tui.app.screens.level_select import LevelSelectScreen

        focus = self.save.last_level
        if self.screen_stack and isinstance(self.screen, LevelSelectScreen):
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.push_screen(LevelSelectScreen(self.catalog, self.save, focus))

    # -------------------------------------------------------------- levels
    def _entry(self, pack_id: str, index: int) -> tuple[PackEntry, LevelEntry] | None:
        for pack in self.catalog.packs:
            if pack.id == pack_id and 0 <= index < len(pack.levels):
                return pack, pack.levels[index]
        return None

    def on_level_chosen(self, message: LevelChosen) -> None:
        self.open_level(message.pack_id, message.level_index)

    def open_level(self, pack_id: str, index: int) -> None:
        """Load a level and push its screen; a broken level shows its problems instead."""
        from k8snet_tui.app.screens.level import LevelScreen
        from k8snet_tui.app.screens.level_select import LevelSelectScreen
        from k8snet_tui.app.screens.load_error import LoadErrorScreen

        found = self._entry(pack_id, index)
        if found is None:
            return
        pack, entry = found
        if not pack.unlocked(entry, self.save):
            self.notify(f"{entry.title} is locked: solve the level before it first.",
                        severity="warning")
            return
        try:
            level = load_level(entry.path)
        except LevelError as exc:
            self.push_screen(LoadErrorScreen(entry.title, exc.problems))
            return
        session = Session(level, clock=self.clock)
        record = self.save.levels.get(entry.key)
        if record is not None and record.in_progress:
            skipped = session.replay(record.in_progress)
            session.hints_used = record.hints_in_progress
            if skipped:
                self.notify("Some saved edits no longer apply and were skipped:\n"
                            + "\n".join(skipped), severity="warning", timeout=10)
            else:
                self.notify(f"Resumed with {len(session.edits)} edit(s) in progress.")
        self.save.last_level = entry.key
        self.persist()
        while len(self.screen_stack) > 1 and not isinstance(self.screen, LevelSelectScreen):
            self.pop_screen()
        self.push_screen(LevelScreen(session, pack, entry))

    def open_next(self, pack: PackEntry, entry: LevelEntry) -> None:
        following = pack.next_after(entry)
        if following is None:
            self.show_level_select()
            self.notify(f"That was the last level of {pack.title}. Well done!")
            return
        self.open_level(pack.id, following.index)

    # ------------------------------------------------------------ progress
    def persist(self) -> None:
        """Write the save file; a failure to write is reported, never fatal."""
        try:
            self.store.save(self.save)
        except OSError as exc:
            self.notify(f"Progress could not be saved: {exc}", severity="error")

    def record_progress(self, entry: LevelEntry, session: Session) -> None:
        rec = self.save.levels.setdefault(entry.key, LevelRecord())
        rec.in_progress = list(session.edits)
        rec.hints_in_progress = session.hints_used
        self.persist()

    def record_solved(self, entry: LevelEntry, session: Session) -> None:
        score = session.score()
        record_solved(self.save, entry.key, edits=score.edits, stars=score.stars,
                      hints=score.hints, seconds=score.seconds)
        self.persist()

    # ------------------------------------------------------------- actions
    def action_help(self) -> None:
        from k8snet_tui.app.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def make_app(paths: Sequence[Path] | None = None, *, data_dir: Path | None = None,
             clock: Clock = time.monotonic, watch: bool = False) -> K8snetApp:
    """The game on the built-in campaign, or on the given level files / pack folders."""
    problems: list[Problem] = []
    if paths:
        targets = list(paths)
    else:
        targets, problems = discover_packs()
    catalog = build_catalog(targets)
    catalog.problems.extend(problems)
    single = bool(paths) and len(targets) == 1 and targets[0].is_file()
    return K8snetApp(catalog, ProgressStore(data_dir), clock=clock, single_level=single,
                     watch=watch)
