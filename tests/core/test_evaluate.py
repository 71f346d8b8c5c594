"""Policy x manifest -> verdicts and the push response, for both registry profiles.

The real-registry differential suite checks both profiles end to end (2.8.2 and v3.1.1);
these tests pin the rules one by one.
"""

from __future__ import annotations

import json

import pytest

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.evaluate import (
    ERROR_TEXT,
    Check,
    Reason,
    Verdict,
    evaluate,
    evaluate_manifest,
    invalid_manifest_response,
    prepare,
    registry_checks,
)
from foreign_explorer.core.manifest import (
    Descriptor,
    Kind,
    Manifest,
    ManifestInvalid,
    Role,
    parse_manifest,
)
from foreign_explorer.core.policy import Policy, PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3, Profile

D28, D3 = DISTRIBUTION_2_8, DISTRIBUTION_3
PROFILES = [D28, D3]
NONE: tuple[Check, ...] = ()
BLOB = (Check.BLOB,)
URLS = (Check.URLS,)
URLS_BLOB = (Check.URLS, Check.BLOB)

DIGEST = "sha256:" + "a" * 64
LAYER_DIGEST = "sha256:" + "b" * 64
URL = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/" + LAYER_DIGEST
MCR = r"^https://mcr\.microsoft\.com/"
SAMPLE_BODY = (
    b'{"errors":[{"code":"UNKNOWN","message":"unknown error"},'
    b'{"code":"UNKNOWN","message":"unknown error","detail":{}},'
    b'{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry",'
    b'"detail":"sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"}]}\n'
)


def _policy(profile: Profile = D28, **source: object) -> Policy:
    return compile_policy(PolicySource(**source), profile)  # type: ignore[arg-type]


def _layer(media_type: str, urls: object = "absent", digest: str = LAYER_DIGEST) -> dict:
    doc: dict[str, object] = {"mediaType": media_type, "size": 1, "digest": digest}
    if urls != "absent":
        doc["urls"] = urls
    return doc


def _image(kind: Kind, *layers: dict, config: dict | None = None) -> Manifest:
    docker = kind is Kind.DOCKER_MANIFEST
    doc = {
        "schemaVersion": 2,
        "mediaType": mt.DOCKER_MANIFEST if docker else mt.OCI_MANIFEST,
        "config": config or _layer(mt.DOCKER_CONFIG if docker else mt.OCI_CONFIG, digest=DIGEST),
        "layers": list(layers),
    }
    return parse_manifest(json.dumps(doc).encode())


def _docker(*layers: dict, config: dict | None = None) -> Manifest:
    return _image(Kind.DOCKER_MANIFEST, *layers, config=config)


def _oci(*layers: dict, config: dict | None = None) -> Manifest:
    return _image(Kind.OCI_MANIFEST, *layers, config=config)


def _index(kind: Kind, *children: dict) -> Manifest:
    media_type = mt.DOCKER_MANIFEST_LIST if kind is Kind.DOCKER_LIST else mt.OCI_INDEX
    doc = {"schemaVersion": 2, "mediaType": media_type, "manifests": list(children)}
    return parse_manifest(json.dumps(doc).encode())


def _descriptor(media_type: str, urls: tuple[str, ...] | None, role: Role = Role.LAYER):
    return Descriptor(role=role, index=0, media_type=media_type, digest=DIGEST, size=1, urls=urls)


def _errors(evaluation) -> list[tuple[str, object]]:
    body = json.loads(evaluation.response.body)
    return [(e["code"], e.get("detail", "-")) for e in body["errors"]]


# --- section 3: which descriptors get which check ----------------------------------------------

WITH_URLS = ("https://x.example/l",)

