"""The demo's people: one login per role, and the people of the organisations. All made up."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple


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


MEMBERSHIP_REQUESTS = [
    (JOOST, "demo-org-034", "Bedrijfsleider", 1),
]
