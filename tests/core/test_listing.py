"""The shared directory machinery: full-text search, facets and the listing helper. The lists
themselves are tested in their apps; here what they all rely on."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import QueryDict
from django.test import RequestFactory
from django.utils.translation import ngettext_lazy

from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.selectors import challenge_filterset
from apps.core.filters import filter_data
from apps.core.listing import RESULTS_ID, render_listing
from apps.core.search import search_query
from apps.taxonomy.facets import topics_matching
from apps.taxonomy.models import AITopic, Sector
from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db

anonymous = AnonymousUser()


def found(text: str) -> list[str]:
    """Titles of the challenges the search box finds for `text`, best first."""
    query = search_query(text)
    assert query is not None, text
    return list(
        Challenge.objects.filter(search_document=query)
        .order_by("title")
        .values_list("title", flat=True)
    )


# --- Search -----------------------------------------------------------------------------------


def test_dutch_word_finds_its_plural_and_compounds_while_a_longer_word_is_narrower(sme):
    ChallengeFactory(organisation=sme, title="Fietsen", description="De fietsen worden nagekeken.")
    ChallengeFactory(organisation=sme, title="Maker", description="Een fietsenmaker zoekt hulp.")
    ChallengeFactory(organisation=sme, title="Auto", description="Onze auto's rijden zelf.")

    # Dutch stems "fiets" to 'fiet' and "fietsen" to 'fiets': prefixes bridge the two.
    assert found("fiets") == ["Fietsen", "Maker"]
    assert found("fietsen") == ["Fietsen", "Maker"]
    assert found("fietsenmaker") == ["Maker"]


def test_dutch_inflections_find_each_other(sme):
    ChallengeFactory(organisation=sme, title="Voorspellen", description="Wij voorspellen de vraag.")
    ChallengeFactory(
        organisation=sme, title="Bakkerijen", description="Voor bakkerijen in de stad."
    )
    ChallengeFactory(organisation=sme, title="Keuring", description="Alles wordt geïnspecteerd.")

    assert found("voorspellingen") == ["Voorspellen"]
    assert found("bakkerij") == ["Bakkerijen"]
    assert found("geïnspecteerd") == ["Keuring"]
    assert found("geinspecteerd") == ["Keuring"]


def test_first_part_of_a_dutch_compound_finds_it(sme):
    ChallengeFactory(organisation=sme, title="Broodvoorspelling", description="Hoeveel bakken?")
    assert found("brood") == ["Broodvoorspelling"]


def test_english_text_is_stemmed_in_english(sme):
    ChallengeFactory(organisation=sme, title="Predicting demand", description="We predicted badly.")
    ChallengeFactory(organisation=sme, title="Other", description="Nothing about forecasts.")

    assert found("prediction") == ["Predicting demand"]
    assert found("predicts demand") == ["Predicting demand"]


def test_every_word_must_match(sme):
    ChallengeFactory(organisation=sme, title="Zorg", description="Planning in de zorg.")
    ChallengeFactory(organisation=sme, title="Logistiek", description="Planning van ritten.")
    assert found("planning zorg") == ["Zorg"]


def test_web_search_syntax_is_honoured(sme):
    ChallengeFactory(organisation=sme, title="A", description="machine learning voor kaas")
    ChallengeFactory(organisation=sme, title="B", description="learning machine voor melk")
    ChallengeFactory(organisation=sme, title="C", description="machine vision voor kaas")

    assert found('"machine learning"') == ["A"]
    assert found("machine -kaas") == ["B"]
    assert found("melk or vision") == ["B", "C"]


def test_short_words_match_whole_not_as_prefix(sme):
    ChallengeFactory(organisation=sme, title="AI", description="Wij willen AI gebruiken.")
    ChallengeFactory(organisation=sme, title="Lucht", description="Air quality in Rotterdam.")
    assert found("ai") == ["AI"]


@pytest.mark.parametrize("text", ["", "   ", "de het een", "the and of", "?!", "-", '""'])
def test_empty_punctuation_or_stop_words_is_no_search(text):
    assert search_query(text) is None


def test_search_text_is_a_parameter_not_sql(sme):
    ChallengeFactory(organisation=sme, title="Veilig")
    assert search_query("'); DROP TABLE challenges_challenge; --") is not None
    assert Challenge.objects.count() == 1


# --- Filters ----------------------------------------------------------------------------------


def test_filter_data_turns_a_plain_mapping_into_lists():
    data = filter_data({"topic": "ml", "province": ["NL-ZH", "NL-UT"]})
    assert data.getlist("topic") == ["ml"]
    assert data.getlist("province") == ["NL-ZH", "NL-UT"]
    query = QueryDict("topic=ml&topic=nlp")
    assert filter_data(query) is query


def test_topics_matching_takes_several_topics():
    ml, nlp = AITopic.objects.get(slug="ml"), AITopic.objects.get(slug="nlp")
    slugs = set(topics_matching([ml, nlp]).values_list("slug", flat=True))
    assert {"ml", "time-series", "predictive-analytics", "nlp", "language"} <= slugs
    assert "speech" not in slugs  # a sibling of the leaf is not meant
    assert "visual-inspection" not in slugs


def test_facets_or_within_and_across(sme):
    ChallengeFactory(organisation=sme, title="zh-ml", topics=["time-series"])
    ChallengeFactory(title="ut-nlp", province_code="NL-UT", topics=["nlp"])
    ChallengeFactory(title="ut-vision", province_code="NL-UT", topics=["visual-inspection"])

    def titles(**filters):
        qs = challenge_filterset(user=anonymous, filters=filters).qs
        return sorted(challenge.title for challenge in qs)

    assert titles(topic=["ml", "language"]) == ["ut-nlp", "zh-ml"]
    assert titles(topic=["ml", "language"], province="NL-UT") == ["ut-nlp"]
    assert titles(province=["NL-UT", "NL-ZH"]) == ["ut-nlp", "ut-vision", "zh-ml"]


def test_facet_counts_count_each_option_with_the_other_facets_applied(sme):
    ChallengeFactory(organisation=sme, topics=["time-series"])
    ChallengeFactory(organisation=sme, topics=["nlp"])
    ChallengeFactory(province_code="NL-UT", topics=["nlp"])
    ChallengeFactory(organisation=sme, topics=["nlp"], status=ChallengeStatus.CLOSED)

    filterset = challenge_filterset(user=anonymous, filters={"province": "NL-ZH"})
    counts = filterset.facet_counts()

    assert filterset.qs.count() == 2  # the open ones in Zuid-Holland
    assert counts["topic"]["ml"] == 1
    assert counts["topic"]["nlp"] == 1
    assert counts["topic"]["language"] == 1  # the group counts its leaves
    # A province's own count ignores the province ticks: it says what ticking it adds.
    assert counts["province"]["NL-UT"] == 1
    assert counts["province"]["NL-ZH"] == 2
    assert counts["status"]["closed"] == 1


def test_topic_counts_follow_the_meaning_of_groups_and_leaves(sme):
    ChallengeFactory(organisation=sme, topics=["ml"])  # anything in machine learning
    ChallengeFactory(organisation=sme, topics=["ml", "time-series"])  # both: counted once
    ChallengeFactory(organisation=sme, topics=["anomaly-detection"])
    ChallengeFactory(organisation=sme, topics=["nlp", "speech"])

    counts = challenge_filterset(user=anonymous, filters={}).facet_counts()["topic"]

    assert counts["ml"] == 3  # the group: itself and its leaves
    assert counts["time-series"] == 2  # the leaf: itself and its group
    assert counts["anomaly-detection"] == 3
    assert counts["predictive-analytics"] == 2  # only through the group
    assert counts["language"] == 1
    assert counts["nlp"] == 1
    assert counts["vision"] == 0
    for topic, expected in counts.items():  # each count is what ticking it would list
        listed = challenge_filterset(user=anonymous, filters={"topic": topic}).qs.count()
        assert listed == expected, topic


def test_facet_counts_only_count_what_the_user_may_see(sme, member):
    ChallengeFactory(organisation=sme)
    ChallengeFactory(organisation=sme, visibility="hub")

    for_anonymous = challenge_filterset(user=anonymous, filters={}).facet_counts()
    for_member = challenge_filterset(user=member, filters={}).facet_counts()

    assert for_anonymous["province"]["NL-ZH"] == 1
    assert for_member["province"]["NL-ZH"] == 2
    assert for_member["hub"]["zuid-holland"] == 2


def test_facet_options_list_only_reference_data(sme):
    filterset = challenge_filterset(user=anonymous, filters={})
    choices = filterset.facet_filters["sector"].facet_choices
    assert [choice.key for choice in choices] == list(Sector.objects.values_list("slug", flat=True))


# --- The listing helper -----------------------------------------------------------------------


def _render(**headers):
    request = RequestFactory().get("/challenges/", {"topic": "ml"}, **headers)
    request.user = anonymous
    from django_htmx.middleware import HtmxDetails

    request.htmx = HtmxDetails(request)
    return render_listing(
        request,
        challenge_filterset(user=anonymous, filters=request.GET),
        template_name="challenges/challenge_list.html",
        results_template_name="challenges/_challenge_results.html",
        count_text=ngettext_lazy("%(count)s challenge", "%(count)s challenges", "count"),
    )


def test_htmx_request_for_the_results_gets_only_the_partial(sme):
    ChallengeFactory(organisation=sme, title="Tijdreeks", topics=["time-series"])

    partial = _render(HTTP_HX_REQUEST="true", HTTP_HX_TARGET=RESULTS_ID).content.decode()

    assert "<html" not in partial
    assert "Tijdreeks" in partial
    assert 'id="result-count"' in partial and 'hx-swap-oob="innerHTML"' in partial
    assert "1 uitdaging" in partial or "1 challenge" in partial


def test_full_page_for_plain_history_restore_and_other_htmx_targets(sme):
    ChallengeFactory(organisation=sme, title="Tijdreeks", topics=["time-series"])

    for headers in (
        {},
        {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "main"},
        {
            "HTTP_HX_REQUEST": "true",
            "HTTP_HX_TARGET": RESULTS_ID,
            "HTTP_HX_HISTORY_RESTORE_REQUEST": "true",
        },
    ):
        page = _render(**headers).content.decode()
        assert "<html" in page, headers
        assert "Tijdreeks" in page
        assert "hx-swap-oob" not in page


def test_responses_vary_on_the_htmx_headers():
    response = _render()
    assert "HX-Request" in response["Vary"]
    assert "HX-Target" in response["Vary"]


def _assert_counts_match_the_lists(make_filterset, filters):
    """Every option's count is the number of rows the list has with that option ticked (on
    top of `filters`, replacing the ticks of its own facet)."""
    filterset = make_filterset(filters)
    for name, counts in filterset.facet_counts().items():
        for key, count in counts.items():
            listed = make_filterset({**filters, name: key}).qs.count()
            assert listed == count, (name, key)


def test_every_count_is_what_ticking_the_option_lists(sme, member):
    from apps.communities.browse import community_filterset
    from apps.knowledge.selectors import knowledge_item_filterset
    from apps.organisations.selectors import organisation_filterset
    from tests.communities.factories import LearningCommunityFactory
    from tests.knowledge.factories import KnowledgeItemFactory
    from tests.organisations.factories import OrganisationFactory

    agrifood = Sector.objects.get(slug="agrifood")
    for topics, province in (
        (["ml"], "NL-ZH"),
        (["time-series", "nlp"], "NL-UT"),
        (["speech"], "NL-ZH"),
    ):
        challenge = ChallengeFactory(
            organisation=OrganisationFactory(province_code=province, topics=topics),
            province_code=province,
            topics=topics,
            visibility="hub" if province == "NL-UT" else "public",
        )
        challenge.sectors.add(agrifood)
        LearningCommunityFactory().challenges.add(challenge)
        KnowledgeItemFactory(topics=topics, sectors=["agrifood"])
    ChallengeFactory(organisation=sme, status=ChallengeStatus.CLOSED, topics=["vision"])

    for user in (anonymous, member):
        for make, filters in (
            (challenge_filterset, {"province": "NL-ZH"}),
            (challenge_filterset, {"q": "voorspellen", "topic": "language"}),
            (organisation_filterset, {"kind": "sme"}),
            (community_filterset, {"sector": "agrifood"}),
            (knowledge_item_filterset, {"kind": "case"}),
        ):
            _assert_counts_match_the_lists(
                lambda data, make=make, user=user: make(user=user, filters=data), filters
            )


# --- Ranked pages -----------------------------------------------------------------------------


def _ranked_titles(filters: dict) -> list[str]:
    """Every found title in rank order, from the ranked queryset itself."""
    return [c.title for c in challenge_filterset(user=anonymous, filters=filters).qs]


def test_a_ranked_page_is_found_in_memory_and_keeps_the_rank_order(sme, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ml = AITopic.objects.get(slug="ml")
    for index in range(45):
        words = " ".join(["bakkerij"] * (1 + index % 4))
        challenge = ChallengeFactory(
            organisation=sme,
            title=f"Bakkerij {index:02d}",
            description=f"{words} zoekt hulp bij voorspellen",
        )
        challenge.topics.set([ml])
    expected = _ranked_titles({"q": "bakkerij"})
    assert len(expected) == 45

    shown = []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/challenges/", {"q": "bakkerij", "page": page})
        shown += [challenge.title for challenge in response.context["page_obj"].object_list]
        # Ranked in memory (`ranked_page_ids`): the order by full-text rank is computed once
        # per search, with the rows found (ids and ranks only; here already while counting
        # `expected`), and then shared; no query sorts whole rows.
        ranking = [q["sql"] for q in captured if "ROW_NUMBER" in q["sql"] or "ts_rank" in q["sql"]]
        assert not ranking, ranking
        wide = [q["sql"] for q in captured if '"description"' in q["sql"].split(" FROM ")[0]]
        assert all(" ORDER BY " not in sql for sql in wide), wide

    assert shown == expected


def test_the_rows_a_search_finds_are_shared_until_the_data_changes(sme, client):
    ChallengeFactory(organisation=sme, title="Bakkerij", description="Een bakkerij zoekt hulp.")
    client.get("/challenges/", {"q": "bakkerij"})
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        again = client.get("/challenges/", {"q": "bakkerij"})
    ChallengeFactory(organisation=sme, title="Bakkerij twee", description="Nog een bakkerij.")
    after = client.get("/challenges/", {"q": "bakkerij"})

    assert not [q for q in captured if q["sql"].startswith("(SELECT") and " UNION " in q["sql"]]
    assert [c.title for c in again.context["page_obj"].object_list] == ["Bakkerij"]
    assert len(after.context["page_obj"].object_list) == 2


def test_a_members_search_finds_their_visible_rows_without_a_query_per_person_and_search(
    sme, member, client
):
    """The visible rows a search finds are the person's visible rows (kept per person) among
    the rows found (kept per search): a member who has opened the list searches without a
    query of their own that joins the two."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for index in range(6):
        ChallengeFactory(
            organisation=sme,
            title=f"Bakkerij {index}",
            description="Een bakkerij met een camera aan de lopende band.",
            visibility="members" if index % 2 else "public",
        )
    ChallengeFactory(organisation=sme, title="Camera elders", description="Een camera.")
    client.force_login(member)
    client.get("/challenges/")
    client.get("/challenges/", {"q": "bakkerij"})

    with CaptureQueriesContext(connection) as captured:
        response = client.get("/challenges/", {"q": "camera"})

    per_person_and_search = [
        q["sql"] for q in captured if "string_agg" in q["sql"] and "unnest(" in q["sql"]
    ]
    assert per_person_and_search == []
    titles = {c.title for c in response.context["page_obj"].object_list}
    assert titles == {f"Bakkerij {index}" for index in range(6)} | {"Camera elders"}
    assert response.context["page_obj"].paginator.count == 7


