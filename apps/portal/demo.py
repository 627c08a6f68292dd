"""A believable, fictional Dutch demo dataset (`manage.py load_demo`, run by `make run`).

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
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any, NamedTuple

from django.contrib.auth.hashers import check_password, make_password
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext

from apps.accounts.models import User
from apps.challenges.models import Challenge, ChallengeInterest, ChallengeStatus, Visibility
from apps.challenges.services import challenge_interest_express
from apps.communities.models import (
    Activity,
    CommunityMembership,
    CommunityStatus,
    JoinRequest,
    LearningCommunity,
    LearningRecord,
    Update,
)
from apps.communities.selectors import community_member_users
from apps.communities.services import join_request_create
from apps.core.slugs import unique_slug
from apps.hubs.models import Hub, HubCoordinator
from apps.hubs.services import programme_coordinator_set
from apps.knowledge.models import KnowledgeItem
from apps.matching.models import IntroductionRequest, Match, MatchStatus
from apps.matching.services import introduction_request_create
from apps.notifications.kinds import NotificationKind
from apps.notifications.links import notice_path
from apps.notifications.models import Notification
from apps.notifications.services import notify
from apps.organisations.models import Membership, Organisation
from apps.organisations.services import membership_request
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

DEFAULT_PASSWORD = "demo-wachtwoord"
SEED = 2026
ALGORITHM_VERSION = "demo"

# --- Content --------------------------------------------------------------------------------
# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off


class Org(NamedTuple):
    ref: str
    name: str
    kind: str
    province: str
    topics: str  # space separated slugs; a group slug means "anything in this group"
    sectors: str
    about: str
    parent: str | None = None
    national: bool = False


ORGANISATIONS = [
    # Education and innovation labs (supply).
    Org("demo-org-001", "Hogeschool Vechtdal", "hbo", "NL-OV",
        "ml optimisation data-engineering ai-literacy", "logistics manufacturing agrifood",
        "Hogeschool in het Vechtdal met opleidingen in logistiek, techniek en ICT. Studenten "
        "werken elk semester aan opdrachten van bedrijven uit de regio."),
    Org("demo-org-002", "Hogeschool Waddenkust", "hbo", "NL-FR",
        "nlp conversational-ai time-series ai-ethics", "health agrifood public-sector",
        "Kleinschalige hogeschool aan de Friese kust, sterk in zorg, voedsel en "
        "dienstverlening."),
    Org("demo-org-003", "Hogeschool Lekstroom", "hbo", "NL-ZH",
        "predictive-analytics time-series recommender-systems ai-literacy generative-ai",
        "retail agrifood logistics health",
        "Hogeschool in het Groene Hart. De opleidingen data science en ondernemen doen veel "
        "projecten met mkb-bedrijven tussen Gouda en Rotterdam."),
    Org("demo-org-004", "Hogeschool Eemland", "hbo", "NL-UT",
        "responsible explainable-ai human-ai-collaboration nlp",
        "health public-sector finance education",
        "Hogeschool voor zorg, recht, financiën en onderwijs. Werkt aan AI die mensen "
        "begrijpen en vertrouwen."),
    Org("demo-org-005", "Hogeschool Kempenland", "hbo", "NL-NB",
        "vision industrial-robotics edge-ai anomaly-detection",
        "manufacturing built-environment",
        "Technische hogeschool in de Kempen met een eigen werkplaats voor robotica en "
        "beeldherkenning."),
    Org("demo-org-006", "Hogeschool Maasoever", "hbo", "NL-LI",
        "simulation optimisation speech data-sharing", "health logistics manufacturing",
        "Hogeschool aan de Maas met opleidingen in zorg, logistiek en techniek, en veel "
        "samenwerking over de grens."),
    Org("demo-org-007", "Hogeschool Zaanstreek", "hbo", "NL-NH",
        "generative-ai recommender-systems data-engineering",
        "creative-industry retail finance",
        "Hogeschool voor media, handel en ICT. Studenten bouwen prototypes voor webwinkels en "
        "creatieve bedrijven."),
    Org("demo-org-008", "Mbo College Drentsche Aa", "mbo", "NL-DR",
        "ai-literacy human-ai-collaboration edge-ai", "built-environment health agrifood",
        "Mbo-school voor techniek, zorg en groen. Leert vakmensen werken met slimme "
        "apparaten en software."),
    Org("demo-org-009", "ROC Twentekanaal", "mbo", "NL-OV",
        "industrial-robotics edge-ai visual-inspection", "manufacturing energy",
        "Regionaal opleidingscentrum met praktijkhallen voor mechatronica en installatie"
        "techniek."),
    Org("demo-org-010", "Vakschool Zeeuwse Stromen", "mbo", "NL-ZE",
        "ai-literacy remote-sensing autonomous-systems", "agrifood logistics energy",
        "Mbo-opleidingen voor de haven, de visserij en de energiesector in Zeeland."),
    Org("demo-org-011", "Techniek College Flevopolder", "mbo", "NL-FL",
        "robotics ai-literacy", "agrifood manufacturing",
        "Technisch mbo in de polder. Studenten leren werken met robots in de landbouw en de "
        "maakindustrie."),
    Org("demo-org-012", "Universiteit Hunzedal", "wo", "NL-GR",
        "language knowledge-graphs fairness reinforcement-learning",
        "health energy public-sector",
        "Brede universiteit in het noorden met onderzoek naar taaltechnologie en eerlijke "
        "algoritmes.", national=True),
    Org("demo-org-013", "Rijnland Universiteit", "wo", "NL-ZH",
        "explainable-ai ai-law remote-sensing simulation",
        "public-sector security built-environment",
        "Universiteit met sterke groepen in recht, bestuur en aardobservatie.", national=True),
    Org("demo-org-014", "Universiteit Veluwezoom", "wo", "NL-GE",
        "remote-sensing predictive-analytics reinforcement-learning robotics",
        "agrifood energy",
        "Universiteit voor landbouw, natuur en voedsel. Doet veel onderzoek met boeren en "
        "telers."),
    Org("demo-org-015", "Lectoraat Slimme Logistiek", "lectorate", "NL-OV",
        "optimisation time-series simulation", "logistics",
        "Onderzoekt met transporteurs en verladers hoe planning en vervoer slimmer en "
        "schoner kunnen.", parent="demo-org-001"),
    Org("demo-org-016", "Lectoraat Data in de Zorg", "lectorate", "NL-FR",
        "predictive-analytics nlp fairness", "health",
        "Werkt met zorgorganisaties aan het verstandig gebruik van zorggegevens.",
        parent="demo-org-002"),
    Org("demo-org-017", "Lectoraat Verantwoorde AI", "lectorate", "NL-UT",
        "ai-ethics ai-law explainable-ai fairness", "public-sector health finance",
        "Helpt organisaties AI in te zetten die uitlegbaar, eerlijk en volgens de regels is.",
        parent="demo-org-004"),
    Org("demo-org-018", "Lectoraat Mens en Machine", "lectorate", "NL-NB",
        "human-ai-collaboration industrial-robotics visual-inspection", "manufacturing",
        "Onderzoekt hoe operators en slimme machines samen beter werk leveren.",
        parent="demo-org-005"),
    Org("demo-org-019", "Lectoraat Voorspellen in de Keten", "lectorate", "NL-ZH",
        "predictive-analytics time-series optimisation", "retail agrifood logistics",
        "Helpt mkb-bedrijven in de voedselketen vraag en aanbod beter op elkaar af te "
        "stemmen.", parent="demo-org-003"),
    Org("demo-org-020", "Practoraat Slim Onderhoud", "practorate", "NL-OV",
        "anomaly-detection edge-ai predictive-analytics", "manufacturing energy",
        "Mbo-practoraat dat met installateurs en fabrieken werkt aan onderhoud op het juiste "
        "moment.", parent="demo-org-009"),
    Org("demo-org-021", "Practoraat Digitaal Vakmanschap", "practorate", "NL-DR",
        "ai-literacy human-ai-collaboration", "built-environment health",
        "Onderzoekt wat vakmensen nodig hebben om met digitale hulpmiddelen te werken.",
        parent="demo-org-008"),
    Org("demo-org-022", "Centre of Expertise Voedsel & Data", "centre-of-expertise", "NL-GE",
        "remote-sensing predictive-analytics data-sharing visual-inspection", "agrifood",
        "Samenwerking van hogescholen, telers en voedselbedrijven rond data in de "
        "voedselketen.", national=True),
    Org("demo-org-023", "Centre of Expertise Slimme Maakindustrie", "centre-of-expertise",
        "NL-NB", "visual-inspection industrial-robotics anomaly-detection mlops",
        "manufacturing",
        "Brengt maakbedrijven, onderwijs en onderzoek samen in fieldlabs rond slimme "
        "productie."),
    Org("demo-org-024", "Centre of Expertise Gezond Leven", "centre-of-expertise", "NL-LI",
        "speech conversational-ai predictive-analytics", "health",
        "Ontwikkelt met zorgverleners en inwoners technologie die gezond leven makkelijker "
        "maakt.", parent="demo-org-006"),
    Org("demo-org-025", "CIV Techniek & Installatie", "civ", "NL-UT",
        "anomaly-detection edge-ai ai-literacy", "built-environment energy",
        "Centrum voor Innovatief Vakmanschap waar installateurs en mbo-studenten samen nieuwe "
        "technieken leren."),
    Org("demo-org-026", "CIV Water & Delta", "civ", "NL-ZE",
        "remote-sensing time-series simulation", "energy public-sector built-environment",
        "Leidt vakmensen op voor water, dijken en energie aan de kust."),
    Org("demo-org-027", "Innovatielab Data Delta", "innovation-lab", "NL-ZH",
        "ml generative-ai data-engineering mlops visual-inspection",
        "retail logistics agrifood manufacturing",
        "Innovatielab in Delft waar bedrijven met studenten en datawetenschappers binnen "
        "twaalf weken een werkend prototype bouwen."),
    Org("demo-org-028", "AI Werkplaats Noord", "innovation-lab", "NL-GR",
        "nlp conversational-ai generative-ai anomaly-detection",
        "energy agrifood public-sector",
        "Open werkplaats in Groningen voor bedrijven en overheden die AI willen uitproberen."),
    Org("demo-org-029", "Datalab Dommelvallei", "innovation-lab", "NL-NB",
        "vision edge-ai mlops", "manufacturing",
        "Lab voor beeldherkenning en AI in machines, met een eigen testlijn."),
    Org("demo-org-030", "Innovatielab Polderdata", "innovation-lab", "NL-FL",
        "remote-sensing predictive-analytics data-sharing", "agrifood built-environment",
        "Lab in de polder voor data van land, water en gewassen."),
    Org("demo-org-031", "AI Proeftuin Maasland", "innovation-lab", "NL-LI",
        "conversational-ai speech human-ai-collaboration", "health retail",
        "Proeftuin waar zorgorganisaties en winkels spraak- en chattoepassingen testen met "
        "echte gebruikers.", national=True),
    Org("demo-org-032", "Fieldlab Slimme Kassen", "innovation-lab", "NL-ZH",
        "visual-inspection time-series autonomous-systems", "agrifood",
        "Fieldlab in het Westland met een proefkas vol camera's en sensoren."),
    Org("demo-org-033", "Werkplaats Slimme Industrie Achterhoek", "innovation-lab", "NL-GE",
        "industrial-robotics optimisation anomaly-detection", "manufacturing",
        "Werkplaats waar maakbedrijven uit de Achterhoek robots en slimme software "
        "uitproberen."),
    # Companies and public organisations with a question (demand).
    Org("demo-org-034", "Bakkerij Van der Meulen", "sme", "NL-ZH",
        "predictive-analytics time-series", "retail agrifood",
        "Familiebakkerij met drie winkels in en rond Gouda, sinds 1962."),
    Org("demo-org-035", "Transportbedrijf Brinkman", "sme", "NL-OV",
        "optimisation", "logistics",
        "Familiebedrijf met twaalf vrachtwagens, van Hardenberg naar heel Noordwest-Europa."),
    Org("demo-org-036", "Tuinderij Van Leeuwen", "sme", "NL-ZH",
        "visual-inspection time-series", "agrifood",
        "Tomatenkwekerij in het Westland met acht hectare kas."),
    Org("demo-org-037", "Metaalbewerking Jansen & Zn.", "sme", "NL-NB",
        "visual-inspection industrial-robotics", "manufacturing",
        "Toeleverancier van precisieonderdelen voor de machinebouw, 45 medewerkers."),
    Org("demo-org-038", "Installatiebedrijf Bosman", "sme", "NL-UT",
        "anomaly-detection predictive-analytics", "built-environment energy",
        "Installateur van cv-ketels, warmtepompen en zonnepanelen in de regio Amersfoort."),
    Org("demo-org-039", "Hotel De Drie Linden", "sme", "NL-GE",
        "conversational-ai recommender-systems", "retail",
        "Hotel en restaurant met 40 kamers aan de rand van de Veluwe."),
    Org("demo-org-040", "Webwinkel Wolwerk", "sme", "NL-NH",
        "recommender-systems generative-ai", "retail creative-industry",
        "Online winkel in wol, garen en breipatronen, gerund vanuit Haarlem."),
    Org("demo-org-041", "Accountantskantoor Smit & De Boer", "sme", "NL-DR",
        "nlp generative-ai", "finance",
        "Accountantskantoor voor ondernemers en agrariërs in Drenthe."),
    Org("demo-org-042", "Drukkerij Veenstra", "sme", "NL-GR",
        "optimisation generative-ai", "creative-industry manufacturing",
        "Drukkerij voor boeken, verpakkingen en drukwerk op maat."),
    Org("demo-org-043", "Aardappelhandel Kuipers", "sme", "NL-FL",
        "predictive-analytics remote-sensing", "agrifood logistics",
        "Handelt in pootgoed en consumptieaardappelen uit de Noordoostpolder."),
    Org("demo-org-044", "Mosselkwekerij Van Damme", "sme", "NL-ZE",
        "remote-sensing time-series", "agrifood",
        "Kweekt mosselen in de Oosterschelde, al vier generaties."),
    Org("demo-org-045", "Meubelmakerij Hendriks", "sme", "NL-LI",
        "generative-ai optimisation", "manufacturing retail",
        "Maakt meubels op maat in een eigen werkplaats in Venlo."),
    Org("demo-org-046", "Melkveebedrijf Dijkstra", "sme", "NL-FR",
        "anomaly-detection edge-ai", "agrifood",
        "Melkveebedrijf met 140 koeien en een melkrobot."),
    Org("demo-org-047", "Fysiotherapiepraktijk Beweegwijs", "sme", "NL-NB",
        "vision conversational-ai", "health",
        "Praktijk voor fysiotherapie met zes therapeuten in Tilburg."),
    Org("demo-org-048", "Autobedrijf Mulder", "sme", "NL-GE",
        "predictive-analytics nlp", "retail",
        "Garage en autoverkoop, onderhoud van alle merken."),
    Org("demo-org-049", "Schoonmaakbedrijf Glans", "sme", "NL-NH",
        "optimisation", "built-environment",
        "Schoonmaakbedrijf met tachtig medewerkers voor kantoren en scholen."),
    Org("demo-org-050", "Brouwerij De Zwarte Ruiter", "sme", "NL-LI",
        "time-series anomaly-detection", "agrifood manufacturing",
        "Ambachtelijke brouwerij voor speciaalbier in Zuid-Limburg."),
    Org("demo-org-051", "Zuivelcoöperatie Waddenland", "large-company", "NL-FR",
        "predictive-analytics mlops", "agrifood",
        "Coöperatie van 900 melkveehouders met drie kaas- en boterfabrieken."),
    Org("demo-org-052", "Bouwgroep Hollandse Delta", "large-company", "NL-ZH",
        "simulation nlp", "built-environment",
        "Bouwbedrijf voor woningbouw en renovatie, 600 medewerkers."),
    Org("demo-org-053", "Verzekeraar Zekerwijs", "large-company", "NL-UT",
        "nlp explainable-ai fairness", "finance",
        "Verzekeraar voor ondernemers en zzp'ers."),
    Org("demo-org-054", "Netwerkbedrijf Oostnet", "large-company", "NL-GE",
        "time-series anomaly-detection", "energy",
        "Beheert het stroom- en gasnet in een groot deel van Oost-Nederland."),
    Org("demo-org-055", "Gemeente Zuidwolde", "public", "NL-DR",
        "conversational-ai nlp", "public-sector",
        "Plattelandsgemeente met 22.000 inwoners in Zuidwest-Drenthe."),
    Org("demo-org-056", "Gemeente Haarwoude", "public", "NL-NH",
        "object-detection predictive-analytics", "public-sector",
        "Gemeente in Noord-Holland met veel groen en drie grote parken."),
    Org("demo-org-057", "Waterschap De Polderlanden", "public", "NL-FL",
        "remote-sensing time-series", "public-sector built-environment",
        "Zorgt voor droge voeten en schoon water in de polders."),
    Org("demo-org-058", "Zorggroep Eemhof", "public", "NL-UT",
        "speech nlp ai-ethics", "health",
        "Ouderenzorg op acht locaties en thuiszorg in de regio Amersfoort."),
    Org("demo-org-059", "Ziekenhuis Noorderzorg", "public", "NL-GR",
        "predictive-analytics fairness", "health",
        "Regionaal ziekenhuis met twee locaties."),
    # Neither demand nor supply.
    Org("demo-org-060", "Stichting AI voor Iedereen", "other", "NL-NH",
        "ai-literacy ai-ethics", "education",
        "Stichting die gratis workshops over AI geeft aan ondernemers en inwoners."),
    Org("demo-org-061", "Ondernemersvereniging Zeeland Digitaal", "other", "NL-ZE",
        "ai-literacy data-sharing", "agrifood logistics",
        "Vereniging van Zeeuwse ondernemers die samen digitaal slimmer willen werken."),
]

# Formats each supply kind can offer; a supplier gets a seeded pick of them.
KIND_FORMATS = {
    "hbo": ["student-project", "internship", "applied-research", "masterclass", "hackathon"],
    "mbo": ["student-project", "internship", "training"],
    "wo": ["applied-research", "internship", "masterclass"],
    "lectorate": ["applied-research", "student-project", "masterclass", "living-lab"],
    "practorate": ["applied-research", "training", "student-project"],
    "centre-of-expertise": ["applied-research", "living-lab", "masterclass", "training"],
    "civ": ["training", "internship", "living-lab"],
    "innovation-lab": ["hackathon", "living-lab", "applied-research", "masterclass", "training"],
}


class Person(NamedTuple):
    email: str
    full_name: str
    province: str
    bio: str
    organisation: str | None = None  # ref
    job_title: str = ""
    is_org_admin: bool = False
    expertise: str = ""
    is_staff: bool = False
    is_superuser: bool = False
    is_programme_coordinator: bool = False
    offer: str = ""


DEMO_DOMAIN = "demo.aihubs.nl"
SME_OWNER = f"mkb@{DEMO_DOMAIN}"
LECTURER = f"docent@{DEMO_DOMAIN}"
LAB_STAFF = f"lab@{DEMO_DOMAIN}"
HUB_COORDINATOR = f"coordinator@{DEMO_DOMAIN}"
PROGRAMME_COORDINATOR = f"programma@{DEMO_DOMAIN}"
DEMO_LOGINS = (SME_OWNER, LECTURER, LAB_STAFF, HUB_COORDINATOR, PROGRAMME_COORDINATOR)
COORDINATED_HUB = "zuid-holland"
JOOST = f"joost.vermeer@{DEMO_DOMAIN}"

PEOPLE = [
    Person(SME_OWNER, "Marieke van der Meulen", "NL-ZH",
           "Eigenaar van Bakkerij Van der Meulen, bakker in de derde generatie.",
           "demo-org-034", "Eigenaar", is_org_admin=True),
    Person(LECTURER, "Fatima el Amrani", "NL-ZH",
           "Docent data science. Neemt graag echte vragen van bedrijven mee de klas in.",
           "demo-org-003", "Docent data science",
           expertise="predictive-analytics time-series ai-literacy",
           offer="Elk semester een groep tweedejaars studenten data science voor een "
                 "opdracht van tien weken, een gastles over voorspellen zonder wiskunde, en "
                 "hulp bij het op een rij zetten van verkoop- en bestelgegevens."),
    Person(LAB_STAFF, "Thijs de Graaf", "NL-ZH",
           "Data engineer bij Innovatielab Data Delta; bouwt prototypes met studenten.",
           "demo-org-027", "Data engineer", is_org_admin=True,
           expertise="data-engineering mlops visual-inspection generative-ai",
           offer="Een werkend prototype in twaalf weken, samen met studenten, en ruimte in "
                 "ons lab in Delft om camera's en sensoren te testen."),
    Person(HUB_COORDINATOR, "Annelies Verbeek", "NL-ZH",
           "Coördinator van AI Hub Zuid-Holland: brengt bedrijven en onderwijs bij elkaar.",
           is_staff=True),
    # National reach without being a superuser: the programme coordinators' group.
    Person(PROGRAMME_COORDINATOR, "Ruben Hoekstra", "NL-UT",
           "Landelijk programmacoördinator van de AI-leergemeenschappen.",
           is_staff=True, is_programme_coordinator=True),
    Person(f"sanne.visser@{DEMO_DOMAIN}", "Sanne Visser", "NL-ZH",
           "Derdejaars student data science.", "demo-org-003", "Student"),
    Person(f"daan.smit@{DEMO_DOMAIN}", "Daan Smit", "NL-OV",
           "Student logistiek, loopt stage bij een transportbedrijf.", "demo-org-001",
           "Student"),
    Person(f"noor.yilmaz@{DEMO_DOMAIN}", "Noor Yilmaz", "NL-GR",
           "Promovendus taaltechnologie.", "demo-org-012", "Promovendus",
           expertise="nlp conversational-ai fairness"),
    Person(f"pieter.brinkman@{DEMO_DOMAIN}", "Pieter Brinkman", "NL-OV",
           "Directeur-eigenaar van Transportbedrijf Brinkman.", "demo-org-035",
           "Directeur", is_org_admin=True),
    Person(f"lotte.jansen@{DEMO_DOMAIN}", "Lotte Jansen", "NL-OV",
           "Onderzoeker en docent bij het lectoraat Slimme Logistiek.", "demo-org-015",
           "Docent-onderzoeker", expertise="optimisation simulation"),
    Person(f"bram.vandijk@{DEMO_DOMAIN}", "Bram van Dijk", "NL-NB",
           "Hoofd productie bij Metaalbewerking Jansen & Zn.", "demo-org-037",
           "Hoofd productie"),
    Person(f"iris.mulder@{DEMO_DOMAIN}", "Iris Mulder", "NL-GR",
           "Verbindt bedrijven en onderwijs in Noord-Nederland."),
    Person(f"youssef.bouzid@{DEMO_DOMAIN}", "Youssef Bouzid", "NL-DR",
           "Mbo-student ICT, wil graag aan een echte opdracht werken.", "demo-org-008",
           "Student"),
    Person(f"emma.deboer@{DEMO_DOMAIN}", "Emma de Boer", "NL-FR",
           "Docent zorg en technologie.", "demo-org-002", "Docent",
           expertise="nlp ai-ethics"),
    Person(f"kees.hendriks@{DEMO_DOMAIN}", "Kees Hendriks", "NL-UT",
           "Teamleider wijkzorg bij Zorggroep Eemhof.", "demo-org-058", "Teamleider"),
    Person(f"anouk.peters@{DEMO_DOMAIN}", "Anouk Peters", "NL-UT",
           "Onderzoeker bij het lectoraat Verantwoorde AI.", "demo-org-017", "Onderzoeker",
           expertise="ai-ethics explainable-ai fairness"),
    Person(f"willem.dejong@{DEMO_DOMAIN}", "Willem de Jong", "NL-DR",
           "Teamleider klantcontact bij de gemeente Zuidwolde.", "demo-org-055",
           "Teamleider klantcontact"),
    Person(f"fleur.hermans@{DEMO_DOMAIN}", "Fleur Hermans", "NL-NB",
           "Docent mechatronica.", "demo-org-005", "Docent",
           expertise="visual-inspection industrial-robotics"),
    # Not a member yet: asks to join the bakery (MEMBERSHIP_REQUESTS).
    Person(JOOST, "Joost Vermeer", "NL-ZH",
           "Bedrijfsleider bij Bakkerij Van der Meulen, verantwoordelijk voor de drie "
           "winkels."),
]


class Ch(NamedTuple):
    ref: str
    organisation: str
    status: str
    visibility: str
    title: str
    description: str
    learning_goals: str
    topics: str
    sectors: str
    formats: str
    created_by: str | None = None
    rejection_reason: str = ""


S = ChallengeStatus
V = Visibility
MARIEKE = SME_OWNER
PIETER = f"pieter.brinkman@{DEMO_DOMAIN}"
BRAM = f"bram.vandijk@{DEMO_DOMAIN}"
KEES = f"kees.hendriks@{DEMO_DOMAIN}"
WILLEM = f"willem.dejong@{DEMO_DOMAIN}"

CHALLENGES = [
    Ch("demo-ch-001", "demo-org-034", S.IN_COMMUNITY, V.PUBLIC,
       "We gooien elke week te veel brood weg",
       "Wij hebben drie winkels in en rond Gouda. Elke avond blijft er brood en gebak over "
       "dat we de volgende dag niet meer verkopen. Een deel gaat naar de voedselbank, maar "
       "het meeste gooien we weg. We bakken nu op gevoel en op wat we vorig jaar in dezelfde "
       "week verkochten. We willen beter weten hoeveel we per winkel per dag moeten bakken, "
       "ook als het weer omslaat of als er een feestdag is.",
       "Ik en mijn bedrijfsleider willen leren hoe je zo'n voorspelling leest en wanneer je "
       "die beter niet kunt vertrouwen. Onze bakkers willen begrijpen waarom het bakschema "
       "verandert.",
       "predictive-analytics time-series", "retail agrifood",
       "student-project applied-research", MARIEKE),
    Ch("demo-ch-002", "demo-org-034", S.PUBLISHED, V.PUBLIC,
       "Zakelijke klanten bestellen op het laatste moment",
       "Hotels en bedrijfskantines in de regio bestellen vaak pas 's avonds laat voor de "
       "volgende ochtend. Dan moeten we het bakschema omgooien en komen we soms handen "
       "tekort. Kunnen we aan de hand van eerdere bestellingen zien wat er waarschijnlijk "
       "komt, zodat we alvast kunnen plannen?",
       "Onze planner wil leren werken met een planning die zichzelf bijstelt.",
       "predictive-analytics optimisation", "agrifood retail",
       "student-project internship", MARIEKE),
    Ch("demo-ch-003", "demo-org-034", S.DRAFT, V.PUBLIC,
       "Klanten stellen via WhatsApp steeds dezelfde vragen",
       "Openingstijden, of er glutenvrij brood is, of een taart zaterdag klaar kan zijn: we "
       "beantwoorden dezelfde vragen tientallen keren per week, vaak 's avonds na "
       "sluitingstijd. Kan daar iets slims voor?",
       "Het winkelpersoneel wil weten wat zo'n hulpje wel en niet goed doet.",
       "conversational-ai", "retail", "student-project", MARIEKE),
    Ch("demo-ch-004", "demo-org-034", S.SUBMITTED, V.MEMBERS,
       "Kan een camera zien of een brood goed gebakken is?",
       "Bij drukte komt er weleens een te donker of te licht brood in de winkel. Onze "
       "ovenist controleert alles met het oog, maar om vier uur 's nachts zie je niet alles. "
       "We vragen ons af of een camera boven de band kan helpen.",
       "Onze ovenisten willen leren hoe ze zo'n systeem zelf kunnen bijstellen.",
       "visual-inspection", "agrifood manufacturing", "student-project internship",
       MARIEKE),
    Ch("demo-ch-005", "demo-org-036", S.IN_COMMUNITY, V.PUBLIC,
       "We oogsten soms meer tomaten dan we kwijt kunnen",
       "In warme weken groeien de tomaten harder dan we verwachten en zitten we met "
       "overschotten die we voor een lage prijs moeten verkopen. In koude weken komen we "
       "juist tekort voor onze vaste afnemers. We willen een paar weken vooruit kunnen zien "
       "hoeveel we gaan oogsten.",
       "Onze teeltmanager wil leren hoe je de klimaatgegevens uit de kas gebruikt om "
       "vooruit te kijken.",
       "time-series predictive-analytics", "agrifood", "applied-research living-lab"),
    Ch("demo-ch-006", "demo-org-036", S.PUBLISHED, V.HUB,
       "Ziektes in de planten zien we vaak pas als het te laat is",
       "Als er een schimmel of plaag in de kas zit, zien onze medewerkers dat meestal pas "
       "als een heel rijtje planten ziek is. Dan moeten we veel weggooien. We willen het "
       "eerder zien, het liefst met de camera's die al in de kas hangen.",
       "Onze gewaswerkers willen leren wat zo'n camera ziet en hoe ze een melding "
       "beoordelen.",
       "visual-inspection anomaly-detection", "agrifood",
       "applied-research internship living-lab"),
    Ch("demo-ch-007", "demo-org-052", S.SUBMITTED, V.MEMBERS,
       "Uitvoerders zoeken zich suf in tekeningen en bestekken",
       "Op een gemiddeld project hebben we honderden documenten: tekeningen, bestekken, "
       "mails en afspraken met onderaannemers. Onze uitvoerders zijn uren per week kwijt "
       "met zoeken naar dat ene detail. Kunnen ze gewoon een vraag stellen en het juiste "
       "stuk terugvinden?",
       "Uitvoerders en werkvoorbereiders willen leren hoe ze zo'n zoekhulp veilig gebruiken "
       "en wanneer ze het toch zelf moeten nakijken.",
       "nlp generative-ai", "built-environment", "applied-research internship"),
    Ch("demo-ch-008", "demo-org-052", S.PUBLISHED, V.PUBLIC,
       "Onze planningen voor renovaties kloppen zelden",
       "Bij de renovatie van oude woningen lopen we steeds uit: er zit meer rot in het hout "
       "dan gedacht of een leverancier is te laat. We hebben tien jaar aan "
       "projectgegevens. Kunnen we daarmee een eerlijker planning maken die rekening houdt "
       "met tegenvallers?",
       "Projectleiders willen leren werken met een planning die ook de onzekerheid laat "
       "zien.",
       "simulation predictive-analytics", "built-environment",
       "applied-research student-project"),
    Ch("demo-ch-009", "demo-org-035", S.IN_COMMUNITY, V.PUBLIC,
       "Onze vrachtwagens rijden te vaak half leeg terug",
       "We rijden met twaalf vrachtwagens tussen Hardenberg, Zwolle en het Ruhrgebied. Heen "
       "zijn ze vol, terug vaak half leeg. Andere vervoerders in de regio hebben hetzelfde "
       "probleem. We willen weten hoe we retourvracht slimmer kunnen combineren, misschien "
       "wel samen met collega's.",
       "Onze planners willen leren hoe een planningsprogramma tot een voorstel komt, zodat "
       "ze het aan chauffeurs en klanten kunnen uitleggen.",
       "optimisation", "logistics", "student-project applied-research", PIETER),
    Ch("demo-ch-010", "demo-org-035", S.IN_COMMUNITY, V.HUB,
       "De planning maken kost elke avond twee uur",
       "Onze planner puzzelt elke avond de ritten voor de volgende dag in elkaar, met "
       "rijtijden, laadtijden en wensen van klanten. Als hij ziek is, loopt alles vast. We "
       "zoeken hulp om dat sneller en minder kwetsbaar te maken.",
       "De planner en een van onze chauffeurs willen leren meedenken over hoe het "
       "programma werkt.",
       "optimisation simulation", "logistics", "student-project", PIETER),
    Ch("demo-ch-011", "demo-org-039", S.PUBLISHED, V.PUBLIC,
       "Gasten mailen dezelfde vragen, ook midden in de nacht",
       "Mag mijn hond mee? Is er een laadpaal? Hoe laat is het ontbijt? Onze receptie "
       "beantwoordt elke dag tientallen mails met dezelfde vragen. We willen gasten sneller "
       "helpen zonder dat het onpersoonlijk wordt.",
       "Receptiemedewerkers willen leren hoe je zo'n hulpje bijhoudt en verbetert.",
       "conversational-ai nlp", "retail", "student-project internship"),
    Ch("demo-ch-012", "demo-org-048", S.DRAFT, V.PUBLIC,
       "Welke klant moet wanneer voor onderhoud komen?",
       "We sturen nu iedereen één keer per jaar een herinnering. Sommige klanten rijden veel "
       "en zijn eigenlijk al te laat, anderen komen voor niets. Kunnen we beter inschatten "
       "wanneer een auto echt aan de beurt is?",
       "Onze servicebalie wil leren hoe je klantgegevens hiervoor verantwoord gebruikt.",
       "predictive-analytics", "retail", "student-project"),
    Ch("demo-ch-013", "demo-org-054", S.PUBLISHED, V.MEMBERS,
       "Storingen in het stroomnet zien aankomen",
       "Kabels en verdeelkasten in de wijk geven vaak al weken van tevoren kleine signalen "
       "voordat ze uitvallen. We meten veel, maar niemand heeft tijd om al die metingen te "
       "bekijken. We willen eerder weten waar we een monteur naartoe moeten sturen.",
       "Monteurs en netbeheerders willen leren hoe ze een waarschuwing van het systeem "
       "beoordelen.",
       "anomaly-detection time-series", "energy", "applied-research internship"),
    Ch("demo-ch-014", "demo-org-054", S.SUBMITTED, V.PUBLIC,
       "Ervaren monteurs gaan met pensioen en nemen hun kennis mee",
       "De komende vijf jaar gaat een kwart van onze monteurs met pensioen. Veel van wat zij "
       "weten staat nergens op papier. We willen die kennis vastleggen en zo doorzoekbaar "
       "maken dat een jonge collega in het veld er snel een antwoord uit haalt.",
       "Jonge monteurs en hun begeleiders willen leren hoe ze zo'n kennisbank vullen en "
       "gebruiken.",
       "knowledge-graphs generative-ai", "energy", "applied-research training"),
    Ch("demo-ch-015", "demo-org-055", S.IN_COMMUNITY, V.PUBLIC,
       "Onze klantenservice krijgt dezelfde vragen steeds opnieuw",
       "Wanneer wordt het grofvuil opgehaald? Hoe vraag ik een parkeervergunning aan? Ons "
       "klantcontactcentrum beantwoordt elke week honderden van dit soort vragen, terwijl "
       "het antwoord al op onze website staat. We willen inwoners sneller helpen, zodat "
       "medewerkers meer tijd hebben voor mensen die echt hulp nodig hebben.",
       "Medewerkers klantcontact willen leren wat zo'n hulpmiddel kan en waar de grenzen "
       "liggen, ook als het om privacy gaat.",
       "conversational-ai nlp", "public-sector", "applied-research student-project", WILLEM),
    Ch("demo-ch-016", "demo-org-041", S.IN_COMMUNITY, V.MEMBERS,
       "Bonnetjes en facturen overtypen kost ons dagen per maand",
       "Onze klanten leveren hun administratie aan als foto, als pdf of soms nog in een "
       "schoenendoos. Wij typen veel daarvan over. Dat is saai werk en er sluipen fouten in. "
       "We willen weten wat er al kan om dit te automatiseren en hoe we het controleren.",
       "Onze assistenten willen leren hoe ze de uitkomst van zo'n systeem controleren en "
       "wanneer ze moeten ingrijpen.",
       "nlp generative-ai", "finance", "student-project internship"),
    Ch("demo-ch-017", "demo-org-046", S.PUBLISHED, V.HUB,
       "Zien dat een koe ziek wordt voordat het te laat is",
       "We hebben 140 koeien en meten al veel: hoeveel melk ze geven, hoeveel ze bewegen en "
       "hoe vaak ze herkauwen. Toch zien we een zieke koe vaak pas als ze echt ziek is. We "
       "willen eerder een seintje, zodat de dierenarts op tijd kan komen.",
       "Mijn zoon en ik willen leren de gegevens uit onze stal beter te lezen.",
       "anomaly-detection edge-ai", "agrifood", "applied-research internship"),
    Ch("demo-ch-018", "demo-org-042", S.CLOSED, V.PUBLIC,
       "Drukopdrachten slimmer achter elkaar zetten",
       "Elke keer dat we van papiersoort of kleur wisselen, verliezen we tijd en vellen "
       "papier. Door opdrachten slimmer achter elkaar te zetten, kunnen we veel besparen. "
       "Nu doet onze werkvoorbereider dat uit het hoofd.",
       "Onze werkvoorbereider wil leren hoe een planningsprogramma keuzes maakt.",
       "optimisation", "manufacturing creative-industry", "student-project"),
    Ch("demo-ch-019", "demo-org-051", S.PUBLISHED, V.HUB,
       "Hoeveel melk komt er morgen binnen?",
       "Onze fabrieken moeten elke dag weten hoeveel melk de boeren leveren, zodat we de "
       "productie van kaas en boter goed kunnen plannen. Nu schatten we dat met een "
       "spreadsheet en zitten we er soms flink naast, vooral in het voorjaar.",
       "Onze planners en een paar mensen van ICT willen leren hoe je zo'n voorspelling in "
       "het dagelijkse werk gebruikt en bijhoudt.",
       "time-series predictive-analytics mlops", "agrifood", "applied-research internship"),
    Ch("demo-ch-020", "demo-org-059", S.PUBLISHED, V.MEMBERS,
       "Te veel lege plekken in de agenda door afzeggingen op het laatste moment",
       "Bij sommige poliklinieken komt één op de tien patiënten niet opdagen of zegt op het "
       "laatste moment af. Dat kost artsen tijd en maakt de wachtlijsten langer. We willen "
       "weten of we kunnen zien wie misschien niet komt, zodat we die mensen extra kunnen "
       "helpen herinneren. Het moet wel eerlijk blijven voor iedereen.",
       "Planners en zorgmedewerkers willen leren hoe je zo'n voorspelling eerlijk inzet.",
       "predictive-analytics fairness", "health", "applied-research"),
    Ch("demo-ch-021", "demo-org-055", S.REJECTED, V.PUBLIC,
       "Een app waarmee inwoners afval kunnen melden",
       "We willen een app waarmee inwoners zwerfafval en volle containers kunnen melden, "
       "met een foto en de plek op de kaart.",
       "", "object-detection", "public-sector", "student-project", WILLEM,
       rejection_reason=(
           "Een meldingen-app is een goed idee, maar daar is geen AI voor nodig: een gewone "
           "appbouwer kan dit maken. Daarom past de vraag niet in dit programma. Wilt u de "
           "meldingen later automatisch laten sorteren of de foto's laten herkennen? Dan "
           "helpen we graag om daar een nieuwe uitdaging van te maken."
       )),
    Ch("demo-ch-022", "demo-org-058", S.IN_COMMUNITY, V.MEMBERS,
       "Zorgmedewerkers zijn te veel tijd kwijt aan rapporteren",
       "Onze verzorgenden schrijven na elke dienst op wat ze hebben gedaan en gezien. Dat "
       "kost per dienst bijna een uur, tijd die niet naar de bewoners gaat. We vragen ons af "
       "of ze hun verslag kunnen inspreken en het systeem er een net verslag van maakt. "
       "Privacy en een goed dossier zijn voor ons heel belangrijk.",
       "Verzorgenden willen leren hoe ze zo'n hulpmiddel gebruiken en controleren; "
       "teamleiders willen leren wat er bij de invoering komt kijken.",
       "speech nlp ai-ethics", "health", "applied-research living-lab", KEES),
    Ch("demo-ch-023", "demo-org-053", S.IN_COMMUNITY, V.MEMBERS,
       "Kunnen we uitleggen waarom een aanvraag wordt afgewezen?",
       "We gebruiken een rekenmodel om aanvragen voor een arbeidsongeschiktheidsverzekering "
       "te beoordelen. Klanten en toezichthouders vragen steeds vaker waarom een aanvraag is "
       "afgewezen, en onze medewerkers kunnen dat niet altijd goed uitleggen. We willen "
       "begrijpelijker en eerlijker beslissen.",
       "Acceptanten en juristen willen leren hoe je een beslissing van een model uitlegt en "
       "toetst op eerlijkheid.",
       "explainable-ai fairness ai-law", "finance", "applied-research masterclass"),
    Ch("demo-ch-024", "demo-org-038", S.PUBLISHED, V.PUBLIC,
       "Cv-ketels gaan kapot op het slechtste moment",
       "We onderhouden ruim 3.000 cv-ketels en warmtepompen. In de eerste koude week van "
       "het jaar staan de telefoons roodgloeiend. Veel ketels sturen gegevens door, maar we "
       "doen er niets mee. We willen eerder zien welke installatie gaat haperen, zodat we "
       "onze monteurs beter kunnen inzetten.",
       "Onze monteurs en planners willen leren wat de gegevens van een installatie "
       "vertellen.",
       "anomaly-detection predictive-analytics", "built-environment energy",
       "student-project internship training"),
    Ch("demo-ch-025", "demo-org-043", S.PUBLISHED, V.PUBLIC,
       "Hoeveel aardappelen oogsten onze telers dit jaar?",
       "We kopen aardappelen in bij zestig telers in de Noordoostpolder. Pas bij de oogst "
       "weten we hoeveel we krijgen, terwijl we al eerder afspraken met afnemers willen "
       "maken. Kunnen satellietbeelden of weergegevens helpen om de oogst eerder in te "
       "schatten?",
       "Onze inkopers willen leren hoe betrouwbaar zo'n schatting is en hoe ze die aan "
       "telers uitleggen.",
       "remote-sensing predictive-analytics", "agrifood logistics",
       "applied-research student-project"),
    Ch("demo-ch-026", "demo-org-057", S.SUBMITTED, V.PUBLIC,
       "Waar gaan onze dijken het eerst verzakken?",
       "We hebben honderden kilometers dijk in beheer. Inspecteurs lopen ze twee keer per "
       "jaar na. We hebben ook metingen van satellieten en sensoren, maar die combineren we "
       "nog niet. We willen weten waar we het eerst moeten gaan kijken.",
       "Dijkinspecteurs willen leren hoe ze de uitkomsten naast hun eigen waarnemingen "
       "leggen.",
       "remote-sensing time-series", "public-sector built-environment",
       "applied-research living-lab"),
    Ch("demo-ch-027", "demo-org-053", S.DRAFT, V.MEMBERS,
       "Schademeldingen sneller bij de juiste behandelaar",
       "Elke dag komen er honderden schademeldingen binnen via mail, formulier en telefoon. "
       "Iemand moet ze allemaal lezen en doorzetten naar de juiste afdeling. Dat moet "
       "sneller kunnen.",
       "Teamleiders willen leren hoe je zo'n verdeling in de gaten houdt.",
       "nlp", "finance", "internship"),
    Ch("demo-ch-028", "demo-org-038", S.SUBMITTED, V.PUBLIC,
       "Offertes maken kost onze adviseurs te veel tijd",
       "Voor elke offerte voor zonnepanelen of een warmtepomp gaat een adviseur langs, maakt "
       "foto's en schrijft daarna een offerte van een paar pagina's. Dat schrijven kost vaak "
       "meer tijd dan het bezoek. Kan een computer een eerste versie maken die de adviseur "
       "alleen nog hoeft na te lopen?",
       "Adviseurs willen leren hoe ze een tekstgenerator goed aansturen en controleren.",
       "generative-ai", "built-environment energy", "student-project"),
    Ch("demo-ch-029", "demo-org-040", S.PUBLISHED, V.PUBLIC,
       "Klanten vinden niet het juiste garen bij hun patroon",
       "We verkopen wol, garen en breipatronen online. Klanten vragen ons vaak welk garen "
       "bij een patroon past, of wat een goed alternatief is als iets uitverkocht is. We "
       "willen ze op de site betere suggesties geven.",
       "Ik en mijn twee medewerkers willen leren hoe je zulke suggesties zelf bijstuurt.",
       "recommender-systems", "retail creative-industry", "student-project hackathon"),
    Ch("demo-ch-030", "demo-org-040", S.DRAFT, V.PUBLIC,
       "Productteksten schrijven voor 2.000 artikelen",
       "Veel van onze artikelen hebben alleen een naam en een prijs. Goede teksten schrijven "
       "kost tijd die we niet hebben.",
       "", "generative-ai", "retail", "student-project"),
    Ch("demo-ch-031", "demo-org-056", S.PUBLISHED, V.HUB,
       "Zwerfafval in parken: waar en wanneer moeten we schoonmaken?",
       "Onze schoonmaakploegen lopen vaste rondes, maar op zonnige dagen ligt het ene park "
       "vol en is het andere schoon. We willen weten waar en wanneer het nodig is, "
       "bijvoorbeeld met beelden van de veegwagens of meldingen van inwoners. Zonder mensen "
       "te volgen.",
       "Teamleiders buitendienst willen leren werken met een planning die elke dag "
       "verandert.",
       "object-detection predictive-analytics ai-ethics", "public-sector",
       "student-project living-lab"),
    Ch("demo-ch-032", "demo-org-049", S.PUBLISHED, V.PUBLIC,
       "Roosters maken voor tachtig schoonmakers is elke week puzzelen",
       "Onze medewerkers werken op verschillende adressen, hebben verschillende contracten "
       "en wensen, en klanten willen vaste gezichten. Elke week zijn twee mensen anderhalve "
       "dag met het rooster bezig. Bij ziekte begint alles opnieuw.",
       "Onze planners willen leren hoe een roosterprogramma keuzes maakt en hoe ze de "
       "wensen van medewerkers meenemen.",
       "optimisation", "built-environment", "student-project internship"),
    Ch("demo-ch-033", "demo-org-037", S.CLOSED, V.PUBLIC,
       "Krasjes en deukjes in onze onderdelen vinden we pas bij de klant",
       "We maken precisieonderdelen voor machinebouwers. Soms zit er een kras of deukje in "
       "een onderdeel dat we bij de eindcontrole missen. Dan komt het hele pakket terug. We "
       "willen met camera's aan de band fouten vinden voordat iets de deur uit gaat.",
       "Onze operators willen leren hoe ze het camerasysteem zelf bijstellen; de "
       "kwaliteitsmanager wil leren hoe hij de resultaten beoordeelt.",
       "visual-inspection", "manufacturing", "applied-research student-project", BRAM),
    Ch("demo-ch-034", "demo-org-047", S.PUBLISHED, V.PUBLIC,
       "Doen patiënten hun oefeningen thuis wel goed?",
       "Patiënten krijgen oefeningen mee naar huis, maar we weten niet of ze die goed doen. "
       "Een verkeerde houding kan het herstel vertragen. Zou een telefoon met camera kunnen "
       "zien of iemand een oefening goed uitvoert, en dan tips geven?",
       "Onze fysiotherapeuten willen leren wat zo'n toepassing betrouwbaar kan zien en wat "
       "niet.",
       "vision human-ai-collaboration", "health", "student-project"),
    Ch("demo-ch-035", "demo-org-044", S.SUBMITTED, V.HUB,
       "Wanneer is het water goed genoeg om te oogsten?",
       "De kwaliteit van het water in de Oosterschelde bepaalt wanneer we mosselen mogen "
       "oogsten. Nu wachten we op de uitslag van metingen en liggen de boten soms dagen "
       "stil. We willen beter kunnen inschatten wanneer het water goed is, met gegevens die "
       "al bestaan.",
       "Onze schippers willen leren hoe ze de voorspelling gebruiken bij het plannen.",
       "time-series remote-sensing", "agrifood", "applied-research"),
    Ch("demo-ch-036", "demo-org-037", S.CLOSED, V.PUBLIC,
       "Onze lasrobot moet steeds opnieuw worden ingesteld",
       "Bij elke nieuwe serie stelt een ervaren operator de lasrobot met de hand in. Dat "
       "kost uren en maar twee mensen kunnen het. We willen dat de robot beter leert van "
       "eerdere instellingen.",
       "Operators willen leren hoe je samenwerkt met een robot die zichzelf bijstelt.",
       "industrial-robotics human-ai-collaboration", "manufacturing",
       "applied-research internship", BRAM),
    Ch("demo-ch-037", "demo-org-045", S.PUBLISHED, V.PUBLIC,
       "Klanten willen zien hoe een kast bij hen thuis staat",
       "We maken meubels op maat. Klanten vinden het lastig om zich voor te stellen hoe een "
       "kast in hun kamer staat. We willen dat ze een foto van hun kamer kunnen uploaden en "
       "dan een ontwerp zien, zonder dat onze ontwerper er uren aan kwijt is.",
       "Onze ontwerper wil leren hoe je zulke beelden maakt en wanneer ze misleidend zijn.",
       "generative-ai", "manufacturing retail", "student-project hackathon"),
    Ch("demo-ch-038", "demo-org-050", S.PUBLISHED, V.PUBLIC,
       "Soms mislukt een brouwsel en we weten niet waarom",
       "We brouwen speciaalbier in kleine series. Ongeveer één op de twintig brouwsels "
       "smaakt niet zoals het moet. We meten de temperatuur en de suikers tijdens het "
       "gisten, maar we zien niet wat er misgaat. We willen eerder zien dat een brouwsel "
       "afwijkt.",
       "Onze brouwers willen leren de metingen beter te lezen.",
       "anomaly-detection time-series", "agrifood manufacturing",
       "student-project internship"),
    Ch("demo-ch-039", "demo-org-045", S.REJECTED, V.PUBLIC,
       "Hulp bij het kiezen van een nieuw boekhoudpakket",
       "Ons boekhoudpakket wordt volgend jaar niet meer ondersteund. Welk pakket moeten we "
       "nemen?",
       "", "data-engineering", "finance", "",
       rejection_reason=(
           "Dit is een vraag over het kiezen van software, niet over het toepassen van AI. "
           "Daarom kunnen we er geen partners uit het onderwijs of een innovatielab bij "
           "zoeken. De ondernemersvereniging in uw regio kan u vast verder helpen."
       )),
    Ch("demo-ch-040", "demo-org-050", S.REJECTED, V.PUBLIC,
       "Alles automatiseren met AI",
       "We willen AI gebruiken om het hele bedrijf efficiënter te maken.",
       "", "ml", "agrifood", "",
       rejection_reason=(
           "We begrijpen de wens, maar de vraag is nog te breed om er de juiste partners bij "
           "te zoeken. Kies één concreet probleem waar u nu last van heeft, bijvoorbeeld in "
           "het brouwen, de verkoop of de planning, en dien de uitdaging opnieuw in. De "
           "hubcoördinator denkt graag mee."
       )),
]


class Meeting(NamedTuple):
    kind: str
    title: str
    description: str
    days_from_today: int  # negative: in the past
    hour: int
    location: str = ""
    online_url: str = ""


class Post(NamedTuple):
    author: str
    days_ago: int
    body: str


class Community(NamedTuple):
    slug: str
    name: str
    hub: str
    status: str
    is_public: bool
    started_days_ago: int
    goal: str
    learning_objectives: str
    challenges: tuple[str, ...]
    organisations: tuple[str, ...]
    members: tuple[tuple[str, str], ...]  # (email, role)
    join_requests: tuple[tuple[str, str, str], ...]  # (email, role, message), pending
    activities: tuple[Meeting, ...]
    updates: tuple[Post, ...]
    ended_days_ago: int | None = None


R = CommunityMembership.Role
MEET = "https://meet.example.nl"

COMMUNITIES = [
    Community(
        "minder-verspillen-in-de-voedselketen",
        "Minder verspillen in de voedselketen",
        "zuid-holland", CommunityStatus.ACTIVE, True, 80,
        "Een bakkerij en een tuinderij leren samen met studenten en onderzoekers beter "
        "voorspellen hoeveel ze moeten maken en oogsten, zodat er minder wordt weggegooid.",
        "Ondernemers leren een voorspelling lezen en bijsturen. Studenten leren werken met "
        "rommelige gegevens uit de praktijk. Docenten nemen de cases mee in het onderwijs.",
        ("demo-ch-001", "demo-ch-005"),
        ("demo-org-034", "demo-org-036", "demo-org-003", "demo-org-019", "demo-org-027",
         "demo-org-032"),
        ((SME_OWNER, R.COMPANY_PARTICIPANT), (LECTURER, R.LECTURER), (LAB_STAFF, R.RESEARCHER),
         (HUB_COORDINATOR, R.COORDINATOR), (f"sanne.visser@{DEMO_DOMAIN}", R.STUDENT)),
        ((f"emma.deboer@{DEMO_DOMAIN}", R.LECTURER,
          "Wij werken in Friesland aan hetzelfde probleem bij een zuivelbedrijf. Mogen mijn "
          "studenten en ik meekijken en meedoen?"),),
        (
            Meeting("workshop", "Aftrap: wat gooien we weg en waarom?",
                    "We lopen samen door de bakkerij en de kas en brengen in kaart wat er "
                    "overblijft.", -75, 9, location="Bakkerij Van der Meulen, Gouda"),
            Meeting("meeting", "Datadag: kassabonnen en oogstcijfers op een rij",
                    "Studenten laten zien wat ze in twee jaar verkoop- en oogstcijfers vonden.",
                    -30, 13, online_url=f"{MEET}/voedselketen-datadag"),
            Meeting("meeting", "Eerste voorspelling testen in de winkel",
                    "Een week lang bakken we in één winkel volgens de voorspelling.",
                    9, 7, location="Winkel Markt, Gouda"),
            Meeting("masterclass", "Masterclass: voorspellen voor beginners",
                    "Voor ondernemers en medewerkers, zonder wiskunde.", 23, 15,
                    location="Hogeschool Lekstroom, lokaal B2.14"),
        ),
        (
            Post(HUB_COORDINATOR, 74,
                 "Welkom allemaal! De eerste bijeenkomst was een succes: we weten nu welke "
                 "producten het vaakst overblijven."),
            Post(LECTURER, 28,
                 "De studenten hebben de verkoopcijfers opgeschoond. Weer en feestdagen "
                 "blijken veel uit te maken; volgende stap is een eerste voorspelling."),
            Post(SME_OWNER, 6,
                 "Spannend: volgende week bakken we in de winkel aan de Markt op basis van "
                 "het model. Ik houd jullie op de hoogte."),
        ),
    ),
    Community(
        "slimme-ritplanning-oost-nederland",
        "Slimme ritplanning in Oost-Nederland",
        "oost-nederland", CommunityStatus.ACTIVE, True, 100,
        "Transporteurs, studenten en onderzoekers zoeken samen naar manieren om minder leeg "
        "te rijden en de planning minder afhankelijk te maken van één persoon.",
        "Planners leren werken met een planningsprogramma; studenten logistiek leren "
        "optimaliseren met echte ritgegevens.",
        ("demo-ch-009", "demo-ch-010"),
        ("demo-org-035", "demo-org-001", "demo-org-015"),
        ((f"pieter.brinkman@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"lotte.jansen@{DEMO_DOMAIN}", R.COORDINATOR),
         (f"daan.smit@{DEMO_DOMAIN}", R.STUDENT)),
        (),
        (
            Meeting("meeting", "Kennismaking en ritten in kaart",
                    "Wie rijdt waar, en wanneer staat een wagen leeg?", -60, 10,
                    location="Transportbedrijf Brinkman, Hardenberg"),
            Meeting("hackathon", "Hackathon: de lege kilometers te lijf",
                    "Twee dagen bouwen met studenten, planners en chauffeurs.", 16, 9,
                    location="Campus Hogeschool Vechtdal, Ommen"),
        ),
        (
            Post(f"lotte.jansen@{DEMO_DOMAIN}", 55,
                 "We hebben drie maanden ritgegevens gekregen. Op ruim een derde van de "
                 "terugritten is de wagen minder dan half vol."),
            Post(f"pieter.brinkman@{DEMO_DOMAIN}", 12,
                 "Twee collega-vervoerders uit Coevorden willen ook meedoen met de "
                 "hackathon."),
        ),
    ),
    Community(
        "vragen-en-papierwerk-slimmer-afhandelen",
        "Vragen en papierwerk slimmer afhandelen",
        "noord-nederland", CommunityStatus.FORMING, True, 10,
        "Een gemeente en een accountantskantoor onderzoeken met onderwijs en een "
        "innovatielab hoe ze veelgestelde vragen en papierwerk slimmer kunnen afhandelen.",
        "Medewerkers leren wat taaltechnologie kan en niet kan; studenten leren werken met "
        "gevoelige gegevens.",
        ("demo-ch-015", "demo-ch-016"),
        ("demo-org-055", "demo-org-041", "demo-org-012", "demo-org-028", "demo-org-008"),
        ((f"willem.dejong@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"iris.mulder@{DEMO_DOMAIN}", R.COORDINATOR),
         (f"noor.yilmaz@{DEMO_DOMAIN}", R.RESEARCHER),
         (f"emma.deboer@{DEMO_DOMAIN}", R.LECTURER)),
        ((f"youssef.bouzid@{DEMO_DOMAIN}", R.STUDENT,
          "Ik zit in het tweede jaar ICT en wil graag helpen met het testen van de "
          "chatbot."),),
        (
            Meeting("meeting", "Online kennismaking",
                    "Een uur om elkaar en elkaars vragen te leren kennen.", 5, 16,
                    online_url=f"{MEET}/vragen-en-papierwerk"),
            Meeting("workshop", "Startbijeenkomst",
                    "We kiezen samen de eerste vragen om mee te beginnen.", 12, 13,
                    location="Gemeentehuis Zuidwolde"),
        ),
        (
            Post(f"iris.mulder@{DEMO_DOMAIN}", 8,
                 "Deze leergemeenschap is net gestart. Doe mee aan de online kennismaking!"),
        ),
    ),
    Community(
        "foutjes-vinden-met-cameras",
        "Foutjes vinden met camera's in de maakindustrie",
        "brainport-brabant", CommunityStatus.COMPLETED, True, 280,
        "Een metaalbewerker, onderwijs en een datalab hebben samen een camerasysteem "
        "gebouwd dat krasjes en deukjes vindt, en geleerd hoe operators ermee werken.",
        "Operators leren een camerasysteem bijstellen; studenten leren beeldherkenning in "
        "een echte fabriek; docenten maken er lesmateriaal van.",
        ("demo-ch-033", "demo-ch-036"),
        ("demo-org-037", "demo-org-023", "demo-org-029", "demo-org-018"),
        ((f"bram.vandijk@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"fleur.hermans@{DEMO_DOMAIN}", R.COORDINATOR),
         (LAB_STAFF, R.RESEARCHER)),
        (),
        (
            Meeting("workshop", "Camera's ophangen in de werkplaats",
                    "Samen met de operators kiezen we de beste plek boven de band.", -250, 9,
                    location="Metaalbewerking Jansen & Zn., Helmond"),
            Meeting("meeting", "Tussenresultaten",
                    "Hoeveel fouten vindt de camera, en hoeveel vals alarm?", -160, 14,
                    online_url=f"{MEET}/foutjes-tussenresultaten"),
            Meeting("meeting", "Slotbijeenkomst en overdracht",
                    "Het systeem gaat over naar de eigen technische dienst.", -45, 15,
                    location="Datalab Dommelvallei, Eindhoven"),
        ),
        (
            Post(f"fleur.hermans@{DEMO_DOMAIN}", 240,
                 "De camera's hangen. De operators hebben de eerste 2.000 foto's gelabeld."),
            Post(f"bram.vandijk@{DEMO_DOMAIN}", 150,
                 "Het systeem vindt negen van de tien krassen. Vals alarm is nog te vaak; we "
                 "passen de verlichting aan."),
            Post(f"fleur.hermans@{DEMO_DOMAIN}", 44,
                 "Afgerond! Het camerasysteem draait in productie. Lees de case en de lessen "
                 "in de kennisbank."),
        ),
        ended_days_ago=40,
    ),
    Community(
        "verantwoorde-ai-in-zorg-en-verzekeren",
        "Verantwoorde AI in zorg en verzekeren",
        "midden-nederland", CommunityStatus.ACTIVE, False, 60,
        "Een zorggroep en een verzekeraar onderzoeken met onderzoekers en studenten hoe ze "
        "AI inzetten die uitlegbaar en eerlijk is.",
        "Teamleiders en acceptanten leren vragen stellen over AI; studenten leren werken "
        "met de regels voor AI en privacy.",
        ("demo-ch-022", "demo-ch-023"),
        ("demo-org-058", "demo-org-053", "demo-org-017", "demo-org-004"),
        ((f"kees.hendriks@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"anouk.peters@{DEMO_DOMAIN}", R.COORDINATOR)),
        ((LECTURER, R.LECTURER,
          "Ik geef les over AI en ethiek en zou graag een case uit de zorg gebruiken."),),
        (
            Meeting("workshop", "Werksessie: wat vinden cliënten ervan?",
                    "Met cliëntenraad en verzorgenden over ingesproken verslagen.", -40, 10,
                    location="Zorggroep Eemhof, locatie De Eikenhof, Amersfoort"),
            Meeting("masterclass", "Masterclass uitlegbare AI",
                    "Hoe leg je een beslissing van een model uit aan een klant?", 30, 15,
                    online_url=f"{MEET}/uitlegbare-ai"),
        ),
        (
            Post(f"anouk.peters@{DEMO_DOMAIN}", 35,
                 "De cliëntenraad is positief over ingesproken verslagen, mits de verzorgende "
                 "het verslag altijd nakijkt."),
        ),
    ),
]


class Item(NamedTuple):
    slug: str
    kind: str
    title: str
    summary: str
    body: str
    topics: str
    sectors: str
    licence: str
    community: str | None
    author: str
    days_ago: int
    visibility: str = Visibility.PUBLIC
    link: str = ""


L = KnowledgeItem.Licence
K = KnowledgeItem.Kind

KNOWLEDGE_ITEMS = [
    Item("van-kras-tot-klant-camera-inspectie", K.CASE,
         "Van kras tot klant: camera-inspectie bij een metaalbewerker",
         "Hoe een toeleverancier met 45 medewerkers in negen maanden een camerasysteem "
         "invoerde dat krasjes en deukjes vindt.",
         "Metaalbewerking Jansen & Zn. kreeg elk kwartaal pakketten terug om kleine "
         "beschadigingen. Samen met een Centre of Expertise, een datalab en studenten "
         "hingen ze camera's boven de band. De operators labelden zelf de eerste foto's. "
         "Na negen maanden vindt het systeem negen van de tien fouten en zijn de retouren "
         "gehalveerd.",
         "visual-inspection human-ai-collaboration", "manufacturing", L.CC_BY,
         "foutjes-vinden-met-cameras", f"fleur.hermans@{DEMO_DOMAIN}", 38),
    Item("vijf-lessen-over-beelden-labelen", K.LESSON,
         "Vijf lessen over beelden labelen met je eigen vakmensen",
         "Wie het werk kent, labelt beter. Wat we leerden over tijd, afspraken en "
         "motivatie.",
         "1. Begin klein. 2. Spreek af wat een fout is voordat je begint. 3. Laat operators "
         "elkaars labels controleren. 4. Plan er vaste tijd voor in. 5. Laat zien wat het "
         "oplevert.",
         "visual-inspection", "manufacturing", L.CC_BY_SA,
         "foutjes-vinden-met-cameras", f"bram.vandijk@{DEMO_DOMAIN}", 36),
    Item("lesmodule-inspectiecamera-trainen", K.TEACHING_MATERIAL,
         "Lesmodule: een inspectiecamera trainen in tien weken",
         "Lesmateriaal voor hbo en mbo techniek, gebaseerd op een echte case uit de "
         "maakindustrie.",
         "", "visual-inspection edge-ai", "manufacturing education", L.CC_BY_NC,
         "foutjes-vinden-met-cameras", f"fleur.hermans@{DEMO_DOMAIN}", 20,
         link="https://lesmateriaal.example.nl/inspectiecamera"),
    Item("rekenblad-hoeveel-brood-bak-ik-morgen", K.TOOL,
         "Rekenblad: hoeveel brood bak ik morgen?",
         "Een eenvoudig rekenblad dat uit je verkoop van de afgelopen weken, het weer en "
         "feestdagen een bakadvies maakt.",
         "Gemaakt door studenten in de leergemeenschap. Vul je verkoopcijfers in en het "
         "rekenblad laat per product een advies zien, met een marge.",
         "predictive-analytics time-series", "retail agrifood", L.CC0,
         "minder-verspillen-in-de-voedselketen", LECTURER, 12,
         link="https://tools.example.nl/bakadvies"),
    Item("wat-een-bakkerij-leerde-over-voorspellen", K.LESSON,
         "Wat een bakkerij leerde over voorspellen",
         "Tussentijdse lessen: gegevens opschonen kost meer tijd dan het model maken.",
         "Het grootste werk zat in het op een rij zetten van kassabonnen uit twee "
         "kassasystemen. Weer en schoolvakanties voorspellen meer dan we dachten.",
         "predictive-analytics data-engineering", "retail", L.CC_BY,
         "minder-verspillen-in-de-voedselketen", SME_OWNER, 5),
    Item("checklist-mag-dit-model-dit-beslissen", K.INSTRUMENT,
         "Checklist: mag dit model dit beslissen?",
         "Twaalf vragen om samen met juristen en gebruikers te bepalen of een beslissing "
         "aan een model kan worden overgelaten.",
         "", "ai-ethics ai-law explainable-ai", "public-sector health finance", L.CC_BY_SA,
         "verantwoorde-ai-in-zorg-en-verzekeren", f"anouk.peters@{DEMO_DOMAIN}", 15,
         visibility=Visibility.MEMBERS),
    Item("retourvracht-combineren-eerste-resultaten", K.CASE,
         "Retourvracht combineren: eerste resultaten",
         "Wat drie maanden ritgegevens van een regionale vervoerder laten zien over lege "
         "kilometers.",
         "", "optimisation", "logistics", L.ALL_RIGHTS_RESERVED,
         "slimme-ritplanning-oost-nederland", f"lotte.jansen@{DEMO_DOMAIN}", 50,
         visibility=Visibility.HUB),
    Item("handreiking-uitdaging-beschrijven-zonder-jargon", K.INSTRUMENT,
         "Handreiking: een AI-uitdaging beschrijven zonder jargon",
         "Hoe beschrijf je je probleem zo dat onderwijs en innovatielabs snappen wat je "
         "zoekt? Met voorbeelden uit het mkb.",
         "Begin bij het probleem, niet bij de oplossing. Vertel wat het nu kost, wie er "
         "last van heeft en welke gegevens je al hebt.",
         "ai-literacy", "", L.CC_BY, None, PROGRAMME_COORDINATOR, 90),
]

M = MatchStatus
# (challenge, supplier, review status): accepted pairs match each community's partners.
MATCHES = [
    ("demo-ch-001", "demo-org-003", M.ACCEPTED),
    ("demo-ch-001", "demo-org-019", M.ACCEPTED),
    ("demo-ch-001", "demo-org-027", M.ACCEPTED),
    ("demo-ch-005", "demo-org-019", M.ACCEPTED),
    ("demo-ch-005", "demo-org-032", M.ACCEPTED),
    ("demo-ch-009", "demo-org-015", M.ACCEPTED),
    ("demo-ch-009", "demo-org-001", M.ACCEPTED),
    ("demo-ch-010", "demo-org-015", M.ACCEPTED),
    ("demo-ch-015", "demo-org-012", M.ACCEPTED),
    ("demo-ch-015", "demo-org-028", M.ACCEPTED),
    ("demo-ch-016", "demo-org-028", M.ACCEPTED),
    ("demo-ch-022", "demo-org-017", M.ACCEPTED),
    ("demo-ch-022", "demo-org-004", M.ACCEPTED),
    ("demo-ch-023", "demo-org-017", M.ACCEPTED),
    ("demo-ch-033", "demo-org-023", M.ACCEPTED),
    ("demo-ch-033", "demo-org-029", M.ACCEPTED),
    ("demo-ch-036", "demo-org-018", M.ACCEPTED),
    ("demo-ch-002", "demo-org-019", M.SHORTLISTED),
    ("demo-ch-002", "demo-org-003", M.SUGGESTED),
    ("demo-ch-002", "demo-org-027", M.SHORTLISTED),  # with an introduction request
    ("demo-ch-006", "demo-org-032", M.SHORTLISTED),
    ("demo-ch-006", "demo-org-023", M.SUGGESTED),
    ("demo-ch-006", "demo-org-027", M.SUGGESTED),
    ("demo-ch-017", "demo-org-020", M.SHORTLISTED),
    ("demo-ch-017", "demo-org-028", M.SUGGESTED),
    ("demo-ch-024", "demo-org-020", M.SUGGESTED),
    ("demo-ch-024", "demo-org-025", M.SUGGESTED),
    ("demo-ch-029", "demo-org-007", M.ACCEPTED),
    ("demo-ch-029", "demo-org-003", M.SUGGESTED),
]


# --- What members do with the features for members ------------------------------------------
# Rows that a person makes in the product are made here through the same services (an interest,
# an introduction, a request to join), so they come with the notices those send; the table
# then sets their dates and state, as for every other demo row.


class Record(NamedTuple):
    community: str  # slug
    author: str
    days_ago: int
    text: str


LEARNING_RECORDS = [
    Record("minder-verspillen-in-de-voedselketen", SME_OWNER, 4,
           "Een voorspelling is geen vast getal maar een bandbreedte. Sinds de datadag kijk ik "
           "elke vrijdag met mijn bedrijfsleider naar het bakadvies voor het weekend, en we "
           "stellen het bij als er een braderie is of als het weer omslaat."),
    Record("minder-verspillen-in-de-voedselketen", LECTURER, 10,
           "Echte kassadata zijn veel rommeliger dan een oefenbestand. De bakkerij is nu een "
           "vaste casus in de minor data science: studenten schonen eerst de bonnen op en "
           "presenteren hun voorspelling daarna aan de eigenaar."),
    Record("minder-verspillen-in-de-voedselketen", LAB_STAFF, 15,
           "Een prototype voor de winkelvloer moet eenvoudig zijn. We hebben het dashboard "
           "teruggebracht tot één getal per product met een marge; zo bouwen we nu alle "
           "prototypes in het lab."),
    Record("minder-verspillen-in-de-voedselketen", f"sanne.visser@{DEMO_DOMAIN}", 7,
           "Ik heb geleerd weer en feestdagen mee te nemen in een voorspelling, en uit te "
           "leggen waarom het model iets voorspelt aan iemand zonder achtergrond in data."),
    Record("slimme-ritplanning-oost-nederland", f"pieter.brinkman@{DEMO_DOMAIN}", 20,
           "Onze lege kilometers vallen vooral op dinsdag en donderdag. Sindsdien bellen we "
           "collega-vervoerders eerder in de week over retourvracht."),
    Record("slimme-ritplanning-oost-nederland", f"daan.smit@{DEMO_DOMAIN}", 14,
           "Chauffeurs wegen dingen mee die niet in de gegevens staan, zoals wachttijden bij "
           "een klant. Die leg ik nu eerst vast voordat ik een planning doorreken."),
    Record("foutjes-vinden-met-cameras", f"bram.vandijk@{DEMO_DOMAIN}", 42,
           "Goede verlichting maakt meer uit dan een dure camera. Onze operators labelen nu "
           "zelf nieuwe soorten fouten; bij de volgende productielijn beginnen we daar meteen "
           "mee."),
    Record("foutjes-vinden-met-cameras", LAB_STAFF, 41,
           "Een model overdragen aan een technische dienst vraagt een draaiboek, een vaste "
           "controle per week en één aanspreekpunt. Dat draaiboek gebruiken we nu in elk "
           "project van het lab."),
    Record("verantwoorde-ai-in-zorg-en-verzekeren", f"kees.hendriks@{DEMO_DOMAIN}", 25,
           "Verzorgenden vertrouwen een ingesproken verslag pas als ze het altijd zelf kunnen "
           "nakijken en aanpassen. Dat staat nu als vaste stap in onze werkinstructie."),
]


class Interest(NamedTuple):
    challenge: str  # ref; a published challenge
    person: str
    days_ago: int
    message: str


INTERESTS = [
    Interest("demo-ch-002", LECTURER, 3,
             "Mijn tweedejaars studenten data science zoeken voor het voorjaar een echte "
             "opdracht. Bestellingen voorspellen en de planning bijsturen past precies in hun "
             "minor. Zullen we een keer bellen?"),
    Interest("demo-ch-006", LAB_STAFF, 5,
             "In ons lab hebben we camera's leren zien wanneer bladeren verkleuren. We kijken "
             "graag met jullie of dat ook in jullie kas werkt."),
]


class Introduction(NamedTuple):
    challenge: str  # ref
    partner: str  # organisation ref; a pair missing from MATCHES is skipped
    requested_by: str
    days_ago: int
    message: str


INTRODUCTIONS = [
    Introduction("demo-ch-002", "demo-org-027", SME_OWNER, 2,
                 "Wij willen beter voorspellen wat hotels en kantines bij ons bestellen. "
                 "Jullie bouwen prototypes in twaalf weken: kan dat ook voor een bakkerij? "
                 "We hebben twee jaar aan bestellingen."),
]

# (person, organisation ref, job title, days ago): requests to join, waiting for an admin.
MEMBERSHIP_REQUESTS = [
    (JOOST, "demo-org-034", "Bedrijfsleider", 1),
]

# Updates at most this old were announced to the community's other members.
ANNOUNCED_WITHIN_DAYS = 14

# fmt: on

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
) -> dict[Any, models.Model]:
    """Create the rows `queryset` lacks and update the fields that differ, matching on `key`.

    Values are keyed by attname (`province_id`), so comparing needs no extra query. A
    callable value in `create_only` is only called for a new row (a slug that has to be
    unique). Writes go through `QuerySet.update`, which sets timestamps such as
    `created_at` as given instead of letting `auto_now_add` overwrite them.

    `create(values)`, when given, makes a missing row instead of a plain save: a domain
    service, so that what it does besides (a notice) happens as in real use. The fields the
    service set differently are then written as for an existing row."""
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
                later = {f: v for f, v in values.items() if getattr(obj, f) != v}
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


def _coordinator_group():
    """The "Hub coordinators" group, where the hubs app provides it."""
    try:
        from apps.hubs.services import coordinator_group_ensure
    except ImportError:
        return None
    return coordinator_group_ensure()


class _Taxonomy:
    """Reference data by slug, read once."""

    def __init__(self) -> None:
        self.provinces = dict(Province.objects.values_list("code", "id"))
        self.kinds = dict(OrganisationKind.objects.values_list("slug", "id"))
        self.sectors = dict(Sector.objects.values_list("slug", "id"))
        self.formats = dict(Format.objects.values_list("slug", "id"))
        self.topics: dict[str, int] = {}
        self.topic_group: dict[str, str] = {}
        for slug, pk, parent in AITopic.objects.values_list("slug", "id", "parent__slug"):
            self.topics[slug] = pk
            self.topic_group[slug] = parent or slug
        self.neighbours: set[tuple[int, int]] = set(
            Province.neighbours.through.objects.values_list("from_province_id", "to_province_id")
        )
        self.hubs_of_province: dict[int, set[int]] = defaultdict(set)
        for hub_id, province_id in Hub.provinces.through.objects.values_list(
            "hub_id", "province_id"
        ):
            self.hubs_of_province[province_id].add(hub_id)


ORGANISATIONS_BY_REF = {org.ref: org for org in ORGANISATIONS}


def _challenge_province(challenge: Ch) -> str:
    """A challenge sits where the organisation posting it is."""
    return ORGANISATIONS_BY_REF[challenge.organisation].province


def _score(
    taxonomy: _Taxonomy, challenge: Ch, supplier: Org, formats: list[str]
) -> tuple[float, list[dict]]:
    """A plausible score and the reasons behind it, in the structured form the matcher
    stores. Not the matching engine: just enough that every demo reason is true."""
    offered = supplier.topics.split()
    fits = {}
    for topic in challenge.topics.split():
        group = taxonomy.topic_group[topic]
        if topic in offered:
            fits[topic] = 1.0
        elif any(taxonomy.topic_group[other] == group for other in offered):
            fits[topic] = 0.5
    if not fits:
        raise ValueError(f"Demo match {challenge.ref} ↔ {supplier.ref} shares no AI topic.")
    topic_fit = sum(fits.values()) / len(challenge.topics.split())

    here = taxonomy.provinces[_challenge_province(challenge)]
    there = taxonomy.provinces[supplier.province]
    if here == there:
        relation, region = "same_province", 1.0
    elif (here, there) in taxonomy.neighbours:
        relation, region = "neighbouring_province", 0.6
    elif taxonomy.hubs_of_province[here] & taxonomy.hubs_of_province[there]:
        relation, region = "same_hub", 0.6
    elif supplier.national:
        relation, region = "national", 0.4
    else:
        relation, region = "elsewhere", 0.0
    sectors = sorted(set(challenge.sectors.split()) & set(supplier.sectors.split()))
    shared_formats = sorted(set(challenge.formats.split()) & set(formats))
    wanted_formats = len(challenge.formats.split()) or 1

    reasons = [
        {"code": "shared_topics", "params": {"topics": sorted(fits)}},
        {"code": "region", "params": {"relation": relation}},
    ]
    if sectors:
        reasons.append({"code": "shared_sectors", "params": {"sectors": sectors}})
    if shared_formats:
        reasons.append({"code": "shared_formats", "params": {"formats": shared_formats}})
    score = (  # at most 0.95: a perfect match would look made up
        0.5 * topic_fit
        + 0.25 * region
        + (0.12 if sectors else 0.0)
        + 0.08 * len(shared_formats) / wanted_formats
    )
    return round(score, 3), reasons


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
    if status == S.DRAFT:
        created = rng.randint(1, 20)
    elif status in (S.SUBMITTED, S.REJECTED):
        submitted = rng.randint(1, 12)
        created = submitted + rng.randint(1, 14)
    return {
        "created_at": at(-created, hour),
        "submitted_at": None if status == S.DRAFT else at(-submitted, hour + 1),
        "published_at": at(-published, hour + 2)
        if status in (S.PUBLISHED, S.IN_COMMUNITY, S.CLOSED)
        else None,
        "closed_at": at(-closed, hour + 2) if status == S.CLOSED else None,
    }


def _member(community: str, email: str) -> str:
    """`email`, checked to be a member of the community in COMMUNITIES."""
    members = {member for c in COMMUNITIES if c.slug == community for member, _role in c.members}
    if email not in members:
        raise ValueError(f"Demo learning record by {email}, who is not in {community}.")
    return email


def _announce_updates(posts: list[tuple[LearningCommunity, Update]]) -> int:
    """Tell the other members about recent updates, as posting one on the site does (same
    text and key as `community_update_create`); the key makes a second run quiet. Returns
    the number of notices written."""
    keys = {f"update-{update.pk}" for _community, update in posts}
    announced = set(
        Notification.objects.filter(
            kind=NotificationKind.COMMUNITY_UPDATE, dedupe_key__in=keys
        ).values_list("dedupe_key", flat=True)
    )
    written = 0
    for community, update in posts:
        key = f"update-{update.pk}"
        if key in announced:
            continue
        author = update.author
        name, excerpt = author.full_name, Truncator(update.body).chars(300)

        def text(person, community_name=community.name, name=name, excerpt=excerpt):
            return (
                gettext("New update in %(community)s") % {"community": community_name},
                gettext("%(person)s wrote: %(excerpt)s") % {"person": name, "excerpt": excerpt},
            )

        path = notice_path("communities:detail", slug=community.slug)
        written += len(
            notify(
                recipients=community_member_users(community=community),
                kind=NotificationKind.COMMUNITY_UPDATE,
                text=text,
                url=f"{path}#update-{update.pk}",
                dedupe_key=key,
                exclude=author,
            )
        )
    return written


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

    # Organisations, then their parents once every one of them has a primary key.
    # Room for every accepted match, plus one where the supplier is still being suggested:
    # a supplier whose capacity is used up is not suggested (PRODUCT.md section 5).
    accepted = Counter(org for _, org, status in MATCHES if status == M.ACCEPTED)
    still_suggested = {org for _, org, status in MATCHES if status != M.ACCEPTED}
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
    org_refs = [org.ref for org in ORGANISATIONS]
    organisations = _upsert(
        Organisation.objects.filter(ref__in=org_refs),
        key="ref",
        rows=org_rows,
        writes=writes,
        create_only={"slug"},
    )
    org_pk = {ref: obj.pk for ref, obj in organisations.items()}
    organisations_by_pk = {obj.pk: obj for obj in organisations.values()}
    for org in ORGANISATIONS:
        parent_id = org_pk[org.parent] if org.parent else None
        if organisations[org.ref].parent_id != parent_id:
            Organisation.objects.filter(pk=org_pk[org.ref]).update(parent_id=parent_id)
            writes.count += 1
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda org: org.topics),
        ("sectors", taxonomy.sectors, lambda org: org.sectors),
        ("formats", taxonomy.formats, lambda org: " ".join(offered_formats.get(org.ref, []))),
    ):
        wanted = {org_pk[org.ref]: _ids(lookup, value_of(org)) for org in ORGANISATIONS}
        _sync_links(Organisation, field, wanted, writes)

    # People: every demo person can log in with the given password.
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
    coordinator = people[HUB_COORDINATOR]
    _upsert(
        HubCoordinator.objects.filter(user=coordinator),
        key=("hub_id", "user_id"),
        rows=[{"hub_id": hubs[COORDINATED_HUB].pk, "user_id": coordinator.pk}],
        writes=writes,
    )
    group = _coordinator_group()
    if group is not None:
        coordinator.groups.add(group)
    programme_coordinator_set(user=people[PROGRAMME_COORDINATOR], enabled=True)

    # Challenges. Status and timestamps are set directly instead of walking the workflow
    # (`apps.challenges.services`): acceptable only here, to seed a believable history.
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
    challenges = _upsert(
        Challenge.objects.filter(ref__in=[c.ref for c in CHALLENGES]),
        key="ref",
        rows=challenge_rows,
        writes=writes,
    )
    challenge_pk = {ref: obj.pk for ref, obj in challenges.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda c: c.topics),
        ("sectors", taxonomy.sectors, lambda c: c.sectors),
        ("formats", taxonomy.formats, lambda c: c.formats),
    ):
        wanted = {challenge_pk[c.ref]: _ids(lookup, value_of(c)) for c in CHALLENGES}
        _sync_links(Challenge, field, wanted, writes)

    # Learning communities and what happens in them.
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
    )
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
    )
    writes.count += _announce_updates(
        [
            (communities[c.slug], updates[(community_pk[c.slug], post.body)])
            for c in COMMUNITIES
            for post in c.updates
            if post.days_ago <= ANNOUNCED_WITHIN_DAYS
        ]
    )

    # The knowledge base.
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
    )
    item_pk = {slug: obj.pk for slug, obj in items.items()}
    for field, lookup, value_of in (
        ("topics", taxonomy.topics, lambda i: i.topics),
        ("sectors", taxonomy.sectors, lambda i: i.sectors),
    ):
        wanted = {item_pk[i.slug]: _ids(lookup, value_of(i)) for i in KNOWLEDGE_ITEMS}
        _sync_links(KnowledgeItem, field, wanted, writes)

    # Matches, with reasons that are true of the data above.
    challenge_by_ref = {c.ref: c for c in CHALLENGES}
    match_rows = []
    for challenge_ref, supplier_ref, status in MATCHES:
        challenge = challenge_by_ref[challenge_ref]
        score, reasons = _score(
            taxonomy,
            challenge,
            ORGANISATIONS_BY_REF[supplier_ref],
            offered_formats[supplier_ref],
        )
        computed_at = challenges[challenge_ref].published_at + timedelta(hours=1)
        decided = status != M.SUGGESTED
        in_coordinated_hub = _challenge_province(challenge) == "NL-ZH"
        match_rows.append(
            {
                "challenge_id": challenge_pk[challenge_ref],
                "organisation_id": org_pk[supplier_ref],
                "person_id": None,
                "score": score,
                "reasons": reasons,
                "algorithm_version": ALGORITHM_VERSION,
                "computed_at": computed_at,
                "status": status,
                "status_changed_at": computed_at + timedelta(days=2) if decided else None,
                "status_changed_by_id": coordinator.pk if decided and in_coordinated_hub else None,
            }
        )
    matches = _upsert(
        Match.objects.filter(challenge_id__in=challenge_pk.values(), organisation__isnull=False),
        key=("challenge_id", "organisation_id"),
        rows=match_rows,
        writes=writes,
    )
    challenges_by_pk = {obj.pk: obj for obj in challenges.values()}

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
