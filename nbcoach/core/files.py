"""The user's files: read through one door, written atomically, named as the user types them.

Reading: regular files only, opened without blocking (a FIFO named `x.ipynb` would hang every
hook forever) and never followed into a device (a committed symlink to `/dev/zero`), and no
more than MAX_BYTES. Writing: beside the target, then renamed over it, so a reader or a crash
never sees half a file; a target that changed since it was read is never replaced.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from nbcoach.core.errors import InputError, NbcoachError

MAX_BYTES = 256 * 1024 * 1024  # a notebook with 50 MB of outputs reads; a runaway file does not
DIRECTORY = "a directory"
_KINDS = (
    (stat.S_ISDIR, DIRECTORY),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_user_file(path: str | os.PathLike[str], limit: int = MAX_BYTES) -> bytes:
    """A user's file, or an InputError in one line saying why not."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        handle = os.open(path, flags)
    except IsADirectoryError as error:
        raise InputError(str(path), "is a directory") from error
    except OSError as error:
        raise InputError(str(path), f"cannot read: {error.strerror or error}") from error
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            kind = next((name for test, name in _KINDS if test(status.st_mode)), "not a file")
            raise InputError(str(path), f"not a regular file ({kind}); nothing read")
        if status.st_size > limit:
            raise InputError(
                str(path),
                f"{status.st_size / 1024 / 1024:.0f} MB is larger than nbcoach reads "
                f"({limit // 1024 // 1024} MB); strip its outputs (nbstripout) or exclude it",
            )
        chunks = []
        left = limit + 1
        while left > 0:
            chunk = os.read(handle, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            raise InputError(str(path), f"grew past {limit // 1024 // 1024} MB while being read")
        return b"".join(chunks)
    finally:
        os.close(handle)


def not_a_file(path: Path, takes: str) -> str:
    """Why a command that takes one file (`takes`: "extract takes one notebook") cannot take
    `path`: "no such file" for a folder sent the user looking for a typo."""
    if path.is_dir():
        return f"a folder; {takes}"
    if path.exists() or path.is_symlink():
        return f"not a regular file ({irregular_kind(path) or 'a broken link'})"
    return "no such file"


def irregular_kind(path: Path) -> str | None:
    """What `path` is when it is not a regular file (or a symlink to one): a folder search
    reports it instead of reading it. None: a regular file, or gone (the read will say)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a file")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What a file looked like when it was read: a write refuses to replace anything else."""

    size: int
    mtime_ns: int
    inode: int


def stamp_of(path: Path) -> Stamp | None:
    """The stamp of `path` now (None: it does not exist)."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return Stamp(status.st_size, status.st_mtime_ns, status.st_ino)


class ChangedMeanwhileError(NbcoachError):
    """A file changed between the moment nbcoach read it and the moment it would write it."""


_UNSET = Stamp(-1, -1, -1)


def write_atomic(
    path: Path, content: str | bytes | Iterable[str], unchanged_since: Stamp | None = _UNSET
) -> None:
    """Write beside the target, then rename over it; keeps the target's permission bits.
    `content` may come in pieces (a large report is rendered one notebook at a time).

    `unchanged_since`: the target's stamp when it was read (None: it did not exist). Right
    before the rename the target is checked again; if anything else is there now (a save from
    Jupyter while nbcoach worked), nothing is written and ChangedMeanwhileError says so. A
    target that is a symlink is written through: the link stays, its file gets the content.
    Errors of the file system (read-only, full) are one line naming the file. A target that is
    no regular file (`-o /dev/null`, `/dev/stdout`, a named pipe) is written into: renaming over
    it would put a file where the device was, and the next program writing to /dev/null would
    fill a file."""
    special = irregular_kind(path) not in (None, DIRECTORY)  # a device, a pipe, a socket
    if path.is_symlink() and not special:
        path = path.resolve()
    try:
        if special:
            with open(path, "wb") as stream:
                for piece in _pieces(content):
                    stream.write(piece)
            return
        _write(path, content, unchanged_since)
    except PermissionError as error:
        raise NbcoachError(f"{path}: cannot write: permission denied; nothing written") from error
    except OSError as error:
        raise NbcoachError(
            f"{path}: cannot write: {error.strerror or error}; nothing written"
        ) from error


def _pieces(content: str | bytes | Iterable[str]) -> Iterable[bytes]:
    if isinstance(content, bytes):
        return (content,)
    if isinstance(content, str):
        return (content.encode("utf-8"),)
    return (piece.encode("utf-8") for piece in content)


def _write(path: Path, content: str | bytes | Iterable[str], unchanged_since: Stamp | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    pieces = _pieces(content)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        if unchanged_since is not _UNSET and stamp_of(path) != unchanged_since:
            raise ChangedMeanwhileError(
                f"{path}: changed while nbcoach was working (saved from another program?); "
                "nothing written. Run the command again"
            )
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_stale_temporaries(path: Path) -> None:
    """A write killed before its rename leaves `.<name>.<random>.tmp` beside the target; the
    next write of the same file removes those older than an hour (a running write is younger)."""
    cutoff = time.time() - 3600
    try:
        leftovers = list(path.parent.glob(f".{path.name}.*.tmp"))
    except OSError:
        return
    for leftover in leftovers:
        try:
            if leftover.stat().st_mtime < cutoff:
                leftover.unlink()
        except OSError:
            continue


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def shown(path: str | os.PathLike[str]) -> str:
    """A path as the user would type it: relative to the current folder when it is below it
    (also when only its resolved form is, through a symlink), else as given."""
    given = Path(path)
    here = Path.cwd()
    for candidate, folder in ((given.absolute(), here), (given.resolve(), here.resolve())):
        try:
            return candidate.relative_to(folder).as_posix()
        except ValueError:
            continue
    return str(path)


def shell_word(path: str | os.PathLike[str]) -> str:
    """A path as one word of a command the user can paste: quoted for the shell, and `./` in
    front of a name that starts with `-` (else `-dash.ipynb` reads as an option)."""
    import shlex

    text = os.fspath(path)
    if text.startswith("-"):
        text = "./" + text
    return shlex.quote(text)


@contextlib.contextmanager
def exclusive(lock: Path) -> Iterator[None]:
    """One holder at a time, across processes (POSIX flock; elsewhere, or where the lock file
    cannot be made, no lock). Two `nbcoach sync` runs on one project take turns: each reads,
    writes and records a pair as one step."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    try:
        handle = open(lock, "a")  # noqa: SIM115 - closed below, after the lock is released
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
