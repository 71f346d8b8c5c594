"""Fetching the images a command was given as a list (`--from`, several REFs), in one run.

Shared by check, suggest and export: reads every repository with the registry client at
`--jobs` requests in flight per registry, shows progress on a terminal, and hands back the
results in list order with what could not be judged.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import dataclass, replace
from typing import Any

from foreign_explorer.commands.inputs import list_repositories, read_lists, registry_options
from foreign_explorer.commands.progress import Progress
from foreign_explorer.console import error
from foreign_explorer.core.listcheck.fetch import fetch_list, list_options
from foreign_explorer.core.listcheck.model import ListFailure, ListImage, ListNote
from foreign_explorer.core.registry.client import RegistryClient


@dataclass(frozen=True)
class Fetched:
    images: tuple[ListImage, ...]
    failures: tuple[ListFailure, ...]
    notes: tuple[ListNote, ...]
    # What the lists say about themselves: format detected, settings not modelled.
    notices: tuple[str, ...]
    requests: int


def is_list(args: argparse.Namespace) -> bool:
    """Several references, or any --from: the list form of a command."""
    return bool(getattr(args, "lists", None)) or len(args.refs or ()) > 1


def list_problem(args: argparse.Namespace) -> str | None:
    """What does not go with a list, or None."""
    if args.file or args.sample:
        return "--file and --sample judge one manifest; give REFs or --from FILE for a list"
    if args.platform:
        return "--platform picks one image of one index; a list judges every platform"
    if args.password_stdin and "-" in (args.lists or ()):
        return "--from - and --password-stdin both read standard input; give the list as a file"
    return None


def describe(name: str, mirror_list: Any) -> str:
    count = len(mirror_list.repositories)
    noun = "repository" if count == 1 else "repositories"
    return f"{name}: {mirror_list.format.value}, {count} {noun}"


def fetch_lists(args: argparse.Namespace, prog: str) -> Fetched:
    """Read `--from` files and REFs, then fetch every image (InputError for bad input)."""
    lists = read_lists(args.lists or [])
    notices = [describe(name, mirror_list) for name, mirror_list in lists]
    for name, mirror_list in lists:
        notices.extend(f"{name}: {notice}" for notice in mirror_list.notices)
    repositories = list_repositories(list(args.refs or ()), lists)
    options = replace(registry_options(args), max_in_flight=args.jobs)
    options, merged = list_options(options, repositories)
    notices.extend(merged)
    for notice in notices:
        error(prog, notice)
    progress = Progress(sys.stderr)
    images: list[ListImage] = []
    failures: list[ListFailure] = []
    notes: list[ListNote] = []

    async def run() -> int:
        async with RegistryClient(options) as client:
            results = fetch_list(repositories, client, jobs=args.jobs, on_planned=progress.plan)
            async for result in results:
                if isinstance(result, ListImage):
                    images.append(result)
                    progress.advance()
                elif isinstance(result, ListFailure):
                    failures.append(result)
                    progress.advance()
                else:
                    notes.append(result)
            return client.request_count

    try:
        requests = asyncio.run(run())
    finally:
        progress.close()
    return Fetched(
        tuple(sorted(images, key=lambda i: i.origin)),
        tuple(sorted(failures, key=lambda f: f.origin)),
        tuple(sorted(notes, key=lambda n: n.origin)),
        tuple(notices),
        requests,
    )
