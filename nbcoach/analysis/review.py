"""`nbcoach report`'s core: inputs -> analyses (cached, in parallel) + one ruff run -> cards.

Order of work, chosen for speed: hash every input and load what the cache has; start ruff in
the background on what is left; analyse the rest in a process pool (both cores) while ruff
runs; then score. Results come back in input order, so parallel and serial runs are identical.
"""

from __future__ import annotations

import gc
import hashlib
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nbcoach.analysis.cache import Cache, default_cache_dir, entry_key
from nbcoach.analysis.discover import Discovery, Scope, Target, discover
from nbcoach.core.config import Config, ConfigLoader
from nbcoach.core.errors import ConfigError, InputError
from nbcoach.core.files import read_user_file

if TYPE_CHECKING:  # the model is imported where built: a replayed run never needs it
    from nbcoach.analysis.lint import LintRun
    from nbcoach.core.model import Analysis, Finding, Report, ReportCard

Progress = Callable[[int, int], None]
POOL_THRESHOLD = 8  # below this many notebooks a pool costs more than it saves


@dataclass(frozen=True, slots=True)
class ReviewOptions:
    jobs: int = 0  # 0: one worker per core
    use_cache: bool = True
    cache_dir: Path | None = None
    config_overrides: dict[str, object] | None = None
    progress: Progress | None = None
    respect_gitignore: bool = True
    config_file: Path | None = None  # `--config FILE`: used for every input


@dataclass(slots=True)
class _Item:
    """One input on its way through the run. The main process keeps only the content's digest:
    workers read the file themselves, so a monorepo's notebooks are never all in memory."""

    target: Target
    config: Config
    size: int = 0
    digest: str = ""  # sha256 of the bytes the cache key was made from
    key: str = ""
    analysis: Analysis | None = None
    lint: tuple[Finding, ...] | None = None
    card: ReportCard | None = None  # built as soon as the analysis and ruff's results are in


def review(paths: Sequence[str], options: ReviewOptions = ReviewOptions()) -> Report:
    return complete(prepare(paths, options), options)


@dataclass(slots=True)
class Prepared:
    """A run up to the cache: what was found, each input hashed and keyed. Enough to know
    whether the whole run is one seen before (`run_key`), before loading anything."""

    started: float
    root_config: Config
    found: Discovery
    cache: Cache | None
    items: list[_Item]

    def run_key(self, rendering: str) -> str | None:
        """A key for the whole run's output: every input's cache key (content, path, config,
        ruff) and whole configuration, what discovery left out or could not read, the root
        configuration and how the output is rendered. None when an input has no key (no cache, unreadable, unhashed)."""
        if self.cache is None:
            return None
        from nbcoach import __version__
        from nbcoach.analysis.cache import CACHE_FORMAT
        from nbcoach.core.revision import SCORING

        head = f"{__version__}\0{CACHE_FORMAT}\0{SCORING}\0{rendering}"
        digest = hashlib.sha256(head.encode())
        # every setting, not only the analysis's fingerprint: weights and fail-under change
        # the cards too
        configs: dict[int, str] = {}
        digest.update(f"\0{self.root_config!r}".encode())
        for item in self.items:
            target = item.target
            if target.paired_with is None and not item.key:
                return None
            if id(item.config) not in configs:
                configs[id(item.config)] = repr(item.config)
            digest.update(f"\0{configs[id(item.config)]}".encode())
            digest.update(f"\0{target.display}\0{target.paired_with}\0{item.key}".encode())
            digest.update(f"\0{item.digest}".encode())  # a paired twin has no key of its own
        found = self.found
        digest.update(repr((found.errors, found.excluded, found.ignored)).encode())
        return digest.hexdigest()


