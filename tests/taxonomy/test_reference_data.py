import pytest

from apps.hubs.models import Hub
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

pytestmark = pytest.mark.django_db

# Copied from PRODUCT.md section 4 on purpose: the seed must match the specification.
PROVINCE_CODES = [
    "NL-DR",
    "NL-FL",
    "NL-FR",
    "NL-GE",
    "NL-GR",
    "NL-LI",
    "NL-NB",
    "NL-NH",
    "NL-OV",
    "NL-UT",
    "NL-ZE",
    "NL-ZH",
]
TOPIC_TREE = {
    "ml": ["predictive-analytics", "time-series", "anomaly-detection", "recommender-systems"],
    "vision": ["visual-inspection", "object-detection", "remote-sensing"],
    "language": ["nlp", "generative-ai", "speech", "conversational-ai"],
    "decision": ["optimisation", "simulation", "reinforcement-learning"],
    "robotics": ["industrial-robotics", "autonomous-systems", "edge-ai"],
    "knowledge": ["knowledge-graphs", "explainable-ai"],
    "responsible": ["ai-ethics", "ai-law", "fairness"],
    "data": ["data-engineering", "mlops", "data-sharing"],
    "human-ai": ["human-ai-collaboration", "ai-literacy"],
}
SECTORS = [
    "energy",
    "health",
    "agrifood",
    "logistics",
    "manufacturing",
    "built-environment",
    "public-sector",
    "finance",
    "security",
    "education",
    "creative-industry",
    "retail",
]
FORMATS = "student-project internship applied-research training masterclass hackathon living-lab"
DEMAND_KINDS = {"sme", "large-company", "public"}
SUPPLY_KINDS = {
    "hbo",
    "mbo",
    "wo",
    "lectorate",
    "practorate",
    "centre-of-expertise",
    "civ",
    "innovation-lab",
}


def test_all_twelve_provinces_are_seeded_by_iso_code():
    assert sorted(Province.objects.values_list("code", flat=True)) == sorted(PROVINCE_CODES)


def test_province_borders_are_symmetric_and_every_province_has_a_neighbour():
    for province in Province.objects.prefetch_related("neighbours"):
        neighbours = list(province.neighbours.all())
        assert neighbours, province.code
        for neighbour in neighbours:
            assert province in neighbour.neighbours.all()


def test_known_borders():
    utrecht = Province.objects.get(code="NL-UT")
    assert set(utrecht.neighbours.values_list("code", flat=True)) == {
        "NL-NH",
        "NL-ZH",
        "NL-GE",
        "NL-FL",
    }
    assert not Province.objects.get(code="NL-GR").neighbours.filter(code="NL-LI").exists()


def test_topic_taxonomy_has_exactly_the_groups_and_leaves_of_the_spec():
    seeded = {
        group.slug: sorted(group.children.values_list("slug", flat=True))
        for group in AITopic.objects.groups()
    }
    assert seeded == {group: sorted(leaves) for group, leaves in TOPIC_TREE.items()}


def test_every_leaf_topic_has_a_plain_explanation_in_both_languages():
    for topic in AITopic.objects.leaves():
        assert topic.description_nl and topic.description_en, topic.slug


def test_sectors_formats_and_kinds_match_the_spec():
    assert set(Sector.objects.values_list("slug", flat=True)) == set(SECTORS)
    assert set(Format.objects.values_list("slug", flat=True)) == set(FORMATS.split())
    kinds = dict(OrganisationKind.objects.values_list("slug", "role"))
    assert {slug for slug, role in kinds.items() if role == "demand"} == DEMAND_KINDS
    assert {slug for slug, role in kinds.items() if role == "supply"} == SUPPLY_KINDS
    assert kinds["other"] == "other"


def test_labels_follow_the_active_language():
    from django.utils import translation

    province = Province.objects.get(code="NL-NB")
    with translation.override("nl"):
        assert province.name == "Noord-Brabant"
    with translation.override("en"):
        assert province.name == "North Brabant"


def test_seven_hubs_cover_every_province_exactly_once():
    assert Hub.objects.count() == 7
    covered = list(Hub.objects.values_list("provinces__code", flat=True))
    assert sorted(covered) == sorted(PROVINCE_CODES)


@pytest.mark.django_db(transaction=True)
def test_reference_data_comes_back_after_a_flush():
    from django.core.management import call_command

    call_command("flush", interactive=False, verbosity=0)
    assert Province.objects.count() == 12
    assert Hub.objects.count() == 7
    assert AITopic.objects.get(slug="nlp").parent.slug == "language"
