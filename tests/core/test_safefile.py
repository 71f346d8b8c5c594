"""Writing a user's file: regular files only, through symlinks, atomic, owner and mode kept."""

from __future__ import annotations

import errno
import grp
import os
import pwd
import shutil
import socket
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from foreign_explorer.core import safefile
from foreign_explorer.core.safefile import (
    NotARegularFile,
    SaveError,
    SaveTargetExists,
    create_bytes,
    locate,
    read_user_file,
    replace_bytes,
    save_text,
)

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="needs root (mknod, chown)")


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _null_twin(path: Path) -> None:
    """A character device like /dev/null (1, 3), made here: never the system's own."""
    os.mknod(path, stat.S_IFCHR | 0o666, os.makedev(1, 3))


def _socket_file(path: Path) -> None:
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))


_MAKERS = {
    "a FIFO (named pipe)": os.mkfifo,
    "a socket": _socket_file,
    "a directory": os.mkdir,
    "a character device": _null_twin,
}
_KINDS = [
    pytest.param(what, marks=ROOT_ONLY) if what == "a character device" else what
    for what in _MAKERS
]


# --- what may be written ------------------------------------------------------------------------


@pytest.mark.parametrize("what", _KINDS)
@pytest.mark.parametrize("overwrite", [False, True])
def test_save_refuses_anything_but_a_regular_file_and_leaves_it_alone(
    tmp_path: Path, what: str, overwrite: bool
) -> None:
    target = tmp_path / "config.yml"
    _MAKERS[what](target)
    before = os.lstat(target)
    with pytest.raises(NotARegularFile) as caught:
        save_text(target, "x\n", overwrite=overwrite)
    assert caught.value.message == f"{target} is {what}, not a regular file"
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino, after.st_rdev) == (
        before.st_mode,
        before.st_ino,
        before.st_rdev,
    )
    assert _names(tmp_path) == ["config.yml"]


def test_a_symlink_to_a_fifo_is_refused_and_stays_a_link(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "config.yml"
    link.symlink_to(fifo)
    with pytest.raises(NotARegularFile) as caught:
        save_text(link, "x\n", overwrite=True)
    assert caught.value.message == (
        f"{link} is a symbolic link to {fifo}, a FIFO (named pipe), not a regular file"
    )
    assert link.is_symlink()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_reading_a_fifo_is_refused_before_it_is_opened(tmp_path: Path) -> None:
    # Opening a FIFO for reading would wait for a writer forever.
    fifo = tmp_path / "config.yml"
    os.mkfifo(fifo)
    with pytest.raises(NotARegularFile, match="is a FIFO"):
        read_user_file(fifo)


def test_read_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SaveError) as caught:
        read_user_file(tmp_path / "nope.yml")
    assert caught.value.message == f"cannot read {tmp_path / 'nope.yml'}: No such file or directory"


# --- symlinks -----------------------------------------------------------------------------------


def test_save_over_a_symlink_replaces_the_file_it_leads_to_and_keeps_the_link(
    tmp_path: Path,
) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "config.yml"
    real.write_text("old\n", encoding="utf-8")
    real.chmod(0o600)
    link = tmp_path / "config.yml"
    link.symlink_to(Path("real") / "config.yml")
    assert save_text(link, "new\n", overwrite=True) == link
    assert os.readlink(link) == "real/config.yml"
    assert real.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert _names(tmp_path) == ["config.yml", "real"]
    assert _names(tmp_path / "real") == ["config.yml"]


def test_locate_follows_every_link_to_the_file(tmp_path: Path) -> None:
    real = tmp_path / "real.yml"
    real.write_text("x\n", encoding="utf-8")
    (tmp_path / "one").symlink_to(real)
    (tmp_path / "two").symlink_to(tmp_path / "one")
    assert locate(tmp_path / "two").path == real


# --- atomic, and nothing else touched -----------------------------------------------------------