def prepare(paths: Sequence[str], options: ReviewOptions = ReviewOptions()) -> Prepared:
    """Find the inputs, hash them and key them for the cache; nothing is loaded or analysed."""
    from nbcoach.core.tools import ruff_identity

    started = time.perf_counter()
    configs = ConfigLoader(options.config_overrides, options.config_file)
    root_config = configs.for_path(Path(paths[0]) if paths else Path.cwd())
    root = Path(root_config.root) if root_config.path else None
    scope = Scope(root_config.excluded, root, options.respect_gitignore, root_config.include)
    found = discover(paths, scope)
    cache = Cache(options.cache_dir or default_cache_dir()) if options.use_cache else None
    items = [_item(target, configs, hashed=cache is not None) for target in found.targets]
    ruff_digests: dict[Path, str] = {}
    ruff = ruff_identity() if cache is not None else ""  # once per run: keys lint results
    for item in items:
        if cache is not None and item.digest and item.target.paired_with is None:
            item.key = entry_key(
                item.digest,
                item.target.display,
                item.target.real,
                item.config.fingerprint(),
                ruff,
                ruff_digests,
            )
    return Prepared(started, root_config, found, cache, items)


def complete(prepared: Prepared, options: ReviewOptions = ReviewOptions()) -> Report:
    gc_was_enabled = gc.isenabled()
    # Hundreds of thousands of small acyclic results: the cyclic collector would rescan them
    # all on every generation-2 pass, making time per notebook grow with the number of inputs.
    gc.disable()
    try:
        return _complete(prepared, options)
    finally:
        if gc_was_enabled:
            gc.enable()


def _complete(prepared: Prepared, options: ReviewOptions) -> Report:
    from nbcoach.core.model import Report

    cache, items, root_config = prepared.cache, prepared.items, prepared.root_config
    found = prepared.found
    for item in items:
        if cache is not None and item.key:
            cached = cache.load(item.key)
            if cached is not None:
                item.analysis, item.lint = cached
    pending = [i for i in items if i.analysis is None and i.target.paired_with is None]
    lint_error = _analyse_and_lint(pending, root_config, options, cache)
    cards = tuple(item.card or _card(item, lint_error) for item in items)
    analyses = [i.analysis for i in items if i.analysis is not None and i.analysis.status == "ok"]
    stats = {
        "seconds": round(time.perf_counter() - prepared.started, 3),
        "cache_hits": float(cache.hits if cache else 0),
        "analysed": float(len(pending)),
        "lint_error": float(bool(lint_error)),
    }
    return Report(
        cards=cards,
        cross_findings=tuple(
            cross_notebook_copies(
                analyses, root_config, {i.target.display: i.config for i in items}
            )
        ),
        input_errors=found.errors,
        fail_under=root_config.fail_under,
        stats=stats,
        excluded=found.excluded,
        ignored=found.ignored,
    )


def _analyse_and_lint(
    pending: list[_Item], root_config: Config, options: ReviewOptions, cache: Cache | None
) -> str:
    """Analyse what the cache did not have while ruff lints it; returns ruff's error, if any.

    Imported here, not at the top: a warm run with everything cached never pays for radon,
    the checks or the ruff adapter.
    """
    if not pending:
        return ""
    from nbcoach.analysis import lint

    to_lint = [i.target.display for i in pending if i.config.lint]
    ruff = lint.start(to_lint, root_config.ruff_extend_select)
    finisher = _Finisher(pending, ruff, cache)
    _analyse(pending, options, meanwhile=finisher.analysed)
    ruff = lint.collect(ruff)  # a no-op when the finisher already collected it
    if ruff.error:
        # Scoring lint as clean would raise every grade on a typo in `ruff-extend-select`.
        where = f" ({root_config.path})" if root_config.path else ""
        raise ConfigError(
            f"{ruff.error}; lint cannot be scored, nothing graded. Check `ruff-extend-select` "
            f"in [tool.nbcoach]{where} and the project's ruff settings"
        )
    finisher.finish_all()
    return ruff.error


