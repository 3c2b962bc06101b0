"""The inspector: what the selected object is, and the ways to change it.

Two tabs. *Actions* shows a plain-words summary of the object (addresses from
the built world, so the player sees what the cluster made of the manifest), for
a GatewayClass, Gateway or Route its status as ``kubectl describe`` prints it
(the conditions the engine derived, per listener or per parent), and the quick
actions ``quick_actions`` offers for it. *YAML* holds the whole
object in a code editor; Apply sends one ``ReplaceEdit``.

The inspector decides nothing: every change leaves as an ``EditRequested``
message, the screen applies it to the session and calls ``show`` with the new
state, or ``show_error`` with the session's refusal. Text the player cannot
turn into an edit (a YAML syntax error, a port that is not a number) is caught
here and shown inline, and nothing is posted.
"""

from __future__ import annotations

import textwrap
from collections.abc import Collection, Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from rich.console import Console, ConsoleOptions
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.css.query import NoMatches
from textual.widgets import (
    Button,
    OptionList,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
    TextArea,
)
from textual.widgets.option_list import Option

from k8snet_tui.app.messages import EditRequested
from k8snet_tui.app.screens.prompt import PromptScreen
from k8snet_tui.game.actions import QuickAction, quick_actions
from k8snet_tui.game.edits import EditError, Target, find_object
from k8snet_tui.game.inputs import InputError, dump_yaml, parse_manifest
from k8snet_tui.game.summary import access_line, summarize
from k8snet_tui.game.view import Condition, ObjectStatus, StateView, StatusGroup
from k8snet_tui.model.edits import AnyEdit, ReplaceEdit
from k8snet_tui.model.load import LoadedLevel

NO_SELECTION = "Select an object in the object tree to inspect and edit it here."


def _in_world(view: StateView, ref: str) -> bool:
    """Is ``ref`` something the cluster has, though not an object of the level file (a
    workload's pod, an implicit namespace)?"""
    kind, _, rest = ref.partition("/")
    world = view.level.world
    if kind == "namespace":
        return rest in world.namespaces
    if kind == "pod" and "/" in rest:
        ns, name = rest.split("/", 1)
        return world.pod(ns, name) is not None
    return False


# ------------------------------------------------------------------------ status

MESSAGE_MIN = 24
"""Narrower than this, a condition's Message goes under its row instead of beside it."""
_HEADER = ("Type", "Status", "Reason")


def _conditions(conditions: Sequence[Condition], indent: int, width: int) -> list[str]:
    """A ``Conditions:`` table as kubectl prints it: Type, Status, Reason, Message in columns
    two spaces apart, messages wrapped in their column; in a pane too narrow for that
    column, each message on the lines under its row."""
    pad = " " * indent
    if not conditions:
        return [f"{pad}Conditions:  <none>"]
    rows = [(c.type, c.status, c.reason) for c in conditions]
    cols = [max(len(r[i]) for r in [_HEADER, *rows]) for i in range(3)]

    def row(cells: Sequence[str]) -> str:
        return pad + "  " + "  ".join(cell.ljust(cols[i]) for i, cell in enumerate(cells))

    msg_col = indent + 2 + sum(cols) + 6
    deeper = " " * (indent + 4)
    out = [f"{pad}Conditions:"]
    if width - msg_col >= MESSAGE_MIN:
        out += [row(_HEADER) + "  Message", row(("----", "------", "------")) + "  -------"]
        for cond, cells in zip(conditions, rows, strict=True):
            wrapped = textwrap.wrap(cond.message, width - msg_col) or [""]
            out.append(row(cells) + "  " + wrapped[0])
            out += [" " * msg_col + more for more in wrapped[1:]]
        return out
    out += [row(_HEADER).rstrip(), deeper + "Message", row(("----", "------", "------")).rstrip()]
    for cond, cells in zip(conditions, rows, strict=True):
        out.append(row(cells).rstrip())
        out += [deeper + line for line in textwrap.wrap(cond.message, max(width - len(deeper), 12))]
    return out


def _group(group: StatusGroup, kind: str, width: int) -> list[str]:
    if kind == "Gateway":
        out = [f"    Name:             {group.owner}"]
        if group.attached_routes is not None:
            out.append(f"    Attached Routes:  {group.attached_routes}")
        if group.supported_kinds:
            out.append(f"    Supported Kinds:  {', '.join(group.supported_kinds)}")
    else:
        out = [f"    Parent Ref:  {group.owner}"]
    return out + _conditions(group.conditions, 4, width)


