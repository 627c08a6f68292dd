"""Onboarding a region from a spreadsheet in the admin (PRODUCT.md section 6): upload a CSV,
see what it would do, confirm, and get what `manage.py import_<things>` gives; export the
same format. The screens are thin: the app's import service (`organisations_import`,
`challenges_import`) is the only place that checks and writes, called with `dry_run=True`
for the preview and again, on the same bytes, to import.

Decision: written by hand, not with django-import-export. Checked against its
documentation (import workflow, admin integration, results; 3.x and 4.x): its admin screens
(`ImportMixin`: upload → confirm → `process_import`) drive `Resource.import_data(dataset)`,
which reads the file with tablib and validates and saves row by row through the Resource's
fields and widgets (`import_id_fields` for the upsert key), reporting
`InvalidRow(number, validation_error)` by dataset row and model field. Our rules are
whole-file rules in our service: physical line numbers (a quoted cell can span lines), the
CSV column names, duplicate refs across rows, parent_ref to a row further down and cycles,
status moves through the workflow service, taxonomy slugs, synthetic refs of exported rows,
all-or-nothing in a fixed number of queries, and the coordinator's region. Keeping our
service the only validator would mean overriding `import_data` and building its
`Result`/`RowResult`/`InvalidRow` objects by hand for its templates, and bypassing its export
for ours (synthetic refs, CSV-injection protection): more code than these screens, plus a
dependency (tablib, diff-match-patch) whose upgrades could break those stand-ins. What it
would have given for free (a file field, a confirm step with temporary storage) is the small
part, below.

Between preview and confirm the uploaded bytes wait in the cache (Redis, shared by every web
process) for an hour under a random token bound to the user and the model, with their
SHA-256 in the confirm form: the confirm imports exactly the previewed file, and after it
the token holds the result, so a second confirm reports the first import instead of running
again. Abandoned uploads expire by themselves; no file with personal data stays on disk.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.validators import FileExtensionValidator
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.csv_exchange import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportResult,
    RowOutcome,
    csv_import_check_size,
)

PENDING_SECONDS = 60 * 60
PREVIEW_ROWS = 10
EXAMPLES_DIR = Path(settings.BASE_DIR) / "docs" / "examples"


@dataclass(frozen=True)
class CsvExchange:
    """What an admin needs to import and export one model's CSV format."""

    model: type[Model]
    things: str | Promise  # "organisations", for titles
    file_stem: str  # exports are called f"{file_stem}-<date>.csv"
    example: str  # file name in docs/examples
    command: str  # the equivalent management command, named on the upload page
    columns: Sequence[Column]
    # import_(file=, dry_run=, by=, allowed_provinces=, file_name=, outcomes=) -> ImportResult
    import_: Callable[..., ImportResult]
    # export(out=, queryset=) -> number of rows
    export: Callable[..., int]
    # allowed_provinces(user) -> the province codes the user may import rows for; None: all.
    # The app that declares the exchange names its rule (a coordinator's region).
    allowed_provinces: Callable[[Any], list[str] | None]


# The columns of the example files that name a row (`ref`) or point at one.
REFERENCE_COLUMNS = ("parent_ref", "organisation_ref")


def example_for_region(text: str, provinces: Sequence[str]) -> str:
    """An example file (CSV text) made for a region: a row in one of `provinces` stays as
    it is, a row elsewhere moves to the first of them, and its ref and the refs that go with
    it end in that province's code. (A coordinator's upload refuses rows outside the region,
    and the example's rows lie in three provinces; the suffix keeps a moved row from being
    taken for the original where that was imported.) The examples keep an organisation and
    its challenges in one province, so a moved challenge points at the moved organisation."""
    if not provinces:
        return text
    reader = csv.DictReader(io.StringIO(text))
    rows = list(reader)
    target = sorted(provinces)[0]
    suffix = f"-{target.lower()}"
    moved = {row["ref"] for row in rows if row.get("province") not in provinces}
    for row in rows:
        moving = row["ref"] in moved
        for column in REFERENCE_COLUMNS:
            if row.get(column) and (moving or row[column] in moved):
                row[column] += suffix
        if moving:
            row["ref"] += suffix
            row["province"] = target
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


class CsvUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), validators=[FileExtensionValidator(["csv"])])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "A .csv file saved as “CSV UTF-8” with commas between columns, at most %(max)s."
        ) % {"max": filesizeformat(settings.CSV_IMPORT_MAX_BYTES)}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        csv_import_check_size(size=upload.size)  # the same limit as the command line
        return upload


class ConfirmForm(forms.Form):
    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)


class PendingUploads:
    """Uploaded files waiting for confirmation (see the module docstring)."""

    def __init__(self, *, user, model) -> None:
        self.prefix = f"admin-exchange:{model._meta.label_lower}:{user.pk}:"

    def keep(self, *, name: str, data: bytes) -> tuple[str, str]:
        token = secrets.token_urlsafe(24)
        digest = hashlib.sha256(data).hexdigest()
        cache.set(
            self.prefix + token, {"name": name, "sha256": digest, "data": data}, PENDING_SECONDS
        )
        return token, digest

    def load(self, token: str, sha256: str) -> dict[str, Any] | None:
        """The upload behind `token`, if it is still there and is the file the preview
        showed (same SHA-256)."""
        upload = cache.get(self.prefix + token)
        if upload is None:
            return None
        digest = hashlib.sha256(upload["data"]).hexdigest()
        if not (
            hmac.compare_digest(digest, sha256) and hmac.compare_digest(upload["sha256"], sha256)
        ):
            return None
        return upload

    def claim(self, token: str) -> bool:
        """True for the one request that may import this upload (atomic in Redis)."""
        return cache.add(self._outcome_key(token), {"counts": None}, PENDING_SECONDS)

    def earlier_outcome(self, token: str) -> Mapping[str, int] | None:
        """The counts of the import that used this token, None while it runs (or expired)."""
        outcome = cache.get(self._outcome_key(token))
        return outcome["counts"] if outcome else None

    def finish(self, token: str, result: ImportResult) -> None:
        cache.set(
            self._outcome_key(token),
            {
                "counts": {
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                }
            },
            PENDING_SECONDS,
        )
        cache.delete(self.prefix + token)

    def release(self, token: str) -> None:
        """Give up the claim (the import failed unexpectedly), so a confirm may try again."""
        cache.delete(self._outcome_key(token))

    def discard(self, token: str) -> None:
        cache.delete_many([self.prefix + token, self._outcome_key(token)])

    def _outcome_key(self, token: str) -> str:
        return f"{self.prefix}{token}:outcome"


def _outcome_groups(outcomes: Sequence[RowOutcome]) -> list[dict[str, Any]]:
    labels = {
        CREATED: _("New"),
        UPDATED: _("Updated"),
        UNCHANGED: _("Unchanged"),
    }
    groups = []
    for kind in (CREATED, UPDATED, UNCHANGED):
        rows = [outcome for outcome in outcomes if outcome.outcome == kind]
        groups.append(
            {
                "kind": kind,
                "label": labels[kind],
                "count": len(rows),
                "first": rows[:PREVIEW_ROWS],
            }
        )
    return groups


