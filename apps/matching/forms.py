from django import forms
from django.utils.translation import gettext_lazy as _

from .models import IntroductionRequest


class IntroductionRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the partner (optional)"),
        required=False,
        max_length=IntroductionRequest._meta.get_field("message").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "What would you like to talk about? The partner reads this before deciding; your "
            "name and email address are shared only when the partner accepts."
        ),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
