"""Insights pages: the whole country and one hub, and a CSV download of each of their tables.
Who may see what is decided in `permissions.py`; the figures come from `selectors.py`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control

from apps.accounts.middleware import second_factor_for_coordinators

from . import svg
from .formats import figure, gap_words
from .permissions import (
    insights_hub_get,
    insights_hub_links_for,
    insights_national_check,
    may_see_national_insights,
)
from .selectors import PERIOD_DAYS, STALE_AFTER_DAYS, Insights, Scope, scope_for_hub, scope_national
from .tables import TABLES, table_csv

# The figures are not public: browsers and proxies must not keep them for someone else.
private = cache_control(private=True, no_store=True)


def _scope_from(request, slug: str | None) -> Scope:
    if slug is None:
        insights_national_check(user=request.user)
        return scope_national()
    return scope_for_hub(insights_hub_get(user=request.user, slug=slug))


def _csv_url(scope: Scope, table: str) -> str:
    if scope.hub is None:
        return reverse("insights:csv", kwargs={"table": table})
    return reverse("insights:csv", kwargs={"slug": scope.hub.slug, "table": table})


def _chart_description(rows: list[tuple[str, int, int]]) -> str:
    return "; ".join(
        _("%(label)s: demand %(demand)d, supply %(supply)d")
        % {"label": label, "demand": demand, "supply": supply}
        for label, demand, supply in rows
    )


def _charts(insights: Insights) -> tuple[dict, list[dict]]:
    groups = [(row.name, row.demand, row.supply) for row in insights.topic_groups]
    overview = {
        "chart": svg.bar_chart("chart-groups", groups),
        "description": _chart_description(groups),
    }
    per_group = []
    for group in insights.topic_groups:
        leaves = [
            (row.name, row.demand, row.supply)
            for row in insights.topics
            if not row.is_group and row.group_id == group.topic_id
        ]
        per_group.append(
            {
                "group": group,
                "chart": svg.bar_chart(f"chart-{group.slug}", leaves),
                "description": _chart_description(leaves),
            }
        )
    return overview, per_group


def _measure_from(request) -> str:
    """What the map shows: `?show=` if it is one of svg.MEASURES, else the first."""
    show = request.GET.get("show")
    return show if show in svg.MEASURES else svg.MEASURES[0]


def _province_map(insights: Insights, measure: str) -> dict:
    names = {row.code: row.name for row in insights.provinces}
    values = {row.code: getattr(row, measure) for row in insights.provinces_in_scope}
    province_map = svg.province_map(
        names, values, measure=measure, value_text=gap_words if measure == "gap" else figure
    )
    description = "; ".join(
        f"{p.name}: {p.value_text}" for p in province_map.provinces if p.in_scope
    )
    return {
        "map": province_map,
        "description": description,
        "switch": [{"measure": m, "current": m == measure} for m in svg.MEASURES],
    }


def _month_chart(insights: Insights) -> dict:
    rows = []
    for index, m in enumerate(insights.per_month):
        labels = (date_format(m.month, "M"),)
        if index == 0 or m.month.month == 1:
            labels += (str(m.month.year),)
        rows.append((labels, m.published, m.matched))
    description = "; ".join(
        _("%(month)s: published %(published)d, matched %(matched)d")
        % {"month": date_format(m.month, "F Y"), "published": m.published, "matched": m.matched}
        for m in insights.per_month
    )
    return {"chart": svg.month_chart("chart-months", rows), "description": description}


def _other_scopes(user, scope: Scope) -> list[dict]:
    """Links to the other pages this user may open (the scope switcher)."""
    links = []
    if may_see_national_insights(user) and not scope.is_national:
        links.append({"label": _("The Netherlands"), "url": reverse("insights:national")})
    for hub in insights_hub_links_for(user):
        if hub.slug != scope.key or scope.is_national:
            links.append(
                {"label": hub.name, "url": reverse("insights:hub", kwargs={"slug": hub.slug})}
            )
    return links


def _render_page(request, scope: Scope):
    insights = Insights(scope)
    tables = {
        name.replace("-", "_"): {"table": build(insights), "csv_url": _csv_url(scope, name)}
        for name, build in TABLES.items()
    }
    overview_chart, group_charts = _charts(insights)
    return render(
        request,
        "insights/insights_page.html",
        {
            "scope": scope,
            "hub": scope.hub,
            "insights": insights,
            "totals": insights.totals,
            "tables": tables,
            "overview_chart": overview_chart,
            "group_charts": group_charts,
            "province_map": _province_map(insights, _measure_from(request)),
            "month_chart": _month_chart(insights),
            "other_scopes": _other_scopes(request.user, scope),
            "period_days": PERIOD_DAYS,
            "stale_days": STALE_AFTER_DAYS,
            "refresh_seconds": settings.INSIGHTS_CACHE_SECONDS,
        },
    )


@login_required
@private
@second_factor_for_coordinators
def insights_index(request):
    hubs = insights_hub_links_for(request.user)
    national = may_see_national_insights(request.user)
    if not hubs and not national:
        raise PermissionDenied
    return render(request, "insights/index.html", {"hubs": hubs, "national": national})


@login_required
@private
@second_factor_for_coordinators
def insights_national(request):
    return _render_page(request, _scope_from(request, None))


@login_required
@private
@second_factor_for_coordinators
def insights_hub(request, slug: str):
    return _render_page(request, _scope_from(request, slug))


@login_required
@private
@second_factor_for_coordinators
def insights_csv(request, table: str, slug: str | None = None):
    scope = _scope_from(request, slug)
    build = TABLES.get(table)
    if build is None:
        raise Http404
    content = table_csv(build(Insights(scope)))
    # With a byte order mark, spreadsheet programs read the file as UTF-8 (Fryslân).
    response = HttpResponse(content.encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="insights-{scope.key}-{table}.csv"'
    return response
