"""Quality and speed of the semantic features: `make bench BENCH=semantics`.

On the labelled data in bench/data/semantics (written for this project, never used to tune
on where it says "test"):

- topic suggestions: hit@1 and hit@3 on the test split of statements.jsonl (a hit: a gold
  topic among the first 1 / 3 suggestions), with the development split alongside;
- search: mean reciprocal rank of the challenge each query must find (search.json), for
  today's PostgreSQL full-text search (Dutch + English, the directory's query rules), for
  semantic similarity alone, and for the two fused by reciprocal rank fusion, in the same
  run;
- supplier pairs (pairs.json): how often the supplier that means the same ranks above the
  one that only shares words, for semantic similarity and for today's tf-idf (word overlap,
  as in the matching engine), in the same run;
- speed and cost: model load time, peak memory added, topic-suggestion latency for one
  text (p50/p95, warm), and embedding throughput (texts per second, one core).

Progress on stderr; the last stdout line is one JSON object (bench/README.md).
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from apps.semantics.core import TopicIndex, topic_texts  # noqa: E402 - after the path is set
from apps.semantics.model import UniversalSentenceEncoder  # noqa: E402

DATA = BASE_DIR / "bench" / "data" / "semantics"
EXAMPLES = BASE_DIR / "apps" / "semantics" / "data" / "topic_examples.json"
TARGETS = {"topic_hit3_test": 0.90, "topic_hit1_test": 0.70, "suggest_p95_ms": 50}
STARTED = time.perf_counter()
RRF_K = 60


def log(message: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:7.1f}s] {message}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def taxonomy_topics():
    """(slug, parent, Dutch name, Dutch description, English description) from the
    reference-data migration, so the benchmark needs no database for the topics."""
    path = BASE_DIR / "apps" / "taxonomy" / "migrations" / "0002_reference_data.py"
    spec = importlib.util.spec_from_file_location("reference_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for group, group_nl, _en, leaves in module.TOPICS:
        yield group, None, group_nl, "", ""
        for slug, name_nl, _name_en, plain_nl, plain_en in leaves:
            yield slug, group, name_nl, plain_nl, plain_en


def platform_topic_texts() -> tuple[dict[str, list[str]], dict[str, str | None]]:
    """What the platform embeds per topic (the same `topic_texts` as
    apps.semantics.services.topic_index)."""
    examples = json.loads(EXAMPLES.read_text(encoding="utf-8"))["topics"]
    return topic_texts(examples, list(taxonomy_topics()))


def topic_hits(index: TopicIndex, embedder, rows: list[dict]) -> dict[str, float]:
    texts = [row["text"] for row in rows]
    suggestions = index.suggest(embedder.embed(texts), texts=texts, limit=3)
    hit1 = sum(s[0].topic in row["topics"] for s, row in zip(suggestions, rows, strict=True))
    hit3 = sum(
        bool({x.topic for x in s[:3]} & set(row["topics"]))
        for s, row in zip(suggestions, rows, strict=True)
    )
    return {"hit1": round(hit1 / len(rows), 3), "hit3": round(hit3 / len(rows), 3)}


# --- Search ---------------------------------------------------------------------------------


def fts_rankings(challenges: list[dict], queries: list[dict]) -> list[list[str]]:
    """Today's full-text search: the directory's query rules (apps.core.search) over a
    temporary table with the same bilingual search document."""
    import psycopg

    from apps.core.search import SEARCH_CONFIGS, _query_text

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    functions = {"raw": "to_tsquery", "websearch": "websearch_to_tsquery"}
    rankings = []
    with psycopg.connect(url) as connection:
        connection.execute(
            "CREATE TEMP TABLE bench_search (id text, document tsvector) ON COMMIT DROP"
        )
        for challenge in challenges:
            text = f"{challenge['title']} {challenge['description']}"
            connection.execute(
                "INSERT INTO bench_search VALUES (%s, to_tsvector('dutch', %s) || "
                "to_tsvector('english', %s))",
                [challenge["id"], text, text],
            )
        for query in queries:
            parsed = _query_text(query["q"])
            if parsed is None:
                rankings.append([])
                continue
            source, kind = parsed
            function = functions[kind]
            tsquery = " || ".join(
                f"{function}('{config}'::regconfig, %(q)s)" for config in SEARCH_CONFIGS
            )
            rows = connection.execute(
                f"SELECT id FROM bench_search, (SELECT {tsquery}) AS q(query) "
                "WHERE document @@ query ORDER BY ts_rank(document, query) DESC, id",
                {"q": source},
            ).fetchall()
            rankings.append([row[0] for row in rows])
    return rankings


def semantic_rankings(embedder, challenges, queries) -> list[list[str]]:
    documents = embedder.embed([f"{c['title']}. {c['description']}" for c in challenges])
    vectors = embedder.embed([q["q"] for q in queries])
    ids = [c["id"] for c in challenges]
    return [[ids[i] for i in np.argsort(-(documents @ v), kind="stable")] for v in vectors]


def fused(*rankings: list[str]) -> list[str]:
    scores: Counter = Counter()
    for ranking in rankings:
        for position, item in enumerate(ranking):
            scores[item] += 1.0 / (RRF_K + position + 1)
    return [item for item, _score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))]


def mrr(rankings: list[list[str]], queries: list[dict]) -> float:
    total = 0.0
    for ranking, query in zip(rankings, queries, strict=True):
        positions = [ranking.index(r) for r in query["relevant"] if r in ranking]
        total += 1.0 / (min(positions) + 1) if positions else 0.0
    return round(total / len(queries), 3)


# --- Pairs ------------------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)


def tfidf_vectors(texts: list[str]) -> list[dict[str, float]]:
    """Word counts times idf over the given texts, unit length: the matching engine's text
    part today (which reads PostgreSQL's stemmed lexemes; lower-cased words here)."""
    documents = [Counter(_WORD.findall(text.lower())) for text in texts]
    frequency = Counter(word for document in documents for word in document)
    n = len(documents)
    vectors = []
    for document in documents:
        vector = {w: c * math.log((1 + n) / (1 + frequency[w])) + 1e-9 for w, c in document.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    return vectors


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    return sum(v * b.get(w, 0.0) for w, v in a.items())


def main() -> None:
    statements = [
        json.loads(line)
        for line in (DATA / "statements.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    search = json.loads((DATA / "search.json").read_text(encoding="utf-8"))
    pairs = json.loads((DATA / "pairs.json").read_text(encoding="utf-8"))["pairs"]
    result: dict = {"model": UniversalSentenceEncoder.version}

    before = rss_mb()
    started = time.perf_counter()
    embedder = UniversalSentenceEncoder()
    embedder.embed(["laden"])
    result["model_load_s"] = round(time.perf_counter() - started, 2)
    texts, parent = platform_topic_texts()
    started = time.perf_counter()
    index = TopicIndex.build(embedder, texts, parent)
    result["topic_index_build_s"] = round(time.perf_counter() - started, 2)
    result["memory_added_mb"] = round(rss_mb() - before, 1)
    log(
        f"model loaded in {result['model_load_s']} s, topic index in "
        f"{result['topic_index_build_s']} s, +{result['memory_added_mb']} MB"
    )

    for split in ("test", "dev"):
        rows = [row for row in statements if row["split"] == split]
        hits = topic_hits(index, embedder, rows)
        result[f"topic_hit1_{split}"] = hits["hit1"]
        result[f"topic_hit3_{split}"] = hits["hit3"]
        result[f"statements_{split}"] = len(rows)

    timings = []
    for row in statements[:120]:
        started = time.perf_counter()
        index.suggest(embedder.embed([row["text"]]), texts=[row["text"]], limit=5)
        timings.append((time.perf_counter() - started) * 1000)
    result["suggest_p50_ms"] = round(float(np.percentile(timings, 50)), 2)
    result["suggest_p95_ms"] = round(float(np.percentile(timings, 95)), 2)

    corpus = [row["text"] for row in statements] * 4
    started = time.perf_counter()
    for start in range(0, len(corpus), 64):
        embedder.embed(corpus[start : start + 64])
    result["embed_texts_per_s"] = round(len(corpus) / (time.perf_counter() - started), 1)

    challenges, queries = search["challenges"], search["queries"]
    semantic = semantic_rankings(embedder, challenges, queries)
    result["search_mrr_semantic"] = mrr(semantic, queries)
    try:
        fts = fts_rankings(challenges, queries)
    except Exception as error:
        log(f"full-text search not measured: {error}")
        fts = None
    if fts is not None:
        result["search_mrr_fulltext"] = mrr(fts, queries)
        result["search_mrr_hybrid"] = mrr(
            [fused(a, b) for a, b in zip(fts, semantic, strict=True)], queries
        )
        result["search_queries_without_fulltext_result"] = sum(1 for r in fts if not r)
    by_kind: dict[str, list[int]] = {}
    for i, query in enumerate(queries):
        by_kind.setdefault(query["kind"], []).append(i)
    result["search_mrr_by_kind"] = {
        kind: {
            "semantic": mrr([semantic[i] for i in idx], [queries[i] for i in idx]),
            **(
                {"fulltext": mrr([fts[i] for i in idx], [queries[i] for i in idx])}
                if fts is not None
                else {}
            ),
        }
        for kind, idx in sorted(by_kind.items())
    }

    pair_texts = [t for p in pairs for t in (p["challenge"], p["same_meaning"], p["shared_words"])]
    vectors = embedder.embed(pair_texts).reshape(len(pairs), 3, -1)
    result["pairs"] = len(pairs)
    result["pair_accuracy_semantic"] = round(
        float(np.mean([v[0] @ v[1] > v[0] @ v[2] for v in vectors])), 3
    )
    sparse = tfidf_vectors(pair_texts)
    result["pair_accuracy_tfidf"] = round(
        float(
            np.mean(
                [
                    cosine(sparse[3 * i], sparse[3 * i + 1])
                    > cosine(sparse[3 * i], sparse[3 * i + 2])
                    for i in range(len(pairs))
                ]
            )
        ),
        3,
    )
    result["targets_missed"] = [
        key
        for key, bound in TARGETS.items()
        if (result[key] > bound if key.endswith("_ms") else result[key] < bound)
    ]
    for key, value in result.items():
        if not isinstance(value, dict):
            log(f"{key}: {value}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