# (kind, media type, urls, role, 2.8 checks, 3.x checks)
TABLE = [
    # Docker schema2
    ("docker", mt.DOCKER_FOREIGN_LAYER, None, Role.LAYER, URLS, URLS),
    ("docker", mt.DOCKER_FOREIGN_LAYER, (), Role.LAYER, URLS, URLS),
    ("docker", mt.DOCKER_FOREIGN_LAYER, WITH_URLS, Role.LAYER, URLS, URLS),
    ("docker", mt.DOCKER_LAYER, WITH_URLS, Role.LAYER, NONE, BLOB),
    ("docker", mt.DOCKER_CONFIG, WITH_URLS, Role.CONFIG, NONE, BLOB),
    ("docker", mt.DOCKER_FOREIGN_LAYER.upper(), WITH_URLS, Role.LAYER, NONE, BLOB),
    ("docker", mt.OCI_NONDIST_GZIP, WITH_URLS, Role.LAYER, NONE, BLOB),
    ("docker", mt.DOCKER_LAYER, None, Role.LAYER, BLOB, BLOB),
    ("docker", mt.DOCKER_LAYER, (), Role.LAYER, BLOB, BLOB),
    ("docker", mt.DOCKER_CONFIG, None, Role.CONFIG, BLOB, BLOB),
    ("docker", mt.DOCKER_MANIFEST, WITH_URLS, Role.LAYER, BLOB, BLOB),
    ("docker", mt.DOCKER_SCHEMA1, WITH_URLS, Role.LAYER, BLOB, BLOB),
    # OCI image manifest
    ("oci", mt.OCI_LAYER, WITH_URLS, Role.LAYER, URLS, URLS_BLOB),
    ("oci", mt.OCI_LAYER_GZIP, WITH_URLS, Role.LAYER, URLS, URLS_BLOB),
    ("oci", mt.OCI_NONDIST, WITH_URLS, Role.LAYER, URLS, URLS),
    ("oci", mt.OCI_NONDIST_GZIP, WITH_URLS, Role.LAYER, URLS, URLS),
    ("oci", mt.OCI_LAYER, None, Role.LAYER, BLOB, BLOB),
    ("oci", mt.OCI_LAYER_GZIP, (), Role.LAYER, BLOB, BLOB),
    ("oci", mt.OCI_NONDIST, None, Role.LAYER, BLOB, BLOB),
    ("oci", mt.OCI_NONDIST_GZIP, (), Role.LAYER, BLOB, BLOB),
    ("oci", mt.OCI_LAYER_ZSTD, WITH_URLS, Role.LAYER, NONE, BLOB),
    ("oci", mt.OCI_NONDIST_ZSTD, WITH_URLS, Role.LAYER, NONE, BLOB),
    ("oci", mt.DOCKER_FOREIGN_LAYER, WITH_URLS, Role.LAYER, NONE, BLOB),
    ("oci", mt.OCI_CONFIG, WITH_URLS, Role.CONFIG, NONE, BLOB),
    ("oci", mt.OCI_LAYER_ZSTD, None, Role.LAYER, BLOB, BLOB),
    ("oci", mt.DOCKER_FOREIGN_LAYER, None, Role.LAYER, BLOB, BLOB),
    ("oci", mt.OCI_MANIFEST, WITH_URLS, Role.LAYER, BLOB, BLOB),
    ("oci", mt.DOCKER_MANIFEST, WITH_URLS, Role.LAYER, NONE, BLOB),
    # Indexes: children are only looked up, never URL-checked
    ("docker-list", mt.DOCKER_MANIFEST, WITH_URLS, Role.CHILD, BLOB, BLOB),
    ("docker-list", mt.DOCKER_FOREIGN_LAYER, WITH_URLS, Role.CHILD, BLOB, BLOB),
    ("oci-index", mt.OCI_MANIFEST, None, Role.CHILD, BLOB, BLOB),
    ("oci-index", mt.OCI_NONDIST, WITH_URLS, Role.CHILD, BLOB, BLOB),
]
KINDS = {
    "docker": Kind.DOCKER_MANIFEST,
    "oci": Kind.OCI_MANIFEST,
    "docker-list": Kind.DOCKER_LIST,
    "oci-index": Kind.OCI_INDEX,
}


def _row_id(row) -> str:
    kind, media_type, urls, role, *_ = row
    shown = "absent" if urls is None else ("[]" if urls == () else "urls")
    return f"{kind}-{role.value}-{mt.short_media_type(media_type)}-{shown}"


