"""What texts mean, for the pages: topic suggestions while a person writes.

The model and the topic index load once per process, on first use (about a second for the
model, under a second to embed the topic examples); nothing loads at import or start-up.
"""

from __future__ import annotations

import functools
import json
import threading
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation

from apps.taxonomy.models import AITopic

from .core import TopicIndex, topic_texts
from .model import UniversalSentenceEncoder

EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "topic_examples.json"
# Longer input says nothing more about the topic and costs time.
MAX_TEXT_CHARS = 5000

_lock = threading.Lock()


@functools.cache
def embedder() -> UniversalSentenceEncoder:
    return UniversalSentenceEncoder()


@functools.cache
def _examples() -> dict:
    return json.loads(EXAMPLES_FILE.read_text(encoding="utf-8"))["topics"]


@dataclass(frozen=True)
class _Index:
    index: TopicIndex
    taxonomy_key: tuple


_current: _Index | None = None


def topic_index() -> TopicIndex:
    """The topics of the taxonomy with their examples (Dutch and English) plus their own
    names and plain descriptions, embedded; rebuilt when the taxonomy changes."""
    global _current
    topics = list(
        AITopic.objects.values_list(
            "slug", "parent__slug", "name_nl", "description_nl", "description_en"
        )
    )
    key = tuple(sorted(topics, key=lambda row: row[0]))
    with _lock:
        if _current is not None and _current.taxonomy_key == key:
            return _current.index
    texts, parent = topic_texts(_examples(), topics)
    index = TopicIndex.build(embedder(), texts, parent)
    with _lock:
        _current = _Index(index=index, taxonomy_key=key)
    return index


@dataclass(frozen=True)
class Suggestion:
    topic: str
    score: float
    is_group: bool
    why: str


def topics_suggest(text: str, *, limit: int = 5, language: str | None = None) -> list[Suggestion]:
    """The AI topics `text` fits, best first, with a short "why" in `language` (default: the
    active language). Leaves only, unless no leaf fits; always at least three."""
    return topics_suggest_many([text], limit=limit, language=language)[0]


def topics_suggest_many(
    texts: list[str], *, limit: int = 5, language: str | None = None
) -> list[list[Suggestion]]:
    index = topic_index()
    texts = [(text or "")[:MAX_TEXT_CHARS] for text in texts]
    vectors = embedder().embed(texts)
    language = (language or translation.get_language() or "nl")[:2]
    why_key = "why_en" if language == "en" else "why_nl"
    examples = _examples()
    return [
        [
            Suggestion(
                topic=s.topic,
                score=s.score,
                is_group=s.is_group,
                why=examples.get(s.topic, {}).get(why_key, ""),
            )
            for s in suggestions
        ]
        for suggestions in index.suggest(vectors, texts=texts, limit=limit)
    ]


@dataclass(frozen=True)
class ShownSuggestion:
    """A suggestion for a page: the topic itself, why, and how clearly it fits (0..1)."""

    topic: AITopic
    why: str
    score: float


def topic_suggestions_shown(text: str, *, limit: int = 3) -> list[ShownSuggestion]:
    """The first `limit` suggestions for `text` with their topics loaded; none for an
    empty text."""
    if not (text or "").strip():
        return []
    suggestions = topics_suggest(text)[:limit]
    topics = AITopic.objects.in_bulk([s.topic for s in suggestions], field_name="slug")
    return [
        ShownSuggestion(topics[s.topic], s.why, s.score) for s in suggestions if s.topic in topics
    ]


# A suggestion is pre-selected when it is the best one, or close enough to it in how clearly
# it fits; at most three (a challenge names at most five topics, and three said well beat
# five guessed).
PRESELECT_MIN_SCORE = 0.15
PRESELECT_MAX = 3


def topics_to_preselect(suggestions: list[ShownSuggestion]) -> list[AITopic]:
    """The topics to tick for someone who chose none themselves (`suggestions` best first)."""
    chosen = [s.topic for s in suggestions[:1]]
    chosen += [s.topic for s in suggestions[1:PRESELECT_MAX] if s.score >= PRESELECT_MIN_SCORE]
    return chosen


def posted_text(data, fields: list[str]) -> str:
    """The text of the named form fields, joined (what a suggestion reads)."""
    return "\n".join((data.get(name) or "").strip() for name in fields if data.get(name))


# --- A sentence that fits, for reasons ----------------------------------------------------------

# A quoted sentence is kept for a day per pair of texts (keyed by their content, so an edited
# text is quoted afresh); a page of ten matches embeds its sentences once.
FITTING_SENTENCE_SECONDS = 24 * 3600


def fitting_sentences(pairs: list[tuple[str, str]]) -> list[str | None]:
    """For each (target, source) pair of texts: the sentence of `source` closest in meaning
    to `target`, shortened for a reason ("they write: ..."); None where `source` has no
    sentence worth quoting. One model call for all pairs not cached."""
    import hashlib

    import numpy as np
    from django.core.cache import cache

    from .core import best_sentence, sentences, shorten

    def key(target: str, source: str) -> str:
        digest = hashlib.blake2b(f"{target}\0{source}".encode(), digest_size=16).hexdigest()
        return f"fitting-sentence:{embedder().version}:{digest}"

    keys = [key(target, source) for target, source in pairs]
    found = cache.get_many(keys)
    missing = [i for i, k in enumerate(keys) if k not in found]
    if missing:
        targets = [pairs[i][0][:MAX_TEXT_CHARS] for i in missing]
        candidates = [sentences(pairs[i][1][:MAX_TEXT_CHARS]) for i in missing]
        flat = [sentence for group in candidates for sentence in group]
        vectors = embedder().embed(targets + flat) if targets else np.zeros((0, 1))
        target_vectors, sentence_vectors = vectors[: len(targets)], vectors[len(targets) :]
        start = 0
        fresh = {}
        for position, i in enumerate(missing):
            group = candidates[position]
            best = best_sentence(
                target_vectors[position], group, sentence_vectors[start : start + len(group)]
            )
            quote = shorten(best[0]) if best else ""
            start += len(group)
            fresh[keys[i]] = quote
        cache.set_many(fresh, FITTING_SENTENCE_SECONDS)
        found.update(fresh)
    return [found[k] or None for k in keys]
