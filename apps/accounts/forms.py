from dataclasses import dataclass, field

from allauth.account.adapter import get_adapter as get_account_adapter
from django import forms
from django.forms.boundfield import BoundField, BoundWidget
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.semantics.forms import suggesting_textarea_attrs
from apps.taxonomy.models import AITopic, Province

from .models import Audience, User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls `signup` after creating the user)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"].strip()
        user.preferred_language = (get_language() or "nl")[:2]
        user.save(update_fields=["full_name", "preferred_language"])


# --- AI topics as checkboxes grouped under their topic group ----------------------------------


class TopicCheckboxes(forms.CheckboxSelectMultiple):
    """Each checkbox points at the plain one-sentence explanation printed next to it."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        topic = getattr(value, "instance", None)
        if option["attrs"].get("id") and topic is not None and topic.description:
            option["attrs"]["aria-describedby"] = f"{option['attrs']['id']}_description"
        return option


class TopicsField(forms.ModelMultipleChoiceField):
    """AI topics, groups included: choosing a group means "anything in this group", which
    keeps the group slugs that imports and the admin may have stored."""

    widget = TopicCheckboxes

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(
            queryset=AITopic.objects.order_by("position", "slug"),
            **kwargs,
        )

    def label_from_instance(self, obj: AITopic) -> str:
        return obj.name


@dataclass
class TopicGroup:
    topic: AITopic
    option: BoundWidget | None = None
    options: list[BoundWidget] = field(default_factory=list)


def grouped_topic_options(bound_field: BoundField) -> list[TopicGroup]:
    """The checkboxes of a `TopicsField` grouped under their group, in taxonomy order (the
    choices are read once: `subwidgets` is cached)."""
    groups: dict[int, TopicGroup] = {}
    leaves: list[tuple[AITopic, BoundWidget]] = []
    for option in bound_field.subwidgets:
        topic = option.data["value"].instance
        if topic.parent_id is None:
            groups[topic.pk] = TopicGroup(topic=topic, option=option)
        else:
            leaves.append((topic, option))
    for topic, option in leaves:
        group = groups.get(topic.parent_id)
        if group is not None:
            group.options.append(option)
    return list(groups.values())


# --- Profile ----------------------------------------------------------------------------------


class ProfileForm(forms.ModelForm):
    expertise_topics = TopicsField(
        label=_("My expertise"),
        help_text=_("Pick the AI topics you know about; choose a whole group if it all fits."),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.order_by("name_nl"),
        required=False,
        empty_label=_("Not given"),
        help_text=_("Where you work; we use it to suggest challenges nearby."),
    )

    class Meta:
        model = User
        fields = (
            "full_name",
            "province",
            "expertise_topics",
            "offer",
            "bio",
            "preferred_language",
            "email_visibility",
            "profile_visibility",
        )
        labels = {
            "full_name": _("Full name"),
            "offer": _("What I can offer"),
            "bio": _("About me"),
            "preferred_language": _("Language"),
            "email_visibility": _("Who may see my email address"),
            "profile_visibility": _("Who may see my profile details"),
        }
        help_texts = {
            "full_name": _("Shown to signed-in members next to what you write."),
            "bio": _("Your work and background, in a few sentences."),
            "preferred_language": _("The language of the site and of the emails we send you."),
        }
        widgets = {
            "offer": forms.Textarea(attrs=suggesting_textarea_attrs(rows=4, source="profile")),
            "bio": forms.Textarea(attrs=suggesting_textarea_attrs(rows=4, source="profile")),
            "email_visibility": forms.RadioSelect,
            "profile_visibility": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        self.fields["province"].label_from_instance = lambda province: province.name
        for name in ("email_visibility", "profile_visibility"):
            self.fields[name].choices = Audience.choices

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your name."))
        return name

    @property
    def topic_groups(self) -> list[TopicGroup]:
        return grouped_topic_options(self["expertise_topics"])


# --- Account deletion -------------------------------------------------------------------------


class AccountDeleteForm(forms.Form):
    """Deleting is confirmed with the password; people without one (single sign-on) type
    their email address instead."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.EmailField(label=_("Your email address"), required=False, max_length=254)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            del self.fields["email"]
            self.fields["password"].required = True
        else:
            del self.fields["password"]
            self.fields["email"].required = True

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your current password."))
        return password

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if email.strip().lower() != self.user.email.lower():
            raise forms.ValidationError(_("This is not the email address of your account."))
        return email


# --- Linking a SURFconext sign-in to an existing account ----------------------------------------


class SocialLinkConfirmForm(forms.Form):
    """The password of the account that already has the address the sign-in brought: only its
    owner may link a SURFconext sign-in to it. Checked through allauth, so the failed-sign-in
    limits and delays of the login page apply here too."""

    password = forms.CharField(
        label=_("Password of your account on this platform"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, request, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.email = email
        self.user = None

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        user = get_account_adapter(self.request).authenticate(
            self.request, email=self.email, password=password
        )
        if user is None:
            raise forms.ValidationError(_("This is not the password of that account."))
        self.user = user
        return password
