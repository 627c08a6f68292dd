"""Creating an organisation and editing its profile on the site."""

import re
import time

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.urls import reverse

from apps.matching.models import Match, MatchRun
from apps.organisations.models import Membership, Organisation
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector
from learningcommunities.celery import app
from tests.accounts.factories import UserFactory
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import sign_in
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("organisations:create")


def edit_url(organisation):
    return reverse("organisations:edit", kwargs={"slug": organisation.slug})


def pks(model, field, *values):
    return [
        str(pk)
        for pk in model.objects.filter(**{f"{field}__in": values}).values_list("pk", flat=True)
    ]


def form_data(**overrides):
    data = {
        "name": "Bakkerij Van Dam",
        "kind": OrganisationKind.objects.get(slug="sme").pk,
        "province": Province.objects.get(code="NL-ZH").pk,
        "website": "https://bakkerijvandam.nl",
        "description": "Ambachtelijke bakkerij met drie winkels.",
        "parent": "",
        "topics": pks(AITopic, "slug", "predictive-analytics"),
        "sectors": pks(Sector, "slug", "agrifood"),
        "capacity": "",
    }
    data.update(overrides)
    return data


def supplier_data(**overrides):
    values = {
        "name": "Lectoraat Data Science",
        "kind": OrganisationKind.objects.get(slug="lectorate").pk,
        "topics": pks(AITopic, "slug", "nlp", "ml"),
        "formats": pks(Format, "slug", "student-project", "applied-research"),
        "capacity": "3",
        "serves_nationally": "on",
    }
    return form_data(**{**values, **overrides})


@pytest.fixture
def purged_queue():
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)
    yield client
    client.delete(settings.CELERY_TASK_DEFAULT_QUEUE)


# --- Create -----------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_create(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "other_hub_coordinator"])
def test_any_signed_in_person_may_open_the_create_form(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert 'name="kind"' in response.text  # the first step: which kind
    assert 'name="name"' in client.get(CREATE_URL, {"kind": "sme"}).text


def test_creating_makes_the_creator_its_active_administrator(client):
    person = UserFactory()
    client.force_login(person)

    response = client.post(CREATE_URL, form_data())

    organisation = Organisation.objects.get(name="Bakkerij Van Dam")
    assert response.status_code == 302
    assert response.url == organisation.get_absolute_url()
    assert organisation.slug == "bakkerij-van-dam"
    assert organisation.province.code == "NL-ZH"
    assert list(organisation.topics.values_list("slug", flat=True)) == ["predictive-analytics"]
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role, membership.state) == (
        person,
        Membership.Role.ADMIN,
        Membership.State.ACTIVE,
    )


def test_a_double_submit_creates_one_organisation(client):
    person = UserFactory()
    client.force_login(person)

    first = client.post(CREATE_URL, form_data())
    second = client.post(CREATE_URL, form_data())

    assert Organisation.objects.filter(name="Bakkerij Van Dam").count() == 1
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Membership.objects.filter(user=person).count() == 1


def test_the_same_name_in_the_same_province_points_to_the_existing_organisation(client):
    existing = OrganisationFactory(name="Bakkerij van Dam", province_code="NL-ZH")
    client.force_login(UserFactory())

    response = client.post("/en" + CREATE_URL, form_data())

    assert response.status_code == 200
    assert Organisation.objects.filter(name__iexact="bakkerij van dam").count() == 1
    assert "is already on the platform" in response.text
    assert reverse("organisations:join", kwargs={"slug": existing.slug}) in response.text
    assert response.context["form"].has_error("name")


def test_the_same_name_in_another_province_is_another_organisation(client):
    OrganisationFactory(name="Bakkerij Van Dam", province_code="NL-GR")
    client.force_login(UserFactory())
    client.post(CREATE_URL, form_data())
    assert Organisation.objects.filter(name="Bakkerij Van Dam").count() == 2


def test_required_fields_are_reported_next_to_the_field(client):
    client.force_login(UserFactory())

    response = client.post("/en" + CREATE_URL, form_data(name=" ", province=""))

    form = response.context["form"]
    assert response.status_code == 200
    assert {"name", "province"} <= set(form.errors)
    assert 'aria-invalid="true"' in response.text
    assert not Organisation.objects.exists()


