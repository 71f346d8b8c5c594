"""Command line: argument parsing and dispatch. Heavy imports happen inside each command."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from foreign_explorer import __version__
from foreign_explorer.commands.arguments import (
    TARGETS,
    Parser,
    add_policy_arguments,
    add_timeout_argument,
    positive_int,
)
from foreign_explorer.commands.status import (
    EXIT_ACCEPTED,
    EXIT_INTERNAL,
    EXIT_REJECTED,
    EXIT_STARTUP,
    EXIT_USAGE,
)
from foreign_explorer.core.registry.defaults import DEFAULT_JOBS

__all__ = [
    "EXIT_ACCEPTED",
    "EXIT_INTERNAL",
    "EXIT_REJECTED",
    "EXIT_STARTUP",
    "EXIT_USAGE",
    "TARGETS",
    "app_parser",
    "internal_error",
    "main",
]

DEBUG_ENV = "FOREIGN_EXPLORER_DEBUG"
COMMANDS = ("check",)


def app_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    parser.add_argument(
        "--from",
        dest="lists",
        action="append",
        metavar="FILE",
        help="open the mirror overview of a list: a plain list of references, a skopeo sync "
        "YAML file or a regsync configuration (detected from the content); - for stdin; "
        "repeatable; REFs given too join the list",
    )
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=DEFAULT_JOBS,
        metavar="N",
        help="with --from: requests in flight at once per registry (default: %(default)s)",
    )
    add_policy_arguments(parser)
    parser.add_argument(
        "--platform", metavar="OS/ARCH[/VARIANT][:OS.VERSION]", help="platform to show first"
    )
    parser.add_argument("--plain-http", action="store_true", help="talk HTTP, not HTTPS")
    parser.add_argument("--insecure", action="store_true", help="skip TLS verification")
    add_timeout_argument(parser)
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
        from foreign_explorer.commands.check import check_parser, run_check

        return run_check(check_parser().parse_args(args[1:]))
    if args and args[0] == "export":
        from foreign_explorer.commands.export import run_export

        return run_export(args[1:])
    if args and args[0] == "suggest":
        from foreign_explorer.commands.suggest import run_suggest

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
  foreign-explorer --from FILE|- [REF ...] [--jobs N] [policy flags as above]
  foreign-explorer check REF|--file PATH|--file -|--sample [--platform P] [--timeout SECONDS]
                         [--allow RE]... [--deny RE]... [--config CONFIG.yml] [--env-file FILE]
                         [--validation-disabled] [--target distribution-2.8|distribution-3]
                         [--format text|json]
  foreign-explorer check REF [REF ...] | --from FILE|- [--jobs N]
                         [--format text|json|junit|markdown] [policy flags as above]
  foreign-explorer suggest REF|--file PATH|--file -|--sample [--platform P]
                           [--narrow | --path-prefix P]
                           [--target distribution-2.8|distribution-3] [--format yaml|json]
  foreign-explorer suggest REF [REF ...] | --from FILE|- [--jobs N] [--narrow | --path-prefix P]
  foreign-explorer export [--allow RE | --from FILE]... [--deny RE]... [--config CONFIG.yml]
                          [--env-file FILE] [--validation-disabled] [--target ...]
                          [--format snippet|config|env|helm] [--merge-into CONFIG.yml]
                          [--output FILE] [--force]

--from FILE reads a mirror list: a plain list of references, a skopeo sync YAML file or a
regsync configuration. `foreign-explorer check --help` (or suggest/export --help) for
details and exit statuses."""
