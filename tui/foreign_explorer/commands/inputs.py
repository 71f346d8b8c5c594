"""Every source a command reads: references, manifest files, the sample, the policy from flags.

Shared by `check`, `suggest`, `export` and the explorer's launch, so that each input is read
one way: bounded, with one-line errors (`InputError`), outside text never trusted.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from foreign_explorer.core.boundedread import read_bounded, read_bounded_text, read_stdin_line
from foreign_explorer.core.errors import InputError
from foreign_explorer.core.policy import PolicySource, apply_environment, source_from_config
from foreign_explorer.core.profiles import Profile

SAMPLE_NAME = "kubelet-pause.manifest.json"
_PACKAGE = Path(__file__).resolve().parent.parent


def sample_bytes() -> bytes:
    """The manifest from the write-up that started the project, shipped in the package."""
    try:
        # Beside the package's modules when installed as files: importlib.resources costs ~10 ms.
        return (_PACKAGE / "sample" / SAMPLE_NAME).read_bytes()
    except OSError:
        from importlib.resources import files  # a zipped install

        return files("foreign_explorer").joinpath("sample", SAMPLE_NAME).read_bytes()


def read_input(path: str) -> bytes:
    """A manifest file, or standard input for `-`: at most the 4 MiB a registry accepts."""
    return read_bounded(path, "manifest")


def read_text(path: str, what: str) -> str:
    return read_bounded_text(path, what)


def policy_source(args: argparse.Namespace, profile: Profile) -> PolicySource:
    """File, then environment, then flags: the registry's order, flags on top."""
    source = PolicySource()
    if args.config:
        source = source_from_config(read_text(args.config, "config"))
    if args.env_file:
        from foreign_explorer.core.envfile import parse_env_file

        env = parse_env_file(read_text(args.env_file, "env file"), args.env_file)
        source = apply_environment(source, env, profile)
    return source.with_flags(
        allow=args.allow, deny=args.deny, disabled=True if args.validation_disabled else None
    )


def registry_options(args: argparse.Namespace) -> Any:
    """RegistryOptions from the fetching flags (reads the password from stdin if asked)."""
    from foreign_explorer.core.registry import RegistryOptions

    password = None
    if args.password_stdin:
        if not args.username:
            raise InputError("--password-stdin needs --username")
        password = read_stdin_line("--password-stdin")
    return RegistryOptions(
        platform=args.platform,
        username=args.username,
        password=password,
        insecure=args.insecure,
        plain_http=args.plain_http,
        ca_file=args.ca_file,
        timeout=args.timeout,
    )


def source_problem(args: argparse.Namespace) -> str | None:
    """What is wrong with the choice of REF, --file and --sample, or None."""
    given = sum(bool(x) for x in (args.ref, args.file, args.sample))
    if given == 0:
        return "give an image reference, --file PATH or --sample"
    if given > 1:
        return "give only one of REF, --file and --sample"
    if args.platform and not args.ref:
        return "--platform needs an image reference"
    return None


async def fetch_reference(args: argparse.Namespace) -> list[tuple[Any, Any]]:
    """(FetchedImage, parent-or-None) for the image, or for every image child of an index."""
    from foreign_explorer.core.mediatypes import IMAGE_MANIFESTS
    from foreign_explorer.core.registry import RegistryClient

    async with RegistryClient(registry_options(args)) as client:
        image = await client.fetch_image(args.ref, args.platform)
        if not image.is_index:
            return [(image, image.parent)]
        children = [c for c in image.children if c.media_type in IMAGE_MANIFESTS]
        fetched = await image.fetch_children(children)
        return [(child, image) for child in fetched]


def read_lists(paths: list[str]) -> list[tuple[str, Any]]:
    """(name, MirrorList) for each `--from FILE` (`-`: standard input), format detected."""
    from foreign_explorer.core.mirrorlist import read_mirror_list

    lists = []
    for path in paths:
        name = "stdin" if path == "-" else path
        data = read_bounded(path, "mirror list")
        try:
            lists.append((name, read_mirror_list(data)))
        except InputError as exc:
            raise InputError(f"{name}: {exc.message}") from None
    return lists


def list_repositories(references: list[str], lists: list[tuple[str, Any]]) -> list[Any]:
    """Every repository to read: the REF arguments first, then each list's, in order.

    A REF is a repository entry of its own (`argument 2`); a list's entries say where in
    which file they come from (`mirror.yaml line 12`).
    """
    from dataclasses import replace

    from foreign_explorer.core.mirrorlist import Connection, MirrorRepository
    from foreign_explorer.core.reference import parse_reference

    repositories = []
    for number, text in enumerate(references, start=1):
        if text.startswith("oci:"):
            raise InputError(f"{text}: OCI layouts are checked one at a time, not in a list")
        reference = parse_reference(text.removeprefix("docker://"))
        repositories.append(
            MirrorRepository(
                reference.registry,
                reference.repository,
                Connection(reference.registry),
                f"argument {number}",
                (reference,),
            )
        )
    for name, mirror_list in lists:
        repositories.extend(
            replace(repo, origin=f"{name} {repo.origin}") for repo in mirror_list.repositories
        )
    return repositories
