"""A list's results as text and JSON, and the exit status of a list.

Exit status: 0 every image of the list was judged and every platform is accepted; 1 some
image or platform is rejected; 2 some image could not be judged (not fetched, bad input),
whatever the others got: an incomplete answer is never reported as a verdict; 3 the policy
would stop the registry (nothing is fetched then).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from foreign_explorer.commands.status import EXIT_ACCEPTED, EXIT_REJECTED, EXIT_USAGE
from foreign_explorer.console import Style
from foreign_explorer.core.lint import LintWarning
from foreign_explorer.core.listcheck.judge import ImageVerdict, ListJudgement, PlatformVerdict
from foreign_explorer.core.listcheck.model import ListNote
from foreign_explorer.core.manifest import ManifestInvalid, NotAManifest
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.report import (
    evaluation_dict,
    manifest_invalid_dict,
    not_a_manifest_dict,
    policy_dict,
    warnings_list,
)
from foreign_explorer.core.visible import visible


def list_status(judgement: ListJudgement) -> int:
    if judgement.failures:
        return EXIT_USAGE
    return EXIT_ACCEPTED if judgement.accepted else EXIT_REJECTED


def counts_line(judgement: ListJudgement) -> str:
    """`mirrors cleanly: 24 of 30 images (9 platforms blocked)`."""
    blocked = judgement.blocked_platforms
    extra = f"{blocked} platform{'s' if blocked != 1 else ''} blocked"
    if judgement.failures:
        extra += f"; {len(judgement.failures)} could not be judged"
    noun = "image" if judgement.total == 1 else "images"
    return f"mirrors cleanly: {judgement.clean} of {judgement.total} {noun} ({extra})"


# --- JSON ----------------------------------------------------------------------------------


def _platform_document(verdict: PlatformVerdict, policy: Policy) -> dict[str, Any]:
    platform = verdict.platform
    refused = verdict.prepared.refused
    if verdict.evaluation is not None:
        document = evaluation_dict(verdict.evaluation)
    elif isinstance(refused, ManifestInvalid):
        document = manifest_invalid_dict(refused, policy.source, policy.profile)
    elif isinstance(refused, NotAManifest):
        document = not_a_manifest_dict(refused, policy.source, policy.profile)
    else:
        document = {
            "target": policy.profile.name,
            "policy": policy_dict(policy.source, policy.profile),
            "policyError": None,
            "accepted": False,
            "status": None,
            "body": None,
            "bodyText": None,
            "manifestError": str(refused),
            "descriptors": [],
        }
    document["source"] = platform.source.to_dict()
    return document


def image_document(verdict: ImageVerdict, policy: Policy) -> dict[str, Any]:
    """What `check REF --format json` prints for the image, with its place in the list."""
    image = verdict.image
    if verdict.index is None:
        document = _platform_document(verdict.platforms[0], policy)
    else:
        document = {
            "target": policy.profile.name,
            "policy": policy_dict(policy.source, policy.profile),
            "policyError": None,
            "source": image.source.to_dict(),
            "accepted": verdict.accepted,
            "children": [
                {
                    **_platform_document(p, policy),
                    "platform": p.platform.platform,
                    "attestation": p.platform.attestation,
                }
                for p in verdict.platforms
            ],
        }
        if not verdict.index.accepted:
            # The index document itself is refused (its children may all pass).
            document["index"] = _platform_document(verdict.index, policy)
        if image.skipped:
            document["skipped"] = list(image.skipped)
    document["reference"] = image.reference
    document["origin"] = image.origin.where
    return document


def list_document(
    judgement: ListJudgement,
    policy: Policy,
    warnings: Sequence[LintWarning],
    notes: Sequence[ListNote] = (),
) -> dict[str, Any]:
    return {
        "target": policy.profile.name,
        "policy": policy_dict(policy.source, policy.profile),
        "policyError": None,
        "accepted": judgement.accepted,
        "summary": {
            "images": judgement.total,
            "clean": judgement.clean,
            "platforms": judgement.platforms,
            "blocked": judgement.blocked_platforms,
            "unjudged": len(judgement.failures),
        },
        "images": [image_document(image, policy) for image in judgement.images],
        "errors": [
            {"reference": f.reference, "message": f.message, "origin": f.origin.where}
            for f in judgement.failures
        ],
        "notes": [
            {"reference": n.reference, "message": n.message, "origin": n.origin.where}
            for n in notes
        ],
        "warnings": warnings_list(warnings),
    }


# --- text ----------------------------------------------------------------------------------


def _name(verdict: ImageVerdict, platform: PlatformVerdict | None, label: str = "") -> str:
    name = visible(verdict.image.reference)
    if label:
        return f"{name} [{visible(label)}]"
    if platform is not None and platform.platform.platform is not None:
        return f"{name} [{visible(platform.platform.label)}]"
    return name


def platform_line(
    verdict: ImageVerdict, platform: PlatformVerdict, style: Style, label: str = ""
) -> str:
    """`FAIL ref [windows/amd64]  1 foreign  invalid URL on layer 0: URL: why`."""
    mark = style("PASS", "32") if platform.accepted else style("FAIL", "1;31")
    line = f"{mark} {_name(verdict, platform, label)}  {platform.foreign} foreign"
    if not platform.accepted:
        line += f"  {visible(platform.reason)}"
    return line


def list_lines(judgement: ListJudgement, style: Style) -> list[str]:
    lines = []
    for verdict in judgement.images:
        for platform in verdict.platforms:
            lines.append(platform_line(verdict, platform, style))
        index = verdict.index
        if index is not None and (not index.accepted or not verdict.platforms):
            # A refused index, or one with no image manifest to judge: the index says it.
            lines.append(platform_line(verdict, index, style, "index"))
        lines.extend(f"     {visible(note)}" for note in verdict.image.skipped)
    for failure in judgement.failures:
        head = style("ERROR", "1;31")
        lines.append(f"{head} {visible(failure.reference)}: {visible(failure.message)}")
    clean = judgement.accepted
    lines.append(style(counts_line(judgement), "1;32" if clean else "1;31"))
    return lines
