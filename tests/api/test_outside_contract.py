"""Issue 13's "done means": an outside contract tester finds no failure against the running
server with the demo data.

Schemathesis' own command line, in a process of its own, against gunicorn serving a
database loaded with `load_demo`, with every check (`--checks all`, so a schema-valid request
that is refused fails too) and a write token of the demo's SME owner. The tester is told the
demo's identifiers (her challenges and matches, the communities, her organisation) through
a config file, as docs/api.md says, so the writes reach their services and not only 404;
the hooks give each schema-valid write a fresh Idempotency-Key
(`tests/api/contract_hooks.py` says why). The in-process contract test
(`test_contract.py`) covers the operations example by example; this one is the whole run."""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import free_port, scratch_database

pytestmark = pytest.mark.slow

BASE_DIR = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 120
# Few examples per operation keep the run near two minutes on two cores; the seed keeps CI's
# run the same one (docs/api.md gives the unseeded command to explore by hand).
MAX_EXAMPLES = "10"
SEED = "20261207"

DEMO_IDENTIFIERS = """
import json
from django.contrib.auth import get_user_model
from apps.api.services import api_token_create
from apps.challenges.models import Challenge
from apps.communities.models import LearningCommunity
from apps.matching.models import Match
from apps.organisations.models import Membership, Organisation

owner = get_user_model().objects.get(email="mkb@demo.aihubs.nl")
mine = Membership.objects.active_for(owner).values_list("organisation_id", flat=True)
challenges = Challenge.objects.filter(organisation_id__in=mine)
matches = Match.objects.filter(challenge__organisation_id__in=mine)
print(json.dumps({
    "token": api_token_create(user=owner, name="contract", scope="write").secret,
    "challenges": sorted(challenges.values_list("pk", flat=True)),
    "matches": sorted(matches.values_list("pk", flat=True)),
    "communities": sorted(LearningCommunity.objects.values_list("slug", flat=True)),
    "organisations": sorted(Organisation.objects.filter(pk__in=mine).values_list("slug", flat=1)),
    "challenge_count": Challenge.objects.count(),
}))
"""

COUNT_CHALLENGES = """
from apps.challenges.models import Challenge
print(Challenge.objects.count())
"""


def config_for_the_tester(ids: dict) -> str:
    """Schemathesis' config: the demo's identifiers as dictionaries, drawn for most cases."""

    def values(items) -> str:
        return json.dumps(list(items))

    return f"""
[dictionaries.challenges]
values = {values(ids["challenges"])}
[dictionaries.matches]
values = {values(ids["matches"])}
[dictionaries.communities]
values = {values(ids["communities"])}
[dictionaries.organisations]
values = {values(ids["organisations"])}

[parameters]
"path.challenge_id" = {{ dictionary = "challenges", probability = 0.7 }}
"path.match_id" = {{ dictionary = "matches", probability = 0.7 }}
"body.community" = {{ dictionary = "communities", probability = 0.7 }}
"body.organisation" = {{ dictionary = "organisations", probability = 0.7 }}
"""


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def wait_for(url: str, server: subprocess.Popen, log: Path) -> None:
    started = time.monotonic()
    while time.monotonic() - started < START_TIMEOUT_SECONDS:
        assert server.poll() is None, "the server exited:\n" + log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("the server did not answer:\n" + log.read_text()[-3000:])


@pytest.fixture
def demo_server(tmp_path):
    """gunicorn serving the demo data from a database of its own; yields (url, env, ids)."""
    queue = f"{settings.CELERY_TASK_DEFAULT_QUEUE}-contract"
    with scratch_database("contract") as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": settings.REDIS_URL,
            "DEBUG": "true",
            "DEMO_PASSWORD": "demo-wachtwoord",
            "EMAIL_URL": "filemail://",
            "EMAIL_FILE_PATH": str(tmp_path / "mail"),
            # The tester sends thousands of requests from one address with one token.
            "API_RATE_LIMIT_PER_IP": "1000000",
            "API_RATE_LIMIT_PER_TOKEN": "1000000",
            # No worker takes these; a queue of its own keeps them out of others' way.
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        ids = json.loads(manage(env, "shell", "-c", DEMO_IDENTIFIERS).strip().splitlines()[-1])
        port = free_port()
        log = tmp_path / "gunicorn.log"
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "learningcommunities.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            wait_for(f"{url}/api/v1/openapi.json", server, log)
            yield url, env, ids, log
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
            import redis

            redis.Redis.from_url(settings.REDIS_URL).delete(queue)


def test_an_outside_contract_tester_finds_no_failure_against_the_demo(demo_server, tmp_path):
    url, env, ids, log = demo_server
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_for_the_tester(ids))
    tester = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    assert tester, "schemathesis' command line is not installed beside this Python"
    run = subprocess.run(
        [
            tester,
            "--config-file",
            str(config),
            "run",
            f"{url}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {ids['token']}",
            "--checks",
            "all",
            "--max-examples",
            MAX_EXAMPLES,
            "--seed",
            SEED,
            "--workers",
            "1",
            "--no-color",
        ],
        cwd=tmp_path,  # where schemathesis keeps its cache
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.api.contract_hooks",
            "PYTHONPATH": str(BASE_DIR),
        },
        capture_output=True,
        text=True,
        timeout=1200,
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-8000:] + "\n--- server ---\n" + log.read_text()[-3000:]
    with urllib.request.urlopen(f"{url}/api/v1/openapi.json") as answer:
        document = json.load(answer)
    operations = sum(len(path_item) for path_item in document["paths"].values())
    assert f"Tested: {operations}" in output, output[-3000:]
    # The run reached the writes' services, not only their refusals: it made challenges.
    made = int(manage(env, "shell", "-c", COUNT_CHALLENGES).strip().splitlines()[-1])
    assert made > ids["challenge_count"], output[-3000:]
