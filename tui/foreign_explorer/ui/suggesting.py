"""`s`: a verified suggestion into the policy pane, asked before it replaces the user's own.

The layer view suggests for the open images, the mirror overview for the whole list; both
offer the core's suggestion the same way and say what it was verified on.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from foreign_explorer.core.suggest import Suggestion
from foreign_explorer.ui.screens.confirm import ConfirmScreen
from foreign_explorer.ui.widgets.policy_editor import PolicyEditor


async def offer_suggestion(
    app: Any, editor: PolicyEditor, suggestion: Suggestion, *, of_list: bool, uncovered: str = ""
) -> None:
    """Put `suggestion` in the editor (asking before replacing allow patterns) and say so.

    `of_list`: the suggestion is for a mirror list's every image; `uncovered`: a line naming
    what it could not see (images not judged or still loading), added to the notices."""
    where = " of the list" if of_list else ""
    whole = " for the whole list" if of_list else ""
    if not suggestion.patterns:
        if suggestion.unfixable:
            url, why = suggestion.unfixable[0]
            text = f"no allow pattern can let these URLs through: {url}: {why}"
        else:
            text = f"no layer URL{where} that the registry checks: nothing to allow"
        app.notify(text + uncovered, severity="warning")
        return
    state = app.state
    current = state.source.allow
    if current == suggestion.patterns:
        app.notify(f"the allow list already is the suggestion{whole}")
        return
    if current:
        count = f"{len(current)} allow pattern{'s' if len(current) > 1 else ''}"
        question = f"Replace the {count} with the suggestion{whole}?\n" + "\n".join(
            suggestion.patterns
        )
        if not await app.push_screen_wait(ConfirmScreen(question, "Replace", "Keep mine")):
            return
    source = app.state.source.with_flags(allow=suggestion.patterns)
    await editor.load(source, app.state.profile.go)
    app.apply(replace(app.state, source=source))
    total = len(suggestion.admitted) + len(suggestion.unfixable)
    app.notify(
        "allow ← "
        + ", ".join(suggestion.patterns)
        + f"\nverified on {state.profile.title}: {len(suggestion.admitted)} of {total} "
        f"layer URL{'s' if total != 1 else ''}{where} pass" + uncovered,
        severity="warning" if uncovered else "information",
    )
    if suggestion.unfixable:
        url, why = suggestion.unfixable[0]
        app.notify(
            f"{len(suggestion.unfixable)} URL(s) still fail: {url}: {why}",
            severity="warning",
            timeout=12,
        )
