"""A meeting's agenda and minutes: items with a presenting officer and report, what each
RESOLVED numbered as councils number it, and actions AGREED tracked in the body's action log
with their owners as the margin prints them."""

import datetime

import pytest
from django.urls import reverse

from actionplans.meetings import agenda
from actionplans.meetings.models import AgendaItem, AgreedAction, Numbering, Resolution, clause_number
from actionplans.plans.models import Action
from partners.models import AttendanceStatus
from tests.factories import AttendanceFactory, MeetingFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_clauses_are_numbered_in_roman_or_letters():
    assert [clause_number(Numbering.ROMAN, n) for n in (1, 2, 3, 4, 9, 14)] == ["i", "ii", "iii", "iv", "ix", "xiv"]
    assert [clause_number(Numbering.LETTERS, n) for n in (1, 2, 26, 27)] == ["a", "b", "z", "aa"]


def test_clauses_typed_in_one_box_split_on_blank_lines_and_keep_their_own_lines():
    typed = "That A be noted;\r\n\r\nThat B:-\n- one\n- two\n\n\n  \nThat C."
    assert agenda.split_resolutions(typed) == ["That A be noted;", "That B:-\n- one\n- two", "That C."]
    assert agenda.split_resolutions("  \n ") == []


def test_initials_leave_out_titles():
    assert agenda.initials("Alice Wrighton") == "AW"
    assert agenda.initials("Cllr Holmes") == "H"
    assert agenda.initials("Jon Dyer Slade") == "JDS"


def test_a_margin_owner_resolves_through_the_attendance():
    alice, alison, felicity = (PersonFactory(name=n) for n in ("Alice Wrighton", "Alison Alexander", "Felicity Budgen"))
    holmes, other = PersonFactory(name="Cllr Holmes"), PersonFactory(name="Anna Adams")
    people = [alice, alison, felicity, holmes]
    assert agenda.resolve_owner("AW/AA/FB", people) == [alice, alison, felicity]
    assert agenda.resolve_owner("FB", people) == [felicity]
    assert agenda.resolve_owner("Cllr Holmes", people) == [holmes]
    assert agenda.resolve_owner("Councillor Holmes", people) == [holmes]
    assert agenda.resolve_owner("CYPTE", people) == []
    assert agenda.resolve_owner("All Steering Group Leads", people) == []
    # Initials two attendees share name nobody: the minutes cannot mean both.
    assert agenda.resolve_owner("AA", [alison, other]) == []


@pytest.fixture
def meeting(world):
    meeting = MeetingFactory(body=world["board"], date=datetime.date(2009, 11, 25))
    for key in ("sue", "alison"):
        AttendanceFactory(meeting=meeting, person=world[key], status=AttendanceStatus.IN_ATTENDANCE)
    return meeting


def item_data(**overrides):
    data = {
        "number": "5",
        "title": "2nd Quarter Performance",
        "presenter": "",
        "report_title": "",
        "outcome": "",
        "discussion": "The Trust Board considered the report.",
        "resolutions": "That the progress be noted.\n\nThat targets be set:-\n- for all outcomes",
        "numbering": "roman",
    }
    return data | overrides


def test_democratic_support_add_an_item_with_its_resolutions(support_client, meeting, world):
    url = reverse("agenda_item_create", args=[meeting.pk])
    assert support_client.get(url).status_code == 200
    response = support_client.post(url, item_data(presenter=world["sue"].pk))
    assert response.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert (item.number, item.presenter, item.history.count()) == (5, world["sue"], 1)
    assert list(item.resolutions.values_list("position", "text")) == [
        (1, "That the progress be noted."),
        (2, "That targets be set:-\n- for all outcomes"),
    ]
    page = support_client.get(reverse("meeting_agenda", args=[meeting.pk])).content.decode()
    assert "(i)</span> That the progress be noted." in page
    assert "(ii)</span> That targets be set:-<br>- for all outcomes" in page


def test_the_discussion_reads_as_paragraphs_and_lists_in_the_pages_style(support_client, meeting):
    discussion = (
        "The review followed\nseven lines of enquiry\n\n- Workforce capacity\n- Workforce capability\n\nIt was noted."
    )
    support_client.post(reverse("agenda_item_create", args=[meeting.pk]), item_data(discussion=discussion))
    page = support_client.get(reverse("meeting_agenda", args=[meeting.pk])).content.decode()
    assert '<p class="govuk-body">The review followed seven lines of enquiry</p>' in page
    assert (
        '<ul class="govuk-list govuk-list--bullet"><li>Workforce capacity</li><li>Workforce capability</li></ul>'
        in page
    )
    assert '<p class="govuk-body">It was noted.</p>' in page


