"""Policy x Manifest -> Evaluation: per URL, per descriptor and for the whole push.

Work is split so that a policy change is cheap: `prepare` does everything that depends only
on the manifest and the target (which rule covers each descriptor, Go URL parsing, digest
checks); `evaluate` then runs only the regexps.

Blobs are assumed pushed with the image unless `prepare` is told which digests the target
repository holds (`present`): then a looked-up blob or child that is not there fails with
MANIFEST_BLOB_UNKNOWN, as it does on a registry.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import chain

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.digests import INVALID_FORMAT, validate_digest
from foreign_explorer.core.gojson import go_marshal
from foreign_explorer.core.gourl import URLParseError, parse
from foreign_explorer.core.indexes import must_exist
from foreign_explorer.core.manifest import (
    Descriptor,
    Kind,
    Manifest,
    ManifestInvalid,
    Refusal,
    Role,
)
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.profiles import Profile
from foreign_explorer.core.response import EMPTY_DETAIL, PushResponse, RegistryError, detail


class Check(StrEnum):
    URLS = "urls"
    BLOB = "blob"


class Reason(StrEnum):
    PARSE = "parse"
    SCHEME = "scheme"
    FRAGMENT = "fragment"
    NOT_ALLOWED = "not-allowed"
    DENIED = "denied"


class Verdict(StrEnum):
    OK = "ok"
    INVALID_URL = "invalid-url"
    MISSING_URL = "missing-url"
    INVALID_DIGEST = "invalid-digest"
    # Only when `prepare` was told what the repository holds: a looked-up blob is not there.
    MISSING_BLOB = "missing-blob"


# The registry's log / 3.x detail text for the two URL failures.
ERROR_TEXT = {
    Verdict.INVALID_URL: "invalid URL on layer",
    Verdict.MISSING_URL: "missing URL on layer",
}


@dataclass(frozen=True)
class PreparedUrl:
    """One URL after the policy-independent rules (Go parse, scheme, fragment)."""

    url: str
    reason: Reason | None
    message: str | None
    # UTF-8 of the URL, for RE2 without a conversion per keystroke.
    data: bytes = b""


@dataclass(frozen=True, slots=True)
class _Facts:
    """What `prepare` settles for a descriptor, shared by descriptors that read alike (same
    media type, digest and URLs): a manifest of a million identical layers holds one."""

    checks: tuple[Check, ...]
    urls: tuple[PreparedUrl, ...]
    digest_error: str | None
    errors: Mapping[Verdict, tuple[RegistryError, ...]]
    absent: bool


class PreparedDescriptor:
    """One descriptor and what the registry does with it, whatever the policy."""

    __slots__ = ("_facts", "descriptor")

    def __init__(self, descriptor: Descriptor, facts: _Facts) -> None:
        self.descriptor = descriptor
        self._facts = facts

    @property
    def checks(self) -> tuple[Check, ...]:
        return self._facts.checks

    @property
    def urls(self) -> tuple[PreparedUrl, ...]:
        return self._facts.urls

    @property
    def digest_error(self) -> str | None:
        """go-digest's error, when the registry validates this digest and it fails."""
        return self._facts.digest_error

    @property
    def errors(self) -> Mapping[Verdict, tuple[RegistryError, ...]]:
        """What the registry answers for this descriptor, by verdict."""
        return self._facts.errors

    @property
    def absent(self) -> bool:
        """The blob (or child manifest) is known not to be in the repository."""
        return self._facts.absent

    @property
    def url_checked(self) -> bool:
        return Check.URLS in self._facts.checks

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PreparedDescriptor):
            return NotImplemented
        return self.descriptor == other.descriptor and self._facts == other._facts

    __hash__ = None  # type: ignore[assignment]  # a Descriptor holds a dict: not hashable

    def __repr__(self) -> str:
        return f"PreparedDescriptor({self.descriptor!r}, {self._facts!r})"


