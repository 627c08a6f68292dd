"""The semantic core: what texts mean, in NumPy, with no Django import (like the matching
engine), so it can be tested and benchmarked alone.

- `Embedder`: the one interface to a sentence model, `embed(texts) -> float32 [n, d]` with
  unit rows. The model behind it (`apps.semantics.model`) can be replaced.
- `TopicIndex`: the AI topics as clouds of example problem statements (Dutch and English,
  written as SME owners would say them), and `suggest`: the topics a text fits, best first,
  with a score in 0..1.
- `sentences` / `best_sentence`: the sentence of one text that says most of another, for
  reasons people can read ("they write: ...").

Similarity is a dot product of unit vectors, computed exactly. At the sizes here (10 000
suppliers, 100 000 challenges, 512 dimensions as float32: 200 MB for all challenges) a full
product is a few hundred milliseconds and needs no index; an approximate one (HNSW, e.g.
hnswlib, at recall >= 0.95) would be needed for search over millions of texts or for
sub-10 ms search over the challenges without a lexical pre-filter.
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """A sentence model: unit-length float32 rows, one per text, the same text always giving
    the same row."""

    version: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


def unit_rows(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1 (a zero row stays zero)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


@dataclass(frozen=True)
class TopicSuggestion:
    topic: str  # slug
    score: float  # 0..1
    is_group: bool


@dataclass(frozen=True)
class TopicIndex:
    """Example statements per topic, embedded.

    `examples`: unit rows of every example; `owner[i]`: the index in `topics` of the topic
    example i belongs to. `group_of[t]`: the index of topic t's group (itself for a group).
    """

    topics: tuple[str, ...]
    is_group: np.ndarray  # bool[T]
    group_of: np.ndarray  # int32[T]
    examples: np.ndarray  # float32[E, d], unit rows
    owner: np.ndarray  # int32[E]
    words: TopicWords | None = None

    @classmethod
    def build(
        cls,
        embedder: Embedder,
        examples: Mapping[str, Sequence[str]],
        parent: Mapping[str, str | None],
    ) -> TopicIndex:
        """`examples`: slug -> its example statements; `parent`: slug -> group slug (None
        for a group)."""
        topics = tuple(sorted(examples))
        position = {slug: i for i, slug in enumerate(topics)}
        texts: list[str] = []
        owner: list[int] = []
        for slug in topics:
            for text in examples[slug]:
                texts.append(text)
                owner.append(position[slug])
        group_of = np.array(
            [position[parent[slug]] if parent[slug] else position[slug] for slug in topics],
            dtype=np.int32,
        )
        return cls(
            topics=topics,
            is_group=np.array([parent[slug] is None for slug in topics], dtype=bool),
            group_of=group_of,
            examples=unit_rows(embedder.embed(texts)),
            owner=np.array(owner, dtype=np.int32),
            words=TopicWords.build([examples[slug] for slug in topics]),
        )

    def similarities(self, vectors: np.ndarray, *, neighbours: int = 3) -> np.ndarray:
        """[n, T]: how close each text is to each topic: the mean of (a) the cosine to the
        topic's centre (all its examples averaged) and (b) the mean cosine to its
        `neighbours` closest examples. A topic covers several kinds of problem and a text
        resembles one of them (b), while the centre keeps one odd example from deciding
        (a); on the development split the two together beat either alone."""
        unit = unit_rows(vectors)
        cosines = unit @ self.examples.T  # [n, E]
        n_topics = len(self.topics)
        nearest = np.empty((cosines.shape[0], n_topics), dtype=np.float32)
        for t in range(n_topics):
            own = cosines[:, self.owner == t]
            k = min(neighbours, own.shape[1])
            if k == 0:
                nearest[:, t] = -1.0
                continue
            top = np.partition(own, own.shape[1] - k, axis=1)[:, -k:]
            nearest[:, t] = top.mean(axis=1)
        return (nearest + unit @ self.centres.T) / 2

    @property
    def centres(self) -> np.ndarray:
        """[T, d]: each topic's examples averaged, as unit rows."""
        sums = np.zeros((len(self.topics), self.examples.shape[1]), dtype=np.float32)
        np.add.at(sums, self.owner, self.examples)
        return unit_rows(sums)

    def suggest(
        self,
        vectors: np.ndarray,
        *,
        texts: Sequence[str] | None = None,
        limit: int = 5,
        temperature: float = 0.03,
        leaf_floor: float = 0.05,
    ) -> list[list[TopicSuggestion]]:
        """For each text, the topics it fits, best first, scores in 0..1 (a softmax over the
        leaves with `temperature`, so the scores say how clearly one topic stands out).

        `vectors`: the texts embedded. `texts`: the texts themselves, when at hand: the words
        they share with a topic's examples then count too (`TopicWords`, `WORDS_WEIGHT`).

        Leaves only, unless no leaf reaches `leaf_floor`: then the groups, which stand for
        "something in this area". Always `limit` entries (at least 3), so a person has a
        choice."""
        limit = max(3, limit)
        similarity = self.similarities(vectors)
        if texts is not None and self.words is not None:
            similarity = similarity + WORDS_WEIGHT * self.words.similarities(texts)
        leaves = np.flatnonzero(~self.is_group)
        groups = np.flatnonzero(self.is_group)
        out: list[list[TopicSuggestion]] = []
        for row in similarity:
            leaf_scores = _softmax(row[leaves], temperature)
            order = np.argsort(-leaf_scores, kind="stable")
            if leaf_scores[order[0]] >= leaf_floor or groups.size == 0:
                chosen = [(int(leaves[i]), float(leaf_scores[i])) for i in order[:limit]]
            else:
                group_scores = _softmax(row[groups], temperature)
                group_order = np.argsort(-group_scores, kind="stable")
                chosen = [(int(groups[i]), float(group_scores[i])) for i in group_order[:limit]]
                if len(chosen) < limit:
                    chosen += [
                        (int(leaves[i]), float(leaf_scores[i]))
                        for i in order[: limit - len(chosen)]
                    ]
            out.append(
                [
                    TopicSuggestion(self.topics[t], round(score, 4), bool(self.is_group[t]))
                    for t, score in chosen
                ]
            )
        return out


