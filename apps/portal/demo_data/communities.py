"""The demo's learning communities: members, meetings, updates and learning records."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple

from apps.communities.models import CommunityMembership, CommunityStatus

from .people import (
    DEMO_DOMAIN,
    HUB_COORDINATOR,
    LAB_STAFF,
    LECTURER,
    PROGRAMME_COORDINATOR,
    SME_OWNER,
)


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
         (f"daan.smit@{DEMO_DOMAIN}", R.STUDENT), (PROGRAMME_COORDINATOR, R.COORDINATOR)),
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
        ("demo-org-055", "demo-org-041", "demo-org-012", "demo-org-028", "demo-org-002"),
        ((f"willem.dejong@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"iris.mulder@{DEMO_DOMAIN}", R.COORDINATOR),
         (f"noor.yilmaz@{DEMO_DOMAIN}", R.RESEARCHER),
         (f"emma.deboer@{DEMO_DOMAIN}", R.LECTURER), (PROGRAMME_COORDINATOR, R.COORDINATOR)),
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
        ("demo-org-037", "demo-org-023", "demo-org-029", "demo-org-018", "demo-org-005",
         "demo-org-027"),
        ((f"bram.vandijk@{DEMO_DOMAIN}", R.COMPANY_PARTICIPANT),
         (f"fleur.hermans@{DEMO_DOMAIN}", R.COORDINATOR),
         (LAB_STAFF, R.RESEARCHER), (PROGRAMME_COORDINATOR, R.COORDINATOR)),
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
         (f"anouk.peters@{DEMO_DOMAIN}", R.COORDINATOR), (PROGRAMME_COORDINATOR, R.COORDINATOR)),
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
