"""French wording shared by the charts: month names, counts of dispatches."""

from __future__ import annotations

# Lower case, as in running French text ("mars 2016").
MONTHS_FR: tuple[str, ...] = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)

NARROW_NBSP = "\u202f"  # French thousands separator


def number_fr(value: int) -> str:
    """Format an integer the French way: 12 345 with a narrow no-break space."""
    return f"{value:,}".replace(",", NARROW_NBSP)


def depeches(count: int) -> str:
    """Return "1 dépêche", "4 dépêches" (French keeps 0 and 1 singular)."""
    noun = "dépêche" if abs(count) < 2 else "dépêches"
    return f"{number_fr(count)} {noun}"


def month_label(year: int, month: int) -> str:
    """Return "mars 2016"."""
    return f"{MONTHS_FR[month - 1]} {year}"


# Abbreviations of the Imprimerie nationale's Lexique, for axis ticks.
MONTHS_FR_SHORT: tuple[str, ...] = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
