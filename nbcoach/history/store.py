"""The history store: SQLite in `<project root>/.nbcoach/history.sqlite` (git-ignored).

Everything in it is derived from git and the engine, so it can always be rebuilt: a store of an
older schema is rebuilt, one whose scoring stamp (nbcoach and ruff versions, the checkout's
configuration) differs is re-graded, one written by a newer nbcoach is refused rather than
downgraded. The schema version is SQLite's `user_version`.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from nbcoach.core.errors import UsageError
from nbcoach.history.records import BlobFacts, CommitRecord, FunctionFacts, History, Version

SCHEMA_VERSION = 1
FILE_NAME = "history.sqlite"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE blobs (
  key TEXT PRIMARY KEY, status TEXT NOT NULL, reason TEXT, format TEXT, score REAL, grade TEXT,
  categories TEXT, code_cells INT, python_cells INT, analysed_cells INT, code_lines INT,
  functions TEXT, redefinitions INT, reassignments INT, findings INT
) WITHOUT ROWID;
CREATE TABLE commits (
  seq INTEGER PRIMARY KEY, sha TEXT UNIQUE NOT NULL, parents TEXT, author TEXT, email TEXT,
  authored TEXT, committed TEXT, subject TEXT, base INT, touched INT, lines_added INT,
  lines_removed INT, cells_changed INT, functions_changed INT, big_bang INT
);
CREATE TABLE versions (
  seq INT NOT NULL, lineage INT NOT NULL, path TEXT NOT NULL, change TEXT NOT NULL, blob TEXT,
  key TEXT, effective TEXT, author TEXT, email TEXT, mark TEXT, delta REAL, old_path TEXT,
  lines_added INT, lines_removed INT, cells_changed INT, functions_changed INT,
  PRIMARY KEY (seq, lineage)
) WITHOUT ROWID;
CREATE INDEX versions_by_lineage ON versions (lineage, seq);
"""
_COMMIT_FIELDS = [
    "seq",
    "sha",
    "parents",
    "author",
    "email",
    "authored",
    "committed",
    "subject",
    "base",
    "touched",
    "lines_added",
    "lines_removed",
    "cells_changed",
    "functions_changed",
    "big_bang",
]
_VERSION_FIELDS = [
    "seq",
    "lineage",
    "path",
    "change",
    "blob",
    "key",
    "effective",
    "author",
    "email",
    "mark",
    "delta",
    "old_path",
    "lines_added",
    "lines_removed",
    "cells_changed",
    "functions_changed",
]


_TABLES = {
    "meta": ["key", "value"],
    "blobs": None,  # any columns: checked by name only
    "commits": _COMMIT_FIELDS,
    "versions": _VERSION_FIELDS,
}


