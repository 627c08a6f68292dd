"""The home page (apps/portal): figures, latest public challenges and hubs, in constant
queries."""

import pytest
from django.urls import reverse

from apps.challenges.models import ChallengeStatus, Visibility
from apps.communities.models import CommunityStatus
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import LearningCommunityFactory
from tests.organisations.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")


def test_home_explains_counts_and_shows_latest_public_challenges_and_hubs(client, sme):
    for index in range(7):
        ChallengeFactory(organisation=sme, title=f"Openbaar {index}")
    ChallengeFactory(organisation=sme, title="Verborgen voor leden", visibility=Visibility.MEMBERS)
    ChallengeFactory(organisation=sme, title="Nog een concept", status=ChallengeStatus.DRAFT)
    LearningCommunityFactory(status=CommunityStatus.ACTIVE)
    LearningCommunityFactory(status=CommunityStatus.FORMING)
    OrganisationFactory(is_active=False)

    response = client.get(HOME)

    assert response.status_code == 200
    assert response.context["figures"] == {"challenges": 7, "communities": 1, "organisations": 1}
    assert len(response.context["latest_challenges"]) == 6
    assert "Verborgen voor leden" not in response.text
    assert "Nog een concept" not in response.text
    assert response.text.count('href="/hubs/') >= 8  # the nav link and all seven hubs


def test_home_figures_are_counted_once_until_the_data_changes(client, sme):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ChallengeFactory(organisation=sme)
    client.get(HOME)

    with CaptureQueriesContext(connection) as captured:
        again = client.get(HOME)
    ChallengeFactory(organisation=sme)
    after = client.get(HOME)

    assert not [q for q in captured if "UNION ALL" in q["sql"]]
    assert again.context["figures"]["challenges"] == 1
    assert after.context["figures"]["challenges"] == 2


@pytest.mark.parametrize("signed_in", [False, True])
def test_home_query_count_does_not_grow_with_rows(
    client, django_assert_max_num_queries, member, sme, signed_in
):
    if signed_in:
        client.force_login(member)
    # Signed in, the header's unread-notification count is one more query; the hub counts
    # are four on a cache miss (data version, hub provinces, two grouped counts), the
    # figures two (data version, their count).
    budget = 12 if signed_in else 11
    with django_assert_max_num_queries(budget):
        assert client.get(HOME).status_code == 200

    for _ in range(10):
        ChallengeFactory(organisation=OrganisationFactory(), topics=["ml", "nlp"])
        LearningCommunityFactory(status=CommunityStatus.ACTIVE)
    with django_assert_max_num_queries(budget):
        assert client.get(HOME).status_code == 200
