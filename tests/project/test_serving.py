"""scripts/serve.sh, production serving: it refuses to start without what production needs; it
supervises gunicorn and the job worker (either stopping stops the other, and the script fails;
SIGTERM stops both); and, end to end on a scratch PostgreSQL database, it serves the sign-in
page and the static files over HTTP and runs a background job.

The supervision tests run a copy of the script beside a stand-in .venv whose `gunicorn` and
`python manage.py run_worker` are `sleep`s that write their process ids, so they take a second,
not a migrated database."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVE = ROOT / "scripts" / "serve.sh"
POSTGRES = os.environ.get("SERVE_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432")
# The app's settings this test sets itself: none may leak in from the test run's environment.
CLEARED = (
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "TRACKER_AS_AT",
    "WEB_CONCURRENCY",
    "BIND",
    "PORT",
    "MIGRATE",
    "COLLECTSTATIC",
    "STOP_SECONDS",
    "GUNICORN_CMD_ARGS",
)
PRODUCTION = {
    "DATABASE_URL": "postgres://tracker@db.example:5432/tracker",
    "SECRET_KEY": "serve-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "tracker.example.gov.uk",
}


def environment(**settings: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in CLEARED}
    return env | settings


def wait_for(condition, *, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {seconds:.0f} s")


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended: only its parent has not read its status yet.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    return True


def session_processes(session_id: int) -> list[int]:
    """The processes still running in a session (Linux): the script started one of its own."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[3]) == session_id and fields[0] != "Z":
                found.append(int(stat.parent.name))
    return found


def kill_session(session_id: int) -> None:
    for pid in session_processes(session_id):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


# --- refusals --------------------------------------------------------------------------------


def refusal(**settings: str) -> str:
    completed = subprocess.run(
        [SERVE], cwd=ROOT, env=environment(**settings), capture_output=True, text=True, timeout=30
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert completed.stdout == ""  # refused before doing anything: no migration, no server
    return completed.stderr


def test_it_refuses_to_start_without_a_database_url():
    message = refusal(**(PRODUCTION | {"DATABASE_URL": ""}))
    assert "DATABASE_URL is not set" in message and "postgres://user:password@host:5432/name" in message


def test_it_refuses_sqlite(tmp_path):
    database = tmp_path / "db.sqlite3"
    message = refusal(**(PRODUCTION | {"DATABASE_URL": f"sqlite:///{database}"}))
    assert "DATABASE_URL is SQLite" in message and "PostgreSQL" in message
    assert not database.exists()


def test_it_refuses_a_database_other_than_postgresql_without_echoing_its_password():
    message = refusal(**(PRODUCTION | {"DATABASE_URL": "mysql://tracker:hunter2@db:3306/tracker"}))
    assert "must be a PostgreSQL address" in message and "'mysql:'" in message
    assert "hunter2" not in message


@pytest.mark.parametrize(
    ("settings", "says"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),  # never a generated one, as the demo has
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is not set"),
        ({"DEBUG": "true"}, "DEBUG is 'true'"),
        ({"WEB_CONCURRENCY": "lots"}, "WEB_CONCURRENCY must be a number"),
        ({"PORT": "http"}, "PORT must be a port number"),
    ],
)
def test_it_refuses_what_production_must_not_run_with(settings, says):
    assert says in refusal(**(PRODUCTION | settings))


# --- supervision, with stand-ins for gunicorn and the worker ------------------------------------

FAKE_GUNICORN = """#!/bin/sh
echo $$ > "$FAKE_DIR/web.pid"
if [ "${FAKE_WEB_EXITS:-}" = yes ]; then sleep 0.5; exit 0; fi
exec sleep 300
"""
FAKE_PYTHON = """#!/bin/sh
# manage.py migrate and collectstatic: done. manage.py run_worker: run until stopped.
if [ "$2" != run_worker ]; then echo "manage.py $2" >> "$FAKE_DIR/prepared"; exit 0; fi
echo $$ > "$FAKE_DIR/worker.pid"
if [ "${FAKE_WORKER_IGNORES_TERM:-}" = yes ]; then trap '' TERM; while :; do sleep 1; done; fi
exec sleep 300
"""