def describe_status(status: ObjectStatus, width: int) -> list[str]:
    """``status`` as the ``Status:`` section of ``kubectl describe``, ``width`` columns wide
    (a word longer than a column may still overrun it)."""
    out = ["Status:"]
    if status.addresses:
        out.append(f"  Addresses:  {', '.join(status.addresses)}")
    own = [g for g in status.groups if g.owner is None]
    per = [g for g in status.groups if g.owner is not None]
    for group in own:
        out += _conditions(group.conditions, 2, width)
    if status.kind in ("HTTPRoute", "GRPCRoute"):
        out.append("  Parents:" if per else "  Parents:  <none> (no parentRefs)")
    elif status.kind == "Gateway":
        out.append("  Listeners:" if per else "  Listeners:  <none>")
    for i, group in enumerate(per):
        if i:
            out.append("")
        out += _group(group, status.kind, width)
    return out


class StatusText:
    """A Rich renderable of ``describe_status`` that lays itself out for the width it is
    given, so the table stays a table in a narrow pane."""

    def __init__(self, status: ObjectStatus) -> None:
        self.status = status

    def lines(self, width: int) -> list[str]:
        return describe_status(self.status, width)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Text]:
        for line in self.lines(options.max_width):
            yield Text(line, no_wrap=False, overflow="fold")


# ------------------------------------------------------------------------ widget


