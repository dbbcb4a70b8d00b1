"""The demo data: every paper is there, verbatim, with the right counts, and loading is idempotent."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.db import transaction

from actionplans.demo import DEMO_DIR, ILLUSTRATIVE_PREFIX, load_demo
from actionplans.measures.models import Measure, MeasureTarget, MeasureValue
from actionplans.plans.models import Action, Plan, ProgressUpdate
from partners.access import DEMOCRATIC_SUPPORT_GROUP
from partners.models import Attendance, Body, Meeting, Membership, Person
from recommendations.models import Recommendation, Source
from tests.factories import UserFactory

# The five source papers the demo is transcribed from, as text (see fixtures/README.md).
SEEDS_DIR = Path(__file__).resolve().parents[2] / "fixtures" / "sources"
AS_AT = datetime.date(2021, 11, 4)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        report = load_demo()
        yield report
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9%£]+", text.lower())


def ngrams(tokens: list[str], size: int = 8) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + size]) for i in range(max(len(tokens) - size + 1, 1))}


@pytest.fixture(scope="module")
def seed_ngrams():
    papers = sorted(SEEDS_DIR.glob("*.txt"))
    assert len(papers) == 5, f"expected the five source papers in {SEEDS_DIR}, found {len(papers)}"
    grams = set()
    for path in papers:
        grams |= ngrams(words(path.read_text(encoding="utf-8")))
    return grams


def source_recommendations(reference):
    return Recommendation.objects.filter(source__reference=reference)


def test_every_paper_is_loaded(demo):
    assert len(demo.files) == 6
    assert Source.objects.count() == 9
    assert Plan.objects.count() == 6


def test_loading_twice_changes_nothing(demo):
    counts = [
        model.objects.count() for model in (Person, Body, Meeting, Source, Recommendation, Action, ProgressUpdate)
    ]
    second = load_demo()
    assert second.created == {}
    assert counts == [
        model.objects.count() for model in (Person, Body, Meeting, Source, Recommendation, Action, ProgressUpdate)
    ]


class TestSeed000SouthamptonInquiry:
    def test_recommendations_a_to_g_with_sub_items_as_printed(self, demo):
        recommendations = source_recommendations("SCC-APA-2009")
        top = list(recommendations.filter(parent=None).values_list("label", flat=True))
        assert top == ["a)", "b)", "c)", "d)", "d)", "e)", "g)"]
        c = recommendations.get(label="c)")
        assert list(c.children.values_list("label", flat=True)) == ["i)", "ii)"]
        assert recommendations.count() == 14

    def test_verbatim_text_and_response(self, demo):
        a = source_recommendations("SCC-APA-2009").get(label="a)")
        assert a.text.startswith("To raise the aspirations of children and young people in Southampton")
        assert a.response_decision == "accepted"
        assert a.response_text == "Cabinet endorses this recommendation."
        assert "Aim Higher awards" in a.current_activity

    def test_several_officers_in_one_cell_become_several_people(self, demo):
        action = Action.objects.get(target_date_text__startswith="i) Information group")
        assert action.lead.name == "Sue Allan"
        assert [p.name for p in action.supporting_officers.all()] == ["Andrew Hind"]

    def test_an_organisation_beside_an_officer_is_their_organisation(self, demo):
        stephanie = Person.objects.get(name="Stephanie Ramsey")
        assert stephanie.organisation.name == "NHS Southampton City"

    def test_free_text_target_dates_kept_and_read(self, demo):
        action = Action.objects.get(target_date_text="Proposals to be reported to CYPTB in January 2010.")
        assert action.lead.name == "Alison Alexander"
        assert action.target_date == datetime.date(2010, 1, 31)

    def test_one_recommendation_can_carry_several_actions(self, demo):
        second_d = source_recommendations("SCC-APA-2009").filter(label="d)", parent=None)[1]
        leads = sorted(second_d.actions.values_list("lead__name", flat=True))
        assert leads == ["Alison Alexander", "Sue Allan"]


class TestSeed001TrustBoardMinutes:
    def test_meeting_and_attendance(self, demo):
        meeting = Meeting.objects.get(body__name="Southampton Children & Young People's Trust Board")
        assert meeting.date == datetime.date(2009, 11, 25)
        by_status = {
            status: set(meeting.attendances.filter(status=status).values_list("person__name", flat=True))
            for status in ("present", "in_attendance", "apologies")
        }
        assert {"Cllr Holmes", "Cllr Walker", "Clive Webster", "Cassie Ellins"} <= by_status["present"]
        assert {"Sue Allan", "Donna Chapman"} <= by_status["in_attendance"]
        assert {"Cllr Matthews", "Gerida Montagu-Munson"} <= by_status["apologies"]
        assert Membership.objects.get(person__name="Cllr Holmes", body=meeting.body).role == "chair"
        assert Attendance.objects.filter(meeting=meeting).count() == 24

    def test_actions_agreed_in_minutes_have_owners_and_no_recommendation(self, demo):
        plan = Plan.objects.get(title="Children & Young People's Trust Board – action log")
        assert plan.actions.count() == 7
        assert not plan.actions.filter(recommendation__isnull=False).exists()
        letter = plan.actions.get(description__contains="write a letter to all social workers")
        assert letter.lead.name == "Cllr Holmes"
        post16 = plan.actions.get(description__contains="Post 16 Interface")
        people = [post16.lead.name] + [p.name for p in post16.supporting_officers.all()]
        assert sorted(people) == ["Alice Wrighton", "Alison Alexander", "Felicity Budgen"]


class TestSeed002PanelMeeting:
    def test_the_4_november_2021_meeting_of_the_panel(self, demo):
        panel = Body.objects.get(name="Children and Families Scrutiny Panel")
        meeting = panel.meetings.get(date=datetime.date(2021, 11, 4))
        assert meeting.time == datetime.time(17, 30)
        assert meeting.venue == "Conference Room 3 - Civic Centre"
        assert Membership.objects.get(body=panel, person__name="Councillor Guthrie").role == "chair"
        assert Membership.objects.filter(body=panel, role="appointed_member").count() == 5

    def test_monitoring_tracker_items_with_their_statuses(self, demo):
        plan = Plan.objects.get(title__startswith="Children and Families Scrutiny Panel – monitoring")
        actions = plan.actions.with_rag(on=AS_AT)
        assert actions.count() == 12
        statuses = sorted(a.latest_status for a in actions)
        assert statuses.count("complete") == 9
        assert statuses.count("partially_complete") == 2
        oasis = actions.get(description__contains="Oasis Community Learning")
        assert oasis.latest_status == "partially_complete"
        titles = set(plan.sources.values_list("title", flat=True))
        assert titles == {
            "Ofsted Focused Letter",
            "Educational Attainment",
            "Post 16 Provision and Participation",
            "Performance",
        }

    def test_monitoring_rows_have_the_officers_the_paper_names_and_no_others(self, demo):
        """The tracker has no Responsible Officer column: a row gets the officer its "Action
        proposed" names, else the one its "Action Taken" says did the work; the rest nobody."""
        plan = Plan.objects.get(title__startswith="Children and Families Scrutiny Panel – monitoring")
        owners = {
            action.reference: action.lead.display_name if action.lead else None
            for action in plan.actions.select_related("lead")
        }
        assert owners == {
            "1": "Cabinet Member for Education",
            "2": "Robert Henderson",
            "3": None,
            "4": "Education Welfare Service Manager",
            "5": None,
            "6": None,
            "7": None,
            "8": "Service Manager – Education Strategy, Planning and Improvement",
            "9": "Service Manager – Education Strategy, Planning and Improvement",
            "10": None,
            "11": "MET Team Manager",
            "12": None,
        }
        assert not Action.supporting_officers.through.objects.filter(action__plan=plan).exists()

    def test_a_round_for_the_next_meeting_asks_the_officers_named_and_lists_the_item_naming_nobody(
        self, demo, demo_as_at
    ):
        from actionplans.meetings.rounds import round_preview

        panel = Body.objects.get(name="Children and Families Scrutiny Panel")
        preview = round_preview(meeting=panel.meetings.get(date=datetime.date(2021, 11, 25)), on=AS_AT)
        assert {officer.person.display_name for officer in preview.officers} == {
            "Cabinet Member for Education",
            "Robert Henderson",
        }
        assert [item.action.reference for item in preview.unowned] == ["3"]

    def test_improvement_plan_actions_with_officers_dates_and_partners(self, demo):
        plan = Plan.objects.get(title="Children and Learning Service Improvement Plan")
        assert plan.lead.name == "Robert Henderson"
        assert plan.actions.count() == 66
        first = plan.actions.get(reference="1")
        assert first.lead.job_title == "HoS Early Help"
        assert [p.job_title for p in first.supporting_officers.all()] == ["Performance Manager"]
        assert first.target_date_text == "31/12/21"
        assert first.target_date == datetime.date(2021, 12, 31)
        assert "Solent NHS Trust" in set(first.partners.values_list("name", flat=True))