def test_a_form_sent_without_a_kind_goes_back_to_choosing_the_kind(client):
    client.force_login(UserFactory())

    response = client.post(CREATE_URL, form_data(kind=""))

    assert response.status_code == 200
    assert 'type="radio" name="kind"' in response.text
    assert not Organisation.objects.exists()


def test_a_supplier_must_name_topics_and_a_capacity(client):
    client.force_login(UserFactory())

    response = client.post(CREATE_URL, supplier_data(topics=[], capacity="0"))

    assert set(response.context["form"].errors) == {"topics", "capacity"}
    assert not Organisation.objects.exists()


def test_capacity_has_an_upper_limit(client):
    client.force_login(UserFactory())
    response = client.post(CREATE_URL, supplier_data(capacity="100000"))
    assert "capacity" in response.context["form"].errors


def test_a_supplier_keeps_formats_capacity_and_nationwide(client):
    client.force_login(UserFactory())

    client.post(CREATE_URL, supplier_data())

    organisation = Organisation.objects.get(name="Lectoraat Data Science")
    assert organisation.capacity == 3
    assert organisation.serves_nationally is True
    assert set(organisation.formats.values_list("slug", flat=True)) == {
        "student-project",
        "applied-research",
    }
    # A group stays a group: "anything in machine learning".
    assert set(organisation.topics.values_list("slug", flat=True)) == {"nlp", "ml"}


def test_a_company_ignores_the_supply_fields(client):
    client.force_login(UserFactory())

    client.post(
        CREATE_URL,
        form_data(formats=pks(Format, "slug", "internship"), capacity="5", serves_nationally="on"),
    )

    organisation = Organisation.objects.get(name="Bakkerij Van Dam")
    assert (organisation.capacity, organisation.serves_nationally) == (0, False)
    assert not organisation.formats.exists()


def test_a_name_whose_slug_is_a_page_gets_another_slug(client):
    client.force_login(UserFactory())
    client.post(CREATE_URL, form_data(name="New"))
    organisation = Organisation.objects.get(name="New")
    assert organisation.slug != "new"
    assert client.get(organisation.get_absolute_url()).status_code == 200


def test_the_parent_must_be_an_organisation_the_person_can_see(client):
    hidden = OrganisationFactory(name="Slapende Hogeschool", kind_slug="hbo", is_active=False)
    client.force_login(UserFactory())
    response = client.post(CREATE_URL, supplier_data(parent=hidden.pk))
    assert "parent" in response.context["form"].errors


def test_topics_are_grouped_with_their_plain_explanation(client):
    client.force_login(UserFactory())
    group = AITopic.objects.get(slug="ml")
    topic = AITopic.objects.get(slug="time-series")

    response = client.get("/en" + CREATE_URL, {"kind": "sme"})

    assert f"<legend>{group.name_en}</legend>" in response.text
    option_id = re.search(
        rf'id="(id_topics_\d+)"[^>]*>\s*<label for="\1">{topic.name_en}</label>', response.text
    )
    assert option_id, "the time-series checkbox is missing"
    described = f'aria-describedby="{option_id.group(1)}_description"'
    assert described in response.text
    assert f'id="{option_id.group(1)}_description">{topic.description_en}<' in response.text


# --- Edit -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login_for_edit(client, sme):
    response = client.get(edit_url(sme))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("persona", ["member", "outsider", "coordinator", "other_hub_coordinator"])
def test_people_who_are_not_its_administrators_get_403_on_edit(client, sme, persona, request):
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(edit_url(sme)).status_code == 403
    assert client.post(edit_url(sme), form_data()).status_code == 403


@pytest.mark.parametrize("persona", ["outsider", "other_hub_coordinator"])
def test_a_hidden_organisation_is_404_on_edit(client, persona, request):
    hidden = OrganisationFactory(is_active=False)
    sign_in(client, request.getfixturevalue(persona))
    assert client.get(edit_url(hidden)).status_code == 404


