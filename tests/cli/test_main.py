"""The entry point turns every outcome into the documented exit code."""

from __future__ import annotations

import json

from support import EXAMPLES, run_cli


def test_a_command_exit_code_reaches_the_shell():
    newcomer, clean = str(EXAMPLES / "newcomer.ipynb"), str(EXAMPLES / "clean.ipynb")
    failed_gate = run_cli("report", "--compact", "--fail-under", "50", newcomer, clean)
    assert failed_gate.returncode == 1
    # exit 1 is never silent: the notebook under the bar is named on stderr, with its score
    report = json.loads(run_cli("report", "--format", "json", newcomer).stdout)
    score = report["notebooks"][0]["score"]
    assert score < 50
    assert failed_gate.stderr.splitlines() == [
        f"nbcoach: 1 notebook below fail-under 50: {newcomer} ({score:.1f})"
    ]
    passed_gate = run_cli("report", "--compact", "--fail-under", "10", clean)
    assert passed_gate.returncode == 0 and passed_gate.stderr == ""
    impossible = run_cli("report", "--fail-under", "150", clean)
    assert impossible.returncode == 2 and "0<=x<=100" in impossible.stderr


def test_an_output_that_cannot_be_written_is_one_line_not_a_traceback(tmp_path):
    clean = str(EXAMPLES / "clean.ipynb")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    for target, reason in [
        (tmp_path, "is a folder; give a file name to write to"),
        (tmp_path / "a-file" / "card.txt", "a-file is a file, not a folder"),
    ]:
        done = run_cli("report", "-o", str(target), clean)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        [line] = done.stderr.splitlines()
        assert line.startswith(f"nbcoach: error: {target}: ") and line.endswith(reason)
    written = run_cli("report", "-o", str(tmp_path / "new" / "card.md"), "-f", "markdown", clean)
    assert written.returncode == 0
    assert (tmp_path / "new" / "card.md").read_text(encoding="utf-8").startswith("## nbcoach")


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