class TestSeed003LeicesterJar:
    def test_sixteen_recommendations_grouped_by_timeframe_with_leads(self, demo):
        recommendations = source_recommendations("LCC-JAR-2008")
        assert recommendations.count() == 16
        assert recommendations.get(label="1").group == "For immediate action"
        assert recommendations.get(label="6").group == "For action over the next six months"
        assert recommendations.get(label="16").group == "For action in the longer term"
        assert recommendations.get(label="3").lead.name == "Richard Whitehouse"
        assert recommendations.get(label="4").lead.name == "Andy Smith"

    def test_numbered_actions_of_recommendations_1_to_8(self, demo):
        plan = Plan.objects.get(title="Leicester Joint Area Review Action Plan")
        for label, minimum in {"1": 2, "2": 8, "3": 8, "4": 3, "5": 4, "6": 6, "7": 5, "8": 6}.items():
            assert plan.actions.filter(recommendation__label=label).count() >= minimum, label
        action = plan.actions.get(reference="4.1")
        assert action.target_date_text == "Monthly leading up to 31.3.09"
        assert action.target_date == datetime.date(2009, 3, 31)
        assert action.lead.name == "Peter McEntee"
        assert "national average (95%)" in action.success_criteria
        assert plan.actions.get(reference="1.1").target_date_text == "End August 2008"


