from apps.core.csv_exchange import ImportCommand, ImportResult
from apps.organisations.exchange import organisations_import


class Command(ImportCommand):
    help = (
        "Create or update organisations from a CSV file (columns: "
        "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,"
        "parent_ref). On any error nothing is written and every error is listed."
    )

    def run_import(self, *, file: str, dry_run: bool) -> ImportResult:
        return organisations_import(file=file, dry_run=dry_run)
