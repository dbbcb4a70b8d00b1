"""The import in progress, kept in the person's session (on the server, in the sessions table):
the rows read from the upload, what was said about the plan and its source, the column mapping
and the choices made for each name. Every step reads it from here, never from the page, and
the last step imports from it; `digest()` lets the confirm step refuse a page that shows an
older state than the one stored (say, the mapping changed in another tab).
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict, dataclass, field

from actionplans.plans.models import Plan
from partners.models import Body, Person
from reports.imports.services import ImportSetup
from reports.uploads import SheetTable

SESSION_KEY = "plan_import"


def _encode(value):
    if isinstance(value, datetime.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"date": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.datetime.fromisoformat(value["datetime"])
        return datetime.date.fromisoformat(value["date"])
    return value


@dataclass
class ImportState:
    user: int
    plan: int | None  # the plan to add to; None for a new plan
    setup: dict  # title, owning_body, lead (pks), source_title, source_kind, source_date (ISO)
    kind: str
    name: str
    rows: list[list]  # encoded cells
    header_row: int
    mapping: list[str]
    decisions: dict = field(default_factory=dict)
    job: int | None = None  # the background job importing it, once confirmed (reports.imports.jobs)

    @classmethod
    def start(cls, *, user, plan: Plan | None, setup: dict, table: SheetTable, header_row: int, mapping: list[str]):
        rows = [[_encode(value) for value in row] for row in table.rows]
        return cls(user.pk, plan.pk if plan else None, setup, table.kind, table.name, rows, header_row, mapping)

    @property
    def table_rows(self) -> list[list]:
        return [[_decode(value) for value in row] for row in self.rows]

    def save(self, request) -> None:
        request.session[SESSION_KEY] = asdict(self)

    def digest(self) -> str:
        """A fingerprint of everything the preview is built from."""
        data = json.dumps(asdict(self), sort_keys=True, default=str).encode()
        return hashlib.sha256(data).hexdigest()[:32]

    def import_setup(self, plan: Plan | None) -> ImportSetup:
        """The setup with its objects looked up again; raises LookupError if one has gone."""
        setup = self.setup
        date = datetime.date.fromisoformat(setup["source_date"]) if setup.get("source_date") else None
        if plan is not None:
            return ImportSetup(setup["source_title"], setup["source_kind"], date, plan=plan)
        body = Body.objects.filter(pk=setup["owning_body"]).first()
        lead = Person.objects.filter(pk=setup["lead"]).first() if setup.get("lead") else None
        if body is None or (setup.get("lead") and lead is None):
            raise LookupError("The body or the lead chosen for the plan has been deleted: start the import again.")
        return ImportSetup(
            setup["source_title"], setup["source_kind"], date, title=setup["title"], owning_body=body, lead=lead
        )


def load(request) -> ImportState | None:
    """The signed-in person's import in progress, if any."""
    data = request.session.get(SESSION_KEY)
    if not data or data.get("user") != request.user.pk:
        return None
    try:
        return ImportState(**data)
    except TypeError:  # stored by an older version of this code
        return None


def clear(request) -> None:
    request.session.pop(SESSION_KEY, None)
