"""`foreign-explorer export`: every form on stdout or in a file, merging, and its refusals."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from foreign_explorer.cli import main
from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.export import (
    config_document,
    config_snippet,
    env_text,
    helm_values,
)
from foreign_explorer.core.policy import PolicySource, source_from_config

MCR = r"^https://mcr\.microsoft\.com/"
POLICY = PolicySource(allow=(MCR,))
SNIPPET = (
    "validation:\n"
    "  manifests:\n"
    "    urls:\n"
    "      allow:\n"
    "        - ^https://mcr\\.microsoft\\.com/\n"
    "      deny: []\n"
)


def _run(capsys, *args: str) -> tuple[int, str, str]:
    status = main(["export", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_default_form_is_the_snippet(capsys) -> None:
    assert _run(capsys, "--allow", MCR) == (0, SNIPPET, "")


@pytest.mark.parametrize(
    ("form", "renderer"),
    [("snippet", config_snippet), ("config", config_document), ("env", env_text),
     ("helm", helm_values)],
)  # fmt: skip
def test_each_format_prints_its_form(capsys, form: str, renderer) -> None:
    status, out, err = _run(capsys, "--allow", MCR, "--format", form)
    assert (status, err) == (0, "")
    assert out == renderer(POLICY)


def test_policy_comes_from_config_env_file_and_flags_like_check(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "validation:\n  manifests:\n    urls:\n      allow: ['^https://a/']\n      deny: ['x']\n",
        encoding="utf-8",
    )
    env = tmp_path / "registry.env"
    env.write_text("REGISTRY_VALIDATION_MANIFESTS_URLS_DENY='[\"y\"]'\n", encoding="utf-8")
    status, out, _ = _run(capsys, "--config", str(config), "--env-file", str(env))
    assert status == 0
    assert source_from_config(out) == PolicySource(allow=("^https://a/",), deny=("y",))
    status, out, _ = _run(capsys, "--config", str(config), "--allow", MCR)
    assert source_from_config(out) == PolicySource(allow=(MCR,), deny=("x",))


def test_validation_disabled_flag_is_exported(capsys) -> None:
    status, out, _ = _run(capsys, "--allow", MCR, "--validation-disabled", "--format", "env")
    assert status == 0
    assert parse_env_file(out)["REGISTRY_VALIDATION_DISABLED"] == "true"


# --- a policy that would stop the registry is never exported ----------------------------------


def test_a_pattern_the_registry_panics_on_is_refused_with_its_text(capsys) -> None:
    status, out, err = _run(capsys, "--allow", "(?=x)")
    assert status == 3
    assert out == ""
    assert err == (
        "foreign-explorer export: registry would not start: validation.manifests.urls.allow: "
        "error parsing regexp: invalid or unsupported Perl syntax: `(?=`; nothing exported\n"
    )


def test_the_target_decides_what_compiles(capsys) -> None:
    named = r"^https://(?<host>mcr)\.microsoft\.com/"
    assert _run(capsys, "--allow", named)[0] == 3
    status, out, _ = _run(capsys, "--allow", named, "--target", "distribution-3")
    assert status == 0
    assert source_from_config(out) == PolicySource(allow=(named,))


def test_an_unreadable_config_policy_is_a_startup_refusal(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("validation:\n  manifests:\n    urls:\n      allow: '^x'\n", encoding="utf-8")
    status, out, err = _run(capsys, "--config", str(config))
    assert (status, out) == (3, "")
    assert "registry would not start" in err


@pytest.mark.parametrize("where", ["--output", "--merge-into"])
def test_a_refused_policy_writes_no_file(capsys, tmp_path: Path, where: str) -> None:
    target = tmp_path / "config.yml"
    if where == "--merge-into":
        target.write_text("version: 0.1\n", encoding="utf-8")
    status, _, _ = _run(capsys, "--allow", "\\Qabc", "--allow", "x", where, str(target))
    assert status == 3
    expected = ["config.yml"] if where == "--merge-into" else []
    assert sorted(p.name for p in tmp_path.iterdir()) == expected


# --- --output -----------------------------------------------------------------------------------


def test_output_writes_the_form_to_a_file(capsys, tmp_path: Path) -> None:
    target = tmp_path / "values.yaml"
    status, out, err = _run(capsys, "--allow", MCR, "--format", "helm", "-o", str(target))
    assert (status, out) == (0, "")
    assert err == f"wrote {target}\n"
    assert target.read_text(encoding="utf-8") == helm_values(POLICY)


def test_output_never_clobbers_without_force(capsys, tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("keep\n", encoding="utf-8")
    status, _, err = _run(capsys, "--allow", MCR, "--output", str(target))
    assert status == 2
    assert (
        err == f"foreign-explorer export: {target} exists; not overwritten (--force replaces it)\n"
    )
    assert target.read_text(encoding="utf-8") == "keep\n"
    assert _run(capsys, "--allow", MCR, "--output", str(target), "--force")[0] == 0
    assert target.read_text(encoding="utf-8") == SNIPPET


# --- --merge-into -------------------------------------------------------------------------------

CONFIG = """\
# ours
version: 0.1
http:
  addr: :5000   # behind the proxy
