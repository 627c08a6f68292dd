"""`manage.py embeddings`: how far the stored embeddings are, per kind of text.

Prints, per source, the rows, how many have a vector of their current text and model, and
how many are pending. After a new model version everything is pending and the sweep
re-embeds it in parts on every worker; run this to follow it (`--watch`), or `--send` to
send the pending parts now instead of at the next sweep. `--here` embeds in this process
(no worker needed), for a first deployment or a test machine.
"""

import time

from django.core.management.base import BaseCommand

from apps.semantics import embeddings


class Command(BaseCommand):
    help = "Show (and optionally hurry) the embedding of the platform's texts."

    def add_arguments(self, parser):
        parser.add_argument("--send", action="store_true", help="send pending parts now")
        parser.add_argument("--here", action="store_true", help="embed here, not on workers")
        parser.add_argument("--watch", type=float, default=0, help="repeat every N seconds")

    def handle(self, *args, **options):
        while True:
            pending_total = 0
            for source in embeddings.embedded_sources():
                if options["here"]:
                    while embeddings.embeddings_refresh(source):
                        pass
                elif options["send"]:
                    embeddings.embed_all_pending_send(source)
                status = embeddings.embeddings_status(source)
                pending_total += status.pending
                self.stdout.write(
                    f"{source}: {status.current} of {status.rows} embedded, "
                    f"{status.pending} pending"
                )
            if not options["watch"] or not pending_total:
                return
            time.sleep(options["watch"])
