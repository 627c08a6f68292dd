"""A synthetic national dataset for the matching benchmark, generated deterministically
(NumPy Generator, seed 2026) and loaded with PostgreSQL COPY into the real tables.

Shapes follow the Netherlands roughly: SMEs and suppliers sit mostly in the Randstad and
Brabant/Gelderland, topic popularity is skewed (a few topics such as predictive analytics or
chatbots are asked for everywhere, most are rare), suppliers specialise around one topic
group, and texts are composed from Dutch (and some English) phrases about the same topics and
sectors, so the generated `search_document` columns hold meaningful lexemes.

Requires a configured Django (call after `django.setup()`).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np
from django.db import connection
from django.utils import timezone

SEED = 2026

# Share of SMEs (and, a bit flatter, of suppliers) per province.
PROVINCE_WEIGHTS = {
    "NL-ZH": 0.205,
    "NL-NH": 0.185,
    "NL-NB": 0.150,
    "NL-GE": 0.120,
    "NL-UT": 0.085,
    "NL-OV": 0.065,
    "NL-LI": 0.060,
    "NL-FR": 0.035,
    "NL-GR": 0.030,
    "NL-DR": 0.025,
    "NL-FL": 0.020,
    "NL-ZE": 0.020,
}

CITIES = {
    "NL-DR": ["Assen", "Emmen", "Hoogeveen", "Meppel"],
    "NL-FL": ["Almere", "Lelystad", "Dronten", "Emmeloord"],
    "NL-FR": ["Leeuwarden", "Sneek", "Heerenveen", "Drachten"],
    "NL-GE": ["Arnhem", "Nijmegen", "Apeldoorn", "Ede", "Wageningen", "Doetinchem"],
    "NL-GR": ["Groningen", "Veendam", "Delfzijl", "Stadskanaal"],
    "NL-LI": ["Maastricht", "Venlo", "Heerlen", "Sittard", "Roermond"],
    "NL-NB": ["Eindhoven", "Tilburg", "Breda", "Den Bosch", "Helmond", "Oss"],
    "NL-NH": ["Amsterdam", "Haarlem", "Alkmaar", "Hilversum", "Zaandam", "Hoorn"],
    "NL-OV": ["Enschede", "Zwolle", "Deventer", "Hengelo", "Almelo"],
    "NL-UT": ["Utrecht", "Amersfoort", "Nieuwegein", "Veenendaal", "Zeist"],
    "NL-ZE": ["Middelburg", "Vlissingen", "Goes", "Terneuzen"],
    "NL-ZH": ["Rotterdam", "Den Haag", "Leiden", "Delft", "Dordrecht", "Gouda", "Zoetermeer"],
}

SUPPLIER_KINDS = {
    "hbo": 0.13,
    "mbo": 0.12,
    "wo": 0.05,
    "lectorate": 0.27,
    "practorate": 0.10,
    "centre-of-expertise": 0.07,
    "civ": 0.06,
    "innovation-lab": 0.20,
}

# Relative weight of each format (student-project, internship, applied-research, training,
# masterclass, hackathon, living-lab) in what a kind of supplier offers.
FORMAT_AFFINITY = {
    "hbo": (5, 5, 3, 2, 1, 1, 1),
    "mbo": (4, 6, 0.2, 3, 0.5, 1, 0.5),
    "wo": (3, 4, 6, 1, 2, 1, 1),
    "lectorate": (3, 2, 6, 1, 2, 1, 2),
    "practorate": (4, 4, 3, 3, 1, 1, 1),
    "centre-of-expertise": (2, 1, 5, 2, 3, 1, 4),
    "civ": (3, 3, 1, 5, 2, 1, 2),
    "innovation-lab": (1, 1, 2, 3, 3, 4, 6),
}
# What challenges want, same order.
FORMAT_DEMAND = (6, 3, 3, 4, 1, 2, 2)
SECTOR_DEMAND = {
    "energy": 4,
    "health": 8,
    "agrifood": 5,
    "logistics": 9,
    "manufacturing": 10,
    "built-environment": 5,
    "public-sector": 3,
    "finance": 5,
    "security": 2,
    "education": 2,
    "creative-industry": 3,
    "retail": 8,
}

# Phrases per topic group and per sector: the vocabulary the texts are composed of.
TOPIC_PHRASES = {
    "ml": [
        "voorspellen van de vraag",
        "een voorspelmodel",
        "machine learning",
        "patronen herkennen in historische gegevens",
        "onderhoud voorspellen",
        "klantverloop voorspellen",
        "prognoses maken",
        "forecasting",
        "predictive maintenance",
        "afwijkingen in sensordata",
        "aanbevelingen voor klanten",
        "tijdreeksen analyseren",
        "storingen vroeg signaleren",
    ],
    "vision": [
        "camerabeelden analyseren",
        "beeldherkenning",
        "visuele inspectie",
        "kwaliteitscontrole met camera's",
        "defecten automatisch herkennen",
        "objecten tellen",
        "dronebeelden",
        "satellietbeelden",
        "computer vision",
        "foto's automatisch beoordelen",
        "productiefouten opsporen",
    ],
    "language": [
        "de klantenservice ontlasten",
        "e-mails automatisch sorteren",
        "een chatbot",
        "vragen van klanten automatisch beantwoorden",
        "teksten samenvatten",
        "spraakherkenning",
        "gesprekken transcriberen",
        "rapporten automatisch lezen",
        "generatieve AI",
        "een taalmodel",
        "large language models",
        "documenten doorzoeken",
        "offertes opstellen met AI",
    ],
    "decision": [
        "de planning optimaliseren",
        "routes slimmer plannen",
        "roosters maken",
        "voorraadbeheer",
        "simulatie van processen",
        "een digitale tweeling",
        "capaciteitsplanning",
        "scheduling",
        "de inzet van personeel optimaliseren",
        "beslissingen ondersteunen met data",
    ],
    "robotics": [
        "een robotarm",
        "cobots",
        "magazijnrobots",
        "autonome voertuigen",
        "slimme sensoren in machines",
        "orderpicken automatiseren",
        "edge devices",
        "embedded systemen",
        "autonome drones",
        "de productielijn automatiseren",
    ],
    "knowledge": [
        "kennis vastleggen",
        "een kennisgraaf",
        "uitlegbaarheid van modellen",
        "begrijpen waarom het model zo beslist",
        "een ontologie",
        "verbanden tussen gegevens",
        "explainable AI",
        "transparante beslissingen",
    ],
    "responsible": [
        "de AVG en privacy",
        "de AI-verordening",
        "ethiek",
        "eerlijkheid van algoritmes",
        "discriminatie voorkomen",
        "verantwoord gebruik van AI",
        "compliance",
        "de AI Act",
        "bias in data",
    ],
    "data": [
        "de data op orde brengen",
        "datakwaliteit",
        "een dataplatform",
        "gegevens uit systemen koppelen",
        "data delen met ketenpartners",
        "een datapijplijn",
        "dashboards",
        "modellen in productie brengen",
        "MLOps",
        "de cloud",
        "databeheer",
    ],
    "human-ai": [
        "medewerkers meenemen in de verandering",
        "AI-geletterdheid",
        "scholing van personeel",
        "samenwerken met AI",
        "draagvlak op de werkvloer",
        "werkprocessen anders inrichten",
        "training voor medewerkers",
        "acceptatie door gebruikers",
        "mens en machine",
    ],
}

SECTOR_PHRASES = {
    "energy": ["de energietransitie", "netcongestie", "zonnepanelen", "warmtepompen", "laadpalen"],
    "health": ["de zorg", "de thuiszorg", "het ziekenhuis", "zorgmedewerkers", "ouderenzorg"],
    "agrifood": ["de akkerbouw", "melkveehouderij", "de glastuinbouw", "voedselverspilling"],
    "logistics": ["de logistiek", "transport", "het magazijn", "pakketbezorging", "levertijden"],
    "manufacturing": ["de maakindustrie", "productie", "machinebouw", "metaalbewerking"],
    "built-environment": ["de bouw", "installatietechniek", "woningcorporaties", "renovatie"],
    "public-sector": ["de gemeente", "publieke dienstverlening", "vergunningen", "waterschappen"],
    "finance": ["de boekhouding", "facturen", "accountancy", "verzekeringen", "fraude"],
    "security": ["beveiliging", "cybersecurity", "incidenten", "toegangscontrole"],
    "education": ["het onderwijs", "studenten", "lesmateriaal", "studiesucces"],
    "creative-industry": ["ontwerp", "media", "games", "vormgeving", "content maken"],
    "retail": ["de webwinkel", "onze winkels", "het assortiment", "retourzendingen", "prijzen"],
}

CHALLENGE_TITLES = [
    "{X} voor {S}",
    "Hulp gezocht bij {x}",
    "Slimmer werken in {s} met {x}",
    "Hoe zetten we {x} in?",
    "{X} in {s}",
    "Van handwerk naar {x}",
]
CHALLENGE_OPENERS = [
    "Wij zijn een familiebedrijf uit {city} met ongeveer {n} medewerkers.",
    "Ons bedrijf in {city} groeit snel en het werk wordt steeds complexer.",
    "Als mkb-bedrijf in de regio {city} lopen we tegen grenzen aan.",
    "Onze medewerkers in {city} besteden veel tijd aan handmatig werk.",
    "Sinds een paar jaar verzamelen we veel gegevens, maar we doen er nog weinig mee.",
    "We are a small company based in {city} with {n} employees.",
]
CHALLENGE_GOALS = [
    "We willen graag weten of {x} ons kan helpen in {s}.",
    "Hoe kunnen we {x} gebruiken voor {s}?",
    "Wij zoeken hulp bij {x}.",
    "Het doel is om met {x} de kosten te verlagen en de kwaliteit te verbeteren.",
    "We denken aan {x}, maar weten niet waar we moeten beginnen.",
    "Een eerste stap zou {x} kunnen zijn.",
    "Klanten vragen steeds vaker om {x}.",
]
CHALLENGE_CONTEXT = [
    "In {s} is de concurrentie groot en de marges zijn klein.",
    "Door personeelstekorten in {s} moeten we slimmer werken.",
    "We hebben veel gegevens over {s} in verschillende systemen.",
    "Onze klanten in {s} verwachten snellere levering en betere service.",
]
ENGLISH_SENTENCES = [
    "We would like to explore {x} together with students.",
    "Our team wants to learn how {x} could work in practice.",
    "The goal is a working prototype for {s}.",
]
LEARNING_GOALS = [
    "Onze planners willen leren hoe {x} werkt.",
    "Twee collega's willen zich verdiepen in {x}.",
    "We willen zelf kennis opbouwen over {x} en {y}.",
    "Het team wil begrijpen wat {x} betekent voor ons werk.",
    "",
]
SUPPLIER_NAMES = {
    "hbo": "Hogeschool {city}",
    "mbo": "{city} College",
    "wo": "Universiteit {city}",
    "lectorate": "Lectoraat {topic} ({city})",
    "practorate": "Practoraat {topic} ({city})",
    "centre-of-expertise": "Centre of Expertise {sector}",
    "civ": "CIV {sector} {city}",
    "innovation-lab": "{city} AI Lab {topic}",
}
SUPPLIER_INTROS = [
    "Wij doen praktijkgericht onderzoek naar {x} en {y}.",
    "Onze studenten werken in projecten met bedrijven aan {x}.",
    "Samen met het mkb in de regio {city} werken we aan {x}.",
    "We begeleiden bedrijven in {s} bij {x}.",
    "Onze onderzoekers en docenten hebben ervaring met {x} in {s}.",
]
SUPPLIER_SENTENCES = [
    "Daarnaast bieden we trainingen over {x}.",
    "We hebben een living lab waar bedrijven {x} kunnen uitproberen.",
    "Studenten lopen stage bij bedrijven in {s}.",
    "Recente projecten gingen over {x} voor {s}.",
    "We offer applied research and masterclasses on {x}.",
    "Our lab helps companies in {s} with {x}.",
]

DEMAND_KINDS = {"sme": 0.9, "large-company": 0.05, "public": 0.05}


@dataclass(frozen=True)
class Reference:
    """The seeded reference data, as generated by the taxonomy migrations."""

    province_ids: np.ndarray
    province_codes: list[str]
    leaf_ids: np.ndarray  # AITopic ids of the leaves
    leaf_group: np.ndarray  # position of each leaf's group in `group_ids`
    leaf_names: list[str]  # Dutch labels of the leaves
    group_ids: np.ndarray
    group_slugs: list[str]
    sector_ids: np.ndarray
    sector_slugs: list[str]
    sector_names: list[str]
    format_ids: np.ndarray
    format_slugs: list[str]
    kind_ids: dict[str, int]


def reference_load() -> Reference:
    from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

    provinces = list(Province.objects.order_by("code").values_list("id", "code"))
    groups = list(
        AITopic.objects.filter(parent=None).order_by("position").values_list("id", "slug")
    )
    group_position = {group_id: i for i, (group_id, _slug) in enumerate(groups)}
    leaves = list(
        AITopic.objects.exclude(parent=None)
        .order_by("position")
        .values_list("id", "parent_id", "name_nl")
    )
    sectors = list(Sector.objects.order_by("position").values_list("id", "slug", "name_nl"))
    formats = list(Format.objects.order_by("position").values_list("id", "slug"))
    return Reference(
        province_ids=np.array([p[0] for p in provinces], dtype=np.int64),
        province_codes=[p[1] for p in provinces],
        leaf_ids=np.array([leaf[0] for leaf in leaves], dtype=np.int64),
        leaf_group=np.array([group_position[leaf[1]] for leaf in leaves], dtype=np.int64),
        leaf_names=[leaf[2] for leaf in leaves],
        group_ids=np.array([g[0] for g in groups], dtype=np.int64),
        group_slugs=[g[1] for g in groups],
        sector_ids=np.array([s[0] for s in sectors], dtype=np.int64),
        sector_slugs=[s[1] for s in sectors],
        sector_names=[s[2] for s in sectors],
        format_ids=np.array([f[0] for f in formats], dtype=np.int64),
        format_slugs=[f[1] for f in formats],
        kind_ids=dict(OrganisationKind.objects.values_list("slug", "id")),
    )


# --- Sampling --------------------------------------------------------------------------------


def _weighted_sets(
    rng: np.random.Generator, log_weights: np.ndarray, low: int, high: int
) -> list[np.ndarray]:
    """Per row, between `low` and `high` distinct columns drawn without replacement with the
    row's weights (Gumbel top-k, vectorised over all rows)."""
    n, width = log_weights.shape
    keys = log_weights + rng.gumbel(size=(n, width))
    order = np.argsort(-keys, axis=1)
    sizes = rng.integers(low, min(high, width) + 1, size=n)
    return [order[i, : sizes[i]] for i in range(n)]


