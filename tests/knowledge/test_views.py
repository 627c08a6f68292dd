"""The knowledge base: its list (facets, search, visibility), an item's page and its file."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from apps.challenges.models import Visibility
from apps.hubs.models import Hub
from apps.knowledge.models import KnowledgeItem
from tests.accounts.factories import UserFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.knowledge.factories import KnowledgeItemFactory
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

LIST_URL = reverse("knowledge:list")
PERSONAS = ("anonymous", "member", "outsider", "coordinator", "other_hub_coordinator")


def detail_url(item):
    return reverse("knowledge:detail", kwargs={"slug": item.slug})


def download_url(item):
    return reverse("knowledge:download", kwargs={"slug": item.slug})


def titles_on(response):
    return sorted(item.title for item in response.context["page_obj"].object_list)


def titles(client, **params):
    response = client.get(LIST_URL, params)
    assert response.status_code == 200
    return titles_on(response)


def log_in(client, request, persona):
    client.logout()
    if persona == "anonymous":
        return
    person = request.getfixturevalue(persona)
    if "coordinator" in persona:
        login_with_second_factor(client, person)  # a coordinator's reach needs it
    else:
        client.force_login(person)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def zuid_holland_community(db):
    return LearningCommunityFactory(name="Slim plannen")


@pytest.fixture
def items(zuid_holland_community):
    """An item of each visibility, from a community of hub zuid-holland."""
    return {
        visibility: KnowledgeItemFactory(
            title=visibility, visibility=visibility, source_community=zuid_holland_community
        )
        for visibility in (Visibility.PUBLIC, Visibility.MEMBERS, Visibility.HUB)
    }


# Who sees which item: members-only for anyone signed in, hub-only for the region of the
# source community (its organisations' members and its coordinator).
SEES = {
    "anonymous": {"public"},
    "member": {"public", "members", "hub"},
    "outsider": {"public", "members"},
    "coordinator": {"public", "members", "hub"},
    "other_hub_coordinator": {"public", "members"},
}


# --- The list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_list_holds_the_items_each_persona_may_see(client, request, items, persona):
    log_in(client, request, persona)

    response = client.get(LIST_URL)

    assert titles_on(response) == sorted(SEES[persona])
    assert response.context["page_obj"].paginator.count == len(SEES[persona])
    for hidden in {"members", "hub"} - SEES[persona]:
        assert f">{hidden}</a>" not in response.text


def test_facets_narrow_by_type_topic_sector_hub_and_licence(client, zuid_holland_community):
    limburg = LearningCommunityFactory(hub=Hub.objects.get(slug="brightlands-limburg"))
    KnowledgeItemFactory(
        title="Casus",
        kind=KnowledgeItem.Kind.CASE,
        topics=["time-series"],
        sectors=["agrifood"],
        source_community=zuid_holland_community,
    )
    KnowledgeItemFactory(
        title="Lesmateriaal",
        kind=KnowledgeItem.Kind.TEACHING_MATERIAL,
        topics=["nlp"],
        licence=KnowledgeItem.Licence.CC0,
        source_community=limburg,
    )
    KnowledgeItemFactory(title="Instrument", kind=KnowledgeItem.Kind.INSTRUMENT, topics=["ml"])

    assert titles(client, kind="case") == ["Casus"]
    assert titles(client, kind=["case", "instrument"]) == ["Casus", "Instrument"]
    assert titles(client, topic="time-series") == ["Casus", "Instrument"]  # and its group
    assert titles(client, topic=["language", "vision"]) == ["Lesmateriaal"]
    assert titles(client, sector="agrifood") == ["Casus"]
    assert titles(client, hub="zuid-holland") == ["Casus"]
    assert titles(client, hub=["zuid-holland", "brightlands-limburg"]) == ["Casus", "Lesmateriaal"]
    assert titles(client, licence="cc0-1.0") == ["Lesmateriaal"]
    assert titles(client, licence="cc0-1.0", kind="case") == []


def test_hub_facet_does_not_reveal_a_hidden_source_community(client, outsider):
    hidden = LearningCommunityFactory(is_public=False)
    KnowledgeItemFactory(title="Openbaar", source_community=hidden)

    assert titles(client) == ["Openbaar"]
    assert titles(client, hub="zuid-holland") == []
    client.force_login(outsider)
    assert titles(client, hub="zuid-holland") == []


def test_search_in_dutch_and_english_over_title_summary_and_text(client):
    KnowledgeItemFactory(title="Voorspellen", summary="Hoe bakkerijen minder verspillen.")
    KnowledgeItemFactory(
        title="Guide", summary="A guide.", body="How teachers evaluated chatbots in class."
    )

    assert titles(client, q="bakkerij") == ["Voorspellen"]
    assert titles(client, q="verspilling") == ["Voorspellen"]
    assert titles(client, q="evaluating chatbot") == ["Guide"]
    assert titles(client, q="het de") == ["Guide", "Voorspellen"]


def test_sort_newest_first_or_by_title(client):
    KnowledgeItemFactory(title="B")
    KnowledgeItemFactory(title="A")

    def ordered(**params):
        response = client.get(LIST_URL, params)
        return [item.title for item in response.context["page_obj"].object_list]

    assert ordered() == ["A", "B"]
    assert ordered(sort="title") == ["A", "B"]
    KnowledgeItemFactory(title="0 nieuw")
    assert ordered()[0] == "0 nieuw"
    assert ordered(sort="title") == ["0 nieuw", "A", "B"]


def test_cards_name_a_visible_source_community_only(client):
    KnowledgeItemFactory(source_community=LearningCommunityFactory(name="Open kring"))
    KnowledgeItemFactory(
        source_community=LearningCommunityFactory(name="Besloten kring", is_public=False)
    )

    text = client.get(LIST_URL).text

    assert "Open kring" in text
    assert "Besloten kring" not in text


def test_htmx_gets_the_results_and_a_plain_request_the_page(client):
    KnowledgeItemFactory(title="Casus bakkerij")

    partial = client.get(LIST_URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="result-list")
    page = client.get(LIST_URL)

    assert "<html" not in partial.text and "Casus bakkerij" in partial.text
    assert "<html" in page.text and "Casus bakkerij" in page.text
    assert 'hx-get="/knowledge/"' in page.text


def test_header_links_to_the_knowledge_base(client):
    assert 'href="/knowledge/"' in client.get(reverse("portal:home")).text


def test_invalid_parameters_do_not_fail(client):
    KnowledgeItemFactory(title="Blijft")
    for params in ({"kind": "poem"}, {"licence": "gpl"}, {"hub": "x"}, {"page": "2"}):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200, params
        assert titles_on(response) == ["Blijft"], params


@pytest.mark.parametrize("signed_in", [False, True])
def test_list_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, member, signed_in
):
    if signed_in:
        client.force_login(member)
    params = {
        "q": "bakkerij",
        "kind": ["case", "tool"],
        "topic": ["ml", "nlp"],
        "sector": "agrifood",
        "hub": "zuid-holland",
        "licence": "cc-by-4.0",
    }

    def add(count):
        for _ in range(count):
            KnowledgeItemFactory(
                topics=["time-series", "nlp", "ml"],
                sectors=["agrifood", "energy"],
                source_community=LearningCommunityFactory(),
            )

    def fetch(expected_rows):
        response = client.get(LIST_URL, params)
        assert response.status_code == 200
        assert len(response.context["page_obj"].object_list) == expected_rows

    add(3)
    # The first page after a change of data builds the facet pairs (one query per count part)
    # and reads the visible rows and the facet conditions (`counts_from_index`); with the
    # search: its check for vectors stored since the last, the rows its words and labels
    # find, and their order by full-text rank. The same number with 3 rows and with 30.
    with django_assert_max_num_queries(28):
        fetch(3)
    add(27)
    with django_assert_max_num_queries(28):
        fetch(20)


# --- An item's page ---------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_opens_for_those_who_may_see_it_and_is_404_for_others(
    client, request, items, persona
):
    log_in(client, request, persona)
    for visibility, item in items.items():
        expected = 200 if visibility in SEES[persona] else 404
        assert client.get(detail_url(item)).status_code == expected, (persona, visibility)


def test_missing_item_is_the_same_404(client):
    assert client.get(reverse("knowledge:detail", kwargs={"slug": "nergens"})).status_code == 404


def test_detail_shows_the_item_with_its_source_community_and_author(client, zuid_holland_community):
    item = KnowledgeItemFactory(
        title="Voorspellen in de bakkerij",
        kind=KnowledgeItem.Kind.LESSON,
        body="## Wat we leerden\n\nBegin **klein**.\n\n<script>alert(1)</script>",
        topics=["time-series"],
        sectors=["agrifood"],
        licence=KnowledgeItem.Licence.CC_BY_SA,
        link="https://example.nl/verslag",
        source_community=zuid_holland_community,
        # A public profile: visitors see the name of such an author only.
        author=UserFactory(
            full_name="Sanne Bakker", email="sanne@example.nl", profile_visibility="everyone"
        ),
    )

    response = client.get("/en" + detail_url(item))

    assert response.status_code == 200
    text = response.text
    assert "<h1>Voorspellen in de bakkerij</h1>" in text
    assert "Lesson learned" in text
    assert "<strong>klein</strong>" in text  # Markdown, rendered
    assert "<script>alert(1)</script>" not in text  # and sanitised
    assert "Time series" in text
    assert "Agrifood" in text
    assert "CC BY-SA 4.0" in text
    assert 'href="https://example.nl/verslag"' in text
    assert f'href="{zuid_holland_community.get_absolute_url()}"' in text
    assert "Sanne Bakker" in text
    assert "sanne@example.nl" not in text
    assert 'href="/en/knowledge/"' in text  # breadcrumb back to the list


def test_detail_does_not_name_a_source_community_the_reader_may_not_see(client, member):
    hidden = LearningCommunityFactory(name="Besloten kring", is_public=False)
    CommunityMembershipFactory(community=hidden, user=member)
    item = KnowledgeItemFactory(source_community=hidden)

    assert "Besloten kring" not in client.get(detail_url(item)).text
    client.force_login(member)
    assert "Besloten kring" in client.get(detail_url(item)).text


def test_a_link_that_is_not_a_web_address_is_not_linked(client):
    item = KnowledgeItemFactory()
    KnowledgeItem.objects.filter(pk=item.pk).update(link="javascript:alert(1)")
    text = client.get(detail_url(item)).text
    assert "javascript:" not in text


def test_detail_query_count_is_fixed(client, django_assert_max_num_queries):
    item = KnowledgeItemFactory(
        topics=["ml", "nlp", "speech"],
        sectors=["agrifood", "energy"],
        source_community=LearningCommunityFactory(),
    )
    with django_assert_max_num_queries(5):
        assert client.get(detail_url(item)).status_code == 200


# --- The file ---------------------------------------------------------------------------------


def with_file(item, name="verslag.pdf", content=b"%PDF-1.4 verslag"):
    item.file.save(name, ContentFile(content), save=True)
    return item


@pytest.mark.parametrize("persona", PERSONAS)
def test_download_follows_the_items_visibility(client, request, items, persona):
    for item in items.values():
        with_file(item)
    log_in(client, request, persona)
    for visibility, item in items.items():
        expected = 200 if visibility in SEES[persona] else 404
        assert client.get(download_url(item)).status_code == expected, (persona, visibility)


def test_download_is_an_attachment_with_a_safe_name_and_nosniff(client):
    item = with_file(KnowledgeItemFactory(slug="verslag-bakkerij"), name='rap"port\r\n.PDF')

    response = client.get(download_url(item))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 verslag"
    assert response["Content-Disposition"] == 'attachment; filename="verslag-bakkerij.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_download_of_an_odd_extension_is_named_by_the_slug_only(client):
    item = with_file(KnowledgeItemFactory(slug="script"), name="x.html;.exe")
    response = client.get(download_url(item))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="script')
    assert ";" not in response["Content-Disposition"].split("filename=")[1]


def test_download_without_a_file_or_with_a_lost_file_is_404(client):
    without = KnowledgeItemFactory()
    assert client.get(download_url(without)).status_code == 404

    lost = with_file(KnowledgeItemFactory())
    lost.file.storage.delete(lost.file.name)
    assert client.get(download_url(lost)).status_code == 404


def test_detail_offers_the_download(client):
    item = with_file(KnowledgeItemFactory())
    assert f'href="{download_url(item)}"' in client.get(detail_url(item)).text


def test_visitor_sees_the_author_only_when_the_author_made_their_profile_public(client):
    private = KnowledgeItemFactory(author=UserFactory(full_name="Verborgen Auteur"))
    public = KnowledgeItemFactory(
        author=UserFactory(full_name="Zichtbare Auteur", profile_visibility="everyone")
    )

    assert "Verborgen Auteur" not in client.get(detail_url(private)).text
    assert "Zichtbare Auteur" in client.get(detail_url(public)).text
    client.force_login(UserFactory())
    assert "Verborgen Auteur" in client.get(detail_url(private)).text
