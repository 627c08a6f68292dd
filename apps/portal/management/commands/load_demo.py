import os
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.matching.services import match_run_full, match_run_process_here
from apps.portal.demo import DEFAULT_PASSWORD, demo_is_loaded, demo_load


class Command(BaseCommand):
    help = (
        "Load or refresh the fictional Dutch demo dataset (organisations, challenges, "
        "communities, knowledge, matches and one login per role). Safe to run on every "
        "start: rows are found again by their natural keys, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            help=(
                "Password for every demo login; default: the DEMO_PASSWORD environment "
                f'variable, else "{DEFAULT_PASSWORD}".'
            ),
        )
        parser.add_argument(
            "--refresh",
            action="store_true",
            help=(
                "Restore the demo rows to their original state (and move their dates to "
                "today). Without it, an already loaded demo is kept as it is."
            ),
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even with DEBUG off. The demo has superusers with a known password.",
        )

    def handle(self, *args, password: str | None, force: bool, refresh: bool, **options):
        # A known password on staff accounts must never reach production by accident.
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to load demo data with DEBUG off: it creates staff logins with a "
                "known password. Pass --force if this really is a demo environment."
            )
        if not refresh and demo_is_loaded():
            # `make run` calls this on every start; what people did in the demo stays.
            self.stdout.write("Demo data already loaded; kept as it is (--refresh restores it).")
            return
        password = password or os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        started = time.monotonic()
        summary = demo_load(password=password)
        # Suggestions from the real matcher, so the demo shows what the platform computes;
        # the demo's shortlisted and accepted matches are decisions and stay.
        run = match_run_process_here(
            run=match_run_full(trigger="load_demo", enqueue=False), token="load_demo"
        )
        elapsed = time.monotonic() - started
        changes = f"{summary.writes} rows written" if summary.writes else "already up to date"
        self.stdout.write(
            f"Demo data: {summary.organisations} organisations, {summary.people} people, "
            f"{summary.challenges} challenges, {summary.matches} matches, "
            f"{summary.communities} communities ({summary.community_members} members, "
            f"{summary.join_requests} join requests, {summary.activities} activities, "
            f"{summary.updates} updates), {summary.knowledge_items} knowledge items; "
            f"{summary.learning_records} learning records, {summary.interests} interests, "
            f"{summary.introductions} introductions, "
            f"{summary.membership_requests} membership requests; "
            f"{changes}; {run.matches_written} suggestions computed; in {elapsed:.1f}s."
        )
