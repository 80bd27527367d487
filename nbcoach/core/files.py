"""The user's files: written atomically (a reader, or a crash, never sees half a file), and
named as the user would type them."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(path: Path, content: str | bytes | Iterable[str]) -> None:
    """Write beside the target, then rename over it; keeps the target's permission bits.
    `content` may come in pieces (a large report is rendered one notebook at a time)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pieces: Iterable[bytes]
    if isinstance(content, bytes):
        pieces = (content,)
    elif isinstance(content, str):
        pieces = (content.encode("utf-8"),)
    else:
        pieces = (piece.encode("utf-8") for piece in content)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            for piece in pieces:
                stream.write(piece)
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


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