def test_a_failed_replace_leaves_the_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")

    def full_disk(src: object, dst: object) -> None:
        # A rename that fails: a fault the test machine cannot safely be put in.
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safefile.os, "replace", full_disk)
    with pytest.raises(SaveError) as caught:
        save_text(target, "new\n", overwrite=True)
    assert caught.value.message == f"cannot write {target}: No space left on device"
    assert target.read_text(encoding="utf-8") == "old\n"
    assert _names(tmp_path) == ["config.yml"]


def test_a_file_changed_between_reading_and_writing_is_not_overwritten(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    file, _ = read_user_file(target)
    target.write_text("someone else's edit\n", encoding="utf-8")
    with pytest.raises(SaveError, match="changed while it was being written"):
        replace_bytes(file, b"ours\n")
    assert target.read_text(encoding="utf-8") == "someone else's edit\n"
    assert _names(tmp_path) == ["config.yml"]


def test_create_never_replaces_a_file_that_is_there(tmp_path: Path) -> None:
    taken = tmp_path / "config.yml.bak"
    os.mkfifo(taken)
    with pytest.raises(SaveTargetExists):
        create_bytes(taken, b"x\n")
    assert stat.S_ISFIFO(os.lstat(taken).st_mode)
    assert _names(tmp_path) == ["config.yml.bak"]


def test_text_utf8_cannot_store_is_one_line_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(SaveError) as caught:
        save_text(tmp_path / "a.yml", "bad \udcff\n")
    assert "\n" not in caught.value.message
    assert _names(tmp_path) == []


# --- owner, group and mode ------------------------------------------------------------------------


def test_a_new_file_gets_0666_less_the_umask(tmp_path: Path) -> None:
    mask = os.umask(0o027)
    try:
        target = save_text(tmp_path / "a.yml", "x\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_a_replaced_file_keeps_its_extended_attributes(tmp_path: Path) -> None:
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    try:
        os.setxattr(target, "user.origin", b"platform team")
    except OSError as exc:
        pytest.skip(f"no user extended attributes here: {exc.strerror}")
    save_text(target, "new\n", overwrite=True)
    assert os.getxattr(target, "user.origin") == b"platform team"


def _nobody() -> tuple[int, int]:
    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


@ROOT_ONLY
def test_a_replaced_file_keeps_owner_group_and_mode(tmp_path: Path) -> None:
    uid, gid = _nobody()
    target = tmp_path / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, uid, gid)
    target.chmod(0o640)
    save_text(target, "new\n", overwrite=True)
    info = os.lstat(target)
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (uid, gid, 0o640)
    assert stat.S_ISREG(info.st_mode)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory that another user can reach and write in (pytest's tmp_path is 0700)."""
    directory = Path(tempfile.mkdtemp(prefix="fe-safefile-"))
    directory.chmod(0o777)
    yield directory
    shutil.rmtree(directory)


@ROOT_ONLY
def test_owner_that_cannot_be_kept_is_said_and_nothing_is_written(shared_dir: Path) -> None:
    uid, gid = _nobody()
    target = shared_dir / "config.yml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o666)
    group = grp.getgrgid(0).gr_name
    # As `nobody`, who may write the root-owned file but not give a new file root's name.
    os.setegid(gid)
    os.seteuid(uid)
    try:
        with pytest.raises(SaveError) as caught:
            save_text(target, "new\n", overwrite=True)
    finally:
        os.seteuid(0)
        os.setegid(0)
    assert caught.value.message == (
        f"cannot give {target} the owner root:{group} (Operation not permitted); "
        "run as that user or as root"
    )
    assert target.read_text(encoding="utf-8") == "old\n"
    assert (target.stat().st_uid, target.stat().st_gid) == (0, 0)
    assert _names(shared_dir) == ["config.yml"]


def test_a_name_of_255_bytes_can_be_saved(tmp_path: Path) -> None:
    target = tmp_path / ("n" * 251 + ".yml")
    save_text(target, "validation: {}\n")
    assert target.read_text() == "validation: {}\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
