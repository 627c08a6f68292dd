"""Reads for the matcher: turn the database into the engine's integer-coded arrays with a
few set-based queries (one per relation), never a query per challenge or supplier."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from django.db import connection
from django.db.models import Case, F, Q, QuerySet, Value, When

from apps.challenges.meaning import SOURCE as CHALLENGES
from apps.challenges.models import Challenge, ChallengeStatus
from apps.hubs.models import Hub
from apps.organisations.meaning import SOURCE as ORGANISATIONS
from apps.organisations.models import Organisation
from apps.semantics.core import meaningful_term
from apps.semantics.embeddings import stored_vectors_for, texts_of
from apps.semantics.services import fitting_sentences
from apps.taxonomy.models import AITopic, Format, Province, Sector

from . import engine
from .models import HUMAN_DECIDED_STATUSES, Match, MatchRun, MatchStatus


@dataclass(frozen=True)
class Codebook:
    """Database ids <-> engine indices for the reference data."""

    topic_index: dict[int, int]
    topic_slugs: list[str]
    province_index: dict[int, int]
    sector_index: dict[int, int]
    sector_slugs: list[str]
    format_index: dict[int, int]
    format_slugs: list[str]
    taxonomy: engine.Taxonomy
    region: engine.Region


@dataclass(frozen=True)
class SupplyData:
    ids: np.ndarray  # int64[m] organisation ids, row order of `supply`
    refs: list[str | None]
    supply: engine.Supply
    vocabulary: dict[str, int]
    terms: list[str]
    idf: np.ndarray
    # The idf with the terms no reader should see as a reason (stop words, fragments,
    # numbers) at 0: what `engine.explain` picks the shared terms of a reason by. The score
    # uses `idf`.
    explain_idf: np.ndarray


@dataclass(frozen=True)
class DemandData:
    ids: np.ndarray  # int64[n]
    demand: engine.Demand


def codebook_load() -> Codebook:
    topics = list(AITopic.objects.order_by("id").values_list("id", "slug", "parent_id"))
    topic_index = {topic_id: index for index, (topic_id, _slug, _parent) in enumerate(topics)}
    group_ids = sorted(topic_id for topic_id, _slug, parent in topics if parent is None)
    group_index = {topic_id: index for index, topic_id in enumerate(group_ids)}
    topic_group = np.array(
        [
            group_index[parent if parent is not None else topic_id]
            for topic_id, _s, parent in topics
        ],
        dtype=np.int32,
    )
    is_group = np.array([parent is None for _id, _slug, parent in topics], dtype=bool)

    provinces = list(Province.objects.order_by("id").values_list("id", flat=True))
    province_index = {province_id: index for index, province_id in enumerate(provinces)}
    relation = np.full(
        (len(provinces), len(provinces)), engine.RegionRelation.ELSEWHERE, dtype=np.int8
    )
    hub_provinces = Hub.provinces.through.objects.values_list("hub_id", "province_id")
    provinces_by_hub: dict[int, list[int]] = {}
    for hub_id, province_id in hub_provinces:
        provinces_by_hub.setdefault(hub_id, []).append(province_index[province_id])
    for members in provinces_by_hub.values():
        relation[np.ix_(members, members)] = engine.RegionRelation.SAME_HUB
    borders = Province.neighbours.through.objects.values_list("from_province_id", "to_province_id")
    for a, b in borders:
        relation[province_index[a], province_index[b]] = engine.RegionRelation.NEIGHBOURING
    np.fill_diagonal(relation, engine.RegionRelation.SAME_PROVINCE)

    sectors = list(Sector.objects.order_by("id").values_list("id", "slug"))
    formats = list(Format.objects.order_by("id").values_list("id", "slug"))
    return Codebook(
        topic_index=topic_index,
        topic_slugs=[slug for _id, slug, _parent in topics],
        province_index=province_index,
        sector_index={sector_id: i for i, (sector_id, _slug) in enumerate(sectors)},
        sector_slugs=[slug for _id, slug in sectors],
        format_index={format_id: i for i, (format_id, _slug) in enumerate(formats)},
        format_slugs=[slug for _id, slug in formats],
        taxonomy=engine.Taxonomy(topic_group=topic_group, is_group=is_group),
        region=engine.Region(relation=relation),
    )


def _incidence(
    pairs: Iterable[tuple[int, int]], row_index: dict[int, int], col_index: dict[int, int], shape
) -> sp.csr_matrix:
    rows, cols = [], []
    for owner_id, item_id in pairs:
        rows.append(row_index[owner_id])
        cols.append(col_index[item_id])
    data = np.ones(len(rows), dtype=np.float32)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=shape, dtype=np.float32)
    matrix.sum_duplicates()
    matrix.data[:] = 1.0
    return matrix


def _lexemes(table: str, ids: Sequence[int]) -> list[tuple[int, list[str]]]:
    """(id, lexemes) from the stored search document: PostgreSQL did the stemming and the
    stop-word removal in Dutch and English."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, tsvector_to_array(search_document) FROM {table} WHERE id = ANY(%s)",
            [list(ids)],
        )
        return cursor.fetchall()


