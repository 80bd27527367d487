"""Numbers that say when stored grades must be computed again.

Kept apart from the scoring code so that a run replayed from the cache can key itself without
importing the model's classes (`analysis/review.py`, `Prepared.run_key`).
"""

# Bumped whenever the same findings give other scores, so stored grades (history) are redone.
SCORING = 3

# Bumped whenever a notebook's grade can change at all: a new check, a check finding more or
# less, a changed price, limit or aggregation (SCORING covers only the last two). The baseline
# records it in every entry: a grade recorded under another revision is no bar for this one.
GRADING = 8
