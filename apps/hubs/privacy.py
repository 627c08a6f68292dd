"""Personal data in hubs: which hubs a person coordinates (see `apps.accounts.privacy`)."""

from typing import Any

from .models import HubCoordinator


def personal_data(user) -> dict[str, Any]:
    links = HubCoordinator.objects.filter(user=user).select_related("hub").order_by("hub__name")
    return {
        "coordinates_hubs": [
            {"hub": link.hub.name, "hub_slug": link.hub.slug, "since": link.since.isoformat()}
            for link in links
        ]
    }


def anonymise(user) -> None:
    HubCoordinator.objects.filter(user=user).delete()
