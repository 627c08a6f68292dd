"""Trust in organisations (issue 12, item 11): a new organisation added on the site waits for
the hub's verification and is seen only by its members and its region's coordinators until
then; imports, the admin and the demo add verified ones; the KvK number; similar names."""

import io

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import IntegrityError
from django.urls import reverse
from django.utils import translation

from apps.audit.models import AuditAction, AuditEvent
from apps.challenges.models import Challenge
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from apps.organisations.exchange import organisations_import
from apps.organisations.models import Membership, Organisation
from apps.organisations.selectors import (
    organisation_list_similar,
    organisation_names_look_alike,
)
from apps.organisations.services import organisation_create, organisation_verify
from apps.taxonomy.models import AITopic, OrganisationKind, Province
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("organisations:create")
LIST_URL = reverse("organisations:list")
QUEUE_URL = reverse("admin:organisations_organisationtoverify_changelist")


def sme_form(**overrides):
    data = {
        "name": "Hogeschool Westland",
        "kind": OrganisationKind.objects.get(slug="sme").pk,
        "province": Province.objects.get(code="NL-ZH").pk,
        "website": "",
        "kvk_number": "",
        "description": "",
        "topics": [AITopic.objects.get(slug="ml").pk],
    }
    data.update(overrides)
    return data


@pytest.fixture
def waiting(db):
    """An organisation added on the site in Zuid-Holland, not verified yet, with its
    administrator and a published public challenge."""
    organisation = OrganisationFactory(
        name="Nieuwe Bakkerij", province_code="NL-ZH", verified_at=None
    )
    MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN)
    ChallengeFactory(organisation=organisation, title="Brood voorspellen")
    return organisation


@pytest.fixture
def hub_coordinator(db):
    """Coordinator of hub zuid-holland with the coordinators' rights in the admin."""
    from apps.hubs.models import Hub
    from apps.hubs.services import hub_coordinator_add

    person = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug="zuid-holland"), user=person)
    return person


@pytest.fixture
def north_coordinator(db):
    from apps.hubs.models import Hub
    from apps.hubs.services import hub_coordinator_add

    person = UserFactory()
    hub_coordinator_add(hub=Hub.objects.get(slug="noord-nederland"), user=person)
    return person


def sign_in(client, person):
    if person is None:
        return
    if person.coordinated_hubs.exists() or person.sees_all_hubs:
        login_with_second_factor(client, person)
    else:
        client.force_login(person)


# --- Who sees an organisation that waits --------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("anonymous", False),
        ("outsider", False),
        ("other_hub_coordinator", False),
        ("own_member", True),
        ("coordinator", True),
        ("programme_coordinator", True),
    ],
)
def test_an_unverified_organisation_is_seen_by_its_members_and_its_hub_only(
    client, request, waiting, persona, sees
):
    person = {
        "anonymous": None,
        "own_member": waiting.memberships.get().user,
    }.get(persona) or (None if persona == "anonymous" else request.getfixturevalue(persona))
    sign_in(client, person)

    page = client.get(waiting.get_absolute_url())
    listed = "Nieuwe Bakkerij" in client.get(LIST_URL).text
    challenge = Challenge.objects.get(organisation=waiting)
    challenge_page = client.get(reverse("challenges:detail", kwargs={"pk": challenge.pk}))

    assert page.status_code == (200 if sees else 404)
    assert listed is sees
    # What hangs off it is hidden the same way: its published challenge is not public yet.
    assert challenge_page.status_code == (200 if sees else 404)


def test_a_verified_organisation_and_its_challenges_are_public(client, waiting):
    organisation_verify(organisation=waiting, by=None)

    assert client.get(waiting.get_absolute_url()).status_code == 200
    assert "Brood voorspellen" in client.get(reverse("challenges:list")).text


def test_the_badge_shows_who_is_verified_in_words(client, waiting):
    verified = OrganisationFactory(name="Oude Bakkerij", province_code="NL-ZH")
    client.force_login(waiting.memberships.get().user)

    translation.activate("en")
    directory = client.get(reverse("organisations:list")).text
    own_page = client.get(waiting.get_absolute_url()).text

    assert directory.count("Verified by the hub") == 1
    assert "Waiting for verification" in directory
    assert "Verified by the hub" in client.get(verified.get_absolute_url()).text
    assert "Waiting for verification by the hub" in own_page