@dataclass(frozen=True)
class _Plan:
    """A prepared manifest as the per-policy hot path reads it (built by `_plan`)."""

    # Each descriptor's verdict if every URL the policy decides passes, and those it fails.
    base_kinds: tuple[Verdict, ...]
    base_failing: tuple[int, ...]
    # The distinct well-formed URLs (UTF-8) of the descriptors the policy decides, and for
    # each the descriptors that carry it.
    urls: tuple[bytes, ...]
    url_users: tuple[tuple[int, ...], ...]
    # Per descriptor, its part of the response if it fails (its only possible failure).
    failure_errors: tuple[tuple[RegistryError, ...], ...]


@dataclass(frozen=True)
class PreparedManifest:
    """A manifest prepared for one profile: everything that does not depend on the patterns."""

    manifest: Manifest
    profile: Profile
    descriptors: tuple[PreparedDescriptor, ...]
    # Registry-level failure that happens before descriptors are looked at, if any.
    schema_error: str | None
    # The profile's registry refuses the document outright (400 MANIFEST_INVALID).
    refusal: Refusal | None = None
    # The digests the repository holds, when known (None: every blob assumed pushed).
    present: frozenset[str] | None = None

    @property
    def url_count(self) -> int:
        return sum(len(d.urls) for d in self.descriptors if d.url_checked)

    @cached_property
    def plan(self) -> _Plan:
        """What `evaluate` needs per policy, derived from `descriptors` once."""
        return _plan(self.descriptors)


@dataclass(frozen=True, slots=True)
class UrlVerdict:
    """One URL under a policy: passes or not, why, and which pattern decided."""

    url: str
    ok: bool
    reason: Reason | None
    message: str
    allowed_by: int | None = None
    denied_by: int | None = None
    # The matched span of the allow pattern, in characters of `url`.
    span: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class DescriptorVerdict:
    """One descriptor under a policy: its verdict, its URLs and its part of the answer."""

    descriptor: Descriptor
    checks: tuple[Check, ...]
    verdict: Verdict
    urls: tuple[UrlVerdict, ...]
    message: str
    errors: tuple[RegistryError, ...]

    @property
    def ok(self) -> bool:
        return self.verdict is Verdict.OK


@dataclass(frozen=True)
class Evaluation:
    """One policy over one prepared manifest.

    The verdict of each descriptor and the response are computed eagerly (cheap); the
    per-descriptor and per-URL detail objects only when asked for, so that re-evaluating a
    large mirror list on every keystroke stays fast.
    """

    policy: Policy
    prepared: PreparedManifest
    kinds: tuple[Verdict, ...]
    response: PushResponse

    @property
    def manifest(self) -> Manifest:
        return self.prepared.manifest

    @property
    def accepted(self) -> bool:
        return self.response.accepted

    @property
    def refusal(self) -> Refusal | None:
        """Why the registry refuses the document before reading descriptors, if it does."""
        return self.prepared.refusal

    @cached_property
    def descriptors(self) -> tuple[DescriptorVerdict, ...]:
        return tuple(self.iter_descriptors())

    def iter_descriptors(self) -> Iterator[DescriptorVerdict]:
        """Each descriptor's verdict in order, built as asked for and not kept (a manifest of a
        million layers is written out without holding a million verdicts)."""
        if "descriptors" in self.__dict__:
            yield from self.descriptors
            return
        maker = self._maker
        for position, (d, kind) in enumerate(
            zip(self.prepared.descriptors, self.kinds, strict=True)
        ):
            yield maker.verdict(d, kind, _checks_now(self, position))

    def descriptor(self, position: int) -> DescriptorVerdict:
        """One descriptor's verdict without building the others' (a screen shows one)."""
        if "descriptors" in self.__dict__:
            return self.descriptors[position]
        prepared = self.prepared.descriptors[position]
        checks = _checks_now(self, position)
        return self._maker.verdict(prepared, self.kinds[position], checks)

    @cached_property
    def _maker(self) -> _VerdictMaker:
        return _VerdictMaker(self.policy)

    def checks(self, position: int) -> tuple[Check, ...]:
        """What the registry checks for one descriptor under this policy (cheap)."""
        return _checks_now(self, position)

    @property
    def failing(self) -> tuple[DescriptorVerdict, ...]:
        return tuple(d for d in self.descriptors if not d.ok)

    @property
    def summary(self) -> str:
        """`invalid URL on layer 0` style reason phrase for the first failing descriptor."""
        if self.prepared.refusal is not None:
            return f"manifest invalid: {self.prepared.refusal.message}"
        if self.response.dropped is not None:
            return self.response.dropped
        if self.prepared.schema_error is not None:
            return self.prepared.schema_error
        for prepared, kind in zip(self.prepared.descriptors, self.kinds, strict=True):
            if kind is not Verdict.OK:
                text = ERROR_TEXT.get(kind, kind.value.replace("-", " ") + " on layer")
                return f"{text.replace(' on layer', ' on')} {prepared.descriptor.label}"
        return "accepted"