# How much the words a text shares with a topic's examples add to its similarity in meaning.
# Chosen on the development split only (bench/semantics.py): hit@1 0.66 -> 0.74, hit@3
# 0.91 -> 0.96, with both halves of that split improving alike for any weight from 0.5 to
# 1.0; the test split was measured once, afterwards.
WORDS_WEIGHT = 0.6
# Words are compared by their first six letters: a crude stem that lets plurals,
# conjugations and Dutch compounds meet ("planning", "planningen"; "voorspel", "voorspellen")
# without a stemmer per language.
STEM_LETTERS = 6


def _stems(text: str) -> list[str]:
    return [
        word[:STEM_LETTERS] for word in _WORD.findall((text or "").lower()) if meaningful_term(word)
    ]


@dataclass(frozen=True)
class TopicWords:
    """Each topic's examples as one bag of word stems, weighted by tf-idf across the topics:
    a word that only one topic's examples use ("chatbot", "rooster", "camera") says much
    about a text that uses it, a word every topic uses says nothing.

    Why next to meaning: the sentence model sees what a long story is about in general, and
    misses the one telling word in it (a text about an injection-moulding line where "two
    people look at every part all day" is visual inspection)."""

    vocabulary: Mapping[str, int]
    idf: np.ndarray  # float32[V]
    topics: np.ndarray  # float32[T, V], unit rows

    @classmethod
    def build(cls, texts_per_topic: Sequence[Sequence[str]]) -> TopicWords:
        counts = [
            Counter(stem for text in texts for stem in _stems(text)) for texts in texts_per_topic
        ]
        vocabulary: dict[str, int] = {}
        for counted in counts:
            for stem in counted:
                vocabulary.setdefault(stem, len(vocabulary))
        in_topics = np.zeros(len(vocabulary), dtype=np.float32)
        for counted in counts:
            in_topics[[vocabulary[stem] for stem in counted]] += 1
        idf = np.log(max(len(counts), 1) / np.maximum(in_topics, 1)).astype(np.float32)
        topics = unit_rows(_tf_idf_rows(counts, vocabulary, idf))
        return cls(vocabulary=vocabulary, idf=idf, topics=topics)

    def similarities(self, texts: Sequence[str]) -> np.ndarray:
        """[n, T]: cosine of each text's stems (tf-idf) to each topic's; 0 for a text that
        shares no telling word with any topic."""
        counts = [Counter(_stems(text)) for text in texts]
        return unit_rows(_tf_idf_rows(counts, self.vocabulary, self.idf)) @ self.topics.T


