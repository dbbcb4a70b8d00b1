"""Officers post progress updates and comments; "My actions" lists their open actions by urgency."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplans.plans import selectors
from actionplans.plans.models import ActionComment, TargetDateRevision
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import Membership
from tests.factories import (
    ActionFactory,
    OrganisationFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.worlds import AS_AT

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("as_at")]


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def council(world):
    return world["council"]


@pytest.fixture
def officer(world):
    """Sue Allan, of the council; officer_client signs her in."""
    return world["sue"]


@pytest.fixture
def plan(council):
    return PlanFactory(title="APA inquiry action plan", owning_body__organisation=council)


@pytest.fixture
def action(plan, officer):
    return ActionFactory(plan=plan, lead=officer, target_date=AS_AT + datetime.timedelta(days=60))


def post_update(client, target, /, **fields):
    data = {"status": ActionStatus.IN_PROGRESS, "rag": Rag.GREEN, "narrative": "Proposals drafted."} | fields
    return client.post(reverse("progress_update_create", args=[target.pk]), data)


class TestPostingAnUpdate:
    def test_officer_posts_an_update_and_sees_it_on_the_plan_page(self, officer_client, action, officer):
        response = post_update(officer_client, action, narrative="Proposals drafted for the January Board.")
        assert response.status_code == 302
        assert response["Location"] == f"{action.plan.get_absolute_url()}#action-{action.pk}"
        update = action.updates.get()
        assert update.author == officer and update.rag == Rag.GREEN
        page = officer_client.get(response["Location"]).content.decode()
        assert "Green: On track" in page
        assert "Your progress update has been saved." in page
        detail = officer_client.get(action.get_absolute_url()).content.decode()
        assert "Proposals drafted for the January Board." in detail

    def test_after_an_update_the_plan_opens_at_the_page_showing_the_action(
        self, officer_client, action, officer, plan, monkeypatch
    ):
        monkeypatch.setattr(selectors, "PLAN_PAGE_ACTIONS", 2)
        later = ActionFactory(plan=plan, lead=officer, position=action.position + 10)  # agreed alone, like it
        ActionFactory(plan=plan, position=action.position + 5)
        response = post_update(officer_client, later)
        assert response["Location"] == f"{plan.get_absolute_url()}?page=2#action-{later.pk}"
        page = officer_client.get(response["Location"])
        assert later in page.context["page"].unlinked_actions

    def test_every_update_is_kept(self, officer_client, action):
        post_update(officer_client, action, narrative="First.")
        post_update(officer_client, action, rag=Rag.AMBER, narrative="Second.")
        assert list(action.updates.order_by("reported_at").values_list("narrative", flat=True)) == ["First.", "Second."]

    def test_blue_without_complete_is_refused_with_a_message(self, officer_client, action):
        response = post_update(officer_client, action, rag=Rag.BLUE)
        assert response.status_code == 400
        assert "Blue means complete" in response.content.decode()
        assert not action.updates.exists()

    def test_completion_needs_a_narrative(self, officer_client, action):
        response = post_update(officer_client, action, status=ActionStatus.COMPLETE, rag=Rag.BLUE, narrative="")
        assert "Say what was done to complete the action." in response.content.decode()
        assert not action.updates.exists()

    def test_overdue_action_cannot_be_green_without_a_revised_target(self, officer_client, action):
        action.target_date = AS_AT - datetime.timedelta(days=1)
        action.save()
        response = post_update(officer_client, action, rag=Rag.GREEN)
        assert response.status_code == 400
        assert "past its target date" in response.content.decode()
        assert not action.updates.exists()
        assert post_update(officer_client, action, rag=Rag.RED).status_code == 302

    def test_revised_target_keeps_the_original_and_the_page_shows_the_slippage(self, officer_client, action, officer):
        action.target_date = datetime.date(2021, 4, 30)
        action.save()
        response = post_update(
            officer_client,
            action,
            rag=Rag.GREEN,
            revised_target_date="31/07/2022",
            revision_reason="Waiting for the Ofsted report.",
        )
        assert response.status_code == 302
        action.refresh_from_db()
        assert action.target_date == datetime.date(2022, 7, 31)
        revision = TargetDateRevision.objects.get(action=action)
        assert revision.previous_date == datetime.date(2021, 4, 30)
        assert revision.revised_by == officer
        page = officer_client.get(action.get_absolute_url()).content.decode()
        assert "Target moved from 30 Apr 2021 to 31 Jul 2022: Waiting for the Ofsted report." in page
        assert action.assessment(on=AS_AT).rag == Rag.GREEN

    def test_a_revised_date_without_a_reason_is_refused_and_nothing_moves(self, officer_client, action):
        original = action.target_date
        response = post_update(officer_client, action, revised_target_date="31/07/2022")
        assert "Give the reason the target date is moving." in response.content.decode()
        action.refresh_from_db()
        assert action.target_date == original and not action.updates.exists()


class TestBadInput:
    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"status": "nearly"}, "Choose one of the statuses"),
            ({"rag": "purple"}, "Choose Blue, Green, Amber or Red"),
            ({"status": ""}, "Choose the status of the action"),
            ({"narrative": "x" * 10_001}, "Action taken must be 10,000 characters or fewer"),
            ({"revised_target_date": "31/02/2022", "revision_reason": "x"}, "Enter a real date, like 31/03/2022"),
            ({"evidence_url": "not a link"}, "Enter a web address"),
        ],
    )
    def test_bad_input_gets_a_message_and_changes_nothing(self, officer_client, action, fields, message):
        response = post_update(officer_client, action, **fields)
        assert response.status_code == 400
        content = response.content.decode()
        assert message in content
        assert "govuk-error-summary" in content
        assert not action.updates.exists()

    def test_html_is_kept_as_typed_and_shown_escaped(self, officer_client, action):
        post_update(officer_client, action, narrative="<script>alert('x')</script>")
        assert action.updates.get().narrative == "<script>alert('x')</script>"
        page = officer_client.get(action.get_absolute_url()).content.decode()
        assert "<script>alert('x')</script>" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page

    def test_fields_the_form_does_not_declare_are_ignored(self, officer_client, action, officer):
        someone = PersonFactory()
        post_update(
            officer_client, action, **{"author": someone.pk, "reported_at": "2001-01-01T00:00", "action": 9, "id": 5}
        )
        update = action.updates.get()
        assert update.author == officer
        assert update.reported_at.year > 2001

    def test_csrf_token_is_required(self, officer, action):
        client = Client(enforce_csrf_checks=True)
        client.force_login(officer.user)
        response = post_update(client, action)
        assert response.status_code == 403
        assert not action.updates.exists()

    def test_get_is_not_allowed(self, officer_client, action):
        assert officer_client.get(reverse("progress_update_create", args=[action.pk])).status_code == 405


class TestWhoMayUpdate:
    def test_further_responsible_person_may_update(self, client, action):
        helper = PersonFactory(user=UserFactory())
        action.supporting_officers.add(helper)
        client.force_login(helper.user)
        assert post_update(client, action).status_code == 302

    def test_colleague_in_the_same_organisation_may_read_but_not_update(self, client, action, council):
        colleague = PersonFactory(organisation=council, user=UserFactory())
        client.force_login(colleague.user)
        assert client.get(action.get_absolute_url()).status_code == 200
        assert post_update(client, action).status_code == 403
        assert not action.updates.exists()

    def test_officer_of_another_organisation_cannot_read_or_update(self, client, action):
        outsider = PersonFactory(organisation=OrganisationFactory(name="Hampshire Constabulary"), user=UserFactory())
        client.force_login(outsider.user)
        assert client.get(action.get_absolute_url()).status_code == 404
        assert post_update(client, action).status_code == 404
        assert not action.updates.exists()

    def test_update_form_is_shown_only_to_those_who_may_update(self, client, officer_client, action, council):
        assert 'id="update"' in officer_client.get(action.get_absolute_url()).content.decode()
        colleague = PersonFactory(organisation=council, user=UserFactory())
        client.force_login(colleague.user)
        assert 'id="update"' not in client.get(action.get_absolute_url()).content.decode()


class TestComments:
    @pytest.fixture
    def panel_member(self, world, plan):
        member = world["bell"]
        Membership.objects.create(body=plan.owning_body, person=member, role="member")
        return member

    def test_panel_member_may_comment_but_not_update(self, client, action, panel_member):
        client.force_login(panel_member.user)
        response = client.post(reverse("comment_create", args=[action.pk]), {"text": "When will this be done?"})
        assert response.status_code == 302
        comment = ActionComment.objects.get()
        assert comment.author == panel_member
        assert "When will this be done?" in client.get(action.get_absolute_url()).content.decode()
        assert post_update(client, action).status_code == 403

    def test_empty_or_over_long_comment_is_refused(self, client, action, panel_member):
        client.force_login(panel_member.user)
        for text, message in (("", "Enter your comment or question"), ("x" * 4001, "4,000 characters or fewer")):
            response = client.post(reverse("comment_create", args=[action.pk]), {"text": text})
            assert response.status_code == 400
            assert message in response.content.decode()
        assert not ActionComment.objects.exists()

    def test_colleague_who_is_not_on_the_body_cannot_comment(self, client, action, council):
        colleague = PersonFactory(organisation=council, user=UserFactory())
        client.force_login(colleague.user)
        assert client.post(reverse("comment_create", args=[action.pk]), {"text": "Hello"}).status_code == 403


class TestMyActions:
    def make(self, officer, plan, *, days, update_age=None, rag=Rag.GREEN, status=ActionStatus.IN_PROGRESS, **kw):
        action = ActionFactory(plan=plan, lead=officer, target_date=AS_AT + datetime.timedelta(days=days), **kw)
        if update_age is not None:
            ProgressUpdateFactory(
                action=action, rag=rag, status=status, reported_at=noon(AS_AT - datetime.timedelta(days=update_age))
            )
        return action

    def test_open_actions_most_urgent_first_with_counts(self, officer_client, officer, plan):
        rest = self.make(officer, plan, days=200, update_age=5, description="The rest")
        stale = self.make(officer, plan, days=120, update_age=100, description="Stale")
        never = self.make(officer, plan, days=150, description="Never reported")
        soon = self.make(officer, plan, days=30, update_age=5, description="Due soon")
        overdue = self.make(officer, plan, days=-1, update_age=5, description="Overdue")
        self.make(officer, plan, days=-10, update_age=1, rag=Rag.BLUE, status=ActionStatus.COMPLETE, description="Done")
        supporting = ActionFactory(plan=plan, target_date=AS_AT + datetime.timedelta(days=300))
        supporting.supporting_officers.add(officer)
        ProgressUpdateFactory(action=supporting, reported_at=noon(AS_AT))
        ActionFactory(plan=plan, description="Someone else's")

        response = officer_client.get(reverse("my_actions"))
        page = response.context["page"]
        order = [action.pk for action in page.actions]
        assert order[:2] == [overdue.pk, soon.pk]
        assert set(order[2:4]) == {stale.pk, never.pk}
        assert set(order[4:]) == {rest.pk, supporting.pk}
        content = response.content.decode()
        assert "1 overdue, 1 due within 30 days, 2 need an update" in content
        assert "Done" not in content and "Someone else&#x27;s" not in content
        assert f'href="{overdue.get_absolute_url()}#update"' in content

    def test_query_count_does_not_grow_with_actions(self, officer_client, officer, plan):
        def count():
            with CaptureQueriesContext(connection) as context:
                assert officer_client.get(reverse("my_actions")).status_code == 200
            return len(context.captured_queries)

        for days in range(10):
            self.make(officer, plan, days=days * 10, update_age=days * 20)
        ten = count()
        for days in range(90):
            self.make(officer, plan, days=days - 20, update_age=days)
        assert count() == ten

    def test_a_login_with_no_person_is_told_why_there_is_nothing(self, client):
        client.force_login(UserFactory())
        assert "not linked to a person" in client.get(reverse("my_actions")).content.decode()
