import shutil
from pathlib import Path

from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.siblings import sibling_children, sibling_config

DATA = Path(__file__).parents[1] / "data" / "windows-multiarch"


def _index():
    path = DATA / "index.json"
    return path, parse_manifest(path.read_bytes())


def test_every_child_of_the_index_is_found_beside_it_by_digest():
    path, index = _index()
    found = sibling_children(path, index)
    assert set(found) == {c.digest for c in index.children}
    assert {p.name for p in found.values()} == {
        "manifest-10.0.17763.615.json",
        "manifest-10.0.17134.885.json",
        "manifest-10.0.14393.3085.json",
    }


def test_a_renamed_child_is_still_found_and_a_changed_one_is_not(tmp_path: Path):
    shutil.copy(DATA / "index.json", tmp_path / "index.json")
    shutil.copy(DATA / "manifest-10.0.17763.615.json", tmp_path / "a.json")
    changed = (DATA / "manifest-10.0.17134.885.json").read_bytes() + b" "
    (tmp_path / "b.json").write_bytes(changed)
    index = parse_manifest((tmp_path / "index.json").read_bytes())
    found = sibling_children(tmp_path / "index.json", index)
    assert [p.name for p in found.values()] == ["a.json"]


def test_the_image_config_is_found_beside_the_manifest():
    path = DATA / "manifest-10.0.17763.615.json"
    config = sibling_config(path, parse_manifest(path.read_bytes()))
    assert config is not None and config.name == "config-10.0.17763.615.json"


def test_nothing_is_found_in_an_empty_directory(tmp_path: Path):
    _, index = _index()
    assert sibling_children(tmp_path / "index.json", index) == {}
