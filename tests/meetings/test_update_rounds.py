"""Update rounds: starting one e-mails every officer with an item on the meeting's list once;
the round's page shows who has updated since it started; reminders go to the rest."""

import datetime
import re
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.kernel.jobs import runner
from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.meetings import rounds
from actionplans.meetings.jobs import ROUND_REMINDERS, round_requests_enqueue
from actionplans.meetings.models import ReminderKind, SentReminder, UpdateRound
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Membership
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UpdateRoundFactory,
    UserFactory,
)
from tests.jobs import job_from, run_pending_jobs

pytestmark = pytest.mark.django_db
BASE_URL = "https://tracker.example.org"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend.send_messages"


@pytest.fixture(autouse=True)
def tracker_settings(settings):
    settings.TRACKER_BASE_URL = BASE_URL
    settings.TRACKER_AS_AT = None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def days(n):
    return datetime.timedelta(days=n)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def world(world, db, today):
    """A panel meeting in three weeks. On its list: a1 (Alice leads), a2 (Bob leads, Carol,
    who has no e-mail address, is further responsible), a3 (Dan leads); a4 is complete, and
    Erin's action belongs to another body's list. The officers are this file's own (not the
    cast's), with the e-mail addresses the tests read."""
    body = world["families_panel"]
    meeting = MeetingFactory(body=body, date=today + days(21))
    source = SourceFactory(made_by=body, date=today - days(60), title="Educational Attainment")
    plan = PlanFactory(owning_body=body, title="Attainment action plan")
    plan.sources.add(source)
    people = {
        "alice": PersonFactory(name="Alice Archer", email="alice@example.org"),
        "bob": PersonFactory(name="Bob Brown", email="bob@example.org"),
        "carol": PersonFactory(name="Carol Clark", email=""),
        "dan": PersonFactory(name="Dan Dale", email="dan@example.org"),
        "frank": PersonFactory(name="Frank Ford", email="frank@example.org"),
        "erin": PersonFactory(name="Erin Evans", email="erin@example.org"),
    }
    recs = [RecommendationFactory(source=source, text=f"Recommendation {n}.") for n in range(4)]
    a1 = ActionFactory(
        plan=plan,
        recommendation=recs[0],
        reference="1.1",
        description="Engage with Oasis Community Learning",
        lead=people["alice"],
        target_date=today + days(40),
    )
    a2 = ActionFactory(
        plan=plan,
        recommendation=recs[1],
        reference="2.1",
        description="Circulate attendance data",
        lead=people["bob"],
        target_date=today + days(50),
    )
    a2.supporting_officers.add(people["carol"])
    a3 = ActionFactory(
        plan=plan, recommendation=recs[2], reference="3.1", description="Brief head teachers", lead=people["dan"]
    )
    a4 = ActionFactory(
        plan=plan, recommendation=recs[3], reference="4.1", description="Already done", lead=people["frank"]
    )
    ProgressUpdateFactory(
        action=a1, reported_at=timezone.now() - days(10), status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN
    )
    ProgressUpdateFactory(action=a4, reported_at=timezone.now() - days(10), status=ActionStatus.COMPLETE, rag=Rag.BLUE)
    other_body = BodyFactory(name="Trust Board")
    other_source = SourceFactory(made_by=other_body, date=today - days(60))
    ActionFactory(
        plan=PlanFactory(owning_body=other_body),
        recommendation=RecommendationFactory(source=other_source),
        lead=people["erin"],
    )
    world |= {"meeting": meeting, "plan": plan, "a": [a1, a2, a3, a4], **people}
    return world


@pytest.fixture
def member_client(world, panel_client):
    """Councillor Bell (tests/worlds.py), signed in, a member of this panel too."""
    Membership.objects.create(body=world["meeting"].body, person=world["bell"], role="member")
    return panel_client


def start_url(meeting):
    return reverse("update_round_start", args=[meeting.pk])


def detail_url(update_round):
    return reverse("update_round_detail", args=[update_round.pk])


def remind_url(update_round):
    return reverse("update_round_remind", args=[update_round.pk])