def registry_checks(descriptor: Descriptor, kind: Kind, profile: Profile) -> tuple[Check, ...]:
    """What distribution checks for this descriptor (reference tables of section 3)."""
    media_type = descriptor.media_type
    has_urls = descriptor.has_urls
    if kind.is_index:
        return (Check.BLOB,)
    if kind is Kind.DOCKER_MANIFEST:
        if media_type == mt.DOCKER_FOREIGN_LAYER:
            return (Check.URLS,)
        if media_type in (mt.DOCKER_MANIFEST, mt.DOCKER_SCHEMA1):
            return (Check.BLOB,)
    else:
        if media_type in mt.OCI_URL_CHECKED:
            if not has_urls:
                return (Check.BLOB,)
            if media_type in mt.OCI_URL_CHECKED_NONDIST or not profile.blob_check_on_oci_layer_urls:
                return (Check.URLS,)
            return (Check.URLS, Check.BLOB)
        if media_type == mt.OCI_MANIFEST:
            return (Check.BLOB,)
    if has_urls and not profile.blob_check_on_unlisted_urls:
        return ()
    return (Check.BLOB,)


def _digest_error(
    descriptor: Descriptor, checks: tuple[Check, ...], profile: Profile
) -> str | None:
    # 3.x validates every digest of an image first; 2.8 only when it looks the blob up. An
    # index child's digest fails only when the child is looked up (the policy decides).
    if profile.validates_digests or Check.BLOB in checks:
        return validate_digest(descriptor.digest)
    return None


@lru_cache(maxsize=65536)
def prepare_url(url: str, go: tuple[int, int, int]) -> PreparedUrl:
    try:
        parsed = parse(url, go)
    except URLParseError as exc:
        return PreparedUrl(url, Reason.PARSE, exc.message)
    if parsed.scheme not in ("http", "https"):
        shown = parsed.scheme or "(none)"
        return PreparedUrl(url, Reason.SCHEME, f"scheme {shown} is not http or https")
    if parsed.fragment:
        return PreparedUrl(url, Reason.FRAGMENT, f"has a fragment (#{parsed.fragment})")
    return PreparedUrl(url, None, None, url.encode("utf-8", "replace"))


def schema_error(manifest: Manifest, profile: Profile) -> str | None:
    """What the registry says of a schemaVersion other than 2 (before any descriptor)."""
    if manifest.schema_version == 2:
        return None
    if manifest.is_index:
        return profile.list_schema_error % manifest.schema_version
    return f"unrecognized manifest schema version {manifest.schema_version}"


