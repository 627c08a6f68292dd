"""The organisations' CSV exchange in the admin: its columns and their help, read by the
upload page (the machinery is `apps.core.admin_exchange`)."""

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
from apps.taxonomy.models import AITopic, Format, OrganisationKind, Province, Sector

from .exchange import organisations_export, organisations_import
from .models import Organisation

ORGANISATIONS_CSV = CsvExchange(
    model=Organisation,
    things=_("organisations"),
    file_stem="organisations",
    example="organisations.csv",
    command="import_organisations",
    import_=organisations_import,
    export=organisations_export,
    allowed_provinces=province_codes_importable_by,
    columns=(
        Column("ref", REF_HELP),
        Column("name", _("Name of the organisation. Required.")),
        Column("kind", _("Kind of organisation, one value."), reference_labels(OrganisationKind)),
        Column("province", PROVINCE_HELP, reference_labels(Province, key="code")),
        Column(
            "topics",
            _("AI topics it works on, separated by “;”; a group means anything in it."),
            reference_labels(AITopic),
        ),
        Column("sectors", SECTORS_HELP, reference_labels(Sector)),
        Column("formats", FORMATS_HELP, reference_labels(Format)),
        Column(
            "capacity",
            _("How many collaborations it can take on at once, a whole number. Empty: 0."),
        ),
        Column(
            "serves_nationally",
            _("Works across the whole country: true or false (also yes/no, ja/nee, 1/0)."),
        ),
        Column("website", _("Web address; https:// is added when missing. May be empty.")),
        Column(
            "parent_ref",
            _(
                "The ref of the organisation it belongs to (a lectorate's university of "
                "applied sciences), in this file or imported before. May be empty."
            ),
        ),
        Column(
            "description",
            _(
                "What the organisation does and offers, in plain words (at most 5,000 "
                "characters); matching reads it. Optional column: a file without it leaves "
                "the descriptions as they are."
            ),
        ),
    ),
)


class OrganisationCsvExchangeMixin(CsvExchangeAdminMixin):
    csv_exchange = ORGANISATIONS_CSV
