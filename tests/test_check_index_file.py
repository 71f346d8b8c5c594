"""`check --file index.json` judges each child saved beside the index, offline."""

import json
import shutil
from pathlib import Path

from foreign_explorer.cli import main

DATA = Path(__file__).parent / "data" / "windows-multiarch"
MCR = r"^https://mcr\.microsoft\.com/"


def test_each_child_beside_the_index_is_judged(capsys):
    status = main(["check", "--file", str(DATA / "index.json"), "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert status == 1
    assert [c["status"] for c in doc["children"]] == [500, 500, 500]
    assert doc["children"][0]["platform"] == "windows/amd64 10.0.17763.615"


def test_the_index_mirrors_cleanly_once_mcr_is_allowed(capsys):
    status = main(["check", "--file", str(DATA / "index.json"), "--allow", MCR])
    out = capsys.readouterr().out
    assert status == 0
    assert "mirrors cleanly: yes" in out


def test_with_a_child_missing_the_index_itself_is_judged_and_the_user_told(tmp_path, capsys):
    shutil.copy(DATA / "index.json", tmp_path / "index.json")
    shutil.copy(DATA / "manifest-10.0.17763.615.json", tmp_path)
    status = main(["check", "--file", str(tmp_path / "index.json"), "--format", "json"])
    captured = capsys.readouterr()
    doc = json.loads(captured.out)
    assert status == 0 and "children" not in doc
    assert "2 of 3 children are not beside" in captured.err
