"""A believable, fictional Dutch demo dataset (`manage.py load_demo`, run by `make run`): the
content is in demo_data/, one module per domain; this module loads it through the services.

Every name, person and organisation here is made up. The load is idempotent: each row is
found again by a natural key (an organisation's or challenge's `ref`, a slug, an email
address, or its parent plus a title) and only written when it differs, so a second run in a
day writes nothing and takes a few dozen queries. Running it restores the demo to this
state: whatever a demo user changed in demo rows is set back, other rows are left alone.

History is relative to today (midnight, local time): published dates stay recent and
upcoming activities stay upcoming however long a developer's database lives. On a new day
the timestamps move along, which is the only thing a repeated run then writes.

Randomness comes from one `random.Random(2026)` drawn in a fixed order, never from the
database or the clock, so every machine gets the same data.
"""

from __future__ import annotations

import io
import random
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from apps.accounts.models import User
from apps.accounts.services import profile_update
from apps.challenges.exchange import COLUMNS as CHALLENGE_COLUMNS
from apps.challenges.exchange import challenges_import
from apps.challenges.models import Challenge, ChallengeInterest, ChallengeStatus
from apps.challenges.services import (
    challenge_change_status,
    challenge_close,
    challenge_create,
    challenge_interest_express,
    challenge_publish,
    challenge_reject,
    challenge_submit,
    challenge_update,
)
from apps.communities.models import (
    Activity,
    CommunityInvitation,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.communities.services import (
    activity_create,
    community_challenge_add,
    community_change_status,
    community_form_from_matches,
    community_invitation_accept,
    community_update_create,
    join_request_approve,
    join_request_create,
    learning_record_save,
)
from apps.communities.services.joining import PARTICIPANT_ROLE_VALUES
from apps.core.csv_exchange import (
    Column,
    ImportResult,
    format_boolean,
    join_list,
    write_rows,
)
from apps.core.slugs import unique_slug
from apps.hubs.models import Hub, HubCoordinator
from apps.hubs.services import hub_coordinator_add, programme_coordinator_set
from apps.knowledge.models import KnowledgeItem
from apps.knowledge.services import knowledge_item_create
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import (
    introduction_request_create,
    match_set_status,
    match_suggest_pairs,
)
from apps.notifications.models import Notification
from apps.organisations.exchange import COLUMNS as ORGANISATION_COLUMNS
from apps.organisations.exchange import organisations_import
from apps.organisations.models import Membership, Organisation
from apps.organisations.services import (
    membership_decide,
    membership_request,
    membership_set_role,
    organisation_create,
    organisation_update,
)
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from .demo_data.challenges import CHALLENGES, Ch
from .demo_data.communities import COMMUNITIES, LEARNING_RECORDS, Community
from .demo_data.knowledge import KNOWLEDGE_ITEMS
from .demo_data.matches import INTERESTS, INTRODUCTIONS, MATCHES
from .demo_data.matches import Introduction as Introduction
from .demo_data.organisations import KIND_FORMATS, ORGANISATIONS
from .demo_data.people import (
    COORDINATED_HUB,
    HUB_COORDINATOR,
    MEMBERSHIP_REQUESTS,
    PEOPLE,
    PROGRAMME_COORDINATOR,
)
from .demo_data.people import DEMO_LOGINS as DEMO_LOGINS
from .demo_data.people import LAB_STAFF as LAB_STAFF
from .demo_data.people import LECTURER as LECTURER
from .demo_data.people import SME_OWNER as SME_OWNER

DEFAULT_PASSWORD = "demo-wachtwoord"
SEED = 2026


# Updates at most this old were announced to the community's other members.
ANNOUNCED_WITHIN_DAYS = 14
# The moves a new community makes to reach the demo's status.
COMMUNITY_STATUS_PATH = {
    CommunityStatus.FORMING: (),
    CommunityStatus.ACTIVE: (CommunityStatus.ACTIVE,),
    CommunityStatus.COMPLETED: (CommunityStatus.ACTIVE, CommunityStatus.COMPLETED),
}


# --- Loading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoSummary:
    organisations: int
    people: int
    challenges: int
    communities: int
    community_members: int
    join_requests: int
    activities: int
    updates: int
    knowledge_items: int
    matches: int
    learning_records: int
    interests: int
    introductions: int
    membership_requests: int
    writes: int  # rows created or changed, links added or removed; 0 when already loaded


@dataclass
class _Writes:
    count: int = 0


def _upsert(
    queryset: models.QuerySet,
    *,
    key: str | tuple[str, ...],
    rows: Iterable[dict[str, Any]],
    writes: _Writes,
    create_only: Collection[str] = (),
    create: Callable[[dict[str, Any]], models.Model] | None = None,
    left_to_create: Collection[str] = (),
) -> dict[Any, models.Model]:
    """Create the rows `queryset` lacks and update the fields that differ, matching on `key`.

    Values are keyed by attname (`province_id`), so comparing needs no extra query. A
    callable value in `create_only` is only called for a new row (a slug that has to be
    unique). Writes go through `QuerySet.update`, which sets timestamps such as
    `created_at` as given instead of letting `auto_now_add` overwrite them.

    `create(values)`, when given, makes a missing row instead of a plain save: a domain
    service, so that what it does besides (a notice) happens as in real use. The fields the
    service set differently are then written as for an existing row, except those in
    `left_to_create` (what a later step of the load still moves through a service)."""
    model = queryset.model
    fields = (key,) if isinstance(key, str) else key

    def key_of(get: Callable[[str], Any]) -> Any:
        values = tuple(get(field) for field in fields)
        return values[0] if len(values) == 1 else values

    auto_fields = {
        field.attname
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    }
    existing = {key_of(partial(getattr, obj)): obj for obj in queryset}
    result: dict[Any, models.Model] = {}
    for row in rows:
        row_key = key_of(row.__getitem__)
        if row_key in result:
            raise ValueError(f"Demo data names {model.__name__} {row_key!r} twice.")
        obj = existing.get(row_key)
        if obj is None:
            values = {f: v() if callable(v) else v for f, v in row.items()}
            if create is None:
                obj = model(**values)
                obj.save()
                later = {f: v for f, v in values.items() if f in auto_fields}
            else:
                obj = create(values)
                later = {
                    f: v
                    for f, v in values.items()
                    if f not in left_to_create and getattr(obj, f) != v
                }
            if later:
                model._base_manager.filter(pk=obj.pk).update(**later)
                for field, value in later.items():
                    setattr(obj, field, value)
            writes.count += 1
        else:
            changed = {
                f: v for f, v in row.items() if f not in create_only and getattr(obj, f) != v
            }
            if changed:
                model._base_manager.filter(pk=obj.pk).update(**changed)
                for field, value in changed.items():
                    setattr(obj, field, value)
                writes.count += 1
        result[row_key] = obj
    return result


def _sync_links(
    model: type[models.Model], field: str, wanted: dict[int, set[int]], writes: _Writes
) -> None:
    """Make a many-to-many field hold exactly `wanted` (source pk -> target pks) for these
    rows: one query to read, and only the missing or surplus links are written."""
    relation = model._meta.get_field(field)
    through = relation.remote_field.through
    source = f"{relation.m2m_field_name()}_id"
    target = f"{relation.m2m_reverse_field_name()}_id"
    current: dict[int, set[int]] = defaultdict(set)
    for source_id, target_id in through.objects.filter(**{f"{source}__in": wanted}).values_list(
        source, target
    ):
        current[source_id].add(target_id)
    missing = []
    for source_id, targets in wanted.items():
        surplus = current[source_id] - targets
        if surplus:
            through.objects.filter(**{source: source_id, f"{target}__in": surplus}).delete()
            writes.count += len(surplus)
        missing += [
            through(**{source: source_id, target: target_id})
            for target_id in targets - current[source_id]
        ]
    if missing:
        through.objects.bulk_create(missing)
        writes.count += len(missing)


def _ids(lookup: dict[str, int], slugs: str) -> set[int]:
    return {lookup[slug] for slug in slugs.split()}


def _shared_password_hash(password: str, emails: list[str]) -> str:
    """One hash for every demo login, so a run hashes at most once (PBKDF2 is slow by
    design): reuse the hash the demo people already have when it still fits `password`."""
    hashes = Counter(User.objects.filter(email__in=emails).values_list("password", flat=True))
    if hashes:
        most_common = hashes.most_common(1)[0][0]
        if check_password(password, most_common):
            return most_common
    return make_password(password)


class _Taxonomy:
    """Reference data by slug, read once."""

    def __init__(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.kind_objects = {kind.pk: kind for kind in OrganisationKind.objects.all()}
        self.kinds = {kind.slug: pk for pk, kind in self.kind_objects.items()}
        self.sectors = dict(Sector.objects.values_list("slug", "id"))
        self.formats = dict(Format.objects.values_list("slug", "id"))
        self.topics = dict(AITopic.objects.values_list("slug", "id"))


ORGANISATIONS_BY_REF = {org.ref: org for org in ORGANISATIONS}


def _challenge_dates(
    challenge: Ch,
    community: Community | None,
    rng: random.Random,
    at: Callable[[int, int], datetime],
) -> dict[str, datetime | None]:
    """A consistent history for the challenge's status: created, submitted, published and
    closed in that order, and published before the community around it started."""
    hour = rng.randint(8, 17)
    if community is not None:
        published = community.started_days_ago + rng.randint(5, 20)
    else:
        published = rng.randint(4, 60)
    submitted = published + rng.randint(1, 7)
    created = submitted + rng.randint(1, 14)
    if community is not None and community.ended_days_ago:
        closed = community.ended_days_ago
    else:
        closed = rng.randint(1, published - 1)
    status = challenge.status
    if status == ChallengeStatus.DRAFT:
        created = rng.randint(1, 20)
    elif status in (ChallengeStatus.SUBMITTED, ChallengeStatus.REJECTED):
        submitted = rng.randint(1, 12)
        created = submitted + rng.randint(1, 14)
    return {
        "created_at": at(-created, hour),
        "submitted_at": None if status == ChallengeStatus.DRAFT else at(-submitted, hour + 1),
        "published_at": at(-published, hour + 2)
        if status
        in (ChallengeStatus.PUBLISHED, ChallengeStatus.IN_COMMUNITY, ChallengeStatus.CLOSED)
        else None,
        "closed_at": at(-closed, hour + 2) if status == ChallengeStatus.CLOSED else None,
    }


def _member(community: str, email: str) -> str:
    """`email`, checked to be a member of the community in COMMUNITIES."""
    members = {member for c in COMMUNITIES if c.slug == community for member, _role in c.members}
    if email not in members:
        raise ValueError(f"Demo learning record by {email}, who is not in {community}.")
    return email


def _import_row(
    importer: Callable[..., ImportResult], columns: Sequence[Column], row: dict[str, str]
) -> None:
    """Register one row as a coordinator's spreadsheet upload does (`importer` is an app's
    CSV import, `columns` its file format): a demo row it refuses is a mistake in the data."""
    text = io.StringIO()
    write_rows(text, columns=columns, rows=[row])
    text.seek(0)
    result = importer(file=text, file_name="demo.csv")
    if not result.ok:
        problems = "; ".join(str(error) for error in result.errors)
        raise ValueError(f"Demo row {row['ref']} does not import: {problems}")


def _last_notice() -> int:
    return Notification.objects.aggregate(last=Max("pk"))["last"] or 0


def _notices_read_as_history(*, after: int, at: datetime) -> None:
    """The notices made since notice `after` tell of something long past: they were sent and
    read `at` then (so they are neither news nor emailed now)."""
    Notification.objects.filter(pk__gt=after).update(created_at=at, read_at=at)


def demo_is_loaded() -> bool:
    return Organisation.objects.filter(ref=ORGANISATIONS[0].ref).exists()


@transaction.atomic
def demo_load(*, password: str, now: datetime | None = None) -> DemoSummary:
    """Load or refresh the demo dataset in one transaction (see the module docstring).

    `now` is the moment the history is relative to (default: the current time)."""
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)

    def at(days: int, hour: int = 10) -> datetime:
        # Wall-clock arithmetic in the local zone: a meeting at 14:00 stays at 14:00 over DST.
        return today + timedelta(days=days, hours=hour)

    rng = random.Random(SEED)
    writes = _Writes()
    taxonomy = _Taxonomy()

    hubs = {hub.slug: hub for hub in Hub.objects.all()}
    for hub in hubs.values():
        if not hub.website:
            hub.website = f"https://ai-hub-{hub.slug}.example.nl"
            hub.save(update_fields=["website"])
            writes.count += 1

    # People: every demo person can log in with the given password. A new one is registered
    # by the user manager and fills in their profile through `profile_update`; the password
    # is the demo's shared hash (set with the history below).
    people_by_email = {person.email: person for person in PEOPLE}

    def register_person(values: dict[str, Any]) -> User:
        listed = people_by_email[values["email"]]
        user = User.objects.create_user(email=listed.email, full_name=listed.full_name)
        return profile_update(
            user=user,
            province=Province(pk=values["province_id"]),
            bio=listed.bio,
            offer=listed.offer,
            expertise_topics=_ids(taxonomy.topics, listed.expertise),
        )

    emails = [person.email for person in PEOPLE]
    password_hash = _shared_password_hash(password, emails)
    people = _upsert(
        User.objects.filter(email__in=emails),
        key="email",
        rows=[
            {
                "email": person.email,
                "full_name": person.full_name,
                "province_id": taxonomy.provinces[person.province],
                "bio": person.bio,
                "offer": person.offer,
                "password": password_hash,
                "is_active": True,
                "is_staff": person.is_staff,
                "is_superuser": person.is_superuser,
                "is_programme_coordinator": person.is_programme_coordinator,
                "date_joined": at(-365 + index),
            }
            for index, person in enumerate(PEOPLE)
        ],
        writes=writes,
        create=register_person,
        # Staff access and national reach come with the roles given below.
        left_to_create={"is_staff", "is_programme_coordinator"},
    )
    user_pk = {email: user.pk for email, user in people.items()}
    people_by_pk = {user.pk: user for user in people.values()}
    _sync_links(
        User,
        "expertise_topics",
        {user_pk[p.email]: _ids(taxonomy.topics, p.expertise) for p in PEOPLE},
        writes,
    )
    from allauth.account.models import EmailAddress

    _upsert(
        EmailAddress.objects.filter(user_id__in=user_pk.values()),
        key=("user_id", "email"),
        rows=[
            {"user_id": user_pk[email], "email": email, "verified": True, "primary": True}
            for email in emails
        ],
        writes=writes,
    )
    # The coordinators get their roles as a programme manager gives them (the link, staff
    # access and the coordinators' group come together).
    coordinator = people[HUB_COORDINATOR]
    if not HubCoordinator.objects.filter(hub=hubs[COORDINATED_HUB], user=coordinator).exists():
        writes.count += 1
    hub_coordinator_add(hub=hubs[COORDINATED_HUB], user=coordinator)
    programme_coordinator_set(user=people[PROGRAMME_COORDINATOR], enabled=True)

    def region_coordinator(province_id: int) -> User:
        """Who reviews a challenge: the demo's hub coordinator in its hub, the programme
        coordinator (who works nationally) elsewhere."""
        if province_id in coordinated_provinces:
            return coordinator
        return people[PROGRAMME_COORDINATOR]

    coordinated_provinces = set(hubs[COORDINATED_HUB].provinces.values_list("pk", flat=True))

    # Organisations, then their parents once every one of them has a primary key.
    # Room for every accepted match, plus one where the supplier is still being suggested:
    # a supplier whose capacity is used up is not suggested (PRODUCT.md section 5).
    accepted = Counter(org for _, org, status in MATCHES if status == MatchStatus.ACCEPTED)
    still_suggested = {org for _, org, status in MATCHES if status != MatchStatus.ACCEPTED}
    offered_formats: dict[str, list[str]] = {}
    org_rows = []
    for org in ORGANISATIONS:
        supply = org.kind in KIND_FORMATS
        capacity = 0
        if supply:
            pool = KIND_FORMATS[org.kind]
            offered_formats[org.ref] = sorted(rng.sample(pool, rng.randint(2, len(pool))))
            needed = accepted[org.ref] + (org.ref in still_suggested)
            capacity = max(rng.randint(1, 5), needed)
        org_rows.append(
            {
                "ref": org.ref,
                "name": org.name,
                "slug": lambda name=org.name: unique_slug(Organisation, name),
                "kind_id": taxonomy.kinds[org.kind],
                "province_id": taxonomy.provinces[org.province],
                "website": f"https://www.{slugify(org.name)}.example.nl",
                "description": org.about,
                "capacity": capacity,
                "serves_nationally": org.national,
                "is_active": True,
            }
        )
    administrator_of = {
        p.organisation: p.email for p in PEOPLE if p.organisation and p.is_org_admin
    }

    def organisation_created(values: dict[str, Any]) -> Organisation:
        """Made by its administrator as on the site, where the demo has one (the supplier
        rule, the first membership, matching told); else registered by the hub through its
        spreadsheet import (the same rule, the audit trail)."""
        listed = ORGANISATIONS_BY_REF[values["ref"]]
        creator = people.get(administrator_of.get(values["ref"], ""))
        if creator is None:
            _import_row(
                organisations_import,
                ORGANISATION_COLUMNS,
                {
                    "ref": listed.ref,
                    "name": values["name"],
                    "kind": listed.kind,
                    "province": listed.province,
                    "topics": join_list(listed.topics.split()),
                    "sectors": join_list(listed.sectors.split()),
                    "formats": join_list(offered_formats.get(listed.ref, [])),
                    "capacity": str(values["capacity"]),
                    "serves_nationally": format_boolean(values["serves_nationally"]),
                    "website": values["website"],
                    "parent_ref": "",  # set below, once every organisation is there
                    "description": values["description"],
                },
            )
            return Organisation.objects.get(ref=listed.ref)
        return organisation_create(
            creator=creator,
            name=values["name"],
            kind=taxonomy.kind_objects[values["kind_id"]],
            province=Province(pk=values["province_id"]),
            website=values["website"],
            description=values["description"],
            capacity=values["capacity"],
            serves_nationally=values["serves_nationally"],
            topics=_ids(taxonomy.topics, listed.topics),
            sectors=_ids(taxonomy.sectors, listed.sectors),
            formats=_ids(taxonomy.formats, " ".join(offered_formats.get(listed.ref, []))),
        )

    org_refs = [org.ref for org in ORGANISATIONS]
    organisations = _upsert(
        Organisation.objects.filter(ref__in=org_refs),
        key="ref",
        rows=org_rows,
        writes=writes,
        create_only={"slug"},
        create=organisation_created,
    )
    org_pk = {ref: obj.pk for ref, obj in organisations.items()}
    organisations_by_pk = {obj.pk: obj for obj in organisations.values()}
    for org in ORGANISATIONS:
        parent = organisations[org.parent] if org.parent else None
        if organisations[org.ref].parent_id != (parent.pk if parent else None):
            organisation_update(organisation=organisations[org.ref], parent=parent)
            writes.count += 1
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda org: org.topics),
        ("sectors", taxonomy.sectors, lambda org: org.sectors),
        ("formats", taxonomy.formats, lambda org: " ".join(offered_formats.get(org.ref, []))),
    ):
        wanted = {org_pk[org.ref]: _ids(lookup, value_of(org)) for org in ORGANISATIONS}
        _sync_links(Organisation, field, wanted, writes)

    def join_organisation(values: dict[str, Any]) -> Membership:
        """A person joins as on the site: they ask, and the organisation's administrator (or,
        without one, the region's coordinator) approves; an administrator is then made one.
        They joined long ago: the notices of it were read then."""
        organisation = organisations_by_pk[values["organisation_id"]]
        notices_before = _last_notice()
        membership = membership_request(
            user=people_by_pk[values["user_id"]], organisation=organisation
        )
        admin = people.get(administrator_of.get(organisation.ref, ""))
        decider = admin or region_coordinator(organisation.province_id)
        membership_decide(membership=membership, approve=True, decided_by=decider)
        if values["role"] == Membership.Role.ADMIN:
            membership = membership_set_role(membership=membership, role=Membership.Role.ADMIN)
        joined = people_by_pk[values["user_id"]].date_joined + timedelta(days=1)
        _notices_read_as_history(after=notices_before, at=joined)
        membership.refresh_from_db()
        return membership

    _upsert(
        Membership.objects.filter(user_id__in=user_pk.values()),
        key=("user_id", "organisation_id"),
        rows=[
            {
                "user_id": user_pk[p.email],
                "organisation_id": org_pk[p.organisation],
                "role": Membership.Role.ADMIN if p.is_org_admin else Membership.Role.MEMBER,
                "state": Membership.State.ACTIVE,
                "job_title": p.job_title,
            }
            for p in PEOPLE
            if p.organisation
        ],
        writes=writes,
        create=join_organisation,
    )
    requests = _upsert(
        Membership.objects.filter(
            user_id__in=[user_pk[email] for email, *_ in MEMBERSHIP_REQUESTS]
        ),
        key=("user_id", "organisation_id"),
        rows=[
            {
                "user_id": user_pk[email],
                "organisation_id": org_pk[org_ref],
                "role": Membership.Role.MEMBER,
                "state": Membership.State.REQUESTED,
                "job_title": job_title,
                "created_at": at(-days_ago, 21),
            }
            for email, org_ref, job_title, days_ago in MEMBERSHIP_REQUESTS
        ],
        writes=writes,
        # The organisation's administrators are told, as when someone asks on the site.
        create=lambda row: membership_request(
            user=people_by_pk[row["user_id"]],
            organisation=organisations_by_pk[row["organisation_id"]],
        ),
    )
    # Challenges: made by their author where the demo has one, and moved along the review
    # workflow by the services to their status (the notices, the audit trail and the match
    # runs come with it); then their dates are set back to a believable history.
    community_of = {ref: c for c in COMMUNITIES for ref in c.challenges}
    challenge_rows = []
    for challenge in CHALLENGES:
        org = ORGANISATIONS_BY_REF[challenge.organisation]
        challenge_rows.append(
            {
                "ref": challenge.ref,
                "organisation_id": org_pk[org.ref],
                "title": challenge.title,
                "description": challenge.description,
                "learning_goals": challenge.learning_goals,
                "province_id": taxonomy.provinces[org.province],
                "time_frame": rng.choice(Challenge.TimeFrame.values),
                "visibility": challenge.visibility,
                "status": challenge.status,
                "rejection_reason": challenge.rejection_reason,
                "created_by_id": user_pk.get(challenge.created_by),
                **_challenge_dates(challenge, community_of.get(challenge.ref), rng, at),
            }
        )

    def challenge_through_workflow(values: dict[str, Any]) -> Challenge:
        listed = challenge_by_ref[values["ref"]]
        author = people_by_pk.get(values["created_by_id"])
        fields = {
            "title": values["title"],
            "description": values["description"],
            "learning_goals": values["learning_goals"],
            "time_frame": values["time_frame"],
            "visibility": values["visibility"],
            "topics": _ids(taxonomy.topics, listed.topics),
            "sectors": _ids(taxonomy.sectors, listed.sectors),
            "formats": _ids(taxonomy.formats, listed.formats),
        }
        organisation = organisations_by_pk[values["organisation_id"]]
        province = Province(pk=values["province_id"])
        reviewer = region_coordinator(values["province_id"])
        if author is not None:
            challenge, _created = challenge_create(
                organisation=organisation, by=author, province=province, **fields
            )
        else:
            # An organisation the hub onboarded without people of its own: its challenge is
            # registered for it through the coordinator's import (as a draft), and the
            # coordinator completes what the file has no column for.
            _import_row(
                challenges_import,
                CHALLENGE_COLUMNS,
                {
                    "ref": listed.ref,
                    "organisation_ref": listed.organisation,
                    "title": fields["title"],
                    "description": fields["description"],
                    "province": ORGANISATIONS_BY_REF[listed.organisation].province,
                    "topics": join_list(listed.topics.split()),
                    "sectors": join_list(listed.sectors.split()),
                    "formats": join_list(listed.formats.split()),
                    "status": "",
                },
            )
            challenge = challenge_update(
                challenge=Challenge.objects.get(ref=listed.ref),
                by=reviewer,
                province=province,
                **fields,
            )
        status = values["status"]
        if status == ChallengeStatus.DRAFT:
            return challenge
        challenge_submit(challenge=challenge, by=author)
        if status == ChallengeStatus.REJECTED:
            challenge_reject(challenge=challenge, reason=values["rejection_reason"], by=reviewer)
        elif status != ChallengeStatus.SUBMITTED:
            challenge_publish(challenge=challenge, by=reviewer)
            if listed.ref in in_community:
                pass  # its community takes it on below
            elif status == ChallengeStatus.IN_COMMUNITY:
                challenge_change_status(
                    challenge=challenge, to_status=ChallengeStatus.IN_COMMUNITY, by=reviewer
                )
            elif status == ChallengeStatus.CLOSED:
                challenge_close(challenge=challenge, by=reviewer)
        challenge.refresh_from_db()
        return challenge

    challenge_by_ref = {c.ref: c for c in CHALLENGES}
    in_community = {ref for c in COMMUNITIES for ref in c.challenges}
    challenges = _upsert(
        Challenge.objects.filter(ref__in=[c.ref for c in CHALLENGES]),
        key="ref",
        rows=challenge_rows,
        writes=writes,
        create=challenge_through_workflow,
        # Where forming a community takes a new challenge on, written once that is done.
        left_to_create={"status", "closed_at"},
    )
    challenge_pk = {ref: obj.pk for ref, obj in challenges.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda c: c.topics),
        ("sectors", taxonomy.sectors, lambda c: c.sectors),
        ("formats", taxonomy.formats, lambda c: c.formats),
    ):
        wanted = {challenge_pk[c.ref]: _ids(lookup, value_of(c)) for c in CHALLENGES}
        _sync_links(Challenge, field, wanted, writes)

    # Matches: the pairs the demo decided on, suggested by matching's own service with the
    # matcher's score and reasons (no second scoring here), then decided through the review
    # workflow (its transition check, the audit trail, the supplier's capacity) by the
    # region's coordinator where the demo has one. A pair stored already keeps its decision
    # until the restore below.
    listed = [(challenge_pk[c], org_pk[o]) for c, o, _status in MATCHES]
    stored_pairs = set(
        Match.objects.filter(
            challenge_id__in={c for c, _o in listed}, organisation_id__in={o for _c, o in listed}
        ).values_list("challenge_id", "organisation_id")
    )
    suggested = match_suggest_pairs(pairs=listed)
    match_rows = []
    for challenge_ref, supplier_ref, status in MATCHES:
        pair = (challenge_pk[challenge_ref], org_pk[supplier_ref])
        computed_at = challenges[challenge_ref].published_at + timedelta(hours=1)
        decided = status != MatchStatus.SUGGESTED
        in_coordinated_hub = challenges[challenge_ref].province_id in coordinated_provinces
        decider = coordinator if decided and in_coordinated_hub else None
        if decided and pair not in stored_pairs:
            match_set_status(match=suggested[pair], status=status, by=decider)
        match_rows.append(
            {
                "challenge_id": pair[0],
                "organisation_id": pair[1],
                "computed_at": computed_at,
                "status": status,
                "status_changed_at": computed_at + timedelta(days=2) if decided else None,
                "status_changed_by_id": decider.pk if decider else None,
            }
        )

    def match_not_suggested(values: dict[str, Any]) -> Match:
        raise AssertionError(f"match_suggest_pairs left out {values}")

    matches = _upsert(
        Match.objects.filter(pk__in=[match.pk for match in suggested.values()]),
        key=("challenge_id", "organisation_id"),
        rows=match_rows,
        writes=writes,
        create=match_not_suggested,
    )
    writes.count += len(set(listed) - stored_pairs)
    challenges_by_pk = {obj.pk: obj for obj in challenges.values()}

    # Learning communities: formed by a coordinator around their first challenge and its
    # accepted partners, as on the site (`community_form_from_matches`: the invitations, the
    # challenge "in a community", the audit trail), with their further challenges added by
    # `community_challenge_add`. The demo's members take up their invitation, or ask to join
    # and are let in; then the community moves along forming -> active -> completed. The
    # demo's own rows restore the rest of its history below.
    community_by_slug = {c.slug: c for c in COMMUNITIES}

    def community_former(c: Community) -> User:
        """Who formed it: the demo's hub coordinator in that hub, the programme coordinator
        (who works nationally) elsewhere."""
        return coordinator if c.hub == COORDINATED_HUB else people[PROGRAMME_COORDINATOR]

    def form_community(values: dict[str, Any]) -> LearningCommunity:
        listed = community_by_slug[values["slug"]]
        former = community_former(listed)
        notices_before = _last_notice()
        community, _formed = community_form_from_matches(
            challenge=challenges[listed.challenges[0]],
            by=former,
            name=listed.name,
            goal=listed.goal,
            learning_objectives=listed.learning_objectives,
            is_public=listed.is_public,
        )
        for ref in listed.challenges[1:]:
            community_challenge_add(community=community, challenge=challenges[ref], by=former)
        invitations = {
            invitation.user_id: invitation
            for invitation in CommunityInvitation.objects.filter(community=community)
        }
        for email, role in listed.members:
            person = people[email]
            if person.pk == former.pk:
                continue
            if person.pk in invitations:
                community_invitation_accept(invitation=invitations[person.pk], by=person)
                continue
            # A co-coordinator asks as a participant; the coordinators' role is given in the
            # admin afterwards (the restore below).
            request, _created = join_request_create(
                community=community,
                user=person,
                role=role if role in PARTICIPANT_ROLE_VALUES else CommunityMembership.Role.LECTURER,
            )
            join_request_approve(join_request=request, by=former)
        for status in COMMUNITY_STATUS_PATH[listed.status]:
            community_change_status(community=community, to_status=status, by=former)
        for ref in listed.challenges:
            if challenge_by_ref[ref].status == ChallengeStatus.CLOSED:
                challenge_close(challenge=challenges[ref], by=former)
        if listed.started_days_ago > ANNOUNCED_WITHIN_DAYS:
            # Formed long ago: its invitations were answered and their notices read then.
            started = at(-listed.started_days_ago)
            _notices_read_as_history(after=notices_before, at=started + timedelta(days=1))
            CommunityInvitation.objects.filter(community=community).update(created_at=started)
            CommunityInvitation.objects.filter(
                community=community, decided_at__isnull=False
            ).update(decided_at=started + timedelta(days=1))
        return community

    communities = _upsert(
        LearningCommunity.objects.filter(slug__in=[c.slug for c in COMMUNITIES]),
        key="slug",
        rows=[
            {
                "slug": c.slug,
                "name": c.name,
                "goal": c.goal,
                "learning_objectives": c.learning_objectives,
                "hub_id": hubs[c.hub].pk,
                "status": c.status,
                "is_public": c.is_public,
                "created_at": at(-c.started_days_ago),
            }
            for c in COMMUNITIES
        ],
        writes=writes,
        create=form_community,
    )
    community_pk = {slug: obj.pk for slug, obj in communities.items()}
    communities_by_pk = {obj.pk: obj for obj in communities.values()}
    _sync_links(
        LearningCommunity,
        "challenges",
        {community_pk[c.slug]: {challenge_pk[ref] for ref in c.challenges} for c in COMMUNITIES},
        writes,
    )
    _sync_links(
        LearningCommunity,
        "organisations",
        {community_pk[c.slug]: {org_pk[ref] for ref in c.organisations} for c in COMMUNITIES},
        writes,
    )
    person_org = {p.email: p.organisation for p in PEOPLE}
    in_communities = list(community_pk.values())

    def member_missing(values: dict[str, Any]) -> CommunityMembership:
        raise AssertionError(f"Demo member not brought in by forming the community: {values}")

    members = _upsert(
        CommunityMembership.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "user_id": user_pk[email],
                "organisation_id": org_pk.get(person_org[email]),
                "role": role,
                "joined_at": at(-c.started_days_ago + index),
            }
            for c in COMMUNITIES
            for index, (email, role) in enumerate(c.members)
        ],
        writes=writes,
        create=member_missing,
    )
    # The challenges again, now that forming and closing are done: their history.
    _upsert(
        Challenge.objects.filter(pk__in=challenge_pk.values()),
        key="ref",
        rows=challenge_rows,
        writes=writes,
    )
    join_requests = _upsert(
        JoinRequest.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "user_id": user_pk[email],
                "role": role,
                "message": message,
                "state": JoinRequest.State.PENDING,
                "decided_at": None,
                "decided_by_id": None,
                "created_at": at(-2 - index, 20),
            }
            for c in COMMUNITIES
            for index, (email, role, message) in enumerate(c.join_requests)
        ],
        writes=writes,
        # The community's coordinators are told.
        create=lambda row: join_request_create(
            community=communities_by_pk[row["community_id"]],
            user=people_by_pk[row["user_id"]],
            role=row["role"],
            message=row["message"],
        )[0],
    )
    upcoming = {
        (community_pk[c.slug], meeting.title)
        for c in COMMUNITIES
        for meeting in c.activities
        if meeting.days_from_today >= 0
    }

    def plan_activity(values: dict[str, Any]) -> Activity:
        """Planned as a coordinator plans it on the site (the service tells the members); for
        a past activity that notice is history, read a week before it took place."""
        notices_before = _last_notice()
        fields = {name: value for name, value in values.items() if name != "community_id"}
        activity = activity_create(
            community=communities_by_pk[values["community_id"]], by=None, **fields
        )[0]
        if (values["community_id"], values["title"]) not in upcoming:
            _notices_read_as_history(
                after=notices_before, at=values["starts_at"] - timedelta(days=7)
            )
        return activity

    activities = _upsert(
        Activity.objects.filter(community_id__in=in_communities),
        key=("community_id", "title"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "title": meeting.title,
                "kind": meeting.kind,
                "description": meeting.description,
                "starts_at": at(meeting.days_from_today, meeting.hour),
                "ends_at": at(meeting.days_from_today, meeting.hour + 2),
                "location": meeting.location,
                "online_url": meeting.online_url,
            }
            for c in COMMUNITIES
            for meeting in c.activities
        ],
        writes=writes,
        create=plan_activity,
    )
    recent_posts = {
        (community_pk[c.slug], post.body)
        for c in COMMUNITIES
        for post in c.updates
        if post.days_ago <= ANNOUNCED_WITHIN_DAYS
    }

    def post_update(values: dict[str, Any]) -> Update:
        """Posted as a member posts it on the site (the service tells the other members); the
        notices of an older update are history, read long ago."""
        notices_before = _last_notice()
        update = community_update_create(
            community=communities_by_pk[values["community_id"]],
            author=people_by_pk[values["author_id"]],
            body=values["body"],
        )[0]
        if (values["community_id"], values["body"]) not in recent_posts:
            _notices_read_as_history(after=notices_before, at=values["created_at"])
        return update

    updates = _upsert(
        Update.objects.filter(community_id__in=in_communities),
        key=("community_id", "body"),
        rows=[
            {
                "community_id": community_pk[c.slug],
                "body": post.body,
                "author_id": user_pk[post.author],
                "created_at": at(-post.days_ago, 11),
            }
            for c in COMMUNITIES
            for post in c.updates
        ],
        writes=writes,
        create=post_update,
    )

    records = _upsert(
        LearningRecord.objects.filter(community_id__in=in_communities),
        key=("community_id", "user_id"),
        rows=[
            {
                "community_id": community_pk[record.community],
                "user_id": user_pk[_member(record.community, record.author)],
                "text": record.text,
                "created_at": at(-record.days_ago - 20, 17),
                "updated_at": at(-record.days_ago, 17),
            }
            for record in LEARNING_RECORDS
        ],
        writes=writes,
        # Written by the participant, as on the site (the service checks they take part).
        create=lambda row: learning_record_save(
            community=communities_by_pk[row["community_id"]],
            user=people_by_pk[row["user_id"]],
            text=row["text"],
        ),
    )

    # The knowledge base: shared by its author as on the site (a unique slug, the checked
    # file, the double-submit guard). What has no link of its own comes with its write-up as
    # a Markdown file, since an item needs a file or a link.
    knowledge_by_slug = {item.slug: item for item in KNOWLEDGE_ITEMS}

    def share_knowledge_item(values: dict[str, Any]) -> KnowledgeItem:
        listed = knowledge_by_slug[values["slug"]]
        write_up = None
        if not listed.link:
            text = f"# {listed.title}\n\n{listed.summary}\n\n{listed.body}\n"
            write_up = ContentFile(text.encode(), name=f"{listed.slug}.md")
        item, _created = knowledge_item_create(
            title=listed.title,
            kind=listed.kind,
            summary=listed.summary,
            body=listed.body,
            author=people_by_pk[values["author_id"]],
            source_community=communities_by_pk.get(values["source_community_id"]),
            file=write_up,
            link=listed.link,
            licence=listed.licence,
            visibility=listed.visibility,
            topics=_ids(taxonomy.topics, listed.topics),
            sectors=_ids(taxonomy.sectors, listed.sectors),
        )
        return item

    items = _upsert(
        KnowledgeItem.objects.filter(slug__in=[i.slug for i in KNOWLEDGE_ITEMS]),
        key="slug",
        rows=[
            {
                "slug": item.slug,
                "kind": item.kind,
                "title": item.title,
                "summary": item.summary,
                "body": item.body,
                "link": item.link,
                "licence": item.licence,
                "source_community_id": community_pk[item.community] if item.community else None,
                "author_id": user_pk[item.author],
                "visibility": item.visibility,
                "created_at": at(-item.days_ago),
            }
            for item in KNOWLEDGE_ITEMS
        ],
        writes=writes,
        create=share_knowledge_item,
    )
    item_pk = {slug: obj.pk for slug, obj in items.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda i: i.topics),
        ("sectors", taxonomy.sectors, lambda i: i.sectors),
    ):
        wanted = {item_pk[i.slug]: _ids(lookup, value_of(i)) for i in KNOWLEDGE_ITEMS}
        _sync_links(KnowledgeItem, field, wanted, writes)

    # What members did with the challenges: interest, and an introduction to a matched partner.
    interests = _upsert(
        ChallengeInterest.objects.filter(challenge_id__in=challenge_pk.values()),
        key=("challenge_id", "user_id"),
        rows=[
            {
                "challenge_id": challenge_pk[interest.challenge],
                "user_id": user_pk[interest.person],
                "message": interest.message,
                "created_at": at(-interest.days_ago, 15),
            }
            for interest in INTERESTS
        ],
        writes=writes,
        # The challenge's organisation is told.
        create=lambda row: challenge_interest_express(
            challenge=challenges_by_pk[row["challenge_id"]],
            user=people_by_pk[row["user_id"]],
            message=row["message"],
        )[0],
    )
    # Only for a pair the demo matched: a missing one is left out rather than failing the load.
    introduced = [
        (intro, matches[pair])
        for intro in INTRODUCTIONS
        if (pair := (challenge_pk[intro.challenge], org_pk[intro.partner])) in matches
    ]
    matches_by_pk = {match.pk: match for _, match in introduced}
    introductions = _upsert(
        IntroductionRequest.objects.filter(match_id__in=matches_by_pk),
        key="match_id",
        rows=[
            {
                "match_id": match.pk,
                "requested_by_id": user_pk[intro.requested_by],
                "message": intro.message,
                "state": IntroductionRequest.State.REQUESTED,
                "decided_at": None,
                "decided_by_id": None,
                "created_at": at(-intro.days_ago, 16),
            }
            for intro, match in introduced
        ],
        writes=writes,
        # The partner's administrators and the region's coordinators are told. A suggested
        # match would be shortlisted here; the demo's table shortlists it already, so a
        # refresh keeps it so and the matcher never removes it.
        create=lambda row: introduction_request_create(
            match=matches_by_pk[row["match_id"]],
            by=people_by_pk[row["requested_by_id"]],
            message=row["message"],
        )[0],
    )

    return DemoSummary(
        organisations=len(organisations),
        people=len(people),
        challenges=len(challenges),
        communities=len(communities),
        community_members=len(members),
        join_requests=len(join_requests),
        activities=len(activities),
        updates=len(updates),
        knowledge_items=len(items),
        matches=len(matches),
        learning_records=len(records),
        interests=len(interests),
        introductions=len(introductions),
        membership_requests=len(requests),
        writes=writes.count,
    )
