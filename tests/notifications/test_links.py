"""Links in notices and emails (apps/notifications/links.py)."""


def test_a_notice_link_is_built_once_for_every_app_in_the_default_language_s_paths():
    from django.utils import translation

    from apps.notifications.links import notice_path

    with translation.override("en"):  # a person acting in English writes the notice
        assert notice_path("challenges:status", pk=5) == "/challenges/5/status/"
        assert notice_path("organisations:members", "korenbloem") == (
            "/organisations/korenbloem/members/"
        )
        assert notice_path("communities:detail", fragment="activity-3", slug="brood") == (
            "/communities/brood/#activity-3"
        )
