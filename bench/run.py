"""The benchmark, in one command (see bench/README.md):

    .venv/bin/python bench/run.py                      # council scale, SQLite and PostgreSQL
    .venv/bin/python bench/run.py --scales council,county
    .venv/bin/python bench/run.py --quick              # a smoke run on a tenth of the data

For each scale and database it builds a fresh database (a SQLite file under --data-dir; the
PostgreSQL database named in --postgres, dropped and created again), fills it with
`manage.py seed_scale`, then measures every page, the Excel export, the committee paper and the
plan import (bench/measure.py, each in a process of its own), and the app under gunicorn on
loopback (bench/load.py). It prints the tables and a PASS or FAIL for every budget, and writes
everything as JSON (and the tables as Markdown beside it).

Settings: actionplans.settings with DEBUG=false, a benchmark-only SECRET_KEY and the run's own
DATABASE_URL; no TLS on loopback (SECURE_SSL_REDIRECT=false). Static files are collected into
STATIC_ROOT (as production does) when they are missing or older than static/.

The exit code is 0 even when budgets fail (this is an instrument), unless --strict.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import load, report  # noqa: E402

COUNCIL_ACTIONS = 20_000
SCALE_FACTORS = {"council": 1, "county": 5}
QUICK_DIVISOR = 10
BENCH_SECRET_KEY = "bench-only-secret-key-never-used-in-production-0123456789abcdef"
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/bench_tracker"
# Settings the parent's environment must not leak into the measured app.
CLEARED = (
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "TRACKER_AS_AT",
    "SECURE_SSL_REDIRECT",
    "DATABASE_CONN_MAX_AGE",
)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", "--scale", default="council", help="council, county, or both: council,county")
    parser.add_argument("--databases", default="sqlite,postgres", help="sqlite, postgres, or both (default)")
    parser.add_argument("--quick", action="store_true", help="A tenth of the data, 3 repetitions, short load test.")
    parser.add_argument("--actions", type=int, help="Actions at council scale (default 20000; county is 5×).")
    parser.add_argument("--seed", type=int, default=1, help="The data set's random seed (default 1).")
    parser.add_argument("--repetitions", type=int, help="Timed fetches of each page (default 7; --quick 3).")
    parser.add_argument("--sql-repetitions", type=int, help="Replays of each page's SQL (default 3; --quick 1).")
    parser.add_argument("--heavy-repetitions", type=int, help="Runs of export, paper, import (default 3; --quick 1).")
    names = ", ".join([*report.PAGE_NAMES, *report.TASKS])
    parser.add_argument("--only", default="", help=f"Only these, comma-separated: {names}.")
    parser.add_argument("--skip", default="", help="Leave these out (same names as --only).")
    parser.add_argument("--no-gunicorn", action="store_true", help="Leave out the load test (same as --skip gunicorn).")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")
    parser.add_argument("--load-connections", type=int, default=4, help="Concurrent connections (default 4).")
    parser.add_argument("--load-seconds", type=float, help="Seconds of load per page (default 20; --quick 5).")
    parser.add_argument("--load-max-requests", type=int, default=500, help="At most this many requests per page.")
    parser.add_argument(
        "--postgres", default=DEFAULT_POSTGRES, help=f"The database to create and drop (default {DEFAULT_POSTGRES})."
    )
    parser.add_argument("--data-dir", default=str(ROOT / "bench" / ".data"), help="SQLite files and scratch files.")
    parser.add_argument("--out", help="The JSON file to write (default bench/results/<timestamp>.json).")
    parser.add_argument("--keep", action="store_true", help="Keep the databases afterwards.")
    parser.add_argument("--strict", action="store_true", help="Exit 1 if any budget fails.")
    parser.add_argument(
        "--report", metavar="JSON", help="Measure nothing: print the tables and budgets of a results file."
    )
    args = parser.parse_args(argv)
    args.scales = _names(args.scales, SCALE_FACTORS, "--scales")
    args.databases = _names(args.databases, ("sqlite", "postgres"), "--databases")
    wanted = set(report.PAGE_NAMES) | set(report.TASKS)
    only, skip = set(_names(args.only, wanted, "--only")), set(_names(args.skip, wanted, "--skip"))
    if args.no_gunicorn:
        skip.add("gunicorn")
    args.selected = [
        name for name in [*report.PAGE_NAMES, *report.TASKS] if (not only or name in only) and name not in skip
    ]
    args.actions = args.actions or (COUNCIL_ACTIONS // QUICK_DIVISOR if args.quick else COUNCIL_ACTIONS)
    args.repetitions = args.repetitions or (3 if args.quick else 7)
    args.sql_repetitions = args.sql_repetitions or (1 if args.quick else 3)
    args.heavy_repetitions = args.heavy_repetitions or (1 if args.quick else 3)
    args.load_seconds = args.load_seconds or (5 if args.quick else 20)
    return args


def _names(value: str, allowed, option: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in allowed]
    if unknown:
        raise SystemExit(f"{option}: unknown {', '.join(unknown)}; choose from {', '.join(allowed)}")
    return names


# --- the environment of every process the benchmark starts -------------------------------------------


def bench_env(database_url: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    env |= {
        "DJANGO_SETTINGS_MODULE": "actionplans.settings",
        "DEBUG": "false",
        "SECRET_KEY": BENCH_SECRET_KEY,
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "false",  # no TLS on loopback
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    return env


def manage(env: dict, *args: str, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )


def collect_static(env: dict) -> None:
    """Production serves hashed static files from STATIC_ROOT; collect them if missing or stale."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [path for path in (ROOT / "static").rglob("*") if path.is_file()]
    if manifest.exists() and all(path.stat().st_mtime <= manifest.stat().st_mtime for path in sources):
        return
    print("Collecting static files …", flush=True)
    manage(env, "collectstatic", "--no-input", "-v0", capture=True)