class TestSeed004Nottingham:
    def test_rec_1_to_16(self, demo):
        labels = list(source_recommendations("NCC-CYPP-REVIEW-2011").values_list("label", flat=True))
        assert labels == [f"REC {n}" for n in range(1, 17)]
        rec16 = source_recommendations("NCC-CYPP-REVIEW-2011").get(label="REC 16")
        assert (
            rec16.text == "The Partnership will review progress on implementing the CYPP in one year's time (mid -2012)"
        )


def test_every_paper_file_names_its_source_in_the_repository():
    papers = [yaml.safe_load(path.read_text(encoding="utf-8"))["paper"] for path in sorted(DEMO_DIR.glob("0*.yaml"))]
    assert papers == [path.name for path in sorted(SEEDS_DIR.glob("*.txt"))]


def test_texts_are_the_papers_own_words(demo, seed_ngrams):
    """Nearly every run of eight words in a recommendation, action or reported update is in a
    seed paper. The rest are cells the PDF extraction garbled and the transcription mended
    (about 5% today, mostly seed 002's tracker and improvement plan); rewording would show."""
    texts = [r.text for r in Recommendation.objects.all()] + [a.description for a in Action.objects.all()]
    texts += [u.narrative for u in ProgressUpdate.objects.exclude(narrative__startswith=ILLUSTRATIVE_PREFIX)]
    grams = [gram for text in texts for gram in ngrams(words(text)) if len(gram) == 8]
    found = sum(gram in seed_ngrams for gram in grams)
    assert found / len(grams) > 0.93, f"{found} of {len(grams)} eight-word runs found in the seeds"


