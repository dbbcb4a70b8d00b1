#!/usr/bin/env bash
# Install everything, prepare the database, load the demo data and serve the demo at
# http://127.0.0.1:$PORT (PORT defaults to 8000) as users meet it: DEBUG off, so the
# product's own error pages, with the static files collected and served by WhiteNoise.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

PORT="${PORT:-8000}"
case "$PORT" in
'' | *[!0-9]*)
    echo "PORT must be a port number, not '$PORT'." >&2
    exit 1
    ;;
esac

export DEBUG="${DEBUG:-false}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
# A secret key made on the first start and kept, readable only by you, in .secret_key
# (ignored by git); later starts reuse it, so sign-ins survive a restart.
if [ -z "${SECRET_KEY:-}" ]; then
    if [ ! -s .secret_key ]; then
        (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >.secret_key)
        echo "Made a secret key for the demo in .secret_key (kept out of git; later starts reuse it)."
    fi
    SECRET_KEY=$(cat .secret_key)
    export SECRET_KEY
fi
# Plain HTTP on this machine only: no redirect to HTTPS, no HSTS, and cookies that the
# browser sends over HTTP. Production keeps the secure defaults (see README).
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_HSTS_SECONDS="${SECURE_HSTS_SECONDS:-0}"
export SESSION_COOKIE_SECURE="${SESSION_COOKIE_SECURE:-false}"
export CSRF_COOKIE_SECURE="${CSRF_COOKIE_SECURE:-false}"
export TRACKER_BASE_URL="${TRACKER_BASE_URL:-http://127.0.0.1:$PORT}"
# The papers are historic, so the demo is viewed as at the date of its newest
# paper (the Children and Families Scrutiny Panel of 4 November 2021): see README.
export TRACKER_AS_AT="${TRACKER_AS_AT-2021-11-04}"

.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
# With DEBUG off Django serves no static files: WhiteNoise serves them from STATIC_ROOT.
.venv/bin/python manage.py collectstatic --no-input --verbosity 0
# Background jobs (committee papers, plan reports, large downloads and imports, update rounds'
# e-mails, the daily reminders) run in a worker beside the server; it stops when the server does
# (so the server is not exec'd: the shell stays to run the trap).
.venv/bin/python manage.py run_worker &
worker_pid=$!
trap 'kill "$worker_pid" 2>/dev/null || true' EXIT
echo
echo "Serving the demo at http://127.0.0.1:$PORT (PORT=$PORT; set PORT for another port)."
echo "Open it and sign in with one of the demo accounts above. Ctrl-C stops it and its worker."
.venv/bin/python manage.py runserver "127.0.0.1:$PORT"
