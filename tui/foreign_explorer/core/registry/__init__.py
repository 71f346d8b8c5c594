"""Fetching manifests from registries and OCI layouts (httpx; no Textual, no verdicts here).

Names are imported lazily, so `import foreign_explorer.core.registry` costs nothing until a
fetch is actually made (the CLI's start-up time matters).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from foreign_explorer.core.registry.client import (
        BlobDescriptor,
        FetchedImage,
        RegistryClient,
        RegistryOptions,
        SourceInfo,
        fetch_image,
        layer_history,
        parse_source,
    )
    from foreign_explorer.core.registry.credentials import Credential, CredentialStore
    from foreign_explorer.core.registry.errors import RegistryError
    from foreign_explorer.core.registry.ocilayout import OCILayoutReference
    from foreign_explorer.core.registry.platforms import IndexChild, parse_platform, select
    from foreign_explorer.core.registry.transport import RateLimit, RetryPolicy

_EXPORTS = {
    "BlobDescriptor": "client",
    "FetchedImage": "client",
    "RegistryClient": "client",
    "RegistryOptions": "client",
    "SourceInfo": "client",
    "fetch_image": "client",
    "layer_history": "client",
    "parse_source": "client",
    "Credential": "credentials",
    "CredentialStore": "credentials",
    "RegistryError": "errors",
    "OCILayoutReference": "ocilayout",
    "IndexChild": "platforms",
    "parse_platform": "platforms",
    "select": "platforms",
    "RateLimit": "transport",
    "RetryPolicy": "transport",
}

__all__ = [
    "BlobDescriptor",
    "Credential",
    "CredentialStore",
    "FetchedImage",
    "IndexChild",
    "OCILayoutReference",
    "RateLimit",
    "RegistryClient",
    "RegistryError",
    "RegistryOptions",
    "RetryPolicy",
    "SourceInfo",
    "fetch_image",
    "layer_history",
    "parse_platform",
    "parse_source",
    "select",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
