"""The high-level API: fetch an image's manifest (and, on request, its children and config).

    async with RegistryClient(RegistryOptions(platform="linux/amd64")) as client:
        image = await client.fetch_image("mcr.microsoft.com/windows/servercore:ltsc2019")
        config = await image.fetch_config()

Results are raw bytes plus media type and digest: turning bytes into a model is the manifest
parser's job, not this layer's.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Protocol

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.reference import Reference, parse_reference, validate_digest
from foreign_explorer.core.registry import errors as e
from foreign_explorer.core.registry import tags as tag_pages
from foreign_explorer.core.registry.auth import (
    Authenticator,
    looks_like_html,
    parse_error_codes,
)
from foreign_explorer.core.registry.credentials import (
    IDENTITY_TOKEN_USER,
    Credential,
    CredentialStore,
)
from foreign_explorer.core.registry.deadline import Deadline
from foreign_explorer.core.registry.defaults import DEFAULT_JOBS, DEFAULT_TIMEOUT
from foreign_explorer.core.registry.hosts import HostSettings
from foreign_explorer.core.registry.jsonbody import read_json, read_object
from foreign_explorer.core.registry.ocilayout import (
    PREFIX as OCI_PREFIX,
)
from foreign_explorer.core.registry.ocilayout import (
    OCILayout,
    OCILayoutReference,
    parse_oci_reference,
)
from foreign_explorer.core.registry.platforms import IndexChild, parse_index, select
from foreign_explorer.core.registry.transport import (
    RateLimit,
    RequestRecord,
    Response,
    RetryPolicy,
    Sleep,
    Transport,
    TransportOptions,
)
from foreign_explorer.core.source import SourceInfo

# distribution refuses to store a manifest over 4 MiB; nothing bigger is a real one.
MAX_MANIFEST_BYTES = 4 * 1024 * 1024
MAX_CONFIG_BYTES = 8 * 1024 * 1024
MANIFEST_ACCEPT = ", ".join(
    [mt.DOCKER_MANIFEST, mt.DOCKER_MANIFEST_LIST, mt.OCI_MANIFEST, mt.OCI_INDEX]
)
_READABLE = mt.IMAGE_MANIFESTS | mt.INDEXES
# Content types that say nothing: the body's own mediaType (or shape) decides.
_GENERIC_TYPES = frozenset(
    {"", "application/json", "text/plain", "application/octet-stream", "binary/octet-stream"}
)


@dataclass(frozen=True)
class RegistryOptions:
    """Everything a user can set about fetching (CLI flags, app settings)."""

    platform: str | None = None
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    # Read docker's config.json, credential helpers and containers' auth.json.
    use_config_credentials: bool = True
    # A directory holding config.json, instead of $DOCKER_CONFIG or ~/.docker.
    docker_config: str | None = None
    insecure: bool = False
    plain_http: bool | None = None
    ca_file: str | None = None
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # Seconds for one fetch_image with its children (tokens, retries, helpers included), and
    # again for each config; None: no limit beyond the per-read timeouts.
    timeout: float | None = DEFAULT_TIMEOUT
    trust_env: bool = True
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_manifest_bytes: int = MAX_MANIFEST_BYTES
    max_config_bytes: int = MAX_CONFIG_BYTES
    # Requests in flight at once to one registry (or token service): `--jobs`.
    max_in_flight: int | None = DEFAULT_JOBS
    # Registries with settings of their own (a mirror list's credentials, TLS, hostname).
    hosts: tuple[HostSettings, ...] = ()

    def host(self, registry: str) -> HostSettings | None:
        return next((h for h in self.hosts if h.registry == registry), None)

    def transport_options(self) -> TransportOptions:
        return TransportOptions(
            insecure=self.insecure,
            plain_http=self.plain_http,
            ca_file=self.ca_file,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            trust_env=self.trust_env,
            retry=self.retry,
            max_in_flight=self.max_in_flight,
            hosts=tuple(h.tls for h in self.hosts if h.tls is not None),
        )


@dataclass(frozen=True)
class BlobDescriptor:
    digest: str
    media_type: str
    size: int | None


class _Loader(Protocol):
    """Where manifests and blobs come from: a registry repository or an OCI layout."""

    async def manifest(
        self, target: str, expected: str | None, platform: str | None, parent: FetchedImage | None
    ) -> FetchedImage: ...

    async def blob(self, digest: str, max_bytes: int, what: str) -> bytes: ...

    @property
    def max_manifest_bytes(self) -> int: ...

    @property
    def max_config_bytes(self) -> int: ...


@dataclass(frozen=True, eq=False)
class FetchedImage:
    """One manifest or index as fetched, and the way to fetch what it points to."""

    manifest: bytes
    media_type: str
    digest: str
    source: SourceInfo
    # For an index: every child, in order (attestations included).
    children: tuple[IndexChild, ...] = ()
    # The index this manifest was picked from, if any.
    parent: FetchedImage | None = None
    # Docker-Content-Digest as the registry sent it (checked against the bytes).
    registry_digest: str | None = None
    _loader: _Loader | None = field(default=None, repr=False)

    @property
    def is_index(self) -> bool:
        return self.media_type in mt.INDEXES

    def select(self, platform: str) -> IndexChild:
        """The child for `os/arch[/variant][:os.version]`."""
        if not self.is_index:
            raise e.PlatformError(f"{self.source.reference} is a single manifest, not an index")
        return select(self.children, platform)

    async def fetch_platform(self, platform: str) -> FetchedImage:
        return await self.fetch_child(self.select(platform))

    async def fetch_child(self, child: IndexChild | str) -> FetchedImage:
        """The manifest of one child (an IndexChild or a digest listed in this index)."""
        if isinstance(child, str):
            found = next((c for c in self.children if c.digest == child), None)
            if found is None:
                raise e.RegistryError(f"{child} is not a child of {self.source.reference}")
            child = found
        if why := validate_digest(child.digest):
            raise e.MalformedResponse(f"index child {child.position} has a bad digest: {why}")
        loader = self._require_loader()
        limit = loader.max_manifest_bytes
        if child.size is not None and child.size > limit:
            raise e.ManifestTooLarge(
                f"child {child.digest} declares {child.size} bytes, over the {limit} byte limit"
            )
        return await loader.manifest(child.digest, child.digest, child.platform, self)

    async def fetch_children(
        self, children: tuple[IndexChild, ...] | list[IndexChild] | None = None
    ) -> tuple[FetchedImage, ...]:
        """Several children at once (concurrently)."""
        import asyncio

        wanted = self.children if children is None else tuple(children)
        return tuple(await asyncio.gather(*(self.fetch_child(c) for c in wanted)))

    def config_descriptor(self) -> BlobDescriptor | None:
        """The image config's descriptor, read with the stdlib json (None for an index)."""
        if self.is_index:
            return None
        try:
            doc = json.loads(self.manifest.decode("utf-8", errors="replace"))
        except (ValueError, RecursionError):
            return None
        config = doc.get("config") if isinstance(doc, dict) else None
        if not isinstance(config, dict) or not isinstance(config.get("digest"), str):
            return None
        size = config.get("size")
        media_type = config.get("mediaType")
        return BlobDescriptor(
            config["digest"],
            media_type if isinstance(media_type, str) else "",
            size if isinstance(size, int) and not isinstance(size, bool) else None,
        )

    async def fetch_config(self) -> bytes:
        """The image config blob (for each layer's `history` line), digest-checked."""
        descriptor = self.config_descriptor()
        if descriptor is None:
            what = "an index" if self.is_index else "a manifest without a readable config"
            raise e.RegistryError(f"{self.source.reference} is {what}: no config to fetch")
        if why := validate_digest(descriptor.digest):
            raise e.MalformedResponse(f"the config descriptor has a bad digest: {why}")
        loader = self._require_loader()
        return await loader.blob(descriptor.digest, loader.max_config_bytes, "config")

    def _require_loader(self) -> _Loader:
        if self._loader is None:
            raise e.RegistryError("this image was not fetched from a source that can fetch more")
        return self._loader


