"""Search by meaning and by label in the directories (apps/semantics/embeddings.py and the
hybrid SearchFilter in apps/core/filters.py), with the real model and real PostgreSQL."""

import threading

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.challenges.models import ChallengeStatus, Visibility
from apps.challenges.selectors import challenge_filterset
from apps.knowledge.meaning import SOURCE as KNOWLEDGE
from apps.organisations.meaning import SOURCE as ORGANISATIONS
from apps.semantics.embeddings import (
    EMBED_BATCH,
    embeddings_pending_count,
    embeddings_refresh,
    ids_by_meaning,
)
from apps.semantics.models import TextEmbedding
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

CHATBOT = (
    "Vragen van klanten automatisch beantwoorden",
    "In onze webwinkel stellen klanten elke dag dezelfde vragen over bezorging, retouren en "
    "maten. Onze twee medewerkers zijn daar uren per dag mee bezig. We zoeken een digitale "
    "assistent die deze vragen op de website zelf beantwoordt.",
)
ROSTER = (
    "Rooster voor de thuiszorg",
    "Elke week puzzelen we het rooster van veertig verzorgenden in elkaar, rekening houdend "
    "met de routes langs cliënten, vrije dagen en wie welke zorg mag geven.",
)
BREAD_EN = (
    "How much bread should we bake tomorrow?",
    "Every evening our twelve shops throw away crates of bread, while on Saturdays the buns "
    "are sold out by eleven. We want to estimate better how much of each product every shop "
    "needs, taking weather and holidays into account.",
)

GREENHOUSE = (
    "Wij kweken tomaten en willen de temperatuur en de luchtvochtigheid in onze kassen "
    "automatisch regelen, zodat we minder energie gebruiken."
)


def challenges(*texts, **kwargs):
    made = [
        ChallengeFactory(title=title, description=description, **kwargs)
        for title, description in texts
    ]
    embeddings_refresh(CHALLENGES)
    return made


