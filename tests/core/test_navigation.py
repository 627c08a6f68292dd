import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_on_my_overview_only_that_link_is_marked_current(client, member):
    client.force_login(member)
    page = client.get(reverse("portal:dashboard")).text
    assert re.search(rf'href="{reverse("portal:dashboard")}" aria-current="page"', page)
    # The profile link in the header is another destination, not the same section.
    assert not re.search(rf'href="{reverse("accounts:profile")}"[^>]*aria-current', page)
