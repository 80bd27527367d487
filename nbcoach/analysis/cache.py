"""A content-addressed cache of analyses, so an unchanged notebook is never analysed twice.

The key is a hash of the file's bytes (sha256), its path, the nbcoach version, the effective config and
the ruff binary (`lint.ruff_identity`) and ruff config that apply to it. Entries are JSON files written atomically in
`.nbcoach/cache/` of the project (git-ignored, see project.py). Anything unreadable,
corrupt, or written for another key is ignored and recomputed: the cache can make a report
faster, never different.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbcoach import __version__
from nbcoach.core.codec import from_data, loads, to_data
from nbcoach.core.errors import InputError, NbcoachError
from nbcoach.core.files import read_user_file, write_atomic
from nbcoach.core.project import project_root, state_dir

if TYPE_CHECKING:  # imported where loaded: a replayed run never builds the model's classes
    from nbcoach.core.model import Analysis, Finding

CACHE_FORMAT = 6  # bumped whenever analysis results change for the same input
# 4: locations carry a column
# 3: a failed ruff run was cached as "no lint findings" before 0.2.0's fix; those go


def default_cache_dir(start: Path | None = None) -> Path:
    """`$NBCOACH_CACHE_DIR`, else the cache folder of the project holding `start` (default:
    the current folder)."""
    configured = os.environ.get("NBCOACH_CACHE_DIR")
    if configured:
        return Path(configured)
    return state_dir(project_root(start or Path.cwd()), create=False) / "cache"


def _ruff_config_digest(directory: Path) -> str:
    """Hash of every ruff config file above a folder and the files they `extend`: editing any
    of them invalidates lint results."""
    digest = hashlib.sha256()
    for candidate_dir in (directory, *directory.parents):
        _hash_configs_in(candidate_dir, digest)
    return digest.hexdigest()[:16]


def _fallback_ruff_digest() -> str:
    """Hash of what ruff falls back to for a file with no configuration above it: the
    configuration found from the folder it runs in, then the user's own. The same for every
    folder of a run: hashed once."""
    digest = hashlib.sha256()
    cwd = Path.cwd()
    for candidate_dir in (cwd, *cwd.parents):
        _hash_configs_in(candidate_dir, digest)
    for user in _user_ruff_configs():
        if user.exists():
            _hash_config(user, digest, depth=0)
    return digest.hexdigest()[:16]


def _hash_configs_in(folder: Path, digest: Any) -> None:
    for name in ("ruff.toml", ".ruff.toml", "pyproject.toml"):
        candidate = folder / name
        if candidate.exists():
            _hash_config(candidate, digest, depth=0)


def _hash_config(path: Path, digest: Any, depth: int) -> None:
    try:
        data = read_user_file(path)
    except InputError:
        digest.update(path.name.encode() + b"\0unreadable")
        return
    digest.update(path.name.encode() + data)
    if b"extend" not in data or depth > 4:
        return
    target = _extends(path, data)
    if target is not None and target.exists():
        _hash_config(target, digest, depth + 1)  # `extend = "../base.toml"`


def _extends(path: Path, data: bytes) -> Path | None:
    """The file a ruff configuration extends (`extend`, or `[tool.ruff] extend`)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib

    try:
        document = tomllib.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        return None
    table = document.get("tool", {}).get("ruff", {}) if path.name == "pyproject.toml" else document
    value = table.get("extend") if isinstance(table, dict) else None
    return (path.parent / value).resolve() if isinstance(value, str) else None


def _user_ruff_configs() -> list[Path]:
    """Where ruff looks for a user's own configuration (used when a project has none)."""
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    places = [base / "ruff", Path.home() / "Library" / "Application Support" / "ruff"]
    return [
        place / name for place in places for name in ("ruff.toml", ".ruff.toml", "pyproject.toml")
    ]


_FALLBACK = Path("\0fallback")  # the memo's entry for `_fallback_ruff_digest`


