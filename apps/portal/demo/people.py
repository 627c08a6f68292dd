"""The demo's people: registered and given their roles as on the site."""

from __future__ import annotations

from typing import Any

from apps.accounts.models import User
from apps.accounts.services import profile_update
from apps.hubs.models import HubCoordinator
from apps.hubs.services import hub_coordinator_add, programme_coordinator_set
from apps.taxonomy.models import Province

from ..demo_data.people import (
    COORDINATED_HUB,
    HUB_COORDINATOR,
    PEOPLE,
    PROGRAMME_COORDINATOR,
)
from .context import DemoLoad
from .rows import (
    ids,
    shared_password_hash,
    sync_links,
    upsert,
)


def load_people(load: DemoLoad, *, password: str) -> None:
    """Every demo person, who can log in with `password`; the coordinators' roles."""
    taxonomy, at, writes, hubs = load.taxonomy, load.at, load.writes, load.hubs
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
            expertise_topics=ids(taxonomy.topics, listed.expertise),
        )

    emails = [person.email for person in PEOPLE]
    password_hash = shared_password_hash(password, emails)
    people = upsert(
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
    sync_links(
        User,
        "expertise_topics",
        {user_pk[p.email]: ids(taxonomy.topics, p.expertise) for p in PEOPLE},
        writes,
    )
    from allauth.account.models import EmailAddress

    upsert(
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

    coordinated_provinces = set(hubs[COORDINATED_HUB].provinces.values_list("pk", flat=True))

    load.people = people
    load.user_pk = user_pk
    load.people_by_pk = people_by_pk
    load.coordinator = coordinator
    load.coordinated_provinces = coordinated_provinces
