import pytest
from django.urls import reverse

from apps.audit.models import AuditAction, AuditEvent
from apps.audit.services import audit_record
from tests.challenges.factories import ChallengeFactory

pytestmark = pytest.mark.django_db


def test_a_record_names_actor_object_region_and_change(coordinator):
    challenge = ChallengeFactory(title="Broodvraag voorspellen")
    event = audit_record(
        actor=coordinator,
        action=AuditAction.CHALLENGE_PUBLISHED,
        target=challenge,
        before={"status": "submitted"},
        after={"status": "published"},
    )
    assert event.actor_label == coordinator.email
    assert (event.object_type, event.object_id) == ("challenges.Challenge", str(challenge.pk))
    assert event.object_label == "Broodvraag voorspellen"
    assert event.province_id == challenge.province_id
    assert (event.before, event.after) == ({"status": "submitted"}, {"status": "published"})


def test_the_record_outlives_the_actor(coordinator):
    event = audit_record(
        actor=coordinator, action=AuditAction.CHALLENGE_CLOSED, target=ChallengeFactory()
    )
    email = coordinator.email
    coordinator.delete()
    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == email


def test_an_unknown_action_is_refused(coordinator):
    with pytest.raises(ValueError):
        audit_record(actor=coordinator, action="made-up", target=ChallengeFactory())


def test_the_admin_shows_the_trail_read_only(admin_client):
    event = audit_record(actor=None, action=AuditAction.CHALLENGE_CLOSED, target=ChallengeFactory())
    change_url = reverse("admin:audit_auditevent_change", args=[event.pk])
    page = admin_client.get(change_url)
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    assert admin_client.post(change_url, {"action": "challenge-published"}).status_code == 403
    assert admin_client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete_url = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, action="challenge-closed").exists()
