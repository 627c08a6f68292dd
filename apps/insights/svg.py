"""Server-rendered charts: the province map of the Netherlands and demand/supply bars.

No Django models here: the functions take figures and return plain geometry that the
templates (`templates/insights/_province_map.html`, `_bar_chart.html`) turn into SVG.

The map is drawn from simplified outlines of the 12 provinces, written by hand from
approximate geography (longitude, latitude in degrees, a few dozen points per province,
land only; the lakes and sea arms are left as gaps). Borders two provinces share are one
list of points, used forwards by one and backwards by the other, so neighbours meet
without slivers. It is a recognisable sketch, not a survey map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

Point = tuple[float, float]  # (longitude, latitude)

# --- Shared land borders ---------------------------------------------------------------------
# Each runs from one junction to another; a province's ring walks them in order.

GR_FR = [(6.20, 53.40), (6.25, 53.27), (6.30, 53.13)]
GR_DR = [(6.30, 53.13), (6.55, 53.15), (6.80, 53.05), (6.95, 52.95), (7.05, 52.82)]
FR_DR = [(6.25, 52.85), (6.20, 52.95), (6.30, 53.05), (6.30, 53.13)]
FR_OV = [(5.85, 52.80), (6.05, 52.83), (6.25, 52.85)]
FR_FL = [(5.72, 52.84), (5.85, 52.80)]
DR_OV = [(6.72, 52.64), (6.45, 52.70), (6.25, 52.69), (6.20, 52.78), (6.25, 52.85)]
OV_FL = [(5.80, 52.60), (5.87, 52.68), (5.88, 52.78), (5.85, 52.80)]
OV_GE = [
    (6.82, 52.12),
    (6.60, 52.15),
    (6.40, 52.20),
    (6.15, 52.24),
    (6.10, 52.38),
    (6.05, 52.48),
    (5.88, 52.52),
]
GE_UT = [
    (5.48, 52.27),
    (5.55, 52.15),
    (5.58, 52.05),
    (5.55, 51.97),
    (5.35, 51.97),
    (5.15, 51.95),
]
GE_ZH = [(5.15, 51.95), (5.05, 51.87), (5.00, 51.83)]
GE_NB = [(5.00, 51.83), (5.20, 51.77), (5.45, 51.80), (5.65, 51.78), (5.85, 51.77)]
GE_LI = [(5.85, 51.77), (5.97, 51.76)]
UT_NH = [(5.28, 52.28), (5.18, 52.20), (5.05, 52.24), (4.95, 52.29), (4.82, 52.23)]
UT_ZH = [(4.82, 52.23), (4.80, 52.12), (4.82, 52.03), (4.95, 51.98), (5.15, 51.95)]
NH_ZH = [(4.82, 52.23), (4.70, 52.22), (4.60, 52.28), (4.50, 52.32)]
ZH_NB = [(5.00, 51.83), (4.80, 51.77), (4.60, 51.72), (4.40, 51.68), (4.25, 51.65)]
ZE_NB = [(4.25, 51.65), (4.22, 51.55), (4.27, 51.42)]
NB_LI = [
    (5.56, 51.22),
    (5.78, 51.30),
    (5.82, 51.45),
    (5.90, 51.55),
    (5.92, 51.68),
    (5.85, 51.77),
]

# --- Coasts and the borders with Germany and Belgium ---------------------------------------

GR_OUTER = [
    (7.05, 52.82),
    (7.07, 53.00),
    (7.20, 53.18),
    (7.10, 53.30),
    (6.93, 53.33),
    (6.83, 53.45),
    (6.50, 53.43),
    (6.20, 53.40),
]
FR_OUTER = [
    (6.20, 53.40),
    (5.90, 53.38),
    (5.55, 53.30),
    (5.40, 53.17),
    (5.40, 53.00),
    (5.35, 52.88),
    (5.55, 52.83),
    (5.72, 52.84),
]
DR_OUTER = [(7.05, 52.82), (7.05, 52.70), (6.72, 52.64)]
OV_OUTER_EAST = [
    (6.72, 52.64),
    (6.95, 52.48),
    (7.07, 52.38),
    (7.05, 52.24),
    (6.82, 52.12),
]
OV_COAST = [(5.88, 52.52), (5.80, 52.60)]
FL_NOORDOOSTPOLDER_COAST = [
    (5.72, 52.84),
    (5.60, 52.78),
    (5.58, 52.66),
    (5.70, 52.60),
    (5.80, 52.60),
]
FL_FLEVOPOLDER = [
    (5.10, 52.37),
    (5.20, 52.33),
    (5.40, 52.28),
    (5.55, 52.32),
    (5.78, 52.45),
    (5.83, 52.55),
    (5.72, 52.60),
    (5.45, 52.55),
    (5.35, 52.48),
    (5.15, 52.42),
]
GE_COAST = [(5.88, 52.52), (5.78, 52.44), (5.60, 52.35), (5.48, 52.27)]
GE_OUTER_EAST = [
    (5.97, 51.76),
    (6.05, 51.86),
    (6.40, 51.83),
    (6.72, 51.90),
    (6.83, 52.02),
    (6.82, 52.12),
]
UT_COAST = [(5.48, 52.27), (5.38, 52.25), (5.28, 52.28)]
NH_OUTER = [
    (4.50, 52.32),
    (4.55, 52.45),
    (4.62, 52.65),
    (4.64, 52.80),
    (4.72, 52.93),
    (4.90, 52.93),
    (5.05, 52.93),
    (5.08, 52.85),
    (5.10, 52.77),
    (5.29, 52.70),
    (5.10, 52.62),
    (5.08, 52.50),
    (5.05, 52.42),
    (4.98, 52.38),
    (5.07, 52.33),
    (5.22, 52.31),
    (5.28, 52.28),
]
NH_TEXEL = [(4.72, 53.00), (4.85, 53.00), (4.90, 53.12), (4.85, 53.18), (4.75, 53.08)]
FR_ISLANDS = [
    [(4.92, 53.22), (5.00, 53.24), (5.10, 53.30), (5.05, 53.31), (4.95, 53.26)],  # Vlieland
    [(5.15, 53.35), (5.40, 53.39), (5.60, 53.44), (5.55, 53.46), (5.30, 53.42)],  # Terschelling
    [(5.62, 53.43), (5.80, 53.44), (5.95, 53.46), (5.85, 53.48), (5.65, 53.46)],  # Ameland
    [(6.10, 53.47), (6.25, 53.48), (6.32, 53.50), (6.20, 53.51), (6.12, 53.49)],  # Schier
]
ZH_COAST = [
    (4.25, 51.65),
    (4.05, 51.72),
    (3.85, 51.80),
    (4.00, 51.88),
    (4.12, 51.98),
    (4.27, 52.10),
    (4.40, 52.20),
    (4.50, 52.32),
]
ZE_ISLANDS = [
    (4.27, 51.42),
    (4.20, 51.37),
    (4.00, 51.40),
    (3.80, 51.40),
    (3.58, 51.44),
    (3.45, 51.47),
    (3.45, 51.55),
    (3.68, 51.60),
    (3.70, 51.70),
    (3.85, 51.75),
    (4.05, 51.70),
    (4.25, 51.65),
]
ZE_FLANDERS = [
    (3.37, 51.38),
    (3.60, 51.42),
    (3.85, 51.36),
    (4.05, 51.38),
    (4.23, 51.35),
    (4.20, 51.27),
    (3.90, 51.20),
    (3.60, 51.28),
    (3.45, 51.24),
    (3.37, 51.30),
]
NB_SOUTH = [
    (4.27, 51.42),
    (4.40, 51.37),
    (4.60, 51.43),
    (4.80, 51.45),
    (4.95, 51.42),
    (5.10, 51.43),
    (5.25, 51.30),
    (5.56, 51.22),
]
LI_OUTER = [
    (5.97, 51.76),
    (6.10, 51.65),
    (6.20, 51.52),
    (6.22, 51.40),
    (6.08, 51.22),
    (6.17, 51.15),
    (5.95, 51.03),
    (6.08, 50.92),
    (6.02, 50.76),
    (5.85, 50.76),
    (5.70, 50.76),
    (5.63, 50.82),
    (5.75, 51.00),
    (5.82, 51.10),
    (5.70, 51.18),
    (5.56, 51.22),
]


def _back(line: Sequence[Point]) -> list[Point]:
    return list(reversed(line))


def _ring(*lines: Sequence[Point]) -> list[Point]:
    """Join border lines end to start into a closed walk around a province; each line must
    start where the previous one ended (checked, so a reversed border fails at import)."""
    points: list[Point] = []
    for line in lines:
        if points and line[0] != points[-1]:
            raise ValueError(f"border {line} does not continue from {points[-1]}")
        for point in line:
            if not points or points[-1] != point:
                points.append(point)
    if points[0] != points[-1]:
        raise ValueError(f"ring starting at {points[0]} does not close")
    points.pop()
    return points


# Code -> rings (a province can have islands). Rings run around each province in one walk.
OUTLINES: dict[str, list[list[Point]]] = {
    "NL-GR": [_ring(GR_DR, GR_OUTER, GR_FR)],
    "NL-FR": [_ring(FR_OUTER, FR_FL, FR_OV, FR_DR, _back(GR_FR)), *FR_ISLANDS],
    "NL-DR": [_ring(_back(FR_DR), _back(DR_OV), _back(DR_OUTER), _back(GR_DR))],
    "NL-OV": [
        _ring(OV_COAST, OV_FL, FR_OV, _back(DR_OV), OV_OUTER_EAST, OV_GE),
    ],
    "NL-FL": [_ring(FR_FL, _back(OV_FL), _back(FL_NOORDOOSTPOLDER_COAST)), FL_FLEVOPOLDER],
    "NL-GE": [_ring(GE_COAST, GE_UT, GE_ZH, GE_NB, GE_LI, GE_OUTER_EAST, OV_GE)],
    "NL-UT": [_ring(UT_COAST, UT_NH, UT_ZH, _back(GE_UT))],
    "NL-NH": [_ring(NH_OUTER, UT_NH, NH_ZH), NH_TEXEL],
    "NL-ZH": [_ring(ZH_COAST, _back(NH_ZH), UT_ZH, GE_ZH, ZH_NB)],
    "NL-ZE": [_ring(ZE_ISLANDS, ZE_NB), ZE_FLANDERS],
    "NL-NB": [_ring(ZE_NB, NB_SOUTH, NB_LI, _back(GE_NB), ZH_NB)],
    "NL-LI": [_ring(GE_LI, LI_OUTER, NB_LI)],
}

# Where each province's label goes (longitude, latitude), inside its largest part.
LABEL_POINTS: dict[str, Point] = {
    "NL-GR": (6.72, 53.24),
    "NL-FR": (5.85, 53.10),
    "NL-DR": (6.62, 52.82),
    "NL-OV": (6.48, 52.44),
    "NL-FL": (5.47, 52.43),
    "NL-GE": (6.00, 52.08),
    "NL-UT": (5.20, 52.10),
    "NL-NH": (4.84, 52.62),
    "NL-ZH": (4.50, 51.95),
    "NL-ZE": (3.85, 51.52),
    "NL-NB": (5.10, 51.58),
    "NL-LI": (5.98, 51.33),
}

# Projection: plain equirectangular, longitudes shrunk by cos(52.2°) so shapes keep their
# proportions at Dutch latitudes. Units are SVG user units (the SVG scales to its width).
WEST, EAST, NORTH, SOUTH = 3.25, 7.30, 53.58, 50.70
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


PATHS: dict[str, str] = {code: _path(rings) for code, rings in OUTLINES.items()}
LABELS: dict[str, tuple[float, float]] = {
    code: project(point) for code, point in LABEL_POINTS.items()
}


# --- Shading -----------------------------------------------------------------------------------

SHADES = 5  # classes shade-1 .. shade-5 for unmet demand; shade-0 is "none unmet"


@dataclass(frozen=True)
class ShadeBand:
    shade: int
    low: int
    high: int


def shade_for(value: int, maximum: int) -> int:
    """0 for no unmet demand; otherwise 1..SHADES in equal steps of `maximum` (the largest
    unmet demand on the map), so the largest always gets the darkest shade."""
    if value <= 0 or maximum <= 0:
        return 0
    return min(SHADES, -(-SHADES * value // maximum))  # ceil(SHADES * value / maximum)


def shade_bands(maximum: int) -> list[ShadeBand]:
    """The whole-number range of each shade in use, for the legend (`shade_for` inverted);
    shades no whole number falls in are left out. Empty when nothing is unmet."""
    bands = []
    for shade in range(1, SHADES + 1):
        low = maximum * (shade - 1) // SHADES + 1
        high = maximum * shade // SHADES
        if maximum > 0 and high >= low:
            bands.append(ShadeBand(shade=shade, low=low, high=high))
    return bands


@dataclass(frozen=True)
class MapProvince:
    code: str
    name: str
    path: str
    label_x: float
    label_y: float
    in_scope: bool
    value: int | None
    shade: int | None


@dataclass(frozen=True)
class ProvinceMap:
    width: int
    height: int
    provinces: list[MapProvince]
    bands: list[ShadeBand]
    has_outside: bool


def province_map(names: Mapping[str, str], unmet: Mapping[str, int]) -> ProvinceMap:
    """The map for provinces `names` (code -> name, all 12). Provinces in `unmet` (code ->
    unmet demand) are in scope and shaded; the others are drawn grey, without a value."""
    maximum = max(unmet.values(), default=0)
    provinces = []
    for code in sorted(PATHS):
        in_scope = code in unmet
        x, y = LABELS[code]
        provinces.append(
            MapProvince(
                code=code,
                name=names.get(code, code),
                path=PATHS[code],
                label_x=x,
                label_y=y,
                in_scope=in_scope,
                value=unmet[code] if in_scope else None,
                shade=shade_for(unmet[code], maximum) if in_scope else None,
            )
        )
    return ProvinceMap(
        width=MAP_WIDTH,
        height=MAP_HEIGHT,
        provinces=provinces,
        bands=shade_bands(maximum),
        has_outside=len(unmet) < len(PATHS),
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
