"""The harness against the real docker-registry 2.8.2: each test pins a documented fact."""

from __future__ import annotations

import gzip
import io
import json
import os
import socket
import struct
import subprocess
import sys
import tarfile
import textwrap
import threading
from importlib.resources import files
from pathlib import Path

import pytest

from tests.registry import harness, images
from tests.registry.harness import (
    RegistryHarnessError,
    RegistryPool,
    RunningRegistry,
    parse_log_line,
    policy_key,
    upload_url,
)

FOREIGN_DIGEST = "sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"
FOREIGN_URL = "https://mcr.microsoft.com/v2/windows/nanoserver/blobs/" + FOREIGN_DIGEST
# The response body quoted in the blog (til-foreign-layers), byte for byte.
BLOG_BODY = (
    b'{"errors":[{"code":"UNKNOWN","message":"unknown error"},'
    b'{"code":"UNKNOWN","message":"unknown error","detail":{}},'
    b'{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry",'
    b'"detail":"sha256:62239e9aa1a352a20b0d4969c2b508b8a18d10e799d4db72e6f24ccbb2c724d9"}]}\n'
)
ALLOW_MCR = {"manifests": {"urls": {"allow": [r"^https://mcr\.microsoft\.com/"]}}}
URL_FAILURE_LOG = ["unknown error", "invalid URL on layer", "blob unknown to registry"]
MISSING_URL_LOG = ["unknown error", "missing URL on layer", "blob unknown to registry"]


def _error(code: str, message: str, detail: object = None) -> dict[str, object]:
    entry: dict[str, object] = {"code": code, "message": message}
    if detail is not None:
        entry["detail"] = detail
    return entry


def _body(*errors: dict[str, object]) -> bytes:
    return json.dumps({"errors": list(errors)}, separators=(",", ":")).encode() + b"\n"


def _url_failure(digest: str) -> list[dict[str, object]]:
    return [
        _error("UNKNOWN", "unknown error"),
        _error("UNKNOWN", "unknown error", {}),
        _error("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", digest),
    ]


def _blog_image() -> images.Image:
    """The blog's image rebuilt: real config and layers, the sample's foreign layer as is."""
    foreign = images.foreign_layer([FOREIGN_URL], digest=FOREIGN_DIGEST, size=101340070)
    return images.docker_image([foreign, *(images.layer(f"pause-{i}") for i in range(5))])


def _sample_manifest() -> bytes:
    sample = files("foreign_explorer").joinpath("sample/kubelet-pause.manifest.json")
    return sample.read_bytes()


# --- the blog's case and its fix -----------------------------------------------------------------


def test_sample_without_its_blobs_reports_each_missing_blob_after_the_foreign_url(
    default_registry: RunningRegistry,
) -> None:
    sample = json.loads(_sample_manifest())
    expected = _body(
        _error("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", sample["config"]["digest"]),
        *_url_failure(FOREIGN_DIGEST),
        *(
            _error("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", layer["digest"])
            for layer in sample["layers"][1:]
        ),
    )

    result = default_registry.push_manifest(
        default_registry.new_repo("sample"), "v1", _sample_manifest(), images.DOCKER_MANIFEST
    )

    # The missing config comes first, so its 400 wins over the URL failure's 500.
    assert (result.status, result.body) == (400, expected)


def test_default_config_rejects_the_blog_image_with_the_blog_body(
    default_registry: RunningRegistry,
) -> None:
    result = images.push_image(default_registry, default_registry.new_repo("blog"), _blog_image())

    assert (result.status, result.body) == (500, BLOG_BODY)
    assert default_registry.log_errors(result) == URL_FAILURE_LOG


def test_allowing_mcr_admits_the_blog_image(registry_pool: RegistryPool) -> None:
    registry = registry_pool.registry_for(ALLOW_MCR)
    image = _blog_image()

    result = images.push_image(registry, registry.new_repo("blog"), image)

    assert (result.status, result.body) == (201, b"")
    assert result.headers["Docker-Content-Digest"] == image.digest


# --- start-up failures ---------------------------------------------------------------------------


def test_lookahead_pattern_makes_startup_panic_with_go_error(registry_pool: RegistryPool) -> None:
    registry = registry_pool.registry_for({"manifests": {"urls": {"allow": ["(?=x)"]}}})

    assert registry.startup_failure == (
        "validation.manifests.urls.allow: error parsing regexp: "
        "invalid or unsupported Perl syntax: `(?=`"
    )
    assert not registry.is_running()


