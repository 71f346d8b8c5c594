"""Errors a user can meet. Each carries one line that the CLI or the app shows as is."""


class ForeignExplorerError(Exception):
    """Base for every error with a one-line, user-facing message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InputError(ForeignExplorerError):
    """Unreadable or malformed input (a file, a flag, a config)."""
