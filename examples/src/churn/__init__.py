"""Customer churn analysis helpers used by the ``clean.ipynb`` example notebook.

``churn.features`` loads and cleans the customer export and computes churn rates and
risk scores; ``churn.report`` formats them as the plain-text report the retention team
reads.
"""

__version__ = "0.1.0"
