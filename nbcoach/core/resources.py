"""Files shipped with nbcoach: the `templates/` and `hooks/` folders of the repository.

The wheel carries them inside the package (`nbcoach/templates`, `nbcoach/hooks`, mapped by
hatchling's force-include); an editable checkout has them beside the package instead. Callers
get the folder either way and never need to know which.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

from nbcoach.core.errors import NbcoachError

if TYPE_CHECKING:
    from importlib.abc import Traversable


def shipped(name: str) -> Traversable:
    """The shipped folder `name` ("templates" or "hooks")."""
    packaged = files("nbcoach") / name
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / name
    if checkout.is_dir():
        return checkout
    raise NbcoachError(
        f"nbcoach's {name}/ folder is missing from this installation; reinstall nbcoach"
    )
