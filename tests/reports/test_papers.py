"""Committee papers (seed 002, Agenda Item 9) and plan progress reports as accessible PDFs.

The PDFs are read back with pypdf: their text (every heading, every tracker row), their page
count, their structure (tagged, PDF/UA) and their metadata. Making a PDF takes about a second,
so the ones several tests read are made once per module, inside a transaction rolled back
straight after.
"""

import datetime
import hashlib
import io
import re

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader
from pypdf.generic import BooleanObject

from actionplans.demo import load_demo
from actionplans.meetings.lists import decisions_record
from actionplans.meetings.models import SignOffDecision as D
from actionplans.plans.rag import ActionStatus, Rag
from actionplans.plans.selectors import plans_for_page
from partners.models import Meeting, Membership, MembershipRole
from recommendations.models import ResponseDecision
from reports.models import CommitteePaper, PublishedPaper
from reports.papers import pdf
from reports.papers.drafting import paper_draft
from reports.papers.pdf import committee_paper_html, committee_paper_pdf, plan_report_html, plan_report_pdf
from reports.papers.people import member_ids, name_in_paper
from reports.papers.services import paper_publish
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PersonFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
    UserFactory,
)
from tests.jobs import job_from, run_pending_jobs
from tests.worlds import World

pytestmark = pytest.mark.django_db
DAY = datetime.date

HEADINGS = [
    "DECISION-MAKER:",
    "SUBJECT:",
    "DATE OF DECISION:",
    "REPORT OF:",
    "CONTACT DETAILS",
    "STATEMENT OF CONFIDENTIALITY",
    "BRIEF SUMMARY",
    "RECOMMENDATIONS:",
    "REASONS FOR REPORT RECOMMENDATIONS",
    "ALTERNATIVE OPTIONS CONSIDERED AND REJECTED",
    "DETAIL (INCLUDING CONSULTATION CARRIED OUT)",
    "RESOURCE IMPLICATIONS",
    "LEGAL IMPLICATIONS",
    "RISK MANAGEMENT IMPLICATIONS",
    "POLICY FRAMEWORK IMPLICATIONS",
    "KEY DECISION?",
    "WARDS/COMMUNITIES AFFECTED:",
    "SUPPORTING DOCUMENTATION",
]
TRACKER_COLUMNS = ["Date", "Title", "Action proposed", "Action Taken", "Progress Status"]


# --- Helpers ---------------------------------------------------------------------------------


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def pdf_text(content: bytes) -> str:
    """The PDF's text, one space for any run of white space."""
    reader = PdfReader(io.BytesIO(content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def page_texts(content: bytes) -> list[str]:
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(content)).pages]


def in_order(text: str, parts: list[str]) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def structure_types(content: bytes) -> list[str]:
    """The structure tree's element types, in document order."""
    reader = PdfReader(io.BytesIO(content))
    types = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                types.append(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, list) else [kids] if kids is not None else []:
                walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return types


def report(action, day, status, rag, narrative):
    return ProgressUpdateFactory(action=action, reported_at=noon(day), status=status, rag=rag, narrative=narrative)


