"""What of an organisation is embedded, for search and matching by meaning
(apps.semantics): its name and description, and what its active members offer."""

from collections.abc import Callable

from django.contrib.postgres.aggregates import StringAgg
from django.db.models import OuterRef, Subquery

from apps.accounts.models import User
from apps.semantics.embeddings import EmbeddedText, ids_by_meaning_soon, text_of

from .models import Membership, Organisation

SOURCE = "organisations.organisation"


def _text():
    offers = (
        Membership.objects.filter(organisation=OuterRef("pk"), state=Membership.State.ACTIVE)
        .exclude(user__offer="")
        .order_by()
        .values("organisation")
        .annotate(offers=StringAgg("user__offer", "\n", order_by="user_id"))
        .values("offers")
    )
    return text_of("name", "description", Subquery(offers))


EMBEDDED_ORGANISATION = EmbeddedText(
    source=SOURCE,
    rows=lambda: Organisation.objects.all(),
    text=_text,
    watches=(Organisation, Membership, User),
)


def organisation_ids_by_meaning_soon(text: str) -> Callable[[], list[int]]:
    """The directory's search by meaning, started (`ids_by_meaning_soon`)."""
    return ids_by_meaning_soon(SOURCE, text)
