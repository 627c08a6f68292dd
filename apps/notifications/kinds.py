"""What a person can be notified about. Each kind has its own preference (immediately, weekly
digest, off) and its own unsubscribe link, so the list is the contract between the apps that
notify and the notifications app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    CHALLENGE_SUBMITTED = "challenge-submitted", _("a challenge was submitted for review")
    CHALLENGE_PUBLISHED = "challenge-published", _("your challenge was published")
    CHALLENGE_REJECTED = "challenge-rejected", _("your challenge was not published")
    NEW_MATCHES = "new-matches", _("new matched partners for your challenge")
    INTRODUCTION_REQUESTED = "introduction-requested", _("an introduction was requested")
    INTRODUCTION_DECIDED = "introduction-decided", _("answer to your introduction request")
    INTEREST_EXPRESSED = "interest-expressed", _("someone is interested in your challenge")
    ORGANISATION_JOIN_REQUEST = (
        "organisation-join-request",
        _("someone asks to join your organisation"),
    )
    ORGANISATION_JOIN_DECISION = (
        "organisation-join-decision",
        _("decision on your request to join an organisation"),
    )
    ORGANISATION_TO_VERIFY = (
        "organisation-to-verify",
        _("a new organisation in your region waits for verification"),
    )
    ORGANISATION_VERIFIED = "organisation-verified", _("your organisation was verified")
    COMMUNITY_JOIN_REQUEST = "community-join-request", _("someone asks to join your community")
    COMMUNITY_JOIN_DECISION = (
        "community-join-decision",
        _("decision on your request to join a community"),
    )
    COMMUNITY_ACTIVITY = "community-activity", _("new activity in your community")
    COMMUNITY_UPDATE = "community-update", _("new update in your community")
    COMMUNITY_INVITATION = "community-invitation", _("you are invited to a community")
    CHALLENGE_STALE = "challenge-stale", _("a challenge has been waiting long for a community")
