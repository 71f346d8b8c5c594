"""Exit statuses, shared by every command (documented in README and each `--help`)."""

EXIT_ACCEPTED = 0
EXIT_REJECTED = 1
EXIT_USAGE = 2
EXIT_STARTUP = 3
EXIT_INTERNAL = 4
