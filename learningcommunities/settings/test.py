"""Test settings: the real PostgreSQL and Redis from the environment, faster hashing, mail kept
in memory (Django's locmem backend, which the test runner installs anyway)."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

from learningcommunities.settings.base import *  # noqa: F403
from learningcommunities.settings.base import CACHES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Fault tests run Celery workers as processes of their own; their mail goes to files.
if os.environ.get("TEST_EMAIL_BACKEND"):
    EMAIL_BACKEND = os.environ["TEST_EMAIL_BACKEND"]
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
SECURE_SSL_REDIRECT = False
# Tests share the Redis server with a running `make run`; keep their keys apart.
CACHES["default"]["KEY_PREFIX"] = "lc-test-" + os.environ.get("PYTEST_DB_SUFFIX", "")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploads of a test run (knowledge files, the demo's write-ups) go to a directory of its own
# rather than the developer's media/, unless the environment names one (a test that runs
# `manage.py restore` in a process of its own does).
MEDIA_ROOT = os.environ.get("MEDIA_ROOT") or os.path.join(
    tempfile.gettempdir(), "lc-test-media-" + os.environ.get("PYTEST_DB_SUFFIX", "main")
)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A queue of the tests' own, so a `make run` worker on the same Redis never takes test tasks.
CELERY_TASK_DEFAULT_QUEUE = "lc-test-" + os.environ.get("PYTEST_DB_SUFFIX", "main")
MATCHING_CHUNK_SIZE = 3
# Searches in tests use meaning at once (the model loads on the first one); the background
# loading itself is tested with an override.
SEMANTICS_LOAD_IN_BACKGROUND = False