def remind(client, update_round, seen="0"):
    """Press "Send reminders" on the round's page as it showed `seen` reminders sent, then run
    the job it queued, as a worker would."""
    response = client.post(remind_url(update_round), {"reminders_sent": seen})
    run_pending_jobs()
    return response


def start(client, world, today, **data):
    data = {
        "deadline": (today + days(14)).strftime("%d/%m/%Y"),
        "message": "The panel will focus on attendance.",
    } | data
    response = client.post(start_url(world["meeting"]), data)
    run_pending_jobs()  # the e-mails are sent by a background job
    return response


def by_recipient():
    return {message.to[0]: message for message in mail.outbox}


def html_of(message):
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def officer_row(content, person):
    match = re.search(rf'<tr class="govuk-table__row" id="officer-{person.pk}">(.*?)</tr>', content, re.S)
    assert match, f"no row for {person}"
    return match.group(1)


def post_update(action, author, *, at=None, status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN):
    return ProgressUpdateFactory(action=action, author=author, reported_at=at or timezone.now(), status=status, rag=rag)


# --- Starting a round --------------------------------------------------------------


def test_starting_a_round_emails_each_officer_with_an_item_once_listing_all_their_items(support_client, world, today):
    a1, a2, a3, _a4 = world["a"]
    response = start(support_client, world, today)
    update_round = UpdateRound.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(update_round)
    assert update_round.deadline == today + days(14) and update_round.started_by.name == "Emily Goodwin"
    assert update_round.message == "The panel will focus on attendance."

    # Alice, Bob and Dan; not Carol (no address), Frank (complete) or Erin (another body's list).
    assert sorted(by_recipient()) == ["alice@example.org", "bob@example.org", "dan@example.org"]
    assert len(mail.outbox) == 3
    alice = by_recipient()["alice@example.org"]
    deadline, meeting_date = date_format(today + days(14)), date_format(world["meeting"].date)
    assert alice.subject == f"Update needed by {deadline} for the Children and Families Scrutiny Panel, {meeting_date}"
    for text in (
        "Dear Alice Archer",
        "1.1 Engage with Oasis Community Learning",
        "Plan: Attainment action plan",
        "RAG: Green: On track",
        f"Target date: {date_format(a1.target_date)}",
        f"{BASE_URL}/actions/{a1.pk}/#update",
        "The panel will focus on attendance.",
        deadline,
    ):
        assert text in alice.body and text in html_of(alice)
    assert f"Please post a progress update on each of your items below by {deadline}." in alice.body
    assert "Circulate attendance data" not in alice.body  # Bob's item
    assert f'href="{BASE_URL}/actions/{a1.pk}/#update"' in html_of(alice)
    dan = by_recipient()["dan@example.org"]
    assert (
        "RAG: Red: Off track" in dan.body
        and "Target date: 31 December 2021" in dan.body
        and f"{BASE_URL}/actions/{a3.pk}/#update" in dan.body
    )

    assert set(SentReminder.objects.values_list("kind", "key")) == {
        (ReminderKind.ROUND_REQUEST, f"round:{update_round.pk}:person:{world[name].pk}")
        for name in ("alice", "bob", "dan")
    }


def test_an_officer_with_several_items_gets_one_email_listing_them_all(support_client, world, today):
    a1, a2, a3, _a4 = world["a"]
    a2.supporting_officers.add(world["alice"])
    start(support_client, world, today)
    assert len(mail.outbox) == 3
    alice = by_recipient()["alice@example.org"]
    assert "Engage with Oasis Community Learning" in alice.body and "Circulate attendance data" in alice.body


def test_officers_with_no_email_address_are_listed_to_chase_by_other_means(support_client, world, today):
    form_page = support_client.get(start_url(world["meeting"])).content.decode()
    assert "No e-mail address: chase by other means" in form_page and "Carol Clark" in form_page
    assert "Start the round and e-mail 3 officers" in form_page
    start(support_client, world, today)
    page = support_client.get(detail_url(UpdateRound.objects.get())).content.decode()
    no_email = re.search(r'<ul class="govuk-list govuk-list--bullet" id="no-email">(.*?)</ul>', page, re.S).group(1)
    assert "Carol Clark" in no_email and "Bob Brown" not in no_email


