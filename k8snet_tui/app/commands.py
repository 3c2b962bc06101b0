"""The game's commands in Textual's command palette (ctrl+p).

What is offered depends on where the player is: on a level, its actions and
its flows; everywhere, a jump to any unlocked level.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from k8snet_tui.app.app import K8snetApp


class GameCommands(Provider):
    """Level actions, "show flow …" and "jump to level …"."""

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        from k8snet_tui.app.app import K8snetApp
        from k8snet_tui.app.screens.level import LevelScreen

        app = self.app
        out: list[tuple[str, str, Callable[[], object]]] = []
        screen = self.screen
        if isinstance(screen, LevelScreen):
            for title, action, text in LevelScreen.PALETTE:
                out.append((title, text, partial(screen.run_action, action)))
            level = screen.session.level
            refs = sorted(level.world.refs, key=lambda r: (screen.session.editable(r) is None, r))
            for ref in refs:
                editable = screen.session.editable(ref)
                access = "locked" if editable is None else (
                    "editable" if not editable else f"editable: {', '.join(editable)}")
                out.append((f"Edit object: {ref}", access, partial(screen.edit_object, ref)))
            for ref in refs:
                kinds = screen.action_kinds(ref)
                for kind, verb in (("delete", "Delete"), ("rename", "Rename")):
                    if kind in kinds:
                        out.append((f"{verb} object: {ref}", "an object you may remove or "
                                    "rename", partial(screen.run_object_action, ref, kind)))
            for draft in screen.new_object_choices()[0]:
                out.append((f"New object: {draft.label.removeprefix('New ').rstrip('…')}",
                            "opens the YAML editor on a commented starting manifest",
                            partial(screen.start_new_object, draft)))
            for i, trace in enumerate(screen.session.result.traces):
                mark = "✓" if trace.ok else "✗"
                out.append((f"Show flow {i + 1}: {trace.name}",
                            f"{mark} expected {trace.expect}, got {trace.verdict.value}",
                            partial(screen.choose_flow, i)))
        if isinstance(app, K8snetApp):
            out.extend(_level_jumps(app))
        return out

    async def discover(self) -> Hits:
        for title, text, callback in self._commands():
            yield DiscoveryHit(title, callback, help=text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, text, callback in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=text)


def _level_jumps(app: K8snetApp) -> list[tuple[str, str, Callable[[], object]]]:
    out: list[tuple[str, str, Callable[[], object]]] = []
    for pack in app.catalog.packs:
        for entry in pack.levels:
            rec = app.save.levels.get(entry.key)
            locked = not pack.unlocked(entry, app.save)
            state = ("locked: choosing it opens it anyway" if locked else
                     "solved" if rec and rec.solved else "not solved yet")
            where = " · ".join(x for x in (pack.title, entry.chapter_title, state) if x)
            # Picking a locked level here is as deliberate as confirming the dialog.
            out.append((f"Jump to level: {entry.title}" + (" (locked)" if locked else ""),
                        where, partial(app.open_level, pack.id, entry.index, anyway=locked)))
    return out
