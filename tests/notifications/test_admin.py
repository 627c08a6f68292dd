import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory
from tests.mfa_helpers import login_with_second_factor
from tests.notifications.factories import NotificationFactory, NotificationPreferenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.parametrize(
    ("model", "factory"),
    [
        ("notification", NotificationFactory),
        ("notificationpreference", NotificationPreferenceFactory),
    ],
)
def test_notifications_and_preferences_are_read_only_in_the_admin(
    client, superuser, model, factory
):
    row = factory()
    login_with_second_factor(client, superuser)

    assert client.get(reverse(f"admin:notifications_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:notifications_{model}_add")).status_code == 403
    change_url = reverse(f"admin:notifications_{model}_change", args=[row.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    before = type(row).objects.values().get(pk=row.pk)
    client.post(change_url, {"title": "Changed", "frequency": "off"})
    assert type(row).objects.values().get(pk=row.pk) == before