def prepare(
    manifest: Manifest, profile: Profile, *, present: frozenset[str] | None = None
) -> PreparedManifest:
    """Everything about the manifest that does not depend on the patterns.

    `present`, when given, is every digest the target repository holds (blobs and
    manifests); a descriptor the registry looks up that is not among them fails.
    """
    refusal = manifest.refusal(profile)
    prepared = []
    shared: dict[tuple[str, str, tuple[str, ...] | None], _Facts] = {}
    for descriptor in manifest.descriptors:
        key = (descriptor.media_type, descriptor.digest, descriptor.urls)
        facts = shared.get(key)
        if facts is None:
            facts = shared[key] = _facts(descriptor, manifest.kind, profile, refusal, present)
        prepared.append(PreparedDescriptor(descriptor, facts))
    result = PreparedManifest(
        manifest,
        profile,
        tuple(prepared),
        schema_error(manifest, profile),
        refusal,
        present,
    )
    result.plan  # noqa: B018 -- built here, so that evaluate() only runs the patterns
    return result


def _facts(
    descriptor: Descriptor,
    kind: Kind,
    profile: Profile,
    refusal: Refusal | None,
    present: frozenset[str] | None,
) -> _Facts:
    checks = () if refusal is not None else registry_checks(descriptor, kind, profile)
    digest_error = _digest_error(descriptor, checks, profile) if checks else None
    return _Facts(
        checks=checks,
        urls=tuple(prepare_url(u, profile.go) for u in descriptor.urls or ()),
        digest_error=digest_error,
        errors=_descriptor_errors(descriptor, digest_error, profile),
        absent=present is not None and Check.BLOB in checks and descriptor.digest not in present,
    )


def _plan(descriptors: tuple[PreparedDescriptor, ...]) -> _Plan:
    """Split each descriptor's verdict into what the manifest settles and what the policy does.

    A descriptor's verdict depends on the policy only when its digest is fine, its URLs are
    checked, it has some, and every one is well-formed: it is then invalid-url exactly when
    one of them fails the patterns. Everything else is settled here, once per manifest.
    """
    kinds: list[Verdict] = []
    errors: list[tuple[RegistryError, ...]] = []
    index_of: dict[bytes, int] = {}
    users: list[list[int]] = []
    for position, item in enumerate(descriptors):
        if item.digest_error is not None:
            kind = Verdict.INVALID_DIGEST
        elif Check.URLS not in item.checks:
            kind = Verdict.MISSING_BLOB if item.absent else Verdict.OK
            kinds.append(kind)
            errors.append(item.errors.get(kind, ()))
            continue
        elif not item.urls:
            kind = Verdict.MISSING_URL
        else:
            # Looked up only once every URL passes (3.x's OCI layers with URLs).
            kind = Verdict.MISSING_BLOB if item.absent else Verdict.OK
            for url in item.urls:
                if url.reason is not None:
                    kind = Verdict.INVALID_URL
                    break
            else:
                for url in item.urls:
                    # The patterns see only these bytes: equal bytes, equal answer.
                    slot = index_of.get(url.data)
                    if slot is None:
                        index_of[url.data] = len(users)
                        users.append([position])
                    elif users[slot][-1] != position:
                        users[slot].append(position)
        kinds.append(kind)
        # What the descriptor answers if it fails: its settled verdict, else a rejected URL.
        errors.append(item.errors[Verdict.INVALID_URL if kind is Verdict.OK else kind])
    return _Plan(
        base_kinds=tuple(kinds),
        base_failing=tuple(i for i, kind in enumerate(kinds) if kind is not Verdict.OK),
        urls=tuple(index_of),
        url_users=tuple(tuple(u) for u in users),
        failure_errors=tuple(errors),
    )


