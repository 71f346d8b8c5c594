"""skopeo sync --src yaml files read as skopeo v1.22.2 reads them."""

from __future__ import annotations

import pytest

from foreign_explorer.core.mirrorlist import (
    EveryTag,
    MirrorListError,
    SkopeoSemver,
    SkopeoTagRegex,
    Tls,
    read_mirror_list,
)

# skopeo-sync(1)'s own example, as written there.
DOCS_EXAMPLE = b"""\
registry.example.com:
    images:
        busybox: []
        redis:
            - "1.0"
            - "2.0"
            - "sha256:0000000000000000000000000000000011111111111111111111111111111111"
    images-by-tag-regex:
        nginx: ^1\\.13\\.[12]-alpine-perl$
    images-by-semver:
        alpine: ">= 3.12.0"
    credentials:
        username: john
        password: this is a secret
    tls-verify: true
    cert-dir: /home/john/certs
quay.io:
    tls-verify: false
    images:
        coreos/etcd:
            - latest
"""

# The shape of a public mirror file: semver constraints with and without a 'v'.
GHCR = b"""\
ghcr.io:
  images:
    k8snetworkplumbingwg/multus-cni:
      - "v3.9-thick-amd64"
      - "v3.9-amd64"
  images-by-semver:
    aquasecurity/trivy: ">= 0.37.2"
    dexidp/dex: ">=v2.40.0"
"""


def repos(data: bytes):
    return read_mirror_list(data).repositories


def test_docs_example_lists_every_repository_in_section_order():
    names = [r.name for r in repos(DOCS_EXAMPLE)]
    assert names == [
        "registry.example.com/busybox",
        "registry.example.com/redis",
        "registry.example.com/nginx",
        "registry.example.com/alpine",
        "quay.io/coreos/etcd",
    ]


def test_empty_image_list_means_every_tag():
    busybox = repos(DOCS_EXAMPLE)[0]
    assert (busybox.tag_filter, busybox.references, busybox.needs_tag_list) == (
        EveryTag(),
        (),
        True,
    )


def test_listed_tags_and_digests_become_references():
    redis = repos(DOCS_EXAMPLE)[1]
    assert [str(r) for r in redis.references] == [
        "registry.example.com/redis:1.0",
        "registry.example.com/redis:2.0",
        "registry.example.com/redis@sha256:" + "0" * 32 + "1" * 32,
    ]
    assert redis.needs_tag_list is False


def test_regex_and_semver_sections_carry_their_filters():
    nginx, alpine = repos(DOCS_EXAMPLE)[2:4]
    assert nginx.tag_filter == SkopeoTagRegex(r"^1\.13\.[12]-alpine-perl$")
    assert alpine.tag_filter == SkopeoSemver(">= 3.12.0")


def test_per_registry_credentials_tls_and_cert_dir():
    connection = repos(DOCS_EXAMPLE)[0].connection
    assert (connection.username, connection.password) == ("john", "this is a secret")
    assert (connection.tls, connection.cert_dir) == (Tls.VERIFY, "/home/john/certs")


def test_tls_verify_false_is_insecure_https_then_http():
    assert repos(DOCS_EXAMPLE)[4].connection.tls is Tls.SKIP_VERIFY_OR_HTTP


def test_tls_verify_absent_is_skopeo_default():
    assert repos(GHCR)[0].connection.tls is Tls.DEFAULT


def test_public_file_with_v_prefixed_constraint():
    dex = repos(GHCR)[-1]
    assert (dex.name, dex.tag_filter.select(["v2.39.0", "v2.40.0", "v2.41.1"])) == (
        "ghcr.io/dexidp/dex",
        ("v2.40.0", "v2.41.1"),
    )


