"""The tables of an insights page, built once from `Insights` and used twice: rendered on the
page and downloaded as CSV, so a download always holds what the page shows."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from apps.core.csv_exchange import protect_cell

from .selectors import STALE_AFTER_DAYS, Insights


@dataclass(frozen=True)
class Gap:
    """Demand minus supply: on the page a shortage or a surplus in words ("surplus of 8",
    never "gap −8"), in the CSV the signed number."""

    value: int


Cell = str | int | float | Gap | None


@dataclass(frozen=True)
class Column:
    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Row:
    cells: tuple[Cell, ...]
    kind: str = ""  # "group", "leaf" or "total": how the page styles the row


@dataclass(frozen=True)
class Table:
    name: str  # in the CSV address and file name
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    header_cells: int = 1  # leading cells of a row that head it (th scope="row")

    @property
    def body(self) -> list[tuple[Row, list[tuple[Cell, bool, Column]]]]:
        """Rows with each cell as (value, heads the row, its column), for the template."""
        return [
            (
                row,
                [
                    (cell, index < self.header_cells, self.columns[index])
                    for index, cell in enumerate(row.cells)
                ],
            )
            for row in self.rows
        ]


def _days(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def topics_table(insights: Insights) -> Table:
    rows = [
        Row(
            cells=(
                figures.group_name,
                _("whole group") if figures.is_group else figures.name,
                figures.demand,
                figures.supply,
                Gap(figures.gap),
            ),
            kind="group" if figures.is_group else "leaf",
        )
        for figures in insights.topics
    ]
    totals = insights.totals
    rows.append(
        Row(
            cells=(
                _("Total"),
                _("each challenge and supplier once"),
                totals.demand,
                totals.supply,
                Gap(totals.gap),
            ),
            kind="total",
        )
    )
    return Table(
        name="topics",
        caption=_("Demand, supply and gap per AI topic group and topic"),
        columns=(
            Column(_("Topic group")),
            Column(_("Topic")),
            Column(_("Demand (published challenges)"), numeric=True),
            Column(_("Supply (remaining capacity)"), numeric=True),
            Column(_("Shortage or surplus (demand − supply)"), numeric=True),
        ),
        rows=tuple(rows),
        header_cells=2,
    )


def provinces_table(insights: Insights) -> Table:
    rows = [
        Row(cells=(p.name, p.demand, p.supply, Gap(p.gap), p.unmet))
        for p in insights.provinces_in_scope
    ]
    totals = insights.totals
    rows.append(
        Row(
            cells=(
                _("Total"),
                totals.demand,
                totals.supply,
                Gap(totals.gap),
                sum(p.unmet for p in insights.provinces_in_scope),
            ),
            kind="total",
        )
    )
    return Table(
        name="provinces",
        caption=_("Demand, supply and unmet demand per province"),
        columns=(
            Column(_("Province")),
            Column(_("Demand (published challenges)"), numeric=True),
            Column(_("Supply (remaining capacity)"), numeric=True),
            Column(_("Shortage or surplus (demand − supply)"), numeric=True),
            Column(_("Unmet demand"), numeric=True),
        ),
        rows=tuple(rows),
    )


def time_to_match_table(insights: Insights) -> Table:
    timing = insights.match_timing
    return Table(
        name="time-to-match",
        caption=_("Time from publication to the first accepted match, last 12 months"),
        columns=(Column(_("Measure")), Column(_("Value"), numeric=True)),
        rows=(
            Row(cells=(_("Challenges with an accepted match"), timing.matched)),
            Row(cells=(_("Median days to the first accepted match"), _days(timing.median_days))),
            Row(cells=(_("Average days to the first accepted match"), _days(timing.average_days))),
            Row(cells=(_("Published challenges still waiting for one"), timing.waiting)),
        ),
    )


def without_community_table(insights: Insights) -> Table:
    rows = [
        Row(cells=(p.name, p.demand, p.without_community, p.stale))
        for p in insights.provinces_in_scope
    ]
    totals = insights.totals
    rows.append(
        Row(
            cells=(_("Total"), totals.demand, totals.without_community, totals.stale),
            kind="total",
        )
    )
    return Table(
        name="without-community",
        caption=_("Published challenges without a community, per province"),
        columns=(
            Column(_("Province")),
            Column(_("Published challenges"), numeric=True),
            Column(_("Without a community"), numeric=True),
            Column(
                _("Of which published more than %(days)d days ago") % {"days": STALE_AFTER_DAYS},
                numeric=True,
            ),
        ),
        rows=tuple(rows),
    )


def _with_summed_total(cells: list[tuple[Cell, ...]], *, width: int) -> tuple[Row, ...]:
    """The rows, then a total row that adds up each column after the first (for tables where
    every item is counted once; the others take their totals from the selectors)."""
    sums = tuple(sum(row[index] for row in cells) for index in range(1, width))
    return (*(Row(cells=row) for row in cells), Row(cells=(_("Total"), *sums), kind="total"))


def per_month_table(insights: Insights) -> Table:
    rows = _with_summed_total(
        [(date_format(m.month, "F Y"), m.published, m.matched) for m in insights.per_month],
        width=3,
    )
    return Table(
        name="per-month",
        caption=_("Challenges published and matched per month, last 12 months"),
        columns=(
            Column(_("Month")),
            Column(_("Published"), numeric=True),
            Column(_("Matched (first accepted match)"), numeric=True),
        ),
        rows=tuple(rows),
    )


def communities_table(insights: Insights) -> Table:
    rows = _with_summed_total(
        [(capfirst(str(row.label)), row.count) for row in insights.communities_by_status],
        width=2,
    )
    return Table(
        name="communities",
        caption=_("Learning communities by status"),
        columns=(Column(_("Status")), Column(_("Communities"), numeric=True)),
        rows=tuple(rows),
    )


def participants_table(insights: Insights) -> Table:
    rows = [
        Row(cells=(capfirst(str(row.label)), row.count, row.extra))
        for row in insights.participants_by_role
    ]
    total = insights.participants_total
    rows.append(Row(cells=(_("Total"), total.count, total.extra), kind="total"))
    return Table(
        name="participants",
        caption=_("Participants in learning communities by role"),
        columns=(
            Column(_("Role")),
            Column(_("Memberships"), numeric=True),
            Column(_("People"), numeric=True),
        ),
        rows=tuple(rows),
    )


def knowledge_table(insights: Insights) -> Table:
    rows = _with_summed_total(
        [(capfirst(str(row.label)), row.count, row.extra) for row in insights.knowledge_by_kind],
        width=3,
    )
    return Table(
        name="knowledge",
        caption=_("Knowledge items produced by learning communities, by type"),
        columns=(
            Column(_("Type")),
            Column(_("Items"), numeric=True),
            Column(_("Of which in the last 12 months"), numeric=True),
        ),
        rows=tuple(rows),
    )


# In page order; the CSV view looks tables up here.
TABLES: dict[str, Callable[[Insights], Table]] = {
    "topics": topics_table,
    "provinces": provinces_table,
    "time-to-match": time_to_match_table,
    "per-month": per_month_table,
    "without-community": without_community_table,
    "communities": communities_table,
    "participants": participants_table,
    "knowledge": knowledge_table,
}


def csv_cell(value: Cell) -> str:
    """Numbers as plain digits with a decimal point; text protected against formulas."""
    if value is None:
        return ""
    if isinstance(value, Gap):
        return str(value.value)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.1f}"
    return protect_cell(str(value))


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([protect_cell(str(column.label)) for column in table.columns])
    for row in table.rows:
        writer.writerow([csv_cell(cell) for cell in row.cells])
    return out.getvalue()
