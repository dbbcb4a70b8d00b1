"""What the benchmark measures, its budgets (the issue's item 8), and the tables it prints.

No Django here: run.py reads the JSON the measuring processes wrote and judges it.
"""

from __future__ import annotations

# Every page of the table, in its order: name (for --only), what it is, who looks at it.
PAGES = [
    ("home", "home (plans with RAG counts)", "admin"),
    ("dashboard", "dashboard, everything", "admin"),
    ("dashboard-officer", "dashboard, everything", "officer"),
    ("dashboard-body", "dashboard of one body", "admin"),
    ("dashboard-plan", "dashboard of one plan", "admin"),
    ("tracker", "tracker, first page", "admin"),
    ("tracker-filtered", "tracker, filtered and sorted", "admin"),
    ("tracker-page-200", "tracker, page 200", "admin"),
    ("plan", "plan page, 1,000 actions", "admin"),
    ("monitoring", "monitoring list, 300 items (with the decisions form)", "support"),
    ("monitoring-panel", "monitoring list, 300 items", "panel"),
    ("my-actions", "My actions, 200 actions", "officer"),
    ("measures-plan", "Measures that matter, 100 measures", "admin"),
    ("admin-changelist", "admin changelist of actions", "admin"),
]
PAGE_NAMES = [name for name, _label, _role in PAGES]
ADMIN_CHANGELIST = "admin-changelist"  # the yardstick: Django's own admin listing the same table
TASKS = ["export", "paper", "import", "gunicorn"]  # also names for --only and --skip

