"""Reads of organisations. Every list and page starts from `Organisation.objects.visible_to`."""

import re
import unicodedata
from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, QuerySet, Subquery, When

from apps.taxonomy.models import AITopic, OrganisationKind

from .filters import OrganisationFilterSet
from .models import Membership, Organisation


def _with_card_data(queryset: QuerySet[Organisation]) -> QuerySet[Organisation]:
    return queryset.select_related("kind", "province").prefetch_related(
        Prefetch("topics", queryset=AITopic.objects.order_by("position"))
    )


def organisation_filterset(*, user, filters: Mapping[str, Any] | None) -> OrganisationFilterSet:
    """The directory's FilterSet: its `.form` and facets for the page, its `.qs` for the rows
    (searched, filtered and sorted), `.facet_counts()` for the counts beside the options.
    `filters`: `request.GET`, or a plain mapping with a value or a list per facet."""
    queryset = Organisation.objects.visible_to(user)
    return OrganisationFilterSet(filters, queryset=_with_card_data(queryset), user=user)


def organisation_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Organisation]:
    return organisation_filterset(user=user, filters=filters).qs


def organisation_list_for_hub(*, user, hub) -> QuerySet[Organisation]:
    """The organisations in the hub's provinces that the user may see, by name."""
    queryset = Organisation.objects.visible_to(user).filter(province__in=hub.provinces.all())
    return _with_card_data(queryset.order_by("name", "pk"))


def organisation_get_visible(*, user, slug: str) -> Organisation | None:
    """One organisation with everything its page shows, or None when the user may not
    see it. Parent and children are only those the user may see as well."""
    visible = Organisation.objects.visible_to(user)
    return (
        visible.select_related("kind", "province")
        .prefetch_related(
            Prefetch("parent", queryset=Organisation.objects.visible_to(user)),
            Prefetch(
                "children",
                queryset=Organisation.objects.visible_to(user)
                .select_related("kind")
                .order_by("name"),
                to_attr="visible_children",
            ),
            Prefetch("topics", queryset=AITopic.objects.order_by("position")),
            "sectors",
            "formats",
        )
        .filter(slug=slug)
        .first()
    )


# --- Membership -------------------------------------------------------------------------------


def organisation_get_for_user(*, user, slug: str) -> Organisation | None:
    """The organisation (kind and province loaded) if the user may see it, else None; for
    pages that act on it rather than show all of it."""
    return (
        Organisation.objects.visible_to(user)
        .select_related("kind", "province")
        .filter(slug=slug)
        .first()
    )


def membership_get(*, user, organisation: Organisation) -> Membership | None:
    """The user's membership (active or requested) of the organisation, if any."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def membership_list_for_user(*, user) -> QuerySet[Membership]:
    """The user's memberships and open requests, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation__kind", "organisation__province")
        .order_by("organisation__name", "pk")
    )


def membership_requests_to_decide(*, user) -> QuerySet[Membership]:
    """Open requests to join the organisations the user administers, oldest first."""
    return (
        Membership.objects.filter(
            state=Membership.State.REQUESTED,
            organisation__in=Organisation.objects.administered_by(user).values("pk"),
        )
        .select_related("user", "organisation")
        .order_by("created_at", "pk")
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """Everyone in the organisation and everyone asking to join: requests first, then
    administrators, then members, by name."""
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by(
            Case(When(state=Membership.State.REQUESTED, then=0), default=1),
            Case(When(role=Membership.Role.ADMIN, then=0), default=1),
            "user__full_name",
            "pk",
        )
    )


def organisation_list_sole_admin(*, user) -> QuerySet[Organisation]:
    """Organisations of which the user is the only active administrator."""
    other_admins = Membership.objects.filter(
        organisation=OuterRef("pk"),
        role=Membership.Role.ADMIN,
        state=Membership.State.ACTIVE,
    ).exclude(user=user)
    return (
        Organisation.objects.administered_by(user)
        .exclude(Exists(other_admins))
        .order_by("name", "pk")
    )


def organisation_search_to_join(*, user, query: str, limit: int = 20) -> QuerySet[Organisation]:
    """Active organisations whose name contains `query`, each with `viewer_state` (the
    user's membership state, or None), for the "find your organisation" search."""
    query = " ".join(query.split())
    if not query:
        return Organisation.objects.none()
    own = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("state")[:1]
    return (
        Organisation.objects.visible_to(user)
        .active()
        .filter(name__icontains=query)
        .select_related("kind", "province")
        .annotate(viewer_state=Subquery(own))
        .order_by("name", "pk")[:limit]
    )