def _text_matrix(
    lexemes: list[tuple[int, list[str]]], row_index: dict[int, int], vocabulary: dict[str, int]
) -> sp.csr_matrix:
    rows, cols = [], []
    for owner_id, words in lexemes:
        row = row_index[owner_id]
        for word in words:
            column = vocabulary.get(word)
            if column is not None:
                rows.append(row)
                cols.append(column)
    data = np.ones(len(rows), dtype=np.float32)
    return sp.csr_matrix(
        (data, (rows, cols)), shape=(len(row_index), len(vocabulary)), dtype=np.float32
    )


# Whether a challenge's community still works is the communities app's to say, and it lies
# above matching: it names the condition, as a lookup from a Match, when it starts
# (`CommunitiesConfig.ready`: a forming or active community).
_HELD_IN_COMMUNITY: list[Q] = []


def capacity_held_while_in_community(condition: Q) -> None:
    """Name the condition (from a Match) under which an accepted match whose challenge is in
    a community still holds the partner's capacity."""
    if condition not in _HELD_IN_COMMUNITY:
        _HELD_IN_COMMUNITY.append(condition)


def remaining_capacity_by_organisation(
    organisation_ids: Sequence[int] | None = None,
) -> dict[int, int]:
    """Capacity in use per organisation: accepted matches whose challenge is still open
    (published, awaiting its community) or in a forming or active community. Give
    `organisation_ids` to count for those only (a page showing ten partners)."""
    committed = Match.objects.filter(status=MatchStatus.ACCEPTED, organisation__isnull=False)
    if organisation_ids is not None:
        committed = committed.filter(organisation_id__in=list(organisation_ids))
    held = Q(challenge__status=ChallengeStatus.PUBLISHED)
    for condition in _HELD_IN_COMMUNITY:
        held |= Q(challenge__status=ChallengeStatus.IN_COMMUNITY) & condition
    committed = committed.order_by().filter(held)
    used: dict[int, int] = {}
    for organisation_id, _challenge_id in committed.values_list(
        "organisation_id", "challenge_id"
    ).distinct():
        used[organisation_id] = used.get(organisation_id, 0) + 1
    return used


