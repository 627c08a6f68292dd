import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.hubs.models import Hub
from apps.insights.selectors import Insights, scope_for_hub, shared_figures_count_all
from apps.insights.tables import TABLES, csv_cell
from apps.taxonomy.models import AITopic
from tests.accounts.factories import UserFactory
from tests.communities.factories import CommunityMembershipFactory, LearningCommunityFactory
from tests.insights.conftest import NOW, published, supplier
from tests.mfa_helpers import sign_in

pytestmark = pytest.mark.django_db

NATIONAL = reverse("insights:national")
INDEX = reverse("insights:index")


def hub_url(slug="zuid-holland"):
    return reverse("insights:hub", kwargs={"slug": slug})


def csv_url(table="topics", slug=None):
    if slug is None:
        return reverse("insights:csv", kwargs={"table": table})
    return reverse("insights:csv", kwargs={"slug": slug, "table": table})


def status(client, user, url):
    if user is not None:
        sign_in(client, user)
    return client.get(url).status_code


# --- Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", [INDEX, NATIONAL, hub_url(), csv_url(), csv_url(slug="zuid-holland")]
)
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.mark.parametrize("persona", ["member", "outsider"])
@pytest.mark.parametrize("url", [INDEX, NATIONAL, hub_url(), csv_url(slug="zuid-holland")])
def test_people_without_a_coordinating_role_get_403(client, request, persona, url):
    assert status(client, request.getfixturevalue(persona), url) == 403


def test_staff_without_a_hub_gets_403(client):
    assert status(client, UserFactory(is_staff=True), NATIONAL) == 403


def test_hub_coordinator_sees_own_hub_only(client, coordinator):
    sign_in(client, coordinator)

    assert client.get(hub_url("zuid-holland")).status_code == 200
    assert client.get(csv_url(slug="zuid-holland")).status_code == 200
    assert client.get(hub_url("noord-nederland")).status_code == 403
    assert client.get(csv_url(slug="noord-nederland")).status_code == 403
    assert client.get(NATIONAL).status_code == 403
    assert client.get(csv_url()).status_code == 403


def test_coordinator_of_another_hub_gets_403_for_this_hub(client, other_hub_coordinator):
    sign_in(client, other_hub_coordinator)

    assert client.get(hub_url("zuid-holland")).status_code == 403
    assert client.get(csv_url("provinces", slug="zuid-holland")).status_code == 403
    assert client.get(hub_url("noord-nederland")).status_code == 200


def test_programme_coordinator_sees_the_country_and_every_hub(client, programme_coordinator):
    sign_in(client, programme_coordinator)

    assert client.get(NATIONAL).status_code == 200
    assert client.get(csv_url()).status_code == 200
    for hub in Hub.objects.all():
        assert client.get(hub_url(hub.slug)).status_code == 200


def test_unknown_hub_and_unknown_table_are_404(client, programme_coordinator, coordinator):
    sign_in(client, programme_coordinator)
    assert client.get(hub_url("atlantis")).status_code == 404
    assert client.get(csv_url("salaries")).status_code == 404
    sign_in(client, coordinator)
    assert client.get(hub_url("atlantis")).status_code == 404
    assert client.get(csv_url("salaries", slug="zuid-holland")).status_code == 404


def test_index_lists_the_pages_the_user_may_open(client, coordinator, programme_coordinator):
    sign_in(client, coordinator)
    response = client.get(INDEX)
    assert response.status_code == 200
    assert hub_url("zuid-holland") in response.text
    assert hub_url("noord-nederland") not in response.text
    assert NATIONAL not in response.text

    sign_in(client, programme_coordinator)
    response = client.get(INDEX)
    assert NATIONAL in response.text
    assert hub_url("noord-nederland") in response.text


def test_pages_are_not_cached_for_others(client, coordinator):
    sign_in(client, coordinator)

    response = client.get(hub_url())

    assert "private" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


# --- The page ---------------------------------------------------------------------------------


