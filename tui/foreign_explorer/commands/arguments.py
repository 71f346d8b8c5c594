"""The flags the commands and the explorer share: policy, source, fetching, timeout."""

from __future__ import annotations

import argparse

from foreign_explorer.commands.status import EXIT_USAGE
from foreign_explorer.core.registry.defaults import DEFAULT_JOBS, DEFAULT_TIMEOUT

TARGETS = ("distribution-2.8", "distribution-3")


class Parser(argparse.ArgumentParser):
    """argparse that exits with our usage status and a one-line message."""

    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse quotes the offending argument as typed: escape it like any outside text.
        from foreign_explorer.core.visible import visible

        self.exit(EXIT_USAGE, f"{self.prog}: error: {visible(message)}\n")


def add_policy_arguments(parser: argparse.ArgumentParser) -> None:
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


def add_source_arguments(parser: argparse.ArgumentParser, *, lists: bool = False) -> None:
    """Where the manifest comes from: REF, --file or --sample (one of them; checked later).

    With `lists`, several REFs and `--from FILE` (a mirror list) too, and `--jobs`: then
    `args.refs` holds every REF and `args.ref` is set by `one_ref` when there is one.
    """
    if lists:
        parser.add_argument(
            "refs",
            nargs="*",
            metavar="REF",
            help="image references (registry/repo:tag@digest), or one oci:PATH[:TAG], to fetch",
        )
        parser.add_argument(
            "--from",
            dest="lists",
            action="append",
            metavar="FILE",
            help="a mirror list: a plain list of references, a skopeo sync YAML file or a "
            "regsync configuration (detected from the content); - for stdin; repeatable",
        )
        parser.add_argument(
            "--jobs",
            "-j",
            type=positive_int,
            default=DEFAULT_JOBS,
            metavar="N",
            help="requests in flight at once per registry, for lists (default: %(default)s)",
        )
    else:
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


def one_ref(args: argparse.Namespace) -> argparse.Namespace:
    """`args.ref`: the only REF of a command that also takes several (None otherwise)."""
    refs = getattr(args, "refs", None) or []
    args.ref = refs[0] if len(refs) == 1 and not getattr(args, "lists", None) else None
    return args


def positive_int(text: str) -> int:
    """An argparse type: a whole number from 1 to 256."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 256:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number from 1 to 256")
    return value


def seconds(text: str) -> float:
    """An argparse type: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of seconds above 0")
    return value


def add_timeout_argument(parser: argparse._ActionsContainer) -> None:
    parser.add_argument(
        "--timeout",
        type=seconds,
        default=DEFAULT_TIMEOUT,
        metavar="SECONDS",
        help="give up fetching an image (tokens, manifests, children, retries) after this "
        "long (default: %(default)g)",
    )


def add_registry_arguments(parser: argparse.ArgumentParser) -> None:
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
    add_timeout_argument(group)


def add_list_arguments(parser: argparse.ArgumentParser) -> None:
    """`--from FILE` and what fetching its images takes, for a command without a REF."""
    group = parser.add_argument_group("a mirror list (--from)")
    group.add_argument(
        "--from",
        dest="lists",
        action="append",
        metavar="FILE",
        help="a mirror list (plain list, skopeo sync YAML, regsync configuration); - for "
        "stdin; repeatable: the policy becomes the narrowest allow list that admits every "
        "foreign URL of every image and platform in it",
    )
    group.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=DEFAULT_JOBS,
        metavar="N",
        help="requests in flight at once per registry (default: %(default)s)",
    )
    group.add_argument("--plain-http", action="store_true", default=None, help="HTTP, not HTTPS")
    group.add_argument("--insecure", action="store_true", help="skip TLS verification")
    group.add_argument("--ca-file", metavar="PATH", help="trust this CA bundle")
    group.add_argument("--username", "-u", help="registry user name")
    group.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    add_timeout_argument(group)
    parser.set_defaults(refs=[], ref=None, file=None, sample=False, platform=None)
