"""Counted nouns for what users read: `1 mismatch`, `2 mismatches`, never `mismatch(es)`."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """`number` and the noun in the form it takes: `counted(2, "locked package")` is
    `2 locked packages`; `plural` for a noun English does not regularly inflect; `grouped`
    writes thousands with commas (`2,016 changed lines`)."""
    shown = f"{number:,}" if grouped else str(number)
    return f"{shown} {noun if number == 1 else plural or plural_of(noun)}"


def plural_of(noun: str) -> str:
    """The regular English plural of a noun (of a phrase's last word): `mismatch` ->
    `mismatches`, `dependency` -> `dependencies`, `cell` -> `cells`."""
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    return noun + "s"
