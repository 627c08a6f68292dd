import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.matching.reasons import reason_texts, taxonomy_labels

pytestmark = pytest.mark.django_db

REASONS = [
    {"code": "shared_topics", "params": {"topics": ["nlp"], "related": ["speech"]}},
    {"code": "region", "params": {"relation": "neighbouring_province"}},
    {"code": "shared_sectors", "params": {"sectors": ["health"]}},
    {"code": "shared_formats", "params": {"formats": ["internship"]}},
    {"code": "shared_terms", "params": {"terms": ["klantenservic"]}},
]


def test_reasons_read_in_dutch_by_default():
    with translation.override("nl"):
        texts = reason_texts(REASONS, taxonomy_labels())
    assert texts[0] == "Zelfde AI-onderwerpen: Tekstanalyse"
    assert "Spraaktechnologie" in texts[1]
    assert texts[2] == "In een aangrenzende provincie"
    assert "Zorg en welzijn" in texts[3]
    assert "Stage of afstudeeropdracht" in texts[4]
    assert "klantenservic" in texts[5]


def test_the_same_reasons_read_in_english():
    with translation.override("en"):
        texts = reason_texts(REASONS, taxonomy_labels())
    assert texts[0] == "Same AI topics: Natural language processing"
    assert texts[2] == "In a neighbouring province"
    assert texts[3] == "Same sectors: Health"


def test_unknown_codes_are_skipped_not_shown_raw():
    assert reason_texts([{"code": "future_reason", "params": {}}], taxonomy_labels()) == []


# --- Words shown as a reason (issue 10: "de, een, hoe, s, o") ----------------------------------

STOP_WORDS = ["de", "een", "hoe", "het", "van", "the", "and", "with", "onze", "wij"]
FRAGMENTS = ["s", "o", "ab", "x"]
NUMBERS = ["2024", "12", "3d", "k9"]
WORDS = ["voorspelling", "korst", "klantenservic", "planning", "camera"]


def shown_words(texts: list[str]) -> list[str]:
    words = []
    for text in texts:
        if ":" in text:
            words += [w.strip() for w in text.split(":", 1)[1].split(",")]
    return words


def test_the_reported_reason_shows_no_stop_words_or_fragments():
    reasons = [{"code": "shared_terms", "params": {"terms": ["de", "een", "hoe", "s", "o"]}}]
    assert reason_texts(reasons, taxonomy_labels()) == []  # nothing worth saying: no reason


def test_only_the_meaningful_words_of_a_reason_are_shown():
    reasons = [{"code": "shared_terms", "params": {"terms": ["de", "korst", "2024", "s"]}}]
    with translation.override("nl"):
        assert reason_texts(reasons, taxonomy_labels()) == [
            "Vergelijkbare woorden in de beschrijvingen: korst"
        ]


@given(
    terms=st.lists(st.sampled_from(STOP_WORDS + FRAGMENTS + NUMBERS + WORDS), max_size=8),
    extra=st.lists(st.text(alphabet=st.characters(categories=["L", "Nd"]), max_size=6), max_size=4),
)
@settings(max_examples=200, deadline=None)
def test_a_reason_never_shows_a_stop_word_fragment_or_number(terms, extra):
    reasons = [{"code": "shared_terms", "params": {"terms": terms + extra}}]
    for word in shown_words(reason_texts(reasons, taxonomy_labels())):
        assert word.lower() not in STOP_WORDS
        assert len(word) > 2
        assert not any(ch.isdigit() for ch in word)


def test_reasons_built_by_a_match_run_leave_out_stop_words():
    """The failure as reported: a supplier and a challenge sharing mostly small words. The
    stored reasons name the one meaningful shared word and none of the others."""
    from apps.matching import services
    from apps.matching.models import Match
    from tests.challenges.factories import ChallengeFactory
    from tests.organisations.factories import OrganisationFactory

    supplier = OrganisationFactory(
        kind_slug="hbo",
        province_code="NL-ZH",
        topics=["nlp"],
        description="De een en de ander: hoe s o wij 2024 de klantenservice van de toekomst.",
    )
    # Other suppliers, so that words only the first one uses weigh something (idf).
    for description in ("Robots die dozen inpakken.", "Drones boven akkers.", "Warmtepompen."):
        OrganisationFactory(kind_slug="hbo", topics=["speech"], description=description)
    challenge = ChallengeFactory(
        topics=["nlp"],
        province_code="NL-ZH",
        description="Hoe kan de een of de ander s o 2024 onze klantenservice beter maken?",
    )
    services.match_run_process_here(run=services.match_run_full(), token="test")

    match = Match.objects.get(challenge=challenge, organisation=supplier)
    shown = [
        term
        for reason in match.reasons
        if reason["code"] == "shared_terms"
        for term in reason["params"]["terms"]
    ]
    assert any(term.startswith("klantenservic") for term in shown)
    assert not set(shown) & {"de", "een", "hoe", "s", "o", "2024", "wij", "van", "en"}
