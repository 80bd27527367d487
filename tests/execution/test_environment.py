"""What an interpreter has installed, asked of that interpreter."""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib.metadata import version

import pytest

from nbcoach.core.errors import KernelEnvironmentError
from nbcoach.execution.environment import Distribution, Environment, describe, same_version


def test_the_current_environment_is_described_by_its_own_interpreter():
    environment = describe(sys.executable)
    assert environment.python == platform.python_version()
    assert environment.version_of("Rich") == version("rich")
    assert environment.providers("yaml") == ["pyyaml"]
    assert environment.providers("IPython.display") == ["ipython"]
    assert environment.providers("surely_not_a_module") == []
    assert "markdown-it-py" in environment.requirements_of("rich")
    assert environment.markers["python_version"] == ".".join(platform.python_version_tuple()[:2])


def test_another_interpreter_reports_its_own_packages(tmp_path):
    bare = tmp_path / "bare"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True)
    environment = describe(str(bare / "bin" / "python"))
    assert environment.distributions == {}
    assert environment.executable.startswith(str(bare))


def test_an_interpreter_that_cannot_start_is_a_clear_error(tmp_path):
    with pytest.raises(KernelEnvironmentError, match="cannot start this interpreter"):
        describe(str(tmp_path / "no-python"))


def fake(**modules: tuple[str, ...]) -> Environment:
    return Environment(
        "3.11.0",
        "/x/python",
        {"extra": "", "python_version": "3.11", "sys_platform": "linux"},
        {name: Distribution(name, "1.0", (), found) for name, found in modules.items()},
    )


def test_namespace_packages_are_told_apart_by_their_dotted_prefix():
    environment = fake(
        **{
            "google-cloud-storage": ("google", "google.cloud", "google.cloud.storage"),
            "protobuf": ("google", "google.protobuf"),
        }
    )
    assert environment.providers("google.cloud.storage.blob") == ["google-cloud-storage"]
    assert environment.providers("google.protobuf") == ["protobuf"]
    assert environment.providers("google") == ["google-cloud-storage", "protobuf"]


def test_an_editable_install_without_module_files_maps_by_its_name():
    assert fake(churn=()).providers("churn.features") == ["churn"]


def test_requirements_follow_markers_and_leave_extras_out():
    environment = Environment(
        "3.11.0",
        "/x/python",
        {"python_version": "3.11", "sys_platform": "linux"},
        {
            "app": Distribution(
                "app",
                "1.0",
                (
                    "lib>=1",
                    'winonly ; sys_platform == "win32"',
                    'docs-tool ; extra == "docs"',
                    "not installed anywhere",
                ),
                ("app",),
            ),
            "lib": Distribution("lib", "2.0", ("base",), ("lib",)),
            "base": Distribution("base", "3.0", (), ("base",)),
            "winonly": Distribution("winonly", "1.0", (), ("winonly",)),
        },
    )
    assert environment.requirements_of("app") == ["lib"]
    assert environment.closure(["app"]) == {"lib": {"app"}, "base": {"lib"}}


def test_release_equality_follows_pep_440():
    assert same_version("1.0", "1.0.0")
    assert not same_version("1.0", "1.0.1")
    assert same_version("not-a-version", "not-a-version")
    assert not same_version("not-a-version", "1.0")