def supply_load(codebook: Codebook) -> SupplyData:
    """Every active supply organisation a hub has verified (one still waiting is hidden from
    the people it would be suggested to), with its remaining capacity and profile text."""
    rows = list(
        Organisation.objects.active()
        .verified()
        .suppliers()
        .order_by("id")
        .values_list(
            "id",
            "ref",
            "province_id",
            "serves_nationally",
            "capacity",
            "kind__is_education",
            "kind__slug",
        )
    )
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    row_index = {organisation_id: i for i, organisation_id in enumerate(ids.tolist())}
    used = remaining_capacity_by_organisation()
    remaining = np.array([row[4] - used.get(row[0], 0) for row in rows], dtype=np.int32)
    through = Organisation.topics.through.objects.filter(organisation_id__in=row_index)
    topics = _incidence(
        through.values_list("organisation_id", "aitopic_id"),
        row_index,
        codebook.topic_index,
        (len(rows), len(codebook.topic_index)),
    )
    sectors = _incidence(
        Organisation.sectors.through.objects.filter(organisation_id__in=row_index).values_list(
            "organisation_id", "sector_id"
        ),
        row_index,
        codebook.sector_index,
        (len(rows), len(codebook.sector_index)),
    )
    formats = _incidence(
        Organisation.formats.through.objects.filter(organisation_id__in=row_index).values_list(
            "organisation_id", "format_id"
        ),
        row_index,
        codebook.format_index,
        (len(rows), len(codebook.format_index)),
    )
    lexemes = _lexemes("organisations_organisation", list(row_index))
    vocabulary: dict[str, int] = {}
    for _owner, words in lexemes:
        for word in words:
            vocabulary.setdefault(word, len(vocabulary))
    text = _text_matrix(lexemes, row_index, vocabulary)
    supply = engine.Supply(
        topics=topics,
        province=np.array([codebook.province_index[row[2]] for row in rows], dtype=np.int16),
        serves_nationally=np.array([row[3] for row in rows], dtype=bool),
        sectors=sectors,
        formats=formats,
        text=text,
        remaining_capacity=remaining,
        is_education=np.array([row[5] for row in rows], dtype=bool),
        is_lab=np.array([row[6] == "innovation-lab" for row in rows], dtype=bool),
        meaning=stored_vectors_for(ORGANISATIONS, ids.tolist()),
    )
    terms = [""] * len(vocabulary)
    for word, index in vocabulary.items():
        terms[index] = word
    idf = engine.idf_from_documents(text)
    return SupplyData(
        ids=ids,
        refs=[row[1] for row in rows],
        supply=supply,
        vocabulary=vocabulary,
        terms=terms,
        idf=idf,
        explain_idf=idf * np.array([meaningful_term(t) for t in terms], dtype=idf.dtype),
    )


def demand_load(
    codebook: Codebook,
    challenges: QuerySet[Challenge],
    vocabulary: dict[str, int] | None,
    *,
    link_filter: Q | None = None,
) -> DemandData:
    """The challenges as Demand rows. `vocabulary` None: without text terms (an empty text
    matrix). `link_filter`: the same selection as a condition on the link tables (for
    example `Q(challenge__status=...)`), instead of listing every id in the query; give it
    for large selections."""
    rows = list(challenges.order_by("id").values_list("id", "province_id"))
    ids = np.array([row[0] for row in rows], dtype=np.int64)
    row_index = {challenge_id: i for i, challenge_id in enumerate(ids.tolist())}
    id_list = ids.tolist()
    links = link_filter if link_filter is not None else Q(challenge_id__in=id_list)

    def incidence(through, column: str, index: dict[int, int]) -> sp.csr_matrix:
        pairs = through.objects.filter(links).values_list("challenge_id", column)
        return _incidence(pairs, row_index, index, (len(rows), len(index)))

    if vocabulary is None:
        text = sp.csr_matrix((len(rows), 1), dtype=np.float32)
        meaning = None
    else:
        text = _text_matrix(_lexemes("challenges_challenge", id_list), row_index, vocabulary)
        meaning = stored_vectors_for(CHALLENGES, id_list)
    demand = engine.Demand(
        topics=incidence(Challenge.topics.through, "aitopic_id", codebook.topic_index),
        province=np.array([codebook.province_index[row[1]] for row in rows], dtype=np.int16),
        sectors=incidence(Challenge.sectors.through, "sector_id", codebook.sector_index),
        formats=incidence(Challenge.formats.through, "format_id", codebook.format_index),
        text=text,
        meaning=meaning,
    )
    return DemandData(ids=ids, demand=demand)


def demand_load_published_without_text(codebook: Codebook) -> DemandData:
    """Every published challenge as Demand rows, without the text terms: what "For you"
    ranks for a person (who has no text to compare)."""
    published = ChallengeStatus.PUBLISHED
    return demand_load(
        codebook,
        Challenge.objects.filter(status=published),
        None,
        link_filter=Q(challenge__status=published),
    )


