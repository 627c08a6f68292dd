"""The demo's organisations and who belongs to them: made by their administrator or through the
hub's import, joined by asking."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any

from django.utils.text import slugify

from apps.core.csv_exchange import (
    format_boolean,
    join_list,
)
from apps.core.slugs import unique_slug
from apps.matching.models import MatchStatus
from apps.organisations.exchange import COLUMNS as ORGANISATION_COLUMNS
from apps.organisations.exchange import organisations_import
from apps.organisations.models import Membership, Organisation
from apps.organisations.services import (
    membership_decide,
    membership_request,
    membership_set_role,
    organisation_create,
    organisation_update,
    organisation_verify,
)
from apps.taxonomy.models import Province

from ..demo_data.matches import MATCHES
from ..demo_data.organisations import KIND_FORMATS, ORGANISATIONS
from ..demo_data.people import (
    MEMBERSHIP_REQUESTS,
    PEOPLE,
    PROGRAMME_COORDINATOR,
)
from .context import (
    ORGANISATIONS_BY_REF,
    DemoLoad,
)
from .rows import (
    ids,
    import_row,
    last_notice,
    notices_read_as_history,
    sync_links,
    upsert,
)


def load_organisations(load: DemoLoad) -> None:
    """The organisations, their parents and labels, the memberships and the open requests."""
    rng, taxonomy, at, writes, people, people_by_pk, user_pk = (
        load.rng,
        load.taxonomy,
        load.at,
        load.writes,
        load.people,
        load.people_by_pk,
        load.user_pk,
    )
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
            import_row(
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
                    "kvk": "",
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
            topics=ids(taxonomy.topics, listed.topics),
            sectors=ids(taxonomy.sectors, listed.sectors),
            formats=ids(taxonomy.formats, " ".join(offered_formats.get(listed.ref, []))),
        )

    org_refs = [org.ref for org in ORGANISATIONS]
    organisations = upsert(
        Organisation.objects.filter(ref__in=org_refs),
        key="ref",
        rows=org_rows,
        writes=writes,
        create_only={"slug"},
        create=organisation_created,
    )
    # What their administrators added on the site waits for a coordinator: the programme's
    # verifies it, as it would after checking (the imported ones are verified already).
    for organisation in organisations.values():
        if not organisation.is_verified and organisation_verify(
            organisation=organisation, by=people[PROGRAMME_COORDINATOR]
        ):
            writes.count += 1
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
        wanted = {org_pk[org.ref]: ids(lookup, value_of(org)) for org in ORGANISATIONS}
        sync_links(Organisation, field, wanted, writes)

    def join_organisation(values: dict[str, Any]) -> Membership:
        """A person joins as on the site: they ask, and the organisation's administrator (or,
        without one, the region's coordinator) approves; an administrator is then made one.
        They joined long ago: the notices of it were read then."""
        organisation = organisations_by_pk[values["organisation_id"]]
        notices_before = last_notice()
        membership = membership_request(
            user=people_by_pk[values["user_id"]], organisation=organisation
        )
        admin = people.get(administrator_of.get(organisation.ref, ""))
        decider = admin or load.region_coordinator(organisation.province_id)
        membership_decide(membership=membership, approve=True, decided_by=decider)
        if values["role"] == Membership.Role.ADMIN:
            membership = membership_set_role(membership=membership, role=Membership.Role.ADMIN)
        joined = people_by_pk[values["user_id"]].date_joined + timedelta(days=1)
        notices_read_as_history(after=notices_before, at=joined)
        membership.refresh_from_db()
        return membership

    upsert(
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
    requests = upsert(
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
    load.organisations = organisations
    load.org_pk = org_pk
    load.organisations_by_pk = organisations_by_pk
    load.requests = requests
