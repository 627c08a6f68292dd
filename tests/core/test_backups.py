"""`make backup` / `make restore`: a backup restored into a fresh database holds the same rows
and the same uploaded files; a database with data is replaced only when told."""

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from apps.challenges.models import Challenge
from apps.core.backups import BACKUP_FORMAT, postgres_program
from apps.knowledge.models import KnowledgeItem
from apps.knowledge.services import knowledge_item_create
from apps.organisations.models import Organisation
from apps.taxonomy.models import AITopic
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

BASE_DIR = Path(__file__).resolve().parent.parent.parent
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n"
MODELS = (Organisation, Challenge, KnowledgeItem, AITopic)

# pg_dump sees committed rows only.
pytestmark = pytest.mark.django_db(transaction=True)


def connect(dbname: str) -> psycopg.Connection:
    source = connection.settings_dict
    return psycopg.connect(
        host=source["HOST"] or None,
        port=source["PORT"] or None,
        user=source["USER"] or None,
        password=source["PASSWORD"] or None,
        dbname=dbname,
        autocommit=True,
    )


def database_url(dbname: str) -> str:
    source = connection.settings_dict
    host = source["HOST"] or "127.0.0.1"
    host = quote(host, safe="") if host.startswith("/") else host
    port = f":{source['PORT']}" if source["PORT"] else ""
    password = f":{quote(source['PASSWORD'], safe='')}" if source["PASSWORD"] else ""
    return f"postgres://{quote(source['USER'] or '')}{password}@{host}{port}/{dbname}"


@pytest.fixture
def fresh_database():
    """An empty database on the same server, dropped afterwards."""
    name = connection.settings_dict["NAME"] + "_restored"
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connect("postgres") as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(file: Path, *, dbname: str, media_root: Path, force: bool = False):
    """`manage.py restore` as `make restore` runs it: its own process, no standard input."""
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "learningcommunities.settings.test",
        "DATABASE_URL": database_url(dbname),
        "MEDIA_ROOT": str(media_root),
    }
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(file), *(["--force"] if force else [])],
        cwd=BASE_DIR,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
    )


def row_counts(dbname: str) -> dict[str, int]:
    with connect(dbname) as database:
        return {
            model._meta.db_table: database.execute(
                f'SELECT count(*) FROM "{model._meta.db_table}"'
            ).fetchone()[0]
            for model in MODELS
        }


def test_a_backup_restores_into_a_fresh_database_with_the_same_rows_and_files(
    settings, tmp_path, fresh_database
):
    settings.MEDIA_ROOT = tmp_path / "media"
    OrganisationFactory.create_batch(3)
    ChallengeFactory(title="Minder brood weggooien")
    item, _ = knowledge_item_create(
        title="Voorspelmodel bakkerij",
        kind=KnowledgeItem.Kind.CASE,
        summary="Wat we leerden.",
        author=None,
        file=ContentFile(PDF, name="Verslag.pdf"),
    )
    expected = row_counts(connection.settings_dict["NAME"])
    backup = tmp_path / "backup.tar.gz"

    call_command("backup", str(backup))

    with tarfile.open(backup) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        names = archive.getnames()
    assert manifest["format"] == BACKUP_FORMAT
    assert manifest["media"]["files"] == 1
    assert names[:2] == ["manifest.json", "database.dump"]
    assert f"media/{item.file.name}" in names

    restored_media = tmp_path / "restored-media"
    result = restore(backup, dbname=fresh_database, media_root=restored_media)

    assert result.returncode == 0, result.stderr
    assert row_counts(fresh_database) == expected
    with connect(fresh_database) as database:
        row = database.execute(
            f'SELECT slug, file FROM "{KnowledgeItem._meta.db_table}" WHERE title = %s',
            ["Voorspelmodel bakkerij"],
        ).fetchone()
    assert row == (item.slug, item.file.name)
    assert (restored_media / item.file.name).read_bytes() == PDF


def test_restore_replaces_a_database_with_data_only_when_forced(settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    OrganisationFactory(name="Bakkerij De Korenbloem")
    (media / "knowledge").mkdir(parents=True)
    (media / "knowledge" / "verslag.pdf").write_bytes(PDF)
    backup = tmp_path / "backup.tar.gz"
    call_command("backup", str(backup))
    Organisation.objects.update(name="Later veranderd")
    OrganisationFactory(name="Later toegevoegd")
    (media / "later.txt").write_text("later")

    with pytest.raises(CommandError, match="--force"):
        call_command("restore", str(backup))

    names = set(Organisation.objects.values_list("name", flat=True))
    assert names == {"Later veranderd", "Later toegevoegd"}
    assert (media / "later.txt").exists()

    call_command("restore", str(backup), force=True)

    assert list(Organisation.objects.values_list("name", flat=True)) == ["Bakkerij De Korenbloem"]
    assert not (media / "later.txt").exists()
    assert (media / "knowledge" / "verslag.pdf").read_bytes() == PDF


@pytest.mark.django_db
def test_backup_never_overwrites_a_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    backup = tmp_path / "backup.tar.gz"
    backup.write_bytes(b"keep me")

    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(backup))

    assert backup.read_bytes() == b"keep me"


@pytest.mark.django_db
def test_pg_dump_is_of_the_servers_major_version_or_newer():
    server_major = connection.pg_version // 10000

    program = postgres_program("pg_dump", at_least=server_major)

    assert program.major >= server_major
