"""The semantic core on its own (no database): the real model, small fixed cases."""

import numpy as np
import pytest

from apps.semantics.core import TopicIndex, best_sentence, sentences, shorten, unit_rows
from apps.semantics.model import UniversalSentenceEncoder


@pytest.fixture(scope="module")
def embedder():
    return UniversalSentenceEncoder()


def test_embeddings_are_unit_rows_and_deterministic(embedder):
    texts = ["Wij willen weten hoeveel brood we morgen moeten bakken.", "Roosters maken"]
    first, second = embedder.embed(texts), embedder.embed(list(reversed(texts)))[::-1]
    assert first.dtype == np.float32 and first.shape == (2, embedder.dimensions)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    assert np.allclose(first, second, atol=1e-6)  # the same text, the same vector
    assert embedder.embed([]).shape == (0, embedder.dimensions)


def test_a_paraphrase_is_closer_than_a_text_sharing_words(embedder):
    question, paraphrase, shares_words = embedder.embed(
        [
            "Klanten mailen ons steeds dezelfde vragen over hun bestelling.",
            "Een digitale assistent die vragen van klanten beantwoordt.",
            "Wij bezorgen bestellingen met de fiets in de binnenstad.",
        ]
    )
    assert question @ paraphrase > question @ shares_words


def test_a_dutch_text_is_close_to_its_english_translation(embedder):
    dutch, english, other = embedder.embed(
        [
            "We willen voorspellen wanneer een machine kapot gaat.",
            "We want to predict when a machine will break down.",
            "Our staff need training in using spreadsheets.",
        ]
    )
    assert dutch @ english > 0.6
    assert dutch @ english > dutch @ other + 0.2


def test_suggestions_are_leaves_best_first_with_scores_in_0_1(embedder):
    index = TopicIndex.build(
        embedder,
        {
            "vision": ["Iets met camerabeelden."],
            "visual-inspection": [
                "Camera's die krassen op producten vinden.",
                "Fouten in lassen zien.",
            ],
            "route": ["De kortste route voor onze bezorgers.", "Planning van ritten."],
            "planning": ["Iets met plannen."],
        },
        {"vision": None, "visual-inspection": "vision", "route": "planning", "planning": None},
    )
    [suggestions] = index.suggest(embedder.embed(["Welke volgorde rijden onze busjes het beste?"]))
    assert suggestions[0].topic == "route"
    assert not any(s.is_group for s in suggestions)
    assert len(suggestions) >= 2  # as many leaves as there are
    assert all(0.0 <= s.score <= 1.0 for s in suggestions)
    assert [s.score for s in suggestions] == sorted((s.score for s in suggestions), reverse=True)


def test_sentences_best_sentence_and_shorten():
    text = "Wij zijn een lectoraat. We bouwen modellen die vraag voorspellen voor bakkerijen! Ok."
    assert sentences(text) == [
        "Wij zijn een lectoraat.",
        "We bouwen modellen die vraag voorspellen voor bakkerijen!",
    ]
    vectors = unit_rows(np.array([[1.0, 0.0], [0.6, 0.8]]))
    assert best_sentence(np.array([0.0, 1.0]), ["a", "b"], vectors)[0] == "b"
    assert best_sentence(np.array([0.0, 1.0]), [], np.zeros((0, 2))) is None
    long = "woord " * 60
    short = shorten(long, max_chars=40)
    assert len(short) <= 40 and short.endswith("…") and "  " not in short
