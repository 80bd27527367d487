"""The shared data model: results cross process boundaries whole."""

from __future__ import annotations

import pickle
from dataclasses import MISSING, fields

from nbcoach.core.model import Finding, Fingerprint, Location


def test_classes_that_pickle_by_their_arguments_keep_every_field() -> None:
    """Location, Finding and Fingerprint pickle through a hand-written `__reduce__` (the
    default, field by field, made the pool's results twice as slow to unpickle): a field added
    to the class and forgotten there would come back from a worker as its default."""
    where = Location("nb.ipynb", cell=3, line=4, end_line=9, column=2)
    samples = [
        where,
        Finding(
            "copy-paste",
            "a 6-line block appears 2 times",
            where,
            "duplication",
            "info",
            12.5,
            "copy:3:4",
            scored=False,
            fixable=True,
            related=(Location("nb.ipynb", cell=7, line=1),),
        ),
        Fingerprint(123456789, 3, 4, 17),
    ]
    for sample in samples:
        arguments = sample.__reduce__()[1]
        assert len(arguments) == len(fields(sample))  # type: ignore[arg-type]
        copy = pickle.loads(pickle.dumps(sample, protocol=pickle.HIGHEST_PROTOCOL))
        assert copy == sample
        for field in fields(sample):  # type: ignore[arg-type]
            # every field away from its default, or a dropped one would come back unnoticed
            assert field.default is MISSING or getattr(sample, field.name) != field.default
