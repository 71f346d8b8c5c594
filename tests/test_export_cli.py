"""`foreign-explorer export`: every form on stdout or in a file, merging, and its refusals."""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from foreign_explorer.cli import main
from foreign_explorer.core.configkeys import config_keys, fates
from foreign_explorer.core.envfile import parse_env_file
from foreign_explorer.core.export import (
    config_document,
    config_snippet,
    env_text,
    helm_values,
)
from foreign_explorer.core.policy import PolicySource, source_from_config
from foreign_explorer.core.profiles import DISTRIBUTION_2_8, DISTRIBUTION_3

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
    assert out == (
        f"merged into {config} (allow: replaced, now 1 pattern; deny: kept, 0 patterns); "
        f"backup: {config}.bak\n"
    )
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
        "(inside validation.manifests.urls.allow); nothing written (--force drops them)\n"
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


# --- merging starts from the config's own policy ----------------------------------------------

KEPT_DENY = """\
version: 0.1
validation:
  manifests:
    urls:
      allow:
        - ^https://old\\.example/
      # never these, whatever allow says
      deny:
        - ^https://evil\\.example/x$   # the known bad blob
        - ^https://evil\\.example/secret/   # internal mirror
"""
DENY_BLOCK = KEPT_DENY[KEPT_DENY.index("      # never these") :]


EVIL_HOST = r"^https://evil\.example/"


