"""The measurements that run inside Django, one process per call (bench/run.py starts them with
the database and settings of the run):

    python bench/measure.py pages --out pages.json [--repetitions 7] [--sql-repetitions 3] [--only NAMES]
    python bench/measure.py export|bare-openpyxl|paper|bare-weasyprint|import --out X.json --workdir DIR

`pages` fetches every page of the table in bench/README.md with Django's test client, signed in
as the role the table names: a first, untimed fetch captures the page's SQL, then `--repetitions`
timed fetches; the captured SELECTs are then replayed alone on the same connection. Each heavy
task (export, paper, import and their bare baselines) runs in a process of its own, so its peak
memory is its own.
"""

from __future__ import annotations

import argparse
import gc
import io
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "actionplans.settings"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from actionplans import scale  # noqa: E402
from actionplans.plans.selectors import my_actions_page  # noqa: E402
from bench.report import ADMIN_CHANGELIST, PAGES, percentile  # noqa: E402

MB = 1024 * 1024


# --- numbers ---------------------------------------------------------------------------------------


def summary_ms(seconds: list[float]) -> dict:
    return {
        "median_ms": round(statistics.median(seconds) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "runs_ms": [round(s * 1000, 1) for s in seconds],
    }


# --- memory: the peak resident set of this process during one operation ---------------------------


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class PeakMemory:
    """Linux: the peak RSS (VmHWM) is reset before the operation, so the peak read after it is the
    operation's. Elsewhere ru_maxrss, which cannot be reset (an over-estimate, never an under-one)."""

    def __enter__(self):
        gc.collect()
        try:
            Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        except OSError:
            pass
        self.before_kb = _status_kb("VmRSS") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return self

    def __exit__(self, *exc):
        self.peak_kb = _status_kb("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    @property
    def result(self) -> dict:
        return {
            "rss_before_mb": round(self.before_kb / 1024, 1),
            "peak_rss_mb": round(self.peak_kb / 1024, 1),
            "peak_growth_mb": round((self.peak_kb - self.before_kb) / 1024, 1),
        }


def timed_with_memory(operation, repetitions: int) -> dict:
    """Run `operation` `repetitions` times: each run's seconds, CPU seconds and peak memory."""
    seconds, cpu, memory, result = [], [], [], None
    for _ in range(repetitions):
        with PeakMemory() as peak:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = operation()
            seconds.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
        memory.append(peak.result)
    return summary_ms(seconds) | {
        "cpu_median_ms": round(statistics.median(cpu) * 1000, 1),
        "memory": memory,
        "peak_growth_mb": max(m["peak_growth_mb"] for m in memory),
        "peak_rss_mb": max(m["peak_rss_mb"] for m in memory),
        "last_result": result,
    }


# --- clients ---------------------------------------------------------------------------------------


def _session_written_only_at_sign_in() -> None:
    """actionplans.session_security writes the session's last-seen time on a request at least
    LAST_SEEN_RESOLUTION (a minute) after the last write: so during the benchmark a page slower
    than that, or fetched after one, would write the session (3 more queries on PostgreSQL)
    and one fetched quickly would not. For a page's query count and timing not to depend on how
    slow the pages before it were, the measuring process never writes it after sign-in; for a
    real person it is one write a minute, not one a page."""
    from actionplans import session_security

    session_security.LAST_SEEN_RESOLUTION = 10**9


def signed_in(users: dict, role: str) -> Client:
    _session_written_only_at_sign_in()
    client = Client()
    client.force_login(users[role])
    return client


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


# --- pages -----------------------------------------------------------------------------------------

# The tracker "filtered and sorted": RAG Red or Amber with an update due, latest target first.
TRACKER_FILTERED = [("rag", "red"), ("rag", "amber"), ("update_due", "yes"), ("sort", "-target")]


def page_list(featured: scale.Featured) -> list[dict]:
    """Every page of the table (bench.report.PAGES), each with its address, found by reverse()."""
    filtered = QueryDict(mutable=True)
    for key, value in TRACKER_FILTERED:
        filtered.appendlist(key, value)
    plan, body, meeting = featured.plan.pk, featured.body.pk, featured.meeting.pk
    urls = {
        "home": reverse("home"),
        "dashboard": reverse("dashboard"),
        "dashboard-officer": reverse("dashboard"),
        "dashboard-body": reverse("body_dashboard", args=[body]),
        "dashboard-plan": reverse("plan_dashboard", args=[plan]),
        "tracker": reverse("tracker"),
        "tracker-filtered": f"{reverse('tracker')}?{filtered.urlencode()}",
        "tracker-page-200": f"{reverse('tracker')}?page=200",
        "plan": reverse("plan_detail", args=[plan]),
        "monitoring": reverse("meeting_monitoring", args=[meeting]),
        "monitoring-panel": reverse("meeting_monitoring", args=[meeting]),
        "my-actions": reverse("my_actions"),
        "measures-plan": reverse("plan_measures", args=[plan]),
        ADMIN_CHANGELIST: reverse("admin:actionplans_action_changelist"),
    }
    return [{"name": name, "label": label, "role": role, "url": urls[name]} for name, label, role in PAGES]


REPLAYED = ("SELECT", "WITH")


def replay(statements: list[str], repetitions: int) -> dict:
    """The page's own SQL alone: each captured SELECT executed again on the same connection,
    every row fetched. Writes (the session's last-seen time) are not replayed."""
    replayable = [sql for sql in statements if sql.lstrip().upper().startswith(REPLAYED)]
    seconds = []
    for _ in range(repetitions):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            for sql in replayable:
                cursor.execute(sql)
                cursor.fetchall()
        seconds.append(time.perf_counter() - started)
    return summary_ms(seconds) | {"statements": len(statements), "replayed": len(replayable)}


def measure_page(client: Client, url: str, *, repetitions: int, sql_repetitions: int) -> dict:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
        content = body_of(response)
    result = {"url": url, "status": response.status_code, "bytes": len(content)}
    if response.status_code != 200:
        return result | {"error": f"HTTP {response.status_code}"}
    queries = captured.captured_queries  # read now: a new connection clears the log
    statements = [query["sql"] for query in queries if query["sql"]]
    seconds, cpu = [], []
    for _ in range(repetitions):
        started, started_cpu = time.perf_counter(), time.process_time()
        body_of(client.get(url))
        seconds.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return (
        result
        | {"queries": len(queries)}
        | summary_ms(seconds)
        | {"cpu_median_ms": round(statistics.median(cpu) * 1000, 1), "sql": replay(statements, sql_repetitions)}
    )


def pages(args) -> dict:
    featured = scale.featured()
    listing = page_list(featured)
    wanted = set(args.only.split(",")) if args.only else None
    clients: dict[str, Client] = {}
    results = {}
    for page in listing:
        if wanted is not None and page["name"] not in wanted and page["name"] != ADMIN_CHANGELIST:
            continue
        client = clients.get(page["role"]) or clients.setdefault(page["role"], signed_in(featured.users, page["role"]))
        try:
            measured = measure_page(
                client, page["url"], repetitions=args.repetitions, sql_repetitions=args.sql_repetitions
            )
        except Exception as error:  # a page that fails is reported, and the others still measured
            measured = {"url": page["url"], "status": None, "error": f"{type(error).__name__}: {error}"}
        results[page["name"]] = {"label": page["label"], "role": page["role"]} | measured
        print(f"  {page['name']:<18} {_brief(results[page['name']])}", flush=True)
    return {
        "pages": results,
        "sizes": {
            "plan_actions": featured.plan.actions.count(),
            "list_items": _list_items(featured.meeting),
            "officer_actions": len(my_actions_page(person=featured.officer).actions),
            "plan_measures": featured.plan.measures.count(),
        },
    }


def _brief(result: dict) -> str:
    if "error" in result:
        return result["error"]
    return f"median {result['median_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms, {result['queries']} queries"


def _list_items(meeting) -> int:
    from actionplans.meetings.lists import monitoring_list

    return len(monitoring_list(meeting).items)


# --- the Excel export and bare openpyxl -------------------------------------------------------------


def export(args) -> dict:
    """GET /tracker/export.xlsx as the admin: every action, as one download. Over
    TRACKER_EXPORT_JOB_ROWS rows the request queues a background job, as it does for anybody:
    then the job is run here, as a worker runs it, and its file downloaded, all of it timed."""
    featured = scale.featured()
    client = signed_in(featured.users, scale.ADMIN)
    url = reverse("tracker_export")
    # Untimed, to warm the process up: the same download filtered down to no rows.
    response = client.get(url, {"q": "no action says this"})
    if response.status_code != 200 or not response.get("Content-Type", "").startswith("application/vnd"):
        return {
            "url": url,
            "error": f"not a direct download: HTTP {response.status_code} {response.get('Location', '')}",
        }
    body_of(response)
    made_by = []

    def download():
        response = client.get(url)
        if response.status_code == 302:
            response = _job_download(client, response["Location"])
            made_by.append("job")
        else:
            made_by.append("request")
        if response.status_code != 200:
            raise RuntimeError(f"the download gave HTTP {response.status_code}")
        return body_of(response)

    result = timed_with_memory(download, args.repetitions)
    content = result.pop("last_result")
    path = Path(args.workdir) / "export.xlsx"
    path.write_bytes(content)
    from openpyxl import load_workbook

    rows = sum(1 for _row in load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    return result | {
        "url": url,
        "made_by": made_by[-1],
        "bytes": len(content),
        "rows": rows,
        "data_rows": rows - 2,
        "file": str(path),
    }


def _job_download(client: Client, job_page: str):
    """Run the job whose page `job_page` is as a worker would (claim its task, run it), then
    download its file."""
    from django_tasks_db.models import DBTaskResult

    from actionplans.kernel.jobs.models import Job
    from actionplans.management.commands.run_worker import new_worker

    job = Job.objects.get(pk=int(job_page.strip("/").split("/")[-1]))
    worker = new_worker(worker_id="bench", interval=0)
    task = DBTaskResult.objects.get(id=job.task_id)
    task.claim(worker.worker_id)
    worker.run_task(task)
    return client.get(reverse("job_download", args=[job.pk]))


def bare_openpyxl(args) -> dict:
    """The same rows (read back from the export's file) written by openpyxl's write-only mode alone:
    the tracker's, and the measures' worksheets after it (reports.exports.measures_sheet)."""
    from openpyxl import Workbook, load_workbook

    path = Path(args.workdir) / "export.xlsx"
    sheets = [
        (worksheet.title, [list(row) for row in worksheet.iter_rows(values_only=True)])
        for worksheet in load_workbook(path, read_only=True).worksheets
    ]

    def write():
        workbook = Workbook(write_only=True)
        for title, rows in sheets:
            worksheet = workbook.create_sheet(title)
            for row in rows:
                worksheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return len(buffer.getvalue())

    result = timed_with_memory(write, args.repetitions)
    return result | {
        "rows": len(sheets[0][1]),
        "sheets": {title: len(rows) for title, rows in sheets},
        "bytes": result.pop("last_result"),
    }


# --- the committee paper and bare WeasyPrint --------------------------------------------------------

PAPER_FUNCTION = "reports.papers.pdf.committee_paper_pdf(reports.papers.drafting.paper_draft(meeting, person=...))"


def _warm_weasyprint() -> None:
    """WeasyPrint's first document loads fonts: done before either is timed."""
    from weasyprint import HTML

    HTML(string="<p>warm up</p>").write_pdf()


def paper(args) -> dict:
    """The featured meeting's committee paper, rendered by the function the app calls to make it
    (not through a request: see `in_request`)."""
    from reports.papers.drafting import paper_draft
    from reports.papers.pdf import committee_paper_pdf

    featured = scale.featured()
    support = featured.users[scale.SUPPORT].person
    _warm_weasyprint()

    def render():
        return committee_paper_pdf(paper_draft(featured.meeting, person=support))

    result = timed_with_memory(render, args.repetitions)
    content = result.pop("last_result")
    return result | {
        "function": PAPER_FUNCTION,
        "items": _list_items(featured.meeting),
        "bytes": len(content),
        "in_request": in_request(featured),
    }


class _LaidOutInRequest(Exception):
    pass


def in_request(featured: scale.Featured) -> dict:
    """Whether a request lays a paper out with WeasyPrint: the preview (GET) and publishing (POST)
    of the featured meeting's paper, with WeasyPrint made to fail at once if called, so nothing
    is actually rendered. True means the PDF is made in the request."""
    from unittest import mock

    from weasyprint import HTML

    from reports.papers.drafting import paper_draft
    from reports.papers.services import paper_save

    support = featured.users[scale.SUPPORT].person
    client = signed_in(featured.users, scale.SUPPORT)
    url = reverse("committee_paper_pdf", args=[featured.meeting.pk])
    saved = paper_draft(featured.meeting, person=support)
    saved.agenda_item = "9"  # a paper is saved with its agenda item before it is published
    paper_save(paper=saved, expected_version=0, by=support)

    def laid_out(*args, **kwargs):
        raise _LaidOutInRequest

    found = {}
    with mock.patch.object(HTML, "render", laid_out), mock.patch.object(HTML, "write_pdf", laid_out):
        for step, call in (("preview", lambda: client.get(url)), ("publish", lambda: client.post(url))):
            try:
                call()
                found[step] = False
            except _LaidOutInRequest:
                found[step] = True
    return found


def bare_weasyprint(args) -> dict:
    """A plain HTML table of the same items (the featured meeting's monitoring list) through
    WeasyPrint alone."""
    from django.utils.html import escape
    from weasyprint import HTML

    from actionplans.meetings.lists import monitoring_list

    featured = scale.featured()
    items = monitoring_list(featured.meeting).items
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{escape(value)}</td>"
            for value in (
                str(item.made_on or ""),
                item.source.title if item.source else "",
                item.recommendation.full_label if item.recommendation else "",
                item.proposed,
                " ".join(item.action_taken),
                item.state.label,
            )
        )
        + "</tr>"
        for item in items
    )
    html = (
        "<html><head><style>table{border-collapse:collapse}td,th{border:1px solid #000;padding:2pt;"
        "font:8pt sans-serif;vertical-align:top}</style></head><body><table><thead><tr>"
        "<th>Date</th><th>Title</th><th>No.</th><th>Action proposed</th><th>Action taken</th><th>Status</th>"
        f"</tr></thead><tbody>{rows}</tbody></table>{_bare_measures(featured.meeting, items)}</body></html>"
    )
    _warm_weasyprint()
    result = timed_with_memory(lambda: HTML(string=html).write_pdf(), args.repetitions)
    return result | {"items": len(items), "bytes": len(result.pop("last_result"))}


def _bare_measures(meeting, items) -> str:
    """The paper's two measures appendices (reports.papers.measures) as plain HTML tables: the
    same measures and figures, so the paper is compared with plain WeasyPrint on everything it
    prints."""
    from django.utils.html import escape

    from actionplans.kernel import clock
    from reports.papers.measures import paper_measures_content

    on = min(meeting.date, clock.today())
    content = paper_measures_content(
        meeting, plan_ids={action.plan_id for item in items for action in item.actions}, on=on
    )

    def table(headings, rows) -> str:
        head = "".join(f"<th>{escape(heading)}</th>" for heading in headings)
        body = "".join("<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"

    parts = [
        table(
            ["Measure", "Baseline", "Actual", "Target", "RAG", "Direction of travel"],
            [
                [item.row.measure.name, item.row.baseline, f"{item.row.actual} {item.row.actual_period}",
                 item.row.target, item.row.assessment.label, item.travel]
                for group in content.measures.plans
                for item in group.measures
            ],
        )
    ]  # fmt: skip
    for figures in content.monthly.tables:
        parts.append(table(["Measure", *figures.periods], [[row.measure, *row.cells] for row in figures.rows]))
    return "".join(parts)


# --- the plan import ---------------------------------------------------------------------------------

IMPORT_HEADINGS = [
    "Ref.",
    "Recommendation",
    "Actions",
    "Due Date",
    "Lead",
    "Success criteria",
    "Partners",
    "Progress Status",
    "Action taken",
]
IMPORT_STATUSES = ["Not started", "In progress, on track", "In progress, at risk", "Partially complete", "Complete"]


def import_rows() -> int:
    return max(50, round(2_000 * scale.Sizes(_actions()).factor))


def _actions() -> int:
    from actionplans.plans.models import Action

    return Action.objects.count()


def import_file(path: Path, rows: int) -> None:
    """A plan of `rows` actions as a spreadsheet would hold it: a title, the headings, then a
    recommendation every eight actions; leads are people the tracker knows and some it does not."""
    import calendar
    import datetime

    from openpyxl import Workbook

    from actionplans.kernel import clock
    from partners.models import Organisation, Person

    names = list(Person.objects.exclude(name="").order_by("pk").values_list("name", flat=True)[:200])
    partners = list(Organisation.objects.order_by("pk").values_list("name", flat=True)[:20])
    today = clock.today()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Plan")
    sheet.append(["Imported improvement plan"])
    sheet.append([])
    sheet.append(IMPORT_HEADINGS)
    for n in range(rows):
        status = IMPORT_STATUSES[n % len(IMPORT_STATUSES)]
        progress = "" if status == "Not started" else f"Progress on action {n + 1}: work is under way."
        due = today + datetime.timedelta(days=60 + (n * 7) % 700)
        month = calendar.month_name[due.month]
        lead = names[n % len(names)] if n % 10 else f"New Officer {n}"
        sheet.append(
            [
                f"{n // 8 + 1}.{n % 8 + 1}",
                f"Recommendation {n // 8 + 1}: improve how partners work together on case {n // 8 + 1}",
                f"Action {n + 1}: review the arrangements and report to the board",
                f"{month} {due.year}",
                lead,
                "Reported to the board each quarter",
                partners[n % len(partners)] if n % 3 == 0 else "",
                status,
                progress,
            ]
        )
    workbook.save(path)


def import_(args) -> dict:
    """manage.py import_plan of a 2,000-row spreadsheet (in-process, through call_command): reading,
    checking every row (the preview, printed to a buffer) and writing, in one transaction."""
    from django.core.management import call_command

    featured = scale.featured()
    rows = import_rows()
    path = Path(args.workdir) / "import.xlsx"
    import_file(path, rows)
    counter = iter(range(1, 1_000))

    def run():
        out = io.StringIO()
        n = next(counter)
        call_command(
            "import_plan",
            str(path),
            title=f"Imported improvement plan {n}",
            body=featured.body.name,
            source_title=f"Imported improvement plan {n}",
            stdout=out,
        )
        return out.getvalue().strip().splitlines()[-1]

    result = timed_with_memory(run, args.repetitions)
    return result | {"rows": rows, "message": result.pop("last_result")}


TASKS = {
    "pages": pages,
    "export": export,
    "bare-openpyxl": bare_openpyxl,
    "paper": paper,
    "bare-weasyprint": bare_weasyprint,
    "import": import_,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("task", choices=TASKS)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workdir", default=str(ROOT / "bench" / ".data"))
    parser.add_argument("--repetitions", type=int, default=7)
    parser.add_argument("--sql-repetitions", type=int, default=3)
    parser.add_argument("--only", default="")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    result = TASKS[args.task](args)
    result["process_seconds"] = round(time.perf_counter() - started, 1)
    Path(args.out).write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
