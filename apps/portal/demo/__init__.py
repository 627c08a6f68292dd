"""A believable, fictional Dutch demo dataset (`manage.py load_demo`, run by `make run`): the
content is in demo_data/, one module per domain; this package loads it through the services,
one module per domain too (people.py, organisations.py, challenges.py, matches.py,
communities.py, knowledge.py; rows.py is how a row is found again and written).

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

import random
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from apps.hubs.models import Hub
from apps.organisations.models import Organisation

from ..demo_data.organisations import ORGANISATIONS
from ..demo_data.people import DEMO_LOGINS as DEMO_LOGINS
from ..demo_data.people import HUB_COORDINATOR as HUB_COORDINATOR
from ..demo_data.people import LAB_STAFF as LAB_STAFF
from ..demo_data.people import LECTURER as LECTURER
from ..demo_data.people import PROGRAMME_COORDINATOR as PROGRAMME_COORDINATOR
from ..demo_data.people import SME_OWNER as SME_OWNER
from .challenges import load_challenges, restore_challenge_history
from .communities import load_communities, load_community_life
from .context import ANNOUNCED_WITHIN_DAYS as ANNOUNCED_WITHIN_DAYS
from .context import DemoLoad, Taxonomy
from .knowledge import load_knowledge
from .matches import load_matches, load_member_actions
from .organisations import load_organisations
from .people import load_people

DEFAULT_PASSWORD = "demo-wachtwoord"
SEED = 2026


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


def demo_is_loaded() -> bool:
    return Organisation.objects.filter(ref=ORGANISATIONS[0].ref).exists()


@transaction.atomic
def demo_load(*, password: str, now: datetime | None = None) -> DemoSummary:
    """Load or refresh the demo dataset in one transaction (see the package docstring).

    `now` is the moment the history is relative to (default: the current time). The steps
    run in the order people act: people and roles, organisations, challenges, matches,
    communities and what happens in them, knowledge, then what members did."""
    load = DemoLoad(
        today=timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0),
        rng=random.Random(SEED),
        taxonomy=Taxonomy(),
        hubs={hub.slug: hub for hub in Hub.objects.all()},
    )
    writes = load.writes
    for hub in load.hubs.values():
        if not hub.website:
            hub.website = f"https://ai-hub-{hub.slug}.example.nl"
            hub.save(update_fields=["website"])
            writes.count += 1

    load_people(load, password=password)
    load_organisations(load)
    load_challenges(load)
    load_matches(load)
    load_communities(load)
    restore_challenge_history(load)
    load_community_life(load)
    load_knowledge(load)
    load_member_actions(load)

    return DemoSummary(
        organisations=len(load.organisations),
        people=len(load.people),
        challenges=len(load.challenges),
        communities=len(load.communities),
        community_members=len(load.members),
        join_requests=len(load.join_requests),
        activities=len(load.activities),
        updates=len(load.updates),
        knowledge_items=len(load.items),
        matches=len(load.matches),
        learning_records=len(load.records),
        interests=len(load.interests),
        introductions=len(load.introductions),
        membership_requests=len(load.requests),
        writes=writes.count,
    )
