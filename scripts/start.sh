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
echo
echo "Open http://127.0.0.1:8000 and sign in with one of the demo accounts above."
exec .venv/bin/python manage.py runserver 127.0.0.1:8000