def _zipf_log_weights(rng: np.random.Generator, width: int, exponent: float) -> np.ndarray:
    """Zipf-like popularity over a random (seeded) ordering of the columns."""
    ranks = rng.permutation(width) + 1
    return -exponent * np.log(ranks.astype(np.float64))


def _normalised(values: Iterable[float]) -> np.ndarray:
    array = np.asarray(list(values), dtype=np.float64)
    return array / array.sum()


@dataclass(frozen=True)
class Topics:
    """Topic ids per row, and the topic group position of every topic (for the texts)."""

    ids: list[list[int]]
    groups: list[list[int]]


def _topics(
    rng: np.random.Generator,
    ref: Reference,
    popularity: np.ndarray,
    n: int,
    low: int,
    high: int,
    *,
    focus_boost: float,
    group_share: float,
) -> Topics:
    log_weights = np.repeat(popularity[None, :], n, axis=0)
    if focus_boost:
        # Suppliers specialise: one group's leaves are much more likely for this row.
        focus = rng.integers(0, len(ref.group_ids), size=n)
        log_weights += np.log(focus_boost) * (ref.leaf_group[None, :] == focus[:, None])
    picks = _weighted_sets(rng, log_weights, low, high)
    # Now and then someone names a whole group ("anything in language and speech").
    as_group = rng.random(size=(n, high)) < group_share
    ids, groups = [], []
    leaf_ids, leaf_group, group_ids = ref.leaf_ids, ref.leaf_group, ref.group_ids
    for i, pick in enumerate(picks):
        row_ids: list[int] = []
        row_groups: list[int] = []
        for j, leaf in enumerate(pick.tolist()):
            group = int(leaf_group[leaf])
            topic = int(group_ids[group]) if as_group[i, j] else int(leaf_ids[leaf])
            if topic not in row_ids:
                row_ids.append(topic)
                row_groups.append(group)
        ids.append(row_ids)
        groups.append(row_groups)
    return Topics(ids=ids, groups=groups)


