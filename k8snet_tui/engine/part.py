"""The base of every part of the walk: access to the run and its sibling parts.

A part (packets, Services, DNS, an entry point) hands a packet on by calling
another part through the run it belongs to, so parts never import each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from k8snet_tui.engine.kubeproxy import ServicePaths
    from k8snet_tui.engine.lookups import NamePaths
    from k8snet_tui.engine.packets import PacketWalk
    from k8snet_tui.engine.run import Run


class Part:
    """One part of a flow evaluation (``Run``)."""

    def __init__(self, run: Run) -> None:
        self.run = run
        self.topo = run.topo

    @property
    def packets(self) -> PacketWalk:
        return self.run.packets

    @property
    def services(self) -> ServicePaths:
        return self.run.services

    @property
    def names(self) -> NamePaths:
        return self.run.names
