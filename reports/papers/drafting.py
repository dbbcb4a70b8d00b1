"""A committee paper drafted from the tracker's data, worded as seed 002's Agenda Item 9.

The draft is only a starting point: democratic support edit and save it before publishing.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When

from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Body, BodyKind, Meeting, Membership, MembershipRole, Person
from reports.models import CommitteePaper
from reports.papers.people import name_in_paper

# What a body's papers call it for short ("the Panel considers...").
BODY_WORDS = {
    BodyKind.SCRUTINY_PANEL: "Panel",
    BodyKind.CABINET: "Cabinet",
    BodyKind.PARTNERSHIP_BOARD: "Board",
    BodyKind.TRUST_BOARD: "Board",
    BodyKind.STEERING_GROUP: "Group",
}
SCRUTINY_DUTY = (
    "The duty to undertake overview and scrutiny is set out in Part 1A Section 9 of the Local Government Act 2000."
)


def body_word(body: Body) -> str:
    return BODY_WORDS.get(body.kind, "Committee")


def paper_contact(meeting: Meeting, *, person: Person | None) -> Person | None:
    """Who the paper names as its contact: the body's democratic support officer (an officer
    in attendance who signs in as democratic support, else one whose post says so, else its
    first officer), or failing that the person drafting it. One query."""
    support_login = Exists(Group.objects.filter(name=DEMOCRATIC_SUPPORT_GROUP, user=OuterRef("person__user")))
    officer = (
        Membership.objects.filter(body_id=meeting.body_id, role=MembershipRole.OFFICER)
        .annotate(
            rank=Case(
                When(support_login, then=Value(0)),
                When(
                    Q(representing__icontains="democratic support")
                    | Q(person__job_title__icontains="democratic support"),
                    then=Value(1),
                ),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .select_related("person")
        .order_by("rank", "pk")
        .first()
    )
    return officer.person if officer else person


def _paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


def paper_draft(meeting: Meeting, *, person: Person | None) -> CommitteePaper:
    """A new, unsaved paper for the meeting, worded from its body and the tracker's data."""
    body = meeting.body
    word = body_word(body)
    scrutiny = body.kind == BodyKind.SCRUTINY_PANEL
    contact = paper_contact(meeting, person=person)
    return CommitteePaper(
        meeting=meeting,
        agenda_item="",
        subject="Monitoring scrutiny recommendations" if scrutiny else "Monitoring recommendations and actions",
        report_of=contact.job_title if contact else "",
        contact_name=contact.name if contact and contact.name and name_in_paper(contact) == contact.name else "",
        contact_title=contact.job_title if contact else "",
        contact_email=contact.email if contact else "",
        brief_summary=(
            f"This item enables the {body.name} to monitor and track progress on recommendations made at "
            "previous meetings."
        ),
        recommendations=(
            f"(i) That the {word} considers the responses to recommendations from previous meetings and "
            "provides feedback."
        ),
        reasons=(
            f"To assist the {word} in assessing the impact and consequence of recommendations made at "
            "previous meetings."
        ),
        alternative_options="None.",
        detail=_paragraphs(
            f"Appendix 1 of the report sets out the recommendations made at previous meetings of the {body.name}. "
            "It also contains a summary of action taken in response to the recommendations.",
            f"The progress status for each recommendation is indicated and if the {body.name} confirms "
            "acceptance of the items marked as completed they will be removed from the list. In cases where "
            f"action on the recommendation is outstanding or the {word} does not accept the matter has been "
            "adequately completed, it will be kept on the list and reported back to the next meeting. It will "
            f"remain on the list until such time as the {word} accepts the recommendation as completed. "
            "Rejected recommendations will only be removed from the list after being reported to the "
            f"{body.name}.",
        ),
        resource_implications="None",
        legal_power=SCRUTINY_DUTY if scrutiny else "None",
        legal_implications="None",
        risk_implications="None",
        policy_implications="None",
        key_decision=False,
        wards_affected="None",
        supporting_documentation="None",
    )
