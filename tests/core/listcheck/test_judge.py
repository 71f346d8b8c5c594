"""Judging a whole list under one policy: per image and platform, and the counts."""

from __future__ import annotations

import json

from foreign_explorer.commands.inputs import sample_bytes
from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.listcheck.judge import judge_list, prepare_image
from foreign_explorer.core.listcheck.model import ListFailure, ListImage, ListPlatform, Origin
from foreign_explorer.core.policy import PolicySource, compile_policy
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3
from foreign_explorer.core.source import SourceInfo
from tests.core.registry import multiarch

MCR = PolicySource(allow=(r"^https://mcr\.microsoft\.com/",))
MULTI = multiarch.build("fe/judged")


def _source(name: str, media_type: str, platform: str | None = None) -> SourceInfo:
    return SourceInfo(name, "r.example", "fe/x", "sha256:" + "0" * 64, media_type, platform)


def _single(name: str, data: bytes, media_type: str = mt.DOCKER_MANIFEST) -> ListImage:
    platform = ListPlatform(_source(name, media_type), data, media_type)
    return ListImage(name, Origin((0, 0), "argument 1"), platform.source, (platform,))


def _multi(name: str, index: bytes = MULTI.docker_list) -> ListImage:
    children = tuple(
        ListPlatform(
            _source(name, child.image.media_type),
            child.image.manifest,
            child.image.media_type,
            "/".join(str(v) for v in child.platform.values()),
        )
        for child in MULTI.docker_children
    )
    top = ListPlatform(_source(name, mt.DOCKER_MANIFEST_LIST), index, mt.DOCKER_MANIFEST_LIST)
    return ListImage(name, Origin((1, 0), "argument 2"), top.source, children, top)


LINUX = MULTI.docker_children[0].image.manifest
IMAGES = [_single("sample", sample_bytes()), _single("linux", LINUX), _multi("multi")]


def _judged(source: PolicySource, images=IMAGES, failures=(), profile=DISTRIBUTION_2_8):
    prepared = [prepare_image(image, DISTRIBUTION_2_8) for image in images]
    return judge_list(prepared, compile_policy(source, profile), failures)


def test_the_default_policy_blocks_every_foreign_platform() -> None:
    judgement = _judged(PolicySource())
    assert judgement.summary() == "1 of 3 mirror cleanly"
    # The sample, and the three Windows children of the index.
    assert (judgement.platforms, judgement.blocked_platforms) == (7, 4)
    multi = judgement.images[2]
    assert [p.accepted for p in multi.platforms] == [True, True, False, False, False]
    assert not multi.accepted and multi.index is not None and multi.index.accepted


def test_a_policy_that_admits_the_urls_makes_the_whole_list_clean() -> None:
    judgement = _judged(MCR)
    assert judgement.summary() == "3 of 3 mirror cleanly"
    assert judgement.accepted


def test_the_first_reason_names_the_rejected_url_and_why() -> None:
    sample = _judged(PolicySource()).images[0].platforms[0]
    assert sample.foreign == 1
    assert sample.reason.startswith(
        "invalid URL on layer 0: https://mcr.microsoft.com/v2/windows/nanoserver/blobs/"
    )
    assert sample.reason.endswith("the registry admits no URL at all")
    assert sample.status == 500


def test_what_could_not_be_judged_counts_in_the_total_and_is_never_accepted() -> None:
    failure = ListFailure("r.example/fe/gone:1", Origin((2, 0), "argument 3"), "not found")
    judgement = _judged(MCR, failures=[failure])
    assert judgement.summary() == "3 of 4 mirror cleanly"
    assert not judgement.accepted


def test_a_document_every_registry_refuses_is_rejected_with_its_400() -> None:
    judgement = _judged(MCR, images=[_single("broken", b"\xef\xbb\xbf{}")])
    verdict = judgement.images[0].platforms[0]
    assert (verdict.accepted, verdict.status) == (False, 400)
    assert verdict.reason.startswith("manifest invalid: ")


def test_a_refused_index_blocks_its_image_although_every_child_passes() -> None:
    doc = json.loads(MULTI.docker_list)
    doc["schemaVersion"] = 3
    judgement = _judged(MCR, images=[_multi("multi", json.dumps(doc).encode())])
    image = judgement.images[0]
    assert all(p.accepted for p in image.platforms)
    assert image.index is not None and not image.index.accepted
    assert not image.accepted


def test_a_policy_for_another_target_judges_with_that_targets_rules() -> None:
    judgement = _judged(MCR, profile=DISTRIBUTION_3)
    evaluation = judgement.images[0].platforms[0].evaluation
    assert evaluation is not None
    assert evaluation.prepared.profile is DISTRIBUTION_3
    assert judgement.accepted
