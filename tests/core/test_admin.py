"""The admin as hub coordinators use it: every page renders at a query count that does not grow
with the number of rows, and a coordinator's reach stops at the borders of their hubs."""

import itertools
import json

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.challenges.models import Challenge, ChallengeStatus
from apps.communities.models import (
    Activity,
    CommunityMembership,
    JoinRequest,
    LearningCommunity,
    Update,
)
from apps.hubs.models import Hub, HubCoordinator
from apps.hubs.services import coordinator_group_ensure
from apps.knowledge.models import KnowledgeItem
from apps.matching.models import Match
from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.hubs.factories import hub
from tests.knowledge.factories import KnowledgeItemFactory
from tests.matching.factories import MatchFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def dutch():
    """URLs and labels in the default language, whatever an earlier test activated."""
    with translation.override("nl"):
        yield


# Measured budgets with some headroom; what matters most is that 30 rows cost what 3 cost.
CHANGELIST_BUDGET = 14
CHANGE_PAGE_BUDGET = 14

_serial = itertools.count()


def _n() -> int:
    return next(_serial)


def make_provinces(count):
    for _ in range(count):
        n = _n()
        Province.objects.create(code=f"X{n:04d}", name_nl=f"Provincie {n}", name_en=f"Prov {n}")


def make_topics(count):
    group = AITopic.objects.get(slug="ml")
    for _ in range(count):
        n = _n()
        AITopic.objects.create(slug=f"topic-{n}", name_nl=f"T {n}", name_en=f"T {n}", parent=group)


def make_labels(model):
    def make(count):
        for _ in range(count):
            n = _n()
            extra = {"role": OrganisationKind.Role.OTHER} if model is OrganisationKind else {}
            model.objects.create(slug=f"label-{n}", name_nl=f"L {n}", name_en=f"L {n}", **extra)

    return make


def make_hubs(count):
    for _ in range(count):
        n = _n()
        created = Hub.objects.create(slug=f"hub-{n}", name=f"Hub {n}")
        created.provinces.set(Province.objects.filter(code__in=["NL-ZH", "NL-UT"]))
        HubCoordinator.objects.create(hub=created, user=UserFactory())


def make_join_requests(count):
    community = LearningCommunityFactory()
    for user in UserFactory.create_batch(count):
        JoinRequest.objects.create(community=community, user=user, role="lecturer")


def make_activities(count):
    community = LearningCommunityFactory()
    for n in range(count):
        Activity.objects.create(community=community, title=f"Sessie {n}", starts_at=timezone.now())


def make_updates(count):
    community = LearningCommunityFactory()
    for n in range(count):
        Update.objects.create(community=community, author=UserFactory(), body=f"Nieuws {n}")


ROW_MAKERS = {
    Province: make_provinces,
    AITopic: make_topics,
    Sector: make_labels(Sector),
    Format: make_labels(Format),
    OrganisationKind: make_labels(OrganisationKind),
    User: UserFactory.create_batch,
    Hub: make_hubs,
    Organisation: OrganisationFactory.create_batch,
    Membership: MembershipFactory.create_batch,
    Challenge: ChallengeFactory.create_batch,
    Match: MatchFactory.create_batch,
    LearningCommunity: LearningCommunityFactory.create_batch,
    CommunityMembership: CommunityMembershipFactory.create_batch,
    JoinRequest: make_join_requests,
    Activity: make_activities,
    Update: make_updates,
    KnowledgeItem: KnowledgeItemFactory.create_batch,
}

# Change pages whose inlines list rows: adding rows to the inline must not add queries.
INLINE_ROW_MAKERS = {
    Organisation: lambda obj, count: MembershipFactory.create_batch(count, organisation=obj),
    Hub: lambda obj, count: [
        HubCoordinator.objects.create(hub=obj, user=user)
        for user in UserFactory.create_batch(count)
    ],
    Challenge: lambda obj, count: MatchFactory.create_batch(count, challenge=obj),
    LearningCommunity: lambda obj, count: (
        CommunityMembershipFactory.create_batch(
            count, community=obj, organisation=OrganisationFactory()
        ),
        make_join_requests_for(obj, count),
        [
            Activity.objects.create(community=obj, title=f"Sessie {n}", starts_at=timezone.now())
            for n in range(count)
        ],
    ),
}


