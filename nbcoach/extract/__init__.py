"""`nbcoach extract`: move functions from a notebook into a `src/` module, safely.

`plan` makes the exact text of every change (nothing written, nothing run); `apply` writes it
atomically with backups; `verify` runs the notebook before and after. The other modules are the
plan's steps: `source` (the notebook read once), `needs`, `copies`, `decide`, `hoist`,
`content`, `cells` (libcst rewrites) and `module` (the module side).
"""