def test_unverified_suppliers_are_not_matched(db):
    from apps.matching.selectors import codebook_load, supply_load

    verified = OrganisationFactory(kind_slug="hbo", topics=["ml"])
    OrganisationFactory(kind_slug="hbo", topics=["ml"], verified_at=None)

    assert supply_load(codebook_load()).ids.tolist() == [verified.pk]


# --- Creating and verifying ---------------------------------------------------------------------


def test_an_organisation_added_on_the_site_waits_and_the_hub_is_told(coordinator):
    creator = UserFactory()
    organisation = organisation_create(
        creator=creator,
        name="Nieuwe Smederij",
        kind=OrganisationKind.objects.get(slug="sme"),
        province=Province.objects.get(code="NL-ZH"),
    )

    assert not organisation.is_verified
    assert Notification.objects.filter(
        recipient=coordinator, kind=NotificationKind.ORGANISATION_TO_VERIFY
    ).exists()


def test_verifying_is_audited_tells_the_administrators_and_happens_once(coordinator, waiting):
    admin = waiting.memberships.get().user

    assert organisation_verify(organisation=waiting, by=coordinator) is True
    assert organisation_verify(organisation=waiting, by=coordinator) is False

    waiting.refresh_from_db()
    assert waiting.is_verified
    event = AuditEvent.objects.get(action=AuditAction.ORGANISATION_VERIFIED)
    assert (event.actor, event.object_id, event.province_id) == (
        coordinator,
        str(waiting.pk),
        waiting.province_id,
    )
    assert (
        Notification.objects.filter(
            recipient=admin, kind=NotificationKind.ORGANISATION_VERIFIED
        ).count()
        == 1
    )


def test_the_hubs_queue_lists_its_waiting_organisations_and_verifies_them(
    client, hub_coordinator, waiting
):
    OrganisationFactory(name="Wachtend Noorden", province_code="NL-GR", verified_at=None)
    OrganisationFactory(name="Al Geverifieerd", province_code="NL-ZH")
    login_with_second_factor(client, hub_coordinator)

    queue = client.get(QUEUE_URL)
    index = client.get(reverse("admin:index"))
    response = client.post(
        QUEUE_URL, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [waiting.pk]}
    )

    assert queue.status_code == 200
    assert [o.name for o in queue.context["cl"].result_list] == ["Nieuwe Bakkerij"]
    assert QUEUE_URL in index.text
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.is_verified


def test_another_hubs_coordinator_cannot_verify(client, north_coordinator, waiting):
    login_with_second_factor(client, north_coordinator)

    client.post(QUEUE_URL, {"action": "verify_selected", ACTION_CHECKBOX_NAME: [waiting.pk]})

    waiting.refresh_from_db()
    assert not waiting.is_verified


def test_the_queue_page_names_organisations_with_similar_names(client, hub_coordinator, waiting):
    OrganisationFactory(name="Bakkerij Nieuwe", province_code="NL-ZH")
    login_with_second_factor(client, hub_coordinator)

    page = client.get(reverse("admin:organisations_organisationtoverify_change", args=[waiting.pk]))

    assert page.status_code == 200
    assert [o.name for o in page.context["similar_organisations"]] == ["Bakkerij Nieuwe"]


def test_an_import_adds_verified_organisations(tmp_path):
    path = tmp_path / "organisations.csv"
    path.write_text(
        "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,"
        "parent_ref\nimp-1,Geimporteerd BV,sme,NL-ZH,,,,,,,\n",
        encoding="utf-8",
    )

    assert organisations_import(file=str(path)).ok
    assert Organisation.objects.get(ref="imp-1").is_verified


