"""The package imports; add a test beside each function you lift out of a notebook."""

import {{package}}


def test_package_imports() -> None:
    assert {{package}}.__doc__
