"""A gunicorn worker recycled by `max_requests` never resets a client's connection (issue 9,
failure 9).

Real gunicorn, run with the shipped `deploy/gunicorn.conf.py`, serving a toy WSGI app whose
every request takes half a second, to 40 clients that send their next request as soon as the
last is answered. What the test changes, and why:
- the app: the platform's own pages would make the timing depend on the database; the toy
  only stands in for "a request takes a while";
- 2 workers x 2 threads recycled every ~20 requests: dozens of recycles in a few seconds;
- `graceful_timeout` 3 s instead of 120 s: the recycling worker's wait is cut off within the
  test's time, as it would be in production by a queue of slow pages (national size, a busy
  machine).

Before the fix gunicorn's default `worker_connections` (1000) let each worker accept far more
connections than its threads could serve; a recycling worker still holding that queue when
`graceful_timeout` ran out was killed with it, resetting every connection in it (21 resets
in 283 requests on this toy). `worker_connections = threads` makes a worker accept only what
it serves now. The control test proves this test sees resets when they happen."""

from __future__ import annotations

import http.client
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.faults.conftest import wait_until
from tests.processes import free_port

pytestmark = pytest.mark.fault

BASE_DIR = Path(__file__).resolve().parents[2]
SHIPPED_CONFIG = BASE_DIR / "deploy" / "gunicorn.conf.py"
REQUEST_SECONDS = 0.5
CLIENTS = 40
RUN_SECONDS = 25

TOY_APP = f"""
import time


def app(environ, start_response):
    time.sleep({REQUEST_SECONDS})
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "2")])
    return [b"ok"]
"""

# The shipped settings, then only what the module docstring names.
TEST_CONFIG = f"""
exec(compile(open({str(SHIPPED_CONFIG)!r}).read(), {str(SHIPPED_CONFIG)!r}, "exec"))
wsgi_app = "toy_app:app"
graceful_timeout = 3
timeout = 4
accesslog = None


def when_ready(server):
    pass  # the platform's warm-up: not this app's


def post_worker_init(worker):
    pass
"""


def _serve(tmp_path: Path, extra_config: str = "") -> tuple[subprocess.Popen, int, Path]:
    (tmp_path / "toy_app.py").write_text(TOY_APP)
    (tmp_path / "gunicorn_test.conf.py").write_text(TEST_CONFIG + extra_config)
    port = free_port()
    log_path = tmp_path / "gunicorn.log"
    env = {
        **os.environ,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "2",
        "GUNICORN_MAX_REQUESTS": "20",
        "GUNICORN_MAX_REQUESTS_JITTER": "4",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn_test.conf.py"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log_path.open("w"),
    )
    wait_until(lambda: _answers(port), timeout=30, what="gunicorn to answer")
    return server, port, log_path


def _answers(port: int) -> bool:
    try:
        _get(port)
        return True
    except OSError:
        return False


def _get(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _load(port: int) -> tuple[int, list[str]]:
    """40 clients without pause for RUN_SECONDS: (answered requests, the failures)."""
    answered = 0
    failures: list[str] = []
    lock = threading.Lock()
    stop_at = time.monotonic() + RUN_SECONDS

    def client() -> None:
        nonlocal answered
        while time.monotonic() < stop_at:
            try:
                status = _get(port)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    failures.append(type(error).__name__)
                continue
            with lock:
                if status == 200:
                    answered += 1
                else:
                    failures.append(f"HTTP {status}")

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answered, failures


def _recycles(log_path: Path) -> int:
    return len(re.findall(r"Autorestarting worker", log_path.read_text()))


def _run(tmp_path: Path, extra_config: str = "") -> tuple[int, list[str], int]:
    server, port, log_path = _serve(tmp_path, extra_config)
    try:
        answered, failures = _load(port)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return answered, failures, _recycles(log_path)


def test_workers_recycled_under_load_reset_no_connection(tmp_path):
    answered, failures, recycles = _run(tmp_path)

    assert recycles >= 5, "the test must recycle workers to prove anything"
    assert answered >= 100
    assert failures == []


def test_control_with_gunicorns_default_worker_connections_the_same_load_meets_resets(
    tmp_path,
):
    """The former setting under the same load: proves the test above would see resets."""
    answered, failures, recycles = _run(tmp_path, "\nworker_connections = 1000\n")

    # Fewer recycles than above (5 in two tries against 10): a killed worker takes its queue
    # with it, and the requests in it never count towards the next one's max_requests.
    assert recycles >= 2
    assert failures, f"no reset in {answered} requests with {recycles} recycles"
