"""check --format json's document: streamed in pieces, byte for byte what one dumps() writes."""

from __future__ import annotations

import json

import pytest

from foreign_explorer.core.evaluate import evaluate_manifest
from foreign_explorer.core.manifest import parse_manifest
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.report import evaluation_dict, evaluation_json
from foreign_explorer.core.visible import dumps

DOCKER = "application/vnd.docker.distribution.manifest.v2+json"
FOREIGN = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DIGEST = "sha256:" + "62239e9a" * 8


def _docker(layers: list[dict]) -> bytes:
    config = {"mediaType": "application/vnd.docker.container.image.v1+json", "digest": DIGEST}
    doc = {"schemaVersion": 2, "mediaType": DOCKER, "config": {**config, "size": 1}}
    return json.dumps({**doc, "layers": layers}).encode()


def _foreign(urls: list[str] | None, digest: str = DIGEST) -> dict:
    layer = {"mediaType": FOREIGN, "digest": digest, "size": 3}
    return layer if urls is None else {**layer, "urls": urls}


MANIFESTS = {
    "accepted": _docker([_foreign(["https://mcr.microsoft.com/x"])]),
    "rejected-and-missing": _docker([_foreign(["https://evil.example/"]), _foreign(None)]),
    # Layers that differ only by index share their text; others do not.
    "repeated-layers": _docker(
        [{} for _ in range(40)]
        + [_foreign(["https://mcr.microsoft.com/a", "http://x/"], DIGEST)] * 5
        + [{"digest": f"sha256:{i:064x}", "size": i} for i in range(12)]
        + [{}] * 3
    ),
    # Controls, bidi, a lone surrogate escape and an invalid byte, in a URL and a digest.
    "outside-text": _docker(
        [_foreign(["https://mcr.microsoft.com/\u202e\x1b[31m\u00e9\ud800~"], "s\u0085ha256:~")]
    ).replace(b"~", b"\xff"),
    "schema-error": json.dumps({"schemaVersion": 3, "mediaType": DOCKER}).encode(),
    "index": json.dumps(
        {
            "schemaVersion": 2,
            "mediaType": OCI_INDEX,
            "manifests": [
                {"mediaType": DOCKER, "digest": "sha256:abc", "size": 1},
                {"mediaType": DOCKER, "digest": DIGEST, "size": 1, "platform": {"os": "linux"}},
            ],
        }
    ).encode(),
    # 2.8 reads it; 3.x refuses the malformed base64 `data`.
    "refused-by-3": _docker([{**_foreign(["https://mcr.microsoft.com/x"]), "data": "%%"}]),
}
POLICIES = [
    PolicySource(allow=(r"^https://mcr\.microsoft\.com/",), deny=("evil",)),
    PolicySource(),
    PolicySource(disabled=True),
]


@pytest.mark.parametrize("name", MANIFESTS)
@pytest.mark.parametrize("profile", [DISTRIBUTION_2_8, DISTRIBUTION_3])
@pytest.mark.parametrize("source", POLICIES)
def test_streamed_json_is_the_document_dumps_writes(name, profile, source) -> None:
    evaluation = evaluate_manifest(parse_manifest(MANIFESTS[name]), compile_policy(source, profile))
    extra = {"warnings": [{"code": "x", "example": "https://\u202e/"}]}
    expected = dumps({**evaluation_dict(evaluation), **extra}, indent=2)
    assert "".join(evaluation_json(evaluation, extra)) == expected


def test_streamed_json_holds_no_verdict_per_descriptor() -> None:
    # A million layers are written without keeping a million verdicts.
    manifest = parse_manifest(_docker([{} for _ in range(2000)]))
    evaluation = evaluate_manifest(manifest, compile_policy(PolicySource(), DISTRIBUTION_2_8))
    pieces = evaluation_json(evaluation)
    assert sum(map(len, pieces)) > 2000 * 300
    assert "descriptors" not in evaluation.__dict__
    assert "body" not in evaluation.response.__dict__


def test_streamed_json_is_written_in_blocks_not_per_item() -> None:
    manifest = parse_manifest(_docker([{} for _ in range(20_000)]))
    evaluation = evaluate_manifest(manifest, compile_policy(PolicySource(), DISTRIBUTION_2_8))
    assert len(list(evaluation_json(evaluation))) < 100


def test_streamed_documents_nest_like_any_other_value() -> None:
    # `check REF` of an index nests each child's document, and adds keys to it.
    from foreign_explorer.core.report import evaluation_document, json_chunks

    policy = compile_policy(POLICIES[0], DISTRIBUTION_3)
    evaluations = [
        evaluate_manifest(parse_manifest(MANIFESTS[name]), policy)
        for name in ("repeated-layers", "outside-text", "refused-by-3", "accepted")
    ]
    lazy = {"target": "x", "children": [], "warnings": [1, [2, {"a": None}]]}
    eager = {**lazy, "children": []}
    for number, evaluation in enumerate(evaluations):
        lazy["children"].append({**evaluation_document(evaluation), "platform": number})
        eager["children"].append({**evaluation_dict(evaluation), "platform": number})
    assert "".join(json_chunks(lazy)) == dumps(eager, indent=2)
    assert "".join(json_chunks({"deep": [[evaluation_document(evaluations[0])]]})) == dumps(
        {"deep": [[evaluation_dict(evaluations[0])]]}, indent=2
    )
