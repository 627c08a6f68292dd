"""The write bodies' rules in the OpenAPI document agree with the page's forms, which still do
the judging: every body the document calls valid is one the form accepts (else a client, or
an outside contract tester, sends a valid request and is refused), and the bodies the form
refuses for a rule the document can state are invalid by the document too."""

import sys

import jsonschema_rs
import pytest

from apps.api.writes import WHITESPACE, stripped_at_least
from apps.challenges.forms import MAX_TOPICS, MIN_DESCRIPTION, ChallengeForm
from apps.communities.forms import JoinRequestForm
from apps.communities.permissions import PARTICIPANT_ROLES
from apps.matching.forms import IntroductionRequestForm
from apps.taxonomy.models import AITopic, Format, Province, Sector

pytestmark = pytest.mark.django_db

# Text at the edges of each rule: empty, whitespace only (in the kinds Python strips but the
# regex dialects disagree on), NUL, exactly long enough once stripped, one too short.
SPACES = ["", " ", "\t\n", "\x1c", "\x1f", "\x85", "\xa0", "\u3000", "\u2028", "\ufeff"]


def edge_texts(length: int) -> list[str]:
    texts = [*SPACES, "a", " a ", "a\x00", "\x00"]
    for pad in ("", " ", "\x1c", "\x85", "\u3000"):
        texts += [pad + "x" * length + pad, pad + "x" * (length - 1) + pad]
        texts += [pad + "x" + " " * (length - 2) + "y" + pad, pad + "x" + " " * (length - 3) + "y"]
    return texts


def document(client) -> dict:
    return client.get("/api/v1/openapi.json").json()["components"]["schemas"]


def property_validator(schema: dict, field: str):
    return jsonschema_rs.validator_for(schema["properties"][field])


def form_field_accepts(form_class, field: str, value: str) -> bool:
    from django.core.exceptions import ValidationError

    try:
        form_class.base_fields[field].clean(value)
    except ValidationError:
        return False
    return True


def test_the_whitespace_named_is_what_python_strips():
    pattern = jsonschema_rs.validator_for({"type": "string", "pattern": f"^[{WHITESPACE}]$"})
    # Every code point but the surrogates, which no JSON text decodes to on their own.
    characters = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    named = {c for c in characters if pattern.is_valid(c)}
    assert named == {c for c in characters if c.isspace()}


@pytest.mark.parametrize(
    "schema_name, field, form_class, at_least",
    [
        ("ChallengeCreate", "title", ChallengeForm, 1),
        ("ChallengeCreate", "description", ChallengeForm, MIN_DESCRIPTION),
        ("ChallengeCreate", "learning_goals", ChallengeForm, 0),
        ("ChallengeUpdate", "title", ChallengeForm, 1),
        ("ChallengeUpdate", "description", ChallengeForm, MIN_DESCRIPTION),
        ("IntroductionCreate", "message", IntroductionRequestForm, 0),
        ("JoinRequestCreate", "message", JoinRequestForm, 0),
    ],
)
def test_documented_text_rules_agree_with_the_form(
    client, schema_name, field, form_class, at_least
):
    validator = property_validator(document(client)[schema_name], field)
    max_length = form_class.base_fields[field].max_length
    texts = [*edge_texts(max(at_least, 3)), "x" * max_length, "x" * (max_length + 1)]
    for text in texts:
        valid_by_document = validator.is_valid(text)
        accepted_by_form = form_field_accepts(form_class, field, text)
        if valid_by_document:
            assert accepted_by_form, f"{field}: the document takes {text!r}, the form refuses it"
        elif accepted_by_form:
            # The document may be stricter only where it cannot say "after stripping": a
            # maximum counted on the text as sent.
            assert len(text) > max_length, f"{field}: the document refuses {text!r}"


def test_stripped_length_pattern_counts_what_the_form_counts():
    validator = jsonschema_rs.validator_for(
        {"type": "string", "pattern": stripped_at_least(MIN_DESCRIPTION)}
    )
    enough = "x" * MIN_DESCRIPTION
    assert validator.is_valid(enough)
    assert validator.is_valid(" \x1c" + enough + "\u3000")
    assert not validator.is_valid(" \x1c" + enough[1:] + "\u3000")
    assert not validator.is_valid(enough[:-1] + "\x00")


def array_branch(field: dict) -> dict:
    return next(branch for branch in field.get("anyOf", [field]) if branch.get("type") == "array")


def test_the_document_lists_the_reference_data_a_body_may_name(client):
    """Current rows, read when the document is built; a slug outside them is refused by the
    form (422), so a client can check before sending."""
    schemas = document(client)
    for name in ("ChallengeCreate", "ChallengeUpdate"):
        properties = schemas[name]["properties"]
        items = {
            field: array_branch(properties[field]) for field in ("topics", "sectors", "formats")
        }
        assert items["topics"]["items"]["enum"] == sorted(
            AITopic.objects.values_list("slug", flat=True)
        )
        assert items["topics"]["maxItems"] == MAX_TOPICS
        assert items["sectors"]["items"]["enum"] == sorted(
            Sector.objects.values_list("slug", flat=True)
        )
        assert items["formats"]["items"]["enum"] == sorted(
            Format.objects.values_list("slug", flat=True)
        )
        province = next(
            branch for branch in properties["province"]["anyOf"] if branch.get("type") == "string"
        )
        assert province["enum"] == sorted(Province.objects.values_list("code", flat=True))
        assert "x-reference" not in str(properties)
    role = schemas["JoinRequestCreate"]["properties"]["role"]
    listed = next(branch["enum"] for branch in role["anyOf"] if "enum" in branch)
    assert sorted(listed) == sorted(role.value for role in PARTICIPANT_ROLES)
