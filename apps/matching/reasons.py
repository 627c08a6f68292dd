"""Render a match's structured reasons in the reader's language. The database holds codes
and slugs (`[{"code": "region", "params": {"relation": "same_province"}}]`), never
sentences, so the same match reads well in Dutch and in English."""

from django.utils.translation import gettext as _

from apps.semantics.core import meaningful_term
from apps.taxonomy.models import AITopic, Format, Sector

REGION_TEXTS = {
    "same_province": lambda: _("in the same province"),
    "neighbouring_province": lambda: _("in a neighbouring province"),
    "same_hub": lambda: _("in the same AI hub region"),
    "national": lambda: _("works nationwide"),
    "elsewhere": lambda: _("in another region"),
}


def taxonomy_labels() -> dict[str, dict[str, str]]:
    """Labels of every topic, sector and format by slug, in the active language (three small
    queries; call once per page, not per match)."""
    return {
        "topics": {t.slug: t.name for t in AITopic.objects.all()},
        "sectors": {s.slug: s.name for s in Sector.objects.all()},
        "formats": {f.slug: f.name for f in Format.objects.all()},
    }


def reason_texts(
    reasons: list[dict], labels: dict[str, dict[str, str]], *, quote: str | None = None
) -> list[str]:
    """The reasons as sentences. `quote`: the partner's sentence that fits the challenge
    best (`match_quotes`), for a "fitting_sentence" reason; without it that reason is left
    out."""

    def names(kind: str, slugs: list[str]) -> str:
        return ", ".join(labels[kind].get(slug, slug) for slug in slugs)

    texts = []
    for reason in reasons:
        code, params = reason.get("code"), reason.get("params", {})
        if code == "shared_topics":
            if params.get("topics"):
                texts.append(_("Same AI topics: %s") % names("topics", params["topics"]))
            if params.get("related"):
                texts.append(_("Related AI topics: %s") % names("topics", params["related"]))
        elif code == "region" and params.get("relation") in REGION_TEXTS:
            text = REGION_TEXTS[params["relation"]]()
            texts.append(text[:1].upper() + text[1:])
        elif code == "shared_sectors":
            texts.append(_("Same sectors: %s") % names("sectors", params.get("sectors", [])))
        elif code == "shared_formats":
            texts.append(
                _("Offers what is wanted: %s") % names("formats", params.get("formats", []))
            )
        elif code == "shared_terms":
            # Reasons stored before stop words were left out are cleaned when shown.
            terms = [term for term in params.get("terms", []) if meaningful_term(term)]
            if terms:
                texts.append(_("Similar words in the descriptions: %s") % ", ".join(terms))
        elif code == "fitting_sentence" and quote:
            texts.append(_("They write: “%s”") % quote)
    return texts


def fit_label(score: float) -> str:
    """The score in words, so nobody has to interpret a number."""
    if score >= 0.7:
        return _("strong fit")
    if score >= 0.4:
        return _("good fit")
    return _("possible fit")


def fit_shown(score: float) -> dict:
    """A score as pages show it: a percentage and its words."""
    return {"percent": round(score * 100), "label": fit_label(score)}
