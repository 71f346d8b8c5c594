"""`foreign-explorer check`: the engine, headless, with an exit status for CI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from foreign_explorer.commands.arguments import (
    Parser,
    add_policy_arguments,
    add_registry_arguments,
    add_source_arguments,
    one_ref,
)
from foreign_explorer.commands.inputs import (
    SAMPLE_NAME,
    fetch_reference,
    policy_source,
    read_input,
    sample_bytes,
    source_problem,
)
from foreign_explorer.commands.status import (
    EXIT_ACCEPTED,
    EXIT_REJECTED,
    EXIT_STARTUP,
    EXIT_USAGE,
)
from foreign_explorer.console import Style, emit, error, safe_text
from foreign_explorer.core.boundedread import read_bounded
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.evaluate import (
    DescriptorVerdict,
    Evaluation,
    evaluate_manifest,
)
from foreign_explorer.core.lint import LintWarning, checked_urls, lint_policy
from foreign_explorer.core.manifest import Manifest, ManifestInvalid, NotAManifest, parse_manifest
from foreign_explorer.core.mediatypes import short_media_type
from foreign_explorer.core.policy import (
    Policy,
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import Profile, get_profile
from foreign_explorer.core.report import (
    evaluation_document,
    evaluation_json,
    indexes_line,
    json_chunks,
    manifest_invalid_dict,
    not_a_manifest_dict,
    not_a_manifest_lines,
    policy_dict,
    startup_error_dict,
    warnings_list,
)
from foreign_explorer.core.units import iec_size, short_digest
from foreign_explorer.core.visible import dumps, visible

PROG = "foreign-explorer check"

CHECK_EPILOG = (
    "exit status: 0 accepted (for a list: every image and platform), 1 rejected (for a "
    "list: some image or platform), 2 bad usage or input (for a list: some image could not "
    "be judged, whatever the others got), 3 the policy would stop the registry from "
    "starting (nothing is fetched), 4 internal error"
)
LIST_FORMATS = ("junit", "markdown")


def check_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Predict the registry's answer to a push of a manifest, headless (for CI).",
        epilog=CHECK_EPILOG,
    )
    add_source_arguments(parser, lists=True)
    add_policy_arguments(parser)
    add_registry_arguments(parser)
    parser.add_argument(
        "--format",
        choices=("text", "json", *LIST_FORMATS),
        default="text",
        help="text, json, or for REFs and lists also junit (a test report for CI) and "
        "markdown (a summary table)",
    )
    return parser


def wants_list(args: argparse.Namespace) -> bool:
    """Several REFs, --from, or a report format that only lists have."""
    return bool(args.lists) or len(args.refs or ()) > 1 or args.format in LIST_FORMATS


def _describe_policy(source: PolicySource) -> str:
    if not source.validation_enabled:
        return "validation disabled (allow and deny are ignored)"
    if not source.allow and not source.deny:
        return "allow (empty) deny (empty): the registry admits no URL at all"
    none_allowed = "(none: every URL not denied)"
    allow = ", ".join(map(visible, source.allow)) if source.allow else none_allowed
    deny = ", ".join(map(visible, source.deny)) if source.deny else "(none)"
    return f"allow {allow} · deny {deny}"


def _descriptor_lines(verdict: DescriptorVerdict, style: Style) -> list[str]:
    d = verdict.descriptor
    mark = style("PASS", "32") if verdict.ok else style("FAIL", "1;31")
    badge = style("FOREIGN ", "33") if d.foreign else ("URL " if d.has_urls else "")
    checks = "+".join(c.value for c in verdict.checks) or "unchecked"
    head = (
        f"{mark} {d.label:<8} {visible(short_digest(d.digest)):<12}  {badge}"
        f"{visible(short_media_type(d.media_type))}  {iec_size(d.size)}  [{checks}]"
    )
    lines = [head]
    if not verdict.ok:
        lines.extend(_wrap(f"{verdict.verdict.value}: {visible(verdict.message)}", "     "))
    for url in verdict.urls:
        sign = style("✓", "32") if url.ok else style("✗", "31")
        # URLs are printed whole, so that they can be copied.
        lines.append(f"     {sign} {visible(url.url)}")
        lines.extend(_wrap(visible(url.message), "       "))
    return lines


@lru_cache(maxsize=4096)  # descriptors that read alike share their messages
def _wrap(text: str, indent: str) -> tuple[str, ...]:
    import textwrap

    return tuple(
        textwrap.wrap(text, width=80, initial_indent=indent, subsequent_indent=indent + "  ")
    )


def warning_lines(warnings: Sequence[LintWarning], style: Style) -> list[str]:
    """WARN, where, message; then the example URL whole, so that it can be copied."""
    import textwrap

    lines = []
    for warning in warnings:
        where = visible(warning.where)
        if warning.pattern is not None:
            where = f"{where} {visible(warning.pattern)}"
        # INFO: true and proven, but not a risk; key findings name the key (`where` is its path).
        head = "INFO" if warning.is_info else "WARN"
        text = f"{head} {where} ({warning.code}): {visible(warning.message)}"
        # Patterns inside the message must stay whole, hyphens and all.
        wrapped = textwrap.wrap(
            text, width=80, subsequent_indent="  ", break_long_words=False, break_on_hyphens=False
        )
        wrapped[0] = style(head, "1;36" if warning.is_info else "1;33") + wrapped[0][len(head) :]
        lines.extend(wrapped)
        if warning.example:
            lines.append(f"     {warning.verdict_text}: {visible(warning.example)}")
    return lines


def render_head(policy: Policy) -> list[str]:
    """The target, the policy and its indexes setting: the first lines of a text report."""
    indexes = indexes_line(policy.source, policy.profile)
    return [
        f"target {policy.profile.name}",
        *_wrap(f"policy: {_describe_policy(policy.source)}", ""),
        *(_wrap(indexes, "") if indexes else ()),
    ]


def render_text(evaluation: Evaluation, style: Style, warnings: Sequence[LintWarning] = ()) -> str:
    return "".join(text_blocks(evaluation, style, warnings))


def text_blocks(
    evaluation: Evaluation, style: Style, warnings: Sequence[LintWarning] = ()
) -> Iterator[str]:
    """render_text() in blocks of lines, made as they are written (a million layers)."""
    lines = [*render_head(evaluation.policy), *warning_lines(warnings, style)]
    # Descriptors that read alike (all but the index) share their lines but the label.
    shown: dict[tuple, tuple[str, str, list[str]]] = {}
    kinds, checks_of = evaluation.kinds, evaluation.checks
    for position, prepared in enumerate(evaluation.prepared.descriptors):
        d = prepared.descriptor
        key = (d.role, d.media_type, d.digest, d.size, d.urls, kinds[position], checks_of(position))
        parts = shown.get(key)
        if parts is None:
            if len(shown) >= 4096:
                shown.clear()
            head, *rest = _descriptor_lines(evaluation.descriptor(position), style)
            start = head.index(d.label)
            parts = shown[key] = (head[:start], head[start + max(len(d.label), 8) :], rest)
        lines.append(f"{parts[0]}{d.label:<8}{parts[1]}")
        lines.extend(parts[2])
        if len(lines) > 8192:
            lines.append("")
            yield "\n".join(lines)
            lines = []
    response = evaluation.response
    if response.accepted:
        lines.append(style(f"push → {response.status_line}", "1;32"))
        yield "\n".join(lines)
        return
    lines += (style(f"push → {response.status_line}: {evaluation.summary}", "1;31"), "")
    yield "\n".join(lines)
    # The body on one line, a piece at a time (it can be hundreds of MB).
    block: list[bytes] = []
    for piece in response.body_pieces():
        block.append(piece)
        if len(block) > 8192:
            yield visible(b"".join(block).decode("utf-8", "replace"))
            block = []
    yield visible(b"".join(block).decode("utf-8", "replace").rstrip("\n"))


def _invalid_manifest(error: ManifestInvalid, source: PolicySource, profile: Profile) -> dict:
    return manifest_invalid_dict(error, source, profile)


def freeze_heap_at_exit() -> None:
    """Let the interpreter skip its final garbage collections (~30 ms of a check's wall time).

    Everything is frozen by an exit hook, so the collector never walks it again; the process is
    ending anyway. Registered once, however often `run_check` runs in one process.
    """
    import atexit
    import gc

    atexit.unregister(gc.freeze)
    atexit.register(gc.freeze)


def run_check(args: argparse.Namespace) -> int:
    freeze_heap_at_exit()
    one_ref(args)
    if wants_list(args):
        from foreign_explorer.commands.checklist import run_list_check

        return run_list_check(args)
    out = sys.stdout
    style = Style(out)
    problem = source_problem(args)
    if problem:
        error(PROG, f"error: {problem}")
        return EXIT_USAGE
    try:
        profile = get_profile(args.target)
        source = policy_source(args, profile)
        if args.ref:
            import asyncio

            images = asyncio.run(fetch_reference(args))
            data = b""
        else:
            images = []
            data = sample_bytes() if args.sample else read_input(args.file)
    except PolicyConfigError as exc:
        # The registry cannot even read such a configuration: it refuses to start.
        return _startup_failure(PolicySource(), get_profile(args.target), exc, args, style)
    except (ForeignExplorerError, ValueError) as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    try:
        policy = compile_policy(source, profile)
    except PolicyUnsupported as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    except PolicyStartupError as exc:
        return _startup_failure(source, profile, exc, args, style)
    if images:
        return _check_fetched(images, policy, args, style)
    try:
        manifest: Manifest = parse_manifest(data)
    except ManifestInvalid as exc:
        document = _invalid_manifest(exc, source, profile)
        warnings = lint_policy(policy)
        document["warnings"] = warnings_list(warnings)
        if args.format == "json":
            emit(dumps(document, indent=2), out)
        else:
            lines = warning_lines(warnings, style)
            message = visible(document["manifestError"])
            head = f"push → 400 Bad Request: manifest invalid: {message}"
            lines += [style(head, "1;31"), visible(document["bodyText"].rstrip("\n"))]
            emit("\n".join(lines), out, style=style)
        return EXIT_REJECTED
    except NotAManifest as exc:
        # Refused whatever Content-Type a push claims: one answer per type.
        if args.format == "json":
            emit(dumps(not_a_manifest_dict(exc, source, profile), indent=2), out)
        else:
            lines = [style(line, "1;31") for line in not_a_manifest_lines(exc, profile)]
            emit("\n".join(lines), out, style=style)
        return EXIT_REJECTED
    except ForeignExplorerError as exc:
        error(PROG, f"{args.file or SAMPLE_NAME}: {exc}")
        return EXIT_USAGE
    if manifest.is_index and args.file and args.file != "-":
        children = _local_children(Path(args.file), manifest, data)
        if children:
            return _check_fetched(children, policy, args, style)
    evaluation = evaluate_manifest(manifest, policy)
    # Warnings never change the exit status: the push result does.
    warnings = lint_policy(policy, checked_urls([manifest], profile))
    # Written as made: a manifest of a million layers gives a gigabyte of JSON.
    if args.format == "json":
        blocks = evaluation_json(evaluation, {"warnings": warnings_list(warnings)})
        _write_lines([blocks], out, colour=False)
    else:
        _write_lines([text_blocks(evaluation, style, warnings)], out, colour=style.enabled)
    return EXIT_ACCEPTED if evaluation.accepted else EXIT_REJECTED


# Every ASCII control but the newline: a block of printable ASCII and newlines is written as is.
_CONTROLS = bytes(code for code in range(0x20) if code != 0x0A) + b"\x7f"


def _safe_block(block: str, colour: bool) -> str:
    """safe_text(block), without its line-by-line walk when nothing in the block needs it."""
    if not colour and block.isascii():
        data = block.encode("ascii")
        if len(data.translate(None, _CONTROLS)) == len(data):
            return block
    return safe_text(block, colour)


def _startup_failure(
    source: PolicySource, profile: Profile, exc: Any, args: argparse.Namespace, style: Style
) -> int:
    """The registry would not start: the same words in text and JSON, exit 3."""
    if args.format == "json":
        emit(dumps(startup_error_dict(source, profile, exc), indent=2))
    else:
        emit(style("registry would not start: ", "1;31") + visible(exc.message), style=style)
    return EXIT_STARTUP


def _local_children(path: Path, index: Manifest, data: bytes) -> list[tuple[Any, Any]]:
    """Every image child of an index file, read from the files beside it; [] unless all are."""
    from foreign_explorer.core import mediatypes as mt
    from foreign_explorer.core.siblings import (
        LocalImage,
        child_label,
        sibling_children,
    )
    from foreign_explorer.core.source import SourceInfo

    wanted = [c for c in index.children if c.media_type in mt.IMAGE_MANIFESTS]
    found = sibling_children(path, index)
    if not wanted or len(found) < len(wanted):
        missing = len(wanted) - len(found)
        if wanted:
            error(
                PROG,
                f"{missing} of {len(wanted)} children are not beside {path}; "
                "judging the index itself",
            )
        return []
    index_source = SourceInfo(str(path), None, None, index.digest, index.media_type)
    parent = LocalImage(data, index.media_type, index_source, True)
    images: list[tuple[Any, Any]] = []
    for child in wanted:
        child_path = found[child.digest]
        source = SourceInfo(
            str(child_path), None, None, child.digest, child.media_type, child_label(child)
        )
        data = read_bounded(str(child_path), "manifest")
        images.append((LocalImage(data, child.media_type, source), parent))
    return images


def _check_fetched(
    images: list[tuple[Any, Any]], policy: Any, args: argparse.Namespace, style: Style
) -> int:
    """Judge a fetched image, or each image child of a fetched index."""
    out = sys.stdout
    results: list[tuple[dict[str, Any], str | Evaluation, bool]] = []
    manifests: list[Manifest] = []
    for image, _parent in images:
        try:
            manifest = parse_manifest(image.manifest, image.media_type)
        except ManifestInvalid as exc:
            document = _invalid_manifest(exc, policy.source, policy.profile)
            message = visible(document["manifestError"])
            text = f"push → 400 Bad Request: manifest invalid: {message}"
            accepted = False
        except ForeignExplorerError as exc:
            error(PROG, f"{image.source.reference}: {exc}")
            return EXIT_USAGE
        else:
            manifests.append(manifest)
            evaluation = evaluate_manifest(manifest, policy)
            # Both written as made, later: a fetched manifest can hold a million layers.
            document = evaluation_document(evaluation)
            text = evaluation
            accepted = evaluation.accepted
        document["source"] = image.source.to_dict()
        results.append((document, text, accepted))
    all_accepted = all(accepted for _, _, accepted in results)
    parent = images[0][1]
    from_index = parent is not None and parent.is_index and not args.platform
    # One lint over every fetched image's URLs, shown once.
    warnings = lint_policy(policy, checked_urls(manifests, policy.profile))
    if args.format == "json":
        payload = results[0][0]
        if from_index:
            payload = {
                "target": policy.profile.name,
                "policy": policy_dict(policy.source, policy.profile),
                "policyError": None,
                "source": parent.source.to_dict(),
                "accepted": all_accepted,
                "children": [
                    {**document, "platform": document["source"].get("platform")}
                    for document, _, _ in results
                ],
            }
        payload["warnings"] = warnings_list(warnings)
        _write_lines([json_chunks(payload)], out, colour=False)
        return EXIT_ACCEPTED if all_accepted else EXIT_REJECTED
    lines: list[str | Iterator[str]] = [*warning_lines(warnings, style)]
    for document, text, _ in results:
        src = document["source"]
        head = f"== {src.get('reference')}"
        if src.get("platform"):
            head += f"  [{src['platform']}]"
        lines += [style(head, "1"), text if isinstance(text, str) else text_blocks(text, style)]
    if from_index:
        rejected = sum(1 for _, _, ok in results if not ok)
        verdict = "yes" if all_accepted else f"no ({rejected} of {len(results)} rejected)"
        lines.append(style(f"mirrors cleanly: {verdict}", "1;32" if all_accepted else "1;31"))
    _write_lines(lines, out, colour=style.enabled)
    return EXIT_ACCEPTED if all_accepted else EXIT_REJECTED


def _write_lines(lines: Sequence[str | Iterator[str]], out: Any, *, colour: bool) -> None:
    """emit("\\n".join(lines)), each line given whole or as blocks written as they are made."""
    for number, line in enumerate(lines):
        if number:
            out.write("\n")
        for block in [line] if isinstance(line, str) else line:
            out.write(_safe_block(block, colour))
    out.write("\n")
