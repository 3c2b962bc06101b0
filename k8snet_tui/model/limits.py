"""Every limit on what k8snet-tui reads, in one place.

A level, a pack or a folder of manifests may come from anyone. Each limit
below is checked *before* the work it guards (a file is stat'ed before it is
opened, a YAML stream is counted before it is built, workloads are counted
before they expand to pods), and a refusal names the limit and the number
that broke it, at ``file:line:column``. docs/authoring.md ("Limits") lists
them for authors; the values leave wide headroom over every level in
``levels/`` and the benchmark clusters (2,000 pods, 400 Services, 30 nodes, a
1.7 MB level file), so only hostile or broken input ever meets one.
"""

from __future__ import annotations

MIB = 1024 * 1024

# --------------------------------------------------------------- files
MAX_FILE_BYTES = 16 * MIB
"""Largest YAML file read (level, manifest, pack.yaml): levels are small and manifests
rarely exceed a few MB."""

MAX_INCLUDED_FILES = 500
"""Files one level may pull in with ``include:``, all patterns together."""

MAX_INCLUDED_BYTES = 16 * MIB
"""Total size of the files one level includes, checked from their sizes before any is read."""

MAX_GLOB_ENTRIES = 100_000
"""Directory entries the ``include:`` globs of one level may look at (a ``**`` over a huge
tree is refused rather than walked for minutes)."""

# ---------------------------------------------------------------- YAML
MAX_YAML_VALUES = 1_000_000
"""Values (scalars, lists, mappings, with aliases expanded) one load may build, the level
and its included files together. Counted while the stream is parsed, before anything is
built, so an alias bomb or a file of millions of tiny values costs no memory. The
benchmark's 1.7 MB level has about 145,000."""

MAX_VALUES_PER_BYTE = 4
"""Alias bombs expand to far more values than their text could hold: a file may build at
most this many values per byte of its text (but always at least ``MIN_VALUE_BUDGET``)."""

MIN_VALUE_BUDGET = 10_000
"""The per-byte budget never drops below this, so small files may use aliases freely."""

MAX_DEPTH = 64
"""Nesting of YAML lists and mappings (aliases expanded). Kubernetes objects nest a dozen
levels; anything this deep is hostile or broken."""

MAX_NUMBER_DIGITS = 1_000
"""Digits in one YAML number. Kubernetes numbers fit in 64 bits (19 digits); Python refuses
to convert integers of more than 4,300 digits, and converting long ones is slow."""

MAX_RESOURCES = 50_000
"""Kubernetes objects in one level (its own, its included files' and List items), counted
before any is validated."""

MAX_FLOWS = 50_000
"""Flows in one level, counted before any is validated. The big benchmark has 10,000."""

# ------------------------------------------------------------ the world
MAX_NODES = 1_000
"""Nodes in a level's cluster, checked before addresses and podCIDRs are assigned."""

MAX_PODS = 10_000
"""Pods a level expands to (Pods, workload replicas, one DaemonSet pod per node), counted
before any pod is made. The big benchmark cluster has 2,000."""

MAX_ENDPOINTS = 200_000
"""Endpoint addresses of a level: every (Service, selected pod) pair plus every address of
Endpoints and EndpointSlice objects, counted before they are built."""

# ------------------------------------------------ the synthetic generator
GENERATOR_MAX_NODES = 200
"""``model.synth`` puts node IPs at .11 upward of one /24 node network."""

GENERATOR_MAX_PODS_PER_NODE = 200
"""``model.synth`` keeps each node well under its /24 podCIDR (253 addresses)."""


def count(n: int) -> str:
    """A number as an error message writes it: ``5,000``."""
    return f"{n:,}"
