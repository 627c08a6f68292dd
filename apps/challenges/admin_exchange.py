"""The challenges' CSV exchange in the admin: its columns and their help, read by the upload
page (the machinery is `apps.core.admin_exchange`)."""

from django.utils.translation import gettext_lazy as _

from apps.core.admin_exchange import (
    FORMATS_HELP,
    PROVINCE_HELP,
    REF_HELP,
    SECTORS_HELP,
    Column,
    CsvExchange,
    CsvExchangeAdminMixin,
    reference_labels,
)
from apps.hubs.permissions import province_codes_importable_by
from apps.taxonomy.models import AITopic, Format, Province, Sector

from .exchange import challenges_export, challenges_import
from .models import Challenge, ChallengeStatus


def _statuses() -> list[tuple[str, str]]:
    return [(value, str(label)) for value, label in ChallengeStatus.choices]


CHALLENGES_CSV = CsvExchange(
    model=Challenge,
    things=_("challenges"),
    file_stem="challenges",
    example="challenges.csv",
    command="import_challenges",
    import_=challenges_import,
    export=challenges_export,
    allowed_provinces=province_codes_importable_by,
    columns=(
        Column("ref", REF_HELP),
        Column(
            "organisation_ref",
            _(
                "The ref of the organisation with the challenge (a kind that asks for help, "
                "such as an SME); import the organisations first. Required."
            ),
        ),
        Column("title", _("Title. Required.")),
        Column("description", _("Description in plain words. Required.")),
        Column("province", PROVINCE_HELP, reference_labels(Province, key="code")),
        Column(
            "topics",
            _("AI topics, separated by “;”; at least one. A group means anything in it."),
            reference_labels(AITopic),
        ),
        Column("sectors", SECTORS_HELP, reference_labels(Sector)),
        Column("formats", FORMATS_HELP, reference_labels(Format)),
        Column(
            "status",
            _(
                "Where the challenge should be. Empty: draft for a new challenge, unchanged "
                "for an existing one. An existing challenge moves only the way the review "
                "workflow allows; “rejected” needs a reason and cannot be imported."
            ),
            _statuses,
        ),
    ),
)


class ChallengeCsvExchangeMixin(CsvExchangeAdminMixin):
    csv_exchange = CHALLENGES_CSV
