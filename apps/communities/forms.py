from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from .models import Activity, LearningCommunity, LearningRecord
from .permissions import PARTICIPANT_ROLES

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class JoinRequestForm(forms.Form):
    role = forms.ChoiceField(
        label=_("I would take part as"),
        choices=[(role.value, role.label) for role in PARTICIPANT_ROLES],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the role you would take part in.")},
    )
    message = forms.CharField(
        label=_("Message to the coordinators"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Optional: what you would bring and what you would like to learn."),
    )


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_INPUT_FORMAT)


class ActivityForm(forms.ModelForm):
    """Times are entered in the site's time zone (Europe/Amsterdam)."""

    starts_at = forms.DateTimeField(
        label=_("Starts"),
        input_formats=[DATETIME_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
    )
    ends_at = forms.DateTimeField(
        label=_("Ends"),
        input_formats=[DATETIME_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=DateTimeLocalInput(),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("For an online or hybrid activity: the link to the video meeting."),
    )

    class Meta:
        model = Activity
        fields = ("kind", "title", "description", "starts_at", "ends_at", "location", "online_url")
        labels = {
            "kind": _("Kind of activity"),
            "title": _("Title"),
            "description": _("Description"),
            "location": _("Place"),
        }
        help_texts = {
            "location": _("Address or room. Give a place, an online link, or both."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class UpdateForm(forms.Form):
    body = forms.CharField(
        label=_("Your update"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Markdown works: **bold**, *italic*, lists with -, links as [text](https://…). "
            "HTML is shown as text."
        ),
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Write something first."), code="required")
        return body


class LearningRecordForm(forms.ModelForm):
    class Meta:
        model = LearningRecord
        fields = ("text",)
        labels = {"text": _("What I learned and how I use it at work")}
        help_texts = {
            "text": _(
                "For example: a method you now use, a decision you take differently, or "
                "something you taught colleagues. At most 3000 characters."
            )
        }
        widgets = {"text": forms.Textarea(attrs={"rows": 8, "maxlength": "3000"})}


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=[])

    def __init__(self, *args, allowed: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = allowed


def _max_length(name: str) -> int:
    return LearningCommunity._meta.get_field(name).max_length


class CommunityFromChallengeForm(forms.Form):
    """The admin's "Form a community" page; prefilled from the challenge
    (`initial_for_challenge`)."""

    name = forms.CharField(
        label=_("Name of the community"),
        max_length=_max_length("name"),
        help_text=_("Short and recognisable; participants see it in their overview."),
    )
    goal = forms.CharField(
        label=_("Goal"),
        max_length=_max_length("goal"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the community works towards, in plain words."),
    )
    learning_objectives = forms.CharField(
        label=_("Learning objectives"),
        required=False,
        max_length=_max_length("learning_objectives"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Who wants to learn what along the way (taken from the challenge)."),
    )
    # Chosen by the coordinator, never pre-selected (issue 12: a members-only default went
    # unnoticed); the help text says who may see the challenge, and that invited people
    # always see the community they are invited to.
    is_public = forms.TypedChoiceField(
        label=_("Who can see the community page?"),
        choices=[
            ("yes", _("Everyone (public)")),
            ("no", _("Only its members and the hub (members-only)")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose who can see the community page.")},
    )

    def __init__(self, *args, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        if challenge is not None:
            self.fields["is_public"].help_text = _(
                "The challenge can be read by: %(audience)s. The people invited can always "
                "see the community, whichever you choose."
            ) % {"audience": challenge.get_visibility_display()}

    @staticmethod
    def initial_for_challenge(challenge) -> dict:
        return {
            "name": challenge.title[: _max_length("name")],
            "goal": challenge.description[: _max_length("goal")],
            "learning_objectives": challenge.learning_goals[: _max_length("learning_objectives")],
        }
