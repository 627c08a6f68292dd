import json

from django.core.management.base import BaseCommand, CommandError

from apps.accounts.models import User
from apps.challenges.models import Challenge
from apps.core.csv_exchange import synthetic_ref
from apps.matching.services import match_rank_challenge
from apps.organisations.exchange import REF_PREFIX
from apps.organisations.models import Organisation
from apps.portal.for_you import match_recommendations_for_person


class Command(BaseCommand):
    help = (
        "Print the ranking for one challenge (suppliers) or one person (challenges and "
        "communities), without writing it. PRODUCT.md section 6."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--challenge", metavar="REF", help="the challenge's ref")
        target.add_argument("--person", metavar="EMAIL", help="a person's email address")
        parser.add_argument("--top", type=int, default=10, metavar="N")
        parser.add_argument("--json", action="store_true", dest="as_json", help="print JSON")

    def handle(self, *args, challenge, person, top, as_json: bool, **options):
        if top < 1:
            raise CommandError("--top must be at least 1.")
        rows = self._for_challenge(challenge, top) if challenge else self._for_person(person, top)
        if as_json:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for position, row in enumerate(rows, start=1):
            label = row.get("organisation") or f"{row.get('kind')} {row.get('id')}"
            codes = ", ".join(reason["code"] for reason in row["reasons"])
            self.stdout.write(f"{position:>3}. {row['score']:.3f}  {label}  ({codes})")

    def _for_challenge(self, ref: str, top: int) -> list[dict]:
        try:
            challenge = Challenge.objects.get(ref=ref)
        except Challenge.DoesNotExist as missing:
            raise CommandError(f"No challenge with ref {ref!r}.") from missing
        suggestions = match_rank_challenge(challenge=challenge, top_n=top)
        refs = _organisation_refs([row.organisation_id for row in suggestions])
        rows = [
            {
                "organisation": refs[row.organisation_id],
                "score": row.score,
                "reasons": row.reasons,
            }
            for row in suggestions
        ]
        return sorted(rows, key=lambda row: -row["score"])

    def _for_person(self, email: str, top: int) -> list[dict]:
        person = User.objects.filter(email__iexact=email).first()
        if person is None:
            raise CommandError(f"No person with email {email!r}.")
        return [
            {"kind": r.kind, "id": r.object_id, "score": round(r.score, 4), "reasons": r.reasons}
            for r in match_recommendations_for_person(person=person, top_n=top)
        ]


def _organisation_refs(ids: list[int]) -> dict[int, str]:
    refs = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "ref"))
    # Organisations created in the app have no ref; name them as the export does.
    return {pk: ref or synthetic_ref(REF_PREFIX, pk) for pk, ref in refs.items()}
