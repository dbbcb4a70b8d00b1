#!/usr/bin/env bash
# Serve the tracker in production (README, "Running in production"): the web app under gunicorn
# with several workers, and a background job worker beside it, against PostgreSQL, with the
# static files collected and served by WhiteNoise. DEBUG is off; SECRET_KEY, ALLOWED_HOSTS and
# DATABASE_URL come from the environment, and it refuses to start without them.
#
# It runs in the foreground under a process manager (systemd, supervisord, a container) and
# supervises both: if either the web server or the job worker exits, it stops the other and exits
# non-zero, for the process manager to restart it. SIGTERM or SIGINT (Ctrl-C) stops both
# (gunicorn finishes the requests in hand, the worker the job in hand) and it exits 0.
#
# Environment (besides the app's settings, README "Settings"):
#   BIND             address to listen on (default 0.0.0.0:$PORT; PORT defaults to 8000)
#   WEB_CONCURRENCY  gunicorn worker processes (default 2 x CPU cores + 1, at most 12)
#   MIGRATE          "false" to skip `migrate` (on the second and further machines of one database)
#   COLLECTSTATIC    "false" to skip `collectstatic` (where the static files were collected when
#                    the release was built, e.g. into a container image)
#   STOP_SECONDS     how long to wait for each process to stop before killing it (default 60)
#   GUNICORN_CMD_ARGS  any further gunicorn options, as gunicorn reads them itself
set -euo pipefail
cd "$(dirname "$0")/.."

refuse() {
    echo "serve.sh: $*" >&2
    exit 2
}

# --- what production needs, or a clear refusal ------------------------------------------------
if [ -z "${DATABASE_URL:-}" ]; then
    refuse "DATABASE_URL is not set. Production runs on PostgreSQL: set DATABASE_URL=postgres://user:password@host:5432/name (scripts/start.sh serves the demo on SQLite instead)."
fi
case "$DATABASE_URL" in
postgres://* | postgresql://* | pgsql://*) ;;
sqlite:*)
    refuse "DATABASE_URL is SQLite ($DATABASE_URL). Production runs on PostgreSQL, which several web and worker processes can share: set DATABASE_URL=postgres://user:password@host:5432/name (scripts/start.sh serves the demo on SQLite instead)."
    ;;
*)
    refuse "DATABASE_URL must be a PostgreSQL address (postgres://user:password@host:5432/name), not one starting '${DATABASE_URL%%:*}:'."
    ;;
esac
if [ -z "${SECRET_KEY:-}" ]; then
    refuse "SECRET_KEY is not set. Set it to a long random value kept secret and the same on every machine, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
fi
if [ -z "${ALLOWED_HOSTS:-}" ]; then
    refuse "ALLOWED_HOSTS is not set: set it to the host names people reach the tracker at, comma-separated (e.g. tracker.example.gov.uk)."
fi
case "$(printf '%s' "${DEBUG:-false}" | tr '[:upper:]' '[:lower:]')" in
0 | false | no | off | '') ;;
*) refuse "DEBUG is '$DEBUG': production never shows Django's debug pages. Unset DEBUG (or set it to false)." ;;
esac
export DEBUG=false

PORT="${PORT:-8000}"
case "$PORT" in
'' | *[!0-9]*) refuse "PORT must be a port number, not '$PORT'." ;;
esac
BIND="${BIND:-0.0.0.0:$PORT}"
if [ -z "${WEB_CONCURRENCY:-}" ]; then
    cores=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 1)
    WEB_CONCURRENCY=$((2 * cores + 1))
    [ "$WEB_CONCURRENCY" -le 12 ] || WEB_CONCURRENCY=12
fi
case "$WEB_CONCURRENCY" in
'' | *[!0-9]* | 0) refuse "WEB_CONCURRENCY must be a number of processes, 1 or more, not '$WEB_CONCURRENCY'." ;;
esac
STOP_SECONDS="${STOP_SECONDS:-60}"
case "$STOP_SECONDS" in
'' | *[!0-9]*) refuse "STOP_SECONDS must be a whole number of seconds, not '$STOP_SECONDS'." ;;
esac

PYTHON=.venv/bin/python
GUNICORN=.venv/bin/gunicorn
if [ ! -x "$PYTHON" ] || [ ! -x "$GUNICORN" ]; then
    refuse "no .venv with gunicorn here: run scripts/setup.sh first (it installs requirements.lock)."
fi

# --- prepare: the database's tables, the static files ---------------------------------------
if [ "${MIGRATE:-true}" != "false" ]; then
    "$PYTHON" manage.py migrate --no-input
fi
# WhiteNoise serves the static files from STATIC_ROOT, with hashed names, on every machine.
if [ "${COLLECTSTATIC:-true}" != "false" ]; then
    "$PYTHON" manage.py collectstatic --no-input --verbosity 0
fi

# --- run both, and stop both when either stops ------------------------------------------------
# Job control: each process in a process group of its own, so Ctrl-C in a terminal reaches this
# script alone, which passes one SIGTERM on (a second signal would stop the job worker at once,
# abandoning the job in hand).
set -m
web_pid=""
worker_pid=""

# SIGTERM to whichever of the two is running; SIGKILL to any still there after STOP_SECONDS
# (and two more, for gunicorn's own graceful timeout of STOP_SECONDS to end first).
stop_both() {
    local pids=() pid
    for pid in "$web_pid" "$worker_pid"; do
        [ -z "$pid" ] || pids+=("$pid")
    done
    [ "${#pids[@]}" -gt 0 ] || return 0
    echo "serve.sh: stopping the web server and the job worker." >&2
    kill -TERM "${pids[@]}" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_SECONDS + 2))
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "serve.sh: process $pid did not stop within $STOP_SECONDS s; killing it." >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

on_signal() {
    trap - TERM INT
    stop_both
    exit 0
}
trap on_signal TERM INT

echo "serve.sh: web server on $BIND ($WEB_CONCURRENCY workers) and a job worker."
# --no-control-socket: nothing here uses gunicorn's control socket, and it would be state of the
# machine's own (a socket in the home directory).
"$GUNICORN" actionplans.wsgi:application \
    --bind "$BIND" \
    --workers "$WEB_CONCURRENCY" \
    --graceful-timeout "$STOP_SECONDS" \
    --access-logfile - \
    --error-logfile - \
    --no-control-socket &
web_pid=$!
"$PYTHON" manage.py run_worker &
worker_pid=$!
echo "serve.sh: web server (gunicorn) pid $web_pid, job worker pid $worker_pid." >&2

status=0
exited=""
wait -n -p exited "$web_pid" "$worker_pid" || status=$?
if [ "$exited" = "$web_pid" ]; then
    web_pid=""
    echo "serve.sh: the web server exited (status $status); stopping the job worker." >&2
else
    worker_pid=""
    echo "serve.sh: the job worker exited (status $status); stopping the web server." >&2
fi
trap - TERM INT
stop_both
# Either stopping on its own is a failure, whatever its status: the process manager restarts us.
[ "$status" -ne 0 ] || status=1
exit "$status"
