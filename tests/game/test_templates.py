"""New objects start from commented manifests that are valid in the level they open in."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from k8snet_tui.game.actions import (
    creation_namespaces,
    new_object_actions,
    new_object_choices,
    quick_actions,
)
from k8snet_tui.game.edits import apply_edit
from k8snet_tui.game.locks import original_refs
from k8snet_tui.game.templates import templates, unique_name
from k8snet_tui.model.edits import CreateEdit
from k8snet_tui.model.load import load_level
from tests.game.conftest import load_sample

LEVELS = Path(__file__).resolve().parents[2] / "levels"
LEVEL_FILES = sorted(p for p in LEVELS.rglob("*.yaml") if p.name != "pack.yaml")


@pytest.mark.parametrize("path", LEVEL_FILES, ids=lambda p: str(p.relative_to(LEVELS)))
def test_every_template_applies_as_a_create_in_every_namespace_of_every_level(
        path: Path) -> None:
    level = load_level(path)
    for namespace in sorted(level.world.namespaces):
        for template in templates(level, namespace):
            manifest = yaml.safe_load(template.text)
            after = apply_edit(level, CreateEdit(manifest=manifest), enforce_locks=False)
            assert len(after.spec.resources) == len(level.spec.resources) + 1, template.id


def test_templates_explain_their_fields_in_comments() -> None:
    for template in templates(load_sample(), "shop"):
        comments = [line for line in template.text.splitlines() if "#" in line]
        assert comments, f"{template.id} has no comment to learn from"


def test_a_template_name_never_collides() -> None:
    level = load_sample()
    assert unique_name(level, "NetworkPolicy", "shop", "deny-all") == "deny-all-2"
    assert unique_name(level, "NetworkPolicy", "default", "deny-all") == "deny-all"
    names = {t.kind: yaml.safe_load(t.text)["metadata"]["name"] for t in templates(level, "shop")}
    assert names["NetworkPolicy"] == "new-networkpolicy"


def test_the_puzzle_decides_which_kinds_can_be_created() -> None:
    level = load_sample()  # create: [NetworkPolicy]
    offered = {a.probe.manifest["kind"] for a in new_object_actions(level, "shop")
               if isinstance(a.probe, CreateEdit)}
    assert offered == {"NetworkPolicy"}
    sandbox = load_sample(puzzle=False)
    assert len(new_object_actions(sandbox, "shop")) == len(templates(sandbox, "shop"))


def test_the_namespace_line_offers_new_objects_and_other_objects_do_not() -> None:
    level = load_sample()
    original = original_refs(level)
    on_namespace = {a.kind for a in quick_actions(level, "namespace/shop", original=original)}
    assert "new-object" in on_namespace
    on_service = {a.kind for a in quick_actions(level, "service/shop/api", original=original)}
    assert "new-object" not in on_service


def test_a_draft_becomes_one_create_of_the_edited_text() -> None:
    level = load_sample()
    draft = new_object_actions(level, "shop")[0]
    assert draft.draft is not None
    edited = draft.draft.replace("app: client", "app: web")
    (edit,) = draft.edits(edited)
    assert isinstance(edit, CreateEdit)
    assert edit.manifest["spec"]["ingress"][0]["from"][0]["podSelector"] == {
        "matchLabels": {"app": "web"}}


def test_new_objects_are_offered_where_the_level_lives_in_a_stable_order() -> None:
    level = load_level(LEVELS / "04-dns" / "01-short-name.yaml")
    original = original_refs(level)
    spaces = creation_namespaces(level, original=original)
    assert "kube-system" not in spaces  # scenery: nothing there is the player's
    assert spaces == sorted(spaces)
    first, _ = new_object_choices(level, original=original, here=None)
    again, highlight = new_object_choices(level, original=original, here="shop")
    assert [a.label for a in first] == [a.label for a in again]  # selection never reorders
    assert again[highlight].namespace == "shop"
    assert again[highlight].label == "New Service (ClusterIP) in shop…"