def test_progress_not_in_the_papers_is_marked_illustrative(demo):
    for update in ProgressUpdate.objects.filter(action__plan__title__startswith="Leicester"):
        assert update.narrative.startswith(ILLUSTRATIVE_PREFIX)


def test_demo_shows_a_mix_of_rag_states_as_at_the_demo_date(demo):
    counts = Action.objects.with_rag(on=AS_AT).rag_counts()
    assert all(counts[colour] >= 5 for colour in ("blue", "green", "amber", "red", "")), counts
    flags = Action.objects.with_rag(on=AS_AT)
    assert flags.filter(is_update_due=True).exists()
    assert flags.filter(is_overdue=True).exists()


def test_demo_accounts_one_for_each_role(demo):
    User = get_user_model()
    officer = User.objects.get(username="officer")
    assert officer.person.name == "Sue Allan"
    assert Action.objects.filter(lead=officer.person).count() >= 3
    lead = User.objects.get(username="lead")
    assert lead.person.led_plans.exists()
    panel = User.objects.get(username="panel")
    assert panel.person.bodies.filter(name="Children and Families Scrutiny Panel").exists()
    support = User.objects.get(username="support")
    assert support.groups.filter(name=DEMOCRATIC_SUPPORT_GROUP).exists()
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    for user in (officer, lead, panel, support, admin):
        assert user.check_password("tracker-demo-2021")


def test_demo_actions_are_dated_by_their_papers_not_by_the_load(demo):
    """Views as at a past date (a meeting's list, RAG over time) must see the demo's actions."""
    assert not Action.objects.filter(created_at__year__gt=2021).exists()
    for update in ProgressUpdate.objects.select_related("action"):
        assert update.action.created_at <= update.reported_at


def test_the_panels_decisions_on_4_november_2021_shape_the_next_meetings_list(demo):
    from actionplans.meetings.lists import decisions_record, monitoring_list
    from actionplans.meetings.models import SignOffDecision
    from actionplans.meetings.signoff import ItemState

    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    november = panel.meetings.get(date=datetime.date(2021, 11, 4))
    listing = monitoring_list(november)
    assert len(listing.items) == 12  # the twelve rows of seed 002's Appendix 1
    assert [group.title for group in listing.groups] == [
        "Ofsted Focused Letter",
        "Educational Attainment",
        "Post 16 Provision and Participation",
        "Performance",
    ]
    complete = [item for item in listing.items if item.state == ItemState.COMPLETE]
    assert len(complete) == 9
    decisions_record(
        meeting=november,
        by=None,
        decisions={item.key: (SignOffDecision.ACCEPTED_COMPLETE, "") for item in complete},
    )
    following = monitoring_list(panel.meetings.get(date=datetime.date(2021, 11, 25)))
    assert len(following.items) == 3
    assert {item.state for item in following.items} == {ItemState.PARTIALLY_COMPLETE, ItemState.OUTSTANDING}


# --- The "done when" walk-throughs, on the demo data ------------------------------------------


@pytest.fixture
def demo_as_at(settings):
    settings.TRACKER_AS_AT = AS_AT


def client_for(username):
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_an_officer_finds_their_actions_posts_an_update_and_sees_it_on_the_plan(demo, demo_as_at):
    from django.urls import reverse

    officer = client_for("officer")
    page = officer.get(reverse("my_actions")).context["page"]
    action = next(a for a in page.actions if not a.is_overdue)
    response = officer.post(
        reverse("progress_update_create", args=[action.pk]),
        {"status": "in_progress", "rag": "amber", "narrative": "Information group meets monthly; ICT scoping delayed."},
    )
    assert response.status_code == 302
    plan_page = officer.get(response["Location"]).content.decode()
    assert "Amber: At risk" in plan_page
    detail = officer.get(action.get_absolute_url()).content.decode()
    assert "ICT scoping delayed." in detail and "Sue Allan" in detail


