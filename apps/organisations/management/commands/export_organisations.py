from typing import IO

from apps.core.csv_exchange import ExportCommand
from apps.organisations.exchange import organisations_export


class Command(ExportCommand):
    help = "Write all organisations as CSV in the import format."

    def run_export(self, *, out: IO[str]) -> int:
        return organisations_export(out=out)
