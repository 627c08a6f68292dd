"""Dutch is the default language: its catalogue must be complete and compiled."""

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parent.parent.parent / "locale"
CATALOGUE = LOCALE / "nl" / "LC_MESSAGES" / "django.po"

needs_gettext = pytest.mark.skipif(
    shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed"
)


@needs_gettext
def test_dutch_catalogue_has_no_untranslated_or_fuzzy_messages():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


@needs_gettext
def test_compiled_catalogue_matches_the_source(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(CATALOGUE)], check=True)
    committed = CATALOGUE.with_suffix(".mo")
    assert committed.read_bytes() == compiled.read_bytes(), "run `make messages` and commit"


def test_dutch_is_served_by_default_and_english_under_en(client, db):
    from django.utils import translation

    assert client.get("/").headers["Content-Language"] == "nl"
    assert client.get("/en/").headers["Content-Language"] == "en"
    with translation.override("nl"):
        assert translation.gettext("Dutch") == "Nederlands"