def entry_key(
    content_digest: str,
    display: str,
    path: Path,
    config_fingerprint: str,
    ruff_identity: str,
    memo: dict[Path, str] | None = None,
) -> str:
    """The cache key of one input from the sha256 of its bytes; `path` is its resolved path,
    `ruff_identity` the run's `lint.ruff_identity()`; `memo` keeps ruff config digests per
    folder for one run."""
    folder = path.parent
    memo = {} if memo is None else memo
    if folder not in memo:
        memo[folder] = _ruff_config_digest(folder)
    if _FALLBACK not in memo:
        memo[_FALLBACK] = _fallback_ruff_digest()
    digest = hashlib.sha256(content_digest.encode())
    parts = (display, __version__, config_fingerprint, ruff_identity, memo[folder])
    for part in (*parts, memo[_FALLBACK]):
        digest.update(b"\0" + part.encode())
    return digest.hexdigest()


RUNS_KEPT = 8  # whole-run replays kept (each holds one run's whole output)


@dataclass(frozen=True, slots=True)
class Replay:
    """What a run printed, in order ((1, text) on stdout, (2, text) on stderr), to print again
    when the next run's inputs and options are the same."""

    chunks: tuple[tuple[int, str], ...]
    exit_code: int


class Cache:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0

    def _file(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key[2:]}.json"

    def load(self, key: str) -> tuple[Analysis, tuple[Finding, ...]] | None:
        from nbcoach.core.model import Analysis, Finding

        try:
            raw: dict[str, Any] = loads(self._file(key).read_bytes())
            if raw.get("format") != CACHE_FORMAT or raw.get("key") != key:
                raise ValueError("stale entry")
            analysis = from_data(Analysis, raw["analysis"])
            lint = tuple(from_data(Finding, item) for item in raw["lint"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.misses += 1
            return None
        self.hits += 1
        return analysis, lint

    def store(self, key: str, analysis: Analysis, lint: tuple[Finding, ...]) -> None:
        """Write atomically; a cache that cannot be written is silently not used."""
        payload = json.dumps(
            {
                "format": CACHE_FORMAT,
                "key": key,
                "analysis": to_data(analysis),
                "lint": to_data(lint),
            },
            separators=(",", ":"),
        )
        try:
            self._prepare()
            write_atomic(self._file(key), payload)
        except (OSError, NbcoachError):  # a read-only checkout: graded all the same
            return

    def load_run(self, key: str) -> Replay | None:
        """A run seen before with the same `Prepared.run_key`: its output, or None."""
        try:
            raw: dict[str, Any] = loads((self.directory / "runs" / f"{key}.json").read_bytes())
            if raw.get("format") != CACHE_FORMAT or raw.get("key") != key:
                return None
            chunks = tuple((int(stream), str(text)) for stream, text in raw["chunks"])
            return Replay(chunks, int(raw["exit_code"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def store_run(self, key: str, replay: Replay) -> None:
        """Keep the run's output (atomically), and only the last RUNS_KEPT runs."""
        payload = json.dumps(
            {
                "format": CACHE_FORMAT,
                "key": key,
                "chunks": [list(chunk) for chunk in replay.chunks],
                "exit_code": replay.exit_code,
            },
            separators=(",", ":"),
        )
        folder = self.directory / "runs"
        try:
            self._prepare()
            folder.mkdir(exist_ok=True)
            write_atomic(folder / f"{key}.json", payload)
            kept = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in kept[RUNS_KEPT:]:
                old.unlink(missing_ok=True)
        except (OSError, NbcoachError):
            return

    def _prepare(self) -> None:
        if self.directory.is_dir():
            return
        if self.directory.parent.name == ".nbcoach":
            state_dir(self.directory.parent.parent)  # the project's state folder and its .gitignore
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / ".gitignore").write_text(
            "# written by nbcoach: the cache is never committed\n*\n"
        )
