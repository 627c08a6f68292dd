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


# The same exclusions as `make messages`: third-party code, data, tests and benchmarks.
MAKEMESSAGES_IGNORE = [
    ".venv/*",
    ".data/*",
    "tests/*",
    "bench/*",
    "staticfiles/*",
    "node_modules/*",
]


@needs_gettext
def test_every_string_in_the_code_has_a_dutch_translation(tmp_path, settings, monkeypatch):
    """Run `makemessages` against a copy of the catalogue: a user-facing string added to the
    code or templates without a Dutch translation shows up as untranslated here."""
    from django.core.management import call_command

    # makemessages writes next to the sources it finds, so it runs in a scratch tree that
    # links to the sources and holds a copy of the catalogue: the real one is never touched.
    scratch = tmp_path / "locale"
    (scratch / "nl" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(CATALOGUE, scratch / "nl" / "LC_MESSAGES" / "django.po")
    for source in ("apps", "templates", "learningcommunities"):
        (tmp_path / source).symlink_to(LOCALE.parent / source)
    settings.LOCALE_PATHS = [scratch]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=["nl"],
        ignore_patterns=MAKEMESSAGES_IGNORE,
        symlinks=True,
        verbosity=0,
    )
    refreshed = scratch / "nl" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(
        ["msgattrib", "--untranslated", "--no-obsolete", str(refreshed)],
        capture_output=True,
        text=True,
        check=True,
    )
    untranslated = [
        line.removeprefix("msgid ")
        for line in result.stdout.splitlines()
        if line.startswith("msgid ") and line != 'msgid ""'
    ]
    # A long message starts with an empty `msgid ""` line; the header entry is the one that
    # may legitimately look like that, so count entries rather than only one-line ids.
    entries = result.stdout.count("\nmsgid ")
    assert entries <= 1 and not untranslated, (
        "untranslated (run `make messages`):\n" + (result.stdout[:3000])
    )
    fuzzy = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-obsolete", str(refreshed)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "msgid" not in fuzzy, "fuzzy entries after makemessages:\n" + fuzzy[:2000]