def test_a_panel_member_reads_the_panels_dashboard_filters_red_items_of_a_lead_and_sees_what_changed(demo, demo_as_at):
    from django.urls import reverse

    panel_member = client_for("panel")
    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    dashboard = panel_member.get(reverse("body_dashboard", args=[panel.pk]))
    assert dashboard.status_code == 200
    assert "Red: Off track" in dashboard.content.decode()
    red = Action.objects.with_rag(on=AS_AT).filter(plan__owning_body=panel, effective_rag="red", lead__isnull=False)
    lead = red.first().lead
    table = panel_member.get(reverse("tracker"), {"rag": "red", "lead_id": lead.pk})
    assert table.status_code == 200
    shown = {action.pk for action in table.context["table"].page.object_list}
    assert shown == set(red.filter(lead=lead).values_list("pk", flat=True))
    november = panel.meetings.get(date=datetime.date(2021, 11, 4))
    changed = panel_member.get(reverse("meeting_since_last", args=[november.pk]))
    assert "since the meeting of 30 September 2021" in changed.content.decode()
    assert changed.context["report"].awaiting_signoff


def test_democratic_support_run_an_update_round_and_record_the_panels_decisions(demo, demo_as_at):
    from django.urls import reverse

    from actionplans.meetings.lists import monitoring_list

    support = client_for("support")
    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    november, later = (
        panel.meetings.get(date=datetime.date(2021, 11, 4)),
        panel.meetings.get(date=datetime.date(2021, 11, 25)),
    )
    response = support.post(reverse("update_round_start", args=[later.pk]), {"deadline": "18/11/2021", "message": ""})
    assert response.status_code == 302
    assert support.get(response["Location"]).status_code == 200
    items = monitoring_list(november).items
    decisions = {f"decision_{item.key}": "accepted_complete" for item in items if item.state == "complete"}
    assert support.post(reverse("meeting_monitoring", args=[november.pk]), decisions).status_code == 302
    assert len(monitoring_list(later).items) == 3


# --- Measures: the papers' indicators and figures ------------------------------------------------

JIGSAW_PAPER = SEEDS_DIR / "002_1abe4c158b6f96f7.txt"
# The Jigsaw tables' titles (seed 002, Agenda Item 6, Appendix 1) and the demo's names for their rows.
JIGSAW_TABLES = {
    "Visits": "Jigsaw visits",
    "Assessment Plans": "Jigsaw assessment plans",
    "Supervisions": "Jigsaw supervisions",
}
CHILDREN_OPEN = "Number of children open to Jigsaw"
MONTHS = {
    name: number
    for number, name in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}


def jigsaw_cells_from_the_paper() -> list[tuple[str, datetime.date, int | None, Decimal]]:
    """Every figure of the three Jigsaw tables, read from the paper's text: (the demo's measure
    name, the column's date, the count or None, the figure: the percentage in brackets, or for
    the number of children open to Jigsaw the number itself)."""
    text = JIGSAW_PAPER.read_text(encoding="utf-8")
    start = text.index("Jigsaw key performance Data")
    block = text[start : text.index("Agenda Item 7", start)]
    cells, table, periods = [], None, []
    for line in block.splitlines():
        row = [cell.strip() for cell in re.sub(r"</?mark>", "", line).split("\t")]
        if len(row) < 2:
            continue
        if row[0] in JIGSAW_TABLES:
            table = row[0]
            periods = []
            for heading in row[1:]:
                month, day = re.fullmatch(r"(\w+) (\d+)\s*(?:st|nd|rd|th)", heading).groups()
                periods.append(datetime.date(2021, MONTHS[month], int(day)))
            continue
        assert len(row) == len(periods) + 1, row
        for period, cell in zip(periods, row[1:], strict=True):
            if row[0] == CHILDREN_OPEN:
                cells.append((CHILDREN_OPEN, period, None, Decimal(cell)))
            else:
                count, percentage = re.fullmatch(r"(\d+) \(([\d.]+)%?\)", cell).groups()
                cells.append((f"{JIGSAW_TABLES[table]}: {row[0]}", period, int(count), Decimal(percentage)))
    return cells


