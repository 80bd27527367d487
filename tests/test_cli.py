"""The entry point turns outcomes into exit codes: 0 fine, 1 gate failed, 2 usage error."""

from __future__ import annotations

from tests.conftest import EXAMPLES, run_cli


def test_a_failed_gate_exits_1() -> None:
    result = run_cli("report", "--compact", "--fail-under", "99", str(EXAMPLES / "newcomer.ipynb"))
    assert result.returncode == 1


def test_an_unknown_option_exits_2_with_a_usage_line() -> None:
    result = run_cli("report", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr
