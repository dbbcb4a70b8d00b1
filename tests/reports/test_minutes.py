"""The minutes extract: a meeting's decisions on its monitoring list as numbered resolutions,
on a page to copy from and in a Word document, both from the one text model."""

import datetime
import io
from html.parser import HTMLParser

import docx
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from actionplans.demo import load_demo
from actionplans.meetings.lists import decisions_record, monitoring_list
from actionplans.meetings.models import SignOffDecision as D
from actionplans.plans.rag import ActionStatus, Rag
from partners.models import BodyKind, Meeting
from recommendations.models import ResponseDecision
from reports.minutes import body_noun, resolutions
from reports.minutes.resolutions import NO_DECISIONS, NOTHING_ON_THE_LIST, REMAINING, letters, roman
from reports.minutes.word import CONTENT_TYPE
from tests.factories import (
    ActionFactory,
    BodyFactory,
    MeetingFactory,
    PlanFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date
MADE, MEETING, LATER = DAY(2021, 9, 30), DAY(2021, 11, 4), DAY(2021, 11, 25)


def noon(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


class World:
    """A body's September recommendations and the November meeting that decides on them."""

    def __init__(self, body=None, *, kind=BodyKind.SCRUTINY_PANEL, name=None, plan=""):
        self.body = body or BodyFactory(name=name, kind=kind)
        self.meeting = MeetingFactory(body=self.body, date=MEETING)
        self.later = MeetingFactory(body=self.body, date=LATER)
        self.source = SourceFactory(
            made_by=self.body,
            meeting=MeetingFactory(body=self.body, date=MADE),
            date=MADE,
            title="Educational Attainment",
        )
        self.plan = PlanFactory(owning_body=self.body, title=plan or "Educational attainment plan")
        self.plan.sources.add(self.source)

    def recommendation(self, label, text, *, complete=False, rejected=False, parent=None):
        extra = {"response_decision": ResponseDecision.REJECTED, "response_text": "No budget."} if rejected else {}
        recommendation = RecommendationFactory(source=self.source, label=label, text=text, parent=parent, **extra)
        if not rejected:
            action = ActionFactory(plan=self.plan, recommendation=recommendation, created_at=noon(MADE))
            status, rag = (ActionStatus.COMPLETE, Rag.BLUE) if complete else (ActionStatus.IN_PROGRESS, Rag.GREEN)
            ProgressUpdateFactory(action=action, reported_at=noon(DAY(2021, 10, 20)), status=status, rag=rag)
        return recommendation

    def decide(self, decisions, meeting=None):
        decisions_record(
            meeting=meeting or self.meeting,
            by=None,
            decisions={f"r{item.pk}": (decision, comment) for item, (decision, comment) in decisions.items()},
        )


@pytest.fixture
def world(world, db):
    """The September recommendations and November meeting of the Children and Families
    Scrutiny Panel (tests/worlds.py)."""
    return World(world["families_panel"])


@pytest.fixture
def decided(world):
    """One item for each kind of decision, one with none, a sub-item, and an action with no recommendation."""
    kept = world.recommendation("1)", "That the Executive Director engages with Oasis Community Learning.")
    undecided = world.recommendation("2)", "That the Panel are provided with an overview of KS4/5 grades.")
    accepted = world.recommendation(
        "3)", "That the latest available school attendance data is circulated to the Panel.", complete=True
    )
    not_accepted = world.recommendation("4)", "That KS4 data on home-educated children is circulated.", complete=True)
    rejected = world.recommendation("5)", "That a new team is funded.", rejected=True)
    parent = RecommendationFactory(source=world.source, label="6)", text="That, on NEETs:")
    sub_item = world.recommendation("a)", "Officers liaise with Bristol City Council.", parent=parent)
    ActionFactory(
        plan=world.plan, recommendation=None, reference="7.1", description="Visit the Virtual School.",
        created_at=noon(DAY(2021, 10, 1)),
    )  # fmt: skip
    world.decide(
        {
            kept: (D.CARRIED_FORWARD, "Report back in March 2022."),
            accepted: (D.ACCEPTED_COMPLETE, ""),
            not_accepted: (D.NOT_ACCEPTED, "The data was incomplete."),
            rejected: (D.REJECTION_REPORTED, ""),
            sub_item: (D.CARRIED_FORWARD, ""),
        }
    )
    del undecided
    return world


class TestResolutions:
    def test_each_kind_of_decision_makes_its_numbered_clause_in_the_minutes_style(self, decided):
        extract = resolutions(decided.meeting)
        assert [line.plain for line in extract.lines] == [
            "RESOLVED:",
            "(i) that the Panel accepted the following as complete and agreed that it be removed from the list:",
            "(a) 30/09/21 Educational Attainment, recommendation 3) “That the latest available school attendance "
            "data is circulated to the Panel.”;",
            "(ii) that the Panel did not accept the following as complete, and asked that it be reported back to "
            "the next meeting:",
            "(a) 30/09/21 Educational Attainment, recommendation 4) “That KS4 data on home-educated children is "
            "circulated.” – with the Panel’s comment: “The data was incomplete.”;",
            "(iii) that the following rejected recommendation had been reported to the Panel and be removed from "
            "the list:",
            "(a) 30/09/21 Educational Attainment, recommendation 5) “That a new team is funded.”; and",
            "(iv) that the following items remain on the list and be reported back to the next meeting:",
            "(a) 30/09/21 Educational Attainment, recommendation 1) “That the Executive Director engages with "
            "Oasis Community Learning.” – with the Panel’s comment: “Report back in March 2022.”;",
            "(b) 30/09/21 Educational Attainment, recommendation 2) “That the Panel are provided with an overview "
            "of KS4/5 grades.”;",
            "(c) 30/09/21 Educational Attainment, recommendation 6) a) “Officers liaise with Bristol City Council.”;",
            "(d) 01/10/21 Educational attainment plan, action 7.1 “Visit the Virtual School.”",
        ]
        assert extract.heading == (
            "Children and Families Scrutiny Panel",
            "Meeting held on 4 November 2021",
            "Monitoring scrutiny recommendations",
        )
        assert extract.text.startswith("RESOLVED:\n(i) that the Panel accepted")

    def test_clauses_without_items_are_left_out_and_the_numbering_stays_consecutive(self, world):
        rejected = world.recommendation("1)", "That a new team is funded.", rejected=True)
        kept = world.recommendation("2)", "That data is shared")
        world.decide({rejected: (D.REJECTION_REPORTED, ""), kept: (D.CARRIED_FORWARD, "")})
        extract = resolutions(world.meeting)
        assert [clause.kind for clause in extract.clauses] == [D.REJECTION_REPORTED, REMAINING]
        assert [(line.level, line.number) for line in extract.lines] == [(0, ""), (1, "(i)"), (2, "(a)")] + [
            (1, "(ii)"),
            (2, "(a)"),
        ]
        assert extract.lines[1].text.startswith("that the following rejected recommendation had been reported")
        assert extract.lines[2].text.endswith("“That a new team is funded.”; and")
        assert extract.lines[4].text.endswith("“That data is shared”.")

    def test_one_clause_alone_ends_with_a_full_stop_and_nothing_remains_when_all_leave(self, world):
        first = world.recommendation("1)", "First.", complete=True)
        second = world.recommendation("2)", "Second.", complete=True)
        world.decide({first: (D.ACCEPTED_COMPLETE, ""), second: (D.ACCEPTED_COMPLETE, "")})
        lines = [line.plain for line in resolutions(world.meeting).lines]
        assert lines == [
            "RESOLVED:",
            "(i) that the Panel accepted the following as complete and agreed that they be removed from the list:",
            "(a) 30/09/21 Educational Attainment, recommendation 1) “First.”;",
            "(b) 30/09/21 Educational Attainment, recommendation 2) “Second.”",
        ]

    def test_a_not_accepted_clause_with_several_items_each_has_its_comment(self, world):
        first = world.recommendation("1)", "First.", complete=True)
        second = world.recommendation("", "Second.", complete=True)
        world.decide({first: (D.NOT_ACCEPTED, "Too late."), second: (D.NOT_ACCEPTED, "Not\nenough.")})
        lines = [line.plain for line in resolutions(world.meeting).lines]
        assert lines[1] == (
            "(i) that the Panel did not accept the following as complete, and asked that they be reported back "
            "to the next meeting:"
        )
        assert lines[2:] == [
            "(a) 30/09/21 Educational Attainment, recommendation 1) “First.” – with the Panel’s comment: “Too late.”;",
            "(b) 30/09/21 Educational Attainment, recommendation “Second.” – with the Panel’s comment: “Not enough.”",
        ]

    def test_no_decisions_recorded_says_so_instead_of_resolving_anything(self, world):
        world.recommendation("1)", "First.")
        extract = resolutions(world.meeting)
        assert extract.clauses == () and extract.lines == []
        assert extract.text == NO_DECISIONS == extract.message
        assert "No decisions" in NO_DECISIONS

    def test_decisions_of_another_meeting_are_not_this_meetings_resolutions(self, decided):
        assert resolutions(decided.later).message == NO_DECISIONS

    def test_an_empty_list_says_so(self, world):
        assert resolutions(world.meeting).message == NOTHING_ON_THE_LIST

    def test_text_is_quoted_in_full_on_one_line_without_characters_a_document_cannot_hold(self, world):
        long_text = "That the Panel " + "considers the evidence " * 40 + "in full."
        item = world.recommendation("1)", long_text + "\n\nSecond\tparagraph.\x0b\x01", complete=True)
        world.decide({item: (D.ACCEPTED_COMPLETE, "")})
        line = resolutions(world.meeting).lines[2].text
        assert line.endswith(f"“{long_text} Second paragraph.”")

    @pytest.mark.parametrize(
        ("kind", "noun"),
        [
            (BodyKind.SCRUTINY_PANEL, "the Panel"),
            (BodyKind.PARTNERSHIP_BOARD, "the Board"),
            (BodyKind.TRUST_BOARD, "the Board"),
            (BodyKind.CABINET, "Cabinet"),
            (BodyKind.STEERING_GROUP, "the Group"),
            (BodyKind.OTHER, "the meeting"),
        ],
    )
    def test_the_body_is_named_by_its_kind(self, kind, noun):
        assert body_noun(kind) == noun

    def test_cabinet_resolutions_name_cabinet(self):
        world = World(kind=BodyKind.CABINET, name="Cabinet")
        item = world.recommendation("1)", "First.", complete=True)
        world.decide({item: (D.NOT_ACCEPTED, "Needs more.")})
        lines = [line.plain for line in resolutions(world.meeting).lines]
        assert lines[1].startswith("(i) that Cabinet did not accept the following as complete")
        assert lines[2].endswith("– with Cabinet’s comment: “Needs more.”")

    def test_numbers(self):
        assert [roman(n) for n in (1, 2, 3, 4, 5, 9, 14, 40)] == ["i", "ii", "iii", "iv", "v", "ix", "xiv", "xl"]
        assert [letters(n) for n in (1, 2, 26, 27, 52, 53)] == ["a", "b", "z", "aa", "az", "ba"]


# --- the page and the document ---------------------------------------------------------------


class InsetParagraphs(HTMLParser):
    """The text of each paragraph in the page's copy block, as a reader would select it."""

    def __init__(self):
        super().__init__()
        self.inside = False
        self.current = None
        self.paragraphs = []

    def handle_starttag(self, tag, attrs):
        if dict(attrs).get("id") == "minutes-text":
            self.inside = True
        elif self.inside and tag == "p":
            self.current = []

    def handle_endtag(self, tag):
        if tag == "p" and self.current is not None:
            self.paragraphs.append(" ".join("".join(self.current).split()))
            self.current = None
        elif tag == "div" and self.inside:
            self.inside = False

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def page_paragraphs(html: str) -> list[str]:
    parser = InsetParagraphs()
    parser.feed(html)
    return parser.paragraphs


def docx_paragraphs(content: bytes) -> list[str]:
    return [" ".join(paragraph.text.split()) for paragraph in docx.Document(io.BytesIO(content)).paragraphs]


def extract_url(meeting):
    return reverse("meeting_minutes_extract", args=[meeting.pk])


def docx_url(meeting):
    return reverse("meeting_minutes_docx", args=[meeting.pk])


class TestPages:
    def test_any_signed_in_user_reads_the_page_with_the_resolutions_ready_to_copy(self, decided, outsider_client):
        response = outsider_client.get(extract_url(decided.meeting))
        assert response.status_code == 200
        page = response.content.decode()
        expected = [line.plain for line in resolutions(decided.meeting).lines]
        assert page_paragraphs(page) == expected
        assert f'href="{docx_url(decided.meeting)}"' in page
        # The copy button is hidden until the script shows it; the script is a file, loaded only here.
        assert 'data-copy-target="minutes-text"' in page and "hidden>Copy to clipboard</button>" in page
        assert f'<script type="module" src="{settings.STATIC_URL}js/copy.js"></script>' in page
        assert (settings.BASE_DIR / "static" / "js" / "copy.js").exists()

    def test_the_page_and_the_word_document_hold_the_same_text(self, decided, outsider_client):
        page = outsider_client.get(extract_url(decided.meeting)).content.decode()
        response = outsider_client.get(docx_url(decided.meeting))
        assert response.status_code == 200
        assert response["Content-Type"] == CONTENT_TYPE
        assert response["Content-Disposition"] == (
            'attachment; filename="minutes-extract-children-and-families-scrutiny-panel-2021-11-04.docx"'
        )
        paragraphs = docx_paragraphs(response.content)
        assert paragraphs[:3] == [
            "Children and Families Scrutiny Panel",
            "Meeting held on 4 November 2021",
            "Monitoring scrutiny recommendations",
        ]
        assert paragraphs[3:] == page_paragraphs(page)
        assert len(paragraphs) == 3 + 1 + 4 + 7  # heading, RESOLVED:, clauses, items

    def test_the_word_document_is_arial_with_the_clauses_and_items_indented(self, decided, outsider_client):
        document = docx.Document(io.BytesIO(outsider_client.get(docx_url(decided.meeting)).content))
        for name in ("Normal", "Heading 1", "Heading 2"):
            fonts = document.styles[name].element.rPr.rFonts
            assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Arial", name
            assert fonts.get(qn("w:asciiTheme")) is None, name
        body = document.paragraphs[3:]
        assert body[0].text == "RESOLVED:" and body[0].runs[0].bold
        clause, item = body[1], body[2]
        assert clause.text.startswith("(i)\tthat the Panel accepted")
        assert item.text.startswith("(a)\t30/09/21 Educational Attainment")
        assert item.paragraph_format.left_indent > clause.paragraph_format.left_indent > 0
        assert clause.paragraph_format.first_line_indent < 0  # hanging: the number stands out to the left
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)

    def test_without_decisions_the_page_and_the_document_say_so(self, world, outsider_client):
        world.recommendation("1)", "First.")
        page = outsider_client.get(extract_url(world.meeting)).content.decode()
        assert NO_DECISIONS in page
        assert "RESOLVED:" not in page and "copy.js" not in page
        paragraphs = docx_paragraphs(outsider_client.get(docx_url(world.meeting)).content)
        assert paragraphs[3:] == [NO_DECISIONS]

    def test_user_text_is_escaped_on_the_page_and_kept_as_typed_in_the_document(self, world, outsider_client):
        item = world.recommendation("1)", 'That <script>alert("x")</script> & more.', complete=True)
        world.decide({item: (D.NOT_ACCEPTED, "<b>Not</b> done")})
        page = outsider_client.get(extract_url(world.meeting)).content.decode()
        assert "<script>alert" not in page and "<b>Not</b>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more." in page
        assert "&lt;b&gt;Not&lt;/b&gt; done" in page
        paragraphs = docx_paragraphs(outsider_client.get(docx_url(world.meeting)).content)
        assert paragraphs[5].endswith(
            '“That <script>alert("x")</script> & more.” – with the Panel’s comment: “<b>Not</b> done”.'
        )
        assert paragraphs[3:] == page_paragraphs(page)

    @pytest.mark.parametrize("url", [extract_url, docx_url])
    def test_anonymous_is_sent_to_sign_in(self, world, url):
        response = Client().get(url(world.meeting))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("url", [extract_url, docx_url])
    def test_read_only_pages(self, world, outsider_client, url):
        assert outsider_client.post(url(world.meeting)).status_code == 405

    def test_an_unknown_meeting_is_not_found(self, outsider_client):
        assert outsider_client.get(reverse("meeting_minutes_extract", args=[999999])).status_code == 404
        assert outsider_client.get(reverse("meeting_minutes_docx", args=[999999])).status_code == 404

    def test_the_monitoring_list_links_to_the_extract(self, world, outsider_client):
        page = outsider_client.get(reverse("meeting_monitoring", args=[world.meeting.pk])).content.decode()
        assert f'href="{extract_url(world.meeting)}"' in page


def build_world(count: int, name: str) -> World:
    """count items, cycling through every kind of decision and none, every other one a sub-item."""
    world = World(name=name, plan=f"{name} plan")
    cycle = [D.ACCEPTED_COMPLETE, D.NOT_ACCEPTED, D.REJECTION_REPORTED, D.CARRIED_FORWARD, None]
    decisions = {}
    for index in range(count):
        decision = cycle[index % len(cycle)]
        parent = RecommendationFactory(source=world.source, label=f"{index})", text="On:") if index % 2 else None
        item = world.recommendation(
            "a)" if parent else f"{index})",
            f"Recommendation {index}.",
            complete=decision in (D.ACCEPTED_COMPLETE, D.NOT_ACCEPTED),
            rejected=decision == D.REJECTION_REPORTED,
            parent=parent,
        )
        if decision:
            decisions[item] = (decision, "Comment." if decision == D.NOT_ACCEPTED else "")
    world.decide(decisions)
    return world


@pytest.mark.parametrize("url", [extract_url, docx_url])
def test_queries_do_not_grow_with_the_number_of_items(outsider_client, url):
    few, many = build_world(5, "Panel A"), build_world(50, "Panel B")
    counts = []
    for world in (few, many):
        with CaptureQueriesContext(connection) as queries:
            response = outsider_client.get(url(world.meeting))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
    # Session, user, the viewer's groups, the meeting and body; then resolutions(): previous
    # meeting, recommendations placed, actions placed with their status then, earlier removing
    # decisions, then the items' recommendations, their actions, this meeting's decisions,
    # sub-items' parents; the page adds the signed-in user's person for the header, with
    # their jobs in progress for the menu.
    # The Word download has no page header, so no person.
    assert counts[1] <= (13 if url is extract_url else 12)
    assert len(page_paragraphs(outsider_client.get(extract_url(many.meeting)).content.decode())) == 1 + 4 + 50


def test_demo_walk_through_the_panels_decision_on_the_attendance_data():
    """Seed 002: on 4 November 2021 the Panel accepts the attendance data as circulated."""
    load_demo()
    meeting = Meeting.objects.get(body__name="Children and Families Scrutiny Panel", date=MEETING)
    listing = monitoring_list(meeting)
    attendance = next(item for item in listing.items if item.proposed.startswith("That the latest available school"))
    decisions_record(meeting=meeting, by=None, decisions={attendance.key: (D.ACCEPTED_COMPLETE, "")})
    lines = [line.plain for line in resolutions(meeting).lines]
    assert lines[:4] == [
        "RESOLVED:",
        "(i) that the Panel accepted the following as complete and agreed that it be removed from the list:",
        "(a) 30/09/21 Educational Attainment, recommendation 3) “That the latest available school attendance data "
        "for Southampton schools is circulated to the Panel.”; and",
        "(ii) that the following items remain on the list and be reported back to the next meeting:",
    ]
    assert lines[4].startswith("(a) 17/06/21 Ofsted Focused Letter, recommendation “That the Cabinet Member")
    assert len(lines) == len(listing.items) + 3
