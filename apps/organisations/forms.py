from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.accounts.forms import TopicGroup, TopicsField, grouped_topic_options
from apps.semantics.forms import suggesting_textarea_attrs
from apps.taxonomy.models import Format, OrganisationKind, Province, Sector

from .models import Organisation, validate_kvk_number
from .selectors import organisation_possible_parents, organisation_search_parents
from .services import (
    SUPPLY_ONLY_FIELDS,
    kvk_number_problem,
    normalise_kvk_number,
    supplier_profile_problems,
)

MAX_CAPACITY = 100
NO_PARENT = _("Not part of another organisation")


class OrganisationKindForm(forms.Form):
    """The first step of adding an organisation (or changing its kind): which kind it is,
    since the rest of the form follows from it. Sent with GET (`?kind=<slug>`)."""

    kind = forms.ChoiceField(label=_("What kind of organisation is it?"), widget=forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for kind in OrganisationKind.objects.order_by("position", "slug"):
            groups.setdefault(kind.role, []).append((kind.slug, kind.name))
        labels = {
            OrganisationKind.Role.DEMAND: _("Companies and public organisations"),
            OrganisationKind.Role.SUPPLY: _("Education and innovation partners"),
            OrganisationKind.Role.OTHER: _("Other"),
        }
        self.fields["kind"].choices = [
            (labels[role], groups[role]) for role in OrganisationKind.Role.values if role in groups
        ]

    def chosen_kind(self) -> OrganisationKind | None:
        if not self.is_valid():
            return None
        return OrganisationKind.objects.filter(slug=self.cleaned_data["kind"]).first()


class OrganisationForm(forms.ModelForm):
    """An organisation's profile, for creating one and for its administrators to edit, for
    one kind (`kind`, chosen first): only that kind's fields are shown and accepted.

    The supply fields (formats, capacity, nationwide) exist only for education and
    innovation partners, and a parent (an education organisation it is part of) only for
    kinds other than companies and public organisations: for other kinds those fields are
    not in the form, so whatever is posted for them is ignored.
    """

    kind = forms.ModelChoiceField(queryset=OrganisationKind.objects.all(), widget=forms.HiddenInput)
    province = forms.ModelChoiceField(
        label=_("Province"),
        queryset=Province.objects.order_by("name_nl"),
        empty_label=_("Choose…"),
        help_text=_("Where the organisation is based."),
    )
    kvk_number = forms.CharField(
        label=_("KvK number (optional)"),
        required=False,
        max_length=20,
        help_text=_(
            "The 8 digits of its registration at the Chamber of Commerce. It helps the hub "
            "check your organisation; only its members and the hub see it."
        ),
    )
    parent = forms.ModelChoiceField(
        label=_("Part of"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        help_text=_(
            "The university, hogeschool or college it belongs to, as a lectoraat belongs to its "
            "hogeschool. Search for it by name."
        ),
    )
    parent_query = forms.CharField(
        label=_("Search for the education organisation it is part of"),
        required=False,
        max_length=200,
    )
    topics = TopicsField(label=_("AI topics"))
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
            "kvk_number",
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

    def __init__(self, *args, user, kind: OrganisationKind, **kwargs):
        super().__init__(*args, **kwargs)
        self.chosen_kind = kind
        self.is_supplier = kind.role == OrganisationKind.Role.SUPPLY
        self.has_parent = kind.role != OrganisationKind.Role.DEMAND
        self.fields["kind"].initial = kind.pk
        if not self.is_bound:
            self.initial["kind"] = kind.pk
        for name in ("province", "sectors", "formats"):
            self.fields[name].label_from_instance = _name_of
        self.fields["name"].widget.attrs["autocomplete"] = "organization"
        self.fields["website"].widget.attrs["autocomplete"] = "url"
        self.fields["kvk_number"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "class": "input-short"}
        )
        self.fields["topics"].help_text = (
            _("What you know about and can help companies with.")
            if self.is_supplier
            else _("What you want to learn about or apply.")
        )
        if not self.is_supplier:
            for name in SUPPLY_ONLY_FIELDS:
                del self.fields[name]
        if self.has_parent:
            self.user = user
            self.parent_matches: list[Organisation] = []
            self.fields["parent"].queryset = self._possible_parents().select_related("province")
            self.fields["parent_query"].widget.input_type = "search"
            self.fields["parent_query"].widget.attrs.update(
                {
                    "autocomplete": "off",
                    "hx-get": self._parent_options_url(),
                    "hx-trigger": "input changed delay:400ms, search",
                    "hx-target": "#parent-options",
                    "hx-swap": "outerHTML",
                    "hx-include": "closest form",
                    "hx-sync": "this:replace",
                    "aria-controls": "parent-options",
                }
            )
            self._show_parent_choices()
        else:
            del self.fields["parent"]
            del self.fields["parent_query"]

    def _parent_options_url(self) -> str:
        url = reverse("organisations:parent_options")
        return f"{url}?organisation={self.instance.slug}" if self.instance.pk else url

    def _possible_parents(self):
        return organisation_possible_parents(
            user=self.user, excluding=self.instance if self.instance.pk else None
        )

    def current_parent(self) -> Organisation | None:
        """The parent chosen so far: posted, or the stored one."""
        value = self["parent"].value()
        if not value:
            return None
        if isinstance(value, Organisation):
            return value
        if not str(value).isdigit():
            return None
        return self.fields["parent"].queryset.filter(pk=value).first()

    def search_parents(self, query: str) -> None:
        """Offer the education organisations whose names contain `query` (beside the current
        choice), as the search button and the as-you-type suggestions do."""
        self.parent_matches = list(
            organisation_search_parents(
                user=self.user, query=query, queryset=self._possible_parents()
            )
        )
        self._show_parent_choices()

    def _show_parent_choices(self) -> None:
        # The radio buttons show only the current choice and the matches of a search, never
        # every organisation; validation still accepts any possible parent.
        shown = [self.current_parent(), *self.parent_matches]
        seen: set[int] = set()
        choices: list[tuple[object, str]] = [("", str(NO_PARENT))]
        for organisation in shown:
            if organisation is None or organisation.pk in seen:
                continue
            seen.add(organisation.pk)
            choices.append((organisation.pk, f"{organisation.name} ({organisation.province.name})"))
        self.fields["parent"].widget.choices = choices

    @property
    def topic_groups(self) -> list[TopicGroup]:
        return grouped_topic_options(self["topics"])

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the organisation's name."))
        return name

    def clean_kvk_number(self) -> str:
        number = normalise_kvk_number(self.cleaned_data.get("kvk_number") or "")
        if number:
            validate_kvk_number(number)
            problem = kvk_number_problem(number=number, organisation=self.instance)
            if problem:
                raise forms.ValidationError(problem, code="kvk-taken")
        return number

    def clean(self):
        cleaned = super().clean()
        problems = supplier_profile_problems(
            is_supplier=self.is_supplier,
            has_topics=bool(cleaned.get("topics")),
            capacity=cleaned.get("capacity"),
        )
        for field, problem in problems.items():
            self.add_error(field, problem)
        return cleaned

    def _post_clean(self):
        # Capacity left empty is stored as the model's default.
        if "capacity" in self.fields and self.cleaned_data.get("capacity") is None:
            self.cleaned_data["capacity"] = 0
        super()._post_clean()

    def profile_values(self) -> dict:
        """The cleaned fields of this kind as keyword arguments for the services."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name in self.fields}


def _name_of(item) -> str:
    return item.name