def _url_verdict(prepared: PreparedUrl, policy: Policy) -> UrlVerdict:
    if prepared.reason is not None:
        return UrlVerdict(prepared.url, False, prepared.reason, prepared.message or "")
    url = prepared.url
    allow, deny, matcher = policy.allow, policy.deny, policy.matcher
    split = policy.allow_count
    allowed_by = span = denied_by = None
    if allow is not None:
        assert matcher is not None
        allowed_by = matcher.first(prepared.data, 0, split)
        if allowed_by is None:
            if allow.implicit:
                message = (
                    "no allow pattern: with an empty allow and deny list the registry "
                    "admits no URL at all"
                )
            else:
                message = "no allow pattern matches"
            return UrlVerdict(url, False, Reason.NOT_ALLOWED, message)
        span = allow.patterns[allowed_by].search(url)
    if deny is not None:
        assert matcher is not None
        denied_by = matcher.first(prepared.data, split)
    if deny is not None and denied_by is not None:
        index = denied_by - split
        message = f"denied by deny[{index}] {deny.patterns[index].pattern}"
        return UrlVerdict(url, False, Reason.DENIED, message, allowed_by, index, span)
    if allowed_by is not None:
        assert allow is not None
        message = f"allowed by allow[{allowed_by}] {allow.patterns[allowed_by].pattern}"
    elif not policy.enabled:
        message = "validation is disabled: any well-formed http(s) URL passes"
    else:
        message = "no allow list, and no deny pattern matches"
    return UrlVerdict(url, True, None, message, allowed_by, None, span)


def _failure_errors(
    descriptor: Descriptor, text: str, profile: Profile
) -> tuple[RegistryError, ...]:
    second = detail(text) if profile.error_detail_is_text else EMPTY_DETAIL
    return (
        RegistryError("UNKNOWN"),
        RegistryError("UNKNOWN", second),
        RegistryError("MANIFEST_BLOB_UNKNOWN", detail(descriptor.digest)),
    )


def _descriptor_errors(
    descriptor: Descriptor, digest_error: str | None, profile: Profile
) -> dict[Verdict, tuple[RegistryError, ...]]:
    errors = {
        verdict: _failure_errors(descriptor, text, profile) for verdict, text in ERROR_TEXT.items()
    }
    errors[Verdict.MISSING_BLOB] = (
        RegistryError("MANIFEST_BLOB_UNKNOWN", detail(descriptor.digest)),
    )
    if digest_error == INVALID_FORMAT:
        errors[Verdict.INVALID_DIGEST] = (
            RegistryError("DIGEST_INVALID"),
            RegistryError("MANIFEST_BLOB_UNKNOWN", detail(descriptor.digest)),
        )
    elif digest_error is not None:
        errors[Verdict.INVALID_DIGEST] = _failure_errors(descriptor, digest_error, profile)
    return errors


class _VerdictMaker:
    """Builds DescriptorVerdicts for one policy; descriptors that read alike (same facts, same
    verdict) share their URL verdicts, message and errors."""

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self.url_cache: dict[str, UrlVerdict] = {}
        self.parts: dict[tuple[int, Verdict, tuple[Check, ...], Role], tuple] = {}

    def verdict(
        self, prepared: PreparedDescriptor, kind: Verdict, checks: tuple[Check, ...]
    ) -> DescriptorVerdict:
        descriptor = prepared.descriptor
        # The facts live as long as the prepared manifest, so their id names them here.
        key = (id(prepared._facts), kind, checks, descriptor.role)
        parts = self.parts.get(key)
        if parts is None:
            parts = self.parts[key] = self._parts(prepared, kind, checks)
        return DescriptorVerdict(descriptor, checks, kind, *parts)

    def _parts(
        self, prepared: PreparedDescriptor, kind: Verdict, checks: tuple[Check, ...]
    ) -> tuple[tuple[UrlVerdict, ...], str, tuple[RegistryError, ...]]:
        descriptor = prepared.descriptor
        cache = self.url_cache
        urls: list[UrlVerdict] = []
        for item in prepared.urls:
            verdict = cache.get(item.url)
            if verdict is None:
                verdict = cache[item.url] = _url_verdict(item, self.policy)
            urls.append(verdict)
        if kind is Verdict.OK:
            message = _ok_message(checks)
        elif kind is Verdict.MISSING_BLOB:
            what = "child manifest" if descriptor.role is Role.CHILD else "blob"
            message = f"{what} {descriptor.digest} is not in the repository"
        elif kind is Verdict.INVALID_DIGEST:
            message = f"digest {descriptor.digest!r}: {prepared.digest_error}"
        elif kind is Verdict.MISSING_URL:
            message = "foreign layer without urls: the registry requires at least one"
        else:
            bad = [u for u in urls if not u.ok]
            count = f"{len(bad)} of {len(urls)} URLs" if len(urls) > 1 else "its URL"
            message = f"{count} rejected: {bad[0].message}"
        errors = () if kind is Verdict.OK else prepared.errors[kind]
        return tuple(urls), message, errors


