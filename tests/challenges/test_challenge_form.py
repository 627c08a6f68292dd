"""The guided challenge form: who may use it, what it checks, and that a double submit makes one
challenge."""

import uuid

import pytest
from django.urls import reverse

from apps.challenges.models import Challenge, ChallengeStatus, Visibility
from apps.challenges.services import challenge_reject
from apps.matching.models import MatchRun
from apps.organisations.models import Membership
from apps.taxonomy.models import AITopic, Format, Province, Sector
from tests.challenges.factories import ChallengeFactory
from tests.mfa_helpers import login_with_second_factor
from tests.organisations.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CREATE_URL = reverse("challenges:create")


def edit_url(challenge):
    return reverse("challenges:edit", kwargs={"pk": challenge.pk})


def form_data(**overrides):
    data = {
        "title": "Minder verspilling in de bakkerij",
        "description": "We gooien elke dag brood weg: we weten niet hoeveel er verkocht wordt.",
        "learning_goals": "Onze bakkers willen leren werken met een voorspelling.",
        "topics": [AITopic.objects.get(slug="predictive-analytics").pk],
        "sectors": [Sector.objects.get(slug="retail").pk],
        "formats": [Format.objects.get(slug="student-project").pk],
        "time_frame": Challenge.TimeFrame.WITHIN_6_MONTHS,
        "visibility": Visibility.PUBLIC,
        "province": "",
        "creation_token": str(uuid.uuid4()),
        "action": "draft",
    }
    data.update(overrides)
    return data


# --- Who may write a challenge -------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_log_in(client):
    response = client.get(CREATE_URL)
    assert response.status_code == 302
    assert reverse("account_login") in response.url


def test_person_without_a_demand_organisation_gets_a_friendly_page(client):
    supplier_member = MembershipFactory(
        organisation=OrganisationFactory(kind_slug="hbo", province_code="NL-ZH")
    ).user
    client.force_login(supplier_member)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    assert response.templates[0].name == "challenges/challenge_no_organisation.html"
    assert "form" not in response.context
    assert reverse("portal:get_started") in response.text
    response = client.post(CREATE_URL, form_data(organisation=1))
    assert not Challenge.objects.exists()


def test_requested_membership_is_not_enough_to_post(client, sme):
    pending = MembershipFactory(organisation=sme, state=Membership.State.REQUESTED).user
    client.force_login(pending)
    response = client.get(CREATE_URL)
    assert response.templates[0].name == "challenges/challenge_no_organisation.html"


def test_member_sees_the_form_with_the_only_organisation_preselected(client, member, sme):
    client.force_login(member)
    response = client.get(CREATE_URL)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.fields["organisation"].initial == sme.pk
    assert list(form.fields["organisation"].queryset) == [sme]
    assert form.initial["creation_token"]


def test_member_cannot_post_for_an_organisation_they_do_not_belong_to(client, member, outsider):
    other = outsider.memberships.get().organisation
    client.force_login(member)
    response = client.post(CREATE_URL, form_data(organisation=other.pk))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not Challenge.objects.exists()


def test_topic_picker_explains_each_topic_and_offers_the_groups(client, member):
    client.force_login(member)
    with_translation = client.get("/en" + CREATE_URL)
    text = with_translation.text
    nlp = AITopic.objects.get(slug="nlp")
    language = AITopic.objects.get(slug="language")
    assert nlp.description_en in text
    assert f'aria-describedby="id_topics_{nlp.pk}_explained"' in text
    assert f'value="{language.pk}"' in text
    assert "Anything in “Language and speech”" in text


# --- Saving and submitting -----------------------------------------------------------------------