def test_a_page_ranked_in_memory_is_the_page_ranked_in_sql(sme, member):
    """Reciprocal rank fusion of the full-text order and an order by meaning, with ties
    (a row found only by words and one found only by meaning at the same position), over
    several filters and pages: the ids found in memory are those SQL ranks."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    rng = random.Random(5)
    ml, nlp = AITopic.objects.get(slug="ml"), AITopic.objects.get(slug="nlp")
    agrifood = Sector.objects.get(slug="agrifood")
    now = timezone.now()
    ids = []
    for index in range(70):
        words = " ".join(["bakkerij"] * rng.randint(0, 3)) or "iets anders"
        challenge = ChallengeFactory(
            organisation=sme,
            title=f"Uitdaging {index}",
            description=f"{words} en nog wat tekst",
            visibility=rng.choice(["public", "public", "members"]),
        )
        Challenge.objects.filter(pk=challenge.pk).update(
            published_at=now - timedelta(days=rng.choice([1, 2, 3]))  # ties in the default order
        )
        challenge.topics.set([rng.choice([ml, nlp])])
        if rng.random() < 0.5:
            challenge.sectors.add(agrifood)
        ids.append(challenge.pk)
    meaning = rng.sample(ids, 30)

    for user in (anonymous, member):
        for filters in (
            {"q": "bakkerij"},
            {"q": "bakkerij", "topic": "ml"},
            {"q": "bakkerij", "sector": "agrifood"},
        ):
            for bottom, top in ((0, 20), (20, 40), (40, 60)):
                in_memory = challenge_filterset(user=user, filters=filters)
                in_memory.__dict__["meaning_ids"] = meaning
                in_memory.facet_counts()
                in_sql = challenge_filterset(user=user, filters=filters)
                in_sql.__dict__["meaning_ids"] = meaning
                expected = list(in_sql.qs.values_list("pk", flat=True))[bottom:top]

                got = in_memory.page_ids(bottom, top)
                assert got == expected, (filters, bottom)
                assert expected or bottom > 0


def test_a_page_in_another_sort_is_found_in_memory_and_is_the_page_sql_sorts(sme, member, client):
    """Sorted by title, oldest first or newest first, with facets ticked and ties in the
    sort's columns: the ids picked in memory out of the table's kept order are those SQL
    sorts, for a visitor and a member, and the page's whole rows are read by pk without an
    ORDER BY (no query sorts every visible row)."""
    import random
    from datetime import timedelta

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    rng = random.Random(11)
    ml, nlp = AITopic.objects.get(slug="ml"), AITopic.objects.get(slug="nlp")
    now = timezone.now()
    for _index in range(60):
        challenge = ChallengeFactory(
            organisation=sme,
            title=rng.choice(["Appel", "Bakkerij", "Camera"]),  # ties in the title
            visibility=rng.choice(["public", "public", "members"]),
        )
        Challenge.objects.filter(pk=challenge.pk).update(
            published_at=now - timedelta(days=rng.choice([1, 2, 3]))
        )
        challenge.topics.set([rng.choice([ml, nlp])])

    for user in (anonymous, member):
        for filters in ({"sort": "title"}, {"sort": "oldest", "topic": "ml"}, {"topic": "nlp"}):
            for bottom, top in ((0, 20), (20, 40)):
                in_memory = challenge_filterset(user=user, filters=filters)
                in_memory.facet_counts()
                expected = list(
                    challenge_filterset(user=user, filters=filters).qs.values_list("pk", flat=True)
                )[bottom:top]
                assert in_memory.page_ids(bottom, top) == expected, (filters, bottom)
                assert expected or bottom > 0

    client.get("/challenges/", {"sort": "title"})
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/challenges/", {"sort": "title", "page": 2})
    wide = [q["sql"] for q in captured if '"description"' in q["sql"].split(" FROM ")[0]]
    assert wide and all(" ORDER BY " not in sql for sql in wide), wide
    shown = [c.pk for c in response.context["page_obj"].object_list]
    titles = challenge_filterset(user=anonymous, filters={"sort": "title"}).qs
    assert shown == list(titles.values_list("pk", flat=True))[20:40]


def test_the_facet_checkboxes_are_rendered_once_per_options_ticks_counts_and_language(sme, client):
    from django.core.cache import cache
    from django.core.cache.utils import make_template_fragment_key

    def fragment(response) -> str:
        html = response.text
        start = html.index('<div id="facet-groups"')
        return html[start : html.index("</fieldset>\n    \n  </div>", start)]

    ChallengeFactory(organisation=sme, province_code="NL-ZH", topics=["ml"])
    first = client.get("/challenges/", {"province": "NL-ZH"})
    key = first.context["facets_key"]
    kept = cache.get(make_template_fragment_key("facet_groups", [key]))
    assert kept is not None and fragment(first) in kept

    again = client.get("/challenges/", {"province": "NL-ZH"})
    assert again.context["facets_key"] == key and fragment(again) == fragment(first)

    ChallengeFactory(organisation=sme, province_code="NL-ZH", topics=["ml"])  # counts change
    changed = client.get("/challenges/", {"province": "NL-ZH"})
    assert changed.context["facets_key"] != key
    assert fragment(changed) != fragment(first)

    english = client.get("/en/challenges/", {"province": "NL-ZH"})
    assert english.context["facets_key"] != changed.context["facets_key"]
    assert "results</span>)" in fragment(english) and "resultaten" not in fragment(english)


def test_the_facets_reference_data_is_read_once_until_it_changes(sme, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ChallengeFactory(organisation=sme, topics=["ml"])
    client.get("/challenges/")

    with CaptureQueriesContext(connection) as captured:
        client.get("/challenges/")
    reference = ("taxonomy_aitopic", "taxonomy_province", "taxonomy_sector", "taxonomy_format")
    listed = [
        q["sql"]
        for q in captured
        if any(
            q["sql"].startswith("SELECT") and f'FROM "{table}" ORDER BY' in q["sql"]
            for table in reference
        )
    ]
    assert listed == []

    AITopic.objects.filter(slug="ml").update(name_nl="Lerende machines")  # advances the version
    assert "Lerende machines" in client.get("/challenges/").text


def test_rows_found_by_a_label_are_read_from_the_link_table_by_the_labels_ids(sme):
    """At national size a subquery per label table made PostgreSQL join every challenge
    (70-100 ms a search); the labels are now looked up first and their rows read from the
    link table alone. The rows found stay the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ml = AITopic.objects.get(slug="ml")
    labelled = ChallengeFactory(organisation=sme, title="Vraag zonder het woord")
    labelled.topics.set([ml])
    ChallengeFactory(organisation=sme, title="Iets anders")

    with CaptureQueriesContext(connection) as captured:
        filterset = challenge_filterset(user=anonymous, filters={"q": ml.name_nl})
        found = filterset.search_filter.found_by_words(filterset.queryset.model, filterset.search)

    assert labelled.pk in found
    link_reads = [q["sql"] for q in captured if '"challenges_challenge_topics"' in q["sql"]]
    assert link_reads
    assert all('FROM "challenges_challenge_topics"' in sql for sql in link_reads), link_reads