def _failing_urls(plan: _Plan, policy: Policy) -> list[int]:
    """Indexes into `plan.urls` of the URLs the patterns reject."""
    matcher, data = policy.matcher, plan.urls
    if matcher is None or not data:
        return []  # validation disabled: every well-formed URL passes
    has_allow, has_deny = policy.allow is not None, policy.deny is not None
    split = policy.allow_count
    if not matcher.one_set:
        # Thousands of patterns: "does any allow (deny) pattern match" is one search each.
        allowed = matcher.any_many(data, 0, split) if has_allow else [True] * len(data)
        denied = matcher.any_many(data, split, len(matcher.patterns)) if has_deny else None
        return [i for i, ok in enumerate(allowed) if not ok or (denied is not None and denied[i])]
    hits = matcher.match_many(data)
    if has_allow and has_deny:
        # Allowed (some allow pattern matches) and not denied (no deny pattern matches):
        # allow indexes come first, so that is "some hit, and every hit below the split".
        return [i for i, h in enumerate(hits) if not h or max(h) >= split]
    if has_allow:
        return [i for i, h in enumerate(hits) if not h]
    return [i for i, h in enumerate(hits) if h]


def _kinds(plan: _Plan, policy: Policy) -> tuple[tuple[Verdict, ...], Sequence[int]]:
    """The hot path: each descriptor's verdict, and the sorted indexes of those that fail.

    One RE2 set call per distinct URL the policy decides, in one batch per manifest.
    """
    bad = _failing_urls(plan, policy)
    if not bad:
        return plan.base_kinds, plan.base_failing
    rejected = set(chain.from_iterable(map(plan.url_users.__getitem__, bad)))
    kinds = list(plan.base_kinds)
    for position in rejected:
        kinds[position] = Verdict.INVALID_URL
    return tuple(kinds), sorted(rejected.union(plan.base_failing))


@lru_cache(maxsize=16)
def _ok_message(checks: tuple[Check, ...]) -> str:
    if not checks:
        return "not checked: the registry ignores this descriptor's urls and blob"
    parts = []
    if Check.URLS in checks:
        parts.append("every URL passes")
    if Check.BLOB in checks:
        parts.append("blob looked up (assumed pushed with the image)")
    return "; ".join(parts)


def evaluate(prepared: PreparedManifest, policy: Policy) -> Evaluation:
    """Run the policy over a prepared manifest; the result carries the exact push response."""
    if prepared.profile is not policy.profile and prepared.profile != policy.profile:
        prepared = prepare(prepared.manifest, policy.profile, present=prepared.present)
    profile = policy.profile
    if prepared.refusal is not None:
        kinds = (Verdict.OK,) * len(prepared.descriptors)
        response = PushResponse((RegistryError("MANIFEST_INVALID", prepared.refusal.detail_json),))
        return Evaluation(policy, prepared, kinds, response)
    if prepared.schema_error is not None:
        kinds, _ = _kinds(prepared.plan, policy)
        value = prepared.schema_error if profile.error_detail_is_text else {}
        response = PushResponse((RegistryError("UNKNOWN", go_marshal(value, go=profile.go)),))
        return Evaluation(policy, prepared, kinds, response)
    if prepared.manifest.is_index:
        return _evaluate_index(prepared, policy)
    plan = prepared.plan
    kinds, failing = _kinds(plan, policy)
    errors = chain.from_iterable(map(plan.failure_errors.__getitem__, failing))
    # A descriptor whose URLs all pass can still fail its look-up (when `present` is known).
    if prepared.present is not None and failing is not plan.base_failing:
        errors = chain.from_iterable(prepared.descriptors[i].errors[kinds[i]] for i in failing)
    return Evaluation(policy, prepared, kinds, PushResponse(tuple(errors)))


