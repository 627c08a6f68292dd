"""Server-rendered charts: the province map of the Netherlands and demand/supply bars.

No Django models here: the functions take figures and return plain geometry that the
templates (`templates/insights/_province_map.html`, `_bar_chart.html`) turn into SVG.

The map's outlines come from `static/insights/nl-provinces.geojson`: Natural Earth's
admin-1 boundaries (public domain), simplified with `scripts/simplify_provinces.py`; its
README names the source and how it was made. They are read and projected once per process.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings

Point = tuple[float, float]  # (longitude, latitude)

BOUNDARIES: Path = settings.BASE_DIR / "static" / "insights" / "nl-provinces.geojson"


@cache
def _boundaries() -> dict[str, dict]:
    """Code -> {"rings": [[(lon, lat), ...], ...], "label": (lon, lat)}; rings open (the
    closing point is not repeated)."""
    features = json.loads(BOUNDARIES.read_text(encoding="utf-8"))["features"]
    result = {}
    for feature in features:
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        result[feature["properties"]["code"]] = {
            # Outer rings only: the provinces have no holes in this file.
            "rings": [[(x, y) for x, y in polygon[0][:-1]] for polygon in polygons],
            "label": tuple(feature["properties"]["label"]),
        }
    return dict(sorted(result.items()))


def outlines() -> dict[str, list[list[Point]]]:
    """Code -> rings (a province can have islands), from the boundary file."""
    return {code: data["rings"] for code, data in _boundaries().items()}


# Projection: plain equirectangular, longitudes shrunk by cos(52.2°) so shapes keep their
# proportions at Dutch latitudes. Units are SVG user units (the SVG scales to its width).
WEST, EAST, NORTH, SOUTH = 3.30, 7.25, 53.58, 50.72
SCALE = 160.0
LONGITUDE_FACTOR = math.cos(math.radians(52.2))
MAP_WIDTH = round((EAST - WEST) * LONGITUDE_FACTOR * SCALE)
MAP_HEIGHT = round((NORTH - SOUTH) * SCALE)


def project(point: Point) -> tuple[float, float]:
    longitude, latitude = point
    return (
        round((longitude - WEST) * LONGITUDE_FACTOR * SCALE, 1),
        round((NORTH - latitude) * SCALE, 1),
    )


def _path(rings: Iterable[Sequence[Point]]) -> str:
    parts = []
    for ring in rings:
        xy = [project(point) for point in ring]
        parts.append("M" + " L".join(f"{x:g} {y:g}" for x, y in xy) + " Z")
    return " ".join(parts)


PATHS: dict[str, str] = {code: _path(rings) for code, rings in outlines().items()}
LABELS: dict[str, tuple[float, float]] = {
    code: project(data["label"]) for code, data in _boundaries().items()
}


# --- Shading -----------------------------------------------------------------------------------

SHADES = 5  # classes 1..5 per hue; "shade-0" is zero
# What the map can show (`?show=`); the first is the default.
MEASURES = ("gap", "demand", "supply")


@dataclass(frozen=True)
class ShadeBand:
    """A class of the map's legend: the whole numbers `low`..`high` get the CSS class
    `css`. Surplus bands (a negative gap, or supply) count the surplus: 1..n, not -1..-n."""

    shade: int
    low: int
    high: int
    surplus: bool = False

    @property
    def range_text(self) -> str:
        return str(self.low) if self.low == self.high else f"{self.low}–{self.high}"

    @property
    def css(self) -> str:
        return f"surplus-{self.shade}" if self.surplus and self.shade else f"shade-{self.shade}"


ZERO_BAND = ShadeBand(shade=0, low=0, high=0)


def shade_for(value: int, maximum: int) -> int:
    """0 for nothing; otherwise 1..SHADES in equal steps of `maximum` (the largest value on
    the map), so the largest always gets the darkest shade."""
    if value <= 0 or maximum <= 0:
        return 0
    return min(SHADES, -(-SHADES * value // maximum))  # ceil(SHADES * value / maximum)


def shade_bands(maximum: int, *, surplus: bool = False) -> list[ShadeBand]:
    """The whole-number range of each shade in use, for the legend (`shade_for` inverted);
    shades no whole number falls in are left out. Empty when everything is zero."""
    bands = []
    for shade in range(1, SHADES + 1):
        low = maximum * (shade - 1) // SHADES + 1
        high = maximum * shade // SHADES
        if maximum > 0 and high >= low:
            bands.append(ShadeBand(shade=shade, low=low, high=high, surplus=surplus))
    return bands


def _classes(values: Mapping[str, int], measure: str) -> tuple[dict[str, str], list[ShadeBand]]:
    """The CSS class per code and the legend. Demand is shaded in one hue, supply in the
    other; the gap diverges: shortage in the demand hue, surplus in the supply hue, each
    stepping up to its own largest value, zero between."""
    if measure == "gap":
        shortage = max((v for v in values.values() if v > 0), default=0)
        surplus = max((-v for v in values.values() if v < 0), default=0)
        classes = {
            code: (
                ShadeBand(shade_for(-v, surplus), 0, 0, surplus=True).css
                if v < 0
                else f"shade-{shade_for(v, shortage)}"
            )
            for code, v in values.items()
        }
        bands = [*reversed(shade_bands(surplus, surplus=True)), ZERO_BAND]
        return classes, bands + shade_bands(shortage)
    maximum = max(values.values(), default=0)
    is_supply = measure == "supply"
    classes = {
        code: ShadeBand(shade_for(v, maximum), 0, 0, surplus=is_supply).css
        for code, v in values.items()
    }
    return classes, [ZERO_BAND, *shade_bands(maximum, surplus=is_supply)]


@dataclass(frozen=True)
class MapProvince:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    in_scope: bool
    value: int | None
    value_text: str  # the value as the map writes it ("" outside the scope)
    css: str  # the shade class, or "outside"

    @property
    def on_dark(self) -> bool:
        return self.css in ("shade-5", "surplus-5")


@dataclass(frozen=True)
class ProvinceMap:
    measure: str
    width: int
    height: int
    provinces: list[MapProvince]
    bands: list[ShadeBand]
    has_outside: bool


def province_map(
    names: Mapping[str, str],
    values: Mapping[str, int],
    *,
    measure: str,
    value_text: Callable[[int], str] = str,
) -> ProvinceMap:
    """The map for provinces `names` (code -> name, all 12), showing `measure` (one of
    MEASURES). Provinces in `values` (code -> figure) are in scope and shaded; the others
    are drawn grey, without a value."""
    classes, bands = _classes(values, measure)
    provinces = []
    for code in sorted(PATHS):
        in_scope = code in values
        x, y = LABELS[code]
        provinces.append(
            MapProvince(
                code=code,
                name=names.get(code, code),
                path=PATHS[code],
                label_x=x,
                label_y=y,
                in_scope=in_scope,
                value=values[code] if in_scope else None,
                value_text=value_text(values[code]) if in_scope else "",
                css=classes[code] if in_scope else "outside",
            )
        )
    return ProvinceMap(
        measure=measure,
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        provinces=provinces,
        bands=bands,
        has_outside=len(values) < len(PATHS),
    )


# --- Bar chart ---------------------------------------------------------------------------------

CHART_WIDTH = 640
LABEL_HEIGHT = 18
BAR_HEIGHT = 14
BAR_GAP = 3
ROW_GAP = 14
VALUE_ROOM = 150  # right of the longest bar: room for "Supply 12 345"


@dataclass(frozen=True)
class Bar:
    y: float
    width: float
    value: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    demand: Bar
    supply: Bar


@dataclass(frozen=True)
class BarChart:
    id: str
    width: int
    height: int
    rows: list[ChartRow]
    bar_height: int


def bar_chart(chart_id: str, rows: Sequence[tuple[str, int, int]]) -> BarChart:
    """Horizontal bars, demand above supply, per (label, demand, supply); lengths share one
    scale so pairs compare across rows. Each bar carries its value as text."""
    largest = max((max(d, s) for _label, d, s in rows), default=0) or 1
    room = CHART_WIDTH - VALUE_ROOM
    chart_rows = []
    y = 0.0
    for label, demand, supply in rows:
        label_y = y + LABEL_HEIGHT - 5
        bars = []
        bar_y = y + LABEL_HEIGHT
        for value in (demand, supply):
            width = round(room * value / largest, 1)
            bars.append(
                Bar(
                    y=bar_y,
                    width=width,
                    value=value,
                    text_x=round(width + 6, 1),
                    text_y=round(bar_y + BAR_HEIGHT - 3, 1),
                )
            )
            bar_y += BAR_HEIGHT + BAR_GAP
        chart_rows.append(ChartRow(label=label, label_y=label_y, demand=bars[0], supply=bars[1]))
        y = bar_y - BAR_GAP + ROW_GAP
    return BarChart(
        id=chart_id,
        width=CHART_WIDTH,
        height=max(round(y - ROW_GAP + 2), 1),
        rows=chart_rows,
        bar_height=BAR_HEIGHT,
    )


# --- Column chart per month ----------------------------------------------------------------

MONTH_CHART_HEIGHT = 200  # room for the tallest column
MONTH_LABEL_ROOM = 34  # below the columns: month and year
MONTH_VALUE_ROOM = 16  # above the tallest column: its value
COLUMN_WIDTH = 16
COLUMN_GAP = 2
MONTH_GAP = 14


@dataclass(frozen=True)
class Column:
    x: float
    y: float
    height: float
    value: int
    text_x: float
    text_y: float


@dataclass(frozen=True)
class MonthColumns:
    labels: tuple[str, ...]  # one line each (month, then the year where it changes)
    label_x: float
    first: Column
    second: Column


@dataclass(frozen=True)
class MonthChart:
    id: str
    width: int
    height: int
    baseline: float
    months: list[MonthColumns]
    column_width: int


def month_chart(chart_id: str, rows: Sequence[tuple[tuple[str, ...], int, int]]) -> MonthChart:
    """Two columns per month (e.g. published, matched), side by side, months left to right,
    on one scale; each column carries its value as text above it."""
    largest = max((max(a, b) for _labels, a, b in rows), default=0) or 1
    top = MONTH_VALUE_ROOM
    baseline = top + MONTH_CHART_HEIGHT
    months = []
    x = float(COLUMN_GAP)
    for labels, a, b in rows:
        columns = []
        for offset, value in enumerate((a, b)):
            height = round(MONTH_CHART_HEIGHT * value / largest, 1)
            column_x = x + offset * (COLUMN_WIDTH + COLUMN_GAP)
            columns.append(
                Column(
                    x=column_x,
                    y=round(baseline - height, 1),
                    height=height,
                    value=value,
                    text_x=round(column_x + COLUMN_WIDTH / 2, 1),
                    text_y=round(baseline - height - 4, 1),
                )
            )
        months.append(
            MonthColumns(
                labels=tuple(labels),
                label_x=round(x + COLUMN_WIDTH + COLUMN_GAP / 2, 1),
                first=columns[0],
                second=columns[1],
            )
        )
        x += 2 * COLUMN_WIDTH + COLUMN_GAP + MONTH_GAP
    return MonthChart(
        id=chart_id,
        width=round(x - MONTH_GAP + COLUMN_GAP),
        height=round(baseline + MONTH_LABEL_ROOM),
        baseline=baseline,
        months=months,
        column_width=COLUMN_WIDTH,
    )