def layer_history(config: bytes, layer_count: int) -> tuple[str | None, ...]:
    """Each layer's `created_by` line: history entries with `empty_layer` skipped, in order."""
    doc = read_json(config, "image config")
    history = doc.get("history") if isinstance(doc, dict) else None
    lines: list[str | None] = []
    for item in history if isinstance(history, list) else []:
        if not isinstance(item, dict) or item.get("empty_layer") is True:
            continue
        text = item.get("created_by") or item.get("comment")
        lines.append(text if isinstance(text, str) else None)
    lines = lines[:layer_count]
    return tuple(lines + [None] * (layer_count - len(lines)))


def _list_credentials(hosts: tuple[HostSettings, ...]) -> dict[str, Credential]:
    """The credentials a mirror list gives for its registries, by registry name."""
    found = {}
    for host in hosts:
        source = f"the mirror list's credentials for {host.registry}"
        if host.identity_token:
            name = host.username or IDENTITY_TOKEN_USER
            found[host.registry] = Credential(name, "", host.identity_token, source)
        elif host.username and host.password is not None:
            found[host.registry] = Credential(host.username, host.password, None, source)
    return found


def parse_source(text: str) -> Reference | OCILayoutReference:
    """`oci:PATH[:TAG]` for a layout directory; anything else is a registry reference."""
    if text.startswith(OCI_PREFIX):
        return parse_oci_reference(text)
    # skopeo's transport prefix, for copy-pasted references.
    return parse_reference(text.removeprefix("docker://"))


