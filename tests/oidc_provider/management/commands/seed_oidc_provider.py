"""Creates or updates the test provider's users and clients from a JSON document:

    {"users": [{"username", "password", "email", "first_name", "last_name"}],
     "clients": [{"name", "client_id", "client_secret"}],
     "redirect_uris": ["http://testserver/accounts/oidc/surfconext/login/callback/"]}

Every client gets all the redirect URIs given so far (a later call adds the live server's).
"""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from oauth2_provider.models import get_application_model


class Command(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("document")

    def handle(self, *args, document, **options):
        data = json.loads(document)
        User = get_user_model()
        for person in data.get("users", []):
            user, _ = User.objects.update_or_create(
                username=person["username"],
                defaults={
                    "email": person["email"],
                    "first_name": person.get("first_name", ""),
                    "last_name": person.get("last_name", ""),
                },
            )
            user.set_password(person["password"])
            user.save()
        Application = get_application_model()
        for client in data.get("clients", []):
            if not Application.objects.filter(client_id=client["client_id"]).exists():
                Application.objects.create(
                    name=client["name"],
                    client_id=client["client_id"],
                    client_secret=client["client_secret"],
                    client_type=Application.CLIENT_CONFIDENTIAL,
                    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
                    algorithm=Application.RS256_ALGORITHM,
                    skip_authorization=True,
                    redirect_uris="",
                )
        added = data.get("redirect_uris", [])
        for application in Application.objects.all():
            uris = application.redirect_uris.split()
            uris += [uri for uri in added if uri not in uris]
            application.redirect_uris = " ".join(uris)
            application.save(update_fields=["redirect_uris"])
