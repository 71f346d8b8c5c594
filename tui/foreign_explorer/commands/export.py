"""`foreign-explorer export`: the policy as a snippet, a config.yml, env vars or Helm values,
or merged into an existing config.yml. A policy the registry would not start with is refused.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from foreign_explorer.commands.arguments import Parser, add_list_arguments, add_policy_arguments
from foreign_explorer.commands.status import (
    EXIT_ACCEPTED,
    EXIT_REJECTED,
    EXIT_STARTUP,
    EXIT_USAGE,
)
from foreign_explorer.console import Style, emit, error
from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.export import FORMS, render
from foreign_explorer.core.merge import (
    ConfigFile,
    MergeError,
    MergeResult,
    MergeWouldLoseComments,
    file_policy,
    merge_into,
    read_config,
)
from foreign_explorer.core.policy import (
    PolicyConfigError,
    PolicySource,
    PolicyStartupError,
    apply_environment,
    compile_policy,
)
from foreign_explorer.core.profiles import Profile, get_profile
from foreign_explorer.core.safefile import SaveError, SaveTargetExists, save_text
from foreign_explorer.core.visible import visible

PROG = "foreign-explorer export"


def export_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog=PROG,
        description="Write the URL policy in the form the registry is configured with. The "
        "policy is compiled first as the target registry would: one it would not start with "
        "is never exported.",
        epilog="exit status: 0 written, 1 written, but some foreign URL of the --from list "
        "cannot pass with any allow pattern (said on stderr), 2 bad usage or input, or some "
        "image of the --from list could not be fetched (nothing written), "
        "3 the policy would stop the registry from starting (nothing written)",
    )
    add_policy_arguments(parser)
    add_list_arguments(parser)
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
        help="write the policy into this config, starting from its own: --allow replaces only "
        "its allow list, --deny only its deny list, --validation-disabled only the switch; "
        "everything else stays as written, comments too. A backup (CONFIG.yml.bak, numbered "
        "if taken) is written first; owner, group and mode are kept",
    )
    where.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        help="write to FILE instead of standard output (- is standard output)",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="--output: replace an existing FILE (through a symlink; never a device, FIFO or "
        "directory); --merge-into: drop comments that have nowhere to go",
    )
    return parser


def _fail(message: str, status: int = EXIT_USAGE) -> int:
    error(PROG, message)
    return status


def _checked_source(args: argparse.Namespace) -> PolicySource:
    """The policy from file, environment and flags, compiled as the target registry would."""
    from foreign_explorer.commands.inputs import policy_source

    profile = get_profile(args.target)
    source = policy_source(args, profile)
    compile_policy(source, profile)
    return source


def run_export(argv: Sequence[str]) -> int:
    args = export_parser().parse_args(list(argv))
    listed = EXIT_ACCEPTED
    if args.lists:
        if args.allow:
            return _fail("give --allow or --from, not both: --from writes the allow list")
        try:
            listed = _allow_from_lists(args)
        except (PolicyConfigError, PolicyStartupError) as exc:
            return _fail(f"registry would not start: {exc.message}; nothing exported", EXIT_STARTUP)
        except (ForeignExplorerError, ValueError) as exc:
            return _fail(str(exc))
        if listed == EXIT_USAGE:
            return listed
    status = _export(args)
    return listed if status == EXIT_ACCEPTED else status


def _allow_from_lists(args: argparse.Namespace) -> int:
    """Set `args.allow` to the suggestion for every image of the lists; its exit status."""
    from foreign_explorer.commands.fetchlist import list_problem
    from foreign_explorer.commands.inputs import policy_source
    from foreign_explorer.commands.suggestlist import load_list
    from foreign_explorer.core.lint import checked_urls
    from foreign_explorer.core.suggest import suggest

    problem = list_problem(args)
    if problem:
        raise ForeignExplorerError(problem)
    profile = get_profile(args.target)
    # The deny list (and switch) from --config, --env-file and --deny verify the suggestion.
    base = policy_source(args, profile)
    loaded = load_list(args, PROG)
    for failure in loaded.failures:
        error(PROG, f"{failure.origin.where}: {failure.reference}: {failure.message}")
    if loaded.failures:
        error(PROG, "some images of the list could not be fetched; nothing exported")
        return EXIT_USAGE
    urls = checked_urls((m for _, _, m in loaded.manifests), profile)
    suggestion = suggest(urls, profile, deny=base.deny)
    if not suggestion.patterns:
        raise ForeignExplorerError(
            "no image of the list has a layer URL the registry checks: nothing to allow"
        )
    args.allow = list(suggestion.patterns)
    for url, why in suggestion.unfixable:
        error(PROG, f"no allow pattern can let this URL through: {url}: {why}")
    for title, why in loaded.unreadable:
        error(PROG, f"{title}: every registry refuses it, whatever the policy: {why}")
    return EXIT_REJECTED if suggestion.unfixable or loaded.unreadable else EXIT_ACCEPTED


def _export(args: argparse.Namespace) -> int:
    if args.merge_into:
        if args.format not in (None, "snippet"):
            return _fail("--merge-into writes the snippet into a config; drop --format")
        return _merge(args)
    try:
        source = _checked_source(args)
    except (PolicyConfigError, PolicyStartupError) as exc:
        return _fail(f"registry would not start: {exc.message}; nothing exported", EXIT_STARTUP)
    except (ForeignExplorerError, ValueError) as exc:
        return _fail(str(exc))
    text = render(source, args.format or "snippet")
    if not args.output or args.output == "-":  # `-o -` is standard output, as `--file -` is stdin
        sys.stdout.write(text)
        return EXIT_ACCEPTED
    try:
        saved = save_text(args.output, text, overwrite=args.force)
    except SaveTargetExists as exc:
        return _fail(f"{exc.path} exists; not overwritten (--force replaces it)")
    except SaveError as exc:
        return _fail(f"{exc.message}; nothing written")
    emit(f"wrote {visible(str(saved))}", sys.stderr)
    return EXIT_ACCEPTED


def _merge_source(args: argparse.Namespace, profile: Profile, config: ConfigFile) -> PolicySource:
    """The policy to merge: the target's own, then the env file, then the flags; so a list
    the flags do not name stays as the target has it. With --config, that file's policy."""
    from foreign_explorer.commands.inputs import policy_source, read_text

    if args.config:
        return policy_source(args, profile)
    source = file_policy(config.text, config.name)
    if args.env_file:
        from foreign_explorer.core.envfile import parse_env_file

        env = parse_env_file(read_text(args.env_file, "env file"), args.env_file)
        source = apply_environment(source, env, profile)
    return source.with_flags(
        allow=args.allow, deny=args.deny, disabled=True if args.validation_disabled else None
    )


