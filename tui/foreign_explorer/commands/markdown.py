"""A list's results as a Markdown summary: for a merge request or a CI job summary.

Outside text is escaped for a table cell: control characters as visible escapes, then
every character inline Markdown or its HTML would act on (`|` that ends a cell, backticks
that open code, `*`, `_`, `[`, `~`; `<`, `>` and `&` as entities) with a backslash.
"""

from __future__ import annotations

from foreign_explorer.commands.listreport import counts_line
from foreign_explorer.core.listcheck.judge import ImageVerdict, ListJudgement, PlatformVerdict
from foreign_explorer.core.policy import Policy
from foreign_explorer.core.visible import visible

# A cell is inline text: these are what inline Markdown (and GFM tables) act on there.
_MARKDOWN = {ord(c): "\\" + c for c in "\\`*_[]|~"}
_MARKDOWN.update({ord("<"): "&lt;", ord(">"): "&gt;", ord("&"): "&amp;"})


def cell(text: str) -> str:
    """Outside text made inert in a Markdown table cell."""
    return visible(text).translate(_MARKDOWN)


def _row(verdict: ImageVerdict, platform: PlatformVerdict, label: str = "") -> str:
    mark = "✅ accepted" if platform.accepted else "❌ rejected"
    name = label or (platform.platform.label if platform.platform.platform else "")
    reason = "" if platform.accepted else cell(platform.reason)
    return (
        f"| {mark} | {cell(verdict.image.reference)} | {cell(name)} | "
        f"{platform.foreign} | {reason} |"
    )


def markdown_summary(judgement: ListJudgement, policy: Policy) -> str:
    lines = [
        f"### foreign-explorer: {judgement.summary()}",
        "",
        f"{counts_line(judgement)} on {policy.profile.name}.",
        "",
        "| verdict | image | platform | foreign layers | first reason |",
        "|---|---|---|---|---|",
    ]
    for verdict in sorted(judgement.images, key=lambda v: v.accepted):
        for platform in sorted(verdict.platforms, key=lambda p: p.accepted):
            lines.append(_row(verdict, platform))
        if verdict.index is not None and not verdict.index.accepted:
            lines.append(_row(verdict, verdict.index, "index"))
    for failure in judgement.failures:
        lines.append(
            f"| ⚠️ not judged | {cell(failure.reference)} |  |  | {cell(failure.message)} |"
        )
    return "\n".join(lines)
