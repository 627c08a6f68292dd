"""The organisations' CSV exchange in the admin: the upload page, preview and export of the
format whose columns exchange.py declares (the machinery is `apps.core.admin_exchange`)."""

from django.utils.translation import gettext_lazy as _

from apps.core.admin_exchange import CsvExchange, CsvExchangeAdminMixin
from apps.hubs.permissions import province_codes_importable_by

from .exchange import COLUMNS, organisations_export, organisations_import
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
    columns=COLUMNS,
)


class OrganisationCsvExchangeMixin(CsvExchangeAdminMixin):
    csv_exchange = ORGANISATIONS_CSV
