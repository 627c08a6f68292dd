"""Topic suggestions for an organisation's description and a person's profile text: while
typing (htmx) and with the "suggest topics" button (no JavaScript)."""

import re

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.organisations.models import Organisation

pytestmark = pytest.mark.django_db

URL = reverse("semantics:topic_suggestions")
LAB = (
    "Ons lab helpt bedrijven met camera's die krassen en deuken op producten vinden aan de "
    "lopende band, zodat er minder afkeur de deur uit gaat."
)


def names_suggested(html: str) -> list[str]:
    box = re.search(r'<div class="topic-suggestions" id="topic-suggestions"(.*?)</div>', html, re.S)
    assert box, "no suggestion box"
    return re.findall(r"<strong>(.*?)</strong>", box.group(1))


def test_typing_a_description_gets_the_box_with_fitting_topics(client, member):
    client.force_login(member)
    with_lang = {"HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.post(
        URL, {"source": "organisation", "description": LAB}, HTTP_HX_REQUEST="true", **with_lang
    )
    assert response.status_code == 200
    assert 'aria-live="polite"' in response.text and "<html" not in response.text
    assert "Visuele inspectie" in names_suggested(response.text)


def test_a_profile_reads_bio_and_offer(client, member):
    client.force_login(member)
    response = client.post(
        URL,
        {"source": "profile", "bio": "", "offer": "I teach people to plan delivery routes."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Optimalisatie" in names_suggested(response.text)


def test_an_empty_text_gets_an_empty_box_and_an_unknown_source_a_400(client, member):
    client.force_login(member)
    response = client.post(URL, {"source": "organisation", "description": "  "})
    assert names_suggested(response.text) == []
    assert client.post(URL, {"source": "secrets", "description": LAB}).status_code == 400


def test_suggestions_need_a_signed_in_post(client):
    assert client.post(URL, {"source": "organisation", "description": LAB}).status_code == 302
    assert client.get(URL).status_code in (302, 405)


def test_the_description_fields_ask_while_typing(client, member, sme, sme_admin):
    client.force_login(member)
    profile = client.get(reverse("accounts:profile")).text
    for name in ("bio", "offer"):
        area = re.search(rf'<textarea[^>]*name="{name}"[^>]*>', profile).group(0)
        assert f'hx-post="{URL}"' in area and "profile" in area
    client.force_login(sme_admin)
    edit = client.get(reverse("organisations:edit", kwargs={"slug": sme.slug})).text
    area = re.search(r'<textarea[^>]*name="description"[^>]*>', edit).group(0)
    assert f'hx-post="{URL}"' in area and "organisation" in area
    assert 'name="suggest_topics"' in edit and 'name="suggest_topics"' in profile


def test_the_button_suggests_for_an_organisation_without_saving(client, sme, sme_admin):
    client.force_login(sme_admin)
    url = reverse("organisations:edit", kwargs={"slug": sme.slug})
    before = Organisation.objects.get(pk=sme.pk).description
    response = client.post(
        url,
        {"name": sme.name, "description": LAB, "suggest_topics": "1"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert names_suggested(response.text)
    assert LAB[:30] in response.text  # the text as typed stays in the form
    assert Organisation.objects.get(pk=sme.pk).description == before
    assert not response.context["form"].is_bound  # no errors for a form not yet sent


def test_the_button_suggests_for_a_profile_without_saving(client, member):
    client.force_login(member)
    response = client.post(
        reverse("accounts:profile"),
        {
            "offer": "Ik leer teams werken met chatbots voor de klantenservice.",
            "suggest_topics": "1",
        },
    )
    assert response.status_code == 200
    assert names_suggested(response.text)
    assert User.objects.get(pk=member.pk).offer == ""
