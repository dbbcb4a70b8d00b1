"""One breadcrumb pattern across pages: every trail comes from includes/breadcrumbs.html, in
GOV.UK breadcrumbs markup, starting at "Plans" and going through the page's section."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from actionplans.kernel.jobs.models import Job, JobStatus
from actionplans.meetings.models import UpdateRound
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CRUMB = re.compile(r'<a class="govuk-breadcrumbs__link" href="([^"]*)">([^<]*)</a>')


def crumbs(response) -> list[tuple[str, str]]:
    assert response.status_code == 200
    found = re.search(
        r'<nav class="govuk-breadcrumbs" aria-label="Breadcrumb">(.*?)</nav>', response.content.decode(), re.S
    )
    assert found, "no breadcrumbs on the page"
    return [(href, text.strip()) for href, text in CRUMB.findall(found.group(1))]


def test_only_the_one_include_writes_breadcrumb_markup():
    writers = sorted(
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if "govuk-breadcrumbs" in path.read_text()
    )
    assert writers == ["includes/breadcrumbs.html"]


def test_a_job_page_goes_through_the_jobs_list(officer_client, cast):
    job = Job.objects.create(
        kind="plan_report", title="Progress report", requested_by=cast["sue"].user, key="k", status=JobStatus.QUEUED
    )
    assert crumbs(officer_client.get(job.get_absolute_url())) == [
        (reverse("home"), "Plans"),
        (reverse("job_list"), "Jobs"),
    ]


def test_an_update_round_page_goes_through_meetings_the_body_the_meeting_and_its_list(officer_client, cast):
    meeting = MeetingFactory(body=cast["families_panel"], date=datetime.date(2030, 11, 4))
    update_round = UpdateRound.objects.create(meeting=meeting, deadline=datetime.date(2030, 11, 1))
    assert crumbs(officer_client.get(reverse("update_round_detail", args=[update_round.pk]))) == [
        (reverse("home"), "Plans"),
        (reverse("meeting_list"), "Meetings"),
        (meeting.body.get_absolute_url(), str(meeting.body)),
        (meeting.get_absolute_url(), str(meeting)),
        (reverse("meeting_monitoring", args=[meeting.pk]), "Monitoring list"),
    ]


def test_a_meeting_page_goes_through_meetings(officer_client, cast):
    meeting = MeetingFactory(body=cast["families_panel"], date=datetime.date(2030, 11, 4))
    assert [text for _href, text in crumbs(officer_client.get(meeting.get_absolute_url()))] == [
        "Plans",
        "Meetings",
        str(meeting.body),
    ]


def test_a_person_page_goes_through_the_people_list(officer_client, cast):
    assert crumbs(officer_client.get(cast["alison"].get_absolute_url())) == [
        (reverse("home"), "Plans"),
        (reverse("person_list"), "People"),
    ]
