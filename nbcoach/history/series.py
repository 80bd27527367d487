"""Series over a loaded history, for `trend` and `dashboard`. Pure: no I/O.

One replay of the versions in commit order keeps, per file, the grade that stands for it (its
*effective* version: a version whose coverage dropped does not stand), and updates the team's
sums as files change, so every series costs one pass however long the history.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from nbcoach.history.records import (
    NOT_COUNTED,
    TWIN,
    BlobFacts,
    CommitRecord,
    History,
    Version,
    never_graded,
)

LENGTH_BUCKETS = ((1, 20), (21, 50), (51, 100), (101, None))  # 50: the long-function threshold
COMPLEXITY_BUCKETS = ((1, 5), (6, 10), (11, 20), (21, None))  # radon ranks A, B, C, D-F
SIGNIFICANT = 0.05  # a score change smaller than the card's rounding is no change


@dataclass(frozen=True, slots=True)
class TeamPoint:
    seq: int
    sha: str
    date: str
    score: float | None  # the mean of the graded files' scores, as `report`'s summary
    files: int
    functions: int
    length_buckets: tuple[int, ...]
    complexity_buckets: tuple[int, ...]
    redefinitions: int
    reassignments: int
    marks: tuple[str, ...]  # "path: mark" for this commit's not-comparable versions


@dataclass(frozen=True, slots=True)
class FilePoint:
    seq: int
    date: str
    sha: str
    score: float | None  # the effective score (what stands for the file after this commit)
    raw: float | None  # what this version itself scored, comparable or not
    mark: str
    delta: float | None
    coverage: str


@dataclass(frozen=True, slots=True)
class FileTrend:
    lineage: int
    path: str
    points: tuple[FilePoint, ...]
    alive: bool

    @property
    def scores(self) -> list[float]:
        return [p.score for p in self.points if p.score is not None]

    @property
    def first(self) -> float | None:
        return self.scores[0] if self.scores else None

    @property
    def latest(self) -> float | None:
        return self.scores[-1] if self.scores else None

    @property
    def change(self) -> float:
        """The sum of comparable deltas: what edits did, not what coverage changes did."""
        return round(sum(p.delta or 0.0 for p in self.points), 1)


@dataclass(frozen=True, slots=True)
class Change:
    version: Version
    commit: CommitRecord
    path: str  # the file's latest path
    before: float | None
    after: float | None


@dataclass(slots=True)
class AuthorStats:
    name: str
    email: str
    commits: int = 0
    score_change: float = 0.0  # the sum of this author's comparable deltas
    improvements: int = 0
    regressions: int = 0
    added: int = 0  # files this author started
    coverage_drops: int = 0
    lines_changed: int = 0
    big_bang: int = 0
    sizes: list[int] = field(default_factory=list)

    @property
    def median_lines(self) -> float:
        return float(statistics.median(self.sizes)) if self.sizes else 0.0


def _bucket(value: int, buckets: tuple[tuple[int, int | None], ...]) -> int:
    for index, (_, high) in enumerate(buckets):
        if high is None or value <= high:
            return index
    return len(buckets) - 1  # pragma: no cover


def team_series(history: History) -> list[TeamPoint]:
    """The team's state after every commit; running sums, so long histories stay linear."""
    by_seq: dict[int, list[Version]] = defaultdict(list)
    for version in history.versions:
        by_seq[version.seq].append(version)
    standing: dict[int, tuple[int, ...]] = {}
    vectors: dict[str, tuple[int, ...]] = {}
    totals = [0] * _WIDTH
    points: list[TeamPoint] = []
    for commit in history.commits:
        marks = []
        for version in by_seq.get(commit.seq, []):
            old = standing.pop(version.lineage, None)
            if old is not None:
                totals = [a - b for a, b in zip(totals, old, strict=True)]
            facts = history.blobs.get(version.effective) if version.effective else None
            if facts is not None and facts.score is not None:
                vector = vectors.setdefault(facts.key, _vector(facts))
                standing[version.lineage] = vector
                totals = [a + b for a, b in zip(totals, vector, strict=True)]
            if version.mark in NOT_COUNTED and not never_graded(version, facts):
                marks.append(f"{version.path}: {version.mark}")
        points.append(_team_point(commit, totals, tuple(marks)))
    return points


# A file's contribution to the team's sums: score x10 x its weight (integers, so sums stay
# exact), files, functions, the length buckets, the complexity buckets, redefinitions,
# reassignments, and its weight: its code lines (at least 1). The team score is the mean over
# code lines, not files: an empty `__init__.py` or a scaffolded test at 100 cannot lift it, and
# splitting the same code into more files cannot move it.
_WIDTH = 3 + len(LENGTH_BUCKETS) + len(COMPLEXITY_BUCKETS) + 3


def _vector(facts: BlobFacts) -> tuple[int, ...]:
    lengths = [0] * len(LENGTH_BUCKETS)
    complexities = [0] * len(COMPLEXITY_BUCKETS)
    for function in facts.functions:
        lengths[_bucket(function.length, LENGTH_BUCKETS)] += 1
        complexities[_bucket(function.complexity, COMPLEXITY_BUCKETS)] += 1
    weight = max(1, facts.code_lines)
    return (
        round((facts.score or 0.0) * 10) * weight,
        1,
        len(facts.functions),
        *lengths,
        *complexities,
        facts.redefinitions,
        facts.reassignments,
        weight,
    )


