"""Command line: argument parsing and dispatch. Heavy imports happen inside each command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from foreign_explorer import __version__

EXIT_ACCEPTED = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_STARTUP = 3
EXIT_INTERNAL = 4
DEBUG_ENV = "FOREIGN_EXPLORER_DEBUG"

COMMANDS = ("check",)
TARGETS = ("distribution-2.8", "distribution-3")


class _Parser(argparse.ArgumentParser):
    """argparse that exits with our usage status and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _add_policy_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("policy (file, then environment; flags win over both)")
    group.add_argument(
        "--allow", action="append", metavar="RE", help="an allow pattern (Go regexp); repeatable"
    )
    group.add_argument(
        "--deny", action="append", metavar="RE", help="a deny pattern (Go regexp); repeatable"
    )
    group.add_argument(
        "--config", metavar="CONFIG.yml", help="start from a registry config's validation section"
    )
    group.add_argument(
        "--env-file",
        metavar="FILE",
        help="REGISTRY_VALIDATION_* overrides as KEY=VALUE lines (as in a compose .env)",
    )
    group.add_argument(
        "--validation-disabled",
        action="store_true",
        default=None,
        help="as `validation: {disabled: true}`",
    )
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="distribution-2.8",
        help="registry version whose verdicts to predict (default: %(default)s)",
    )


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the manifest comes from: REF, --file or --sample (one of them; checked later)."""
    parser.add_argument(
        "ref",
        nargs="?",
        metavar="REF",
        help="image reference (registry/repo:tag@digest) or oci:PATH[:TAG] to fetch",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--file", "-f", metavar="PATH", help="manifest file, or - for stdin")
    source.add_argument(
        "--sample",
        action="store_true",
        help="the bundled sample: rancher/kubelet-pause, one foreign Windows layer",
    )


def check_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="foreign-explorer check",
        description="Predict the registry's answer to a push of a manifest, headless (for CI).",
        epilog="exit status: 0 accepted, 1 rejected, 2 bad usage or input, "
        "3 the policy would stop the registry from starting, 4 internal error",
    )
    add_source_arguments(parser)
    _add_policy_arguments(parser)
    _add_registry_arguments(parser)
    parser.add_argument("--format", choices=("text", "json"), default="text")
    return parser


def seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def _add_timeout_argument(parser: argparse._ActionsContainer) -> None:
    from foreign_explorer.core.registry.deadline import DEFAULT_TIMEOUT

    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="give up fetching an image (tokens, manifests, children, retries) after this "
        "long (default: %(default)g)",
    )


def _add_registry_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("fetching REF")
    group.add_argument(
        "--platform",
        metavar="OS/ARCH[/VARIANT][:OS.VERSION]",
        help="pick one image of a multi-arch index (default: judge every child)",
    )
    group.add_argument(
        "--plain-http", action="store_true", default=None, help="HTTP instead of HTTPS"
    )
    group.add_argument("--insecure", action="store_true", help="skip TLS verification")
    group.add_argument("--ca-file", metavar="PATH", help="trust this CA bundle")
    group.add_argument("--username", "-u", help="registry user name")
    group.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    _add_timeout_argument(group)


def app_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="foreign-explorer",
        description="Open the explorer: see each layer's verdict and tune allow/deny live. "
        "With no image, it opens the bundled sample (works offline).",
    )
    parser.add_argument(
        "references", nargs="*", metavar="REF", help="image references, or oci:DIR[:TAG]"
    )
    parser.add_argument(
        "--file", "-f", action="append", metavar="PATH", help="a manifest file; repeatable"
    )
    _add_policy_arguments(parser)
    parser.add_argument(
        "--platform", metavar="OS/ARCH[/VARIANT][:OS.VERSION]", help="platform to show first"
    )
    parser.add_argument("--plain-http", action="store_true", help="talk HTTP, not HTTPS")
    parser.add_argument("--insecure", action="store_true", help="skip TLS verification")
    _add_timeout_argument(parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _dispatch(list(sys.argv[1:] if argv is None else argv))
    except BrokenPipeError:
        # `foreign-explorer check ... | head`: the reader left; that is not an error.
        sys.stderr.close()
        return EXIT_ACCEPTED
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        # A bug, not bad input: one line, and the traceback only when asked for.
        return internal_error(exc)


def internal_error(exc: BaseException) -> int:
    """Report an unexpected exception in one line on stderr; exit status 4."""
    from foreign_explorer.core.visible import visible

    if os.environ.get(DEBUG_ENV) == "1":
        import traceback

        traceback.print_exception(exc)
    text = str(exc).strip().split("\n", 1)[0][:300]
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    sys.stderr.write(
        f"foreign-explorer: internal error: {visible(what)}; "
        f"run with {DEBUG_ENV}=1 for the traceback\n"
    )
    return EXIT_INTERNAL


def _dispatch(args: list[str]) -> int:
    if args and args[0] in ("--version", "-V"):
        print(f"foreign-explorer {__version__}")
        return 0
    if args and args[0] == "check":
        from foreign_explorer.check import run_check

        return run_check(check_parser().parse_args(args[1:]))
    if args and args[0] == "export":
        from foreign_explorer.exportcmd import run_export

        return run_export(args[1:])
    if args and args[0] == "suggest":
        from foreign_explorer.suggestcmd import run_suggest

        return run_suggest(args[1:])
    if args and args[0] in ("-h", "--help") and len(args) == 1:
        print(_TOP_HELP)
        return 0
    if not args or args[0] not in COMMANDS:
        # Textual is imported only here, so `check` never pays for it.
        from foreign_explorer.ui.launch import run

        return run(app_parser().parse_args(args))
    print(_TOP_HELP, file=sys.stderr)
    return EXIT_USAGE


_TOP_HELP = f"""foreign-explorer {__version__}: why a registry rejects foreign layers, and the fix

usage:
  foreign-explorer [REF ...] [--file PATH] [--config CONFIG.yml] [--allow RE]... [--deny RE]...
                   [--target ...] [--platform ...] [--plain-http] [--insecure] [--timeout S]
  foreign-explorer check REF|--file PATH|-|--sample [--platform P] [--timeout SECONDS]
                         [--allow RE]... [--deny RE]... [--config CONFIG.yml] [--env-file FILE]
                         [--validation-disabled] [--target distribution-2.8|distribution-3]
                         [--format text|json]
  foreign-explorer suggest REF|--file PATH|-|--sample [--platform P] [--narrow | --path-prefix P]
                           [--target distribution-2.8|distribution-3] [--format yaml|json]
  foreign-explorer export [--allow RE]... [--deny RE]... [--config CONFIG.yml] [--env-file FILE]
                          [--validation-disabled] [--target ...]
                          [--format snippet|config|env|helm] [--merge-into CONFIG.yml]
                          [--output FILE] [--force]

`foreign-explorer check --help` (or export --help) for details."""
