"""The entry point turns every outcome into the documented exit code."""

from __future__ import annotations

from conftest import EXAMPLES, run_cli


def test_a_command_exit_code_reaches_the_shell():
    failed_gate = run_cli(
        "report", "--compact", "--fail-under", "101", str(EXAMPLES / "clean.ipynb")
    )
    assert failed_gate.returncode == 1
    passed_gate = run_cli(
        "report", "--compact", "--fail-under", "10", str(EXAMPLES / "clean.ipynb")
    )
    assert passed_gate.returncode == 0


def test_an_unknown_option_is_a_usage_error_not_a_traceback():
    done = run_cli("report", "--no-such-option")
    assert done.returncode == 2
    assert "No such option: --no-such-option" in done.stderr
    assert "Traceback" not in done.stderr
