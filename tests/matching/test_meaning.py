"""Matching by meaning through the database: the stored embeddings of challenges and
suppliers (apps.semantics) reach the engine, with the real model and real PostgreSQL."""

import pytest

from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.challenges.models import ChallengeStatus
from apps.matching import services
from apps.organisations.meaning import SOURCE as ORGANISATIONS
from apps.semantics.embeddings import embeddings_refresh
from apps.semantics.models import TextEmbedding
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHALLENGE = (
    "Minder brood weggooien",
    "Onze bakkerij met acht winkels bakt elke ochtend op gevoel. Op regenachtige dagen blijft "
    "veel liggen en op zonnige zaterdagen is alles om tien uur op. We willen per winkel beter "
    "weten hoeveel we moeten bakken.",
)
# Means the same, in English: no word in common with the challenge.
FORECASTERS = (
    "We build sales forecasts for independent retailers: till data, weather forecasts and "
    "holidays combined into a daily production plan that cuts waste and missed sales."
)
# Other work, in Dutch, sharing no word of substance with the challenge either.
TRANSLATORS = (
    "Wij vertalen handleidingen en contracten automatisch tussen Nederlands, Duits en Frans, "
    "met terminologielijsten per klant."
)


def ranked_refs(challenge) -> list[str]:
    from apps.organisations.models import Organisation

    rows = services.match_rank_challenge(challenge=challenge)
    refs = dict(Organisation.objects.values_list("pk", "ref"))
    return [refs[row.organisation_id] for row in sorted(rows, key=lambda row: row.rank)]


@pytest.fixture
def bakery_case():
    # The same topics, kind, province and capacity: only the text can tell them apart, and
    # the translators come first in the tie-break when words decide (lower id).
    translators = OrganisationFactory(
        ref="translators",
        name="Vertaalbureau Noord",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["time-series"],
        description=TRANSLATORS,
    )
    forecasters = OrganisationFactory(
        ref="forecasters",
        name="Lectoraat Retaildata",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["time-series"],
        description=FORECASTERS,
    )
    challenge = ChallengeFactory(
        title=CHALLENGE[0],
        description=CHALLENGE[1],
        learning_goals="",
        status=ChallengeStatus.PUBLISHED,
        topics=["time-series"],
        province_code="NL-ZH",
    )
    return challenge, translators, forecasters


def test_a_supplier_that_means_the_same_in_another_language_ranks_first(bakery_case, settings):
    challenge, _translators, _forecasters = bakery_case
    embeddings_refresh(CHALLENGES)
    embeddings_refresh(ORGANISATIONS)

    assert ranked_refs(challenge)[:2] == ["forecasters", "translators"]

    settings.MATCHING_BY_MEANING = False  # words only, as before
    assert ranked_refs(challenge)[:2] == ["translators", "forecasters"]


def test_until_texts_are_embedded_matching_works_by_words_alone(bakery_case):
    challenge, _translators, _forecasters = bakery_case
    assert not TextEmbedding.objects.exists()
    assert ranked_refs(challenge)[:2] == ["translators", "forecasters"]


def test_a_newly_embedded_supplier_reaches_a_worker_s_cached_context(bakery_case):
    challenge, _translators, _forecasters = bakery_case
    embeddings_refresh(CHALLENGES)
    before = services.matching_context_current()
    embeddings_refresh(ORGANISATIONS)
    after = services.matching_context_current()
    assert after is not before
    assert after.supply.supply.meaning is not None
    assert ranked_refs(challenge)[0] == "forecasters"


def test_the_reason_quotes_the_partner_s_fitting_sentence_and_never_the_other_one(
    client, member, sme, settings
):
    from django.urls import reverse

    from apps.matching.models import Match, MatchRun

    OrganisationFactory(
        ref="translators",
        name="Vertaalbureau Noord",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["time-series"],
        description=TRANSLATORS,
    )
    OrganisationFactory(
        ref="forecasters",
        name="Lectoraat Retaildata",
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["time-series"],
        description="Wij zijn een lectoraat in Delft. " + FORECASTERS,
    )
    challenge = ChallengeFactory(
        organisation=sme,
        title=CHALLENGE[0],
        description=CHALLENGE[1],
        learning_goals="",
        status=ChallengeStatus.PUBLISHED,
        topics=["time-series"],
        province_code="NL-ZH",
    )
    embeddings_refresh(CHALLENGES)
    embeddings_refresh(ORGANISATIONS)
    run = services.match_run_create(
        kind=MatchRun.Kind.CHALLENGE, challenge_ids=[challenge.pk], enqueue=False
    )
    services.match_run_process_here(run=run, token="test")

    codes = {
        match.organisation.ref: [reason["code"] for reason in match.reasons]
        for match in Match.objects.filter(challenge=challenge).select_related("organisation")
    }
    assert "fitting_sentence" in codes["forecasters"]
    assert "fitting_sentence" not in codes["translators"]

    client.force_login(member)
    page = client.get(reverse("challenges:matches", args=[challenge.pk])).content.decode()
    assert "We build sales forecasts for independent retailers" in page
    assert "Wij vertalen handleidingen" not in page


def test_for_you_finds_challenges_by_what_a_person_wrote_without_topics(client, sme):
    from django.urls import reverse

    from tests.accounts.factories import UserFactory

    bakery = ChallengeFactory(
        organisation=sme,
        title=CHALLENGE[0],
        description=CHALLENGE[1],
        status=ChallengeStatus.PUBLISHED,
        topics=["time-series"],
    )
    contracts = ChallengeFactory(
        organisation=sme,
        title="Contracten vertalen",
        description="Onze juristen vertalen elke week contracten naar het Duits en Frans.",
        status=ChallengeStatus.PUBLISHED,
        topics=["nlp"],
    )
    draft = ChallengeFactory(
        organisation=sme,
        title="Nog een bakkerij",
        description=CHALLENGE[1],
        status=ChallengeStatus.DRAFT,
        topics=["time-series"],
    )
    embeddings_refresh(CHALLENGES)
    person = UserFactory(offer=FORECASTERS, bio="")
    assert not person.expertise_topics.exists()

    client.force_login(person)
    response = client.get("/en" + reverse("matching:for_you"))
    shown = [row["item"] for row in response.context["rows"]]
    assert response.context["has_expertise"] is True
    assert shown[0] == bakery
    assert draft not in shown  # visibility as everywhere
    assert contracts not in shown[:1]
    reasons = response.context["rows"][0]["reasons"]
    assert any(reason.startswith("They write: “") for reason in reasons)


def test_for_you_puts_topic_fits_first_and_adds_what_fits_the_words(client, sme):
    from django.urls import reverse

    from apps.taxonomy.models import AITopic
    from tests.accounts.factories import UserFactory

    by_topic = ChallengeFactory(
        organisation=sme,
        title="Mails sorteren",
        description="We willen binnenkomende mails automatisch naar de juiste afdeling sturen.",
        status=ChallengeStatus.PUBLISHED,
        topics=["nlp"],
    )
    by_words = ChallengeFactory(
        organisation=sme,
        title=CHALLENGE[0],
        description=CHALLENGE[1],
        status=ChallengeStatus.PUBLISHED,
        topics=["time-series"],
    )
    embeddings_refresh(CHALLENGES)
    person = UserFactory(offer=FORECASTERS, bio="")
    person.expertise_topics.set(AITopic.objects.filter(slug="nlp"))

    client.force_login(person)
    shown = [row["item"] for row in client.get(reverse("matching:for_you")).context["rows"]]
    assert shown[:2] == [by_topic, by_words]