def _digest_of(data: bytes, algorithm: str) -> str:
    return f"{algorithm}:{hashlib.new(algorithm, data).hexdigest()}"


def _verify_digest(data: bytes, wanted: str, what: str, said_by: str) -> None:
    algorithm = wanted.partition(":")[0]
    actual = _digest_of(data, algorithm)
    if actual != wanted:
        raise e.DigestMismatch(
            f"{what}: {said_by} {wanted} but the bytes hash to {actual}; refusing it",
            wanted,
            actual,
        )


def require_json(body: bytes, where: str) -> None:
    """A manifest a registry serves passed Go's JSON syntax check when it was pushed; bytes
    that fail it (truncated, garbage, a page) are a broken answer, not a manifest to judge."""
    from foreign_explorer.core.gojson import GoJSONError
    from foreign_explorer.core.gojson.scan import check_syntax

    try:
        check_syntax(body)
    except GoJSONError as exc:
        page = " (it looks like an HTML page)" if body.lstrip()[:1] == b"<" else ""
        raise e.MalformedResponse(f"{where} is not valid JSON{page}: {exc.message}") from None


def manifest_media_type(content_type: str, body: bytes, where: str) -> str:
    """The manifest's media type from Content-Type, or from the body when that is generic."""
    if content_type in _READABLE:
        return content_type
    if content_type in mt.SCHEMA1:
        raise _schema1(content_type, where)
    if content_type in ("text/html", "application/xhtml+xml"):
        raise e.HTMLResponse(f"{where} is an HTML page, not a manifest")
    if content_type not in _GENERIC_TYPES:
        raise _unsupported(content_type, where)
    doc = read_object(body, where)
    declared = doc.get("mediaType")
    if declared in _READABLE:
        return declared  # type: ignore[return-value]
    if declared in mt.SCHEMA1 or doc.get("schemaVersion") == 1:
        raise _schema1(declared if isinstance(declared, str) else mt.DOCKER_SCHEMA1, where)
    if isinstance(declared, str) and declared:
        raise _unsupported(declared, where)
    if isinstance(doc.get("manifests"), list):
        return mt.OCI_INDEX
    if "config" in doc or "layers" in doc:
        return mt.OCI_MANIFEST
    raise e.MalformedResponse(f"{where} is JSON but not an image manifest or index")


def _schema1(media_type: str, where: str) -> e.UnsupportedMediaType:
    return e.UnsupportedMediaType(
        f"{where} is a schema1 manifest ({media_type}), which this tool does not read: "
        "schema1 has no foreign-layer URLs; re-push the image with a current client",
        media_type,
    )


def _unsupported(media_type: str, where: str) -> e.UnsupportedMediaType:
    return e.UnsupportedMediaType(
        f"{where} has media type {e.one_line(media_type, 120)}, which is not an image "
        "manifest or index (Docker schema2, manifest list, OCI manifest, OCI index)",
        media_type,
    )


