"""`[tool.nbcoach]` in pyproject.toml: found upward from an input, validated strictly.

Defaults < pyproject < command-line flags. Loaded explicitly, never at import time. An unknown
key is an error that names the key and the file, so a typo never silently does nothing.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from nbcoach.core.errors import ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Where a measurement starts to cost points. Sources are in docs/scoring.md."""

    function_lines: int = 50  # corpus p99 function length is 46-74 lines
    function_statements: int = 50  # ruff PLR0915 / pylint max-statements default
    complexity: int = 10  # McCabe's 10; radon rank C starts at 11
    nesting: int = 4  # ruff PLR1702 max-nested-blocks is 5: one level of warning earlier
    parameters: int = 5  # ruff PLR0913 / pylint max-args default
    cell_lines: int = 40  # top-level code lines in one cell before it wants to be a function
    script_lines: int = 80  # top-level code lines in the whole notebook (blind review)
    output_kb: int = 500  # saved output per cell; GitHub stops rendering notebooks past ~1 MB
    late_import_cells: int = 2  # imports are expected within the first code cells
    min_markdown_ratio: float = 0.1  # at least one markdown cell per ten code cells
    duplicate_lines: int = 3  # a copied block of this many significant lines counts ...
    duplicate_tokens: int = 25  # ... and so does one of this many tokens (blind review)


@dataclass(frozen=True, slots=True)
class Weights:
    """The most each category can take from the overall score, in points: a category at zero
    takes its whole weight, whatever the others (docs/scoring.md). Fitted to blind review."""

    functions: float = 75
    complexity: float = 25
    duplication: float = 65
    lint: float = 65
    hygiene: float = 40


@dataclass(frozen=True, slots=True)
class CommitSize:
    """When a commit is a big bang. Google's review guide calls ~100 changed lines reasonable and
    1,000 usually too large; the SmartBear/Cisco study found reviewers miss defects past 200-400
    lines. Notebook lines are counted on cell sources only (outputs and metadata never count)."""

    max_lines: int = 400
    max_functions: int = 10  # functions added, removed or changed
    max_notebooks: int = 3  # notebooks and .py files touched (a pair counts once)
    fail: bool = False  # warn only; true blocks the commit


DEFAULT_ALLOW_REASSIGN: tuple[str, ...] = (
    "_",
    "__",
    "___",
    "fig*",
    "ax*",
    "g",
    "p",
    "plot",
    "chart",
    "im",
    "img",
    "line",
    "lines",
    "handles",
    "labels",
    "legend",
    "cbar",
    "f",
    "tmp",
    "temp",
    "i",
    "j",
    "k",
    "n",
    "x",
    "y",
    "z",
    "idx",
    "result",
    "results",
    "res",
    "out",
    "output",
    "response",
    "resp",
    "r",
)


