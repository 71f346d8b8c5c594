"""Fetching every image of a list: bounded concurrency, each result reported as it arrives.

Requests stay at the floor: one challenge per registry (the others wait for its answer),
one token per repository, one request per tag-list page and per manifest; connections are
kept alive and shared. At most `jobs` images (and tag lists) of one registry are fetched
at once, and the transport keeps at most `jobs` requests in flight per host, so each
image's `--timeout` counts from when its fetch starts, not from when it was queued.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import replace

from foreign_explorer.core import mediatypes as mt
from foreign_explorer.core.listcheck.model import (
    ATTESTATION,
    REFERENCE_TYPE,
    ListFailure,
    ListImage,
    ListNote,
    ListPlatform,
    ListResult,
    Origin,
)
from foreign_explorer.core.mirrorlist.model import Connection, MirrorRepository, Tls
from foreign_explorer.core.reference import Reference
from foreign_explorer.core.registry.client import RegistryClient, RegistryOptions
from foreign_explorer.core.registry.defaults import DEFAULT_JOBS
from foreign_explorer.core.registry.errors import RegistryError
from foreign_explorer.core.registry.hosts import HostSettings, HostTLS

_TLS = {
    Tls.DEFAULT: {},
    Tls.VERIFY: {"plain_http": False},
    Tls.SKIP_VERIFY_OR_HTTP: {"insecure": True, "http_fallback": True},
    Tls.SKIP_VERIFY: {"insecure": True, "plain_http": False},
    Tls.HTTP: {"plain_http": True},
}


def host_settings(connection: Connection) -> HostSettings:
    """A list's settings for one registry, as the registry client takes them."""
    api_host = connection.hostname or Reference(connection.registry, "x").api_host()
    tls = HostTLS(
        api_host,
        ca_pem=connection.ca_pem,
        cert_dir=connection.cert_dir,
        client_cert_pem=connection.client_cert_pem,
        client_key_pem=connection.client_key_pem,
        **_TLS[connection.tls],  # type: ignore[arg-type]
    )
    return HostSettings(
        registry=connection.registry,
        hostname=connection.hostname,
        path_prefix=connection.path_prefix,
        tls=tls if tls != HostTLS(api_host) else None,
        username=connection.username,
        password=connection.password,
        identity_token=connection.identity_token,
    )


def list_options(
    options: RegistryOptions, repositories: Iterable[MirrorRepository]
) -> tuple[RegistryOptions, tuple[str, ...]]:
    """`options` with each registry's settings from the list, and notes on what was merged.

    Settings are per registry: when two entries of one registry say different things (two
    skopeo keys `quay.io/a` and `quay.io/b`), the first entry's settings are used.
    """
    chosen: dict[str, HostSettings] = {}
    notes: list[str] = []
    for repository in repositories:
        settings = host_settings(replace(repository.connection, registry=repository.registry))
        first = chosen.setdefault(repository.registry, settings)
        if first != settings and not any(repository.registry in n for n in notes):
            notes.append(
                f"{repository.origin}: the settings for {repository.registry} differ from an "
                "earlier entry's; the earlier entry's are used for every image of it"
            )
    hosts = tuple(h for h in chosen.values() if h != HostSettings(h.registry))
    return replace(options, hosts=(*options.hosts, *hosts)), tuple(notes)


def _server_reference(reference: Reference, options: RegistryOptions) -> Reference:
    """Where the registry keeps it: with the list's path prefix, when there is one."""
    own = options.host(reference.registry)
    if own is None or not own.path_prefix:
        return reference
    return replace(reference, repository=f"{own.path_prefix}/{reference.repository}")


async def fetch_image_entry(
    client: RegistryClient, reference: Reference, origin: Origin
) -> ListResult:
    """One reference: its manifest, or its index and every image child; or why not."""
    shown = str(reference)
    try:
        image = await client.fetch_image(_server_reference(reference, client.options), "")
        if not image.is_index:
            platform = ListPlatform(image.source, image.manifest, image.media_type)
            return ListImage(shown, origin, image.source, (platform,))
        wanted = [c for c in image.children if c.media_type in mt.IMAGE_MANIFESTS]
        skipped = tuple(
            f"child {c.position} ({c.digest or 'no digest'}) is {c.media_type or 'untyped'}, "
            "not an image manifest: not judged"
            for c in image.children
            if c.media_type not in mt.IMAGE_MANIFESTS
        )
        children = await image.fetch_children(wanted)
    except RegistryError as exc:
        return ListFailure(shown, origin, exc.message)
    platforms = tuple(
        ListPlatform(
            child.source,
            child.manifest,
            child.media_type,
            entry.platform,
            entry.annotation(REFERENCE_TYPE) == ATTESTATION,
        )
        for entry, child in zip(wanted, children, strict=True)
    )
    index = ListPlatform(image.source, image.manifest, image.media_type)
    return ListImage(shown, origin, image.source, platforms, index, skipped)


async def fetch_list(
    repositories: Sequence[MirrorRepository],
    client: RegistryClient,
    *,
    jobs: int = DEFAULT_JOBS,
    page_size: int | None = None,
    on_planned: Callable[[int], None] | None = None,
) -> AsyncIterator[ListResult]:
    """Every image of `repositories`, each result yielded as soon as it is in.

    `on_planned` hears how many images are known so far: the explicit references at once,
    then more as each tag list arrives. Results come in completion order; `Origin` sorts
    them back into list order.
    """
    queue: asyncio.Queue[ListResult | None] = asyncio.Queue()
    slots: dict[str, asyncio.Semaphore] = {}
    planned = sum(len(r.references) for r in repositories if not r.needs_tag_list)

    def slot(registry: str) -> asyncio.Semaphore:
        if registry not in slots:
            slots[registry] = asyncio.Semaphore(jobs)
        return slots[registry]

    async def image(reference: Reference, origin: Origin) -> None:
        async with slot(reference.registry):
            result = await fetch_image_entry(client, reference, origin)
        queue.put_nowait(result)

    async def repository(position: int, repo: MirrorRepository) -> None:
        nonlocal planned
        here = Origin((position, -1), repo.origin)
        if repo.problem is not None:
            queue.put_nowait(ListFailure(repo.name, here, repo.problem))
            return
        references = repo.references
        if repo.needs_tag_list:
            listed = Reference(repo.registry, repo.repository)
            try:
                async with slot(repo.registry):
                    tags = await client.list_tags(
                        _server_reference(listed, client.options), page_size=page_size
                    )
            except RegistryError as exc:
                queue.put_nowait(ListFailure(repo.name, here, exc.message))
                return
            references = repo.references_for(tags)
            if not references:
                assert repo.tag_filter is not None
                what = repo.tag_filter.describe()
                said = f"no tag selected ({what}) among its {len(tags)} tags: nothing to copy"
                queue.put_nowait(ListNote(repo.name, here, said))
                return
            planned += len(references)
            if on_planned is not None:
                on_planned(planned)
        await asyncio.gather(
            *(
                image(reference, Origin((position, n), repo.origin))
                for n, reference in enumerate(references)
            )
        )

    async def everything() -> None:
        try:
            await asyncio.gather(*(repository(i, r) for i, r in enumerate(repositories)))
        finally:
            queue.put_nowait(None)

    if on_planned is not None:
        on_planned(planned)
    task = asyncio.create_task(everything())
    try:
        while (item := await queue.get()) is not None:
            yield item
        await task
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