def test_pattern_broken_only_when_wrapped_panics_in_joined_compile(
    registry_pool: RegistryPool,
) -> None:
    registry = registry_pool.registry_for({"manifests": {"urls": {"allow": [r"^\Qabc"]}}})

    assert registry.startup_failure == (
        r"regexp: Compile(`(?:^\Qabc)`): error parsing regexp: missing closing ): `(?:^\Qabc)`"
    )


def test_base_url_of_a_registry_that_did_not_start_raises(registry_pool: RegistryPool) -> None:
    registry = registry_pool.registry_for({"manifests": {"urls": {"deny": ["a{1001}"]}}})

    with pytest.raises(RegistryHarnessError, match="invalid repeat count"):
        _ = registry.base_url


def test_scalar_env_list_is_a_configuration_error(registry_pool: RegistryPool) -> None:
    registry = registry_pool.registry_for(
        None, env={"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": "mcr"}
    )

    assert registry.startup_failure is not None
    assert registry.startup_failure.startswith("configuration error: error parsing ")
    assert registry.startup_failure.endswith("cannot unmarshal !!str `mcr` into []string")


# --- the log -------------------------------------------------------------------------------------


def test_log_tells_invalid_url_from_missing_url_when_body_cannot(
    default_registry: RunningRegistry,
) -> None:
    with_bad_url = images.foreign_layer(["ftp://mcr.microsoft.com/x"], digest=FOREIGN_DIGEST)
    without_url = images.foreign_layer(None, digest=FOREIGN_DIGEST)
    repo = default_registry.new_repo("log")

    invalid = images.push_image(default_registry, repo, images.docker_image([with_bad_url]))
    missing = images.push_image(default_registry, repo, images.docker_image([without_url]))

    assert invalid.body == missing.body == _body(*_url_failure(FOREIGN_DIGEST))
    assert default_registry.log_errors(invalid) == URL_FAILURE_LOG
    assert default_registry.log_errors(missing) == MISSING_URL_LOG


def test_log_errors_defaults_to_the_last_request(default_registry: RunningRegistry) -> None:
    repo = default_registry.new_repo("last")
    images.push_image(default_registry, repo, images.docker_image([images.foreign_layer(None)]))

    assert default_registry.log_errors() == MISSING_URL_LOG


def test_log_errors_of_an_accepted_push_is_empty(default_registry: RunningRegistry) -> None:
    result = images.push_image(
        default_registry, default_registry.new_repo("ok"), images.docker_image([images.layer()])
    )

    assert result.status == 201
    assert default_registry.log_errors(result) == []
    assert default_registry.log_errors() == []


def test_log_line_values_are_go_unquoted() -> None:
    line = r'time="t" level=error msg="x" err.message="a \"b\"\tc\u00e9\xff" vars.name=t/a'

    record = parse_log_line(line)

    assert record["err.message"] == 'a "b"\tcé\ufffd'
    assert record["vars.name"] == "t/a"


# --- policies given as raw YAML and environment --------------------------------------------------


def test_empty_yaml_list_item_is_a_pattern_that_allows_every_url(
    registry_pool: RegistryPool,
) -> None:
    raw = "validation:\n  manifests:\n    urls:\n      allow:\n        -\n"
    registry = registry_pool.registry_for(None, raw_config=raw)

    result = images.push_image(registry, registry.new_repo("raw"), _blog_image())

    assert result.status == 201


