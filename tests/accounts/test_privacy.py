"""The privacy statement, downloading one's data and deleting one's account."""

import json

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.urls import reverse

from apps.accounts.models import User
from apps.accounts.privacy import anonymise_everywhere, privacy_modules
from apps.communities.models import CommunityMembership, JoinRequest, Update
from apps.knowledge.models import KnowledgeItem
from apps.notifications.models import Notification
from apps.organisations.models import Membership, Organisation
from tests.accounts.factories import PASSWORD, UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.hubs.factories import make_coordinator
from tests.knowledge.factories import KnowledgeItemFactory
from tests.organisations.factories import MembershipFactory

pytestmark = pytest.mark.django_db

PRIVACY_URL = reverse("accounts:privacy")
MY_DATA_URL = reverse("accounts:my_data")
EXPORT_URL = reverse("accounts:export")
DELETE_URL = reverse("portal:account_delete")


@pytest.fixture
def contributor(sme):
    """Someone with something in every app that keeps personal data."""
    person = UserFactory(full_name="Anne de Vries", email="anne@korenbloem.nl", offer="Tijd")
    MembershipFactory(user=person, organisation=sme, role=Membership.Role.ADMIN)
    community = CommunityMembershipFactory(user=person, organisation=sme).community
    JoinRequest.objects.create(
        community=LearningCommunityFactory(name="Slimme Logistiek"),
        user=person,
        role="lecturer",
        message="Ik doe graag mee.",
    )
    Update.objects.create(community=community, author=person, body="Eerste sessie gehouden.")
    KnowledgeItemFactory(author=person, title="Voorspellen in de bakkerij")
    ChallengeFactory(organisation=sme, created_by=person, title="Broodvraag voorspellen")
    make_coordinator(person, "zuid-holland")
    return person


@pytest.fixture
def surfconext_account(member):
    """A SURFconext sign-in linked to `member`, as allauth stores it (the ID token's claims and
    the user info), with a token row as if tokens were kept (they are not: it must never show)."""
    account = SocialAccount.objects.create(
        user=member,
        provider="surfconext",
        uid="b6d4e1c0-sub-of-member",
        extra_data={
            "id_token": {
                "sub": "b6d4e1c0-sub-of-member",
                "iss": "https://connect.surfconext.nl",
                "aud": "platform",
                "nonce": "nonce-of-the-last-sign-in",
                "at_hash": "hash-of-the-access-token",
                "exp": 1893456000,
                "iat": 1893452400,
            },
            "userinfo": {
                "sub": "b6d4e1c0-sub-of-member",
                "email": "m.jansen@hsleiden.nl",
                "email_verified": True,
                "name": "Mila Jansen",
                "schac_home_organization": "hsleiden.nl",
            },
        },
    )
    SocialToken.objects.create(
        account=account, token="access-token-secret", token_secret="refresh-token-secret"
    )
    return account


