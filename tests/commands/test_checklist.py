"""`check` on a list: every image and platform in one run, the reports, the exit statuses."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from foreign_explorer.cli import main
from tests.core.listcheck.mirrorset import MCR, OTHER, MirrorSet, access_lines, served, write

pytestmark = pytest.mark.registry
ALLOW_BOTH = [
    "--allow",
    r"^https://mcr\.microsoft\.com/",
    "--allow",
    r"^https://winlayers\.cloudapp\.net/",
]


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["check", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_check_from_a_skopeo_sync_file_judges_every_image_and_platform_at_the_request_floor(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    since, tokens = access_lines(mirror.front), len(mirror.tokens.issued)
    status, out, err = _run(capsys, "--from", path, "--format", "json")
    seen = served(mirror.front, since)
    document = json.loads(out)
    assert status == 1
    assert document["summary"] == {
        "images": 5,
        "clean": 0,
        "platforms": 7,
        "blocked": 5,
        "unjudged": 0,
    }
    judged = {
        (image["reference"], child.get("platform"))
        for image in document["images"]
        for child in image.get("children", [image])
    }
    assert judged == {
        (mirror.ref("servercore:ltsc2019"), None),
        (mirror.ref("servercore:ltsc2022"), None),
        (mirror.ref("nanoserver:1.0"), None),
        (mirror.ref("nanoserver:1.1"), None),
        (mirror.ref("multi:v1"), "linux/amd64"),
        (mirror.ref("multi:v1"), "windows/amd64"),
        (mirror.ref("multi:v1"), "unknown/unknown"),
    }
    # One challenge, two tag lists, eight manifests; one token per repository.
    assert [s for _, _, s in seen].count(401) == 1
    assert len(seen) == 11
    assert len(mirror.tokens.issued) - tokens == 3
    assert err == f"foreign-explorer check: {path}: skopeo sync YAML, 3 repositories\n"


def test_text_has_one_line_per_image_and_platform_then_the_counts(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "list.txt", mirror.plain_list())
    status, out, _ = _run(capsys, "--from", path)
    lines = out.splitlines()
    assert status == 1
    assert lines[:2] == [
        "target distribution-2.8",
        "policy: allow (empty) deny (empty): the registry admits no URL at all",
    ]
    assert lines[2].startswith(
        f"FAIL {mirror.ref('servercore:ltsc2019')}  1 foreign  invalid URL on layer 0: {MCR}"
    )
    assert lines[3:7] == [
        f"PASS {mirror.ref('multi:v1')} [linux/amd64]  0 foreign",
        lines[4],
        f"PASS {mirror.ref('multi:v1')} [unknown/unknown (attestation)]  0 foreign",
        f"PASS {mirror.ref('tools:1')}  0 foreign",
    ]
    assert lines[4].startswith(f"FAIL {mirror.ref('multi:v1')} [windows/amd64]  1 foreign  ")
    assert lines[7:] == ["mirrors cleanly: 1 of 3 images (2 platforms blocked)"]


def test_with_a_policy_admitting_every_url_the_list_mirrors_cleanly(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    status, out, _ = _run(capsys, "--from", path, *ALLOW_BOTH)
    assert status == 0
    assert out.splitlines()[-1] == "mirrors cleanly: 5 of 5 images (0 platforms blocked)"
    assert OTHER.startswith("https://winlayers.cloudapp.net/")


def test_several_refs_are_a_list_and_each_image_keeps_the_single_image_shape(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str]
) -> None:
    refs = [mirror.ref("servercore:ltsc2019"), mirror.ref("multi:v1")]
    status, out, err = _run(capsys, *refs, "--format", "json", "--allow", r"^https://mcr\.")
    document = json.loads(out)
    single, multi = document["images"]
    assert status == 0 and err == ""
    assert document["accepted"] is True and document["errors"] == []
    assert (single["reference"], single["origin"]) == (refs[0], "argument 1")
    assert single["status"] == 201 and single["source"]["reference"] == refs[0]
    assert [d["role"] for d in single["descriptors"]] == ["config", "layer", "layer"]
    assert multi["source"]["mediaType"] == "application/vnd.oci.image.index.v1+json"
    assert [(c["platform"], c["attestation"]) for c in multi["children"]] == [
        ("linux/amd64", False),
        ("windows/amd64", False),
        ("unknown/unknown", True),
    ]
    assert all(c["status"] == 201 for c in multi["children"])


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_rejected_image_and_one_that_cannot_be_fetched_exit_2(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    down = f"127.0.0.1:{_closed_port()}/mirror/tools:1"
    text = f"{mirror.ref('servercore:ltsc2019')}\n{down}\n{mirror.ref('tools:1')}\n"
    path = write(tmp_path, "list.txt", text)
    status, out, _ = _run(capsys, "--from", path)
    assert status == 2
    assert f"ERROR {down}: connection to http://" in out
    assert out.splitlines()[-1] == (
        "mirrors cleanly: 1 of 3 images (1 platform blocked; 1 could not be judged)"
    )
    status, out, _ = _run(capsys, "--from", path, "--format", "json")
    document = json.loads(out)
    assert status == 2 and document["accepted"] is False
    assert [e["reference"] for e in document["errors"]] == [down]
    assert document["errors"][0]["origin"] == f"{path} line 2"


def test_a_list_that_mirrors_cleanly_but_for_an_unfetchable_image_still_exits_2(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, _ = _run(capsys, mirror.ref("tools:1"), mirror.ref("tools:no-such-tag"))
    assert status == 2


def test_a_policy_the_registry_would_not_start_with_exits_3_and_fetches_nothing(
    mirror: MirrorSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "mirror.yaml", mirror.skopeo_sync())
    since = access_lines(mirror.front)
    status, out, _ = _run(capsys, "--from", path, "--allow", "(", "--format", "json")
    document = json.loads(out)
    assert status == 3
    assert document["policyError"]["pattern"] == "("
    assert document["images"] == [] and document["accepted"] is None
    assert served(mirror.front, since) == []


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--from", "LIST", "--platform", "linux/amd64"], "--platform picks one image"),
        (["--from", "LIST", "--sample"], "--file and --sample judge one manifest"),
        (["--format", "junit"], "give image references or --from FILE"),
        (["--from", "LIST", "--jobs", "0"], "give a number from 1 to 256"),
    ],
)
def test_what_does_not_go_with_a_list_is_a_usage_error(
    argv: list[str], said: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "list.txt", "r.example/a:1\n")
    try:
        status, _, err = _run(capsys, *[path if a == "LIST" else a for a in argv])
    except SystemExit as exit:
        status, err = int(exit.code or 0), capsys.readouterr().err
    assert status == 2
    assert said in err and len(err.splitlines()) == 1


def test_a_file_that_is_no_list_names_the_formats_understood(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, "compose.yml", "services:\n  web:\n    image: nginx\n")
    status, out, err = _run(capsys, "--from", path)
    assert (status, out) == (2, "")
    assert err.startswith(f"foreign-explorer check: {path}: the file is a mapping but neither")
    assert "a skopeo sync YAML source file" in err and len(err.splitlines()) == 1


def test_no_progress_bar_when_standard_error_is_not_a_terminal(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, err = _run(capsys, mirror.ref("tools:1"), mirror.ref("multi:v1"))
    assert err == ""


def test_a_list_on_standard_input_is_read_with_from_dash(
    mirror: MirrorSet, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    text = mirror.plain_list().encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text)))
    status, out, err = _run(capsys, "--from", "-", "--allow", r"^https://mcr\.microsoft\.com/")
    assert status == 0
    assert err == "foreign-explorer check: stdin: plain list, 3 repositories\n"
    assert out.splitlines()[-1] == "mirrors cleanly: 3 of 3 images (0 platforms blocked)"


def test_the_help_says_what_each_exit_status_means_for_a_list(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "1 rejected (for a list: some image or platform)" in help_text
    assert "(for a list: some image could not be judged, whatever the others got)" in help_text


def test_a_list_on_standard_input_leaves_no_room_for_the_password(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, _, err = _run(capsys, "--from", "-", "-u", "me", "--password-stdin")
    assert status == 2
    assert "--from - and --password-stdin both read standard input" in err