def test_an_administrator_edits_the_profile(client, sme, sme_admin):
    client.force_login(sme_admin)
    response = client.get(edit_url(sme))
    assert response.status_code == 200

    response = client.post(
        edit_url(sme), form_data(name="Bakkerij De Korenbloem", description="Nieuw verhaal.")
    )

    assert response.status_code == 302
    slug = sme.slug
    sme.refresh_from_db()
    assert sme.slug == slug  # the address does not change
    assert sme.description == "Nieuw verhaal."
    assert list(sme.sectors.values_list("slug", flat=True)) == ["agrifood"]


def test_an_organisation_cannot_become_part_of_its_own_child(client):
    university = OrganisationFactory(name="Universiteit", kind_slug="wo")
    admin = MembershipFactory(organisation=university, role=Membership.Role.ADMIN).user
    child = OrganisationFactory(name="Lectoraat", kind_slug="lectorate", parent=university)
    client.force_login(admin)
    data = supplier_data(
        name=university.name, kind=university.kind.pk, parent=child.pk, serves_nationally=""
    )
    response = client.post(edit_url(university), data)
    assert "parent" in response.context["form"].errors


def test_editing_a_supplier_enqueues_matching_after_commit(
    client, django_capture_on_commit_callbacks, purged_queue
):
    from apps.matching.models import MatchRun
    from tests.challenges.factories import ChallengeFactory

    supplier = OrganisationFactory(name="Lectoraat Data Science", kind_slug="lectorate")
    admin = MembershipFactory(organisation=supplier, role=Membership.Role.ADMIN).user
    ChallengeFactory(topics=["nlp"])
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(edit_url(supplier), supplier_data(description="Meer NLP."))
        # Nothing is on the broker before the transaction commits; the run is recorded.
        assert purged_queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0
    [run] = MatchRun.objects.filter(kind=MatchRun.Kind.SUPPLIER)
    assert run.chunks_total == 1
    assert len(callbacks) == 1
    callbacks[0]()

    messages = purged_queue.lrange(settings.CELERY_TASK_DEFAULT_QUEUE, 0, -1)
    assert len(messages) == 1
    assert b"apps.matching.tasks.process_match_chunk" in messages[0]


def test_editing_a_company_enqueues_no_matching(
    client, sme, sme_admin, django_capture_on_commit_callbacks, purged_queue
):
    client.force_login(sme_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(sme), form_data(name=sme.name, description="Anders."))
    assert purged_queue.llen(settings.CELERY_TASK_DEFAULT_QUEUE) == 0


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_rematches_a_supplier_after_its_profile_is_saved(client, purged_queue):
    """The whole way: the edit commits, the task reaches the broker, a worker runs it."""
    supplier = OrganisationFactory(name="Lectoraat Data Science", kind_slug="lectorate")
    admin = MembershipFactory(organisation=supplier, role=Membership.Role.ADMIN).user
    ChallengeFactory(topics=["nlp"])
    client.force_login(admin)

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        client.post(edit_url(supplier), supplier_data(description="Meer NLP."))
        deadline = time.monotonic() + 30
        while not MatchRun.objects.filter(status=MatchRun.Status.DONE).exists():
            assert time.monotonic() < deadline, "timed out waiting for the worker"
            time.sleep(0.1)

    run = MatchRun.objects.get()
    assert (run.kind, run.trigger) == (MatchRun.Kind.SUPPLIER, "profile")
    assert Match.objects.filter(organisation=supplier).exists()


# --- The form follows the kind (issue 12, item 2) ---------------------------------------------

SUPPLY_INPUTS = ('name="formats"', 'name="capacity"', 'name="serves_nationally"')


def test_the_form_first_asks_which_kind(client):
    client.force_login(UserFactory())

    response = client.get("/en" + CREATE_URL)

    assert 'type="radio" name="kind" value="sme"' in response.text
    assert 'name="name"' not in response.text
    assert "Companies and public organisations" in response.text


def test_an_smes_form_does_not_show_the_supplier_fields(client):
    client.force_login(UserFactory())

    sme_form = client.get(CREATE_URL, {"kind": "sme"}).text
    lab_form = client.get(CREATE_URL, {"kind": "innovation-lab"}).text

    for supply_input in SUPPLY_INPUTS:
        assert supply_input not in sme_form
        assert supply_input in lab_form
    # Nor a parent: a company is not part of an education organisation.
    assert 'name="parent"' not in sme_form