def test_starting_a_second_time_sends_nothing_more_and_shows_the_round(support_client, world, today):
    start(support_client, world, today)
    first = UpdateRound.objects.get()
    assert len(mail.outbox) == 3
    response = start(support_client, world, today, deadline=(today + days(3)).strftime("%d/%m/%Y"))
    assert response.status_code == 302 and response["Location"] == detail_url(first)
    assert support_client.get(start_url(world["meeting"]))["Location"] == detail_url(first)
    again = rounds.round_start(meeting=world["meeting"], deadline=today + days(2), message="", by=None)
    assert again.created is False and again.update_round == first
    assert len(mail.outbox) == 3
    assert UpdateRound.objects.get().deadline == today + days(14)
    assert SentReminder.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"deadline": "31/02/2022"}, "The deadline must be a real date, like 27/10/2021"),
        ({"deadline": "next Friday"}, "The deadline must be a real date, like 27/10/2021"),
        ({"deadline": ""}, "Enter the deadline for updates"),
        ({"deadline": "AFTER"}, "The deadline must be on or before the day of the meeting"),
        ({"deadline": "YESTERDAY"}, "or later"),
        ({"message": "x" * 4001}, "The message must be 4,000 characters or fewer"),
    ],
)
def test_bad_input_gets_a_clear_message_and_changes_nothing(support_client, world, today, data, message):
    meeting_date = world["meeting"].date
    special = {
        "AFTER": (meeting_date + days(1)).strftime("%d/%m/%Y"),
        "YESTERDAY": (today - days(1)).strftime("%d/%m/%Y"),
    }
    data = {key: special.get(value, value) for key, value in data.items()}
    response = start(support_client, world, today, **data)
    assert response.status_code == 400
    content = response.content.decode()
    assert message in content and "There is a problem" in content
    assert not UpdateRound.objects.exists() and not SentReminder.objects.exists() and not mail.outbox


def test_the_deadline_may_be_today_or_the_day_of_the_meeting(support_client, world, today):
    form = rounds.deadline_errors
    assert form(meeting=world["meeting"], deadline=today, today=today) == []
    assert form(meeting=world["meeting"], deadline=world["meeting"].date, today=today) == []
    response = start(support_client, world, today, deadline=world["meeting"].date.strftime("%d/%m/%Y"))
    assert response.status_code == 302


def test_a_failed_send_records_nothing_so_the_reminder_button_reaches_them(support_client, world, today):
    with mock.patch(LOCMEM, side_effect=SMTPException("mail server down")):
        response = start(support_client, world, today)
    update_round = UpdateRound.objects.get()
    assert response.status_code == 302
    assert not mail.outbox and not SentReminder.objects.exists()
    page = support_client.get(detail_url(update_round)).content.decode()
    assert "Could not e-mail Alice Archer, Bob Brown, Dan Dale" in page
    assert "Send reminders to 3 officers" in page
    remind(support_client, update_round)
    assert sorted(by_recipient()) == ["alice@example.org", "bob@example.org", "dan@example.org"]


# --- The round's page ----------------------------------------------------------------


@pytest.fixture
def started(world, today):
    """A round started an hour ago, asking Alice, Bob and Dan."""
    update_round = UpdateRoundFactory(
        meeting=world["meeting"], deadline=today + days(14), started_at=timezone.now() - datetime.timedelta(hours=1)
    )
    for name in ("alice", "bob", "dan"):
        SentReminder.objects.create(
            kind=ReminderKind.ROUND_REQUEST,
            key=f"round:{update_round.pk}:person:{world[name].pk}",
            person=world[name],
            update_round=update_round,
            sent_at=update_round.started_at,
        )
    return update_round


