"""`make run` as a newcomer sees it (issue 12, item 16): the demo logins come last, after the
web server answers and the worker has sent the demo's emails, and those emails go to files in
a folder the banner names instead of into the terminal. Runs the real launcher
(`python -m learningcommunities.dev run`: migrate, demo, web, worker and beat) against a
database of its own."""

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import free_port, scratch_database

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]
RULE = "=" * 80
START_TIMEOUT_SECONDS = 600


@pytest.fixture
def run_database():
    with scratch_database("make_run") as url:
        yield url


def test_make_run_prints_the_logins_last_and_writes_the_demos_emails_to_files(
    tmp_path, run_database
):
    env = {
        **os.environ,
        "DATABASE_URL": run_database,
        "REDIS_URL": settings.REDIS_URL,
        "LC_DATA_DIR": str(tmp_path),
        "RUN_ADDRESS": f"127.0.0.1:{free_port()}",
        "CELERY_TASK_DEFAULT_QUEUE": f"{settings.CELERY_TASK_DEFAULT_QUEUE}-make-run",
    }
    for name in ("DJANGO_SETTINGS_MODULE", "EMAIL_URL", "EMAIL_FILE_PATH", "DEBUG"):
        env.pop(name, None)
    process = subprocess.Popen(
        [sys.executable, "-m", "learningcommunities.dev", "run"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    lines: list[str] = []
    banner_done = threading.Event()

    def read() -> None:
        in_banner = False
        for line in process.stdout:
            lines.append(line)
            if line.startswith("Demo logins"):
                in_banner = True
            elif in_banner and line.strip() == RULE:
                banner_done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert banner_done.wait(START_TIMEOUT_SECONDS), "no banner:\n" + "".join(lines[-40:])
        time.sleep(3)  # what a newcomer sees a moment later
        shown = list(lines)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)

    output = "".join(shown)
    banner_end = max(i for i, line in enumerate(shown) if line.strip() == RULE)
    banner_start = banner_end - 1 - shown[banner_end - 1 :: -1].index(RULE + "\n")
    banner = "".join(shown[banner_start : banner_end + 1])
    assert "mkb@demo.aihubs.nl" in banner and "coordinator@demo.aihubs.nl" in banner
    mail_dir = tmp_path / "mail"
    assert f"Emails are written to {mail_dir}/" in banner

    # No email in the terminal; the demo's are in the folder, and their sending is over
    # before the banner (nothing of it follows).
    assert "Subject:" not in output
    assert "send_notification_email" not in "".join(shown[banner_end + 1 :])
    mails = list(mail_dir.glob("*.log"))
    assert mails, "the demo's emails were not written to the mail folder"
    assert any("To: coordinator@demo.aihubs.nl" in mail.read_text() for mail in mails)
