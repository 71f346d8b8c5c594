"""Properties of the whole engine on generated input: it only fails the documented ways.

Also cross-checks the evaluation fast path (one RE2 set call per URL) against the detail
objects and against a plain per-pattern search.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.evaluate import (
    Check,
    Verdict,
    evaluate,
    evaluate_manifest,
    prepare,
)
from foreign_explorer.core.manifest import ManifestError, parse_manifest
from foreign_explorer.core.policy import PolicySource, PolicyStartupError, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

PROPERTY = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PROFILES = st.sampled_from([DISTRIBUTION_2_8, DISTRIBUTION_3])
MANIFEST_TYPES = [mt.DOCKER_MANIFEST, mt.OCI_MANIFEST, mt.DOCKER_MANIFEST_LIST, mt.OCI_INDEX]
MEDIA_TYPES = [
    mt.DOCKER_FOREIGN_LAYER,
    mt.DOCKER_FOREIGN_LAYER.upper(),
    mt.DOCKER_LAYER,
    mt.DOCKER_CONFIG,
    mt.DOCKER_MANIFEST,
    mt.DOCKER_SCHEMA1,
    mt.OCI_CONFIG,
    mt.OCI_LAYER,
    mt.OCI_LAYER_GZIP,
    mt.OCI_LAYER_ZSTD,
    mt.OCI_NONDIST,
    mt.OCI_NONDIST_GZIP,
    mt.OCI_NONDIST_ZSTD,
    mt.OCI_MANIFEST,
    mt.OCI_INDEX,
    "",
    "x",
    "text/plain; charset=utf-8",
    mt.OCI_NONDIST + " ",
]
ANY_CHAR = st.characters(blacklist_categories=())  # includes lone surrogates
SHORT_TEXT = st.text(ANY_CHAR, max_size=24)
URL_TEXT = st.one_of(
    SHORT_TEXT,
    st.builds(
        "{}://{}/{}".format,
        st.sampled_from(["https", "http", "HTTPS", "ftp", "", "h_t"]),
        st.text(st.sampled_from("abcé.-:@[]%25 "), max_size=12),
        st.text(st.sampled_from("ab/?#%zé<>&\t"), max_size=12),
    ),
    st.sampled_from(
        [
            "https://mcr.microsoft.com/v2/x",
            "https://evil.example/?mcr.microsoft.com",
            "HTTPS://evil.example/",
            "https://a/#",
            "https://a/#f",
            "https://[::1]:99999/",
            "https://x:abc/",
            "https://%65vil.example/",
            "https:foo",
        ]
    ),
)
DIGEST_TEXT = st.one_of(
    st.just("sha256:" + "a" * 64),
    st.sampled_from(["", "sha256:abc", "md5:" + "a" * 32, "SHA256:" + "a" * 64, "sha512:"]),
    SHORT_TEXT,
)
PATTERN = st.one_of(
    st.text(st.sampled_from("abcé.^$*+?()[]{}|\\:/-dswQEPpLz<>=!,019"), max_size=12),
    st.sampled_from(
        [
            "",
            "^$",
            r"^https://mcr\.microsoft\.com/",
            "mcr",
            "(?i)EVIL",
            r"\.exe$",
            "[[:alpha:]]+",
            r"\pL",
            r"\Qa.b\E",
            "(?<n>a)",
            "(?P<n>a)",
            "a{,3}",
        ]
    ),
)
PATTERNS = st.lists(PATTERN, max_size=4).map(tuple)


def _json_value(leaf: st.SearchStrategy) -> st.SearchStrategy:
    return st.recursive(
        leaf,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SHORT_TEXT, inner, max_size=3),
        max_leaves=8,
    )


JSON_LEAF = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    SHORT_TEXT,
)


@st.composite
def descriptor_docs(draw) -> dict:
    doc: dict = {}
    if draw(st.integers(0, 9)):
        doc["mediaType"] = draw(st.sampled_from(MEDIA_TYPES))
    doc["digest"] = draw(DIGEST_TEXT)
    doc["size"] = draw(st.integers(min_value=0, max_value=2**40))
    urls = draw(
        st.one_of(
            st.just("absent"),
            st.none(),
            st.lists(st.one_of(URL_TEXT, st.none()), max_size=4),
        )
    )
    if urls != "absent":
        doc["urls"] = urls
    return doc


@st.composite
def manifest_bytes(draw) -> bytes:
    media_type = draw(st.sampled_from(MANIFEST_TYPES))
    doc: dict = {"schemaVersion": draw(st.sampled_from([2, 2, 2, 1, 3])), "mediaType": media_type}
    if media_type in mt.INDEXES:
        doc["manifests"] = draw(st.lists(descriptor_docs(), max_size=4))
    else:
        doc["config"] = draw(descriptor_docs())
        doc["layers"] = draw(st.lists(descriptor_docs(), max_size=5))
    return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")


MANIFEST_LIKE = st.one_of(
    st.binary(max_size=200),
    _json_value(JSON_LEAF).map(lambda v: json.dumps(v).encode()),
    st.builds(
        lambda extra, mtype: json.dumps({"schemaVersion": 2, "mediaType": mtype, **extra}).encode(),
        st.dictionaries(
            st.sampled_from(["config", "layers", "manifests", "URLS", "schemaVersion", "Layers"]),
            _json_value(JSON_LEAF),
            max_size=3,
        ),
        st.sampled_from([*MANIFEST_TYPES, "", mt.DOCKER_SCHEMA1]),
    ),
    manifest_bytes(),
)


@PROPERTY
@given(
    data=MANIFEST_LIKE,
    media_type=st.one_of(st.none(), st.sampled_from([*MANIFEST_TYPES, mt.DOCKER_SCHEMA1, "x"])),
)
def test_parse_manifest_fails_only_with_manifest_errors(data, media_type):
    try:
        manifest = parse_manifest(data, media_type)
    except ManifestError as exc:
        assert exc.message and "\n" not in exc.message
        return
    assert manifest.raw == data
    assert all(d.role.value in ("config", "layer", "child") for d in manifest.descriptors)


@PROPERTY
@given(allow=PATTERNS, deny=PATTERNS, disabled=st.booleans(), profile=PROFILES)
def test_compile_policy_fails_only_with_startup_errors(allow, deny, disabled, profile):
    source = PolicySource(allow=allow, deny=deny, disabled=disabled)
    try:
        policy = compile_policy(source, profile)
    except PolicyStartupError as exc:
        assert exc.list_name in ("allow", "deny")
        assert exc.index is None or 0 <= exc.index < len(getattr(source, exc.list_name))
        assert exc.message and "\n" not in exc.message
        return
    if disabled:
        assert policy.allow is None and policy.deny is None
    elif allow or deny:
        assert len(policy.allow.patterns if policy.allow else ()) == len(allow)
        assert len(policy.deny.patterns if policy.deny else ()) == len(deny)
    else:
        assert policy.allows_nothing


def _reference_url_ok(url_verdict, policy) -> bool:
    """A URL that passed the parse rules, judged by searching each pattern on its own."""
    allow, deny = policy.allow, policy.deny
    allowed = allow is None or any(p.matches(url_verdict.url) for p in allow.patterns)
    denied = deny is not None and any(p.matches(url_verdict.url) for p in deny.patterns)
    return allowed and not denied


@PROPERTY
@given(
    data=manifest_bytes(),
    allow=PATTERNS,
    deny=PATTERNS,
    disabled=st.booleans(),
    profile=PROFILES,
)
def test_evaluate_never_raises_and_answers_like_a_registry(data, allow, deny, disabled, profile):
    try:
        manifest = parse_manifest(data)
    except ManifestError:
        assume(False)
    try:
        policy = compile_policy(PolicySource(allow=allow, deny=deny, disabled=disabled), profile)
    except PolicyStartupError:
        policy = compile_policy(PolicySource(disabled=disabled), profile)

    evaluation = evaluate_manifest(manifest, policy)
    response = evaluation.response

    assert response.status in (201, 400, 500)
    assert evaluation.accepted == (response.status == 201)
    if response.body:
        body = json.loads(response.body)
        assert response.body.endswith(b"}\n")
        assert body["errors"] and all("code" in e and "message" in e for e in body["errors"])
    else:
        assert response.status == 201
    assert evaluation.summary == "accepted" or not evaluation.accepted
    assert len(evaluation.descriptors) == len(manifest.descriptors)

    for verdict in evaluation.descriptors:
        checked_urls = Check.URLS in verdict.checks and verdict.urls
        if verdict.verdict is Verdict.INVALID_URL:
            assert checked_urls and not all(u.ok for u in verdict.urls)
        elif verdict.verdict is Verdict.OK and checked_urls:
            assert all(u.ok for u in verdict.urls)
        for url in verdict.urls:
            if url.reason is None or url.reason.value in ("not-allowed", "denied"):
                assert url.ok == _reference_url_ok(url, policy)
            if url.span is not None:
                start, end = url.span
                assert 0 <= start <= end <= len(url.url)

    again = evaluate(prepare(manifest, profile), policy)
    assert again.response == response
    assert again.descriptors == evaluation.descriptors
