"""The leaves every wing stands on: the data model, errors, configuration, file I/O, git plumbing.

Nothing here imports another wing. A module belongs here when two or more wings need it and it
knows nothing of notebooks' analysis: the frozen dataclasses that travel between stages
(`model`), the one error family (`errors`), `[tool.nbcoach]` (`config`), the one reader and the
one atomic writer of user files (`files`), git (`gitindex`, `gitrepo`), and the rule catalogue
that findings and every renderer name (`rules`).
"""
