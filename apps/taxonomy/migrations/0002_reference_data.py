"""Seed the reference data of PRODUCT.md section 4. Slugs are stable: imports and the
API use them. Labels can be edited afterwards in the admin; re-running keeps edits
because rows are only created when missing."""

from django.db import migrations

# code, Dutch, English
PROVINCES = [
    ("NL-DR", "Drenthe", "Drenthe"),
    ("NL-FL", "Flevoland", "Flevoland"),
    ("NL-FR", "Fryslân", "Friesland"),
    ("NL-GE", "Gelderland", "Gelderland"),
    ("NL-GR", "Groningen", "Groningen"),
    ("NL-LI", "Limburg", "Limburg"),
    ("NL-NB", "Noord-Brabant", "North Brabant"),
    ("NL-NH", "Noord-Holland", "North Holland"),
    ("NL-OV", "Overijssel", "Overijssel"),
    ("NL-UT", "Utrecht", "Utrecht"),
    ("NL-ZE", "Zeeland", "Zeeland"),
    ("NL-ZH", "Zuid-Holland", "South Holland"),
]

# Provinces whose boundaries touch (Flevoland's run through the border lakes, the
# Friesland/Noord-Holland one over the Afsluitdijk): what "nearby" means for matching.
BORDERS = [
    ("NL-DR", "NL-FR"),
    ("NL-DR", "NL-GR"),
    ("NL-DR", "NL-OV"),
    ("NL-FL", "NL-FR"),
    ("NL-FL", "NL-GE"),
    ("NL-FL", "NL-NH"),
    ("NL-FL", "NL-OV"),
    ("NL-FL", "NL-UT"),
    ("NL-FR", "NL-GR"),
    ("NL-FR", "NL-NH"),
    ("NL-FR", "NL-OV"),
    ("NL-GE", "NL-LI"),
    ("NL-GE", "NL-NB"),
    ("NL-GE", "NL-OV"),
    ("NL-GE", "NL-UT"),
    ("NL-GE", "NL-ZH"),
    ("NL-LI", "NL-NB"),
    ("NL-NB", "NL-ZE"),
    ("NL-NB", "NL-ZH"),
    ("NL-NH", "NL-UT"),
    ("NL-NH", "NL-ZH"),
    ("NL-UT", "NL-ZH"),
    ("NL-ZE", "NL-ZH"),
]

