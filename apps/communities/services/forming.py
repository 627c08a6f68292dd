"""A community's life: formed by a coordinator around a challenge's accepted matches (with
the invitations that go out), and its status workflow."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from apps.accounts.models import User
from apps.accounts.permissions import coordinates_region_of
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.challenges.models import Challenge, ChallengeStatus
from apps.challenges.services import challenge_change_status
from apps.core.slugs import unique_slug
from apps.core.transitions import transition_allowed, transition_check
from apps.hubs.models import Hub
from apps.hubs.selectors import hubs_covering

from ..models import (
    STATUS_TRANSITIONS,
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    LearningCommunity,
)
from ..selectors import (
    challenge_accepted_matches,
    community_invitees_for_challenge,
)
from .invitations import invitee_notify

STATUS_REFUSAL = gettext_noop("A community cannot go from “%(from)s” to “%(to)s”.")


def community_can_change_status(*, community: LearningCommunity, to_status: str) -> bool:
    return transition_allowed(STATUS_TRANSITIONS, community.status, to_status)


@transaction.atomic
def community_change_status(
    *, community: LearningCommunity, to_status: str, by: User | None = None
) -> LearningCommunity:
    """forming → active → completed; every other move is refused. The row is locked, so two
    coordinators clicking at once cannot both act on a stale status."""
    locked = LearningCommunity.objects.select_for_update().get(pk=community.pk)
    transition_check(
        allowed=STATUS_TRANSITIONS,
        statuses=CommunityStatus,
        current=locked.status,
        to=to_status,
        refusal=_(STATUS_REFUSAL),
    )
    locked.status = to_status
    locked.save(update_fields=["status", "updated_at"])
    community.status = locked.status
    community.updated_at = locked.updated_at
    return locked


def _hub_for(challenge: Challenge, by: User) -> Hub:
    """The hub covering the challenge's province; where several do, one the coordinator works
    for."""
    hubs = hubs_covering(province_id=challenge.province_id, coordinated_by=by) or hubs_covering(
        province_id=challenge.province_id
    )
    if not hubs:
        raise ValidationError(_("No AI hub covers the province of this challenge."), code="no_hub")
    return hubs[0]


def _challenge_locked_for(challenge: Challenge, *, by: User) -> Challenge:
    """The challenge's row, locked (a double submit waits for the first), once `by` is found
    to coordinate its region."""
    locked = (
        Challenge.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=challenge.pk)
    )
    if not coordinates_region_of(by, locked):
        raise PermissionDenied
    return locked


def _organisations_of(challenge: Challenge, matches: list) -> list[int]:
    """The challenge's organisation and its accepted partner organisations, once each."""
    return list(
        dict.fromkeys(
            [challenge.organisation_id]
            + [match.organisation_id for match in matches if match.organisation_id]
        )
    )


def _invite_for_challenge(
    *,
    community: LearningCommunity,
    challenge: Challenge,
    matches: list,
    by: User,
    exclude_user_ids: list[int],
) -> list[CommunityInvitation]:
    """Invite the people of `selectors.community_invitees_for_challenge`, each told by a
    notice."""
    invitees = community_invitees_for_challenge(
        challenge=challenge, matches=matches, exclude_user_ids=exclude_user_ids
    )
    invitations = CommunityInvitation.objects.bulk_create(
        CommunityInvitation(
            community=community,
            user=invitee.user,
            organisation=invitee.organisation,
            role=invitee.role,
            invited_by=by,
        )
        for invitee in invitees
    )
    for invitee, invitation in zip(invitees, invitations, strict=True):
        invitee_notify(
            invitation=invitation,
            challenge=challenge,
            own_challenge=invitee.from_challenge_organisation,
        )
    return invitations


@transaction.atomic
def community_form_from_matches(
    *,
    challenge: Challenge,
    by: User,
    name: str,
    goal: str,
    learning_objectives: str = "",
    is_public: bool = True,
) -> tuple[LearningCommunity, bool]:
    """Form a learning community around a published challenge and the partners the hub
    accepted for it.

    The community is created in the hub of the challenge's region, with the challenge (now
    "in a community"), the challenge's organisation and the accepted organisations as member
    organisations, and `by` as its coordinator. Invitations go to the people of
    `selectors.community_invitees_for_challenge`, each told by a notice; the audit trail
    records it.

    Returns `(community, created)`. The challenge row is locked first, so a double submit
    waits for the first and then gets its community back (the challenge is in a community
    by then) instead of forming a second one.
    """
    locked = _challenge_locked_for(challenge, by=by)
    if locked.status == ChallengeStatus.IN_COMMUNITY:
        existing = locked.communities.order_by("created_at", "pk").first()
        if existing is not None:
            return existing, False
    if locked.status != ChallengeStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published challenge can get a community; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_published",
        )
    matches = list(challenge_accepted_matches(challenge=locked))
    if not matches:
        raise ValidationError(
            _(
                "This challenge has no accepted matches yet. Accept at least one matched "
                "partner before forming a community."
            ),
            code="no_accepted_matches",
        )

    name = name.strip()
    community = LearningCommunity(
        name=name,
        slug=unique_slug(LearningCommunity, name),
        goal=goal.strip(),
        learning_objectives=learning_objectives.strip(),
        hub=_hub_for(locked, by),
        is_public=is_public,
        status=CommunityStatus.FORMING,
    )
    community.full_clean()
    community.save()
    community.challenges.add(locked)
    organisation_ids = _organisations_of(locked, matches)
    community.organisations.add(*organisation_ids)
    CommunityMembership.objects.create(
        community=community, user=by, role=CommunityMembership.Role.COORDINATOR
    )
    challenge_change_status(challenge=locked, to_status=ChallengeStatus.IN_COMMUNITY, by=by)

    invitations = _invite_for_challenge(
        community=community, challenge=locked, matches=matches, by=by, exclude_user_ids=[by.pk]
    )
    audit_record(
        actor=by,
        action=AuditAction.COMMUNITY_FORMED,
        target=community,
        province_id=locked.province_id,
        before={"challenge": locked.pk, "challenge_status": ChallengeStatus.PUBLISHED},
        after={
            "community": community.pk,
            "challenge_status": ChallengeStatus.IN_COMMUNITY,
            "organisations": organisation_ids,
            "accepted_matches": [match.pk for match in matches],
            "invitations": len(invitations),
        },
    )
    challenge.__dict__.update(status=locked.status, updated_at=locked.updated_at)
    return community, True


