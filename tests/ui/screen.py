"""What the terminal would show: the app's screen as text, drawn as for a screenshot."""

from __future__ import annotations

import io

from rich.console import Console
from rich.segment import Segment

from foreign_explorer.core.visible import is_visible


def _segments(app) -> list[Segment]:
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        legacy_windows=False,
        safe_box=False,
    )
    update = app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens, simplify=True
    )
    return list(console.render(update))


def screen_lines(app) -> list[str]:
    """Each row of the screen as the user reads it."""
    drawn = "".join(segment.text for segment in _segments(app) if not segment.control)
    return [row.replace("\xa0", " ") for row in drawn.rstrip("\n").split("\n")]


def screen_text(app) -> str:
    """The rows joined by newlines."""
    return "\n".join(screen_lines(app))


def has_raw_controls(app) -> bool:
    """Whether anything drawn holds a control, bidi or lone-surrogate character."""
    return any(not is_visible(row) for row in screen_lines(app))


def notices(app) -> list[str]:
    """The text of every notice the app has raised and not yet dismissed."""
    return [f"{n.title}\n{n.message}" for n in app._notifications]


async def typing_paused(pilot) -> None:
    """The screen once the typing pauses: the panes held at their heights while a pattern was
    typed take their natural ones (what the app's timer does a moment after the last key)."""
    pilot.app.typing_paused()
    await pilot.pause()