def _team_point(commit: CommitRecord, totals: list[int], marks: tuple[str, ...]) -> TeamPoint:
    files = totals[1]
    lengths_end = 3 + len(LENGTH_BUCKETS)
    complexity_end = lengths_end + len(COMPLEXITY_BUCKETS)
    weight = totals[complexity_end + 2]
    return TeamPoint(
        seq=commit.seq,
        sha=commit.sha,
        date=commit.committed,
        score=round(totals[0] / 10 / weight, 1) if files and weight else None,
        files=files,
        functions=totals[2],
        length_buckets=tuple(totals[3:lengths_end]),
        complexity_buckets=tuple(totals[lengths_end:complexity_end]),
        redefinitions=totals[complexity_end],
        reassignments=totals[complexity_end + 1],
        marks=marks,
    )


def file_trends(history: History) -> list[FileTrend]:
    """Per file (following renames), its score after each of its versions; busiest first.

    A py:percent twin is no file of its own: its notebook's trend stands for both, so twins
    are left out (and a former twin's versions from while it was paired)."""
    commits = {c.seq: c for c in history.commits}
    paths = history.latest_paths()
    live = history.live_lineages()
    twins = history.twin_lineages()
    points: dict[int, list[FilePoint]] = defaultdict(list)
    for version in history.versions:
        if version.lineage in twins or version.mark == TWIN:
            continue
        commit = commits[version.seq]
        standing = history.blobs.get(version.effective) if version.effective else None
        own = history.blobs.get(version.key) if version.key else None
        points[version.lineage].append(
            FilePoint(
                seq=version.seq,
                date=commit.committed,
                sha=commit.sha,
                score=standing.score if standing else None,
                raw=own.score if own else None,
                mark=version.mark,
                delta=version.delta,
                coverage=own.coverage if own else "",
            )
        )
    trends = [
        FileTrend(lineage, paths[lineage], tuple(items), lineage in live)
        for lineage, items in points.items()
    ]
    trends.sort(key=lambda t: (-len(t.points), t.path))
    return trends


def score_changes(history: History) -> list[Change]:
    """Every comparable change of a score, oldest first, with its commit."""
    commits = {c.seq: c for c in history.commits}
    paths = history.latest_paths()
    changes = []
    for version in history.versions:
        if version.delta is None or abs(version.delta) < SIGNIFICANT:
            continue
        after = history.blobs.get(version.key)
        score = after.score if after else None
        before = None if score is None else round(score - version.delta, 1)
        changes.append(Change(version, commits[version.seq], paths[version.lineage], before, score))
    return changes


def biggest_changes(history: History, count: int = 5) -> tuple[list[Change], list[Change]]:
    """The largest comparable improvements and regressions, one per version."""
    changes = score_changes(history)
    ups = sorted((c for c in changes if (c.version.delta or 0) > 0), key=_by_delta, reverse=True)
    downs = sorted((c for c in changes if (c.version.delta or 0) < 0), key=_by_delta)
    return ups[:count], downs[:count]


def _by_delta(change: Change) -> tuple[float, int]:
    return (change.version.delta or 0.0, change.version.seq)


def author_stats(history: History) -> list[AuthorStats]:
    """Per author (by e-mail): what their versions did to the scores, and their commit habits.

    A merge's versions are credited to the merged branch's authors (see gitrepo.branch_authors);
    the merge commit itself is not a commit-size habit of whoever merged.
    """
    stats: dict[str, AuthorStats] = {}

    def get(name: str, email: str) -> AuthorStats:
        key = email.lower() or name
        if key not in stats:
            stats[key] = AuthorStats(name, email)
        stats[key].name = name  # the latest spelling wins
        return stats[key]

    for commit in history.commits:
        if commit.base or commit.is_merge or not commit.touched:
            continue
        author = get(commit.author, commit.email)
        author.commits += 1
        author.lines_changed += commit.lines_changed
        author.sizes.append(commit.lines_changed)
        author.big_bang += commit.big_bang
    for version in history.versions:
        if version.change == "=":
            continue
        author = get(version.author, version.email)
        if version.delta is not None and version.delta >= SIGNIFICANT:
            author.improvements += 1
        elif version.delta is not None and version.delta <= -SIGNIFICANT:
            author.regressions += 1
        author.score_change = round(author.score_change + (version.delta or 0.0), 1)
        author.added += version.mark == "new" and version.change == "A"
        author.coverage_drops += version.mark == "coverage-drop"
    return sorted(stats.values(), key=lambda a: (-a.score_change, a.name))


def marked_versions(history: History) -> list[Change]:
    """Versions that were not compared: each says why (coverage dropped, unreadable, ...)."""
    commits = {c.seq: c for c in history.commits}
    paths = history.latest_paths()
    found = []
    for version in history.versions:
        if version.mark in NOT_COUNTED:
            own = history.blobs.get(version.key)
            standing = history.blobs.get(version.effective)
            if never_graded(version, standing):
                continue
            found.append(
                Change(
                    version,
                    commits[version.seq],
                    paths[version.lineage],
                    standing.score if standing else None,
                    own.score if own else None,
                )
            )
    return found
