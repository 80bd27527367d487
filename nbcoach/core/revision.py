"""Numbers that say when stored grades must be computed again.

Kept apart from the scoring code so that a run replayed from the cache can key itself without
importing the model's classes (`analysis/review.py`, `Prepared.run_key`).
"""

# Bumped whenever the same findings give other scores, so stored grades (history) are redone.
SCORING = 3
