"""The guided challenge form, written for people who do not speak AI: plain questions, every AI
topic explained in one sentence, and the choices that matter for publishing explained."""

import uuid

from django import forms
from django.db.models import Prefetch
from django.urls import reverse_lazy
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.semantics.forms import suggesting_textarea_attrs
from apps.taxonomy.models import AITopic, Format, Province, Sector

from .models import Challenge, ChallengeInterest, Visibility

MAX_TOPICS = 8
MIN_DESCRIPTION = 30

VISIBILITY_EXPLAINED = [
    (Visibility.PUBLIC, _("Everyone: also visitors who are not signed in")),
    (Visibility.MEMBERS, _("Only people who are signed in to the platform")),
    (
        Visibility.HUB,
        _("Only organisations in the region of your AI hub, and the hub itself"),
    ),
]


class TopicChoiceField(forms.ModelMultipleChoiceField):
    """AI topics; a group stands for "anything in this group"."""

    def __init__(self, **kwargs):
        super().__init__(queryset=AITopic.objects.all(), **kwargs)


class ChallengeForm(forms.Form):
    """Used for a new challenge (with `organisations` to choose from) and to edit one (the
    organisation is fixed then). The button pressed decides between saving a draft and
    submitting; submitting asks for at least one AI topic, a draft does not."""

    ACTION_DRAFT = "draft"
    ACTION_SUBMIT = "submit"
    ACTION_SAVE = "save"
    # Without JavaScript: "suggest topics" shows the suggestions without saving anything.
    ACTION_SUGGEST = "suggest"

    organisation = forms.ModelChoiceField(
        queryset=None,
        label=_("For which organisation?"),
        empty_label=None,
    )
    title = forms.CharField(
        label=_("A short title"),
        max_length=Challenge._meta.get_field("title").max_length,
        help_text=_("For example: “Plan our delivery routes better”."),
    )
    description = forms.CharField(
        label=_("What is the problem and what do you want to achieve?"),
        min_length=MIN_DESCRIPTION,
        max_length=Challenge._meta.get_field("description").max_length,
        help_text=_(
            "Describe it in your own words, as you would to a colleague; no AI jargon needed. "
            "What goes wrong or takes too much time now, and what would be better?"
        ),
        # While typing (htmx, debounced), the topic picker is swapped for one with the topics
        # that fit marked; without JavaScript the "suggest topics" button does the same.
        widget=forms.Textarea(
            attrs=suggesting_textarea_attrs(
                rows=8, url=reverse_lazy("challenges:suggest_topics"), target="#topic-picker"
            )
        ),
        error_messages={
            "min_length": _(
                "Tell a bit more, at least %(limit_value)d characters (now %(show_value)d)."
            )
        },
    )
    learning_goals = forms.CharField(
        label=_("Who in your organisation wants to learn what?"),
        required=False,
        max_length=Challenge._meta.get_field("learning_goals").max_length,
        help_text=_(
            "For example: “Our planners want to learn to work with a planning tool; our IT "
            "colleague wants to learn how to keep it running.”"
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    topics = TopicChoiceField(
        label=_("Which AI topics could help?"),
        required=False,
        # Formatted when shown, not at import: in the reader's language.
        help_text=lazy(
            lambda: (
                gettext(
                    "Not sure? Choose “anything in this group” for the group that sounds "
                    "closest. Choose at most %(count)d."
                )
                % {"count": MAX_TOPICS}
            ),
            str,
        )(),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Which sectors does it concern?"),
        queryset=Sector.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.ModelMultipleChoiceField(
        label=_("How would you like to work together?"),
        queryset=Format.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked if you are open to suggestions."),
    )
    time_frame = forms.ChoiceField(
        label=_("When would you like to start?"),
        choices=Challenge.TimeFrame.choices,
        initial=Challenge.TimeFrame.FLEXIBLE,
    )
    visibility = forms.ChoiceField(
        label=_("Who may see the challenge once the hub has published it?"),
        choices=VISIBILITY_EXPLAINED,
        initial=Visibility.PUBLIC,
        widget=forms.RadioSelect,
        help_text=_(
            "Until then only your organisation and the AI hub of your region can see it. "
            "Anyone who can see it can show interest."
        ),
    )
    province = forms.ModelChoiceField(
        label=_("In which province does it take place?"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("The province of the organisation"),
        help_text=_("The AI hub of this province reviews it and looks for partners nearby."),
    )
    creation_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        instance: Challenge | None = None,
        organisations=None,
        action: str = "",
        chosen_organisation: str = "",
        **kwargs,
    ):
        if instance is not None:
            kwargs["initial"] = {
                "title": instance.title,
                "description": instance.description,
                "learning_goals": instance.learning_goals,
                "topics": [topic.pk for topic in instance.topics.all()],
                "sectors": [sector.pk for sector in instance.sectors.all()],
                "formats": [format_.pk for format_ in instance.formats.all()],
                "time_frame": instance.time_frame,
                "visibility": instance.visibility,
                "province": instance.province_id,
                **kwargs.get("initial", {}),
            }
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.action = action
        # Topic suggestions for the description (`show_suggestions`), and the topics ticked
        # for someone who chose none.
        self.suggestions: list = []
        self.preselected: set[str] = set()
        if instance is not None:
            # The organisation of an existing challenge does not change; nor is it re-created.
            del self.fields["organisation"]
            del self.fields["creation_token"]
        else:
            self.fields["organisation"].queryset = organisations
            choices = list(organisations)
            chosen = [o for o in choices if o.slug == chosen_organisation]
            if len(choices) == 1 or chosen:
                self.fields["organisation"].initial = (chosen or choices)[0].pk
            if not self.is_bound:
                self.initial.setdefault("creation_token", uuid.uuid4())

    @property
    def submitting(self) -> bool:
        return self.action == self.ACTION_SUBMIT

    def topic_groups(self) -> list[AITopic]:
        """The groups with their leaves (`.leaves`), in taxonomy order, for the picker."""
        return list(
            AITopic.objects.groups().prefetch_related(
                Prefetch(
                    "children",
                    queryset=AITopic.objects.order_by("position", "slug"),
                    to_attr="leaves",
                )
            )
        )

    def selected_topic_ids(self) -> set[str]:
        chosen = {str(value) for value in (self["topics"].value() or [])}
        return chosen or self.preselected

    def text_to_understand(self) -> str:
        """What the suggestions read: the title, the problem and the learning goals."""
        values = (self[name].value() or "" for name in ("title", "description", "learning_goals"))
        return "\n".join(value.strip() for value in values if value and value.strip())

    def show_suggestions(self, suggestions, *, preselect) -> None:
        """`suggestions` (`apps.semantics.services.ShownSuggestion`, best first) shown beside
        their topics; the topics in `preselect` ticked when the person chose none."""
        self.suggestions = list(suggestions)
        self.preselected = {str(topic.pk) for topic in preselect}

    def suggested_topic_ids(self) -> set[str]:
        """The first three suggestions, marked in the picker."""
        return {str(item.topic.pk) for item in self.suggestions[:3]}

    def clean_topics(self):
        topics = self.cleaned_data["topics"]
        if len(topics) > MAX_TOPICS:
            raise forms.ValidationError(
                _("Choose at most %(count)d AI topics; a group covers all of its topics."),
                code="too_many",
                params={"count": MAX_TOPICS},
            )
        if self.submitting and not topics:
            # Not a refusal: the view ticks the topics that fit the description, and the
            # person checks them and submits again.
            raise forms.ValidationError(
                _(
                    "We ticked the AI topics that seem to fit your description. Check them, "
                    "change them if you like, and submit again."
                ),
                code="suggested",
            )
        return topics

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("province"):
            organisation = cleaned.get("organisation") or (
                self.instance.organisation if self.instance else None
            )
            if organisation is not None:
                cleaned["province"] = organisation.province
        return cleaned

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "learning_goals": data["learning_goals"],
            "province": data["province"],
            "topics": data["topics"],
            "sectors": data["sectors"],
            "formats": data["formats"],
            "time_frame": data["time_frame"],
            "visibility": data["visibility"],
        }


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the organisation (optional)"),
        required=False,
        max_length=ChallengeInterest._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What could you or your students contribute? The organisation sees your name, "
            "your email address and this message."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
