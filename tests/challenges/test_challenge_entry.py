"""The way to the challenge form (issue 12, item 1): every page an SME owner starts from offers
"describe your challenge"; a visitor is led through sign-up and their organisation straight
back into the form, without typing an address."""

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from apps.organisations.models import Organisation
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CREATE = reverse("challenges:create")


def links_to(response, href: str) -> bool:
    return f'href="{href}"' in response.content.decode()


def signup_then_form() -> str:
    return f"{reverse('account_signup')}?next={quote(CREATE, safe='')}"


@pytest.fixture
def lecturer(db):
    """An active member of a hogeschool only: someone who answers challenges."""
    hogeschool = OrganisationFactory(kind_slug="hbo", province_code="NL-ZH")
    return MembershipFactory(organisation=hogeschool).user


@pytest.mark.parametrize(
    "page",
    [
        reverse("portal:home"),
        reverse("portal:dashboard"),
        reverse("challenges:list"),
        reverse("portal:get_started"),
    ],
)
def test_a_member_of_a_demand_organisation_finds_the_form_from_each_starting_page(
    client, member, page
):
    client.force_login(member)
    assert links_to(client.get(page), CREATE)


def test_the_organisation_page_offers_its_members_a_challenge_for_that_organisation(
    client, member, sme
):
    client.force_login(member)
    response = client.get(sme.get_absolute_url())
    assert links_to(response, f"{CREATE}?organisation={sme.slug}")


def test_the_form_starts_with_the_organisation_the_person_came_from(client, member, sme):
    other = OrganisationFactory(kind_slug="sme", province_code="NL-ZH")
    MembershipFactory(organisation=other, user=member)
    client.force_login(member)
    form = client.get(f"{CREATE}?organisation={sme.slug}").context["form"]
    assert form["organisation"].value() == sme.pk
    # An organisation the person cannot post for is not chosen for them.
    stranger = OrganisationFactory(kind_slug="sme", province_code="NL-ZH")
    form = client.get(f"{CREATE}?organisation={stranger.slug}").context["form"]
    assert form["organisation"].value() is None


def test_people_who_only_answer_challenges_are_not_pressed_to_post_one(client, lecturer):
    client.force_login(lecturer)
    for page in (reverse("portal:home"), reverse("challenges:list")):
        assert not links_to(client.get(page), CREATE), page


def test_other_members_are_not_offered_a_challenge_for_someone_elses_organisation(
    client, outsider, sme
):
    client.force_login(outsider)
    assert CREATE not in client.get(sme.get_absolute_url()).content.decode()


@pytest.mark.parametrize("page", [reverse("portal:home"), reverse("challenges:list")])
def test_visitors_are_invited_to_describe_their_challenge_through_sign_up(client, page):
    response = client.get(page)
    assert links_to(response, signup_then_form().replace("&", "&amp;"))
    assert "Beschrijf je uitdaging" in response.content.decode()


def test_after_sign_up_and_confirming_the_address_the_visitor_is_back_at_the_form(
    client, mailoutbox
):
    client.post(
        signup_then_form(),
        {
            "email": "anouk@korenbloem.nl",
            "full_name": "Anouk de Bakker",
            "password1": "brood-en-banket-2026",
            "password2": "brood-en-banket-2026",
        },
    )
    link = re.search(r"https?://[^\s]+/accounts/confirm-email/[^\s]+", mailoutbox[0].body)
    response = client.post(link.group(0).split("testserver", 1)[-1])
    assert response.status_code == 302
    assert response.url == CREATE
    # Without an organisation yet, the form's page leads to adding it and then back here.
    page = client.get(CREATE)
    assert links_to(page, f"{reverse('organisations:create')}?next={quote(CREATE, safe='')}")


def sme_in_zuid_holland() -> dict:
    from apps.taxonomy.models import AITopic, OrganisationKind, Province

    return {
        "kind": OrganisationKind.objects.get(slug="sme").pk,
        "province": Province.objects.get(code="NL-ZH").pk,
        "topics": [AITopic.objects.leaves().first().pk],
    }


def test_adding_the_organisation_from_the_form_leads_back_into_the_form(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(
        f"{reverse('organisations:create')}?next={quote(CREATE, safe='')}",
        {
            "name": "Bakkerij De Korenbloem",
            **sme_in_zuid_holland(),
            "description": "Familiebakkerij met drie winkels.",
            "next": CREATE,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Organisation.objects.filter(name="Bakkerij De Korenbloem").exists()
    assert response.url == CREATE
    # Its only organisation is chosen in the form already.
    form = client.get(CREATE).context["form"]
    assert form["organisation"].value() == Organisation.objects.get().pk


def test_a_foreign_next_address_is_not_followed_after_adding_an_organisation(client, db):
    from tests.accounts.factories import UserFactory

    client.force_login(UserFactory())
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "Bakkerij De Korenbloem",
            **sme_in_zuid_holland(),
            "description": "Familiebakkerij met drie winkels.",
            "next": "https://evil.example/",
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response.url