def test_env_list_replaces_the_allow_list(registry_pool: RegistryPool) -> None:
    env = {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": r"['^https://mcr\.microsoft\.com/']"}
    registry = registry_pool.registry_for(None, env=env)

    result = images.push_image(registry, registry.new_repo("env"), _blog_image())

    assert result.status == 201


def test_env_list_with_doubled_backslashes_rejects_the_real_url(
    registry_pool: RegistryPool,
) -> None:
    env = {"REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW": r"['^https://mcr\\.microsoft\\.com/']"}
    registry = registry_pool.registry_for(None, env=env)

    result = images.push_image(registry, registry.new_repo("env"), _blog_image())

    assert (result.status, result.body) == (500, BLOG_BODY)


@pytest.mark.registry
def test_inherited_registry_env_does_not_reach_the_registry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW", "['']")

    with RunningRegistry(None) as registry:
        result = images.push_image(registry, registry.new_repo("env"), _blog_image())

    assert result.status == 500


# --- descriptor builders against the registry's rules --------------------------------------------


def test_oci_gzip_layer_with_urls_is_url_checked(default_registry: RunningRegistry) -> None:
    foreign = images.oci_layer("oci", urls=["https://mcr.microsoft.com/x"], upload=False)

    result = images.push_image(
        default_registry, default_registry.new_repo("oci"), images.oci_image([foreign])
    )

    assert (result.status, result.body) == (500, _body(*_url_failure(foreign.digest)))


def test_oci_nondistributable_layer_with_allowed_url_is_admitted_without_blob(
    registry_pool: RegistryPool,
) -> None:
    registry = registry_pool.registry_for(ALLOW_MCR)
    foreign = images.oci_nondistributable_layer(["https://mcr.microsoft.com/x"])

    result = images.push_image(registry, registry.new_repo("oci"), images.oci_image([foreign]))

    assert result.status == 201


def test_zstd_layer_urls_are_not_checked_in_2_8(default_registry: RunningRegistry) -> None:
    zstd = images.oci_layer("z", compression="zstd", urls=["ftp://x/"], upload=False)

    result = images.push_image(
        default_registry, default_registry.new_repo("zstd"), images.oci_image([zstd])
    )

    assert result.status == 201


def test_missing_regular_layer_gives_only_blob_unknown(default_registry: RunningRegistry) -> None:
    missing = images.layer("missing").without_upload()

    result = images.push_image(
        default_registry, default_registry.new_repo("miss"), images.docker_image([missing])
    )

    assert (result.status, result.body) == (
        400,
        _body(_error("MANIFEST_BLOB_UNKNOWN", "blob unknown to registry", missing.digest)),
    )


def test_upper_case_urls_key_fills_urls(registry_pool: RegistryPool) -> None:
    registry = registry_pool.registry_for(ALLOW_MCR)
    foreign = images.foreign_layer(None).with_members('"URLS":["https://mcr.microsoft.com/x"]')

    result = images.push_image(registry, registry.new_repo("case"), images.docker_image([foreign]))

    assert result.status == 201


def test_null_urls_is_a_missing_url(default_registry: RunningRegistry) -> None:
    foreign = images.foreign_layer(None).with_members('"urls":null')

    result = images.push_image(
        default_registry, default_registry.new_repo("null"), images.docker_image([foreign])
    )

    assert default_registry.log_errors(result) == MISSING_URL_LOG


def test_arbitrary_media_type_with_urls_is_not_checked_in_2_8(
    default_registry: RunningRegistry,
) -> None:
    odd = images.descriptor("application/x-odd", b"odd", urls=["ftp://x/"], upload=False)

    result = images.push_image(
        default_registry, default_registry.new_repo("odd"), images.docker_image([odd])
    )

    assert result.status == 201


def test_raw_descriptor_goes_into_the_manifest_verbatim() -> None:
    text = '{"mediaType":"x","size":1,"digest":"sha256:ab","urls":["a"],"urls":null}'

    image = images.docker_image([images.raw_descriptor(text)])

    assert b',"layers":[' + text.encode() + b"]}" in image.manifest


# --- images: real, deterministic blobs -----------------------------------------------------------


def test_same_layers_give_the_same_manifest_bytes() -> None:
    def build() -> images.Image:
        return images.oci_image([images.oci_layer("a"), images.oci_nondistributable_layer(["u"])])

    assert build() == build()


def test_gzip_layer_is_a_tar_whose_digest_is_the_config_diff_id() -> None:
    layer = images.layer("abc")
    image = images.docker_image([layer])
    config = json.loads(image.blobs[0].data)

    tar = gzip.decompress(image.blobs[1].data)

    with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
        assert archive.extractfile("abc.txt").read() == b"abc\n"
    assert config["rootfs"]["diff_ids"] == [images.digest_of(tar)]


def test_zstd_layer_is_one_raw_block_frame_of_the_tar() -> None:
    tar = images.tar_archive("z")
    frame = images.oci_layer("z", compression="zstd").blobs[0].data

    magic, descriptor, size = struct.unpack_from("<IBI", frame)
    block_header = int.from_bytes(frame[9:12], "little")

    assert (magic, descriptor, size) == (0xFD2FB528, 0xA0, len(tar))
    assert (block_header & 1, block_header >> 3, frame[12:]) == (1, len(tar), tar)


def test_foreign_layer_is_not_uploaded_but_regular_and_config_are() -> None:
    regular = images.layer("r")
    image = images.docker_image([images.foreign_layer(["https://x/"]), regular])

    assert [b.digest for b in image.blobs][1:] == [regular.digest]
    assert len(image.blobs) == 2


def test_with_members_appends_before_the_closing_brace() -> None:
    desc = images.raw_descriptor('{"a":1}').with_members('"urls":null')

    assert desc.json == '{"a":1,"urls":null}'


# --- harness plumbing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (
            "http://h/v2/r/blobs/uploads/u?_state=s",
            "http://h/v2/r/blobs/uploads/u?_state=s&digest=d",
        ),
        ("http://h/v2/r/blobs/uploads/u", "http://h/v2/r/blobs/uploads/u?digest=d"),
    ],
)
def test_upload_url_appends_digest_to_any_location(location: str, expected: str) -> None:
    assert upload_url(location, "d") == expected


