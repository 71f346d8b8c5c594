"""What the app starts with, and starting it from parsed command-line arguments."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.registry.deadline import DEFAULT_TIMEOUT
from foreign_explorer.ui.overview_loading import MirrorInput

FRAMES_PER_SECOND = 240


@dataclass(frozen=True)
class FileInput:
    name: str
    data: bytes


@dataclass(frozen=True)
class LaunchOptions:
    """Resolved start-up inputs: files already read, the policy already merged."""

    references: tuple[str, ...] = ()
    files: tuple[FileInput, ...] = ()
    source: PolicySource = PolicySource()
    target: str = "distribution-2.8"
    platform: str | None = None
    plain_http: bool | None = None
    insecure: bool = False
    # Seconds for fetching one image (--timeout).
    timeout: float = DEFAULT_TIMEOUT
    # `--from FILE`: the explorer opens on the mirror overview of the list.
    mirror: MirrorInput | None = None

    @property
    def sample(self) -> bool:
        """With nothing to open, the bundled sample: the first run works offline."""
        return not self.references and not self.files and self.mirror is None


def options_from_args(args: argparse.Namespace) -> LaunchOptions:
    """Read --file, --config and --env-file now: a bad start-up input is a usage error."""
    from foreign_explorer.commands.inputs import policy_source, read_input
    from foreign_explorer.core.profiles import get_profile

    profile = get_profile(args.target)
    if getattr(args, "lists", None):
        from foreign_explorer.core.errors import InputError
        from foreign_explorer.ui.overview_loading import list_usage_problem, mirror_input

        problem = list_usage_problem(args)
        if problem:
            raise InputError(problem)
        # Read now, like check: a list that cannot be read is a usage error, not a screen.
        # REFs given beside --from are entries of the list (`argument 1`), as for check.
        source = policy_source(args, profile)
        return LaunchOptions(
            source=source,
            target=args.target,
            plain_http=True if args.plain_http else None,
            insecure=bool(args.insecure),
            timeout=args.timeout,
            mirror=mirror_input(args),
        )
    files = tuple(FileInput(path, read_input(path)) for path in args.file or ())
    return LaunchOptions(
        references=tuple(args.references or ()),
        files=files,
        source=policy_source(args, profile),
        target=args.target,
        platform=args.platform,
        plain_http=True if args.plain_http else None,
        insecure=bool(args.insecure),
        timeout=args.timeout,
    )


def _keys_from_terminal() -> bool:
    """After `--from -` read the list from a pipe: the keys come from the terminal again."""
    import sys

    if sys.stdin is not None and sys.stdin.isatty():
        return True
    try:
        terminal = os.open("/dev/tty", os.O_RDWR)
    except OSError:
        return False
    os.dup2(terminal, 0)
    os.close(terminal)
    return True


def run(args: argparse.Namespace) -> int:
    try:
        options = options_from_args(args)
    except (ForeignExplorerError, ValueError) as exc:
        from foreign_explorer.console import error

        error("foreign-explorer", str(exc))
        return 2
    # Textual paints at most TEXTUAL_FPS frames a second (60 by default) and a keystroke takes
    # two frames (the typed character, then the new verdicts): at 60 the wait for frames alone
    # is up to 33 ms of a keystroke's 50. A user's own setting wins. Read when Textual is
    # imported, so set before that.
    os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))
    if "-" in (getattr(args, "lists", None) or ()) and not _keys_from_terminal():
        from foreign_explorer.console import error

        error(
            "foreign-explorer",
            "--from -: the list came on standard input, and no terminal is left for the keys",
        )
        return 2
    from foreign_explorer.ui.app import ExplorerApp

    ExplorerApp(options).run()
    return 0
