"""The kernel spec made for one run: which interpreter, which import path, and no leftovers."""

from __future__ import annotations

import json
import os
from pathlib import Path

from nbcoach.execution.execute import execute_notebook
from nbcoach.execution.kernels import KERNEL_NAME, kernel_manager_for


def test_the_spec_starts_the_interpreter_asked_for_and_is_removed_afterwards(tmp_path):
    extra = tmp_path / "src"
    extra.mkdir()
    with kernel_manager_for("/opt/some/python", [extra]) as manager_class:
        manager = manager_class()
        spec = manager.kernel_spec_manager.get_kernel_spec(KERNEL_NAME)
        folder = Path(spec.resource_dir)
        assert spec.argv[:3] == ["/opt/some/python", "-m", "ipykernel_launcher"]
        assert spec.env["PYTHONPATH"].split(os.pathsep)[0] == str(extra.resolve())
        # Only this run's spec is visible: the user's kernels cannot be picked by accident.
        assert list(manager.kernel_spec_manager.find_kernel_specs()) == [KERNEL_NAME]
        assert json.loads((folder / "kernel.json").read_text())["language"] == "python"
    assert not folder.exists()


def test_the_callers_pythonpath_reaches_the_kernel_only_when_inherited(
    make_notebook, tmp_path, monkeypatch
):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "leaked.py").write_text("VALUE = 'from the caller'\n")
    monkeypatch.setenv("PYTHONPATH", str(outside))
    source = make_notebook(
        [
            "try:\n    import leaked\n    print(leaked.VALUE)\nexcept ImportError:\n    print('absent')"
        ]
    )
    inherited = execute_notebook(source, tmp_path / "a.ipynb", cwd=tmp_path)
    isolated = execute_notebook(
        source, tmp_path / "b.ipynb", cwd=tmp_path, inherit_pythonpath=False
    )

    def printed(path: str) -> str:
        return "".join(json.loads(Path(path).read_text())["cells"][0]["outputs"][0]["text"])

    assert printed(inherited.output) == "from the caller\n"
    assert printed(isolated.output) == "absent\n"
