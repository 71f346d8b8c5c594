"""Reading and writing a user's file as a careful editor does.

- Regular files only. A device, FIFO, socket or directory is refused before it is opened
  (`NotARegularFile`); where a file must be opened to read it, it is opened non-blocking and
  checked again, so a FIFO swapped in meanwhile cannot hang the program.
- Symlinks are written through: the link stays a link and the file it leads to is replaced,
  atomically, in its own directory. A link that leads nowhere is refused.
- Atomic: the new text goes to a temporary file beside the target, is flushed to disk, and
  is renamed over the target; readers see the old file or the whole new one. The temporary
  file is the only other file ever created, and it is removed on every failure path.
- A replaced file keeps its owner, group and mode (and, where the file system allows, its
  extended attributes such as ACLs). When the owner cannot be kept (a user who may write a
  file owned by someone else but may not give a new file that owner), nothing is written and
  `OwnerNotKept` says so: silently handing a registry's config to another user could stop
  the registry from reading it.
- A new file is created like any program creates one: mode 0666 less the umask (so 0644
  with the usual umask 022), owned by whoever runs the program. It never replaces a file
  that appeared meanwhile.

A replaced file that has other hard links is replaced under this name only: the other names
keep the old text, as with every editor that saves atomically.
"""

from __future__ import annotations

import contextlib
import errno
import grp
import os
import pwd
import secrets
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from foreign_explorer.core.errors import ForeignExplorerError

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISLNK, "a symbolic link loop"),
)


class SaveError(ForeignExplorerError):
    """The file was not written: the target is as it was."""


class SaveTargetExists(SaveError):
    """The target exists and replacing it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists; not overwritten")
        self.path = path


class NotARegularFile(SaveError):
    """The target is a device, FIFO, socket, directory or a link that leads nowhere."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(message)
        self.path = path


class OwnerNotKept(SaveError):
    """The new file could not be given the owner and group of the file it replaces."""


@dataclass(frozen=True)
class UserFile:
    """A file the user named, checked to be a regular file or not to exist yet."""

    given: Path  # as the user named it (shown in messages)
    path: Path  # where its bytes live: every symlink followed
    stat: os.stat_result | None  # None: there is no such file yet

    @property
    def exists(self) -> bool:
        return self.stat is not None


def _kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a regular file"


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def locate(path: str | os.PathLike[str]) -> UserFile:
    """Where `path` leads, checked with lstat only (nothing is opened).

    Raises NotARegularFile for anything but a regular file or a name that does not exist,
    SaveError when the path cannot be looked at.
    """
    given = Path(path).expanduser()
    try:
        info = os.lstat(given)
    except FileNotFoundError:
        return UserFile(given, given, None)
    except OSError as exc:
        raise SaveError(f"cannot look at {given}: {_reason(exc)}") from None
    real = given
    if stat.S_ISLNK(info.st_mode):
        real = Path(os.path.realpath(given))
        try:
            info = os.lstat(real)
        except FileNotFoundError:
            message = f"{given} is a symbolic link to {real}, which does not exist"
            raise NotARegularFile(given, message) from None
        except OSError as exc:
            raise SaveError(f"cannot look at {real}: {_reason(exc)}") from None
    what = _kind(info.st_mode)
    if what is not None:
        if real != given:
            what = f"a symbolic link to {real}, {what}"
        raise NotARegularFile(given, f"{given} is {what}, not a regular file")
    return UserFile(given, real, info)


def read_user_file(path: str | os.PathLike[str]) -> tuple[UserFile, bytes]:
    """The user's regular file and its bytes, read without ever blocking on a FIFO.

    The returned UserFile holds the stat of what was read, so that `replace_bytes` can tell
    whether the file changed in between. Raises NotARegularFile, or SaveError when it does
    not exist or cannot be read.
    """
    file = locate(path)
    if file.stat is None:
        raise SaveError(f"cannot read {file.given}: No such file or directory")
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(file.path, flags)
    except OSError as exc:
        raise SaveError(f"cannot read {file.given}: {_reason(exc)}") from None
    try:
        info = os.fstat(fd)
        if not _same_inode(info, file.stat):
            raise SaveError(f"cannot read {file.given}: it changed while being opened")
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        info = os.fstat(fd)
    except OSError as exc:
        raise SaveError(f"cannot read {file.given}: {_reason(exc)}") from None
    finally:
        os.close(fd)
    return UserFile(file.given, file.path, info), b"".join(chunks)


def _same_inode(info: os.stat_result, seen: os.stat_result) -> bool:
    return stat.S_ISREG(info.st_mode) and (info.st_dev, info.st_ino) == (
        seen.st_dev,
        seen.st_ino,
    )


def _unchanged(info: os.stat_result, seen: os.stat_result) -> bool:
    return _same_inode(info, seen) and (info.st_size, info.st_mtime_ns) == (
        seen.st_size,
        seen.st_mtime_ns,
    )


