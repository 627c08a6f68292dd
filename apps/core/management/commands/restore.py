from django.core.management.base import BaseCommand, CommandError

from apps.core.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a file written by the `backup` command: the database (in one transaction) "
        "and the uploaded files (MEDIA_ROOT). Refuses a database with tables or a media "
        "folder with files unless --force is given. Never asks anything."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup (.tar.gz) to restore.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace what is there: every table of the database and every media file.",
        )

    def handle(self, *args, file: str, force: bool, **options):
        try:
            manifest = backup_restore(path=file, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Restored {file} (made {manifest['created_at']}): the database and "
            f"{manifest['media']['files']} media files."
        )