# --- budgets -----------------------------------------------------------------------------------------
PAGE_MEDIAN_MS = 150
FAST_PAGE_MEDIAN_MS = 100  # home and the dashboards
FAST_PAGES = {"home", "dashboard", "dashboard-officer", "dashboard-body", "dashboard-plan"}
PAGE_P95_MS = 400
PAGE_OVER_ADMIN = 1.0
PAGE_OVER_SQL = 2.0
COUNTY_OVER_COUNCIL = 1.5
EXPORT_OVER_BARE = 1.5
EXPORT_PEAK_MB = 200
PAPER_OVER_BARE = 1.3
PAPER_PEAK_MB = 300
IMPORT_SECONDS = 10


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `fraction` of the values at or
    below it (of 7 values, the 95th percentile is the largest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * fraction // 1))
    return ordered[int(rank) - 1]


def ratio(numerator, denominator) -> float | None:
    if numerator is None or not denominator:
        return None
    return round(numerator / denominator, 2)


def page_ratios(pages: dict) -> None:
    """Add to each measured page its median ÷ the admin changelist's and ÷ its own SQL's."""
    admin = pages.get(ADMIN_CHANGELIST, {}).get("median_ms")
    for page in pages.values():
        if "median_ms" in page:
            page["over_admin"] = ratio(page["median_ms"], admin)
            page["over_sql"] = ratio(page["median_ms"], page["sql"]["median_ms"])


def task_ratios(run: dict) -> None:
    export, bare = run.get("export"), run.get("bare-openpyxl")
    if export and bare and "median_ms" in export and "median_ms" in bare:
        export["over_bare"] = ratio(export["median_ms"], bare["median_ms"])
        # Not judged: the budget is on the time people wait. CPU time is this process's own work
        # (on PostgreSQL without the server's), steadier than the time on a busy machine.
        export["over_bare_cpu"] = ratio(export.get("cpu_median_ms"), bare.get("cpu_median_ms"))
    paper, bare = run.get("paper"), run.get("bare-weasyprint")
    if paper and bare and "median_ms" in paper and "median_ms" in bare:
        paper["over_bare"] = ratio(paper["median_ms"], bare["median_ms"])


def _check(checks, scale, database, subject, budget, value, limit, *, at_most=True):
    passed = None if value is None else (value <= limit if at_most else value == limit)
    checks.append(
        {
            "scale": scale,
            "database": database,
            "subject": subject,
            "budget": budget,
            "value": value,
            "limit": limit,
            "result": "PASS" if passed else "FAIL" if passed is False else "NOT MEASURED",
        }
    )


def evaluate(runs: dict) -> list[dict]:
    """Every budget for every scale and database measured: PASS, FAIL or NOT MEASURED."""
    checks: list[dict] = []
    for scale, databases in runs.items():
        for database, run in databases.items():
            pages = run.get("pages", {})
            for name in PAGE_NAMES:
                if name not in pages:
                    continue
                page = pages[name]
                limit = FAST_PAGE_MEDIAN_MS if name in FAST_PAGES else PAGE_MEDIAN_MS
                _check(checks, scale, database, name, "median ms", page.get("median_ms"), limit)
                _check(checks, scale, database, name, "p95 ms", page.get("p95_ms"), PAGE_P95_MS)
                if name != ADMIN_CHANGELIST:
                    _check(checks, scale, database, name, "÷ admin changelist", page.get("over_admin"), PAGE_OVER_ADMIN)
                    _check(checks, scale, database, name, "÷ its own SQL", page.get("over_sql"), PAGE_OVER_SQL)
            if "export" in run:
                export = run["export"]
                _check(checks, scale, database, "export", "÷ bare openpyxl", export.get("over_bare"), EXPORT_OVER_BARE)
                _check(checks, scale, database, "export", "peak MB", export.get("peak_growth_mb"), EXPORT_PEAK_MB)
            if "paper" in run:
                paper = run["paper"]
                _check(checks, scale, database, "paper", "÷ bare WeasyPrint", paper.get("over_bare"), PAPER_OVER_BARE)
                _check(checks, scale, database, "paper", "peak MB", paper.get("peak_growth_mb"), PAPER_PEAK_MB)
                in_request = paper.get("in_request")
                made_in_request = None if not in_request else int(any(in_request.values()))
                _check(checks, scale, database, "paper", "made in the request (0 = never)", made_in_request, 0)
            if "import" in run:
                seconds = run["import"].get("median_ms")
                _check(
                    checks,
                    scale,
                    database,
                    "import",
                    "seconds",
                    None if seconds is None else seconds / 1000,
                    IMPORT_SECONDS,
                )
    council, county = runs.get("council", {}), runs.get("county", {})
    for database in sorted(set(council) & set(county)):
        small, big = council[database].get("pages", {}), county[database].get("pages", {})
        for name in PAGE_NAMES:
            if name in small and name in big:
                _check(
                    checks,
                    "county",
                    database,
                    name,
                    "median ÷ council's",
                    ratio(big[name].get("median_ms"), small[name].get("median_ms")),
                    COUNTY_OVER_COUNCIL,
                )
                same = None
                if "queries" in small[name] and "queries" in big[name]:
                    same = big[name]["queries"] - small[name]["queries"]
                _check(checks, "county", database, name, "queries − council's", same, 0, at_most=False)
    return checks


# --- tables --------------------------------------------------------------------------------------------

DATABASE_NAMES = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


def _ms(value) -> str:
    if value is None:
        return "–"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"


def _x(value) -> str:
    return "–" if value is None else f"{value:g}×"


def _mb(value) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def page_table(databases: dict) -> list[list[str]]:
    """Rows of the pages table: page, role, then per database median / p95, queries, ÷ admin, ÷ SQL."""
    header = ["page", "as"]
    for database in databases:
        name = DATABASE_NAMES.get(database, database)
        header += [f"{name} median / p95", "queries", "÷ admin", "÷ own SQL"]
    rows = [header]
    for name, label, role in PAGES:
        if not any(name in run.get("pages", {}) for run in databases.values()):
            continue
        row = [label, role]
        for run in databases.values():
            page = run.get("pages", {}).get(name)
            if page is None:
                row += ["–"] * 4
            elif "error" in page:
                row += [page["error"][:40], "–", "–", "–"]
            else:
                cpu = f" (CPU {_ms(page['cpu_median_ms'])})" if page.get("cpu_median_ms") is not None else ""
                row += [
                    f"{_ms(page['median_ms'])} / {_ms(page['p95_ms'])}{cpu}",
                    str(page["queries"]),
                    _x(page.get("over_admin")),
                    _x(page.get("over_sql")),
                ]
        rows.append(row)
    return rows


def task_table(databases: dict) -> list[list[str]]:
    header = ["", *[DATABASE_NAMES.get(d, d) for d in databases]]
    rows = [header]

    def line(label, cell):
        values = [cell(run) for run in databases.values()]
        if any(value != "–" for value in values):
            rows.append([label, *values])

    def get(run, key, field):
        return (run.get(key) or {}).get(field)

    line("data set: seconds to generate", lambda r: _seconds(get(r, "seed", "seconds")))
    line(
        "Excel export of every action (rows)",
        lambda r: _with(_ms(get(r, "export", "median_ms")), get(r, "export", "data_rows")),
    )
    line("bare openpyxl write-only, same rows", lambda r: _ms(get(r, "bare-openpyxl", "median_ms")))
    line("export made by", lambda r: get(r, "export", "made_by") or "–")
    line("export ÷ bare openpyxl", lambda r: _x(get(r, "export", "over_bare")))
    line("export ÷ bare openpyxl, CPU time (not judged)", lambda r: _x(get(r, "export", "over_bare_cpu")))
    line("export peak memory (growth)", lambda r: _mb(get(r, "export", "peak_growth_mb")))
    line("committee paper (items)", lambda r: _with(_ms(get(r, "paper", "median_ms")), get(r, "paper", "items")))
    line("bare WeasyPrint, plain table of the same items", lambda r: _ms(get(r, "bare-weasyprint", "median_ms")))
    line("paper ÷ bare WeasyPrint", lambda r: _x(get(r, "paper", "over_bare")))
    line("paper peak memory (growth)", lambda r: _mb(get(r, "paper", "peak_growth_mb")))
    line("paper made in the request", lambda r: _in_request(get(r, "paper", "in_request")))
    line("import of a plan (rows)", lambda r: _with(_ms(get(r, "import", "median_ms")), get(r, "import", "rows")))
    for target in ("dashboard", "tracker"):
        line(
            f"gunicorn, {target}: req/s, p95",
            lambda r, t=target: _load((r.get("gunicorn") or {}).get(t)),
        )
    return rows


def _seconds(value) -> str:
    return "–" if value is None else f"{value:.0f} s"


def _with(text: str, count) -> str:
    return text if count is None or text == "–" else f"{text} ({count:,})"


def _in_request(found) -> str:
    if not found:
        return "–"
    return ", ".join(f"{step}: {'yes' if made else 'no'}" for step, made in found.items())


def _load(result) -> str:
    if not result:
        return "–"
    return f"{result['requests_per_second']} req/s, p95 {_ms(result['p95_ms'])} ({result['errors']} errors)"


def markdown(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join("---" for _ in rows[0]) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def plain(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in rows)


def budget_lines(checks: list[dict]) -> list[str]:
    lines = []
    for check in checks:
        value = check["value"]
        shown = "–" if value is None else f"{value:.4g}"
        lines.append(
            f"{check['result']:<12} {check['scale']:<8} {DATABASE_NAMES.get(check['database'], check['database']):<10} "
            f"{check['subject']:<18} {check['budget']:<32} {shown:>10}  (limit {check['limit']:g})"
        )
    return lines
