"""The profile form and what other people see of a person."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import Audience, User
from apps.organisations.models import Membership
from apps.taxonomy.models import AITopic, Province
from tests.accounts.factories import UserFactory
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


def person_url(person):
    with translation.override("nl"):
        return reverse("portal:person", kwargs={"pk": person.pk})


def profile_data(**overrides):
    data = {
        "full_name": "Anne de Vries",
        "province": Province.objects.get(code="NL-UT").pk,
        "expertise_topics": [
            str(pk)
            for pk in AITopic.objects.filter(slug__in=["nlp", "vision"]).values_list(
                "pk", flat=True
            )
        ],
        "offer": "Studentenprojecten in het voorjaar.",
        "bio": "Docent data science.",
        "preferred_language": "nl",
        "email_visibility": Audience.ONLY_ME,
        "profile_visibility": Audience.MEMBERS,
    }
    data.update(overrides)
    return data


# --- The profile form --------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_the_profile(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_everyone_signed_in_edits_their_own_profile(client, persona, request):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    response = client.get(PROFILE_URL)
    assert response.status_code == 200
    assert response.context["form"].instance.pk == person.pk


def test_saving_the_profile_stores_every_field(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(PROFILE_URL, profile_data())

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Anne de Vries"
    assert person.province.code == "NL-UT"
    assert set(person.expertise_topics.values_list("slug", flat=True)) == {"nlp", "vision"}
    assert person.offer == "Studentenprojecten in het voorjaar."
    assert person.bio == "Docent data science."


def test_a_new_person_hides_their_email_and_shows_details_to_members():
    person = UserFactory()
    assert person.email_visibility == Audience.ONLY_ME
    assert person.profile_visibility == Audience.MEMBERS


def test_an_empty_name_is_refused_next_to_the_field(client):
    person = UserFactory(full_name="Piet")
    client.force_login(person)

    response = client.post("/en" + PROFILE_URL, profile_data(full_name="   "))

    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    assert 'aria-invalid="true"' in response.text
    person.refresh_from_db()
    assert person.full_name == "Piet"
    # The header still shows the stored name, not the rejected one.
    assert response.context["user"].get_short_name() == "Piet"


def test_choosing_english_switches_the_site_to_english(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(PROFILE_URL, profile_data(preferred_language="en"))

    assert response.status_code == 302
    assert response.url == "/en" + PROFILE_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    person.refresh_from_db()
    assert person.preferred_language == "en"
    page = client.get(response.url)
    assert page.context["LANGUAGE_CODE"] == "en"
    assert "Your profile has been saved." in page.text


def test_choosing_dutch_on_the_english_site_goes_back_to_dutch(client):
    person = UserFactory(preferred_language="en")
    client.force_login(person)
    response = client.post("/en" + PROFILE_URL, profile_data(preferred_language="nl"))
    assert response.url == PROFILE_URL
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"


def test_topics_are_shown_by_group_with_their_explanation(client):
    client.force_login(UserFactory())
    topic = AITopic.objects.get(slug="speech")
    response = client.get("/en" + PROFILE_URL)
    assert f"<legend>{topic.parent.name_en}</legend>" in response.text
    assert topic.description_en in response.text
    assert re.search(r'aria-describedby="id_expertise_topics_\d+_description"', response.text)


# --- The person page ---------------------------------------------------------------------------


@pytest.fixture
def anne(sme):
    person = UserFactory(
        full_name="Anne de Vries",
        email="anne@korenbloem.nl",
        offer="Gastcolleges over taalmodellen.",
        province=Province.objects.get(code="NL-ZH"),
    )
    person.expertise_topics.set(AITopic.objects.filter(slug="nlp"))
    MembershipFactory(user=person, organisation=sme)
    return person


def set_visibility(person, *, email, profile):
    User.objects.filter(pk=person.pk).update(email_visibility=email, profile_visibility=profile)


def test_by_default_members_see_details_but_never_the_email(client, anne, outsider):
    client.force_login(outsider)

    response = client.get(person_url(anne))

    assert response.status_code == 200
    assert "Anne de Vries" in response.text
    assert "Gastcolleges over taalmodellen." in response.text
    assert "Bakkerij De Korenbloem" in response.text
    assert "anne@korenbloem.nl" not in response.text


def test_by_default_visitors_do_not_get_the_page(client, anne):
    assert client.get(person_url(anne)).status_code == 404


def test_everything_private_shows_members_the_name_only(client, anne, outsider):
    set_visibility(anne, email=Audience.ONLY_ME, profile=Audience.ONLY_ME)
    client.force_login(outsider)

    response = client.get(person_url(anne))

    assert response.status_code == 200
    assert "Anne de Vries" in response.text
    assert "Gastcolleges" not in response.text
    assert "Bakkerij De Korenbloem" not in response.text
    assert "anne@korenbloem.nl" not in response.text


def test_email_for_members_is_shown_to_members_only(client, anne, outsider):
    set_visibility(anne, email=Audience.MEMBERS, profile=Audience.EVERYONE)

    visitor_page = client.get(person_url(anne))
    assert visitor_page.status_code == 200
    assert "Gastcolleges" in visitor_page.text
    assert "anne@korenbloem.nl" not in visitor_page.text

    client.force_login(outsider)
    assert "anne@korenbloem.nl" in client.get(person_url(anne)).text


def test_a_public_email_is_shown_to_visitors(client, anne):
    set_visibility(anne, email=Audience.EVERYONE, profile=Audience.ONLY_ME)
    response = client.get(person_url(anne))
    assert response.status_code == 200
    assert "anne@korenbloem.nl" in response.text
    assert "Gastcolleges" not in response.text


def test_a_person_sees_everything_on_their_own_page(client, anne):
    set_visibility(anne, email=Audience.ONLY_ME, profile=Audience.ONLY_ME)
    client.force_login(anne)
    response = client.get(person_url(anne))
    assert "anne@korenbloem.nl" in response.text
    assert "Gastcolleges" in response.text


@pytest.mark.parametrize("persona", ["member", "other_hub_coordinator"])
def test_signed_in_personas_see_the_name_not_the_email(client, anne, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(person_url(anne))
    assert response.status_code == 200
    assert "anne@korenbloem.nl" not in response.text


def test_organisations_the_viewer_cannot_see_are_left_out(client, anne, outsider):
    hidden = OrganisationFactory(name="Slapende BV", is_active=False, province_code="NL-GR")
    MembershipFactory(user=anne, organisation=hidden)
    requested = OrganisationFactory(name="Gevraagd BV")
    MembershipFactory(user=anne, organisation=requested, state=Membership.State.REQUESTED)
    client.force_login(outsider)
    response = client.get(person_url(anne))
    assert "Bakkerij De Korenbloem" in response.text
    assert "Slapende BV" not in response.text
    assert "Gevraagd BV" not in response.text


def test_a_deactivated_or_missing_person_is_404(client, anne, outsider):
    client.force_login(outsider)
    User.objects.filter(pk=anne.pk).update(is_active=False)
    assert client.get(person_url(anne)).status_code == 404
    assert client.get(reverse("portal:person", kwargs={"pk": 999999})).status_code == 404
