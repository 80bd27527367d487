"""Series over a history: running sums agree with recomputing each commit from scratch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from nbcoach.history.records import BlobFacts, CommitRecord, FunctionFacts, History, Version
from nbcoach.history.series import (
    biggest_changes,
    file_trends,
    team_series,
)


def blob(key: str, score: float | None, lengths: list[int]) -> BlobFacts:
    # complexity 1 + n // 5 spreads the functions over every complexity bar (1 to 31)
    functions = tuple(
        FunctionFacts(f"f{i}", 1, 1, n, n, 1 + n // 5, 1, 1, 100.0, f"{i}")
        for i, n in enumerate(lengths)
    )
    return BlobFacts(
        key,
        "ok" if score is not None else "error",
        score=score,
        functions=functions,
        redefinitions=len(lengths) % 3,
        code_lines=sum(lengths),  # 0 for a file without functions: it weighs one line
    )


step = st.tuples(
    st.integers(0, 3),  # which file
    st.sampled_from(["M", "D"]),
    st.one_of(st.none(), st.floats(0, 100).map(lambda x: round(x, 1))),
    st.lists(st.integers(1, 150), max_size=4),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(step, max_size=3), min_size=1, max_size=12))
def test_team_series_equals_recomputing_every_commit(commits: list[list[tuple]]) -> None:  # type: ignore[type-arg]
    blobs: dict[str, BlobFacts] = {}
    versions: list[Version] = []
    records = []
    for seq, changes in enumerate(commits, start=1):
        records.append(
            CommitRecord(
                seq,
                f"{seq:040d}",
                (),
                "a",
                "a@x",
                f"2024-01-{seq:02d}T00:00:00+00:00",
                f"2024-01-{seq:02d}T00:00:00+00:00",
                "s",
                touched=len(changes),
            )
        )
        seen = set()
        for lineage, change, score, lengths in changes:
            if lineage in seen:
                continue
            seen.add(lineage)
            key = f"{seq}-{lineage}"
            if change == "D":
                versions.append(
                    Version(
                        seq, lineage, f"n{lineage}.ipynb", "D", "", "", "", "a", "a@x", "deleted"
                    )
                )
                continue
            blobs[key] = blob(key, score, lengths)
            versions.append(
                Version(seq, lineage, f"n{lineage}.ipynb", change, "b", key, key, "a", "a@x")
            )
    history = History("/r", tuple(records), tuple(versions), blobs)
    points = team_series(history)
    for record, point in zip(records, points, strict=True):
        standing: dict[int, str] = {}
        for version in versions:
            if version.seq <= record.seq:
                standing[version.lineage] = version.effective
        graded = [blobs[k] for k in standing.values() if k and blobs[k].score is not None]
        scores = [b.score for b in graded if b.score is not None]
        weights = [max(1, b.code_lines) for b in graded]  # the mean over code lines
        assert point.files == len(graded)
        if scores:  # exact sums of tenths; a tie may round the other way than float sums
            assert point.score is not None
            mean = sum(s * w for s, w in zip(scores, weights, strict=True)) / sum(weights)
            assert abs(point.score - mean) <= 0.05 + 1e-9
        else:
            assert point.score is None
        functions = [f for b in graded for f in b.functions]
        assert point.functions == len(functions)
        assert point.length_buckets == bars([f.length for f in functions], (20, 50, 100))
        assert point.complexity_buckets == bars([f.complexity for f in functions], (5, 10, 20))
        assert point.redefinitions == sum(b.redefinitions for b in graded)


def bars(values: list[int], upper_bounds: tuple[int, ...]) -> tuple[int, ...]:
    """A histogram counted from scratch with the documented bounds (50 lines: the long-function
    limit; complexity 5/10/20: radon's ranks A, B, C, D-F): a bar ends at each upper bound, the
    last one is open."""
    counts = [0] * (len(upper_bounds) + 1)
    for value in values:
        counts[next((i for i, b in enumerate(upper_bounds) if value <= b), len(upper_bounds))] += 1
    return tuple(counts)


def test_biggest_changes_and_file_trends_follow_deltas() -> None:
    blobs = {k: blob(k, s, []) for k, s in (("a1", 50.0), ("a2", 70.0), ("a3", 65.0))}
    records = tuple(
        CommitRecord(
            i,
            f"{i:040d}",
            (),
            "a",
            "a@x",
            f"2024-01-0{i}T00:00:00+00:00",
            f"2024-01-0{i}T00:00:00+00:00",
            f"c{i}",
        )
        for i in (1, 2, 3)
    )
    versions = (
        Version(1, 1, "a.ipynb", "A", "b", "a1", "a1", "Ada", "ada@x", "new"),
        Version(2, 1, "a.ipynb", "M", "b", "a2", "a2", "Bob", "bob@x", "", 20.0),
        Version(3, 1, "b.ipynb", "R", "b", "a3", "a3", "Cy", "cy@x", "", -5.0, "a.ipynb"),
    )
    history = History("/r", records, versions, blobs)
    ups, downs = biggest_changes(history)
    assert [(c.version.delta, c.before, c.after, c.path) for c in ups] == [
        (20.0, 50.0, 70.0, "b.ipynb")
    ]
    assert [(c.version.delta, c.before, c.after) for c in downs] == [(-5.0, 70.0, 65.0)]
    [trend] = file_trends(history)
    assert (trend.path, trend.first, trend.latest, trend.change) == ("b.ipynb", 50.0, 65.0, 15.0)


def test_dashboard_data_leaves_out_commits_that_changed_nothing() -> None:
    from nbcoach.history.runs import Runs
    from nbcoach.render.dashboard import dashboard_data

    blobs = {"k": blob("k", 80.0, [10, 60])}
    records = tuple(
        CommitRecord(
            i,
            f"{i:040d}",
            (),
            "a",
            "a@x",
            f"2024-01-{i:02d}T00:00:00+00:00",
            f"2024-01-{i:02d}T00:00:00+00:00",
            f"c{i}",
            touched=int(i == 2),
        )
        for i in range(1, 11)
    )
    versions = (Version(2, 1, "a.ipynb", "A", "b", "k", "k", "a", "a@x", "new"),)
    data = dashboard_data(History("/r", records, versions, blobs), Runs({}))
    assert [p["subject"] for p in data["team"]] == ["c1", "c2", "c10"]
    assert [p["y"] for p in data["team"]] == [None, 80.0, 80.0]
    assert data["distributions"]["length"] == [[0, 1, 1], [0, 0, 0], [0, 1, 1], [0, 0, 0]]
    assert len(data["commits"]) == 1 and data["summary"]["commits"] == 10