# --- Privacy statement -------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [None, "member", "outsider", "other_hub_coordinator"])
def test_the_privacy_statement_is_public(client, persona, request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    response = client.get("/en" + PRIVACY_URL)
    assert response.status_code == 200
    for heading in ("What we keep", "Why", "Who sees it", "How long", "Your rights", "Contact"):
        assert f"<h2>{heading}</h2>" in response.text


def test_the_privacy_statement_says_what_a_surfconext_sign_in_keeps(client):
    page = client.get("/en" + PRIVACY_URL).text
    assert "If you sign in with your institution account (SURFconext)" in page


def test_the_footer_links_to_the_privacy_statement(client):
    assert f'href="{PRIVACY_URL}"' in client.get(reverse("portal:home")).text


# --- My data and the download ------------------------------------------------------------------


@pytest.mark.parametrize("url", [MY_DATA_URL, EXPORT_URL, DELETE_URL])
def test_anonymous_is_sent_to_login(client, url):
    response = client.post(url) if url == EXPORT_URL else client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_my_data_page_offers_download_and_deletion(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(MY_DATA_URL)
    assert response.status_code == 200
    assert f'action="{EXPORT_URL}"' in response.text
    assert DELETE_URL in response.text


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_each_person_downloads_only_their_own_data(client, persona, request, member, outsider):
    person = request.getfixturevalue(persona)
    client.force_login(person)
    content = client.post(EXPORT_URL).content.decode()
    assert json.loads(content)["apps"]["accounts"]["email"] == person.email
    others = {member.email, outsider.email} - {person.email}
    assert not [email for email in others if email in content]


def test_my_data_page_shows_the_linked_surfconext_sign_in(client, member, surfconext_account):
    client.force_login(member)

    page = client.get("/en" + MY_DATA_URL).text

    assert "Linked sign-in" in page
    assert "SURFconext" in page
    assert "b6d4e1c0-sub-of-member" in page
    assert "m.jansen@hsleiden.nl" in page
    assert "Linked on" in page and "Last used" in page
    assert "secret" not in page
    assert "nonce-of-the-last-sign-in" not in page
    assert "Gekoppelde inlogmethode" in client.get(MY_DATA_URL).text


def test_my_data_page_without_a_linked_sign_in_does_not_mention_one(client, member):
    client.force_login(member)
    assert "Linked sign-in" not in client.get("/en" + MY_DATA_URL).text


def test_the_download_holds_the_linked_sign_in_without_tokens(client, member, surfconext_account):
    client.force_login(member)

    response = client.post(EXPORT_URL)

    content = response.content.decode()
    [linked] = json.loads(content)["apps"]["accounts"]["linked_sign_ins"]
    assert linked == {
        "provider": "SURFconext",
        "identifier": "b6d4e1c0-sub-of-member",
        "email": "m.jansen@hsleiden.nl",
        "claims": {
            "sub": "b6d4e1c0-sub-of-member",
            "email": "m.jansen@hsleiden.nl",
            "email_verified": True,
            "name": "Mila Jansen",
            "schac_home_organization": "hsleiden.nl",
        },
        "linked_at": surfconext_account.date_joined.isoformat(),
        "last_used_at": surfconext_account.last_login.isoformat(),
    }
    # Neither tokens nor the sign-in's protocol values (nonce, token hash).
    for value in ("secret", "nonce-of-the-last-sign-in", "hash-of-the-access-token"):
        assert value not in content


def test_anonymising_removes_the_linked_sign_in_and_its_tokens(member, surfconext_account):
    anonymise_everywhere(member)

    assert not SocialAccount.objects.filter(pk=surfconext_account.pk).exists()
    assert not SocialToken.objects.exists()


def test_the_download_needs_a_post(client, member):
    client.force_login(member)
    assert client.get(EXPORT_URL).status_code == 405


def test_the_download_holds_the_persons_data_from_every_app(client, contributor, member):
    client.force_login(contributor)

    response = client.post(EXPORT_URL)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)["apps"]
    assert data["accounts"]["email"] == "anne@korenbloem.nl"
    assert data["accounts"]["what_i_can_offer"] == "Tijd"
    assert data["accounts"]["email_addresses"] == [
        {"email": "anne@korenbloem.nl", "verified": True, "primary": True}
    ]
    assert [m["organisation"] for m in data["organisations"]["memberships"]] == [
        "Bakkerij De Korenbloem"
    ]
    assert data["communities"]["join_requests"][0]["message"] == "Ik doe graag mee."
    assert data["communities"]["updates_written"][0]["text"] == "Eerste sessie gehouden."
    assert len(data["communities"]["memberships"]) == 1
    assert data["knowledge"]["knowledge_items_written"][0]["title"] == (
        "Voorspellen in de bakkerij"
    )
    assert data["hubs"]["coordinates_hubs"][0]["hub_slug"] == "zuid-holland"
    # Nothing of anyone else: the other member of the same organisation is not in it.
    assert member.email not in response.content.decode()
    assert member.full_name not in response.content.decode()


def test_every_app_module_found_has_both_functions():
    modules = dict(privacy_modules())
    assert {"accounts", "organisations", "hubs", "communities", "knowledge"} <= set(modules)
    for module in modules.values():
        assert callable(module.personal_data)
        assert callable(module.anonymise)


# --- Deleting the account ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_the_delete_page_asks_for_the_password(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(DELETE_URL)
    assert response.status_code == 200
    assert 'type="password"' in response.text


def test_a_wrong_password_deletes_nothing(client, contributor):
    client.force_login(contributor)
    response = client.post(DELETE_URL, {"password": "wrong"})
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert User.objects.filter(pk=contributor.pk).exists()


def test_the_only_administrator_is_warned(client, contributor, sme):
    client.force_login(contributor)
    response = client.get(DELETE_URL)
    assert [o.pk for o in response.context["sole_admin_of"]] == [sme.pk]


def test_deleting_removes_personal_data_and_keeps_contributions(client, contributor, sme, member):
    pk = contributor.pk
    Notification.objects.create(recipient=contributor, kind="new-matches", title="Nieuw")
    client.force_login(contributor)

    response = client.post(DELETE_URL, {"password": PASSWORD})

    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert "_auth_user_id" not in client.session
    assert not User.objects.filter(pk=pk).exists()
    assert not EmailAddress.objects.filter(email="anne@korenbloem.nl").exists()
    assert not Membership.objects.filter(user_id=pk).exists()
    assert not CommunityMembership.objects.filter(user_id=pk).exists()
    assert not JoinRequest.objects.filter(user_id=pk).exists()
    assert not Notification.objects.filter(recipient_id=pk).exists()
    update = Update.objects.get(body="Eerste sessie gehouden.")
    assert update.author is None
    assert KnowledgeItem.objects.get(title="Voorspellen in de bakkerij").author is None
    assert sme.challenges.get(title="Broodvraag voorspellen").created_by is None
    # The organisation and its other members stay.
    assert Organisation.objects.filter(pk=sme.pk).exists()
    assert Membership.objects.filter(user=member, organisation=sme).exists()


def test_a_deleted_person_can_sign_up_again_with_the_same_email(client, contributor):
    client.force_login(contributor)
    client.post(DELETE_URL, {"password": PASSWORD})
    UserFactory(email="anne@korenbloem.nl")
    assert User.objects.filter(email="anne@korenbloem.nl").count() == 1


def test_someone_without_a_password_confirms_with_their_email(client):
    person = UserFactory(email="sso@hogeschool.nl")
    person.set_unusable_password()
    person.save()
    client.force_login(person)

    refused = client.post(DELETE_URL, {"email": "iemand@anders.nl"})
    assert "email" in refused.context["form"].errors
    client.post(DELETE_URL, {"email": "SSO@hogeschool.nl"})

    assert not User.objects.filter(pk=person.pk).exists()


@pytest.mark.parametrize(
    "url_name", ["portal:dashboard", "accounts:profile", "accounts:my_data", "api_tokens:list"]
)
def test_every_page_with_the_profile_navigation_loads_its_style(client, member, url_name):
    """Without accounts.css the navigation shows as a bulleted list (My data did)."""
    from django.urls import reverse

    client.force_login(member)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="me-nav"' in html
    assert "css/accounts.css" in html
