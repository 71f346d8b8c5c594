"""regsync configurations read as regsync v0.11.5 reads them."""

from __future__ import annotations

import pytest

from foreign_explorer.core.mirrorlist import MirrorListError, Tls, read_mirror_list

# regclient's example configuration (docs/examples/regsync.yml), trimmed.
EXAMPLE = b"""\
version: 1
creds:
  - registry: registry:5000
    tls: disabled
  - registry: docker.io
    user: "{{env \\"HUB_USER\\"}}"
    pass: "{{file \\"/home/appuser/.docker/hub_token\\"}}"
defaults:
  ratelimit:
    min: 100
    retry: 15m
  parallel: 2
  interval: 60m
  backup: "bkup-{{.Ref.Tag}}"
sync:
  - source: busybox:latest
    target: registry:5000/library/busybox:latest
    type: image
  - source: alpine
    target: registry:5000/library/alpine
    type: repository
    tags:
      allow:
      - "latest"
      - "3"
      - "3.\\\\d+"
  - source: ghcr.io/regclient/regctl:latest
    target: registry:5000/regclient/regctl:latest
    type: image
"""

# regclient's test configuration: anchors, merge keys and unquoted number tags.
ANCHORS = b"""\
version: 1
x-sync-hub: &sync-hub
  target: registry:5000/hub/{{ .Sync.Source }}
  type: image
sync:
  - <<: *sync-hub
    source: alpine
    type: repository
    tags:
      allow:
      - 3
      - 3.10
      - latest
  - <<: *sync-hub
    source: busybox:1.36
"""


def listed(data: bytes):
    return read_mirror_list(data)


def test_example_reads_images_and_repositories():
    repos = listed(EXAMPLE).repositories
    assert [(r.name, [str(x) for x in r.references]) for r in repos] == [
        ("docker.io/library/busybox", ["docker.io/library/busybox:latest"]),
        ("docker.io/library/alpine", []),
        ("ghcr.io/regclient/regctl", ["ghcr.io/regclient/regctl:latest"]),
    ]


def test_repository_entry_filters_with_anchored_patterns():
    alpine = listed(EXAMPLE).repositories[1]
    tags = ["latest", "3", "3.19", "3x1", "3.19.1", "edge"]
    assert alpine.tag_filter.select(tags) == ("latest", "3", "3.19", "3x1")


def test_templated_credentials_are_left_out_with_notices():
    result = listed(EXAMPLE)
    hub = result.repositories[0].connection
    assert (hub.username, hub.password, hub.hostname) == (None, None, "registry-1.docker.io")
    assert [n.split(":")[1].strip().split(" ")[0] for n in result.notices] == [
        "creds[1].user",
        "creds[1].pass",
    ]


def test_unquoted_number_tags_are_reprinted_by_go():
    alpine = listed(ANCHORS).repositories[0]
    assert alpine.tag_filter.sets[0].allow == ("3", "3.1", "latest")


def test_merge_key_supplies_the_type():
    busybox = listed(ANCHORS).repositories[1]
    assert [str(r) for r in busybox.references] == ["docker.io/library/busybox:1.36"]


def test_explicit_key_after_a_merge_wins():
    assert listed(ANCHORS).repositories[0].needs_tag_list  # type: repository, not image


def test_merge_after_an_explicit_key_wins_in_goccy():
    data = ANCHORS.replace(
        b"  - <<: *sync-hub\n    source: alpine\n    type: repository\n",
        b"  - type: repository\n    <<: *sync-hub\n    source: alpine\n",
    )
    alpine = listed(data).repositories[0]
    assert [str(r) for r in alpine.references] == ["docker.io/library/alpine:latest"]


def test_creds_tls_modes_any_case():
    data = b"""\
creds:
  - registry: a.example:5000
    tls: Disabled
  - registry: b.example
    tls: insecure
sync:
  - {source: a.example:5000/x, type: image}
  - {source: b.example/y, type: image}
  - {source: c.example/z, type: image}
"""
    tls = [r.connection.tls for r in listed(data).repositories]
    assert tls == [Tls.HTTP, Tls.SKIP_VERIFY, Tls.DEFAULT]


def test_unknown_tls_value_refuses_the_file():
    with pytest.raises(MirrorListError, match='unknown TLS value "false"'):
        listed(b"creds:\n  - registry: a.example\n    tls: false\nsync: []\n")


def test_creds_for_one_registry_merge_later_values_winning():
    data = b"""\
creds:
  - registry: reg.example
    user: first
    pass: one
    repoAuth: true
  - registry: reg.example
    user: second
    regcert: |
      -----BEGIN CERTIFICATE-----
      MIIB
      -----END CERTIFICATE-----
sync:
  - source: reg.example/team/app:v1
    type: image
"""
    connection = listed(data).repositories[0].connection
    assert (connection.username, connection.password, connection.repo_auth) == (
        "second",
        "one",
        True,
    )
    assert connection.ca_pem.startswith("-----BEGIN CERTIFICATE-----\nMIIB\n")


def test_hub_aliases_share_one_creds_entry():
    data = b"""\
creds:
  - registry: https://index.docker.io/v1/
    user: me
sync:
  - source: registry-1.docker.io/alpine:3.19
    type: image
"""
    repo = listed(data).repositories[0]
    assert (repo.name, repo.connection.username) == ("docker.io/library/alpine", "me")


def test_creds_named_with_a_scheme_apply_to_nothing():
    data = (
        b"creds:\n  - registry: http://localhost:5000\n    tls: disabled\n"
        b"sync:\n  - {source: localhost:5000/a, type: image}\n"
    )
    result = listed(data)
    assert result.repositories[0].connection.tls is Tls.DEFAULT
    assert "apply to no image" in result.notices[0]


def test_repository_source_with_a_tag_copies_nothing():
    # Seen in public configurations: `source: busybox:latest` with `type: repository`.
    data = (
        b"sync:\n  - source: busybox:latest\n    type: repository\n"
        b"    tags:\n      allow: [latest]\n"
    )
    repo = listed(data).repositories[0]
    assert "appends ':<tag>'" in repo.problem
    assert repo.references_for(["latest"]) == ()


def test_bad_allow_pattern_becomes_the_entry_problem():
    data = b"sync:\n  - source: alpine\n    type: repository\n    tags:\n      allow: ['3.(']\n"
    repo = listed(data).repositories[0]
    assert repo.problem.startswith('invalid allow pattern "3.(": error parsing regexp:')


def test_registry_type_and_templated_sources_are_reported_not_guessed():
    data = b"""\
sync:
  - source: registry.example.org
    target: mirror.example.org
    type: registry
  - source: "{{ env \\"SRC\\" }}/app"
    type: image
  - source: alpine
    type: Image
"""
    result = listed(data)
    assert result.repositories == ()
    assert [n.split(": ", 1)[1].split(" ")[0] for n in result.notices] == [
        "sync[0]",
        "sync[1].source",
        "sync[2]",
    ]


def test_platform_is_reported():
    data = b"sync:\n  - source: alpine\n    type: image\n    platform: linux/amd64\n"
    assert "copies only platform linux/amd64" in listed(data).notices[0]


def test_version_two_is_refused():
    with pytest.raises(MirrorListError, match="version 2"):
        listed(b"version: 2\nsync: []\n")


def test_allow_given_as_a_string_refuses_the_file():
    data = b"sync:\n  - source: alpine\n    type: repository\n    tags:\n      allow: latest\n"
    with pytest.raises(MirrorListError, match=r"^line 5: sync\[0\].tags.allow must be a list"):
        listed(data)
