"""The one way a POST action reports its outcome (apps/core/actions.py)."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from apps.core.actions import posted_action


def posted():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def shown(request) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def test_success_shows_the_sentence_worded_after_the_action_and_goes_on():
    request, done = posted(), []
    response = posted_action(
        request, lambda: done.append(1), done=lambda: f"done {len(done)}", then="/next/"
    )
    assert response.status_code == 302 and response["Location"] == "/next/"
    assert shown(request) == [("success", "done 1")]


def test_a_refusal_shows_the_service_s_words_and_may_lead_elsewhere_by_its_code():
    def refuse(code):
        def action():
            raise ValidationError("Not now.", code=code)

        return action

    request = posted()
    response = posted_action(request, refuse("later"), done="never", then="/back/")
    assert response["Location"] == "/back/"
    assert shown(request) == [("error", "Not now.")]

    request = posted()
    response = posted_action(
        request,
        refuse("topics_required"),
        done="never",
        then="/back/",
        refused_then={"topics_required": "/edit/"},
    )
    assert response["Location"] == "/edit/"