class CsvExchangeAdminMixin:
    """Upload → preview → confirm import pages, an "Export all (CSV)" button and an "Export
    selected as CSV" action for a ModelAdmin; set `csv_exchange`. Put it before
    HubScopedAdminMixin: exports use the admin's (scoped) queryset and a hub coordinator's
    import is limited to their region by the import service itself.

    Only the admin of the format's own model gets them, not a subclass for a proxy (the
    review queue of challenges). The buttons come with "admin/exchange/change_list.html",
    used unless the admin names a changelist template or one exists for the model
    ("admin/<app>/<model>/change_list.html", which can extend it to keep the buttons)."""

    csv_exchange: CsvExchange

    # Permissions -----------------------------------------------------------------------------

    def has_import_permission(self, request) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request) -> bool:
        return self.has_view_permission(request)

    # URLs and the changelist -----------------------------------------------------------------

    def _exchanges_here(self) -> bool:
        return self.model is self.csv_exchange.model

    def get_urls(self):
        if not self._exchanges_here():
            return super().get_urls()
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name=f"{name}_import"),
            path("import/confirm/", view(self.import_confirm_view), name=f"{name}_import_confirm"),
            path("import/example/", view(self.import_example_view), name=f"{name}_import_example"),
            path("export/", view(self.export_view), name=f"{name}_export"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self._exchanges_here():
            return super().changelist_view(request, extra_context)
        extra_context = {
            **(extra_context or {}),
            "exchange_can_import": self.has_import_permission(request),
            "exchange_can_export": self.has_export_permission(request),
        }
        response = super().changelist_view(request, extra_context)
        # Only the list itself: an action's intermediate page (a reject reason) keeps its own.
        is_list = isinstance(response, TemplateResponse) and "cl" in (response.context_data or {})
        if is_list and not self.change_list_template:
            opts = self.model._meta
            response.template_name = [
                f"admin/{opts.app_label}/{opts.model_name}/change_list.html",
                f"admin/{opts.app_label}/change_list.html",
                "admin/exchange/change_list.html",
            ]
        return response

    def get_actions(self, request):
        # Added here rather than in `actions`, which the admin class sets for its own.
        actions = super().get_actions(request)
        if (
            self._exchanges_here()
            and self.actions is not None
            and IS_POPUP_VAR not in request.GET
            and self.has_export_permission(request)
        ):
            func, name, description = self.get_action("export_selected_csv")
            actions[name] = (func, name, description)
        return actions

    def _url(self, suffix: str) -> str:
        opts = self.model._meta
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{suffix}",
            current_app=self.admin_site.name,
        )

    def _context(self, request, title: str, **extra: Any) -> dict[str, Any]:
        opts = self.model._meta
        request.current_app = self.admin_site.name
        allowed = self.csv_exchange.allowed_provinces(request.user)
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": None,
            "opts": opts,
            "app_label": opts.app_label,
            "exchange": self.csv_exchange,
            "allowed_provinces": allowed,
            "upload_url": self._url("import"),
            "example_url": self._url("import_example"),
            "changelist_url": self._url("changelist"),
            **extra,
        }

    # Import ------------------------------------------------------------------------------------

    def _run_import(
        self, request, *, data: bytes, name: str, dry_run: bool
    ) -> tuple[ImportResult, list[RowOutcome]]:
        outcomes: list[RowOutcome] = []
        result = self.csv_exchange.import_(
            file=io.BytesIO(data),
            dry_run=dry_run,
            by=request.user,
            allowed_provinces=self.csv_exchange.allowed_provinces(request.user),
            file_name=name,
            outcomes=outcomes,
        )
        return result, outcomes

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = CsvUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            data = upload.read()
            result, outcomes = self._run_import(request, data=data, name=upload.name, dry_run=True)
            token = sha256 = None
            if result.ok and outcomes:
                token, sha256 = PendingUploads(user=request.user, model=self.model).keep(
                    name=upload.name, data=data
                )
            return self._preview_response(
                request,
                result,
                outcomes,
                file_name=upload.name,
                confirm_form=ConfirmForm(initial={"token": token, "sha256": sha256})
                if token
                else None,
            )
        title = format_lazy(_("Import {} from a spreadsheet (CSV)"), self.csv_exchange.things)
        return TemplateResponse(
            request,
            "admin/exchange/upload.html",
            self._context(
                request,
                str(title),
                form=form,
                columns=[
                    {
                        "name": column.name,
                        "help": column.help,
                        "values": column.values() if column.values else None,
                    }
                    for column in self.csv_exchange.columns
                ],
            ),
        )

    def _preview_response(
        self,
        request,
        result: ImportResult,
        outcomes: list[RowOutcome],
        *,
        file_name: str,
        confirm_form: ConfirmForm | None,
    ):
        title = format_lazy(_("Check the import of {}"), self.csv_exchange.things)
        return TemplateResponse(
            request,
            "admin/exchange/preview.html",
            self._context(
                request,
                str(title),
                result=result,
                file_name=file_name,
                groups=_outcome_groups(outcomes) if result.ok else [],
                is_empty=result.ok and not outcomes,
                confirm_form=confirm_form,
                confirm_url=self._url("import_confirm"),
                preview_rows=PREVIEW_ROWS,
            ),
        )

    def import_confirm_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        upload_url = self._url("import")
        if request.method != "POST":
            return HttpResponseRedirect(upload_url)
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            self.message_user(request, _("Upload the file again."), messages.ERROR)
            return HttpResponseRedirect(upload_url)
        token, sha256 = form.cleaned_data["token"], form.cleaned_data["sha256"]
        pending = PendingUploads(user=request.user, model=self.model)

        if not pending.claim(token):
            counts = pending.earlier_outcome(token)
            if counts is None:
                text = gettext("This file is being imported already; nothing was imported twice.")
            else:
                text = gettext(
                    "This file was imported already: %(summary)s Nothing was imported again."
                ) % {"summary": ImportResult(**counts).summary()}
            self.message_user(request, text, messages.INFO)
            return HttpResponseRedirect(self._url("changelist"))

        upload = pending.load(token, sha256)
        if upload is None:
            pending.discard(token)
            self.message_user(
                request,
                _(
                    "The file you checked is no longer available (uploads are kept for an "
                    "hour). Nothing was imported; upload the file again."
                ),
                messages.ERROR,
            )
            return HttpResponseRedirect(upload_url)

        try:
            result, outcomes = self._run_import(
                request, data=upload["data"], name=upload["name"], dry_run=False
            )
        except Exception:
            pending.release(token)
            raise
        if not result.ok:
            # The database changed since the preview (another import, an edit): nothing was
            # written; show the problems as the preview does.
            pending.discard(token)
            return self._preview_response(
                request, result, outcomes, file_name=upload["name"], confirm_form=None
            )
        pending.finish(token, result)
        self.message_user(
            request,
            gettext("Imported “%(file)s”: %(summary)s")
            % {"file": upload["name"], "summary": result.summary()},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(self._url("changelist"))

    def import_example_view(self, request):
        """The example file; for someone whose imports are limited to a region, the example
        made for that region (`example_for_region`), so it imports as it is."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        example = EXAMPLES_DIR / self.csv_exchange.example
        if not example.is_file():
            raise Http404
        allowed = self.csv_exchange.allowed_provinces(request.user)
        if allowed is None:
            content = example.read_bytes()
        else:
            content = example_for_region(example.read_text(encoding="utf-8"), allowed).encode()
        return FileResponse(
            io.BytesIO(content),
            as_attachment=True,
            filename=self.csv_exchange.example,
            content_type="text/csv; charset=utf-8",
        )

    # Export ------------------------------------------------------------------------------------

    def _export_response(self, queryset: QuerySet) -> HttpResponse:
        filename = f"{self.csv_exchange.file_stem}-{timezone.localdate():%Y-%m-%d}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response.write("\ufeff")  # so that Excel reads the file as UTF-8
        self.csv_exchange.export(out=response, queryset=queryset)
        return response

    def export_view(self, request):
        """Everything this user may see (a hub coordinator: their region)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        return self._export_response(self.get_queryset(request))

    @admin.action(description=_("Export selected as CSV"))
    def export_selected_csv(self, request, queryset):
        if not self.has_export_permission(request):
            raise PermissionDenied
        return self._export_response(queryset)