def status_error(
    response: Response, host: str, repository: str, what: str, target: str
) -> e.RegistryError:
    """One typed error for a non-2xx answer to a manifest or blob request."""
    status = response.status
    subject = f"{what} {target} in {repository} on {host}"
    if looks_like_html(response):
        return e.HTMLResponse(
            f"{host} answered HTTP {status} with an HTML page for {subject}: not the registry "
            "API (a proxy, a login portal, or the wrong host?)"
        )
    codes = parse_error_codes(response.body)
    names = {code for code, _ in codes}
    said = "; ".join(
        f"{code}: {e.one_line(message, 120)}" if message else code for code, message in codes
    )
    said = f" ({said})" if said else ""
    if status == 404:
        if "NAME_UNKNOWN" in names:
            return e.RepositoryNotFound(
                f"repository {repository} is not known to {host}{said}", status
            )
        if "MANIFEST_UNKNOWN" in names:
            return e.ManifestNotFound(f"{subject} not found{said}", status)
        if "BLOB_UNKNOWN" in names:
            return e.BlobNotFound(f"{subject} not found{said}", status)
        return e.NotFound(f"{subject} not found (HTTP 404)", status)
    if status == 403:
        return e.AccessDenied(f"access to {repository} on {host} denied (HTTP 403){said}", status)
    if status == 401:
        return e.AuthenticationRequired(f"{host} wants credentials for {subject}{said}", status)
    if status >= 500:
        return e.ServerError(f"{host} failed on {subject} (HTTP {status}){said}", status)
    return e.HTTPStatusError(f"{host} refused {subject} (HTTP {status}){said}", status)


class RegistryClient:
    """A session with registries: one connection pool, cached tokens, a request counter.

    With `ephemeral=True` the connection pool closes after each call (tokens stay cached),
    so images returned by a one-shot `fetch_image` can still fetch children and configs.
    """

    def __init__(
        self,
        options: RegistryOptions | None = None,
        *,
        env: Mapping[str, str] | None = None,
        credentials: CredentialStore | None = None,
        sleep: Sleep | None = None,
        clock: Callable[[], float] = time.time,
        ephemeral: bool = False,
    ) -> None:
        self.options = options or RegistryOptions()
        self._transport = Transport(self.options.transport_options(), sleep=sleep, clock=clock)
        self.credentials = credentials or CredentialStore(
            username=self.options.username,
            password=self.options.password,
            docker_config_dir=self.options.docker_config,
            use_config_files=self.options.use_config_credentials,
            env=env,
            per_registry=_list_credentials(self.options.hosts),
        )
        self._auth = Authenticator(self._transport, self.credentials, clock=clock)
        self._ephemeral = ephemeral
        self._active = 0

    def api_host(self, ref: Reference) -> str:
        """Where `ref`'s registry API answers: a list's `hostname`, else the reference's."""
        own = self.options.host(ref.registry)
        if own is not None and own.hostname:
            return own.hostname
        return ref.api_host()

    # -- life cycle and counters --

    async def __aenter__(self) -> RegistryClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        # Images it returned can still fetch children and configs: each later call then opens
        # and closes its own connections.
        self._ephemeral = True
        await self._transport.aclose()

    @property
    def request_count(self) -> int:
        """HTTP requests sent so far (each retry and redirect hop counts)."""
        return self._transport.request_count

    @property
    def requests(self) -> tuple[RequestRecord, ...]:
        return tuple(self._transport.requests)

    @property
    def rate_limit(self) -> RateLimit | None:
        """The last `RateLimit-Limit` / `RateLimit-Remaining` a registry sent."""
        return self._transport.rate_limit

    @asynccontextmanager
    async def _operation(self) -> AsyncIterator[None]:
        self._active += 1
        try:
            yield
        finally:
            self._active -= 1
            if self._ephemeral and self._active == 0:
                await self._transport.aclose()

    # -- fetching --

    async def fetch_image(
        self,
        source: str | Reference | OCILayoutReference,
        platform: str | None = None,
    ) -> FetchedImage:
        """The manifest `source` names; for an index and a platform, that platform's manifest.

        `platform` defaults to the options' platform. Without one, an index comes back as is,
        with its children listed. The options' `timeout` starts now and also bounds the
        children fetched from the result (fetch them right away, as `check` does); each
        `fetch_config` gets a budget of its own.
        """
        parsed = parse_source(source) if isinstance(source, str) else source
        wanted = platform if platform is not None else self.options.platform
        if isinstance(parsed, OCILayoutReference):
            image = await _LayoutLoader(parsed, self.options).root()
        else:
            what = source if isinstance(source, str) else str(parsed)
            loader = _RegistryLoader(self, parsed, what)
            image = await loader.manifest(parsed.object, parsed.digest, None, None)
        if wanted and image.is_index:
            image = await image.fetch_platform(wanted)
        return image

    async def list_tags(
        self, source: str | Reference, *, page_size: int | None = None
    ) -> tuple[str, ...]:
        """Every tag of a repository, in the registry's order, page after page.

        `page_size` asks for pages of that many tags (`?n=`); without it the registry decides
        (distribution answers every tag at once). Bounded by the options' `timeout` and by
        the caps in tags.py.
        """
        ref = parse_source(source) if isinstance(source, str) else source
        if not isinstance(ref, Reference):
            raise e.RegistryError(f"{ref} is an OCI layout: it has no tag list to fetch")
        deadline = Deadline.start(self.options.timeout, f"the tag list of {ref.name}")
        async with deadline.bound():
            return await self._list_tags(ref, page_size)

    async def _list_tags(self, ref: Reference, page_size: int | None) -> tuple[str, ...]:
        host = self.api_host(ref)
        where = f"the tag list of {ref.repository} on {host}"
        path: str | None = f"/v2/{ref.repository}/tags/list"
        if page_size is not None:
            path += f"?n={page_size}"
        tags: list[str] = []
        seen: set[str] = set()

        def too_large(declared: int | None) -> e.RegistryError:
            return e.TagListTooLong(
                f"a page of {where} is larger than {tag_pages.MAX_PAGE_BYTES} bytes; "
                "stopped reading"
            )

        while path is not None:
            if path in seen:
                raise e.TagListTooLong(f"the pages of {where} lead in a circle; stopped")
            if len(seen) >= tag_pages.MAX_PAGES:
                raise e.TagListTooLong(
                    f"{where} has more than {tag_pages.MAX_PAGES} pages; stopped reading"
                )
            seen.add(path)
            response = await self._get(
                ref,
                path,
                accept="application/json",
                max_bytes=tag_pages.MAX_PAGE_BYTES,
                purpose="tag list",
                on_too_large=too_large,
            )
            if response.status != 200:
                raise status_error(response, host, ref.repository, "tag", "list")
            if looks_like_html(response):
                raise e.HTMLResponse(f"{host} answered an HTML page for {where}")
            tags.extend(tag_pages.parse_tags(response.body, where))
            if len(tags) > tag_pages.MAX_TAGS:
                raise e.TagListTooLong(
                    f"{where} has more than {tag_pages.MAX_TAGS} tags; stopped reading"
                )
            path = tag_pages.next_link(response.headers.get_list("link"), response.url)
        return tuple(tags)

    async def _get(
        self,
        ref: Reference,
        path: str,
        *,
        accept: str | None,
        max_bytes: int,
        purpose: str,
        on_too_large: Callable[[int | None], e.RegistryError],
    ) -> Response:
        async with self._operation():
            return await self._auth.request(
                "GET",
                ref.registry,
                self.api_host(ref),
                path,
                repository=ref.repository,
                headers={"Accept": accept} if accept else None,
                max_bytes=max_bytes,
                purpose=purpose,
                on_too_large=on_too_large,
            )


