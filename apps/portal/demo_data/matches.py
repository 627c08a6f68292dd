"""What the demo decided and did with matches and challenges: the review decisions on
pairs (scored by the matcher itself when loaded), interest shown, introductions asked."""

# Hand-laid tables read better as records than one argument per line, as in the reference
# data migrations.
# fmt: off

from __future__ import annotations

from typing import NamedTuple

from apps.matching.models import MatchStatus

from .people import LAB_STAFF, LECTURER, SME_OWNER

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