def test_the_demos_jigsaw_figures_are_the_papers_cell_by_cell(demo):
    cells = jigsaw_cells_from_the_paper()
    assert len(cells) == 63  # three tables of seven months: In, Out and the children open to Jigsaw
    held = {
        (value.measure.name, value.period_end): value
        for value in MeasureValue.objects.filter(measure__name__in={name for name, *_ in cells}).select_related(
            "measure"
        )
    }
    for name, period, count, figure in cells:
        value = held[(name, period)]
        assert (value.numerator, value.value, value.denominator) == (count, figure, None), (name, period)
    # The number of children open is printed under each table, the same each time: one measure's 7.
    assert len(held) == 49 == len({(name, period) for name, period, *_ in cells})
    assert held[("Jigsaw visits: In", datetime.date(2021, 4, 30))].formatted == "196 (87%)"
    assert held[("Jigsaw assessment plans: Out/Overdue", datetime.date(2021, 6, 30))].formatted == "130 (45.14%)"


def test_only_the_jigsaw_tables_give_the_demo_figures(demo):
    """Where a paper names a measure but gives no figure, the demo holds the measure with none."""
    assert set(MeasureValue.objects.values_list("measure__name", flat=True)) == {
        name for name, *_ in jigsaw_cells_from_the_paper()
    }
    assert Measure.objects.count() == 65
    assert not Measure.objects.filter(name__in=["Percentage of CLA visits in timescale"]).first().values.exists()


def squeezed(text: str) -> str:
    """Letters and digits only, lower case: how a name is compared with the paper's text, whose
    extraction splits words ("Assessment s") and loses dashes ("0 17-year-olds")."""
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_the_core_data_set_is_appendix_2s_every_indicator_in_order(demo):
    text = JIGSAW_PAPER.read_text(encoding="utf-8")
    start = text.index("Proposed Core Data Set Key Performance Indicators")
    printed = [
        line[2:] for line in text[start : text.index("Agenda Item 8", start)].splitlines() if line.startswith("- ")
    ]
    assert len(printed) == 32
    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    core = list(Measure.objects.filter(core_data_set_of=panel).order_by("position"))
    assert [squeezed(m.name) for m in core] == [squeezed(name) for name in printed]
    assert all(m.plan.title == "Children and Learning Service Improvement Plan" for m in core)
    assert not any(m.values.exists() or m.targets.exists() for m in core)


def test_the_measures_that_matter_names_are_the_papers(demo):
    paper = squeezed(JIGSAW_PAPER.read_text(encoding="utf-8"))
    quoted = [
        re.search(r'"Measures that matter" tables: "(.*)"', m.description).group(1)
        for m in Measure.objects.filter(description__contains='"Measures that matter" tables: "')
    ]
    assert len(quoted) == 16
    assert all(squeezed(name) in paper for name in quoted)


def test_each_improvement_plan_row_with_the_audit_bands_has_its_measure(demo):
    plan = Plan.objects.get(title="Children and Learning Service Improvement Plan")
    banded = plan.actions.filter(success_criteria__contains="70% good or outstanding")
    audits = Measure.objects.filter(plan=plan, rag_rule="bands")
    assert audits.count() == banded.count() == 15
    for measure in audits:
        assert (measure.green_threshold, measure.amber_threshold, measure.direction) == (70, 60, "higher")
        assert [action.lead for action in measure.actions.all()] == [measure.data_owner]
        assert list(measure.actions.all())[0] in banded
        assert not measure.values.exists()