def test_page_writes_the_definitions_and_shows_the_tables(client, programme_coordinator, region):
    sign_in(client, programme_coordinator)

    response = client.get("/en" + NATIONAL)

    text = response.text
    assert response.status_code == 200
    assert text.count("<h1>") == 1
    for term in ("Demand", "Supply", "Gap", "Period", "Participants", "Who sees this page"):
        assert f"<dt>{term}</dt>" in text
    assert text.count("<caption") == len(TABLES)
    assert 'scope="col"' in text and 'scope="row"' in text
    for name in TABLES:
        assert csv_url(name) in text


def test_bar_charts_are_images_with_text_alternatives_and_labelled_bars(
    client, programme_coordinator, region
):
    sign_in(client, programme_coordinator)

    text = client.get("/en" + NATIONAL).text

    charts = re.findall(r'<svg class="bar-chart".*?</svg>', text, re.S)
    assert len(charts) == 1 + AITopic.objects.groups().count()
    overview = charts[0]
    assert 'role="img"' in overview
    assert '<title id="chart-groups-title">' in overview
    assert "Machine learning: demand 4, supply 10" in overview  # the <desc>
    # Bars say what they are in words, and supply is striped (a pattern, not a colour).
    assert "Demand 4" in overview and "Supply 10" in overview
    assert 'fill="url(#chart-groups-hatch)"' in overview
    assert "style=" not in overview


def map_classes(text: str) -> dict[str, str]:
    return dict(re.findall(r'<g id="province-(NL-[A-Z]{2})" class="province ([\w-]+)"', text))


def province_map_svg(text: str) -> str:
    return re.search(r'<svg class="province-map".*?</svg>', text, re.S).group(0)


