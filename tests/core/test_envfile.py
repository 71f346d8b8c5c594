import pytest

from foreign_explorer.core.envfile import EnvFileError, parse_env_file


def test_plain_lines_comments_and_export():
    text = "# comment\n\nexport A=1\nB = two words # trailing\n"
    assert parse_env_file(text) == {"A": "1", "B": "two words"}


def test_single_quotes_are_literal():
    text = "REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW='[\"^https://mcr\\.microsoft\\.com/\"]'\n"
    value = parse_env_file(text)["REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW"]
    assert value == '["^https://mcr\\.microsoft\\.com/"]'


def test_double_quotes_drop_one_backslash():
    text = "A=\"['^https://mcr\\\\.microsoft\\\\.com/']\"\n"
    assert parse_env_file(text)["A"] == "['^https://mcr\\.microsoft\\.com/']"


def test_double_quotes_newline_escape():
    assert parse_env_file('A="x\\ny"\n')["A"] == "x\ny"


def test_multiline_quoted_value():
    assert parse_env_file("A='- a\n- b'\nB=1\n") == {"A": "- a\n- b", "B": "1"}


def test_line_without_equals_is_an_error_with_line_number():
    with pytest.raises(EnvFileError, match="line 2"):
        parse_env_file("A=1\nnonsense\n")


def test_unterminated_quote_is_an_error():
    with pytest.raises(EnvFileError, match="unterminated"):
        parse_env_file("A='abc\n")
