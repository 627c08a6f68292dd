from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from apps.taxonomy.models import AITopic, Sector

from .models import KnowledgeItem
from .services import file_or_link_missing
from .validators import (
    ACCEPT_ATTRIBUTE,
    max_upload_bytes,
    sanitise_upload_name,
    validate_knowledge_upload,
)


class KnowledgeItemForm(forms.ModelForm):
    """A knowledge item with its content as a file, a link or both. Saving goes through
    `apps.knowledge.services.knowledge_item_create` (the caller passes `cleaned_data`)."""

    file = forms.FileField(
        label=_("File"),
        required=False,
        max_length=255,
        validators=[validate_knowledge_upload],
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    link = forms.URLField(
        label=_("Link"),
        required=False,
        max_length=200,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("A web address (https://…), for example of a tool, a report or a video."),
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("AI topics"),
        queryset=AITopic.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.order_by("position", "slug"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = KnowledgeItem
        fields = (
            "title",
            "kind",
            "summary",
            "body",
            "file",
            "link",
            "licence",
            "topics",
            "sectors",
            "visibility",
        )
        labels = {
            "title": _("Title"),
            "kind": _("Type"),
            "summary": _("Summary"),
            "body": _("Text"),
            "licence": _("Licence"),
            "visibility": _("Who can see it"),
        }
        help_texts = {
            "summary": _("Two or three sentences: what it is and who can use it."),
            "body": _("Optional: the full text, for example a lesson learned or a how-to."),
            "licence": _("Under which conditions others may reuse it."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "body": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, PNG, JPEG, Word/Excel/PowerPoint, OpenDocument or plain text (txt, md, "
            "csv), at most %(limit)s."
        ) % {"limit": _megabytes(max_upload_bytes())}
        for name, limit in (("title", 200), ("summary", 2000), ("body", 50000)):
            self.fields[name].max_length = limit
            self.fields[name].widget.attrs["maxlength"] = str(limit)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            upload.name = sanitise_upload_name(upload.name)
        return upload

    def clean(self):
        cleaned = super().clean()
        require_file_or_link(self, cleaned)
        return cleaned


def require_file_or_link(form: forms.BaseForm, cleaned: dict) -> None:
    """Name the service's file-or-link refusal on the file field, unless the file or the
    link already has an error of its own (the community's form and the admin's)."""
    missing = file_or_link_missing(file=cleaned.get("file"), link=cleaned.get("link"))
    if missing and not form.has_error("file") and not form.has_error("link"):
        form.add_error("file", missing)


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"
