"""Grade file versions read from git exactly as `nbcoach report` grades files on disk.

Each version goes through the report's own engine: `analyse_bytes` (in a process pool, both
cores), one ruff run per batch over copies of the versions, and `build_card`. ruff needs files:
each batch writes its versions into a temporary folder that mirrors the repository's layout,
with the checkout's ruff and pyproject configuration files copied beside them, so ruff finds the
same configuration (nested files, per-file ignores) as for the real paths.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from nbcoach.analysis import lint
from nbcoach.analysis.analyse import analyse_bytes
from nbcoach.analysis.card import build_card
from nbcoach.analysis.notebook import parse_bytes
from nbcoach.core import gitrepo
from nbcoach.core.config import Config
from nbcoach.core.errors import ConfigError, InputError
from nbcoach.core.model import Analysis, Finding, ReportCard
from nbcoach.history.changes import Shape, function_digest, shape_of
from nbcoach.history.records import BlobFacts, FunctionFacts

Progress = Callable[[int, int], None]
BATCH = 200  # versions per ruff run; bounds memory on histories with thousands of versions
POOL_THRESHOLD = 8  # as in review: below this a pool costs more than it saves
REDEFINITIONS = ("redefined-function", "redefined-class")


@dataclass(frozen=True, slots=True)
class BlobJob:
    key: str
    blob: str
    path: str  # the repository path of a version with this content (posix, relative)
    config: Config
    twin: bool = False  # a py:percent twin counted with its notebook: not graded (paired_facts)


def analysis_key(blob: str, path: str, config: Config, config_dirs: str) -> str:
    """What decides a version's grade: its content, its file name (hygiene reads it) and the
    configuration that applies where it lives."""
    name = path.rsplit("/", 1)[-1]
    digest = hashlib.sha256()
    for part in (
        blob,
        name,
        config.fingerprint(),
        repr(asdict(config.weights)),
        repr(sorted(config.ignored_for(path))),
        config_dirs,
    ):
        digest.update(part.encode() + b"\0")
    return digest.hexdigest()[:24]


def twin_key(blob: str, path: str) -> str:
    """A twin's facts depend on its content and name only: it is not graded."""
    name = path.rsplit("/", 1)[-1]
    return hashlib.sha256(f"{blob}\0{name}\0twin".encode()).hexdigest()[:24]


def paired_facts(job: BlobJob) -> BlobFacts:
    """What the report says of a py:percent twin: skipped, graded with its notebook."""
    notebook = job.path.rsplit("/", 1)[-1][:-3] + ".ipynb"
    return BlobFacts(
        key=job.key,
        status="skipped",
        reason=f"paired with {notebook}; graded there",
        format="percent",
    )


def analyse_versions(
    root: Path,
    jobs: Sequence[BlobJob],
    config_files: Sequence[str],
    extend_select: Sequence[str],
    workers: int = 0,
    progress: Progress | None = None,
) -> Iterator[tuple[BlobFacts, Shape | None, str]]:
    """(facts, shape, blob) per job, batch by batch, in the order given."""
    done = 0
    for start in range(0, len(jobs), BATCH):
        batch = list(jobs[start : start + BATCH])
        contents = dict(gitrepo.read_blobs(root, [job.blob for job in batch]))
        for job in batch:
            if job.blob not in contents:
                reason = (
                    "its content is missing from this clone (a partial or damaged clone); "
                    "`git fetch` may bring it back"
                )
                card = ReportCard(path=job.path, status="error", reason=reason)
                yield facts_of(job.key, card, None), None, job.blob
        batch = [job for job in batch if job.blob in contents]
        done += len(jobs[start : start + BATCH]) - len(batch)
        with tempfile.TemporaryDirectory(prefix="nbcoach-history-") as scratch:
            copies = _mirror(root, Path(scratch), batch, contents, config_files)
            ruff = lint.start(
                [copies[job.key] for job in batch if job.config.lint],
                extend_select,
                config_dirs={str((root / job.path).parent) for job in batch},
            )
            analysed = _analyse(batch, contents, workers, done, len(jobs), progress)
            done += len(batch)
            ruff = lint.collect(ruff)
            if ruff.error:  # never stored as "no lint findings": that would raise old scores
                raise ConfigError(
                    f"{ruff.error}; lint cannot be scored, nothing recorded for these versions. "
                    "Check `ruff-extend-select` in [tool.nbcoach] and the ruff settings"
                )
            for job, (analysis, shape) in zip(batch, analysed, strict=True):
                findings = _lint_findings(job, analysis, contents[job.blob], ruff, copies[job.key])
                card = build_card(analysis, findings, job.config)
                yield facts_of(job.key, card, shape), shape, job.blob


