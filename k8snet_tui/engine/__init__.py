"""How packets move: pure, deterministic functions over a built cluster.

Nothing here imports Textual or Rich or performs I/O.
"""
