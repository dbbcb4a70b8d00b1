"""From the rows of a spreadsheet and a column mapping to the plan that would be imported:
every row as it will be saved, with what is wrong with it.

Rows under the header row are read in order:
* an empty row, or the column headings printed again (as on every page of a paper), is passed by;
* a row with text in one cell only and no action is a heading: the recommendation for the rows
  under it ("Recommendation 1: Ensure that ..." gives label "1"), or, when another heading or a
  row with its own recommendation follows, a group such as "For immediate action". A heading
  "Lead: Richard Whitehouse" under a recommendation names its lead;
* any other row is an action. The same recommendation text again means the same
  recommendation; a blank recommendation cell continues the one above.

Nothing here writes; services.import_plan() builds the same proposal again inside its
transaction and saves it only if nothing is wrong.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from actionplans.plans.models import Action, Plan
from reports.imports import headers
from reports.imports.people import (
    SKIP,
    Directory,
    NameChoice,
    key,
    partners_in_cell,
    people_in_cell,
)
from reports.spreadsheets import cell_date, cell_text, header_words

REFERENCE_MAX = Action._meta.get_field("reference").max_length
TARGET_TEXT_MAX = Action._meta.get_field("target_date_text").max_length
LABEL_MAX = 30
GROUP_MAX = 200

_LABELLED = re.compile(r"^(?:recommendation|rec)\.?\s*(\w{1,10})\s*[:.)–-]\s*(.+)$", re.IGNORECASE | re.DOTALL)
_LEAD_LINE = re.compile(r"^(?:lead|lead officer|responsible officer)s?\s*:\s*(.+)$", re.IGNORECASE | re.DOTALL)


def split_label(text: str) -> tuple[str, str]:
    """ "Recommendation 1: Ensure ..." -> ("1", "Ensure ...")."""
    if match := _LABELLED.match(text):
        return match.group(1), match.group(2).strip()
    return "", text


@dataclass
class ProposedRecommendation:
    number: int
    label: str
    text: str
    group: str
    row: int
    current_activity: list[str] = field(default_factory=list)
    lead: str = ""  # a name key
    action_count: int = 0
    lead_choice: NameChoice | None = None  # set once the names are decided

    @property
    def key(self) -> tuple[str, str]:
        return (self.label.casefold(), key(self.text))


@dataclass
class ProposedAction:
    row: int
    recommendation: ProposedRecommendation | None
    reference: str = ""
    description: str = ""
    target_text: str = ""
    target_date: datetime.date | None = None
    success_criteria: str = ""
    milestones: str = ""
    people: list[str] = field(default_factory=list)  # name keys, lead first
    partners: list[str] = field(default_factory=list)  # organisation name keys
    status: headers.ReadStatus = field(default_factory=lambda: headers.ReadStatus(None, None))
    status_text: str = ""
    progress: str = ""
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Set once the names are decided: who and what the row will be saved with.
    responsible: list[NameChoice] = field(default_factory=list)
    partner_choices: list[NameChoice] = field(default_factory=list)


@dataclass
class Line:
    """One row of the sheet under the header, as the preview lists it."""

    row: int
    kind: str  # "action" | "recommendation" | "group" | "lead" | "skipped"
    action: ProposedAction | None = None
    recommendation: ProposedRecommendation | None = None
    text: str = ""


@dataclass
class ImportProposal:
    header_row: int  # index into the rows
    mapping: list[str]
    lines: list[Line]
    recommendations: list[ProposedRecommendation]
    actions: list[ProposedAction]
    people: dict[str, NameChoice]
    organisations: dict[str, NameChoice]
    errors: list[str] = field(default_factory=list)  # about the import as a whole

    @property
    def rows_with_errors(self) -> list[ProposedAction]:
        return [action for action in self.actions if action.errors]

    @property
    def names_with_errors(self) -> list[NameChoice]:
        return [choice for choice in [*self.people.values(), *self.organisations.values()] if choice.error]

    @property
    def error_count(self) -> int:
        return len(self.errors) + sum(len(a.errors) for a in self.actions) + len(self.names_with_errors)

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    def people_of(self, action: ProposedAction) -> list[NameChoice]:
        return [self.people[name] for name in action.people if self.people[name].decision != SKIP]

    def partners_of(self, action: ProposedAction) -> list[NameChoice]:
        return [self.organisations[name] for name in action.partners if self.organisations[name].decision != SKIP]

    @property
    def new_people(self) -> list[NameChoice]:
        return [choice for choice in self.people.values() if choice.decision == "new"]

    @property
    def new_organisations(self) -> list[NameChoice]:
        return [choice for choice in self.organisations.values() if choice.decision == "new"]


def plan_references(plan: Plan | None) -> set[str]:
    """The references the plan's actions already use."""
    if plan is None:
        return set()
    return set(plan.actions.exclude(reference="").values_list("reference", flat=True))


