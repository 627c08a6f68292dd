from apps.challenges.exchange import challenges_import
from apps.core.csv_exchange import ImportCommand, ImportResult


class Command(ImportCommand):
    help = (
        "Create or update challenges from a CSV file (columns: "
        "ref,organisation_ref,title,description,province,topics,sectors,formats,status). "
        "On any error nothing is written and every error is listed."
    )

    def run_import(self, *, file: str, dry_run: bool) -> ImportResult:
        return challenges_import(file=file, dry_run=dry_run)