class _Finisher:
    """Gives each analysed item its lint findings, cache entry and card as soon as both its
    analysis and ruff's results are in. Ruff finishes long before the workers, so almost every
    card is built in this process while the workers still analyse, on a core they leave free
    between results, instead of all of them after the last result (70 ms of a cold run)."""

    def __init__(self, pending: list[_Item], ruff: LintRun, cache: Cache | None) -> None:
        self.pending, self.ruff, self.cache = pending, ruff, cache
        self.waiting: list[tuple[int, bool]] = []  # analysed before ruff's results were read

    def analysed(self, index: int, unchanged: bool) -> None:
        """One analysis is in; never waits for ruff (the progress bar must not stall)."""
        from nbcoach.analysis import lint

        self.waiting.append((index, unchanged))
        if self.ruff.process is not None:
            lint.collect_if_done(self.ruff)
            if self.ruff.process is not None:
                return
        if self.ruff.error:
            return  # nothing is graded: the run stops with ruff's error
        for waiting, same in self.waiting:
            self._finish(waiting, same)
        self.waiting.clear()

    def finish_all(self) -> None:
        """Finish what came in before ruff's results (every item, for a run without a pool)."""
        for index, same in self.waiting:
            self._finish(index, same)
        self.waiting.clear()

    def _finish(self, index: int, unchanged: bool) -> None:
        item = self.pending[index]
        assert item.analysis is not None
        item.lint = _lint_findings(item, self.ruff)
        # A file edited between hashing and analysis is reported as read, but never cached
        # under the key of its older content.
        if self.cache is not None and item.key and unchanged:
            self.cache.store(item.key, item.analysis, item.lint)
        item.card = _card(item, "")


def _item(target: Target, configs: ConfigLoader, hashed: bool) -> _Item:
    item = _Item(target, configs.for_file(target.path))
    try:
        if hashed:
            data = read_user_file(target.path)
            item.size, item.digest = len(data), hashlib.sha256(data).hexdigest()
        else:
            item.size = target.path.stat().st_size
    except InputError as error:
        item.analysis = _unreadable(target, error.reason)
    except OSError as error:
        item.analysis = _unreadable(target, f"cannot read: {error.strerror or error}")
    return item


def _unreadable(target: Target, reason: str) -> Analysis:
    from nbcoach.core.model import Analysis

    return Analysis(path=target.display, status="error", reason=reason)


# Work for forked workers: set just before the pool forks, so each worker inherits its tasks
# instead of receiving them through a pipe.
_Task = tuple[str, str, Config, str]  # (path, display, config, expected digest or "")
_WORK: list[_Task] = []


