#!/usr/bin/env bash
# Installs everything the tracker needs into .venv (Python 3.11) and prepares the
# database. Sourced by start.sh and test.sh; safe to run again.
set -euo pipefail

cd "$(dirname "$0")/.."
PROJECT_DIR=$(pwd)

find_python() {
    for candidate in python3.11 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 \
            && "$candidate" -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

if ! PYTHON=$(find_python); then
    echo "The tracker needs Python 3.11. Install it first, e.g. on Debian or Ubuntu:" >&2
    echo "    sudo apt-get install python3.11 python3.11-venv" >&2
    exit 1
fi

stamp=.venv/.requirements.lock.installed
if [ ! -x .venv/bin/python ]; then
    "$PYTHON" -m venv .venv || {
        echo "Could not create a virtual environment. On Debian or Ubuntu: sudo apt-get install python3.11-venv" >&2
        exit 1
    }
fi
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --requirement requirements.lock
    cp requirements.lock "$stamp"
fi

# WeasyPrint (PDF papers) needs the Pango text library from the operating system.
if ! .venv/bin/python -c "import weasyprint" >/dev/null 2>&1; then
    echo "WeasyPrint cannot find the Pango library it needs to make PDF papers. Install it:" >&2
    echo "    Debian or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0" >&2
    echo "    Fedora:           sudo dnf install pango" >&2
    echo "    macOS (Homebrew): brew install pango" >&2
    exit 1
fi

export PROJECT_DIR
