"""The challenges' CSV exchange in the admin: the upload page, preview and export of the
format whose columns exchange.py declares (the machinery is `apps.core.admin_exchange`)."""

from django.utils.translation import gettext_lazy as _

from apps.core.admin_exchange import CsvExchange, CsvExchangeAdminMixin
from apps.hubs.permissions import province_codes_importable_by

from .exchange import COLUMNS, challenges_export, challenges_import
from .models import Challenge

CHALLENGES_CSV = CsvExchange(
    model=Challenge,
    things=_("challenges"),
    file_stem="challenges",
    example="challenges.csv",
    command="import_challenges",
    import_=challenges_import,
    export=challenges_export,
    allowed_provinces=province_codes_importable_by,
    columns=COLUMNS,
)


class ChallengeCsvExchangeMixin(CsvExchangeAdminMixin):
    csv_exchange = CHALLENGES_CSV
