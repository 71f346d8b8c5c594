"""The policy as a config.yml snippet, and a save that never clobbers a file by surprise."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from foreign_explorer.core.errors import ForeignExplorerError
from foreign_explorer.core.policy import PolicySource


class ExportError(ForeignExplorerError):
    """The snippet could not be written."""


class ExportExists(ExportError):
    """The target file exists and overwriting it was not asked for."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} exists; not overwritten")
        self.path = path


class _IndentedDumper(yaml.SafeDumper):
    """Block lists indented under their key, as registry configs are usually written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def snippet_document(source: PolicySource) -> dict[str, Any]:
    """`validation: manifests: urls: allow/deny`, plus `disabled: true` only when it is so."""
    validation: dict[str, Any] = {}
    if not source.validation_enabled:
        # Without it the snippet would turn validation back on: the verdicts would change.
        validation["disabled"] = True
    validation["manifests"] = {"urls": {"allow": list(source.allow), "deny": list(source.deny)}}
    return {"validation": validation}


def config_snippet(source: PolicySource) -> str:
    """The YAML to merge into the registry's config.yml (top-level `validation:` key)."""
    document = snippet_document(source)
    text = _dump(document, allow_unicode=True)
    if yaml.safe_load(text) != document:
        # pyyaml writes a raw NEL (U+0085) that YAML 1.1 readers take as a line break:
        # escape everything outside ASCII instead.
        text = _dump(document, allow_unicode=False)
    return text


def _dump(document: dict[str, Any], *, allow_unicode: bool) -> str:
    return yaml.dump(
        document,
        Dumper=_IndentedDumper,
        sort_keys=False,
        allow_unicode=allow_unicode,
        default_flow_style=False,
        # Never fold a long pattern over two lines.
        width=1 << 16,
    )


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_text(path: str | os.PathLike[str], text: str, *, overwrite: bool = False) -> Path:
    """Write `text` to `path` atomically: readers see the old file or the whole new one.

    Raises ExportExists when the file exists and `overwrite` is false, ExportError otherwise.
    """
    target = Path(path).expanduser()
    if target.is_dir():
        raise ExportError(f"{target} is a directory")
    if not overwrite and os.path.lexists(target):
        raise ExportExists(target)
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise ExportError(f"cannot write in {directory}: {exc.strerror or exc}") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file 0600; a config file is normally readable like any other.
        os.chmod(temp, 0o666 & ~_umask())
        if overwrite:
            os.replace(temp, target)
        else:
            _link_without_clobbering(temp, target)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return target


def _link_without_clobbering(temp: Path, target: Path) -> None:
    # link() fails if the name exists, so a file created meanwhile is never replaced.
    try:
        os.link(temp, target)
    except FileExistsError:
        raise ExportExists(target) from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # File systems without hard links: check, then rename (a narrow race, but no clobber
        # of a file that existed when the user was asked).
        if os.path.lexists(target):
            raise ExportExists(target) from None
        os.replace(temp, target)
