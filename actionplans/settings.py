"""Settings for the partnership action-plan tracker.

Everything that differs between machines comes from environment variables; the
defaults suit a developer's machine (DEBUG on, SQLite file). Production sets
DEBUG=false, a real SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from actionplans.kernel.env import env_bool, env_date, env_int, env_list, env_str, env_time

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)

_DEVELOPMENT_SECRET = "django-insecure-development-only-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEVELOPMENT_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "django_tables2",
    "simple_history",
    "django_tasks",
    "django_tasks_db",
    "actionplans",
    "recommendations",
    "partners",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "actionplans.session_security.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "actionplans.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "actionplans.context_processors.tracker",
            ],
        },
    },
]

WSGI_APPLICATION = "actionplans.wsgi.application"
ASGI_APPLICATION = "actionplans.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Sign-in security: authentication, sessions, lockout, e-mail ---------------
# Django checks the password; django-axes (first backend) refuses sign-in while a
# username is locked out from an IP address.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"


def _at_least_one(name: str, value: int) -> int:
    if value < 1:
        raise ImproperlyConfigured(f"{name} must be 1 or more, not {value}")
    return value


# Lockout (django-axes): after AXES_FAILURE_LIMIT failed sign-ins for one username
# from one IP address, that pair is locked out for AXES_COOLOFF_MINUTES. Locking the
# pair, not the address, means one attacker cannot lock out a whole office that
# shares an address, nor lock a person out from everywhere by guessing their username.
# Each failure while locked out starts the cool-off again; a successful sign-in
# clears the failures of that pair. Attempts are kept in the database.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = _at_least_one("AXES_FAILURE_LIMIT", env_int("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=_at_least_one("AXES_COOLOFF_MINUTES", env_int("AXES_COOLOFF_MINUTES", 30))
)
AXES_RESET_ON_SUCCESS = True
# To lift a lockout early: python manage.py axes_reset_username USERNAME. (axes' admin
# pages are off: they have no add form, which tests/project/test_pages.py expects of every admin.)
AXES_ENABLE_ADMIN = False
# The lockout page (HTTP 429): actionplans.errors.lockout renders this template and
# adds the time the person can try again.
AXES_LOCKOUT_TEMPLATE = "axes/lockout.html"
AXES_LOCKOUT_CALLABLE = "actionplans.errors.lockout"
# The client's address. django-ipware is not installed, so axes would read
# REMOTE_ADDR, which behind a reverse proxy is the proxy's. TRUSTED_PROXY_COUNT says
# how many proxies of ours append to X-Forwarded-For; the address is read from the
# right of that header, skipping only entries our proxies wrote, so a client cannot
# choose its own address (see actionplans.session_security.client_ip_address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_COUNT must be 0 or more, not {TRUSTED_PROXY_COUNT}")
AXES_CLIENT_IP_CALLABLE = "actionplans.session_security.client_ip_address"
# No "AXES: BEGIN version …" banner on every manage.py command; lockouts are still logged.
AXES_VERBOSE = False

# Sessions (actionplans.session_security.SessionSecurityMiddleware): signed out after
# SESSION_IDLE_TIMEOUT_MINUTES without a request, and SESSION_ABSOLUTE_TIMEOUT_HOURS
# after signing in whatever the activity. Django gives a new session key at sign-in.
SESSION_IDLE_TIMEOUT_MINUTES = _at_least_one(
    "SESSION_IDLE_TIMEOUT_MINUTES", env_int("SESSION_IDLE_TIMEOUT_MINUTES", 60)
)
SESSION_ABSOLUTE_TIMEOUT_HOURS = _at_least_one(
    "SESSION_ABSOLUTE_TIMEOUT_HOURS", env_int("SESSION_ABSOLUTE_TIMEOUT_HOURS", 12)
)
# The session row and cookie last no longer than the absolute lifetime, and the cookie
# goes when the browser closes (shared computers in council offices).
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_HOURS * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# A password-reset link works once, for an hour (the e-mail says so).
PASSWORD_RESET_TIMEOUT = 60 * 60

# E-mail (password reset): printed to the console unless EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# A form sent without a valid CSRF token gets our page, not Django's.
CSRF_FAILURE_VIEW = "actionplans.errors.csrf_failure"

LANGUAGE_CODE = "en-gb"
# How dates are shown (the date filter, django.utils.formats.date_format): one definition.
FORMAT_MODULE_PATH = ["actionplans.kernel.formats"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
MEDIA_URL = "media/"

# Security: strict by default whenever DEBUG is off; each can be relaxed by env for
# a deployment behind a proxy that terminates TLS differently.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Tracker rules -----------------------------------------------------------
# An open action with no progress update for longer than this many days is
# flagged "update due" (see actionplans/rag.py).
TRACKER_REPORTING_CYCLE_DAYS = env_int("TRACKER_REPORTING_CYCLE_DAYS", 90)
# An open action is "due soon" (My actions) from this many days before its target date
# (see actionplans/plans/rag.py).
TRACKER_DUE_SOON_DAYS = env_int("TRACKER_DUE_SOON_DAYS", 30)
# The executive's response to recommendations is due this many months after the report
# (two, as the scrutiny regulations expect).
TRACKER_RESPONSE_DUE_MONTHS = env_int("TRACKER_RESPONSE_DUE_MONTHS", 2)
# Uploaded spreadsheets (reports.uploads): the largest file, in bytes, and the most rows taken.
TRACKER_UPLOAD_MAX_BYTES = _at_least_one(
    "TRACKER_UPLOAD_MAX_BYTES", env_int("TRACKER_UPLOAD_MAX_BYTES", 5 * 1024 * 1024)
)
TRACKER_UPLOAD_MAX_ROWS = _at_least_one("TRACKER_UPLOAD_MAX_ROWS", env_int("TRACKER_UPLOAD_MAX_ROWS", 5_000))
# The date the whole app is viewed "as at". Unset in production (every page then
# uses today's date); the demo sets it to the date of its newest paper, because
# the papers are historic (see README).
TRACKER_AS_AT = env_date("TRACKER_AS_AT")
# The name shown in the header of every page and on published papers.
TRACKER_SERVICE_NAME = env_str("TRACKER_SERVICE_NAME", "Partnership action plan tracker")
# The address people reach the tracker at, for the links in e-mails (the daily
# reminders have no request to take it from).
TRACKER_BASE_URL = env_str("TRACKER_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# Reminders (manage.py send_reminders): officers are e-mailed that an open action is due
# soon (the rule of actionplans/plans/rag.py, with this shorter lead time than the pages'
# TRACKER_DUE_SOON_DAYS) this many days before its target date; officers who have not yet
# updated for an update round are reminded this many days before its deadline.
TRACKER_REMINDER_DUE_SOON_DAYS = env_int("TRACKER_REMINDER_DUE_SOON_DAYS", 14)
TRACKER_ROUND_DEADLINE_REMINDER_DAYS = env_int("TRACKER_ROUND_DEADLINE_REMINDER_DAYS", 3)

# Published papers (reports.papers.people.name_in_paper): members of bodies and senior officers
# (Person.is_senior) are always named; other officers are named only when this is true, and are
# otherwise shown by their job title.
TRACKER_PAPERS_NAME_JUNIOR_OFFICERS = env_bool("TRACKER_PAPERS_NAME_JUNIOR_OFFICERS", False)

# --- Background jobs (actionplans.kernel.jobs) --------------------------------------------------
# Heavy work (committee papers, plan reports, large exports and imports, update rounds, the daily
# reminders) runs in a worker, `python manage.py run_worker`, not in the request. Jobs are queued
# through Django's tasks API (the django-tasks backport); the default backend keeps the queue in
# the database, so any number of workers on any number of machines share it through the one
# database. TASKS_BACKEND may name another django-tasks backend.
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A download of more rows than this (tracker exports) is made by a job; fewer are streamed at once.
TRACKER_EXPORT_JOB_ROWS = _at_least_one("TRACKER_EXPORT_JOB_ROWS", env_int("TRACKER_EXPORT_JOB_ROWS", 2_000))
# An import of more rows than this is saved by a job; fewer are saved in the request.
TRACKER_IMPORT_JOB_ROWS = _at_least_one("TRACKER_IMPORT_JOB_ROWS", env_int("TRACKER_IMPORT_JOB_ROWS", 300))
# The workers queue the daily reminders once a day, at or after this time (HH:MM, local time).
TRACKER_REMINDERS_AT = env_time("TRACKER_REMINDERS_AT", datetime.time(7, 30))
# A running job that has not reported progress for this long is taken to have lost its worker
# (a machine stopped mid-job) and is marked failed, so it can be tried again.
TRACKER_JOB_STALE_MINUTES = _at_least_one("TRACKER_JOB_STALE_MINUTES", env_int("TRACKER_JOB_STALE_MINUTES", 60))
# Finished jobs (done or failed), with the files they made, are kept this many days after the day
# they finished, then removed (manage.py prune_jobs; the workers run it once a day with the
# reminders). Jobs still queued or running are never removed.
TRACKER_JOB_KEEP_DAYS = _at_least_one("TRACKER_JOB_KEEP_DAYS", env_int("TRACKER_JOB_KEEP_DAYS", 30))
