"""The Textual application: screens, saved progress, and the way between levels.

``make_app`` is the one factory the CLI and the tests share, so tests run the
same app a player does, only with a temporary data directory and a fixed clock.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.filter import LineFilter
from textual.notifications import SeverityLevel
from textual.screen import Screen

from k8snet_tui.app.commands import GameCommands
from k8snet_tui.app.messages import LevelChosen, OpenLockedLevel, UnlockAllLevels
from k8snet_tui.app.safe_text import ControlCharFilter, printable
from k8snet_tui.game.catalog import Catalog, LevelEntry, PackEntry, build_catalog
from k8snet_tui.game.packs import discover_packs
from k8snet_tui.game.progress import (
    LevelRecord,
    ProgressStore,
    SaveFile,
    record_solved,
    unlock_level,
)
from k8snet_tui.game.session import Clock, Session
from k8snet_tui.model.load import load_level
from k8snet_tui.model.problems import LevelError, Problem

TOAST_SECONDS: dict[str, float] = {"information": 4.0, "warning": 5.0, "error": 6.0}
"""How long a toast stays: long enough to read a line, short enough not to sit on the
screen; an error a little longer. A caller's longer timeout is cut to these."""
TOAST_LINES: dict[str, int] = {"information": 1, "warning": 3, "error": 3}
"""Lines a toast may take on the top of the screen (app.tcss says the same): a notice
one, over the header; a warning or an error, which may name a file, three. A longer
message is cut at a word with "…": hints stay whole in the Briefing tab and problems
in their own screens, so the toast only has to say what happened."""
TOAST_CHROME = 3
"""Cells of a toast row that are not text: the severity bar and the padding."""

_INLINE_MARKDOWN = re.compile(
    r"(?P<ticks>`+)(?P<code>.+?)(?P=ticks)"  # `code`
    r"|\*\*(?P<strong>.+?)\*\*|__(?P<strong2>.+?)__"  # **bold**, __bold__
    r"|(?<![\w*])\*(?P<em>[^*\s](?:[^*]*[^*\s])?)\*(?![\w*])"  # *em*
    r"|(?<![\w_])_(?P<em2>[^_\s](?:[^_]*[^_\s])?)_(?![\w_])"  # _em_
    r"|\[(?P<link>[^\]]+)\]\([^)\s]*\)"  # [text](url)
    r"|\\(?P<escaped>[\\`*_\[\]()#+\-.!])"  # \* and friends
)


def _cut(content: Content, limit: int) -> Content:
    """``content`` at most ``limit`` characters, cut after a whole word, with an ellipsis."""
    plain = content.plain
    if len(plain) <= limit:
        return content
    end = limit - 1
    space = plain.rfind(" ", 0, end)
    if space > limit // 2:
        end = space
    while end > 0 and plain[end - 1] in " ,;:.-—":
        end -= 1
    return content[:end] + "…"


def inline_markdown(text: str) -> Content:
    """Inline Markdown as styled text: `code` and **strong** bold, _emphasis_ italic, a
    link its text; everything else literal (``containers[0]`` is not markup).

    Level files and game messages write names as Markdown code spans; toasts and the
    hints box are not Markdown views, so their backticks would show otherwise.
    Control characters are shown escaped (``\x1b``): the text comes from levels.
    """
    text = printable(text, multiline=True)
    parts: list[str | tuple[str, str]] = []
    at = 0
    for match in _INLINE_MARKDOWN.finditer(text):
        parts.append(text[at:match.start()])
        at = match.end()
        groups = match.groupdict()
        if groups["code"] is not None:
            parts.append((groups["code"].strip(), "bold"))
        elif (strong := groups["strong"] or groups["strong2"]) is not None:
            parts.append((strong, "bold"))
        elif (em := groups["em"] or groups["em2"]) is not None:
            parts.append((em, "italic"))
        elif groups["link"] is not None:
            parts.append(groups["link"])
        else:
            parts.append(groups["escaped"] or "")
    parts.append(text[at:])
    return Content.assemble(*parts)


