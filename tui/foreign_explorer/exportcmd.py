"""`foreign-explorer export`: the policy as a snippet, a config.yml, env vars or Helm values,
or merged into an existing config.yml. A policy the registry would not start with is refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from foreign_explorer.cli import (
    EXIT_ACCEPTED,
    EXIT_STARTUP,
    EXIT_USAGE,
    _add_policy_arguments,
    _Parser,
)
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.export import FORMS, ExportExists, render, save_text
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    compile_policy,
)
from foreign_explorer.core.profiles import get_profile

PROG = "foreign-explorer export"


def export_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Write the URL policy in the form the registry is configured with. The "
        "policy is compiled first as the target registry would: one it would not start with "
        "is never exported.",
        epilog="exit status: 0 written, 2 bad usage or input (nothing written), "
        "3 the policy would stop the registry from starting (nothing written)",
    )
    _add_policy_arguments(parser)
    parser.add_argument(
        "--format",
        choices=FORMS,
        default=None,
        help="snippet: the validation block for config.yml (default); config: a whole minimal "
        "config.yml; env: REGISTRY_VALIDATION_* for a shell and compose; helm: configData "
        "values for the docker-registry chart",
    )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--merge-into",
        metavar="CONFIG.yml",
        help="rewrite validation.manifests.urls in this config in place, keeping everything "
        "else and its comments; a backup (CONFIG.yml.bak, numbered if taken) is written first",
    )
    where.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of standard output"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="--output: replace an existing FILE; --merge-into: drop comments that have "
        "nowhere to go",
    )
    return parser


def _fail(message: str, status: int = EXIT_USAGE) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return status


def _checked_source(args: argparse.Namespace) -> PolicySource:
    """The policy from file, environment and flags, compiled as the target registry would."""
    from foreign_explorer.check import policy_source

    profile = get_profile(args.target)
    source = policy_source(args, profile)
    compile_policy(source, profile)
    return source


def run_export(argv: Sequence[str]) -> int:
    args = export_parser().parse_args(list(argv))
    if args.merge_into and args.format not in (None, "snippet"):
        return _fail("--merge-into writes the snippet into a config; drop --format")
    try:
        source = _checked_source(args)
    except (PolicyConfigError, PolicyStartupError) as exc:
        return _fail(f"registry would not start: {exc.message}; nothing exported", EXIT_STARTUP)
    except (ForeignExplorerError, ValueError) as exc:
        return _fail(str(exc))
    if args.merge_into:
        return _merge(args.merge_into, source, force=args.force)
    text = render(source, args.format or "snippet")
    if not args.output:
        sys.stdout.write(text)
        return EXIT_ACCEPTED
    try:
        saved = save_text(args.output, text, overwrite=args.force)
    except ExportExists as exc:
        return _fail(f"{exc.path} exists; not overwritten (--force replaces it)")
    except ForeignExplorerError as exc:
        return _fail(exc.message)
    print(f"wrote {saved}", file=sys.stderr)
    return EXIT_ACCEPTED


def _merge(path: str, source: PolicySource, *, force: bool) -> int:
    from foreign_explorer.core.merge import MergeError, MergeWouldLoseComments, merge_into_file

    try:
        merged = merge_into_file(path, source, force=force)
    except MergeWouldLoseComments as exc:
        return _fail(f"{exc.message}; nothing written (--force drops them)")
    except MergeError as exc:
        return _fail(exc.message if exc.written else f"{exc.message}; nothing written")
    except ForeignExplorerError as exc:
        return _fail(exc.message)
    if merged.backup is None:
        print(f"{merged.path} already carries this policy; left unchanged")
        return EXIT_ACCEPTED
    changed = ", ".join(merged.result.changed)
    print(f"merged into {merged.path} ({changed}); backup: {merged.backup}")
    if merged.result.dropped_comment_lines:
        lines = ", ".join(map(str, merged.result.dropped_comment_lines))
        print(f"{PROG}: dropped the comments on lines {lines} (--force)", file=sys.stderr)
    return EXIT_ACCEPTED