# --- Texts -----------------------------------------------------------------------------------


class _Picker:
    """Deterministic choices for row i: one seed per row drawn from the generator up front,
    then a 64-bit LCG per row (fast: no call into NumPy per choice, any number of choices)."""

    MASK = (1 << 64) - 1

    def __init__(self, rng: np.random.Generator, n: int):
        self.seeds = rng.integers(0, 2**63 - 1, size=n).tolist()

    def row(self, i: int) -> Callable[[Sequence], object]:
        state = self.seeds[i]

        def pick(options):
            nonlocal state
            state = (state * 6364136223846793005 + 1442695040888963407) & _Picker.MASK
            return options[(state >> 33) % len(options)]

        return pick


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _challenge_texts(
    pick, ref: Reference, groups: list[int], sectors: list[int], city: str
) -> tuple[str, str, str]:
    group_slugs = ref.group_slugs

    def topic_phrase() -> str:
        return pick(TOPIC_PHRASES[group_slugs[pick(groups)]])

    sector = ref.sector_slugs[pick(sectors)] if sectors else pick(ref.sector_slugs)

    def sector_phrase() -> str:
        return pick(SECTOR_PHRASES[sector])

    x, s = topic_phrase(), sector_phrase()
    title = pick(CHALLENGE_TITLES).format(x=x, X=_capitalised(x), s=s, S=s)
    sentences = [pick(CHALLENGE_OPENERS).format(city=city, n=pick((4, 8, 12, 25, 40, 80)))]
    sentences.append(pick(CHALLENGE_CONTEXT).format(s=sector_phrase()))
    for _ in range(1 + len(groups) // 2 + pick((0, 1))):
        sentences.append(pick(CHALLENGE_GOALS).format(x=topic_phrase(), s=sector_phrase()))
    if pick((0, 0, 0, 1)):
        sentences.append(pick(ENGLISH_SENTENCES).format(x=topic_phrase(), s=sector_phrase()))
    goals = pick(LEARNING_GOALS).format(x=topic_phrase(), y=topic_phrase())
    return _capitalised(title)[:200], " ".join(sentences), goals


def _supplier_texts(
    pick,
    ref: Reference,
    kind: str,
    groups: list[int],
    leaves: list[str],
    sectors: list[int],
    city: str,
) -> tuple[str, str]:
    group_slugs = ref.group_slugs

    def topic_phrase() -> str:
        return pick(TOPIC_PHRASES[group_slugs[pick(groups)]])

    def sector_phrase() -> str:
        return pick(SECTOR_PHRASES[ref.sector_slugs[pick(sectors)]])

    name = SUPPLIER_NAMES[kind].format(
        city=city,
        topic=pick(leaves) if leaves else ref.group_slugs[groups[0]],
        sector=ref.sector_names[pick(sectors)],
    )
    sentences = [
        pick(SUPPLIER_INTROS).format(
            x=topic_phrase(), y=topic_phrase(), s=sector_phrase(), city=city
        )
    ]
    for _ in range(1 + len(groups) // 3):
        sentences.append(pick(SUPPLIER_SENTENCES).format(x=topic_phrase(), s=sector_phrase()))
    return name, " ".join(sentences)


# --- Loading ---------------------------------------------------------------------------------


def _copy(table: str, columns: Iterable[str], rows: Iterable[tuple]) -> int:
    count = 0
    with connection.cursor() as cursor:
        statement = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _pairs(owner_ids: Iterable[int], item_lists: Iterable[Iterable[int]]):
    for owner, items in zip(owner_ids, item_lists, strict=True):
        for item in items:
            yield owner, item


def _reset_sequences(tables: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table}), 0) + 1, false)"
            )