class _RegistryLoader:
    def __init__(self, client: RegistryClient, ref: Reference, what: str) -> None:
        self._client = client
        self._ref = ref
        self._what = what
        self._deadline = Deadline.start(client.options.timeout, what)
        self.max_manifest_bytes = client.options.max_manifest_bytes
        self.max_config_bytes = client.options.max_config_bytes

    async def manifest(
        self, target: str, expected: str | None, platform: str | None, parent: FetchedImage | None
    ) -> FetchedImage:
        async with self._deadline.bound():
            return await self._manifest(target, expected, platform, parent)

    async def _manifest(
        self, target: str, expected: str | None, platform: str | None, parent: FetchedImage | None
    ) -> FetchedImage:
        ref = self._ref
        host = self._client.api_host(ref)
        cap = self.max_manifest_bytes
        where = f"manifest {target} of {ref.repository} on {host}"

        def too_large(declared: int | None) -> e.RegistryError:
            size = f" ({declared} bytes)" if declared is not None else ""
            return e.ManifestTooLarge(
                f"{where} is larger than {cap} bytes{size}; stopped reading (registries refuse "
                "manifests over 4 MiB)"
            )

        response = await self._client._get(
            ref,
            f"/v2/{ref.repository}/manifests/{target}",
            accept=MANIFEST_ACCEPT,
            max_bytes=cap,
            purpose="manifest",
            on_too_large=too_large,
        )
        if response.status != 200:
            raise status_error(response, host, ref.repository, "manifest", target)
        body = response.body
        if looks_like_html(response):
            raise e.HTMLResponse(
                f"{host} answered an HTML page for {where}: not the registry API (a proxy, a "
                "login portal, or the wrong host?)"
            )
        require_json(body, where)
        media_type = manifest_media_type(response.content_type, body, where)
        announced = response.headers.get("docker-content-digest")
        if announced is not None and validate_digest(announced) is None:
            _verify_digest(body, announced, where, "the registry announced")
        else:
            announced = None
        if expected is not None:
            _verify_digest(body, expected, where, "asked for")
        digest = expected or announced or _digest_of(body, "sha256")
        children = parse_index(body, where) if media_type in mt.INDEXES else ()
        pinned = ref.with_digest(digest)
        info = SourceInfo(
            reference=str(ref) if parent is None else str(pinned),
            registry=ref.registry,
            repository=ref.repository,
            digest=digest,
            media_type=media_type,
            platform=platform,
        )
        return FetchedImage(body, media_type, digest, info, children, parent, announced, self)

    async def blob(self, digest: str, max_bytes: int, what: str) -> bytes:
        # Asked for later (the explorer's history pane): a budget of its own.
        deadline = Deadline.start(self._client.options.timeout, f"the {what} of {self._what}")
        async with deadline.bound():
            return await self._blob(digest, max_bytes, what)

    async def _blob(self, digest: str, max_bytes: int, what: str) -> bytes:
        ref = self._ref
        host = self._client.api_host(ref)
        where = f"{what} {digest} of {ref.repository} on {host}"

        def too_large(declared: int | None) -> e.RegistryError:
            return e.ManifestTooLarge(f"{where} is larger than {max_bytes} bytes; stopped reading")

        response = await self._client._get(
            ref,
            f"/v2/{ref.repository}/blobs/{digest}",
            accept=None,
            max_bytes=max_bytes,
            purpose=what,
            on_too_large=too_large,
        )
        if response.status != 200:
            raise status_error(response, host, ref.repository, what, digest)
        _verify_digest(response.body, digest, where, "asked for")
        return response.body


