"""The team's workflow around the report: pairing and sync with py:percent files (jupytext's
writes live here), the ratchet (`gate`, `baseline`), commit size, `init` scaffolding and hooks.

Imports `core` and `analysis` only.
"""