@pytest.mark.parametrize("row", TABLE, ids=[_row_id(r) for r in TABLE])
def test_section_3_checks_for_distribution_2_8(row):
    kind, media_type, urls, role, expected_28, _ = row
    assert registry_checks(_descriptor(media_type, urls, role), KINDS[kind], D28) == expected_28


@pytest.mark.parametrize("row", TABLE, ids=[_row_id(r) for r in TABLE])
def test_section_3_checks_for_distribution_3(row):
    kind, media_type, urls, role, _, expected_3 = row
    assert registry_checks(_descriptor(media_type, urls, role), KINDS[kind], D3) == expected_3


def test_prepared_descriptors_carry_the_section_3_checks_in_manifest_order():
    manifest = _oci(_layer(mt.OCI_LAYER, [URL]), _layer(mt.OCI_LAYER_ZSTD, [URL]))
    assert [d.checks for d in prepare(manifest, D28).descriptors] == [BLOB, URLS, NONE]
    assert [d.checks for d in prepare(manifest, D3).descriptors] == [BLOB, URLS_BLOB, BLOB]


# --- verdicts that follow from the table -------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
@pytest.mark.parametrize("urls", ["absent", None, []], ids=["absent", "null", "empty"])
def test_docker_foreign_layer_without_urls_is_missing_url(profile, urls):
    evaluation = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER, urls)), _policy(profile))
    layer = evaluation.descriptors[1]
    assert layer.verdict is Verdict.MISSING_URL
    assert layer.urls == ()
    assert evaluation.response.status == 500


def test_missing_url_applies_even_with_validation_disabled():
    evaluation = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER)), _policy(disabled=True))
    assert evaluation.descriptors[1].verdict is Verdict.MISSING_URL


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_oci_nondistributable_layer_without_urls_is_not_missing_url(profile):
    evaluation = evaluate_manifest(_oci(_layer(mt.OCI_NONDIST_GZIP)), _policy(profile))
    assert evaluation.descriptors[1].verdict is Verdict.OK
    assert evaluation.accepted


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
@pytest.mark.parametrize("media_type", [mt.OCI_LAYER_ZSTD, mt.OCI_NONDIST_ZSTD, mt.DOCKER_LAYER])
def test_urls_the_registry_does_not_check_never_fail(profile, media_type):
    manifest = _oci(_layer(media_type, ["ftp://bad", "%zz"]))
    evaluation = evaluate_manifest(manifest, _policy(profile))
    assert evaluation.accepted
    assert Check.URLS not in evaluation.descriptors[1].checks


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_index_children_urls_are_never_checked(profile):
    manifest = _index(Kind.OCI_INDEX, _layer(mt.OCI_MANIFEST, ["ftp://bad"], digest=DIGEST))
    evaluation = evaluate_manifest(manifest, _policy(profile))
    assert evaluation.accepted
    assert evaluation.descriptors[0].checks == BLOB


def test_3_looks_index_children_up_only_while_validation_is_enabled():
    manifest = _index(Kind.OCI_INDEX, _layer(mt.OCI_MANIFEST, digest=DIGEST))
    disabled = evaluate_manifest(manifest, _policy(DISTRIBUTION_3, disabled=True))
    enabled = evaluate_manifest(manifest, _policy(DISTRIBUTION_3))
    assert (disabled.descriptors[0].checks, enabled.descriptors[0].checks) == ((), BLOB)


def test_2_8_looks_index_children_up_even_with_validation_disabled():
    manifest = _index(Kind.OCI_INDEX, _layer(mt.OCI_MANIFEST, digest=DIGEST))
    evaluation = evaluate_manifest(manifest, _policy(D28, disabled=True))
    assert evaluation.descriptors[0].checks == BLOB


def test_not_checked_descriptor_says_so():
    evaluation = evaluate_manifest(_oci(_layer(mt.OCI_LAYER_ZSTD, [URL])), _policy(D28))
    assert evaluation.descriptors[1].message == (
        "not checked: the registry ignores this descriptor's urls and blob"
    )


