"""nbcoach: a code-quality coach for notebooks.

Kept import-free so `nbcoach --version` starts fast; the engine lives in submodules.
"""

__version__ = "0.1.0"
