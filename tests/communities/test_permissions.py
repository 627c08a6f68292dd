"""Every community view for every persona: a community someone may not see is "not found",
a visible one they may not act on is "forbidden", and signing in comes first."""

import pytest
from django.urls import reverse

from tests.communities.factories import ActivityFactory, JoinRequestFactory, UpdateFactory
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db

PERSONAS = ("anonymous", "member", "outsider", "other_hub_coordinator", "coordinator")

# view name, method, object it needs, expected outcome per persona (in PERSONAS order) for a
# public community, and for a members-only one.
MATRIX = [
    ("detail", "get", None, "ok ok ok ok ok", "404 ok 404 404 ok"),
    ("join", "get", None, "login back ok ok ok", "login back 404 404 ok"),
    ("withdraw", "post", None, "login back back back back", "login back 404 404 back"),
    ("requests", "get", None, "login 403 403 403 ok", "login 403 404 404 ok"),
    ("approve", "post", "request", "login 403 403 403 back", "login 403 404 404 back"),
    ("decline", "post", "request", "login 403 403 403 back", "login 403 404 404 back"),
    ("activity_create", "get", None, "login 403 403 403 ok", "login 403 404 404 ok"),
    ("activity_edit", "get", "activity", "login 403 403 403 ok", "login 403 404 404 ok"),
    ("activity_delete", "post", "activity", "login 403 403 403 back", "login 403 404 404 back"),
    ("ical", "get", None, "ok ok ok ok ok", "404 ok 404 404 ok"),
    ("update_create", "get", None, "login ok 403 403 ok", "login ok 404 404 ok"),
    ("update_delete", "post", "update", "login 403 403 403 back", "login 403 404 404 back"),
    ("add_result", "get", None, "login ok 403 403 ok", "login ok 404 404 ok"),
    ("learning", "get", None, "login ok 403 403 403", "login ok 404 404 403"),
    ("status", "post", None, "login 403 403 403 back", "login 403 404 404 back"),
]


def outcome(response) -> str:
    if response.status_code == 302:
        return "login" if "/accounts/login/" in response["Location"] else "back"
    if response.status_code == 200:
        return "ok"
    return str(response.status_code)


def _url(view, target, community):
    kwargs = {"slug": community.slug}
    if target == "request":
        kwargs["pk"] = JoinRequestFactory(community=community).pk
    elif target == "activity":
        kwargs["pk"] = ActivityFactory(community=community).pk
    elif target == "update":
        kwargs["pk"] = UpdateFactory(community=community).pk
    return reverse(f"communities:{view}", kwargs=kwargs)


def _check(client, person, community, view, method, target):
    url = _url(view, target, community)
    if person is not None:
        sign_in(client, person)
    data = {"status": "completed"} if view == "status" else {}
    response = getattr(client, method)(url, data)
    return outcome(response)


@pytest.mark.parametrize("persona_index", range(len(PERSONAS)), ids=PERSONAS)
@pytest.mark.parametrize(
    ("view", "method", "target", "expected"),
    [(view, method, target, public) for view, method, target, public, _hidden in MATRIX],
    ids=[row[0] for row in MATRIX],
)
def test_public_community_permissions(
    client, people, community, view, method, target, expected, persona_index
):
    persona = PERSONAS[persona_index]
    want = expected.split()[persona_index]
    got = _check(client, people[persona], community, view, method, target)
    assert got == want, f"{view} as {persona}"


@pytest.mark.parametrize("persona_index", range(len(PERSONAS)), ids=PERSONAS)
@pytest.mark.parametrize(
    ("view", "method", "target", "expected"),
    [(view, method, target, hidden) for view, method, target, _public, hidden in MATRIX],
    ids=[row[0] for row in MATRIX],
)
def test_members_only_community_permissions(
    client, people, hidden_community, view, method, target, expected, persona_index
):
    persona = PERSONAS[persona_index]
    want = expected.split()[persona_index]
    got = _check(client, people[persona], hidden_community, view, method, target)
    assert got == want, f"{view} as {persona}"


def test_programme_coordinator_manages_any_community(client, programme_coordinator, community):
    sign_in(client, programme_coordinator)
    assert client.get(reverse("communities:requests", args=[community.slug])).status_code == 200
    assert (
        client.get(reverse("communities:activity_create", args=[community.slug])).status_code == 200
    )


def test_member_with_coordinator_role_manages_the_community(client, community):
    from apps.communities.models import CommunityMembership
    from tests.communities.factories import CommunityMembershipFactory

    lead = CommunityMembershipFactory(
        community=community, role=CommunityMembership.Role.COORDINATOR
    ).user
    client.force_login(lead)
    assert client.get(reverse("communities:requests", args=[community.slug])).status_code == 200


def test_coordinator_role_in_one_community_does_not_reach_another(client, community):
    from apps.communities.models import CommunityMembership
    from tests.communities.factories import CommunityMembershipFactory

    lead = CommunityMembershipFactory(role=CommunityMembership.Role.COORDINATOR).user
    client.force_login(lead)
    assert client.get(reverse("communities:requests", args=[community.slug])).status_code == 403


def test_author_deletes_own_update_but_not_anothers(client, member, community):
    own = UpdateFactory(community=community, author=member)
    other = UpdateFactory(community=community)
    client.force_login(member)

    own_url = reverse("communities:update_delete", args=[community.slug, own.pk])
    other_url = reverse("communities:update_delete", args=[community.slug, other.pk])
    assert client.post(own_url).status_code == 302
    assert client.post(other_url).status_code == 403
    assert list(community.updates.values_list("pk", flat=True)) == [other.pk]


def test_objects_of_another_community_are_not_found(client, coordinator, community):
    elsewhere = ActivityFactory()
    sign_in(client, coordinator)
    url = reverse("communities:activity_edit", args=[community.slug, elsewhere.pk])
    assert client.get(url).status_code == 404


def test_post_only_actions_refuse_get(client, coordinator, community):
    sign_in(client, coordinator)
    request = JoinRequestFactory(community=community)
    url = reverse("communities:approve", args=[community.slug, request.pk])
    assert client.get(url).status_code == 405
