"""nbcoach's hooks merged into a team's `.pre-commit-config.yaml`, keeping everything it holds.

Most teams that adopt a quality tool already have a pre-commit configuration. It is edited with
ruamel.yaml's round-trip mode, which keeps comments, key order, quoting and the file's own
indentation; text surgery on YAML would not. A hook whose id the file already has (in any
repository entry) is left alone, a repository the file already lists gets only the hooks it
lacks (its `rev` is the team's), and the rest is appended in the order nbcoach wants them run.
Running it again changes nothing.
"""

from __future__ import annotations

import copy
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nbcoach.core.errors import ConfigError

# ids that name the same hook (ruff-pre-commit's `ruff` is the old id of `ruff-check`)
ALIASES = {"ruff": "ruff-check"}


@dataclass(frozen=True, slots=True)
class Merged:
    text: str
    added: tuple[str, ...]  # hook ids added, in order
    kept: tuple[str, ...]  # nbcoach's hook ids the file had already


def merge_config(
    existing: str | None, wanted: str, source: str = ".pre-commit-config.yaml"
) -> Merged:
    """`wanted` (a whole configuration) merged into `existing` (None: there is no file)."""
    wanted_repos = _repos(_load(wanted, "nbcoach's template")[0], "nbcoach's template")
    wanted_ids = tuple(str(hook["id"]) for repo in wanted_repos for hook in repo["hooks"])
    if existing is None or not existing.strip():
        return Merged(wanted, wanted_ids, ())
    document, yaml = _load(existing, source)
    if document is None:
        document = _new_map()
    if not isinstance(document, dict):
        raise ConfigError(f"{source}: not a pre-commit configuration (a mapping with `repos:`)")
    if document.get("repos") is None:
        document["repos"] = _new_seq()
    repos = _repos(document, source)
    present = {_canonical(str(hook.get("id"))) for repo in repos for hook in _hooks(repo)}
    added: list[str] = []
    kept: list[str] = []
    for entry in wanted_repos:
        missing: list[Any] = []
        for hook in entry["hooks"]:
            hook_id = str(hook["id"])
            if _canonical(hook_id) in present:
                kept.append(hook_id)
            else:
                missing.append(hook)
        if not missing:
            continue
        target = _same_repository(repos, str(entry["repo"]))
        if target is not None:
            _hooks(target).extend(copy.deepcopy(hook) for hook in missing)
        else:
            fresh = copy.deepcopy(entry)
            fresh["hooks"] = type(entry["hooks"])(copy.deepcopy(hook) for hook in missing)
            repos.append(fresh)
        added += [str(hook["id"]) for hook in missing]
    stream = io.StringIO()
    yaml.dump(document, stream)
    text = stream.getvalue()
    return Merged(existing if not added else text, tuple(added), tuple(kept))


def _load(text: str, source: str) -> tuple[Any, Any]:
    """The document, and a YAML instance that writes it back in the file's own indentation."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.util import load_yaml_guess_indent

    try:
        _, indent, dash_offset = load_yaml_guess_indent(text)
        # (sequence indent, offset of the dash): "  - repo: x" is (4, 2), "- repo: x" is (2, 0)
        sequence, offset = indent or 4, dash_offset or 0
        yaml = YAML()
        yaml.preserve_quotes = True
        yaml.width = 4096  # never re-wrap a long line the team wrote
        yaml.indent(mapping=max(2, sequence - offset), sequence=sequence, offset=offset)
        return yaml.load(text), yaml
    except YAMLError as error:
        first = str(error).strip().splitlines()[0] if str(error).strip() else "invalid YAML"
        raise ConfigError(f"{source}: invalid YAML, not changed: {first}") from error


def _repos(document: Any, source: str) -> Any:
    repos = document.get("repos") if isinstance(document, dict) else None
    if not isinstance(repos, list) or not all(isinstance(r, dict) and "repo" in r for r in repos):
        raise ConfigError(f"{source}: `repos:` is not a list of repositories, not changed")
    return repos


def _hooks(repo: Any) -> Any:
    hooks = repo.get("hooks")
    if hooks is None:
        hooks = repo["hooks"] = _new_seq()
    return hooks


def _same_repository(repos: Iterable[Any], url: str) -> Any:
    """The entry for the same repository; `local` entries are never shared (a team's local
    hooks are theirs to order)."""
    if url in ("local", "meta"):
        return None
    wanted = _normal_url(url)
    return next((repo for repo in repos if _normal_url(str(repo["repo"])) == wanted), None)


def _normal_url(url: str) -> str:
    url = url.strip().rstrip("/")
    return url[: -len(".git")] if url.endswith(".git") else url


def _canonical(hook_id: str) -> str:
    return ALIASES.get(hook_id, hook_id)


def _new_map() -> Any:
    from ruamel.yaml.comments import CommentedMap

    return CommentedMap()


def _new_seq() -> Any:
    from ruamel.yaml.comments import CommentedSeq

    return CommentedSeq()
