"""Image references are normalised like distribution's reference package, errors say why."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.reference import (
    Reference,
    ReferenceError,
    parse_reference,
    validate_digest,
)

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest"),
    [
        ("alpine", "docker.io", "library/alpine", "latest", None),
        ("alpine:3.19", "docker.io", "library/alpine", "3.19", None),
        ("user/app", "docker.io", "user/app", "latest", None),
        ("docker.io/alpine", "docker.io", "library/alpine", "latest", None),
        ("index.docker.io/library/alpine", "docker.io", "library/alpine", "latest", None),
        ("docker.io/user/app:v1", "docker.io", "user/app", "v1", None),
        ("localhost/app", "localhost", "app", "latest", None),
        ("localhost:5000/team/app:1.0", "localhost:5000", "team/app", "1.0", None),
        ("127.0.0.1:5000/app", "127.0.0.1:5000", "app", "latest", None),
        ("[::1]:5000/app:x", "[::1]:5000", "app", "x", None),
        (
            "mcr.microsoft.com/windows/servercore:ltsc2019",
            "mcr.microsoft.com",
            "windows/servercore",
            "ltsc2019",
            None,
        ),
        ("Example.COM/app", "Example.COM", "app", "latest", None),
        (f"alpine@{DIGEST}", "docker.io", "library/alpine", None, DIGEST),
        (f"ghcr.io/o/r:tag@{DIGEST}", "ghcr.io", "o/r", "tag", DIGEST),
        ("a/b__c/d-e.f_g---h", "docker.io", "a/b__c/d-e.f_g---h", "latest", None),
        ("127.0.0.1:65535/a:b", "127.0.0.1:65535", "a", "b", None),
        ("[::1]:1/a", "[::1]:1", "a", "latest", None),
        # distribution reads a lone `host:port` as a Docker Hub name with a tag.
        ("localhost:5000", "docker.io", "library/localhost", "5000", None),
    ],
)
def test_reference_normalises_like_distribution(
    text: str, registry: str, repository: str, tag: str | None, digest: str | None
) -> None:
    assert parse_reference(text) == Reference(registry, repository, tag, digest)


def test_docker_hub_is_served_by_registry_1() -> None:
    assert parse_reference("alpine").api_host() == "registry-1.docker.io"
    assert parse_reference("ghcr.io/o/r").api_host() == "ghcr.io"
    assert parse_reference("localhost:5000/a").api_host() == "localhost:5000"


def test_digest_wins_over_tag_for_the_request() -> None:
    ref = parse_reference(f"ghcr.io/o/r:tag@{DIGEST}")
    assert ref.object == DIGEST
    assert parse_reference("ghcr.io/o/r:tag").object == "tag"


def test_canonical_and_familiar_forms() -> None:
    assert str(parse_reference("alpine")) == "docker.io/library/alpine:latest"
    assert str(parse_reference(f"alpine@{DIGEST}")) == f"docker.io/library/alpine@{DIGEST}"
    assert parse_reference("alpine").familiar() == "alpine:latest"
    assert parse_reference("user/app:1").familiar() == "user/app:1"
    assert parse_reference("localhost:5000/a:1").familiar() == "localhost:5000/a:1"


def test_with_digest_pins_the_same_repository() -> None:
    pinned = parse_reference("ghcr.io/o/r:tag").with_digest(DIGEST)
    assert pinned == Reference("ghcr.io", "o/r", None, DIGEST)


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "it is empty"),
        ("Alpine", "repository name 'library/Alpine' must be lowercase"),
        ("docker.io/User/app", "must be lowercase"),
        ("ghcr.io/o/R", "must be lowercase"),
        ("alpine@sha256:abc", "sha256 digest needs 64 hex digits, got 3"),
        ("alpine@sha256:" + "A" * 64, "lower-case hex"),
        ("alpine@md5:" + "a" * 32, "'md5' is not supported"),
        ("alpine@" + "a" * 64, "algorithm:hex"),
        (f"alpine@{DIGEST}@{DIGEST}", "more than one '@'"),
        ("alpine:", "the tag after ':' is empty"),
        ("alpine:-x", "tag '-x' may only hold"),
        ("alpine:" + "x" * 129, "at most 128 characters"),
        ("a//b", "empty path component"),
        ("ghcr.io/", "the repository name is empty"),
        ("ghcr.io/o/", "empty path component"),
        ("a/b-", "path component 'b-'"),
        ("a/.b", "path component '.b'"),
        (":tag", "the repository name is empty"),
        ("host_name.io/x", "'host_name'"),
        ("host.io:port/x", "registry port 'port' must be digits"),
        ("127.0.0.1:99999/a:b", "registry port '99999' is not a TCP port (1-65535)"),
        ("127.0.0.1:0/a:b", "registry port '0' is not a TCP port (1-65535)"),
        ("127.0.0.1:65536/a:b", "registry port '65536' is not a TCP port (1-65535)"),
        ("[::1]:70000/a", "registry port '70000' is not a TCP port"),
        ("host.io:" + "9" * 5000 + "/x", "is not a TCP port"),
        ("[::1/x", "unclosed '['"),
        ("alpine latest", "white space"),
        ("a" * 64, "image ID"),
        ("a/" + "b" * 250, "longer than 255"),
    ],
)
def test_invalid_reference_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ReferenceError) as caught:
        parse_reference(text)
    message = str(caught.value)
    assert says in message
    assert message.startswith(f"invalid reference {text!r}: ")
    assert "\n" not in message
    assert isinstance(caught.value, ForeignExplorerError)


def test_validate_digest_accepts_registered_algorithms() -> None:
    assert validate_digest(DIGEST) is None
    assert validate_digest("sha512:" + "0" * 128) is None
    assert validate_digest("sha384:" + "0" * 96) is None
    assert validate_digest("sha256:" + "0" * 63) is not None


_component = st.from_regex(r"[a-z0-9]{1,6}(?:[._-][a-z0-9]{1,6}){0,2}", fullmatch=True)
_tag = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)
_host = st.sampled_from(["ghcr.io", "localhost:5000", "127.0.0.1:8080", "[::1]:5000", "docker.io"])


@given(
    host=_host,
    path=st.lists(_component, min_size=2, max_size=4),
    tag=st.none() | _tag,
    digest=st.none() | st.from_regex(r"[a-f0-9]{64}", fullmatch=True),
)
def test_canonical_form_parses_back_to_the_same_reference(
    host: str, path: list[str], tag: str | None, digest: str | None
) -> None:
    text = f"{host}/{'/'.join(path)}"
    if tag is not None:
        text += f":{tag}"
    if digest is not None:
        text += f"@sha256:{digest}"
    ref = parse_reference(text)
    assert parse_reference(str(ref)) == ref
    assert ref.repository == "/".join(path)
