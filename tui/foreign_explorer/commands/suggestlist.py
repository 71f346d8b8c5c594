"""The images of a list as manifests to suggest a policy for, and which images each
suggested pattern admits (shared by `suggest --from` and `export --from`)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from foreign_explorer.commands.fetchlist import fetch_lists
from foreign_explorer.console import error
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.listcheck.model import ListFailure
from foreign_explorer.core.manifest import Manifest, parse_manifest


@dataclass(frozen=True)
class ListManifests:
    # (image reference, title with the platform, manifest), in list order.
    manifests: tuple[tuple[str, str, Manifest], ...]
    # (title, why): documents every registry refuses; no pattern lets them through.
    unreadable: tuple[tuple[str, str], ...]
    failures: tuple[ListFailure, ...]


def load_list(args: argparse.Namespace, prog: str) -> ListManifests:
    """Fetch every image of the list; InputError for bad input (a list that cannot be read)."""
    fetched = fetch_lists(args, prog)
    for note in fetched.notes:
        error(prog, f"{note.origin.where}: {note.reference}: {note.message}")
    manifests = []
    unreadable = []
    for image in fetched.images:
        for platform in image.platforms:
            title = image.reference
            if platform.platform is not None:
                title += f" [{platform.label}]"
            try:
                manifest = parse_manifest(platform.data, platform.media_type)
            except ForeignExplorerError as exc:
                unreadable.append((title, str(exc)))
                continue
            manifests.append((image.reference, title, manifest))
    return ListManifests(tuple(manifests), tuple(unreadable), fetched.failures)


def admitted_images(
    patterns: Sequence[str], verdicts: Sequence[tuple[str, Any]]
) -> list[list[str]]:
    """For each pattern, the images (references, once each) whose URLs it admits.

    `verdicts` are (image reference, Evaluation under the suggested policy).
    """
    admits: list[dict[str, None]] = [{} for _ in patterns]
    for reference, evaluation in verdicts:
        for descriptor in evaluation.descriptors:
            for url in descriptor.urls:
                if url.ok and url.allowed_by is not None:
                    admits[url.allowed_by][reference] = None
    return [list(found) for found in admits]