class Inspector(Vertical):
    """Summary, quick actions and YAML editor for one object; posts ``EditRequested``."""

    DEFAULT_CSS = Path(__file__).with_suffix(".tcss").read_text(encoding="utf-8")
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply_yaml", "Apply YAML"),
        # In the YAML editor every letter types; Esc gives the keyboard back to the game.
        Binding("escape", "leave_editor", "Leave the editor", show=False),
    ]

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.level: LoadedLevel | None = None
        self.ref: str | None = None
        self.editable: tuple[str, ...] | None = None
        self.actions: list[QuickAction] = []
        self.original: Collection[str] | None = None
        self.draft: QuickAction | None = None
        """The "new object" action whose starting manifest the YAML editor holds."""
        self._draft_from: str | None = None
        self._target: Target | None = None
        self._loaded_yaml: str = ""
        self._loaded_data: dict[str, Any] | None = None
        self._action_ids: list[str] = []  # the ids behind the options now shown

    def compose(self) -> ComposeResult:
        yield Static(NO_SELECTION, id="inspector-title", markup=False)
        yield Static("", id="inspector-access", markup=False)
        yield Static("", id="inspector-error", markup=False)
        with TabbedContent(id="inspector-tabs"):
            with TabPane("Actions", id="inspector-actions-tab"):
                with VerticalScroll(id="inspector-summary-scroll"):
                    yield Static("", id="inspector-summary", markup=False)
                    yield Static("", id="inspector-status", markup=False)
                yield Static("Quick actions (enter runs one; ✎ asks for a value)",
                             id="inspector-actions-hint", markup=False)
                yield OptionList(id="inspector-actions", markup=False)
            with TabPane("YAML", id="inspector-yaml-tab"):
                # Tab leaves the editor (a keyboard-only player must get out; YAML
                # indents with spaces anyway).
                yield TextArea.code_editor("", language="yaml", id="inspector-yaml",
                                           read_only=True, tab_behavior="focus")
                yield Static("", id="inspector-yaml-error", markup=False)
                with Horizontal(id="inspector-yaml-buttons"):
                    yield Button("Apply (ctrl+s)", id="inspector-apply", variant="primary",
                                 disabled=True)
                    yield Button("Revert", id="inspector-revert", disabled=True)

    # ------------------------------------------------------------- state in
    def show(self, view: StateView, ref: str | None, editable: tuple[str, ...] | None,
             original: Collection[str] | None) -> None:
        """Render ``ref`` of ``level``; clears any refusal shown (call ``show_error`` after).

        YAML the player is still editing survives a refresh as long as the object
        itself did not change underneath it; so does a new object's draft while the
        same object stays selected. ``original``: the level's refs as opened, so the
        actions offered are exactly those the session's locks accept.
        """
        level = view.level
        previous = self.ref
        if self.draft is not None and ref != self._draft_from:
            self.draft = None
        self.level, self.ref, self.editable = level, ref, editable
        self.original = original
        self.clear_error()
        try:
            self._target = find_object(level, ref) if ref is not None else None
        except EditError:
            self._target = None
        title = self.query_one("#inspector-title", Static)
        access = self.query_one("#inspector-access", Static)
        summary = self.query_one("#inspector-summary", Static)
        status = self.query_one("#inspector-status", Static)
        shown = view.status(ref) if ref is not None and self._target is not None else None
        status.update(StatusText(shown) if shown is not None else "")
        status.display = shown is not None
        if ref is not None and self._target is None and not _in_world(view, ref):
            # Undone or deleted while it was shown: say so rather than call it locked.
            title.update(f"{ref} is gone (deleted or undone)")
            access.update("Select an object in the object tree, or press a for a new one.")
            summary.update("")
            self.actions = []
        elif ref is None:
            title.update(NO_SELECTION)
            access.update("")
            summary.update("")
            self.actions = []
        else:
            kind = self._target.kind if self._target is not None else ref.split("/", 1)[0]
            title.update(f"{kind} {ref.split('/', 1)[-1]}")
            access.update(access_line(ref, editable) if self._target is not None
                          else "🔒 not an object of the level: nothing of it to edit "
                               "(new objects can be created here when the level allows)")
            summary.update("\n".join(summarize(view, ref)))
            self.actions = quick_actions(level, ref, original=original, view=view)
        self._show_actions(keep=previous == ref)
        if self.draft is None:
            self._show_yaml(same_object=previous == ref)
        else:
            self._show_draft_header()
        self.refresh_bindings()

    def end_draft(self) -> None:
        """The draft became an object (or was given up): show objects again on refresh."""
        self.draft = None
        self._draft_from = None
        self._loaded_yaml = ""  # whatever the editor holds now is not an object's YAML

    def _show_draft_header(self) -> None:
        assert self.draft is not None
        self.query_one("#inspector-title", Static).update(self.draft.label.rstrip("…"))
        self.query_one("#inspector-access", Static).update(
            "✎ new object: adapt the YAML, then ctrl+s (Apply) creates it")

    def start_draft(self, action: QuickAction) -> None:
        """Open the YAML editor on a new object's starting manifest; Apply creates it.

        The draft stays while the same object is selected (refreshes, refused
        applies) and ends when another object is chosen or the screen selects
        the object just created.
        """
        assert action.draft is not None
        self.draft = action
        self._draft_from = self.ref
        self._show_draft_header()
        area = self.query_one("#inspector-yaml", TextArea)
        area.load_text(action.draft)
        area.read_only = False
        self._loaded_yaml = action.draft
        self._set_yaml_error(None)
        self.query_one("#inspector-apply", Button).disabled = False
        self.query_one("#inspector-revert", Button).disabled = False
        self.focus_yaml()
        self.refresh_bindings()

    def focus_actions(self) -> None:
        """Put the keyboard on the quick actions (the Actions tab) of the object shown."""
        self.query_one("#inspector-tabs", TabbedContent).active = "inspector-actions-tab"
        options = self.query_one("#inspector-actions", OptionList)
        options.focus()
        if options.option_count and options.highlighted is None:
            options.highlighted = 0

    def focus_yaml(self) -> None:
        """Put the keyboard in the YAML editor of the object shown."""
        self.query_one("#inspector-tabs", TabbedContent).active = "inspector-yaml-tab"
        self.query_one("#inspector-yaml", TextArea).focus()

    def show_error(self, text: str) -> None:
        """Show why the session refused the last edit (it changed nothing)."""
        error = self.query_one("#inspector-error", Static)
        error.update(Content(f"✗ Refused: {text}"))
        error.display = True

    def clear_error(self) -> None:
        error = self.query_one("#inspector-error", Static)
        error.update("")
        error.display = False

    def _show_actions(self, *, keep: bool) -> None:
        options = self.query_one("#inspector-actions", OptionList)
        old = options.highlighted
        old_id = (self._action_ids[old] if keep and old is not None
                  and 0 <= old < len(self._action_ids) else None)
        options.clear_options()
        if self.actions:
            options.add_options(Option(Content(self._label(a)), id=f"qa-{i}")
                                for i, a in enumerate(self.actions))
            ids = [a.id for a in self.actions]
            options.highlighted = ids.index(old_id) if old_id in ids else 0
        elif self.ref is not None:
            why = ("no quick actions: this object is locked" if self.editable is None
                   else "no quick actions for this object; use the YAML tab")
            options.add_option(Option(Content(why), disabled=True))
        self._action_ids = [a.id for a in self.actions]

    @staticmethod
    def _label(action: QuickAction) -> str:
        return f"▸ {action.label}" if action.prompt is None else f"✎ {action.label}"

    def _show_yaml(self, *, same_object: bool) -> None:
        area = self.query_one("#inspector-yaml", TextArea)
        target = self._target
        locked = target is None or self.editable is None
        if target is None:
            text = "" if self.ref is None else f"# {self.ref} is not an object of this level.\n"
            self._loaded_data = None
        else:
            self._loaded_data = target.data()
            text = dump_yaml(self._loaded_data)
        dirty = area.text != self._loaded_yaml
        if not (same_object and dirty and text == self._loaded_yaml):
            area.load_text(text)
            self._set_yaml_error(None)
        self._loaded_yaml = text
        area.read_only = locked
        self.query_one("#inspector-apply", Button).disabled = locked
        self.query_one("#inspector-revert", Button).disabled = locked

    def _set_yaml_error(self, text: str | None) -> None:
        error = self.query_one("#inspector-yaml-error", Static)
        error.update(Content(f"✗ {text} (nothing was changed)") if text else "")
        error.display = text is not None

    def action_leave_editor(self) -> None:
        """Esc in the YAML editor: the keyboard goes to the inspector's tabs (the edits
        typed stay in the editor); elsewhere Esc means what the screen says."""
        area = self.query_one("#inspector-yaml", TextArea)
        if self.app.focused is area:
            tabs = self.query_one("#inspector-tabs", TabbedContent)
            tabs.query_one(Tabs).focus()
            return
        close = getattr(self.screen, "action_close", None)
        if callable(close):
            close()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """ctrl+s belongs to the YAML tab: hidden elsewhere, greyed out for a locked object."""
        if action != "apply_yaml":
            return True
        try:
            tabs = self.query_one("#inspector-tabs", TabbedContent)
        except NoMatches:  # asked before the tabs are mounted
            return False
        if tabs.active != "inspector-yaml-tab":
            return False
        if self.draft is not None:
            return True
        return None if self._target is None or self.editable is None else True

    @on(TabbedContent.TabActivated, "#inspector-tabs")
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        event.stop()  # our inner tabs are no business of the screen's own tabs
        self.refresh_bindings()

    # ------------------------------------------------------------ edits out
    @on(OptionList.OptionSelected, "#inspector-actions")
    def _action_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if not 0 <= event.option_index < len(self.actions):
            return
        self.run_quick_action(self.actions[event.option_index])

    def run_quick_action(self, action: QuickAction) -> None:
        """Post the action's edits, asking for its value first (or opening its draft)."""
        if action.draft is not None:
            self.start_draft(action)
            return
        if action.prompt is None:
            self._request(action.edits())
            return
        prompt = action.prompt

        def answered(value: str | None) -> None:
            if value is None:
                return
            try:
                edits = action.edits(value)
            except InputError as exc:  # the prompt validated already; belt and braces
                self.show_error(str(exc))
                return
            self._request(edits)

        self.app.push_screen(
            PromptScreen(prompt.question, initial=prompt.initial, placeholder=prompt.placeholder,
                         help=prompt.help, validate=action.validate),
            answered)

    def _request(self, edits: tuple[AnyEdit, ...]) -> None:
        self.post_message(EditRequested(edits[0], edits[1:]))

    def action_apply_yaml(self) -> None:
        """Parse the editor's YAML and request a ReplaceEdit of the whole object (or, for
        a new object's draft, its create)."""
        area = self.query_one("#inspector-yaml", TextArea)
        if self.draft is not None:
            try:
                edits = self.draft.edits(area.text)
            except InputError as exc:
                self._set_yaml_error(str(exc))
                return
            self._set_yaml_error(None)
            self._request(edits)
            return
        target = self._target
        if target is None or self.editable is None:
            self._set_yaml_error("this object is locked; its YAML cannot be applied")
            return
        try:
            manifest = parse_manifest(area.text)
        except InputError as exc:
            self._set_yaml_error(str(exc))
            return
        if manifest == self._loaded_data:
            self._set_yaml_error("no changes to apply")
            return
        self._set_yaml_error(None)
        self.post_message(EditRequested(ReplaceEdit(ref=target.ref, manifest=manifest)))

    @on(Button.Pressed, "#inspector-apply")
    def _apply_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_apply_yaml()

    @on(Button.Pressed, "#inspector-revert")
    def _revert_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.query_one("#inspector-yaml", TextArea).load_text(self._loaded_yaml)
        self._set_yaml_error(None)