def test_saving_a_draft_creates_one_draft_with_everything_filled_in(client, member, sme):
    client.force_login(member)
    response = client.post(CREATE_URL, form_data(organisation=sme.pk))
    challenge = Challenge.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("challenges:status", kwargs={"pk": challenge.pk})
    assert challenge.status == ChallengeStatus.DRAFT
    assert challenge.organisation == sme
    assert challenge.created_by == member
    assert challenge.province == sme.province  # left empty: the organisation's
    assert list(challenge.topics.values_list("slug", flat=True)) == ["predictive-analytics"]
    assert list(challenge.sectors.values_list("slug", flat=True)) == ["retail"]
    assert list(challenge.formats.values_list("slug", flat=True)) == ["student-project"]
    assert challenge.time_frame == Challenge.TimeFrame.WITHIN_6_MONTHS


def test_an_other_province_can_be_chosen(client, member, sme):
    client.force_login(member)
    utrecht = Province.objects.get(code="NL-UT")
    client.post(CREATE_URL, form_data(organisation=sme.pk, province=utrecht.pk))
    assert Challenge.objects.get().province == utrecht


def test_submitting_sends_it_for_review(client, member, sme):
    client.force_login(member)
    client.post(CREATE_URL, form_data(organisation=sme.pk, action="submit"))
    challenge = Challenge.objects.get()
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert challenge.submitted_at is not None


def test_a_draft_may_go_without_topics_but_submitting_needs_one(client, member, sme):
    client.force_login(member)
    response = client.post(CREATE_URL, form_data(organisation=sme.pk, topics=[], action="submit"))
    assert response.status_code == 200
    assert "topics" in response.context["form"].errors
    assert not Challenge.objects.exists()

    client.post(CREATE_URL, form_data(organisation=sme.pk, topics=[], action="draft"))
    assert Challenge.objects.get().status == ChallengeStatus.DRAFT


def test_errors_are_shown_next_to_their_fields_and_linked(client, member, sme):
    client.force_login(member)
    response = client.post(
        "/en" + CREATE_URL,
        form_data(organisation=sme.pk, title="", description="Te kort.", action="submit"),
    )
    form = response.context["form"]
    assert set(form.errors) >= {"title", "description"}
    text = response.text
    assert 'id="id_title_error"' in text
    assert 'aria-describedby="id_description_helptext id_description_error"' in text
    assert "at least 30 characters" in text


def test_too_long_texts_and_too_many_topics_are_refused(client, member, sme):
    client.force_login(member)
    leaves = list(AITopic.objects.leaves().values_list("pk", flat=True)[:9])
    response = client.post(
        CREATE_URL,
        form_data(organisation=sme.pk, title="x" * 201, topics=leaves, learning_goals="y" * 5001),
    )
    assert set(response.context["form"].errors) == {"title", "topics", "learning_goals"}
    assert not Challenge.objects.exists()


def test_a_group_can_be_chosen_as_topic(client, member, sme):
    client.force_login(member)
    language = AITopic.objects.get(slug="language")
    client.post(CREATE_URL, form_data(organisation=sme.pk, topics=[language.pk]))
    assert list(Challenge.objects.get().topics.all()) == [language]


def test_double_submit_makes_one_challenge_and_submits_once(client, member, sme):
    client.force_login(member)
    data = form_data(organisation=sme.pk, action="submit")
    first = client.post(CREATE_URL, data)
    second = client.post(CREATE_URL, data)
    challenge = Challenge.objects.get()
    assert first.url == second.url == reverse("challenges:status", kwargs={"pk": challenge.pk})
    assert challenge.status == ChallengeStatus.SUBMITTED


def test_two_forms_make_two_challenges(client, member, sme):
    client.force_login(member)
    client.post(CREATE_URL, form_data(organisation=sme.pk))
    client.post(CREATE_URL, form_data(organisation=sme.pk))
    assert Challenge.objects.count() == 2


def test_someone_elses_token_does_not_return_their_challenge(client, member, sme):
    colleague = MembershipFactory(organisation=sme).user
    data = form_data(organisation=sme.pk)
    client.force_login(colleague)
    client.post(CREATE_URL, data)
    client.force_login(member)
    response = client.post(CREATE_URL, data)
    # The token is taken: the second person gets an error, not the colleague's challenge.
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert list(Challenge.objects.values_list("created_by", flat=True)) == [colleague.pk]