# --- response details per profile --------------------------------------------------------------


def test_invalid_url_body_in_distribution_2_8_has_empty_detail():
    evaluation = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL])), _policy(D28))
    assert _errors(evaluation) == [
        ("UNKNOWN", "-"),
        ("UNKNOWN", {}),
        ("MANIFEST_BLOB_UNKNOWN", LAYER_DIGEST),
    ]
    assert evaluation.response.status == 500


def test_invalid_url_body_in_distribution_3_carries_the_error_text():
    evaluation = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL])), _policy(D3))
    assert _errors(evaluation) == [
        ("UNKNOWN", "-"),
        ("UNKNOWN", "invalid URL on layer"),
        ("MANIFEST_BLOB_UNKNOWN", LAYER_DIGEST),
    ]


def test_missing_url_body_in_distribution_3_carries_the_error_text():
    evaluation = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER)), _policy(D3))
    assert _errors(evaluation)[1] == ("UNKNOWN", "missing URL on layer")


def test_missing_url_body_in_distribution_2_8_is_indistinguishable_from_invalid_url():
    missing = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER)), _policy(D28))
    invalid = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL])), _policy(D28))
    assert missing.response.body == invalid.response.body


def test_error_texts_are_the_registry_log_messages():
    assert ERROR_TEXT == {
        Verdict.INVALID_URL: "invalid URL on layer",
        Verdict.MISSING_URL: "missing URL on layer",
    }


def test_sample_under_the_default_policy_gives_the_blog_body():
    evaluation = evaluate_manifest(parse_manifest(sample_bytes()), _policy(D28))
    assert evaluation.response.body == SAMPLE_BODY
    assert evaluation.response.status_line == "500 Internal Server Error"


def test_each_failing_descriptor_adds_its_errors_in_order():
    other = "sha256:" + "c" * 64
    manifest = _docker(
        _layer(mt.DOCKER_FOREIGN_LAYER, [URL]),
        _layer(mt.DOCKER_LAYER),
        _layer(mt.DOCKER_FOREIGN_LAYER, digest=other),
    )
    evaluation = evaluate_manifest(manifest, _policy(D28))
    assert [d.verdict for d in evaluation.failing] == [Verdict.INVALID_URL, Verdict.MISSING_URL]
    assert [e for e in _errors(evaluation) if e[0] == "MANIFEST_BLOB_UNKNOWN"] == [
        ("MANIFEST_BLOB_UNKNOWN", LAYER_DIGEST),
        ("MANIFEST_BLOB_UNKNOWN", other),
    ]
    assert len(_errors(evaluation)) == 6


# --- digests -----------------------------------------------------------------------------------


def test_distribution_3_validates_a_foreign_layer_digest_before_its_urls():
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL], digest="sha256:abc"))
    evaluation = evaluate_manifest(manifest, _policy(D3, allow=(MCR,)))
    layer = evaluation.descriptors[1]
    assert layer.verdict is Verdict.INVALID_DIGEST
    assert _errors(evaluation) == [
        ("UNKNOWN", "-"),
        ("UNKNOWN", "invalid checksum digest length"),
        ("MANIFEST_BLOB_UNKNOWN", "sha256:abc"),
    ]


def test_distribution_2_8_never_looks_at_a_foreign_layer_digest():
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL], digest="sha256:abc"))
    evaluation = evaluate_manifest(manifest, _policy(D28, allow=(MCR,)))
    assert evaluation.descriptors[1].verdict is Verdict.OK
    assert evaluation.accepted


def test_malformed_digest_format_gives_digest_invalid_400_in_distribution_3():
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL], digest=""))
    evaluation = evaluate_manifest(manifest, _policy(D3, allow=(MCR,)))
    assert _errors(evaluation) == [("DIGEST_INVALID", "-"), ("MANIFEST_BLOB_UNKNOWN", "")]
    assert evaluation.response.status == 400


def test_unsupported_algorithm_detail_in_distribution_3():
    manifest = _docker(_layer(mt.DOCKER_LAYER, digest="md5:" + "a" * 32))
    evaluation = evaluate_manifest(manifest, _policy(D3))
    assert _errors(evaluation)[1] == ("UNKNOWN", "unsupported digest algorithm")


