"""Topic suggestions through the service and the `suggest_topics` command, on the real
taxonomy and topic examples."""

import io
import json

import pytest
from django.core.management import call_command

from apps.semantics.services import topics_suggest
from apps.taxonomy.models import AITopic

pytestmark = pytest.mark.django_db


def leaves():
    return set(AITopic.objects.filter(parent__isnull=False).values_list("slug", flat=True))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Elke dag stellen klanten ons via de mail dezelfde vragen over hun pakket.",
            "conversational-ai",
        ),
        (
            "Het maken van het weekrooster voor veertig medewerkers kost ons een hele dag.",
            "optimisation",
        ),
        ("With a drone we want to check the roofs of our houses for damage.", "remote-sensing"),
    ],
)
def test_plain_language_gets_the_fitting_topic_among_the_first_three(text, expected):
    suggestions = topics_suggest(text, language="nl")
    assert expected in [s.topic for s in suggestions[:3]]
    assert all(s.why for s in suggestions)  # a reason in plain words


def test_the_why_is_in_the_asked_language():
    text = "Klanten mailen steeds dezelfde vragen over bezorging."
    [dutch] = topics_suggest(text, language="nl")[:1]
    [english] = topics_suggest(text, language="en")[:1]
    assert dutch.topic == english.topic and dutch.why != english.why
    assert " je " in f" {dutch.why} " or dutch.why.startswith("je ")


def test_command_prints_one_json_list_best_first(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("We willen weten wanneer onze koeling stuk gaat."))
    out = io.StringIO()
    call_command("suggest_topics", "--json", stdout=out)
    [line] = out.getvalue().splitlines()
    result = json.loads(line)
    assert len(result) >= 3
    assert {item["topic"] for item in result} <= leaves()
    scores = [item["score"] for item in result]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)


def test_command_with_lines_answers_line_by_line_in_order(monkeypatch):
    texts = [
        "Onze webshop krijgt elke dag dezelfde vragen over retourneren.",
        "Met camera's willen we krassen op de lak van fietsframes vinden.",
        "We want to plan the routes of our delivery vans better.",
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(texts) + "\n"))
    out = io.StringIO()
    call_command("suggest_topics", "--json", "--lines", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    firsts = [json.loads(line)[0]["topic"] for line in lines]
    assert firsts[0] in {"conversational-ai", "nlp"}
    assert firsts[1] == "visual-inspection"
    assert firsts[2] == "optimisation"
