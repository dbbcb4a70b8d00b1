"""The minutes of a meeting, minutes-ready: a page to copy, a .docx and a tagged PDF, in the
layout of seed 001, all from the one text model (reports.minutes.record)."""

import datetime
import io

import docx
import pytest
from django.db import transaction
from django.urls import reverse
from pypdf import PdfReader

from actionplans.demo import load_demo
from actionplans.meetings import agenda
from partners.models import AttendanceStatus, Meeting
from reports.minutes.record import minutes_record, ordinal_date, paragraphs_of
from reports.minutes.word import CONTENT_TYPE
from tests.factories import AttendanceFactory, MeetingFactory, PersonFactory
from tests.jobs import job_from, run_pending_jobs

pytestmark = pytest.mark.django_db
BOARD = "Southampton Children & Young People's Trust Board"


def test_the_heading_date_is_printed_as_the_seed_prints_it():
    assert ordinal_date(datetime.date(2009, 11, 25)) == "25TH NOVEMBER 2009"
    assert [ordinal_date(datetime.date(2021, 1, d)) for d in (1, 2, 3, 11, 12, 13, 21, 22)] == [
        "1ST JANUARY 2021",
        "2ND JANUARY 2021",
        "3RD JANUARY 2021",
        "11TH JANUARY 2021",
        "12TH JANUARY 2021",
        "13TH JANUARY 2021",
        "21ST JANUARY 2021",
        "22ND JANUARY 2021",
    ]


def test_a_discussion_splits_into_paragraphs_and_points():
    paragraphs = paragraphs_of("First line\ncontinued.\n\nThe themes:\n\n- one\n- two\n\nLast.")
    assert [(p.text, p.bullet) for p in paragraphs] == [
        ("First line continued.", False),
        ("The themes:", False),
        ("one", True),
        ("two", True),
        ("Last.", False),
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield load_demo()
        transaction.set_rollback(True)


@pytest.fixture
def seed_meeting(demo):
    return Meeting.objects.get(body__name=BOARD, date=datetime.date(2009, 11, 25))


CLAUSES = [
    "(i) That the overall progress made towards achieving targets",
    "(ii) That authority be delegated to the Chairs of the five Steering Groups to:-",
    "(iii) that progress being made in implementing the actions",
    "(i) That the Health and Well-being Strategic Plan",
    "(ii) That the joint accountability for the shared Strategic Priority be agreed; and",
    "(iii) That the actions identified be endorsed by the Trust Board.",
    "That authority be delegated to the Children and Young People's Trust Executive",
]
OWNERS = ["LSCB Working Group", "Cllr Holmes", "AW/AA/FB", "FB", "All Steering Group Leads", "AA", "CYPTE"]


def test_the_minutes_text_has_seed_001s_heading_attendance_resolutions_and_owners(seed_meeting):
    record = minutes_record(seed_meeting)
    text = record.text
    assert text.startswith(
        "SOUTHAMPTON CHILDREN & YOUNG PEOPLE'S TRUST BOARD\nMINUTES OF THE MEETING HELD ON 25TH NOVEMBER 2009\n"
    )
    assert "Cllr Holmes - Cabinet Member for Children Services (Chair)" in text
    assert "Apologies were received from Cllr Matthews, Anne Marie Mountifield, Andy Evans" in text
    assert "5. 2ND QUARTER PERFORMANCE" in text
    for clause in CLAUSES:
        assert clause in text
    assert "    - Ensure that targets were set for all measured outcomes" in text
    assert [action.owner for item in record.items for action in item.actions] == OWNERS


def test_the_page_shows_the_minutes_to_copy(client, admin_user, seed_meeting):
    client.force_login(admin_user)
    page = client.get(reverse("meeting_minutes", args=[seed_meeting.pk])).content.decode().replace("&#x27;", "'")
    for clause in CLAUSES:
        assert clause in page
    assert "ACTION (AW/AA/FB):</strong> Reference was made to the Post 16 Interface" in page


def test_the_word_document_has_every_clause_and_owner(client, admin_user, seed_meeting):
    client.force_login(admin_user)
    response = client.get(reverse("meeting_minutes_record_docx", args=[seed_meeting.pk]))
    assert response["Content-Type"] == CONTENT_TYPE
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs).replace("\t", " ")
    for clause in CLAUSES:
        assert clause in text
    owners = [row.cells[1].text for table in document.tables for row in table.rows[1:]]
    assert owners == OWNERS


def test_the_pdf_is_tagged_and_has_every_clause_and_owner(client, admin_user, seed_meeting):
    client.force_login(admin_user)
    job = job_from(client.post(reverse("meeting_minutes_pdf", args=[seed_meeting.pk])))
    run_pending_jobs()  # the PDF is laid out by a background job
    response = client.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title == "Minutes – Southampton Children & Young People's Trust Board, 25 November 2009"
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for clause in CLAUSES:
        assert " ".join(clause.split()) in text
    for owner in OWNERS:
        assert owner in text


def test_the_minutes_page_query_count_does_not_grow_with_items(client, admin_user, django_assert_num_queries):
    meeting = MeetingFactory()
    AttendanceFactory(meeting=meeting, person=PersonFactory(name="Sue Allan"), status=AttendanceStatus.PRESENT)
    client.force_login(admin_user)
    url = reverse("meeting_minutes", args=[meeting.pk])

    def add(numbers):
        for number in numbers:
            item = agenda.agenda_item_create(
                meeting=meeting, number=number, title=f"Item {number}", resolutions=["A", "B"]
            )
            agenda.agreed_action_create(item=item, text=f"Do {number}", owner_as_printed="SA")

    add([1])
    client.get(url)
    # session, user, the meeting with its body, attendance, items, clauses, actions agreed, the
    # page's menu (the viewer's jobs); a superuser's groups are not looked up
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
    add(range(2, 8))
    with django_assert_num_queries(8):
        assert client.get(url).status_code == 200