def test_round_page_shows_who_has_updated_since_the_round_started(member_client, world, started):
    a1, a2, a3, _a4 = world["a"]
    post_update(a1, world["alice"])  # since the start
    post_update(a2, world["bob"], at=started.started_at - datetime.timedelta(minutes=5))  # before: does not count
    post_update(a3, world["dan"], status=ActionStatus.COMPLETE, rag=Rag.BLUE)  # completed during the round
    response = member_client.get(detail_url(started))
    assert response.status_code == 200
    content = response.content.decode()
    assert "2 of 4 officers have updated" in content
    assert "Updated" in officer_row(content, world["alice"]) and "Not yet" not in officer_row(content, world["alice"])
    assert "Not yet updated" in officer_row(content, world["bob"])
    assert "Not yet updated" in officer_row(content, world["carol"])
    assert "No e-mail address: chase by other means" in officer_row(content, world["carol"])
    assert "Not yet" not in officer_row(content, world["dan"])  # finishing the action during the round counts
    assert "Frank Ford" not in content and "Erin Evans" not in content
    assert date_format(started.deadline) in content and "Children and Families Scrutiny Panel" in content
    # A panel member reads the page but is offered no button.
    assert "Send reminders" not in content and response.context["access"].edit is False


def test_an_update_posted_by_another_officer_responsible_counts_for_both(world, started):
    a2 = world["a"][1]
    post_update(a2, world["carol"])
    status = rounds.round_status(started)
    assert {officer.person.name: officer.updated for officer in status.officers} == {
        "Alice Archer": False,
        "Bob Brown": True,
        "Carol Clark": True,
        "Dan Dale": False,
    }


def test_round_page_query_count_does_not_grow_with_officers(support_client, world, started, today):
    recommendation_source = world["a"][0].recommendation.source

    def add(n):
        for i in range(n):
            action = ActionFactory(
                plan=world["plan"],
                recommendation=RecommendationFactory(source=recommendation_source),
                lead=PersonFactory(email=f"extra{i}-{n}@example.org"),
            )
            action.supporting_officers.add(PersonFactory(email=""))
            post_update(action, action.lead)

    def count():
        with CaptureQueriesContext(connection) as context:
            assert support_client.get(detail_url(started)).status_code == 200
        return len(context.captured_queries)

    # 2 session and user, 1 the round with its meeting, body and starter, 7 the meeting's
    # monitoring list, 1 the round's actions with their leads, 1 further responsible people,
    # 1 e-mails sent in the round, 1 the newest job of each kind of the round's (its requests,
    # its reminders), 1 "is the viewer democratic support?", 1 the viewer's person for the page
    # header, with their jobs in progress for the menu.
    add(5)
    assert count() == 16
    add(45)
    assert count() == 16
    assert len(rounds.round_status(started).officers) == 4 + 100


def test_monitoring_list_links_to_start_or_view_the_round(support_client, member_client, world, today):
    url = reverse("meeting_monitoring", args=[world["meeting"].pk])
    assert "Start an update round" not in member_client.get(url).content.decode()
    assert "Start an update round" in support_client.get(url).content.decode()
    UpdateRoundFactory(meeting=world["meeting"])
    content = support_client.get(url).content.decode()
    assert "View the update round" in content and "Start an update round" not in content


def test_panel_member_sees_the_link_to_a_round(member_client, world):
    update_round = UpdateRoundFactory(meeting=world["meeting"])
    content = member_client.get(reverse("meeting_monitoring", args=[world["meeting"].pk])).content.decode()
    assert f'href="{detail_url(update_round)}"' in content and "View the update round" in content


# --- Reminders ---------------------------------------------------------------------


def test_reminders_go_only_to_officers_who_have_not_updated(support_client, world, started):
    a1, a2, a3, _a4 = world["a"]
    post_update(a1, world["alice"])
    page = support_client.get(detail_url(started)).content.decode()
    assert "Send reminders to 2 officers" in page  # Bob and Dan; Carol has no address
    response = remind(support_client, started)
    job = job_from(response)
    assert job.kind == ROUND_REMINDERS and job.status == JobStatus.SUCCEEDED, job.failure_reason
    assert sorted(by_recipient()) == ["bob@example.org", "dan@example.org"]
    bob = by_recipient()["bob@example.org"]
    assert bob.subject.startswith("Reminder: update needed by")
    assert "Circulate attendance data" in bob.body and f"{BASE_URL}/actions/{a2.pk}/#update" in bob.body
    assert SentReminder.objects.filter(
        kind=ReminderKind.ROUND_REMINDER, key=f"round:{started.pk}:person:{world['bob'].pk}:after:0"
    ).exists()
    # The job's page says how many went, to whom, and who must be chased by other means.
    assert job.summary == (
        "Reminders sent to 2 officers: Bob Brown, Dan Dale. No e-mail address, so chase by other means: Carol Clark."
    )
    job_page = support_client.get(response["Location"]).content.decode()
    assert job.summary in job_page and f'href="{detail_url(started)}">Back to the update round' in job_page
    page = support_client.get(detail_url(started)).content.decode()
    assert "Reminders sent to 2 officers" in page
    assert "Not reminded" in officer_row(page, world["alice"])
    assert "Not reminded" not in officer_row(page, world["bob"])


