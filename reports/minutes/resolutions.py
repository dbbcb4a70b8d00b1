"""The resolutions a meeting's decisions on its monitoring list make, in the minutes' style
(seed 001: "RESOLVED:" then numbered clauses), following the sign-off rules (seed 002, item 9):

(i)   items accepted as complete: removed from the list;
(ii)  items not accepted as complete: reported back to the next meeting, with the comment;
(iii) rejected recommendations reported to the body: removed from the list;
(iv)  everything else still on the list (kept by the body, or with no decision): reported back.

Only clauses with items are written, numbered in that order. Each item is referred to by the
date and title of what made it and its label as printed, and quoted in full. With no decision
recorded at the meeting there are no resolutions, and the extract says so.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.formats import date_format

from actionplans.meetings.lists import ListItem, monitoring_list
from actionplans.meetings.models import SignOffDecision
from partners.models import BodyKind, Meeting

SUBJECT = "Monitoring scrutiny recommendations"
RESOLVED = "RESOLVED:"
REMAINING = "remaining"  # the clause of items kept on the list: carried forward, or no decision
CLAUSE_ORDER = (
    SignOffDecision.ACCEPTED_COMPLETE.value,
    SignOffDecision.NOT_ACCEPTED.value,
    SignOffDecision.REJECTION_REPORTED.value,
    REMAINING,
)
NOTHING_ON_THE_LIST = "Nothing was on the monitoring list for this meeting, so there are no resolutions to minute."
NO_DECISIONS = (
    "No decisions on the monitoring list were recorded for this meeting, so there are no resolutions to minute."
)

# Characters XML 1.0 (and so a .docx) cannot hold; whitespace is folded separately.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def body_noun(kind: str) -> str:
    """How the minutes name the body in a resolution: "the Panel", "the Board", "Cabinet"."""
    if kind == BodyKind.SCRUTINY_PANEL:
        return "the Panel"
    if kind in (BodyKind.PARTNERSHIP_BOARD, BodyKind.TRUST_BOARD):
        return "the Board"
    if kind == BodyKind.CABINET:
        return "Cabinet"
    if kind == BodyKind.STEERING_GROUP:
        return "the Group"
    return "the meeting"


def clean(text: str) -> str:
    """One line of text: characters a document cannot hold dropped, runs of whitespace
    (line breaks included) folded to single spaces."""
    return " ".join(_NOT_XML.sub("", text).split())


def roman(number: int) -> str:
    """1 -> "i", 4 -> "iv", 14 -> "xiv"."""
    numerals = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"))
    numerals += ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
    out = ""
    for value, numeral in numerals:
        count, number = divmod(number, value)
        out += numeral * count
    return out


def letters(number: int) -> str:
    """1 -> "a", 26 -> "z", 27 -> "aa": sub-items past z go on as spreadsheet columns do."""
    out = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        out = chr(ord("a") + remainder) + out
    return out


@dataclass(frozen=True)
class Line:
    """One paragraph of the extract. level 0: "RESOLVED:"; 1: a numbered clause; 2: an item."""

    level: int
    number: str
    text: str

    @property
    def plain(self) -> str:
        return f"{self.number} {self.text}" if self.number else self.text


@dataclass(frozen=True)
class Clause:
    kind: str  # a SignOffDecision, or REMAINING
    opening: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class Resolutions:
    body: str
    meeting_date: datetime.date
    noun: str
    clauses: tuple[Clause, ...]
    message: str = ""  # why there are no clauses, when there are none
    subject: str = SUBJECT

    @property
    def heading(self) -> tuple[str, str, str]:
        return (self.body, f"Meeting held on {date_format(self.meeting_date)}", self.subject)

    @property
    def lines(self) -> list[Line]:
        """The text to copy into the minutes, numbered and punctuated: clauses end with ";",
        the last but one with "; and", the last with "." (unless its quote already ends the
        sentence); items within a clause with ";"."""
        if not self.clauses:
            return []
        out = [Line(0, "", RESOLVED)]
        last = len(self.clauses) - 1
        for index, clause in enumerate(self.clauses):
            out.append(Line(1, f"({roman(index + 1)})", clause.opening))
            ending = "." if index == last else "; and" if index == last - 1 else ";"
            for position, item in enumerate(clause.items, start=1):
                end = ending if position == len(clause.items) else ";"
                if end == "." and item.endswith((".”", "!”", "?”")):
                    end = ""  # one full stop to end the resolutions, not “….”.
                out.append(Line(2, f"({letters(position)})", item + end))
        return out

    @property
    def text(self) -> str:
        """The extract as plain text, one paragraph a line (or the message)."""
        return "\n".join(line.plain for line in self.lines) if self.clauses else self.message


def _opening(kind: str, noun: str, count: int) -> str:
    one = count == 1
    if kind == SignOffDecision.ACCEPTED_COMPLETE:
        return (
            f"that {noun} accepted the following as complete and agreed that {'it' if one else 'they'} "
            "be removed from the list:"
        )
    if kind == SignOffDecision.NOT_ACCEPTED:
        return (
            f"that {noun} did not accept the following as complete, and asked that {'it' if one else 'they'} "
            "be reported back to the next meeting:"
        )
    if kind == SignOffDecision.REJECTION_REPORTED:
        what = "recommendation" if one else "recommendations"
        return f"that the following rejected {what} had been reported to {noun} and be removed from the list:"
    what = "item remains" if one else "items remain"
    return f"that the following {what} on the list and be reported back to the next meeting:"


def _reference(item: ListItem, noun: str) -> str:
    """E.g. 30/09/21 Educational Attainment, recommendation 3) “That the latest …” – with the
    Panel’s comment: “…”."""
    made = f"{item.made_on:%d/%m/%y} " if item.made_on else ""
    if item.recommendation:
        title = item.source.title
        label = item.recommendation.full_label
        what = f"recommendation {label}" if label else "recommendation"
    else:
        action = item.actions[0]
        title = action.plan.title
        what = f"action {action.reference}" if action.reference else "action"
    text = f"{clean(made + title)}, {clean(what)} “{clean(item.proposed)}”"
    comment = clean(item.decision.comment) if item.decision else ""
    if comment:
        text += f" – with {noun}’s comment: “{comment}”"
    return text


def resolutions(meeting: Meeting) -> Resolutions:
    """The resolutions the decisions recorded at the meeting make.
    Queries: those of monitoring_list."""
    listing = monitoring_list(meeting)
    noun = body_noun(meeting.body.kind)
    base = {"body": clean(meeting.body.name), "meeting_date": meeting.date, "noun": noun}
    if not listing.items:
        return Resolutions(**base, clauses=(), message=NOTHING_ON_THE_LIST)
    if not any(item.decision for item in listing.items):
        return Resolutions(**base, clauses=(), message=NO_DECISIONS)
    grouped: dict[str, list[str]] = {kind: [] for kind in CLAUSE_ORDER}
    for item in listing.items:
        decision = str(item.decision.decision) if item.decision else REMAINING
        grouped[decision if decision in grouped else REMAINING].append(_reference(item, noun))
    clauses = tuple(
        Clause(kind=kind, opening=_opening(kind, noun, len(references)), items=tuple(references))
        for kind, references in grouped.items()
        if references
    )
    return Resolutions(**base, clauses=clauses)
