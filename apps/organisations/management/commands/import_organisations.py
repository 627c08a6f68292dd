from apps.core.csv_exchange import ImportCommand, ImportResult, column_names
from apps.organisations.exchange import COLUMNS, organisations_import


class Command(ImportCommand):
    help = (
        "Create or update organisations from a CSV file (columns: "
        + ",".join(column_names(COLUMNS))
        + "). On any error nothing is written and every error is listed."
    )

    def run_import(self, *, file: str, dry_run: bool) -> ImportResult:
        return organisations_import(file=file, dry_run=dry_run)
