"""The mirror overview's keystroke, printed: a key in an allow pattern to the re-judged list.

    python benchmarks/bench_overview.py [--images 30] [--keys 40] [--size 120x40]

A list of N multi-arch images of three platforms each (linux/amd64, windows/amd64 with a
foreign layer, an attestation; tests/ui/overview_lists.py, no network) is open in the
overview. Each key event for an allow pattern is timed until the frame that shows the
re-judged list is rendered to terminal output (key handling, the policy compiled for both
targets, one judge_list over every image x platform, lint over the list's URLs, the changed
cells updated and the rows reordered, Textual's next frame, compositor, ANSI output). The
pattern admits mcr.microsoft.com, so rows change verdict and order while it is typed.
"Judging only" is `Overview.derive` alone. Target: under 50 ms at 30 images x 3 platforms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from foreign_explorer.ui.launch import FRAMES_PER_SECOND  # noqa: E402

os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))


async def measure(
    images: int, keys: int, size: tuple[int, int]
) -> tuple[list[float], list[float], list[float], int]:
    """Per key: derive alone; key event to the first frame after the state change; to idle."""
    from tests.ui.overview_lists import large_list, offline_mirror
    from textual import events
    from textual._compositor import CompositorUpdate

    from foreign_explorer.ui.app import ExplorerApp
    from foreign_explorer.ui.launch import LaunchOptions
    from foreign_explorer.ui.overview_model import Overview
    from foreign_explorer.ui.screens.overview import OverviewScreen

    derived: list[float] = []
    frames: list[tuple[float, bool]] = []
    original = Overview.derive

    def timed_derive(self, view, needle=""):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        result = original(self, view, needle)
        derived.append(time.perf_counter() - start)
        return result

    Overview.derive = timed_derive  # type: ignore[method-assign]

    class Timed(ExplorerApp):
        key_at: float | None = None
        changed = False

        def apply(self, state, hold=False):  # type: ignore[no-untyped-def]
            super().apply(state, hold)
            self.changed = True

        def _display(self, screen, renderable):  # type: ignore[no-untyped-def]
            # Headless Textual skips writing to a terminal; do that work here so it counts.
            if isinstance(renderable, CompositorUpdate):
                after_change = self.changed
                renderable.render_segments(self.console)
                if self.key_at is not None:
                    frames.append((time.perf_counter() - self.key_at, after_change))
            super()._display(screen, renderable)

    app = Timed(LaunchOptions(mirror=offline_mirror(large_list(images))))
    typed = (r"^https://(mcr\.microsoft\.com|example\.com)/" * 3)[:keys]
    first, settled = [], []
    async with app.run_test(size=size) as pilot:
        for _ in range(3):
            await app.workers.wait_for_complete()
            await pilot.pause()
        screen = app.screen
        assert isinstance(screen, OverviewScreen) and screen.view is not None
        rows = screen.view.total_rows
        await pilot.press("a")
        await pilot.pause()
        derived.clear()
        for key in typed:
            frames.clear()
            app.changed = False
            app.key_at = start = time.perf_counter()
            app.post_message(events.Key(key, key))
            await pilot.pause()
            await pilot.pause()
            del start
            app.key_at = None
            first.append(next(t for t, after_change in frames if after_change))
            settled.append(frames[-1][0])
        assert app.state.source.allow == (typed,), app.state.source
    Overview.derive = original  # type: ignore[method-assign]
    return derived, first, settled, rows


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
        f"max {max(values) * 1000:7.1f} ms   (n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=30, help="multi-arch images in the list")
    parser.add_argument("--keys", type=int, default=40, help="keystrokes to time")
    parser.add_argument("--size", default="120x40", help="terminal size, COLSxROWS")
    args = parser.parse_args()
    width, height = (int(n) for n in args.size.split("x"))
    derived, first, settled, rows = asyncio.run(measure(args.images, args.keys, (width, height)))
    print(
        f"keystroke in the overview's allow pattern, {args.images} images x 3 platforms "
        f"({rows} rows), {width}x{height} (target < 50 ms)"
    )
    print(f"  key to screen      {describe(first)}")
    print(f"  key to idle        {describe(settled)}")
    print(f"  judging only       {describe(derived)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
