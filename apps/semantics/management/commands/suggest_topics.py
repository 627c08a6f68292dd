"""`manage.py suggest_topics --json`: the AI topics a text fits.

Reads one text from standard input and prints `[{"topic": SLUG, "score": 0..1}, ...]`,
best first, at least three entries. With `--lines`, every line of standard input is a text,
and every output line is that text's list, in the same order.
"""

import json
import sys

from django.core.management.base import BaseCommand

from apps.semantics.services import topics_suggest_many


class Command(BaseCommand):
    help = "Suggest AI topics for a text read from standard input."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON (the only format)")
        parser.add_argument("--lines", action="store_true", help="one text per input line")
        parser.add_argument("--limit", type=int, default=5, help="topics per text (at least 3)")

    def handle(self, *args, **options):
        data = sys.stdin.read()
        texts = data.splitlines() if options["lines"] else [data]
        results = topics_suggest_many(texts, limit=options["limit"]) if texts else []
        for suggestions in results:
            self.stdout.write(
                json.dumps(
                    [{"topic": s.topic, "score": round(s.score, 4)} for s in suggestions],
                    ensure_ascii=False,
                )
            )
