"""python manage.py import_plan PATH --title TITLE --body BODY [--source-title ...] [--source-kind ...]
[--source-date YYYY-MM-DD] [--header-row N] [--mapping COLUMN=FIELD ...] [--into PLAN_ID] [--dry-run]

Imports a plan from an .xlsx or CSV file (or a text file of tab-separated lines) as the import
pages do (reports.imports): the same checks of the file, the same header detection and column
proposals, the same preview, printed, with every error, and the same one transaction. Every name
that matches somebody the tracker knows is taken to be them; the rest are created. --mapping
corrects the proposed columns: a column by letter (E), number (5) or heading (Lead), e.g.
--mapping E=milestones Lead=people. --dry-run prints the preview and writes nothing.
"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import date_format
from openpyxl.utils import column_index_from_string, get_column_letter

from actionplans.plans.models import Plan
from partners.models import Body
from recommendations.models import SourceKind
from reports.imports import headers
from reports.imports.parse import data_rows_below, propose
from reports.imports.services import ImportRefused, ImportSetup, import_plan, setup_errors
from reports.spreadsheets import cell_text, header_words
from reports.uploads import UploadRefused, read_upload


class Command(BaseCommand):
    help = "Import an action plan from a spreadsheet (.xlsx or CSV), all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The .xlsx or CSV file.")
        parser.add_argument("--title", help="The title of the new plan.")
        parser.add_argument("--body", help="The name (or id) of the body that owns the new plan.")
        parser.add_argument("--into", type=int, help="Add the actions to this existing plan (its id) instead.")
        parser.add_argument("--source-title", help="The title of the paper the actions come from (default: --title).")
        parser.add_argument(
            "--source-kind", default=SourceKind.OTHER, choices=SourceKind.values, help="The kind of paper."
        )
        parser.add_argument("--source-date", help="The date of the paper, YYYY-MM-DD.")
        parser.add_argument("--header-row", type=int, help="The row with the column headings (default: found).")
        parser.add_argument(
            "--mapping",
            nargs="+",
            action="extend",
            default=[],
            metavar="COLUMN=FIELD",
            help=f"What a column holds, one of: {', '.join(headers.FIELD_KEYS)}.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the preview; write nothing.")

    def handle(self, *args, **options):
        setup = self._setup(options)
        table = self._read(Path(options["path"]))
        rows = table.rows
        header_row = self._header_row(rows, options["header_row"])
        mapping = self._mapping(rows[header_row], options["mapping"])
        proposal = propose(rows, header_row=header_row, mapping=mapping, plan=setup.plan)
        proposal.errors += setup_errors(setup)
        self._print(table.name, rows, proposal)
        if not proposal.is_valid:
            raise CommandError(f"Nothing has been imported: there {_are(proposal.error_count)} to put right first.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing has been written.")
            return
        try:
            result = import_plan(rows=rows, header_row=header_row, mapping=mapping, decisions={}, setup=setup)
        except ImportRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(
            f"Imported {result.actions} actions, {result.recommendations} recommendations, "
            f"{result.people_created} new people and {result.organisations_created} new organisations "
            f"into “{result.plan.title}” (plan {result.plan.pk})."
        )

    # --- Reading the options ------------------------------------------------------------------

    def _setup(self, options) -> ImportSetup:
        date = None
        if options["source_date"]:
            try:
                date = datetime.date.fromisoformat(options["source_date"])
            except ValueError:
                raise CommandError(f"--source-date {options['source_date']} is not a date like 2008-06-17") from None
        if options["into"]:
            plan = Plan.objects.filter(pk=options["into"]).first()
            if plan is None:
                raise CommandError(f"There is no plan {options['into']}.")
            title = options["source_title"] or plan.title
            return ImportSetup(title, options["source_kind"], date, plan=plan)
        if not options["title"] or not options["body"]:
            raise CommandError("Give the new plan's --title and --body, or --into an existing plan.")
        body = Body.objects.filter(name__iexact=options["body"]).first()
        if body is None and options["body"].isdigit():
            body = Body.objects.filter(pk=int(options["body"])).first()
        if body is None:
            raise CommandError(f"There is no body called “{options['body']}”.")
        source_title = options["source_title"] or options["title"]
        return ImportSetup(source_title, options["source_kind"], date, title=options["title"], owning_body=body)

    def _read(self, path: Path):
        try:
            with path.open("rb") as file:
                return read_upload(file)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        except UploadRefused as refused:
            raise CommandError(str(refused)) from None

    def _header_row(self, rows, given: int | None) -> int:
        if given is not None:
            if not 1 <= given <= len(rows):
                raise CommandError(f"--header-row must be between 1 and {len(rows)}")
            header_row = given - 1
        else:
            header_row = headers.find_header_row(rows)
        if data_rows_below(rows, header_row) == 0:
            raise CommandError(f"The file has column headings in row {header_row + 1} but no rows under them.")
        return header_row

    def _mapping(self, header: list, changes: list[str]) -> list[str]:
        mapping = headers.propose_mapping(header)
        texts = [header_words(cell) for cell in header]
        for change in changes:
            column, _, field = change.partition("=")
            column, field = column.strip(), field.strip()
            if field not in headers.FIELD_KEYS:
                raise CommandError(f"“{field}” is not a field: use one of {', '.join(headers.FIELD_KEYS)}.")
            if column.isdigit():
                index = int(column) - 1
            elif column.isalpha() and len(column) <= 3 and column.isupper():
                index = column_index_from_string(column) - 1
            elif header_words(column) in texts:
                index = texts.index(header_words(column))
            else:
                raise CommandError(f"“{column}” is not a column: give its letter, number or heading.")
            if not 0 <= index < len(mapping):
                raise CommandError(f"There is no column {column}.")
            mapping[index] = field
        return mapping

    # --- The preview ------------------------------------------------------------------------------

    def _print(self, name: str, rows, proposal) -> None:
        write = self.stdout.write
        write(f"Read {name}. Column headings in row {proposal.header_row + 1}.")
        for index, field in enumerate(proposal.mapping):
            heading = cell_text(rows[proposal.header_row][index])
            write(f"  Column {get_column_letter(index + 1)} “{heading}”: {headers.FIELD_LABELS[field]}")
        for line in proposal.lines:
            if line.kind == "recommendation":
                recommendation = line.recommendation
                label = f" {recommendation.label}" if recommendation.label else ""
                write(f"Recommendation{label} (row {line.row}): {recommendation.text}")
            elif line.kind == "group":
                write(f"Group (row {line.row}): {line.text}")
            elif line.kind == "lead":
                choice = line.recommendation.lead_choice
                write(f"  Lead of the recommendation (row {line.row}): {_choice(choice) if choice else 'left out'}")
            elif line.kind == "skipped":
                write(f"Row {line.row}: {line.text}")
            else:
                self._print_action(line.action)
        for error in proposal.errors:
            write(f"Error: {error}")
        for choice in proposal.names_with_errors:
            write(f"Error: {choice.error}")
        write(
            f"{len(proposal.actions)} actions under {len(proposal.recommendations)} recommendations; "
            f"{len(proposal.new_people)} new people and {len(proposal.new_organisations)} new organisations."
        )

    def _print_action(self, action) -> None:
        write = self.stdout.write
        write(f"Row {action.row}  {action.reference or '-'}  {action.description or '(no action)'}")
        if action.responsible:
            write(f"    Responsible: {'; '.join(_choice(choice) for choice in action.responsible)}")
        if action.target_text:
            read = f"read as {date_format(action.target_date)}" if action.target_date else "no date can be read"
            write(f"    Target: {action.target_text} ({read})")
        if action.partner_choices:
            write(f"    Partners: {'; '.join(_choice(choice) for choice in action.partner_choices)}")
        if action.status.status:
            assumed = " (no RAG printed)" if action.status.rag_assumed else ""
            write(f"    Status: {action.status.status_label}, {action.status.rag.label}{assumed}")
        for error in action.errors:
            write(f"    Error: {error}")


def _choice(choice) -> str:
    if choice.decision == "new":
        return f"{choice.text} ({choice.outcome})"
    return f"{choice.chosen_label} (matched “{choice.text}”)"


def _are(count: int) -> str:
    return "is 1 problem" if count == 1 else f"are {count} problems"