def test_distribution_2_8_validates_the_digest_of_a_blob_it_looks_up():
    manifest = _docker(_layer(mt.DOCKER_LAYER, digest="sha256:abc"))
    evaluation = evaluate_manifest(manifest, _policy(D28))
    assert evaluation.descriptors[1].verdict is Verdict.INVALID_DIGEST
    assert _errors(evaluation)[1] == ("UNKNOWN", {})


def test_digest_failure_message_names_the_digest_and_the_go_digest_error():
    manifest = _docker(_layer(mt.DOCKER_LAYER, digest="sha256:abc"))
    layer = evaluate_manifest(manifest, _policy(D28)).descriptors[1]
    assert layer.message == "digest 'sha256:abc': invalid checksum digest length"


# --- one URL: reasons and messages -------------------------------------------------------------


def _url_verdict(url: str, profile: Profile = D28, **source: object):
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, [url]))
    (verdict,) = evaluate_manifest(manifest, _policy(profile, **source)).descriptors[1].urls
    return verdict


def test_unparsable_url_reason_is_parse_with_go_error_text():
    verdict = _url_verdict("https://a b/", allow=("",))
    assert (verdict.ok, verdict.reason) == (False, Reason.PARSE)
    assert verdict.message == 'parse "https://a b/": invalid character " " in host name'


def test_bad_port_parse_message_is_go_text():
    verdict = _url_verdict("https://x:abc/", allow=("",))
    assert verdict.message == 'parse "https://x:abc/": invalid port ":abc" after host'


def test_non_http_scheme_reason_is_scheme():
    verdict = _url_verdict("ftp://x.example/", allow=("",))
    assert (verdict.ok, verdict.reason) == (False, Reason.SCHEME)
    assert verdict.message == "scheme ftp is not http or https"


def test_missing_scheme_is_shown_as_none():
    verdict = _url_verdict("//x.example/l", allow=("",))
    assert verdict.reason is Reason.SCHEME
    assert verdict.message == "scheme (none) is not http or https"


def test_upper_case_scheme_passes_the_scheme_rule():
    assert _url_verdict("HTTPS://x.example/", allow=("",)).ok


def test_fragment_reason_is_fragment():
    verdict = _url_verdict("https://x.example/#frag", allow=("",))
    assert (verdict.ok, verdict.reason) == (False, Reason.FRAGMENT)
    assert verdict.message == "has a fragment (#frag)"


def test_empty_fragment_is_no_fragment():
    assert _url_verdict("https://x.example/#", allow=("",)).ok


def test_url_matching_no_allow_pattern_is_not_allowed():
    verdict = _url_verdict("https://evil.example/", allow=(MCR, "zzz"))
    assert (verdict.ok, verdict.reason) == (False, Reason.NOT_ALLOWED)
    assert verdict.message == "no allow pattern matches"
    assert (verdict.allowed_by, verdict.denied_by, verdict.span) == (None, None, None)


def test_implicit_default_allow_has_its_own_message():
    verdict = _url_verdict(URL)
    assert verdict.reason is Reason.NOT_ALLOWED
    assert verdict.message == (
        "no allow pattern: with an empty allow and deny list the registry admits no URL at all"
    )


def test_denied_url_names_the_deny_pattern_and_keeps_the_allow_match():
    verdict = _url_verdict(
        "https://evil.example/x.exe", allow=("^https://",), deny=("z", r"\.exe$")
    )
    assert (verdict.ok, verdict.reason) == (False, Reason.DENIED)
    assert verdict.message == r"denied by deny[1] \.exe$"
    assert (verdict.allowed_by, verdict.denied_by, verdict.span) == (0, 1, (0, 8))


def test_denied_without_allow_list():
    verdict = _url_verdict("https://evil.example/", deny=("evil",))
    assert (verdict.reason, verdict.denied_by, verdict.allowed_by) == (Reason.DENIED, 0, None)


