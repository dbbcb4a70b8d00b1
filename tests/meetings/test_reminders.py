"""The daily reminders (manage.py send_reminders): each trigger fires on the right day, once,
batched into one e-mail per person per run, and a failed send is retried by the next run."""

import datetime
from io import StringIO
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django.utils.formats import date_format

from actionplans.meetings.models import ReminderKind, SentReminder
from actionplans.meetings.reminders import reminders_due, reminders_send
from actionplans.plans.models import PlanStatus
from actionplans.plans.rag import ActionStatus, Rag
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
)

pytestmark = pytest.mark.django_db
ON = datetime.date(2022, 6, 1)
BASE_URL = "https://tracker.example.org"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend.send_messages"
K = ReminderKind


@pytest.fixture(autouse=True)
def reminder_settings(settings):
    settings.TRACKER_BASE_URL = BASE_URL
    settings.TRACKER_AS_AT = None
    settings.TRACKER_REPORTING_CYCLE_DAYS = 90
    settings.TRACKER_REMINDER_DUE_SOON_DAYS = 14
    settings.TRACKER_ROUND_DEADLINE_REMINDER_DAYS = 3
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def days(n):
    return datetime.timedelta(days=n)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def run(*args, on=ON):
    out = StringIO()
    call_command("send_reminders", f"--date={on.isoformat()}", *args, stdout=out)
    return out.getvalue()


def report(action, day, status=ActionStatus.IN_PROGRESS, rag=Rag.GREEN):
    return ProgressUpdateFactory(action=action, reported_at=noon(day), status=status, rag=rag)


@pytest.fixture
def alice():
    return PersonFactory(name="Alice Archer", email="alice@example.org")


@pytest.fixture
def bob():
    return PersonFactory(name="Bob Brown", email="bob@example.org")


@pytest.fixture
def plan():
    return PlanFactory(title="Attainment action plan")


def action_for(plan, lead, *, target, updated=1, description="Circulate attendance data"):
    """An open action with its target `target` days from ON and its newest update `updated`
    days before ON (None: never reported)."""
    action = ActionFactory(
        plan=plan,
        lead=lead,
        description=description,
        target_date=None if target is None else ON + days(target),
        target_date_text="" if target is None else "printed",
    )
    if updated is not None:
        report(action, ON - days(updated))
    return action


def sent():
    return set(SentReminder.objects.values_list("kind", "key"))


# --- Each trigger on its boundary days -----------------------------------------------


@pytest.mark.parametrize(
    ("target", "updated", "kinds"),
    [
        (14, 1, {K.DUE_SOON}),  # due in exactly N days
        (15, 1, set()),  # N + 1 days: not yet
        (0, 1, {K.DUE_SOON}),  # due today: not overdue yet
        (-1, 1, {K.OVERDUE}),  # the day after the target
        (-400, 1, {K.OVERDUE}),
        (100, 91, {K.UPDATE_DUE}),  # newest update cycle + 1 days old
        (100, 90, set()),  # exactly the cycle: not yet
        (-1, 91, {K.OVERDUE, K.UPDATE_DUE}),
        (100, None, set()),  # never reported: no update-due reminder
        (None, 1, set()),  # no target date
    ],
)
def test_each_trigger_fires_on_its_boundary_day(plan, alice, target, updated, kinds):
    action_for(plan, alice, target=target, updated=updated)
    run()
    assert {kind for kind, _key in sent()} == kinds
    assert len(mail.outbox) == (1 if kinds else 0)


def test_keys_name_the_action_the_date_that_fired_and_the_person(plan, alice, bob):
    overdue = action_for(plan, alice, target=-1, updated=91)
    overdue.supporting_officers.add(bob)
    soon = action_for(plan, alice, target=3)
    run()
    target, last = ON - days(1), ON - days(91)
    assert sent() == {
        (K.OVERDUE, f"overdue:{overdue.pk}:{target}:person:{alice.pk}"),
        (K.OVERDUE, f"overdue:{overdue.pk}:{target}:person:{bob.pk}"),
        (K.UPDATE_DUE, f"update_due:{overdue.pk}:{last}:person:{alice.pk}"),
        (K.UPDATE_DUE, f"update_due:{overdue.pk}:{last}:person:{bob.pk}"),
        (K.DUE_SOON, f"due_soon:{soon.pk}:{ON + days(3)}:person:{alice.pk}"),
    }


def test_complete_actions_get_nothing(plan, alice):
    late = action_for(plan, alice, target=-30, updated=None)
    report(late, ON - days(200), ActionStatus.COMPLETE, Rag.BLUE)
    soon = action_for(plan, alice, target=5, updated=None)
    report(soon, ON - days(1), ActionStatus.COMPLETE, Rag.BLUE)
    assert "sent 0 e-mails" in run()
    assert not mail.outbox and not sent()


def test_actions_of_closed_and_draft_plans_get_nothing(alice):
    for status in (PlanStatus.CLOSED, PlanStatus.DRAFT):
        action_for(PlanFactory(status=status), alice, target=-1)
    run()
    assert not mail.outbox and not sent()


# --- Once only, batched ------------------------------------------------------------------


def test_running_twice_sends_each_email_once(plan, alice, bob):
    action_for(plan, alice, target=-1)
    action_for(plan, bob, target=0)
    run()
    assert len(mail.outbox) == 2
    rows = sent()
    assert "sent 0 e-mails" in run()
    assert len(mail.outbox) == 2 and sent() == rows
    # The next day Bob's action is overdue: a new trigger, so one new e-mail.
    run(on=ON + days(1))
    assert len(mail.outbox) == 3
    assert mail.outbox[-1].to == ["bob@example.org"] and "OVERDUE" in mail.outbox[-1].body


def test_moving_the_target_date_makes_a_new_trigger(plan, alice):
    action = action_for(plan, alice, target=-1)
    run()
    action.target_date = ON + days(10)
    action.save()
    run()  # due soon on the new date
    run(on=ON + days(11))  # and overdue again the day after it
    assert [message.subject for message in mail.outbox] == [
        "Actions needing your attention: 1 overdue",
        "Actions needing your attention: 1 due soon",
        "Actions needing your attention: 1 overdue",
    ]


def test_one_email_per_person_listing_all_their_items_grouped_by_trigger(plan, alice, bob):
    overdue = action_for(plan, alice, target=-10, description="Brief head teachers")
    soon = action_for(plan, alice, target=7, description="Engage with Oasis Community Learning")
    stale = action_for(plan, alice, target=200, updated=120, description="Publish the attendance data")
    soon.supporting_officers.add(bob)
    run()
    assert sorted(message.to[0] for message in mail.outbox) == ["alice@example.org", "bob@example.org"]
    [to_alice] = [message for message in mail.outbox if message.to == ["alice@example.org"]]
    assert to_alice.subject == "Actions needing your attention: 1 overdue, 1 due soon, 1 needing an update"
    body = to_alice.body
    assert body.index("OVERDUE") < body.index("Brief head teachers") < body.index("DUE SOON")
    assert body.index("DUE SOON") < body.index("Engage with Oasis") < body.index("UPDATE DUE")
    assert body.index("UPDATE DUE") < body.index("Publish the attendance data")
    for action in (overdue, soon, stale):
        assert f"{BASE_URL}/actions/{action.pk}/#update" in body
    assert "Plan: Attainment action plan" in body and "RAG: Red: Off track" in body
    [(html, mimetype)] = to_alice.alternatives
    assert mimetype == "text/html" and f'href="{BASE_URL}/actions/{overdue.pk}/#update"' in html
    assert "<h2" in html and "Due soon" in html
    [to_bob] = [message for message in mail.outbox if message.to == ["bob@example.org"]]
    assert "Engage with Oasis" in to_bob.body and "Brief head teachers" not in to_bob.body


def test_people_with_no_email_address_are_skipped_and_named(plan, alice):
    nobody = PersonFactory(name="Carol Clark", email="")
    action = action_for(plan, alice, target=-1)
    action.supporting_officers.add(nobody)
    out = run()
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert "No e-mail address, chase by other means: Carol Clark" in out
    assert "sent 1 e-mail (1 item); 1 person with no e-mail address skipped" in out
    assert not SentReminder.objects.filter(person=nobody).exists()


# --- Dry run and failures -----------------------------------------------------------------


def test_dry_run_sends_and_records_nothing(plan, alice):
    action_for(plan, alice, target=-1, description="Brief head teachers")
    out = run("--dry-run")
    assert "Would e-mail Alice Archer <alice@example.org>: 1 overdue" in out
    assert "  Action overdue: " in out and "Brief head teachers" in out
    assert "would send 1 e-mail about 1 item" in out and "Nothing was sent or recorded" in out
    assert not mail.outbox and not sent()
    run()
    assert len(mail.outbox) == 1


