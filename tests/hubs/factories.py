from apps.hubs.models import Hub, HubCoordinator


def hub(slug: str = "zuid-holland") -> Hub:
    """Hubs are reference data seeded by migration; tests use the real ones."""
    return Hub.objects.get(slug=slug)


def make_coordinator(user, hub_slug: str = "zuid-holland"):
    HubCoordinator.objects.create(hub=hub(hub_slug), user=user)
    return user