def _foreign_tables(db: sqlite3.Connection, version: int) -> list[str]:
    """Tables that say this file is not a history store of ours: any table in a file without
    our schema version, or one of ours with other columns."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    if version == 0:
        return tables
    if version != SCHEMA_VERSION:
        return []  # an older store is rebuilt, a newer one refused: both are ours
    odd = [name for name in tables if name not in _TABLES]
    for name, columns in _TABLES.items():
        found = [row[1] for row in db.execute(f"PRAGMA table_info({name})")]
        if not found or (columns is not None and found != columns):
            odd.append(name)
    return odd


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.note = ""  # why the store was rebuilt, if it was
        try:
            self.db = sqlite3.connect(path, timeout=30)
            version = self.db.execute("PRAGMA user_version").fetchone()[0]
            foreign = _foreign_tables(self.db, version)
        except sqlite3.DatabaseError as error:
            self._discard(f"the store could not be read ({error})")
            version, foreign = 0, []
        if foreign:  # a database of something else: kept, beside, never deleted
            aside = path.with_name(f"{path.name}.not-nbcoach-{int(time.time())}")
            number = 1
            while aside.exists():
                number += 1
                aside = path.with_name(f"{path.name}.not-nbcoach-{int(time.time())}-{number}")
            self.db.close()
            path.replace(aside)
            self.db = sqlite3.connect(path, timeout=30)
            self.note = (
                f"{path.name} held another program's tables ({', '.join(foreign[:3])}); "
                f"moved to {aside.name} and rebuilt"
            )
            version = 0
        if version > SCHEMA_VERSION:
            self.db.close()
            raise UsageError(
                f"{path}: written by a newer nbcoach (history schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade nbcoach or delete the file"
            )
        if version and version < SCHEMA_VERSION:
            self._discard(f"the store had history schema {version}; rebuilt as {SCHEMA_VERSION}")
            version = 0
        if version == 0:
            with self.db:
                self.db.executescript(_SCHEMA)
                self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _discard(self, reason: str) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self.path.unlink(missing_ok=True)
        self.db = sqlite3.connect(self.path, timeout=30)
        self.note = reason

    def close(self) -> None:
        self.db.close()

    # -- meta -------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, values: dict[str, str]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items()
            )

    def reset(self, keep_blobs: bool) -> None:
        """Forget the walk (and the grades too, when the scoring changed)."""
        with self.db:
            self.db.execute("DELETE FROM versions")
            self.db.execute("DELETE FROM commits")
            if not keep_blobs:
                self.db.execute("DELETE FROM blobs")
        self.db.execute("VACUUM")

    def truncate(self, last_seq: int) -> None:
        """Drop commits after `last_seq`: the line was rewritten (amend, rebase, reset)."""
        with self.db:
            self.db.execute("DELETE FROM versions WHERE seq > ?", (last_seq,))
            self.db.execute("DELETE FROM commits WHERE seq > ?", (last_seq,))

    # -- reading ----------------------------------------------------------------------------
    def commit_shas(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT sha FROM commits ORDER BY seq")]

    def known_keys(self, keys: Iterable[str]) -> set[str]:
        found: set[str] = set()
        wanted = list(set(keys))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found.update(
                row[0]
                for row in self.db.execute(f"SELECT key FROM blobs WHERE key IN ({marks})", chunk)
            )
        return found

    def blob_facts(self, keys: Iterable[str]) -> dict[str, BlobFacts]:
        wanted = [k for k in set(keys) if k]
        facts: dict[str, BlobFacts] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.db.execute(f"SELECT * FROM blobs WHERE key IN ({marks})", chunk):
                facts[row[0]] = _facts_from_row(row)
        return facts

    def last_versions(self) -> list[Version]:
        """Each lineage's latest version: the state of the files at the last stored commit."""
        rows = self.db.execute(
            "SELECT v.* FROM versions v JOIN (SELECT lineage, MAX(seq) AS s FROM versions "
            "GROUP BY lineage) m ON v.lineage = m.lineage AND v.seq = m.s ORDER BY v.lineage"
        )
        return [_version_from_row(row) for row in rows]

    def load(self, root: str) -> History:
        commits = tuple(
            _commit_from_row(row) for row in self.db.execute("SELECT * FROM commits ORDER BY seq")
        )
        versions = tuple(
            _version_from_row(row)
            for row in self.db.execute("SELECT * FROM versions ORDER BY seq, lineage")
        )
        blobs = {row[0]: _facts_from_row(row) for row in self.db.execute("SELECT * FROM blobs")}
        return History(root, commits, versions, blobs, {"store_bytes": float(self.size())})

    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:  # pragma: no cover
            return 0

    # -- writing ----------------------------------------------------------------------------
    def add_blobs(self, facts: Sequence[BlobFacts]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO blobs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                [_facts_row(item) for item in facts],
            )

    def add_commits(self, commits: Sequence[CommitRecord], versions: Sequence[Version]) -> None:
        try:
            self._add_commits(commits, versions)
        except sqlite3.IntegrityError as error:
            raise UsageError(
                f"{self.path}: another nbcoach run stored these commits at the same time "
                f"({error}); run it again"
            ) from error

    def _add_commits(self, commits: Sequence[CommitRecord], versions: Sequence[Version]) -> None:
        with self.db:
            self.db.executemany(
                f"INSERT INTO commits VALUES ({','.join('?' * len(_COMMIT_FIELDS))})",
                [_commit_row(c) for c in commits],
            )
            self.db.executemany(
                f"INSERT INTO versions VALUES ({','.join('?' * len(_VERSION_FIELDS))})",
                [_version_row(v) for v in versions],
            )


def _facts_row(item: BlobFacts) -> tuple[object, ...]:
    functions = [
        [f.name, f.cell, f.line, f.length, f.statements, f.complexity, f.nesting, f.parameters,
         f.score, f.digest]
        for f in item.functions
    ]  # fmt: skip
    return (
        item.key,
        item.status,
        item.reason,
        item.format,
        item.score,
        item.grade,
        json.dumps([[name, score] for name, score in item.categories], separators=(",", ":")),
        item.code_cells,
        item.python_cells,
        item.analysed_cells,
        item.code_lines,
        json.dumps(functions, separators=(",", ":")),
        item.redefinitions,
        item.reassignments,
        item.findings,
    )


def _facts_from_row(row: Sequence[Any]) -> BlobFacts:
    categories = json.loads(str(row[6] or "[]"))
    functions = json.loads(str(row[11] or "[]"))
    return BlobFacts(
        key=str(row[0]),
        status=str(row[1]),
        reason=str(row[2] or ""),
        format=str(row[3] or ""),
        score=None if row[4] is None else float(row[4]),
        grade=None if row[5] is None else str(row[5]),
        categories=tuple((str(name), float(score)) for name, score in categories),
        code_cells=int(row[7] or 0),
        python_cells=int(row[8] or 0),
        analysed_cells=int(row[9] or 0),
        code_lines=int(row[10] or 0),
        functions=tuple(FunctionFacts(*item) for item in functions),
        redefinitions=int(row[12] or 0),
        reassignments=int(row[13] or 0),
        findings=int(row[14] or 0),
    )


def _commit_row(commit: CommitRecord) -> tuple[object, ...]:
    values = [getattr(commit, name) for name in _COMMIT_FIELDS]
    values[2] = " ".join(commit.parents)
    return tuple(int(v) if isinstance(v, bool) else v for v in values)


def _commit_from_row(row: Sequence[Any]) -> CommitRecord:
    values: dict[str, Any] = dict(zip(_COMMIT_FIELDS, row, strict=True))
    values["parents"] = tuple(str(values["parents"] or "").split())
    values["base"] = bool(values["base"])
    values["big_bang"] = bool(values["big_bang"])
    return CommitRecord(**values)


def _version_row(version: Version) -> tuple[object, ...]:
    return tuple(getattr(version, name) for name in _VERSION_FIELDS)


def _version_from_row(row: Sequence[Any]) -> Version:
    values: dict[str, Any] = dict(zip(_VERSION_FIELDS, row, strict=True))
    return Version(**values)