def build_panel(world: World) -> World:
    """The Children and Families Scrutiny Panel with three meetings, two papers of
    recommendations, a plan answering them and progress on it. Its democratic support officer,
    Emily Goodwin, is the officer in attendance (here `support` is her person) and Councillor
    Bell one of its members (tests/worlds.py)."""
    body = world["families_panel"]
    meetings = {
        day: MeetingFactory(body=body, date=day) for day in (DAY(2021, 6, 17), DAY(2021, 9, 30), DAY(2021, 11, 4))
    }
    support = world["emily"]
    Membership.objects.create(
        body=body, person=support, role=MembershipRole.OFFICER, representing="Democratic Support Officer"
    )
    councillor = world["bell"]
    Membership.objects.create(body=body, person=councillor, role=MembershipRole.MEMBER)
    june = SourceFactory(
        made_by=body, meeting=meetings[DAY(2021, 6, 17)], date=DAY(2021, 6, 17), title="Ofsted Focused Letter"
    )
    september = SourceFactory(
        made_by=body, meeting=meetings[DAY(2021, 9, 30)], date=DAY(2021, 9, 30), title="Educational Attainment"
    )
    plan = PlanFactory(owning_body=body, title="Monitoring scrutiny recommendations 2021-22", lead=support)
    plan.sources.add(june, september)
    rows = [
        (june, "", "That the Cabinet Member lobbies the Government on elective home education.",
         ActionStatus.PARTIALLY_COMPLETE, Rag.AMBER, "A briefing has been given to the Cabinet Member.",
         "Partially complete"),
        (september, "1)", "That the Executive Director engages with Oasis Community Learning.",
         ActionStatus.PARTIALLY_COMPLETE, Rag.AMBER, "Meeting with senior leaders arranged.", "Partially complete"),
        (september, "2)", "That the latest school attendance data is circulated to the Panel.",
         ActionStatus.COMPLETE, Rag.BLUE, "Data provided by the Education Welfare Service Manager.", "Complete"),
    ]  # fmt: skip
    recommendations = []
    for position, (source, label, text, status, rag, narrative, _state) in enumerate(rows, start=1):
        recommendation = RecommendationFactory(source=source, label=label, text=text, position=position)
        action = ActionFactory(
            plan=plan, recommendation=recommendation, position=position, reference=str(position), lead=support,
            created_at=noon(source.date),
        )  # fmt: skip
        report(action, DAY(2021, 10, 20), status, rag, narrative)
        recommendations.append(recommendation)
    world |= {
        "body": body,
        "meeting": meetings[DAY(2021, 11, 4)],
        "support": support,
        "councillor": councillor,
        "plan": plan,
        "september": september,
        "rows": rows,
    }
    return world


def saved_paper(meeting, person, **changes):
    paper = paper_draft(meeting, person=person)
    paper.agenda_item = "9"
    paper.report_of = "Service Director – Legal and Business Operations"
    for name, value in changes.items():
        setattr(paper, name, value)
    paper.save()
    return paper


def add_items(world, count):
    """`count` more recommendations of the September paper, each with an action and an update."""
    start = world["september"].recommendations.count() + 10
    for offset in range(count):
        position = start + offset
        recommendation = RecommendationFactory(
            source=world["september"],
            label=f"{position})",
            text=f"Recommendation number {position}.",
            position=position,
        )
        action = ActionFactory(
            plan=world["plan"],
            recommendation=recommendation,
            position=position,
            reference=f"{position}",
            lead=PersonFactory(),
            created_at=noon(DAY(2021, 10, 1)),
        )
        report(action, DAY(2021, 10, 20), ActionStatus.IN_PROGRESS, Rag.GREEN, f"Work under way on {position}.")


# --- The published fixture paper, made once ---------------------------------------------------


