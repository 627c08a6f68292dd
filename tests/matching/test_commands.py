import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from apps.matching.models import Match, MatchRun
from apps.taxonomy.models import AITopic, Province
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    OrganisationFactory(ref="hbo-zh", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"])
    OrganisationFactory(
        ref="lab-gr", kind_slug="innovation-lab", province_code="NL-GR", topics=["speech"]
    )
    OrganisationFactory(ref="no-fit", kind_slug="wo", topics=["remote-sensing"])
    return ChallengeFactory(ref="ch-1", topics=["nlp"], province_code="NL-ZH")


def test_match_challenge_json_lists_organisations_best_first_with_reasons(dataset):
    out = StringIO()
    call_command("match", "--challenge", "ch-1", "--top", "5", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert [row["organisation"] for row in rows] == ["hbo-zh", "lab-gr"]
    assert rows[0]["score"] >= rows[1]["score"]
    assert all(0 <= row["score"] <= 1 for row in rows)
    assert {r["code"] for r in rows[0]["reasons"]} >= {"shared_topics", "region"}
    assert not Match.objects.exists()  # printing a ranking writes nothing


def test_match_top_limits_the_list(dataset):
    out = StringIO()
    call_command("match", "--challenge", "ch-1", "--top", "1", "--json", stdout=out)
    assert len(json.loads(out.getvalue())) == 1


def test_match_unknown_challenge_is_a_clear_error(dataset):
    with pytest.raises(CommandError, match="No challenge with ref 'nope'"):
        call_command("match", "--challenge", "nope", "--json")


def test_match_person_ranks_challenges_for_a_lecturer(dataset):
    lecturer = UserFactory(email="docent@hs.nl", province=Province.objects.get(code="NL-ZH"))
    lecturer.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    out = StringIO()
    call_command("match", "--person", "Docent@hs.nl", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert rows[0]["kind"] == "challenge" and rows[0]["id"] == dataset.pk


def test_rematch_writes_suggestions_and_reports_the_run(dataset):
    out = StringIO()
    call_command("rematch", stdout=out, stderr=StringIO())
    run = MatchRun.objects.get()
    assert run.status == MatchRun.Status.DONE
    assert f"Match run #{run.pk}: 1 challenges" in out.getvalue()
    assert Match.objects.filter(challenge=dataset).count() == 2


def test_rematch_balanced_needs_a_hub(dataset):
    with pytest.raises(CommandError, match="--balanced needs --hub"):
        call_command("rematch", "--balanced")
    with pytest.raises(CommandError, match="No hub 'atlantis'"):
        call_command("rematch", "--hub", "atlantis")
    call_command(
        "rematch", "--hub", "zuid-holland", "--balanced", stdout=StringIO(), stderr=StringIO()
    )
    assert MatchRun.objects.get().balanced