def decided_pairs(demand: DemandData, supply: SupplyData) -> tuple[np.ndarray, np.ndarray]:
    """(demand rows, supply cols) of matches people have decided on: the engine must not
    suggest them again (their rows stay as people left them)."""
    demand_row = {challenge_id: i for i, challenge_id in enumerate(demand.ids.tolist())}
    supply_col = {organisation_id: i for i, organisation_id in enumerate(supply.ids.tolist())}
    pairs = Match.objects.filter(
        challenge_id__in=list(demand_row),
        organisation__isnull=False,
        status__in=HUMAN_DECIDED_STATUSES,
    ).values_list("challenge_id", "organisation_id")
    rows, cols = [], []
    for challenge_id, organisation_id in pairs:
        if organisation_id in supply_col:
            rows.append(demand_row[challenge_id])
            cols.append(supply_col[organisation_id])
    return np.array(rows, dtype=np.int32), np.array(cols, dtype=np.int32)


def published_challenge_ids(*, hub: Hub | None = None) -> list[int]:
    challenges = Challenge.objects.published()
    if hub is not None:
        challenges = challenges.filter(province__in=hub.provinces.all())
    return list(challenges.order_by("id").values_list("id", flat=True))


# Everything `supply_load` and `codebook_load` read, summed as row hashes: any insert,
# delete or change of a relevant column changes the sum. One query, milliseconds.
_FINGERPRINT_PARTS = {
    "organisations_organisation": (
        "concat_ws(':', id, updated_at, capacity, is_active, province_id, kind_id, "
        "serves_nationally, verified_at IS NOT NULL)"
    ),
    "organisations_organisation_topics": "concat_ws(':', organisation_id, aitopic_id)",
    "organisations_organisation_sectors": "concat_ws(':', organisation_id, sector_id)",
    "organisations_organisation_formats": "concat_ws(':', organisation_id, format_id)",
    "matching_match": "concat_ws(':', id, status, challenge_id)",
    "challenges_challenge": "concat_ws(':', id, status)",
    "communities_learningcommunity": "concat_ws(':', id, status)",
    "communities_learningcommunity_challenges": (
        "concat_ws(':', learningcommunity_id, challenge_id)"
    ),
    "hubs_hub_provinces": "concat_ws(':', hub_id, province_id)",
    "taxonomy_aitopic": "concat_ws(':', id, parent_id)",
    "taxonomy_province_neighbours": "concat_ws(':', from_province_id, to_province_id)",
    "taxonomy_organisationkind": "concat_ws(':', id, slug, role, is_education)",
    # A supplier's meaning vector stored or replaced.
    "semantics_textembedding": "concat_ws(':', object_id, revision, model_version)",
}
_FINGERPRINT_FILTERS = {
    "semantics_textembedding": f"WHERE source = '{ORGANISATIONS}'",
    "matching_match": "WHERE status = 'accepted'",
    "challenges_challenge": "WHERE id IN (SELECT challenge_id FROM matching_match "
    "WHERE status = 'accepted')",
}
_FINGERPRINT_SQL = "SELECT concat_ws('/', {})".format(
    ", ".join(
        f"(SELECT count(*) || ':' || coalesce(sum(hashtext({row}))::bigint, 0) FROM {table} "
        f"{_FINGERPRINT_FILTERS.get(table, '')})"
        for table, row in _FINGERPRINT_PARTS.items()
    )
)


def matching_inputs_fingerprint() -> str:
    with connection.cursor() as cursor:
        cursor.execute(_FINGERPRINT_SQL)
        return cursor.fetchone()[0]


def match_quotes(matches: Iterable[Match]) -> dict[int, str]:
    """Per match with a "fitting_sentence" reason: the partner organisation's sentence that
    fits the challenge best, shortened (two queries and one model call for a whole page,
    none when no match has that reason)."""
    quoted = [
        match
        for match in matches
        if match.organisation_id
        and any(reason.get("code") == "fitting_sentence" for reason in match.reasons or [])
    ]
    if not quoted:
        return {}
    challenges = texts_of(CHALLENGES, {match.challenge_id for match in quoted})
    partners = texts_of(ORGANISATIONS, {match.organisation_id for match in quoted})
    pairs = [
        (challenges.get(match.challenge_id, ""), partners.get(match.organisation_id, ""))
        for match in quoted
    ]
    return {
        match.pk: quote
        for match, quote in zip(quoted, fitting_sentences(pairs), strict=True)
        if quote
    }