@pytest.fixture(scope="module")
def published(django_db_setup, django_db_blocker):
    """The fixture panel's paper, edited, saved and published; then everything rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_panel(World())
        paper = saved_paper(
            world["meeting"],
            world["support"],
            brief_summary="An edited summary: <b>bold</b> & <script>alert(1)</script>.",
            detail="First paragraph of detail.\n\nSecond paragraph, <img src=file:///etc/passwd>.",
            include_rag_summary=True,
            include_since_last=True,
        )
        record = paper_publish(paper=paper, by=world["support"])
        result = {
            "content": bytes(record.content),
            "sha256": record.sha256,
            "size": record.size,
            "rows": world["rows"],
            "html": committee_paper_html(paper),
        }
        transaction.set_rollback(True)
    return result


def test_the_pdf_holds_every_heading_of_the_cover_report_in_order(published):
    text = pdf_text(published["content"])
    assert in_order(text, HEADINGS), text[:3000]
    assert in_order(text, ["Appendices", "1. Monitoring Scrutiny Recommendations – 4 November 2021", "2. RAG summary"])


def test_the_paragraphs_are_numbered_straight_through_as_in_the_seed(published):
    text = pdf_text(published["content"])
    assert in_order(
        text,
        [
            "1. To assist the Panel in assessing the impact",
            "2. None.",
            "3. First paragraph of detail.",
            "4. Second paragraph",
            "5. None",  # resource implications
            "6. The duty to undertake overview and scrutiny is set out in Part 1A Section 9",
            "7. None",
            "8. None",
            "9. None",
        ],
    )


def test_appendix_1_holds_every_tracker_row_grouped_and_numbered_as_in_the_seed(published):
    pages = page_texts(published["content"])
    appendix = " ".join(page for page in pages if "APPENDIX 1" in page or "Progress Status" in page)
    assert in_order(appendix, ["APPENDIX 1: MONITORING SCRUTINY RECOMMENDATIONS – 4 NOVEMBER 2021", *TRACKER_COLUMNS])
    (
        (june, _, r1, _, _, taken1, state1),
        (_, label2, r2, _, _, taken2, state2),
        (_, label3, r3, _, _, taken3, state3),
    ) = published["rows"]
    assert in_order(
        appendix,
        [
            "17/06/21", "Ofsted Focused Letter", r1, taken1, state1,
            "30/09/21", "Educational Attainment", f"{label2} {r2}", taken2, state2, f"{label3} {r3}", taken3, state3,
        ],
    )  # fmt: skip
    assert appendix.count("Educational Attainment") == 1  # the group's date and title are printed once


def test_the_pdf_has_the_expected_number_of_pages(published):
    pages = PdfReader(io.BytesIO(published["content"])).pages
    assert 5 <= len(pages) <= 8
    assert all(f"Page {n} of {len(pages)}" in text for n, text in enumerate(page_texts(published["content"]), 1))
    assert all("Agenda Item 9" in text for text in page_texts(published["content"]))


def test_appendix_1_is_printed_on_landscape_pages(published):
    reader = PdfReader(io.BytesIO(published["content"]))
    shapes = [
        ("landscape" if page.mediabox.width > page.mediabox.height else "portrait", text)
        for page, text in zip(reader.pages, page_texts(published["content"]), strict=True)
    ]
    assert shapes[0][0] == "portrait"
    assert all(shape == "landscape" for shape, text in shapes if "Progress Status" in text)


def test_the_optional_appendices_are_printed(published):
    text = pdf_text(published["content"])
    assert in_order(text, ["APPENDIX 2: RAG SUMMARY AS AT 4 NOVEMBER 2021", "RAG of the actions, by plan", "Total"])
    assert "Blue: Complete" in text and "Amber: At risk" in text  # RAG in words
    assert in_order(text, ["APPENDIX 3: WHAT CHANGED SINCE THE MEETING OF 30 SEPTEMBER 2021", "New progress updates"])


def test_the_pdf_is_tagged_pdf_ua_with_language_title_author_and_subject(published):
    reader = PdfReader(io.BytesIO(published["content"]))
    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    metadata = reader.metadata
    assert metadata.title.startswith("Agenda Item 9: Monitoring scrutiny recommendations – Children and Families")
    assert metadata.author == "Service Director – Legal and Business Operations"
    assert metadata.subject.startswith("An edited summary")
    assert b"pdfuaid" in reader.trailer["/Root"]["/Metadata"].get_data()
    types = structure_types(published["content"])
    assert types.count("/H1") == 1 and "/H2" in types and "/H3" in types
    assert "/TH" in types and "/THead" in types  # table headers are marked


def test_headings_go_down_one_level_at_a_time(published):
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", published["html"])]
    assert levels[0] == 1 and levels.count(1) == 1
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False))


def test_text_from_users_is_escaped_in_the_html(published):
    html = published["html"]
    assert "An edited summary: &lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(1)&lt;/script&gt;." in html
    assert "<script>" not in html and "<b>bold" not in html and "<img" not in html
    text = pdf_text(published["content"])
    assert "An edited summary: <b>bold</b> & <script>alert(1)</script>." in text


# --- Who is named -------------------------------------------------------------------------------


@pytest.fixture
def people():
    body = BodyFactory()
    junior = PersonFactory(name="Mark Pirnie", job_title="Scrutiny Manager")
    senior = PersonFactory(name="Mike Harris", job_title="Deputy Chief Executive", is_senior=True)
    member = PersonFactory(name="Councillor Bell", job_title="Cabinet Member for Children")
    officer_in_attendance = PersonFactory(name="Emily Goodwin", job_title="Democratic Support Officer")
    no_title = PersonFactory(name="Rob Sanders", job_title="")
    post = PersonFactory(name="", job_title="HoS Early Help")
    Membership.objects.create(body=body, person=member, role=MembershipRole.MEMBER)
    Membership.objects.create(body=body, person=officer_in_attendance, role=MembershipRole.OFFICER)
    return locals()


def test_junior_officers_are_shown_by_job_title_when_the_setting_is_off(people, settings):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = False
    assert name_in_paper(people["junior"]) == "Scrutiny Manager"
    assert name_in_paper(people["officer_in_attendance"]) == "Democratic Support Officer"


def test_junior_officers_are_named_when_the_setting_is_on(people, settings):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = True
    assert name_in_paper(people["junior"]) == "Mark Pirnie"
    assert name_in_paper(people["officer_in_attendance"]) == "Emily Goodwin"


@pytest.mark.parametrize("setting", [False, True])
def test_senior_officers_members_and_people_with_no_job_title_are_always_named(people, settings, setting):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = setting
    assert name_in_paper(people["senior"]) == "Mike Harris"
    assert name_in_paper(people["member"]) == "Councillor Bell"
    assert name_in_paper(people["no_title"]) == "Rob Sanders"
    assert name_in_paper(people["post"]) == "HoS Early Help"
    assert name_in_paper(None) == ""


def test_which_people_are_members_is_one_query_for_a_whole_paper(people, django_assert_num_queries):
    everyone = [p for p in people.values() if hasattr(p, "job_title")]
    with django_assert_num_queries(1):
        members = member_ids(everyone)
    assert members == {people["member"].pk}
    with django_assert_num_queries(0):
        assert [name_in_paper(p, members=members) for p in (people["member"], people["junior"])] == [
            "Councillor Bell",
            "Scrutiny Manager",
        ]


# --- Drafting, editing, publishing, downloading ------------------------------------------------------


@pytest.fixture
def world(world, db):
    return build_panel(world)


def test_the_paper_is_drafted_from_the_data_when_first_opened(world, support_client):
    response = support_client.get(reverse("committee_paper", args=[world["meeting"].pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert (
        "This item enables the Children and Families Scrutiny Panel to monitor and track progress on recommendations "
        "made at previous meetings." in content
    )
    assert (
        "(i) That the Panel considers the responses to recommendations from previous meetings and provides feedback."
        in content
    )
    assert "if the Children and Families Scrutiny Panel confirms acceptance of the items marked as completed" in content
    assert "Rejected recommendations will only be removed from the list after being reported to the" in content
    assert 'value="Democratic Support Officer"' in content and 'value="emily.goodwin@example.org"' in content
    assert "It has not been saved yet" in content
    assert not CommitteePaper.objects.exists()  # opening it writes nothing


def test_the_contact_is_the_signed_in_person_when_the_body_has_no_officer(world, settings):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = True
    Membership.objects.filter(role=MembershipRole.OFFICER).delete()
    me = PersonFactory(name="Mark Pirnie", job_title="Scrutiny Manager", email="mark@example.org")
    draft = paper_draft(world["meeting"], person=me)
    assert (draft.contact_name, draft.contact_title, draft.contact_email) == (
        "Mark Pirnie",
        "Scrutiny Manager",
        "mark@example.org",
    )


def form_data(paper_or_draft, **changes):
    from reports.papers.forms import CommitteePaperForm

    form = CommitteePaperForm(instance=paper_or_draft)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if name == "appendices":
            data[name] = list(value or [])
        elif value is not None:
            data[name] = value
    data.update(changes)
    return data


def test_the_edited_paper_is_saved_and_appears_in_the_pdf(world, support_client):
    url = reverse("committee_paper", args=[world["meeting"].pk])
    draft = paper_draft(world["meeting"], person=world["support"])
    data = form_data(draft, agenda_item="7", brief_summary="A summary written by democratic support.")
    data["appendices"] = ["rag"]
    response = support_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    paper = CommitteePaper.objects.get(meeting=world["meeting"])
    assert (paper.agenda_item, paper.brief_summary, paper.version) == (
        "7",
        "A summary written by democratic support.",
        1,
    )
    assert paper.include_rag_summary and not paper.include_since_last
    assert paper.updated_by == world["support"]

    preview = job_from(support_client.post(reverse("committee_paper_preview", args=[world["meeting"].pk])))
    run_pending_jobs()  # the PDF is laid out by a background job
    response = support_client.get(reverse("job_download", args=[preview.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "A summary written by democratic support." in text
    assert "Agenda Item 7" in text and "Draft, not published" in text
    assert not PublishedPaper.objects.exists()  # a preview is not published


def test_saving_over_somebody_elses_change_is_refused_and_keeps_the_typing(world, support_client):
    paper = saved_paper(world["meeting"], world["support"])
    url = reverse("committee_paper", args=[world["meeting"].pk])
    opened = form_data(paper)
    first = support_client.post(url, {**opened, "subject": "Their subject"})
    assert first.status_code == 302
    second = support_client.post(url, {**opened, "subject": "My subject"})
    assert second.status_code == 409  # as every form that loses an edit conflict
    content = second.content.decode()
    assert "Somebody else saved this paper" in content and 'value="My subject"' in content
    their_changes = content[content.index('id="edit-conflict"') :]
    assert "Subject" in their_changes and "Their subject" in their_changes  # what they changed, in words
    paper.refresh_from_db()
    assert paper.subject == "Their subject" and paper.version == 2


def test_a_paper_must_have_an_agenda_item_number(world, support_client):
    url = reverse("committee_paper", args=[world["meeting"].pk])
    response = support_client.post(url, form_data(paper_draft(world["meeting"], person=None), agenda_item=""))
    assert response.status_code == 400
    assert "Enter the agenda item number" in response.content.decode()
    assert not CommitteePaper.objects.exists()


def test_publishing_keeps_the_pdf_and_the_download_returns_the_identical_bytes(world, support_client):
    saved_paper(world["meeting"], world["support"])
    response = support_client.post(reverse("committee_paper_pdf", args=[world["meeting"].pk]))
    job = job_from(response)
    assert not PublishedPaper.objects.exists()  # not in the request: by a background job
    run_pending_jobs()
    job.refresh_from_db()
    record = PublishedPaper.objects.get()
    assert job.status == "succeeded" and job.result_url == reverse("published_paper_download", args=[record.pk])
    assert record.created_by == world["support"] and record.meeting == world["meeting"]
    assert record.title == (
        "Children and Families Scrutiny Panel, 4 November 2021: Agenda Item 9, Monitoring scrutiny recommendations"
    )

    reader = Client()
    reader.force_login(world["councillor"].user)  # papers are public: anyone signed in
    download = reader.get(reverse("published_paper_download", args=[record.pk]))
    assert download.status_code == 200
    assert download.content == bytes(record.content)
    assert hashlib.sha256(download.content).hexdigest() == record.sha256 and len(download.content) == record.size
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith(
        'attachment; filename="children-and-families-scrutiny-panel-2021-11-04-agenda-item-9-published-'
    )
    assert download["ETag"] == f'"{record.sha256}"'
    assert download["Digest"].startswith("sha-256=")
    assert reader.get(download.wsgi_request.path, HTTP_IF_NONE_MATCH=download["ETag"]).status_code == 304

    listing = support_client.get(reverse("committee_paper", args=[world["meeting"].pk])).content.decode()
    meeting_page = reader.get(reverse("meeting_detail", args=[world["meeting"].pk])).content.decode()
    for page in (listing, meeting_page):
        assert reverse("published_paper_download", args=[record.pk]) in page and record.title in page


def test_publishing_needs_a_saved_paper(world, support_client):
    response = support_client.post(reverse("committee_paper_pdf", args=[world["meeting"].pk]))
    assert response.status_code == 302
    assert not PublishedPaper.objects.exists()


# --- Permissions ------------------------------------------------------------------------------------


def test_only_managers_edit_preview_and_publish_papers(world, client):
    saved_paper(world["meeting"], world["support"])
    edit = reverse("committee_paper", args=[world["meeting"].pk])
    posted = [  # previewing and publishing are asked for with a POST, and done by a job
        reverse("committee_paper_pdf", args=[world["meeting"].pk]),
        reverse("committee_paper_preview", args=[world["meeting"].pk]),
    ]
    for url in [edit, *posted]:
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    panel_member = Client()
    panel_member.force_login(world["councillor"].user)
    assert panel_member.get(edit).status_code == 403
    for url in [edit, *posted]:
        assert panel_member.post(url, {"agenda_item": "1"}).status_code == 403
    for url in posted:
        assert panel_member.get(url).status_code == 405
    assert run_pending_jobs() == 0
    assert CommitteePaper.objects.get().agenda_item == "9" and not PublishedPaper.objects.exists()
    assert (
        reverse("committee_paper", args=[world["meeting"].pk])
        not in panel_member.get(reverse("meeting_monitoring", args=[world["meeting"].pk])).content.decode()
    )


def test_a_download_needs_signing_in_and_a_missing_paper_is_not_found(world, client, support_client):
    assert client.get(reverse("published_paper_download", args=[1])).status_code == 302
    assert support_client.get(reverse("published_paper_download", args=[999999])).status_code == 404
    assert support_client.get(reverse("committee_paper", args=[999999])).status_code == 404


def test_the_monitoring_list_links_managers_to_the_paper(world, support_client):
    page = support_client.get(reverse("meeting_monitoring", args=[world["meeting"].pk])).content.decode()
    assert reverse("committee_paper", args=[world["meeting"].pk]) in page


# --- The plan report ---------------------------------------------------------------------------------


def test_the_plan_report_holds_the_plan_its_recommendations_and_actions(world, settings):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = False
    settings.TRACKER_AS_AT = DAY(2021, 11, 4)
    reader = Client()
    reader.force_login(world["councillor"].user)  # a member of the owning body may read the plan
    plan_page = reader.get(reverse("plan_detail", args=[world["plan"].pk])).content.decode()
    assert reverse("plan_report_pdf", args=[world["plan"].pk]) in plan_page
    job = job_from(reader.post(reverse("plan_report_pdf", args=[world["plan"].pk])))
    run_pending_jobs()  # the PDF is laid out by a background job
    response = reader.get(reverse("job_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert in_order(
        text,
        [
            "MONITORING SCRUTINY RECOMMENDATIONS 2021-22",
            "Owned by Children and Families Scrutiny Panel",
            "Lead Democratic Support Officer",
            "As at 4 November 2021",
            "OFSTED FOCUSED LETTER",
            world["rows"][0][2],
            world["rows"][0][5],
            "Amber: At risk",
            "EDUCATIONAL ATTAINMENT",
            "1) " + world["rows"][1][2],
            "2) " + world["rows"][2][2],
            world["rows"][2][5],
            "Blue: Complete",
        ],
    ), text
    assert "Democratic Support Officer (lead)" in text and "Emily Goodwin" not in text  # a junior officer
    reader_pdf = PdfReader(io.BytesIO(response.content))
    assert reader_pdf.trailer["/Root"]["/MarkInfo"]["/Marked"] == BooleanObject(True)
    assert reader_pdf.trailer["/Root"]["/Lang"] == "en-GB"
    assert reader_pdf.metadata.title == "Progress report: Monitoring scrutiny recommendations 2021-22"
    assert reader_pdf.metadata.author == "Children and Families Scrutiny Panel"
    assert reader_pdf.metadata.subject.startswith("Progress on the actions of")


def test_the_plan_report_names_junior_officers_when_the_setting_is_on(world, settings):
    settings.TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = True
    html = plan_report_html(plan=plans_for_page().get(pk=world["plan"].pk))
    assert "Emily Goodwin, Democratic Support Officer (lead)" in html


def test_the_plan_report_is_not_found_for_an_outsider(world, client):
    outsider = PersonFactory(name="Police Officer", user=UserFactory(username="outsider"))
    client.force_login(outsider.user)
    assert client.post(reverse("plan_report_pdf", args=[world["plan"].pk])).status_code == 404
    assert client.post(reverse("plan_report_pdf", args=[999999])).status_code == 404
    assert run_pending_jobs() == 0


def test_the_plan_report_escapes_text_from_users(world):
    world["plan"].summary = "<script>alert('plan')</script>"
    world["plan"].save()
    html = plan_report_html(plan=plans_for_page().get(pk=world["plan"].pk))
    assert "&lt;script&gt;alert(&#x27;plan&#x27;)&lt;/script&gt;" in html and "<script>" not in html


# --- Queries -----------------------------------------------------------------------------------------


def count_queries(make):
    with CaptureQueriesContext(connection) as queries:
        make()
    return len(queries)


def test_making_the_paper_takes_the_same_queries_for_5_or_50_items(world):
    paper = saved_paper(world["meeting"], world["support"], include_rag_summary=True, include_since_last=True)
    add_items(world, 2)  # 5 items on the list
    paper = CommitteePaper.objects.select_related("meeting__body__organisation").get(pk=paper.pk)
    few = count_queries(lambda: committee_paper_pdf(paper))
    add_items(world, 45)  # 50 items
    paper = CommitteePaper.objects.select_related("meeting__body__organisation").get(pk=paper.pk)
    many = count_queries(lambda: committee_paper_pdf(paper))
    assert few == many


def test_making_the_plan_report_takes_the_same_queries_for_5_or_50_actions(world):
    add_items(world, 2)
    few = count_queries(lambda: plan_report_pdf(plan=plans_for_page().get(pk=world["plan"].pk)))
    add_items(world, 45)
    many = count_queries(lambda: plan_report_pdf(plan=plans_for_page().get(pk=world["plan"].pk)))
    assert few == many


# --- The table of contents: a long document is laid out once ------------------------------------------


@pytest.fixture
def layouts(monkeypatch):
    """The HTML of every layout WeasyPrint does, in order."""
    laid_out = []
    real = pdf._document

    def spy(html):
        laid_out.append(html)
        return real(html)

    monkeypatch.setattr(pdf, "_document", spy)
    return laid_out


def contents_page_of(pages: list[str], entry: str) -> int:
    """The page number the table of contents gives for an entry (after its dot leader)."""
    found = re.search(re.escape(entry) + r"[ .]*?(\d+)\b", " ".join(pages))
    assert found, pages[0]
    return int(found.group(1))


def first_page_with(pages: list[str], text: str) -> int:
    return next(number for number, page in enumerate(pages, 1) if text in page)


def test_a_long_paper_is_laid_out_once_with_a_table_of_contents_giving_the_right_pages(world, layouts):
    add_items(world, 40)
    paper = saved_paper(world["meeting"], world["support"], include_rag_summary=True, include_since_last=True)
    pages = page_texts(committee_paper_pdf(paper))
    assert len(pages) > pdf.LONG_DOCUMENT_PAGES
    assert len(layouts) == 1
    assert "CONTENTS" in pages[0]
    for entry, heading in (
        ("Cover report", "MONITORING SCRUTINY RECOMMENDATIONS"),
        ("Appendix 1: Monitoring Scrutiny Recommendations – 4 November 2021", "APPENDIX 1:"),
        ("Appendix 2: RAG summary as at 4 November 2021", "APPENDIX 2:"),
        ("Appendix 3: What changed since the meeting of 30 September 2021", "APPENDIX 3:"),
    ):
        assert contents_page_of(pages, entry) == first_page_with(pages, heading), entry


def test_a_short_paper_has_no_table_of_contents(world, layouts):
    paper = saved_paper(world["meeting"], world["support"])
    pages = page_texts(committee_paper_pdf(paper))
    assert len(pages) <= pdf.LONG_DOCUMENT_PAGES
    assert "CONTENTS" not in " ".join(pages)
    assert 'class="contents"' not in layouts[-1]


def test_a_long_plan_report_is_laid_out_once_with_a_table_of_contents(world, layouts):
    add_items(world, 40)
    pages = page_texts(plan_report_pdf(plan=plans_for_page().get(pk=world["plan"].pk)))
    assert len(pages) > pdf.LONG_DOCUMENT_PAGES
    assert len(layouts) == 1
    assert "CONTENTS" in pages[0]


# --- The demo: seed 002's paper ----------------------------------------------------------------------

SEED_002_ROWS = [
    ("Ofsted Focused Letter", "That the Cabinet Member for Education lobbies the Government", "Partially complete"),
    (
        "Educational Attainment",
        "1) That the Executive Director engages with the leadership of Oasis",
        "Partially complete",
    ),
    ("Educational Attainment", "2) That, if available, the Panel are provided with an overview", "Outstanding"),
    ("Educational Attainment", "3) That the latest available school attendance data", "Complete"),
    ("Educational Attainment", "4) That available KS4 attainment data", "Complete"),
    ("Educational Attainment", "5) That, to develop understanding of the attainment", "Complete"),
    ("Post 16 Provision and Participation", "1) That analysis is undertaken of Post 16 performance", "Complete"),
    ("Post 16 Provision and Participation", "2) That, in addition to seeking to learn from best practice", "Complete"),
    ("Post 16 Provision and Participation", "3) That analysis is undertaken to improve our understanding", "Complete"),
    ("Post 16 Provision and Participation", "4) That the Panel are provided with data that enables", "Complete"),
    ("Performance", "1) That feedback is provided on the relatively high levels of missing children", "Complete"),
    ("Performance", "2) The number of Single Assessments completed has been low", "Complete"),
]


@pytest.fixture(scope="module")
def demo_paper(django_db_setup, django_db_blocker):
    """Seed 002's paper, made from the demo: loaded once for the module, then rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        meeting = Meeting.objects.select_related("body__organisation").get(
            body__name="Children and Families Scrutiny Panel", date=DAY(2021, 11, 4)
        )
        paper = saved_paper(meeting, None)
        content = committee_paper_pdf(paper)
        transaction.set_rollback(True)
    return content