def _merge(args: argparse.Namespace) -> int:
    profile = get_profile(args.target)
    try:
        config = read_config(args.merge_into)
        source = _merge_source(args, profile, config)
        policy = compile_policy(source, profile)
    except (PolicyConfigError, PolicyStartupError) as exc:
        return _fail(f"registry would not start: {exc.message}; nothing exported", EXIT_STARTUP)
    except SaveError as exc:
        return _fail(f"{exc.message}; nothing written")
    except (ForeignExplorerError, ValueError) as exc:
        return _fail(str(exc))
    try:
        merged = merge_into(config, source, force=args.force)
    except MergeWouldLoseComments as exc:
        return _fail(f"{exc.message}; nothing written (--force drops them)")
    except MergeError as exc:
        return _fail(exc.message if exc.written else f"{exc.message}; nothing written")
    except SaveError as exc:
        return _fail(f"{exc.message}; nothing written")
    result = merged.result
    from foreign_explorer.commands.check import warning_lines
    from foreign_explorer.core.lint import config_key_findings, lint_policy

    # A merge writes only keys the registry reads; the ones it never reads that the file
    # already holds are named.
    shown = list(config_key_findings(result.text, profile))
    if merged.backup is None:
        emit(f"{visible(str(merged.path))} already carries this policy; left unchanged")
    else:
        emit(visible(f"merged into {merged.path} ({_summary(result)}); backup: {merged.backup}"))
        if result.dropped_comment_lines:
            lines = ", ".join(map(str, result.dropped_comment_lines))
            error(PROG, f"dropped the comments on lines {lines} (--force)")
        if any(_kept(result, name) for name in ("allow", "deny")):
            # The kept list and the new one act together: say what the pair lets through.
            named = {(w.code, w.path) for w in shown}
            kept = [
                w for w in lint_policy(policy) if w.path is None or (w.code, w.path) not in named
            ]
            shown = kept + shown
    if shown:
        style = Style(sys.stderr)
        emit("\n".join(warning_lines(shown, style)), sys.stderr, style=style)
    return EXIT_ACCEPTED


def _kept(result: MergeResult, name: str) -> bool:
    """A non-empty list the file had and still has, word for word."""
    kept = result.after is not None and bool(getattr(result.after, name))
    return kept and not result.replaced(name)


def _summary(result: MergeResult) -> str:
    """`allow: replaced, now 1 pattern; deny: kept, 2 patterns` (and the switch if flipped)."""
    after = result.after
    assert after is not None
    parts = []
    for name in ("allow", "deny"):
        count = len(getattr(after, name))
        noun = "pattern" if count == 1 else "patterns"
        if result.replaced(name):
            parts.append(f"{name}: replaced, now {count} {noun}")
        else:
            parts.append(f"{name}: kept, {count} {noun}")
    if result.before is not None and result.replaced("validation"):
        parts.append("validation: " + ("turned on" if after.validation_enabled else "turned off"))
    return "; ".join(parts)
