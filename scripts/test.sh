#!/usr/bin/env bash
# Install everything and run the whole test suite (SQLite unless DATABASE_URL says otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

.venv/bin/python -m pytest --numprocesses "${TEST_PROCESSES:-auto}" "$@"
