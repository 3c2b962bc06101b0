"""A keyboard-only player for the whole app, shared by the play tests, the
snapshot tests and ``scripts/screenshots.py``.

Every step is a key press a person could make: the helpers only *read* the
app's state to decide how many times to press ↓ or tab, never call a method
that changes it. So a passing play test means a player can really get there,
and the README screenshots show states the tests have reached the same way.
Nothing here imports pytest: the screenshot script uses it outside a test run.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rich.console import Console
from textual import events
from textual.command import CommandList, CommandPalette
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, OptionList, TabbedContent, Tabs, TextArea, Tree

from k8snet_tui.app.app import K8snetApp
from k8snet_tui.app.messages import EditRequested
from k8snet_tui.app.screens.briefing import BriefingScreen
from k8snet_tui.app.screens.choose import ChooseScreen
from k8snet_tui.app.screens.level import LevelScreen
from k8snet_tui.app.screens.level_select import LevelNode, LevelSelectScreen, LevelTree
from k8snet_tui.app.screens.prompt import PromptScreen
from k8snet_tui.app.widgets.flow_list import FlowList
from k8snet_tui.app.widgets.inspector import Inspector
from k8snet_tui.app.widgets.object_tree import ObjectTree
from k8snet_tui.game.actions import QuickAction
from k8snet_tui.game.edits import EditError, apply_edit, apply_edits, canonical_ref, find_object
from k8snet_tui.game.inputs import InputError, dump_yaml
from k8snet_tui.game.paths import get_path
from k8snet_tui.game.progress import LevelRecord, SaveFile
from k8snet_tui.game.session import Session
from k8snet_tui.model.edits import AddRouteEdit, AnyEdit, CreateEdit
from k8snet_tui.model.load import LoadedLevel
from k8snet_tui.model.resources import NAMESPACED_KINDS

W = TypeVar("W", bound=Widget)
S = TypeVar("S", bound=Screen[Any])

# The first levels of the built-in campaign, by save-file key.
PORT_CONFLICT = "campaign/port-conflict"
SIDECAR_PORT = "campaign/sidecar-port"
NAMED_PORT = "campaign/named-port"
HOST_NETWORK = "campaign/host-network"
MISSING_ROUTE = "campaign/missing-route"
RETURN_ROUTE = "campaign/return-route"
STALE_VIA = "campaign/stale-via"
CAMPAIGN_ORDER = (PORT_CONFLICT, SIDECAR_PORT, NAMED_PORT, HOST_NETWORK, MISSING_ROUTE,
                  RETURN_ROUTE, STALE_VIA)


@dataclass
class FakeClock:
    """A monotonic clock that only moves when a test says so (scores show m:ss)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Note:
    """One ``notify`` call, kept after its toast has timed out."""

    message: str
    title: str
    severity: str


def record_notifications(app: K8snetApp) -> list[Note]:
    """Wrap ``app.notify`` so every notification is kept (toasts expire on a timer).

    Screens and widgets call ``self.notify``, which Textual routes to
    ``self.app.notify``, so wrapping the app's method sees all of them.
    """
    notes: list[Note] = []
    original = app.notify

    def notify(message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        notes.append(Note(str(message), title, str(severity)))
        original(message, title=title, severity=severity, timeout=timeout, markup=markup)

    setattr(app, "notify", notify)  # noqa: B010 - mypy refuses assigning to a method
    return notes


@dataclass
class MessageLog:
    """A ``run_test(message_hook=...)`` that keeps each posted message once.

    A bubbling message is seen by the hook at every widget it passes; the
    identity check keeps the first sighting only.
    """

    messages: list[Message] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)

    def __call__(self, message: Message) -> None:
        if id(message) not in self._seen:
            self._seen.add(id(message))
            self.messages.append(message)

    def edits(self) -> list[AnyEdit]:
        return [m.edit for m in self.messages if isinstance(m, EditRequested)]


# ------------------------------------------------------------------ save files


def write_save(data_dir: Path, solved: Iterable[str] = (), *,
               records: Mapping[str, LevelRecord] | None = None,
               last_level: str | None = None) -> Path:
    """A save file with ``solved`` levels solved (3 stars, par) and extra ``records``."""
    save = SaveFile(last_level=last_level)
    for key in solved:
        save.levels[key] = LevelRecord(solved=True, best_edits=1, best_stars=3, best_hints=0,
                                       best_seconds=61.0)
    save.levels.update(records or {})
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "progress.json"
    path.write_text(save.model_dump_json(indent=2), encoding="utf-8")
    return path


def read_save(data_dir: Path) -> dict[str, Any]:
    """The save file as the app wrote it, parsed as plain JSON (not through the model)."""
    data: dict[str, Any] = json.loads((data_dir / "progress.json").read_text(encoding="utf-8"))
    return data