# --- databases -----------------------------------------------------------------------------------------


def prepare_database(database: str, scale: str, args) -> str:
    """A fresh, empty database; its DATABASE_URL."""
    if database == "sqlite":
        path = Path(args.data_dir) / f"bench-{scale}.sqlite3"
        for stale in (path, path.with_name(path.name + "-journal")):
            stale.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    name = _postgres_name(args.postgres)
    _postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return args.postgres


def drop_database(database: str, scale: str, args) -> None:
    if database == "sqlite":
        (Path(args.data_dir) / f"bench-{scale}.sqlite3").unlink(missing_ok=True)
    else:
        _postgres_admin(args.postgres, f'DROP DATABASE IF EXISTS "{_postgres_name(args.postgres)}" WITH (FORCE)')


def _postgres_name(url: str) -> str:
    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not re.fullmatch(r"bench_[a-z0-9_]+", name):
        raise SystemExit(
            f"--postgres: the benchmark drops and creates this database: its name must start with bench_, not {name!r}"
        )
    return name


def _postgres_admin(url: str, *statements: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True, connect_timeout=10) as conn:
        for statement in statements:
            conn.execute(statement)


# --- one scale on one database ------------------------------------------------------------------------------


def measure(task: str, env: dict, args, workdir: Path, **options) -> dict:
    """bench/measure.py TASK in a process of its own; its JSON, or the error it died of."""
    out = workdir / f"{task}.json"
    out.unlink(missing_ok=True)
    command = [sys.executable, str(ROOT / "bench" / "measure.py"), task, "--out", str(out), "--workdir", str(workdir)]
    for key, value in options.items():
        command += [f"--{key.replace('_', '-')}", str(value)]
    started = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    if completed.returncode != 0 or not out.exists():
        tail = completed.stderr.strip().splitlines()[-3:]
        print(f"  {task}: FAILED\n    " + "\n    ".join(tail), flush=True)
        return {"error": " / ".join(tail) or f"exit code {completed.returncode}"}
    result = json.loads(out.read_text())
    result["wall_seconds"] = round(time.perf_counter() - started, 1)
    return result


