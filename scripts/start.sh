#!/usr/bin/env bash
# Install everything, prepare the database, load the demo data and start the app
# at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

# A development server on this machine only: DEBUG on, a local SQLite file.
export DEBUG="${DEBUG:-true}"
# The papers are historic, so the demo is viewed as at the date of its newest
# paper (the Children and Families Scrutiny Panel of 4 November 2021): see README.
export TRACKER_AS_AT="${TRACKER_AS_AT-2021-11-04}"

.venv/bin/python manage.py migrate --no-input
.venv/bin/python manage.py load_demo
# Background jobs (committee papers, plan reports, large downloads and imports, update rounds'
# e-mails, the daily reminders) run in a worker beside the server; it stops when the server does
# (so the server is not exec'd: the shell stays to run the trap).
.venv/bin/python manage.py run_worker &
worker_pid=$!
trap 'kill "$worker_pid" 2>/dev/null || true' EXIT
echo
echo "Open http://127.0.0.1:8000 and sign in with one of the demo accounts above."
.venv/bin/python manage.py runserver 127.0.0.1:8000
