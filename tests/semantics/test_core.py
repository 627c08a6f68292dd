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


def test_topic_words_count_the_telling_words_a_text_shares_with_a_topics_examples():
    from apps.semantics.core import TopicWords

    words = TopicWords.build(
        [
            ["Een chatbot die vragen van klanten beantwoordt.", "Klanten stellen vragen."],
            ["Het rooster van de verzorgenden plannen.", "Planning van diensten."],
            ["Vragen over de planning van klanten."],  # shares common words with both
        ]
    )

    chatbot, roster, nothing = words.similarities(
        [
            "Kan een chatbot dit oplossen?",
            "Wij maken elke week roosters voor de zorg.",  # "roosters" meets "rooster"
            "de het een en of 12 ab",  # stop words, a number, a fragment
        ]
    )

    assert chatbot.argmax() == 0 and chatbot[0] > 0.3
    assert roster.argmax() == 1 and roster[1] > 0.3
    assert not nothing.any()
    mixed = words.similarities(["klanten planning"])
    assert np.all((mixed >= 0) & (mixed <= 1 + 1e-6)) and mixed.any()


def test_the_words_a_text_shares_with_a_topic_raise_that_topic(embedder):
    """A telling word only one topic's examples use ("spuitgiet...") raises that topic's
    score once the text itself is given, not only its vector."""
    index = TopicIndex.build(
        embedder,
        {
            "route": ["De kortste route voor onze bezorgers.", "Planning van ritten."],
            "inspection": ["Onderdelen uit de spuitgietmachine controleren op fouten."],
            "work": ["Iets in ons bedrijf."],
        },
        {"route": "work", "inspection": "work", "work": None},
    )
    text = "Twee mensen bekijken de hele dag onze spuitgietonderdelen."
    vectors = embedder.embed([text])
    [by_meaning] = index.suggest(vectors)
    [with_words] = index.suggest(vectors, texts=[text])

    def score(suggestions, topic):
        return next(s.score for s in suggestions if s.topic == topic)

    assert score(with_words, "inspection") > score(by_meaning, "inspection")
    assert with_words[0].topic == "inspection"


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def test_the_vector_table_keeps_8_bit_codes_close_to_the_exact_similarities():
    from apps.semantics.core import VectorTable

    rng = np.random.default_rng(7)
    vectors = _unit(rng.standard_normal((3000, 64)))
    table = VectorTable(64)
    table.ROWS_PER_PRODUCT = 1000  # several blocks and products, as at full size
    table.upsert(list(range(1000)), vectors[:1000])
    table.upsert(list(range(1000, 3000)), vectors[1000:])
    query = _unit((vectors[42] + 0.8 * vectors[7])[None, :])[0]

    found = table.nearest(query, limit=3000, floor=0.0)
    exact = vectors @ query
    scores = dict(found)

    assert len(table) == 3000
    # Only rows within the quantisation error of the floor may fall on the other side.
    assert {i for i in range(3000) if exact[i] >= 0.01} <= set(scores)
    assert not {i for i in scores if exact[i] < -0.01}
    assert max(abs(score - exact[i]) for i, score in found) < 0.01
    assert [i for i, _ in found[:2]] == [42, 7]
    assert table._blocks[0][1].dtype == np.int8  # a quarter of float32's memory


def test_the_vector_table_replaces_a_row_in_place_and_keeps_ties_in_id_order():
    from apps.semantics.core import VectorTable

    table = VectorTable(2)
    table.upsert([5, 3, 9], np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]))
    table.upsert([5], np.array([[0.0, 1.0]]))  # 5 now points the other way

    assert len(table) == 3 and len(table._blocks) == 1  # written in place, not appended
    assert [i for i, _ in table.nearest(np.array([0.0, 1.0]), limit=5, floor=0.5)] == [3, 5, 9]
    assert table.nearest(np.array([1.0, 0.0]), limit=5, floor=0.5) == []
    assert table.nearest(np.array([0.0, 1.0]), limit=2, floor=0.5)[0] == (3, 1.0)
