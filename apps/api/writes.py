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
from typing import Annotated, Any, Literal

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Schema
from ninja.schema import DjangoGetter
from pydantic import Field, model_validator

from apps.challenges import services as challenge_services
from apps.challenges.forms import MAX_TOPICS, MIN_DESCRIPTION, ChallengeForm
from apps.challenges.models import Challenge, Visibility
from apps.challenges.permissions import (
    demand_organisations_of,
    get_challenge_for_editing_or_404,
)
from apps.challenges.selectors import challenge_get_visible
from apps.communities import services as community_services
from apps.communities.forms import JoinRequestForm
from apps.communities.models import JoinRequest
from apps.communities.permissions import PARTICIPANT_ROLES, get_community_for_joining_or_404
from apps.communities.selectors import join_request_of, join_role_suggested_for
from apps.matching import services as matching_services
from apps.matching.forms import IntroductionRequestForm
from apps.matching.models import IntroductionRequest
from apps.matching.permissions import get_match_for_member_decision_or_404
from apps.matching.reasons import taxonomy_labels

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

# Text the page's form takes: no NUL character (PostgreSQL cannot store one), and where a
# field is required, something besides whitespace, as the form strips it first. The
# whitespace is named character by character, exactly what Python's `str.strip()` removes,
# because `\s` means a slightly different set in each regex dialect (ECMA, Rust's, Python's)
# and the document's readers use all three.
NO_NUL = r"^[^\x00]*$"
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_VISIBLE = rf"[^\x00{WHITESPACE}]"


def stripped_at_least(length: int) -> str:
    """A string without NUL that still has `length` characters once stripped of leading and
    trailing whitespace: two other characters `length - 1` apart."""
    if length <= 1:
        return rf"^[^\x00]*{_VISIBLE}[^\x00]*$"
    return rf"^[^\x00]*{_VISIBLE}[^\x00]{{{length - 2},}}{_VISIBLE}[^\x00]*$"


def documented(**constraints: Any):
    """What the page's form checks, stated in the document (on the string or array branch of
    an optional field), so a client, or a contract tester, knows which bodies are valid. The
    form still does the checking, so a refusal is the page's own 422 with the page's words,
    not a pattern quoted back."""

    def extra(schema: dict) -> None:
        for branch in schema.get("anyOf", [schema]):
            if branch.get("type") == "string":
                branch.update(constraints.get("string", {}))
            elif branch.get("type") == "array":
                branch.update(constraints.get("array", {}))

    return extra


def reference_values(name: str) -> dict:
    """Marks a field whose valid values are rows of the reference data (`REFERENCE_VALUES`):
    the document lists them as an enum when it is built (`api.Api.get_openapi_schema`)."""
    return {"x-reference": name}


def text_rules(max_length: int, *, at_least: int = 0):
    """The rules of a text field, for `Field(json_schema_extra=...)`."""
    pattern = stripped_at_least(at_least) if at_least else NO_NUL
    return documented(string={"maxLength": max_length, "pattern": pattern})


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


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
        if _has_lone_surrogate(raw):
            # JSON may escape half of a UTF-16 pair (`"\ud800"`); such text is no Unicode
            # and PostgreSQL cannot store it.
            raise ValueError(
                "The body holds a lone surrogate escape (\\ud800-\\udfff): send valid Unicode text."
            )
        return value


def _has_lone_surrogate(value) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(item) for item in value)
    return False


# --- Challenges ------------------------------------------------------------------------------

TimeFrame = Literal[tuple(Challenge.TimeFrame.values)]
VisibilityValue = Literal[tuple(Visibility.values)]


TITLE = text_rules(_max_length(Challenge, "title"), at_least=1)
DESCRIPTION = text_rules(_max_length(Challenge, "description"), at_least=MIN_DESCRIPTION)
DESCRIPTION_SAYS = f"At least {MIN_DESCRIPTION} characters: the problem in your own words."
LEARNING_GOALS = text_rules(_max_length(Challenge, "learning_goals"))


def topics_field(default):
    return Field(
        default,
        description=f"AI topics by slug, at most {MAX_TOPICS}; a group stands for all of its "
        "topics.",
        json_schema_extra=documented(array={"maxItems": MAX_TOPICS, **reference_values("topics")}),
    )


def reference_field(default, name: str):
    return Field(default, json_schema_extra=documented(array=reference_values(name)))


def province_field():
    return Field(
        None,
        description="ISO 3166-2 code; left out or null: the organisation's province.",
        json_schema_extra=documented(string=reference_values("provinces")),
    )


class ChallengeFields(Body):
    learning_goals: str = Field("", json_schema_extra=LEARNING_GOALS)
    topics: list[Slug] = topics_field([])
    sectors: list[Slug] = reference_field([], "sectors")
    formats: list[Slug] = reference_field([], "formats")
    time_frame: TimeFrame = Challenge.TimeFrame.FLEXIBLE.value
    visibility: VisibilityValue = Visibility.PUBLIC.value
    province: ProvinceCode | None = province_field()