def _analyse(
    pending: list[_Item], options: ReviewOptions, meanwhile: Callable[[int, bool], object]
) -> None:
    """Fill in each item's analysis, then call `meanwhile(index, unchanged)`: whether the file
    still had the hashed content. With a pool, `meanwhile` runs in this process while the
    workers analyse; it must not wait, or the progress bar would stall."""
    import nbcoach.analysis.analyse  # noqa: F401 - imported once here, before workers fork

    total = len(pending)
    tasks: list[_Task] = [
        (str(i.target.path), i.target.display, i.config, i.digest) for i in pending
    ]
    jobs = options.jobs or os.cpu_count() or 1
    if jobs > 1 and total >= POOL_THRESHOLD:
        # Largest first, in small chunks: the few big notebooks must not all land on one worker.
        import multiprocessing  # here, not at the top: a run from the cache needs no pool
        from concurrent.futures import ProcessPoolExecutor

        order = sorted(range(total), key=lambda i: -pending[i].size)
        fork = sys.platform == "linux"
        context = multiprocessing.get_context("fork" if fork else "spawn")
        chunk = max(1, min(8, total // (jobs * 16)))
        _WORK[:] = tasks
        try:
            with ProcessPoolExecutor(
                max_workers=min(jobs, total), mp_context=context, initializer=_worker_start
            ) as pool:
                if fork:
                    results = pool.map(_analyse_index, order, chunksize=chunk)
                else:
                    results = pool.map(_analyse_task, [tasks[i] for i in order], chunksize=chunk)
                for done, (index, (analysis, unchanged)) in enumerate(
                    zip(order, results, strict=True), start=1
                ):
                    pending[index].analysis = analysis
                    if options.progress:
                        options.progress(done, total)
                    meanwhile(index, unchanged)
        finally:
            _WORK.clear()
        return
    for index, (item, task) in enumerate(zip(pending, tasks, strict=True)):
        item.analysis, unchanged = _analyse_task(task)
        if options.progress:
            options.progress(index + 1, total)
        meanwhile(index, unchanged)


def _worker_start() -> None:
    """A forked worker inherits the parent's objects and a disabled collector. It builds and
    drops a syntax tree per cell, almost none of it cyclic (about 40 cyclic objects a notebook),
    so the collector runs rarely and never rescans what was inherited: scanning those pages
    would also copy them. With the default thresholds collection cost a tenth of the cold run."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 1000)
    gc.enable()


def _analyse_index(index: int) -> tuple[Analysis, bool]:
    return _analyse_task(_WORK[index])


def _analyse_task(task: _Task) -> tuple[Analysis, bool]:
    from nbcoach.analysis.analyse import analyse_bytes
    from nbcoach.core.model import Analysis

    path, display, config, expected = task
    try:
        data = read_user_file(path)
    except InputError as error:
        return Analysis(path=display, status="error", reason=error.reason), False
    unchanged = not expected or hashlib.sha256(data).hexdigest() == expected
    try:
        return analyse_bytes(data, display, config), unchanged
    except RecursionError:
        reason = "code nested too deeply to analyse (recursion limit)"
        return Analysis(path=display, status="error", reason=reason), unchanged


def _lint_findings(item: _Item, ruff: LintRun) -> tuple[Finding, ...]:
    from nbcoach.analysis import lint

    analysis = item.analysis
    if analysis is None or analysis.status != "ok" or not item.config.lint:
        return ()
    raw = ruff.results.get(item.target.display, [])
    if analysis.format == "ipynb" and lint.unreadable_by_ruff(raw):
        from nbcoach.analysis.notebook import parse_bytes

        try:
            notebook = parse_bytes(read_user_file(item.target.path), item.target.display)
        except InputError:
            return ()
        raw = lint.lint_stdin(notebook, ruff.options)
    return tuple(lint.to_findings(analysis.path, analysis.format, analysis.cell_lines, raw))


def _card(item: _Item, lint_error: str) -> ReportCard:
    from nbcoach.analysis.card import build_card
    from nbcoach.core.model import ReportCard

    if item.target.paired_with is not None:
        return ReportCard(
            path=item.target.display,
            status="skipped",
            format="percent",
            reason=f"paired with {item.target.paired_with}; reported there",
        )
    assert item.analysis is not None
    notes = (f"lint skipped: {lint_error}",) if lint_error and item.config.lint else ()
    return build_card(item.analysis, item.lint or (), item.config, notes)


def cross_notebook_copies(
    analyses: Sequence[Analysis], config: Config, configs: Mapping[str, Config] | None = None
) -> list[Finding]:
    """Blocks copied between notebooks of this run: reported, never scored (see rules.py), and
    chosen as every finding is: by the `select`, `ignore`, `per-file-ignores` and comments of
    the notebook each is shown in (`configs`, by path; `config`, the run's, otherwise)."""
    from nbcoach.analysis import suppress
    from nbcoach.analysis.analyse import copy_size
    from nbcoach.analysis.duplication import cross_notebook_findings

    found = cross_notebook_findings(
        ((a.path, p) for a in analyses for p in a.fingerprints),
        copy_size(config.thresholds),
        frozenset(a.path for a in analyses if a.format == "script"),
    )
    by_path = {a.path: a for a in analyses}
    kept = []
    for finding in found:
        shown_in = by_path[finding.location.path]
        own = (configs or {}).get(finding.location.path, config)
        kept += suppress.apply(
            [finding],
            shown_in.suppressions,
            own.ignored_for(finding.location.path),
            shown_in.format == "script",
            own.select,
        )
    return kept
