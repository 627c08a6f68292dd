import pytest

from apps.insights import svg
from apps.taxonomy.models import Province

CODES = ["NL-DR", "NL-FL", "NL-FR", "NL-GE", "NL-GR", "NL-LI"]
CODES += ["NL-NB", "NL-NH", "NL-OV", "NL-UT", "NL-ZE", "NL-ZH"]


def test_outlines_cover_the_twelve_provinces_and_fit_the_drawing():
    assert sorted(svg.PATHS) == CODES == sorted(svg.LABELS)
    for code, rings in svg.OUTLINES.items():
        for ring in rings:
            assert len(ring) >= 4, code
            for point in ring:
                x, y = svg.project(point)
                assert 0 <= x <= svg.MAP_WIDTH and 0 <= y <= svg.MAP_HEIGHT, (code, point)


@pytest.mark.django_db
def test_outline_codes_are_the_seeded_provinces():
    assert sorted(Province.objects.values_list("code", flat=True)) == CODES


def test_provinces_lie_roughly_where_they_are():
    def centre(code):
        return svg.LABELS[code]

    assert centre("NL-GR")[1] < centre("NL-LI")[1]  # Groningen north of Limburg
    assert centre("NL-ZE")[0] < centre("NL-OV")[0]  # Zeeland west of Overijssel
    assert centre("NL-NH")[0] < centre("NL-GE")[0]


def test_a_border_that_does_not_continue_is_refused():
    with pytest.raises(ValueError):
        svg._ring([(1, 1), (2, 2)], [(3, 3), (1, 1)])


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

    drawn = svg.province_map(names, {"NL-ZH": 6, "NL-UT": 3})

    by_code = {p.code: p for p in drawn.provinces}
    assert (by_code["NL-ZH"].shade, by_code["NL-UT"].shade) == (5, 3)
    assert by_code["NL-GR"].in_scope is False and by_code["NL-GR"].value is None
    assert drawn.has_outside
    assert not svg.province_map(names, dict.fromkeys(CODES, 0)).has_outside


def test_bar_lengths_share_one_scale_and_carry_their_values():
    chart = svg.bar_chart("c", [("A", 10, 5), ("B", 0, 20)])

    a, b = chart.rows
    assert b.supply.width == svg.CHART_WIDTH - svg.VALUE_ROOM  # the largest value
    assert a.demand.width == pytest.approx(b.supply.width / 2, abs=0.1)
    assert b.demand.width == 0
    assert (a.demand.value, a.supply.value) == (10, 5)
    assert a.demand.y < a.supply.y < b.demand.y < b.supply.y
    assert chart.height >= b.supply.y + svg.BAR_HEIGHT