def test_the_demo_paper_for_4_november_2021_holds_the_12_rows_of_seed_002(demo_paper):
    text = pdf_text(demo_paper)
    appendix = text[text.index("APPENDIX 1: MONITORING SCRUTINY RECOMMENDATIONS – 4 NOVEMBER 2021") :]
    parts = []
    current_title = None
    for title, proposed, state in SEED_002_ROWS:
        if title != current_title:
            parts.append(title)
            current_title = title
        parts += [proposed, state]
    assert in_order(appendix, parts), appendix
    assert in_order(appendix, ["17/06/21", "Ofsted Focused Letter", "30/09/21", "Educational Attainment"])
    states = re.findall(r"\b(Partially complete|Outstanding|Complete)\b", appendix)
    assert len(states) == 12
    assert in_order(text, HEADINGS)


def test_the_demo_paper_carries_measures_that_matter_and_seed_002s_jigsaw_tables_cell_by_cell(demo_paper):
    """Issue 10's "done when": the 4 November 2021 paper carries a "Measures that matter"
    appendix; and item 6's three Jigsaw tables come back out as a monthly appendix, every one of
    their 63 figures in its row, in the order of its columns, as seed 002 prints them."""
    from reports.papers.measures import figure_cell
    from tests.project.test_demo_data import jigsaw_cells_from_the_paper

    text = pdf_text(demo_paper)
    assert in_order(
        text,
        [
            "Appendices",
            "1. Monitoring Scrutiny Recommendations – 4 November 2021",
            "2. Measures that matter as at 4 November 2021",
            "3. Key performance data, April – October 2021",
        ],
    )
    measures = text[text.index("APPENDIX 2: MEASURES THAT MATTER AS AT 4 NOVEMBER 2021") : text.index("APPENDIX 3:")]
    assert in_order(
        measures, ["Jigsaw visits: In", "237 (90%)", "19 October 2021", "Improving, from 84% in September 2021"]
    )
    assert "Core data set" in measures  # Appendix 2's proposed core data set of the panel
    monthly = text[text.index("APPENDIX 3: KEY PERFORMANCE DATA, APRIL – OCTOBER 2021") :]
    rows: dict[str, dict] = {}
    cells = jigsaw_cells_from_the_paper()
    assert len(cells) == 63
    for name, day, count, figure in cells:  # the children open to Jigsaw: printed under each table, one row here
        rows.setdefault(name, {})[day] = figure_cell("percentage" if count is not None else "count", figure, count)
    for name, by_day in rows.items():
        assert in_order(monthly, [name, *[by_day[day] for day in sorted(by_day)]]), name
    assert in_order(monthly, ["Jigsaw visits: In", "196 (87%)", "202 (83%)", "217 (86%)"])


