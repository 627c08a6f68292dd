"""How the insights write their figures, shared by the templates' filters and the views."""

from __future__ import annotations

from django.utils.formats import number_format
from django.utils.translation import gettext as _


def figure(value):
    """A figure: whole numbers grouped, days with one decimal, in the reader's locale;
    a dash where there is no figure; anything else as it is."""
    if value is None:
        return "–"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    if isinstance(value, float):
        return number_format(value, decimal_pos=1, force_grouping=True)
    return number_format(value, force_grouping=True)


def gap_words(value: int) -> str:
    """Demand minus supply in words: "shortage of 3", "surplus of 8" (never "−8"), "0"."""
    if value > 0:
        return _("shortage of %(number)s") % {"number": figure(value)}
    if value < 0:
        return _("surplus of %(number)s") % {"number": figure(-value)}
    return figure(0)