# --- Editing -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [("outsider", 404), ("other_hub_coordinator", 404), ("coordinator", 403)],
)
def test_only_members_may_edit(client, request, sme, persona, expected):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    person = request.getfixturevalue(persona)
    if "coordinator" in persona:
        login_with_second_factor(client, person)
    else:
        client.force_login(person)
    assert client.get(edit_url(challenge)).status_code == expected


def test_outsider_gets_403_for_a_public_challenge_they_can_see(client, sme, outsider):
    challenge = ChallengeFactory(organisation=sme)
    client.force_login(outsider)
    assert client.get(edit_url(challenge)).status_code == 403


def test_anonymous_cannot_edit(client, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    response = client.get(edit_url(challenge))
    assert response.status_code == 302 and reverse("account_login") in response.url


def test_member_edits_a_draft(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.DRAFT)
    client.force_login(member)
    response = client.get(edit_url(challenge))
    assert response.status_code == 200
    assert response.context["form"]["title"].value() == challenge.title
    client.post(edit_url(challenge), form_data(title="Nieuwe titel", action="draft"))
    challenge.refresh_from_db()
    assert challenge.title == "Nieuwe titel"
    assert challenge.status == ChallengeStatus.DRAFT


def test_challenge_under_review_is_not_editable(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    client.force_login(member)
    response = client.post(edit_url(challenge), form_data(title="Stiekem aangepast"))
    assert response.status_code == 302
    assert response.url == reverse("challenges:status", kwargs={"pk": challenge.pk})
    challenge.refresh_from_db()
    assert challenge.title != "Stiekem aangepast"


def test_rejected_challenge_is_changed_and_resubmitted(client, member, sme, coordinator):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.SUBMITTED)
    challenge_reject(challenge=challenge, reason="Vertel meer over de data.", by=coordinator)
    client.force_login(member)
    response = client.get(edit_url(challenge))
    assert "Vertel meer over de data." in response.text
    client.post(edit_url(challenge), form_data(description="Nu met veel meer uitleg " * 3))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.DRAFT  # saved: a draft again, reason kept
    assert challenge.rejection_reason == "Vertel meer over de data."
    client.post(edit_url(challenge), form_data(action="submit"))
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.SUBMITTED
    assert challenge.rejection_reason == ""


def test_editing_a_published_challenge_rematches_only_when_something_changed(
    client, member, sme, django_capture_on_commit_callbacks
):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    client.force_login(member)
    unchanged = form_data(
        title=challenge.title,
        description=challenge.description,
        learning_goals="",
        sectors=[],
        formats=[],
        action="save",
    )
    client.post(edit_url(challenge), unchanged)
    assert not MatchRun.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            edit_url(challenge), {**unchanged, "topics": [AITopic.objects.get(slug="nlp").pk]}
        )
    run = MatchRun.objects.get()
    assert run.kind == MatchRun.Kind.CHALLENGE
    assert len(callbacks) == 1  # the chunk is enqueued once the edit commits
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED
    assert list(challenge.topics.values_list("slug", flat=True)) == ["nlp"]


def test_a_published_challenge_cannot_be_submitted_again(client, member, sme):
    challenge = ChallengeFactory(organisation=sme, status=ChallengeStatus.PUBLISHED)
    client.force_login(member)
    response = client.post(edit_url(challenge), form_data(action="submit"))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.PUBLISHED


def test_the_topic_help_text_follows_the_readers_language():
    from django.utils import translation

    from apps.challenges.forms import ChallengeForm

    field = ChallengeForm.base_fields["topics"]
    with translation.override("en"):
        english = str(field.help_text)
    with translation.override("nl"):
        dutch = str(field.help_text)
    assert "Choose at most" in english
    assert english != dutch
