from django import forms
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import TopicGroup, TopicsField, grouped_topic_options
from apps.semantics.forms import suggesting_textarea_attrs
from apps.taxonomy.models import Format, OrganisationKind, Province, Sector

from .models import Organisation
from .services import supplier_profile_problems

MAX_CAPACITY = 100


class OrganisationForm(forms.ModelForm):
    """An organisation's profile, for creating one and for its administrators to edit.

    The supply fields (formats, capacity, nationwide) only count for education and
    innovation partners; for other kinds they are ignored.
    """

    kind = forms.ModelChoiceField(
        label=_("Kind of organisation"),
        queryset=OrganisationKind.objects.order_by("position", "slug"),
        empty_label=_("Choose…"),
    )
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.order_by("name_nl"),
        empty_label=_("Choose…"),
        help_text=_("Where the organisation is based."),
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Not part of another organisation"),
        help_text=_("For example the hogeschool a lectoraat belongs to."),
    )
    topics = TopicsField(
        label=_("AI topics"),
        help_text=_(
            "What you know about (education and labs) or want to learn about (companies and "
            "public organisations)."
        ),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    formats = forms.ModelMultipleChoiceField(
        label=_("Ways of working together you offer"),
        queryset=Format.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=0,
        max_value=MAX_CAPACITY,
        initial=1,
        required=False,
        help_text=_("How many challenges you can take on at the same time."),
    )

    class Meta:
        model = Organisation
        fields = (
            "name",
            "kind",
            "province",
            "website",
            "description",
            "parent",
            "topics",
            "sectors",
            "formats",
            "capacity",
            "serves_nationally",
        )
        labels = {
            "name": _("Name"),
            "website": _("Website"),
            "description": _("About the organisation"),
            "serves_nationally": _("We work with organisations in the whole country"),
        }
        help_texts = {
            "website": _("The full address, starting with https://"),
            "description": _("What you do, in a few sentences, without jargon."),
        }
        widgets = {
            "description": forms.Textarea(
                attrs=suggesting_textarea_attrs(rows=5, source="organisation")
            )
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "province", "parent", "sectors", "formats"):
            self.fields[name].label_from_instance = _name_of
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        parents = Organisation.objects.visible_to(user).active().order_by("name", "pk")
        if self.instance.pk:
            parents = parents.exclude(pk__in=_self_and_descendants(self.instance))
        self.fields["parent"].queryset = parents.select_related("province")
        self.fields["parent"].label_from_instance = lambda organisation: (
            f"{organisation.name} ({organisation.province.name})"
        )

    @property
    def topic_groups(self) -> list[TopicGroup]:
        return grouped_topic_options(self["topics"])

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the organisation's name."))
        return name

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        problems = supplier_profile_problems(
            is_supplier=kind is not None and kind.role == OrganisationKind.Role.SUPPLY,
            has_topics=bool(cleaned.get("topics")),
            capacity=cleaned.get("capacity"),
        )
        for field, problem in problems.items():
            self.add_error(field, problem)
        return cleaned

    def _post_clean(self):
        # Capacity left empty by a company is stored as the model's default.
        if self.cleaned_data.get("capacity") is None:
            self.cleaned_data["capacity"] = 0
        super()._post_clean()

    def profile_values(self) -> dict:
        """The cleaned fields as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def _name_of(item) -> str:
    return item.name


def _self_and_descendants(organisation: Organisation) -> set[int]:
    """The organisation and everything below it: none of them can become its parent."""
    found = {organisation.pk}
    frontier = {organisation.pk}
    while frontier:
        frontier = set(
            Organisation.objects.filter(parent__in=frontier)
            .exclude(pk__in=found)
            .values_list("pk", flat=True)
        )
        found |= frontier
    return found
