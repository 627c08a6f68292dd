from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from apps.core.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write one file holding a consistent dump of the database and every uploaded file "
        "(MEDIA_ROOT): a tar.gz with pg_dump's custom format, the media files and a manifest. "
        "Restore it with the `restore` command."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            help="Where to write it (must not exist); default: "
            "backups/learningcommunities-<date>-<time>.tar.gz.",
        )

    def handle(self, *args, file: str | None, **options):
        if file:
            path = Path(file)
        else:
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
            path = Path(settings.BASE_DIR) / "backups" / f"learningcommunities-{stamp}.tar.gz"
        try:
            manifest = backup_create(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        database, media = manifest["database"], manifest["media"]
        self.stdout.write(
            f"Backup written to {path}: database {database['name']} (PostgreSQL "
            f"{database['server_major']}, {database['pg_dump']}) and {media['files']} media "
            f"files ({media['bytes']} bytes)."
        )
