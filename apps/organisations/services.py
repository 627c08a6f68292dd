"""Writes for organisations on the site: creating and editing one, asking to join, and the
admins' decisions on members. The admin and imports have their own paths for bulk work;
notifications go out from here, inside the transaction that makes the change."""

from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.accounts.permissions import coordinates_region_of
from apps.audit.models import AuditAction
from apps.audit.services import audit_record
from apps.core.slugs import unique_slug
from apps.hubs.models import Hub
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.services import notify
from apps.taxonomy.models import OrganisationKind

from .models import Membership, Organisation
from .signals import organisation_changed

# Paths under /organisations/ that a slug must not shadow.
RESERVED_SLUGS = frozenset({"new"})

SCALAR_FIELDS = (
    "name",
    "kind",
    "province",
    "website",
    "kvk_number",
    "description",
    "parent",
    "capacity",
    "serves_nationally",
)
MANY_TO_MANY_FIELDS = ("topics", "sectors", "formats")
# What only a supplier has; a demand organisation keeps these empty.
SUPPLY_ONLY_FIELDS = ("formats", "capacity", "serves_nationally")


class OrganisationExists(ValidationError):
    """Another organisation of that name already exists in that province."""

    def __init__(self, organisation: Organisation):
        self.organisation = organisation
        super().__init__(
            _("%(name)s in %(province)s is already on the platform."),
            code="exists",
            params={"name": organisation.name, "province": organisation.province.name},
        )


class LastAdminError(ValidationError):
    def __init__(self):
        super().__init__(
            _(
                "An organisation needs at least one administrator. Make another member "
                "administrator first."
            ),
            code="last-admin",
        )


