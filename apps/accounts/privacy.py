"""Personal data: what the platform holds about a person, and removing it.

Each app that stores personal data has a `privacy` module with two functions:

- `personal_data(user) -> dict`: what the app holds about or by the user, JSON-serialisable;
- `anonymise(user) -> None`: remove the user's personal data and keep their contributions
  with the author cleared. It runs inside the account-deletion transaction, before the user
  row is deleted.

`privacy_modules` finds those modules for every installed `apps.*` app, so a new app only
has to add the module. This module is the accounts app's own as well.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.apps import apps
from django.utils import timezone

from .selectors import user_linked_sign_ins


def privacy_modules() -> list[tuple[str, ModuleType]]:
    """`(app label, module)` for every installed `apps.*` app with a `privacy` module, in
    INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("apps."):
            continue
        module_name = f"{config.name}.privacy"
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise  # the module exists but imports something missing: a real bug
            continue
        found.append((config.label, module))
    return found


def personal_data_export(user) -> dict[str, Any]:
    """Everything every app holds about `user`, by app label."""
    return {
        "exported_at": timezone.now().isoformat(),
        "apps": {label: module.personal_data(user) for label, module in privacy_modules()},
    }


def anonymise_everywhere(user) -> None:
    """Every app's `anonymise`; call it inside the transaction that deletes the user."""
    for _label, module in privacy_modules():
        module.anonymise(user)


# --- The accounts app's own data --------------------------------------------------------------


def personal_data(user) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "province": user.province.code if user.province_id else None,
        "expertise_topics": sorted(user.expertise_topics.values_list("slug", flat=True)),
        "about_me": user.bio,
        "what_i_can_offer": user.offer,
        "preferred_language": user.preferred_language,
        "email_visibility": user.email_visibility,
        "profile_visibility": user.profile_visibility,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "linked_sign_ins": [
            {
                "provider": linked.provider_name,
                "identifier": linked.identifier,
                "email": linked.email,
                "claims": linked.claims,
                "linked_at": linked.linked_at.isoformat(),
                "last_used_at": linked.last_used_at.isoformat(),
            }
            for linked in user_linked_sign_ins(user=user)
        ],
    }


def anonymise(user) -> None:
    """The profile lives on the user row, which is deleted right after; the email addresses
    and the linked sign-ins (SURFconext, with any token rows) allauth keeps go explicitly
    rather than by relying on the cascade."""
    EmailAddress.objects.filter(user=user).delete()
    SocialAccount.objects.filter(user=user).delete()
