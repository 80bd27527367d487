"""nbcoach: a code-quality coach for notebooks.

Kept import-free so `nbcoach --version` starts fast; the engine lives in submodules.
"""

__version__ = "0.6.0"


def load_ipython_extension(ipython: object) -> None:
    """`%load_ext nbcoach` registers `%nbcoach`; the code is imported only now, never at import."""
    from nbcoach.integrations.jupyter import register

    register(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """`%unload_ext nbcoach` removes `%nbcoach` (and `%reload_ext nbcoach` registers it anew)."""
    from nbcoach.integrations.jupyter import unregister

    unregister(ipython)
