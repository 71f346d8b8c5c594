"""The engine against the real registries: same status, same body bytes, same per-layer errors.

Every case pushes a generated image (real config and layer blobs, plus foreign or URL-bearing
descriptors) to Debian's docker-registry (distribution 2.8.2) and to distribution v3.1.1's
`registry`, each running the case's policy, and asserts that foreign-explorer's prediction for
that registry's profile (`distribution-2.8`, `distribution-3`) is exactly what came back: the
status (or no response at all), the body bytes, the log's URL errors, or the start-up failure
and its text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
import yaml

from foreign_explorer.core.evaluate import ERROR_TEXT, evaluate_manifest, invalid_manifest_response
from foreign_explorer.core.manifest import (
    KIND_BY_MEDIA_TYPE,
    ManifestInvalid,
    NotAManifest,
    parse_manifest,
)
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicyIndexesError,
    PolicySource,
    PolicyStartupError,
    apply_environment,
    compile_policy,
    source_from_config,
)
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.pushtypes import answer
from tests.registry import images as im
from tests.registry.harness import BUILDS, DEBIAN_2_8, RegistryBuild, RegistryPool

MCR = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/sha256:" + "62239e9a" * 8
URL_ERRORS = frozenset(ERROR_TEXT.values())


@dataclass(frozen=True)
class Case:
    id: str
    image: Callable[[], im.Image]
    validation: Mapping[str, Any] | None = None
    raw_config: str | None = None
    env: Mapping[str, str] = field(default_factory=dict)


def _urls(allow=None, deny=None, **flags: Any) -> dict[str, Any]:
    urls: dict[str, Any] = {}
    if allow is not None:
        urls["allow"] = allow
    if deny is not None:
        urls["deny"] = deny
    return {**flags, "manifests": {"urls": urls}}


def _foreign(*urls: str | None) -> Callable[[], im.Image]:
    return lambda: im.docker_image([im.foreign_layer(list(urls)), im.layer("a")])


# --- the policies the URL matrix runs under ------------------------------------------------------

POLICIES: dict[str, Mapping[str, Any] | None] = {
    "default": None,
    "allow-mcr": _urls(allow=[r"^https://mcr\.microsoft\.com/"]),
    "allow-mcr-no-slash": _urls(allow=[r"^https://mcr\.microsoft\.com"]),
    "allow-unanchored": _urls(allow=["mcr.microsoft.com"]),
    "deny-evil": _urls(deny=[r"^https://evil\.example/"]),
    "allow-and-deny": _urls(allow=["^https?://"], deny=["evil", r"\.exe$"]),
    "disabled": {"disabled": True},
}

# Tricky URLs for every rule of the URL check: Go's parser, scheme, fragment, the regexps.
URLS = [
    MCR,
    "https://mcr.microsoft.com/",
    "http://mcr.microsoft.com/v2/x",
    "HTTPS://mcr.microsoft.com/v2/x",
    "hTTp://mcr.microsoft.com/v2/x",
    "https://MCR.microsoft.com/v2/x",
    "https://evil.example/?mcr.microsoft.com",
    "https://mcr.microsoft.com.evil.example/x",
    "https://mcr.microsoft.com@evil.example/x",
    "https://evil.example/",
    "HTTPS://evil.example/",
    "https://EVIL.example/",
    "https://evil.example:443/",
    "https://evil.example./",
    "https://evil.example:/",
    "https://u@evil.example/",
    "https://x.example/%65vil",
    "https://%65vil.example/",
    "https://a.example/#",
    "https://a.example/#x",
    "https://a.example/#%zz",
    "https://a.example/#%41",
    "https://a.example/\tb",
    "https://a.example/\x7f",
    "https://a.example/#\n",
    " https://a.example/",
    "https://a.example/%",
    "https://a.example/%2",
    "https://a.example/%zz",
    "https://a.example/a b{}\\",
    "https://a.example:99999/",
    "https://a.example:abc/",
    "https://a.example:-1/",
    "https://[::1]/",
    "https://[::1]:8443/x",
    "https://[example.com]/",
    "https://a[b]/",
    "https://[::1/",
    "https://[::1]x/",
    "https://u:p@a.example/",
    "https://u^@a.example/",
    "https://%zz@a.example/",
    "https://a b.example/",
    "https://ä.example/",
    "https://a%25b.example/",
    "https://",
    "https:///p",
    "https:foo",
    "ftp://mcr.microsoft.com/x",
    "mcr.microsoft.com/x",
    "1https://x/",
    ":https://x/",
    "",
    "https://a.example/setup.exe",
    "https://a.example/?q=%zz",
    # Bracketed hosts: Go 1.19 and Go 1.25.8+ (CVE-2026-25679) read them differently.
    "https://a[::1]/",
    "https://mcr.microsoft.com[::1]/x",
    "https://[::1]/x",
    "https://[127.0.0.1]/",
    "https://[fe80::1%25en0]:8080/x",
    "https://]x[/",
    "https://[::1]:/",
    "https://[mcr.microsoft.com]/v2/x",
]


def _matrix() -> list[Case]:
    cases = []
    for policy_id, validation in POLICIES.items():
        for number, url in enumerate(URLS):
            cases.append(Case(f"{policy_id}-url{number}", _foreign(url), validation))
    return cases


# --- descriptor rows of the reference's section 3, per manifest kind -----------------------------

ALLOW_GOOD = _urls(allow=["^https://good/"])
GOOD, BAD = "https://good/x", "https://bad/x"


def _docker(*layers: im.Descriptor) -> Callable[[], im.Image]:
    return lambda: im.docker_image([*layers, im.layer("base")])


def _oci(*layers: im.Descriptor) -> Callable[[], im.Image]:
    return lambda: im.oci_image([*layers, im.oci_layer("base")])


ROWS = [
    Case("docker-foreign-no-urls", _docker(im.foreign_layer(None)), ALLOW_GOOD),
    Case("docker-foreign-empty-urls", _docker(im.foreign_layer([])), ALLOW_GOOD),
    Case("docker-foreign-good", _docker(im.foreign_layer([GOOD])), ALLOW_GOOD),
    Case("docker-foreign-bad", _docker(im.foreign_layer([BAD])), ALLOW_GOOD),
    Case("docker-foreign-good-and-bad", _docker(im.foreign_layer([GOOD, BAD])), ALLOW_GOOD),
    Case("docker-foreign-bad-and-good", _docker(im.foreign_layer([BAD, GOOD])), ALLOW_GOOD),
    Case("docker-foreign-two-good", _docker(im.foreign_layer([GOOD, GOOD + "2"])), ALLOW_GOOD),
    Case(
        "docker-two-foreign-layers-bad",
        _docker(im.foreign_layer([BAD], seed="f1"), im.foreign_layer([BAD], seed="f2")),
        ALLOW_GOOD,
    ),
    Case(
        "docker-missing-then-invalid",
        _docker(im.foreign_layer(None, seed="f1"), im.foreign_layer([BAD], seed="f2")),
        ALLOW_GOOD,
    ),
    Case(
        "docker-regular-layer-with-bad-urls-unchecked",
        _docker(im.layer("r", urls=[BAD], upload=False)),
        ALLOW_GOOD,
    ),
    Case(
        "docker-miscased-foreign-type-unchecked",
        _docker(
            im.foreign_layer(
                [BAD], media_type="application/vnd.docker.image.rootfs.Foreign.diff.tar.gzip"
            )
        ),
        ALLOW_GOOD,
    ),
    Case(
        "docker-oci-nondistributable-type-in-schema2-unchecked",
        _docker(im.oci_nondistributable_layer([BAD])),
        ALLOW_GOOD,
    ),
    Case(
        "docker-config-with-bad-urls-unchecked",
        lambda: im.docker_image(
            [im.layer("a")],
            config=im.descriptor(im.DOCKER_CONFIG, b'{"os":"linux"}', urls=[BAD], upload=False),
        ),
        ALLOW_GOOD,
    ),
    Case("oci-layer-tar-bad", _oci(im.oci_layer("t", compression="none", urls=[BAD])), ALLOW_GOOD),
    Case("oci-layer-gzip-bad", _oci(im.oci_layer("g", urls=[BAD])), ALLOW_GOOD),
    Case(
        "oci-layer-gzip-good-not-uploaded",
        _oci(im.oci_layer("g", urls=[GOOD], upload=False)),
        ALLOW_GOOD,
    ),
    Case(
        "oci-layer-zstd-bad-unchecked",
        _oci(im.oci_layer("z", compression="zstd", urls=[BAD], upload=False)),
        ALLOW_GOOD,
    ),
    Case(
        "oci-nondist-tar-bad",
        _oci(im.oci_nondistributable_layer([BAD], compression="none")),
        ALLOW_GOOD,
    ),
    Case("oci-nondist-gzip-bad", _oci(im.oci_nondistributable_layer([BAD])), ALLOW_GOOD),
    Case("oci-nondist-gzip-good", _oci(im.oci_nondistributable_layer([GOOD])), ALLOW_GOOD),
    Case(
        "oci-nondist-zstd-bad-unchecked",
        _oci(im.oci_nondistributable_layer([BAD], compression="zstd")),
        ALLOW_GOOD,
    ),
    Case(
        "oci-nondist-no-urls-is-a-blob",
        _oci(im.oci_nondistributable_layer(None, upload=True)),
        ALLOW_GOOD,
    ),
    Case(
        "oci-nondist-empty-urls-is-a-blob",
        _oci(im.oci_nondistributable_layer([], upload=True)),
        ALLOW_GOOD,
    ),
    Case(
        "oci-docker-foreign-type-unchecked",
        _oci(im.foreign_layer([BAD])),
        ALLOW_GOOD,
    ),
    Case("oci-default-policy-gzip-layer-url", _oci(im.oci_layer("g", urls=[MCR])), None),
    Case(
        "oci-arbitrary-type-with-urls-unchecked",
        _oci(im.descriptor("application/x-custom", b"x", urls=[BAD], upload=False)),
        ALLOW_GOOD,
    ),
]


# --- JSON the registry's Go decoder reads its own way ---------------------------------------------


def _raw(text: str) -> Callable[[], im.Image]:
    return lambda: im.docker_image([im.raw_descriptor(text), im.layer("base")])


FT = im.DOCKER_FOREIGN_LAYER
D = "sha256:" + "ab" * 32
QUIRKS = [
    Case(
        "json-URLS-key",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","URLS":["{BAD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-Urls-key-good",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","Urls":["{GOOD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-long-s-key",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","url\u017f":["{BAD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-urls-null",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":null}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-null-inside-urls",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":[null]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-duplicate-urls-last-wins",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":["{BAD}"],"urls":["{GOOD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-duplicate-urls-null-keeps-earlier",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":["{GOOD}"],"urls":[null]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-escaped-url",
        _raw(
            f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":["https:\\/\\/good\\/\\u0078"]}}'
        ),
        ALLOW_GOOD,
    ),
    Case(
        "json-urls-wrong-type",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"{D}","urls":"{GOOD}"}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-size-wrong-type",
        _raw(f'{{"mediaType":"{FT}","size":"1","digest":"{D}","urls":["{GOOD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-digest-html-chars-in-body",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"sha256:<&>","urls":["{BAD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "json-invalid-utf8-in-url",
        lambda: im.Image(
            im.docker_image(
                [im.foreign_layer(["https://good/\u00e9"]), im.layer("b")]
            ).manifest.replace("\u00e9".encode(), b"\xff"),
            im.DOCKER_MANIFEST,
            im.docker_image([im.foreign_layer(["https://good/\u00e9"]), im.layer("b")]).blobs,
        ),
        _urls(allow=["^https://good/\ufffd$"]),
    ),
]


# --- digests, schema version, status ordering ----------------------------------------------------

DIGESTS = [
    Case(
        "digest-short-on-regular-layer",
        _raw(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":"sha256:abc"}}'),
        ALLOW_GOOD,
    ),
    Case(
        "digest-empty-on-regular-layer",
        _raw(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":""}}'),
        ALLOW_GOOD,
    ),
    Case(
        "digest-unsupported-algorithm",
        _raw(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":"md5:abc"}}'),
        ALLOW_GOOD,
    ),
    Case(
        "digest-uppercase-hex",
        _raw(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":"sha256:{"AB" * 32}"}}'),
        ALLOW_GOOD,
    ),
    Case(
        "digest-short-on-foreign-layer-never-read",
        _raw(f'{{"mediaType":"{FT}","size":1,"digest":"sha256:abc","urls":["{GOOD}"]}}'),
        ALLOW_GOOD,
    ),
    Case(
        "status-digest-invalid-before-bad-url",
        lambda: im.docker_image(
            [
                im.raw_descriptor(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":""}}'),
                im.foreign_layer([BAD]),
            ]
        ),
        ALLOW_GOOD,
    ),
    Case(
        "status-bad-url-before-digest-invalid",
        lambda: im.docker_image(
            [
                im.foreign_layer([BAD]),
                im.raw_descriptor(f'{{"mediaType":"{im.DOCKER_LAYER}","size":1,"digest":""}}'),
            ]
        ),
        ALLOW_GOOD,
    ),
    Case(
        "schema-version-3",
        lambda: im.Image(
            im.docker_image([im.foreign_layer([GOOD]), im.layer("a")]).manifest.replace(
                b'"schemaVersion":2', b'"schemaVersion":3'
            ),
            im.DOCKER_MANIFEST,
            im.docker_image([im.foreign_layer([GOOD]), im.layer("a")]).blobs,
        ),
        ALLOW_GOOD,
    ),
    Case(
        "media-type-field-contradicts-content-type",
        lambda: im.Image(
            im.docker_image([im.foreign_layer([GOOD]), im.layer("a")]).manifest.replace(
                im.DOCKER_MANIFEST.encode(), im.OCI_MANIFEST.encode(), 1
            ),
            im.DOCKER_MANIFEST,
            im.docker_image([im.foreign_layer([GOOD]), im.layer("a")]).blobs,
        ),
        ALLOW_GOOD,
    ),
]


# --- how the policy is built: lists, flags, regexp syntax, start-up -------------------------------

POLICY_CASES = [
    Case("deny-only-admits-other-hosts", _foreign(MCR), _urls(deny=["evil"])),
    Case("deny-only-denies", _foreign("https://evil.example/x"), _urls(deny=["evil"])),
    Case("empty-lists-allow-nothing", _foreign(MCR), _urls(allow=[], deny=[])),
    Case("enabled-wins-over-disabled", _foreign(MCR), {"enabled": True, "disabled": True}),
    Case("disabled-still-requires-urls", _foreign(), {"disabled": True}),
    Case(
        "disabled-still-checks-scheme",
        _foreign("ftp://x/"),
        {"disabled": True, **_urls(allow=["ftp"])},
    ),
    Case(
        "null-allow-item-matches-everything",
        _foreign("https://anything.example/"),
        None,
        raw_config="validation:\n  manifests:\n    urls:\n      allow:\n        -\n",
    ),
    Case(
        "null-deny-item-denies-everything",
        _foreign(MCR),
        None,
        raw_config="validation:\n  manifests:\n    urls:\n      deny: [~]\n",
    ),
    Case(
        "numeric-pattern-is-its-text",
        _foreign("https://x/123"),
        None,
        raw_config="validation:\n  manifests:\n    urls:\n      allow: [123]\n",
    ),
    Case(
        "two-allow-patterns-or",
        _foreign("https://b.example/"),
        _urls(allow=["^https://a", "^https://b"]),
    ),
    Case(
        "inline-flag-scoped-to-its-pattern",
        _foreign("HTTPS://B.example/"),
        _urls(allow=["(?i)^https://a", "^HTTPS://b"]),
    ),
    Case(
        "inline-flag-does-not-leak",
        _foreign("HTTPS://A.example/"),
        _urls(allow=["^https://b", "(?i)^https://a"]),
    ),
    Case(
        "regexp-digit-class-is-ascii",
        _foreign("https://x/\u0661"),
        _urls(allow=[r"^https://x/\d$"]),
    ),
    Case(
        "regexp-word-class-is-ascii", _foreign("https://x/\u00e9"), _urls(allow=[r"^https://x/\w$"])
    ),
    Case(
        "regexp-brace-is-literal", _foreign("https://x/a{,3}"), _urls(allow=[r"^https://x/a{,3}$"])
    ),
    Case(
        "regexp-posix-class", _foreign("https://x/abc"), _urls(allow=[r"^https://x/[[:alpha:]]+$"])
    ),
    Case("regexp-quote-meta", _foreign("https://x/a.b"), _urls(allow=[r"^\Qhttps://x/a.b\E$"])),
    Case("regexp-unicode-class", _foreign("https://x/\u00e9"), _urls(allow=[r"^https://x/\pL$"])),
    Case("regexp-end-of-text", _foreign("https://x/"), _urls(allow=[r"^https://x/\z"])),
    Case("regexp-dollar-not-before-newline", _foreign("https://x/"), _urls(allow=[r"/$"])),
    Case("regexp-ungreedy-flag", _foreign("https://x/"), _urls(allow=[r"(?U)^https://x/a*"])),
    Case("regexp-hex-escape", _foreign("https://x/A"), _urls(allow=[r"^https://x/\x{41}$"])),
    Case(
        "regexp-case-sensitive-by-default",
        _foreign("https://MCR.microsoft.com/"),
        _urls(allow=[r"^https://mcr\."]),
    ),
    Case(
        "regexp-dot-unescaped-admits-any-char",
        _foreign("https://mcrxmicrosoft.com/"),
        _urls(allow=[r"^https://mcr.microsoft.com/"]),
    ),
    Case("regexp-repeat-1000-ok", _foreign("https://x/"), _urls(allow=[r"^https://x/a{0,1000}"])),
    Case("regexp-empty-pattern-allows-all", _foreign("https://x/"), _urls(allow=[""])),
]

STARTUP = [
    Case("startup-lookahead", _foreign(MCR), _urls(allow=["(?=x)"])),
    Case("startup-lookbehind", _foreign(MCR), _urls(allow=["(?<=x)y"])),
    Case("startup-backreference", _foreign(MCR), _urls(allow=[r"(a)\1"])),
    Case("startup-named-group-angle-go119", _foreign(MCR), _urls(allow=["(?<n>a)"])),
    Case("startup-nested-repeat", _foreign(MCR), _urls(allow=["a**"])),
    Case("startup-possessive", _foreign(MCR), _urls(allow=["a++"])),
    Case("startup-repeat-over-1000", _foreign(MCR), _urls(allow=["a{1001}"])),
    Case("startup-backslash-C", _foreign(MCR), _urls(allow=[r"\C"])),
    Case("startup-backslash-Z", _foreign(MCR), _urls(allow=[r"a\Z"])),
    Case("startup-comment-group", _foreign(MCR), _urls(allow=["(?#c)"])),
    Case("startup-x-flag", _foreign(MCR), _urls(allow=["(?x)a"])),
    Case("startup-missing-paren", _foreign(MCR), _urls(allow=["(abc"])),
    Case("startup-unexpected-paren", _foreign(MCR), _urls(allow=["abc)"])),
    Case("startup-bad-range", _foreign(MCR), _urls(allow=["[z-a]"])),
    Case("startup-trailing-backslash", _foreign(MCR), _urls(allow=["abc\\"])),
    Case("accepted-duplicate-group-names", _foreign(MCR), _urls(allow=["ok", "(?P<n>a)(?P<n>b)"])),
    Case("accepted-posix-word-class-in-deny", _foreign(MCR), _urls(deny=["[[:word:]]"])),
    Case("startup-quote-swallows-wrapper", _foreign(MCR), _urls(allow=[r"^\Qabc"])),
    Case(
        "startup-allow-checked-before-deny", _foreign(MCR), _urls(allow=["(?=a)"], deny=["(?=b)"])
    ),
    Case(
        "startup-bare-string-list",
        _foreign(MCR),
        None,
        raw_config="validation:\n  manifests:\n    urls:\n      allow: '^https://x/'\n",
    ),
]

ENV_CASES = [
    Case(
        "env-list-overrides-file",
        _foreign(MCR),
        _urls(allow=["nothing-matches-this"]),
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": r"['^https://mcr\.microsoft\.com/']"},
    ),
    Case(
        "env-doubled-backslashes-reject",
        _foreign(MCR),
        None,
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": r"['^https://mcr\\.microsoft\\.com/']"},
    ),
    Case(
        "env-double-quoted-yaml-unescapes",
        _foreign(MCR),
        None,
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": r'["^https://mcr\\.microsoft\\.com/"]'},
    ),
    Case(
        "env-indexed-name-ignored-by-2-8",
        _foreign(MCR),
        None,
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW_0": "^https://mcr"},
    ),
    Case(
        "env-disabled",
        _foreign("https://anything/"),
        None,
        env={"REGISTRY_VALIDATION_DISABLED": "true"},
    ),
    Case(
        "env-deny-list",
        _foreign("https://evil/"),
        _urls(allow=["^https://"]),
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_DENY": "[evil]"},
    ),
    Case(
        "env-plain-scalar-is-config-error",
        _foreign(MCR),
        None,
        env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "^https://mcr"},
    ),
]


# --- JSON that is not valid JSON (a byte-order mark, trailing data, a cut) ----------------------

_SYNTAX_TYPES = {
    "docker": im.DOCKER_MANIFEST,
    "list": im.DOCKER_MANIFEST_LIST,
    "oci": im.OCI_MANIFEST,
    "index": im.OCI_INDEX,
}


def _bytes_as(mangle: Callable[[bytes], bytes], media_type: str) -> Callable[[], im.Image]:
    def build() -> im.Image:
        image = im.docker_image([im.foreign_layer([GOOD]), im.layer("a")])
        return im.Image(mangle(image.manifest), media_type, image.blobs)

    return build


SYNTAX_MANGLES: dict[str, Callable[[bytes], bytes]] = {
    "utf8-bom": lambda m: b"\xef\xbb\xbf" + m,
    "utf16-bom": lambda m: b"\xff\xfe" + m.decode().encode("utf-16-le"),
    "trailing-byte": lambda m: m + b"x",
    "trailing-document": lambda m: m + b"\n{}",
    "trailing-nul": lambda m: m + b"\x00",
    "cut-in-half": lambda m: m[: len(m) // 2],
    "cut-last-brace": lambda m: m[:-1],
    "cut-in-string": lambda m: m[: m.index(b"https://") + 4],
    "not-json": lambda m: b"hello",
    "single-quotes": lambda m: m.replace(b'"', b"'"),
}
JSON_SYNTAX = [
    Case(f"json-syntax-{name}-as-{kind}", _bytes_as(mangle, media_type), ALLOW_GOOD)
    for name, mangle in SYNTAX_MANGLES.items()
    for kind, media_type in _SYNTAX_TYPES.items()
]


# --- JSON that is no manifest, pushed under each Content-Type -----------------------------------

_ANY_TYPES = {
    **_SYNTAX_TYPES,
    "none": "",
    "json": "application/json",
    "text": "text/plain; charset=utf-8",
    "upper-json": "Application/JSON",
}


def _document_as(data: bytes, media_type: str) -> Callable[[], im.Image]:
    return lambda: im.Image(data, media_type)


NOT_MANIFESTS = {
    "hello": b'{"hello": "world"}',
    "empty-object": b"{}",
    "array": b"[1, 2]",
    "string": b'"manifest"',
    "null": b"null",
    "annotations-only": b'{"annotations": {"a": "b"}}',
}
NOT_A_MANIFEST = [
    Case(f"not-a-manifest-{name}-as-{kind}", _document_as(data, media_type), ALLOW_GOOD)
    for name, data in NOT_MANIFESTS.items()
    for kind, media_type in _ANY_TYPES.items()
]
# A real manifest pushed without its type, or with one no handler is registered for.
WRONG_TYPES = [
    Case(
        f"type-{kind}-for-a-docker-manifest",
        _bytes_as(lambda m: m, media_type),
        ALLOW_GOOD,
    )
    for kind, media_type in _ANY_TYPES.items()
    if kind not in ("docker",)
]


# --- 3.x's own decoding: data (base64), artifactType, string details, Go 1.25 field names ---------


def _layer_with(members: str) -> Callable[[], im.Image]:
    return lambda: im.docker_image(
        [im.foreign_layer([GOOD]).with_members(members), im.layer("base")]
    )


DATA_VALUES = [
    '"YQ=="', '"YQ"', '"YQ="', '"!!"', '"Y Q=="', '"YQ==\\n"', '"Y\\r\\nQ=="', '""', "null",
    "[1,2]", "[256]", "[-1]", '["a"]', "5", "true", "{}", '"YWJjZA"', '"YQ==x"', '"\\u0059Q=="',
]  # fmt: skip
V3_DECODE = [
    *(
        Case(f"json-data-{i}", _layer_with(f'"data":{value}'), ALLOW_GOOD)
        for i, value in enumerate(DATA_VALUES)
    ),
    Case("json-data-then-size-error", _layer_with('"data":"!!","size":"1"'), ALLOW_GOOD),
    Case("json-size-error-then-data", _layer_with('"size":"1","data":"!!"'), ALLOW_GOOD),
    Case("json-artifact-type-number", _layer_with('"artifactType":5'), ALLOW_GOOD),
    Case("json-artifact-type-string", _layer_with('"artifactType":"a/b"'), ALLOW_GOOD),
    Case("json-platform-string", _layer_with('"platform":"linux"'), ALLOW_GOOD),
    Case("json-platform-os-number", _layer_with('"platform":{"os":5}'), ALLOW_GOOD),
    Case("json-annotation-number", _layer_with('"annotations":{"a":1}'), ALLOW_GOOD),
    Case("json-digest-number", _layer_with('"digest":5'), ALLOW_GOOD),
    Case("json-urls-number-item", _layer_with('"urls":[1]'), ALLOW_GOOD),
    Case("json-size-fraction", _layer_with('"size":1.5'), ALLOW_GOOD),
    Case("json-size-overflow", _layer_with('"size":9223372036854775808'), ALLOW_GOOD),
    Case("json-media-type-array", _layer_with('"mediaType":[]'), ALLOW_GOOD),
    Case("json-DATA-key-folds", _layer_with('"DATA":"!!"'), ALLOW_GOOD),
    *(
        Case(
            f"json-schema-version-{label}-as-{kind}",
            _bytes_as(
                lambda m, v=value: m.replace(b'"schemaVersion":2', b'"schemaVersion":' + v),
                media_type,
            ),
            ALLOW_GOOD,
        )
        for label, value in (("2.0", b"2.0"), ("string", b'"2"'), ("1e0", b"1e0"))
        for kind, media_type in (("docker", im.DOCKER_MANIFEST), ("oci", im.OCI_MANIFEST))
    ),
    Case(
        "json-oci-pre-check-type-error",
        lambda: im.Image(b'"x"', im.OCI_MANIFEST),
        ALLOW_GOOD,
    ),
    Case(
        "json-oci-pre-check-float-overflow",
        lambda: im.Image(b'{"schemaVersion":2,"manifests":[1e400]}', im.OCI_MANIFEST),
        ALLOW_GOOD,
    ),
    Case(
        "json-index-pre-check-float-overflow",
        lambda: im.Image(b'{"schemaVersion":2,"layers":{"a":1e400}}', im.OCI_INDEX),
        ALLOW_GOOD,
    ),
    Case(
        "json-detail-escapes-html-and-backspace",
        _bytes_as(
            lambda m: m.replace(
                b'"mediaType":"application/vnd.docker.distribution', b'"mediaType":"<\\b&', 1
            ),
            im.DOCKER_MANIFEST,
        ),
        ALLOW_GOOD,
    ),
]


# --- indexes: which children must exist (3.x's validation.manifests.indexes) ---------------------


def _child_image(seed: str, *, oci: bool = True) -> im.Image:
    builder = im.oci_image if oci else im.docker_image
    layer = im.oci_layer(seed) if oci else im.layer(seed)
    return builder([layer])


LINUX = {"os": "linux", "architecture": "amd64"}
WINDOWS = {"os": "windows", "architecture": "amd64", "os.version": "10.0.17763.615"}
ARM = {"os": "linux", "architecture": "arm64", "variant": "v8"}


def _index(*children: Callable[[bool], im.Child], docker: bool = False) -> Callable[[], im.Image]:
    media_type = im.DOCKER_MANIFEST_LIST if docker else im.OCI_INDEX
    return lambda: im.index_image([c(not docker) for c in children], media_type=media_type)


def _pushed(seed: str, platform: dict[str, Any] | None) -> Callable[[bool], im.Child]:
    return lambda oci: im.child(_child_image(seed, oci=oci), platform)


def _missing(seed: str, platform: dict[str, Any] | None) -> Callable[[bool], im.Child]:
    return lambda oci: im.child(_child_image(seed, oci=oci), platform, push=False)


def _raw_child(text: str) -> Callable[[bool], im.Child]:
    return lambda oci: im.Child(text)


def _indexes(platforms: str | None, platformlist: list[Any] | None = None, **flags: Any):
    indexes: dict[str, Any] = {}
    if platforms is not None:
        indexes["platforms"] = platforms
    if platformlist is not None:
        indexes["platformlist"] = platformlist
    return {**flags, "manifests": {"indexes": indexes}}


INDEX_POLICIES: dict[str, Mapping[str, Any] | None] = {
    "default": None,
    "all": _indexes("all"),
    "none": _indexes("none"),
    "list-linux": _indexes("list", [{"os": "linux", "architecture": "amd64"}]),
    "list-windows-upper": _indexes("LIST", [{"os": "windows", "architecture": "amd64"}]),
    "list-empty": _indexes("list"),
    "list-os-only": _indexes("list", [{"os": "linux"}]),
    "platformlist-without-list": _indexes(None, [{"os": "linux", "architecture": "amd64"}]),
    "disabled-all": _indexes("all", disabled=True),
}
BAD_DIGEST_CHILD = (
    f'{{"mediaType":"{im.OCI_MANIFEST}","size":1,"digest":"sha256:abc",'
    '"platform":{"os":"linux","architecture":"amd64"}}'
)
INDEX_SHAPES: dict[str, Callable[[], im.Image]] = {
    "all-pushed": _index(_pushed("l", LINUX), _pushed("w", WINDOWS)),
    "linux-missing": _index(_missing("l", LINUX), _pushed("w", WINDOWS)),
    "windows-missing": _index(_pushed("l", LINUX), _missing("w", WINDOWS)),
    "both-missing-and-arm": _index(
        _missing("l", LINUX), _missing("w", WINDOWS), _missing("a", ARM)
    ),
    "bad-digest": _index(_raw_child(BAD_DIGEST_CHILD), _pushed("w", WINDOWS)),
    "pushed-without-platform": _index(_pushed("l", LINUX), _pushed("n", None)),
    "missing-without-platform": _index(_missing("n", None), _pushed("l", LINUX)),
    "list-all-pushed": _index(_pushed("l", LINUX), _pushed("w", WINDOWS), docker=True),
    "list-linux-missing": _index(_missing("l", LINUX), _pushed("w", WINDOWS), docker=True),
    "list-missing-without-platform": _index(_missing("n", None), docker=True),
}
INDEX_CASES = [
    Case(f"index-{shape}-{policy}", build, validation)
    for policy, validation in INDEX_POLICIES.items()
    for shape, build in INDEX_SHAPES.items()
] + [
    Case(
        "index-schema-version-3",
        lambda: im.Image(
            im.index_image([_pushed("l", LINUX)(True)]).manifest.replace(
                b'"schemaVersion":2', b'"schemaVersion":3'
            ),
            im.OCI_INDEX,
            children=(_child_image("l"),),
        ),
        None,
    ),
    Case(
        "index-with-layers-as-index",
        lambda: im.Image(
            im.docker_image([im.layer("a")]).manifest.replace(
                im.DOCKER_MANIFEST.encode(), im.OCI_INDEX.encode()
            ),
            im.OCI_INDEX,
        ),
        None,
    ),
]


# --- validation.manifests.indexes from config and environment, and 3.x's start-up errors --------

_INDEXES_RAW = "validation:\n  manifests:\n    indexes:\n"
INDEXES_STARTUP = [
    *(
        Case(
            f"startup-indexes-platforms-{label}",
            INDEX_SHAPES["windows-missing"],
            None,
            raw_config=_INDEXES_RAW + f"      platforms: {value}\n",
        )
        for label, value in (
            ("bogus", "bogus"),
            ("empty-string", "''"),
            ("null", "~"),
            ("number", "123"),
            ("sequence", "[list]"),
            ("mapping", "{a: b}"),
            ("bool", "true"),
            ("spaced", "' all'"),
            ("mixed-case", "NoNe"),
        )
    ),
    *(
        Case(
            f"startup-indexes-platformlist-{label}",
            INDEX_SHAPES["windows-missing"],
            None,
            raw_config=_INDEXES_RAW + f"      platforms: list\n      platformlist: {value}\n",
        )
        for label, value in (
            ("scalar", "x"),
            ("scalar-item", "[x]"),
            ("mapping", "{os: linux}"),
            ("null-item", "[~]"),
            ("sequence-os", "[{os: [a]}]"),
            ("unknown-key", "[{oss: linux}]"),
            ("numbers", "[{os: 1, architecture: 2}]"),
        )
    ),
    Case(
        "startup-indexes-scalar",
        INDEX_SHAPES["windows-missing"],
        None,
        raw_config="validation:\n  manifests:\n    indexes: bogus\n",
    ),
]
_E = "REGISTRY_VALIDATION_MANIFESTS_INDEXES"
INDEXES_ENV = [
    Case(f"env-indexes-{label}", INDEX_SHAPES[shape], None, env=env)
    for label, shape, env in (
        ("platforms-none", "both-missing-and-arm", {f"{_E}_PLATFORMS": "none"}),
        ("platforms-bogus", "all-pushed", {f"{_E}_PLATFORMS": "bogus"}),
        ("platforms-upper-list", "linux-missing", {f"{_E}_PLATFORMS": "LIST"}),
        ("platforms-empty-resets", "windows-missing", {f"{_E}_PLATFORMS": ""}),
        ("platforms-sequence", "all-pushed", {f"{_E}_PLATFORMS": "[a]"}),
        ("platforms-subfield-ignored", "windows-missing", {f"{_E}_PLATFORMS_X": "none"}),
        (
            "platformlist-yaml",
            "windows-missing",
            {f"{_E}_PLATFORMS": "list", f"{_E}_PLATFORMLIST": "[{os: linux, architecture: amd64}]"},
        ),
        ("platformlist-scalar", "all-pushed", {f"{_E}_PLATFORMLIST": "x"}),
        (
            "platformlist-indexed-fields",
            "windows-missing",
            {
                f"{_E}_PLATFORMS": "list",
                f"{_E}_PLATFORMLIST_0_OS": "linux",
                f"{_E}_PLATFORMLIST_0_ARCHITECTURE": "amd64",
            },
        ),
        ("platformlist-index-alone-panics", "all-pushed", {f"{_E}_PLATFORMLIST_0": "linux"}),
        ("platformlist-index-past-end", "all-pushed", {f"{_E}_PLATFORMLIST_1_OS": "linux"}),
        ("platformlist-index-not-a-number", "all-pushed", {f"{_E}_PLATFORMLIST_X_OS": "linux"}),
        ("platformlist-index-field-sequence", "all-pushed", {f"{_E}_PLATFORMLIST_0_OS": "[a]"}),
        (
            "platformlist-index-unknown-field-appends",
            "windows-missing",
            {f"{_E}_PLATFORMS": "list", f"{_E}_PLATFORMLIST_0_FOO": "x"},
        ),
        ("whole-section", "both-missing-and-arm", {_E: "{platforms: none}"}),
        ("whole-section-bogus", "all-pushed", {_E: "{platforms: bogus}"}),
        ("whole-section-scalar", "all-pushed", {_E: "bogus"}),
        (
            "manifests-section",
            "both-missing-and-arm",
            {"REGISTRY_VALIDATION_MANIFESTS": "{indexes: {platforms: none}}"},
        ),
        (
            "validation-section",
            "both-missing-and-arm",
            {"REGISTRY_VALIDATION": "{manifests: {indexes: {platforms: none}}}"},
        ),
        (
            "validation-section-bogus",
            "all-pushed",
            {"REGISTRY_VALIDATION": "{manifests: {indexes: {platforms: nope}}}"},
        ),
    )
]
# The URL lists' indexed names: 2.8 ignores them, 3.x never stores their value.
_U = "REGISTRY_VALIDATION_MANIFESTS_URLS"
URL_ENV_TRAPS = [
    Case("env-trap-allow-0-admits-every-url", _foreign("https://evil.example/x"), None,
         env={f"{_U}_ALLOW_0": r"^https://mcr\.microsoft\.com/"}),
    Case("env-trap-allow-0-mcr", _foreign(MCR), None,
         env={f"{_U}_ALLOW_0": r"^https://mcr\.microsoft\.com/"}),
    Case("env-trap-deny-0-denies-every-url", _foreign(MCR), _urls(allow=["^https://"]),
         env={f"{_U}_DENY_0": "evil"}),
    Case("env-trap-allow-0-over-file-list", _foreign("https://evil.example/x"),
         _urls(allow=["^https://good/"]), env={f"{_U}_ALLOW_0": "^https://evil"}),
    Case("env-trap-allow-1-past-the-end", _foreign(MCR), None, env={f"{_U}_ALLOW_1": "x"}),
    Case("env-trap-allow-not-a-number", _foreign(MCR), None, env={f"{_U}_ALLOW_X": "x"}),
    Case("env-trap-list-then-index", _foreign("https://evil.example/x"), None,
         env={f"{_U}_ALLOW": "['^https://good/']", f"{_U}_ALLOW_1": "x"}),
]  # fmt: skip
NAMED_GROUPS = [
    Case("named-group-angle-admits", _foreign(MCR), _urls(allow=[r"(?<h>^https://mcr\.microsoft\.com/)"])),
    Case("named-group-angle-rejects", _foreign("https://evil.example/"), _urls(allow=[r"(?<h>^https://mcr\.)"])),
    Case("named-group-p-admits", _foreign(MCR), _urls(allow=[r"(?P<h>^https://mcr\.microsoft\.com/)"])),
    Case("named-group-angle-in-deny", _foreign(MCR), _urls(deny=[r"(?<bad>evil)"])),
]  # fmt: skip

ALL_CASES = [
    *_matrix(),
    *ROWS,
    *QUIRKS,
    *DIGESTS,
    *POLICY_CASES,
    *STARTUP,
    *ENV_CASES,
    *JSON_SYNTAX,
    *NOT_A_MANIFEST,
    *WRONG_TYPES,
    *V3_DECODE,
    *INDEX_CASES,
    *INDEXES_STARTUP,
    *INDEXES_ENV,
    *URL_ENV_TRAPS,
    *NAMED_GROUPS,
]


# --- the comparison ------------------------------------------------------------------------------


def _engine_source(case: Case, profile: Profile) -> PolicySource:
    if case.raw_config is not None:
        source = source_from_config(case.raw_config)
    elif case.validation is not None:
        source = source_from_config(yaml.safe_dump({"validation": dict(case.validation)}))
    else:
        source = PolicySource()
    return apply_environment(source, case.env, profile) if case.env else source


@dataclass(frozen=True)
class Outcome:
    status: int | None
    body: bytes
    layer_errors: tuple[str, ...]
    startup: str | None

    def __post_init__(self) -> None:
        # The harness adds its own keys above a case's config: YAML line numbers shift.
        if self.startup is not None:
            object.__setattr__(self, "startup", re.sub(r"line \d+: ", "line N: ", self.startup))


def _predict(case: Case, image: im.Image, profile: Profile) -> Outcome:
    try:
        policy = compile_policy(_engine_source(case, profile), profile)
    except PolicyIndexesError as exc:
        return Outcome(None, b"", (), exc.registry_text)
    except PolicyStartupError as exc:
        return Outcome(None, b"", (), exc.message)
    except PolicyConfigError:
        return Outcome(None, b"", (), "configuration error")
    if image.media_type.split(";")[0].strip() not in KIND_BY_MEDIA_TYPE:
        # No handler for that Content-Type: refused whatever the document says.
        response = answer(image.manifest, image.media_type, profile).response
        return Outcome(response.status, response.body, (), None)
    try:
        manifest = parse_manifest(image.manifest, image.media_type)
    except ManifestInvalid as exc:
        response = invalid_manifest_response(exc, profile)
        return Outcome(response.status, response.body, (), None)
    except NotAManifest as exc:
        (response,) = (
            a.response for a in exc.answers[profile.name] if a.content_type == image.media_type
        )
        return Outcome(response.status, response.body, (), None)
    # The repository holds exactly what the push uploads (a fresh repository per case).
    evaluation = evaluate_manifest(manifest, policy, present=image.uploaded())
    errors = tuple(ERROR_TEXT[v.verdict] for v in evaluation.failing if v.verdict in ERROR_TEXT)
    return Outcome(evaluation.response.status, evaluation.response.body, errors, None)


def _observe(pool: RegistryPool, case: Case, image: im.Image) -> Outcome:
    registry = pool.registry_for(case.validation, raw_config=case.raw_config, env=case.env or None)
    if registry.startup_failure is not None:
        failure = registry.startup_failure
        if failure.startswith("configuration error"):
            # What follows the config file's (temporary) path is compared for indexes errors.
            words = failure.split(".yml: ", 1)[-1]
            failure = words if "indexes" in case.id else "configuration error"
        return Outcome(None, b"", (), failure)
    push = im.push_image(registry, registry.new_repo("diff"), image)
    errors = tuple(e for e in registry.log_errors(push) if e in URL_ERRORS)
    return Outcome(push.status, push.body, errors, None)


def _params() -> list[Any]:
    return [
        pytest.param(case, build, id=f"{build.marker}-{case.id}", marks=pytest.mark.registry)
        if build is DEBIAN_2_8
        else pytest.param(case, build, id=f"{build.marker}-{case.id}", marks=pytest.mark.registry3)
        for build in BUILDS
        for case in ALL_CASES
    ]


@pytest.mark.parametrize(("case", "build"), _params())
def test_engine_predicts_the_registry(
    case: Case, build: RegistryBuild, request: pytest.FixtureRequest
) -> None:
    pool: RegistryPool = request.getfixturevalue(build.pool_fixture)
    image = case.image()
    assert _predict(case, image, build.profile) == _observe(pool, case, image)


def test_suite_covers_every_outcome_class() -> None:
    # A differential suite where everything passes (or everything fails) proves little.
    kinds = {c.id.split("-")[0] for c in ALL_CASES}
    assert {
        "default",
        "deny",
        "disabled",
        "docker",
        "oci",
        "json",
        "digest",
        "startup",
        "env",
        "not",
        "type",
        "index",
        "named",
    } <= kinds
    assert len(ALL_CASES) >= 80


def test_every_case_runs_on_both_registry_builds() -> None:
    runs = [param.values[1].marker for param in _params()]
    assert runs.count("registry3") == runs.count("registry") == len(ALL_CASES)


def test_blog_case_body_is_exact(registry_pool: RegistryPool) -> None:
    sample = json.loads(
        __import__("importlib.resources")
        .resources.files("foreign_explorer")
        .joinpath("sample", "kubelet-pause.manifest.json")
        .read_text()
    )
    foreign = sample["layers"][0]
    image = im.docker_image(
        [
            im.foreign_layer(foreign["urls"], digest=foreign["digest"], size=foreign["size"]),
            im.layer("x"),
        ]
    )
    case = Case("blog", lambda: image, None)
    predicted = _predict(case, image, DEBIAN_2_8.profile)
    assert predicted == _observe(registry_pool, case, image)
    assert predicted.status == 500
    assert predicted.body == (
        b'{"errors":[{"code":"UNKNOWN","message":"unknown error"},'
        b'{"code":"UNKNOWN","message":"unknown error","detail":{}},'
        b'{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry",'
        b'"detail":"' + foreign["digest"].encode() + b'"}]}\n'
    )