def test_leicesters_numeric_success_criteria_are_targets_by_date(demo):
    plan = Plan.objects.get(title="Leicester Joint Area Review Action Plan")
    paper = squeezed((SEEDS_DIR / "003_f5486f5c25aca46e.txt").read_text(encoding="utf-8"))
    neet = Measure.objects.get(plan=plan, name="Not in Education, Employment or Training (3 month average)")
    assert [(str(t.value.normalize()), t.applies_from) for t in neet.targets.order_by("applies_from")] == [
        ("8.4", datetime.date(2009, 1, 31)),
        ("8.1", datetime.date(2010, 1, 31)),
        ("7.7", datetime.date(2011, 1, 31)),
    ]
    assert Measure.objects.filter(plan=plan).count() == 11
    for target in MeasureTarget.objects.filter(measure__plan=plan):
        assert squeezed(target.note.replace("...", "")).split("2011")[0] in paper, target.note
        assert squeezed(f"{target.value.normalize():f}") in squeezed(target.note), target.note
    assert not Measure.objects.filter(plan=plan, values__isnull=False).exists()


# --- The "done when" of issue 10, on the demo data ------------------------------------------------


def values_form(client, plan, period: datetime.date) -> tuple[str, dict]:
    from django.urls import reverse

    url = f"{reverse('measure_values', args=[plan.pk])}?period={period:%Y-%m-%d}"
    form = client.get(url).context["form"]
    return url, {name: "" if form[name].value() is None else str(form[name].value()) for name in form.fields}


def test_a_panel_member_sees_the_jigsaw_measures_and_an_officers_october_figures_change_rag_and_summary(
    demo, demo_as_at
):
    """Issue 10: a panel member opens the Children and Families Scrutiny Panel's dashboard and sees
    the Jigsaw measures with their trend and RAG; an officer enters October's values in the
    browser and the RAG and the quarter summary change."""
    from django.urls import reverse

    october_19 = datetime.date(2021, 10, 19)
    # Before October's figures came in.
    MeasureValue.objects.filter(period_end=october_19).delete()
    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    plan = Plan.objects.get(title="Children and Learning Service Improvement Plan")
    panel_member = client_for("panel")

    def dashboard():
        response = panel_member.get(reverse("body_dashboard", args=[panel.pk]))
        assert response.status_code == 200
        content = re.sub(r"\s+", " ", response.content.decode())
        return response.context["page"].measures, content[
            content.index('id="measures"') : content.index('id="overdue"')
        ]

    measures, section = dashboard()
    rows = {row.measure.name: row for row in measures.rows}
    visits = rows["Jigsaw visits: In"]
    assert (visits.actual, visits.actual_period, visits.assessment.label) == (
        "222 (84%)",
        "September 2021",
        "No target",
    )
    assert len(visits.trend) == 6 and "Trend of Jigsaw visits: In" in section
    assert "Jigsaw supervisions: Out" in section and "No target" in section
    assert measures.summary.summary.with_rag == 0

    # The Jigsaw team's head of service, who owns the figures, enters October's from the report.
    tammy = Person.objects.get(name="Tammy Marks")
    tammy.user = UserFactory(username="tammy")
    tammy.save()
    officer = client_for("tammy")
    url, data = values_form(officer, plan, october_19)
    jigsaw = {m.name: m for m in Measure.objects.filter(plan=plan, data_owner=tammy)}
    for name, period, count, figure in jigsaw_cells_from_the_paper():
        if period == october_19:
            data[f"value_{jigsaw[name].pk}"] = str(figure)
            if count is not None:
                data[f"numerator_{jigsaw[name].pk}"] = str(count)
    assert officer.post(url, data).status_code == 302

    # The plan's lead enters October's audit outcomes.
    lead = client_for("lead")
    url, data = values_form(lead, plan, datetime.date(2021, 10, 31))
    audits = {m.name: m for m in Measure.objects.filter(plan=plan, rag_rule="bands")}
    for row, figure in [("1", "72"), ("2", "65"), ("5", "48")]:
        data[f"value_{audits[f'Audit outcomes, row {row}: good or outstanding'].pk}"] = figure
    assert lead.post(url, data).status_code == 302

    measures, section = dashboard()
    rows = {row.measure.name: row for row in measures.rows}
    visits = rows["Jigsaw visits: In"]
    assert (visits.actual, visits.actual_period, visits.travel.label) == ("237 (90%)", "19 October 2021", "Improving")
    assert len(visits.trend) == 7
    assert rows["Number of children open to Jigsaw"].travel.label == "Up"
    assert rows["Audit outcomes, row 1: good or outstanding"].assessment.label == "Green: On target"
    assert rows["Audit outcomes, row 2: good or outstanding"].assessment.label == "Amber: Slight variance"
    assert rows["Audit outcomes, row 5: good or outstanding"].assessment.label == "Red: Significant variance"
    assert (
        "At 31 October 2021, 33% of the measures monitored were on target or were exceeding their target, "
        "33% were showing slight variance, and 33% were showing significant variance." in section
    )
    measure_page = panel_member.get(visits.measure.get_absolute_url()).content.decode()
    assert "19 October 2021: 237 (90%), No target" in measure_page


