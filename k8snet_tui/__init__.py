"""k8snet-tui: learn Kubernetes networking by repairing broken clusters.

The package is layered (see DESIGN.md §2): ``model`` ← ``engine`` ← ``game`` ←
``app`` / ``cli``. Only ``app`` and ``cli`` may import Textual or Rich.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("k8snet-tui")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

FORMAT = "k8snet/v1"
"""The level and pack format this build reads and writes."""