# group slug, Dutch, English, [(leaf slug, Dutch, English, plain Dutch, plain English)]
TOPICS = [
    (
        "ml",
        "Machine learning",
        "Machine learning",
        [
            ("predictive-analytics", "Voorspellende analyse", "Predictive analytics",
             "Uit gegevens van vroeger voorspellen wat er gaat gebeuren.",
             "Predicting what will happen from past data."),
            ("time-series", "Tijdreeksen", "Time series",
             "Metingen door de tijd heen begrijpen en vooruitkijken.",
             "Understanding measurements over time and looking ahead."),
            ("anomaly-detection", "Afwijkingen opsporen", "Anomaly detection",
             "Automatisch zien wanneer iets anders gaat dan normaal.",
             "Spotting automatically when something is out of the ordinary."),
            ("recommender-systems", "Aanbevelingssystemen", "Recommender systems",
             "Mensen het juiste product of de juiste informatie voorstellen.",
             "Suggesting the right product or information to people."),
        ],
    ),
    (
        "vision",
        "Beeldherkenning",
        "Computer vision",
        [
            ("visual-inspection", "Visuele inspectie", "Visual inspection",
             "Met camera's fouten of schade aan producten vinden.",
             "Finding defects or damage in products with cameras."),
            ("object-detection", "Objectherkenning", "Object detection",
             "Dingen of mensen in beelden herkennen en tellen.",
             "Recognising and counting things or people in images."),
            ("remote-sensing", "Aardobservatie", "Remote sensing",
             "Satelliet- of dronebeelden gebruiken om gebieden te volgen.",
             "Using satellite or drone images to monitor areas."),
        ],
    ),
    (
        "language",
        "Taal en spraak",
        "Language and speech",
        [
            ("nlp", "Tekstanalyse", "Natural language processing",
             "Teksten zoals mails of rapporten automatisch lezen en ordenen.",
             "Reading and sorting texts such as emails or reports automatically."),
            ("generative-ai", "Generatieve AI", "Generative AI",
             "Teksten, beelden of code laten maken door AI.",
             "Letting AI create text, images or code."),
            ("speech", "Spraaktechnologie", "Speech technology",
             "Gesproken taal omzetten naar tekst of andersom.",
             "Turning spoken language into text or the other way round."),
            ("conversational-ai", "Chatbots en assistenten", "Conversational AI",
             "Een digitale assistent die vragen van klanten beantwoordt.",
             "A digital assistant that answers customers' questions."),
        ],
    ),
    (
        "decision",
        "Beslissen en plannen",
        "Decision making",
        [
            ("optimisation", "Optimalisatie", "Optimisation",
             "De beste planning, route of indeling berekenen.",
             "Working out the best schedule, route or layout."),
            ("simulation", "Simulatie", "Simulation",
             "Uitproberen in een digitaal model voordat je het echt doet.",
             "Trying things out in a digital model before doing them for real."),
            ("reinforcement-learning", "Lerende besturing", "Reinforcement learning",
             "Een systeem dat door proberen leert wat het beste werkt.",
             "A system that learns what works best by trying."),
        ],
    ),
    (
        "robotics",
        "Robotica",
        "Robotics",
        [
            ("industrial-robotics", "Industriële robots", "Industrial robotics",
             "Robots die in productie of magazijn werk overnemen.",
             "Robots taking over work in production or warehouses."),
            ("autonomous-systems", "Autonome systemen", "Autonomous systems",
             "Voertuigen of machines die zelfstandig hun weg vinden.",
             "Vehicles or machines that find their own way."),
            ("edge-ai", "AI in apparaten", "Edge AI",
             "AI die direct in een apparaat of sensor draait.",
             "AI running directly inside a device or sensor."),
        ],
    ),
    (
        "knowledge",
        "Kennis en uitleg",
        "Knowledge and explanation",
        [
            ("knowledge-graphs", "Kennisgrafen", "Knowledge graphs",
             "Kennis en verbanden vastleggen zodat computers ermee kunnen redeneren.",
             "Capturing knowledge and links so computers can reason with them."),
            ("explainable-ai", "Uitlegbare AI", "Explainable AI",
             "Begrijpen waarom een AI-systeem een bepaalde uitkomst geeft.",
             "Understanding why an AI system gives a certain outcome."),
        ],
    ),
    (
        "responsible",
        "Verantwoorde AI",
        "Responsible AI",
        [
            ("ai-ethics", "Ethiek", "AI ethics",
             "Nadenken over wat wel en niet wenselijk is met AI.",
             "Thinking about what is and is not desirable with AI."),
            ("ai-law", "Wet- en regelgeving", "AI law",
             "Voldoen aan regels zoals de AI-verordening en de AVG.",
             "Complying with rules such as the AI Act and the GDPR."),
            ("fairness", "Eerlijkheid", "Fairness",
             "Zorgen dat AI niemand benadeelt of discrimineert.",
             "Making sure AI does not disadvantage or discriminate against anyone."),
        ],
    ),
    (
        "data",
        "Data",
        "Data",
        [
            ("data-engineering", "Data op orde", "Data engineering",
             "Gegevens verzamelen, opschonen en bruikbaar maken.",
             "Collecting, cleaning and preparing data for use."),
            ("mlops", "AI in productie", "MLOps",
             "AI-modellen betrouwbaar in gebruik nemen en bijhouden.",
             "Putting AI models into use reliably and keeping them up to date."),
            ("data-sharing", "Data delen", "Data sharing",
             "Veilig gegevens uitwisselen met andere organisaties.",
             "Exchanging data safely with other organisations."),
        ],
    ),
    (
        "human-ai",
        "Mens en AI",
        "Humans and AI",
        [
            ("human-ai-collaboration", "Samenwerken met AI", "Human-AI collaboration",
             "Werk zo inrichten dat mensen en AI elkaar aanvullen.",
             "Organising work so that people and AI complement each other."),
            ("ai-literacy", "AI-geletterdheid", "AI literacy",
             "Medewerkers leren wat AI is en hoe ze het verstandig gebruiken.",
             "Teaching staff what AI is and how to use it wisely."),
        ],
    ),
]

