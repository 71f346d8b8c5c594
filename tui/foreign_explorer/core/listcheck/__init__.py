"""A list of images, checked at once: fetched concurrently, judged per image and platform.

`fetch.fetch_list` reads every repository of a mirror list (listing tags where the list
leaves them to the registry), fetches each image and every child of its index with bounded
concurrency, and yields each result as it arrives: a `ListImage`, or a `ListFailure` for
what could not be fetched. `judge.prepare_image` does the policy-independent work once per
image and profile; `judge.judge_list` then judges every image x platform under a Policy and
counts them (`24 of 30 mirror cleanly`), cheaply enough to run on every keystroke.
No Textual, no terminal: the CLI and the explorer both build on this.
"""

from foreign_explorer.core.listcheck.model import (
    ListFailure,
    ListImage,
    ListNote,
    ListPlatform,
    ListResult,
    Origin,
)

__all__ = ["ListFailure", "ListImage", "ListNote", "ListPlatform", "ListResult", "Origin"]