def _lock(*parts: object) -> None:
    """A transaction-scoped PostgreSQL advisory lock on `parts`: concurrent requests for the
    same key (a double submit) run one after the other."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, signed=True)])


# A supplier (education, a lab) is matched on its AI topics and takes on as many challenges
# as its capacity says: without either it would never be suggested. Every way in (the form,
# the services, the CSV import) asks this one rule.
SUPPLIER_NEEDS_TOPICS = _("Choose at least one AI topic, so we can suggest fitting challenges.")
SUPPLIER_NEEDS_CAPACITY = _(
    "Enter how many challenges you can take on at the same time (at least 1)."
)


# What the rule reads. An edit that changes none of these leaves an older, incomplete profile
# alone (so fixing a website is never blocked by it).
SUPPLIER_RULE_FIELDS = frozenset({"kind", "topics", "capacity"})


def supplier_profile_problems(
    *,
    is_supplier: bool,
    has_topics: bool,
    capacity: int | None,
    changed_fields: Collection[str] | None = None,
) -> dict[str, str]:
    """What a supplier's profile lacks, by field ("topics", "capacity"); empty when nothing
    does, when the organisation is not a supplier, or when an edit (`changed_fields`; None
    for a new profile) changes nothing the rule reads."""
    if not is_supplier or (
        changed_fields is not None and not SUPPLIER_RULE_FIELDS & set(changed_fields)
    ):
        return {}
    problems = {}
    if not has_topics:
        problems["topics"] = str(SUPPLIER_NEEDS_TOPICS)
    if not capacity:
        problems["capacity"] = str(SUPPLIER_NEEDS_CAPACITY)
    return problems


def _refuse_incomplete_supplier(kind: OrganisationKind, topics, capacity: int | None) -> None:
    problems = supplier_profile_problems(
        is_supplier=kind.role == OrganisationKind.Role.SUPPLY,
        has_topics=bool(topics),
        capacity=capacity,
    )
    if problems:
        raise ValidationError(problems)


PARENT_MUST_BE_EDUCATION = _(
    "An organisation can only be part of an education organisation (a university, hogeschool, "
    "MBO college, lectoraat and the like)."
)


def _refuse_parent_not_education(parent: Organisation | None) -> None:
    if parent is not None and not parent.kind.is_education:
        raise ValidationError({"parent": str(PARENT_MUST_BE_EDUCATION)})


def normalise_kvk_number(value: str) -> str:
    """A KvK number as typed ("1234 5678", "12.34.56.78") to its 8 digits; anything else is
    returned as it is (without spaces) for the validator to refuse."""
    return "".join(value.split()).replace(".", "")


def kvk_number_problem(*, number: str, organisation: Organisation | None = None) -> str | None:
    """Why `number` (normalised) cannot be this organisation's KvK number, or None: a number
    names one organisation only."""
    taken = Organisation.objects.filter(kvk_number=number)
    if organisation is not None and organisation.pk:
        taken = taken.exclude(pk=organisation.pk)
    if number and taken.exists():
        return str(_("An organisation with this KvK number is already on the platform."))
    return None


def _without_supply_fields(values: dict[str, Any], kind: OrganisationKind) -> dict[str, Any]:
    """What a demand organisation does not offer is left out (and left alone)."""
    if kind.role == OrganisationKind.Role.SUPPLY:
        return values
    return {name: value for name, value in values.items() if name not in SUPPLY_ONLY_FIELDS}


@transaction.atomic
def organisation_create(*, creator, **values: Any) -> Organisation:
    """Create an organisation with `creator` as its first (active) administrator.

    `values` holds the form's fields (`SCALAR_FIELDS` and `MANY_TO_MANY_FIELDS`). Raises
    `OrganisationExists` when that name is taken in that province — unless the creator is
    already its administrator, which is what a double submit finds: then that organisation
    is returned and nothing new is made.
    """
    name = " ".join(values["name"].split())
    province = values["province"]
    _lock("organisation-create", province.pk, name.lower())
    existing = (
        Organisation.objects.select_related("province")
        .filter(name__iexact=name, province=province)
        .first()
    )
    if existing is not None:
        if Organisation.objects.administered_by(creator).filter(pk=existing.pk).exists():
            return existing
        raise OrganisationExists(existing)

    _refuse_incomplete_supplier(values["kind"], values.get("topics"), values.get("capacity"))
    _refuse_parent_not_education(values.get("parent"))
    values = _without_supply_fields({**values, "name": name}, values["kind"])
    organisation = Organisation(
        **{field: values[field] for field in SCALAR_FIELDS if values.get(field) is not None}
    )
    slug = unique_slug(Organisation, name)
    if slug in RESERVED_SLUGS:
        slug = unique_slug(Organisation, f"{name} organisation")
    organisation.slug = slug
    # A coordinator of the region vouches for what they add themselves; anyone else's new
    # organisation waits for one (it is seen by its members and the hub until then).
    if coordinates_region_of(creator, organisation):
        organisation.verified_at = timezone.now()
    organisation.save()
    for field in MANY_TO_MANY_FIELDS:
        if values.get(field):
            getattr(organisation, field).set(values[field])
    Membership.objects.create(
        user=creator,
        organisation=organisation,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    )
    if not organisation.is_verified:
        _notify_coordinators_to_verify(organisation, creator=creator)
    organisation_changed.send(
        Organisation, organisation_ids=[organisation.pk], fields=None, trigger="profile"
    )
    return organisation


def _notify_coordinators_to_verify(organisation: Organisation, *, creator) -> None:
    notify(
        recipients=_region_coordinators(organisation),
        kind=NotificationKind.ORGANISATION_TO_VERIFY,
        text=lambda person: (
            gettext("Organisation to verify: %(organisation)s")
            % {"organisation": organisation.name},
            gettext(
                "It was added on the site and is hidden from others until you verify it. "
                "Check that it exists and is not already on the platform."
            ),
        ),
        url=notice_path("organisations:detail", organisation.slug),
        dedupe_key=f"organisation-{organisation.pk}-to-verify",
        exclude=creator,
    )


@transaction.atomic
def organisation_verify(*, organisation: Organisation, by) -> bool:
    """A hub coordinator confirms that the organisation is real and not a duplicate: it
    becomes public (with its open challenges) and can be matched. The decision is audited and
    the organisation's administrators are told. Returns False when it was verified already
    (say, a double submit), in which case nothing happens."""
    locked = (
        Organisation.objects.select_for_update()
        .filter(pk=organisation.pk, verified_at__isnull=True)
        .first()
    )
    if locked is None:
        return False
    locked.verified_at = timezone.now()
    locked.save(update_fields=["verified_at", "updated_at"])
    organisation.verified_at = locked.verified_at
    audit_record(
        actor=by,
        action=AuditAction.ORGANISATION_VERIFIED,
        target=locked,
        before={"verified": False},
        after={"verified": True},
    )
    notify(
        recipients=_admins(locked),
        kind=NotificationKind.ORGANISATION_VERIFIED,
        text=lambda person: (
            gettext("%(organisation)s has been verified") % {"organisation": locked.name},
            gettext(
                "The hub has checked your organisation. Everyone can find it now, and its "
                "published challenges are open to all."
            ),
        ),
        url=notice_path("organisations:detail", locked.slug),
        dedupe_key=f"organisation-{locked.pk}-verified",
        exclude=by,
    )
    organisation_changed.send(
        Organisation,
        organisation_ids=[locked.pk],
        fields=frozenset({"verified_at"}),
        trigger="verified",
    )
    return True


@transaction.atomic
def organisation_update(*, organisation: Organisation, **values: Any) -> list[str]:
    """Save the profile fields in `values`; returns the names of those that changed. A
    supplier whose profile changed is matched again after commit."""
    # Compare with the stored row (a bound ModelForm has already changed `organisation` in
    # memory), locked against a concurrent edit.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if SUPPLIER_RULE_FIELDS & values.keys():
        # An edit of what matching reads must leave a complete supplier; other edits of an
        # older, incomplete profile are not blocked by it.
        _refuse_incomplete_supplier(
            values.get("kind", organisation.kind),
            values["topics"] if "topics" in values else organisation.topics.exists(),
            values.get("capacity", organisation.capacity),
        )
    if values.get("parent") is not None and values["parent"].pk != organisation.parent_id:
        _refuse_parent_not_education(values["parent"])
    values = _without_supply_fields(values, values.get("kind", organisation.kind))
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
    changed = []
    for field in SCALAR_FIELDS:
        if field in values and getattr(organisation, field) != values[field]:
            setattr(organisation, field, values[field])
            changed.append(field)
    if changed:
        organisation.save()
    for field in MANY_TO_MANY_FIELDS:
        if field not in values:
            continue
        wanted = {item.pk for item in values[field]}
        manager = getattr(organisation, field)
        if wanted != set(manager.values_list("pk", flat=True)):
            manager.set(wanted)
            changed.append(field)
    if changed:
        organisation_changed.send(
            Organisation,
            organisation_ids=[organisation.pk],
            fields=frozenset(changed),
            trigger="profile",
        )
    return changed


@transaction.atomic
def organisation_save_edited(
    *,
    organisation: Organisation,
    relations: dict[str, Iterable[Any]],
    changed_fields: Collection[str] | None,
    trigger: str,
) -> None:
    """Write an organisation edited as a whole, as the admin's form does (its fields already
    set on `organisation`, new or stored). `relations` holds the many-to-many values to set;
    `changed_fields` names what the editor changed (None: a new organisation).

    The supplier rule holds here as in `organisation_create` and `organisation_update`: a new
    supplier, or one whose kind, topics or capacity changed, needs topics and capacity.
    Matching hears which fields changed."""
    is_new = changed_fields is None
    if is_new or SUPPLIER_RULE_FIELDS & set(changed_fields):
        topics = (
            relations["topics"]
            if "topics" in relations
            else (not is_new and organisation.topics.exists())
        )
        _refuse_incomplete_supplier(organisation.kind, topics, organisation.capacity)
    organisation.name = " ".join(organisation.name.split())
    if not organisation.slug:
        organisation.slug = unique_slug(Organisation, organisation.name)
    if is_new and organisation.verified_at is None:
        # Made in the admin by a coordinator (or the programme), who vouches for it.
        organisation.verified_at = timezone.now()
    organisation.save()
    for field, values in relations.items():
        getattr(organisation, field).set(values)
    if is_new or changed_fields:
        organisation_changed.send(
            Organisation,
            organisation_ids=[organisation.pk],
            fields=None if is_new else frozenset(changed_fields),
            trigger=trigger,
        )


# --- Members ----------------------------------------------------------------------------------


def _admins(organisation: Organisation) -> list:
    return [
        membership.user
        for membership in organisation.memberships.filter(
            role=Membership.Role.ADMIN, state=Membership.State.ACTIVE, user__is_active=True
        ).select_related("user")
    ]


def _region_coordinators(organisation: Organisation) -> list:
    hubs = Hub.objects.filter(provinces=organisation.province_id).prefetch_related("coordinators")
    people = {person.pk: person for hub in hubs for person in hub.coordinators.all()}
    return list(people.values())


@transaction.atomic
def membership_request(*, user, organisation: Organisation) -> Membership:
    """Ask to join: one REQUESTED membership however often it is asked, and the
    organisation's administrators (or, when it has none, the coordinators of the hubs
    covering its province) are notified once."""
    membership, created = Membership.objects.get_or_create(
        user=user,
        organisation=organisation,
        defaults={"role": Membership.Role.MEMBER, "state": Membership.State.REQUESTED},
    )
    if not created:
        return membership
    admins = _admins(organisation)
    # Without administrators the region's coordinators decide, on the same members page
    # (see permissions.py).
    recipients = admins or _region_coordinators(organisation)
    requester = user.full_name or gettext("Someone")

    def text(person):
        return (
            gettext("%(person)s asks to join %(organisation)s")
            % {"person": requester, "organisation": organisation.name},
            gettext("Open the members page to approve or decline the request."),
        )

    notify(
        recipients=recipients,
        kind=NotificationKind.ORGANISATION_JOIN_REQUEST,
        text=text,
        url=notice_path("organisations:members", organisation.slug),
        dedupe_key=f"membership-{membership.pk}-requested",
        exclude=user,
    )
    return membership


@transaction.atomic
def membership_decide(*, membership: Membership, approve: bool, decided_by) -> bool:
    """Approve (the request becomes an active membership) or decline (the request is
    deleted) and tell the requester. Returns False when there was no open request any more
    (decided already, for example by a double submit), in which case nothing happens."""
    locked = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .filter(pk=membership.pk, state=Membership.State.REQUESTED)
        .first()
    )
    if locked is None:
        return False
    organisation = locked.organisation
    requester = locked.user
    key = f"membership-{locked.pk}-decided"
    if approve:
        locked.state = Membership.State.ACTIVE
        locked.save(update_fields=["state"])
    else:
        locked.delete()

    def text(person):
        if approve:
            title = gettext("You are now a member of %(organisation)s")
            body = gettext("Your request to join was approved.")
        else:
            title = gettext("Your request to join %(organisation)s was declined")
            body = gettext(
                "Contact the organisation if you think this is a mistake, or ask your hub for help."
            )
        return title % {"organisation": organisation.name}, body

    notify(
        recipients=[requester],
        kind=NotificationKind.ORGANISATION_JOIN_DECISION,
        text=text,
        url=notice_path("organisations:detail", organisation.slug),
        dedupe_key=key,
        exclude=decided_by,
    )
    return True


def _active_admin_ids(organisation_id: int, *, lock: bool = False) -> list[int]:
    admins = Membership.objects.filter(
        organisation_id=organisation_id,
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    )
    if lock:
        admins = admins.select_for_update()
    return list(admins.values_list("pk", flat=True))


def _lock_active_admins(organisation: Organisation) -> list[int]:
    return _active_admin_ids(organisation.pk, lock=True)


@transaction.atomic
def membership_set_role(*, membership: Membership, role: str) -> Membership:
    """Make a member administrator or back; the last administrator stays one."""
    if role not in Membership.Role.values:
        raise ValidationError(_("Unknown role."), code="invalid")
    admins = _lock_active_admins(membership.organisation)
    membership.refresh_from_db()
    if membership.state != Membership.State.ACTIVE:
        raise ValidationError(_("Approve the request first."), code="not-active")
    if role == Membership.Role.MEMBER and admins == [membership.pk]:
        raise LastAdminError()
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


@transaction.atomic
def membership_end(*, membership: Membership) -> None:
    """Remove a member, or a member leaves (a pending request is withdrawn). The last
    administrator cannot go: the organisation would be left without one."""
    admins = _lock_active_admins(membership.organisation)
    if admins == [membership.pk]:
        raise LastAdminError()
    Membership.objects.filter(pk=membership.pk).delete()


def membership_edit_problems(*, stored: Membership, state: str, role: str) -> dict[str, str]:
    """What `membership_save_edited` would refuse in an edit of `stored`, by field: a
    membership never goes back to being a request, and the last administrator stays one."""
    problems: dict[str, str] = {}
    if stored.state == Membership.State.ACTIVE and state == Membership.State.REQUESTED:
        problems["state"] = _(
            "An active membership cannot become a request again; remove it instead."
        )
    demoted = (
        stored.role == Membership.Role.ADMIN
        and role != Membership.Role.ADMIN
        and stored.state == Membership.State.ACTIVE
    )
    if demoted and _active_admin_ids(stored.organisation_id) == [stored.pk]:
        problems["role"] = LastAdminError().message
    return problems


@transaction.atomic
def membership_save_edited(*, membership: Membership, by) -> Membership:
    """Write a membership edited as a whole, as the admin's form does (its fields already
    set on `membership`): approving a request goes through `membership_decide` (the requester
    is told) and a change of role through `membership_set_role` (the last administrator
    stays one); the other fields are saved as they are."""
    stored = Membership.objects.select_for_update().get(pk=membership.pk)
    problems = membership_edit_problems(stored=stored, state=membership.state, role=membership.role)
    if problems:
        raise ValidationError(problems)
    wanted_state, wanted_role = membership.state, membership.role
    membership.state, membership.role = stored.state, stored.role
    membership.save()
    if wanted_state != stored.state:
        membership_decide(membership=membership, approve=True, decided_by=by)
    if wanted_role != stored.role:
        membership_set_role(membership=membership, role=wanted_role)
    membership.refresh_from_db()
    return membership
