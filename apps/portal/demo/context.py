"""What the demo's loading steps share: the moment the history is relative to, the random
draws, the reference data, the rows each step made for the next, and the write count."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from apps.accounts.models import User
from apps.challenges.models import Challenge
from apps.communities.models import (
    CommunityStatus,
    LearningCommunity,
)
from apps.hubs.models import Hub
from apps.organisations.models import Organisation
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from ..demo_data.organisations import ORGANISATIONS
from ..demo_data.people import PROGRAMME_COORDINATOR
from .rows import Writes

# Updates at most this old were announced to the community's other members.
ANNOUNCED_WITHIN_DAYS = 14
# The moves a new community makes to reach the demo's status.
COMMUNITY_STATUS_PATH = {
    CommunityStatus.FORMING: (),
    CommunityStatus.ACTIVE: (CommunityStatus.ACTIVE,),
    CommunityStatus.COMPLETED: (CommunityStatus.ACTIVE, CommunityStatus.COMPLETED),
}


class Taxonomy:
    """Reference data by slug, read once."""

    def __init__(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.kind_objects = {kind.pk: kind for kind in OrganisationKind.objects.all()}
        self.kinds = {kind.slug: pk for pk, kind in self.kind_objects.items()}
        self.sectors = dict(Sector.objects.values_list("slug", "id"))
        self.formats = dict(Format.objects.values_list("slug", "id"))
        self.topics = dict(AITopic.objects.values_list("slug", "id"))


ORGANISATIONS_BY_REF = {org.ref: org for org in ORGANISATIONS}


@dataclass
class DemoLoad:
    """One load: filled step by step (people, organisations, challenges, matches, communities,
    knowledge, what members did), each step reading what the earlier ones made."""

    today: datetime
    rng: random.Random
    taxonomy: Taxonomy
    hubs: dict[str, Hub]
    writes: Writes = field(default_factory=Writes)
    # What the steps made, by natural key and by pk.
    people: dict[str, User] = field(default_factory=dict)
    user_pk: dict[str, int] = field(default_factory=dict)
    people_by_pk: dict[int, User] = field(default_factory=dict)
    coordinator: User | None = None
    coordinated_provinces: set[int] = field(default_factory=set)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    org_pk: dict[str, int] = field(default_factory=dict)
    organisations_by_pk: dict[int, Organisation] = field(default_factory=dict)
    requests: dict = field(default_factory=dict)
    challenge_rows: list[dict[str, Any]] = field(default_factory=list)
    challenge_by_ref: dict[str, Any] = field(default_factory=dict)
    challenges: dict[str, Challenge] = field(default_factory=dict)
    challenge_pk: dict[str, int] = field(default_factory=dict)
    challenges_by_pk: dict[int, Challenge] = field(default_factory=dict)
    matches: dict = field(default_factory=dict)
    communities: dict[str, LearningCommunity] = field(default_factory=dict)
    community_pk: dict[str, int] = field(default_factory=dict)
    communities_by_pk: dict[int, LearningCommunity] = field(default_factory=dict)
    in_communities: list[int] = field(default_factory=list)
    members: dict = field(default_factory=dict)
    join_requests: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)
    updates: dict = field(default_factory=dict)
    records: dict = field(default_factory=dict)
    items: dict = field(default_factory=dict)
    interests: dict = field(default_factory=dict)
    introductions: dict = field(default_factory=dict)

    def at(self, days: int, hour: int = 10) -> datetime:
        """`days` from today at `hour`. Wall-clock arithmetic in the local zone: a meeting at
        14:00 stays at 14:00 over DST."""
        return self.today + timedelta(days=days, hours=hour)

    def region_coordinator(self, province_id: int) -> User:
        """Who reviews or decides in a province: the demo's hub coordinator in its hub, the
        programme coordinator (who works nationally) elsewhere."""
        if province_id in self.coordinated_provinces:
            return self.coordinator
        return self.people[PROGRAMME_COORDINATOR]
