"""Screenshots of the real app in its main states: SVG from Textual, PNG through cairosvg.

    python screenshots/make_screenshots.py [--out screenshots] [--no-png]

Each state is reached the way a person gets there (keys typed through Textual's Pilot).
PNGs need cairosvg and the cairo library (Debian: libcairo2); the SVG names the Fira Code
web font, which is swapped for a monospace font installed here so columns stay aligned.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.ui.builders import (  # noqa: E402
    docker_manifest,
    foreign_layer,
    plain_layer,
    target_sensitive_manifest,
    windows_linux_layout,
)
from tests.ui.overview_lists import offline_mirror, small_list  # noqa: E402
from tests.ui.test_indexes_ui import ONLY_LINUX, index_with_a_platformless_child  # noqa: E402
from tests.ui.test_policy_findings import MISINDENTED  # noqa: E402

from foreign_explorer.core.policy import PolicySource, source_from_config  # noqa: E402
from foreign_explorer.ui.app import ExplorerApp  # noqa: E402
from foreign_explorer.ui.launch import FileInput, LaunchOptions  # noqa: E402

MCR = r"^https://mcr\.microsoft\.com/"
WIDE = (120, 40)
NARROW = (80, 24)
SMALL = (60, 20)


def urls_a_string() -> bytes:
    """A manifest whose layers[1].urls is a string: Go's decoder refuses it."""
    doc = json.loads(docker_manifest([foreign_layer(), plain_layer("a")]))
    doc["layers"][1]["urls"] = "https://example.com/x"
    return json.dumps(doc).encode()


PNG_FONT = "DejaVu Sans Mono"


@dataclass
class Shot:
    name: str
    title: str
    keys: list[str] = field(default_factory=list)
    size: tuple[int, int] = WIDE
    options: Callable[[], LaunchOptions] = LaunchOptions
    # Extra waiting before the keys (a reference loading in a worker).
    before: Callable[[ExplorerApp], Awaitable[None]] | None = None


async def _workers_done(app: ExplorerApp) -> None:
    for _ in range(2):
        await app.workers.wait_for_complete()
        await asyncio.sleep(0.05)


SHOTS = [
    Shot("01-sample-rejected", "the sample as opened: push → 500, layer 0 blocked"),
    Shot("02-allow-typed-201", "after typing the allow pattern: push → 201", ["a", *MCR]),
    Shot(
        "03-go-rejects-pattern", "a pattern Go rejects: its error, a caret", ["a", *"^https://(?=x"]
    ),
    Shot("04-export-modal", "export: the config.yml snippet", ["a", *MCR, "escape", "e"]),
    Shot(
        "05-platform-picker",
        "a multi-arch index: each platform, its foreign layers and verdict",
        ["p"],
        options=lambda: LaunchOptions(references=("oci:layout:latest",)),
        before=_workers_done,
    ),
    Shot(
        "06-target-differs",
        "a layer judged differently by distribution 3.x",
        options=lambda: LaunchOptions(
            files=(FileInput("digest-quirk.json", target_sensitive_manifest()),),
            source=PolicySource(allow=(MCR,)),
        ),
    ),
    Shot("07-narrow-80x24", "80 x 24: everything stacked", size=NARROW),
    Shot("08-help", "? : every key", ["question_mark"]),
    Shot(
        "09-lint-warnings",
        "an unanchored pattern: warnings, each with a URL the registry would accept",
        ["a", *"mcr.microsoft.com", "escape"],
    ),
    Shot(
        "10-registry-would-not-start",
        "a pattern the registry cannot start with: no push verdict, check's words",
        ["a", *MCR, "escape", "a", *"a{1001}"],
        size=NARROW,
    ),
    Shot(
        "11-small-60x20",
        "60 x 20: the verdict line, the verdict column and the push line stay",
        ["down", "down", "slash", *"diff", "enter"],
        size=SMALL,
    ),
    Shot(
        "12-refused-manifest",
        "a manifest the registry's decoder refuses: its 400, as check says it",
        size=NARROW,
        options=lambda: LaunchOptions(files=(FileInput("urls-a-string.json", urls_a_string()),)),
    ),
    Shot(
        "13-export-60x20",
        "export at 60 x 20: Copy focused, keys in the footer",
        ["a", *MCR, "escape", "e"],
        size=SMALL,
    ),
    Shot(
        "14-config-findings",
        "--config with allow/deny directly under validation: keys the registry never reads",
        ["a", *MCR],
        options=lambda: LaunchOptions(source=source_from_config(MISINDENTED)),
    ),
    Shot(
        "15-no-response",
        "distribution 3.1.1 under platforms: list drops the connection: no response, no status",
        ["down"],
        size=NARROW,
        options=lambda: LaunchOptions(
            files=(FileInput("index.json", index_with_a_platformless_child()),),
            source=source_from_config(ONLY_LINUX),
            target="distribution-3",
        ),
    ),
    Shot(
        "overview",
        "--from a mirror list: every image x platform, blocked first, one policy for all",
        ["a", *MCR, "escape"],
        options=lambda: LaunchOptions(mirror=offline_mirror(small_list())),
        before=_workers_done,
    ),
]


async def take(shot: Shot, out: Path) -> Path:
    app = ExplorerApp(shot.options())
    async with app.run_test(size=shot.size) as pilot:
        app.title = f"foreign-explorer: {shot.title}"
        await pilot.pause()
        if shot.before is not None:
            await shot.before(app)
            await pilot.pause()
        if shot.keys:
            await pilot.press(*shot.keys)
        # As a user sees it once the typing pauses: the panes held at their heights while a
        # pattern is typed have taken their natural ones.
        await pilot.pause(app.SETTLE_AFTER + 0.2)
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        path = app.save_screenshot(f"{shot.name}.svg", str(out))
    return Path(path)


def to_png(svg: Path) -> Path:
    import cairosvg

    text = svg.read_text(encoding="utf-8").replace("Fira Code", PNG_FONT)
    png = svg.with_suffix(".png")
    cairosvg.svg2png(bytestring=text.encode("utf-8"), write_to=str(png), output_width=1600)
    return png


async def main_async(out: Path, png: bool, only: list[str] | None = None) -> int:
    out.mkdir(parents=True, exist_ok=True)
    cwd = Path.cwd()
    with tempfile.TemporaryDirectory() as scratch:
        # The platform shot opens `oci:layout:latest`: a relative path keeps the machine's
        # temporary directory out of the picture.
        windows_linux_layout(Path(scratch) / "layout")
        os.chdir(scratch)
        try:
            chosen = [s for s in SHOTS if not only or s.name in only]
            svgs = [await take(shot, out.resolve()) for shot in chosen]
        finally:
            os.chdir(cwd)
    for svg in svgs:
        print(svg.name, to_png(svg).name if png else "")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--no-png", action="store_true", help="SVG only (no cairo needed)")
    parser.add_argument("--only", action="append", metavar="NAME", help="just this shot")
    args = parser.parse_args()
    return asyncio.run(main_async(args.out, not args.no_png, args.only))


if __name__ == "__main__":
    raise SystemExit(main())
