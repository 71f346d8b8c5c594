"""WWW-Authenticate parsing, token lifetimes and registry error bodies."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.core.registry.auth import (
    DEFAULT_TOKEN_SECONDS,
    Challenge,
    parse_challenges,
    parse_error_codes,
    pull_scope,
    token_expiry,
)

NOW = 1_800_000_000.0


def test_bearer_challenge_has_realm_service_and_scope() -> None:
    (challenge,) = parse_challenges(
        [
            'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
            'scope="repository:library/alpine:pull"'
        ]
    )
    assert challenge.scheme == "bearer"
    assert challenge.get("realm") == "https://auth.docker.io/token"
    assert challenge.get("service") == "registry.docker.io"
    assert challenge.get("scope") == "repository:library/alpine:pull"


def test_quoted_values_keep_commas_and_escapes() -> None:
    (challenge,) = parse_challenges(
        [
            r'Bearer realm="https://a.example/t?x=1,2", scope="repository:a:pull,push", '
            r'error="say \"no\""'
        ]
    )
    assert challenge.get("realm") == "https://a.example/t?x=1,2"
    assert challenge.get("scope") == "repository:a:pull,push"
    assert challenge.get("error") == 'say "no"'


def test_several_challenges_in_one_header_and_across_headers() -> None:
    challenges = parse_challenges(
        [
            'Basic realm="basic, with comma", Bearer realm="https://t.example/",service=svc',
            "Negotiate abc123==",
        ]
    )
    assert [c.scheme for c in challenges] == ["basic", "bearer", "negotiate"]
    assert challenges[0].get("realm") == "basic, with comma"
    assert challenges[1].get("service") == "svc"
    assert challenges[2].get("") == "abc123=="


def test_scheme_and_parameter_names_are_case_insensitive() -> None:
    (challenge,) = parse_challenges(['BEARER Realm="r", SERVICE = "s"'])
    assert challenge == Challenge("bearer", (("realm", "r"), ("service", "s")))


def test_bare_basic_challenge() -> None:
    assert parse_challenges(["Basic"]) == [Challenge("basic")]


def test_pull_scope_names_the_repository() -> None:
    assert pull_scope("library/alpine") == "repository:library/alpine:pull"


def test_token_lifetime_comes_from_issued_at_plus_expires_in() -> None:
    doc = {"expires_in": 300, "issued_at": "2027-01-15T08:00:00.123456789Z"}
    issued = 1_800_000_000 - 100  # a time shortly before NOW, written below
    doc["issued_at"] = _rfc3339(issued) + ".123456789Z"
    assert token_expiry(doc, NOW) == pytest.approx(issued + 0.123456 + 300)


def test_token_without_expires_in_lives_sixty_seconds() -> None:
    assert DEFAULT_TOKEN_SECONDS == 60
    assert token_expiry({}, NOW) == NOW + 60
    assert token_expiry({"expires_in": "300"}, NOW) == NOW + 60


def test_token_from_a_service_whose_clock_is_behind_still_gets_its_lifetime() -> None:
    doc = {"expires_in": 300, "issued_at": _rfc3339(NOW - 3600) + "Z"}
    assert token_expiry(doc, NOW) == NOW + 300


def test_registry_error_codes_are_read_from_the_body() -> None:
    body = json.dumps(
        {"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known"}, {"x": 1}]}
    ).encode()
    assert parse_error_codes(body) == [("NAME_UNKNOWN", "repository name not known")]
    assert parse_error_codes(b"<html>") == []
    assert parse_error_codes(b'{"errors": "no"}') == []


def _rfc3339(unix: float) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(unix))