def toast_content(message: str, title: str = "", *, markdown: bool = True,
                  limit: int = 160) -> Content:
    """A notification as the toast shows it: ``title · message`` on as few lines as it can,
    inline Markdown as styled text (``inline_markdown``), line breaks as spaces, a long
    message cut at ``limit``; control characters escaped (``model.printable``)."""
    text = " ".join(line.strip() for line in message.splitlines() if line.strip())
    body = inline_markdown(text) if markdown else Content(printable(text))
    if title:
        body = Content.assemble((printable(title), "bold"), " · ", body)
    return _cut(body, limit)


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
        self._next_toast: tuple[str, SeverityLevel, float] | None = None
        self._control_filter = ControlCharFilter()

    def get_line_filters(self) -> list[LineFilter]:
        """Textual's filters, then one that drops any control character left in what is
        drawn: text from a level must never reach the terminal raw (``app.safe_text``)."""
        return [*super().get_line_filters(), self._control_filter]

    # ------------------------------------------------------------ start-up
    def on_mount(self) -> None:
        result = self.store.load()
        self.save = result.save
        self.load_message = result.message
        if self.save.theme and self.save.theme in self.available_themes:
            self.theme = self.save.theme
        # One toast at a time: the save file's fate matters most; the packs that
        # could not be read are also listed on level select (e shows them).
        if result.message:
            self.notify(result.message, title="Save file", severity="warning")
        elif self.catalog.problems:
            first = self.catalog.problems[0]
            more = len(self.catalog.problems) - 1
            self.notify(f"{first}" + (f" (and {more} more; e lists them)" if more else ""),
                        title="A pack could not be read", severity="error")
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

    def on_open_locked_level(self, message: OpenLockedLevel) -> None:
        self.open_level(message.pack_id, message.level_index, anyway=True)

    def on_unlock_all_levels(self, message: UnlockAllLevels) -> None:
        self.set_unlock_all(message.unlock)

    def open_level(self, pack_id: str, index: int, *, anyway: bool = False) -> None:
        """Load a level and push its screen; a broken level shows its problems instead.

        A locked level opens only ``anyway`` (the player confirmed it), and then
        stays open: the save remembers it.
        """
        from k8snet_tui.app.screens.level import LevelScreen
        from k8snet_tui.app.screens.level_select import LevelSelectScreen
        from k8snet_tui.app.screens.load_error import LoadErrorScreen

        found = self._entry(pack_id, index)
        if found is None:
            return
        pack, entry = found
        if not pack.unlocked(entry, self.save):
            if not anyway:
                self.notify(f"{entry.title} is locked: solve the level before it first, or "
                            "open it anyway from level select.", severity="warning")
                return
            unlock_level(self.save, entry.key)
        elif not pack.open_without_setting(entry, self.save):
            unlock_level(self.save, entry.key)  # played: it stays open without the setting
        try:
            level = load_level(entry.path)
        except LevelError as exc:
            self.push_screen(LoadErrorScreen(entry.title, exc.problems))
            return
        session = Session(level, clock=self.clock)
        record = self.save.levels.get(entry.key)
        if record is not None:
            # Hints shown count even when no edit was made yet: leaving and coming
            # back must not make them free.
            session.hints_used = record.hints_in_progress
        if record is not None and record.in_progress:
            skipped = session.replay(record.in_progress)
            if skipped:
                self.notify("Some saved edits no longer apply and were skipped:\n"
                            + "\n".join(skipped), severity="warning", timeout=10)
            else:
                n = len(session.edits)
                self.notify(f"Resumed with {n} edit{'s' * (n != 1)} in progress.")
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

    def set_unlock_all(self, unlock: bool) -> None:
        """The "every level is open" setting: saved, and level select relabelled."""
        from k8snet_tui.app.screens.level_select import LevelSelectScreen

        if self.save.unlock_all != unlock:
            self.save.unlock_all = unlock
            self.persist()
        for screen in self.screen_stack:
            if isinstance(screen, LevelSelectScreen):
                screen.refresh_progress(self.save)
        self.notify("Every level is open: play them in any order (ctrl+p, “Play levels in "
                    "order” to undo)." if unlock else
                    "Levels open in order again; the ones you opened stay open.")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.save.unlock_all:
            yield SystemCommand("Play levels in order",
                                "Lock levels until the one before is solved (opened ones stay)",
                                lambda: self.set_unlock_all(False))
        else:
            yield SystemCommand("Unlock all levels",
                                "Open every level of every pack, in any order (saved)",
                                lambda: self.set_unlock_all(True))

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

    # --------------------------------------------------------------- toasts
    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """One short toast at a time, with its Markdown rendered as text.

        A new notification replaces the one on screen (toasts used to stack over
        the debrief and the editor), stays a few seconds (``TOAST_SECONDS``) and
        is cut to fit its lines (``TOAST_LINES``). The title goes on the message's
        line. ``markup=False`` keeps the message literal (no Markdown either).

        Textual adds a notification when its message is handled, so clearing
        here would miss one posted a moment before: the toast is shown from the
        queue instead, and of several notifications in one burst the last wins.
        """
        longest = TOAST_SECONDS.get(severity, TOAST_SECONDS["information"])
        seconds = longest if timeout is None else min(timeout, longest)
        lines = TOAST_LINES.get(severity, 1)
        room = max(20, (self.size.width or 80) - TOAST_CHROME)
        # Several lines wrap at words, which wastes some of each: leave a little room.
        limit = room if lines == 1 else lines * room - 8 * (lines - 1)
        content = toast_content(str(message), title, markdown=markup, limit=limit)
        scheduled = self._next_toast is not None
        self._next_toast = (content.markup, severity, seconds)
        if not scheduled:
            self.call_later(self._show_next_toast)

    def _show_next_toast(self) -> None:
        if self._next_toast is None:
            return
        markup, severity, seconds = self._next_toast
        self._next_toast = None
        # Textual takes a replaced toast out of its holder but leaves the empty holder,
        # which keeps a line: the new toast would sit one line lower (on the debrief, over
        # the score). The old holders go with their toasts.
        self.screen.query("ToastRack > ToastHolder").remove()
        self.clear_notifications()
        super().notify(markup, severity=severity, timeout=seconds, markup=True)

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
