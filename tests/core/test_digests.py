import pytest

from foreign_explorer.core.digests import (
    INVALID_FORMAT,
    INVALID_LENGTH,
    UNSUPPORTED,
    validate_digest,
)

GOOD = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("digest", "expected"),
    [
        (GOOD, None),
        ("sha512:" + "0" * 128, None),
        ("", INVALID_FORMAT),
        ("sha256", INVALID_FORMAT),
        ("sha256:", INVALID_FORMAT),
        (":abc", INVALID_FORMAT),
        ("sha256:abc", INVALID_LENGTH),
        ("sha256:" + "AB" * 32, INVALID_FORMAT),
        ("md5:abc", UNSUPPORTED),
        ("MD5:abc", INVALID_FORMAT),
        ("foo+bar:a=b", UNSUPPORTED),
        ("sha256:" + "é" * 32, INVALID_FORMAT),
        ("sha256:" + "é" * 64, INVALID_LENGTH),
    ],
)
def test_go_digest_validation(digest, expected):
    assert validate_digest(digest) == expected
