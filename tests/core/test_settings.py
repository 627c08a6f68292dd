"""Production settings are checked in a fresh process, as a deployment would start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def run_manage(*args: str, **env_overrides: str) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "ENV_FILE": "/nonexistent",
        "DJANGO_SETTINGS_MODULE": "learningcommunities.settings.base",
        "DATABASE_URL": os.environ.get(
            "DATABASE_URL", "postgres://postgres@127.0.0.1:5432/learningcommunities"
        ),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        **env_overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "aicommunities.example.nl",
    "CSRF_TRUSTED_ORIGINS": "https://aicommunities.example.nl",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.nl:587",
}


def test_check_deploy_with_production_values_prints_no_warning():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr.upper()
    assert "no issues" in result.stdout


def test_missing_secret_key_in_production_is_a_clear_start_up_error():
    without_key = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_manage("check", **without_key)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_in_production_is_a_start_up_error():
    without_hosts = {k: v for k, v in PRODUCTION.items() if k != "ALLOWED_HOSTS"}
    result = run_manage("check", **without_hosts)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_a_non_postgres_database_url_is_refused():
    result = run_manage("check", **PRODUCTION, DATABASE_URL="sqlite:///tmp/x.db")
    assert result.returncode != 0
    assert "PostgreSQL" in result.stderr


def test_debug_mode_works_without_any_secret_configured():
    result = run_manage("check", DEBUG="true")
    assert result.returncode == 0, result.stderr


def test_unix_socket_database_url_keeps_the_socket_path():
    code = "from learningcommunities.settings import base;print(base.DATABASES['default']['HOST'])"
    env = {
        **os.environ,
        "DEBUG": "true",
        "ENV_FILE": "/nonexistent",
        "DATABASE_URL": "postgres://postgres@%2FSome%2FPath%2Fpg/db",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.strip() == "/Some/Path/pg", result.stderr


def surfconext_settings_in_a_fresh_process(**surfconext: str) -> subprocess.CompletedProcess:
    code = (
        "from learningcommunities.settings import base as b;"
        "print(b.SOCIALACCOUNT_PROVIDERS['openid_connect']['APPS']);"
        "print(b.CONTENT_SECURITY_POLICY['DIRECTIVES']['form-action'])"
    )
    env = {**os.environ, "DEBUG": "true", "ENV_FILE": "/nonexistent", **surfconext}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_surfconext_is_configured_from_the_environment_and_admitted_by_form_action():
    result = surfconext_settings_in_a_fresh_process(
        SURFCONEXT_ISSUER="https://connect.test.surfconext.nl/",
        SURFCONEXT_CLIENT_ID="platform.example.nl",
        SURFCONEXT_CLIENT_SECRET="secret",
    )
    apps, form_action = result.stdout.strip().splitlines()
    assert "'provider_id': 'surfconext'" in apps
    assert "'server_url': 'https://connect.test.surfconext.nl'" in apps
    assert "'oauth_pkce_enabled': True" in apps
    assert form_action == "[\"'self'\", 'https://connect.test.surfconext.nl']"


def test_without_surfconext_there_is_no_app_and_form_action_is_self_only():
    result = surfconext_settings_in_a_fresh_process()
    assert result.stdout.strip().splitlines() == ["[]", "[\"'self'\"]"], result.stderr


def test_surfconext_half_configured_is_a_start_up_error():
    result = surfconext_settings_in_a_fresh_process(
        SURFCONEXT_ISSUER="https://connect.surfconext.nl"
    )
    assert result.returncode != 0
    assert "SURFCONEXT_CLIENT_ID" in result.stderr