def test_the_button_queues_a_job_and_sends_no_email_in_the_request(support_client, world, started):
    response = support_client.post(remind_url(started), {"reminders_sent": "0"})
    job = job_from(response)
    assert not mail.outbox and not SentReminder.objects.filter(kind=ReminderKind.ROUND_REMINDER).exists()
    assert job.status == JobStatus.QUEUED and job.requested_by == world["emily"].user
    assert job.parameters == {"round": started.pk, "after": 0}
    assert '<meta http-equiv="refresh" content="3">' in support_client.get(response["Location"]).content.decode()
    # The round's page follows it too, and offers no second button while it goes.
    page = support_client.get(detail_url(started)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "Sending reminders" in page
    assert "Send reminders to" not in page
    assert run_pending_jobs() == 1
    assert len(mail.outbox) == 3
    job.refresh_from_db()
    assert job.progress_text == "3 of 3 officers"
    page = support_client.get(detail_url(started)).content.decode()
    assert 'http-equiv="refresh"' not in page and "Send reminders to 3 officers" in page


def test_pressing_twice_makes_one_job_and_sends_once(support_client, world, started):
    first = job_from(support_client.post(remind_url(started), {"reminders_sent": "0"}))
    second = job_from(support_client.post(remind_url(started), {"reminders_sent": "0"}))
    assert first == second and Job.objects.filter(kind=ROUND_REMINDERS).count() == 1
    assert run_pending_jobs() == 1
    assert len(mail.outbox) == 3


def test_reminders_list_only_the_items_still_waiting(support_client, world, started):
    a1, a2, a3, _a4 = world["a"]
    a3.supporting_officers.add(world["alice"])
    post_update(a1, world["alice"])
    remind(support_client, started)
    alice = by_recipient()["alice@example.org"]
    assert "Brief head teachers" in alice.body and "Engage with Oasis" not in alice.body


def test_a_deliberate_second_press_sends_again_but_a_resubmitted_page_does_not(support_client, world, started):
    remind(support_client, started)
    assert len(mail.outbox) == 3
    # The same page submitted again (a double click after the job ran): nothing more, no job.
    response = support_client.post(remind_url(started), {"reminders_sent": "0"}, follow=True)
    assert "Reminders were sent after you opened this page" in response.content.decode()
    assert Job.objects.filter(kind=ROUND_REMINDERS).count() == 1 and len(mail.outbox) == 3
    # A press from the page as it is now: a human decision to chase again.
    assert 'name="reminders_sent" value="3"' in support_client.get(detail_url(started)).content.decode()
    remind(support_client, started, seen="3")
    assert len(mail.outbox) == 6
    keys = SentReminder.objects.filter(kind=ReminderKind.ROUND_REMINDER, person=world["bob"]).values_list(
        "key", flat=True
    )
    assert sorted(keys) == [f"round:{started.pk}:person:{world['bob'].pk}:after:{n}" for n in (0, 3)]


def test_a_press_that_races_a_finished_one_reminds_nobody_twice(world, started):
    """Two presses of the same page can both pass the request's check if the first job finishes
    in between: the second, claiming the same keys, sends nothing."""
    first = rounds.round_remind(update_round=started, by=None, after=0)
    assert len(first.sent) == 3
    second = rounds.round_remind(update_round=started, by=None, after=0)
    assert second.sent == [] and sorted(person.name for person in second.already) == [
        "Alice Archer",
        "Bob Brown",
        "Dan Dale",
    ]
    assert len(mail.outbox) == 3


def test_a_failed_reminder_says_why_and_trying_again_reaches_only_those_it_missed(support_client, world, started):
    send = locmem.EmailBackend.send_messages

    def bob_unreachable(backend, messages):
        if messages[0].to == ["bob@example.org"]:
            raise SMTPException("mailbox full")
        return send(backend, messages)

    with mock.patch(LOCMEM, autospec=True, side_effect=bob_unreachable):
        failed = job_from(remind(support_client, started))
    failed.refresh_from_db()
    assert failed.status == JobStatus.FAILED
    assert failed.failure_reason.startswith("Could not e-mail Bob Brown. Nothing was recorded for them: try again")
    assert "Reminders sent to 2 officers: Alice Archer, Dan Dale." in failed.failure_reason
    assert sorted(by_recipient()) == ["alice@example.org", "dan@example.org"]
    page = support_client.get(detail_url(started)).content.decode()
    assert "Not every reminder could be sent: Could not e-mail Bob Brown" in page
    assert f'href="{failed.get_absolute_url()}">See the job and try again' in page

    again = job_from(support_client.post(reverse("job_try_again", args=[failed.pk])))
    assert again.retry_of == failed and again.parameters == failed.parameters
    run_pending_jobs()
    again.refresh_from_db()
    assert again.status == JobStatus.SUCCEEDED, again.failure_reason
    assert [message.to for message in mail.outbox[2:]] == [["bob@example.org"]]  # Alice and Dan not twice
    assert again.summary.startswith(
        "Reminders sent to 1 officer: Bob Brown. Already reminded by this press of the button, so not again: "
        "Alice Archer, Dan Dale."
    )


def test_nobody_to_remind_sends_nothing(support_client, world, started):
    for action, name in zip(world["a"][:3], ("alice", "bob", "dan"), strict=True):
        post_update(action, world[name])
    page = support_client.get(detail_url(started)).content.decode()
    assert "4 of 4 officers have updated" in page and "Send reminders" not in page
    job = job_from(remind(support_client, started))
    job.refresh_from_db()
    assert job.summary == "Nobody with an e-mail address was waiting to update, so no reminders were sent."
    assert not mail.outbox


def test_reminders_wait_while_the_round_is_still_asking_the_officers(support_client, world, started):
    round_requests_enqueue(update_round=started, user=world["emily"].user)
    page = support_client.get(detail_url(started)).content.decode()
    assert "E-mailing the officers" in page and "Send reminders to" not in page
    response = support_client.post(remind_url(started), {"reminders_sent": "0"}, follow=True)
    assert "The officers are still being e-mailed as the round starts" in response.content.decode()
    assert not Job.objects.filter(kind=ROUND_REMINDERS).exists()


# --- Who may do what -----------------------------------------------------------------


def test_panel_member_may_not_start_a_round_or_send_reminders(member_client, world, started, today):
    assert member_client.get(start_url(world["meeting"])).status_code == 403
    assert start(member_client, world, today).status_code == 403
    assert member_client.post(remind_url(started), {"reminders_sent": "0"}).status_code == 403
    assert not Job.objects.exists() and run_pending_jobs() == 0
    assert not mail.outbox and SentReminder.objects.filter(kind=ReminderKind.ROUND_REMINDER).count() == 0


def test_an_officer_reads_the_round_but_may_not_remind(officer_client, world, started):
    assert officer_client.get(detail_url(started)).status_code == 200
    assert officer_client.post(remind_url(started), {"reminders_sent": "0"}).status_code == 403
    assert not Job.objects.exists() and not mail.outbox


def test_an_administrator_may_send_reminders(admin_client, world, started):
    job = job_from(remind(admin_client, started))
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and len(mail.outbox) == 3


def test_reminders_asked_for_by_someone_no_longer_in_democratic_support_are_not_sent(
    support_client, support_user, world, started
):
    job = job_from(support_client.post(remind_url(started), {"reminders_sent": "0"}))
    support_user.groups.clear()  # moved to another team before the worker got to it
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.failure_reason == runner.ACCESS_GONE
    assert not mail.outbox


def test_anonymous_visitors_are_sent_to_sign_in(client, world, started):
    for url, method in (
        (start_url(world["meeting"]), client.get),
        (start_url(world["meeting"]), client.post),
        (detail_url(started), client.get),
        (remind_url(started), client.post),
    ):
        response = method(url)
        assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"
    assert not mail.outbox


def test_missing_meetings_and_rounds_are_not_found(support_client, world, started):
    assert support_client.get(reverse("update_round_start", args=[999999])).status_code == 404
    assert support_client.get(reverse("update_round_detail", args=[999999])).status_code == 404
    assert support_client.post(reverse("update_round_remind", args=[999999])).status_code == 404


def test_reminding_needs_a_post(support_client, started):
    assert support_client.get(remind_url(started)).status_code == 405
    assert not mail.outbox


def test_csrf_token_is_required(world, started, today):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(is_superuser=True))
    assert client.post(remind_url(started), {"reminders_sent": "0"}).status_code == 403
    other = MeetingFactory(body=world["meeting"].body, date=today + days(30))
    response = client.post(start_url(other), {"deadline": (today + days(7)).strftime("%d/%m/%Y")})
    assert response.status_code == 403
    assert UpdateRound.objects.count() == 1 and not mail.outbox


