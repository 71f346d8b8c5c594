"""A mirror list for the explorer: read at launch like `check --from`, fetched in a worker.

The lists are read before the app starts (a bad file is a one-line usage error, as for
check); their images are fetched by the overview screen's worker through `fetch_list`, each
result as it arrives. No Textual here.
"""

from __future__ import annotations

import argparse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from typing import Any

from foreign_explorer.core.listcheck.model import ListResult

# (the list, a callback hearing how many images are known so far) -> results as they arrive.
ListFetcher = Callable[["MirrorInput", Callable[[int], None]], AsyncIterator[ListResult]]


async def fetch_mirror(
    mirror: MirrorInput, on_planned: Callable[[int], None]
) -> AsyncIterator[ListResult]:
    """Every image of the list from its registries, at `--jobs` requests per registry."""
    from foreign_explorer.core.listcheck.fetch import fetch_list
    from foreign_explorer.core.registry.client import RegistryClient

    async with RegistryClient(mirror.options) as client:
        results = fetch_list(mirror.repositories, client, jobs=mirror.jobs, on_planned=on_planned)
        async for result in results:
            yield result


@dataclass(frozen=True)
class MirrorInput:
    """The repositories of every `--from` list (and REFs), and how to fetch them."""

    repositories: tuple[Any, ...] = ()
    # RegistryOptions, with each list's own registry settings merged in.
    options: Any = None
    jobs: int = 8
    # What the lists say about themselves beyond their format: settings not modelled, merged.
    notices: tuple[str, ...] = ()
    # `file: format, N repositories`, for the overview's status line.
    description: str = ""
    fetch: ListFetcher = fetch_mirror


def list_usage_problem(args: argparse.Namespace) -> str | None:
    """What does not go with `--from` in the explorer, in check's words."""
    from foreign_explorer.commands.fetchlist import list_problem

    shaped = argparse.Namespace(
        lists=args.lists,
        file=args.file,
        sample=False,
        platform=args.platform,
        password_stdin=False,
    )
    return list_problem(shaped)


def mirror_input(args: argparse.Namespace) -> MirrorInput:
    """Read every `--from` list now (InputError, one line, for a bad one), as check does."""
    from foreign_explorer.commands.fetchlist import describe
    from foreign_explorer.commands.inputs import list_repositories, read_lists, registry_options
    from foreign_explorer.core.listcheck.fetch import list_options

    lists = read_lists(args.lists)
    described = [describe(name, mirror_list) for name, mirror_list in lists]
    notices: list[str] = []
    for name, mirror_list in lists:
        notices.extend(f"{name}: {notice}" for notice in mirror_list.notices)
    repositories = list_repositories(list(args.references or ()), lists)
    fetching = argparse.Namespace(
        platform=None,
        username=None,
        password_stdin=False,
        insecure=bool(args.insecure),
        plain_http=True if args.plain_http else None,
        ca_file=None,
        timeout=args.timeout,
    )
    options = replace(registry_options(fetching), max_in_flight=args.jobs)
    options, merged = list_options(options, repositories)
    notices.extend(merged)
    return MirrorInput(
        tuple(repositories), options, args.jobs, tuple(notices), "; ".join(described)
    )