def test_a_failed_send_records_nothing_so_the_next_run_retries(plan, alice, bob):
    action_for(plan, alice, target=-1)
    action_for(plan, bob, target=-1)

    def refuse_bob(self, messages):
        if messages[0].to == ["bob@example.org"]:
            raise SMTPException("mailbox unavailable")
        mail.outbox.extend(messages)
        return len(messages)

    with mock.patch(LOCMEM, autospec=True, side_effect=refuse_bob):
        with pytest.raises(CommandError, match="Could not send 1 e-mail \\(to Bob Brown\\)"):
            run()
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    assert {key.split(":person:")[1] for _kind, key in sent()} == {str(alice.pk)}
    run()
    assert [message.to for message in mail.outbox] == [["alice@example.org"], ["bob@example.org"]]


def test_a_mail_server_that_is_down_records_nothing(plan, alice):
    action_for(plan, alice, target=-1)
    with mock.patch(LOCMEM, side_effect=SMTPException("connection refused")):
        with pytest.raises(CommandError):
            run()
    assert not sent() and not mail.outbox
    run()
    assert len(mail.outbox) == 1


def test_a_date_that_is_not_real_is_refused():
    with pytest.raises(CommandError, match="real date"):
        call_command("send_reminders", "--date=2022-02-31", stdout=StringIO())


# --- Update rounds near their deadline ------------------------------------------------------


@pytest.fixture
def meeting_round(alice, bob):
    """A meeting ten days after ON whose round started five days before ON. Alice has updated
    since; Bob has not."""
    body = BodyFactory()
    meeting = MeetingFactory(body=body, date=ON + days(10))
    source = SourceFactory(made_by=body, date=ON - days(60))
    plan = PlanFactory(owning_body=body)
    plan.sources.add(source)
    actions = {}
    for person, description in ((alice, "Engage with Oasis"), (bob, "Circulate attendance data")):
        actions[person.pk] = ActionFactory(
            plan=plan,
            recommendation=RecommendationFactory(source=source),
            lead=person,
            description=description,
            target_date=ON + days(200),
        )
    report(actions[alice.pk], ON - days(1))
    report(actions[bob.pk], ON - days(30))
    return {"meeting": meeting, "actions": actions}


@pytest.mark.parametrize(("deadline", "fires"), [(3, True), (0, True), (4, False), (-1, False)])
def test_officers_who_have_not_updated_are_reminded_as_a_round_deadline_nears(
    meeting_round, alice, bob, deadline, fires
):
    update_round = UpdateRoundFactory(
        meeting=meeting_round["meeting"], deadline=ON + days(deadline), started_at=noon(ON - days(5))
    )
    run()
    if not fires:
        assert not mail.outbox and not sent()
        return
    assert sent() == {(K.ROUND_DEADLINE, f"round_deadline:{update_round.pk}:person:{bob.pk}")}
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert message.subject == f"Actions needing your attention: updates needed by {date_format(ON + days(deadline))}"
    assert "Circulate attendance data" in message.body and "Engage with Oasis" not in message.body
    assert SentReminder.objects.get().update_round == update_round
    run()
    assert len(mail.outbox) == 1


def test_a_round_reminder_comes_in_the_same_email_as_the_persons_other_items(meeting_round, bob):
    UpdateRoundFactory(meeting=meeting_round["meeting"], deadline=ON + days(2), started_at=noon(ON - days(5)))
    action_for(PlanFactory(), bob, target=-1, description="Brief head teachers")
    run()
    [message] = mail.outbox
    assert message.subject.startswith("Actions needing your attention: updates needed by")
    assert message.subject.endswith(", 1 overdue")
    assert "Circulate attendance data" in message.body and "Brief head teachers" in message.body
    assert SentReminder.objects.filter(person=bob).count() == 2


def test_a_trigger_another_run_claimed_meanwhile_is_left_to_that_run(plan, alice):
    overdue = action_for(plan, alice, target=-1, description="Brief head teachers")
    action_for(plan, alice, target=5, description="Engage with Oasis")
    due = reminders_due(on=ON)
    # A second run, started at the same moment, records the overdue trigger first.
    SentReminder.objects.create(
        kind=K.OVERDUE, key=f"overdue:{overdue.pk}:{ON - days(1)}:person:{alice.pk}", person=alice
    )
    emails = reminders_send(due)
    assert emails.sent == [alice]
    [message] = mail.outbox
    assert "Engage with Oasis" in message.body and "Brief head teachers" not in message.body
    assert message.subject == "Actions needing your attention: 1 due soon"
