"""`python -m nbcoach`: the current folder, which Python puts first on `sys.path` for `-m`, is
taken off before anything else is imported, so a project's `json.py` never runs in nbcoach."""

import os
import sys

if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from nbcoach.cli import main

main()