def test_a_single_clause_is_printed_unnumbered(support_client, meeting):
    support_client.post(reverse("agenda_item_create", args=[meeting.pk]), item_data(resolutions="That X."))
    page = support_client.get(reverse("meeting_agenda", args=[meeting.pk])).content.decode()
    assert "RESOLVED:" in page and "That X." in page and "(i)" not in page


def test_bad_input_saves_nothing_and_says_why(support_client, meeting):
    AgendaItem.objects.create(meeting=meeting, number=5, title="Taken")
    response = support_client.post(reverse("agenda_item_create", args=[meeting.pk]), item_data(title=""))
    assert response.status_code == 400
    assert "Enter the item&#x27;s title" in response.content.decode()
    response = support_client.post(reverse("agenda_item_create", args=[meeting.pk]), item_data())
    assert response.status_code == 400
    assert "The agenda already has an item 5" in response.content.decode()
    assert AgendaItem.objects.count() == 1 and Resolution.objects.count() == 0


def test_editing_an_item_that_somebody_else_saved_is_refused_and_keeps_the_typing(support_client, meeting):
    item = agenda.agenda_item_create(meeting=meeting, number=2, title="Update", resolutions=["That A."])
    url = reverse("agenda_item_edit", args=[item.pk])
    opened = support_client.get(url)
    assert 'name="opened_version" value="1"' in opened.content.decode()
    agenda.agenda_item_update(item=item, expected_version=1, number=2, title="Someone else's", resolutions=["That A."])
    response = support_client.post(url, item_data(number="2", title="Mine", opened_version="1"))
    assert response.status_code == 409
    assert "Mine" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Someone else's"
    response = support_client.post(url, item_data(number="2", title="Mine", opened_version="2"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.resolutions.count()) == ("Mine", 2)


def test_an_edited_clause_keeps_the_action_agreed_against_it(meeting):
    item = agenda.agenda_item_create(meeting=meeting, number=8, title="ESOL", resolutions=["That authority be given"])
    agreed = agenda.agreed_action_create(
        item=item, text="That authority be given", owner_as_printed="CYPTE", resolution=item.resolutions.get()
    )
    agenda.agenda_item_update(
        item=item, expected_version=1, number=8, title="ESOL", resolutions=["That authority be delegated"]
    )
    agreed.refresh_from_db()
    assert agreed.resolution.text == "That authority be delegated"


def test_an_action_agreed_is_tracked_in_the_bodys_action_log_with_its_owners(support_client, meeting, world):
    item = agenda.agenda_item_create(meeting=meeting, number=3, title="Stay Safe")
    response = support_client.post(
        reverse("agreed_action_create", args=[item.pk]),
        {"text": "It was AGREED that they would work further on this.", "owner_as_printed": "SA/AA"},
    )
    assert response.status_code == 302
    agreed = AgreedAction.objects.get()
    assert agreed.owner_as_printed == "SA/AA"
    action = agreed.action
    assert action.plan.owning_body == world["board"] and action.plan.title.endswith("action log")
    assert action.description == "It was AGREED that they would work further on this."
    assert action.responsible_people == [world["sue"], world["alison"]]
    # A second action goes into the same log, after the first.
    agenda.agreed_action_create(item=item, text="Another", owner_as_printed="CYPTE")
    second = AgreedAction.objects.get(position=2).action
    assert (second.plan, second.position, second.lead) == (action.plan, action.position + 1, None)


def test_an_action_with_nothing_agreed_is_refused(support_client, meeting):
    item = agenda.agenda_item_create(meeting=meeting, number=3, title="Stay Safe")
    response = support_client.post(reverse("agreed_action_create", args=[item.pk]), {"text": " "})
    assert response.status_code == 400
    assert not Action.objects.exists() and not AgreedAction.objects.exists()


def add_items(meeting, count, start=1):
    for number in range(start, start + count):
        item = agenda.agenda_item_create(
            meeting=meeting, number=number, title=f"Item {number}", presenter=PersonFactory(), resolutions=["A", "B"]
        )
        agenda.agreed_action_create(item=item, text=f"Do {number}", owner_as_printed="SA")


# agenda: session, user, the meeting with its body, groups, attendance, items with presenters,
# clauses, actions agreed with their tracked actions and leads, the page's menu (the viewer's
# jobs); meeting: the same up to attendance, the agenda with presenters, sources, the menu,
# published papers.
@pytest.mark.parametrize(("name", "queries"), [("meeting_agenda", 9), ("meeting_detail", 9)])
def test_the_agenda_and_meeting_pages_query_counts_do_not_grow_with_items(
    name, queries, support_client, meeting, django_assert_num_queries
):
    url = reverse(name, args=[meeting.pk])
    add_items(meeting, 2)
    support_client.get(url)  # warm the session
    with django_assert_num_queries(queries):
        assert support_client.get(url).status_code == 200
    add_items(meeting, 5, start=3)
    with django_assert_num_queries(queries):
        assert support_client.get(url).status_code == 200
