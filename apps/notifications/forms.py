from collections.abc import Mapping

from django import forms
from django.utils.text import capfirst

from .kinds import NotificationKind
from .models import Frequency


class NotificationPreferencesForm(forms.Form):
    """One group of radio buttons (a fieldset with a legend) per kind of notice."""

    def __init__(self, *args, frequencies: Mapping[str, str], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for kind in NotificationKind:
            self.fields[kind.value] = forms.ChoiceField(
                label=capfirst(kind.label),
                choices=Frequency.choices,
                widget=forms.RadioSelect,
                initial=frequencies[kind.value],
            )

    def frequencies(self) -> dict[str, str]:
        return {kind.value: self.cleaned_data[kind.value] for kind in NotificationKind}
