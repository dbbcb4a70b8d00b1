"""The service menu every signed-in page shows, and its "Jobs" link with how many of the
person's own jobs are in progress, read in the one query the header always made."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplans.kernel.jobs.models import Job, JobStatus

pytestmark = pytest.mark.django_db

MENU = re.compile(r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', re.S)


def menu(client, url=None) -> str:
    response = client.get(url or reverse("home"))
    assert response.status_code == 200
    found = MENU.search(response.content.decode())
    assert found, "no service menu on the page"
    return found.group(1)


def jobs_link(client, url=None) -> str:
    found = re.search(r'<a class="govuk-service-navigation__link" href="/jobs/"[^>]*>([^<]*)</a>', menu(client, url))
    assert found, "no Jobs link in the menu"
    return found.group(0)


def job(user, status, key) -> Job:
    return Job.objects.create(
        kind="plan_report",
        title=f"Progress report {key}",
        requested_by=user,
        key=key,
        status=status,
        failure_reason="It failed." if status == JobStatus.FAILED else "",
    )


@pytest.mark.parametrize("client_name", ["officer_client", "panel_client", "support_client", "admin_client"])
def test_every_signed_in_person_has_the_jobs_link(request, client_name):
    link = jobs_link(request.getfixturevalue(client_name))
    assert link.endswith(">Jobs</a>") and 'aria-current="page"' not in link


def test_the_link_says_how_many_of_your_jobs_are_in_progress_in_words(officer_client, cast):
    sue, emily = cast["sue"].user, cast["emily"].user
    job(sue, JobStatus.QUEUED, "a")
    job(sue, JobStatus.RUNNING, "b")
    job(sue, JobStatus.SUCCEEDED, "c")
    job(sue, JobStatus.FAILED, "d")
    job(emily, JobStatus.RUNNING, "e")  # somebody else's
    job(None, JobStatus.RUNNING, "f")  # the daily reminders, say
    assert jobs_link(officer_client).endswith(">Jobs (2 in progress)</a>")
    Job.objects.filter(requested_by=sue).update(status=JobStatus.SUCCEEDED)
    assert jobs_link(officer_client).endswith(">Jobs</a>")


def test_the_count_costs_no_query_of_its_own(officer_client, cast):
    """It comes in the query that reads the signed-in person for the header, so a page takes
    the same queries with jobs in progress or none, and the pinned page counts stand."""

    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as context:
            assert officer_client.get(reverse("my_actions")).status_code == 200
        return [query["sql"] for query in context.captured_queries]

    none = queries()
    [header] = [sql for sql in none if "actionplans_job" in sql]
    assert "partners_person" in header and "auth_user" in header  # the person and the count together
    job(cast["sue"].user, JobStatus.RUNNING, "a")
    job(cast["sue"].user, JobStatus.QUEUED, "b")
    assert len(queries()) == len(none)
    assert jobs_link(officer_client, reverse("my_actions")).endswith(">Jobs (2 in progress)</a>")


def test_the_header_still_names_the_person_or_the_login_without_one(officer_client, admin_client):
    page = officer_client.get(reverse("home")).content.decode()
    assert re.search(r'Signed in as\s*<a class="govuk-header__link" href="/people/\d+/">Sue Allan</a>', page)
    page = admin_client.get(reverse("home")).content.decode()
    assert re.search(r"Signed in as\s*admin\s*</span>", page)


def test_the_jobs_page_is_marked_as_the_current_one(officer_client):
    link = jobs_link(officer_client, reverse("job_list"))
    assert 'aria-current="page"' in link
    assert 'govuk-service-navigation__item--active"><a' in re.sub(r"\s+", "", menu(officer_client, reverse("job_list")))


def test_a_job_page_highlights_jobs_in_the_menu(officer_client, cast):
    done = job(cast["sue"].user, JobStatus.SUCCEEDED, "a")
    items = re.findall(r'<li class="([^"]*)">\s*<a[^>]*href="([^"]*)"', menu(officer_client, done.get_absolute_url()))
    assert [href for classes, href in items if "--active" in classes] == ["/jobs/"]


def test_the_empty_jobs_page_says_what_would_be_listed(officer_client, support_client, settings):
    settings.TRACKER_JOB_KEEP_DAYS = 30
    page = officer_client.get(reverse("job_list")).content.decode()
    assert "You have not asked for anything to be made in the background in the last 30 days." in page
    assert 'id="jobs"' not in page
    page = support_client.get(reverse("job_list")).content.decode()
    assert "Nobody has asked for anything to be made in the background in the last 30 days." in page


def test_nobody_signed_out_sees_the_menu(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "govuk-service-navigation" not in page and 'href="/jobs/"' not in page


def meetings_link(client, url=None) -> str:
    found = re.search(
        r'<a class="govuk-service-navigation__link" href="/meetings/"[^>]*>([^<]*)</a>', menu(client, url)
    )
    assert found, "no Meetings link in the menu"
    return found.group(0)


@pytest.mark.parametrize(
    "client_name",
    [
        "officer_client",
        "colleague_client",
        "lead_client",
        "panel_client",
        "outsider_client",
        "support_client",
        "admin_client",
    ],
)
def test_every_role_that_may_read_meetings_has_the_meetings_link(request, client_name):
    """Everyone signed in may read meetings (actionplans.meetings.access), so everyone has the link."""
    client = request.getfixturevalue(client_name)
    assert meetings_link(client).endswith(">Meetings</a>")
    assert 'aria-current="page"' in meetings_link(client, reverse("meeting_list"))


def test_people_and_bodies_leads_to_the_people_list(officer_client):
    link = re.search(
        r'<a class="govuk-service-navigation__link" href="([^"]*)"[^>]*>People and bodies</a>', menu(officer_client)
    )
    assert link and link.group(1) == reverse("person_list")
