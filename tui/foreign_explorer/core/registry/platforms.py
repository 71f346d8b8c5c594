"""The children of a manifest list / OCI index, and picking one by `os/arch[/variant][:os.version]`.

Windows children differ by `os.version` (10.0.17763.615, 10.0.17134.885, ...): a requested
`10.0.17763` matches every revision of build 17763 and the highest revision wins, as regctl
does. Index JSON is read with the stdlib json: listing children is not on the verdict path.
"""

from __future__ import annotations

from dataclasses import dataclass

from foreign_explorer.core.registry.errors import MalformedResponse, PlatformError
from foreign_explorer.core.registry.jsonbody import read_json

_ARCH_ALIASES = {
    "x86_64": ("amd64", ""),
    "x86-64": ("amd64", ""),
    "aarch64": ("arm64", ""),
    "armhf": ("arm", "v7"),
    "armel": ("arm", "v6"),
    "i386": ("386", ""),
    "i686": ("386", ""),
    "x86": ("386", ""),
}
# The variant an architecture means when none is written (containerd and regctl agree).
_DEFAULT_VARIANT = {"arm64": "v8", "arm": "v7"}


@dataclass(frozen=True)
class IndexChild:
    """One entry of `manifests` in an index, with its platform."""

    position: int
    digest: str
    media_type: str
    size: int | None
    os: str = ""
    architecture: str = ""
    variant: str = ""
    os_version: str = ""
    features: tuple[str, ...] = ()
    os_features: tuple[str, ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()

    @property
    def platform(self) -> str:
        """`linux/arm64/v8`, `windows/amd64:10.0.17763.615`; `unknown/unknown` for attestations."""
        text = f"{self.os or 'unknown'}/{self.architecture or 'unknown'}"
        if self.variant:
            text += f"/{self.variant}"
        if self.os_version:
            text += f":{self.os_version}"
        return text

    def annotation(self, key: str) -> str | None:
        return next((v for k, v in self.annotations if k == key), None)


@dataclass(frozen=True)
class PlatformSpec:
    os: str
    architecture: str
    variant: str = ""
    os_version: str = ""

    def __str__(self) -> str:
        text = f"{self.os}/{self.architecture}"
        if self.variant:
            text += f"/{self.variant}"
        return f"{text}:{self.os_version}" if self.os_version else text


def _strings(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(v for v in value if isinstance(v, str))


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def parse_index(data: bytes, where: str = "index") -> tuple[IndexChild, ...]:
    """Every child of an index, in order. Entries that are not objects are skipped."""
    doc = read_json(data, where)
    if not isinstance(doc, dict) or not isinstance(doc.get("manifests"), list):
        raise MalformedResponse(f"{where} has no 'manifests' list")
    children = []
    for position, entry in enumerate(doc["manifests"]):
        if not isinstance(entry, dict):
            continue
        platform = entry.get("platform")
        platform = platform if isinstance(platform, dict) else {}
        annotations = entry.get("annotations")
        pairs = (
            tuple((k, v) for k, v in annotations.items() if isinstance(v, str))
            if isinstance(annotations, dict)
            else ()
        )
        size = entry.get("size")
        children.append(
            IndexChild(
                position=position,
                digest=_text(entry.get("digest")),
                media_type=_text(entry.get("mediaType")),
                size=size if isinstance(size, int) and not isinstance(size, bool) else None,
                os=_text(platform.get("os")),
                architecture=_text(platform.get("architecture")),
                variant=_text(platform.get("variant")),
                os_version=_text(platform.get("os.version")),
                features=_strings(platform.get("features")),
                os_features=_strings(platform.get("os.features")),
                annotations=pairs,
            )
        )
    return tuple(children)


def _normalise(os_name: str, arch: str, variant: str) -> tuple[str, str, str]:
    os_name, arch, variant = os_name.lower(), arch.lower(), variant.lower()
    if arch in _ARCH_ALIASES:
        arch, implied = _ARCH_ALIASES[arch]
        variant = variant or implied
    if arch == "arm64" and variant == "v8":
        # arm64 and arm64/v8 are the same platform.
        variant = ""
    if arch == "arm" and variant == "":
        variant = "v7"
    return os_name, arch, variant


def parse_platform(text: str) -> PlatformSpec:
    """`os/arch[/variant][:os.version]`, e.g. `linux/arm64/v8`, `windows/amd64:10.0.17763`."""
    body, _, os_version = text.partition(":")
    parts = body.split("/")
    if len(parts) not in (2, 3) or not all(parts) or any(c.isspace() for c in text):
        raise PlatformError(
            f"invalid platform {text!r}: expected os/arch[/variant][:os.version], "
            "e.g. linux/arm64/v8 or windows/amd64:10.0.17763"
        )
    if ":" in text and not os_version:
        raise PlatformError(f"invalid platform {text!r}: empty os.version after ':'")
    variant = parts[2] if len(parts) == 3 else ""
    return PlatformSpec(parts[0].lower(), parts[1].lower(), variant.lower(), os_version)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else -1 for p in version.split(".")) if version else ()


def matches(child: IndexChild, spec: PlatformSpec) -> bool:
    """Does `child` run on `spec`? (os, arch and any variant or os.version prefix given)."""
    c_os, c_arch, c_variant = _normalise(child.os, child.architecture, child.variant)
    s_os, s_arch, s_variant = _normalise(spec.os, spec.architecture, spec.variant)
    if (c_os, c_arch) != (s_os, s_arch):
        return False
    if spec.variant and c_variant != s_variant:
        return False
    if spec.os_version:
        wanted = spec.os_version.split(".")
        return child.os_version.split(".")[: len(wanted)] == wanted
    return True


def select(children: tuple[IndexChild, ...] | list[IndexChild], platform: str) -> IndexChild:
    """The child for `platform`; raise PlatformError naming what the index offers."""
    spec = parse_platform(platform)
    candidates = [c for c in children if matches(c, spec)]
    if not candidates:
        offered = ", ".join(dict.fromkeys(c.platform for c in children)) or "no children"
        raise PlatformError(f"no manifest for platform {spec} in the index (it has: {offered})")
    _, s_arch, _ = _normalise(spec.os, spec.architecture, spec.variant)
    default_variant = "" if s_arch == "arm64" else _DEFAULT_VARIANT.get(s_arch, "")

    def preference(child: IndexChild) -> tuple[bool, tuple[int, ...], int]:
        _, _, variant = _normalise(child.os, child.architecture, child.variant)
        # Unasked, the architecture's default variant first; then the newest os.version
        # (the highest Windows revision); then the index's own order.
        return (variant == default_variant, _version_key(child.os_version), -child.position)

    return max(candidates, key=preference)