def test_an_smes_edit_form_does_not_show_the_supplier_fields(client, sme, sme_admin):
    client.force_login(sme_admin)

    page = client.get(edit_url(sme)).text

    for supply_input in SUPPLY_INPUTS:
        assert supply_input not in page


def test_supplier_fields_posted_for_an_sme_are_ignored(client):
    client.force_login(UserFactory())

    response = client.post(
        CREATE_URL,
        form_data(
            formats=pks(Format, "slug", "hackathon"),
            capacity="7",
            serves_nationally="on",
            parent=OrganisationFactory(name="Hogeschool", kind_slug="hbo").pk,
        ),
    )

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Bakkerij Van Dam")
    assert not organisation.formats.exists()
    assert (organisation.capacity, organisation.serves_nationally) == (0, False)
    assert organisation.parent is None


def test_changing_the_kind_on_edit_shows_that_kinds_fields(client, sme, sme_admin):
    client.force_login(sme_admin)

    step = client.get(edit_url(sme), {"change": "kind"})
    as_lab = client.get(edit_url(sme), {"kind": "innovation-lab"})

    assert 'type="radio" name="kind" value="sme"' in step.text
    assert re.search(r'value="sme"[^>]*checked', step.text)
    assert 'name="capacity"' in as_lab.text


def test_the_parent_must_be_an_education_organisation(client):
    company = OrganisationFactory(name="Groot Bedrijf", kind_slug="large-company")
    lab = OrganisationFactory(name="Lab", kind_slug="innovation-lab")
    hogeschool = OrganisationFactory(name="Hogeschool Delta", kind_slug="hbo")
    client.force_login(UserFactory())

    for not_education in (company, lab):
        response = client.post(CREATE_URL, supplier_data(parent=not_education.pk))
        assert "parent" in response.context["form"].errors
    client.post(CREATE_URL, supplier_data(parent=hogeschool.pk))

    assert Organisation.objects.get(name="Lectoraat Data Science").parent == hogeschool


def test_the_parent_choice_never_lists_every_organisation(client):
    OrganisationFactory(name="Hogeschool Delta", kind_slug="hbo")
    OrganisationFactory(name="Hogeschool Gamma", kind_slug="hbo")
    client.force_login(UserFactory())

    page = client.get("/en" + CREATE_URL, {"kind": "lectorate"}).text

    assert "Hogeschool Delta" not in page
    assert 'type="search" name="parent_query"' in page
    assert "Not part of another organisation" in page


def test_searching_for_the_parent_without_javascript_shows_education_matches(client):
    delta = OrganisationFactory(name="Hogeschool Delta", kind_slug="hbo")
    OrganisationFactory(name="Delta Bakkerij", kind_slug="sme")
    OrganisationFactory(name="Hogeschool Gamma", kind_slug="hbo")
    client.force_login(UserFactory())

    response = client.post(
        "/en" + CREATE_URL, supplier_data(parent_query="delta", search_parent="1")
    )

    assert response.status_code == 200
    assert not Organisation.objects.filter(name="Lectoraat Data Science").exists()
    assert f'value="{delta.pk}"' in response.text
    assert "Delta Bakkerij" not in response.text
    assert "Hogeschool Gamma" not in response.text
    assert "One education organisation matches your search." in response.text
    # What was typed stays.
    assert 'value="Lectoraat Data Science"' in response.text


def test_parent_suggestions_as_you_type_come_from_the_server(client):
    delta = OrganisationFactory(name="Hogeschool Delta", kind_slug="hbo")
    client.force_login(UserFactory())
    url = reverse("organisations:parent_options")
    kind = OrganisationKind.objects.get(slug="lectorate").pk

    response = client.get(url, {"kind": kind, "parent_query": "delt"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert 'id="parent-options"' in response.text
    assert f'value="{delta.pk}"' in response.text
    assert "<html" not in response.text
    sme_kind = OrganisationKind.objects.get(slug="sme").pk
    assert client.get(url, {"kind": sme_kind, "parent_query": "delt"}).status_code == 404
