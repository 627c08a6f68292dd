"""Knowledge items added in the admin: the upload is checked like one from a community."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.knowledge.models import KnowledgeItem
from tests.accounts.factories import UserFactory
from tests.mfa_helpers import login_with_second_factor

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:knowledge_knowledgeitem_add")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_item(client, upload):
    return client.post(
        ADD_URL,
        {
            "title": "Verslag",
            "slug": "verslag",
            "kind": KnowledgeItem.Kind.CASE,
            "summary": "Wat we leerden.",
            "licence": KnowledgeItem.Licence.CC_BY,
            "visibility": "public",
            **({"file": upload} if upload else {}),
        },
    )


def test_admin_stores_a_checked_upload_under_a_safe_name(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))

    response = post_item(
        client, SimpleUploadedFile("Ons verslag (definitief).PDF", b"%PDF-1.4\n%verslag\n")
    )

    assert response.status_code == 302, response.content
    item = KnowledgeItem.objects.get(slug="verslag")
    assert item.file.name.endswith("/ons-verslag-definitief.pdf")


def test_admin_refuses_a_file_whose_content_is_not_what_its_name_says(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))

    response = post_item(client, SimpleUploadedFile("verslag.pdf", b"<html><script></script>"))

    assert response.status_code == 200
    assert not KnowledgeItem.objects.exists()
    assert "file" in response.context["adminform"].form.errors


def test_admin_refuses_an_item_without_a_file_or_a_link(client):
    login_with_second_factor(client, UserFactory(is_staff=True, is_superuser=True))

    response = post_item(client, b"")

    assert response.status_code == 200
    assert not KnowledgeItem.objects.exists()
    assert [
        error.code for error in response.context["adminform"].form.errors.as_data()["file"]
    ] == ["file_or_link_required"]


def test_an_item_added_in_the_admin_is_shared_through_the_service_once(client):
    """Made by the service (its author, the double-submit guard): the same title by the same
    author posted twice is one item."""
    curator = UserFactory(is_staff=True, is_superuser=True)
    login_with_second_factor(client, curator)
    pdf = b"%PDF-1.4\n%verslag\n"

    first = post_item(client, SimpleUploadedFile("verslag.pdf", pdf))
    second = post_item(client, SimpleUploadedFile("verslag.pdf", pdf))

    assert first.status_code == 302
    assert second.status_code in (200, 302)  # the slug taken, or the first item again
    item = KnowledgeItem.objects.get()
    assert item.author == curator
