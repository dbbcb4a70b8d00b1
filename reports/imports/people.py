"""The people and organisations named in an imported plan: splitting a cell into names, and
matching each name to somebody the tracker already knows.

A cell can name several people: "Sue Allan, Andrew Hind", "Bradley Iliffe / Emma Southern",
one a line; the first is the lead. Initials ("AW/AA/FB") are split only when every one of them
is the initials of exactly one known person; otherwise the cell is one name as printed. A part
that is the name of a known organisation is not a person: after a name ("Stephanie Ramsey, NHS
Southampton City") it is that person's organisation, on its own it is kept as a partner.

Each different name (compared case-insensitively) is one decision for the whole import: use a
person who matches (same name, same job title, same initials, or same surname and initial),
create a new person (or a post, for "HoS Early Help"), or leave the name out.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from partners.models import Organisation, Person

NEW, SKIP = "new", "skip"
PERSON_PREFIX, ORGANISATION_PREFIX = "person:", "organisation:"

_SEPARATORS = re.compile(r"\s*(?:\n|,|;|/)\s*")
INITIALS = re.compile(r"^[A-Z]{2,4}$")
TITLES = {"cllr", "councillor", "dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir", "dame"}
# Words that say a text names a post or a team rather than a person.
POST_WORDS = {
    "all", "and", "assistant", "board", "cabinet", "chair", "chief", "co-ordinator", "commissioner",
    "consultant", "coordinator", "department", "deputy", "director", "directorate", "executive", "for",
    "forum", "group", "head", "hos", "lead", "leads", "manager", "managers", "member", "members", "nurse",
    "of", "officer", "officers", "panel", "partnership", "principal", "service", "services", "specialist",
    "steering", "strategic", "team", "the", "trust", "unit", "worker",
}  # fmt: skip
NAME_MAX, JOB_TITLE_MAX, ORGANISATION_MAX = 150, 250, 200


def key(text: str) -> str:
    """How names are compared: case and spacing ignored."""
    return " ".join(text.replace("’", "'").split()).casefold().strip(" .:-–")


def split_parts(cell: str) -> list[str]:
    parts = (part.strip(" \t-–•*:.") for part in _SEPARATORS.split(cell))
    return [part for part in parts if part]


def initials_of(name: str) -> str:
    words = [word for word in re.split(r"[\s-]+", name) if word and word.strip(".").casefold() not in TITLES]
    return "".join(word[0].upper() for word in words if word[0].isalpha())


def is_post(text: str) -> bool:
    """Whether a text names a post or a team ("HoS Early Help", "CYPTE") rather than a person."""
    words = [word.casefold() for word in re.split(r"[\s,()]+", text) if word]
    return any(word in POST_WORDS for word in words) or any(ch.isdigit() for ch in text) or text.isupper()


@dataclass(frozen=True)
class Known:
    pk: int
    label: str  # how the choice is shown: name, job title, organisation
    name: str = ""  # how the person or organisation is named in a list


@dataclass
class Directory:
    """Everyone and every organisation the tracker knows, indexed for matching (two queries)."""

    by_name: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_job_title: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_initials: dict[str, list[Known]] = field(default_factory=lambda: defaultdict(list))
    by_surname: dict[str, list[tuple[str, Known]]] = field(default_factory=lambda: defaultdict(list))
    organisations: dict[str, Known] = field(default_factory=dict)
    organisation_names: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> Directory:
        directory = cls()
        people = Person.objects.select_related("organisation").only("pk", "name", "job_title", "organisation__name")
        for person in people.order_by("name", "job_title", "pk"):
            parts = [person.display_name, person.job_title if person.name else "", str(person.organisation or "")]
            known = Known(person.pk, ", ".join(part for part in parts if part), person.display_name)
            if person.name:
                directory.by_name[key(person.name)].append(known)
                if initials := initials_of(person.name):
                    directory.by_initials[initials].append(known)
                words = person.name.split()
                if len(words) >= 2:
                    directory.by_surname[key(words[-1])].append((words[0][0].casefold(), known))
            if person.job_title:
                directory.by_job_title[key(person.job_title)].append(known)
        for organisation in Organisation.objects.only("pk", "name", "short_name").order_by("name"):
            known = Known(organisation.pk, organisation.name, organisation.name)
            directory.organisation_names.add(key(organisation.name))
            for text in (organisation.name, organisation.short_name):
                if text:
                    directory.organisations.setdefault(key(text), known)
        return directory

    def organisation(self, text: str) -> Known | None:
        return self.organisations.get(key(text))

    def people_matching(self, text: str) -> tuple[list[Known], str]:
        """The known people a name as printed may be, and how they match."""
        if found := self.by_name.get(key(text)):
            return found, "same name"
        if found := self.by_job_title.get(key(text)):
            return found, "same job title"
        if INITIALS.match(text) and (found := self.by_initials.get(text)):
            return found, "same initials"
        words = text.replace(".", " ").split()
        if len(words) >= 2 and len(words[0]) == 1:  # "P Vaughan"
            found = [
                known for initial, known in self.by_surname.get(key(words[-1]), []) if initial == words[0].casefold()
            ]
            if found:
                return found, "same initial and surname"
        return [], ""


@dataclass
class PersonPart:
    text: str
    organisation: Known | None = None


def people_in_cell(cell: str, directory: Directory) -> tuple[list[PersonPart], list[str]]:
    """The people a cell names, lead first, and any organisations named on their own."""
    parts = split_parts(cell)
    if len(parts) > 1 and all(INITIALS.match(part) for part in parts):
        if not all(len(directory.by_initials.get(part, [])) == 1 for part in parts):
            parts = [cell.strip()]  # not all known initials: one name, as printed
    people: list[PersonPart] = []
    organisations: list[str] = []
    for part in parts:
        if directory.organisation(part) is not None:
            if people and people[-1].organisation is None:
                people[-1].organisation = directory.organisation(part)
            else:
                organisations.append(part)
            continue
        people.append(PersonPart(part))
    return people, organisations


def partners_in_cell(cell: str) -> list[str]:
    return split_parts(cell)


# --- One decision per different name -----------------------------------------------------------


@dataclass
class NameChoice:
    """One different name in the import, what it may be, and what was decided."""

    kind: str  # "person" | "organisation"
    key: str
    text: str  # as first printed
    candidates: list[Known]
    how: str  # how the candidates match
    organisation: Known | None = None  # for a new person: their organisation, when the cell says
    rows: list[int] = field(default_factory=list)
    decision: str = ""
    error: str = ""

    @property
    def prefix(self) -> str:
        return PERSON_PREFIX if self.kind == "person" else ORGANISATION_PREFIX

    @property
    def is_post(self) -> bool:
        return self.kind == "person" and is_post(self.text)

    @property
    def new_label(self) -> str:
        if self.kind == "organisation":
            return f"Create a new organisation “{self.text}”"
        return f"Create a new {'post' if self.is_post else 'person'} “{self.text}”"

    @property
    def options(self) -> list[tuple[str, str]]:
        matches = [(f"{self.prefix}{known.pk}", f"Use {known.label}") for known in self.candidates]
        return matches + [(NEW, self.new_label), (SKIP, "Leave out")]

    @property
    def default(self) -> str:
        return f"{self.prefix}{self.candidates[0].pk}" if self.candidates else NEW

    def decide(self, value: str | None, directory: Directory) -> None:
        self.decision = value if value in {option for option, _ in self.options} else self.default
        self.error = ""
        if self.decision != NEW:
            return
        limit = ORGANISATION_MAX if self.kind == "organisation" else JOB_TITLE_MAX if self.is_post else NAME_MAX
        what = "an organisation's name" if self.kind == "organisation" else "a job title" if self.is_post else "a name"
        if len(self.text) > limit:
            self.error = f"“{self.text[:60]}…” is too long for {what} ({limit} characters at most): choose “Leave out”"
        elif self.kind == "organisation" and key(self.text) in directory.organisation_names:
            self.error = f"There is already an organisation called “{self.text}”: choose it"

    @property
    def chosen_pk(self) -> int | None:
        return int(self.decision.removeprefix(self.prefix)) if self.decision.startswith(self.prefix) else None

    @property
    def chosen(self) -> Known | None:
        pk = self.chosen_pk
        return next((known for known in self.candidates if known.pk == pk), None) if pk else None

    @property
    def chosen_label(self) -> str:
        return self.chosen.label if self.chosen else ""

    @property
    def chosen_name(self) -> str:
        return self.chosen.name if self.chosen else ""

    @property
    def printed_differently(self) -> bool:
        """Whether the spreadsheet names the chosen person otherwise ("P Vaughan", "AW")."""
        return self.chosen is not None and key(self.chosen.name) != self.key

    @property
    def outcome(self) -> str:
        """What the preview says will happen, in a few words."""
        if self.decision == SKIP:
            return "left out"
        if self.decision == NEW:
            return "new organisation" if self.kind == "organisation" else "new post" if self.is_post else "new person"
        return "matched"