def run_one(scale: str, database: str, args) -> dict:
    actions = args.actions * SCALE_FACTORS[scale]
    print(f"\n== {scale} scale ({actions:,} actions) on {report.DATABASE_NAMES[database]}", flush=True)
    workdir = Path(args.data_dir) / f"{scale}-{database}"
    workdir.mkdir(parents=True, exist_ok=True)
    run: dict = {"actions": actions}
    try:
        url = prepare_database(database, scale, args)
    except Exception as error:  # e.g. PostgreSQL not running: report it and go on with the rest
        print(f"  cannot prepare the database: {error}", flush=True)
        return run | {"error": f"cannot prepare the database: {error}"}
    env = bench_env(url)
    try:
        manage(env, "migrate", "--no-input", "-v0", capture=True)
        started = time.perf_counter()
        seeded = manage(env, "seed_scale", "--actions", str(actions), "--seed", str(args.seed), capture=True)
        run["seed"] = {"seconds": round(time.perf_counter() - started, 1), "output": seeded.stdout.strip()}
        print("  " + seeded.stdout.strip().splitlines()[0][:160], flush=True)
        password = re.search(r"Accounts \(password: (\S+?),", seeded.stdout).group(1)

        pages = [name for name in report.PAGE_NAMES if name in args.selected]
        if pages:
            measured = measure(
                "pages",
                env,
                args,
                workdir,
                repetitions=args.repetitions,
                sql_repetitions=args.sql_repetitions,
                only=",".join(pages),
            )
            run["pages"] = measured.get("pages", {})
            run["sizes"] = measured.get("sizes", {})
            if "error" in measured:
                run["pages_error"] = measured["error"]
            report.page_ratios(run["pages"])
        if "gunicorn" in args.selected:
            try:
                run["gunicorn"] = load.run_load(
                    gunicorn=Path(sys.executable).parent / "gunicorn",
                    root=ROOT,
                    env=env,
                    targets={"dashboard": "/dashboard/", "tracker": "/tracker/"},
                    username="admin",
                    password=password,
                    options=args,
                    log=workdir / "gunicorn.log",
                )
            except Exception as error:
                print(f"  gunicorn: FAILED: {error}", flush=True)
                run["gunicorn"] = {"error": str(error)}
        heavy = {"repetitions": args.heavy_repetitions}
        if "export" in args.selected:
            run["export"] = measure("export", env, args, workdir, **heavy)
            if "error" not in run["export"]:
                run["bare-openpyxl"] = measure("bare-openpyxl", env, args, workdir, **heavy)
        if "paper" in args.selected:
            run["paper"] = measure("paper", env, args, workdir, **heavy)
            run["bare-weasyprint"] = measure("bare-weasyprint", env, args, workdir, **heavy)
        if "import" in args.selected:  # last: it adds plans to the data set
            run["import"] = measure("import", env, args, workdir, **heavy)
        report.task_ratios(run)
        for task in ("export", "paper", "import"):
            if task in run and "median_ms" in run[task]:
                print(f"  {task:<18} median {run[task]['median_ms'] / 1000:.1f} s", flush=True)
    except subprocess.CalledProcessError as error:
        message = (error.stderr or "").strip().splitlines()[-3:]
        print(f"  FAILED: {' / '.join(message)}", flush=True)
        run["error"] = " / ".join(message) or str(error)
    finally:
        if not args.keep:
            try:
                drop_database(database, scale, args)
            except Exception as error:
                print(f"  could not drop the database: {error}", flush=True)
    return run


# --- the machine ----------------------------------------------------------------------------------------------


