"""Settings come from the environment, and production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-" + "x7Qp2LmN9vR4tY8wZ1bC5dF3gH6jK0sA",
    "ALLOWED_HOSTS": "tracker.example.org",
}


def run_manage(*args, env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {"DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "TRACKER_AS_AT"}
    }
    clean_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY="")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_mistyped_boolean_is_refused_not_guessed():
    result = run_manage("check", env=dict(PRODUCTION_ENV, DEBUG="ture"))
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_database_url_selects_postgresql():
    code = (
        "from django.conf import settings;"
        "print(settings.DATABASES['default']['ENGINE'], settings.DATABASES['default']['NAME'])"
    )
    env = dict(PRODUCTION_ENV, DATABASE_URL="postgres://tracker@db.example.org:5432/tracker")
    result = run_manage("shell", "--verbosity", "0", "-c", code, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "tracker"]


def test_sqlite_is_the_default_database():
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])",
        env={"DEBUG": "true"},
    )
    assert result.stdout.strip() == "django.db.backends.sqlite3"


@pytest.mark.parametrize("value", ["2021-11-04"])
def test_as_at_date_is_read_from_the_environment(value):
    result = run_manage(
        "shell",
        "--verbosity",
        "0",
        "-c",
        "from django.conf import settings; print(settings.TRACKER_AS_AT)",
        env={"DEBUG": "true", "TRACKER_AS_AT": value},
    )
    assert result.stdout.strip() == value


def test_a_malformed_as_at_date_is_refused():
    result = run_manage("check", env={"DEBUG": "true", "TRACKER_AS_AT": "4/11/21"})
    assert result.returncode != 0
    assert "TRACKER_AS_AT must be a date" in result.stderr


def test_dates_are_shown_through_the_one_format_module():
    """actionplans/kernel/formats: the date filter and date_format() show a date one way."""
    import datetime

    from django.template import Context, Template
    from django.utils import timezone
    from django.utils.formats import date_format

    day = datetime.date(2021, 11, 4)
    moment = timezone.make_aware(datetime.datetime(2021, 11, 4, 14, 30))
    assert date_format(day) == "4 November 2021"
    assert date_format(day, "SHORT_DATE_FORMAT") == "4 Nov 2021"
    assert date_format(day, "YEAR_MONTH_FORMAT") == "November 2021"
    template = Template('{{ day|date }}|{{ day|date:"SHORT_DATE_FORMAT" }}|{{ moment|date:"DATETIME_FORMAT" }}')
    shown = template.render(Context({"day": day, "moment": moment}))
    assert shown == "4 November 2021|4 Nov 2021|4 November 2021, 14:30"