def organisation_for_home_domain(*, user, domain: str) -> Organisation | None:
    """The active organisation whose website is on `domain` (an institution's
    `schac_home_organization` from SURFconext, e.g. "hsleiden.nl"): www.hsleiden.nl and
    hsleiden.nl count, nothsleiden.nl does not. With `viewer_state` as in the search."""
    domain = domain.strip().lower().rstrip(".")
    if not domain or not re.fullmatch(r"[a-z0-9.-]+", domain):
        return None
    own = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("state")[:1]
    return (
        Organisation.objects.visible_to(user)
        .active()
        .filter(website__iregex=rf"^https?://([^/]*\.)?{re.escape(domain)}(:[0-9]+)?(/|$)")
        .select_related("kind")
        .annotate(viewer_state=Subquery(own))
        .order_by("name", "pk")
        .first()
    )


def organisation_kind_get(*, pk: str) -> OrganisationKind | None:
    """The organisation kind with this pk (as a form sends it), or None."""
    return OrganisationKind.objects.filter(pk=pk).first() if pk.isdigit() else None


# --- Parents ----------------------------------------------------------------------------------


def organisation_possible_parents(
    *, user, excluding: Organisation | None = None
) -> QuerySet[Organisation]:
    """What an organisation may be part of: an active education organisation the user can
    see, never the organisation itself or one below it (that would make a loop)."""
    queryset = Organisation.objects.visible_to(user).active().education()
    if excluding is not None:
        queryset = queryset.exclude(pk__in=_self_and_descendants(excluding))
    return queryset


def organisation_search_parents(
    *, user, query: str, queryset: QuerySet[Organisation] | None = None, limit: int = 10
) -> QuerySet[Organisation]:
    """Possible parents whose names contain `query`, by name (none for an empty query)."""
    query = " ".join(query.split())
    if not query:
        return Organisation.objects.none()
    if queryset is None:
        queryset = organisation_possible_parents(user=user)
    return (
        queryset.filter(name__icontains=query).select_related("province").order_by("name", "pk")
    )[:limit]


def _self_and_descendants(organisation: Organisation) -> set[int]:
    """The organisation and everything below it: none of them can become its parent."""
    found = {organisation.pk}
    frontier = {organisation.pk}
    while frontier:
        frontier = set(
            Organisation.objects.filter(parent__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found


def membership_in_organisation(organisation: Organisation, membership_id: int) -> Membership | None:
    """A membership of this organisation (None if it is gone: decided or removed already)."""
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=membership_id, organisation=organisation)
        .first()
    )


# --- Similar names ----------------------------------------------------------------------------

# Words that say nothing about which organisation it is: legal forms and little words.
_FILLER_WORDS = frozenset(
    {"bv", "nv", "vof", "cv", "stichting", "holding", "de", "het", "een", "en", "van", "the"}
)
# Names alike in at least this share of their words, or spelt this much alike, may be the same.
SIMILAR_WORD_SHARE = 0.5
SIMILAR_SPELLING = 0.85


def organisation_name_words(name: str) -> list[str]:
    """The words that identify an organisation's name: lower case, without accents,
    punctuation, legal form or little words ("Hogeschool Westland B.V." → hogeschool,
    westland)."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char)).replace(".", "")
    return [word for word in re.split(r"[^0-9a-z]+", text) if word and word not in _FILLER_WORDS]


def organisation_names_look_alike(first: str, second: str) -> bool:
    """Whether two names may well name the same organisation: the same words in any order,
    at least half of their words shared, or nearly the same spelling (a typo)."""
    first_words, second_words = organisation_name_words(first), organisation_name_words(second)
    if not first_words or not second_words:
        return False
    first_set, second_set = set(first_words), set(second_words)
    if len(first_set & second_set) / len(first_set | second_set) >= SIMILAR_WORD_SHARE:
        return True
    ratio = SequenceMatcher(None, " ".join(first_words), " ".join(second_words)).ratio()
    return ratio >= SIMILAR_SPELLING


def organisation_list_similar(
    *, user, name: str, province, exclude_pk: int | None = None, limit: int = 5
) -> list[Organisation]:
    """Organisations in `province` the user may see whose names look like `name` (see
    `organisation_names_look_alike`), each with `viewer_state` (the user's membership state,
    or None): what to suggest joining instead of adding a second one. Those the user is a
    member of already are left out. Two queries."""
    candidates = (
        Organisation.objects.visible_to(user)
        .filter(province=province)
        .exclude(pk__in=Membership.objects.organisation_ids_of(user))
    )
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    alike = [
        pk
        for pk, other in candidates.order_by("name", "pk").values_list("pk", "name")
        if organisation_names_look_alike(name, other)
    ][:limit]
    if not alike:
        return []
    own = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("state")[:1]
    queryset = Organisation.objects.filter(pk__in=alike).select_related("kind", "province")
    if user.is_authenticated:
        queryset = queryset.annotate(viewer_state=Subquery(own))
    return list(queryset.order_by("name", "pk"))