SECTORS = [
    ("energy", "Energie", "Energy"),
    ("health", "Zorg en welzijn", "Health"),
    ("agrifood", "Agri en food", "Agrifood"),
    ("logistics", "Logistiek", "Logistics"),
    ("manufacturing", "Maakindustrie", "Manufacturing"),
    ("built-environment", "Gebouwde omgeving", "Built environment"),
    ("public-sector", "Publieke sector", "Public sector"),
    ("finance", "Financiële dienstverlening", "Finance"),
    ("security", "Veiligheid", "Security"),
    ("education", "Onderwijs", "Education"),
    ("creative-industry", "Creatieve industrie", "Creative industry"),
    ("retail", "Handel en retail", "Retail"),
]

FORMATS = [
    ("student-project", "Studentenproject", "Student project"),
    ("internship", "Stage of afstudeeropdracht", "Internship"),
    ("applied-research", "Praktijkgericht onderzoek", "Applied research"),
    ("training", "Training", "Training"),
    ("masterclass", "Masterclass", "Masterclass"),
    ("hackathon", "Hackathon", "Hackathon"),
    ("living-lab", "Living lab", "Living lab"),
]

# slug, Dutch, English, role, counts as education partner
KINDS = [
    ("sme", "MKB-bedrijf", "SME", "demand", False),
    ("large-company", "Groot bedrijf", "Large company", "demand", False),
    ("public", "Publieke organisatie", "Public organisation", "demand", False),
    ("hbo", "Hogeschool (hbo)", "University of applied sciences", "supply", True),
    ("mbo", "Mbo-instelling", "Vocational college (MBO)", "supply", True),
    ("wo", "Universiteit", "Research university", "supply", True),
    ("lectorate", "Lectoraat", "Professorship (lectoraat)", "supply", True),
    ("practorate", "Practoraat", "Practorate (MBO)", "supply", True),
    ("centre-of-expertise", "Centre of Expertise", "Centre of Expertise", "supply", True),
    ("civ", "Centrum voor Innovatief Vakmanschap", "Centre for Innovative Craftsmanship",
     "supply", True),
    ("innovation-lab", "Innovatielab", "Innovation lab", "supply", False),
    ("other", "Overig", "Other", "other", False),
]


def seed(apps, schema_editor):
    Province = apps.get_model("taxonomy", "Province")
    AITopic = apps.get_model("taxonomy", "AITopic")
    Sector = apps.get_model("taxonomy", "Sector")
    Format = apps.get_model("taxonomy", "Format")
    OrganisationKind = apps.get_model("taxonomy", "OrganisationKind")

    provinces = {}
    for code, name_nl, name_en in PROVINCES:
        provinces[code], _ = Province.objects.get_or_create(
            code=code, defaults={"name_nl": name_nl, "name_en": name_en}
        )
    # Both directions explicitly: historical models in migrations do not mirror symmetric M2M.
    for a, b in BORDERS:
        provinces[a].neighbours.add(provinces[b])
        provinces[b].neighbours.add(provinces[a])

    position = 0
    for group_slug, group_nl, group_en, leaves in TOPICS:
        position += 1
        group, _ = AITopic.objects.get_or_create(
            slug=group_slug,
            defaults={"name_nl": group_nl, "name_en": group_en, "position": position},
        )
        for leaf_slug, leaf_nl, leaf_en, plain_nl, plain_en in leaves:
            position += 1
            AITopic.objects.get_or_create(
                slug=leaf_slug,
                defaults={
                    "name_nl": leaf_nl,
                    "name_en": leaf_en,
                    "parent": group,
                    "description_nl": plain_nl,
                    "description_en": plain_en,
                    "position": position,
                },
            )
    for model, rows in ((Sector, SECTORS), (Format, FORMATS)):
        for index, (slug, name_nl, name_en) in enumerate(rows):
            model.objects.get_or_create(
                slug=slug, defaults={"name_nl": name_nl, "name_en": name_en, "position": index}
            )
    for index, (slug, name_nl, name_en, role, is_education) in enumerate(KINDS):
        OrganisationKind.objects.get_or_create(
            slug=slug,
            defaults={
                "name_nl": name_nl,
                "name_en": name_en,
                "role": role,
                "is_education": is_education,
                "position": index,
            },
        )


def unseed(apps, schema_editor):
    for name in ("OrganisationKind", "Format", "Sector"):
        apps.get_model("taxonomy", name).objects.all().delete()
    AITopic = apps.get_model("taxonomy", "AITopic")
    AITopic.objects.filter(parent__isnull=False).delete()
    AITopic.objects.all().delete()
    apps.get_model("taxonomy", "Province").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
