import pytest
from django.utils import translation

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
