#!/usr/bin/env bash
# Installs everything the tracker needs and prepares .venv (Python 3.11). Sourced by
# start.sh and test.sh (and so by .ci/run); safe to run again.
#
# Operating-system packages: Python 3.11 and, for the PDF papers, Pango, HarfBuzz with
# its subset library and the fonts the papers ask for (Arial, or its metric-compatible
# stand-in Liberation Sans). Where it runs as root, or `sudo -n` works, it installs what
# is missing with apt (Debian, Ubuntu); otherwise it prints the command and stops.
set -euo pipefail

cd "$(dirname "$0")/.."
PROJECT_DIR=$(pwd)

# Debian and Ubuntu packages for the PDF papers (WeasyPrint's own list, and the fonts).
PDF_APT_PACKAGES="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fontconfig fonts-liberation2 fonts-dejavu-core"
PYTHON_APT_PACKAGES="python3.11 python3.11-venv"

have_apt() {
    command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1
}

# True when we may install packages: we are root, or sudo works without a password.
may_install() {
    [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }
}

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# The packages among "$@" that dpkg does not have installed.
apt_missing() {
    local package
    for package in "$@"; do
        if [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)" != "install ok installed" ]; then
            echo "$package"
        fi
    done
}

# apt_install WHY PACKAGE...: installs the missing ones, or prints the command and exits.
apt_install() {
    local why=$1
    shift
    local missing
    missing=$(apt_missing "$@" | tr '\n' ' ' | sed 's/ $//')
    [ -n "$missing" ] || return 0
    if ! may_install; then
        echo "The tracker needs $why; only root can install it. Run this, then this script again:" >&2
        echo "    sudo apt-get update && sudo apt-get install -y --no-install-recommends $missing" >&2
        exit 1
    fi
    echo "Installing $why with apt: $missing"
    # shellcheck disable=SC2086 # one word per package
    if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
        || ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing; then
        echo "apt-get could not install: $missing (see its messages above)." >&2
        exit 1
    fi
}

# --- Python 3.11 -------------------------------------------------------------------

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
    if have_apt; then
        # shellcheck disable=SC2086
        apt_install "Python 3.11" $PYTHON_APT_PACKAGES
    fi
    if ! PYTHON=$(find_python); then
        echo "The tracker needs Python 3.11 (as python3.11, python3 or python on PATH). Install it first:" >&2
        echo "    Debian or Ubuntu: sudo apt-get install python3.11 python3.11-venv" >&2
        echo "    Fedora:           sudo dnf install python3.11" >&2
        echo "    macOS (Homebrew): brew install python@3.11" >&2
        exit 1
    fi
fi

if [ -e .venv ] && ! .venv/bin/python -c '' 2>/dev/null; then
    echo "$PROJECT_DIR/.venv exists but its Python does not run (made on another machine, or its Python" >&2
    echo "was removed?). Remove it (rm -rf .venv) and run this again." >&2
    exit 1
fi

# Makes .venv, or removes the half-made one (it would have no pip, yet pass for finished).
make_venv() {
    "$PYTHON" -m venv .venv >/dev/null 2>&1 || {
        rm -rf .venv
        return 1
    }
}

if [ ! -e .venv ] && ! make_venv; then
    # Debian and Ubuntu keep venv's pip (ensurepip) in a package of its own.
    if have_apt; then
        # shellcheck disable=SC2086
        apt_install "Python 3.11's venv module" $PYTHON_APT_PACKAGES
    fi
    make_venv || {
        echo "Could not create a virtual environment with $PYTHON:" >&2
        "$PYTHON" -m venv .venv >&2 || true
        rm -rf .venv
        echo "On Debian or Ubuntu: sudo apt-get install python3.11-venv" >&2
        exit 1
    }
fi

stamp=.venv/.requirements.lock.installed
if [ ! -f "$stamp" ] || ! cmp -s requirements.lock "$stamp"; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --requirement requirements.lock
    cp requirements.lock "$stamp"
fi

# --- What the PDF papers need from the operating system ----------------------------

# Makes a one-page PDF as the app does, with Python's warnings as errors (as in the test
# suite): without HarfBuzz's subset library WeasyPrint only warns, and every test that
# makes a paper fails. Prints what is wrong and exits non-zero.
check_pdf_libraries() {
    .venv/bin/python -W error - <<'PY'
import sys

try:
    import weasyprint
except DeprecationWarning as warning:
    if "HarfBuzz-Subset" in str(warning):
        sys.exit(
            "WeasyPrint cannot load HarfBuzz's subset library, libharfbuzz-subset.so.0 "
            "(Debian and Ubuntu package libharfbuzz-subset0)."
        )
    sys.exit(f"WeasyPrint warns: {warning}")
except OSError as error:
    # "cannot load library 'libpango-1.0-0': ...": the first line names the library.
    sys.exit(f"WeasyPrint cannot load a library it needs: {str(error).splitlines()[0]}")

html = '<p style="font-family: Arial, sans-serif">Committee paper <b>Appendix 1</b></p>'
document = weasyprint.HTML(string=html).render()
pdf = document.write_pdf()
if len(document.pages) != 1 or not pdf.startswith(b"%PDF"):
    sys.exit("WeasyPrint did not make a one-page PDF.")
families = {font.family for font in document.fonts.values()}
if not families & {"Arial", "Liberation Sans", "Arimo"}:
    sys.exit(
        "The papers are set in Arial, but neither Arial nor its metric-compatible stand-in "
        f"Liberation Sans is installed (the test page used {', '.join(sorted(families)) or 'no font'}; "
        "Debian and Ubuntu package fonts-liberation2)."
    )
PY
}

if ! problem=$(check_pdf_libraries 2>&1); then
    if ! have_apt; then
        echo "$problem" >&2
        echo "PDF papers need Pango, HarfBuzz with its subset library, and Arial or Liberation Sans. Install them:" >&2
        echo "    Fedora:           sudo dnf install pango harfbuzz liberation-sans-fonts" >&2
        echo "    macOS (Homebrew): brew install pango harfbuzz" >&2
        exit 1
    fi
    # shellcheck disable=SC2086
    if [ -z "$(apt_missing $PDF_APT_PACKAGES)" ]; then
        # Installing again would change nothing: say so rather than go round in circles.
        echo "$problem" >&2
        echo "apt says every package the PDF papers need is installed ($PDF_APT_PACKAGES)," >&2
        echo "yet the check still fails, so installing again would not help. Is the library named above" >&2
        echo "hidden, damaged or shadowed by another copy (LD_LIBRARY_PATH)? Reinstalling it may help, e.g." >&2
        echo "    sudo apt-get install --reinstall libharfbuzz-subset0" >&2
        exit 1
    fi
    echo "$problem"
    # shellcheck disable=SC2086
    apt_install "the libraries and fonts of the PDF papers" $PDF_APT_PACKAGES
    if ! problem=$(check_pdf_libraries 2>&1); then
        echo "$problem" >&2
        echo "Every package the PDF papers need is now installed ($PDF_APT_PACKAGES), yet the check still fails." >&2
        exit 1
    fi
    echo "PDF papers: the libraries and fonts they need are installed and work."
fi

export PROJECT_DIR
