"""The demo's knowledge items, several of them results of a community."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple

from apps.challenges.models import Visibility
from apps.knowledge.models import KnowledgeItem

from .people import DEMO_DOMAIN, LECTURER, PROGRAMME_COORDINATOR, SME_OWNER


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
