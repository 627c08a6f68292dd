"""The demo's challenges, in the words of the people who post them. All made up."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple

from apps.challenges.models import ChallengeStatus, Visibility

from .people import DEMO_DOMAIN, SME_OWNER


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
