"""`check` for a list: several REFs, or `--from FILE`, judged in one run.

Every image and platform is fetched (concurrently, at the request floor) and judged under
one policy; the report is text, JSON, JUnit XML or Markdown; the exit status says whether
everything was judged and accepted (see listreport.py).
"""

from __future__ import annotations

import argparse
import sys

from foreign_explorer.commands.fetchlist import fetch_lists, list_problem
from foreign_explorer.commands.inputs import policy_source
from foreign_explorer.commands.listreport import list_document, list_lines, list_status
from foreign_explorer.commands.status import EXIT_STARTUP, EXIT_USAGE
from foreign_explorer.console import Style, emit, error
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.lint import checked_urls, lint_policy
from foreign_explorer.core.listcheck.judge import ListJudgement, judge_list, prepare_image
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    PolicyUnsupported,
    compile_policy,
)
from foreign_explorer.core.profiles import get_profile
from foreign_explorer.core.report import policy_dict
from foreign_explorer.core.visible import dumps, visible

PROG = "foreign-explorer check"


def _startup_failure(args: argparse.Namespace, source: PolicySource, exc: object) -> int:
    profile = get_profile(args.target)
    message = getattr(exc, "message", str(exc))
    if args.format == "json":
        document = {
            "target": profile.name,
            "policy": policy_dict(source, profile),
            "policyError": exc.as_dict(),  # type: ignore[attr-defined]
            "accepted": None,
            "summary": None,
            "images": [],
            "errors": [],
            "notes": [],
            "warnings": [],
        }
        emit(dumps(document, indent=2))
    else:
        style = Style(sys.stdout)
        emit(style("registry would not start: ", "1;31") + visible(message), style=style)
    return EXIT_STARTUP


def judged_urls(judgement: ListJudgement) -> tuple[str, ...]:
    """Every URL the target checks, over every platform of every image."""
    manifests = [
        p.prepared.prepared.manifest
        for image in judgement.images
        for p in image.platforms
        if p.prepared.prepared is not None
    ]
    profile = judgement.images[0].prepared.profile if judgement.images else None
    return checked_urls(manifests, profile) if profile is not None else ()


def run_list_check(args: argparse.Namespace) -> int:
    problem = list_problem(args)
    if problem is None and not args.refs and not args.lists:
        problem = "give image references or --from FILE (or --file PATH / --sample for one)"
    if problem:
        error(PROG, f"error: {problem}")
        return EXIT_USAGE
    profile = get_profile(args.target)
    try:
        source = policy_source(args, profile)
    except PolicyConfigError as exc:
        return _startup_failure(args, PolicySource(), exc)
    except (ForeignExplorerError, ValueError) as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    try:
        policy = compile_policy(source, profile)
    except PolicyUnsupported as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    except PolicyStartupError as exc:
        # Nothing is fetched: the registry would not even be there to push to.
        return _startup_failure(args, source, exc)
    try:
        fetched = fetch_lists(args, PROG)
    except (ForeignExplorerError, ValueError) as exc:
        error(PROG, str(exc))
        return EXIT_USAGE
    for note in fetched.notes:
        error(PROG, f"{note.origin.where}: {note.reference}: {note.message}")
    prepared = [prepare_image(image, profile) for image in fetched.images]
    judgement = judge_list(prepared, policy, fetched.failures)
    warnings = lint_policy(policy, judged_urls(judgement))
    out = sys.stdout
    if args.format == "json":
        emit(dumps(list_document(judgement, policy, warnings, fetched.notes), indent=2), out)
    elif args.format == "junit":
        from foreign_explorer.commands.junit import junit_xml

        emit(junit_xml(judgement, policy), out)
    elif args.format == "markdown":
        from foreign_explorer.commands.markdown import markdown_summary

        emit(markdown_summary(judgement, policy), out)
    else:
        from foreign_explorer.commands.check import render_head, warning_lines

        style = Style(out)
        lines = [*render_head(policy), *warning_lines(warnings, style)]
        lines += list_lines(judgement, style)
        emit("\n".join(lines), out, style=style)
    return list_status(judgement)
