"""Saving an imported plan: all of it in one transaction, or none of it.

import_plan() builds the proposal again from what was stored on the server (the rows read from
the upload, the column mapping and the choices made for each name), inside the transaction and
against the database as it is now, and writes only if it has no errors. It writes through the
services every other form uses (source_create, plan_create/plan_update), and through their bulk
counterparts for what there are many of (people_create_bulk, organisations_create_bulk,
recommendations_create_bulk, actions_create_bulk, and the statuses as progress updates), which
check each row by the same rules and record the same change history as the one-at-a-time
services (recommendation_create, action_create, action_people_assign, person_create,
organisation_create) would, in a fixed number of queries however many rows: 2,000 rows are
saved in seconds, not minutes. Any error on the way, including one only the database catches,
rolls everything back and raises ImportRefused, naming the row where there is one.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from actionplans.kernel import bulk
from actionplans.kernel.bulk import RowRefused
from actionplans.plans.editing import services as plan_services
from actionplans.plans.models import Action, Plan, PlanStatus, ProgressUpdate
from partners import services as partner_services
from partners.models import Body, Organisation, OrganisationKind, Person
from recommendations import services as recommendation_services
from recommendations.models import Recommendation, Source
from reports.imports.parse import ImportProposal, ProposedAction, propose
from reports.imports.people import NEW, NameChoice

SOURCE_REFERENCE_MAX = Source._meta.get_field("reference").max_length


class ImportRefused(Exception):
    """Nothing was imported; str() says why, for the person importing."""

    def __init__(self, message: str, proposal: ImportProposal | None = None):
        super().__init__(message)
        self.proposal = proposal


@dataclass
class ImportSetup:
    """What the person said about the import before the rows: where the actions go and the
    paper they come from."""

    source_title: str
    source_kind: str
    source_date: datetime.date | None = None
    plan: Plan | None = None  # an existing plan to add to; otherwise a new plan:
    title: str = ""
    owning_body: Body | None = None
    lead: Person | None = None


@dataclass
class ImportResult:
    plan: Plan
    source: Source
    actions: int
    recommendations: int
    people_created: int
    organisations_created: int


def source_reference(title: str) -> str:
    """A reference for the new source, from its title, not yet used by another source."""
    base = slugify(title).upper()[: SOURCE_REFERENCE_MAX - 4] or "IMPORT"
    used = set(Source.objects.filter(reference__startswith=base).values_list("reference", flat=True))
    if base not in used:
        return base
    return next(f"{base}-{n}" for n in range(2, len(used) + 3) if f"{base}-{n}" not in used)


def setup_errors(setup: ImportSetup) -> list[str]:
    if setup.plan is None and Plan.objects.filter(title=setup.title.strip()).exists():
        return [f"There is already a plan called “{setup.title.strip()}”"]
    return []


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return "; ".join(error.messages)
    return "it clashes with something already saved (such as an action with the same reference)"


def import_plan(
    *, rows: list[list], header_row: int, mapping: list[str], decisions: dict, setup: ImportSetup
) -> ImportResult:
    """Import the rows as the setup says, all or nothing. Raises ImportRefused (with the
    proposal, when it has errors to show) if anything is wrong; nothing is written then."""
    try:
        with transaction.atomic():
            plan = setup.plan
            if plan is not None:
                plan = Plan.objects.select_for_update().get(pk=plan.pk)  # one import into a plan at a time
            proposal = propose(rows, header_row=header_row, mapping=mapping, plan=plan, decisions=decisions)
            proposal.errors += setup_errors(setup)
            if not proposal.is_valid:
                raise ImportRefused(
                    f"Nothing has been imported: there {_are(proposal.error_count)} to put right first.", proposal
                )
            return _write(proposal, setup, plan)
    except Plan.DoesNotExist:
        raise ImportRefused("Nothing has been imported: the plan has been deleted.") from None
    except IntegrityError as error:  # a constraint the database checks only at the commit
        raise ImportRefused(f"Nothing has been imported: {_message(error)}.") from error


def _are(count: int) -> str:
    return "is 1 problem" if count == 1 else f"are {count} problems"


def _write(proposal: ImportProposal, setup: ImportSetup, plan: Plan | None) -> ImportResult:
    # What is being saved, for a refusal to name: `step`, or, when a bulk write refuses its
    # object number i, `names[i]`.
    step, names = "the new people and organisations", []
    try:
        organisations = _create_organisations(proposal.new_organisations)
        people = _create_people(proposal.new_people)

        step = "the source"
        source = recommendation_services.source_create(
            kind=setup.source_kind,
            reference=source_reference(setup.source_title),
            title=setup.source_title,
            made_by=None,
            date=setup.source_date,
        )
        step = "the plan"
        if plan is None:
            plan = plan_services.plan_create(
                title=setup.title,
                owning_body=setup.owning_body,
                lead=setup.lead,
                status=PlanStatus.ACTIVE,
                sources=[source],
            )
        else:
            plan = plan_services.plan_update(
                plan=plan,
                title=plan.title,
                owning_body=plan.owning_body,
                lead=plan.lead,
                status=plan.status,
                sources=[*plan.sources.all(), source],
                summary=plan.summary,
            )

        known_people = Person.objects.in_bulk({c.chosen_pk for c in proposal.people.values() if c.chosen_pk})
        known_organisations = Organisation.objects.in_bulk(
            {c.chosen_pk for c in proposal.organisations.values() if c.chosen_pk}
        )

        def person(name_key: str) -> Person | None:
            choice = proposal.people[name_key]
            return people.get(name_key) if choice.decision == NEW else known_people.get(choice.chosen_pk)

        def organisation(choice: NameChoice) -> Organisation | None:
            if choice.decision == NEW:
                return organisations.get(choice.key)
            return known_organisations.get(choice.chosen_pk)

        step, names = "the recommendations", [f"the recommendation on row {p.row}" for p in proposal.recommendations]
        saved = recommendation_services.recommendations_create_bulk(
            source=source,
            new=[
                Recommendation(
                    text=proposed.text,
                    label=proposed.label,
                    group=proposed.group,
                    current_activity="\n\n".join(proposed.current_activity),
                    lead=person(proposed.lead) if proposed.lead else None,
                )
                for proposed in proposal.recommendations
            ],
        )
        recommendations = {proposed.number: r for proposed, r in zip(proposal.recommendations, saved, strict=True)}

        step, names = "the actions", [f"row {proposed.row}" for proposed in proposal.actions]
        new_actions = []
        for proposed in proposal.actions:
            responsible = [p for p in (person(name) for name in proposed.people) if p is not None]
            partners = [organisation(choice) for choice in proposal.partners_of(proposed)]
            new_actions.append(
                plan_services.NewAction(
                    description=proposed.description,
                    recommendation=recommendations[proposed.recommendation.number] if proposed.recommendation else None,
                    reference=proposed.reference,
                    target_date=proposed.target_date,
                    target_date_text=proposed.target_text,
                    success_criteria=proposed.success_criteria,
                    milestones=proposed.milestones,
                    lead=responsible[0] if responsible else None,
                    supporting_officers=responsible[1:],
                    partners=[partner for partner in partners if partner is not None],
                )
            )
        actions = plan_services.actions_create_bulk(plan=plan, new=new_actions)

        with_status = [(a, p) for a, p in zip(actions, proposal.actions, strict=True) if p.status.status is not None]
        step, names = "the statuses", [f"row {proposed.row}" for _, proposed in with_status]
        _record_statuses(with_status, setup)
    except RowRefused as refused:
        what = names[refused.index] if names else step
        raise ImportRefused(
            f"Nothing has been imported: {what} could not be saved: {_message(refused.error)}."
        ) from refused
    except (ValidationError, IntegrityError) as error:
        raise ImportRefused(f"Nothing has been imported: {step} could not be saved: {_message(error)}.") from error
    return ImportResult(
        plan=plan,
        source=source,
        actions=len(actions),
        recommendations=len(recommendations),
        people_created=len(people),
        organisations_created=len(organisations),
    )


def _create_organisations(choices: list[NameChoice]) -> dict[str, Organisation]:
    created = partner_services.organisations_create_bulk(
        new=[Organisation(name=choice.text, kind=OrganisationKind.OTHER) for choice in choices]
    )
    return {choice.key: organisation for choice, organisation in zip(choices, created, strict=True)}


def _create_people(choices: list[NameChoice]) -> dict[str, Person]:
    organisations = Organisation.objects.in_bulk({choice.organisation.pk for choice in choices if choice.organisation})
    new = []
    for choice in choices:
        organisation = organisations.get(choice.organisation.pk) if choice.organisation else None
        if choice.is_post:
            new.append(Person(job_title=choice.text, organisation=organisation))
        else:
            new.append(Person(name=choice.text, organisation=organisation))
    created = partner_services.people_create_bulk(new=new)
    return {choice.key: person for choice, person in zip(choices, created, strict=True)}


def _record_statuses(pairs: list[tuple[Action, ProposedAction]], setup: ImportSetup) -> None:
    """The status the paper printed, as each action's first progress update. It records what
    the paper said, by nobody in particular, so the rules for a new report by an officer (an
    overdue action cannot be reported Green) do not apply; the model's own rules do. One
    bulk write: ProgressUpdate's queryset keeps each action's newest update and its history."""
    bulk.create_all(
        ProgressUpdate,
        [
            ProgressUpdate(
                action=action,
                author=None,
                status=proposed.status.status,
                rag=proposed.status.rag,
                narrative=proposed.progress or f"Status as printed in “{setup.source_title}”: {proposed.status_text}.",
            )
            for action, proposed in pairs
        ],
    )


def _count(n: int, singular: str, plural: str = "") -> str:
    return f"{n} {singular if n == 1 else plural or singular + 's'}"


def import_summary(result: ImportResult) -> str:
    """What was imported, in words: "Imported 12 actions, 4 recommendations and 2 new people from …"."""
    parts = [_count(result.actions, "action")]
    if result.recommendations:
        parts.append(_count(result.recommendations, "recommendation"))
    if result.people_created:
        parts.append(_count(result.people_created, "new person", "new people"))
    if result.organisations_created:
        parts.append(_count(result.organisations_created, "new organisation"))
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return f"Imported {listed} from “{result.source.title}”."
