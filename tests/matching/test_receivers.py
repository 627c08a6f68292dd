"""Matching alone decides which changes of challenges and organisations mean computing
suggestions again: the apps below announce what changed (domain signals), matching judges
(`apps.matching.receivers`)."""

import pytest
from django.db import transaction

from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.signals import challenge_changed, challenge_published
from apps.matching.models import MatchRun
from apps.matching.receivers import CHALLENGE_FIELDS, SUPPLIER_FIELDS
from apps.organisations.models import Organisation
from apps.organisations.services import organisation_update
from apps.organisations.signals import organisation_changed
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def runs() -> list[tuple[str, str, int]]:
    return list(MatchRun.objects.order_by("pk").values_list("kind", "trigger", "challenges_total"))


def test_an_edit_of_a_published_challenge_is_matched_again_only_for_what_matching_reads():
    challenge = ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"])

    challenge_changed.send(
        Challenge,
        challenge_ids=[challenge.pk],
        fields=frozenset({"visibility", "time_frame"}),
        trigger="arrangements",
    )
    assert runs() == []

    challenge_changed.send(
        Challenge,
        challenge_ids=[challenge.pk],
        fields=frozenset({"visibility", "title"}),
        trigger="title",
    )
    assert runs() == [(MatchRun.Kind.CHALLENGE, "title", 1)]


def test_an_import_that_may_change_anything_matches_its_published_challenges_only():
    published = ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"])
    draft = ChallengeFactory(status=ChallengeStatus.DRAFT, topics=["nlp"])

    challenge_changed.send(
        Challenge, challenge_ids=[published.pk, draft.pk], fields=None, trigger="import"
    )
    challenge_changed.send(Challenge, challenge_ids=[draft.pk], fields=None, trigger="import")

    assert runs() == [(MatchRun.Kind.CHALLENGE, "import", 1)]


def test_a_supplier_is_matched_again_for_what_matching_reads_and_a_demand_organisation_never():
    supplier = OrganisationFactory(kind_slug="hbo", topics=["nlp"])
    sme = OrganisationFactory(kind_slug="sme")
    ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"])

    assert organisation_update(organisation=supplier, website="https://lab.example.nl") == [
        "website"
    ]
    assert runs() == []

    assert organisation_update(organisation=supplier, capacity=5) == ["capacity"]
    assert [(kind, trigger) for kind, trigger, _ in runs()] == [(MatchRun.Kind.SUPPLIER, "profile")]

    organisation_changed.send(
        Organisation, organisation_ids=[sme.pk], fields=None, trigger="import"
    )
    assert len(runs()) == 1


def test_the_run_a_change_records_commits_or_rolls_back_with_the_change():
    challenge = ChallengeFactory(status=ChallengeStatus.PUBLISHED, topics=["nlp"])

    with pytest.raises(RuntimeError), transaction.atomic():
        challenge_published.send(Challenge, challenge_ids=[challenge.pk], trigger="published")
        assert len(runs()) == 1
        raise RuntimeError("the change fails after the signal")

    assert runs() == []


def test_the_fields_matching_reads_are_fields_of_the_models():
    assert {field.name for field in Challenge._meta.get_fields()} >= CHALLENGE_FIELDS
    assert {field.name for field in Organisation._meta.get_fields()} >= SUPPLIER_FIELDS