class _LayoutLoader:
    def __init__(self, ref: OCILayoutReference, options: RegistryOptions) -> None:
        self._ref = ref
        self._layout = OCILayout(ref.path, options.max_manifest_bytes)
        self.max_manifest_bytes = options.max_manifest_bytes
        self.max_config_bytes = options.max_config_bytes

    async def root(self) -> FetchedImage:
        entry = self._layout.resolve(self._ref.tag)
        if entry.digest is None:
            body = self._layout.index_bytes
            return self._image(body, entry.media_type, _digest_of(body, "sha256"), None, None)
        return await self._load(entry.digest, entry.media_type, None, None)

    async def manifest(
        self, target: str, expected: str | None, platform: str | None, parent: FetchedImage | None
    ) -> FetchedImage:
        siblings = parent.children if parent is not None else ()
        declared = next((c.media_type for c in siblings if c.digest == target), "")
        return await self._load(target, declared, platform, parent)

    async def _load(
        self, digest: str, declared: str, platform: str | None, parent: FetchedImage | None
    ) -> FetchedImage:
        where = f"manifest {digest} in {self._ref}"
        body = self._layout.read_blob(digest, self.max_manifest_bytes, "manifest")
        require_json(body, where)
        media_type = manifest_media_type(declared, body, where)
        return self._image(body, media_type, digest, platform, parent)

    def _image(
        self,
        body: bytes,
        media_type: str,
        digest: str,
        platform: str | None,
        parent: FetchedImage | None,
    ) -> FetchedImage:
        where = f"index {digest} in {self._ref}"
        children = parse_index(body, where) if media_type in mt.INDEXES else ()
        info = SourceInfo(
            reference=str(self._ref) if parent is None else f"{self._ref}@{digest}",
            registry="oci-layout",
            repository=self._ref.path,
            digest=digest,
            media_type=media_type,
            platform=platform,
        )
        return FetchedImage(body, media_type, digest, info, children, parent, None, self)

    async def blob(self, digest: str, max_bytes: int, what: str) -> bytes:
        return self._layout.read_blob(digest, max_bytes, what)


async def fetch_image(
    source: str | Reference | OCILayoutReference,
    options: RegistryOptions | None = None,
    *,
    client: RegistryClient | None = None,
    env: Mapping[str, str] | None = None,
) -> FetchedImage:
    """One-shot fetch. Without `client`, a private ephemeral one serves later fetches too."""
    if client is None:
        client = RegistryClient(options, env=env, ephemeral=True)
    platform = options.platform if options is not None else None
    return await client.fetch_image(source, platform)
