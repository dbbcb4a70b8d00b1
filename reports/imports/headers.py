"""The importer's vocabulary, in one place: what each column can hold, the header words that
say so, the status words, and finding the header row under a title block (with the words
and cells of every spreadsheet read, in reports.spreadsheets).

The header words are those of the papers we import (see fixtures/sources/): Southampton's
inquiry ("Recommendation / Current Activity / Proposed Future Action / Responsible Officer /
Target Date for Completion"), its improvement plan ("Responsible Officers: / What we want to
do differently or better? / What is the Outcome we want to achieve? / The actions we will take
to achieve this / When will we achieve this by? / The key partners are"), its recommendations
tracker ("Date / Title / Action proposed / Action Taken / Progress Status") and Leicester's
action plan ("Ref. / Actions / Due Date / Lead / Success criteria/milestones"), and the usual
words of other councils' plans.
"""

from __future__ import annotations

from dataclasses import dataclass

from actionplans.plans.rag import ActionStatus, Rag
from reports import spreadsheets
from reports.spreadsheets import header_words

IGNORE = "ignore"


@dataclass(frozen=True)
class Field:
    key: str
    label: str  # what the column select offers
    hint: str = ""


FIELDS = [
    Field(IGNORE, "Do not import"),
    Field("recommendation", "Recommendation", "Repeated text, or a blank cell, keeps the same recommendation."),
    Field("recommendation_label", "Recommendation number", 'As printed, for example "a)" or "REC 3".'),
    Field("current_activity", "Current activity (kept with the recommendation)"),
    Field("reference", "Action reference", 'As printed, for example "2.3".'),
    Field("action", "Action"),
    Field("people", "Responsible officer or officers", "Several names in a cell make several people, lead first."),
    Field("target_date", "Target date"),
    Field("success_criteria", "Success criteria"),
    Field("milestones", "Milestones"),
    Field("partners", "Partners"),
    Field("status", "Status", "Complete, Partially complete, In progress, Not started, or a RAG."),
    Field("progress", "Progress so far (action taken)"),
]
FIELD_KEYS = [field.key for field in FIELDS]
FIELD_LABELS = {field.key: field.label for field in FIELDS}
REQUIRED = ["action"]


# Whole headers, exactly as the papers print them (as header_words() gives them).
EXACT = {
    # 000: Southampton's Children's APA Scrutiny Inquiry and the Cabinet's response
    "recommendation": "recommendation",
    "current activity": "current_activity",
    "proposed future action": "action",
    "responsible officer": "people",
    "target date for completion": "target_date",
    # 002 item 8: the improvement plan
    "responsible officers": "people",
    "what we want to do differently or better": "recommendation",
    "what is the outcome we want to achieve": "success_criteria",
    "the actions we will take to achieve this": "action",
    "when will we achieve this by": "target_date",
    "the key partners are": "partners",
    # 002 item 9: Monitoring Scrutiny Recommendations
    "date": IGNORE,  # the meeting that made the recommendation, not a target
    "title": "recommendation",
    "action proposed": "action",
    "action taken": "progress",
    "progress status": "status",
    # 003: Leicester's Joint Area Review action plan
    "ref": "reference",
    "actions": "action",
    "actions outcome": "action",
    "due date": "target_date",
    "lead": "people",
    "success criteria milestones": "success_criteria",
}

# Otherwise the first rule with a word or phrase in the header decides, in this order (so
# "Action taken" is progress, not an action, and "Action lead" is a person, not an action).
RULES: list[tuple[str, tuple[str, ...]]] = [
    (
        "progress",
        ("action taken", "actions taken", "progress update", "progress made", "update", "updates", "comments"),
    ),
    ("status", ("status", "rag", "complete", "completed")),
    ("partners", ("partner", "partners", "agencies", "agency", "partnership")),
    ("success_criteria", ("success", "outcome", "outcomes", "measure", "measures", "kpi", "criteria")),
    ("milestones", ("milestone", "milestones")),
    ("current_activity", ("current activity", "current position", "current practice", "current situation")),
    (
        "recommendation_label",
        ("rec no", "rec ref", "rec", "recommendation no", "recommendation number", "recommendation ref"),
    ),
    (
        "people",
        ("responsible", "lead", "leads", "officer", "officers", "owner", "owners", "accountable", "who", "whom"),
    ),
    ("target_date", ("target", "due", "deadline", "deadlines", "timescale", "timescales", "when", "completion date")),
    ("reference", ("ref", "reference", "no", "number", "#", "item", "id")),
    ("action", ("action", "actions", "task", "tasks", "activity", "activities", "what we will do", "proposed")),
    (
        "recommendation",
        ("recommendation", "recommendations", "title", "objective", "objectives", "what we want"),
    ),
    ("progress", ("progress",)),
]

HEADER_MAX_LENGTH = 80  # a longer cell is data, not a heading
HEADER_SCAN_ROWS = 20