def make_join_requests_for(community, count):
    for user in UserFactory.create_batch(count):
        JoinRequest.objects.create(community=community, user=user, role="student")


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def count_queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(context.captured_queries)


@pytest.fixture
def superuser():
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def hub_coordinator(coordinator):
    """Staff, in the "Hub coordinators" group, coordinator of hub zuid-holland."""
    coordinator.groups.add(coordinator_group_ensure())
    return coordinator


@pytest.fixture
def groningen_org():
    return OrganisationFactory(name="Zuivel Noord", kind_slug="sme", province_code="NL-GR")


def test_every_app_model_has_an_admin():
    assert set(ROW_MAKERS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda model: model.__name__)
def test_changelist_query_count_does_not_grow_with_rows(
    model, client, superuser, django_assert_max_num_queries
):
    login_with_second_factor(client, superuser)
    path = url(model, "changelist")
    ROW_MAKERS[model](3)
    client.get(path)  # warm per-process caches (content types, permissions)
    with_few_rows = count_queries(client, path)
    assert with_few_rows <= CHANGELIST_BUDGET

    ROW_MAKERS[model](27)
    with django_assert_max_num_queries(with_few_rows):
        response = client.get(path)
    assert response.status_code == 200


@pytest.mark.parametrize("model", list(ROW_MAKERS), ids=lambda model: model.__name__)
def test_change_and_add_pages_render_for_a_superuser(
    model, client, superuser, django_assert_max_num_queries
):
    login_with_second_factor(client, superuser)
    ROW_MAKERS[model](1)
    obj = model.objects.order_by("-pk").first()
    client.get(url(model, "change", obj.pk))
    with django_assert_max_num_queries(CHANGE_PAGE_BUDGET):
        response = client.get(url(model, "change", obj.pk))
    assert response.status_code == 200
    model_admin = admin.site._registry[model]
    if model_admin.has_add_permission(response.wsgi_request):
        assert client.get(url(model, "add")).status_code == 200


@pytest.mark.parametrize("model", list(INLINE_ROW_MAKERS), ids=lambda model: model.__name__)
def test_change_page_query_count_does_not_grow_with_inline_rows(
    model, client, superuser, django_assert_max_num_queries
):
    login_with_second_factor(client, superuser)
    ROW_MAKERS[model](1)
    obj = model.objects.order_by("-pk").first()
    path = url(model, "change", obj.pk)
    INLINE_ROW_MAKERS[model](obj, 2)
    client.get(path)
    with_few_rows = count_queries(client, path)

    INLINE_ROW_MAKERS[model](obj, 20)
    with django_assert_max_num_queries(with_few_rows):
        response = client.get(path)
    assert response.status_code == 200


def test_site_titles_name_the_platform(client, superuser):
    login_with_second_factor(client, superuser)
    response = client.get(reverse("admin:index"))
    assert "AI Learning Communities" in response.content.decode()