def child_must_exist(prepared: PreparedManifest, position: int, policy: Policy) -> bool | None:
    """Whether the registry looks this index child up; None when doing so crashes it.

    2.8 looks every child up, validation on or off. 3.x only while validation is enabled,
    and then as validation.manifests.indexes says (see core/indexes.py); with a non-empty
    platform list, an OCI index child without a platform crashes the request.
    """
    profile = policy.profile
    if not policy.enabled and not profile.checks_children_when_disabled:
        return False
    setting = policy.indexes
    if setting is None or setting.effective != "list":
        return setting is None or setting.effective == "all"
    if position in prepared.manifest.platformless_children:
        return None
    platform = prepared.descriptors[position].descriptor.platform
    os, architecture = (platform.os, platform.architecture) if platform else ("", "")
    return must_exist(setting, os, architecture)


def _evaluate_index(prepared: PreparedManifest, policy: Policy) -> Evaluation:
    """Children are looked up in order: digest errors, missing children, or a crash."""
    kinds: list[Verdict] = []
    errors: list[RegistryError] = []
    dropped = None
    for position, item in enumerate(prepared.descriptors):
        looked_up = child_must_exist(prepared, position, policy)
        if looked_up is None and dropped is None:
            dropped = (
                f"the registry's request handler panics on child {position}, which has no "
                f"platform (distribution {policy.profile.release} dereferences it under "
                "validation.manifests.indexes.platforms: list): the connection is closed"
            )
        kind = Verdict.OK
        if looked_up:
            if item.digest_error is not None:
                kind = Verdict.INVALID_DIGEST
            elif item.absent:
                kind = Verdict.MISSING_BLOB
        kinds.append(kind)
        if kind is not Verdict.OK:
            errors.extend(item.errors[kind])
    response = PushResponse(tuple(errors), dropped)
    return Evaluation(policy, prepared, tuple(kinds), response)


def _checks_now(evaluation: Evaluation, position: int) -> tuple[Check, ...]:
    """What the registry does with this descriptor under the evaluation's policy."""
    prepared = evaluation.prepared
    item = prepared.descriptors[position]
    if prepared.refusal is not None or not prepared.manifest.is_index:
        return item.checks
    looked_up = child_must_exist(prepared, position, evaluation.policy)
    return item.checks if looked_up is not False else ()


def invalid_manifest_response(
    error: ManifestInvalid, profile: Profile | None = None
) -> PushResponse:
    """The answer to a manifest the registry's decoder refuses: 400 MANIFEST_INVALID.

    `profile` is the registry that answers (2.8 when omitted): 2.8 marshals Go's error value,
    3.x sends its text.
    """
    refusal = error.refusal(profile)
    return PushResponse((RegistryError("MANIFEST_INVALID", refusal.detail_json),))


def evaluate_manifest(
    manifest: Manifest, policy: Policy, *, present: frozenset[str] | None = None
) -> Evaluation:
    return evaluate(prepare(manifest, policy.profile, present=present), policy)


def judge_url(url: str, policy: Policy) -> UrlVerdict:
    """One URL alone, judged as the URL of a URL-checked layer is (section 2 of the reference)."""
    return _url_verdict(prepare_url(url, policy.profile.go), policy)


def url_passes(url: str, policy: Policy) -> bool:
    """judge_url(url, policy).ok, without finding which pattern decides (a search per list)."""
    prepared = prepare_url(url, policy.profile.go)
    if prepared.reason is not None:
        return False
    matcher = policy.matcher
    if matcher is None:
        return True  # validation disabled
    split = policy.allow_count
    if policy.allow is not None and not matcher.any(prepared.data, 0, split):
        return False
    return policy.deny is None or not matcher.any(prepared.data, split, len(matcher.patterns))
