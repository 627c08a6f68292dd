from apps.challenges.exchange import COLUMNS, challenges_import
from apps.core.csv_exchange import ImportCommand, ImportResult, column_names


class Command(ImportCommand):
    help = (
        "Create or update challenges from a CSV file (columns: "
        + ",".join(column_names(COLUMNS))
        + "). On any error nothing is written and every error is listed."
    )

    def run_import(self, *, file: str, dry_run: bool) -> ImportResult:
        return challenges_import(file=file, dry_run=dry_run)