# --- Who gets in ---------------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(url(Challenge, "changelist"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_non_staff_member_is_sent_to_the_admin_login(client, member):
    client.force_login(member)
    for path in (reverse("admin:index"), url(Organisation, "changelist")):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_staff_without_a_hub_sees_no_regional_rows(client, sme, groningen_org):
    staff = UserFactory(is_staff=True)
    staff.groups.add(coordinator_group_ensure())
    login_with_second_factor(client, staff)
    response = client.get(url(Organisation, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


# --- A hub coordinator's reach -------------------------------------------------------------


def test_coordinator_sees_own_region_organisations_only(
    client, hub_coordinator, sme, groningen_org
):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(Organisation, "changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [sme]


def test_coordinator_sees_own_region_challenges_only(client, hub_coordinator, groningen_org):
    own = ChallengeFactory(province_code="NL-ZH", status=ChallengeStatus.SUBMITTED)
    ChallengeFactory(organisation=groningen_org, province_code="NL-GR")
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(Challenge, "changelist"))
    assert list(response.context["cl"].result_list) == [own]


def test_coordinator_changelists_render_within_budget(
    client, hub_coordinator, django_assert_max_num_queries
):
    login_with_second_factor(client, hub_coordinator)
    for model, make in ROW_MAKERS.items():
        make(3)
        path = url(model, "changelist")
        client.get(path)
        with django_assert_max_num_queries(CHANGELIST_BUDGET):
            response = client.get(path)
        assert response.status_code == 200, model


def test_coordinator_guessing_another_regions_organisation_is_sent_to_the_index(
    client, hub_coordinator, groningen_org
):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(Organisation, "change", groningen_org.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_coordinator_guessing_another_regions_challenge_is_sent_to_the_index(
    client, hub_coordinator, groningen_org
):
    elsewhere = ChallengeFactory(organisation=groningen_org, province_code="NL-GR")
    login_with_second_factor(client, hub_coordinator)
    for view in ("change", "history"):
        response = client.get(url(Challenge, view, elsewhere.pk))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:index")


def test_coordinator_cannot_see_another_regions_match_or_community(client, hub_coordinator):
    groningen_match = MatchFactory(challenge=ChallengeFactory(province_code="NL-GR"))
    noord = LearningCommunityFactory(hub=hub("noord-nederland"))
    login_with_second_factor(client, hub_coordinator)
    assert client.get(url(Match, "change", groningen_match.pk)).status_code == 302
    assert client.get(url(LearningCommunity, "change", noord.pk)).status_code == 302
    assert client.get(url(Hub, "change", hub("noord-nederland").pk)).status_code == 302
    assert client.get(url(Hub, "change", hub("zuid-holland").pk)).status_code == 200


def autocomplete(client, source_model, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": source_model._meta.app_label,
            "model_name": source_model._meta.model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    assert response.status_code == 200
    return {result["text"] for result in json.loads(response.content)["results"]}


def test_organisation_autocomplete_does_not_leak_other_regions(
    client, hub_coordinator, sme, groningen_org
):
    login_with_second_factor(client, hub_coordinator)
    assert autocomplete(client, Challenge, "organisation") == {sme.name}
    assert autocomplete(client, Challenge, "organisation", term="Zuivel") == set()
    assert autocomplete(client, LearningCommunity, "organisations") == {sme.name}


def test_province_autocomplete_offers_the_coordinators_provinces_only(client, hub_coordinator):
    login_with_second_factor(client, hub_coordinator)
    assert autocomplete(client, Organisation, "province") == {"Zuid-Holland"}


def test_people_autocomplete_offers_people_of_the_region(client, hub_coordinator, member, outsider):
    login_with_second_factor(client, hub_coordinator)
    found = autocomplete(client, Membership, "user")
    assert str(member) in found
    assert str(outsider) not in found


def test_superuser_autocomplete_sees_every_region(client, superuser, sme, groningen_org):
    login_with_second_factor(client, superuser)
    assert autocomplete(client, Challenge, "organisation") == {sme.name, groningen_org.name}


def challenge_form_data(organisation, province, **overrides):
    data = {
        "title": "Voorspel de drukte in de winkel",
        "organisation": organisation.pk,
        "province": province.pk,
        "ref": "",
        "description": "We willen weten wanneer het druk wordt.",
        "learning_goals": "",
        "topics": [AITopic.objects.get(slug="time-series").pk],
        "time_frame": Challenge.TimeFrame.FLEXIBLE,
        "visibility": "public",
        "matches-TOTAL_FORMS": "0",
        "matches-INITIAL_FORMS": "0",
        "matches-MIN_NUM_FORMS": "0",
        "matches-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_a_draft_challenge_in_the_region(client, hub_coordinator, sme):
    login_with_second_factor(client, hub_coordinator)
    zuid_holland = Province.objects.get(code="NL-ZH")
    response = client.post(url(Challenge, "add"), challenge_form_data(sme, zuid_holland))
    assert response.status_code == 302, response.context["adminform"].form.errors
    challenge = Challenge.objects.get(title="Voorspel de drukte in de winkel")
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.created_by == hub_coordinator


def test_status_cannot_be_set_through_the_challenge_form(client, hub_coordinator, sme):
    login_with_second_factor(client, hub_coordinator)
    zuid_holland = Province.objects.get(code="NL-ZH")
    client.post(
        url(Challenge, "add"),
        challenge_form_data(sme, zuid_holland, status=ChallengeStatus.PUBLISHED),
    )
    assert Challenge.objects.get().status == ChallengeStatus.DRAFT


def test_coordinator_cannot_place_a_challenge_outside_the_region(
    client, hub_coordinator, sme, groningen_org
):
    login_with_second_factor(client, hub_coordinator)
    groningen = Province.objects.get(code="NL-GR")
    zuid_holland = Province.objects.get(code="NL-ZH")
    for organisation, province in ((sme, groningen), (groningen_org, zuid_holland)):
        response = client.post(url(Challenge, "add"), challenge_form_data(organisation, province))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    assert not Challenge.objects.exists()


def test_coordinator_cannot_move_an_organisation_out_of_the_region(client, hub_coordinator, sme):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(Organisation, "change", sme.pk))
    form = response.context["adminform"].form
    assert set(form.fields["province"].queryset.values_list("code", flat=True)) == {"NL-ZH"}


def test_coordinator_forms_communities_in_own_hub_only(client, hub_coordinator):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(LearningCommunity, "add"))
    form = response.context["adminform"].form
    assert list(form.fields["hub"].queryset) == [hub("zuid-holland")]


def test_saved_partners_outside_the_region_survive_a_coordinators_edit(
    client, hub_coordinator, sme
):
    national_lab = OrganisationFactory(
        name="Nationaal AI-lab", kind_slug="innovation-lab", province_code="NL-UT"
    )
    community = LearningCommunityFactory()
    community.organisations.set([sme, national_lab])
    lab_member = CommunityMembershipFactory(community=community, organisation=national_lab)
    login_with_second_factor(client, hub_coordinator)
    response = client.post(
        url(LearningCommunity, "change", community.pk),
        {
            "name": "Nieuwe naam",
            "hub": community.hub_id,
            "status": community.status,
            "is_public": "on",
            "goal": community.goal,
            "learning_objectives": "",
            "challenges": [],
            "organisations": [sme.pk, national_lab.pk],
            **empty_inline("memberships"),
            "memberships-TOTAL_FORMS": "1",
            "memberships-INITIAL_FORMS": "1",
            "memberships-0-id": lab_member.pk,
            "memberships-0-community": community.pk,
            "memberships-0-role": CommunityMembership.Role.RESEARCHER,
            # A disabled field ignores what is posted: the member stays who they were.
            "memberships-0-user": hub_coordinator.pk,
            **empty_inline("activities"),
            **empty_inline("join_requests"),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    community.refresh_from_db()
    lab_member.refresh_from_db()
    assert community.name == "Nieuwe naam"
    assert set(community.organisations.all()) == {sme, national_lab}
    assert lab_member.role == CommunityMembership.Role.RESEARCHER
    assert lab_member.organisation == national_lab
    assert lab_member.user != hub_coordinator


def empty_inline(prefix):
    return {
        f"{prefix}-TOTAL_FORMS": "0",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_coordinator_views_people_but_cannot_change_them(client, hub_coordinator, member):
    login_with_second_factor(client, hub_coordinator)
    response = client.get(url(User, "change", member.pk))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]


# --- People ---------------------------------------------------------------------------------


def test_superuser_creates_a_person_with_email_and_password(client, superuser):
    login_with_second_factor(client, superuser)
    response = client.post(
        url(User, "add"),
        {
            "email": "Nieuwe.Docent@Example.nl",
            "usable_password": "true",
            "password1": "een-lang-en-sterk-wachtwoord",
            "password2": "een-lang-en-sterk-wachtwoord",
        },
    )
    assert response.status_code == 302
    person = User.objects.get(email="nieuwe.docent@example.nl")
    assert person.check_password("een-lang-en-sterk-wachtwoord")


def test_person_change_page_links_to_the_password_form(client, superuser, member):
    login_with_second_factor(client, superuser)
    response = client.get(url(User, "change", member.pk))
    assert response.status_code == 200
    assert 'href="../password/"' in response.content.decode()
    password_page = client.get(url(User, "change", member.pk).replace("change/", "password/"))
    assert password_page.status_code == 200


def test_admin_login_goes_through_allauth_so_rate_limits_and_mfa_apply(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def organisation_form_data(organisation, **overrides):
    data = {
        "name": organisation.name,
        "kind": organisation.kind_id,
        "province": organisation.province_id,
        "parent": "",
        "website": organisation.website,
        "ref": organisation.ref or "",
        "description": organisation.description,
        "topics": list(organisation.topics.values_list("pk", flat=True)),
        "sectors": [],
        "formats": [],
        "capacity": organisation.capacity,
        "is_active": "on",
        **empty_inline("memberships"),
    }
    data.update(overrides)
    return data


def test_the_admin_refuses_a_supplier_without_topics_or_capacity_as_the_form_does(
    client, hub_coordinator
):
    college = OrganisationFactory(
        name="Hogeschool Delft", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"]
    )
    login_with_second_factor(client, hub_coordinator)

    response = client.post(
        url(Organisation, "change", college.pk),
        organisation_form_data(college, topics=[], capacity=0),
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert set(errors) == {"topics", "capacity"}
    college.refresh_from_db()
    assert list(college.topics.values_list("slug", flat=True)) == ["nlp"]
    assert college.capacity > 0


def test_an_admin_edit_of_a_supplier_is_saved_through_the_service_and_rematches_it(
    client, hub_coordinator, django_capture_on_commit_callbacks
):
    from apps.matching.models import MatchRun

    college = OrganisationFactory(
        name="Hogeschool Delft", kind_slug="hbo", province_code="NL-ZH", topics=["nlp"]
    )
    ChallengeFactory(topics=["nlp"])  # a published challenge the supplier can affect
    login_with_second_factor(client, hub_coordinator)
    speech = AITopic.objects.get(slug="speech")

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            url(Organisation, "change", college.pk),
            organisation_form_data(college, name="  Hogeschool   Delft ", topics=[speech.pk]),
        )

    assert response.status_code == 302, response.context["adminform"].form.errors
    college.refresh_from_db()
    assert college.name == "Hogeschool Delft"  # the service's spacing rule
    assert list(college.topics.values_list("slug", flat=True)) == ["speech"]
    assert MatchRun.objects.filter(trigger__contains="edited in admin").exists()


def test_ticking_programme_coordinator_in_the_admin_gives_the_role_with_its_group(
    client, superuser
):
    """Issue 11: the flag goes through the hubs app's service (told by a signal), so staff
    access and the programme group come with it, after the form's own groups are saved."""
    from apps.hubs.services import PROGRAMME_COORDINATOR_GROUP_NAME

    person = UserFactory(is_staff=False)
    login_with_second_factor(client, superuser)

    response = client.post(
        url(User, "change", person.pk),
        {
            "email": person.email,
            "full_name": person.full_name,
            "province": "",
            "preferred_language": person.preferred_language,
            "bio": "",
            "offer": "",
            "email_visibility": person.email_visibility,
            "profile_visibility": person.profile_visibility,
            "is_active": "on",
            "is_programme_coordinator": "on",
            "groups": [],
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    person.refresh_from_db()
    assert person.is_programme_coordinator and person.is_staff
    assert person.groups.filter(name=PROGRAMME_COORDINATOR_GROUP_NAME).exists()
