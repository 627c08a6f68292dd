"""Topic suggestions in the guided challenge form: while typing (htmx), with the "suggest
topics" button (no JavaScript), and when someone submits without choosing a topic."""

import re
import uuid

import pytest
from django.urls import reverse

from apps.challenges.models import Challenge, ChallengeStatus, Visibility
from apps.taxonomy.models import AITopic

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("challenges:create")
SUGGEST_URL = reverse("challenges:suggest_topics")
MAIL_QUESTIONS = (
    "Elke dag mailen klanten ons dezelfde vragen over hun pakket en retourneren. Twee "
    "collega's zijn daar halve dagen mee bezig en de klant wacht lang op antwoord."
)


def form_data(sme, **overrides):
    data = {
        "organisation": sme.pk,
        "title": "Minder tijd kwijt aan mail",
        "description": MAIL_QUESTIONS,
        "learning_goals": "",
        "time_frame": Challenge.TimeFrame.FLEXIBLE,
        "visibility": Visibility.PUBLIC,
        "province": "",
        "creation_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def checked_topic_ids(html: str) -> set[int]:
    return {
        int(value) for value in re.findall(r'name="topics" value="(\d+)"[^>]*\bchecked\b', html)
    }


def test_submitting_without_a_topic_ticks_the_fitting_ones_instead_of_refusing(client, member, sme):
    client.force_login(member)

    response = client.post(CREATE_URL, form_data(sme, action="submit"))

    assert response.status_code == 200
    assert not Challenge.objects.exists()
    ticked = AITopic.objects.filter(pk__in=checked_topic_ids(response.text))
    assert "conversational-ai" in {topic.slug for topic in ticked}
    assert all(topic.parent_id is not None for topic in ticked)  # leaves
    assert "We ticked the AI topics that seem to fit" in response.text or (
        "We hebben de AI-onderwerpen aangevinkt" in response.text
    )

    # The person checks them and submits again: now it goes through.
    again = client.post(
        CREATE_URL,
        form_data(sme, action="submit", topics=[t.pk for t in ticked]),
    )
    assert again.status_code == 302
    challenge = Challenge.objects.get()
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert set(challenge.topics.all()) == set(ticked)


def test_the_suggest_button_shows_suggestions_without_saving_or_complaining(client, member, sme):
    client.force_login(member)
    data = form_data(sme, action="suggest", title="")  # a missing title is no error yet

    response = client.post(CREATE_URL, data)

    assert response.status_code == 200
    assert not Challenge.objects.exists()
    form = response.context["form"]
    assert not form.is_bound  # nothing checked, nothing refused
    assert "conversational-ai" in [item.topic.slug for item in form.suggestions[:3]]
    assert checked_topic_ids(response.text)  # ticked: nothing was chosen yet
    assert data["creation_token"] in response.text  # a later submit is still one challenge
    assert MAIL_QUESTIONS[:40] in response.text


def test_a_chosen_topic_is_kept_when_suggesting(client, member, sme):
    client.force_login(member)
    speech = AITopic.objects.get(slug="speech")
    response = client.post(CREATE_URL, form_data(sme, action="suggest", topics=[speech.pk]))
    assert checked_topic_ids(response.text) == {speech.pk}


def test_typing_gets_the_picker_back_with_the_fitting_topics_marked(client, member, sme):
    client.force_login(member)

    response = client.post(
        SUGGEST_URL, form_data(sme), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="topic-picker"
    )

    assert response.status_code == 200
    assert "<html" not in response.text and 'id="topic-picker"' in response.text
    conversational = AITopic.objects.get(slug="conversational-ai")
    label = re.search(
        rf'<label for="id_topics_{conversational.pk}">(.*?)</label>', response.text, re.S
    )
    assert label and "suggested-tag" in label.group(1)
    assert checked_topic_ids(response.text) == set()  # marked, not ticked, while typing
    assert 'aria-live="polite"' in response.text  # announced to screen readers


def test_the_description_field_asks_for_suggestions_while_typing(client, member):
    client.force_login(member)
    html = client.get(CREATE_URL).text
    textarea = re.search(r"<textarea[^>]*name=\"description\"[^>]*>", html).group(0)
    assert f'hx-post="{SUGGEST_URL}"' in textarea
    assert "delay:" in textarea and 'hx-target="#topic-picker"' in textarea
    assert 'name="action" value="suggest"' in html  # the button without JavaScript


def test_suggestions_need_a_signed_in_post(client):
    assert client.post(SUGGEST_URL, {"description": MAIL_QUESTIONS}).status_code == 302
    assert client.get(SUGGEST_URL).status_code in (302, 405)
