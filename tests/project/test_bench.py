"""bench/: the benchmark harness runs end to end on a tiny data set, so the instrument cannot rot
unnoticed. It never judges the timings (the suite never tests timings): only that everything
was measured, and that every budget was judged."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """One quick run: 300 actions on SQLite, each page fetched once; no load test and no paper."""
    data = tmp_path_factory.mktemp("bench")
    out = data / "result.json"
    command = [
        sys.executable,
        "bench/run.py",
        "--quick",
        "--actions=300",
        "--repetitions=1",
        "--sql-repetitions=1",
        "--heavy-repetitions=1",
        "--databases=sqlite",
        "--no-gunicorn",
        "--skip=paper",  # WeasyPrint's start-up alone would double the time; the paper is run by hand
        f"--data-dir={data}",
        f"--out={out}",
    ]
    # The export of 300 rows runs as a background job, as every action's does at council scale.
    env = os.environ | {"TRACKER_EXPORT_JOB_ROWS": "100"}
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert completed.returncode == 0, completed.stdout[-2000:] + completed.stderr[-2000:]
    return json.loads(out.read_text()), completed.stdout, data


def test_every_page_is_fetched_with_its_queries_and_its_sql_replayed(result):
    results, _printed, _data = result
    pages = results["runs"]["council"]["sqlite"]["pages"]
    assert list(pages) == report.PAGE_NAMES
    for name, page in pages.items():
        assert page["status"] == 200, f"{name}: {page.get('error')}"
        assert page["queries"] > 0 and page["median_ms"] > 0 and page["p95_ms"] >= page["median_ms"]
        assert page["sql"]["replayed"] > 0 and page["sql"]["median_ms"] > 0
        assert page["over_admin"] > 0 and page["over_sql"] > 0
    assert pages["dashboard-officer"]["role"] == "officer" and pages["monitoring-panel"]["role"] == "panel"


def test_the_export_and_import_are_measured(result):
    results, _printed, _data = result
    run = results["runs"]["council"]["sqlite"]
    assert run["export"]["data_rows"] == 300 and run["bare-openpyxl"]["rows"] == 302
    assert run["export"]["over_bare"] > 0 and run["export"]["peak_rss_mb"] > 0
    assert run["export"]["made_by"] == "job" and run["export"]["over_bare_cpu"] > 0
    assert run["import"]["rows"] == 50 and run["import"]["message"].startswith("Imported 50 actions")
    assert "paper" not in run


def test_every_budget_is_judged_and_printed(result):
    results, printed, _data = result
    checks = results["budgets"]
    assert checks and all(check["result"] in ("PASS", "FAIL") for check in checks)
    judged = {(check["subject"], check["budget"]) for check in checks}
    assert ("dashboard", "median ms") in judged and ("tracker", "÷ its own SQL") in judged
    assert ("export", "÷ bare openpyxl") in judged and ("export", "peak MB") in judged
    assert ("import", "seconds") in judged
    assert "| home (plans with RAG counts) | admin |" in printed
    assert "PASS," in printed and "FAIL." in printed


def test_the_database_is_dropped_afterwards(result):
    _results, _printed, data = result
    assert not (data / "bench-council.sqlite3").exists()


def test_county_scale_is_judged_against_council_scale():
    pages = {"tracker": {"median_ms": 100.0, "queries": 10}, "home": {"median_ms": 50.0, "queries": 5}}
    bigger = {"tracker": {"median_ms": 140.0, "queries": 10}, "home": {"median_ms": 90.0, "queries": 6}}
    checks = report.evaluate({"council": {"sqlite": {"pages": pages}}, "county": {"sqlite": {"pages": bigger}}})
    across = ("median ÷ council's", "queries − council's")
    county = {(c["subject"], c["budget"]): c["result"] for c in checks if c["budget"] in across}
    assert county == {
        ("tracker", "median ÷ council's"): "PASS",
        ("tracker", "queries − council's"): "PASS",
        ("home", "median ÷ council's"): "FAIL",
        ("home", "queries − council's"): "FAIL",
    }


def test_a_page_that_was_not_measured_is_not_passed():
    checks = report.evaluate({"council": {"postgres": {"pages": {"home": {"error": "HTTP 500", "status": 500}}}}})
    assert {check["result"] for check in checks} == {"NOT MEASURED"}


def test_the_95th_percentile_of_seven_runs_is_the_slowest_and_of_twenty_the_nineteenth():
    assert report.percentile([5.0, 1.0, 3.0, 2.0, 7.0, 4.0, 6.0], 0.95) == 7.0
    assert report.percentile([float(n) for n in range(1, 21)], 0.95) == 19.0
    assert report.percentile([3.0], 0.95) == 3.0
