"""The app under gunicorn on loopback, and a small load generator.

`serve()` starts gunicorn on 127.0.0.1 at a free port (never another address) and stops it
afterwards; `sign_in()` gets a session cookie through the real sign-in form; `load()` sends
GET requests from a few threads, one connection each, for a bounded time and number of
requests, and reports requests per second and latencies. Standard library only.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import signal
import socket
import statistics
import subprocess
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bench.report import percentile

HOST = "127.0.0.1"
REQUEST_TIMEOUT = 120  # seconds: a request still running then counts as an error


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def serve(*, gunicorn: Path, root: Path, env: dict, workers: int, log: Path):
    """gunicorn serving the app at http://127.0.0.1:<port>; yields the port."""
    port = free_port()
    command = [
        str(gunicorn),
        "actionplans.wsgi:application",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--timeout",
        str(REQUEST_TIMEOUT),
        "--graceful-timeout",
        "5",
        "--chdir",
        str(root),
        "--no-control-socket",  # nothing to control; and no socket in the home directory to collide on
    ]
    with open(log, "ab") as log_file:
        process = subprocess.Popen(command, env=env, stdout=log_file, stderr=subprocess.STDOUT, cwd=root)
    try:
        _wait_for(port, process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with code {process.returncode}; see its log")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not listen on {HOST}:{port} within {timeout:.0f} s")


def _request(port: int, method: str, path: str, *, headers=None, body=None):
    connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _cookies(headers) -> dict[str, str]:
    cookies = {}
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair = value.split(";", 1)[0]
            key, _, cookie = pair.partition("=")
            cookies[key.strip()] = cookie.strip()
    return cookies


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the sign-in page, as a browser would; the Cookie header to send after."""
    status, headers, body = _request(port, "GET", "/accounts/login/")
    cookies = _cookies(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    if status != 200 or token is None or "csrftoken" not in cookies:
        raise RuntimeError(f"The sign-in page did not load (HTTP {status})")
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1).decode(), "username": username, "password": password}
    )
    status, headers, _body = _request(
        port,
        "POST",
        "/accounts/login/",
        body=form,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookies['csrftoken']}",
        },
    )
    cookies |= _cookies(headers)
    if status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"Signing in as {username} failed (HTTP {status})")
    return "; ".join(f"{key}={value}" for key, value in cookies.items())


@dataclass
class Sample:
    started: float
    seconds: float
    status: int | None


def load(port: int, path: str, *, cookie: str, connections: int, seconds: float, max_requests: int) -> dict:
    """GET `path` from `connections` threads until `seconds` have passed or `max_requests` have
    been sent; requests under way at the deadline are waited for (up to REQUEST_TIMEOUT)."""
    samples: list[Sample] = []
    lock = threading.Lock()
    sent = [0]
    start = time.monotonic()
    deadline = start + seconds

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if sent[0] >= max_requests:
                    return
                sent[0] += 1
            began = time.monotonic()
            try:
                status, _headers, _body = _request(port, "GET", path, headers={"Cookie": cookie})
            except OSError:
                status = None
            with lock:
                samples.append(Sample(began, time.monotonic() - began, status))

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + REQUEST_TIMEOUT + 10)
    elapsed = time.monotonic() - start
    ok = sorted(sample.seconds for sample in samples if sample.status == 200)
    return {
        "path": path,
        "connections": connections,
        "seconds": round(elapsed, 1),
        "requests": len(samples),
        "ok": len(ok),
        "errors": len(samples) - len(ok),
        "requests_per_second": round(len(ok) / elapsed, 2) if elapsed else 0,
        "median_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
        "p95_ms": round(percentile(ok, 0.95) * 1000, 1) if ok else None,
    }


def run_load(
    *, gunicorn: Path, root: Path, env: dict, targets: dict[str, str], username: str, password: str, options, log: Path
) -> dict:
    """Each target path under load in turn, with gunicorn started before and stopped after."""
    results = {"workers": options.workers, "log": str(log)}
    with serve(gunicorn=gunicorn, root=root, env=env, workers=options.workers, log=log) as port:
        cookie = sign_in(port, username, password)
        for name, path in targets.items():
            # One request per worker first, untimed: each worker loads the app on its first request.
            warm = [
                threading.Thread(target=_request, args=(port, "GET", path), kwargs={"headers": {"Cookie": cookie}})
                for _ in range(options.workers)
            ]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join(REQUEST_TIMEOUT)
            results[name] = load(
                port,
                path,
                cookie=cookie,
                connections=options.load_connections,
                seconds=options.load_seconds,
                max_requests=options.load_max_requests,
            )
            print(f"  gunicorn {name:<10} {_brief(results[name])}", flush=True)
    return results


def _brief(result: dict) -> str:
    return (
        f"{result['requests_per_second']} req/s, p95 {result['p95_ms']} ms, "
        f"{result['ok']} ok, {result['errors']} errors in {result['seconds']} s"
    )
