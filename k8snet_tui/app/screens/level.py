"""The level screen: flows and objects on the left, map / trace / editor / briefing tabs.

The screen owns the ``Session``. Widgets post messages (an edit, a flow or an
object chosen); the screen applies edits to the session and pushes the new
state down to every widget. It never decides anything about networking.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static, TabbedContent, TabPane

from k8snet_tui.app.messages import EditRequested, FlowChosen, ObjectChosen
from k8snet_tui.app.safe_text import printable, printable_markdown
from k8snet_tui.app.widgets.cluster_map import ClusterMap
from k8snet_tui.app.widgets.flow_list import FlowList
from k8snet_tui.app.widgets.inspector import Inspector
from k8snet_tui.app.widgets.object_tree import ObjectTree
from k8snet_tui.app.widgets.trace_view import TraceView
from k8snet_tui.engine.trace import Trace
from k8snet_tui.game.actions import QuickAction, new_object_choices, quick_actions
from k8snet_tui.game.catalog import LevelEntry, PackEntry
from k8snet_tui.game.edits import EditError, describe_edit, manifest_ref
from k8snet_tui.game.locks import can_create
from k8snet_tui.game.packs import PACK_FILE
from k8snet_tui.game.session import Session
from k8snet_tui.model.edits import CreateEdit
from k8snet_tui.model.load import LoadedLevel

if TYPE_CHECKING:
    from k8snet_tui.app.app import K8snetApp


_CATEGORY_KINDS = {"Services": "service", "NetworkPolicies": "networkpolicy",
                   "Ingresses": "ingress", "Pods": "pod", "Workloads": "deployment"}
"""Object-tree headings → the kind "new object" offers first when the cursor is on one."""


class LevelScreen(Screen[None]):
    CSS_PATH = "level.tcss"
    # Textual declares this as `ClassVar[...] | None`, which mypy cannot re-declare.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide"), (150, "-very-wide")]  # noqa: RUF012
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("z", "undo", "Undo"),
        Binding("y", "redo", "Redo"),
        Binding("R", "reset", "Reset", show=False),
        Binding("h", "hint", "Hint"),
        Binding("n", "next_failing", "Next ✗"),
        Binding("e", "edit_blamed", "Culprit"),
        Binding("Y", "edit_yaml", "YAML", show=False),
        Binding("a", "new_object", "New object"),
        Binding("b", "briefing", "Briefing", show=False),
        Binding("q", "back", "Levels"),
        # Esc closes what is open (a toast here; dialogs close themselves) and never
        # leaves the level: players press it to dismiss things, several times in a row.
        Binding("escape", "close", "Close", show=False),
        Binding("1", "tab('map')", "Map", show=False),
        Binding("2", "tab('trace')", "Trace", show=False),
        Binding("3", "tab('edit')", "Edit", show=False),
        Binding("4", "tab('brief')", "Briefing tab", show=False),
    ]
    PALETTE: ClassVar[list[tuple[str, str, str]]] = [
        ("Undo", "undo", "Take back the last edit"),
        ("Redo", "redo", "Apply the edit you took back"),
        ("Reset level", "reset", "Back to the broken cluster you started with"),
        ("Hint", "hint", "Reveal the next hint (costs a star)"),
        ("Briefing", "briefing", "Read the level's briefing again"),
        ("Next failing flow", "next_failing", "Select the next flow that is not right yet"),
        ("Edit the object to blame", "edit_blamed",
         "Open the editor on the object the selected flow's trace points at"),
        ("Edit as YAML", "edit_yaml", "Open the YAML editor on the selected object"),
        ("New object", "new_object",
         "Create an object this level lets you add, from a commented starting manifest"),
        ("Back to level select", "back", "Leave the level (your edits are saved)"),
    ]

    def __init__(self, session: Session, pack: PackEntry, entry: LevelEntry) -> None:
        super().__init__()
        self.session = session
        self.pack = pack
        self.entry = entry
        self.selected_flow = self._first_failing()
        self.selected_ref: str | None = None
        self.last_error: str | None = None
        self._debriefed = session.solved
        self._stamp: tuple[tuple[str, float], ...] = ()
        self._stale: set[str] = set()
        self._kinds: tuple[LoadedLevel | None, dict[str, frozenset[str]]] = (None, {})

    @property
    def game(self) -> K8snetApp:
        from k8snet_tui.app.app import K8snetApp

        app = self.app
        assert isinstance(app, K8snetApp)
        return app

    # -------------------------------------------------------------- layout
    def compose(self) -> ComposeResult:
        spec = self.session.level.spec
        yield Header()
        with Horizontal(id="body"):
            with Vertical(id="side"):
                yield Static(id="status")
                yield FlowList(id="flows")
                yield ObjectTree("Cluster", id="objects")
            with TabbedContent(id="tabs", initial="map"):
                with TabPane("Map [1]", id="map"), VerticalScroll(id="map-scroll"):
                    yield ClusterMap(id="cluster-map")
                with TabPane("Trace [2]", id="trace"):
                    yield TraceView(id="trace-view")
                with TabPane("Edit [3]", id="edit"):
                    yield Inspector(id="inspector")
                with TabPane("Briefing [4]", id="brief"), VerticalScroll(id="brief-scroll"):
                    # Hints first: h shows them here, whole (a toast would cut them short).
                    yield Static(id="hints", markup=False)
                    yield Markdown(printable_markdown(spec.briefing or "_No briefing._"),
                                   id="briefing")
        yield Footer()

    def on_mount(self) -> None:
        # A single level file is a pack of its own, titled like the level: say it once.
        self.title = printable(self.entry.title if self.pack.title == self.entry.title
                               else f"{self.pack.title} · {self.entry.title}")
        self.sub_title = printable(self.entry.chapter_title)
        self.refresh_state()
        if self.game.watch_files:
            self._stamp = self._source_stamp()
            self.set_interval(0.5, self._check_source)
        if not self.session.edits:
            self.action_briefing()

    # ------------------------------------------------------ --watch support
    def _pack_file(self) -> Path | None:
        """The ``pack.yaml`` of the pack the level belongs to: the pack folder played, or
        the nearest folder above a level file given on its own that has one."""
        if (self.pack.path / PACK_FILE).is_file():
            return self.pack.path / PACK_FILE
        return next((f / PACK_FILE for f in self.entry.path.resolve().parents
                     if (f / PACK_FILE).is_file()), None)

    def _source_stamp(self) -> tuple[tuple[str, float], ...]:
        """Modification times of the level file, the YAML beside it (its includes) and
        its pack's ``pack.yaml`` (titles, chapters, the list of levels)."""
        folder = self.entry.path.parent
        pack_file = self._pack_file()
        files = [self.entry.path, *([pack_file] if pack_file is not None else []),
                 *sorted(folder.rglob("*.y*ml"))]
        stamp = []
        for f in dict.fromkeys(files):
            try:
                stamp.append((str(f), f.stat().st_mtime))
            except OSError:
                stamp.append((str(f), -1.0))
        return tuple(stamp)

    def _check_source(self) -> None:
        stamp = self._source_stamp()
        if stamp != self._stamp:
            pack_file = self._pack_file()
            changed = set(stamp) ^ set(self._stamp)
            self._stamp = stamp
            if pack_file is not None and any(name == str(pack_file) for name, _ in changed):
                self.reload_pack(pack_file)
            self.reload_from_disk()

    def reload_pack(self, pack_file: Path) -> None:
        """Re-read the changed ``pack.yaml``: its problems as a toast, else the titles it
        gives this level (save keys stay: progress is the level's, not the title's)."""
        from k8snet_tui.game.packs import load_pack
        from k8snet_tui.model.problems import LevelError

        try:
            pack = load_pack(pack_file.parent)
        except LevelError as exc:
            shown = "\n".join(str(p) for p in exc.errors[:5])
            self.notify(f"{shown}\n(kept the previous version)", title="Pack has errors",
                        severity="error", timeout=20)
            return
        target = self.entry.path.resolve()
        for chapter in pack.chapters:
            if any(lvl.path.resolve() == target for lvl in chapter.levels):
                chapter_title = chapter.title if pack.spec.chapters is not None else ""
                self.title = printable(self.entry.title if pack.spec.title == self.entry.title
                                       else f"{pack.spec.title} · {self.entry.title}")
                self.sub_title = printable(chapter_title)
                return
        self.notify(f"{PACK_FILE} no longer lists {self.entry.path.name}.",
                    title="Pack changed", severity="warning")

    def reload_from_disk(self) -> None:
        """Re-read the level (an author saved it); keep the player's edits where they apply."""
        from k8snet_tui.model.load import load_level
        from k8snet_tui.model.problems import LevelError

        try:
            level = load_level(self.entry.path)
        except LevelError as exc:
            shown = "\n".join(str(p) for p in exc.errors[:5])
            self.notify(f"{shown}\n(kept the previous version)", title="Level has errors",
                        severity="error", timeout=20)
            return
        edits = self.session.edits
        session = Session(level, clock=self.session.clock)
        session.hints_used = self.session.hints_used
        skipped = session.replay(edits)
        self.session = session
        self._debriefed = session.solved
        self.query_one("#briefing", Markdown).update(
            printable_markdown(level.spec.briefing or "_No briefing._"))
        self.refresh_state()
        note = f" ({len(skipped)} edit(s) no longer apply)" if skipped else ""
        self.notify(f"Reloaded {self.entry.path.name}{note}.", title="Level changed")

    # ----------------------------------------------------------- rendering
    def _first_failing(self) -> int:
        traces = self.session.result.traces
        return next((i for i, t in enumerate(traces) if not t.ok), 0)

    @property
    def trace(self) -> Trace | None:
        traces = self.session.result.traces
        if not traces:
            return None
        self.selected_flow = min(self.selected_flow, len(traces) - 1)
        return traces[self.selected_flow]

    def status_text(self) -> str:
        s = self.session
        traces = s.result.traces
        ok = sum(t.ok for t in traces)
        score = s.score()
        par = f" (par {score.par})" if score.par is not None else ""
        state = "SOLVED ✓" if s.solved else f"{ok}/{len(traces)} flows right"
        text = (f"{state}\n{score.edits} edit{'s' * (score.edits != 1)}{par} · "
                f"{score.hints} hint{'s' * (score.hints != 1)}")
        if s.last_change.changed:
            text += f"\nLast edit: {s.last_change.summary()} (◆ in the list)"
        return text

    def refresh_state(self) -> None:
        """Push the session's state down: the left column and the visible tab now, the
        hidden tabs when they are next shown (so an edit only re-renders what is seen)."""
        s = self.session
        self.query_one("#status", Static).update(self.status_text())
        self.query_one(FlowList).show(s.result.traces, self.selected_flow, s.last_change.marks)
        self.query_one(ObjectTree).show(s.level, s.editable)
        self._stale = {"map", "trace", "edit", "brief"}
        self._refresh_tab(self.query_one(TabbedContent).active)

    def _refresh_tab(self, tab: str) -> None:
        if tab not in self._stale:
            return
        self._stale.discard(tab)
        s = self.session
        if tab == "trace":
            self.query_one(TraceView).show(self.trace, s.explanation(self.selected_flow))
        elif tab == "map":
            self.query_one(ClusterMap).show(s.level.world, self.trace, s.view)
        elif tab == "edit":
            self._show_inspector()
        elif tab == "brief":
            hints = s.shown_hints()
            from k8snet_tui.app.app import inline_markdown

            box = self.query_one("#hints", Static)
            box.update(Content("\n").join(inline_markdown(f"Hint {i}: {h}")
                                          for i, h in enumerate(hints, 1)))
            box.display = bool(hints)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content.id == "tabs" and event.pane.id is not None:
            self._refresh_tab(event.pane.id)

    def _show_inspector(self) -> None:
        self._stale.discard("edit")
        s = self.session
        editable = s.editable(self.selected_ref) if self.selected_ref else None
        self.query_one(Inspector).show(s.view, self.selected_ref, editable, s.original)

    # ------------------------------------------------------------ messages
    def on_flow_chosen(self, message: FlowChosen) -> None:
        message.stop()
        self.choose_flow(message.index, switch=False)

    def choose_flow(self, index: int, *, switch: bool = True) -> None:
        self.selected_flow = index
        self.query_one(FlowList).show(self.session.result.traces, index,
                                      self.session.last_change.marks)
        self._stale |= {"map", "trace"}
        self._refresh_tab(self.query_one(TabbedContent).active)
        if switch:
            self.switch_tab("trace")

    def on_object_chosen(self, message: ObjectChosen) -> None:
        message.stop()
        self.selected_ref = message.ref
        self._show_inspector()
        self.switch_tab("edit")

    def on_edit_requested(self, message: EditRequested) -> None:
        message.stop()
        self.apply_edit(message)

    def apply_edit(self, message: EditRequested) -> None:
        try:
            self.session.apply_group(message.edits)
        except EditError as exc:
            self.last_error = exc.reason
            self.query_one(Inspector).show_error(exc.reason)
            self.notify(exc.reason, title="Edit refused", severity="error")
            return
        self.last_error = None
        created = [e for e in message.edits if isinstance(e, CreateEdit)]
        if created:
            # A new (or renamed) object is what the player wants to look at next.
            self.selected_ref = manifest_ref(created[-1].manifest)
            self.query_one(Inspector).end_draft()
        what = "; ".join(describe_edit(e) for e in message.edits)
        self.notify(f"{what}\n{self.session.last_change.describe()}", title="Applied")
        self._after_change()
        if created and isinstance(self.app.screen, LevelScreen):
            # Its summary and its own actions (delete, rename …), not the YAML just typed.
            self.query_one(Inspector).focus_actions()

    def _after_change(self) -> None:
        self.refresh_state()
        self.game.record_progress(self.entry, self.session)
        if self.session.solved and not self._debriefed:
            self._debriefed = True
            self.game.record_solved(self.entry, self.session)
            self.show_debrief()
        elif not self.session.solved:
            self._debriefed = False

    def show_debrief(self) -> None:
        from k8snet_tui.app.screens.debrief import DebriefScreen

        s = self.session
        screen = DebriefScreen(self.entry.title, s.level.spec.debrief, s.score(), s.kubectl(),
                               s.describe_edits(), self.pack.next_after(self.entry) is not None)

        def done(choice: str | None) -> None:
            if choice == "next":
                self.game.open_next(self.pack, self.entry)
            elif choice == "replay":
                self.action_reset()
            elif choice == "select":
                self.game.show_level_select()

        self.app.push_screen(screen, done)

    # ------------------------------------------------------------- actions
    def action_undo(self) -> None:
        what = self.session.undo_label
        if self.session.undo() is None:
            self.notify("Nothing to undo.")
            return
        self.notify(f"Undone: {what}. {self.session.last_change.describe()}")
        self._after_change()

    def action_redo(self) -> None:
        what = self.session.redo_label
        if self.session.redo() is None:
            self.notify("Nothing to redo.")
            return
        self.notify(f"Redone: {what}. {self.session.last_change.describe()}")
        self._after_change()

    def action_close(self) -> None:
        """Esc: close the toasts; leaving the level is q (or the palette), on purpose."""
        self.app.clear_notifications()

    def new_object_choices(self, here: str | None = None,
                           kind: str | None = None) -> tuple[list[QuickAction], int]:
        """The "new object" drafts offered (``game.actions.new_object_choices``) and the
        one to highlight: in ``here``, else the namespace in view — the selected object's,
        or the one under the object tree's cursor (a namespace line, or a kind heading)."""
        if here is None:
            here, kind = self._context_namespace()
        return new_object_choices(self.session.level, original=self.session.original,
                                  here=here, kind=kind)

    def _context_namespace(self) -> tuple[str | None, str | None]:
        tree = self.query_one(ObjectTree)
        key = tree.key_of(tree.cursor_node) if tree.cursor_node is not None else None
        if self.focused is tree and key is not None and key.startswith("ns/"):
            parts = key.split("/")
            kind = _CATEGORY_KINDS.get(parts[2]) if len(parts) > 2 else None
            return parts[1], kind
        ref = self.selected_ref
        if ref is not None and ref.count("/") == 2:
            return ref.split("/")[1], None
        if ref is not None and ref.startswith("namespace/"):
            return ref.split("/", 1)[1], None
        return None, None

    def start_new_object(self, action: QuickAction) -> None:
        """Open the Edit tab's YAML editor on ``action``'s starting manifest."""
        self.switch_tab("edit")
        self.query_one(Inspector).start_draft(action)

    def action_new_object(self, here: str | None = None, kind: str | None = None) -> None:
        from k8snet_tui.app.screens.choose import ChooseScreen

        choices, default = self.new_object_choices(here, kind)
        if not choices:
            self.notify("This level does not let you create objects: repair the ones it has.")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self.start_new_object(choices[index])

        self.app.push_screen(ChooseScreen(
            "Create which object?", [a.label.removeprefix("New ").rstrip("…") for a in choices],
            highlight=default,
            help="The YAML editor opens on a commented starting manifest; ctrl+s creates "
                 "it (one edit)."), chosen)

    def action_reset(self) -> None:
        self.session.reset()
        self.selected_flow = self._first_failing()
        # The keyboard starts over too: on the flows, never inside the YAML editor.
        self.query_one(FlowList).focus()
        self.notify("Level reset to its starting state (z brings your edits back).")
        self._after_change()

    def action_hint(self) -> None:
        hint = self.session.next_hint()
        if hint is None:
            self.notify("No more hints: the trace of the failing flow says the rest.")
            return
        self.notify(hint, title=f"Hint {self.session.hints_used} (whole in the Briefing tab)")
        self.refresh_state()
        self.game.record_progress(self.entry, self.session)
        self.switch_tab("brief")
        self.query_one("#brief-scroll", VerticalScroll).scroll_home(animate=False)

    def action_next_failing(self) -> None:
        traces = self.session.result.traces
        n = len(traces)
        for step in range(1, n + 1):
            i = (self.selected_flow + step) % n
            if not traces[i].ok:
                self.choose_flow(i)
                return
        self.notify("Every flow is right.")

    def culprit(self) -> str | None:
        """The object ``e`` opens for the selected flow (``Session.culprit``)."""
        return self.session.culprit(self.selected_flow)

    def action_edit_blamed(self) -> None:
        ref = self.culprit()
        explanation = self.session.explanation(self.selected_flow)
        if explanation is not None and explanation.create is not None:
            # "No policy allows it: add one": the fix is a new object, so e offers one,
            # in the namespace of the pod whose policies said no.
            self.notify(explanation.text, title="Create the object that allows it")
            self.action_new_object(here=self._denied_namespace(),
                                   kind=explanation.create.lower())
            return
        if ref is None:
            self.notify("The selected flow's trace points at no object: pick one in the object "
                        "tree (or ctrl+p → Edit …).")
            return
        self.edit_object(ref)

    def _denied_namespace(self) -> str | None:
        """The namespace of the pod whose NetworkPolicies refused the selected flow."""
        trace = self.trace
        for path in trace.paths if trace is not None else ():
            for facts in path.policy_facts:
                if not facts.allowed:
                    return facts.pod.split("/", 1)[0]
        return None

    def edit_object(self, ref: str, *, yaml: bool = False) -> None:
        """Open the editor on ``ref`` with the keyboard on its actions (or its YAML)."""
        self.selected_ref = ref
        self._show_inspector()
        self.switch_tab("edit")
        inspector = self.query_one(Inspector)
        if yaml:
            inspector.focus_yaml()
        else:
            inspector.focus_actions()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """"a New object" only where the level lets the player create something."""
        if action == "new_object":
            return can_create(self.session.level)
        return True

    def action_kinds(self, ref: str) -> frozenset[str]:
        """The kinds of quick action ``ref`` has right now ("delete", "rename" …), worked
        out once per state: the palette asks on every key typed into it."""
        s = self.session
        if self._kinds[0] is not s.level:
            self._kinds = (s.level, {})
        cache = self._kinds[1]
        if ref not in cache:
            cache[ref] = frozenset(a.kind for a in quick_actions(
                s.level, ref, original=s.original, view=s.view))
        return cache[ref]

    def run_object_action(self, ref: str, kind: str) -> None:
        """Select ``ref`` and run its quick action of ``kind`` (the palette's Delete/Rename)."""
        self.edit_object(ref)
        inspector = self.query_one(Inspector)
        action = next((a for a in inspector.actions if a.kind == kind), None)
        if action is not None:
            inspector.run_quick_action(action)

    def action_edit_yaml(self) -> None:
        ref = self.selected_ref or self.culprit()
        if ref is None:
            self.notify("Choose an object first (object tree, or e for the culprit).")
            return
        self.edit_object(ref, yaml=True)

    def action_briefing(self) -> None:
        from k8snet_tui.app.screens.briefing import BriefingScreen

        spec = self.session.level.spec
        self.app.push_screen(BriefingScreen(spec.display_title, spec.briefing,
                                            self.session.shown_hints()))

    def action_back(self) -> None:
        self.game.record_progress(self.entry, self.session)
        self.game.show_level_select()

    def action_tab(self, tab: str) -> None:
        self.switch_tab(tab)

    def switch_tab(self, tab: str) -> None:
        """Show a tab even when the focus sits inside the one being hidden.

        TabbedContent follows the focus back to the pane that holds it, so the focus is
        let go first.
        """
        tabs = self.query_one(TabbedContent)
        focused = self.focused
        if focused is not None and tabs in focused.ancestors:
            self.set_focus(None)
        tabs.active = tab
