"""One family of user-fixable errors; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class NbcoachError(Exception):
    """Something the user can fix; the message says what and where."""

    exit_code = 2


class ConfigError(NbcoachError):
    """`[tool.nbcoach]` holds something we cannot use."""


class UsageError(NbcoachError):
    """The command line asks for something impossible (a missing path, a bad option)."""


class InputError(NbcoachError):
    """An input file cannot be read as a notebook or Python file at all."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
