"""The issue's done-when: `check REF` against the real registry behind a token service."""

from __future__ import annotations

import json

from foreign_explorer.cli import main

MCR = r"^https://mcr\.microsoft\.com/"


def _windows_child(multi):
    return next(c for c in multi.docker_children if c.platform["os"] == "windows")


def test_check_by_digest_behind_the_token_service(token_registry, multi, capsys):
    digest = _windows_child(multi).image.digest
    ref = f"127.0.0.1:{token_registry.port}/{multi.repo}@{digest}"
    status = main(["check", ref, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert (status, doc["status"], doc["source"]["digest"]) == (1, 500, digest)


def test_check_index_tag_with_platform_behind_the_token_service(token_registry, multi, capsys):
    ref = f"127.0.0.1:{token_registry.port}/{multi.repo}:list"
    status = main(["check", ref, "--platform", "windows/amd64", "--allow", MCR, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert (status, doc["status"]) == (0, 201)
    assert doc["source"]["platform"].startswith("windows/amd64")


def test_private_repository_without_credentials_is_one_line_with_a_login_hint(
    token_registry, private_image, capsys
):
    ref = f"127.0.0.1:{token_registry.port}/fe/private:v1"
    status = main(["check", ref])
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "docker login" in err
