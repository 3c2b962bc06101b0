"""Where the game finds packs: built in, the user's folder, installed Python packages."""

from __future__ import annotations

import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from k8snet_tui.game import packs
from k8snet_tui.game.catalog import build_catalog
from k8snet_tui.game.packs import builtin_pack_path, discover_packs, load_pack, user_packs_dir
from k8snet_tui.game.progress import DATA_DIR_ENV
from k8snet_tui.game.scaffold import new_pack
from k8snet_tui.model.problems import LevelError


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    monkeypatch.setattr(packs, "_entry_point_packs", lambda: ([], []))
    return tmp_path / "data"


def test_only_the_builtin_campaign_without_user_packs(data_dir: Path) -> None:
    paths, problems = discover_packs()
    assert paths == [builtin_pack_path()]
    assert problems == []


def test_pack_folders_in_the_user_data_dir_are_listed_after_the_campaign(data_dir: Path) -> None:
    new_pack(user_packs_dir() / "zeta", author="Zed")
    new_pack(user_packs_dir() / "alpha", author="Al")
    (user_packs_dir() / "not-a-pack").mkdir()
    paths, _ = discover_packs()
    assert paths[0] == builtin_pack_path()
    assert [p.name for p in paths[1:]] == ["alpha", "zeta"]
    catalog = build_catalog(paths)
    assert [p.author for p in catalog.packs[1:]] == ["Al", "Zed"]


def test_installed_packages_publish_packs_through_an_entry_point(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module_dir = tmp_path / "site" / "my_pack"
    new_pack(module_dir, pack_id="my-pack", author="Pkg")
    (module_dir / "__init__.py").write_text("", encoding="utf-8")
    broken = tmp_path / "site" / "no_pack"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.setenv(DATA_DIR_ENV, str(tmp_path / "data"))
    eps = [EntryPoint("mine", "my_pack", packs.ENTRY_POINT_GROUP),
           EntryPoint("broken", "no_pack", packs.ENTRY_POINT_GROUP),
           EntryPoint("missing", "does_not_exist_anywhere", packs.ENTRY_POINT_GROUP)]

    def fake_entry_points(*, group: str) -> list[EntryPoint]:
        return eps if group == packs.ENTRY_POINT_GROUP else []

    monkeypatch.setattr("importlib.metadata.entry_points", fake_entry_points)
    try:
        paths, problems = discover_packs()
    finally:
        for name in ("my_pack", "no_pack"):
            sys.modules.pop(name, None)
    assert module_dir in paths
    assert load_pack(module_dir).spec.author == "Pkg"
    # A broken third-party package is reported, never fatal.
    assert {p.file.split(" ")[2] for p in problems if p.file} == {"broken", "missing"}


def test_a_pack_needing_a_newer_format_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    new_pack(tmp_path / "p")
    text = (tmp_path / "p" / "pack.yaml").read_text(encoding="utf-8")
    (tmp_path / "p" / "pack.yaml").write_text(text.replace("format: k8snet/v1",
                                                           "format: k8snet/v3"),
                                              encoding="utf-8")
    with pytest.raises(LevelError) as err:
        load_pack(tmp_path / "p")
    assert "needs format k8snet/v3" in str(err.value)
    assert err.value.problems[0].line is not None