def save_text(
    path: str | os.PathLike[str], text: str, *, overwrite: bool = False, mode: int | None = None
) -> Path:
    """Write `text` (UTF-8, line endings as given) to the user's file at `path`.

    The one function for "save as": refuses anything but a regular file; writes through a
    symlink; replaces an existing file atomically, keeping its owner, group and mode, only
    when `overwrite` is true (else SaveTargetExists); creates a new file with `mode`
    (default 0666 less the umask) without ever replacing one that appeared meanwhile.
    Returns the path as given. Raises SaveError (or a subclass) with a one-line message;
    the target is then as it was and no temporary file is left.
    """
    file = locate(path)
    data = _encode(text, file.given)
    if file.stat is None:
        create_bytes(file.given, data, mode=mode)
    elif not overwrite:
        raise SaveTargetExists(file.given)
    else:
        replace_bytes(file, data)
    return file.given


def _encode(text: str, path: Path) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SaveError(
            f"cannot write {path}: the text holds a character UTF-8 cannot store (at {exc.start})"
        ) from None


def create_bytes(
    path: Path, data: bytes, *, like: os.stat_result | None = None, mode: int | None = None
) -> Path:
    """Create `path` with `data`; SaveTargetExists if any file of that name exists.

    `like`: give it that file's owner, group and mode (a backup); otherwise `mode`, by
    default 0666 less the umask.
    """

    def publish(temp: Path) -> None:
        _link_without_clobbering(temp, path)

    _write_via_temp(path, path, data, publish, like=like, mode=mode)
    return path


def replace_bytes(file: UserFile, data: bytes) -> None:
    """Replace the located file's contents atomically, keeping its owner, group and mode."""
    seen = file.stat
    if seen is None:
        raise SaveError(f"cannot write {file.given}: it does not exist")

    def publish(temp: Path) -> None:
        # The name must still hold the file that was looked at: never replace a device or
        # FIFO swapped in meanwhile.
        try:
            now = os.lstat(file.path)
        except OSError as exc:
            raise SaveError(f"cannot write {file.given}: {_reason(exc)}") from None
        if not _unchanged(now, seen):
            raise SaveError(f"{file.given} changed while it was being written")
        os.replace(temp, file.path)

    _write_via_temp(file.path, file.given, data, publish, like=seen, attrs=file.path)


def _write_via_temp(
    target: Path,
    shown: Path,
    data: bytes,
    publish: Callable[[Path], None],
    *,
    like: os.stat_result | None = None,
    mode: int | None = None,
    attrs: Path | None = None,
) -> None:
    """Write `data` to a temporary file beside `target`, give it the owner, group and mode of
    `like` (or `mode`; or 0666 less the umask), flush it and `publish` it. The temporary file
    never stays behind."""
    directory = target.parent
    # Only a brand-new file takes the umask (and the directory's default ACL) from the kernel.
    plain_new = like is None and mode is None
    try:
        fd, temp = _open_temp(target, 0o666 if plain_new else 0o600)
    except OSError as exc:
        raise SaveError(f"cannot write in {directory}: {_reason(exc)}") from None
    try:
        try:
            # Owner and mode before the bytes: a secret config is never readable by others.
            _take_on(fd, like, mode, shown)
            if attrs is not None:
                _copy_xattrs(attrs, fd)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
        publish(temp)
        _sync_directory(directory)
    except OSError as exc:
        raise SaveError(f"cannot write {shown}: {_reason(exc)}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _open_temp(target: Path, create_mode: int) -> tuple[int, Path]:
    flags = os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _attempt in range(100):
        # Short enough for any name the file system takes (NAME_MAX is 255 bytes).
        stem = os.fsencode(target.name)[:200].decode("utf-8", "ignore") or "x"
        temp = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, flags, create_mode), temp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary file name")


def _take_on(fd: int, like: os.stat_result | None, mode: int | None, shown: Path) -> None:
    """Give the temporary file the owner, group and mode it must end up with."""
    if like is None:
        if mode is not None:
            os.fchmod(fd, mode)
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (like.st_uid, like.st_gid):
        try:
            os.fchown(fd, like.st_uid, like.st_gid)
        except OSError as exc:
            raise OwnerNotKept(
                f"cannot give {shown} the owner {_owner(like)} ({_reason(exc)}); "
                "run as that user or as root"
            ) from None
    # After the chown, which clears set-id bits.
    os.fchmod(fd, stat.S_IMODE(like.st_mode))


def _owner(info: os.stat_result) -> str:
    try:
        user = pwd.getpwuid(info.st_uid).pw_name
    except KeyError:
        user = str(info.st_uid)
    try:
        group = grp.getgrgid(info.st_gid).gr_name
    except KeyError:
        group = str(info.st_gid)
    return f"{user}:{group}"


def _copy_xattrs(source: Path, fd: int) -> None:
    """Extended attributes (ACLs, labels) of `source`, each where the file system and the
    user's rights allow it: a best effort, as editors make it."""
    try:
        names = os.listxattr(source, follow_symlinks=False)
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            os.setxattr(fd, name, os.getxattr(source, name, follow_symlinks=False))


def _sync_directory(directory: Path) -> None:
    # The rename is durable only once the directory is on disk too.
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _link_without_clobbering(temp: Path, target: Path) -> None:
    # link() fails if the name exists, so a file created meanwhile is never replaced.
    try:
        os.link(temp, target)
    except FileExistsError:
        raise SaveTargetExists(target) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # File systems without hard links: check, then rename (a narrow race, but no clobber
        # of a file that existed when the user was asked).
        if os.path.lexists(target):
            raise SaveTargetExists(target) from None
        os.replace(temp, target)
