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


class LockError(NbcoachError):
    """A lock file cannot be read, or holds something other than exact pins."""


class DriftError(NbcoachError):
    """The environment does not match the lock; the message lists every mismatch."""


class KernelEnvironmentError(NbcoachError):
    """An interpreter cannot run notebooks (no ipykernel), or an environment could not be built."""


# How the line for an input that is no notebook at all ends, after "<path>: " (discovery writes
# them; a path may itself hold ": ", so the reason is what tells where the path ends).
NOT_REGULAR = "not a regular file"
NOT_A_NOTEBOOK = "not a notebook or Python file"
NO_SUCH_FILE = "no such file or directory"


def input_error_parts(error: str) -> tuple[str, str]:
    """(path, reason) of an input error line."""
    for reason in (NOT_REGULAR, NOT_A_NOTEBOOK, NO_SUCH_FILE):
        at = error.rfind(f": {reason}")
        if at > 0:
            return error[:at], error[at + 2 :]
    path, _, reason = error.partition(": ")
    return path, reason
