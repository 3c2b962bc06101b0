"""The first screen: packs → chapters → levels, with progress and locks.

It reads only the catalog (level headers) and the save, never a level itself,
so it appears at once however large the packs are; the app loads a level only
after this screen posts ``LevelChosen``. Every state is spelled out in words
and symbols ("✓ solved", "🔒 locked", "★★☆") so nothing depends on colour.

Locks guide, they do not wall anyone in (as in Learn Git Branching): enter on
a locked level asks whether to open it anyway or to open every level — a
setting kept in the save file, switched back in the palette ("Play levels in
order"). The app owns the save, so this screen only posts
what the player chose (``OpenLockedLevel``, ``UnlockAllLevels``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode

from k8snet_tui.app.fit import fit_tree_label, fit_words_str
from k8snet_tui.app.messages import LevelChosen, OpenLockedLevel, UnlockAllLevels
from k8snet_tui.app.safe_text import printable, printable_text
from k8snet_tui.game.catalog import Catalog, ChapterEntry, LevelEntry, PackEntry
from k8snet_tui.game.progress import LevelRecord, SaveFile
from k8snet_tui.model.problems import Problem
from k8snet_tui.model.wording import plural


@dataclass(frozen=True)
class PackNode:
    pack: PackEntry


@dataclass(frozen=True)
class ChapterNode:
    pack: PackEntry
    chapter: ChapterEntry


@dataclass(frozen=True)
class LevelNode:
    pack: PackEntry
    level: LevelEntry


NodeData = PackNode | ChapterNode | LevelNode

STATUS_WIDTH = 10  # cells: "🔒 locked" is the widest status (the emoji takes two)
HEADER_CHROME = 18  # cells of the header that are not its title (icon 8, clock space 10)


# ----------------------------------------------------------------- text
def stars(count: int) -> str:
    """Filled and hollow stars, so 2 of 3 reads as ★★☆ with or without colour."""
    count = max(0, min(3, count))
    return "★" * count + "☆" * (3 - count)


def difficulty_dots(difficulty: int) -> str:
    difficulty = max(1, min(5, difficulty))
    return "●" * difficulty + "○" * (5 - difficulty)


def format_seconds(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``): how players read a speedrun time."""
    total = max(0, round(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def _record(save: SaveFile, entry: LevelEntry) -> LevelRecord | None:
    return save.levels.get(entry.key)


def level_status(pack: PackEntry, entry: LevelEntry, save: SaveFile) -> str:
    """One word with a symbol: solved, locked, started (edits saved) or new."""
    rec = _record(save, entry)
    if rec is not None and rec.solved:
        return "✓ solved"
    if not pack.unlocked(entry, save):
        return "🔒 locked"
    if rec is not None and (rec.in_progress or rec.hints_in_progress):
        return "… started"
    return "· new"


def lock_reason(pack: PackEntry, entry: LevelEntry, save: SaveFile) -> str | None:
    """Why a level is locked, or None when it is open."""
    before = pack.blocker(entry, save)
    if before is None:
        return None
    return f"Locked: solve “{before.title}” first — levels of this pack open in order."


def unlock_question(pack: PackEntry, entry: LevelEntry, save: SaveFile) -> str:
    """What the open-anyway dialog asks."""
    before = pack.blocker(entry, save)
    first = f" (solve “{before.title}” first)" if before is not None else ""
    return f"“{entry.title}” is locked{first}. Open it anyway?"


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - cell_len(text))


def level_label(pack: PackEntry, entry: LevelEntry, save: SaveFile) -> Text:
    """``✓ solved  ★★☆ ●●○○○  Title  best 2 edits`` — fixed columns, then the title."""
    rec = _record(save, entry)
    status = level_status(pack, entry, save)
    solved = rec is not None and rec.solved
    star_text = stars(rec.best_stars) if rec is not None and solved else "   "
    label = Text(no_wrap=True)
    label.append(_pad(status, STATUS_WIDTH), style="bold" if solved else "")
    label.append(f"{star_text} {difficulty_dots(entry.difficulty)}  ")
    label.append(entry.title, style="dim" if status.startswith("🔒") else "")
    if rec is not None and rec.best_edits is not None:
        label.append(f"  best {plural(rec.best_edits, 'edit')}", style="italic")
    return label


def _solved_count(levels: list[LevelEntry] | tuple[LevelEntry, ...], save: SaveFile) -> int:
    return sum(1 for lvl in levels if (rec := _record(save, lvl)) is not None and rec.solved)


def pack_label(pack: PackEntry, save: SaveFile) -> Text:
    # Progress first: a line too long for the tree loses the byline's end, not the count.
    byline = " · ".join(part for part in (
        f"{_solved_count(pack.levels, save)}/{len(pack.levels)} solved",
        f"by {pack.author}" if pack.author else "",
        f"v{pack.version}" if pack.version else "",
    ) if part)
    label = Text(no_wrap=True)
    label.append(pack.title, style="bold")
    label.append(f"  {byline}", style="italic")
    return label


def chapter_label(chapter: ChapterEntry, save: SaveFile) -> Text:
    label = Text(no_wrap=True)
    label.append(chapter.title, style="bold")
    label.append(f"  {_solved_count(chapter.levels, save)}/{len(chapter.levels)} solved",
                 style="italic")
    return label


def level_details(pack: PackEntry, entry: LevelEntry, save: SaveFile) -> Text:
    """The side panel for a level: what it teaches and how well it went."""
    rec = _record(save, entry)
    out = Text()
    out.append(f"{entry.title}\n", style="bold")
    out.append(f"{level_status(pack, entry, save)}\n")
    out.append(f"Difficulty {difficulty_dots(entry.difficulty)} {entry.difficulty}/5\n")
    if entry.concepts:
        out.append(f"Concepts: {', '.join(entry.concepts)}\n")
    where = [pack.title, entry.chapter_title, f"level {entry.index + 1} of {len(pack.levels)}"]
    out.append(" · ".join(part for part in where if part) + "\n")
    if rec is not None and rec.solved:
        best = [f"{stars(rec.best_stars)} {rec.best_stars}/3 stars"]
        if rec.best_edits is not None:
            best.append(plural(rec.best_edits, "edit"))
        if rec.best_hints is not None:
            best.append(plural(rec.best_hints, "hint"))
        if rec.best_seconds is not None:
            best.append(format_seconds(rec.best_seconds))
        out.append(f"Best: {' · '.join(best)}\n")
    elif rec is not None and rec.in_progress:
        out.append(f"In progress: {plural(len(rec.in_progress), 'edit')} saved\n")
    out.append("\n")
    reason = lock_reason(pack, entry, save)
    if reason is not None:
        out.append(f"🔒 {reason}", style="bold")
        out.append("\nEnter (or a click) offers to open it anyway, or every level.",
                   style="italic")
    else:
        out.append("Press enter (or click) to play.", style="italic")
    return out


def pack_details(pack: PackEntry, save: SaveFile) -> Text:
    out = Text()
    out.append(f"{pack.title}\n", style="bold")
    byline = " · ".join(p for p in (f"by {pack.author}" if pack.author else "",
                                    f"version {pack.version}" if pack.version else "") if p)
    if byline:
        out.append(f"{byline}\n")
    out.append(f"{_solved_count(pack.levels, save)} of {plural(len(pack.levels), 'level')} "
               "solved\n")
    if pack.unlock_all:
        out.append("All levels are open.\n")
    elif save.unlock_all:
        out.append("All levels are open (you unlocked them; the palette's “Play levels in "
                   "order” locks them again).\n")
    else:
        out.append("Levels open in order: solve one to unlock the next (or open one "
                   "anyway: enter on it).\n")
    if pack.problems:
        out.append(f"⚠ {plural(len(pack.problems), 'problem')} in this pack (press e).\n")
    if pack.description:
        out.append(f"\n{pack.description.strip()}\n")
    return out


def chapter_details(pack: PackEntry, chapter: ChapterEntry, save: SaveFile) -> Text:
    out = Text()
    out.append(f"{chapter.title}\n", style="bold")
    out.append(f"{pack.title}\n")
    out.append(f"{_solved_count(chapter.levels, save)} of "
               f"{plural(len(chapter.levels), 'level')} solved\n")
    for lvl in chapter.levels:
        out.append(f"  {level_status(pack, lvl, save)}  {lvl.title}\n")
    return out


def all_problems(catalog: Catalog) -> list[Problem]:
    """Packs that could not be read at all, then entries of readable packs that are broken."""
    return [*catalog.problems, *(p for pack in catalog.packs for p in pack.problems)]


def problem_notice(catalog: Catalog) -> str | None:
    """One line saying what failed to load, or None when everything did."""
    parts: list[str] = []
    if catalog.problems:
        parts.append(f"{plural(len(catalog.problems), 'problem')} kept a pack from loading")
    broken = [pack for pack in catalog.packs if pack.problems]
    for pack in broken:
        parts.append(f"{pack.title}: {plural(len(pack.problems), 'problem')}")
    if not parts:
        return None
    return "⚠ " + "; ".join(parts)


# --------------------------------------------------------------- widgets
class LevelTree(Tree[NodeData]):
    """The pack tree; enter is re-bound only to give it a footer description.

    A line too long for the tree ends at a whole word with "…" rather than being
    cut mid-word at the border (the details panel beside it has the whole text).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open"),
    ]

    def render_label(self, node: TreeNode[NodeData], base_style: Style, style: Style) -> Text:
        return fit_tree_label(self, node, super().render_label(node, base_style, style))


UnlockAnswer = Literal["open", "all"] | None


class UnlockScreen(ModalScreen[UnlockAnswer]):
    """"This level is locked (solve X first). Open it anyway?" — by key or by mouse."""

    CSS_PATH = "level_select.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "answer('open')", "Open anyway"),
        Binding("a", "answer('all')", "Unlock all"),
        Binding("escape", "answer('')", "Cancel"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = printable(question)  # names a level title

    def compose(self) -> ComposeResult:
        with Vertical(id="unlock-dialog"):
            yield Static(self.question, id="unlock-question", markup=False)
            yield Static("Levels open in order so each builds on the one before; you can "
                         "still play any of them.", id="unlock-help", markup=False)
            with Horizontal(id="unlock-buttons"):
                yield Button("Open it anyway", id="unlock-open", variant="primary")
                yield Button("Unlock all levels", id="unlock-all")
                yield Button("Cancel", id="unlock-cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#unlock-open", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answers: dict[str | None, UnlockAnswer] = {"unlock-open": "open", "unlock-all": "all"}
        self.dismiss(answers.get(event.button.id))

    def action_answer(self, answer: str) -> None:
        self.dismiss("open" if answer == "open" else "all" if answer == "all" else None)


class LevelSelectScreen(Screen[None]):
    """Pick a level; the app handles ``LevelChosen`` (loading, errors, the level screen)."""

    CSS_PATH = "level_select.tcss"
    AUTO_FOCUS = "#levels"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help"),
        Binding("e", "show_problems", "Problems"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, catalog: Catalog, save: SaveFile, focus_key: str | None = None) -> None:
        super().__init__()
        # Below 100 columns the details panel moves under the tree (see the .tcss).
        self.HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]
        self.catalog = catalog
        self.save = save
        self.focus_key = focus_key
        self._pack_nodes: list[tuple[PackEntry, TreeNode[NodeData]]] = []
        self._chapter_nodes: list[tuple[ChapterEntry, TreeNode[NodeData]]] = []
        self._level_nodes: dict[str, TreeNode[NodeData]] = {}

    # -------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        yield Header()
        notice = problem_notice(self.catalog)
        if notice is None:
            yield Static(id="notice", classes="-hidden")
        else:
            link = Content.from_markup("  [@click=screen.show_problems]→ show them (e)[/]")
            yield Static(Content(printable(notice)) + link, id="notice")
        with Horizontal(id="body"):
            yield self._build_tree()
            with VerticalScroll(id="details-scroll"):
                yield Static(id="details")
        yield Footer()

    def _build_tree(self) -> LevelTree:
        tree = LevelTree("Packs", id="levels")
        tree.border_title = "Levels"
        tree.show_root = False
        tree.guide_depth = 2
        for pack in self.catalog.packs:
            pack_node = tree.root.add(pack_label(pack, self.save), PackNode(pack), expand=True)
            self._pack_nodes.append((pack, pack_node))
            flat = len(pack.chapters) == 1 and pack.chapters[0].id == pack.id
            for chapter in pack.chapters:
                parent = pack_node
                if not flat:
                    parent = pack_node.add(chapter_label(chapter, self.save),
                                           ChapterNode(pack, chapter), expand=True)
                    self._chapter_nodes.append((chapter, parent))
                for entry in chapter.levels:
                    self._level_nodes[entry.key] = parent.add_leaf(
                        level_label(pack, entry, self.save), LevelNode(pack, entry))
        if not self.catalog.packs:
            tree.root.add_leaf("No packs to play: none could be loaded.")
        return tree

    def on_mount(self) -> None:
        self.title = "Choose a level"
        self._set_sub_title(None)
        key = self.initial_key()
        if key is not None:
            self.call_after_refresh(self.highlight, key)

    def on_resize(self, event: events.Resize) -> None:
        cursor = self.query_one(LevelTree).cursor_node
        self._set_sub_title(cursor.data if cursor is not None else None)

    def _set_sub_title(self, data: NodeData | None) -> None:
        """The header names the pack of the highlighted line (not always the campaign),
        cut at a word when the terminal is too narrow for all of it."""
        if data is not None:
            pack_title = data.pack.title
        elif len(self.catalog.packs) == 1:
            pack_title = self.catalog.packs[0].title
        else:
            pack_title = plural(len(self.catalog.packs), "pack")
        room = self.size.width - HEADER_CHROME - cell_len(f"{self.title} — ")
        self.sub_title = fit_words_str(pack_title, room) if self.size.width else pack_title

    def on_screen_resume(self) -> None:
        """Back from a level: stars and locks may have changed."""
        self.refresh_progress()

    # ----------------------------------------------------------- progress
    def initial_key(self) -> str | None:
        """The level to highlight: where the player left off, else the first one to do."""
        if self.focus_key is not None and self.focus_key in self._level_nodes:
            return self.focus_key
        for pack in self.catalog.packs:
            for entry in pack.levels:
                rec = _record(self.save, entry)
                if pack.unlocked(entry, self.save) and not (rec and rec.solved):
                    return entry.key
        return next(iter(self._level_nodes), None)

    def highlight(self, key: str) -> None:
        node = self._level_nodes.get(key)
        if node is None:
            return
        tree = self.query_one(LevelTree)
        tree.move_cursor(node)
        self._show_details(node.data)

    def refresh_progress(self, save: SaveFile | None = None) -> None:
        """Relabel every line from the save (the app may hand over a new one)."""
        if save is not None:
            self.save = save
        for pack, node in self._pack_nodes:
            node.set_label(pack_label(pack, self.save))
        for chapter, node in self._chapter_nodes:
            node.set_label(chapter_label(chapter, self.save))
        for node in self._level_nodes.values():
            if isinstance(node.data, LevelNode):
                node.set_label(level_label(node.data.pack, node.data.level, self.save))
        cursor = self.query_one(LevelTree).cursor_node
        self._show_details(cursor.data if cursor is not None else None)

    # ------------------------------------------------------------- events
    def _show_details(self, data: NodeData | None) -> None:
        self._set_sub_title(data)
        details = self.query_one("#details", Static)
        if isinstance(data, LevelNode):
            details.update(printable_text(level_details(data.pack, data.level, self.save)))
        elif isinstance(data, ChapterNode):
            details.update(printable_text(chapter_details(data.pack, data.chapter, self.save)))
        elif isinstance(data, PackNode):
            details.update(printable_text(pack_details(data.pack, self.save)))
        else:
            details.update("")

    @on(Tree.NodeHighlighted)
    def _highlighted(self, event: Tree.NodeHighlighted[NodeData]) -> None:
        self._show_details(event.node.data)

    @on(Tree.NodeSelected)
    def _selected(self, event: Tree.NodeSelected[NodeData]) -> None:
        data = event.node.data
        if isinstance(data, LevelNode):
            self.open_level(data.pack, data.level)

    def open_level(self, pack: PackEntry, entry: LevelEntry) -> None:
        """Post ``LevelChosen`` — or, for a locked level, ask whether to open it anyway."""
        if pack.unlocked(entry, self.save):
            self.post_message(LevelChosen(pack.id, entry.index))
            return
        self._show_details(LevelNode(pack, entry))
        self.app.push_screen(UnlockScreen(unlock_question(pack, entry, self.save)),
                             partial(self._unlock_answered, pack, entry))

    def _unlock_answered(self, pack: PackEntry, entry: LevelEntry, answer: UnlockAnswer) -> None:
        if answer == "open":
            self.post_message(OpenLockedLevel(pack.id, entry.index))
        elif answer == "all":
            self.post_message(UnlockAllLevels(True))
            self.post_message(LevelChosen(pack.id, entry.index))

    # ------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_problems":
            return bool(all_problems(self.catalog))
        return True

    def action_show_problems(self) -> None:
        from k8snet_tui.app.screens.load_error import LoadErrorScreen

        problems = all_problems(self.catalog)
        if problems:
            self.app.push_screen(LoadErrorScreen("Problems in the level packs", problems))

    def action_help(self) -> None:
        from k8snet_tui.app.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())
