from django.conf import settings

from learningcommunities.celery import app


def test_celery_reads_its_settings_from_django_with_json_and_late_acks():
    assert app.conf.broker_url == settings.CELERY_BROKER_URL
    assert app.conf.task_serializer == "json"
    assert app.conf.accept_content == ["json"]
    assert app.conf.task_acks_late is True
    assert app.conf.task_soft_time_limit < app.conf.task_time_limit
    # Unacked work is redelivered after the visibility timeout: it must outlast any task.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert visibility > app.conf.task_time_limit


def test_a_unix_socket_redis_url_becomes_a_kombu_socket_url(monkeypatch):
    import subprocess
    import sys

    code = (
        "import os; os.environ['DEBUG']='true'; os.environ['ENV_FILE']='/nonexistent';"
        "os.environ['REDIS_URL']='unix:///tmp/r.sock';"
        "from learningcommunities.settings import base; print(base.CELERY_BROKER_URL)"
    )
    env = {k: v for k, v in __import__("os").environ.items() if k != "CELERY_BROKER_URL"}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "redis+socket:///tmp/r.sock", result.stderr


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
        assert entry["task"] in app.tasks, name