def unlocked_through(key: str) -> list[str]:
    """Every campaign level before ``key``: solving them opens ``key`` in the locked pack."""
    return list(CAMPAIGN_ORDER[:CAMPAIGN_ORDER.index(key)])


# ---------------------------------------------------------------------- player


class Player:
    """Drives a running app with key presses only."""

    def __init__(self, pilot: Pilot[Any]) -> None:
        self.pilot = pilot

    @property
    def app(self) -> K8snetApp:
        app = self.pilot.app
        assert isinstance(app, K8snetApp)
        return app

    def screen_as(self, kind: type[S]) -> S:
        screen = self.app.screen
        assert isinstance(screen, kind), f"expected {kind.__name__}, on {screen!r}"
        return screen

    @property
    def level(self) -> LevelScreen:
        return self.screen_as(LevelScreen)

    @property
    def session(self) -> Session:
        return self.level.session

    # ----------------------------------------------------------- raw input
    async def settle(self) -> None:
        """Let posted messages and screen callbacks run (keys already wait for idle)."""
        await self.pilot.pause()

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)
        await self.settle()

    async def type_text(self, text: str) -> None:
        """Type ``text`` as a burst of key events (a newline is the enter key).

        ``Pilot.press`` waits for the app to go idle after *every* key, at
        least 40 ms each: typing a manifest that way takes most of a minute.
        The same ``Key`` events are posted here back to back, as a fast typist
        (or a terminal's paste) delivers them, and the app is left to work
        through its queue once at the end. Callers check the typed result.
        """
        for ch in text:
            key = "enter" if ch == "\n" else ch
            if len(key) == 1 and not key.isalnum():
                key = _character_to_key(key)
            try:
                char: str | None = unicodedata.lookup(
                    _get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
            except KeyError:
                char = key if len(key) == 1 else None
            self.app.post_message(events.Key(key, char))
        # Twice: the app forwards each key to the focused widget's own queue, so the
        # first wait can end before the widget has worked through what it was given.
        await self.settle()
        await self.settle()

    async def burst(self, *keys: str) -> None:
        """Press navigation keys (home, down …) back to back, as a held-down arrow key
        delivers them, then let the app catch up once: ``press`` would wait for idle
        after each (callers check where the cursor ended up)."""
        for key in keys:
            self.app.post_message(events.Key(key, None))
        await self.settle()
        await self.settle()

    async def focus(self, accept: Callable[[Widget], bool], what: str) -> Widget:
        """Press tab or shift+tab, whichever is shorter, until ``accept`` likes the focus.

        The screen's focus chain is the order tab walks; reading it only decides
        which way round is shorter (each focus change restyles the screen).
        """
        for _ in range(3):
            focused = self.app.focused
            if focused is not None and accept(focused):
                return focused
            chain = self.app.screen.focus_chain
            target = next((i for i, w in enumerate(chain) if accept(w)), None)
            assert target is not None, f"{what} cannot take focus (chain: {chain})"
            if focused not in chain:
                await self.burst(*["tab"] * (target + 1))
                continue
            here = chain.index(focused)
            ahead = (target - here) % len(chain)
            behind = len(chain) - ahead
            await self.burst(*(["tab"] * ahead if ahead <= behind else ["shift+tab"] * behind))
        raise AssertionError(f"tab never reached {what} (focus: {self.app.focused!r})")

    async def focus_type(self, kind: type[W], what: str | None = None) -> W:
        widget = await self.focus(lambda w: isinstance(w, kind), what or kind.__name__)
        assert isinstance(widget, kind)
        return widget

    async def cursor_to(self, tree: Tree[Any], accept: Callable[[Any], bool],
                        what: str) -> None:
        """Move a tree's cursor with home and ↓ to the first line whose data ``accept``s."""
        target = next((line for line in range(tree.last_line + 1)
                       if (node := tree.get_node_at_line(line)) is not None
                       and accept(node.data)), None)
        assert target is not None, f"no line for {what} in {tree!r}"
        await self.burst("home", *["down"] * target)
        assert tree.cursor_line == target

    # -------------------------------------------------------- level select
    async def highlight_level(self, key: str) -> None:
        self.screen_as(LevelSelectScreen)
        tree = await self.focus_type(LevelTree)
        await self.cursor_to(tree, lambda d: isinstance(d, LevelNode) and d.level.key == key,
                             key)

    async def open_level(self, key: str, *, read_briefing: bool = True) -> LevelScreen:
        """From level select: highlight ``key``, enter, and close the briefing."""
        await self.highlight_level(key)
        await self.press("enter")
        if read_briefing:
            await self.close_briefing()
        screen = self.level
        assert screen.entry.key == key
        return screen

    async def close_briefing(self) -> None:
        self.screen_as(BriefingScreen)
        await self.press("enter")
        self.screen_as(LevelScreen)

    # ---------------------------------------------------------- level screen
    async def choose_object(self, ref: str) -> Inspector:
        """Select ``ref`` in the object tree (enter), which opens it in the Edit tab."""
        tree = await self.focus_type(ObjectTree)
        await self.cursor_to(tree, lambda d: d == ref, ref)
        await self.press("enter")
        inspector = self.level.query_one(Inspector)
        assert inspector.ref == ref
        assert self.level.query_one("#tabs", TabbedContent).active == "edit"
        return inspector

    async def quick_action(self, action_id: str, value: str | None = None) -> None:
        """Run one of the inspector's quick actions; type ``value`` into its prompt."""
        inspector = self.level.query_one(Inspector)
        ids = [a.id for a in inspector.actions]
        assert action_id in ids, f"{action_id} not among {ids}"
        await self.inspector_tab("inspector-actions-tab")
        options = await self.focus(lambda w: w.id == "inspector-actions", "the quick actions")
        assert isinstance(options, OptionList)
        await self.burst("home", *["down"] * ids.index(action_id))
        assert options.highlighted == ids.index(action_id)
        await self.press("enter")
        if value is None:
            return
        prompt = self.screen_as(PromptScreen)
        box = prompt.query_one(Input)
        assert self.app.focused is box
        await self.edit_input(box, value)
        await self.press("enter")

    async def edit_input(self, box: Input, value: str) -> None:
        """Turn the text in ``box`` into ``value`` the way a typist would.

        Keep the prefilled start they share, erase the rest with backspace and
        type the new ending (192.168.0.12 → 192.168.0.15 is three keys); when
        nothing is shared, select all and type over it.
        """
        keep = next((i for i, (a, b) in enumerate(zip(box.value, value, strict=False)) if a != b),
                    min(len(box.value), len(value)))
        if keep:
            await self.press("end", *["backspace"] * (len(box.value) - keep))
        else:
            await self.press("ctrl+shift+a")
        await self.type_text(value[keep:])
        assert box.value == value

    async def yaml_editor(self) -> TextArea:
        """Switch the inspector to its YAML tab (← → on its tab bar) and focus the editor.

        Tab cannot be pressed *inside* the editor (it indents there), so an editor
        that already has focus is used as it is.
        """
        tabs = self.level.query_one("#inspector-tabs", TabbedContent)
        area = self.level.query_one("#inspector-yaml", TextArea)
        if self.app.focused is area and tabs.active == "inspector-yaml-tab":
            return area
        await self.inspector_tab("inspector-yaml-tab")
        await self.focus(lambda w: w is area, "the YAML editor")
        return area

    async def inspector_tab(self, tab: str) -> None:
        """Show one of the inspector's tabs (Actions, YAML) with ← → on its tab bar."""
        tabs = self.level.query_one("#inspector-tabs", TabbedContent)
        if tabs.active == tab:
            return
        await self.focus(lambda w: isinstance(w, Tabs)
                         and any(a is tabs for a in w.ancestors), "the inspector's tabs")
        for _ in range(3):
            if tabs.active == tab:
                break
            await self.press("right")
        assert tabs.active == tab

    async def replace_yaml(self, text: str, *, apply: bool = True) -> None:
        """Select all the YAML (f7), type ``text`` over it and apply it (ctrl+s)."""
        area = await self.yaml_editor()
        await self.press("f7")
        await self.type_text(text)
        assert area.text == text
        if apply:
            await self.press("ctrl+s")

    async def retype_in_yaml(self, old: str, new: str, *, apply: bool = True) -> None:
        """Put the cursor after the first ``old`` in the YAML (arrows), retype it, ctrl+s."""
        area = await self.yaml_editor()
        lines = area.text.splitlines()
        row = next(i for i, line in enumerate(lines) if old in line)
        column = lines[row].index(old) + len(old)
        here = area.cursor_location[0]
        moves = ["down"] * (row - here) if row >= here else ["up"] * (here - row)
        await self.press(*moves, "home")  # home is "smart": it may stop at the indent
        await self.press(*["right"] * (column - area.cursor_location[1]))
        assert area.cursor_location == (row, column)
        await self.press(*["backspace"] * len(old))
        await self.type_text(new)
        assert area.text.splitlines()[row] == lines[row].replace(old, new, 1)
        if apply:
            await self.press("ctrl+s")

    async def palette(self, query: str) -> list[str]:
        """Open the command palette (ctrl+p), type ``query`` and read the commands it offers."""
        await self.press("ctrl+p")
        palette_screen = self.screen_as(CommandPalette)
        await self.type_text(query)
        await self.app.workers.wait_for_complete()  # the search runs in a worker
        await self.settle()
        found = palette_screen.query_one(CommandList)
        return [getattr(found.get_option_at_index(i).prompt, "plain", "")
                for i in range(found.option_count)]

    async def palette_choose(self, index: int) -> None:
        """Highlight the palette's ``index``-th command with ↓ and run it with enter."""
        found = self.screen_as(CommandPalette).query_one(CommandList)
        start = found.highlighted if found.highlighted is not None else -1
        await self.press(*["down"] * (index - start))
        assert found.highlighted == index
        await self.press("enter")

    # ------------------------------------------------------ any edit, by keys
    async def new_object(self, accept: Callable[[QuickAction], bool], what: str) -> TextArea:
        """``a``, pick the first "new object" option ``accept`` likes (↓ + enter), and land
        in the YAML editor on its starting manifest."""
        level = self.level
        await self.press("a")
        chooser = self.screen_as(ChooseScreen)
        choices, default = level.new_object_choices()
        assert len(chooser.options) == len(choices)
        assert chooser.query_one(OptionList).highlighted == default
        index = next((i for i, action in enumerate(choices) if accept(action)), None)
        assert index is not None, f"no new-object option for {what} among {chooser.options}"
        await self.press("home", *["down"] * index, "enter")
        inspector = self.level.query_one(Inspector)
        assert inspector.draft is not None
        assert (inspector.draft.id, inspector.draft.label) == (choices[index].id,
                                                               choices[index].label)
        area = self.level.query_one("#inspector-yaml", TextArea)
        assert self.app.focused is area
        return area

    async def create(self, manifest: Mapping[str, Any]) -> None:
        """Create ``manifest``: new object of its kind in its namespace, type it, ctrl+s."""
        kind = str(manifest["kind"])
        ns = str((manifest.get("metadata") or {}).get("namespace") or "default")
        variant = _variant(manifest)

        def accept(action: QuickAction) -> bool:
            return action.id == f"new-{kind.lower()}{variant}" and (
                kind not in NAMESPACED_KINDS or action.namespace == ns)

        await self.new_object(accept, f"{kind} in {ns}")
        await self.press("f7")
        text = dump_yaml(manifest)
        await self.type_text(text)
        assert self.level.query_one("#inspector-yaml", TextArea).text == text
        await self.press("ctrl+s")

    async def perform(self, step: AnyEdit) -> str:
        """Make ``step`` the way a player would: a quick action when one makes exactly this
        change (typing the value into its prompt), else the YAML editor. Returns which."""
        session = self.session
        before = session.level
        want = apply_edit(before, step, enforce_locks=False)
        if isinstance(step, CreateEdit):
            await self.create(step.manifest)
            return "new object"
        inspector = await self.choose_object(canonical_ref(step.ref))
        for action in inspector.actions:
            value = _value_for(action, before, want, step)
            if value is None:
                continue
            try:
                if apply_edits(before, action.edits(value)).spec != want.spec:
                    continue
            except (InputError, EditError):
                continue
            await self.quick_action(action.id, value if action.prompt is not None else None)
            return f"quick action {action.kind}"
        after = find_object(want, step.ref).data()
        await self.replace_yaml(dump_yaml(after))
        return "YAML editor"

    # --------------------------------------------------------------- reading
    def flow_lines(self) -> list[str]:
        """The flow checklist as the player reads it, one string per flow."""
        flows = self.level.query_one(FlowList)
        console = Console(width=100, color_system=None, record=True, file=io.StringIO())
        lines = []
        for index in range(flows.option_count):
            console.print(flows.get_option_at_index(index).prompt)
            lines.append(" ".join(console.export_text().split()))
        return lines


def _variant(manifest: Mapping[str, Any]) -> str:
    """Which "new object" flavour a manifest is: a Service may be ExternalName or headless."""
    spec = manifest.get("spec") or {}
    if manifest.get("kind") != "Service" or not isinstance(spec, dict):
        return ""
    if spec.get("type") == "ExternalName":
        return "-external-name"
    return "-headless" if spec.get("clusterIP") == "None" else ""


def _value_for(action: QuickAction, before: LoadedLevel, want: LoadedLevel,
               step: AnyEdit) -> str | None:
    """The text to give ``action`` so it might make ``step``, or None if it cannot."""
    if action.draft is not None:
        return None
    if action.prompt is None:
        return ""
    if isinstance(step, AddRouteEdit):
        return f"{step.to} via {step.via}" if action.kind == "route-add" else None
    if action.field is None or isinstance(step, CreateEdit):
        return None
    missing = object()
    current = get_path(find_object(want, step.ref).data(), action.field, missing)
    return None if current is missing else action.text_for(current)