def test_the_30_september_2021_list_holds_what_was_before_that_meeting(demo):
    """Seed 002's papers of 30 September 2021 made eleven recommendations; they first come to
    the panel on 4 November 2021, not to the meeting that made them."""
    from actionplans.meetings.lists import monitoring_list

    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    september = panel.meetings.get(date=datetime.date(2021, 9, 30))
    made_then = set(Recommendation.objects.filter(source__meeting=september).values_list("pk", flat=True))
    assert len(made_then) == 11
    listing = monitoring_list(september)
    assert {item.recommendation.pk for item in listing.items if item.recommendation} & made_then == set()
    assert all(item.made_on < september.date for item in listing.items)
    assert [group.title for group in listing.groups] == ["Ofsted Focused Letter"]
    november = monitoring_list(panel.meetings.get(date=datetime.date(2021, 11, 4)))
    assert made_then <= {item.recommendation.pk for item in november.items if item.recommendation}


def test_the_25_november_2021_list_shows_what_the_panel_did_not_accept_on_4_november_and_why(demo, demo_as_at):
    """Issue 11's walk-through: democratic support record two items as not accepted on 4 November;
    the next meeting's page and paper show each with the decision and the panel's reason."""
    from django.urls import reverse

    from actionplans.meetings.lists import monitoring_list
    from reports.papers.drafting import paper_draft
    from reports.papers.pdf import committee_paper_html

    support = client_for("support")
    panel = Body.objects.get(name="Children and Families Scrutiny Panel")
    november, later = (
        panel.meetings.get(date=datetime.date(2021, 11, 4)),
        panel.meetings.get(date=datetime.date(2021, 11, 25)),
    )
    complete = [item for item in monitoring_list(november).items if item.state == "complete"]
    first, second = complete[0], complete[1]
    decisions = {f"decision_{item.key}": "accepted_complete" for item in complete[2:]}
    decisions |= {
        f"decision_{first.key}": "not_accepted",
        f"comment_{first.key}": "The panel asked for the figures by school.",
        f"decision_{second.key}": "not_accepted",
        f"comment_{second.key}": "Not yet seen by the panel.",
    }
    assert support.post(reverse("meeting_monitoring", args=[november.pk]), decisions).status_code == 302
    notes = {
        "Not accepted as complete on 4 November 2021: The panel asked for the figures by school.",
        "Not accepted as complete on 4 November 2021: Not yet seen by the panel.",
    }
    following = monitoring_list(later)
    assert len(following.items) == 5  # the three outstanding, and the two not accepted
    assert {item.previous_note for item in following.items if item.previous_note} == notes
    page = support.get(reverse("meeting_monitoring", args=[later.pk])).content.decode()
    paper = paper_draft(later, person=Person.objects.get(user__username="support"))
    html = committee_paper_html(paper, draft=True)
    for note in notes:
        assert note in page and note in html