@transaction.atomic
def community_challenge_add(
    *, community: LearningCommunity, challenge: Challenge, by: User
) -> bool:
    """Bring another published challenge of the coordinator's region into a community that
    is still at work: the challenge is then "in a community", its organisation and accepted
    partners become the community's organisations, and their people who are not members yet
    are invited as when forming. Returns False when the challenge is in it already (a
    double submit)."""
    locked = _challenge_locked_for(challenge, by=by)
    if community.challenges.filter(pk=locked.pk).exists():
        return False
    if community.status == CommunityStatus.COMPLETED:
        raise ValidationError(
            _("This community has completed its work and takes no new challenges."),
            code="completed",
        )
    if locked.status != ChallengeStatus.PUBLISHED:
        raise ValidationError(
            _("Only a published challenge can join a community; this one is “%(status)s”.")
            % {"status": locked.get_status_display()},
            code="not_published",
        )
    matches = list(challenge_accepted_matches(challenge=locked))
    community.challenges.add(locked)
    community.organisations.add(*_organisations_of(locked, matches))
    challenge_change_status(challenge=locked, to_status=ChallengeStatus.IN_COMMUNITY, by=by)
    members = list(community.memberships.values_list("user_id", flat=True))
    _invite_for_challenge(
        community=community,
        challenge=locked,
        matches=matches,
        by=by,
        exclude_user_ids=[*members, *community.invitations.values_list("user_id", flat=True)],
    )
    challenge.__dict__.update(status=locked.status, updated_at=locked.updated_at)
    return True


def community_edit_problems(
    *, stored: LearningCommunity | None, status: str | None, challenges
) -> dict[str, str]:
    """What `community_save_edited` would refuse in an edit, by field, for a form to name on
    its fields first: a status move the workflow does not allow, a challenge taken out, or
    one added that is not published."""
    problems: dict[str, str] = {}
    moved = stored is not None and status and status != stored.status
    if moved and not community_can_change_status(community=stored, to_status=status):
        problems["status"] = _(STATUS_REFUSAL) % {
            "from": CommunityStatus(stored.status).label,
            "to": CommunityStatus(status).label,
        }
    if challenges is not None:
        current = set(stored.challenges.values_list("pk", flat=True)) if stored else set()
        wanted = {challenge.pk: challenge for challenge in challenges}
        if current - wanted.keys():
            problems["challenges"] = _(
                "A challenge stays in its community; it cannot be taken out here."
            )
        added = [challenge for pk, challenge in wanted.items() if pk not in current]
        unpublished = [c.title for c in added if c.status != ChallengeStatus.PUBLISHED]
        if added and (stored.status if stored else status) == CommunityStatus.COMPLETED:
            problems["challenges"] = _(
                "This community has completed its work and takes no new challenges."
            )
        elif unpublished:
            problems["challenges"] = _(
                "Only a published challenge can join a community; not: %(titles)s."
            ) % {"titles": ", ".join(unpublished)}
    return problems


@transaction.atomic
def community_save_edited(
    *,
    community: LearningCommunity,
    challenges=None,
    organisations=None,
    changed_fields=None,
    by: User,
) -> None:
    """Write a community edited as a whole, as the admin's form does (its fields already set
    on `community`, new or stored). `challenges` and `organisations` are what it should have
    (None: leave them); `changed_fields` names what the editor changed (None: a new one).

    The rules of the other ways in hold: the status moves only forming -> active ->
    completed (`community_change_status`), and a challenge joins through
    `community_challenge_add` (published, in `by`'s region, its people invited) and stays."""
    stored = None
    if changed_fields is not None:
        stored = LearningCommunity.objects.select_for_update().get(pk=community.pk)
    problems = community_edit_problems(
        stored=stored, status=community.status, challenges=challenges
    )
    if problems:
        raise ValidationError(problems)
    wanted_status = community.status
    if stored is not None:
        community.status = stored.status  # moved below, through the workflow
    community.full_clean(exclude=["challenges", "organisations"])
    community.save()
    if organisations is not None:
        community.organisations.set(organisations)
    for challenge in challenges or ():
        community_challenge_add(community=community, challenge=challenge, by=by)
    if community.status != wanted_status:
        community_change_status(community=community, to_status=wanted_status, by=by)