def machine(args) -> dict:
    info = {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "sqlite": sqlite3.sqlite_version,
        "load_average_at_start": _load_average(),
    }
    try:
        meminfo = Path("/proc/meminfo").read_text()
        info["memory_gb"] = round(int(re.search(r"MemTotal:\s+(\d+)", meminfo).group(1)) / 1024 / 1024, 1)
    except (OSError, AttributeError):
        pass
    try:
        info["debian"] = Path("/etc/debian_version").read_text().strip()
    except OSError:
        pass
    if "postgres" in args.databases:
        try:
            import psycopg

            parts = urllib.parse.urlparse(args.postgres)
            with psycopg.connect(parts._replace(path="/postgres").geturl(), connect_timeout=10) as conn:
                info["postgresql"] = conn.execute("SHOW server_version").fetchone()[0]
        except Exception as error:
            info["postgresql"] = f"unreachable: {error}"
    if shutil.which("git"):
        git = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        branch = subprocess.run(["git", "branch", "--show-current"], cwd=ROOT, capture_output=True, text=True)
        info["commit"] = f"{branch.stdout.strip()} {git.stdout.strip()}".strip()
    return info


def _load_average() -> list[float] | None:
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


# --- output ---------------------------------------------------------------------------------------------------


def tables(results: dict) -> str:
    parts = []
    meta = results["machine"]
    parts.append(
        f"Machine: {meta.get('cpus')} cores, {meta.get('memory_gb')} GB, {meta.get('platform')}, "
        f"Python {meta.get('python')}, PostgreSQL {meta.get('postgresql', '–')}, SQLite {meta.get('sqlite')}; "
        f"{meta.get('date')}; {meta.get('commit', '')}; load average at start {meta.get('load_average_at_start')}, "
        f"at end {meta.get('load_average_at_end')}"
    )
    for scale, databases in results["runs"].items():
        actions = next(iter(databases.values())).get("actions", 0)
        parts.append(f"\n### {scale.capitalize()} scale: {actions:,} actions\n")
        sizes = next((run["sizes"] for run in databases.values() if run.get("sizes")), None)
        if sizes:
            parts.append(
                f"The plan page and plan dashboard show a plan of {sizes['plan_actions']:,} actions; the "
                f"monitoring list has {sizes['list_items']:,} items; My actions lists "
                f"{sizes.get('officer_actions', '–')} open actions; the plan's Measures that matter table "
                f"{sizes.get('plan_measures', '–')} measures.\n"
            )
        for database, run in databases.items():
            if "error" in run:
                parts.append(f"{report.DATABASE_NAMES[database]}: {run['error']}\n")
        parts.append(report.markdown(report.page_table(databases)))
        parts.append("")
        parts.append(report.markdown(report.task_table(databases)))
    return "\n".join(parts)


def summarise(results: dict, out: Path, *, strict: bool) -> int:
    """Judge the budgets, print the tables and the budgets, write them beside the JSON."""
    for databases in results["runs"].values():
        for run in databases.values():
            report.page_ratios(run.get("pages", {}))
            report.task_ratios(run)
    results["budgets"] = report.evaluate(results["runs"])
    out.write_text(json.dumps(results, indent=1, default=str))
    summary = tables(results)
    out.with_suffix(".md").write_text(summary + "\n")
    print("\n" + summary)
    print("\nBudgets:")
    print("\n".join(report.budget_lines(results["budgets"])))
    failed = sum(check["result"] == "FAIL" for check in results["budgets"])
    passed = sum(check["result"] == "PASS" for check in results["budgets"])
    print(f"\n{passed} PASS, {failed} FAIL. Results: {out} (and {out.with_suffix('.md').name})")
    return 1 if strict and failed else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.report:
        path = Path(args.report)
        return summarise(json.loads(path.read_text()), path, strict=args.strict)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    options = {key: value for key, value in vars(args).items() if key != "postgres"}
    results = {"machine": machine(args), "options": options, "runs": {}}
    collect_static(bench_env("sqlite:///:memory:"))
    for scale in args.scales:
        for database in args.databases:
            results["runs"].setdefault(scale, {})[database] = run_one(scale, database, args)
            out.write_text(json.dumps(results, indent=1, default=str))  # so far, in case of a later failure
    results["machine"]["load_average_at_end"] = _load_average()
    return summarise(results, out, strict=args.strict)


if __name__ == "__main__":
    sys.exit(main())
