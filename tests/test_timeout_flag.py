"""--timeout reaches the registry client from `check`, `suggest` and the explorer's command line."""

from __future__ import annotations

import pytest

from foreign_explorer.cli import app_parser
from foreign_explorer.commands.check import check_parser
from foreign_explorer.commands.inputs import registry_options
from foreign_explorer.commands.suggest import suggest_parser


def test_check_passes_its_timeout_to_the_registry_options() -> None:
    args = check_parser().parse_args(["example.com/a:b", "--timeout", "2.5"])
    assert registry_options(args).timeout == 2.5


def test_check_without_the_flag_allows_sixty_seconds() -> None:
    assert registry_options(check_parser().parse_args(["example.com/a:b"])).timeout == 60.0


def test_suggest_shares_the_flag() -> None:
    args = suggest_parser().parse_args(["example.com/a:b", "--timeout", "7"])
    assert registry_options(args).timeout == 7.0


def test_the_explorer_builds_its_client_with_the_timeout() -> None:
    from foreign_explorer.ui.app import registry_client
    from foreign_explorer.ui.launch import options_from_args

    options = options_from_args(app_parser().parse_args(["--timeout", "3"]))
    assert options.timeout == 3.0
    assert registry_client(options).options.timeout == 3.0


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "soon"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        check_parser().parse_args(["example.com/a:b", "--timeout", value])
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert err.count("\n") == 1 and f"argument --timeout: '{value}'" in err
