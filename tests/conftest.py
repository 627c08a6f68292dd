import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Let parallel test runs on one machine (PYTEST_DB_SUFFIX=x) use their own database."""
    from django.conf import settings

    suffix = os.environ.get("PYTEST_DB_SUFFIX")
    if suffix:
        test_settings = settings.DATABASES["default"].setdefault("TEST", {})
        test_settings["NAME"] = f"test_learningcommunities_{suffix}"