def _mirror(
    root: Path,
    scratch: Path,
    batch: Sequence[BlobJob],
    contents: dict[str, bytes],
    config_files: Sequence[str],
) -> dict[str, str]:
    """Write each version at its repository path inside a layer of `scratch`; two versions of
    one path go to different layers. Every layer gets the checkout's configuration files."""
    copies: dict[str, str] = {}
    layers: dict[str, int] = {}
    made: set[int] = set()
    for job in batch:
        layer = layers.get(job.path, 0)
        layers[job.path] = layer + 1
        base = scratch / f"v{layer}"
        if layer not in made:
            made.add(layer)
            for name in config_files:
                target = base / name
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copyfile(root / name, target)
                except OSError:
                    continue
        target = base / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(contents[job.blob])
        copies[job.key] = str(target)
    return copies


def _analyse(
    batch: Sequence[BlobJob],
    contents: dict[str, bytes],
    workers: int,
    done: int,
    total: int,
    progress: Progress | None,
) -> list[tuple[Analysis, Shape | None]]:
    tasks = [(contents[job.blob], job.path, job.config) for job in batch]
    jobs = workers or os.cpu_count() or 1
    results: list[tuple[Analysis, Shape | None]] = []
    if jobs > 1 and len(tasks) >= POOL_THRESHOLD:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else "spawn")
        chunk = max(1, min(8, len(tasks) // (jobs * 4)))
        with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=context) as pool:
            for result in pool.map(analyse_task, tasks, chunksize=chunk):
                results.append(result)
                if progress:
                    progress(done + len(results), total)
        return results
    for task in tasks:
        results.append(analyse_task(task))
        if progress:
            progress(done + len(results), total)
    return results


def analyse_task(task: tuple[bytes, str, Config]) -> tuple[Analysis, Shape | None]:
    """The report's analysis of one version, plus its shape (for change sizes)."""
    data, path, config = task
    try:
        analysis = analyse_bytes(data, path, config)
    except RecursionError:
        analysis = Analysis(
            path=path, status="error", reason="code nested too deeply to analyse (recursion limit)"
        )
    return analysis, version_shape(data, path)


def version_shape(data: bytes, path: str) -> Shape | None:
    try:
        return shape_of(parse_bytes(data, path))
    except (InputError, RecursionError):
        return None


def _lint_findings(
    job: BlobJob, analysis: Analysis, data: bytes, ruff: lint.LintRun, copy: str
) -> tuple[Finding, ...]:
    """As `review` does: ruff's results for the copy, or through stdin when ruff cannot read it."""
    if analysis.status != "ok" or not job.config.lint:
        return ()
    raw = ruff.results.get(copy, [])
    if analysis.format == "ipynb" and lint.unreadable_by_ruff(raw):
        raw = lint.lint_stdin(parse_bytes(data, copy), ruff.options)
    return tuple(lint.to_findings(analysis.path, analysis.format, analysis.cell_lines, raw))


def facts_of(key: str, card: ReportCard, shape: Shape | None) -> BlobFacts:
    rules = [finding.rule for finding in card.findings if finding.scored]
    return BlobFacts(
        key=key,
        status=card.status,
        reason=card.reason,
        format=card.format,
        score=card.score,
        grade=card.grade,
        categories=tuple((c.name, c.score) for c in card.categories),
        code_cells=card.metrics.code_cells,
        python_cells=card.metrics.python_cells,
        analysed_cells=card.metrics.analysed_cells,
        code_lines=card.metrics.code_lines,
        functions=tuple(
            FunctionFacts(
                name=item.function.name,
                cell=item.function.cell,
                line=item.function.line,
                length=item.function.length,
                statements=item.function.statements,
                complexity=item.function.complexity,
                nesting=item.function.nesting,
                parameters=item.function.parameters,
                score=item.score,
                digest=function_digest(
                    shape or Shape(), item.function.cell, item.function.line, item.function.end_line
                ),
            )
            for item in sorted(card.functions, key=lambda f: (f.function.cell, f.function.line))
        ),
        redefinitions=sum(rule in REDEFINITIONS for rule in rules),
        reassignments=sum(rule == "reassigned-variable" for rule in rules),
        findings=len(rules),
    )