@pytest.fixture
def stand_in(tmp_path):
    """A copy of serve.sh in a project folder of its own, beside a stand-in .venv."""
    (tmp_path / "scripts").mkdir()
    shutil.copy2(SERVE, tmp_path / "scripts" / "serve.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, text in (("gunicorn", FAKE_GUNICORN), ("python", FAKE_PYTHON)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(0o755)
    return tmp_path


@contextlib.contextmanager
def serving(project: Path, **settings: str):
    env = environment(**(PRODUCTION | {"FAKE_DIR": str(project), "STOP_SECONDS": "2"} | settings))
    process = subprocess.Popen(
        [project / "scripts" / "serve.sh"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            kill_session(process.pid)
        process.wait(timeout=10)
        process.stdout.close()


def pids(project: Path) -> tuple[int, int]:
    def both():
        files = [project / "web.pid", project / "worker.pid"]
        if all(file.exists() and file.read_text().strip() for file in files):
            return tuple(int(file.read_text()) for file in files)
        return None

    return wait_for(both, seconds=10, what="both processes started")


def test_sigterm_stops_the_web_server_and_the_worker_and_exits_0(stand_in):
    with serving(stand_in) as process:
        web, worker = pids(stand_in)
        assert (stand_in / "prepared").read_text() == "manage.py migrate\nmanage.py collectstatic\n"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert not is_running(web) and not is_running(worker)
        assert "stopping the web server and the job worker" in process.stdout.read()


def test_sigint_stops_both_too(stand_in):
    with serving(stand_in) as process:
        web, worker = pids(stand_in)
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
        assert not is_running(web) and not is_running(worker)


def test_when_the_worker_dies_the_web_server_is_stopped_and_the_script_fails(stand_in):
    with serving(stand_in) as process:
        web, worker = pids(stand_in)
        os.kill(worker, signal.SIGKILL)
        assert process.wait(timeout=10) == 128 + signal.SIGKILL
        assert not is_running(web)
        assert "the job worker exited (status 137); stopping the web server" in process.stdout.read()


def test_when_the_web_server_exits_even_cleanly_the_worker_is_stopped_and_the_script_fails(stand_in):
    with serving(stand_in, FAKE_WEB_EXITS="yes") as process:
        _web, worker = pids(stand_in)
        assert process.wait(timeout=10) == 1
        assert not is_running(worker)
        assert "the web server exited (status 0); stopping the job worker" in process.stdout.read()


def test_a_process_that_will_not_stop_is_killed_after_stop_seconds(stand_in):
    with serving(stand_in, FAKE_WORKER_IGNORES_TERM="yes", STOP_SECONDS="1") as process:
        web, worker = pids(stand_in)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        assert not is_running(web) and not is_running(worker)
        assert f"process {worker} did not stop within 1 s; killing it" in process.stdout.read()


@pytest.mark.parametrize(
    ("settings", "prepared"),
    [({"MIGRATE": "false"}, "manage.py collectstatic\n"), ({"COLLECTSTATIC": "false"}, "manage.py migrate\n")],
)
def test_the_migrations_or_the_static_files_can_be_left_to_the_release(stand_in, settings, prepared):
    with serving(stand_in, **settings) as process:
        pids(stand_in)
        assert (stand_in / "prepared").read_text() == prepared
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0


# --- end to end on PostgreSQL ----------------------------------------------------------------------


@pytest.fixture
def scratch_database():
    """A new, empty PostgreSQL database, dropped afterwards; skipped if PostgreSQL is not there."""
    try:
        admin = psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not reachable at {POSTGRES}: {error}")
    name = f"serve_test_{secrets.token_hex(4)}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{POSTGRES}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, {key.lower(): value for key, value in response.getheaders()}, response.read()
    finally:
        connection.close()


def answering(port: int):
    with contextlib.suppress(OSError):
        return get(port, "/accounts/login/")
    return None


def static_files_collected() -> bool:
    """Whether STATIC_ROOT holds the current static files (as bench/run.py judges it)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    sources = [path for path in (ROOT / "static").rglob("*") if path.is_file()]
    return manifest.exists() and all(path.stat().st_mtime <= manifest.stat().st_mtime for path in sources)


def test_it_serves_the_app_and_its_static_files_and_runs_jobs_on_postgresql(scratch_database, tmp_path):
    """serve.sh collecting the static files is shown above: here they are collected only when
    they are not already, which takes longer than the rest of the test on a busy machine."""
    port = free_port()
    log = tmp_path / "serve.log"
    env = environment(
        DATABASE_URL=scratch_database,
        SECRET_KEY="serve-test-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz",
        ALLOWED_HOSTS="127.0.0.1",
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        STOP_SECONDS="10",
        SECURE_SSL_REDIRECT="false",  # plain HTTP on loopback
        # The daily reminders fall due as soon as the worker starts: a job for it to run.
        TRACKER_REMINDERS_AT="00:00",
        LOG_LEVEL="WARNING",
        COLLECTSTATIC="false" if static_files_collected() else "true",
    )
    with log.open("w") as output:
        process = subprocess.Popen(
            [SERVE], cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        status, headers, body = wait_for(lambda: answering(port), seconds=90, what="the sign-in page")
        assert status == 200, body[:500]
        page = body.decode()
        assert '<h1 class="govuk-heading-l">Sign in</h1>' in page
        # The stylesheet, by its hashed name, from WhiteNoise (DEBUG is off: Django serves none).
        stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', page)[1]
        status, headers, css = get(port, stylesheet)
        assert status == 200 and headers["content-type"].startswith("text/css") and len(css) > 1000
        assert "immutable" in headers["cache-control"]

        with psycopg.connect(scratch_database, autocommit=True) as connection:

            def job_done():
                jobs = connection.execute("SELECT status FROM actionplans_job WHERE kind = 'daily_reminders'")
                return jobs.fetchall() == [("succeeded",)] or None

            wait_for(job_done, seconds=30, what="the worker ran the daily reminders")

        printed = log.read_text()
        web, worker = map(int, re.search(r"web server \(gunicorn\) pid (\d+), job worker pid (\d+)", printed).groups())
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, log.read_text()[-3000:]
        assert not is_running(web) and not is_running(worker)
        assert session_processes(process.pid) == []  # gunicorn's own workers too
    finally:
        if process.poll() is None:
            kill_session(process.pid)
            process.wait(timeout=10)
