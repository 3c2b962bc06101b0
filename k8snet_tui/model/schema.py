"""JSON Schemas of the public formats, generated from the models (one source of truth).

Editors use them through a ``# yaml-language-server: $schema=…`` line for
completion and inline errors; ``k8snet-tui schema`` prints them.
"""

from __future__ import annotations

from typing import Any

from k8snet_tui import FORMAT
from k8snet_tui.model.level import LevelFile, PackFile

LEVEL_SCHEMA_ID = "https://k8snet.dev/schema/k8snet-v1.json"
PACK_SCHEMA_ID = "https://k8snet.dev/schema/k8snet-pack-v1.json"
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def level_schema() -> dict[str, Any]:
    """The JSON Schema of a level file (``format: k8snet/v1``)."""
    return {"$schema": DRAFT, "$id": LEVEL_SCHEMA_ID,
            **LevelFile.model_json_schema(by_alias=True),
            "title": f"k8snet-tui level ({FORMAT})"}


def pack_schema() -> dict[str, Any]:
    """The JSON Schema of a pack's ``pack.yaml``."""
    return {"$schema": DRAFT, "$id": PACK_SCHEMA_ID,
            **PackFile.model_json_schema(by_alias=True),
            "title": f"k8snet-tui level pack ({FORMAT})"}