def data_rows_below(rows: list[list], header_row: int) -> int:
    return sum(1 for row in rows[header_row + 1 :] if any(value is not None for value in row))


class _Builder:
    def __init__(self, rows, header_row, mapping, plan, decisions, directory):
        self.rows, self.header_row, self.mapping = rows, header_row, mapping
        self.columns = {name: index for index, name in enumerate(mapping) if name != headers.IGNORE}
        self.directory = directory or Directory.load()
        self.decisions = decisions or {}
        self.taken = plan_references(plan)
        self.people: dict[str, NameChoice] = {}
        self.organisations: dict[str, NameChoice] = {}
        self.recommendations: dict[tuple[str, str], ProposedRecommendation] = {}
        self.by_label: dict[str, ProposedRecommendation] = {}
        self.references: dict[str, int] = {}
        self.lines: list[Line] = []
        self.current: ProposedRecommendation | None = None
        self.group = ""

    def cell(self, row: list, name: str):
        index = self.columns.get(name)
        return row[index] if index is not None and index < len(row) else None

    def text(self, row: list, name: str) -> str:
        return cell_text(self.cell(row, name))

    # --- names --------------------------------------------------------------------------------

    def person(self, text: str, row: int, organisation=None) -> str:
        name_key = key(text)
        if name_key not in self.people:
            candidates, how = self.directory.people_matching(text)
            self.people[name_key] = NameChoice("person", name_key, text, candidates, how, organisation)
        choice = self.people[name_key]
        if row not in choice.rows:
            choice.rows.append(row)
        if choice.organisation is None and organisation is not None:
            choice.organisation = organisation
        return name_key

    def organisation(self, text: str, row: int) -> str:
        name_key = key(text)
        if name_key not in self.organisations:
            known = self.directory.organisation(text)
            self.organisations[name_key] = NameChoice("organisation", name_key, text, [known] if known else [], "")
        choice = self.organisations[name_key]
        if row not in choice.rows:
            choice.rows.append(row)
        return name_key

    # --- recommendations ------------------------------------------------------------------------

    def recommendation(self, label: str, text: str, row: int) -> ProposedRecommendation:
        if not label:
            label, text = split_label(text)
        candidate = ProposedRecommendation(len(self.recommendations) + 1, label, text, self.group, row)
        found = self.recommendations.get(candidate.key)
        if found is None:
            found = self.recommendations[candidate.key] = candidate
            if label:
                self.by_label.setdefault(label.casefold(), found)
            self.lines.append(Line(row, "recommendation", recommendation=found))
        return found

    # --- rows -------------------------------------------------------------------------------------

    def build(self) -> None:
        header = [header_words(cell) for cell in self.rows[self.header_row]]
        pending: list[tuple[int, str]] = []  # heading rows waiting to learn what they are
        for index in range(self.header_row + 1, len(self.rows)):
            row, number = self.rows[index], index + 1
            filled = [value for value in row if value is not None]
            if not filled:
                continue
            if [header_words(value) for value in row] == header:
                self.lines.append(Line(number, "skipped", text="The column headings again: passed by"))
                continue
            if self.is_heading(row, filled):
                text = cell_text(filled[0])
                if (lead := _LEAD_LINE.match(text)) and (pending or self.current):
                    self.settle(pending, followed_by_recommendation=False)
                    pending = []
                    self.lead_line(lead.group(1), number)
                else:
                    pending.append((number, text))
                continue
            has_own = bool(self.text(row, "recommendation") or self.text(row, "recommendation_label"))
            self.settle(pending, followed_by_recommendation=has_own)
            pending = []
            self.action_row(row, number)
        self.settle(pending, followed_by_recommendation=False)

    def is_heading(self, row: list, filled: list) -> bool:
        """One cell filled, no action, and in the first column (where a merged title row starts)
        or one that is not imported or holds recommendations; never a bare reference."""
        if len(filled) != 1 or self.text(row, "action"):
            return False
        column = next(index for index, value in enumerate(row) if value is not None)
        field_name = self.mapping[column] if column < len(self.mapping) else headers.IGNORE
        if field_name == "reference" and not any(ch.isspace() for ch in cell_text(filled[0])):
            return False
        return column == 0 or field_name in (headers.IGNORE, "recommendation")

    def settle(self, pending: list[tuple[int, str]], *, followed_by_recommendation: bool) -> None:
        """Headings in a row: all but the last are groups; the last is a recommendation, unless
        what follows brings its own recommendation."""
        for position, (number, text) in enumerate(pending):
            last = position == len(pending) - 1
            if last and not followed_by_recommendation:
                self.current = self.recommendation("", text, number)
            else:
                self.group, self.current = text[:GROUP_MAX], None
                self.lines.append(Line(number, "group", text=text))

    def lead_line(self, names: str, number: int) -> None:
        recommendation = self.current
        people, _ = people_in_cell(names, self.directory)
        if recommendation is None or not people:
            self.lines.append(Line(number, "skipped", text=f"“{names}”: no recommendation above it to lead"))
            return
        recommendation.lead = self.person(people[0].text, number, people[0].organisation)
        self.lines.append(Line(number, "lead", recommendation=recommendation, text=people[0].text))

    def action_row(self, row: list, number: int) -> None:
        label, text = self.text(row, "recommendation_label"), self.text(row, "recommendation")
        action = ProposedAction(row=number, recommendation=None)
        if text:
            self.current = self.recommendation(label, text, number)
        elif label:
            found = self.by_label.get(label.casefold())
            if found is None:
                action.errors.append(f"Recommendation “{label}” has no text: give it on its first row")
            self.current = found
        action.recommendation = self.current
        if self.current is not None:
            if activity := self.text(row, "current_activity"):
                if activity not in self.current.current_activity:
                    self.current.current_activity.append(activity)
        self.fill(action, row)
        self.lines.append(Line(number, "action", action=action))

    def fill(self, action: ProposedAction, row: list) -> None:
        number = action.row
        action.description = self.text(row, "action")
        if not action.description:
            action.errors.append("There is no action in this row: enter it, or leave the row out of the spreadsheet")
        elif action.recommendation is not None:
            action.recommendation.action_count += 1
        if reference := self.text(row, "reference"):
            action.reference = reference
            if len(reference) > REFERENCE_MAX:
                action.errors.append(f"The reference must be {REFERENCE_MAX} characters or fewer")
            elif reference in self.references:
                action.errors.append(f"The reference “{reference}” is already used on row {self.references[reference]}")
            elif reference in self.taken:
                action.errors.append(f"The reference “{reference}” is already used by an action in the plan")
            self.references.setdefault(reference, number)
        target = self.cell(row, "target_date")
        action.target_text = cell_text(target)
        action.target_date = cell_date(target)
        if len(action.target_text) > TARGET_TEXT_MAX:
            action.errors.append(f"The target date must be {TARGET_TEXT_MAX} characters or fewer")
        action.success_criteria = self.text(row, "success_criteria")
        action.milestones = self.text(row, "milestones")
        if people_text := self.text(row, "people"):
            people, organisations = people_in_cell(people_text, self.directory)
            action.people = list(dict.fromkeys(self.person(p.text, number, p.organisation) for p in people))
            for name in organisations:
                action.partners.append(self.organisation(name, number))
                action.notes.append(f"“{name}” is an organisation, so it is a partner, not a person responsible")
        if partners_text := self.text(row, "partners"):
            action.partners += [self.organisation(name, number) for name in partners_in_cell(partners_text)]
        action.partners = list(dict.fromkeys(action.partners))
        action.status_text = self.text(row, "status")
        action.status = headers.read_status(action.status_text)
        if action.status.error:
            action.errors.append(action.status.error)
        action.progress = self.text(row, "progress")
        if action.progress and action.status.status is None and not action.status.error:
            action.errors.append("There is progress but no status: give the status, for example Partially complete")


