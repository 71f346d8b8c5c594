"""The explorer's speed, printed: start-up to first paint, and keystroke to updated screen.

    python benchmarks/bench_app.py [--runs 5] [--keys 40] [--layers 500]

1. start-up: a fresh `python` process that imports the app, opens the bundled sample and
   exits right after the first screen with its verdict is painted (interpreter start-up
   included, as a user would feel it). Target: under 0.5 s.
2. keystroke: with a manifest of N layers loaded, a key event for an allow pattern, until the
   frame that shows the new evaluation is rendered to terminal output (key handling, policy
   compiled for both targets, evaluations, every widget updated, Textual's next frame at
   the app's frame rate, compositor, ANSI output). "idle" is the last repaint before the app
   is idle again (scrollbars settling). Target: under 50 ms at 500 layers. The App's state
   change alone (derive and widget updates) is printed too. Keys come faster than the app's
   typing pause, so the panes keep their heights throughout, as while a user types;
   bench_terminal.py measures the same through a real terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# As `foreign-explorer` runs the app (ui/launch.py), before Textual is imported; the start-up
# subprocess inherits it.
from foreign_explorer.ui.launch import FRAMES_PER_SECOND  # noqa: E402

os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_PER_SECOND))

FIRST_PAINT = """
import time
t0 = time.perf_counter()
from foreign_explorer.ui.app import ExplorerApp

class FirstPaint(ExplorerApp):
    painted = None

    def apply(self, state, hold=False):
        super().apply(state, hold)
        if self.painted is None and self.view.evaluation is not None:
            self.painted = False
            self.call_after_refresh(self._done)

    def _done(self):
        self.painted = time.perf_counter() - t0
        self.exit()

app = FirstPaint()
app.run(headless=True, size=(120, 40))
print(f"{app.painted:.4f}")
"""


def measure_startup(runs: int) -> tuple[list[float], list[float]]:
    """(wall time of the whole process, time from first line of Python to first paint)."""
    walls, inner = [], []
    for _ in range(runs):
        start = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", FIRST_PAINT], capture_output=True, text=True, check=True
        )
        walls.append(time.perf_counter() - start)
        inner.append(float(out.stdout.strip().splitlines()[-1]))
    return walls, inner


async def measure_keystrokes(
    layers: int, keys: int
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Per key: state change; from the key event, the first frame drawn after the state
    change (the screen shows the new evaluation) and the last frame before idle; Pilot."""
    from tests.ui.builders import many_layers
    from textual import events
    from textual._compositor import CompositorUpdate

    from foreign_explorer.ui.app import ExplorerApp
    from foreign_explorer.ui.launch import FileInput, LaunchOptions

    applied: list[float] = []
    # (frame finished, whether the state change had happened before it started)
    frames: list[tuple[float, bool]] = []

    class Timed(ExplorerApp):
        key_at: float | None = None
        changed = False

        def apply(self, state, hold=False):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            super().apply(state, hold)
            applied.append(time.perf_counter() - start)
            self.changed = True

        def _display(self, screen, renderable):  # type: ignore[no-untyped-def]
            # Headless Textual skips writing to a terminal; do that work here so it counts.
            if isinstance(renderable, CompositorUpdate):
                after_change = self.changed
                renderable.render_segments(self.console)
                if self.key_at is not None:
                    frames.append((time.perf_counter() - self.key_at, after_change))
            super()._display(screen, renderable)

    options = LaunchOptions(files=(FileInput(f"{layers}-layers.json", many_layers(layers)),))
    app = Timed(options)
    typed = (r"^https://(mcr\.microsoft\.com|example\.com)/" * 3)[:keys]
    first, settled, pilot_times = [], [], []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        applied.clear()
        for key in typed:
            frames.clear()
            app.changed = False
            app.key_at = start = time.perf_counter()
            app.post_message(events.Key(key, key))
            await pilot.pause()
            await pilot.pause()
            pilot_times.append(time.perf_counter() - start)
            app.key_at = None
            first.append(next(t for t, after_change in frames if after_change))
            settled.append(frames[-1][0])
        assert app.state.source.allow == (typed,), app.state.source
        assert len(app.view.evaluation.descriptors) == layers + 1
    return applied, first, settled, pilot_times


def describe(values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return (
        f"median {statistics.median(values) * 1000:7.1f} ms   p95 {p95 * 1000:7.1f} ms   "
        f"max {max(values) * 1000:7.1f} ms   (n={len(values)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="start-up runs")
    parser.add_argument("--keys", type=int, default=40, help="keystrokes to time")
    parser.add_argument("--layers", type=int, default=500, help="layers in the manifest")
    args = parser.parse_args()

    walls, inner = measure_startup(args.runs)
    print("start-up to first paint of the sample (target < 500 ms)")
    print(f"  whole process      {describe(walls)}")
    print(f"  import + app only  {describe(inner)}")

    applied, first, settled, pilot = asyncio.run(measure_keystrokes(args.layers, args.keys))
    print(f"keystroke in a pattern to updated screen, {args.layers} layers (target < 50 ms)")
    print(f"  key to screen      {describe(first)}")
    print(f"  key to idle        {describe(settled)}")
    print(f"  state change only  {describe(applied)}")
    print(f"  (test Pilot round trip, with its idle waits: {describe(pilot)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