def person_expertise_text(person) -> str:
    """What a person wrote about their expertise: what they can offer, and about me."""
    return "\n".join(part for part in (person.offer, person.bio) if part and part.strip())


def for_you_quotes(*, person, items) -> dict[tuple[str, int], str]:
    """Per recommended challenge with a "fitting_sentence" reason: the challenge's sentence
    closest in meaning to what the person wrote about their expertise."""
    quoted = [
        item
        for item in items
        if item.kind == "challenge"
        and any(reason.get("code") == "fitting_sentence" for reason in item.reasons)
    ]
    words = person_expertise_text(person)
    if not quoted or not words:
        return {}
    texts = texts_of(CHALLENGES, [item.item.pk for item in quoted])
    found = fitting_sentences([(words, texts.get(item.item.pk, "")) for item in quoted])
    return {
        ("challenge", item.item.pk): quote
        for item, quote in zip(quoted, found, strict=True)
        if quote
    }


def challenge_match_list(*, challenge: Challenge):
    """The partners matched to a challenge, best first, without the declined ones; with what
    the matches page shows of each (partner, kind, province, introduction)."""
    return (
        Match.objects.filter(challenge=challenge, organisation__isnull=False)
        .exclude(status=MatchStatus.DECLINED)
        .select_related("organisation__kind", "organisation__province", "introduction")
        .order_by(F("rank").asc(nulls_last=True), "-score", "pk")
    )


def match_run_latest_for_challenge(challenge: Challenge) -> MatchRun | None:
    """The most recent run that recomputes this challenge (its own rematch or a hub run)."""
    return (
        MatchRun.objects.filter(chunks__challenge_ids__contains=[challenge.pk])
        .select_related("hub")
        .order_by("-created_at", "-pk")
        .first()
    )


def matches_for_review(challenge: Challenge) -> list[Match]:
    """A challenge's matches in the coordinator's review order, which the page numbers 1, 2,
    3...: the partners chosen (accepted, contacted) by score, then the candidates
    (suggested, shortlisted) in the matcher's order, then the declined ones by score. (A
    chosen match keeps the rank it had when it was suggested, so ranks alone repeat: the
    page read 1, 1, 1, 2, 3 after three acceptances.)"""
    candidate = Q(status__in=[MatchStatus.SUGGESTED, MatchStatus.SHORTLISTED])
    return list(
        Match.objects.filter(challenge=challenge)
        .select_related("organisation__kind", "organisation__province", "person__province")
        .order_by(
            Case(
                When(candidate, then=Value(1)),
                When(status=MatchStatus.DECLINED, then=Value(2)),
                default=Value(0),
            ),
            Case(When(candidate, then=F("rank"))).asc(nulls_last=True),
            "-score",
            "pk",
        )
    )


def challenges_affected_by_supplier(*, organisation_id: int) -> list[int]:
    """Published challenges whose suggestions a change of this supplier can alter: those
    sharing a topic group with it, and those where it is suggested now."""
    organisation_topics = Organisation.topics.through.objects.filter(
        organisation_id=organisation_id
    )
    groups = set()
    for topic_id, parent_id in organisation_topics.values_list("aitopic_id", "aitopic__parent_id"):
        groups.add(parent_id or topic_id)
    published = Challenge.objects.published()
    sharing = published.filter(Q(topics__in=groups) | Q(topics__parent__in=groups))
    suggested_now = published.filter(
        matches__organisation_id=organisation_id, matches__status=MatchStatus.SUGGESTED
    )
    ids = set(sharing.values_list("id", flat=True)) | set(
        suggested_now.values_list("id", flat=True)
    )
    return sorted(ids)
