"""nbcoach where people work, beside the command line: the `%nbcoach` IPython magic.

Clients of the engine like `cli`: they may import every wing below them, and nothing imports
them (the package's `load_ipython_extension` reaches the magic lazily).
"""
