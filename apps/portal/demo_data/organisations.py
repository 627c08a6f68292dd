"""The demo's organisations: SMEs and public bodies with challenges, and the education
and innovation partners they are matched with. All made up."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple


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