def legend_items(text: str) -> list[str]:
    legend = re.search(r'<ul class="map-legend".*?</ul>', text, re.S).group(0)
    items = re.findall(r"<li>(.*?)</li>", legend, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def switch_links(text: str) -> list[tuple[str, bool]]:
    return [
        (show, bool(current))
        for show, current in re.findall(
            r'<a href="\?show=(\w+)#provinces"( aria-current="true")?', text
        )
    ]


def test_map_has_twelve_provinces_named_with_titles_and_shades(
    client, programme_coordinator, region
):
    sign_in(client, programme_coordinator)

    text = client.get("/en" + NATIONAL).text

    svg = province_map_svg(text)
    classes = map_classes(svg)
    assert len(classes) == 12
    assert svg.count("<title>") == 12  # one per province
    assert '<title id="province-map-title">' in svg  # and one for the map
    assert 'role="img"' in svg and "<desc" in svg
    # By default the gap: Utrecht the largest shortage (3), Zuid-Holland the largest surplus.
    assert classes["NL-UT"] == "shade-5"
    assert classes["NL-ZH"] == "surplus-5"
    assert "<title>Utrecht: shortage of 3</title>" in svg
    assert "<title>South Holland: surplus of 4</title>" in svg
    assert ">South Holland</tspan>" in svg  # the name as text on the map
    assert "style=" not in svg


def test_provinces_are_named_not_coded_on_the_page(client, programme_coordinator, region):
    sign_in(client, programme_coordinator)

    response = client.get("/en" + NATIONAL)

    # No code as text anywhere: not on the map, in its description, titles or the tables.
    visible = re.sub(r"<[^>]+>", "|", response.text)
    assert not re.search(r"NL-[A-Z]{2}", visible)
    provinces = response.context["tables"]["provinces"]["table"]
    assert "Code" not in [str(column.label) for column in provinces.columns]
    assert provinces.rows[0].cells[0] == "Drenthe"


@pytest.mark.parametrize(
    ("show", "classes", "legend"),
    [
        (
            "gap",
            {"NL-UT": "shade-5", "NL-ZH": "surplus-5", "NL-GR": "surplus-2", "NL-DR": "shade-0"},
            [
                "surplus of 4",
                "surplus of 3",
                "surplus of 2",
                "surplus of 1",
                "0: supply equals demand",
                "shortage of 1",
                "shortage of 2",
                "shortage of 3",
            ],
        ),
        (
            "demand",
            {"NL-UT": "shade-4", "NL-ZH": "shade-5", "NL-GR": "shade-2", "NL-DR": "shade-0"},
            ["0", "1", "2", "3", "4"],
        ),
        (
            "supply",
            {"NL-UT": "shade-0", "NL-ZH": "surplus-5", "NL-GR": "surplus-2", "NL-DR": "shade-0"},
            ["0", "1", "2–3", "4", "5–6", "7–8"],
        ),
    ],
)
def test_map_switch_changes_the_colouring_and_the_legend_gives_the_scale(
    client, programme_coordinator, region, show, classes, legend
):
    sign_in(client, programme_coordinator)

    text = client.get(f"/en{NATIONAL}?show={show}").text

    drawn = map_classes(province_map_svg(text))
    assert {code: drawn[code] for code in classes} == classes
    assert legend_items(text) == legend
    # Plain links, without JavaScript; the current one is marked.
    assert switch_links(text) == [(name, name == show) for name in ("gap", "demand", "supply")]


def test_an_unknown_map_choice_shows_the_gap(client, programme_coordinator, region):
    sign_in(client, programme_coordinator)

    text = client.get(f"/en{NATIONAL}?show=<script>").text

    assert map_classes(province_map_svg(text))["NL-ZH"] == "surplus-5"
    assert ("gap", True) in switch_links(text)


def test_hub_map_greys_the_provinces_outside_the_hub(client, coordinator, region):
    sign_in(client, coordinator)

    text = client.get("/en" + hub_url() + "?show=demand").text

    classes = map_classes(text)
    assert classes["NL-ZH"] == "shade-5"
    assert all(value == "outside" for code, value in classes.items() if code != "NL-ZH")
    assert "<title>Utrecht: outside this hub</title>" in text
    assert "outside this hub</li>" in text  # the legend explains grey


def test_a_negative_gap_reads_as_a_surplus(client, coordinator, region):
    sign_in(client, coordinator)

    text = client.get(hub_url()).text  # in Dutch

    # Zuid-Holland: demand 4, supply 8.
    assert '<span class="number">overschot 4</span>' in text
    # Voorspellende analyse: 2 against 7; the vision group 1 against 0.
    assert '<td class="num">overschot 5</td>' in text
    assert '<td class="num">tekort 1</td>' in text
    assert "tekort −" not in text and "tekort -" not in text
    assert not re.search(r'<td class="num">[−-]\d', text)


def test_hub_page_shows_only_its_figures(client, coordinator, region):
    sign_in(client, coordinator)

    response = client.get(hub_url())

    provinces = response.context["tables"]["provinces"]["table"]
    assert [(row.cells[0], row.kind) for row in provinces.rows][:1] == [("Zuid-Holland", "")]
    assert [row.kind for row in provinces.rows] == ["", "total"]
    assert response.context["totals"].demand == 4


def test_month_chart_is_an_image_with_a_table_of_the_same_figures(
    client, programme_coordinator, region
):
    sign_in(client, programme_coordinator)

    response = client.get("/en" + NATIONAL)

    text = response.text
    chart = re.search(r'<svg class="month-chart".*?</svg>', text, re.S).group(0)
    assert 'role="img"' in chart and '<title id="chart-months-title">' in chart
    assert chart.count('class="bar bar-published"') == 12
    assert chart.count('class="bar bar-matched"') == 12
    assert "style=" not in chart
    table = response.context["tables"]["per_month"]["table"]
    assert len(table.rows) == 13  # 12 months and the total
    # Published in the last 12 months: c1-c4, c6, Groningen, Utrecht 3, Flevoland; matched
    # for the first time: c1, c2, c4 and c6 (c7's acceptance is older).
    assert table.rows[-1].cells[1:] == (10, 4)
    assert 'id="table-per-month"' in text


# --- CSV ------------------------------------------------------------------------------------------


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize("name", list(TABLES))
def test_csv_holds_exactly_the_table(client, coordinator, region, name):
    sign_in(client, coordinator)
    table = TABLES[name](Insights(scope_for_hub(Hub.objects.get(slug="zuid-holland")), now=NOW))

    response = client.get(csv_url(name, slug="zuid-holland"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="insights-zuid-holland-{name}.csv"'
    )
    rows = read_csv(response)
    assert rows[0] == [str(column.label) for column in table.columns]
    assert rows[1:] == [[csv_cell(cell) for cell in row.cells] for row in table.rows]


def test_csv_figures_match_the_hand_counted_region(client, coordinator, region):
    sign_in(client, coordinator)

    rows = read_csv(client.get(csv_url("topics", slug="zuid-holland")))

    by_topic = {(row[0], row[1]): row[2:] for row in rows[1:]}
    assert by_topic[("Machine learning", "Voorspellende analyse")] == ["2", "7", "-5"]
    assert rows[-1][2:] == ["4", "8", "-4"]  # the total row


def test_csv_defuses_formulas_in_text_cells(client, coordinator, region):
    AITopic.objects.filter(slug="ml").update(name_nl='=HYPERLINK("http://x")')
    sign_in(client, coordinator)

    rows = read_csv(client.get(csv_url("topics", slug="zuid-holland")))

    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert rows[1][4] == "-5"  # a negative gap stays a number: no apostrophe


# --- Query budget -----------------------------------------------------------------------------


def make_rows(count: int) -> None:
    hub = Hub.objects.get(slug="zuid-holland")
    for index in range(count):
        published("NL-ZH", ["nlp", "speech"], days=index)
        supplier("NL-ZH", ["ml"], capacity=index % 3)
        community = LearningCommunityFactory(hub=hub)
        CommunityMembershipFactory(community=community)


@pytest.mark.parametrize("rows", [5, 50])
def test_page_queries_do_not_grow_with_rows(
    client, coordinator, django_assert_max_num_queries, rows
):
    make_rows(rows)
    sign_in(client, coordinator)
    client.get(hub_url())  # sessions and caches warm

    with django_assert_max_num_queries(20):
        response = client.get(hub_url())

    assert response.status_code == 200
    assert response.context["totals"].demand == rows


def test_same_number_of_queries_with_5_and_50_rows(client, coordinator):
    sign_in(client, coordinator)

    def count() -> int:
        client.get(hub_url())
        with CaptureQueriesContext(connection) as captured:
            client.get(hub_url())
        return len(captured)

    make_rows(5)
    few = count()
    make_rows(45)

    assert count() == few


def test_every_map_choice_costs_the_same_queries(client, coordinator, region):
    sign_in(client, coordinator)
    client.get(hub_url())  # sessions and caches warm

    counts = []
    for show in ("gap", "demand", "supply"):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"{hub_url()}?show={show}").status_code == 200
        counts.append(len(captured))

    assert len(set(counts)) == 1


# --- Shared figures ---------------------------------------------------------------------------


def _heavy_queries(captured) -> list[str]:
    """The supply, demand and timing aggregates (the ones shared between processes)."""
    return [
        query["sql"]
        for query in captured
        if 'AS "remaining"' in query["sql"] or "PERCENTILE_CONT" in query["sql"]
    ]


def test_figures_are_shared_until_the_data_changes(client, coordinator, region):
    sign_in(client, coordinator)
    with CaptureQueriesContext(connection) as first:
        before = client.get(hub_url()).context["totals"]
    with CaptureQueriesContext(connection) as second:
        again = client.get(hub_url()).context["totals"]

    assert len(_heavy_queries(first)) == 2
    assert _heavy_queries(second) == []
    assert again == before

    published("NL-ZH", ["nlp"], days=1)  # a write: the data version advances
    with CaptureQueriesContext(connection) as third:
        after = client.get(hub_url()).context["totals"]

    assert len(_heavy_queries(third)) == 2
    assert after.demand == before.demand + 1


def test_figures_expire_after_the_configured_time(client, coordinator, region, settings):
    settings.INSIGHTS_CACHE_SECONDS = 0  # nothing is kept
    sign_in(client, coordinator)
    client.get(hub_url())

    with CaptureQueriesContext(connection) as captured:
        response = client.get(hub_url())

    assert len(_heavy_queries(captured)) == 2
    assert "zodra ze 0 seconden oud zijn" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_figures_past_their_age_are_shown_at_once_and_counted_again_in_the_background(
    client, coordinator, region, settings, monkeypatch
):
    """An accepted match does not advance the data version: once the figures are
    INSIGHTS_CACHE_SECONDS old, the next page still shows them without counting (no heavy
    query while the coordinator waits) and a thread counts them again, which the page after
    shows."""
    import threading
    import time

    from apps.core import data_version
    from apps.organisations.models import Organisation
    from tests.insights.conftest import accept

    settings.INSIGHTS_CACHE_SECONDS = 60
    sign_in(client, coordinator)
    before = client.get(hub_url()).context["totals"]
    s1 = Organisation.objects.get(province__code="NL-ZH", kind__slug="hbo", capacity=3)
    accept(region.c4, s1, days=1)  # s1's remaining capacity 2 -> 1; no watched table
    within_age = client.get(hub_url()).context["totals"]
    later = time.time() + 61
    monkeypatch.setattr(data_version, "_clock", lambda: later)

    with CaptureQueriesContext(connection) as shown_while_counting:
        past_age = client.get(hub_url()).context["totals"]
    refreshing = [t for t in threading.enumerate() if t.name == data_version.REFRESH_THREAD_NAME]
    for thread in refreshing:
        thread.join(timeout=60)
    with CaptureQueriesContext(connection) as after_counting:
        counted = client.get(hub_url()).context["totals"]

    assert within_age == before
    assert past_age == before
    assert _heavy_queries(shown_while_counting) == []
    # No assertion that the thread was still alive to be joined: it may already have ended;
    # the figures the next page shows without counting are what prove it ran.
    assert counted.supply == before.supply - 1
    assert _heavy_queries(after_counting) == []


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_counts_every_scopes_figures_before_anyone_asks(
    client, coordinator, region, settings
):
    """gunicorn's post_worker_init counts the figures of the country and every hub in a
    thread, each scope once for all workers: a coordinator's first page then counts nothing
    while they wait."""
    import runpy
    import threading
    from pathlib import Path

    settings.INSIGHTS_CACHE_SECONDS = 60
    settings.SEARCH_BY_MEANING = False  # the model's warm-up: tests/semantics
    config = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))

    config["post_worker_init"](None)
    counting = [t for t in threading.enumerate() if t.name == "insights-count-all"]
    for thread in counting:
        thread.join(timeout=60)
    sign_in(client, coordinator)
    with CaptureQueriesContext(connection) as first_page:
        response = client.get(hub_url())

    # The thread may have ended before it was looked for; the first page counting nothing
    # and showing the right supply is what proves it ran.
    assert _heavy_queries(first_page) == []
    assert response.context["totals"].supply == 8  # the region's hand-counted supply
    assert shared_figures_count_all() == 0  # counted already: another worker does nothing


def test_figures_for_a_given_moment_are_never_shared(region):
    scope = scope_for_hub(Hub.objects.get(slug="zuid-holland"))
    Insights(scope).totals  # noqa: B018 (fills the shared figures)

    with CaptureQueriesContext(connection) as captured:
        Insights(scope, now=NOW).totals  # noqa: B018

    assert len(_heavy_queries(captured)) == 1  # the supply; the timing is not asked for


def test_supply_is_read_in_two_plain_queries_whatever_the_number_of_topics(region):
    scope = scope_for_hub(Hub.objects.get(slug="zuid-holland"))
    with CaptureQueriesContext(connection) as captured:
        supply = Insights(scope, now=NOW)._supply

    assert len(captured) == 4  # topics and provinces (reference data), remaining, topic links
    # One filtered count (a supplier's committed matches), not one filtered sum per topic.
    assert max(q["sql"].count("FILTER (WHERE") for q in captured) == 1
    assert supply["total"] == sum(v for k, v in supply.items() if k.startswith("province_"))