@dataclass(frozen=True, slots=True)
class Config:
    path: str | None = None  # the file it came from (pyproject.toml, nbcoach.toml), if any
    root: str = "."
    fail_under: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    extend_exclude: tuple[str, ...] = ()  # ruff's name: added to `exclude`
    allow_reassign: tuple[str, ...] = DEFAULT_ALLOW_REASSIGN
    extend_allow_reassign: tuple[str, ...] = ()
    # Which rules count, as ruff says it: ids (`long-function`), ruff codes or their prefixes
    # (`F841`, `F`, `N8`), `ALL`. Empty `select`: every rule.
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (glob, rules)
    lint: bool = True
    # Beside the project's own ruff rules: naming, `== None`/`== True`, bare `except:`, names that
    # shadow a builtin (`list = ...`), commented-out code, undocumented functions and NumPy names
    # removed from NumPy -- what blind reviewers flagged that ruff's defaults miss
    # (benchmarks/calibration).
    ruff_extend_select: tuple[str, ...] = (
        "N8",
        "E711",
        "E712",
        "E722",
        "A001",
        "A002",
        "ERA001",
        "D103",
        "NPY001",
        "NPY201",
    )
    thresholds: Thresholds = field(default_factory=Thresholds)
    weights: Weights = field(default_factory=Weights)
    commit_size: CommitSize = field(default_factory=CommitSize)
    # Found, not configured: the project's own packages under src/ (project.src_packages).
    first_party: tuple[str, ...] = ()

    @property
    def excluded(self) -> tuple[str, ...]:
        """`exclude` and `extend-exclude` together."""
        return (*self.exclude, *self.extend_exclude)

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """`ignore`, plus the `per-file-ignores` whose glob matches `path` (relative to the
        configuration's folder, or its name)."""
        if not self.per_file_ignores:
            return self.ignore
        relative = _relative_to(path, self.root)
        name = Path(path).name
        extra = [
            rule
            for pattern, rules in self.per_file_ignores
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(name, pattern)
            for rule in rules
        ]
        return (*self.ignore, *extra)

    @property
    def reassign_allowed(self) -> frozenset[str]:
        """Names (or glob patterns such as `ax*`) that may be re-assigned across cells."""
        return frozenset(self.allow_reassign) | frozenset(self.extend_allow_reassign)

    def fingerprint(self) -> str:
        """A stable hash of everything that changes an analysis, for the cache key."""
        payload = {
            "allow": sorted(self.reassign_allowed),
            "lint": self.lint,
            "ruff": list(self.ruff_extend_select),
            "thresholds": [getattr(self.thresholds, f.name) for f in fields(Thresholds)],
            "first_party": list(self.first_party),
            "select": list(self.select),
            "ignore": list(self.ignore),
            "per_file_ignores": [[p, list(r)] for p, r in self.per_file_ignores],
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


_TOP_KEYS = {
    "fail-under": "fail_under",
    "include": "include",
    "exclude": "exclude",
    "extend-exclude": "extend_exclude",
    "allow-reassign": "allow_reassign",
    "extend-allow-reassign": "extend_allow_reassign",
    "select": "select",
    "ignore": "ignore",
    "lint": "lint",
    "ruff-extend-select": "ruff_extend_select",
}
_TABLES = {"thresholds": Thresholds, "weights": Weights, "commit-size": CommitSize}
_FIELDS = {"commit-size": "commit_size"}


STANDALONE = (".nbcoach.toml", "nbcoach.toml")  # as ruff: `.ruff.toml`, `ruff.toml`, pyproject


def find_pyproject(start: Path) -> Path | None:
    """The nearest configuration: `.nbcoach.toml` or `nbcoach.toml` (settings at the top
    level), else a pyproject.toml with a [tool.nbcoach] table; the first folder that has one
    wins, searching up to the git root."""
    directory = (start if start.is_dir() else start.parent).resolve()
    for candidate_dir in (directory, *directory.parents):
        for name in STANDALONE:
            if (candidate_dir / name).is_file():
                return candidate_dir / name
        candidate = candidate_dir / "pyproject.toml"
        if candidate.is_file() and _has_nbcoach_table(candidate):
            return candidate
        if (candidate_dir / ".git").exists():
            return None
    return None


def _has_nbcoach_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return "tool.nbcoach" in text


def load_config(start: Path, overrides: dict[str, Any] | None = None) -> Config:
    """The effective config for inputs under `start`: defaults, then pyproject, then flags."""
    return ConfigLoader(overrides).for_path(start)


class ConfigLoader:
    """Resolves configs for many inputs in one run, reading each pyproject once.

    Memoised per run, never per process: a long-lived process (a Jupyter kernel running
    `%nbcoach`, a test session) must see a pyproject edited between two runs.
    """

    def __init__(
        self, overrides: dict[str, Any] | None = None, config_file: Path | None = None
    ) -> None:
        """`config_file` (`--config FILE`) is used for every input instead of searching."""
        self.overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
        self.config_file = config_file.resolve() if config_file is not None else None
        if config_file is not None and not config_file.is_file():
            raise ConfigError(f"{config_file}: no such configuration file (--config)")
        if "fail_under" in self.overrides:  # `--fail-under nan` is a float to the parser
            self.overrides["fail_under"] = _check_number(
                "--fail-under", self.overrides["fail_under"], 0.0, "command line"
            )
        self._by_directory: dict[Path, Config] = {}
        self._by_file: dict[Path, Config] = {}
        self._by_folder: dict[Path, Config] = {}  # as given, before resolving
        for option in ("select", "ignore"):
            self._check_rules(f"--{option}", self.overrides.get(option) or ())

    def for_path(self, start: Path) -> Config:
        return self._for_directory((start if start.is_dir() else start.parent).resolve())

    def for_file(self, path: Path) -> Config:
        """`for_path` of a file known to be one: its folder resolved once per run, not once per
        file. The folder the file is listed in, not the one a symlinked file points into."""
        folder = path.parent
        config = self._by_folder.get(folder)
        if config is None:
            config = self._by_folder[folder] = self._for_directory(folder.resolve())
        return config

    def _for_directory(self, directory: Path) -> Config:
        """The config of the files in `directory`, an absolute path without symlinks."""
        config = self._by_directory.get(directory)
        if config is None:
            pyproject = self.config_file or find_pyproject(directory)
            if pyproject is None:
                config = Config(root=str(directory))
            else:
                config = self._by_file.get(pyproject)
                if config is None:
                    config = self._by_file[pyproject] = _read(pyproject)
                    self._check_rules(f"{pyproject}: 'select'", config.select)
                    self._check_rules(f"{pyproject}: 'ignore'", config.ignore)
                    for pattern, rules in config.per_file_ignores:
                        self._check_rules(f"{pyproject}: 'per-file-ignores' {pattern!r}", rules)
            if self.overrides:
                config = _overridden(config, self.overrides)
            config = replace(config, first_party=_first_party(directory))
            self._by_directory[directory] = config
        return config

    def _check_rules(self, where: str, patterns: Iterable[str]) -> None:
        """Refuse a rule list naming a rule that does not exist: a typo in `select` would
        select nothing and grade every notebook 100, one in `ignore` would leave the rule on."""
        if not patterns:
            return
        from nbcoach.core.rules import closest, unknown_patterns
        from nbcoach.core.tools import ruff_codes

        unknown = unknown_patterns(patterns, ruff_codes)
        if unknown:
            near = closest(unknown[0])
            hint = f" (did you mean {near!r}?)" if near else ""
            names = ", ".join(repr(name) for name in unknown)
            raise ConfigError(
                f"{where}: unknown rule {names}{hint}; `nbcoach rules` lists nbcoach's ids, "
                "`ruff rule --all` ruff's codes"
            )


def _overridden(config: Config, overrides: Mapping[str, Any]) -> Config:
    """Command-line options over the file, as ruff combines them: `--select` replaces the
    selection, `--ignore` and `--extend-select` add to what the file says."""
    values = dict(overrides)
    extend = tuple(values.pop("extend_select", ()) or ())
    if "ignore" in values:
        values["ignore"] = (*config.ignore, *values["ignore"])
    if extend:
        values["ruff_extend_select"] = (*config.ruff_extend_select, *extend)
        selected = values.get("select", config.select)
        if selected:
            values["select"] = (*selected, *extend)
    return replace(config, **values)


def _relative_to(path: str, root: str) -> str:
    try:
        return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def _first_party(directory: Path) -> tuple[str, ...]:
    from nbcoach.core.project import project_root, src_packages

    return src_packages(project_root(directory))


def _read(pyproject: Path) -> Config:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{pyproject}: cannot read: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{pyproject}: invalid TOML: {error}") from error
    if pyproject.name == "pyproject.toml":
        table = data.get("tool", {}).get("nbcoach", {})
    else:  # nbcoach.toml, or any file given with --config: settings at the top level
        table = data.get("tool", {}).get("nbcoach", data) if "tool" in data else data
    return parse_table(table, str(pyproject))


def parse_table(table: dict[str, Any], source: str) -> Config:
    """Validate a [tool.nbcoach] table; every problem names the key and the file."""
    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [tool.nbcoach] must be a table")
    values: dict[str, Any] = {"path": source, "root": str(Path(source).parent)}
    for key, value in table.items():
        if key == "per-file-ignores":
            values["per_file_ignores"] = _per_file_ignores(value, source)
            continue
        if key in _TABLES:
            values[_FIELDS.get(key, key)] = _parse_subtable(key, value, source)
            continue
        if key not in _TOP_KEYS:
            known = ", ".join(sorted([*_TOP_KEYS, *_TABLES, "per-file-ignores"]))
            raise ConfigError(f"{source}: unknown key 'tool.nbcoach.{key}' (known keys: {known})")
        name = _TOP_KEYS[key]
        values[name] = _check_type(
            f"tool.nbcoach.{key}", value, Config.__dataclass_fields__[name].default, source
        )
    return Config(**values)


def _per_file_ignores(value: Any, source: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    name = "tool.nbcoach.per-file-ignores"
    if not isinstance(value, dict) or not all(
        isinstance(rules, list) and all(isinstance(r, str) for r in rules)
        for rules in value.values()
    ):
        raise ConfigError(
            f"{source}: '{name}' must map file globs to lists of rules, e.g. "
            '"notebooks/scratch*.ipynb" = ["long-function"]'
        )
    return tuple((str(pattern), tuple(rules)) for pattern, rules in value.items())


def _parse_subtable(key: str, value: Any, source: str) -> Any:
    kind = _TABLES[key]
    if not isinstance(value, dict):
        raise ConfigError(f"{source}: 'tool.nbcoach.{key}' must be a table")
    defaults = kind()
    known = {f.name.replace("_", "-"): f.name for f in fields(kind)}
    parsed: dict[str, Any] = {}
    for sub, item in value.items():
        if sub not in known:
            raise ConfigError(
                f"{source}: unknown key 'tool.nbcoach.{key}.{sub}' (known keys: {', '.join(sorted(known))})"
            )
        parsed[known[sub]] = _check_type(
            f"tool.nbcoach.{key}.{sub}", item, getattr(defaults, known[sub]), source
        )
    return kind(**parsed)


# Upper bounds where a larger number has no meaning: a score is out of 100, and so is what a
# category can take from it. (A `fail-under` of 1000 would block every commit forever.)
_AT_MOST = {
    "tool.nbcoach.fail-under": 100.0,
    "--fail-under": 100.0,
    **{f"tool.nbcoach.weights.{f.name}": 100.0 for f in fields(Weights)},
}


def _check_number(name: str, value: Any, default: Any, source: str) -> float | int:
    """A finite, non-negative number within its range: `nan` compares false with everything,
    so a `fail-under = nan` would never fail and a `weights.functions = nan` would poison every
    score; `inf` limits would turn off a check without saying so."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"{source}: '{name}' must be a number, not {value!r}")
    if not math.isfinite(value):
        raise ConfigError(f"{source}: '{name}' must be a finite number, not {value!r}")
    if value < 0:
        raise ConfigError(f"{source}: '{name}' must not be negative, not {value!r}")
    most = _AT_MOST.get(name)
    if most is not None and value > most:
        raise ConfigError(f"{source}: '{name}' must be at most {most:g}, not {value!r}")
    if isinstance(default, int):
        if value != int(value):
            raise ConfigError(f"{source}: '{name}' must be a whole number, not {value!r}")
        return int(value)
    return float(value)


def _check_type(name: str, value: Any, default: Any, source: str) -> Any:
    """Coerce a TOML value to the type of its default, or say precisely what is wrong."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ConfigError(f"{source}: '{name}' must be true or false, not {value!r}")
        return value
    if isinstance(default, (int, float)) or default is None:
        return _check_number(name, value, default, source)
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{source}: '{name}' must be a list of strings, not {value!r}")
        return tuple(value)
    raise ConfigError(f"{source}: '{name}' has an unsupported value {value!r}")  # pragma: no cover
