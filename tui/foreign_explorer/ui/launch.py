"""What the app starts with, and starting it from parsed command-line arguments."""

from __future__ import annotations

import argparse
import os
from dataclasses import dataclass

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.policy import PolicySource
from foreign_explorer.core.registry.deadline import DEFAULT_TIMEOUT

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

    @property
    def sample(self) -> bool:
        """With nothing to open, the bundled sample: the first run works offline."""
        return not self.references and not self.files


def options_from_args(args: argparse.Namespace) -> LaunchOptions:
    """Read --file, --config and --env-file now: a bad start-up input is a usage error."""
    from foreign_explorer.commands.inputs import policy_source, read_input
    from foreign_explorer.core.profiles import get_profile

    profile = get_profile(args.target)
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
    from foreign_explorer.ui.app import ExplorerApp

    ExplorerApp(options).run()
    return 0