def test_allowed_url_names_the_first_matching_allow_pattern_and_its_span():
    verdict = _url_verdict(URL, allow=("zzz", "microsoft", "^https://"))
    assert verdict.ok and verdict.reason is None
    assert verdict.allowed_by == 1
    assert verdict.span == (12, 21)
    assert URL[12:21] == "microsoft"
    assert verdict.message == "allowed by allow[1] microsoft"


def test_allow_span_counts_characters_not_bytes():
    url = "https://é.example/ü/mcr"
    verdict = _url_verdict(url, allow=("mcr",))
    assert verdict.span == (20, 23)
    assert url[20:23] == "mcr"


def test_allow_is_an_unanchored_search():
    verdict = _url_verdict("https://evil.example/?mcr.microsoft.com", allow=("mcr.microsoft.com",))
    assert verdict.ok
    assert verdict.span == (22, 39)


def test_deny_only_policy_passes_an_undenied_url():
    verdict = _url_verdict(URL, deny=("evil",))
    assert verdict.ok
    assert verdict.message == "no allow list, and no deny pattern matches"
    assert verdict.span is None


def test_disabled_validation_passes_a_well_formed_url():
    verdict = _url_verdict(URL, disabled=True, allow=("zzz",))
    assert verdict.ok
    assert verdict.message == "validation is disabled: any well-formed http(s) URL passes"


def test_disabled_validation_still_rejects_a_bad_scheme():
    assert _url_verdict("ftp://x/", disabled=True).reason is Reason.SCHEME


# --- several URLs on one layer -----------------------------------------------------------------


def test_layer_passes_only_if_every_url_passes():
    good, bad = URL, "https://evil.example/l"
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, [good, bad, good]))
    layer = evaluate_manifest(manifest, _policy(allow=(MCR,))).descriptors[1]
    assert layer.verdict is Verdict.INVALID_URL
    assert [u.ok for u in layer.urls] == [True, False, True]
    assert layer.message == "1 of 3 URLs rejected: no allow pattern matches"


def test_layer_with_every_url_passing_is_ok():
    urls = [URL, "https://mcr.microsoft.com/other"]
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER, urls))
    layer = evaluate_manifest(manifest, _policy(allow=(MCR,))).descriptors[1]
    assert layer.ok
    assert layer.message == "every URL passes"
    assert [u.url for u in layer.urls] == urls


def test_single_rejected_url_message_says_its_url():
    layer = evaluate_manifest(_docker(_layer(mt.DOCKER_FOREIGN_LAYER, [URL])), _policy())
    assert layer.descriptors[1].message.startswith("its URL rejected: no allow pattern")


# --- summary -----------------------------------------------------------------------------------


def test_summary_of_an_accepted_push():
    evaluation = evaluate_manifest(parse_manifest(sample_bytes()), _policy(allow=(MCR,)))
    assert evaluation.summary == "accepted"
    assert evaluation.failing == ()


def test_summary_names_the_first_failing_descriptor():
    manifest = _docker(_layer(mt.DOCKER_LAYER), _layer(mt.DOCKER_FOREIGN_LAYER, [URL]))
    assert evaluate_manifest(manifest, _policy()).summary == "invalid URL on layer 1"


def test_summary_of_a_missing_url():
    manifest = _docker(_layer(mt.DOCKER_FOREIGN_LAYER))
    assert evaluate_manifest(manifest, _policy()).summary == "missing URL on layer 0"


def test_summary_of_a_foreign_typed_config():
    config = _layer(mt.DOCKER_FOREIGN_LAYER, [URL], digest=DIGEST)
    manifest = _docker(_layer(mt.DOCKER_LAYER), config=config)
    assert evaluate_manifest(manifest, _policy()).summary == "invalid URL on config"


def test_summary_of_an_invalid_digest():
    manifest = _docker(_layer(mt.DOCKER_LAYER, digest="sha256:abc"))
    assert evaluate_manifest(manifest, _policy()).summary == "invalid digest on layer 0"