validation:
  manifests:
    urls:
      allow: []
"""


def test_merge_into_rewrites_the_urls_keeps_the_rest_and_makes_a_backup(
    capsys, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, err) == (0, "")
    assert out == (f"merged into {config} (validation.manifests.urls); backup: {config}.bak\n")
    assert (tmp_path / "config.yml.bak").read_text(encoding="utf-8") == CONFIG
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# ours\nversion: 0.1\nhttp:\n  addr: :5000   # behind the proxy\n")
    assert source_from_config(text) == POLICY
    assert yaml.safe_load(text)["http"] == {"addr": ":5000"}


def test_merge_into_twice_leaves_the_file_alone_the_second_time(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    assert _run(capsys, "--allow", MCR, "--merge-into", str(config))[0] == 0
    status, out, _ = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert status == 0
    assert out == f"{config} already carries this policy; left unchanged\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "config.yml.bak"]


def test_merge_into_that_would_drop_comments_asks_for_force_first(capsys, tmp_path: Path) -> None:
    original = "validation:\n  manifests:\n    urls:\n      allow:\n        - ^x  # old host\n"
    config = tmp_path / "config.yml"
    config.write_text(original, encoding="utf-8")
    status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, out) == (2, "")
    assert err == (
        f"foreign-explorer export: {config}: merging would drop the comment on line 5 "
        "(inside validation.manifests.urls); nothing written (--force drops them)\n"
    )
    assert config.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(config), "--force")
    assert status == 0
    assert err == "foreign-explorer export: dropped the comments on lines 5 (--force)\n"
    assert source_from_config(config.read_text(encoding="utf-8")) == POLICY


def test_merge_into_invalid_yaml_is_one_line_and_writes_nothing(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text("version: [0.1\nhttp: {}\n", encoding="utf-8")
    status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"foreign-explorer export: {config}: not valid YAML: ")
    assert err.endswith("; nothing written\n")
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


def test_merge_into_a_missing_file_is_one_line(capsys, tmp_path: Path) -> None:
    missing = tmp_path / "nope.yml"
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(missing))
    assert status == 2
    assert err == (
        f"foreign-explorer export: cannot read {missing}: No such file or directory; "
        "nothing written\n"
    )


def test_merge_into_with_another_format_or_output_is_a_usage_error(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(config), "--format", "env")
    assert status == 2
    assert "drop --format" in err
    with pytest.raises(SystemExit) as caught:
        main(["export", "--merge-into", str(config), "--output", "x.yml"])
    assert caught.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err
    assert config.read_text(encoding="utf-8") == CONFIG


# --- the real entry point -----------------------------------------------------------------------


def test_python_m_foreign_explorer_export_prints_the_env_form() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "foreign_explorer", "export", "--allow", MCR, "--format", "env"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    assert done.stdout == env_text(POLICY)


def test_export_help_lists_every_form(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["export", "--help"])
    assert caught.value.code == 0
    out = capsys.readouterr().out
    for word in ("snippet", "config", "env", "helm", "--merge-into", "--output", "--force"):
        assert word in out


def test_top_help_mentions_export(capsys) -> None:
    assert main(["--help"]) == 0
    assert "foreign-explorer export" in capsys.readouterr().out
