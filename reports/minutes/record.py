"""The minutes of a meeting as seed 001 prints them, from what democratic support minuted in
the tracker (actionplans.meetings): the heading, who was present and in attendance, apologies,
then item by item its number and title, the discussion, the RESOLVED clauses numbered as the
item numbers them, and the actions AGREED with their owners as the margin prints them.

One text model (MinutesRecord) feeds the page to copy, the Word document and the tagged PDF, so
the three cannot disagree."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from actionplans.meetings import minute_text
from actionplans.meetings.minute_text import Paragraph
from actionplans.meetings.selectors import agenda_page
from partners.models import AttendanceStatus, Meeting
from reports.minutes.resolutions import clean

RESOLVED = "RESOLVED:"
NO_AGENDA = "No agenda is recorded for this meeting, so there are no minutes to show."


def ordinal_date(day: datetime.date) -> str:
    """25 November 2009 -> "25TH NOVEMBER 2009", as the heading of seed 001 prints it."""
    suffix = "th" if 11 <= day.day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day.day % 10, "th")
    return f"{day.day}{suffix} {day:%B %Y}".upper()


@dataclass(frozen=True)
class Attendee:
    name: str
    capacity: str

    @property
    def plain(self) -> str:
        return f"{self.name} - {self.capacity}" if self.capacity else self.name


@dataclass(frozen=True)
class Clause:
    number: str  # "(i)", "(a)"; blank for a lone clause
    text: str  # the first line of the clause
    points: tuple[str, ...]  # its sub-points, as printed under it

    @property
    def plain(self) -> str:
        lines = [f"{self.number} {self.text}".strip()] + [f"    - {point}" for point in self.points]
        return "\n".join(lines)


@dataclass(frozen=True)
class ActionAgreed:
    text: str
    owner: str  # as printed in the margin; blank if none was printed


@dataclass(frozen=True)
class MinutedItem:
    number: int
    title: str
    paragraphs: tuple[Paragraph, ...]
    clauses: tuple[Clause, ...]
    actions: tuple[ActionAgreed, ...]

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}"


@dataclass(frozen=True)
class MinutesRecord:
    body: str
    date: datetime.date
    present: tuple[Attendee, ...]
    in_attendance: tuple[Attendee, ...]
    apologies: tuple[str, ...]
    items: tuple[MinutedItem, ...]

    @property
    def heading(self) -> tuple[str, str]:
        return (self.body.upper(), f"MINUTES OF THE MEETING HELD ON {ordinal_date(self.date)}")

    @property
    def title(self) -> str:
        return f"Minutes – {self.body}, {self.date:%-d %B %Y}"

    @property
    def apologies_text(self) -> str:
        names = list(self.apologies)
        if not names:
            return ""
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        return f"Apologies were received from {listed}."

    @property
    def text(self) -> str:
        """The minutes as plain text, to paste anywhere."""
        out = [*self.heading, ""]
        for label, people in (("Present:", self.present), ("In attendance:", self.in_attendance)):
            if people:
                out += [label, *(person.plain for person in people), ""]
        if self.apologies:
            out += ["Apologies:", self.apologies_text, ""]
        if not self.items:
            out.append(NO_AGENDA)
        for item in self.items:
            out.append(item.heading)
            out += [paragraph.plain for paragraph in item.paragraphs]
            if item.clauses:
                out.append(RESOLVED)
                out += [clause.plain for clause in item.clauses]
            for action in item.actions:
                out.append(f"ACTION: {action.text}" + (f" ({action.owner})" if action.owner else ""))
            out.append("")
        return "\n".join(out).rstrip() + "\n"


def paragraphs_of(discussion: str) -> tuple[Paragraph, ...]:
    return minute_text.paragraphs_of(discussion, clean=clean)


def _clause(number: str, text: str) -> Clause:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first, points = lines[0], [line.removeprefix("- ") for line in lines[1:]]
    return Clause(number=f"({number})" if number else "", text=clean(first), points=tuple(map(clean, points)))


def minutes_record(meeting: Meeting) -> MinutesRecord:
    """Queries: those of actionplans.meetings.selectors.agenda_page (4)."""
    page = agenda_page(meeting=meeting)
    by_status = {group.status: group.attendances for group in page.attendance}

    def attendees(status) -> tuple[Attendee, ...]:
        return tuple(Attendee(clean(a.person.display_name), clean(a.capacity)) for a in by_status.get(status, []))

    items = tuple(
        MinutedItem(
            number=minuted.item.number,
            title=clean(minuted.item.title),
            paragraphs=paragraphs_of(minuted.item.discussion),
            clauses=tuple(_clause(clause.number, clause.text) for clause in minuted.clauses),
            actions=tuple(
                ActionAgreed(clean(agreed.text), clean(agreed.owner_as_printed)) for agreed in minuted.actions
            ),
        )
        for minuted in page.items
    )
    return MinutesRecord(
        body=clean(meeting.body.name),
        date=meeting.date,
        present=attendees(AttendanceStatus.PRESENT),
        in_attendance=attendees(AttendanceStatus.IN_ATTENDANCE),
        apologies=tuple(clean(a.person.display_name) for a in by_status.get(AttendanceStatus.APOLOGIES, [])),
        items=items,
    )