def test_merge_with_allow_only_keeps_the_deny_list_and_its_comments(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(KEPT_DENY, encoding="utf-8")
    argv = ("--allow", MCR, "--allow", EVIL_HOST, "--merge-into", str(config))
    status, out, err = _run(capsys, *argv)
    assert status == 0
    assert out == (
        f"merged into {config} (allow: replaced, now 2 patterns; deny: kept, 2 patterns); "
        f"backup: {config}.bak\n"
    )
    text = config.read_text(encoding="utf-8")
    assert text.endswith(DENY_BLOCK)
    assert source_from_config(text) == PolicySource(
        allow=(MCR, EVIL_HOST),
        deny=(r"^https://evil\.example/x$", r"^https://evil\.example/secret/"),
    )
    # The kept list acts with the new one: the lint says what the pair lets through.
    assert "\nWARN deny[0] ^https://evil\\.example/x$ (deny-dodged-by-percent-encoding): " in err


def test_merge_with_deny_only_keeps_the_allow_list(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    original = "validation:\n  manifests:\n    urls:\n      allow:   # trusted\n        - ^x\n"
    config.write_text(original, encoding="utf-8")
    status, out, _ = _run(capsys, "--deny", "^http://", "--merge-into", str(config))
    assert status == 0
    assert "(allow: kept, 1 pattern; deny: replaced, now 1 pattern)" in out
    text = config.read_text(encoding="utf-8")
    assert text.startswith(original)
    assert source_from_config(text) == PolicySource(allow=("^x",), deny=("^http://",))


def test_merge_with_validation_disabled_only_turns_the_switch(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(KEPT_DENY, encoding="utf-8")
    status, out, _ = _run(capsys, "--validation-disabled", "--merge-into", str(config))
    assert status == 0
    assert "(allow: kept, 1 pattern; deny: kept, 2 patterns; validation: turned off)" in out
    assert config.read_text(encoding="utf-8") == KEPT_DENY + "  disabled: true\n"


def test_merge_with_another_config_takes_that_configs_whole_policy(capsys, tmp_path: Path) -> None:
    other = tmp_path / "other.yml"
    other.write_text("validation: {manifests: {urls: {allow: ['^y']}}}\n", encoding="utf-8")
    config = tmp_path / "config.yml"
    config.write_text(KEPT_DENY, encoding="utf-8")
    argv = ("--config", str(other), "--merge-into", str(config), "--force")
    status, out, _ = _run(capsys, *argv)
    assert status == 0
    assert "(allow: replaced, now 1 pattern; deny: replaced, now 0 patterns)" in out
    assert source_from_config(config.read_text(encoding="utf-8")) == PolicySource(allow=("^y",))


def test_merge_with_an_env_file_replaces_the_lists_it_sets_on_top_of_the_configs(
    capsys, tmp_path: Path
) -> None:
    env = tmp_path / "registry.env"
    env.write_text("REGISTRY_VALIDATION_MANIFESTS_URLS_ALLOW='[\"^z\"]'\n", encoding="utf-8")
    config = tmp_path / "config.yml"
    config.write_text(KEPT_DENY, encoding="utf-8")
    status, out, _ = _run(capsys, "--env-file", str(env), "--merge-into", str(config))
    assert status == 0
    assert "(allow: replaced, now 1 pattern; deny: kept, 2 patterns)" in out
    assert config.read_text(encoding="utf-8").endswith(DENY_BLOCK)


def test_merge_into_a_config_the_registry_cannot_read_is_refused(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    original = "validation:\n  manifests:\n    urls:\n      deny: '^x'\n"
    config.write_text(original, encoding="utf-8")
    status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, out) == (2, "")
    assert err == (
        f"foreign-explorer export: {config}: the registry cannot read its validation section "
        "(yaml: unmarshal errors: line 4: cannot unmarshal !!str `^x` into []string): "
        "fix it by hand; nothing written\n"
    )
    assert config.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


def test_a_kept_list_that_would_stop_the_registry_refuses_the_merge(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(
        "validation:\n  manifests:\n    urls:\n      deny: ['(?=x)']\n", encoding="utf-8"
    )
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert status == 3
    assert err.startswith("foreign-explorer export: registry would not start: ")
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


# --- a merge adds no key the registry never reads, and names those the file holds -------------

# The documentation's example with the lists one level too high, beside a deny list in place.
MISINDENTED = """\
version: 0.1
validation:
  allow:
    - ^https?://([^/]+\\.)*example\\.com/
  deny:
    - ^https?://www\\.example\\.com/
  manifests:
    urls:
      deny:
        - ^http://
"""
# GitLab's fork example: its limits beside the URL lists.
GITLAB = """\
version: 0.1
validation:
  manifests:
    referencelimit: 150
    payloadsizelimit: 64000
    urls:
      allow:
        - ^https://old\\.example/
"""


def _warned(err: str) -> list[str]:
    """`where (code)` of each WARN line on stderr."""
    return [" ".join(line.split()[1:3]) for line in err.splitlines() if line[:4] == "WARN"]


def _unread(text: str) -> dict[str, set[str]]:
    """The paths each registry never reads, per profile."""
    keys = config_keys(text)
    return {
        p.name: {f.key.path for f in fates(keys, p)} for p in (DISTRIBUTION_2_8, DISTRIBUTION_3)
    }


def test_merge_into_a_misindented_config_names_the_unread_lists_and_adds_none(
    capsys, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(MISINDENTED, encoding="utf-8")
    status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert status == 0
    assert "(allow: replaced, now 1 pattern; deny: kept, 1 pattern)" in out
    assert _warned(err)[-2:] == [
        "validation.allow (ignored-key):",
        "validation.deny (ignored-key):",
    ]
    flat = " ".join(err.split())
    assert "did you mean validation.manifests.urls.allow?" in flat
    assert "rejected: https://example.com/" in flat
    text = config.read_text(encoding="utf-8")
    assert source_from_config(text) == PolicySource(allow=(MCR,), deny=("^http://",))
    assert _unread(text) == _unread(MISINDENTED)


def test_merge_into_gitlabs_example_names_its_fork_only_limits(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(GITLAB, encoding="utf-8")
    status, _, err = _run(
        capsys, "--allow", MCR, "--merge-into", str(config), "--target", "distribution-3"
    )
    assert status == 0
    assert _warned(err) == [
        "validation.manifests.referencelimit (fork-only-key):",
        "validation.manifests.payloadsizelimit (fork-only-key):",
    ]
    assert "GitLab's fork of the registry; distribution 3.1 ignores it" in " ".join(err.split())
    text = config.read_text(encoding="utf-8")
    assert source_from_config(text) == POLICY
    assert _unread(text) == _unread(GITLAB)


def test_a_file_that_already_carries_the_policy_still_names_its_unread_keys(
    capsys, tmp_path: Path
) -> None:
    config = tmp_path / "config.yml"
    config.write_text(GITLAB, encoding="utf-8")
    status, out, err = _run(
        capsys, "--allow", r"^https://old\.example/", "--merge-into", str(config)
    )
    assert (status, out) == (0, f"{config} already carries this policy; left unchanged\n")
    assert _warned(err) == [
        "validation.manifests.referencelimit (fork-only-key):",
        "validation.manifests.payloadsizelimit (fork-only-key):",
    ]
    assert config.read_text(encoding="utf-8") == GITLAB


def test_a_key_finding_of_both_the_policy_and_the_file_is_shown_once(
    capsys, tmp_path: Path
) -> None:
    # --config holds the same unread lists as the target, whose deny list is kept: the kept
    # list's lint and the file's own keys both name validation.allow and validation.deny.
    other = tmp_path / "other.yml"
    other.write_text(MISINDENTED, encoding="utf-8")
    config = tmp_path / "config.yml"
    config.write_text(MISINDENTED + "      allow: ['^x']\n", encoding="utf-8")
    status, out, err = _run(capsys, "--config", str(other), "--merge-into", str(config))
    assert status == 0
    assert "deny: kept, 1 pattern" in out
    warned = _warned(err)
    assert warned.count("validation.allow (ignored-key):") == 1
    assert warned.count("validation.deny (ignored-key):") == 1


def test_a_clean_merge_prints_no_warning(capsys, tmp_path: Path) -> None:
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, err) == (0, "")


# --- alias bombs: anchors and aliases are text, never expanded --------------------------------


def _export_process(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: a hang fails the test instead of the suite."""
    return subprocess.run(
        [sys.executable, "-m", "foreign_explorer", "export", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )


def _bomb(levels: int, indent: str) -> str:
    """Billion laughs: 9 ** levels strings once expanded, a few lines as text."""
    lines = [f'{indent}lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"{indent}lol{level}: &lol{level} [{aliases}]")
    return "".join(line + "\n" for line in lines)


def _bombed_config(levels: int, where: str) -> str:
    urls = "    urls:\n      allow: []\n      deny:\n        - ^http://   # no plain http\n"
    bomb = _bomb(levels, "  ")
    if where == "notifications":
        return f"version: 0.1\nnotifications:\n{bomb}validation:\n  manifests:\n{urls}"
    if where == "validation":
        return f"version: 0.1\nvalidation:\n{bomb}  manifests:\n{urls}"
    # A key of its own inside the urls block, beside the lists.
    return (
        f"version: 0.1\nx_lol:\n{bomb}validation:\n  manifests:\n{urls}"
        f"      x_laughs: *lol{levels}\n"
    )


@pytest.mark.parametrize("levels", [12, 30])
@pytest.mark.parametrize("where", ["notifications", "validation", "urls"])
def test_an_alias_bomb_in_the_config_is_merged_as_text(
    tmp_path: Path, levels: int, where: str
) -> None:
    original = _bombed_config(levels, where)
    config = tmp_path / "config.yml"
    config.write_text(original, encoding="utf-8")
    done = _export_process("--allow", MCR, "--merge-into", str(config))
    assert done.returncode == 0
    # The bomb's own keys under validation are never read: the merge names each one, once.
    unread = {
        "notifications": [],
        "validation": [f"validation.lol{level}" for level in range(levels + 1)],
        "urls": ["validation.manifests.urls.x_laughs"],
    }[where]
    assert [line.split()[1] for line in done.stderr.splitlines() if line[:4] == "WARN"] == unread
    assert done.stdout == (
        f"merged into {config} (allow: replaced, now 1 pattern; deny: kept, 1 pattern); "
        f"backup: {config}.bak\n"
    )
    text = config.read_text(encoding="utf-8")
    assert text == original.replace("      allow: []\n", f"      allow:\n        - {MCR}\n")
    assert source_from_config(text) == PolicySource(allow=(MCR,), deny=("^http://",))


def test_an_alias_bomb_as_the_kept_list_is_refused_in_one_line(tmp_path: Path) -> None:
    original = f"version: 0.1\nx:\n{_bomb(30, '  ')}validation:\n  manifests:\n    urls:\n"
    original += "      allow: []\n      deny: *lol30\n"
    config = tmp_path / "config.yml"
    config.write_text(original, encoding="utf-8")
    done = _export_process("--allow", MCR, "--merge-into", str(config))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"foreign-explorer export: {config}: the registry cannot read its validation section "
        "(yaml: unmarshal errors: "
        + "; ".join(["line 32: cannot unmarshal !!seq into string"] * 9)
        + "): fix it by hand; nothing written\n"
    )
    assert config.read_text(encoding="utf-8") == original
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


# --- hostile targets: only regular files are ever written -------------------------------------

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (mknod, chown)")


def _null_twin(path: Path) -> None:
    """A character device like /dev/null (1, 3), made here: never the system's own."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


def _socket_file(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


_NODES = {
    "a character device": _null_twin,
    "a FIFO (named pipe)": os.mkfifo,
    "a socket": _socket_file,
    "a directory": os.mkdir,
}
_WHERE = {"--merge-into": ("--merge-into",), "--output --force": ("--output", "--force")}


@pytest.mark.parametrize(
    "what", [pytest.param(w, marks=ROOT_ONLY) if "device" in w else w for w in _NODES]
)
@pytest.mark.parametrize("where", list(_WHERE))
def test_a_device_fifo_socket_or_directory_is_never_written_nor_backed_up(
    tmp_path: Path, what: str, where: str
) -> None:
    target = tmp_path / "config.yml"
    _NODES[what](target)
    before = os.lstat(target)
    flag, *force = _WHERE[where]
    done = _export_process("--allow", MCR, flag, str(target), *force, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == (
        f"foreign-explorer export: {target} is {what}, not a regular file; nothing written\n"
    )
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert [p.name for p in tmp_path.iterdir()] == ["config.yml"]


@pytest.mark.parametrize("where", list(_WHERE))
def test_a_symlink_to_a_fifo_is_refused_and_stays_a_link(tmp_path: Path, where: str) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "config.yml"
    link.symlink_to(fifo)
    flag, *force = _WHERE[where]
    done = _export_process("--allow", MCR, flag, str(link), *force, timeout=60)
    assert done.returncode == 2
    assert done.stderr == (
        f"foreign-explorer export: {link} is a symbolic link to {fifo}, a FIFO (named pipe), "
        "not a regular file; nothing written\n"
    )
    assert link.is_symlink()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "pipe"]


def test_output_with_force_writes_through_a_symlink_and_keeps_the_link(
    capsys, tmp_path: Path
) -> None:
    (tmp_path / "chart").mkdir()
    real = tmp_path / "chart" / "values.yaml"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "values.yaml"
    link.symlink_to(real)
    status, out, err = _run(capsys, "--allow", MCR, "--format", "helm", "-o", str(link))
    assert (status, out) == (2, "")
    assert err == f"foreign-explorer export: {link} exists; not overwritten (--force replaces it)\n"
    assert real.read_text(encoding="utf-8") == "old\n"
    status, _, err = _run(capsys, "--allow", MCR, "--format", "helm", "-o", str(link), "--force")
    assert (status, err) == (0, f"wrote {link}\n")
    assert os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == helm_values(POLICY)
    info = os.lstat(real)
    assert (stat.S_ISREG(info.st_mode), stat.S_IMODE(info.st_mode)) == (True, 0o600)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chart", "values.yaml"]
    assert [p.name for p in (tmp_path / "chart").iterdir()] == ["values.yaml"]


# --- owner, group and mode are kept -------------------------------------------------------------


def _nobody() -> tuple[int, int]:
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _owner(path: Path) -> tuple[int, int, int, bool]:
    info = os.lstat(path)
    return info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode), stat.S_ISREG(info.st_mode)


@ROOT_ONLY
def test_merge_as_root_keeps_the_configs_owner_group_and_mode_and_the_backups(
    capsys, tmp_path: Path
) -> None:
    uid, gid = _nobody()
    config = tmp_path / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    os.chown(config, uid, gid)
    config.chmod(0o640)
    status, _, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    assert (status, err) == (0, "")
    assert _owner(config) == (uid, gid, 0o640, True)
    assert _owner(tmp_path / "config.yml.bak") == (uid, gid, 0o640, True)
    assert (tmp_path / "config.yml.bak").read_text(encoding="utf-8") == CONFIG
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yml", "config.yml.bak"]


@ROOT_ONLY
def test_output_force_as_root_keeps_the_owner_group_and_mode(capsys, tmp_path: Path) -> None:
    uid, gid = _nobody()
    target = tmp_path / "snippet.yml"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, uid, gid)
    target.chmod(0o640)
    assert _run(capsys, "--allow", MCR, "--output", str(target), "--force")[0] == 0
    assert _owner(target) == (uid, gid, 0o640, True)
    assert target.read_text(encoding="utf-8") == SNIPPET


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory that another user can reach and write in (pytest's tmp_path is 0700)."""
    directory = Path(tempfile.mkdtemp(prefix="fe-export-"))
    directory.chmod(0o777)
    yield directory
    shutil.rmtree(directory)


@ROOT_ONLY
def test_a_user_who_cannot_keep_the_owner_is_told_and_nothing_is_written(
    capsys, shared_dir: Path
) -> None:
    uid, gid = _nobody()
    warm = shared_dir / "warm.yml"
    warm.write_text(CONFIG, encoding="utf-8")
    # Import every module on this path while root can still read them all.
    assert _run(capsys, "--allow", MCR, "--merge-into", str(warm))[0] == 0
    config = shared_dir / "config.yml"
    config.write_text(CONFIG, encoding="utf-8")
    config.chmod(0o666)
    names = sorted(p.name for p in shared_dir.iterdir())
    os.setegid(gid)
    os.seteuid(uid)
    try:
        status, out, err = _run(capsys, "--allow", MCR, "--merge-into", str(config))
    finally:
        os.seteuid(0)
        os.setegid(0)
    group = grp.getgrgid(0).gr_name
    assert (status, out) == (2, "")
    assert err == (
        f"foreign-explorer export: cannot write a backup of {config}: cannot give "
        f"{config}.bak the owner root:{group} (Operation not permitted); run as that user or "
        "as root; nothing written\n"
    )
    assert config.read_text(encoding="utf-8") == CONFIG
    assert _owner(config) == (0, 0, 0o666, True)
    assert sorted(p.name for p in shared_dir.iterdir()) == names


def test_output_dash_is_standard_output_not_a_file_named_dash(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "--allow", "^https://mcr\\.microsoft\\.com/", "-o", "-"]) == 0
    assert capsys.readouterr().out.startswith("validation:\n")
    assert list(tmp_path.iterdir()) == []
