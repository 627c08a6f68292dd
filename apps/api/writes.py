"""Writes with a write-scope token: a challenge as a draft (create, edit, submit), a match on
the shortlist and an introduction, and a request to join a community.

Each write is the page's: the same permission helper, the same form's validation (fed the
JSON body, with slugs for the reference data) and the same service, so audit events,
notifications and the services' own double-submit guards are the pages'. All live under
`me/`: the person acting is the token's, and the public trees stay read-only (and open to
CORS). `Idempotency-Key` makes a retry safe (`apps.api.idempotency`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.errors import HttpError
from ninja.schema import DjangoGetter
from pydantic import Field, model_validator

from apps.challenges import services as challenge_services
from apps.challenges.forms import ChallengeForm
from apps.challenges.models import Challenge, Visibility
from apps.challenges.permissions import (
    can_edit,
    demand_organisations_of,
    get_challenge_for_editing_or_404,
)
from apps.challenges.selectors import challenge_get_visible
from apps.communities.forms import JoinRequestForm
from apps.communities.models import JoinRequest
from apps.communities.permissions import get_community_for_joining_or_404
from apps.communities.selectors import join_role_suggested_for
from apps.communities.services import join_request_create
from apps.matching import services as matching_services
from apps.matching.forms import IntroductionRequestForm
from apps.matching.models import IntroductionRequest
from apps.matching.permissions import get_match_for_member_decision_or_404
from apps.matching.reasons import taxonomy_labels
from apps.organisations.models import Organisation

from . import schemas, serializers
from .auth import write_token
from .idempotency import idempotency_key_header, idempotently, json_answer
from .personal import MatchOut, router


class InvalidBody(Exception):
    """A form refused the body: 422 with the fields and reasons (`invalid_params`)."""

    def __init__(self, invalid_params: list[dict[str, str]]):
        super().__init__("; ".join(f"{p['name']}: {p['reason']}" for p in invalid_params))
        self.invalid_params = invalid_params


def _validated(form: forms.Form) -> dict:
    if not form.is_valid():
        raise InvalidBody(
            [
                {"name": "body" if field == "__all__" else field, "reason": str(message)}
                for field, messages in form.errors.items()
                for message in messages
            ]
        )
    return form.cleaned_data


# Keys of the reference data and of organisations and communities, checked for their form
# before they reach a query.
Slug = Annotated[str, Field(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]
ProvinceCode = Annotated[str, Field(pattern=r"^[A-Z]{2}-[A-Z]{2,3}$")]


class Body(Schema):
    """A write's JSON body: an object. (ninja's Schema would read any value's attributes, so a
    list would pass as an object with every field left out.)"""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, value):
        # ninja's own validator has wrapped the value by now.
        raw = value._obj if isinstance(value, DjangoGetter) else value
        if not isinstance(raw, dict):
            raise ValueError("Send a JSON object.")
        return value


# --- Challenges ------------------------------------------------------------------------------

TimeFrame = Literal[tuple(Challenge.TimeFrame.values)]
VisibilityValue = Literal[tuple(Visibility.values)]


class ChallengeFields(Body):
    learning_goals: str = ""
    topics: list[Slug] = []
    sectors: list[Slug] = []
    formats: list[Slug] = []
    time_frame: TimeFrame = Challenge.TimeFrame.FLEXIBLE.value
    visibility: VisibilityValue = Visibility.PUBLIC.value
    province: ProvinceCode | None = None


class ChallengeCreate(ChallengeFields):
    """A new challenge, saved as a draft. Topics, sectors and formats by slug, the province by
    its ISO code (empty: the organisation's). `creation_token`: a UUID of your own; sending the
    same one again returns the challenge the first call made (as the page's form does)."""

    organisation: Slug
    title: str
    description: str
    creation_token: uuid.UUID | None = None


class ChallengeUpdate(Body):
    """The fields to change; the others keep their value."""

    title: str | None = None
    description: str | None = None
    learning_goals: str | None = None
    topics: list[Slug] | None = None
    sectors: list[Slug] | None = None
    formats: list[Slug] | None = None
    time_frame: TimeFrame | None = None
    visibility: VisibilityValue | None = None
    province: ProvinceCode | None = None


class ApiChallengeForm(ChallengeForm):
    """The page's challenge form, reading slugs (and the province's code) instead of ids."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, key in (
            ("organisation", "slug"),
            ("topics", "slug"),
            ("sectors", "slug"),
            ("formats", "slug"),
            ("province", "code"),
        ):
            if name in self.fields:
                self.fields[name].to_field_name = key


def _challenge_answer(request: HttpRequest, pk: int, *, status: int = 200):
    challenge = challenge_get_visible(user=request.api_user, pk=pk)
    body = schemas.Challenge.model_validate(serializers.challenge_detail(request, challenge))
    return json_answer(body.model_dump(mode="json"), status=status)


@router.post(
    "/challenges",
    response={200: schemas.Challenge, 201: schemas.Challenge},
    auth=write_token,
    summary="Create a challenge as a draft",
)
def challenge_create(
    request: HttpRequest,
    body: ChallengeCreate,
    idempotency_key: str | None = idempotency_key_header(),
):
    """201 with the new draft; 200 with the existing one when its `creation_token` was sent
    before. The organisation must be one you are an active member of (a company or public
    organisation): another is 403."""
    return idempotently(
        request, idempotency_key, body.model_dump(mode="json"), lambda: _create(request, body)
    )


def _create(request: HttpRequest, body: ChallengeCreate):
    user = request.api_user
    organisations = demand_organisations_of(user)
    if (
        not organisations.filter(slug=body.organisation).exists()
        and Organisation.objects.filter(slug=body.organisation, is_active=True).exists()
    ):
        raise PermissionDenied(
            _("You can describe challenges only for an organisation you are an active member of.")
        )
    data = body.model_dump(mode="json")
    data["province"] = data["province"] or ""
    data["creation_token"] = data["creation_token"] or ""
    form = ApiChallengeForm(data, organisations=organisations, action=ChallengeForm.ACTION_DRAFT)
    cleaned = _validated(form)
    challenge, created = challenge_services.challenge_create(
        organisation=cleaned["organisation"],
        by=user,
        creation_token=cleaned["creation_token"],
        **form.service_arguments(),
    )
    return _challenge_answer(request, challenge.pk, status=201 if created else 200)


@router.patch(
    "/challenges/{challenge_id}",
    response=schemas.Challenge,
    auth=write_token,
    summary="Edit a challenge",
)
def challenge_update(
    request: HttpRequest,
    challenge_id: int,
    body: ChallengeUpdate,
    idempotency_key: str | None = idempotency_key_header(),
):
    """While it is a draft, rejected or published (as on the page); otherwise 409. A rejected
    challenge becomes a draft again; a published one is matched again when what matching
    reads changed."""
    return idempotently(
        request,
        idempotency_key,
        body.model_dump(mode="json", exclude_unset=True),
        lambda: _update(request, challenge_id, body),
    )


def _update(request: HttpRequest, challenge_id: int, body: ChallengeUpdate):
    user = request.api_user
    challenge = get_challenge_for_editing_or_404(user, challenge_id)
    if not can_edit(challenge):
        raise HttpError(
            409,
            _("A challenge that is “%(status)s” cannot be changed.")
            % {"status": challenge.get_status_display()},
        )
    data = {
        "title": challenge.title,
        "description": challenge.description,
        "learning_goals": challenge.learning_goals,
        "topics": [topic.slug for topic in challenge.topics.all()],
        "sectors": [sector.slug for sector in challenge.sectors.all()],
        "formats": [format_.slug for format_ in challenge.formats.all()],
        "time_frame": challenge.time_frame,
        "visibility": challenge.visibility,
        "province": challenge.province.code if challenge.province_id else "",
    }
    changes = body.model_dump(mode="json", exclude_unset=True)
    if "province" in changes:
        changes["province"] = changes["province"] or ""
    data.update({name: value for name, value in changes.items() if value is not None})
    form = ApiChallengeForm(data, instance=challenge, action=ChallengeForm.ACTION_SAVE)
    _validated(form)
    challenge_services.challenge_update(challenge=challenge, by=user, **form.service_arguments())
    return _challenge_answer(request, challenge.pk)


@router.post(
    "/challenges/{challenge_id}/submit",
    response=schemas.Challenge,
    auth=write_token,
    summary="Submit a challenge to the hub for review",
)
def challenge_submit(
    request: HttpRequest, challenge_id: int, idempotency_key: str | None = idempotency_key_header()
):
    """A draft or rejected challenge goes to the AI hub of its region; it needs at least one
    AI topic (else 422, code `topics_required`). Another status is 409."""

    def submit():
        challenge = get_challenge_for_editing_or_404(request.api_user, challenge_id)
        challenge_services.challenge_submit(challenge=challenge, by=request.api_user)
        return _challenge_answer(request, challenge.pk)

    return idempotently(request, idempotency_key, {}, submit)


# --- Matches ---------------------------------------------------------------------------------


class IntroductionCreate(Body):
    message: str = ""


class IntroductionOut(Schema):
    id: int
    match: int
    state: str
    message: str
    created_at: datetime
    url: str


def _match_answer(request: HttpRequest, match):
    labels = taxonomy_labels()
    body = MatchOut.model_validate(serializers.match(match, labels))
    return json_answer(body.model_dump(mode="json"))


def _shortlist(request: HttpRequest, match_id: int, *, shortlisted: bool):
    match = get_match_for_member_decision_or_404(request.api_user, match_id)
    match = matching_services.match_set_shortlisted(
        match=match, shortlisted=shortlisted, by=request.api_user
    )
    match.refresh_from_db()
    return _match_answer(request, match)


@router.post(
    "/matches/{match_id}/shortlist",
    response=MatchOut,
    auth=write_token,
    summary="Put a matched partner on the shortlist",
)
def match_shortlist(
    request: HttpRequest, match_id: int, idempotency_key: str | None = idempotency_key_header()
):
    """For the members of the challenge's organisation (others: 403, or 404 when the
    challenge is hidden from them). Putting it there twice changes nothing."""
    return idempotently(
        request, idempotency_key, {}, lambda: _shortlist(request, match_id, shortlisted=True)
    )


@router.delete(
    "/matches/{match_id}/shortlist",
    response=MatchOut,
    auth=write_token,
    summary="Take a matched partner off the shortlist",
)
def match_unshortlist(
    request: HttpRequest, match_id: int, idempotency_key: str | None = idempotency_key_header()
):
    """Refused (422) once an introduction was asked for, or when the hub handles the match."""
    return idempotently(
        request, idempotency_key, {}, lambda: _shortlist(request, match_id, shortlisted=False)
    )


@router.post(
    "/matches/{match_id}/introduction",
    response={200: IntroductionOut, 201: IntroductionOut},
    auth=write_token,
    summary="Ask for an introduction to a matched partner",
)
def introduction_request(
    request: HttpRequest,
    match_id: int,
    body: IntroductionCreate,
    idempotency_key: str | None = idempotency_key_header(),
):
    """The partner's administrators and the hub are told; the partner learns who asked once it
    accepts. 201 with the new request; 200 with the one asked before (one per match)."""

    def ask():
        match = get_match_for_member_decision_or_404(request.api_user, match_id)
        cleaned = _validated(IntroductionRequestForm(body.model_dump()))
        introduction, created = matching_services.introduction_request_create(
            match=match, by=request.api_user, message=cleaned["message"]
        )
        return json_answer(_introduction(request, introduction), status=201 if created else 200)

    return idempotently(request, idempotency_key, body.model_dump(mode="json"), ask)


def _introduction(request: HttpRequest, introduction: IntroductionRequest) -> dict:
    return IntroductionOut.model_validate(
        {
            "id": introduction.pk,
            "match": introduction.match_id,
            "state": introduction.state,
            "message": introduction.message,
            "created_at": introduction.created_at,
            "url": request.build_absolute_uri(
                reverse("matching:introduction", kwargs={"pk": introduction.pk})
            ),
        }
    ).model_dump(mode="json")


# --- Joining a community ---------------------------------------------------------------------


class JoinRequestCreate(Body):
    """`role`: how you would take part; left out, the role your organisation suggests (as the
    page's form proposes), required when you have no single organisation to tell by."""

    community: Slug
    role: str | None = None
    message: str = ""


class JoinRequestOut(Schema):
    id: int
    community: schemas.CommunityRef
    role: str
    state: str
    message: str
    created_at: datetime


@router.post(
    "/join-requests",
    response={200: JoinRequestOut, 201: JoinRequestOut},
    auth=write_token,
    summary="Ask to join a community",
)
def join_request(
    request: HttpRequest,
    body: JoinRequestCreate,
    idempotency_key: str | None = idempotency_key_header(),
):
    """The community's coordinators decide. 201 with the new request; 200 with the pending one
    when you asked before; 409 when you are a member already."""

    def ask():
        user = request.api_user
        access = get_community_for_joining_or_404(user, body.community)
        if access.is_member:
            raise HttpError(409, _("You are already a member of this community."))
        role = body.role or join_role_suggested_for(user=user) or ""
        cleaned = _validated(JoinRequestForm({"role": role, "message": body.message}))
        join, created = join_request_create(
            community=access.community,
            user=user,
            role=cleaned["role"],
            message=cleaned["message"],
        )
        return json_answer(_join_request(join), status=201 if created else 200)

    return idempotently(request, idempotency_key, body.model_dump(mode="json"), ask)


def _join_request(join: JoinRequest) -> dict:
    return JoinRequestOut.model_validate(
        {
            "id": join.pk,
            "community": {"slug": join.community.slug, "name": join.community.name},
            "role": join.role,
            "state": join.state,
            "message": join.message,
            "created_at": join.created_at,
        }
    ).model_dump(mode="json")