def test_the_round_is_started_in_the_request_and_its_emails_are_sent_by_a_job_the_page_follows(
    support_client, world, today
):
    data = {"deadline": (today + days(14)).strftime("%d/%m/%Y"), "message": ""}
    response = support_client.post(start_url(world["meeting"]), data)
    update_round = UpdateRound.objects.get()
    assert response["Location"] == detail_url(update_round) and not mail.outbox  # nothing sent in the request
    page = support_client.get(detail_url(update_round)).content.decode()
    assert '<meta http-equiv="refresh" content="3">' in page and "E-mailing the officers" in page
    # Starting again while the e-mails go neither starts another round nor sends twice.
    support_client.post(start_url(world["meeting"]), data)
    assert run_pending_jobs() == 1
    assert len(mail.outbox) == 3
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.progress_text == "3 of 3 officers"
    assert job.summary == "Update round started: 3 officers e-mailed."
    page = support_client.get(detail_url(update_round)).content.decode()
    assert 'http-equiv="refresh"' not in page and "E-mailing the officers" not in page


# --- Items with nobody to ask -------------------------------------------------------------


def owners_url(meeting):
    return reverse("update_round_owners", args=[meeting.pk])


@pytest.fixture
def unowned(world):
    """Two open items on the list that nobody is responsible for (as the demo's 002 rows were)."""
    source = world["a"][0].recommendation.source
    return [
        ActionFactory(
            plan=world["plan"],
            recommendation=RecommendationFactory(source=source),
            reference=f"9.{n}",
            description=f"Unowned item {n}",
            lead=None,
        )
        for n in (1, 2)
    ]