DATA_TABLES = (
    "semantics_textembedding",
    "matching_matchrunchunk",
    "matching_matchrun",
    "matching_match",
    "challenges_challenge_topics",
    "challenges_challenge_sectors",
    "challenges_challenge_formats",
    "challenges_challenge",
    "organisations_organisation_topics",
    "organisations_organisation_sectors",
    "organisations_organisation_formats",
    "organisations_organisation",
)


def clear() -> None:
    """Empty the tables the generator fills (the benchmark's own database only)."""
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE")


@dataclass(frozen=True)
class Generated:
    challenges: int
    suppliers: int
    demanders: int
    challenge_topic_rows: int
    supplier_topic_rows: int
    seconds: float  # generating the rows and COPYing them (interleaved: rows are streamed)
    seconds_analyze: float


def generate(
    *, challenges: int, suppliers: int, demanders: int, seed: int = SEED, log=print
) -> Generated:
    """Fill the organisation and challenge tables (which must be empty) with a national
    dataset. Ids are assigned here: demand organisations 1..D, suppliers D+1..D+M."""
    ref = reference_load()
    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    now = timezone.now()
    province_weight = _normalised(PROVINCE_WEIGHTS[code] for code in ref.province_codes)
    supplier_province_weight = _normalised(np.sqrt(province_weight))
    leaf_popularity = _zipf_log_weights(rng, len(ref.leaf_ids), exponent=1.0)
    supply_popularity = leaf_popularity * 0.4  # suppliers cover the long tail better
    sector_demand = np.log(_normalised(SECTOR_DEMAND[slug] for slug in ref.sector_slugs))
    format_demand = np.log(_normalised(FORMAT_DEMAND))

    # Demand organisations (challenge owners).
    demand_kind_slugs = list(DEMAND_KINDS)
    demand_kind = rng.choice(
        len(demand_kind_slugs), size=demanders, p=_normalised(DEMAND_KINDS.values())
    )
    demand_province = rng.choice(len(ref.province_ids), size=demanders, p=province_weight)
    demand_sector = rng.choice(len(ref.sector_ids), size=demanders, p=np.exp(sector_demand))
    picker = _Picker(rng, demanders)
    organisation_columns = (
        "id",
        "ref",
        "name",
        "slug",
        "website",
        "description",
        "capacity",
        "serves_nationally",
        "is_active",
        "created_at",
        "updated_at",
        "kind_id",
        "parent_id",
        "province_id",
        # A hub verified every organisation of the data set (unverified ones are hidden and
        # never suggested); none gives a KvK number.
        "verified_at",
        "kvk_number",
    )

    def demand_rows():
        for i in range(demanders):
            pick = picker.row(i)
            code = ref.province_codes[demand_province[i]]
            city = pick(CITIES[code])
            sector = ref.sector_names[demand_sector[i]]
            kind = demand_kind_slugs[demand_kind[i]]
            yield (
                i + 1,
                f"BENCH-D{i + 1}",
                f"{sector} {city} {i + 1}",
                f"bench-demand-{i + 1}",
                "",
                f"{_capitalised(pick(SECTOR_PHRASES[ref.sector_slugs[demand_sector[i]]]))}"
                f" in {city}.",
                0,
                False,
                True,
                now,
                now,
                ref.kind_ids[kind],
                None,
                int(ref.province_ids[demand_province[i]]),
                now,
                "",
            )

    _copy("organisations_organisation", organisation_columns, demand_rows())
    log(f"  {demanders} demand organisations")

    # Suppliers.
    kind_slugs = list(SUPPLIER_KINDS)
    supplier_kind = rng.choice(
        len(kind_slugs), size=suppliers, p=_normalised(SUPPLIER_KINDS.values())
    )
    supplier_province = rng.choice(
        len(ref.province_ids), size=suppliers, p=supplier_province_weight
    )
    capacity = rng.integers(1, 7, size=suppliers)
    nationally = rng.random(size=suppliers) < 0.05
    active = rng.random(size=suppliers) >= 0.02
    supplier_topics = _topics(
        rng, ref, supply_popularity, suppliers, 2, 8, focus_boost=6.0, group_share=0.04
    )
    supplier_sectors = _weighted_sets(
        rng, np.repeat((sector_demand * 0.5)[None, :], suppliers, axis=0), 1, 4
    )
    format_affinity = np.log(
        np.array([FORMAT_AFFINITY[slug] for slug in kind_slugs], dtype=np.float64)
    )
    supplier_formats = _weighted_sets(rng, format_affinity[supplier_kind], 1, 4)
    leaf_name = dict(zip(ref.leaf_ids.tolist(), ref.leaf_names, strict=True))
    picker = _Picker(rng, suppliers)
    first_supplier = demanders + 1

    def supplier_rows():
        for i in range(suppliers):
            pick = picker.row(i)
            kind = kind_slugs[supplier_kind[i]]
            leaves = [leaf_name[t] for t in supplier_topics.ids[i] if t in leaf_name]
            city = pick(CITIES[ref.province_codes[supplier_province[i]]])
            name, description = _supplier_texts(
                pick,
                ref,
                kind,
                supplier_topics.groups[i],
                leaves,
                supplier_sectors[i].tolist(),
                city,
            )
            pk = first_supplier + i
            yield (
                pk,
                f"BENCH-S{i + 1}",
                name[:200],
                f"bench-supplier-{i + 1}",
                "",
                description,
                int(capacity[i]),
                bool(nationally[i]),
                bool(active[i]),
                now,
                now,
                ref.kind_ids[kind],
                None,
                int(ref.province_ids[supplier_province[i]]),
                now,
                "",
            )

    _copy("organisations_organisation", organisation_columns, supplier_rows())
    supplier_ids = range(first_supplier, first_supplier + suppliers)
    supplier_topic_rows = _copy(
        "organisations_organisation_topics",
        ("organisation_id", "aitopic_id"),
        _pairs(supplier_ids, supplier_topics.ids),
    )
    _copy(
        "organisations_organisation_sectors",
        ("organisation_id", "sector_id"),
        _pairs(supplier_ids, (ref.sector_ids[s].tolist() for s in supplier_sectors)),
    )
    _copy(
        "organisations_organisation_formats",
        ("organisation_id", "format_id"),
        _pairs(supplier_ids, (ref.format_ids[f].tolist() for f in supplier_formats)),
    )
    log(f"  {suppliers} suppliers")

    # Challenges, owned by demand organisations and located where their owner is.
    owner = rng.integers(0, demanders, size=challenges)
    challenge_province = demand_province[owner]
    challenge_topics = _topics(
        rng, ref, leaf_popularity, challenges, 1, 4, focus_boost=0.0, group_share=0.05
    )
    # Mostly the owner's own sector, sometimes a second one.
    extra_sectors = _weighted_sets(rng, np.repeat(sector_demand[None, :], challenges, axis=0), 0, 1)
    challenge_sectors = [
        list(dict.fromkeys([int(demand_sector[owner[i]]), *extra.tolist()]))
        for i, extra in enumerate(extra_sectors)
    ]
    challenge_formats = _weighted_sets(
        rng, np.repeat(format_demand[None, :], challenges, axis=0), 1, 3
    )
    published_days = rng.integers(0, 365, size=challenges)
    picker = _Picker(rng, challenges)
    challenge_columns = (
        "id",
        "ref",
        "organisation_id",
        "title",
        "description",
        "learning_goals",
        "province_id",
        "time_frame",
        "visibility",
        "status",
        "rejection_reason",
        "created_by_id",
        "created_at",
        "updated_at",
        "submitted_at",
        "published_at",
        "closed_at",
    )

    def challenge_rows():
        for i in range(challenges):
            pick = picker.row(i)
            code = ref.province_codes[challenge_province[i]]
            title, description, goals = _challenge_texts(
                pick, ref, challenge_topics.groups[i], challenge_sectors[i], pick(CITIES[code])
            )
            published: datetime = now - timedelta(days=int(published_days[i]))
            yield (
                i + 1,
                f"BENCH-C{i + 1}",
                int(owner[i]) + 1,
                title,
                description,
                goals,
                int(ref.province_ids[challenge_province[i]]),
                "flexible",
                "public",
                "published",
                "",
                None,
                published - timedelta(days=7),
                published,
                published - timedelta(days=2),
                published,
                None,
            )
            if (i + 1) % 20000 == 0:
                log(f"  {i + 1} challenges")

    _copy("challenges_challenge", challenge_columns, challenge_rows())
    challenge_ids = range(1, challenges + 1)
    challenge_topic_rows = _copy(
        "challenges_challenge_topics",
        ("challenge_id", "aitopic_id"),
        _pairs(challenge_ids, challenge_topics.ids),
    )
    _copy(
        "challenges_challenge_sectors",
        ("challenge_id", "sector_id"),
        _pairs(challenge_ids, (ref.sector_ids[s].tolist() for s in challenge_sectors)),
    )
    _copy(
        "challenges_challenge_formats",
        ("challenge_id", "format_id"),
        _pairs(challenge_ids, (ref.format_ids[f].tolist() for f in challenge_formats)),
    )
    _reset_sequences(("organisations_organisation", "challenges_challenge"))
    log(f"  {challenges} challenges")
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    analyze_seconds = time.perf_counter() - t
    return Generated(
        challenges=challenges,
        suppliers=suppliers,
        demanders=demanders,
        challenge_topic_rows=challenge_topic_rows,
        supplier_topic_rows=supplier_topic_rows,
        seconds=time.perf_counter() - started - analyze_seconds,
        seconds_analyze=analyze_seconds,
    )


