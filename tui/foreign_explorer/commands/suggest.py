"""`foreign-explorer suggest`: allow patterns for an image's layer URLs, as a config.yml snippet.

The snippet goes to standard output, notes (what was verified, what no pattern can fix) to
standard error as YAML comments, so that either stream can be pasted into a config.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any

from foreign_explorer.commands.arguments import (
    TARGETS,
    Parser,
    add_registry_arguments,
    add_source_arguments,
    one_ref,
)
from foreign_explorer.commands.status import EXIT_ACCEPTED, EXIT_REJECTED, EXIT_USAGE
from foreign_explorer.console import emit, error
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.visible import dumps, visible

PROG = "foreign-explorer suggest"

SUGGEST_EPILOG = (
    "exit status: 0 every URL passes with the suggestion (verified by the engine), "
    "1 some URL cannot pass with any allow pattern or there is no URL to allow, "
    "2 bad usage or input (for a list: some image could not be fetched, whatever the others "
    "got)"
)


def suggest_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="foreign-explorer suggest",
        description="Suggest the narrowest allow patterns that let an image's foreign layers "
        "through (or every image and platform of a list's, with --from): anchored at scheme "
        "and host, dots escaped, ending at a path boundary. Every suggestion is checked by "
        "the engine before it is printed.",
        epilog=SUGGEST_EPILOG,
    )
    add_source_arguments(parser, lists=True)
    narrowing = parser.add_mutually_exclusive_group()
    narrowing.add_argument(
        "--narrow",
        action="store_true",
        help="pin each host's longest common directory instead of the whole host",
    )
    narrowing.add_argument(
        "--path-prefix",
        metavar="PREFIX",
        help="pin this path prefix (e.g. /v2/windows/) on every host; each URL must have it",
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="distribution-2.8",
        help="registry version whose verdicts verify the suggestion (default: %(default)s)",
    )
    add_registry_arguments(parser)
    parser.add_argument("--format", choices=("yaml", "json"), default="yaml")
    return parser


def run_suggest(argv: Sequence[str]) -> int:
    return _run(one_ref(suggest_parser().parse_args(list(argv))))


def _load(args: argparse.Namespace) -> list[tuple[str, Any]]:
    """(name, Manifest) for the file, the sample, the image or every image of an index."""
    from foreign_explorer.commands.inputs import (
        SAMPLE_NAME,
        fetch_reference,
        read_input,
        sample_bytes,
    )
    from foreign_explorer.core.manifest import parse_manifest

    if args.ref:
        import asyncio

        loaded = []
        for image, _parent in asyncio.run(fetch_reference(args)):
            name = image.source.to_dict().get("reference") or args.ref
            platform = image.source.to_dict().get("platform")
            title = f"{name} [{platform}]" if platform else name
            loaded.append((title, parse_manifest(image.manifest, image.media_type)))
        return loaded
    if args.sample:
        return [(SAMPLE_NAME, parse_manifest(sample_bytes()))]
    name = "stdin" if args.file == "-" else args.file
    return [(name, parse_manifest(read_input(args.file)))]


def _run(args: argparse.Namespace) -> int:
    from foreign_explorer.commands.fetchlist import is_list, list_problem
    from foreign_explorer.commands.inputs import source_problem

    out, err = sys.stdout, sys.stderr
    listed = is_list(args)
    problem = list_problem(args) if listed else source_problem(args)
    if problem:
        error(PROG, f"error: {problem}")
        return EXIT_USAGE
    from foreign_explorer.core.evaluate import evaluate_manifest
    from foreign_explorer.core.export import config_snippet
    from foreign_explorer.core.lint import checked_urls
    from foreign_explorer.core.policy import compile_policy
    from foreign_explorer.core.profiles import get_profile
    from foreign_explorer.core.report import warnings_list
    from foreign_explorer.core.suggest import suggest

    loaded = None
    try:
        profile = get_profile(args.target)
        if listed:
            from foreign_explorer.commands.suggestlist import load_list

            loaded = load_list(args, PROG)
            images = [(title, manifest) for _, title, manifest in loaded.manifests]
        else:
            images = _load(args)
        urls = checked_urls((m for _, m in images), profile)
        suggestion = suggest(urls, profile, narrow=args.narrow, path_prefix=args.path_prefix)
    except (ForeignExplorerError, ValueError) as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    verdicts = []
    if suggestion.patterns:
        policy = compile_policy(suggestion.source, profile)
        for name, manifest in images:
            evaluation = evaluate_manifest(manifest, policy)
            verdicts.append((name, evaluation))
    snippet = config_snippet(suggestion.source) if suggestion.patterns else ""
    status = EXIT_ACCEPTED if suggestion.verified else EXIT_REJECTED
    if loaded is not None:
        return _list_answer(args, loaded, suggestion, verdicts, snippet, len(urls), status)
    if args.format == "json":
        document = {
            "target": profile.name,
            "allow": list(suggestion.patterns),
            "verified": suggestion.verified,
            "urls": [{"url": u, "allowedBy": i} for u, i in suggestion.admitted],
            "unfixable": [{"url": u, "message": m} for u, m in suggestion.unfixable],
            "images": [
                {
                    "name": name,
                    "accepted": evaluation.accepted,
                    "status": evaluation.response.status,
                    "summary": evaluation.summary,
                }
                for name, evaluation in verdicts
            ],
            "warnings": warnings_list(suggestion.warnings),
            "snippet": snippet,
        }
        emit(dumps(document, indent=2), out)
        return status
    if not urls:
        emit(
            "# no layer URL that the registry checks: nothing to allow "
            f"(on {profile.name}, only foreign layers' urls are checked)",
            err,
        )
        return EXIT_REJECTED
    if snippet:
        emit(snippet.rstrip("\n"), out)
    notes = [f"# {visible(line)}" for line in _notes(suggestion, verdicts, len(urls))]
    if notes:
        emit("\n".join(notes), err)
    return status


def _notes(suggestion: Any, verdicts: list[tuple[str, Any]], count: int) -> list[str]:
    """What the engine said about the suggestion, for a person reading the terminal."""
    profile = suggestion.profile.name
    patterns = len(suggestion.patterns)
    noun = "pattern" if patterns == 1 else "patterns"
    urls = "URL" if count == 1 else "URLs"
    lines = []
    if patterns:
        admitted = len(suggestion.admitted)
        lines.append(
            f"{patterns} allow {noun} for {count} layer {urls}, verified on {profile}: "
            f"{admitted} of {count} pass"
        )
    for url, why in suggestion.unfixable:
        lines.append(f"no allow pattern can let this URL through: {url}")
        lines.append(f"  {why}")
    for warning in suggestion.warnings:
        head = "INFO" if warning.is_info else "WARN"
        lines.append(f"{head} {warning.where} ({warning.code}): {warning.message}")
        if warning.example:
            lines.append(f"  {warning.verdict_text}: {warning.example}")
    for name, evaluation in verdicts:
        line = f"{name}: push → {evaluation.response.status_line}"
        lines.append(line if evaluation.accepted else f"{line}: {evaluation.summary}")
    return lines


def _list_answer(
    args: argparse.Namespace,
    loaded: Any,
    suggestion: Any,
    verdicts: list[tuple[str, Any]],
    snippet: str,
    count: int,
    status: int,
) -> int:
    """`suggest --from`: the snippet, then which images each pattern admits, and what not."""
    from foreign_explorer.commands.suggestlist import admitted_images
    from foreign_explorer.core.report import warnings_list

    by_title = {title: reference for reference, title, _ in loaded.manifests}
    per_image = [(by_title[title], evaluation) for title, evaluation in verdicts]
    admits = admitted_images(suggestion.patterns, per_image)
    rejected = [(title, e) for title, e in verdicts if not e.accepted]
    if loaded.unreadable:
        status = max(status, EXIT_REJECTED)
    if loaded.failures:
        status = EXIT_USAGE
    if args.format == "json":
        document = {
            "target": suggestion.profile.name,
            "allow": list(suggestion.patterns),
            "verified": suggestion.verified,
            "patterns": [
                {"pattern": pattern, "admits": images}
                for pattern, images in zip(suggestion.patterns, admits, strict=True)
            ],
            "urls": [{"url": u, "allowedBy": i} for u, i in suggestion.admitted],
            "unfixable": [{"url": u, "message": m} for u, m in suggestion.unfixable],
            "images": [
                {
                    "name": title,
                    "accepted": evaluation.accepted,
                    "status": evaluation.response.status,
                    "summary": evaluation.summary,
                }
                for title, evaluation in verdicts
            ],
            "unreadable": [{"name": t, "message": m} for t, m in loaded.unreadable],
            "errors": [
                {"reference": f.reference, "message": f.message, "origin": f.origin.where}
                for f in loaded.failures
            ],
            "warnings": warnings_list(suggestion.warnings),
            "snippet": snippet,
        }
        emit(dumps(document, indent=2), sys.stdout)
        return status
    if snippet:
        emit(snippet.rstrip("\n"), sys.stdout)
    elif not count:
        emit("# no layer URL that the registry checks in any image of the list", sys.stderr)
    lines = _notes(suggestion, [], count) if count else []
    for index, (pattern, images) in enumerate(zip(suggestion.patterns, admits, strict=True)):
        noun = "image" if len(images) == 1 else "images"
        lines.append(f"allow[{index}] {pattern} admits {len(images)} {noun}:")
        lines.extend(f"  {reference}" for reference in images)
    accepted = len(verdicts) - len(rejected)
    if verdicts:
        lines.append(f"with it, {accepted} of {len(verdicts)} manifests of the list pass")
    for title, evaluation in rejected:
        lines.append(f"{title}: push → {evaluation.response.status_line}: {evaluation.summary}")
    for title, why in loaded.unreadable:
        lines.append(f"{title}: every registry refuses it, whatever the policy: {why}")
    for failure in loaded.failures:
        lines.append(f"not judged: {failure.reference}: {failure.message}")
    if lines:
        emit("\n".join(f"# {visible(line)}" for line in lines), sys.stderr)
    return status