def propose(
    rows: list[list],
    *,
    header_row: int,
    mapping: list[str],
    plan: Plan | None = None,
    decisions: dict | None = None,
    directory: Directory | None = None,
) -> ImportProposal:
    """The plan the rows would import as, with every error; `decisions` holds what was chosen
    for each name ({"people": {name key: option}, "organisations": {...}})."""
    builder = _Builder(rows, header_row, mapping, plan, decisions, directory)
    builder.build()
    decisions = decisions or {}
    for kind, choices in (("people", builder.people), ("organisations", builder.organisations)):
        for choice in choices.values():
            choice.decide(decisions.get(kind, {}).get(choice.key), builder.directory)
    proposal = ImportProposal(
        header_row=header_row,
        mapping=mapping,
        lines=builder.lines,
        recommendations=list(builder.recommendations.values()),
        actions=[line.action for line in builder.lines if line.kind == "action"],
        people=builder.people,
        organisations=builder.organisations,
    )
    for action in proposal.actions:
        action.responsible = proposal.people_of(action)
        action.partner_choices = proposal.partners_of(action)
    for recommendation in proposal.recommendations:
        if recommendation.lead and proposal.people[recommendation.lead].decision != SKIP:
            recommendation.lead_choice = proposal.people[recommendation.lead]
    if errors := headers.mapping_errors(mapping):
        proposal.errors += list(errors.values())
    if not proposal.actions:
        proposal.errors.append("There are no actions to import under the column headings")
    for recommendation in proposal.recommendations:
        if len(recommendation.label) > LABEL_MAX:
            proposal.errors.append(
                f"Row {recommendation.row}: the recommendation number must be {LABEL_MAX} characters or fewer"
            )
    return proposal
