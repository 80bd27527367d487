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


def test_the_cli_never_pays_for_the_slow_iri_checker(tmp_path):
    # JupyterLab installs rfc3987_syntax; jsonschema's import of it cost 2-3 s per hook run.
    import importlib.util
    import subprocess
    import sys

    import pytest

    if importlib.util.find_spec("rfc3987_syntax") is None:
        pytest.skip("rfc3987_syntax is not installed here, so there is nothing to leave out")
    script = tmp_path / "analysis.py"
    script.write_text("# %%\nimport math\n\n# %%\nprint(math.pi)\n", encoding="utf-8")
    probe = (
        "import sys\n"
        "from nbcoach.cli import main\n"
        f"sys.argv = ['nbcoach', 'sync', '--check', {str(script)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "import jupytext, jsonschema\n"
        "print(sys.modules.get('rfc3987_syntax') is None, 'jupytext' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["True", "True"], done.stdout + done.stderr