def test_policy_key_ignores_dict_order_but_not_content() -> None:
    one = {"manifests": {"urls": {"allow": ["a"], "deny": ["b"]}}}
    same = {"manifests": {"urls": {"deny": ["b"], "allow": ["a"]}}}

    assert policy_key(one) == policy_key(same)
    assert policy_key(one) != policy_key(one, env={"X": "1"})


@pytest.mark.registry
def test_pool_starts_one_process_per_policy_across_threads() -> None:
    pool = RegistryPool()
    got: list[RunningRegistry] = []
    try:
        threads = [
            threading.Thread(target=lambda: got.append(pool.registry_for(ALLOW_MCR)))
            for _ in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        other = pool.registry_for(None)

        assert len({id(r) for r in got}) == 1
        assert other is not got[0] and other.port != got[0].port
    finally:
        pool.close()

    assert not got[0].is_running() and not got[0].config_path.exists()


@pytest.mark.registry
def test_stopped_registry_keeps_its_log() -> None:
    with RunningRegistry(None) as registry:
        registry.push_manifest(registry.new_repo("log"), "v1", b"{}", images.DOCKER_MANIFEST)

    assert not registry.is_running()
    assert "response completed with error" in registry.log_text()


# --- enabling and requiring ----------------------------------------------------------------------


def _run_gated_session(tmp_path: Path, require: bool) -> subprocess.CompletedProcess[str]:
    """A pytest session whose PATH has no docker-registry, with our conftest."""
    repo_root = Path(__file__).resolve().parents[2]
    (tmp_path / "conftest.py").write_text("from tests.conftest import *  # noqa: F403\n")
    (tmp_path / "test_gated.py").write_text(
        textwrap.dedent(
            """
            import pytest

            @pytest.mark.registry
            def test_marked():
                pass

            def test_uses_pool(registry_pool):
                pass
            """
        )
    )
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "FOREIGN_EXPLORER_REQUIRE_REGISTRY"}
    # No plugin autoload: the gate is ours, and the session starts in a fraction of the time.
    env |= {
        "PATH": str(empty_bin),
        "PYTHONPATH": str(repo_root),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    if require:
        env["FOREIGN_EXPLORER_REQUIRE_REGISTRY"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_missing_binary_skips_with_how_to_enable(tmp_path: Path) -> None:
    run = _run_gated_session(tmp_path, require=False)

    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 skipped" in run.stdout
    assert "apt-get install docker-registry" in run.stdout


def test_missing_binary_fails_when_required(tmp_path: Path) -> None:
    run = _run_gated_session(tmp_path, require=True)

    assert run.returncode == 1, run.stdout + run.stderr
    assert "2 errors" in run.stdout
    assert "docker-registry not found; install Debian's docker-registry package" in run.stdout


@pytest.mark.registry
def test_port_taken_between_choice_and_bind_is_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken])
        real_free_port = harness._free_port
        monkeypatch.setattr(harness, "_free_port", lambda: next(ports, None) or real_free_port())

        with RunningRegistry(None) as registry:
            assert registry.startup_failure is None
            assert registry.port != taken
            assert registry.is_running()