def test_the_next_meetings_paper_shows_the_panels_earlier_decisions_and_when_a_rejection_was_reported(world):
    """Seed 002 item 9: items not accepted as complete come back to the next meeting, and rejected
    recommendations leave the list only after being reported; the paper says what was decided when."""
    rejected = RecommendationFactory(
        source=world["september"],
        label="3)",
        text="That a new team is funded.",
        position=4,
        response_decision=ResponseDecision.REJECTED,
        response_text="No budget this year.",
    )
    circulated = world["september"].recommendations.get(label="2)")
    decisions_record(
        meeting=world["meeting"],
        by=None,
        decisions={f"r{circulated.pk}": (D.NOT_ACCEPTED, "The data left out academies.")},
    )
    later = MeetingFactory(body=world["body"], date=DAY(2021, 11, 25))
    decisions_record(meeting=later, by=None, decisions={f"r{rejected.pk}": (D.REJECTION_REPORTED, "")})
    html = committee_paper_html(saved_paper(later, world["support"]))
    row = html[html.index("That the latest school attendance data is circulated") :]
    row = row[: row.index("</tr>")]
    assert "Complete" in row and "Not accepted as complete on 4 November 2021: The data left out academies." in row
    row = html[html.index("That a new team is funded.") :]
    row = row[: row.index("</tr>")]
    assert "Rejected recommendation reported to the panel on 25 November 2021; it leaves the list." in row
    # Nothing was decided before 4 November: that paper's rows carry no earlier decision.
    assert "on 4 November 2021" not in committee_paper_html(saved_paper(world["meeting"], world["support"]))