def _tf_idf_rows(
    counts: Sequence[Counter], vocabulary: Mapping[str, int], idf: np.ndarray
) -> np.ndarray:
    """[n, V]: (1 + log count) x idf of each known stem, for each bag of stems."""
    rows = np.zeros((len(counts), len(vocabulary)), dtype=np.float32)
    for row, counted in enumerate(counts):
        for stem, count in counted.items():
            column = vocabulary.get(stem)
            if column is not None:
                rows[row, column] = (1.0 + np.log(count)) * idf[column]
    return rows


def topic_texts(
    examples: Mapping[str, Mapping[str, Sequence[str]]],
    topics: Sequence[tuple[str, str | None, str, str, str]],
) -> tuple[dict[str, list[str]], dict[str, str | None]]:
    """What is embedded per topic, for the platform and its benchmark alike: the topic's
    example statements in both languages, its plain descriptions and "name. description".
    `topics`: (slug, parent slug or None, Dutch name, Dutch description, English
    description). Returns (texts per slug, parent per slug) for `TopicIndex.build`."""
    texts: dict[str, list[str]] = {}
    parent: dict[str, str | None] = {}
    for slug, parent_slug, name_nl, description_nl, description_en in topics:
        own = examples.get(slug, {})
        texts[slug] = [
            *own.get("nl", []),
            *own.get("en", []),
            *(text for text in (description_nl, description_en) if text),
            f"{name_nl}. {description_nl}".strip(". "),
        ]
        parent[slug] = parent_slug
    return texts, parent


def _softmax(values: np.ndarray, temperature: float) -> np.ndarray:
    scaled = (values - values.max()) / temperature
    weights = np.exp(scaled)
    return weights / weights.sum()


# --- Sentences, for reasons ------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)


def sentences(text: str, *, min_words: int = 4) -> list[str]:
    """The sentences of `text` with at least `min_words` words (shorter ones say too little
    to quote as a reason)."""
    parts = (part.strip() for part in _SENTENCE_END.split(text or ""))
    return [part for part in parts if len(_WORD.findall(part)) >= min_words]


def shorten(sentence: str, *, max_chars: int = 160) -> str:
    """At most `max_chars`, cut at a word boundary with an ellipsis."""
    sentence = " ".join(sentence.split())
    if len(sentence) <= max_chars:
        return sentence
    cut = sentence[: max_chars - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def best_sentence(
    target: np.ndarray, candidates: Sequence[str], candidate_vectors: np.ndarray
) -> tuple[str, float] | None:
    """The candidate sentence closest in meaning to `target` (a unit vector), with its
    cosine; None without candidates."""
    if not candidates:
        return None
    cosines = unit_rows(candidate_vectors) @ np.asarray(target, dtype=np.float32)
    best = int(np.argmax(cosines))
    return candidates[best], float(cosines[best])


# --- Words fit to show as a reason -------------------------------------------------------------

_STOP_WORDS_FILE = Path(__file__).resolve().parent / "data" / "stop_words.txt"


@functools.cache
def _stop_words() -> frozenset[str]:
    lines = _STOP_WORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines[1:] if line.strip())


# The same few thousand lexemes come back in every challenge's reasons: each is judged once
# (a single challenge's reasons asked about 550 of them, character by character, each time).
@functools.lru_cache(maxsize=65536)
def meaningful_term(term: str) -> bool:
    """Whether a word (or stemmed lexeme) says something to a reader: not a Dutch or English
    stop word, not a fragment of one or two letters, not a number or code with digits."""
    term = (term or "").strip().lower()
    if len(term) <= 2 or any(ch.isdigit() for ch in term):
        return False
    if not all(ch.isalpha() or ch in "-'" for ch in term):
        return False
    return term not in _stop_words()


