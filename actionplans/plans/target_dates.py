"""Reading a real date out of a target date as printed in a paper.

Papers print target dates as free text: "April 2010", "End August 2008",
"31.3.09", "Sept 08", "Proposals to be reported to CYPTB in January 2010.",
"Monthly leading up to 31.3.09", "To be Confirmed", "ongoing". The tracker keeps
that text as printed and also stores the date it can read, so the RAG rules can
tell when an action is overdue. A month without a day means the end of that
month; text naming several dates means the last of them (the action is done
when its last stage is); text that names no year, or only a start ("From Oct
08"), gives no date rather than a guess.
"""

from __future__ import annotations

import calendar
import datetime
import re

MONTHS = {
    "jan": 1,
    "january": 1,
    "feb": 2,
    "february": 2,
    "mar": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "may": 5,
    "jun": 6,
    "june": 6,
    "jul": 7,
    "july": 7,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "november": 11,
    "dec": 12,
    "december": 12,
}
_MONTH_NAME = "|".join(sorted(MONTHS, key=len, reverse=True))

# 31.3.09, 31/12/21, 01/12/2021, 18-8-08
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[./-](\d{1,2})[./-](\d{2}|\d{4})(?!\d)")
# 31 December 08, 3rd March 2010, 25th November 2009
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:st|nd|rd|th)?\s+({_MONTH_NAME})\.?,?\s+(\d{{4}}|\d{{2}})(?!\d)", re.IGNORECASE
)
# September 3 2008, October 1 2008
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})(?!\d)", re.IGNORECASE)
# April 2010, Sept 08, Nov-Jan 2008 is read as January 2008 by the range rule below
_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAME})\.?,?\s+(\d{{4}}|\d{{2}})(?!\d)", re.IGNORECASE)
_STARTS_ONLY = re.compile(r"^\s*(from|starting|commencing|beginning)\b", re.IGNORECASE)


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        year += 2000
    return year


def _end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _safe_date(year: int, month: int, day: int) -> datetime.date | None:
    try:
        return datetime.date(year, month, day)
    except ValueError:
        return None


def candidate_dates(text: str) -> list[datetime.date]:
    """Every date that can be read in the text, in no particular order."""
    found: list[datetime.date] = []
    consumed = text
    for match in _NUMERIC.finditer(text):
        day, month, year = (int(match.group(1)), int(match.group(2)), _year(match.group(3)))
        if (date := _safe_date(year, month, day)) is not None:
            found.append(date)
        consumed = consumed.replace(match.group(0), " ")
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for match in pattern.finditer(consumed):
            if order == "dmy":
                day, month, year = match.group(1), match.group(2), match.group(3)
            else:
                month, day, year = match.group(1), match.group(2), match.group(3)
            if (date := _safe_date(_year(year), MONTHS[month.lower()], int(day))) is not None:
                found.append(date)
            consumed = consumed.replace(match.group(0), " ")
    for match in _MONTH_YEAR.finditer(consumed):
        found.append(_end_of_month(_year(match.group(2)), MONTHS[match.group(1).lower()]))
    return found


def parse_target_date(text: str | None) -> datetime.date | None:
    """The date a printed target date means, or None when it cannot be read."""
    if not text or not text.strip():
        return None
    if _STARTS_ONLY.search(text):
        return None
    dates = candidate_dates(text)
    if not dates:
        return None
    return max(dates)