def test_the_start_page_lists_the_items_with_nobody_to_ask_and_offers_an_owner_for_each(support_client, world, unowned):
    response = support_client.get(start_url(world["meeting"]))
    content = response.content.decode()
    assert response.status_code == 200
    assert "2 open items with nobody to ask" in content
    for action in unowned:
        assert f'name="owner_{action.pk}"' in content
        assert f"Owner of {action.reference} {action.description}" in content
    assert f'action="{owners_url(world["meeting"])}"' in content
    assert f'name="owner_{world["a"][0].pk}"' not in content  # Alice leads it already
    assert "Start the round and e-mail 3 officers" in content  # the owned items can still start it


def test_the_start_page_query_count_does_not_grow_with_items_with_nobody_to_ask(support_client, world, unowned):
    def count():
        with CaptureQueriesContext(connection) as context:
            assert support_client.get(start_url(world["meeting"])).status_code == 200
        return len(context.captured_queries)

    first = count()
    source = world["a"][0].recommendation.source
    for n in range(10):
        ActionFactory(plan=world["plan"], recommendation=RecommendationFactory(source=source), lead=None)
        PersonFactory(name=f"Extra person {n}")
    assert count() == first


def test_an_owner_given_on_the_start_page_becomes_the_lead_and_is_asked_in_the_round(
    support_client, world, unowned, today
):
    first, second = unowned
    response = support_client.post(owners_url(world["meeting"]), {f"owner_{first.pk}": world["frank"].pk})
    assert response.status_code == 302 and response["Location"] == start_url(world["meeting"])
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.lead == world["frank"] and second.lead is None  # "Nobody yet" leaves it as it is
    assert first.history.count() == 2  # the change is in the action's history
    page = support_client.get(start_url(world["meeting"])).content.decode()
    assert "1 open item with nobody to ask" in page and f'name="owner_{first.pk}"' not in page
    start(support_client, world, today)
    assert "Unowned item 1" in by_recipient()["frank@example.org"].body


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose an owner for at least one item"),
        ({"owner_FIRST": "999999"}, "Choose a person from the list"),
        ({"owner_FIRST": "someone"}, "Choose a person from the list"),
    ],
)
def test_bad_owner_input_gets_a_clear_message_and_changes_nothing(support_client, world, unowned, data, message):
    first = unowned[0]
    data = {key.replace("FIRST", str(first.pk)): value for key, value in data.items()}
    response = support_client.post(owners_url(world["meeting"]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    first.refresh_from_db()
    assert first.lead is None


def test_an_item_given_an_owner_meanwhile_is_not_overwritten(world, unowned):
    first = unowned[0]
    first.supporting_officers.add(world["dan"])
    with pytest.raises(rounds.ValidationError) as refused:
        rounds.round_owners_assign(meeting=world["meeting"], owners={first.pk: world["frank"]})
    assert refused.value.message_dict == {
        str(first.pk): ["Item 9.1 has somebody responsible for it now: the page shows who"]
    }
    first.refresh_from_db()
    assert first.lead is None


def test_an_action_not_on_the_list_cannot_be_given_an_owner_here(world):
    elsewhere = ActionFactory(lead=None)
    with pytest.raises(rounds.ValidationError):
        rounds.round_owners_assign(meeting=world["meeting"], owners={elsewhere.pk: world["frank"]})
    elsewhere.refresh_from_db()
    assert elsewhere.lead is None


def test_a_round_with_nobody_to_ask_is_not_offered_and_is_refused(support_client, world, unowned, today):
    for action in world["a"][:3]:
        action.lead = None
        action.save()
        action.supporting_officers.clear()
    page = support_client.get(start_url(world["meeting"])).content.decode()
    assert "Start the round" not in page.replace('<h1 class="govuk-heading-l">Start an update round</h1>', "")
    assert "so the round cannot start: give the items an owner first" in page
    response = start(support_client, world, today)
    assert response.status_code == 400
    assert "so the round would ask nobody" in response.content.decode()
    assert not UpdateRound.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("client_name", ["panel_client", "officer_client"])
def test_only_democratic_support_and_admins_give_owners(request, world, unowned, client_name):
    client = request.getfixturevalue(client_name)
    response = client.post(owners_url(world["meeting"]), {f"owner_{unowned[0].pk}": world["frank"].pk})
    assert response.status_code == 403
    unowned[0].refresh_from_db()
    assert unowned[0].lead is None
    assert client.get(owners_url(world["meeting"])).status_code == 405


def test_an_administrator_may_give_owners(admin_client, world, unowned):
    response = admin_client.post(owners_url(world["meeting"]), {f"owner_{unowned[0].pk}": world["frank"].pk})
    assert response.status_code == 302
    unowned[0].refresh_from_db()
    assert unowned[0].lead == world["frank"]


def test_the_round_page_lists_the_items_still_with_nobody_to_ask(
    support_client, officer_client, world, started, unowned
):
    content = support_client.get(detail_url(started)).content.decode()
    assert "2 open items on the list have nobody responsible" in content
    for action in unowned:
        assert reverse("action_people", args=[action.pk]) in content  # where to give it an owner
    assert (
        reverse("action_people", args=[unowned[0].pk]) not in officer_client.get(detail_url(started)).content.decode()
    )
    unowned[0].lead = world["frank"]
    unowned[0].save()
    assert len(rounds.round_status(started).unowned) == 1
