"""A kernel bound to one interpreter, through a kernel spec made for one run.

papermill leaves the kernel to the notebook's metadata, which is where its best-known
complaints come from: `NoSuchKernel` inside a virtual environment, and a kernel that silently
runs another environment (papermill#251, #541, #638). Here every run gets a kernel spec of its
own, in a temporary folder that only that run's kernel manager searches: its `argv` starts the
interpreter asked for, so the notebook runs exactly there, whatever its metadata says. Nothing
is written to the user's Jupyter folders, and the folder is removed when the run ends.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from nbcoach.core.errors import KernelEnvironmentError
from nbcoach.execution.environment import run_probe

KERNEL_NAME = "nbcoach-run"


def require_ipykernel(python: str) -> None:
    """Fail early, with the fix, when the interpreter cannot start a kernel."""
    probe = (
        "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('ipykernel') else 3)"
    )
    try:
        completed = run_probe(python, probe, timeout=60)
    except OSError as error:
        raise KernelEnvironmentError(
            f"{python}: cannot start this interpreter ({error})"
        ) from error
    if completed.returncode != 0:
        raise KernelEnvironmentError(
            f"{python}: has no ipykernel, so it cannot run a notebook; install it there "
            f"({python} -m pip install ipykernel) or run with --isolated"
        )


@contextmanager
def kernel_manager_for(
    python: str,
    extra_pythonpath: Sequence[Path] = (),
    inherit_pythonpath: bool = True,
    environment: Mapping[str, str] | None = None,
) -> Iterator[type]:
    """A kernel manager class whose only kernel spec starts `python`; the spec is temporary.
    `environment` adds variables to the kernel's environment (PYTHONPATH is set from the
    folders given)."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    folder = Path(tempfile.mkdtemp(prefix="nbcoach-kernel-"))
    try:
        spec = folder / KERNEL_NAME
        spec.mkdir()
        paths = [str(Path(p).resolve()) for p in extra_pythonpath]
        inherited = os.environ.get("PYTHONPATH", "") if inherit_pythonpath else ""
        env = {k: v for k, v in (environment or {}).items() if k != "PYTHONPATH"}
        if paths or os.environ.get("PYTHONPATH"):
            env["PYTHONPATH"] = os.pathsep.join([*paths, *([inherited] if inherited else [])])
        kernel = {
            "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": f"nbcoach run ({python})",
            "language": "python",
            "env": env,
            "metadata": {"debugger": False},
        }
        (spec / "kernel.json").write_text(json.dumps(kernel, indent=1), encoding="utf-8")

        class RunKernelManager(AsyncKernelManager):
            @default("kernel_spec_manager")
            def _only_this_run(self) -> KernelSpecManager:
                return KernelSpecManager(kernel_dirs=[str(folder)], ensure_native_kernel=False)

            if os.name == "posix":
                # Local sockets in the run's private folder, not TCP ports any local user can
                # reach (ipykernel warns about unencrypted TCP on every start).
                @default("transport")
                def _local_sockets(self) -> str:
                    return "ipc"

                @default("ip")
                def _socket_prefix(self) -> str:
                    return str(folder / "ipc")

        yield RunKernelManager
    finally:
        shutil.rmtree(folder, ignore_errors=True)
