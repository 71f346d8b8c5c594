"""Policy x Manifest -> Evaluation: per URL, per descriptor and for the whole push.

Work is split so that a policy change is cheap: `prepare` does everything that depends only
on the manifest and the target (which rule covers each descriptor, Go URL parsing, digest
checks); `evaluate` then runs only the regexps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, lru_cache
from itertools import chain

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.digests import INVALID_FORMAT, validate_digest
from foreign_explorer.core.gojson import go_marshal
from foreign_explorer.core.gourl import URLParseError, parse
from foreign_explorer.core.manifest import Descriptor, Kind, Manifest, ManifestInvalid, Role
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


@dataclass(frozen=True)
class PreparedDescriptor:
    descriptor: Descriptor
    checks: tuple[Check, ...]
    urls: tuple[PreparedUrl, ...]
    # go-digest's error, when the registry validates this descriptor's digest and it fails.
    digest_error: str | None
    # What the registry answers for this descriptor, by verdict (computed once per image).
    errors: dict[Verdict, tuple[RegistryError, ...]]

    @property
    def url_checked(self) -> bool:
        return Check.URLS in self.checks


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
    manifest: Manifest
    profile: Profile
    descriptors: tuple[PreparedDescriptor, ...]
    # Registry-level failure that happens before descriptors are looked at, if any.
    schema_error: str | None

    @property
    def url_count(self) -> int:
        return sum(len(d.urls) for d in self.descriptors if d.url_checked)

    @cached_property
    def plan(self) -> _Plan:
        """What `evaluate` needs per policy, derived from `descriptors` once."""
        return _plan(self.descriptors)


@dataclass(frozen=True)
class UrlVerdict:
    url: str
    ok: bool
    reason: Reason | None
    message: str
    allowed_by: int | None = None
    denied_by: int | None = None
    # The matched span of the allow pattern, in characters of `url`.
    span: tuple[int, int] | None = None


@dataclass(frozen=True)
class DescriptorVerdict:
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

    @cached_property
    def descriptors(self) -> tuple[DescriptorVerdict, ...]:
        cache: dict[str, UrlVerdict] = {}
        return tuple(
            _descriptor_verdict(d, kind, self.policy, cache)
            for d, kind in zip(self.prepared.descriptors, self.kinds, strict=True)
        )

    def descriptor(self, position: int) -> DescriptorVerdict:
        """One descriptor's verdict without building the others' (a screen shows one)."""
        if "descriptors" in self.__dict__:
            return self.descriptors[position]
        prepared = self.prepared.descriptors[position]
        return _descriptor_verdict(prepared, self.kinds[position], self.policy, {})

    def checks(self, position: int) -> tuple[Check, ...]:
        """What the registry checks for one descriptor under this policy (cheap)."""
        return _effective_checks(self.prepared.descriptors[position], self.policy)

    @property
    def failing(self) -> tuple[DescriptorVerdict, ...]:
        return tuple(d for d in self.descriptors if not d.ok)

    @property
    def summary(self) -> str:
        """`invalid URL on layer 0` style reason phrase for the first failing descriptor."""
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
    # 3.x validates every digest first; 2.8 only when it looks the blob up.
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


def _schema_error(manifest: Manifest) -> str | None:
    if not manifest.is_index and manifest.schema_version != 2:
        return f"unrecognized manifest schema version {manifest.schema_version}"
    return None


def prepare(manifest: Manifest, profile: Profile) -> PreparedManifest:
    """Everything about the manifest that does not depend on the patterns."""
    prepared = []
    for descriptor in manifest.descriptors:
        checks = registry_checks(descriptor, manifest.kind, profile)
        urls = tuple(prepare_url(u, profile.go) for u in descriptor.urls or ())
        digest_error = _digest_error(descriptor, checks, profile)
        prepared.append(
            PreparedDescriptor(
                descriptor=descriptor,
                checks=checks,
                urls=urls,
                digest_error=digest_error,
                errors=_descriptor_errors(descriptor, digest_error, profile),
            )
        )
    result = PreparedManifest(manifest, profile, tuple(prepared), _schema_error(manifest))
    result.plan  # noqa: B018 -- built here, so that evaluate() only runs the patterns
    return result


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
            kinds.append(Verdict.OK)
            errors.append(())  # never fails
            continue
        elif not item.urls:
            kind = Verdict.MISSING_URL
        else:
            kind = Verdict.OK
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
        # The only way this descriptor can fail: its settled verdict, else a rejected URL.
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
    hits = matcher.matching_bytes(prepared.data) if matcher is not None else []
    split = policy.allow_count
    allowed_by = span = None
    if allow is not None:
        if not hits or hits[0] >= split:
            if allow.implicit:
                message = (
                    "no allow pattern: with an empty allow and deny list the registry "
                    "admits no URL at all"
                )
            else:
                message = "no allow pattern matches"
            return UrlVerdict(url, False, Reason.NOT_ALLOWED, message)
        allowed_by = hits[0]
        span = allow.patterns[allowed_by].search(url)
    if deny is not None and hits and hits[-1] >= split:
        index = next(h for h in hits if h >= split) - split
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
    if digest_error == INVALID_FORMAT:
        errors[Verdict.INVALID_DIGEST] = (
            RegistryError("DIGEST_INVALID"),
            RegistryError("MANIFEST_BLOB_UNKNOWN", detail(descriptor.digest)),
        )
    elif digest_error is not None:
        errors[Verdict.INVALID_DIGEST] = _failure_errors(descriptor, digest_error, profile)
    return errors


def _effective_checks(prepared: PreparedDescriptor, policy: Policy) -> tuple[Check, ...]:
    if prepared.descriptor.role is Role.CHILD and not policy.enabled:
        return prepared.checks if policy.profile.checks_children_when_disabled else ()
    return prepared.checks


def _descriptor_verdict(
    prepared: PreparedDescriptor, kind: Verdict, policy: Policy, cache: dict[str, UrlVerdict]
) -> DescriptorVerdict:
    descriptor, checks = prepared.descriptor, _effective_checks(prepared, policy)
    urls: list[UrlVerdict] = []
    for item in prepared.urls:
        verdict = cache.get(item.url)
        if verdict is None:
            verdict = cache[item.url] = _url_verdict(item, policy)
        urls.append(verdict)
    if kind is Verdict.OK:
        message = _ok_message(checks)
    elif kind is Verdict.INVALID_DIGEST:
        message = f"digest {descriptor.digest!r}: {prepared.digest_error}"
    elif kind is Verdict.MISSING_URL:
        message = "foreign layer without urls: the registry requires at least one"
    else:
        bad = [u for u in urls if not u.ok]
        count = f"{len(bad)} of {len(urls)} URLs" if len(urls) > 1 else "its URL"
        message = f"{count} rejected: {bad[0].message}"
    errors = () if kind is Verdict.OK else prepared.errors[kind]
    return DescriptorVerdict(descriptor, checks, kind, tuple(urls), message, errors)


def _failing_urls(plan: _Plan, policy: Policy) -> list[int]:
    """Indexes into `plan.urls` of the URLs the patterns reject."""
    matcher, data = policy.matcher, plan.urls
    if matcher is None or not data:
        return []  # validation disabled: every well-formed URL passes
    hits = matcher.match_many(data)
    has_allow, has_deny = policy.allow is not None, policy.deny is not None
    if has_allow and has_deny:
        # Allowed (some allow pattern matches) and not denied (no deny pattern matches):
        # allow indexes come first, so that is "some hit, and every hit below the split".
        split = policy.allow_count
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
        prepared = prepare(prepared.manifest, policy.profile)
    plan = prepared.plan
    kinds, failing = _kinds(plan, policy)
    if prepared.schema_error is not None:
        value = prepared.schema_error if policy.profile.error_detail_is_text else {}
        response = PushResponse((RegistryError("UNKNOWN", go_marshal(value)),))
    else:
        errors = chain.from_iterable(map(plan.failure_errors.__getitem__, failing))
        response = PushResponse(tuple(errors))
    return Evaluation(policy, prepared, kinds, response)


def invalid_manifest_response(
    error: ManifestInvalid, profile: Profile | None = None
) -> PushResponse:
    """The answer to a manifest the registry's decoder refuses: 400 MANIFEST_INVALID.

    `profile` is the registry that answers; callers pass it because the details differ by
    version (2.8 marshals Go's error value, 3.x sends its text).
    """
    return PushResponse((RegistryError("MANIFEST_INVALID", error.detail_json),))


def evaluate_manifest(manifest: Manifest, policy: Policy) -> Evaluation:
    return evaluate(prepare(manifest, policy.profile), policy)


def judge_url(url: str, policy: Policy) -> UrlVerdict:
    """One URL alone, judged as the URL of a URL-checked layer is (section 2 of the reference)."""
    return _url_verdict(prepare_url(url, policy.profile.go), policy)