# --- schema version ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("profile", "detail"),
    [(D28, {}), (D3, "unrecognized manifest schema version 3")],
    ids=["2.8", "3"],
)
def test_wrong_schema_version_is_one_unknown_error(profile, detail):
    doc = json.loads(sample_bytes())
    doc["schemaVersion"] = 3
    manifest = parse_manifest(json.dumps(doc).encode())
    evaluation = evaluate_manifest(manifest, _policy(profile, allow=(MCR,)))
    assert _errors(evaluation) == [("UNKNOWN", detail)]
    assert evaluation.response.status == 500


def test_invalid_manifest_response_is_400_manifest_invalid_with_the_decoder_detail():
    raw = b'{"schemaVersion":2,"mediaType":"' + mt.DOCKER_MANIFEST.encode() + b'","layers":"x"}'
    with pytest.raises(ManifestInvalid) as info:
        parse_manifest(raw)
    response = invalid_manifest_response(info.value)
    assert response.status == 400
    assert json.loads(response.body)["errors"][0] == {
        "code": "MANIFEST_INVALID",
        "message": "manifest invalid",
        "detail": json.loads(info.value.detail_json),
    }


# --- prepare once, evaluate many ---------------------------------------------------------------

POLICIES = [
    {},
    {"allow": (MCR,)},
    {"allow": ("zzz", "mcr")},
    {"deny": ("nanoserver",)},
    {"allow": ("^https://",), "deny": ("evil", "sha256")},
    {"disabled": True},
]


def _mixed_manifest() -> Manifest:
    return _oci(
        _layer(mt.OCI_NONDIST_GZIP, [URL, "https://evil.example/x"]),
        _layer(mt.OCI_LAYER, ["https://mcr.microsoft.com/y"]),
        _layer(mt.OCI_LAYER_ZSTD, ["ftp://nope"]),
        _layer(mt.OCI_NONDIST),
    )


@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.name)
def test_prepare_once_then_evaluate_many_matches_evaluate_manifest(profile):
    manifest = _mixed_manifest()
    prepared = prepare(manifest, profile)
    for source in POLICIES:
        policy = _policy(profile, **source)
        once, fresh = evaluate(prepared, policy), evaluate_manifest(manifest, policy)
        assert once.descriptors == fresh.descriptors
        assert once.response == fresh.response


def test_evaluate_with_a_policy_of_another_profile_re_prepares():
    manifest = _mixed_manifest()
    prepared = prepare(manifest, D28)
    policy = _policy(D3, allow=(MCR,))
    evaluation = evaluate(prepared, policy)
    assert evaluation.descriptors == evaluate_manifest(manifest, policy).descriptors
    assert evaluation.descriptors[2].checks == URLS_BLOB
    assert evaluation.descriptors[3].checks == BLOB


def test_prepared_url_count_counts_only_checked_urls():
    prepared = prepare(_mixed_manifest(), D28)
    assert prepared.url_count == 3


# --- huge manifests: work per distinct descriptor, not per descriptor -----------------------------


def test_layers_that_read_alike_are_prepared_once():
    # A 4 MiB manifest can hold 1.4 million `{}` layers: they share what prepare settles.
    layers = [_layer(mt.DOCKER_FOREIGN_LAYER, [URL])] * 500 + [_layer(mt.DOCKER_LAYER)] * 500
    prepared = prepare(_docker(*layers), D28)
    facts = {id(item._facts) for item in prepared.descriptors}
    assert len(prepared.descriptors) == 1001
    assert len(facts) == 3  # the config, the foreign layers, the other layers


def test_descriptors_that_read_alike_share_their_verdict_parts():
    layers = [_layer(mt.DOCKER_FOREIGN_LAYER, [URL, "https://evil.example/"])] * 300
    evaluation = evaluate(prepare(_docker(*layers), D28), _policy(allow=(MCR,)))
    verdicts = list(evaluation.iter_descriptors())[1:]
    assert {v.verdict for v in verdicts} == {Verdict.INVALID_URL}
    assert len({id(v.urls) for v in verdicts}) == 1
    assert len({id(v.message) for v in verdicts}) == 1
    assert [v.descriptor.index for v in verdicts] == list(range(300))
