"""The explorer's keystroke latency through a real terminal, printed.

    python benchmarks/bench_terminal.py [--runs 5] [--keys 44] [--layers 500] [--images 20]

The app runs as a user runs it: its own process, on a pseudo-terminal of a fixed size (120x40),
reading keys from it and writing escape sequences to it. For each key of an allow pattern
typed into a new pattern row (valid, invalid from `(` to `)`, valid again, longer than the
field), the driver writes the key's byte and reads the terminal until the app's output is
quiet, then reports:

- "key to screen": from writing the key to the last byte of the repaint that follows it
  (Textual's key handling, the state change, every widget, the compositor and the terminal
  write), i.e. what a user waits for;
- "key to first byte": from writing the key to the first byte of that repaint.

Keys come about every quarter of a second (the time to see each repaint end), as a quick
typist types. While a pattern is typed the panes keep their heights; when the typing pauses
(the app's SETTLE_AFTER) they take their natural heights in one layout pass: after the last
key, "typing pause" is when that repaint starts after the key and how long it takes.

Two cases: one manifest of N layers, and N-layer manifests as M images open at once (the
image bar shows each one's verdict under the policy being typed). Each case runs `--runs`
times (a new app each time); the figure to quote is the median of the runs' p95, with the
load average (the machine is shared: other work moves every figure). Target: p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tui"))

COLUMNS, ROWS = 120, 40
# Quiet this long after the last byte: the repaint of a key is over (the input's cursor
# blink restarts on each key and comes 500 ms later, well after this).
QUIET = 0.12
PATTERN = r"^https://(mcr\.microsoft\.com|example\.com)/"


class Terminal:
    """The app on a pseudo-terminal: write keys, read output with timestamps."""

    def __init__(self, argv: list[str]) -> None:
        env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(ROWS))
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(ROOT / "tui"), env.get("PYTHONPATH")])
        )
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app, on the terminal's slave side
            os.execvpe(sys.executable, [sys.executable, "-m", "foreign_explorer", *argv], env)
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        os.kill(pid, signal.SIGWINCH)
        self.seen = b""

    def read_until(self, needle: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while needle not in self.seen:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{needle!r} not seen")
            self._read(0.2)

    def _read(self, wait: float) -> bytes:
        ready, _, _ = select.select([self.fd], [], [], wait)
        if not ready:
            return b""
        try:
            data = os.read(self.fd, 1 << 16)
        except OSError:
            return b""
        self.seen = (self.seen + data)[-(1 << 20) :]
        return data

    def settle(self) -> None:
        while self._read(QUIET):
            pass

    def key(self, data: bytes) -> tuple[float, float]:
        """Write `data`; (seconds to the first output byte, seconds to the last before quiet)."""
        self.settle()
        start = time.perf_counter()
        os.write(self.fd, data)
        first = last = None
        while True:
            # The first byte may take long (that is what is measured); then quiet ends it.
            chunk = self._read(QUIET if first is not None else 5.0)
            now = time.perf_counter()
            if not chunk:
                break
            if first is None:
                first = now
            last = now
        if first is None or last is None:
            raise TimeoutError(f"no repaint after {data!r}")
        return first - start, last - start

    def close(self) -> None:
        os.write(self.fd, b"\x1b")  # leave the pattern
        self.settle()
        os.write(self.fd, b"q")
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            self._read(0.1)
        else:
            os.kill(self.pid, signal.SIGTERM)
            os.waitpid(self.pid, 0)
        os.close(self.fd)

    def pause(self, wait: float = 2.0) -> tuple[float, float] | None:
        """After the last key: (seconds to the first byte of the next repaint, its length),
        or None when nothing comes within `wait`."""
        start = time.perf_counter()
        first = last = None
        while True:
            chunk = self._read(QUIET if first is not None else wait)
            now = time.perf_counter()
            if not chunk:
                break
            if first is None:
                first = now
            last = now
        if first is None or last is None:
            return None
        return first - start, last - first


@dataclass
class Run:
    firsts: list[float]
    lasts: list[float]
    # The repaint when the typing pauses: (after the last key's repaint, duration), or None.
    pause: tuple[float, float] | None


def measure(files: list[Path], keys: int) -> Run:
    argv = [arg for path in files for arg in ("--file", str(path))]
    terminal = Terminal(argv)
    try:
        terminal.read_until(b"push")
        terminal.settle()
        terminal.key(b"a")
        firsts, lasts = [], []
        for char in PATTERN[:keys]:
            first, last = terminal.key(char.encode())
            firsts.append(first)
            lasts.append(last)
        pause = terminal.pause()
    finally:
        terminal.close()
    return Run(firsts, lasts, pause)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def describe(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:6.1f} ms   p95 {p95(values) * 1000:6.1f} ms   "
        f"max {max(values) * 1000:6.1f} ms   (n={len(values)})"
    )


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each case")
    parser.add_argument("--keys", type=int, default=len(PATTERN), help="keystrokes to time")
    parser.add_argument("--layers", type=int, default=500, help="layers per manifest")
    parser.add_argument("--images", type=int, default=20, help="images open in the second case")
    args = parser.parse_args()

    from tests.ui.builders import many_layers

    with tempfile.TemporaryDirectory() as scratch:
        one = Path(scratch) / f"{args.layers}-layers.json"
        one.write_bytes(many_layers(args.layers))
        many = []
        for number in range(args.images):
            path = Path(scratch) / f"image-{number:02d}.json"
            # Each a distinct manifest (its own parse and evaluation), all of N layers.
            path.write_bytes(
                many_layers(args.layers).replace(b'"size": 831', f'"size": {831 + number}'.encode())
            )
            many.append(path)
        size = f"{COLUMNS}x{ROWS}"
        print(f"keystroke in a pattern to repainted terminal, {size} pty (target p95 < 50 ms)")
        print(f"  before: {load()}")
        for title, files in (
            (f"1 image, {args.layers} layers", [one]),
            (f"{args.images} images open, {args.layers} layers each", many),
        ):
            print(f"  {title}")
            runs = []
            for number in range(args.runs):
                run = measure(files, args.keys)
                runs.append(run)
                print(f"    run {number + 1}: key to screen      {describe(run.lasts)}")
                print(f"           key to first byte  {describe(run.firsts)}")
                if run.pause is not None:
                    after, took = run.pause
                    print(
                        f"           typing pause: panes re-laid out {after * 1000:.0f} ms after "
                        f"the last repaint, in {took * 1000:.1f} ms"
                    )
            p95s = [p95(run.lasts) for run in runs]
            every = ", ".join(f"{x * 1000:.1f}" for x in p95s)
            middle = statistics.median(p95s) * 1000
            keys = statistics.median([x for r in runs for x in r.lasts]) * 1000
            print(f"    key to screen: median of {len(runs)} p95s {middle:.1f} ms ({every})")
            print(f"                   median of all {len(runs) * args.keys} keys {keys:.1f} ms")
        print(f"  after: {load()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
