"""Updates: Markdown shown safely, members told, authors and coordinators may delete."""

import re

import pytest
from django.urls import reverse

from apps.communities.markdown import render_markdown
from apps.communities.models import Update
from apps.notifications.kinds import NotificationKind
from apps.notifications.models import Notification
from tests.communities.factories import CommunityMembershipFactory, UpdateFactory

pytestmark = pytest.mark.django_db


def post_url(community):
    return reverse("communities:update_create", args=[community.slug])


# --- Markdown ---------------------------------------------------------------------------------


def test_markdown_formats_text():
    html = render_markdown("Wij **leren** samen.\n\n- planning\n- data")
    assert "<strong>leren</strong>" in html
    assert "<ul>" in html and "<li>planning</li>" in html


def test_script_tags_are_shown_as_text_not_run():
    html = render_markdown("Hallo <script>alert('x')</script>")
    assert "<script" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize(
    "source",
    [
        "[klik](javascript:alert(1))",
        "[klik](JaVaScRiPt:alert(1))",
        "[klik](  javascript:alert(1))",
        '<a href="javascript:alert(1)">klik</a>',
        "![plaatje](javascript:alert(1))",
    ],
)
def test_javascript_links_lose_their_target(source):
    html = render_markdown(source)
    tags = re.findall(r"<a\b[^>]*>", html)
    assert not any("javascript" in tag.lower() for tag in tags), tags
    assert "klik" in html or "plaatje" in html  # the reader still sees the link text


def test_event_handler_attributes_never_survive():
    html = render_markdown('<img src="x" onerror="alert(1)">\n\n<b onclick="x()">vet</b>')
    assert "<img" not in html
    assert "<b " not in html
    # What is left is escaped text, not markup.
    assert "&lt;img" in html
    assert "&lt;b onclick" in html


def test_links_get_nofollow_noopener():
    html = render_markdown("[site](https://example.nl)")
    assert 'href="https://example.nl"' in html
    assert 'rel="nofollow noopener noreferrer"' in html


def test_images_become_links_so_remote_hosts_cannot_track_readers():
    html = render_markdown("![grafiek](https://tracker.example/pixel.png)")
    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png"' in html
    assert ">grafiek</a>" in html


def test_headings_stay_below_the_page_headings():
    html = render_markdown("# Groot\n\n## Kleiner")
    assert "<h1" not in html and "<h2" not in html
    assert "<h4>Groot</h4>" in html and "<h5>Kleiner</h5>" in html


# --- Posting ----------------------------------------------------------------------------------


def test_member_posts_an_update_and_the_other_members_are_told(client, member, community):
    other = CommunityMembershipFactory(community=community).user
    client.force_login(member)

    response = client.post(post_url(community), {"body": "Eerste **resultaten** binnen!"})

    update = Update.objects.get(community=community)
    assert response.status_code == 302
    assert update.author == member
    notices = Notification.objects.filter(kind=NotificationKind.COMMUNITY_UPDATE)
    assert list(notices.values_list("recipient", flat=True)) == [other.pk]
    page = client.get(community.get_absolute_url())
    assert "Eerste <strong>resultaten</strong> binnen!" in page.text


def test_double_submit_posts_one_update(client, member, community):
    client.force_login(member)
    client.post(post_url(community), {"body": "Zelfde tekst"})
    client.post(post_url(community), {"body": "Zelfde tekst"})
    assert Update.objects.count() == 1


def test_hostile_update_is_rendered_harmless_on_the_page(client, member, community):
    client.force_login(member)
    body = '<script>alert("x")</script> [klik](javascript:alert(1)) <img src=x onerror=alert(1)>'
    client.post(post_url(community), {"body": body})

    page = client.get(community.get_absolute_url()).text

    assert '<script>alert("x")' not in page
    assert 'href="javascript:' not in page
    assert "<img src=x onerror" not in page


def test_update_longer_than_10000_characters_is_refused(client, member, community):
    client.force_login(member)
    response = client.post(post_url(community), {"body": "a" * 10001})
    assert response.context["form"].has_error("body")
    assert not Update.objects.exists()


def test_blank_update_is_refused(client, member, community):
    client.force_login(member)
    response = client.post(post_url(community), {"body": "   "})
    assert response.context["form"].has_error("body")
    assert not Update.objects.exists()


def test_coordinator_deletes_any_update(client, coordinator, community):
    update = UpdateFactory(community=community)
    client.force_login(coordinator)
    client.post(reverse("communities:update_delete", args=[community.slug, update.pk]))
    assert not Update.objects.exists()