def listed(client, query: str) -> str:
    response = client.get(reverse("challenges:list"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_a_plain_multi_word_query_finds_the_challenge_without_sharing_every_word(client):
    chatbot, roster = challenges(CHATBOT, ROSTER)
    # Before: every word had to occur ("chatbot", "klantenservice" do not): no results.
    page = listed(client, "chatbot voor klantenservice")
    assert chatbot.title in page
    assert roster.title not in page


def test_a_dutch_query_finds_an_english_text_and_the_other_way_round(client):
    bread, roster = challenges(BREAD_EN, ROSTER)
    page = listed(client, "hoeveel brood bakken voorspellen")
    assert bread.title in page
    assert roster.title not in page
    page = listed(client, "staff scheduling for home care")
    assert roster.title in page
    assert bread.title not in page


def test_the_best_meaning_comes_first(client):
    chatbot, roster, bread = challenges(CHATBOT, ROSTER, BREAD_EN)
    page = listed(client, "roosters maken voor zorgmedewerkers")
    assert roster.title in page
    positions = [page.find(c.title) for c in (chatbot, roster, bread) if c.title in page]
    assert min(positions) == page.find(roster.title)


def test_a_topic_label_in_either_language_finds_what_it_labels(client):
    labelled = ChallengeFactory(
        title="Scheuren in de weg vinden",
        description="Onze inspecteurs rijden elke week alle wegen af.",
        topics=["visual-inspection"],
    )
    other = ChallengeFactory(title="Iets heel anders", description="Over boekhouding.")
    for query in ("computer vision", "beeldherkenning", "visual inspection"):
        page = listed(client, query)
        assert labelled.title in page, query
        assert other.title not in page, query


def test_meaning_never_shows_what_the_visitor_may_not_see(client, member):
    (draft,) = challenges(CHATBOT, status=ChallengeStatus.DRAFT)
    (hidden,) = challenges(ROSTER, visibility=Visibility.MEMBERS)
    assert draft.pk in ids_by_meaning(CHALLENGES, "chatbot voor klantenservice")
    assert draft.title not in listed(client, "chatbot voor klantenservice")
    assert hidden.title not in listed(client, "rooster thuiszorg plannen")
    client.force_login(member)
    assert hidden.title in listed(client, "rooster thuiszorg plannen")


def test_facet_counts_agree_with_the_results():
    made = challenges(CHATBOT, ROSTER, BREAD_EN)
    ChallengeFactory(title="Zonder betekenis", description="Over boekhouding.")
    filterset = challenge_filterset(
        user=AnonymousUser(), filters={"q": "chatbot voor klantenservice"}
    )
    found = list(filterset.qs.values_list("pk", flat=True))
    assert made[0].pk in found
    counts = filterset.facet_counts()
    assert sum(counts["province"].values()) == len(found)
    ticked = challenge_filterset(
        user=AnonymousUser(), filters={"q": "chatbot voor klantenservice", "province": "NL-ZH"}
    )
    assert ticked.qs.count() == counts["province"]["NL-ZH"]


def test_an_empty_or_stop_word_query_is_no_search(client):
    made = challenges(CHATBOT, ROSTER)
    for query in ("", "   ", "de het een"):
        page = listed(client, query)
        assert all(c.title in page for c in made), repr(query)


def test_a_changed_text_is_embedded_again_and_a_repeat_does_nothing():
    (challenge,) = challenges(CHATBOT)
    stored = TextEmbedding.objects.get(source=CHALLENGES, object_id=challenge.pk)
    assert embeddings_pending_count(CHALLENGES) == 0
    assert embeddings_refresh(CHALLENGES) == 0
    challenge.title = "Het klimaat in de kas"
    challenge.description = GREENHOUSE
    challenge.save()
    assert embeddings_pending_count(CHALLENGES) == 1
    assert embeddings_refresh(CHALLENGES) == 1
    again = TextEmbedding.objects.get(source=CHALLENGES, object_id=challenge.pk)
    assert again.text_hash != stored.text_hash
    assert again.revision > stored.revision
    assert TextEmbedding.objects.filter(source=CHALLENGES, object_id=challenge.pk).count() == 1
    assert challenge.pk in ids_by_meaning(CHALLENGES, "temperatuur in de kas regelen")


def test_an_organisation_is_found_by_what_it_describes(client):
    lab = OrganisationFactory(
        name="Kenniscentrum Noord",
        kind_slug="innovation-lab",
        description="Wij helpen bedrijven met slimme camera's die afwijkingen in producten zien.",
    )
    embeddings_refresh(ORGANISATIONS)
    response = client.get(
        reverse("organisations:list"), {"q": "kapotte producten herkennen met camera"}
    )
    assert lab.name in response.content.decode()


def test_batches_are_bounded():
    assert EMBED_BATCH >= 100
    assert KNOWLEDGE == "knowledge.knowledgeitem"


@pytest.mark.django_db(transaction=True)
def test_with_background_loading_a_fresh_process_answers_at_once_and_adds_meaning_when_loaded(
    client, settings, monkeypatch
):
    from apps.semantics import embeddings

    settings.SEMANTICS_LOAD_IN_BACKGROUND = True
    chatbot, _roster = challenges(CHATBOT, ROSTER)
    # A process that has not loaded the vectors yet (the model may be in memory from other
    # tests; what gates the search is this process's stored vectors).
    monkeypatch.setattr(embeddings, "_ready", set())
    monkeypatch.setattr(embeddings, "_loaded", {})
    monkeypatch.setattr(embeddings, "_warm_up_started", threading.Event())

    assert ids_by_meaning(CHALLENGES, "chatbot voor klantenservice") == []
    loading = [t for t in threading.enumerate() if t.name == embeddings.WARM_UP_THREAD_NAME]
    assert len(loading) <= 1  # it may already have ended: the search below is the proof
    for thread in loading:
        thread.join(timeout=120)
        assert not thread.is_alive()

    assert ids_by_meaning(CHALLENGES, "chatbot voor klantenservice")[0] == chatbot.pk
    assert chatbot.title in listed(client, "chatbot voor klantenservice")


def test_with_search_by_meaning_off_the_directory_searches_full_text_only(client, settings):
    chatbot, _roster = challenges(CHATBOT, ROSTER)
    assert chatbot.title in listed(client, "chatbot voor klantenservice")
    settings.SEARCH_BY_MEANING = False
    assert chatbot.title not in listed(client, "chatbot voor klantenservice")
    assert chatbot.title in listed(client, "webwinkel")


@pytest.mark.django_db(transaction=True)
def test_gunicorns_master_loads_the_model_and_vectors_before_forking_and_closes_its_connection(
    settings, monkeypatch
):
    """deploy/gunicorn.conf.py's `when_ready` runs in the master before the first fork: the
    workers it forks then search by meaning at once (and share the vectors' memory), and no
    database connection is left open to be shared with them."""
    import runpy
    from pathlib import Path

    from django.db import connection

    from apps.semantics import embeddings

    settings.SEMANTICS_LOAD_IN_BACKGROUND = True
    chatbot, _roster = challenges(CHATBOT, ROSTER)
    monkeypatch.setattr(embeddings, "_ready", set())
    monkeypatch.setattr(embeddings, "_loaded", {})
    monkeypatch.setattr(embeddings, "_warm_up_started", threading.Event())
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))

    config["when_ready"](None)

    assert connection.connection is None
    assert embeddings.search_by_meaning_ready(CHALLENGES)
    assert ids_by_meaning(CHALLENGES, "chatbot voor klantenservice")[0] == chatbot.pk
    assert not [t for t in threading.enumerate() if t.name == embeddings.WARM_UP_THREAD_NAME]


def test_a_search_by_meaning_started_in_the_background_gives_the_same_rows():
    """The directories start their search by meaning (`ids_by_meaning_soon`) and run their
    words' query while the vectors are compared in a thread of their own; the rows and their
    order are those of the plain call."""
    from apps.semantics.embeddings import ids_by_meaning_soon

    chatbot, _roster, _bread = challenges(CHATBOT, ROSTER, BREAD_EN)
    for query in ("chatbot voor klantenservice", "how much to bake", "rooster thuiszorg"):
        started = ids_by_meaning_soon(CHALLENGES, query)
        assert callable(started)
        assert started() == ids_by_meaning(CHALLENGES, query)
    assert chatbot.pk in ids_by_meaning_soon(CHALLENGES, "chatbot voor klantenservice")()
    assert ids_by_meaning_soon(CHALLENGES, "   ")() == []
