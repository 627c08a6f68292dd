from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "apps.communities"
    verbose_name = _("Communities")

    def ready(self) -> None:
        from apps.semantics.embeddings import embedded_text_register

        from .meaning import EMBEDDED_COMMUNITY

        embedded_text_register(EMBEDDED_COMMUNITY)

        from django.db.models import Q

        from apps.matching.selectors import capacity_held_while_in_community

        from .models import CommunityStatus

        # A partner accepted for a challenge stays committed while its community is forming
        # or active (PRODUCT.md section 5); matching counts capacity with this.
        capacity_held_while_in_community(
            Q(challenge__communities__status__in=[CommunityStatus.FORMING, CommunityStatus.ACTIVE])
        )
