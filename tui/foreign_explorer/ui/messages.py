"""What the workers report to the App; the App's handlers make the state changes."""

from __future__ import annotations

from textual.message import Message

from foreign_explorer.ui.model import ImageEntry


class ImageLoaded(Message):
    def __init__(self, entry: ImageEntry) -> None:
        super().__init__()
        self.entry = entry


class ImageFailed(Message):
    def __init__(self, key: int, message: str, details: str | None = None) -> None:
        super().__init__()
        self.key = key
        self.message = message
        self.details = details


class HistoryLoaded(Message):
    def __init__(self, key: int, slot: int, history: tuple[str | None, ...]) -> None:
        super().__init__()
        self.key = key
        self.slot = slot
        self.history = history