def meaning_generate(*, dims: int = 512, seed: int = SEED, log=print) -> float:
    """A stored meaning vector (apps.semantics) for every challenge and organisation, as
    after embedding them, so the matcher's meaning term runs at national size. The vectors
    are random (the speed of the matcher does not depend on their values; embedding the
    texts for real is what `make bench BENCH=search` measures): unit rows sharing a common
    direction, so cosines spread over about 0..0.6 as the sentence model's do. Returns the
    seconds spent."""
    from apps.challenges.meaning import SOURCE as CHALLENGES
    from apps.organisations.meaning import SOURCE as ORGANISATIONS
    from apps.semantics.model import UniversalSentenceEncoder
    from apps.semantics.models import REVISION_SEQUENCE

    started = time.perf_counter()
    rng = np.random.default_rng(seed + 1)
    common = rng.normal(size=dims).astype(np.float32)
    common /= np.linalg.norm(common)
    version = UniversalSentenceEncoder.version
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM challenges_challenge ORDER BY id")
        challenges = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id FROM organisations_organisation ORDER BY id")
        organisations = [row[0] for row in cursor.fetchall()]
    now = timezone.now()

    def rows(source: str, ids: list[int]):
        for start in range(0, len(ids), 10_000):
            part = ids[start : start + 10_000]
            vectors = rng.normal(size=(len(part), dims)).astype(np.float32) + 3 * common
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            for object_id, vector in zip(part, vectors, strict=True):
                yield source, object_id, "bench", version, vector.tobytes(), 0, now

    count = 0
    for source, ids in ((CHALLENGES, challenges), (ORGANISATIONS, organisations)):
        count += _copy(
            "semantics_textembedding",
            (
                "source",
                "object_id",
                "text_hash",
                "model_version",
                "vector",
                "revision",
                "computed_at",
            ),
            rows(source, ids),
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE semantics_textembedding SET revision = nextval('{REVISION_SEQUENCE}')"
        )
        cursor.execute("ANALYZE semantics_textembedding")
    seconds = time.perf_counter() - started
    log(f"  {count} meaning vectors in {seconds:.1f}s")
    return round(seconds, 2)
