from typing import IO

from apps.challenges.exchange import challenges_export
from apps.core.csv_exchange import ExportCommand


class Command(ExportCommand):
    help = "Write all challenges as CSV in the import format."

    def run_export(self, *, out: IO[str]) -> int:
        return challenges_export(out=out)
