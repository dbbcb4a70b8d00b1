"""A body's monitoring list at each meeting, and recording the panel's decisions on it."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.meetings.lists import DecisionsInvalid, decisions_record, monitoring_list
from actionplans.meetings.models import MonitoringDecision
from actionplans.meetings.models import SignOffDecision as D
from actionplans.meetings.signoff import ItemState
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Membership
from recommendations.models import Recommendation, ResponseDecision
from tests.factories import (
    ActionFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def report(action, day, status, rag, narrative="Progress."):
    return ProgressUpdateFactory(action=action, reported_at=noon(day), status=status, rag=rag, narrative=narrative)


@pytest.fixture
def panel(world):
    """The Children and Families Scrutiny Panel (tests/worlds.py), its meetings from June to
    November 2021, two papers of recommendations and the plan answering them."""
    body = world["families_panel"]
    meetings = {
        day: MeetingFactory(body=body, date=day)
        for day in (DAY(2021, 6, 17), DAY(2021, 9, 30), DAY(2021, 11, 4), DAY(2021, 11, 25))
    }
    june = SourceFactory(
        made_by=body, meeting=meetings[DAY(2021, 6, 17)], date=DAY(2021, 6, 17), title="Ofsted Focused Letter"
    )
    september = SourceFactory(
        made_by=body, meeting=meetings[DAY(2021, 9, 30)], date=DAY(2021, 9, 30), title="Educational Attainment"
    )
    plan = PlanFactory(owning_body=body)
    plan.sources.add(june, september)
    r1 = RecommendationFactory(source=june, label="", text="Lobby the Government on home education.")
    r2 = RecommendationFactory(source=september, label="1)", text="Engage with Oasis Community Learning.")
    r3 = RecommendationFactory(source=september, label="2)", text="Circulate attendance data.")
    r4 = RecommendationFactory(
        source=september,
        label="3)",
        text="Fund a new team.",
        response_decision=ResponseDecision.REJECTED,
        response_text="No budget this year.",
    )
    a1 = ActionFactory(plan=plan, recommendation=r1, created_at=noon(DAY(2021, 6, 18)))
    a2 = ActionFactory(plan=plan, recommendation=r2, created_at=noon(DAY(2021, 10, 1)))
    a3 = ActionFactory(plan=plan, recommendation=r3, created_at=noon(DAY(2021, 10, 1)))
    report(a1, DAY(2021, 10, 1), ActionStatus.COMPLETE, Rag.BLUE, "Briefing given.")
    report(a2, DAY(2021, 10, 2), ActionStatus.IN_PROGRESS, Rag.GREEN, "Meeting arranged.")
    report(a3, DAY(2021, 10, 20), ActionStatus.COMPLETE, Rag.BLUE, "Data circulated.")
    return {"body": body, "meetings": meetings, "plan": plan, "r": [r1, r2, r3, r4], "a": [a1, a2, a3]}


def snapshot(meeting):
    return [(item.key, item.state, item.action_taken, item.last_update_at) for item in monitoring_list(meeting).items]


def test_list_holds_what_the_panel_asked_for_with_states_as_at_the_meeting(panel):
    r1, r2, r3, r4 = panel["r"]
    listing = monitoring_list(panel["meetings"][DAY(2021, 11, 4)])
    states = {item.recommendation: item.state for item in listing.items}
    assert states == {r1: ItemState.COMPLETE, r2: ItemState.OUTSTANDING, r3: ItemState.COMPLETE, r4: ItemState.REJECTED}
    assert [group.title for group in listing.groups] == ["Ofsted Focused Letter", "Educational Attainment"]
    assert listing.previous_meeting == panel["meetings"][DAY(2021, 9, 30)]


def test_state_uses_only_updates_reported_by_the_meeting(panel):
    r1, r2, r3, r4 = panel["r"]
    september = monitoring_list(panel["meetings"][DAY(2021, 9, 30)])
    states = {item.recommendation: item.state for item in september.items}
    assert states[r1] == ItemState.OUTSTANDING  # completed on 1 October, after the meeting
    assert r3 not in states  # made at that meeting: it first comes to the next one


def test_a_list_holds_what_was_before_the_meeting_not_what_came_out_of_it(panel):
    r1, r2, r3, r4 = panel["r"]
    september, november = panel["meetings"][DAY(2021, 9, 30)], panel["meetings"][DAY(2021, 11, 4)]
    assert [item.recommendation for item in monitoring_list(september).items] == [r1]
    assert {item.recommendation for item in monitoring_list(november).items} == {r1, r2, r3, r4}
    # A paper with no meeting, dated the meeting's day, was made at it too.
    undated = SourceFactory(made_by=panel["body"], meeting=None, date=DAY(2021, 9, 30), title="A briefing")
    same_day = RecommendationFactory(source=undated, text="Report back.")
    assert same_day not in {item.recommendation for item in monitoring_list(september).items}
    assert same_day in {item.recommendation for item in monitoring_list(november).items}


def test_recommendations_made_later_are_not_on_an_earlier_list(panel):
    # June's own recommendation first comes to September; nothing was before June's meeting.
    assert monitoring_list(panel["meetings"][DAY(2021, 6, 17)]).items == []


def test_decisions_take_items_off_later_lists_and_not_accepted_ones_stay(panel):
    r1, r2, r3, r4 = panel["r"]
    november = panel["meetings"][DAY(2021, 11, 4)]
    decisions_record(
        meeting=november,
        by=None,
        decisions={
            f"r{r1.pk}": (D.ACCEPTED_COMPLETE, ""),
            f"r{r2.pk}": (D.CARRIED_FORWARD, ""),
            f"r{r3.pk}": (D.NOT_ACCEPTED, "The data was incomplete."),
            f"r{r4.pk}": (D.REJECTION_REPORTED, ""),
        },
    )
    later = monitoring_list(panel["meetings"][DAY(2021, 11, 25)])
    assert [item.recommendation for item in later.items] == [r2, r3]
    # The meeting that decided still shows every item, with its decision.
    decided = {item.recommendation: item.decision.decision for item in monitoring_list(november).items}
    assert decided == {r1: D.ACCEPTED_COMPLETE, r2: D.CARRIED_FORWARD, r3: D.NOT_ACCEPTED, r4: D.REJECTION_REPORTED}


def test_an_item_not_accepted_comes_back_with_the_decision_and_the_panels_comment(panel):
    r1, r2, r3, r4 = panel["r"]
    november, later = panel["meetings"][DAY(2021, 11, 4)], panel["meetings"][DAY(2021, 11, 25)]
    decisions_record(
        meeting=november,
        by=None,
        decisions={f"r{r2.pk}": (D.CARRIED_FORWARD, ""), f"r{r3.pk}": (D.NOT_ACCEPTED, "The data was incomplete.")},
    )
    items = {item.recommendation: item for item in monitoring_list(later).items}
    assert items[r3].state == ItemState.COMPLETE  # still reported complete; the panel's decision goes with it
    assert items[r3].previous_note == "Not accepted as complete on 4 November 2021: The data was incomplete."
    assert items[r2].previous_note == "Noted and kept on the list on 4 November 2021."
    assert items[r1].previous_note == "" and items[r1].previous_decision is None  # never decided
    # The meeting that decided shows its own decision, not as a previous one.
    assert all(item.previous_decision is None for item in monitoring_list(november).items)
    # A later decision is the one shown after it.
    decisions_record(meeting=later, by=None, decisions={f"r{r3.pk}": (D.NOT_ACCEPTED, "Still not all schools.")})
    january = MeetingFactory(body=panel["body"], date=DAY(2022, 1, 13))
    items = {item.recommendation: item for item in monitoring_list(january).items}
    assert items[r3].previous_note == "Not accepted as complete on 25 November 2021: Still not all schools."
    assert items[r2].previous_note == "Noted and kept on the list on 4 November 2021."


def test_a_rejected_recommendation_stays_until_reported_and_its_row_says_when(panel):
    r4 = panel["r"][3]
    november, later = panel["meetings"][DAY(2021, 11, 4)], panel["meetings"][DAY(2021, 11, 25)]
    decisions_record(meeting=november, by=None, decisions={f"r{r4.pk}": (D.CARRIED_FORWARD, "")})
    item = monitoring_list(later).item(f"r{r4.pk}")
    assert item.state == ItemState.REJECTED and item.reported_note == ""
    decisions_record(meeting=later, by=None, decisions={f"r{r4.pk}": (D.REJECTION_REPORTED, "")})
    item = monitoring_list(later).item(f"r{r4.pk}")
    assert item.reported_note == (
        "Rejected recommendation reported to the panel on 25 November 2021; it leaves the list."
    )
    january = MeetingFactory(body=panel["body"], date=DAY(2022, 1, 13))
    assert monitoring_list(january).item(f"r{r4.pk}") is None


def test_the_list_as_at_a_past_meeting_stays_the_same_after_later_changes(panel):
    r1, r2, r3, r4 = panel["r"]
    november = panel["meetings"][DAY(2021, 11, 4)]
    before = snapshot(november)
    # Later: an update, a decision at the next meeting, a new recommendation, a new action.
    report(panel["a"][1], DAY(2021, 11, 10), ActionStatus.COMPLETE, Rag.BLUE, "Done after the meeting.")
    decisions_record(
        meeting=panel["meetings"][DAY(2021, 11, 25)], by=None, decisions={f"r{r1.pk}": (D.ACCEPTED_COMPLETE, "")}
    )
    new_source = SourceFactory(
        made_by=panel["body"], meeting=panel["meetings"][DAY(2021, 11, 25)], date=DAY(2021, 11, 25)
    )
    RecommendationFactory(source=new_source)
    ActionFactory(plan=panel["plan"], recommendation=r2, created_at=noon(DAY(2021, 11, 20)))
    assert snapshot(november) == before


class TestRecordingRules:
    def test_a_decision_the_rules_refuse_saves_nothing(self, panel):
        r1, r2, r3, r4 = panel["r"]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        with pytest.raises(DecisionsInvalid) as invalid:
            decisions_record(
                meeting=meeting,
                by=None,
                decisions={
                    f"r{r1.pk}": (D.ACCEPTED_COMPLETE, ""),
                    f"r{r2.pk}": (D.ACCEPTED_COMPLETE, ""),  # outstanding: cannot be accepted
                },
            )
        assert invalid.value.errors == {
            f"r{r2.pk}": "Only an item reported complete can be accepted or not accepted as complete"
        }
        assert not MonitoringDecision.objects.exists()

    def test_an_item_not_on_the_list_is_refused(self, panel):
        other = RecommendationFactory()
        with pytest.raises(DecisionsInvalid):
            decisions_record(
                meeting=panel["meetings"][DAY(2021, 11, 4)],
                by=None,
                decisions={f"r{other.pk}": (D.CARRIED_FORWARD, "")},
            )

    def test_changing_and_clearing_a_decision(self, panel):
        r1 = panel["r"][0]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        decisions_record(meeting=meeting, by=None, decisions={f"r{r1.pk}": (D.CARRIED_FORWARD, "")})
        decisions_record(meeting=meeting, by=None, decisions={f"r{r1.pk}": (D.ACCEPTED_COMPLETE, "")})
        assert MonitoringDecision.objects.get().decision == D.ACCEPTED_COMPLETE
        decisions_record(meeting=meeting, by=None, decisions={f"r{r1.pk}": ("", "")})
        assert not MonitoringDecision.objects.exists()


def url(meeting):
    return reverse("meeting_monitoring", args=[meeting.pk])


class TestPage:
    def test_democratic_support_records_the_decisions(self, panel, support_client):
        r1, r2, r3, r4 = panel["r"]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        response = support_client.post(
            url(meeting),
            {
                f"decision_r{r1.pk}": D.ACCEPTED_COMPLETE,
                f"decision_r{r3.pk}": D.NOT_ACCEPTED,
                f"comment_r{r3.pk}": "Send the full data.",
                f"decision_r{r4.pk}": D.REJECTION_REPORTED,
            },
        )
        assert response.status_code == 302
        decision = MonitoringDecision.objects.get(recommendation=r3)
        assert decision.comment == "Send the full data." and decision.recorded_by.name == "Emily Goodwin"
        page = support_client.get(url(panel["meetings"][DAY(2021, 11, 25)])).content.decode()
        assert "Engage with Oasis Community Learning." in page and "Circulate attendance data." in page
        assert "Lobby the Government" not in page and "Fund a new team." not in page
        # The item the panel did not accept comes back with the decision and the panel's reason.
        assert "Not accepted as complete on 4 November 2021: Send the full data." in page

    def test_form_offers_only_the_decisions_the_rules_allow(self, panel, support_client):
        r2 = panel["r"][1]
        form = support_client.get(url(panel["meetings"][DAY(2021, 11, 4)])).context["form"]
        assert [value for value, _ in form.fields[f"decision_r{r2.pk}"].choices] == ["", D.CARRIED_FORWARD]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"decision": D.NOT_ACCEPTED}, "Say why the panel does not accept the item as complete"),
            ({"decision": "approved"}, "Choose one of the decisions offered"),
            ({"decision": D.NOT_ACCEPTED, "comment": "x" * 4001}, "4,000 characters or fewer"),
        ],
    )
    def test_bad_input_gets_a_message_and_changes_nothing(self, panel, support_client, fields, message):
        r3 = panel["r"][2]
        data = {f"{name}_r{r3.pk}": value for name, value in fields.items()}
        response = support_client.post(url(panel["meetings"][DAY(2021, 11, 4)]), data)
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not MonitoringDecision.objects.exists()

    def test_panel_member_reads_the_list_but_cannot_record(self, panel, client):
        member = PersonFactory(user=UserFactory())
        Membership.objects.create(body=panel["body"], person=member, role="member")
        client.force_login(member.user)
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        response = client.get(url(meeting))
        assert response.status_code == 200 and response.context["form"] is None
        r1 = panel["r"][0]
        assert client.post(url(meeting), {f"decision_r{r1.pk}": D.ACCEPTED_COMPLETE}).status_code == 403
        assert not MonitoringDecision.objects.exists()

    def test_csrf_token_is_required(self, panel):
        user = UserFactory(is_superuser=True)
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        r1 = panel["r"][0]
        response = client.post(url(panel["meetings"][DAY(2021, 11, 4)]), {f"decision_r{r1.pk}": D.ACCEPTED_COMPLETE})
        assert response.status_code == 403
        assert not MonitoringDecision.objects.exists()

    def test_an_item_not_sent_keeps_its_decision(self, panel, support_client):
        r1, r2, r3, r4 = panel["r"]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        decisions_record(meeting=meeting, by=None, decisions={f"r{r3.pk}": (D.NOT_ACCEPTED, "Send the data.")})
        response = support_client.post(url(meeting), {f"decision_r{r1.pk}": D.ACCEPTED_COMPLETE})
        assert response.status_code == 302
        decided = {d.recommendation: (d.decision, d.comment) for d in MonitoringDecision.objects.all()}
        assert decided == {r1: (D.ACCEPTED_COMPLETE, ""), r3: (D.NOT_ACCEPTED, "Send the data.")}

    def test_each_field_is_labelled_with_its_item(self, panel, support_client):
        page = support_client.get(url(panel["meetings"][DAY(2021, 11, 4)])).content.decode()
        for number in range(1, 5):
            assert f'Decision<span class="govuk-visually-hidden"> for item {number}</span></label>' in page
            assert f'comment<span class="govuk-visually-hidden"> for item {number}</span></label>' in page
            assert f'<span class="govuk-!-display-block app-secondary-text">Item {number}</span>' in page
        assert 'Decision<span class="govuk-visually-hidden"> for item 5</span>' not in page

    def test_each_error_names_its_item_and_links_to_its_field(self, panel, support_client):
        r1, r2, r3, r4 = panel["r"]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        number = {item.key: item.number for item in monitoring_list(meeting).items}[f"r{r3.pk}"]
        response = support_client.post(url(meeting), {f"decision_r{r3.pk}": D.NOT_ACCEPTED})
        page = response.content.decode()
        assert response.status_code == 400 and "<title>Error: " in page
        message = "Say why the panel does not accept the item as complete"
        assert f'<a href="#id_decision_r{r3.pk}">Item {number}: {message}</a>' in page
        assert f'id="id_decision_r{r3.pk}-error"' in page and f'aria-describedby="id_decision_r{r3.pk}-error"' in page
        assert not MonitoringDecision.objects.exists()

    def test_the_list_comes_a_page_at_a_time_and_the_papers_hold_every_item(self, panel, support_client, settings):
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        add_items(panel, 60)  # 64 on the list: two pages
        first = support_client.get(url(meeting))
        assert first.context["page"].count == 64
        assert [item.number for item in first.context["listing"].items] == list(range(1, 51))
        assert "Items 1 to 50 of 64 on the list." in first.content.decode()
        second = support_client.get(url(meeting) + "?page=2")
        page = second.content.decode()
        assert [item.number for item in second.context["listing"].items] == list(range(51, 65))
        assert "Educational Attainment (continued)" in page  # its first items are on page 1
        assert 'href="?page=1" aria-label="Page 1"' in page
        assert len(second.context["form"].fields) == 2 * 14  # the page's items only
        assert len(monitoring_list(meeting).items) == 64  # what the papers and extracts print
        # Saving a page records its items and comes back to it.
        item = second.context["listing"].items[0]
        response = support_client.post(url(meeting) + "?page=2", {f"decision_{item.key}": D.CARRIED_FORWARD})
        assert response.status_code == 302 and response["Location"] == url(meeting) + "?page=2"
        assert MonitoringDecision.objects.get().recommendation == item.recommendation

    def test_sending_items_the_page_no_longer_holds_saves_nothing(self, panel, support_client):
        r1, r2, r3, r4 = panel["r"]
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        add_items(panel, 60)
        # The form of page 1 as it was; meanwhile items moved to page 2 (here: the page asked for).
        response = support_client.post(
            url(meeting) + "?page=2",
            {f"decision_r{r1.pk}": D.ACCEPTED_COMPLETE, f"comment_r{r1.pk}": "Well done."},
        )
        assert response.status_code == 409
        assert "The list has changed since you opened this page, so nothing was saved." in response.content.decode()
        assert not MonitoringDecision.objects.exists()

    @pytest.mark.parametrize("role", ["support", "member"])
    def test_query_count_does_not_grow_with_items(self, panel, client, support_user, role):
        """Pinned: 2 session and user, 1 the meeting with its body (and, for a member, that
        they sit on it), 1 may the viewer manage (democratic support); the whole list placed:
        1 the previous meeting, 1 earlier removing decisions, 1 actions with their status then,
        1 recommendations; the page's items: 1 recommendations, 1 actions with what their
        newest update said, 1 this meeting's decisions with the earlier ones that kept items on
        the list (each row shows its latest: the same query as before they were shown, now
        joined to their meetings), 1 parents of sub-items (when the page has any); 1 the update
        round; 1 the viewer's person for the page header."""
        meeting = panel["meetings"][DAY(2021, 11, 4)]
        if role == "support":
            client.force_login(support_user)
        else:
            member = PersonFactory(user=UserFactory())
            Membership.objects.create(body=panel["body"], person=member, role="member")
            client.force_login(member.user)
        parent = RecommendationFactory(source=panel["r"][1].source, label="4)")
        RecommendationFactory(source=parent.source, parent=parent, label="a)", text="A sub-item.")
        ActionFactory(plan=panel["plan"], recommendation=None, created_at=noon(DAY(2021, 10, 1)))
        expected = 14

        def count(address):
            with CaptureQueriesContext(connection) as context:
                assert client.get(address).status_code == 200
            return len(context.captured_queries)

        def decided_earlier():  # every item, as if on the list of 30 September: each row shows it
            earlier = panel["meetings"][DAY(2021, 9, 30)]
            for recommendation in Recommendation.objects.filter(source__made_by=panel["body"], decisions=None):
                MonitoringDecision.objects.create(
                    meeting=earlier, recommendation=recommendation, decision=D.NOT_ACCEPTED, comment="More, please."
                )

        add_items(panel, 5)
        decided_earlier()
        assert count(url(meeting)) == expected
        add_items(panel, 50)
        decided_earlier()
        assert count(url(meeting)) == expected
        assert (
            "Not accepted as complete on 30 September 2021: More, please." in client.get(url(meeting)).content.decode()
        )
        assert count(url(meeting) + "?page=2") == expected - 1  # no sub-items on page 2


def add_items(panel, n):
    """n more recommendations of the panel's September paper, each with an action reported on."""
    source = panel["r"][1].source
    for _ in range(n):
        recommendation = RecommendationFactory(source=source)
        action = ActionFactory(plan=panel["plan"], recommendation=recommendation, created_at=noon(DAY(2021, 10, 1)))
        report(action, DAY(2021, 10, 5), ActionStatus.IN_PROGRESS, Rag.AMBER)