class VectorTable:
    """Unit vectors by integer id, held in memory for similarity search: rows are added or
    replaced in batches (`upsert`), and `nearest` answers the ids most similar to a query.

    Stored as 8-bit codes with a scale per row (a quarter of the memory: 51 MB for 100 000
    texts of 512 dimensions; a similarity is off by at most about 0.002) and multiplied as
    float32 a block at a time, through a buffer each thread keeps. Codes widen to float32
    three times as fast as float16 did (30 against 80 ms a query at 100 000 texts), which was
    most of a search's time by meaning. New rows go to a block of their own, replaced rows
    are written in place, so an update never copies the whole table; blocks are merged once
    there are many. The caller serialises `upsert`; a concurrent `nearest` sees each row
    either before or after its update.
    """

    MAX_BLOCKS = 16
    ROWS_PER_PRODUCT = 16384

    def __init__(self, dimensions: int):
        self.dimensions = dimensions
        # (ids, codes, scales): a row's vector is codes * scale.
        self._blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._where: dict[int, tuple[int, int]] = {}
        self._buffers = threading.local()

    def __len__(self) -> int:
        return len(self._where)

    @staticmethod
    def quantised(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """8-bit codes and a float32 scale per row, rounding to the nearest code."""
        vectors = np.asarray(vectors, dtype=np.float32)
        scales = np.abs(vectors).max(axis=1) / 127.0
        scales[scales == 0] = 1.0
        codes = np.rint(vectors / scales[:, None]).astype(np.int8)
        return codes, scales.astype(np.float32)

    def upsert(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        if not len(ids):
            return
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimensions)
        codes, scales = self.quantised(vectors)
        new_ids, new_rows = [], []
        for position, object_id in enumerate(ids):
            where = self._where.get(int(object_id))
            if where is None:
                new_ids.append(int(object_id))
                new_rows.append(position)
            else:
                _ids, block_codes, block_scales = self._blocks[where[0]]
                block_codes[where[1]] = codes[position]
                block_scales[where[1]] = scales[position]
        if new_ids:
            block = (np.asarray(new_ids, dtype=np.int64), codes[new_rows], scales[new_rows])
            for row, object_id in enumerate(new_ids):
                self._where[object_id] = (len(self._blocks), row)
            self._blocks = [*self._blocks, block]
        if len(self._blocks) > self.MAX_BLOCKS:
            self._merge()

    def _merge(self) -> None:
        ids, codes, scales = (np.concatenate(parts) for parts in zip(*self._blocks, strict=True))
        self._where = {int(object_id): (0, row) for row, object_id in enumerate(ids)}
        self._blocks = [(ids, codes, scales)]

    def _buffer(self, rows: int) -> np.ndarray:
        buffer = getattr(self._buffers, "rows", None)
        if buffer is None or len(buffer) < rows:
            buffer = np.empty((rows, self.dimensions), dtype=np.float32)
            self._buffers.rows = buffer
        return buffer[:rows]

    def _similarities(self, query: np.ndarray) -> np.ndarray:
        parts = []
        for _ids, codes, scales in self._blocks:
            for start in range(0, len(codes), self.ROWS_PER_PRODUCT):
                block = codes[start : start + self.ROWS_PER_PRODUCT]
                widened = self._buffer(len(block))
                np.copyto(widened, block, casting="unsafe")
                parts.append((widened @ query) * scales[start : start + len(block)])
        return np.concatenate(parts) if parts else np.empty(0, dtype=np.float32)

    def nearest(
        self, query: np.ndarray, *, limit: int, floor: float, of_best: float = 0.0
    ) -> list[tuple[int, float]]:
        """Up to `limit` (id, similarity) pairs with similarity >= `floor` and >= `of_best`
        times the best one's, most similar first (ties by id, so the order is stable)."""
        blocks = self._blocks
        if not blocks or limit <= 0:
            return []
        query = np.asarray(query, dtype=np.float32).reshape(self.dimensions)
        ids = np.concatenate([block[0] for block in blocks])
        scores = self._similarities(query)
        if not len(scores):
            return []
        floor = max(floor, of_best * float(scores.max()))
        candidates = np.flatnonzero(scores >= floor)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit - 1)[:limit]]
        order = sorted(candidates.tolist(), key=lambda i: (-float(scores[i]), int(ids[i])))
        return [(int(ids[i]), float(scores[i])) for i in order]


def reciprocal_rank_fusion(*rankings: Sequence[int], k: int = 60) -> list[tuple[int, float]]:
    """Rankings of ids fused by reciprocal rank (Cormack et al. 2009): each list adds
    1 / (k + position) for its ids. Best first, ties by id."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for position, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + position)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))
