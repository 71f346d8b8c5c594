"""The push response: status from the first error, body bytes as Go's json.Marshal writes them."""

from __future__ import annotations

import json

from foreign_explorer.core.response import (
    EMPTY_DETAIL,
    MESSAGES,
    STATUS,
    PushResponse,
    RegistryError,
    detail,
)

DIGEST = "sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"
UNKNOWN = RegistryError("UNKNOWN")
BLOB_UNKNOWN = RegistryError("MANIFEST_BLOB_UNKNOWN", detail(DIGEST))


def test_no_error_is_201_created_with_an_empty_body():
    response = PushResponse()
    assert response.accepted
    assert response.status == 201
    assert response.status_line == "201 Created"
    assert response.body == b""


def test_blog_response_body_bytes():
    response = PushResponse((UNKNOWN, RegistryError("UNKNOWN", EMPTY_DETAIL), BLOB_UNKNOWN))
    assert response.body == (
        b'{"errors":[{"code":"UNKNOWN","message":"unknown error"},'
        b'{"code":"UNKNOWN","message":"unknown error","detail":{}},'
        b'{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry",'
        b'"detail":"' + DIGEST.encode() + b'"}]}\n'
    )
    assert not response.accepted
    assert response.status_line == "500 Internal Server Error"


def test_body_ends_with_one_newline_and_is_json():
    body = PushResponse((UNKNOWN,)).body
    assert body.endswith(b"}\n") and not body.endswith(b"\n\n")
    assert json.loads(body) == {"errors": [{"code": "UNKNOWN", "message": "unknown error"}]}


def test_status_is_that_of_the_first_error_unknown_first():
    assert PushResponse((UNKNOWN, BLOB_UNKNOWN)).status == 500


def test_status_is_that_of_the_first_error_blob_unknown_first():
    assert PushResponse((BLOB_UNKNOWN, UNKNOWN)).status == 400


def test_digest_invalid_first_gives_400_even_with_unknown_later():
    response = PushResponse((RegistryError("DIGEST_INVALID"), BLOB_UNKNOWN, UNKNOWN))
    assert response.status == 400
    assert response.status_line == "400 Bad Request"


def test_manifest_invalid_is_400():
    assert PushResponse((RegistryError("MANIFEST_INVALID", b"{}"),)).status == 400


def test_every_code_has_a_message_and_a_status():
    assert (
        set(MESSAGES)
        == set(STATUS)
        == {
            "UNKNOWN",
            "MANIFEST_BLOB_UNKNOWN",
            "MANIFEST_INVALID",
            "DIGEST_INVALID",
        }
    )
    assert MESSAGES["DIGEST_INVALID"] == "provided digest did not match uploaded content"
    assert MESSAGES["MANIFEST_INVALID"] == "manifest invalid"


def test_error_keys_are_in_go_order_code_message_detail():
    text = RegistryError("MANIFEST_BLOB_UNKNOWN", detail("x")).to_json()
    assert (
        text
        == b'{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry","detail":"x"}'
    )


def test_error_without_detail_has_no_detail_key():
    assert RegistryError("UNKNOWN").to_json() == b'{"code":"UNKNOWN","message":"unknown error"}'


def test_html_characters_in_a_detail_are_escaped_like_go():
    assert detail("<a href='x'>&</a>") == b"\"\\u003ca href='x'\\u003e\\u0026\\u003c/a\\u003e\""


def test_html_characters_stay_escaped_in_the_body():
    body = PushResponse((RegistryError("MANIFEST_BLOB_UNKNOWN", detail("a<b>&c")),)).body
    assert b"\\u003c" in body and b"\\u003e" in body and b"\\u0026" in body
    assert b"<" not in body and b">" not in body and b"&" not in body
    assert json.loads(body)["errors"][0]["detail"] == "a<b>&c"


def test_detail_of_an_empty_go_error_value_is_an_empty_object():
    assert detail({}) == EMPTY_DETAIL == b"{}"


def test_non_ascii_detail_is_written_as_utf8():
    assert detail("é") == '"é"'.encode()