def propose_field(header) -> str:
    """The field a column with this header most likely holds, or IGNORE."""
    text = header_words(header)
    if not text or len(text) > HEADER_MAX_LENGTH:
        return IGNORE
    if text in EXACT:
        return EXACT[text]
    padded = f" {text} "
    for field, words in RULES:
        if any(f" {word} " in padded for word in words):
            return field
    return IGNORE


def propose_mapping(header_cells: list) -> list[str]:
    """A field for each column: each field to the first column it fits, the rest ignored."""
    mapping, taken = [], set()
    for cell in header_cells:
        field = propose_field(cell)
        if field != IGNORE and field in taken:
            field = IGNORE
        taken.add(field)
        mapping.append(field)
    return mapping


def _field_named(cell) -> str | None:
    """The field a heading cell names, if it is text that names one."""
    if not isinstance(cell, str):
        return None
    field = propose_field(cell)
    return None if field == IGNORE else field


def find_header_row(rows: list[list], *, scan: int = HEADER_SCAN_ROWS) -> int:
    """The index of the row, among the first `scan`, whose cells name the most fields (the
    first of equals); the first row with anything in it when none names two."""
    found = spreadsheets.find_header_row(rows, _field_named, scan=scan, at_least=2)
    if found is not None:
        return found
    return next((index for index, row in enumerate(rows) if any(cell is not None for cell in row)), 0)


def mapping_errors(mapping: list[str]) -> dict[str, str]:
    """Column index (as str) or "__all__" -> message, for a mapping that cannot be imported."""
    errors: dict[str, str] = {}
    seen: dict[str, int] = {}
    for index, field in enumerate(mapping):
        if field == IGNORE:
            continue
        if field in seen:
            errors[str(index)] = f"Only one column can be “{FIELD_LABELS[field]}”"
        seen.setdefault(field, index)
    for field in REQUIRED:
        if field not in seen:
            errors["__all__"] = f"Choose the column that holds the {FIELD_LABELS[field].lower()}s"
    return errors


# --- Status words ---------------------------------------------------------------------------

STATUS_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (ActionStatus.PARTIALLY_COMPLETE, ("partially complete", "partially completed", "part complete", "partially")),
    (ActionStatus.NOT_STARTED, ("not started", "not yet started", "not begun")),
    (ActionStatus.IN_PROGRESS, ("not complete", "not completed", "not yet complete", "incomplete")),
    (ActionStatus.COMPLETE, ("complete", "completed", "done", "achieved", "closed", "finished")),
    (ActionStatus.IN_PROGRESS, ("in progress", "ongoing", "on going", "started", "underway", "under way", "open")),
]
RAG_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (Rag.BLUE, ("blue",)),
    (Rag.GREEN, ("green", "on track")),
    (Rag.AMBER, ("amber", "at risk")),
    (Rag.RED, ("red", "off track")),
]
RAG_LETTERS = {"b": Rag.BLUE, "g": Rag.GREEN, "a": Rag.AMBER, "r": Rag.RED}  # a cell holding only the letter
# The RAG of a status printed without one, as the demo reads the Panel's tracker: partly done
# is at risk (Amber), under way is on track (Green).
DEFAULT_RAG = {ActionStatus.PARTIALLY_COMPLETE: Rag.AMBER, ActionStatus.IN_PROGRESS: Rag.GREEN}


@dataclass(frozen=True)
class ReadStatus:
    status: str | None  # an ActionStatus value; None: nothing to record
    rag: str | None
    rag_assumed: bool = False
    error: str = ""

    @property
    def status_label(self) -> str:
        return ActionStatus(self.status).label if self.status else ""


def _first(words: list[tuple[str, tuple[str, ...]]], text: str) -> str | None:
    padded = f" {text} "
    return next((value for value, phrases in words if any(f" {p} " in padded for p in phrases)), None)


def read_status(printed: str) -> ReadStatus:
    """The progress update a printed status stands for."""
    text = header_words(printed)
    if not text:
        return ReadStatus(None, None)
    status, rag = _first(STATUS_WORDS, text), RAG_LETTERS.get(text) or _first(RAG_WORDS, text)
    unknown = ReadStatus(
        None,
        None,
        error=f"The status “{printed}” is not one the tracker knows: use Complete, Partially complete, "
        "In progress, Not started, or Red, Amber, Green or Blue",
    )
    if status is None and rag is None:
        return unknown
    if status == ActionStatus.COMPLETE or (status is None and rag == Rag.BLUE):
        if rag not in (None, Rag.BLUE):
            return ReadStatus(
                None, None, error=f"The status “{printed}” is complete but not Blue: a complete action is Blue"
            )
        return ReadStatus(ActionStatus.COMPLETE, Rag.BLUE)
    if rag == Rag.BLUE:
        return ReadStatus(None, None, error=f"The status “{printed}” is Blue but not complete: Blue means complete")
    if status is None:
        return ReadStatus(ActionStatus.IN_PROGRESS, rag)
    if rag is None:
        if status == ActionStatus.NOT_STARTED:
            return ReadStatus(None, None)  # an action nobody has reported on is "not yet reported"
        return ReadStatus(status, DEFAULT_RAG[status], rag_assumed=True)
    return ReadStatus(status, rag)
