"""What a registry answers to a document pushed under each Content-Type.

A manifest PUT names its type in Content-Type, and the registry decodes the body as that
type. For a real manifest that is its own type; for JSON that is no manifest at all
(`{"hello": "world"}`) every choice is refused, each in its own way, and the user is shown
all of them (`not_a_manifest`).
"""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.gojson import go_marshal
from foreign_explorer.core.manifest import (
    KIND_BY_MEDIA_TYPE,
    ManifestInvalid,
    NotAManifest,
    build_manifest,
)
from foreign_explorer.core.profiles import PROFILES, Profile
from foreign_explorer.core.response import EMPTY_DETAIL, PushResponse, RegistryError

# The Content-Types a push may claim: the four manifest types, none, and one for the rest.
CONTENT_TYPES: tuple[tuple[str, str], ...] = (
    (mt.DOCKER_MANIFEST, "as a Docker manifest"),
    (mt.DOCKER_MANIFEST_LIST, "as a Docker manifest list"),
    (mt.OCI_MANIFEST, "as an OCI image manifest"),
    (mt.OCI_INDEX, "as an OCI image index"),
    ("", "without a Content-Type"),
    ("application/json", "as application/json (or any other type)"),
)


@dataclass(frozen=True)
class TypedAnswer:
    """The registry's answer to the document pushed with one Content-Type."""

    content_type: str
    label: str
    response: PushResponse
    # The registry's own words for the refusal (its log's err.detail).
    reason: str


def answer(data: bytes, content_type: str, profile: Profile) -> TypedAnswer:
    """What `profile`'s registry answers to syntax-checked `data` pushed as `content_type`."""
    label = dict(CONTENT_TYPES).get(content_type, f"as {content_type}")
    if content_type in KIND_BY_MEDIA_TYPE:
        # Imported here: evaluate imports this package's manifest module, not the reverse.
        from foreign_explorer.core.evaluate import evaluate_manifest, invalid_manifest_response
        from foreign_explorer.core.policy import PolicySource, compile_policy

        try:
            manifest = build_manifest(data, content_type)
        except ManifestInvalid as exc:
            response = invalid_manifest_response(exc, profile)
            return TypedAnswer(content_type, label, response, exc.refusal(profile).go_text)
        refusal = manifest.refusal(profile)
        evaluation = evaluate_manifest(manifest, compile_policy(PolicySource(), profile))
        reason = refusal.go_text if refusal is not None else evaluation.summary
        return TypedAnswer(content_type, label, evaluation.response, reason)
    return TypedAnswer(content_type, label, *_unsupported(content_type, profile))


def _unsupported(content_type: str, profile: Profile) -> tuple[PushResponse, str]:
    """A Content-Type no manifest handler is registered for."""
    if profile.error_detail_is_text:
        # mime.ParseMediaType lower-cases the type and drops its parameters.
        parsed = content_type.split(";")[0].strip().lower()
        text = f"unsupported manifest media type and no default available: {parsed}"
        detail = go_marshal(text, go=profile.go)
    else:
        # 2.8 falls back to signed schema1, whose parser refuses anything else (detail {}).
        text = "decoded as a signed schema1 manifest, which it is not"
        detail = EMPTY_DETAIL
    return PushResponse((RegistryError("MANIFEST_INVALID", detail),)), text


def not_a_manifest(data: bytes) -> NotAManifest:
    """The error for valid JSON that is no manifest or index, with every registry's answers."""
    head = data.lstrip(b" \t\r\n")[:1]
    if head == b"{":
        why = "none of schemaVersion, mediaType, config, layers or manifests is set"
    else:
        kinds = {b"[": "an array", b'"': "a string", b"t": "true", b"f": "false", b"n": "null"}
        why = f"the document is {kinds.get(head, 'a number')}, not a JSON object"
    answers = {
        name: tuple(answer(data, content_type, profile) for content_type, _ in CONTENT_TYPES)
        for name, profile in PROFILES.items()
    }
    return NotAManifest(f"not an image manifest or index: {why}", answers)