def test_an_organisation_made_in_the_admin_is_verified(admin_client):
    response = admin_client.post(
        reverse("admin:organisations_organisation_add"),
        {
            "name": "Admin BV",
            "slug": "admin-bv",
            "kind": OrganisationKind.objects.get(slug="sme").pk,
            "province": Province.objects.get(code="NL-ZH").pk,
            "capacity": "0",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Organisation.objects.get(slug="admin-bv").is_verified


# --- KvK number -----------------------------------------------------------------------------------


def test_a_kvk_number_is_8_digits_and_spaces_are_forgiven(client):
    client.force_login(UserFactory())

    wrong = client.post(CREATE_URL, sme_form(kvk_number="1234567"))
    right = client.post(CREATE_URL, sme_form(kvk_number="1234 5678"))

    assert "kvk_number" in wrong.context["form"].errors
    assert right.status_code == 302
    assert Organisation.objects.get().kvk_number == "12345678"


def test_a_kvk_number_belongs_to_one_organisation(client):
    OrganisationFactory(name="Andere Naam", province_code="NL-GR", kvk_number="12345678")
    client.force_login(UserFactory())

    response = client.post(CREATE_URL, sme_form(kvk_number="12345678"))

    assert "kvk_number" in response.context["form"].errors
    assert Organisation.objects.count() == 1


def test_the_database_refuses_a_malformed_kvk_number(db):
    with pytest.raises(IntegrityError):
        OrganisationFactory(kvk_number="abc")


def test_the_kvk_number_is_shown_to_members_not_to_visitors(client, sme, member):
    Organisation.objects.filter(pk=sme.pk).update(kvk_number="87654321")

    assert "87654321" not in client.get(sme.get_absolute_url()).text
    client.force_login(member)
    assert "87654321" in client.get(sme.get_absolute_url()).text


def csv_with_kvk(tmp_path, *rows):
    path = tmp_path / "kvk.csv"
    header = (
        "ref,name,kind,province,topics,sectors,formats,capacity,serves_nationally,website,"
        "parent_ref,description,kvk"
    )
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return str(path)


def test_the_import_reads_checks_and_exports_kvk_numbers(tmp_path):
    from apps.organisations.exchange import organisations_export

    OrganisationFactory(ref="held", kvk_number="11111111")
    bad = csv_with_kvk(
        tmp_path,
        "a,A,sme,NL-ZH,,,,,,,,,1234",
        "b,B,sme,NL-ZH,,,,,,,,,22222222",
        "c,C,sme,NL-ZH,,,,,,,,,2222 2222",
        "d,D,sme,NL-ZH,,,,,,,,,11111111",
    )
    result = organisations_import(file=bad)
    assert [(error.line, error.column) for error in result.errors] == [
        (2, "kvk"),
        (4, "kvk"),
        (5, "kvk"),
    ]

    good = csv_with_kvk(tmp_path, "a,A,sme,NL-ZH,,,,,,,,,3333 3333", "held,H,sme,NL-ZH,,,,,,,,,")
    assert organisations_import(file=good).ok
    assert Organisation.objects.get(ref="a").kvk_number == "33333333"
    out = io.StringIO()
    organisations_export(out=out, queryset=Organisation.objects.filter(ref="a"))
    assert out.getvalue().splitlines()[1].endswith(",33333333")


# --- Similar names --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("Hogeschool Westland", "Hogeschool Westland Delft", True),
        ("Hogeschool Westland", "hogeschool westlnd", True),
        ("Bakkerij Jansen B.V.", "Jansen Bakkerij", True),
        ("Café Müller", "Cafe Muller", True),
        ("Hogeschool Westland", "Hogeschool Rotterdam", False),
        ("Gemeente Delft", "Gemeente Delfzijl", False),
    ],
)
def test_names_look_alike_by_words_and_spelling(first, second, alike):
    assert organisation_names_look_alike(first, second) is alike


def test_similar_names_are_looked_for_in_the_same_province_among_visible_ones(db):
    person = UserFactory()
    same = OrganisationFactory(name="Hogeschool Westland", province_code="NL-ZH")
    OrganisationFactory(name="Hogeschool Westland", province_code="NL-GR")
    OrganisationFactory(name="Hogeschool Westland Delft", province_code="NL-ZH", verified_at=None)

    found = organisation_list_similar(
        user=person, name="Westland Hogeschool", province=same.province
    )

    assert found == [same]


def test_creating_a_similar_name_suggests_asking_to_join_then_allows_going_on(client):
    existing = OrganisationFactory(name="Hogeschool Westland", province_code="NL-ZH")
    client.force_login(UserFactory())

    first = client.post(CREATE_URL, sme_form(name="Westland Hogeschool"))

    assert first.status_code == 200
    assert not Organisation.objects.filter(name="Westland Hogeschool").exists()
    assert reverse("organisations:join", kwargs={"slug": existing.slug}) in first.text
    assert 'name="confirmed_name" value="Westland Hogeschool"' in first.text

    confirmed = client.post(
        CREATE_URL, sme_form(name="Westland Hogeschool", confirmed_name="Westland Hogeschool")
    )

    assert confirmed.status_code == 302
    assert Organisation.objects.filter(name="Westland Hogeschool").exists()


def test_a_confirmation_for_another_name_does_not_skip_the_check(client):
    OrganisationFactory(name="Hogeschool Westland", province_code="NL-ZH")
    client.force_login(UserFactory())

    response = client.post(
        CREATE_URL, sme_form(name="Westland Hogeschool", confirmed_name="Iets Anders")
    )

    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Westland Hogeschool").exists()