def test_docker_hub_names_get_library_and_namespace_keys_work():
    data = (
        b"docker.io:\n  images:\n    busybox: ['1.36']\n"
        b"quay.io/prometheus:\n  images:\n    node-exporter: []\n"
    )
    assert [r.name for r in repos(data)] == [
        "docker.io/library/busybox",
        "quay.io/prometheus/node-exporter",
    ]


def test_registry_key_without_a_dot_is_a_docker_hub_namespace():
    assert repos(b"myteam:\n  images:\n    app: [v1]\n")[0].name == "docker.io/myteam/app"


def test_unquoted_number_tags_keep_their_text():
    refs = repos(b"docker.io:\n  images:\n    python:\n      - 3.10\n      - 3.0\n")[0].references
    assert [r.tag for r in refs] == ["3.10", "3.0"]


def test_tag_list_given_as_a_string_refuses_the_file():
    with pytest.raises(MirrorListError) as err:
        read_mirror_list(b"docker.io:\n  images:\n    busybox: latest\n")
    assert err.value.message == (
        "line 3: registry 'docker.io' images 'busybox' must be a list, not the value 'latest' "
        "(skopeo sync refuses this file)"
    )


def test_quoted_true_is_not_a_bool_for_yaml_v3():
    with pytest.raises(MirrorListError, match="tls-verify must be true or false"):
        read_mirror_list(b'quay.io:\n  tls-verify: "true"\n  images:\n    a/b: []\n')


def test_yaml_1_1_words_are_bools_for_skopeo():
    connection = repos(b"quay.io:\n  tls-verify: no\n  images:\n    a/b: []\n")[0].connection
    assert connection.tls is Tls.SKIP_VERIFY_OR_HTTP


def test_repository_listed_twice_refuses_the_file():
    data = b"quay.io:\n  images:\n    a/b: [x]\n    a/b: [y]\n"
    with pytest.raises(MirrorListError) as err:
        read_mirror_list(data)
    assert err.value.message.startswith("line 4: ")
    assert "key 'a/b' is already defined at line 3" in err.value.message


def test_invalid_tag_and_short_digest_are_skipped_with_a_notice():
    data = b"quay.io:\n  images:\n    a/b:\n      - ok\n      - 'sha256:abc'\n      - 'bad tag'\n"
    listed = read_mirror_list(data)
    assert [r.tag for r in listed.repositories[0].references] == ["ok"]
    assert len(listed.notices) == 2
    assert all("skopeo skips it" in n for n in listed.notices)


def test_repository_with_a_tag_is_skipped_with_a_notice():
    listed = read_mirror_list(b"quay.io:\n  images:\n    a/b:1.0: []\n    c/d: []\n")
    assert [r.name for r in listed.repositories] == ["quay.io/c/d"]
    assert "names an image, not a repository" in listed.notices[0]


def test_one_bad_regex_stops_every_regex_entry_of_its_registry():
    data = b"quay.io:\n  images-by-tag-regex:\n    a/b: '^v1'\n    c/d: '(unclosed'\n"
    first, second = repos(data)
    assert first.problem == second.problem
    assert "missing closing )" in first.problem
    assert "skopeo skips every images-by-tag-regex entry of 'quay.io'" in first.problem
    assert first.needs_tag_list is False
    assert first.references_for(["v1"]) == ()


def test_registry_without_images_is_a_notice():
    listed = read_mirror_list(b"quay.io:\n  tls-verify: false\nghcr.io:\n  images:\n    a/b: []\n")
    assert [r.name for r in listed.repositories] == ["ghcr.io/a/b"]
    assert listed.notices == (
        "line 2: registry 'quay.io' lists no images; skopeo copies nothing from it",
    )


def test_references_for_expands_a_tag_list_through_the_filter():
    nginx = repos(DOCS_EXAMPLE)[2]
    refs = nginx.references_for(["1.13.1-alpine-perl", "1.13.3-alpine-perl", "latest"])
    assert [str(r) for r in refs] == ["registry.example.com/nginx:1.13.1-alpine-perl"]
