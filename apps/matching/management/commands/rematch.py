import sys
import time
import uuid

from django.core.management.base import BaseCommand, CommandError

from apps.hubs.models import Hub
from apps.matching.models import MatchRun
from apps.matching.services import match_run_full, match_run_process_here


class Command(BaseCommand):
    help = (
        "Recompute the suggestions of all published challenges (or one hub's), in this process "
        "with a progress bar, or handed to the Celery workers with --enqueue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--hub", metavar="SLUG", help="only this hub's challenges")
        parser.add_argument(
            "--balanced",
            action="store_true",
            help="distribute top suggestions over the hub within suppliers' capacity",
        )
        parser.add_argument("--enqueue", action="store_true", help="let the Celery workers do it")

    def handle(self, *args, hub: str | None, balanced: bool, enqueue: bool, **options):
        hub_object = None
        if hub:
            hub_object = Hub.objects.filter(slug=hub).first()
            if hub_object is None:
                slugs = ", ".join(Hub.objects.values_list("slug", flat=True))
                raise CommandError(f"No hub {hub!r}. Hubs: {slugs}")
        if balanced and hub_object is None:
            raise CommandError("--balanced needs --hub: capacity is balanced within a hub.")
        run = match_run_full(
            hub=hub_object, balanced=balanced, trigger="manage.py rematch", enqueue=enqueue
        )
        if enqueue:
            self.stdout.write(f"Match run #{run.pk} queued: {run.chunks_total} parts.")
            return
        started = time.monotonic()
        run = match_run_process_here(
            run=run, token=f"command-{uuid.uuid4()}", progress=self._progress(started)
        )
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        if run.status != MatchRun.Status.DONE and run.chunks_total:
            raise CommandError(f"Match run #{run.pk} ended {run.status}: {run.error}")
        self.stdout.write(
            f"Match run #{run.pk}: {run.challenges_done} challenges, "
            f"{run.matches_written} suggestions written, {run.matches_removed} removed, "
            f"in {time.monotonic() - started:.1f}s."
        )

    def _progress(self, started: float):
        def show(run: MatchRun) -> None:
            width = 30
            filled = int(width * run.progress)
            elapsed = time.monotonic() - started
            eta = elapsed / run.progress - elapsed if run.progress else 0
            bar = "#" * filled + "-" * (width - filled)
            line = (
                f"[{bar}] {run.chunks_done}/{run.chunks_total} parts, "
                f"{run.challenges_done}/{run.challenges_total} challenges, ETA {eta:.0f}s"
            )
            end = "\r" if sys.stderr.isatty() else "\n"
            sys.stderr.write(line + end)
            sys.stderr.flush()

        return show