class ChallengeCreate(ChallengeFields):
    """A new challenge, saved as a draft. Topics, sectors and formats by slug, the province by
    its ISO code (empty: the organisation's). `creation_token`: a UUID of your own; sending the
    same one again returns the challenge the first call made (as the page's form does)."""

    organisation: Slug = Field(
        description="The slug of an organisation you are an active member of (a company or "
        "public organisation; see `me/organisations`); any other is 403."
    )
    title: str = Field(json_schema_extra=TITLE)
    description: str = Field(description=DESCRIPTION_SAYS, json_schema_extra=DESCRIPTION)
    creation_token: uuid.UUID | None = None


class ChallengeUpdate(Body):
    """The fields to change; the others keep their value."""

    title: str | None = Field(None, json_schema_extra=TITLE)
    description: str | None = Field(
        None, description=DESCRIPTION_SAYS, json_schema_extra=DESCRIPTION
    )
    learning_goals: str | None = Field(None, json_schema_extra=LEARNING_GOALS)
    topics: list[Slug] | None = topics_field(None)
    sectors: list[Slug] | None = reference_field(None, "sectors")
    formats: list[Slug] | None = reference_field(None, "formats")
    time_frame: TimeFrame | None = None
    visibility: VisibilityValue | None = None
    province: ProvinceCode | None = province_field()


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
    # An organisation that does not exist is refused as one that is not yours: which ones you
    # may name depends on who you are, so the document cannot list them.
    if not organisations.filter(slug=body.organisation).exists():
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
    challenge_services.challenge_check_editable(challenge=challenge)
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
    AI topic (else 409, code `topics_required`: add one, then submit again). Another status
    is 409 too."""

    def submit():
        challenge = get_challenge_for_editing_or_404(request.api_user, challenge_id)
        challenge_services.challenge_submit(challenge=challenge, by=request.api_user)
        return _challenge_answer(request, challenge.pk)

    return idempotently(request, idempotency_key, {}, submit)


@router.post(
    "/challenges/{challenge_id}/withdraw",
    response=schemas.Challenge,
    auth=write_token,
    summary="Take a challenge back from review",
)
def challenge_withdraw(
    request: HttpRequest, challenge_id: int, idempotency_key: str | None = idempotency_key_header()
):
    """A challenge that waits for the hub's review becomes a draft again, to change it (as the
    page's "take back" button). Another status is 409 (code `not_submitted`)."""

    def withdraw():
        challenge = get_challenge_for_editing_or_404(request.api_user, challenge_id)
        challenge_services.challenge_withdraw(challenge=challenge, by=request.api_user)
        return _challenge_answer(request, challenge.pk)

    return idempotently(request, idempotency_key, {}, withdraw)


# --- Matches ---------------------------------------------------------------------------------


class IntroductionCreate(Body):
    message: str = Field(
        "", json_schema_extra=text_rules(_max_length(IntroductionRequest, "message"))
    )


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
    """Refused (409) once an introduction was asked for, or when the hub handles the match."""
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


ParticipantRole = Literal[tuple(role.value for role in PARTICIPANT_ROLES)]
JOIN_MESSAGE_MAX_LENGTH = JoinRequestForm.base_fields["message"].max_length


class JoinRequestCreate(Body):
    """`role`: how you would take part; left out, the role your organisation suggests (as the
    page's form proposes), required when you have no single organisation to tell by."""

    community: Slug
    role: ParticipantRole | None = None
    message: str = Field("", json_schema_extra=text_rules(JOIN_MESSAGE_MAX_LENGTH))


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
        community_services.join_request_check_open(community=access.community, user=user)
        role = body.role or join_role_suggested_for(user=user) or ""
        cleaned = _validated(JoinRequestForm({"role": role, "message": body.message}))
        join, created = community_services.join_request_create(
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


@router.post(
    "/join-requests/{join_request_id}/withdraw",
    response=JoinRequestOut,
    auth=write_token,
    summary="Withdraw a request to join a community",
)
def join_request_withdraw(
    request: HttpRequest,
    join_request_id: int,
    idempotency_key: str | None = idempotency_key_header(),
):
    """Your own pending request (anyone else's is 404); withdrawing it twice changes nothing.
    Once the coordinators decided it, 409 (code `not_pending`)."""

    def withdraw():
        join = join_request_of(user=request.api_user, pk=join_request_id)
        if join is None:
            raise Http404
        join = community_services.join_request_withdraw(join_request=join, by=request.api_user)
        return json_answer(_join_request(join))

    return idempotently(request, idempotency_key, {}, withdraw)
