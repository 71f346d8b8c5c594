"""Every explorer test also pins that nothing went wrong inside the app.

The app turns unexpected exceptions into notices (the user's policy survives); a test that
did not mean to cause one fails here instead of passing over a swallowed error.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator

import pytest

from foreign_explorer.ui.app import ExplorerApp


@pytest.fixture(autouse=True)
def no_internal_errors(request: pytest.FixtureRequest) -> Iterator[list[BaseException]]:
    ExplorerApp.reported.clear()
    yield ExplorerApp.reported
    if request.node.get_closest_marker("internal_errors_expected"):
        ExplorerApp.reported.clear()
        return
    reported = list(ExplorerApp.reported)
    ExplorerApp.reported.clear()
    if reported:
        first = "".join(traceback.format_exception(reported[0]))
        pytest.fail(f"the app reported {len(reported)} internal error(s); the first:\n{first}")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "internal_errors_expected: the test makes the app report an internal error"
    )
